//! What an admin sees on a user's page after clicking "Reset Password":
//! where the latest reset stands and the user's recent password events.
//! Never the code, the link or anything derived from them.

use time::OffsetDateTime;

use crate::audit::AuditKind;
use crate::request::{Purpose, RequestId};
use crate::state::RequestState;
use crate::user::UserId;

/// Someone named in a status: their id, and their display name if the
/// directory still knows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    /// The host's id.
    pub id: UserId,
    /// The display name, `None` when the user no longer exists.
    pub display_name: Option<String>,
}

impl Person {
    /// The display name, or the id when the user is gone.
    pub fn name(&self) -> &str {
        self.display_name.as_deref().unwrap_or(self.id.as_str())
    }
}

/// The user's latest reset request, as the admin may see it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestStatus {
    /// The request.
    pub request: RequestId,
    /// Reset or create.
    pub purpose: Purpose,
    /// Its state now: `Issued` (waiting for the user), `Completed`,
    /// `Expired`, `Locked` (too many wrong codes), `Superseded`, `Revoked`
    /// (withdrawn because its email could not be sent) or `Cancelled`.
    pub state: RequestState,
    /// When the email was sent.
    pub sent_at: OffsetDateTime,
    /// Who sent it.
    pub sent_by: Person,
    /// Where it went: the user's username.
    pub sent_to: String,
    /// When the link and code stop (or stopped) working.
    pub expires_at: OffsetDateTime,
    /// Code attempts counted.
    pub attempts_used: u32,
    /// Code attempts left (zero once the request is over).
    pub attempts_left: u32,
    /// When it ended: completed, locked, superseded, withdrawn, cancelled,
    /// or (for an expired one) its expiry. `None` while it is waiting.
    pub ended_at: Option<OffsetDateTime>,
}

impl RequestStatus {
    /// Whether the link and code still work (and the admin may cancel them).
    pub fn is_live(&self) -> bool {
        self.state == RequestState::Issued
    }

    /// When the user set their password with it, if they did.
    pub fn completed_at(&self) -> Option<OffsetDateTime> {
        (self.state == RequestState::Completed).then_some(self.ended_at).flatten()
    }
}

/// One of the user's recent password events, from the audit log.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PasswordEvent {
    /// When.
    pub at: OffsetDateTime,
    /// What happened.
    pub kind: AuditKind,
    /// Which request.
    pub request: RequestId,
    /// The admin who acted, when one did (sent, cancelled).
    pub actor: Option<Person>,
}

/// Where a user's password resets stand.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResetStatus {
    /// Whose.
    pub user: UserId,
    /// The latest request, if the store still has one.
    pub latest: Option<RequestStatus>,
    /// The last password events, newest first (at most 10).
    pub recent: Vec<PasswordEvent>,
}

/// What the admin is told after cancelling.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CancelReceipt {
    /// The request cancelled (the newest, if several were live).
    pub request: RequestId,
    /// Whose.
    pub user: UserId,
    /// Where its email had gone: the user's username.
    pub sent_to: String,
}
