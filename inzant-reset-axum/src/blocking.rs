//! Argon2 off the async executor, with bounded concurrency.

use std::sync::Arc;

use async_trait::async_trait;
use inzant_reset_core::error::HashError;
use inzant_reset_core::hash::{Argon2id, PasswordHash};
use inzant_reset_core::ports::Hasher;
use secrecy::SecretString;
use tokio::sync::Semaphore;

/// A [`Hasher`] that runs Argon2id on Tokio's blocking pool, at most
/// `concurrency` hashes at a time (each takes ~19 MiB at the default
/// parameters, so this also bounds memory). Other submits wait their turn
/// without holding a thread.
#[derive(Debug, Clone)]
pub struct BlockingHasher {
    inner: Arc<Argon2id>,
    permits: Arc<Semaphore>,
}

impl BlockingHasher {
    /// Hashes with `inner`, `concurrency` at a time (at least one); the
    /// number of cores is the usual choice.
    pub fn new(inner: Argon2id, concurrency: usize) -> Self {
        Self { inner: Arc::new(inner), permits: Arc::new(Semaphore::new(concurrency.max(1))) }
    }
}

#[async_trait]
impl Hasher for BlockingHasher {
    async fn hash(&self, password: SecretString) -> Result<PasswordHash, HashError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| HashError::with_source("the hashing pool is closed", e))?;
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || inner.hash_password(&password))
            .await
            .map_err(|e| HashError::with_source("the hashing task failed", e))?
    }
}
