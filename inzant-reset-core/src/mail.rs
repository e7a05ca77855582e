//! An email as the core hands it to a [`Mailer`](crate::ports::Mailer):
//! addresses, the composed parts, and the facts it states. Plain data;
//! composing one is [`crate::email`]'s job.

use std::fmt;

use secrecy::SecretString;
use time::OffsetDateTime;

use crate::ids::Purpose;
use crate::secret::Code;
use crate::user::User;

/// An address with an optional display name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mailbox {
    /// Display name, if any.
    pub name: Option<String>,
    /// The address.
    pub address: String,
}

impl Mailbox {
    /// A mailbox with a display name.
    pub fn named(name: impl Into<String>, address: impl Into<String>) -> Self {
        Self { name: Some(name.into()), address: address.into() }
    }

    /// A mailbox without a display name.
    pub fn address(address: impl Into<String>) -> Self {
        Self { name: None, address: address.into() }
    }
}

/// Which email this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmailKind {
    /// Link and code to reset a password.
    Reset,
    /// Link and code to create a first password.
    Create,
    /// Notice that the password was changed.
    PasswordChanged,
}

/// What an email says, as facts, for hosts that compose their own message.
/// The link and code are secrets: `Debug` never shows them.
#[derive(Clone, Debug)]
pub enum EmailMessage {
    /// A link and code to reset or create a password.
    Reset {
        /// Reset or create.
        purpose: Purpose,
        /// The whole link, token included. Put it in the email only.
        link: SecretString,
        /// The 6-digit code. Put it in the email only.
        code: Code,
        /// When the link and code stop working.
        expires_at: OffsetDateTime,
    },
    /// The password was changed with a reset email.
    PasswordChanged {
        /// When.
        changed_at: OffsetDateTime,
    },
}

/// A composed email, ready for a [`crate::ports::Mailer`]. Bodies are secrets
/// (they hold the link and code), so `Debug` never shows them.
#[derive(Clone, Debug)]
pub struct Email {
    /// The recipient: the user's username.
    pub to: Mailbox,
    /// The sender.
    pub from: Mailbox,
    /// Where replies go.
    pub reply_to: Option<Mailbox>,
    /// The subject line.
    pub subject: String,
    /// The plain-text part.
    pub text: SecretString,
    /// The HTML part.
    pub html: SecretString,
    /// The user the email is for.
    pub user: User,
    /// The language it is written in (a BCP 47 tag): the reset's language.
    pub language: String,
    /// What the email says, as facts.
    pub message: EmailMessage,
}

impl Email {
    /// Which email this is.
    pub fn kind(&self) -> EmailKind {
        match &self.message {
            EmailMessage::Reset { purpose: Purpose::Reset, .. } => EmailKind::Reset,
            EmailMessage::Reset { purpose: Purpose::Create, .. } => EmailKind::Create,
            EmailMessage::PasswordChanged { .. } => EmailKind::PasswordChanged,
        }
    }
}

impl fmt::Display for Mailbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(name) => write!(f, "{name} <{}>", self.address),
            None => f.write_str(&self.address),
        }
    }
}
