//! Every word a person reads: page copy, strength labels, rule texts,
//! refusals, and the emails' wording — in one replaceable place.
//!
//! The flow itself never writes a sentence for people: [`ResetError`]'s
//! `Display` is for developers and logs. What an admin or a user reads comes
//! from a [`Wording`], held by the service ([`crate::ResetService::wording`])
//! and used by the emails and by the web adapter's pages. [`English`] is the
//! default: the sentences Inzant Sales users know from its help desk.
//!
//! A host changes what it needs and keeps the rest by overriding single
//! methods; every default is also a public function of [`english`], so an
//! override can start from the default and adjust it.
//!
//! ```
//! use std::borrow::Cow;
//! use inzant_reset_core::words::{Text, Wording};
//!
//! #[derive(Debug)]
//! struct AcmeWords;
//!
//! impl Wording for AcmeWords {
//!     fn product_name(&self) -> Cow<'_, str> {
//!         "Acme CRM".into()
//!     }
//!     fn text(&self, text: Text) -> Cow<'_, str> {
//!         match text {
//!             Text::SaveButton => "Set password".into(),
//!             other => other.english().into(),
//!         }
//!     }
//! }
//!
//! assert_eq!(AcmeWords.text(Text::SaveButton), "Set password");
//! assert_eq!(AcmeWords.text(Text::CodeLabel), "Code");
//! ```
//!
//! Some texts are *templates* with named placeholders such as `{name}`
//! (see each method); [`fill`] replaces them, and HTML renderers put markup
//! (a `<time>` element, say) in their place while escaping the rest.

use std::borrow::Cow;
use std::fmt::Debug;

use time::OffsetDateTime;

use crate::audit::AuditKind;
use crate::error::ResetError;
use crate::policy::{PasswordPolicy, Rule, StrengthLevel};
use crate::request::Purpose;
use crate::state::RequestState;
use crate::user::User;

/// A fixed piece of page copy. [`Text::english`] is its default wording.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Text {
    /// Heading of the reset form: "Reset your password".
    ResetHeading,
    /// Heading of the create-password form: "Create your password".
    CreateHeading,
    /// Template under the heading, with `{name}` and `{username}`.
    FormIntro,
    /// Label of the code field: "Code".
    CodeLabel,
    /// Hint under the code field.
    CodeHelp,
    /// Label of the first password field: "New Password".
    NewPasswordLabel,
    /// Label of the confirmation field: "Confirm New Password".
    ConfirmPasswordLabel,
    /// The submit button: "Save New Password".
    SaveButton,
    /// Shown live when both password fields match.
    PasswordsMatch,
    /// Template of the form's last line, with `{time}` (when it expires).
    WorksUntil,
    /// Title of the page for a link that cannot be used.
    DeadLinkTitle,
    /// Heading of that page.
    DeadLinkHeading,
    /// Title of the page for a failure on the server's side.
    UnavailableTitle,
    /// Heading of that page.
    UnavailableHeading,
    /// Title of the page for a form that could not be read.
    BadFormTitle,
    /// Heading of that page.
    BadFormHeading,
    /// What to do about it.
    BadFormHelp,
    /// Title of the device users' page after saving.
    DeviceDoneTitle,
    /// Heading of that page.
    DeviceDoneHeading,
    /// Where to use the new password (the apps).
    DeviceDoneMessage,
    /// Why there is nothing more to do on the website.
    DeviceDoneNote,
    /// An admin request from another site was refused.
    CrossSiteRefused,
    /// An admin request body was too large.
    RequestTooLarge,
    /// An admin trigger named a purpose other than reset or create.
    UnknownPurpose,
    /// A form that is not `application/x-www-form-urlencoded`.
    FormWrongType,
    /// A form with no body.
    FormEmpty,
    /// A form that is not valid UTF-8 form data.
    FormMalformed,
    /// A form with a field sent twice.
    FormRepeated,
    /// A form with too many fields.
    FormTooMany,
    /// Too many strength checks on one link.
    TooManyStrengthChecks,
    /// Heading of the admin's panel on a user's page.
    StatusHeading,
    /// The panel when no reset was ever sent.
    StatusNone,
    /// Template: a live request's expiry, with `{time}`.
    StatusExpires,
    /// Heading of the recent password events.
    RecentActivity,
    /// The admin's button that cancels a live reset.
    CancelReset,
}

impl Text {
    /// The default English wording.
    pub fn english(self) -> &'static str {
        match self {
            Self::ResetHeading => "Reset your password",
            Self::CreateHeading => "Create your password",
            Self::FormIntro => {
                "For {name} ({username}). Enter the 6-digit code from the email, then choose a new password."
            }
            Self::CodeLabel => "Code",
            Self::CodeHelp => "The 6 digits from the email.",
            Self::NewPasswordLabel => "New Password",
            Self::ConfirmPasswordLabel => "Confirm New Password",
            Self::SaveButton => "Save New Password",
            Self::PasswordsMatch => "Passwords match",
            Self::WorksUntil => "This link and code work until {time}.",
            Self::DeadLinkTitle => "Reset link not usable",
            Self::DeadLinkHeading => "This link cannot be used",
            Self::UnavailableTitle => "Service unavailable",
            Self::UnavailableHeading => "Something went wrong",
            Self::BadFormTitle => "Form not accepted",
            Self::BadFormHeading => "The form could not be read",
            Self::BadFormHelp => "Go back to the reset page from the link in your email and try again.",
            Self::DeviceDoneTitle => "Password saved",
            Self::DeviceDoneHeading => "Your new password is set",
            Self::DeviceDoneMessage => {
                "Use your new password to sign in to the Inzant Sales Plus or Inzant Tradeshow app."
            }
            Self::DeviceDoneNote => {
                "Device users cannot sign in to this website; there is nothing more to do here."
            }
            Self::CrossSiteRefused => "Cross-site requests are not accepted.",
            Self::RequestTooLarge => "The request is too large.",
            Self::UnknownPurpose => "The purpose must be reset or create.",
            Self::FormWrongType => "The form must be sent as application/x-www-form-urlencoded.",
            Self::FormEmpty => "The form was empty.",
            Self::FormMalformed => "The form could not be read: it is not valid UTF-8 form data.",
            Self::FormRepeated => "The form could not be read: a field was sent more than once.",
            Self::FormTooMany => "The form could not be read: it has too many fields.",
            Self::TooManyStrengthChecks => "Too many strength checks for this link; wait a minute.",
            Self::StatusHeading => "Password reset",
            Self::StatusNone => "No password email has been sent to this user.",
            Self::StatusExpires => "The link and code work until {time}.",
            Self::RecentActivity => "Recent activity",
            Self::CancelReset => "Cancel Reset",
        }
    }
}

/// What a reset (or create-password) email is about, for its wording.
/// Holds no secret: the link and code are placed by the composer.
#[derive(Clone, Copy, Debug)]
pub struct ResetEmailFacts<'a> {
    /// The recipient.
    pub user: &'a User,
    /// Reset or create.
    pub purpose: Purpose,
    /// When the link and code stop working.
    pub expires_at: OffsetDateTime,
}

/// The words of a reset (or create-password) email. The composer lays them
/// out: the plain-text part is `greeting`, `intro`, `open_link`, the link on
/// a line of its own, `enter_code`, the code on a line of its own,
/// `validity`, `footer`; the HTML part is the same with `html_instructions`,
/// the code, a `button` and `link_fallback` above the link.
#[derive(Clone, Debug, PartialEq, Eq)]
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

/// What a "password changed" notice is about, for its wording.
#[derive(Clone, Copy, Debug)]
pub struct NoticeFacts<'a> {
    /// The recipient.
    pub user: &'a User,
    /// When the password was changed.
    pub changed_at: OffsetDateTime,
}

/// The words of a "password changed" notice, one paragraph each.
#[derive(Clone, Debug, PartialEq, Eq)]
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

/// Every word people read, replaceable method by method. All methods have
/// the English defaults of [`english`].
pub trait Wording: Debug + Send + Sync + 'static {
    /// The product's name, used in titles, subjects and the sender's name:
    /// "Inzant Sales".
    fn product_name(&self) -> Cow<'_, str> {
        "Inzant Sales".into()
    }

    /// Whom a surprised user should contact: "your administrator".
    fn contact(&self) -> Cow<'_, str> {
        "your administrator".into()
    }

    /// The pages' language, as an HTML `lang` value: "en".
    fn language(&self) -> Cow<'_, str> {
        "en".into()
    }

    /// A page's `<title>`: "Reset your password – Inzant Sales".
    fn page_title(&self, title: &str) -> String {
        format!("{title} – {}", self.product_name())
    }

    /// A piece of page copy.
    fn text(&self, text: Text) -> Cow<'_, str> {
        text.english().into()
    }

    /// How many code attempts are left, under the form: "5 code attempts left."
    fn attempts_left(&self, attempts_left: u32) -> String {
        english::attempts_left(attempts_left)
    }

    /// A time as people read it (pages without JavaScript and emails):
    /// "Friday 27 November 2026, 17:01 UTC".
    fn time(&self, at: OffsetDateTime) -> String {
        crate::email::format_utc(at)
    }

    /// A strength level's label: "Too Weak", "Weak", "Acceptable", "Good", "Strong".
    fn strength_label(&self, level: StrengthLevel) -> Cow<'_, str> {
        level.label().into()
    }

    /// A policy rule in the list under the password field.
    fn rule(&self, rule: Rule, policy: &PasswordPolicy) -> Cow<'_, str> {
        english::rule(rule, policy).into()
    }

    /// zxcvbn's feedback (a warning or a suggestion), given in English;
    /// translate it here. The default keeps it.
    fn feedback<'a>(&self, english: &'a str) -> Cow<'a, str> {
        english.into()
    }

    /// The sentence shown for a refusal, to the user on the reset page or
    /// to the admin after a trigger: "The code is incorrect. 4 attempts left."
    fn refusal(&self, error: &ResetError) -> Cow<'_, str> {
        english::refusal(self, error).into()
    }

    /// What to do about a dead link, shown under the refusal, if anything.
    fn next_step(&self, error: &ResetError) -> Option<Cow<'_, str>> {
        english::next_step(error).map(Cow::from)
    }

    /// The admin's confirmation after a trigger: "A password reset email was
    /// sent to sam.web@inzant.example."
    fn sent(&self, purpose: Purpose, sent_to: &str) -> String {
        english::sent(purpose, sent_to)
    }

    /// The admin's confirmation after cancelling `user`'s reset.
    fn cancelled(&self, user: &str) -> String {
        format!("The password email to {user} was cancelled; its link and code no longer work.")
    }

    /// Template of the status's first line, with `{to}`, `{by}` and `{time}`:
    /// "Reset email sent to {to} by {by} at {time}."
    fn status_sent(&self, purpose: Purpose) -> Cow<'_, str> {
        english::status_sent(purpose).into()
    }

    /// Where a request stands, for the status: "Waiting for the user", …
    fn request_state(&self, state: RequestState) -> Cow<'_, str> {
        english::request_state(state).into()
    }

    /// Template of when a finished request ended, with `{time}` (and, for a
    /// locked one, `{attempts}`): "Completed at {time}."
    fn status_ended(&self, state: RequestState) -> Cow<'_, str> {
        english::status_ended(state).into()
    }

    /// Template of one recent password event, with `{by}` (the admin) where
    /// one acted: "Reset email sent by {by}".
    fn password_event(&self, kind: AuditKind) -> Cow<'_, str> {
        english::password_event(kind).into()
    }

    /// The words of a reset or create-password email.
    fn reset_email(&self, facts: &ResetEmailFacts<'_>) -> ResetEmailCopy {
        english::reset_email(self, facts)
    }

    /// The words of the "password changed" notice.
    fn password_changed_email(&self, facts: &NoticeFacts<'_>) -> NoticeCopy {
        english::password_changed_email(self, facts)
    }
}

/// The default wording: Inzant Sales' English.
#[derive(Clone, Copy, Debug, Default)]
pub struct English;

impl Wording for English {}

/// Replaces each `{name}` in `template` with `value(name)`; placeholders
/// `value` does not know are kept as written.
///
/// ```
/// use inzant_reset_core::words::fill;
///
/// let line = fill("Sent to {who} at {time}.", |name| (name == "who").then(|| "sam".to_owned()));
/// assert_eq!(line, "Sent to sam at {time}.");
/// ```
pub fn fill(template: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len());
    for piece in pieces(template) {
        match piece {
            Piece::Literal(text) => out.push_str(text),
            Piece::Placeholder(name) => match value(name) {
                Some(value) => out.push_str(&value),
                None => {
                    out.push('{');
                    out.push_str(name);
                    out.push('}');
                }
            },
        }
    }
    out
}

/// A part of a template: literal text or a `{name}` placeholder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Text to show as it is (escaped by HTML renderers).
    Literal(&'a str),
    /// The name between braces.
    Placeholder(&'a str),
}

/// Splits `template` into literal text and `{name}` placeholders (a name is
/// ASCII letters, digits and `_`; other braces are literal text).
pub fn pieces(template: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let name_len = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
        if name_len > 0 && after[name_len..].starts_with('}') {
            if open > 0 {
                out.push(Piece::Literal(&rest[..open]));
            }
            out.push(Piece::Placeholder(&after[..name_len]));
            rest = &after[name_len + 1..];
        } else {
            out.push(Piece::Literal(&rest[..=open]));
            rest = after;
        }
    }
    if !rest.is_empty() {
        out.push(Piece::Literal(rest));
    }
    out
}

/// The English defaults of [`Wording`], as functions an override can start from.
pub mod english {
    use super::*;

    /// "5 code attempts left." / "1 code attempt left."
    pub fn attempts_left(attempts_left: u32) -> String {
        let noun = if attempts_left == 1 { "attempt" } else { "attempts" };
        format!("{attempts_left} code {noun} left.")
    }

    /// The rule list's text for `rule`.
    pub fn rule(rule: Rule, policy: &PasswordPolicy) -> String {
        match rule {
            Rule::MinLength => format!("At least {} characters", policy.min_length),
            Rule::MaxLength => format!("At most {} characters", policy.max_length),
            Rule::Uppercase => "An upper-case letter".to_owned(),
            Rule::Lowercase => "A lower-case letter".to_owned(),
            Rule::Digit => "A number".to_owned(),
            Rule::Symbol => "A symbol, such as ! or #".to_owned(),
            Rule::NoUserDetails => "Not your name or username".to_owned(),
            Rule::NoControlCharacters => "No tabs, line breaks or other control characters".to_owned(),
        }
    }

    /// The sentence for each refusal.
    pub fn refusal<W: Wording + ?Sized>(words: &W, error: &ResetError) -> String {
        match error {
            ResetError::IncorrectCode { attempts_left } => {
                let noun = if *attempts_left == 1 { "attempt" } else { "attempts" };
                format!("The code is incorrect. {attempts_left} {noun} left.")
            }
            ResetError::Locked => {
                "Too many incorrect codes. Ask your administrator to send a new reset email.".to_owned()
            }
            ResetError::Expired => "This reset link has expired.".to_owned(),
            ResetError::AlreadyUsed => "This reset link has already been used.".to_owned(),
            ResetError::Superseded => {
                "A newer reset email has been sent; use the link in that one.".to_owned()
            }
            ResetError::Revoked => "This reset link has been cancelled.".to_owned(),
            ResetError::Cancelled => {
                "This link was cancelled by your administrator. Ask them for a new email if \
                                      you still need to set your password."
                    .to_owned()
            }
            ResetError::HasPassword { display_name } => {
                format!("{display_name} already has a password; use Reset Password.")
            }
            ResetError::NothingToCancel => "There is no reset waiting for this user to cancel.".to_owned(),
            ResetError::UnknownLink => "This reset link is not valid.".to_owned(),
            ResetError::InvalidCode => "Enter the 6-digit code from the email.".to_owned(),
            ResetError::InvalidCharacters => "Passwords cannot contain control characters.".to_owned(),
            ResetError::PasswordsDiffer => "The passwords do not match.".to_owned(),
            ResetError::TooWeak(report) => format!(
                "The new password is not strong enough yet: it is rated \"{}\".",
                words.strength_label(report.level())
            ),
            ResetError::TooLong { max } => format!("Passwords can be at most {max} characters."),
            ResetError::NotAllowed { .. } => {
                "Only an administrator can send a password reset email.".to_owned()
            }
            ResetError::UnknownUser => "That user does not exist.".to_owned(),
            ResetError::Cooldown { retry_after_secs } => format!(
                "A reset email was sent to this user moments ago; try again in {retry_after_secs} seconds."
            ),
            ResetError::DailyLimit { max } => {
                format!("This user has been sent {max} reset emails in the last 24 hours; try again later.")
            }
            ResetError::MailFailed { recipient, .. } => {
                format!("The email could not be sent to {recipient}; no reset is pending.")
            }
            ResetError::PasswordNotSaved(_) => {
                "Your new password could not be saved. Ask your administrator to send a new reset email."
                    .to_owned()
            }
            ResetError::Hashing(_) => {
                "Your new password could not be saved. Try again in a moment.".to_owned()
            }
            ResetError::Store(_) | ResetError::Directory(_) | ResetError::Randomness(_) => {
                "The password reset service is unavailable right now. Try again in a moment.".to_owned()
            }
        }
    }

    /// "A password reset email was sent to …" / "A create password email was sent to …"
    pub fn sent(purpose: Purpose, sent_to: &str) -> String {
        match purpose {
            Purpose::Reset => format!("A password reset email was sent to {sent_to}."),
            Purpose::Create => format!("A create password email was sent to {sent_to}."),
        }
    }

    /// The status's first line.
    pub fn status_sent(purpose: Purpose) -> &'static str {
        match purpose {
            Purpose::Reset => "Reset email sent to {to} by {by} at {time}.",
            Purpose::Create => "Create password email sent to {to} by {by} at {time}.",
        }
    }

    /// Where a request stands.
    pub fn request_state(state: RequestState) -> &'static str {
        match state {
            RequestState::Issued => "Waiting for the user",
            RequestState::Completed => "Completed",
            RequestState::Expired => "Expired",
            RequestState::Locked => "Locked after too many wrong codes",
            RequestState::Superseded => "Replaced by a newer email",
            RequestState::Revoked => "Withdrawn: the email could not be sent",
            RequestState::Cancelled => "Cancelled",
        }
    }

    /// When a finished request ended.
    pub fn status_ended(state: RequestState) -> &'static str {
        match state {
            RequestState::Issued => "",
            RequestState::Completed => "Completed at {time}.",
            RequestState::Expired => "Expired at {time}.",
            RequestState::Locked => "Locked at {time} after {attempts} wrong codes.",
            RequestState::Superseded => "Replaced at {time}.",
            RequestState::Revoked => "Withdrawn at {time}.",
            RequestState::Cancelled => "Cancelled at {time}.",
        }
    }

    /// One recent password event.
    pub fn password_event(kind: AuditKind) -> &'static str {
        match kind {
            AuditKind::Issued { purpose: Purpose::Reset } => "Reset email sent by {by}",
            AuditKind::Issued { purpose: Purpose::Create } => "Create password email sent by {by}",
            AuditKind::MailFailed => "The email could not be sent",
            AuditKind::Superseded { .. } => "An earlier link was replaced by a newer email",
            AuditKind::WrongCode { .. } => "A wrong code was entered",
            AuditKind::Locked => "Locked after too many wrong codes",
            AuditKind::Completed => "New password set",
            AuditKind::PasswordNotSaved => "The new password could not be saved",
            AuditKind::HookFailed => "Signing the user out elsewhere failed",
            AuditKind::NoticeFailed => "The password-changed email could not be sent",
            AuditKind::NoticeSent => "Password-changed email sent",
            AuditKind::Cancelled => "Cancelled by {by}",
        }
    }

    /// What to do about a dead link.
    pub fn next_step(error: &ResetError) -> Option<&'static str> {
        match error {
            ResetError::Expired | ResetError::AlreadyUsed | ResetError::Revoked | ResetError::UnknownLink => {
                Some("Ask your administrator to send a new reset email, then use the link in that email.")
            }
            ResetError::Superseded => Some("Only the most recent reset email works."),
            _ => None,
        }
    }

    /// The reset or create-password email.
    pub fn reset_email<W: Wording + ?Sized>(words: &W, facts: &ResetEmailFacts<'_>) -> ResetEmailCopy {
        let product = words.product_name();
        let user = facts.user;
        let username = &user.username;
        let (subject, intro, action, button) = match facts.purpose {
            Purpose::Reset => (
                format!("Reset your {product} password ({username})"),
                format!(
                    "An administrator has asked for the password of your {product} account, {username}, to be reset."
                ),
                "choose a new password",
                "Reset Password",
            ),
            Purpose::Create => (
                format!("Create your {product} password ({username})"),
                format!(
                    "An administrator has set up your {product} account, {username}. It has no password yet."
                ),
                "create your password",
                "Create Password",
            ),
        };
        ResetEmailCopy {
            subject,
            greeting: format!("Hello {},", user.display_name),
            intro,
            open_link: format!("To {action}, open this link:"),
            enter_code: "and enter this code:".to_owned(),
            html_instructions: format!("To {action}, open the link below and enter this code:"),
            button: button.to_owned(),
            link_fallback: "If the button does not work, copy this link into your browser:".to_owned(),
            validity: format!("The link and code work once, until {}.", words.time(facts.expires_at)),
            footer: format!(
                "This email is for {} ({username}). If you didn't expect it, contact {}; \
                 do not share the code with anyone.",
                user.display_name,
                words.contact()
            ),
        }
    }

    /// The "password changed" notice.
    pub fn password_changed_email<W: Wording + ?Sized>(words: &W, facts: &NoticeFacts<'_>) -> NoticeCopy {
        let product = words.product_name();
        let username = &facts.user.username;
        NoticeCopy {
            subject: format!("Your {product} password was changed ({username})"),
            greeting: format!("Hello {},", facts.user.display_name),
            body: format!(
                "The password of your {product} account, {username}, was changed on {} using a reset email.",
                words.time(facts.changed_at)
            ),
            warning: format!("If you did not change it, contact {} now.", words.contact()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_split_into_text_and_placeholders() {
        assert_eq!(
            pieces("For {name} ({username})."),
            vec![
                Piece::Literal("For "),
                Piece::Placeholder("name"),
                Piece::Literal(" ("),
                Piece::Placeholder("username"),
                Piece::Literal(")."),
            ]
        );
        assert_eq!(pieces("{a}"), vec![Piece::Placeholder("a")]);
        assert_eq!(
            pieces("{} {x y} {"),
            vec![Piece::Literal("{"), Piece::Literal("} {"), Piece::Literal("x y} {")]
        );
        assert_eq!(pieces(""), Vec::<Piece<'_>>::new());
    }

    #[test]
    fn fill_replaces_known_placeholders_and_keeps_unknown_ones() {
        let filled = fill("{a}+{b}={c}", |name| match name {
            "a" => Some("1".to_owned()),
            "b" => Some("{c}".to_owned()),
            _ => None,
        });
        assert_eq!(filled, "1+{c}={c}");
    }

    #[test]
    fn refusals_are_inzants_sentences() {
        let words = English;
        assert_eq!(
            words.refusal(&ResetError::IncorrectCode { attempts_left: 4 }),
            "The code is incorrect. 4 attempts left."
        );
        assert_eq!(
            words.refusal(&ResetError::IncorrectCode { attempts_left: 1 }),
            "The code is incorrect. 1 attempt left."
        );
        assert_eq!(
            words.refusal(&ResetError::Locked),
            "Too many incorrect codes. Ask your administrator to send a new reset email."
        );
        assert_eq!(words.refusal(&ResetError::PasswordsDiffer), "The passwords do not match.");
        assert_eq!(
            words.refusal(&ResetError::TooLong { max: 128 }),
            "Passwords can be at most 128 characters."
        );
        assert_eq!(words.refusal(&ResetError::Expired), "This reset link has expired.");
        assert_eq!(words.refusal(&ResetError::AlreadyUsed), "This reset link has already been used.");
        assert_eq!(
            words.refusal(&ResetError::Superseded),
            "A newer reset email has been sent; use the link in that one."
        );
    }

    #[derive(Debug)]
    struct Shouty;

    impl Wording for Shouty {
        fn product_name(&self) -> Cow<'_, str> {
            "ACME".into()
        }
        fn strength_label(&self, level: StrengthLevel) -> Cow<'_, str> {
            level.label().to_uppercase().into()
        }
    }

    #[test]
    fn overriding_one_method_reaches_every_text_built_on_it() {
        let report = PasswordPolicy::default().evaluate("password", &[]);
        let refusal = Shouty.refusal(&ResetError::TooWeak(Box::new(report)));
        assert!(refusal.contains("\"TOO WEAK\""), "{refusal}");
        assert_eq!(Shouty.page_title("Reset your password"), "Reset your password – ACME");
    }
}
