//! The one error type of the reset flow, and the errors of the ports.
//!
//! Every [`ResetError`] variant is one outcome of the flow; its `Display` is
//! for developers, and [`crate::words`] turns it into the sentence a person
//! reads. None of them ever carries a token, a code or a password.

use std::error::Error as StdError;
use std::fmt;

use crate::breach::BreachError;
use crate::ids::AdminAction;
use crate::policy::StrengthReport;
use crate::random::RandomnessUnavailable;

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
/// `Display` describes what happened, for developers and logs; the
/// sentence a person reads comes from [`crate::words::Words::refusal`].
/// No variant ever carries a token, a code or a password.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ResetError {
    /// The code was wrong and the request is still usable.
    #[error("wrong code; {attempts_left} attempts left before the request locks")]
    IncorrectCode {
        /// How many more codes may be tried before the request locks.
        attempts_left: u32,
    },
    /// Too many wrong codes: the request is locked for good.
    #[error("the reset request is locked after too many wrong codes")]
    Locked,
    /// The request outlived its time to live.
    #[error("the reset request has expired")]
    Expired,
    /// The request already set a password.
    #[error("the reset request was already completed")]
    AlreadyUsed,
    /// A newer request was sent to the same user.
    #[error("the reset request was superseded by a newer one")]
    Superseded,
    /// The request was withdrawn (for example its email could not be sent).
    #[error("the reset request was revoked")]
    Revoked,
    /// An admin cancelled the request.
    #[error("the reset request was cancelled by an admin")]
    Cancelled,
    /// The link does not name any request.
    #[error("the link names no reset request")]
    UnknownLink,
    /// The code field is not six digits.
    #[error("the code is not six digits")]
    InvalidCode,
    /// A password contains control characters such as NUL.
    #[error("a password contains control characters")]
    InvalidCharacters,
    /// The new password and its confirmation differ.
    #[error("the new password and its confirmation differ")]
    PasswordsDiffer,
    /// The new password is below the policy's minimum level.
    #[error("the new password is rated {} (below the policy's minimum)", .0.level().as_str())]
    TooWeak(Box<StrengthReport>),
    /// The breached-password source could not answer and the service is set
    /// to refuse without it ([`crate::breach::OnUnavailable::Refuse`]): the
    /// person is asked to try again. No attempt was counted.
    #[error("the new password could not be checked against known data breaches")]
    BreachCheckUnavailable(#[source] BreachError),
    /// The new password is longer than the policy allows.
    #[error("the new password is longer than {max} characters")]
    TooLong {
        /// The policy's maximum, in characters.
        max: usize,
    },
    /// The actor may not do this to the user (by default: the actor is not
    /// an admin), or the actor is unknown. Also the answer for a user who
    /// does not exist when the host's [`Authorization`](crate::ports::Authorization)
    /// does not let the actor act on unknown users, so that refused actors
    /// cannot tell which users exist.
    #[error("the actor may not {} for this user", .action.describe())]
    NotAllowed {
        /// What the actor asked to do.
        action: AdminAction,
    },
    /// The target user does not exist.
    #[error("no such user")]
    UnknownUser,
    /// A create-password email for a user who already has a password.
    #[error("the user already has a password; a create-password email would say otherwise")]
    HasPassword {
        /// The user's display name.
        display_name: String,
    },
    /// A cancel, but the user has no live reset request.
    #[error("the user has no live reset request to cancel")]
    NothingToCancel,
    /// The user was sent a reset email too recently.
    #[error("the user was sent a reset email less than the cooldown ago; retry in {retry_after_secs} s")]
    Cooldown {
        /// Seconds until another reset email may be sent.
        retry_after_secs: u64,
    },
    /// The user was sent too many reset emails in the last 24 hours.
    #[error("the user already had {max} reset emails in 24 hours")]
    DailyLimit {
        /// The configured per-day cap.
        max: u32,
    },
    /// The reset email could not be sent; the request was revoked.
    #[error("the reset email to {recipient} could not be sent; the request was revoked")]
    MailFailed {
        /// Where the email was going (the user's username).
        recipient: String,
        /// Why the mailer failed.
        #[source]
        source: MailError,
    },
    /// The reset store failed.
    #[error("the reset store failed")]
    Store(#[from] StoreError),
    /// The user directory failed before anything was changed.
    #[error("the user directory failed")]
    Directory(#[source] DirectoryError),
    /// The request completed but the directory refused the new password hash.
    #[error("the reset request completed but the new password hash was not saved")]
    PasswordNotSaved(#[source] DirectoryError),
    /// Hashing the new password failed.
    #[error("hashing the new password failed")]
    Hashing(#[from] HashError),
    /// The operating system's random source failed.
    #[error("the operating system's random source failed")]
    Randomness(#[from] RandomnessUnavailable),
}

impl ResetError {
    /// True when the link is finished for good and the form should not be shown again.
    pub fn is_dead_link(&self) -> bool {
        matches!(
            self,
            Self::Locked
                | Self::Expired
                | Self::AlreadyUsed
                | Self::Superseded
                | Self::Revoked
                | Self::Cancelled
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
