//! The reset request as it is stored, and what it is for.

use time::OffsetDateTime;

pub use crate::ids::{AdminAction, Purpose, RequestId};
use crate::secret::{CodeDigest, TokenDigest};
use crate::state::{Event, RequestState, transition};
use crate::user::UserId;

/// A reset request as stored. Holds digests only, never the token or code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResetRequest {
    /// Its id.
    pub id: RequestId,
    /// The user whose password it sets.
    pub user: UserId,
    /// The admin who sent it.
    pub issued_by: UserId,
    /// Reset or first-time creation.
    pub purpose: Purpose,
    /// SHA-256 of the link token.
    pub token_digest: TokenDigest,
    /// Keyed HMAC of the code.
    pub code_digest: CodeDigest,
    /// The stored state. [`ResetRequest::state_at`] adds what time and
    /// attempts imply.
    pub state: RequestState,
    /// Code attempts counted so far.
    pub attempts: u32,
    /// When it was issued.
    pub created_at: OffsetDateTime,
    /// When it stops working.
    pub expires_at: OffsetDateTime,
    /// When the store moved it out of `Issued` (completed, locked,
    /// superseded, revoked, cancelled); `None` while issued.
    pub finished_at: Option<OffsetDateTime>,
    /// The language of its emails and pages (a BCP 47 tag such as `de`),
    /// chosen from the person when it was sent and changed only by the
    /// person's own choice on the reset page.
    pub language: String,
}

impl ResetRequest {
    /// The state as seen at `now`: an issued request past its expiry is
    /// `Expired`, and one whose attempts are used up is `Locked`, whether or
    /// not the store has written that yet.
    pub fn state_at(&self, now: OffsetDateTime, max_attempts: u32) -> RequestState {
        let implied = if self.expires_at <= now {
            Some(Event::TimeRanOut)
        } else if self.attempts >= max_attempts {
            Some(Event::WrongCode { attempts_left: 0 })
        } else {
            None
        };
        implied.and_then(|event| transition(self.state, event)).unwrap_or(self.state)
    }

    /// Code attempts still allowed.
    pub fn attempts_left(&self, max_attempts: u32) -> u32 {
        max_attempts.saturating_sub(self.attempts)
    }
}
