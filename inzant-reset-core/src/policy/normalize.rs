//! NFKC normalization: what the policy checks, what is hashed and what is verified.

use super::*;

/// NFKC can turn one character into up to eighteen and combine several into
/// one; no real password shrinks by more than this factor, so anything longer
/// is refused before the (linear but not free) normalization runs.
pub(super) const RAW_LENGTH_FACTOR: usize = 4;

/// The NFKC form of a password: what the policy checks, what is hashed and
/// what is verified.
pub fn normalize_password(password: &str) -> SecretString {
    SecretString::from(password.nfkc().collect::<String>())
}
