//! The demo's HTML, rendered on the server with maud. The only style sheet
//! and script are `/assets/demo.css` and `/assets/demo.js`.

use inzant_reset_axum::{template, time_element};
use inzant_reset_core::status::{RequestStatus, ResetStatus};
use inzant_reset_core::user::{User, UserType};
use inzant_reset_core::words::{Text, Words};
use maud::{DOCTYPE, Markup, html};

use crate::chart::{self, SERIES_CLASSES};
use crate::gate::{encode_segment, user_page};
use crate::session::Flash;
use crate::trend::{self, SERIES, Trend};

/// The password resets' trend page ("Password resets" in the sidebar).
pub const PASSWORD_RESETS_PATH: &str = "/admin/password-resets";

/// What the login page says above its form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoginNotice {
    /// Nothing.
    None,
    /// Arrived from a completed reset (`?reset=done`).
    ResetDone,
    /// Signed out.
    SignedOut,
    /// Wrong username or password (and anything else that must not be told apart).
    Incorrect,
    /// A device user with the right password.
    DeviceUser,
    /// The server could not check the password.
    Unavailable,
    /// Too many sign-in attempts for the account or from the address.
    Throttled {
        /// Seconds until another attempt is allowed.
        retry_after_secs: u64,
    },
    /// The form was posted from another site (login CSRF).
    CrossSite,
}

/// The name shown for a user type.
pub fn type_label(user_type: UserType) -> &'static str {
    match user_type {
        UserType::Admin => "Admin",
        UserType::Web => "Web",
        UserType::Device => "Device",
    }
}

fn page(title: &str, body_class: &str, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Inzant Sales" }
                link rel="stylesheet" href="/assets/demo.css";
                script src="/assets/demo.js" defer {}
            }
            body class=(body_class) { (content) }
        }
    }
}

/// The sign-in page.
pub fn login(notice: &LoginNotice, username: &str, elsewhere: Option<&str>) -> Markup {
    page(
        "Sign In",
        "plain",
        html! {
            main.card {
                p.brand { "Inzant Sales" }
                h1 { "Sign In" }
                @match notice {
                    LoginNotice::ResetDone => p.notice.success role="status" {
                        "Your password has been changed. Sign in with your new password."
                    },
                    LoginNotice::SignedOut => p.notice.success role="status" { "You have signed out." },
                    LoginNotice::Incorrect => p.notice.error role="alert" {
                        "The username or password is incorrect."
                    },
                    LoginNotice::DeviceUser => p.notice.info role="alert" {
                        "Device users cannot sign in to this website. Sign in from the Inzant Sales Plus or \
                         Inzant Tradeshow app with your username and password."
                    },
                    LoginNotice::Unavailable => p.notice.error role="alert" {
                        "Signing in is not possible right now. Try again in a moment."
                    },
                    LoginNotice::Throttled { retry_after_secs } => p.notice.error role="alert" {
                        (throttled_message(*retry_after_secs))
                    },
                    LoginNotice::CrossSite => p.notice.error role="alert" {
                        "This sign-in form was sent from another site, so it was refused. \
                         Open the sign-in page of this site and sign in there."
                    },
                    LoginNotice::None => {},
                }
                (public_address_hint(elsewhere))
                form method="post" action="/login" {
                    label for="username" { "Username" }
                    input #username type="email" name="username" value=(username) autocomplete="username"
                        autocapitalize="none" spellcheck="false" required autofocus[username.is_empty()];
                    label for="password" { "Password" }
                    input #password type="password" name="password" autocomplete="current-password" required
                        autofocus[!username.is_empty()];
                    button.primary type="submit" { "Sign In" }
                }
                p.hint {
                    "Forgot your password? Ask your administrator to send you a password reset email."
                }
            }
        },
    )
}

/// What a throttled sign-in is told (the page and the apps' JSON alike).
pub fn throttled_message(retry_after_secs: u64) -> String {
    let wait = match retry_after_secs {
        0 | 1 => "a second".to_owned(),
        2..=90 => format!("{retry_after_secs} seconds"),
        _ => format!("{} minutes", retry_after_secs.div_ceil(60)),
    };
    format!("Too many sign-in attempts. Try again in {wait}.")
}

/// When the page was opened at another address than the public URL: where
/// to go instead, since the admin's forms only work from the public origin.
fn public_address_hint(public_url: Option<&str>) -> Markup {
    html! {
        @if let Some(url) = public_url {
            p.notice.info role="note" {
                "You opened this demo at a different address than its public URL, "
                a href={ (url) "/login" } { (url) }
                " (INZANT_PUBLIC_URL). Use that address: admin actions are refused from any other."
            }
        }
    }
}

fn sign_out_form() -> Markup {
    html! {
        form.signout method="post" action="/logout" {
            button.link type="submit" { "Sign Out" }
        }
    }
}

/// A web user's start page.
pub fn home(user: &User) -> Markup {
    page(
        "Home",
        "plain",
        html! {
            main.card {
                p.brand { "Inzant Sales" }
                h1 { "Welcome, " (user.display_name) }
                p { "You are signed in to Inzant Sales as " strong { (user.username) } "." }
                @if user.user_type == UserType::Admin {
                    p { a href="/admin/users" { "Go to User Search" } }
                }
                (sign_out_form())
            }
        },
    )
}

/// The admin site's sections, as the sidebar lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    /// User Search and User Details.
    Users,
    /// The password resets' trend.
    PasswordResets,
}

/// The admin site's frame: top bar, sidebar with "Users" and "Password
/// resets" (`current` marked as the page's), main content.
fn admin_page(title: &str, admin: &User, current: Section, content: Markup) -> Markup {
    let here = |section: Section| (section == current).then_some("page");
    page(
        title,
        "admin",
        html! {
            header.topbar {
                a.brand href="/admin/users" { "Inzant Sales" }
                span.who { "Signed in as " (admin.display_name) }
                (sign_out_form())
            }
            div.frame {
                nav.sidebar aria-label="Main" {
                    ul {
                        li { a href="/admin/users" aria-current=[here(Section::Users)] { "Users" } }
                        li {
                            a href=(PASSWORD_RESETS_PATH) aria-current=[here(Section::PasswordResets)] {
                                "Password resets"
                            }
                        }
                    }
                }
                main.content { (content) }
            }
        },
    )
}

fn flash_message(flash: Option<&Flash>) -> Markup {
    html! {
        @match flash {
            Some(Flash::Success(message)) => div.flash.success role="status" { (message) },
            Some(Flash::Error(message)) => div.flash.error role="alert" { (message) },
            None => {},
        }
    }
}

/// User Search: every user, with an Edit action each.
pub fn user_search(admin: &User, users: &[User], query: &str, flash: Option<&Flash>) -> Markup {
    let needle = query.trim().to_lowercase();
    let shown: Vec<&User> = users
        .iter()
        .filter(|user| {
            needle.is_empty()
                || user.display_name.to_lowercase().contains(&needle)
                || user.username.to_lowercase().contains(&needle)
                || user.email_to.as_deref().is_some_and(|e| e.to_lowercase().contains(&needle))
        })
        .collect();
    admin_page(
        "User Search",
        admin,
        Section::Users,
        html! {
            h1 { "User Search" }
            (flash_message(flash))
            form.search method="get" action="/admin/users" role="search" {
                label for="q" { "Search users" }
                input #q type="search" name="q" value=(query) placeholder="Name or email";
                button type="submit" { "Search" }
            }
            div.table-wrap {
                table.users {
                    thead {
                        tr {
                            th scope="col" { "Name" }
                            th scope="col" { "Username" }
                            th scope="col" { "Type" }
                            th scope="col" { "Email To" }
                            th.actions scope="col" { "Actions" }
                        }
                    }
                    tbody {
                        @for user in &shown {
                            tr {
                                td data-label="Name" { (user.display_name) }
                                td data-label="Username" { (user.username) }
                                td data-label="Type" { (type_label(user.user_type)) }
                                td data-label="Email To" { (user.email_to.as_deref().unwrap_or("—")) }
                                td.actions {
                                    a.edit href=(user_page(&user.id)) title={ "Edit " (user.display_name) } {
                                        "Edit"
                                    }
                                }
                            }
                        }
                        @if shown.is_empty() {
                            tr { td colspan="5" { "No users match “" (query) "”." } }
                        }
                    }
                }
            }
        },
    )
}

/// What User Details shows about the user's password resets.
pub enum ResetPanel<'a> {
    /// The status, and the words to show it in (the admin's language).
    Status(&'a ResetStatus, Words<'a>),
    /// The status could not be read (the database is down).
    Unavailable,
}

fn latest_request(words: &Words<'_>, latest: &RequestStatus) -> Markup {
    let sent = template(&words.status_sent(latest.purpose), |name| match name {
        "to" => Some(html! { (latest.sent_to) }),
        "by" => Some(html! { (latest.sent_by.name()) }),
        "time" => Some(time_element(words, latest.sent_at)),
        _ => None,
    });
    let ended = latest.ended_at.map(|at| {
        template(&words.status_ended(latest.state, latest.attempts_used), |name| {
            (name == "time").then(|| time_element(words, at))
        })
    });
    let expires = template(&words.status_expires(), |name| {
        (name == "time").then(|| time_element(words, latest.expires_at))
    });
    let state_class = format!("reset-state reset-state-{}", latest.state.as_str());
    html! {
        p { strong class=(state_class) #reset-state { (words.request_state(latest.state)) } }
        p #reset-sent { (sent) }
        @if latest.is_live() {
            p #reset-expiry { (expires) " " (words.attempts_left(latest.attempts_left)) }
        } @else if let Some(ended) = ended {
            p #reset-ended { (ended) }
        }
    }
}

/// The "Password reset" panel: where the latest reset stands and the recent activity.
fn reset_panel(panel: &ResetPanel<'_>) -> Markup {
    match panel {
        ResetPanel::Unavailable => html! {
            section.reset-panel aria-labelledby="reset-panel-heading" {
                h2 #reset-panel-heading { "Password reset" }
                p.flash.error role="alert" { "Where this user's reset stands cannot be read right now." }
            }
        },
        ResetPanel::Status(status, words) => html! {
            section.reset-panel aria-labelledby="reset-panel-heading" lang=(words.language()) {
                h2 #reset-panel-heading { (words.text(Text::StatusHeading)) }
                @match &status.latest {
                    Some(latest) => (latest_request(words, latest)),
                    None => p #reset-state { (words.text(Text::StatusNone)) },
                }
                @if !status.recent.is_empty() {
                    h3 { (words.text(Text::RecentActivity)) }
                    ul.activity #reset-activity {
                        @for event in &status.recent {
                            li {
                                (time_element(words, event.at)) " — "
                                (words.password_event(event.kind, event.actor.as_ref().map_or("", |actor| actor.name())))
                            }
                        }
                    }
                }
            }
        },
    }
}

/// User Details: the user's fields (their language named in itself, from
/// `language`: the words their resets speak), the "More Options" menu and
/// the password reset panel.
pub fn user_details(
    admin: &User,
    user: &User,
    language: &Words<'_>,
    flash: Option<&Flash>,
    elsewhere: Option<&str>,
    panel: &ResetPanel<'_>,
) -> Markup {
    let action = format!("/admin/users/{}/reset-password", encode_segment(user.id.as_str()));
    let cancel = format!("/admin/users/{}/cancel-reset", encode_segment(user.id.as_str()));
    let live = matches!(panel, ResetPanel::Status(status, _) if status.latest.as_ref().is_some_and(RequestStatus::is_live));
    admin_page(
        &user.display_name,
        admin,
        Section::Users,
        html! {
            nav.breadcrumb aria-label="Breadcrumb" {
                a href="/admin/users" { "Users" } " › " span { (user.display_name) }
            }
            div.title-row {
                h1 { "User Details" }
                div.menu data-menu {
                    button.menu-button #more-options-button type="button" aria-haspopup="true"
                        aria-expanded="false" aria-controls="more-options" { "More Options" }
                    div.menu-items #more-options role="group" aria-labelledby="more-options-button" {
                        form method="post" action=(action) {
                            input type="hidden" name="purpose" value="reset";
                            button.menu-item type="submit" { "Reset Password" }
                        }
                        @if !user.has_password {
                            form method="post" action=(action) {
                                input type="hidden" name="purpose" value="create";
                                button.menu-item type="submit" { "Create Password" }
                            }
                        }
                        @if live {
                            form method="post" action=(cancel) {
                                button.menu-item type="submit" { "Cancel Reset" }
                            }
                        }
                    }
                }
            }
            (flash_message(flash))
            (public_address_hint(elsewhere))
            dl.details {
                dt { "Name" } dd { (user.display_name) }
                dt { "Username" } dd { (user.username) }
                dt { "Type" } dd { (type_label(user.user_type)) }
                dt { "Email To" } dd { (user.email_to.as_deref().unwrap_or("—")) }
                dt { "Language" } dd #user-language lang=(language.language()) { (language.text(Text::LanguageName)) }
                dt { "Password" } dd { @if user.has_password { "Set" } @else { "Not created yet" } }
            }
            p.hint {
                "Password emails go to the username, not the “Email To” address, in the user's language. "
                "Only the user can set their password, with the link and 6-digit code in that email."
                @if user.user_type == UserType::Device {
                    " Device users use their new password in the Inzant Sales Plus and Inzant Tradeshow apps."
                }
            }
            (reset_panel(panel))
        },
    )
}

/// "Password resets": the last 30 days of resets, per day, as a chart and
/// a table of the same figures, with the median time to complete.
/// `truncated` says the audit log held more events than were read.
pub fn password_resets(admin: &User, trend: &Trend, truncated: bool) -> Markup {
    let span = match (trend.days.first(), trend.days.last()) {
        (Some(first), Some(last)) => {
            format!("{} to {}", chart::long_date(first.date), chart::long_date(last.date))
        }
        _ => String::new(),
    };
    let totals = trend.totals();
    admin_page(
        "Password resets",
        admin,
        Section::PasswordResets,
        html! {
            h1 { "Password resets" }
            p.hint {
                "The last " (trend.days.len()) " days, " (span) ", by day in UTC, from the audit log: "
                "reset and create emails sent, and requests completed, expired (their time ran out unused), "
                "cancelled by an admin and locked after the last wrong code."
            }
            @if truncated {
                p.notice.info role="note" {
                    "The audit log holds more events in these days than this page reads, so the earliest "
                    "days show too little."
                }
            }
            dl.trend-summary #trend-summary {
                @for (name, total) in SERIES.iter().zip(totals) {
                    div { dt { (name) } dd { (total) } }
                }
                div {
                    dt { "Median time to complete" }
                    dd #median-time {
                        @match trend.median_time_to_complete {
                            Some(median) => {
                                time datetime=(trend::iso(median)) { (trend::spoken(median)) }
                                " " span.median-of { "(over " (trend.timed_completions) " completed)" }
                            }
                            None => "none completed",
                        }
                    }
                }
            }
            figure.trend-figure {
                div.scroll #trend-chart-region role="region" aria-label="Chart of password resets per day" tabindex="0" {
                    (chart::svg(trend, &format!("Password resets per day, {span} (UTC)"), "trend-chart"))
                }
                figcaption {
                    ul.trend-legend {
                        @for (name, class) in SERIES.iter().zip(SERIES_CLASSES) {
                            li { (chart::swatch(class)) (name) }
                        }
                    }
                }
            }
            div.table-wrap role="region" aria-labelledby="trend-table-caption" tabindex="0" {
                table.trend #trend-table {
                    caption #trend-table-caption { "Password resets per day, " (span) " (UTC)" }
                    thead {
                        tr {
                            th scope="col" { "Day" }
                            @for name in SERIES { th scope="col" { (name) } }
                        }
                    }
                    tbody {
                        @for day in &trend.days {
                            tr {
                                th scope="row" { time datetime=(day.date.to_string()) { (chart::short_date(day.date)) } }
                                @for figure in day.figures() { td { (figure) } }
                            }
                        }
                    }
                    tfoot {
                        tr {
                            th scope="row" { "Total" }
                            @for total in totals { td { (total) } }
                        }
                    }
                }
            }
        },
    )
}

/// A page of a card alone: the brand, `heading` and `content`.
fn card_page(title: &str, heading: &str, content: Markup) -> Markup {
    page(
        title,
        "plain",
        html! {
            main.card {
                p.brand { "Inzant Sales" }
                h1 { (heading) }
                (content)
            }
        },
    )
}

/// A page for signed-in users who are not admins.
pub fn forbidden(user: &User) -> Markup {
    card_page(
        "Not Allowed",
        "Not allowed",
        html! {
            p { "Only administrators can open this page. You are signed in as " (user.username) "." }
            p { a href="/home" { "Back to your home page" } }
            (sign_out_form())
        },
    )
}

/// The answer to a sign-out posted from another site: refused, and the
/// session kept; this page's own button signs out.
pub fn sign_out_refused() -> Markup {
    card_page(
        "Not Signed Out",
        "Not signed out",
        html! {
            p.notice.error role="alert" {
                "This sign-out was sent from another site, so it was refused. You are still signed in."
            }
            p { a href="/" { "Go to the start page" } }
            (sign_out_form())
        },
    )
}

/// The answer for unknown pages (and unknown users).
pub fn not_found(what: &str) -> Markup {
    card_page(
        "Not Found",
        "Not found",
        html! {
            p { (what) }
            p { a href="/" { "Go to the start page" } }
        },
    )
}

/// The answer to an admin action that failed on the server's side (the
/// mail server or the database down): what failed, and the way back.
pub fn action_failed(message: &str, back: &str) -> Markup {
    card_page(
        "Unavailable",
        "Not done",
        html! {
            p.notice.error role="alert" { (message) }
            p { "Try again in a moment." }
            p { a href=(back) { "Back to User Details" } }
        },
    )
}

/// The answer when the server cannot do its part.
pub fn unavailable() -> Markup {
    card_page(
        "Unavailable",
        "Unavailable",
        html! { p { "This page cannot be shown right now. Try again in a moment." } },
    )
}
