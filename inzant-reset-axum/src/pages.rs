//! The HTML of the reset pages. Paths are relative so the router can be
//! nested under any prefix, and the link token is never written into a page.

use inzant_reset_core::email::format_utc;
use inzant_reset_core::error::ResetError;
use inzant_reset_core::policy::{PasswordPolicy, Rule};
use inzant_reset_core::request::Purpose;
use inzant_reset_core::service::OpenedRequest;
use maud::{DOCTYPE, Markup, html};

/// What the reset form shows besides the request itself.
pub(crate) struct FormView<'a> {
    pub(crate) opened: &'a OpenedRequest,
    pub(crate) policy: &'a PasswordPolicy,
    /// The error to show above the form, if any.
    pub(crate) message: Option<String>,
    /// Rules the last password failed, shown as unmet.
    pub(crate) unmet: Vec<Rule>,
    /// The code as typed, kept when the form comes back with an error.
    pub(crate) code: String,
}

fn layout(title: &str, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (title) " – Inzant Sales" }
                link rel="stylesheet" href="assets/reset.css";
                script src="assets/reset.js" defer {}
            }
            body {
                main class="card" { (content) }
            }
        }
    }
}

fn rules(policy: &PasswordPolicy) -> Vec<(Rule, String)> {
    let mut rules = vec![(Rule::MinLength, format!("At least {} characters", policy.min_length))];
    let switchable = [
        (policy.require_uppercase, Rule::Uppercase, "An upper-case letter"),
        (policy.require_lowercase, Rule::Lowercase, "A lower-case letter"),
        (policy.require_digit, Rule::Digit, "A number"),
        (policy.require_symbol, Rule::Symbol, "A symbol, such as ! or #"),
    ];
    rules.extend(
        switchable.into_iter().filter(|(on, _, _)| *on).map(|(_, rule, text)| (rule, text.to_owned())),
    );
    rules
}

/// The reset (or create) form.
pub(crate) fn reset_form(view: &FormView<'_>) -> Markup {
    let opened = view.opened;
    let heading = match opened.purpose {
        Purpose::Reset => "Reset your password",
        Purpose::Create => "Create your password",
    };
    layout(
        heading,
        html! {
            h1 { (heading) }
            p class="who" {
                "For " strong { (opened.display_name) } " (" (opened.username) ")."
                " Enter the 6-digit code from the email, then choose a new password."
            }
            @if let Some(message) = &view.message {
                p class="message error" role="alert" id="form-message" { (message) }
            }
            form method="post" action="" id="reset-form" autocomplete="off"
                data-min-level=(view.policy.minimum_level.as_str()) {
                input type="text" name="username" autocomplete="username" value=(opened.username)
                    hidden readonly;
                div class="field" {
                    label for="code" { "Code" }
                    input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
                        maxlength="16" required value=(view.code) aria-describedby="code-help";
                    small id="code-help" { "The 6 digits from the email." }
                }
                div class="field" {
                    label for="new_password" { "New Password" }
                    div class="password-box" {
                        input id="new_password" name="new_password" type="password" autocomplete="new-password"
                            required aria-describedby="strength rules";
                        span id="strength" class="strength" aria-live="polite" {}
                    }
                    ul id="rules" class="rules" {
                        @for (rule, text) in rules(view.policy) {
                            li data-rule=(rule.as_str()) class=(if view.unmet.contains(&rule) { "unmet" } else { "" }) {
                                (text)
                            }
                        }
                    }
                }
                div class="field" {
                    label for="confirm_password" { "Confirm New Password" }
                    input id="confirm_password" name="confirm_password" type="password"
                        autocomplete="new-password" required aria-describedby="match";
                    span id="match" class="match" aria-live="polite" {}
                }
                button type="submit" id="save" { "Save New Password" }
                p class="expiry" {
                    "This link and code work until "
                    (format_utc(opened.expires_at)) ". "
                    (opened.attempts_left) " code attempts left."
                }
            }
        },
    )
}

/// A page for a link that cannot be used (any more).
pub(crate) fn dead_link(error: &ResetError) -> Markup {
    layout(
        "Reset link not usable",
        html! {
            h1 { "This link cannot be used" }
            p class="message error" role="alert" { (error.to_string()) }
            @if let Some(next) = error.next_step() {
                p { (next) }
            }
        },
    )
}

/// The page for a failure on our side.
pub(crate) fn unavailable(error: &ResetError) -> Markup {
    layout(
        "Service unavailable",
        html! {
            h1 { "Something went wrong" }
            p class="message error" role="alert" { (error.to_string()) }
        },
    )
}

/// A form that could not even be read.
pub(crate) fn bad_request(message: &str) -> Markup {
    layout(
        "Form not accepted",
        html! {
            h1 { "The form could not be read" }
            p class="message error" role="alert" { (message) }
            p { "Go back to the reset page from the link in your email and try again." }
        },
    )
}

/// Where device users land after saving: they cannot sign in here.
pub(crate) fn device_complete() -> Markup {
    layout(
        "Password saved",
        html! {
            h1 { "Your new password is set" }
            p class="message success" role="status" {
                "Use your new password to sign in to the Inzant Sales Plus or Inzant Tradeshow app."
            }
            p { "Device users cannot sign in to this website; there is nothing more to do here." }
        },
    )
}
