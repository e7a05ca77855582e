//! Every word a person reads — pages, refusals, strength labels and rules,
//! both emails and the admin's answers — from message catalogues in
//! [Project Fluent](https://projectfluent.org) format, in the person's own
//! language.
//!
//! - [`Catalogues`] holds every language: English (the default), German,
//!   French and Spanish are shipped; a host adds languages or rewords ours
//!   with `.ftl` files, checked at start-up ([`CataloguesBuilder`]).
//! - [`Words`] is one language of them, with the facts every message may
//!   use (the [`Product`]): what the service hands to emails and pages.
//! - A reset speaks **one language**, chosen when it is sent from the
//!   person's [`User::locale`](crate::user::User::locale) (else the
//!   default) and stored with it: every page of its link and both emails use
//!   it, never the admin's browser language.
//!
//! The shipped English file, `locales/en.ftl` in this crate, lists every
//! message, the variables each is given and what they mean; a host file
//! holds only the messages it rewords:
//!
//! ```
//! use inzant_reset_core::words::{Catalogues, Product, Text};
//!
//! let catalogues = Catalogues::builder()
//!     .source("en", "acme-en.ftl", "save-button = Set password\n")
//!     .build()
//!     .unwrap();
//! let product = Product::inzant();
//! let words = catalogues.words("en", &product);
//! assert_eq!(words.text(Text::SaveButton), "Set password");
//! assert_eq!(words.text(Text::CodeLabel), "Code");
//! assert_eq!(catalogues.words("de", &product).text(Text::CodeLabel), "Code");
//! ```

mod catalogue;
mod check;
mod product;
mod pseudo;
mod text;

use std::borrow::Cow;

use fluent_bundle::{FluentArgs, FluentValue};
use icu_calendar::Date;
use icu_datetime::input::{DateTime, Time};
use time::OffsetDateTime;

pub use catalogue::{CatalogueError, Catalogues, CataloguesBuilder, Pseudo};
pub use product::Product;
pub use text::Text;

use crate::audit::AuditKind;
use crate::error::ResetError;
use crate::policy::{PasswordPolicy, Rule, StrengthLevel};
use crate::request::{AdminAction, Purpose};
use crate::state::RequestState;
use crate::user::User;
use catalogue::Language;

/// A value a message is given: text, or a number (which selects plurals).
#[derive(Clone, Debug, PartialEq)]
pub enum Arg<'a> {
    /// Text, shown as it is.
    Text(Cow<'a, str>),
    /// A number.
    Number(i64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(text: &'a str) -> Self {
        Self::Text(Cow::Borrowed(text))
    }
}

impl From<String> for Arg<'_> {
    fn from(text: String) -> Self {
        Self::Text(Cow::Owned(text))
    }
}

macro_rules! number_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg<'_> {
            fn from(number: $t) -> Self {
                Self::Number(i64::try_from(number).unwrap_or(i64::MAX))
            }
        }
    )*};
}
number_arg!(u32, u64, usize, i64);

/// A part of a message shown with markup in it: literal text (escaped by
/// HTML renderers) or the place of a variable the renderer fills.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// Text to show as it is.
    Literal(String),
    /// The variable named here goes in this place.
    Placeholder(String),
}

/// Private-use characters around a marked variable's name while a message
/// is formatted into [`Piece`]s; catalogues cannot contain them by accident.
const MARK_OPEN: char = '\u{F8F0}';
const MARK_CLOSE: char = '\u{F8F1}';

/// The words of one language, with the product they speak of. Cheap: two
/// references. Get one from [`Catalogues::words`] or the service.
#[derive(Clone, Copy, Debug)]
pub struct Words<'a> {
    language: &'a Language,
    product: &'a Product,
}

impl Catalogues {
    /// The words of language `tag` (the default one if there is no such
    /// language), speaking of `product`.
    pub fn words<'a>(&'a self, tag: &str, product: &'a Product) -> Words<'a> {
        match self.language(tag) {
            Some(language) => Words { language, product },
            // Catalogues always hold at least the default language.
            None => unreachable_without_languages(),
        }
    }
}

#[allow(clippy::panic)]
fn unreachable_without_languages() -> ! {
    panic!("catalogues without any language")
}

impl<'a> Words<'a> {
    /// The language's tag, for `<html lang>` and `Content-Language`: `de`.
    pub fn language(&self) -> &'a str {
        &self.language.tag
    }

    /// `rtl` for right-to-left languages, else `ltr`: for `<html dir>`.
    pub fn direction(&self) -> &'static str {
        if self.language.right_to_left { "rtl" } else { "ltr" }
    }

    /// The product these words speak of.
    pub fn product(&self) -> &'a Product {
        self.product
    }

    /// Message `id` given `args` (and `$product`). A message missing from
    /// the catalogues (only possible for ids the flow never asks for) is
    /// shown as its id.
    pub fn message(&self, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        let bundle = &self.language.bundle;
        let Some(pattern) = bundle.get_message(id).and_then(|message| message.value()) else {
            tracing::error!(id, language = %self.language.tag, "a message is missing from the catalogues");
            return id.to_owned();
        };
        let mut fluent_args = FluentArgs::new();
        fluent_args.set("product", self.product.name.as_str());
        for (name, value) in args {
            match value {
                Arg::Text(text) => fluent_args.set(*name, FluentValue::from(text.as_ref())),
                Arg::Number(number) => fluent_args.set(*name, FluentValue::from(*number)),
            }
        }
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
        if let Some(error) = errors.first() {
            tracing::error!(id, language = %self.language.tag, %error, "a message could not be formatted");
        }
        text.into_owned()
    }

    /// Message `id` split where the variables named in `marked` go, so a
    /// renderer can put markup (a `<strong>` name, a `<time>`) there and
    /// escape the rest. The marked variables need no value in `args`.
    pub fn pieces(&self, id: &str, args: &[(&str, Arg<'_>)], marked: &[&str]) -> Vec<Piece> {
        let mut all: Vec<(&str, Arg<'_>)> = args.to_vec();
        let marks: Vec<String> = marked.iter().map(|name| format!("{MARK_OPEN}{name}{MARK_CLOSE}")).collect();
        for (name, mark) in marked.iter().zip(&marks) {
            all.push((name, Arg::from(mark.as_str())));
        }
        let text = self.message(id, &all);
        let mut pieces = Vec::new();
        let mut rest = text.as_str();
        while let Some(open) = rest.find(MARK_OPEN) {
            let after = &rest[open + MARK_OPEN.len_utf8()..];
            let Some(close) = after.find(MARK_CLOSE) else { break };
            if open > 0 {
                pieces.push(Piece::Literal(rest[..open].to_owned()));
            }
            pieces.push(Piece::Placeholder(after[..close].to_owned()));
            rest = &after[close + MARK_CLOSE.len_utf8()..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Literal(rest.to_owned()));
        }
        pieces
    }

    /// A fixed piece of page copy.
    pub fn text(&self, text: Text) -> String {
        match text {
            Text::DeviceDoneMessage => {
                let apps = if self.product.apps.is_empty() {
                    self.product.name.clone()
                } else {
                    self.language.lists.format(self.product.apps.iter()).to_string()
                };
                self.message(text.id(), &[("apps", apps.into())])
            }
            _ => self.message(text.id(), &[]),
        }
    }

    /// The line under the form's heading, split where `$name` and
    /// `$username` go: "For {name} ({username}). Enter the 6-digit code …"
    pub fn form_intro(&self) -> Vec<Piece> {
        self.pieces("form-intro", &[], &["name", "username"])
    }

    /// The form's last line, split where `$time` goes: "This link and code
    /// work until {time}."
    pub fn works_until(&self) -> Vec<Piece> {
        self.pieces("works-until", &[], &["time"])
    }

    /// A live request's expiry on the admin's panel, split where `$time` goes.
    pub fn status_expires(&self) -> Vec<Piece> {
        self.pieces("status-expires", &[], &["time"])
    }

    /// A page's `<title>`: "Reset your password – Inzant Sales".
    pub fn page_title(&self, page: &str) -> String {
        self.message("page-title", &[("page", page.into())])
    }

    /// How many code attempts are left: "5 code attempts left."
    pub fn attempts_left(&self, attempts_left: u32) -> String {
        self.message("attempts-left", &[("count", attempts_left.into())])
    }

    /// A time as people read it in pages without JavaScript and in emails,
    /// in the language's own style, in UTC: "Friday, November 27, 2026 at
    /// 5:01 PM (UTC)", "Freitag, 27. November 2026 um 17:01 (UTC)".
    pub fn time(&self, at: OffsetDateTime) -> String {
        let utc = at.to_offset(time::UtcOffset::UTC);
        let date = Date::try_new_iso(utc.year(), u8::from(utc.month()), utc.day());
        let clock = Time::try_new(utc.hour(), utc.minute(), 0, 0);
        let formatted = match (date, clock) {
            (Ok(date), Ok(time)) => self.language.dates.format(&DateTime { date, time }).to_string(),
            // Outside ICU's range of years: the machine form still reads.
            _ => utc.to_string(),
        };
        self.message("time-utc", &[("time", formatted.into())])
    }

    /// A strength level's label: "Too Weak" … "Strong".
    pub fn strength_label(&self, level: StrengthLevel) -> String {
        self.message(
            match level {
                StrengthLevel::TooWeak => "strength-too-weak",
                StrengthLevel::Weak => "strength-weak",
                StrengthLevel::Acceptable => "strength-acceptable",
                StrengthLevel::Good => "strength-good",
                StrengthLevel::Strong => "strength-strong",
            },
            &[],
        )
    }

    /// A policy rule in the list under the password field.
    pub fn rule(&self, rule: Rule, policy: &PasswordPolicy) -> String {
        match rule {
            Rule::MinLength => self.message("rule-min-length", &[("min", policy.min_length.into())]),
            Rule::MaxLength => self.message("rule-max-length", &[("max", policy.max_length.into())]),
            Rule::Uppercase => self.message("rule-uppercase", &[]),
            Rule::Lowercase => self.message("rule-lowercase", &[]),
            Rule::Digit => self.message("rule-digit", &[]),
            Rule::Symbol => self.message("rule-symbol", &[]),
            Rule::NoUserDetails => self.message("rule-no-user-details", &[]),
            Rule::NoControlCharacters => self.message("rule-no-control-characters", &[]),
            Rule::NotBreached => self.message("rule-not-breached", &[]),
        }
    }

    /// zxcvbn's feedback (it speaks English) in this language. Text zxcvbn
    /// never gives is kept as it is.
    pub fn feedback(&self, english: &str) -> String {
        match text::feedback_id(english) {
            Some(id) => self.message(id, &[]),
            None => english.to_owned(),
        }
    }

    /// The sentence for a refusal, to the user on the reset page or to the
    /// admin: "The code is incorrect. 4 attempts left."
    pub fn refusal(&self, error: &ResetError) -> String {
        match error {
            ResetError::IncorrectCode { attempts_left } => {
                self.message("refusal-incorrect-code", &[("count", (*attempts_left).into())])
            }
            ResetError::Locked => self.message("refusal-locked", &[]),
            ResetError::Expired => self.message("refusal-expired", &[]),
            ResetError::AlreadyUsed => self.message("refusal-already-used", &[]),
            ResetError::Superseded => self.message("refusal-superseded", &[]),
            ResetError::Revoked => self.message("refusal-revoked", &[]),
            ResetError::Cancelled => self.message("refusal-cancelled", &[]),
            ResetError::HasPassword { display_name } => {
                self.message("refusal-has-password", &[("name", display_name.as_str().into())])
            }
            ResetError::NothingToCancel => self.message("refusal-nothing-to-cancel", &[]),
            ResetError::UnknownLink => self.message("refusal-unknown-link", &[]),
            ResetError::InvalidCode => self.message("refusal-invalid-code", &[]),
            ResetError::InvalidCharacters => self.message("refusal-invalid-characters", &[]),
            ResetError::PasswordsDiffer => self.message("refusal-passwords-differ", &[]),
            ResetError::TooWeak(report) if report.is_breached() => self.message("refusal-breached", &[]),
            ResetError::TooWeak(report) => {
                self.message("refusal-too-weak", &[("level", self.strength_label(report.level()).into())])
            }
            ResetError::BreachCheckUnavailable(_) => self.message("refusal-breach-check-unavailable", &[]),
            ResetError::TooLong { max } => self.message("refusal-too-long", &[("max", (*max).into())]),
            ResetError::NotAllowed { action } => {
                self.message("refusal-not-allowed", &[("action", action_name(*action).into())])
            }
            ResetError::UnknownUser => self.message("refusal-unknown-user", &[]),
            ResetError::Cooldown { retry_after_secs } => {
                self.message("refusal-cooldown", &[("seconds", (*retry_after_secs).into())])
            }
            ResetError::DailyLimit { max } => self.message("refusal-daily-limit", &[("max", (*max).into())]),
            ResetError::MailFailed { recipient, .. } => {
                self.message("refusal-mail-failed", &[("recipient", recipient.as_str().into())])
            }
            ResetError::PasswordNotSaved(_) => self.message("refusal-password-not-saved", &[]),
            ResetError::Hashing(_) => self.message("refusal-hashing", &[]),
            ResetError::Store(_) | ResetError::Directory(_) | ResetError::Randomness(_) => {
                self.message("refusal-unavailable", &[])
            }
        }
    }

    /// What to do about a dead link, shown under the refusal, if anything.
    pub fn next_step(&self, error: &ResetError) -> Option<String> {
        match error {
            ResetError::Expired | ResetError::AlreadyUsed | ResetError::Revoked | ResetError::UnknownLink => {
                Some(self.message("next-step-new-email", &[]))
            }
            ResetError::Superseded => Some(self.message("next-step-newest-email", &[])),
            _ => None,
        }
    }

    /// The admin's confirmation after a trigger: "A password reset email was
    /// sent to sam.web@inzant.example."
    pub fn sent(&self, purpose: Purpose, sent_to: &str) -> String {
        self.message("sent", &[("purpose", purpose.as_str().into()), ("recipient", sent_to.into())])
    }

    /// The admin's confirmation after cancelling the reset sent to `sent_to`.
    pub fn cancelled(&self, sent_to: &str) -> String {
        self.message("cancelled", &[("recipient", sent_to.into())])
    }

    /// The status's first line, split where `$to`, `$by` and `$time` go:
    /// "Reset email sent to {to} by {by} at {time}."
    pub fn status_sent(&self, purpose: Purpose) -> Vec<Piece> {
        self.pieces("status-sent", &[("purpose", purpose.as_str().into())], &["to", "by", "time"])
    }

    /// Where a request stands: "Waiting for the user", …
    pub fn request_state(&self, state: RequestState) -> String {
        self.message("request-state", &[("state", state.as_str().into())])
    }

    /// When a finished request ended, split where `$time` goes: "Completed at {time}."
    pub fn status_ended(&self, state: RequestState, attempts: u32) -> Vec<Piece> {
        self.pieces(
            "status-ended",
            &[("state", state.as_str().into()), ("attempts", attempts.into())],
            &["time"],
        )
    }

    /// One recent password event, `by` the admin who acted (or empty).
    pub fn password_event(&self, kind: AuditKind, by: &str) -> String {
        let kind = match kind {
            AuditKind::Issued { purpose: Purpose::Reset } => "issued-reset",
            AuditKind::Issued { purpose: Purpose::Create } => "issued-create",
            AuditKind::MailFailed => "mail-failed",
            AuditKind::Superseded => "superseded",
            AuditKind::WrongCode { .. } => "wrong-code",
            AuditKind::Locked => "locked",
            AuditKind::Completed => "completed",
            AuditKind::PasswordNotSaved => "password-not-saved",
            AuditKind::HookFailed => "hook-failed",
            AuditKind::NoticeFailed => "notice-failed",
            AuditKind::NoticeSent => "notice-sent",
            AuditKind::Cancelled => "cancelled",
            AuditKind::Expired => "expired",
        };
        self.message("password-event", &[("kind", kind.into()), ("by", by.into())])
    }

    /// The words of the reset (or create-password) email to `user`.
    pub fn reset_email(&self, user: &User, purpose: Purpose, expires_at: OffsetDateTime) -> ResetEmailCopy {
        let purpose_arg = || ("purpose", Arg::from(purpose.as_str()));
        let username = || ("username", Arg::from(user.username.as_str()));
        let name = || ("name", Arg::from(user.name()));
        ResetEmailCopy {
            subject: self.message("reset-email-subject", &[purpose_arg(), username()]),
            greeting: self.message("email-greeting", &[name()]),
            intro: self.message("reset-email-intro", &[purpose_arg(), username()]),
            open_link: self.message("reset-email-open-link", &[purpose_arg()]),
            enter_code: self.message("reset-email-enter-code", &[]),
            html_instructions: self.message("reset-email-html-instructions", &[purpose_arg()]),
            button: self.message("reset-email-button", &[purpose_arg()]),
            link_fallback: self.message("reset-email-link-fallback", &[]),
            validity: self.message("reset-email-validity", &[("time", self.time(expires_at).into())]),
            footer: self.message("reset-email-footer", &[name(), username()]),
        }
    }

    /// The words of the "password changed" notice to `user`.
    pub fn password_changed_email(&self, user: &User, changed_at: OffsetDateTime) -> NoticeCopy {
        let username = || ("username", Arg::from(user.username.as_str()));
        NoticeCopy {
            subject: self.message("notice-subject", &[username()]),
            greeting: self.message("email-greeting", &[("name", user.name().into())]),
            body: self.message("notice-body", &[username(), ("time", self.time(changed_at).into())]),
            warning: self.message("notice-warning", &[]),
        }
    }
}

fn action_name(action: AdminAction) -> &'static str {
    action.as_str()
}

/// The words of a reset (or create-password) email. The composer lays them
/// out: the plain-text part is `greeting`, `intro`, `open_link`, the link on
/// a line of its own, `enter_code`, the code on a line of its own,
/// `validity`, `footer`; the HTML part is the same with `html_instructions`,
/// the code, a `button` and `link_fallback` above the link.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResetEmailCopy {
    /// The subject line.
    pub subject: String,
    /// "Hello Sam Web,".
    pub greeting: String,
    /// Why the email was sent.
    pub intro: String,
    /// The line before the link in the plain-text part.
    pub open_link: String,
    /// The line before the code in the plain-text part.
    pub enter_code: String,
    /// The line before the code in the HTML part.
    pub html_instructions: String,
    /// The HTML part's button text.
    pub button: String,
    /// The HTML part's line before the spelled-out link.
    pub link_fallback: String,
    /// How long the link and code work.
    pub validity: String,
    /// Who the email is for, and whom to contact if it was not expected.
    pub footer: String,
}

/// The words of a "password changed" notice, one paragraph each.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct NoticeCopy {
    /// The subject line.
    pub subject: String,
    /// "Hello Sam Web,".
    pub greeting: String,
    /// What happened.
    pub body: String,
    /// What to do if it was not the user (shown in bold in HTML).
    pub warning: String,
}

#[cfg(test)]
mod tests;
