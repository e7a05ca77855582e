//! The reset pages' content, worded by the catalogues in the page's
//! language and wrapped in the host's [`PageLayout`]. Paths are relative so
//! the pages work under any mount path, and the link token is never written
//! into a page.

use axum::http::HeaderMap;
use inzant_reset_core::error::ResetError;
use inzant_reset_core::policy::{PasswordPolicy, Rule};
use inzant_reset_core::request::Purpose;
use inzant_reset_core::service::OpenedRequest;
use inzant_reset_core::words::{Piece, Text, Words};
use maud::{Markup, html};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::layout::{Page, PageLayout};

/// What every page needs: the words and the layout.
pub(crate) struct Chrome<'a> {
    pub(crate) words: Words<'a>,
    pub(crate) layout: &'a dyn PageLayout,
    /// The request's headers, handed to the layout.
    pub(crate) headers: &'a HeaderMap,
}

impl Chrome<'_> {
    fn page(&self, title: &str, body: Markup) -> Markup {
        let full_title = self.words.page_title(title);
        let language = self.words.language();
        let direction = self.words.direction();
        let head = html! {
            link rel="stylesheet" href="assets/reset.css";
            script src="assets/reset.js" defer {}
        };
        let body = html! { div class="inzant-reset" { (body) } };
        self.layout.render(Page {
            title: &full_title,
            name: title,
            language,
            direction,
            head,
            body,
            headers: self.headers,
        })
    }

    fn text(&self, text: Text) -> String {
        self.words.text(text)
    }
}

/// Renders a message split into [`Piece`]s (`Words::works_until`, say),
/// escaping its text and putting `markup(name)` in place of each variable
/// it knows; an unknown one is left out. For host pages that show the words
/// with markup in them, as the reset pages do.
pub fn template(pieces: &[Piece], markup: impl Fn(&str) -> Option<Markup>) -> Markup {
    html! {
        @for piece in pieces {
            @match piece {
                Piece::Literal(text) => (text),
                Piece::Placeholder(name) => @if let Some(markup) = markup(name) { (markup) },
            }
        }
    }
}

/// A `<time>` element: the words' rendering (in the page's language, UTC)
/// without JavaScript, the viewer's own time zone with it (on the reset
/// pages their script does this; a host page that shows one needs a script
/// of its own to read `time[data-local][datetime]`).
pub fn time_element(words: &Words<'_>, at: OffsetDateTime) -> Markup {
    // Whole seconds: HTML allows at most three digits of a fraction.
    let machine = at.replace_nanosecond(0).ok().and_then(|at| at.format(&Rfc3339).ok());
    html! { time datetime=[machine] data-local { (words.time(at)) } }
}

/// One language of the page's language switch.
pub(crate) struct LanguageLink {
    /// Its tag: `de`.
    pub(crate) tag: String,
    /// Its name in itself: "Deutsch".
    pub(crate) name: String,
}

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
    /// Every language the page can switch to.
    pub(crate) languages: Vec<LanguageLink>,
}

/// The reset (or create) form.
pub(crate) fn reset_form(chrome: &Chrome<'_>, view: &FormView<'_>) -> Markup {
    let words = chrome.words;
    let opened = view.opened;
    let heading = chrome.text(match opened.purpose {
        Purpose::Reset => Text::ResetHeading,
        Purpose::Create => Text::CreateHeading,
    });
    let name = if opened.display_name.trim().is_empty() { &opened.username } else { &opened.display_name };
    let intro = template(&words.form_intro(), |piece| match piece {
        "name" => Some(html! { strong { (name) } }),
        "username" => Some(html! { (opened.username) }),
        _ => None,
    });
    let works_until = template(&words.works_until(), |piece| {
        (piece == "time").then(|| time_element(&words, opened.expires_at))
    });
    let mismatch = words.refusal(&ResetError::PasswordsDiffer);
    let body = html! {
        @if view.languages.len() > 1 {
            nav class="languages" aria-label=(chrome.text(Text::LanguageSwitch)) {
                ul {
                    @for language in &view.languages {
                        li {
                            @if language.tag == words.language() {
                                a href={ "?lang=" (language.tag) } lang=(language.tag) hreflang=(language.tag)
                                    aria-current="true" { (language.name) }
                            } @else {
                                a href={ "?lang=" (language.tag) } lang=(language.tag) hreflang=(language.tag) {
                                    (language.name)
                                }
                            }
                        }
                    }
                }
            }
        }
        h1 { (heading) }
        p class="who" { (intro) }
        @if let Some(message) = &view.message {
            p class="message error" role="alert" id="form-message" { (message) }
        }
        form method="post" id="reset-form" autocomplete="off"
            data-min-level=(view.policy.minimum_level.as_str())
            data-match-text=(chrome.text(Text::PasswordsMatch)) data-mismatch-text=(mismatch) {
            input type="text" name="username" autocomplete="username" value=(opened.username)
                hidden readonly;
            div class="field" {
                label for="code" { (chrome.text(Text::CodeLabel)) }
                input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
                    maxlength="16" required value=(view.code) aria-describedby="code-help";
                small id="code-help" { (chrome.text(Text::CodeHelp)) }
            }
            div class="field" {
                label for="new_password" { (chrome.text(Text::NewPasswordLabel)) }
                div class="password-box" {
                    input id="new_password" name="new_password" type="password" autocomplete="new-password"
                        required aria-describedby="strength rules";
                    span id="strength" class="strength" aria-live="polite" {}
                }
                ul id="rules" class="rules" {
                    @for rule in view.policy.rules() {
                        li data-rule=(rule.as_str()) class=(if view.unmet.contains(&rule) { "unmet" } else { "" }) {
                            (words.rule(rule, view.policy))
                        }
                    }
                }
            }
            div class="field" {
                label for="confirm_password" { (chrome.text(Text::ConfirmPasswordLabel)) }
                input id="confirm_password" name="confirm_password" type="password"
                    autocomplete="new-password" required aria-describedby="match";
                span id="match" class="match" aria-live="polite" {}
            }
            button type="submit" id="save" { (chrome.text(Text::SaveButton)) }
            p class="expiry" {
                (works_until) " " (words.attempts_left(opened.attempts_left))
            }
        }
    };
    chrome.page(&heading, body)
}

/// A page for a link that cannot be used (any more).
pub(crate) fn dead_link(chrome: &Chrome<'_>, error: &ResetError) -> Markup {
    let words = chrome.words;
    let body = html! {
        h1 { (chrome.text(Text::DeadLinkHeading)) }
        p class="message error" role="alert" { (words.refusal(error)) }
        @if let Some(next) = words.next_step(error) {
            p { (next) }
        }
    };
    chrome.page(&chrome.text(Text::DeadLinkTitle), body)
}

/// The page for a failure on our side.
pub(crate) fn unavailable(chrome: &Chrome<'_>, error: &ResetError) -> Markup {
    let body = html! {
        h1 { (chrome.text(Text::UnavailableHeading)) }
        p class="message error" role="alert" { (chrome.words.refusal(error)) }
    };
    chrome.page(&chrome.text(Text::UnavailableTitle), body)
}

/// A form that could not even be read.
pub(crate) fn bad_request(chrome: &Chrome<'_>, message: &str) -> Markup {
    let body = html! {
        h1 { (chrome.text(Text::BadFormHeading)) }
        p class="message error" role="alert" { (message) }
        p { (chrome.text(Text::BadFormHelp)) }
    };
    chrome.page(&chrome.text(Text::BadFormTitle), body)
}

/// Where device users land after saving: they cannot sign in here.
pub(crate) fn device_complete(chrome: &Chrome<'_>) -> Markup {
    let body = html! {
        h1 { (chrome.text(Text::DeviceDoneHeading)) }
        p class="message success" role="status" { (chrome.text(Text::DeviceDoneMessage)) }
        p { (chrome.text(Text::DeviceDoneNote)) }
    };
    chrome.page(&chrome.text(Text::DeviceDoneTitle), body)
}
