//! The reset request as it is stored, and what it is for.

use std::fmt;

use time::OffsetDateTime;
use uuid::Uuid;

use crate::secret::{CodeDigest, OsRandom, RandomnessUnavailable, TokenDigest};
use crate::state::{Event, RequestState, transition};
use crate::user::UserId;

/// Identifies one reset request. Random, so it reveals nothing about others.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(Uuid);

impl RequestId {
    /// A new random id (UUID version 4 from the OS CSPRNG).
    pub fn generate(random: &OsRandom) -> Result<Self, RandomnessUnavailable> {
        let mut bytes = [0u8; 16];
        random.fill(&mut bytes)?;
        Ok(Self(uuid::Builder::from_random_bytes(bytes).into_uuid()))
    }

    /// The id wrapping `uuid`, for stores reading their rows.
    pub fn from_uuid(uuid: Uuid) -> Self {
        Self(uuid)
    }

    /// An id from a number, for tests.
    #[cfg(test)]
    pub(crate) fn from_u128(value: u128) -> Self {
        Self(Uuid::from_u128(value))
    }

    /// The UUID, for stores writing their rows.
    pub fn as_uuid(&self) -> &Uuid {
        &self.0
    }
}

impl fmt::Debug for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RequestId({})", self.0)
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// Why the email is sent: a reset of an existing password, or a user's first one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Purpose {
    /// The user has a password and is to choose a new one.
    Reset,
    /// The user has no password yet and is to create one.
    Create,
}

impl Purpose {
    /// The lower-case name used in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reset => "reset",
            Self::Create => "create",
        }
    }

    /// Reads a name written by [`Purpose::as_str`].
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "reset" => Some(Self::Reset),
            "create" => Some(Self::Create),
            _ => None,
        }
    }
}

/// What an admin asks to do with another user's password resets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AdminAction {
    /// Send a reset or create-password email.
    SendReset(Purpose),
    /// See where the user's latest reset stands, and their recent password events.
    ViewStatus,
    /// Cancel the user's live reset.
    Cancel,
}

impl AdminAction {
    /// A stable lower-case name: `send`, `status` or `cancel`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SendReset(_) => "send",
            Self::ViewStatus => "status",
            Self::Cancel => "cancel",
        }
    }

    /// What the action does, for developers' messages and logs.
    pub fn describe(self) -> &'static str {
        match self {
            Self::SendReset(Purpose::Reset) => "send a password reset email",
            Self::SendReset(Purpose::Create) => "send a create-password email",
            Self::ViewStatus => "see the password reset status",
            Self::Cancel => "cancel a password reset",
        }
    }
}

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
