//! What names a reset request and what it is for: its id, its purpose,
//! and what an admin may ask to do. Plain facts, over the random source only.

use std::fmt;

use uuid::Uuid;

use crate::random::{OsRandom, RandomnessUnavailable};

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
