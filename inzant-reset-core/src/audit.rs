//! Audit events: who did what to which reset request, and when.

use time::OffsetDateTime;

use crate::request::{Purpose, RequestId};
use crate::user::UserId;

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuditKind {
    /// An admin sent a reset (or create) email.
    Issued {
        /// Reset or create.
        purpose: Purpose,
    },
    /// The email could not be sent; the request was revoked.
    MailFailed,
    /// This request was replaced by a newer email to the same user (the
    /// actor is the admin who sent that one).
    Superseded,
    /// A wrong code was tried.
    WrongCode {
        /// Attempts left after it.
        attempts_left: u32,
    },
    /// The last attempt was wrong: the request is locked.
    Locked,
    /// The user set a new password.
    Completed,
    /// The request completed but the directory refused the hash.
    PasswordNotSaved,
    /// The host hook failed after a completed reset.
    HookFailed,
    /// The "your password was changed" email could not be sent.
    NoticeFailed,
    /// The "your password was changed" email was sent.
    NoticeSent,
    /// An admin cancelled the request.
    Cancelled,
    /// The request's time ran out unused (recorded by the purge).
    Expired,
}

impl AuditKind {
    /// A stable snake_case name for storage and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Issued { .. } => "issued",
            Self::MailFailed => "mail_failed",
            Self::Superseded => "superseded",
            Self::WrongCode { .. } => "wrong_code",
            Self::Locked => "locked",
            Self::Completed => "completed",
            Self::PasswordNotSaved => "password_not_saved",
            Self::HookFailed => "hook_failed",
            Self::NoticeFailed => "notice_failed",
            Self::NoticeSent => "notice_sent",
            Self::Cancelled => "cancelled",
            Self::Expired => "expired",
        }
    }
}

/// One audit record. Holds ids and facts, never secrets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEvent {
    /// When.
    pub at: OffsetDateTime,
    /// What.
    pub kind: AuditKind,
    /// Which request.
    pub request: RequestId,
    /// Whose password.
    pub user: UserId,
    /// The admin who acted, when an admin acted.
    pub actor: Option<UserId>,
}
