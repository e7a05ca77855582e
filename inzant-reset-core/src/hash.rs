//! Argon2id password hashing, and the `verify`/`needs_rehash` pair the host's
//! login paths (web and apps) use.
//!
//! Every function here NFKC-normalizes the password first, exactly as the
//! policy does, so a password set on one device verifies when typed on another.

use std::fmt;

use argon2::password_hash::phc::{Output, ParamsString, Salt};
use argon2::{Algorithm, Argon2, Block, Params, PasswordVerifier as _, Version};
use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};

use crate::error::{ConfigError, HashError};
pub use crate::password_hash::PasswordHash;
use crate::policy::normalize_password;
use crate::ports::Hasher;
use crate::secret::OsRandom;

/// Bytes of random salt per hash (the PHC recommendation).
const SALT_BYTES: usize = 16;
/// Bytes of Argon2 output stored in the PHC string.
const OUTPUT_BYTES: usize = 32;

/// Passwords longer than this many bytes are never verified (they cannot have
/// been set under any policy of at most a few hundred characters), so a login
/// form cannot be made to hash megabytes.
pub const MAX_VERIFY_BYTES: usize = 4096;

/// Argon2id cost parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HashParams {
    /// Memory in KiB (`m`).
    pub memory_kib: u32,
    /// Passes over memory (`t`).
    pub iterations: u32,
    /// Lanes (`p`).
    pub parallelism: u32,
}

impl Default for HashParams {
    /// OWASP's Argon2id recommendation: m = 19456 KiB, t = 2, p = 1.
    fn default() -> Self {
        Self { memory_kib: 19_456, iterations: 2, parallelism: 1 }
    }
}

impl HashParams {
    /// Very cheap parameters for tests only. Never use them for real passwords.
    /// Needs the `test-util` feature.
    #[cfg(any(test, feature = "test-util"))]
    pub fn insecure_for_tests() -> Self {
        Self { memory_kib: 64, iterations: 1, parallelism: 1 }
    }

    fn argon2_params(&self) -> Result<Params, argon2::Error> {
        Params::new(self.memory_kib, self.iterations, self.parallelism, Some(OUTPUT_BYTES))
    }
}

/// Argon2id's working memory for one hash (`memory_kib` KiB), kept and
/// reused by a long-lived worker so that hashing never allocates: freed
/// 19 MiB blocks would otherwise pile up in the allocator's per-thread pools.
pub struct HashMemory(Vec<Block>);

impl fmt::Debug for HashMemory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HashMemory({} KiB)", self.0.len())
    }
}

/// Hashes passwords with Argon2id under fixed, validated parameters.
///
/// # Examples
///
/// ```
/// use inzant_reset_core::hash::{verify, Argon2id, HashParams};
/// use secrecy::SecretString;
///
/// let hasher = Argon2id::new(HashParams::default()).unwrap();
/// let hash = hasher.hash_password(&SecretString::from("Velvet#Harb7")).unwrap();
/// assert!(verify(&SecretString::from("Velvet#Harb7"), hash.as_str()).unwrap());
/// assert!(!verify(&SecretString::from("velvet#harb7"), hash.as_str()).unwrap());
/// ```
#[derive(Clone, Debug)]
pub struct Argon2id {
    params: HashParams,
}

impl Argon2id {
    /// A hasher with `params`.
    ///
    /// # Errors
    /// Parameters Argon2 refuses (for instance memory below 8 KiB per lane).
    pub fn new(params: HashParams) -> Result<Self, ConfigError> {
        params.argon2_params().map_err(|e| ConfigError::with_source("invalid Argon2id parameters", e))?;
        Ok(Self { params })
    }

    /// The parameters new hashes use.
    pub fn params(&self) -> HashParams {
        self.params
    }

    /// Working memory for [`Argon2id::hash_password_in`], allocated once.
    pub fn memory(&self) -> Result<HashMemory, HashError> {
        let params = self.argon2_params()?;
        Ok(HashMemory(vec![Block::new(); params.block_count()]))
    }

    /// Hashes the normalized `password` with a fresh random salt, in
    /// `memory` (from [`Argon2id::memory`]) instead of a new allocation.
    /// The result is the same PHC string [`Argon2id::hash_password`] makes.
    pub fn hash_password_in(
        &self,
        password: &SecretString,
        memory: &mut HashMemory,
    ) -> Result<PasswordHash, HashError> {
        let params = self.argon2_params()?;
        if memory.0.len() != params.block_count() {
            return Err(HashError::new("hash memory of the wrong size for these parameters"));
        }
        let mut salt = [0u8; SALT_BYTES];
        OsRandom.fill(&mut salt).map_err(|e| HashError::with_source("no random salt", e))?;
        let normalized = normalize_password(password.expose_secret());
        let mut output = [0u8; OUTPUT_BYTES];
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
        argon2
            .hash_password_into_with_memory(
                normalized.expose_secret().as_bytes(),
                &salt,
                &mut output,
                &mut memory.0,
            )
            .map_err(|e| HashError::with_source("Argon2id hashing failed", e))?;
        let phc = argon2::PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(&params)
                .map_err(|e| HashError::with_source("Argon2id parameters", e))?,
            salt: Some(Salt::new(&salt).map_err(|e| HashError::with_source("Argon2id salt", e))?),
            hash: Some(Output::new(&output).map_err(|e| HashError::with_source("Argon2id output", e))?),
        };
        Ok(PasswordHash(phc.to_string()))
    }

    fn argon2_params(&self) -> Result<Params, HashError> {
        Params::new(
            self.params.memory_kib,
            self.params.iterations,
            self.params.parallelism,
            Some(OUTPUT_BYTES),
        )
        .map_err(|e| HashError::with_source("invalid Argon2id parameters", e))
    }

    /// Hashes the normalized `password` with a fresh random salt.
    pub fn hash_password(&self, password: &SecretString) -> Result<PasswordHash, HashError> {
        self.hash_password_in(password, &mut self.memory()?)
    }
}

#[async_trait]
impl Hasher for Argon2id {
    async fn hash(&self, password: SecretString) -> Result<PasswordHash, HashError> {
        self.hash_password(&password)
    }

    async fn verify(&self, password: SecretString, hash: &str) -> Result<bool, HashError> {
        verify(&password, hash)
    }

    fn needs_rehash(&self, hash: &str) -> bool {
        needs_rehash(hash, &self.params)
    }
}

/// Whether `password` matches the PHC string `hash`. Any Argon2 variant and
/// any parameters in the hash are accepted (use [`needs_rehash`] to upgrade).
///
/// # Errors
/// `hash` is not a PHC string of a supported algorithm.
pub fn verify(password: &SecretString, hash: &str) -> Result<bool, HashError> {
    let parsed = argon2::PasswordHash::new(hash)
        .map_err(|e| HashError::with_source("not a valid PHC password hash", e))?;
    if password.expose_secret().len() > MAX_VERIFY_BYTES {
        return Ok(false);
    }
    let normalized = normalize_password(password.expose_secret());
    match Argon2::default().verify_password(normalized.expose_secret().as_bytes(), &parsed) {
        Ok(()) => Ok(true),
        Err(argon2::password_hash::Error::PasswordInvalid) => Ok(false),
        Err(e) => Err(HashError::with_source("password verification failed", e)),
    }
}

/// Whether `hash` should be replaced by a hash under `params` at the next
/// successful sign-in: it is not Argon2id version 19 with exactly these
/// parameters, or it cannot be read at all.
pub fn needs_rehash(hash: &str, params: &HashParams) -> bool {
    let Ok(parsed) = argon2::PasswordHash::new(hash) else {
        return true;
    };
    let Ok(found) = Params::try_from(&parsed) else {
        return true;
    };
    parsed.algorithm != argon2::ARGON2ID_IDENT
        || parsed.version != Some(Version::V0x13.into())
        || found.m_cost() != params.memory_kib
        || found.t_cost() != params.iterations
        || found.p_cost() != params.parallelism
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::PasswordHasher as _;

    fn cheap() -> Argon2id {
        Argon2id::new(HashParams::insecure_for_tests()).unwrap()
    }

    #[tokio::test]
    async fn argon2id_as_a_hasher_verifies_and_judges_its_own_hashes() {
        let hasher = cheap();
        let hash = Hasher::hash(&hasher, SecretString::from("Velvet#Harb7")).await.unwrap();
        assert!(Hasher::verify(&hasher, SecretString::from("Velvet#Harb7"), hash.as_str()).await.unwrap());
        assert!(!Hasher::verify(&hasher, SecretString::from("velvet#harb7"), hash.as_str()).await.unwrap());
        assert!(!Hasher::needs_rehash(&hasher, hash.as_str()));
        let stronger = Argon2id::new(HashParams::default()).unwrap();
        assert!(Hasher::needs_rehash(&stronger, hash.as_str()));
    }

    #[test]
    fn passwords_up_to_the_verify_limit_are_checked_and_longer_ones_refused() {
        let at_limit = "x".repeat(MAX_VERIFY_BYTES);
        let hash = cheap().hash_password(&SecretString::from(at_limit.clone())).unwrap();
        assert!(verify(&SecretString::from(at_limit.clone()), hash.as_str()).unwrap());
        let over = format!("{at_limit}x");
        let hash = cheap().hash_password(&SecretString::from(over.clone())).unwrap();
        assert!(!verify(&SecretString::from(over), hash.as_str()).unwrap(), "never hashed at sign-in");
    }

    #[test]
    fn a_hash_differing_in_any_one_parameter_needs_rehash() {
        let params = HashParams { memory_kib: 128, iterations: 2, parallelism: 1 };
        let same = Argon2id::new(params).unwrap().hash_password(&SecretString::from("x")).unwrap();
        assert!(!needs_rehash(same.as_str(), &params));
        for other in [
            HashParams { memory_kib: 256, ..params },
            HashParams { iterations: 3, ..params },
            HashParams { parallelism: 2, ..params },
        ] {
            let hash = Argon2id::new(other).unwrap().hash_password(&SecretString::from("x")).unwrap();
            assert!(needs_rehash(hash.as_str(), &params), "{other:?}");
        }
    }

    #[test]
    fn working_memory_shows_its_size_not_its_contents() {
        let memory = cheap().memory().unwrap();
        assert_eq!(format!("{memory:?}"), "HashMemory(64 KiB)");
    }

    fn secret(text: &str) -> SecretString {
        SecretString::from(text.to_owned())
    }

    #[test]
    fn default_parameters_are_owasps() {
        assert_eq!(HashParams::default(), HashParams { memory_kib: 19_456, iterations: 2, parallelism: 1 });
    }

    #[test]
    fn hashes_are_argon2id_phc_strings_with_the_chosen_parameters() {
        let hash = cheap().hash_password(&secret("Velvet#Harb7")).unwrap();
        assert!(hash.as_str().starts_with("$argon2id$v=19$m=64,t=1,p=1$"), "{}", hash.as_str());
        assert!(!needs_rehash(hash.as_str(), &HashParams::insecure_for_tests()));
        assert!(needs_rehash(hash.as_str(), &HashParams::default()));
    }

    #[test]
    fn the_same_password_gets_a_different_salt_each_time() {
        let a = cheap().hash_password(&secret("Velvet#Harb7")).unwrap();
        let b = cheap().hash_password(&secret("Velvet#Harb7")).unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn verify_accepts_the_password_and_refuses_others() {
        let hash = cheap().hash_password(&secret("Velvet#Harb7")).unwrap();
        assert!(verify(&secret("Velvet#Harb7"), hash.as_str()).unwrap());
        assert!(!verify(&secret("Velvet#Harb8"), hash.as_str()).unwrap());
        assert!(!verify(&secret(""), hash.as_str()).unwrap());
    }

    #[test]
    fn verify_normalizes_like_the_policy() {
        let hash = cheap().hash_password(&secret("Caf\u{e9}-Lantern-42")).unwrap();
        assert!(verify(&secret("Cafe\u{301}-Lantern-42"), hash.as_str()).unwrap());
        let full_width = cheap().hash_password(&secret("Ｐａｓｓ１！word")).unwrap();
        assert!(verify(&secret("Pass1!word"), full_width.as_str()).unwrap());
    }

    #[test]
    fn long_passwords_are_hashed_whole_not_truncated() {
        let long = "Aa1!".repeat(32);
        let hash = cheap().hash_password(&secret(&long)).unwrap();
        assert!(!verify(&secret(&long[..127]), hash.as_str()).unwrap());
        assert!(verify(&secret(&long), hash.as_str()).unwrap());
    }

    #[test]
    fn huge_inputs_are_refused_without_hashing() {
        let hash = cheap().hash_password(&secret("Velvet#Harb7")).unwrap();
        assert!(!verify(&secret(&"a".repeat(MAX_VERIFY_BYTES + 1)), hash.as_str()).unwrap());
    }

    #[test]
    fn malformed_hashes_are_errors_and_need_rehash() {
        assert!(verify(&secret("x"), "not a hash").is_err());
        assert!(PasswordHash::from_phc("plaintext").is_err());
        assert!(needs_rehash("plaintext", &HashParams::default()));
    }

    #[test]
    fn other_argon2_variants_verify_but_need_rehash() {
        let params = Params::new(64, 1, 1, None).unwrap();
        let argon2i = Argon2::new(Algorithm::Argon2i, Version::V0x13, params);
        let hash = argon2i.hash_password(b"Velvet#Harb7").unwrap().to_string();
        assert!(verify(&secret("Velvet#Harb7"), &hash).unwrap());
        assert!(needs_rehash(&hash, &HashParams::insecure_for_tests()));
    }

    #[test]
    fn invalid_parameters_are_refused_up_front() {
        assert!(Argon2id::new(HashParams { memory_kib: 1, iterations: 1, parallelism: 1 }).is_err());
        assert!(Argon2id::new(HashParams { memory_kib: 64, iterations: 0, parallelism: 1 }).is_err());
    }

    #[test]
    fn hashing_in_reused_memory_gives_verifiable_standard_hashes() {
        let hasher = Argon2id::new(HashParams { memory_kib: 256, iterations: 2, parallelism: 1 }).unwrap();
        let mut memory = hasher.memory().unwrap();
        let first = hasher.hash_password_in(&secret("Velvet#Harb7"), &mut memory).unwrap();
        let second = hasher.hash_password_in(&secret("Mango#Trail5"), &mut memory).unwrap();
        let third = hasher.hash_password_in(&secret("Velvet#Harb7"), &mut memory).unwrap();
        assert!(first.as_str().starts_with("$argon2id$v=19$m=256,t=2,p=1$"), "{}", first.as_str());
        assert!(verify(&secret("Velvet#Harb7"), first.as_str()).unwrap());
        assert!(verify(&secret("Mango#Trail5"), second.as_str()).unwrap());
        assert!(verify(&secret("Velvet#Harb7"), third.as_str()).unwrap());
        assert!(!verify(&secret("Mango#Trail5"), first.as_str()).unwrap());
        assert_ne!(first, third, "fresh salt each time");
        assert!(!needs_rehash(first.as_str(), &hasher.params()));
        let other = Argon2id::new(HashParams::insecure_for_tests()).unwrap();
        assert!(other.hash_password_in(&secret("x"), &mut memory).is_err(), "memory must fit the parameters");
    }

    #[test]
    fn debug_hides_the_hash() {
        let hash = cheap().hash_password(&secret("Velvet#Harb7")).unwrap();
        let shown = format!("{hash:?}");
        assert_eq!(shown, "PasswordHash($argon2id$..)");
    }
}
