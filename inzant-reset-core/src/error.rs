//! The one error type of the reset flow, and the errors of the ports.
//!
//! Every [`ResetError`] variant is one outcome a person can see: its `Display`
//! is the sentence shown to them, and [`ResetError::next_step`] says what to do
//! about it. None of them ever carries a token, a code or a password.

use std::error::Error as StdError;
use std::fmt;

use crate::policy::StrengthReport;
use crate::secret::RandomnessUnavailable;

/// Result of the reset flow's operations.
pub type Result<T, E = ResetError> = std::result::Result<T, E>;

/// Boxed underlying cause of a port error.
type Cause = Box<dyn StdError + Send + Sync + 'static>;

macro_rules! port_error {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name {
            message: String,
            source: Option<Cause>,
        }

        impl $name {
            /// An error described by `message` alone.
            pub fn new(message: impl Into<String>) -> Self {
                Self { message: message.into(), source: None }
            }

            /// An error described by `message`, caused by `source`.
            pub fn with_source(
                message: impl Into<String>,
                source: impl StdError + Send + Sync + 'static,
            ) -> Self {
                Self { message: message.into(), source: Some(Box::new(source)) }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.message)?;
                if let Some(source) = &self.source {
                    write!(f, ": {source}")?;
                }
                Ok(())
            }
        }

        impl StdError for $name {
            fn source(&self) -> Option<&(dyn StdError + 'static)> {
                self.source.as_deref().map(|s| s as &(dyn StdError + 'static))
            }
        }
    };
}

port_error!(
    /// A reset store could not answer (database down, connection lost, …).
    ///
    /// Store implementations MUST NOT put token, code or password material in
    /// the message; digests are fine.
    StoreError
);
port_error!(
    /// A mailer could not hand the message to the mail system.
    MailError
);
port_error!(
    /// The user directory could not answer or could not save a password hash.
    DirectoryError
);
port_error!(
    /// Hashing or verifying a password failed (bad parameters, malformed PHC string).
    HashError
);
port_error!(
    /// A host hook (such as revoking sessions) failed.
    HookError
);
port_error!(
    /// The service was configured with values it cannot work with.
    ConfigError
);

/// Every outcome of the reset flow other than success.
///
/// `Display` gives the sentence to show the person (admin or user); adapters
/// may add words around it but should not replace it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ResetError {
    /// The code was wrong and the request is still usable.
    #[error("The code is incorrect. {attempts_left} {} left.", if *.attempts_left == 1 { "attempt" } else { "attempts" })]
    IncorrectCode {
        /// How many more codes may be tried before the request locks.
        attempts_left: u32,
    },
    /// Too many wrong codes: the request is locked for good.
    #[error("Too many incorrect codes. Ask your administrator to send a new reset email.")]
    Locked,
    /// The request outlived its time to live.
    #[error("This reset link has expired.")]
    Expired,
    /// The request already set a password.
    #[error("This reset link has already been used.")]
    AlreadyUsed,
    /// A newer request was sent to the same user.
    #[error("A newer reset email has been sent; use the link in that one.")]
    Superseded,
    /// The request was withdrawn (for example its email could not be sent).
    #[error("This reset link has been cancelled.")]
    Revoked,
    /// The link does not name any request.
    #[error("This reset link is not valid.")]
    UnknownLink,
    /// The code field is not six digits.
    #[error("Enter the 6-digit code from the email.")]
    InvalidCode,
    /// A password contains control characters such as NUL.
    #[error("Passwords cannot contain control characters.")]
    InvalidCharacters,
    /// The new password and its confirmation differ.
    #[error("The passwords do not match.")]
    PasswordsDiffer,
    /// The new password is below the policy's minimum level.
    #[error("The new password is not strong enough yet: it is rated \"{}\".", .0.level().label())]
    TooWeak(Box<StrengthReport>),
    /// The new password is longer than the policy allows.
    #[error("Passwords can be at most {max} characters.")]
    TooLong {
        /// The policy's maximum, in characters.
        max: usize,
    },
    /// The actor triggering a reset is not an admin.
    #[error("Only an administrator can send a password reset email.")]
    NotAnAdmin,
    /// The target user does not exist.
    #[error("That user does not exist.")]
    UnknownUser,
    /// The user was sent a reset email too recently.
    #[error("A reset email was sent to this user moments ago; try again in {retry_after_secs} seconds.")]
    Cooldown {
        /// Seconds until another reset email may be sent.
        retry_after_secs: u64,
    },
    /// The user was sent too many reset emails in the last 24 hours.
    #[error("This user has been sent {max} reset emails in the last 24 hours; try again later.")]
    DailyLimit {
        /// The configured per-day cap.
        max: u32,
    },
    /// The reset email could not be sent; the request was revoked.
    #[error("The email could not be sent to {recipient}; no reset is pending.")]
    MailFailed {
        /// Where the email was going (the user's username).
        recipient: String,
        /// Why the mailer failed.
        #[source]
        source: MailError,
    },
    /// The reset store failed.
    #[error("The password reset service is unavailable right now. Try again in a moment.")]
    Store(#[from] StoreError),
    /// The user directory failed before anything was changed.
    #[error("The password reset service is unavailable right now. Try again in a moment.")]
    Directory(#[source] DirectoryError),
    /// The request completed but the directory refused the new password hash.
    #[error("Your new password could not be saved. Ask your administrator to send a new reset email.")]
    PasswordNotSaved(#[source] DirectoryError),
    /// Hashing the new password failed.
    #[error("Your new password could not be saved. Try again in a moment.")]
    Hashing(#[from] HashError),
    /// The operating system's random source failed.
    #[error("The password reset service is unavailable right now. Try again in a moment.")]
    Randomness(#[from] RandomnessUnavailable),
}

impl ResetError {
    /// What the person should do next, for pages that add a second line.
    pub fn next_step(&self) -> Option<&'static str> {
        match self {
            Self::Locked | Self::PasswordNotSaved(_) => None,
            Self::Expired | Self::AlreadyUsed | Self::Revoked | Self::UnknownLink => {
                Some("Ask your administrator to send a new reset email, then use the link in that email.")
            }
            Self::Superseded => Some("Only the most recent reset email works."),
            _ => None,
        }
    }

    /// True when the link is finished for good and the form should not be shown again.
    pub fn is_dead_link(&self) -> bool {
        matches!(
            self,
            Self::Locked
                | Self::Expired
                | Self::AlreadyUsed
                | Self::Superseded
                | Self::Revoked
                | Self::UnknownLink
                | Self::PasswordNotSaved(_)
        )
    }

    /// True when the cause is on the server side (store, directory, hashing,
    /// mail), so an adapter answers 5xx/503 rather than 4xx.
    pub fn is_service_failure(&self) -> bool {
        matches!(
            self,
            Self::Store(_)
                | Self::Directory(_)
                | Self::PasswordNotSaved(_)
                | Self::Hashing(_)
                | Self::Randomness(_)
                | Self::MailFailed { .. }
        )
    }
}
