//! A stored password hash: the PHC string a [`Hasher`](crate::ports::Hasher)
//! returns and a [`UserDirectory`](crate::ports::UserDirectory) saves. Plain
//! data; parsing it needs the PHC format only, not the hashing algorithm.

use std::fmt;

use crate::error::HashError;

/// A password hash as a PHC string (`$argon2id$v=19$m=…`).
///
/// Not a secret like a password, but an offline-cracking target, so `Debug`
/// shows only the algorithm.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(pub(crate) String);

impl PasswordHash {
    /// Wraps a PHC string read from storage, checking that it parses.
    pub fn from_phc(phc: impl Into<String>) -> Result<Self, HashError> {
        let phc = phc.into();
        phc::PasswordHash::new(&phc)
            .map_err(|e| HashError::with_source("not a valid PHC password hash", e))?;
        Ok(Self(phc))
    }

    /// The PHC string, for storage.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let algorithm = self.0.split('$').nth(1).unwrap_or("?");
        write!(f, "PasswordHash(${algorithm}$..)")
    }
}
