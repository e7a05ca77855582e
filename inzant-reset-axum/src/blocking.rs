//! CPU-heavy work off the async executor: Argon2 on a few dedicated threads
//! that each keep their working memory, and the policy on the blocking pool.

use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use inzant_reset_core::error::{ConfigError, HashError};
use inzant_reset_core::hash::{Argon2id, PasswordHash};
use inzant_reset_core::policy::{PasswordPolicy, StrengthReport};
use inzant_reset_core::ports::{Hasher, InlinePolicy, PolicyRunner};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::{Semaphore, oneshot};

type Reply = oneshot::Sender<Result<PasswordHash, HashError>>;

/// A [`Hasher`] that runs Argon2id on `workers` dedicated threads, each
/// holding one hash's working memory (19 MiB at the default parameters) for
/// its whole life. A burst of submits queues here without holding a thread
/// or allocating: memory stays at `workers` × one hash, and no freed blocks
/// pile up in the allocator's per-thread pools.
#[derive(Debug, Clone)]
pub struct BlockingHasher {
    jobs: mpsc::Sender<(SecretString, Reply)>,
}

impl BlockingHasher {
    /// Starts `workers` hashing threads (at least one; the number of cores is
    /// the usual choice) that hash with `inner`.
    ///
    /// # Errors
    /// The working memory could not be allocated or a thread not started.
    pub fn new(inner: Argon2id, workers: usize) -> Result<Self, ConfigError> {
        let (jobs, queue) = mpsc::channel::<(SecretString, Reply)>();
        let queue = Arc::new(Mutex::new(queue));
        for index in 0..workers.max(1) {
            let mut memory = inner
                .memory()
                .map_err(|e| ConfigError::with_source("cannot allocate Argon2 working memory", e))?;
            let (inner, queue) = (inner.clone(), Arc::clone(&queue));
            std::thread::Builder::new()
                .name(format!("inzant-argon2-{index}"))
                .spawn(move || {
                    loop {
                        // Holding the lock while waiting is what hands each job to one idle worker.
                        let job = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
                        let Ok((password, reply)) = job else { break };
                        // A caller that went away no longer wants the answer.
                        let _ = reply.send(inner.hash_password_in(&password, &mut memory));
                    }
                })
                .map_err(|e| ConfigError::with_source("cannot start an Argon2 thread", e))?;
        }
        Ok(Self { jobs })
    }
}

#[async_trait]
impl Hasher for BlockingHasher {
    async fn hash(&self, password: SecretString) -> Result<PasswordHash, HashError> {
        let (reply, answer) = oneshot::channel();
        self.jobs.send((password, reply)).map_err(|_| HashError::new("the hashing threads have stopped"))?;
        answer.await.map_err(|e| HashError::with_source("a hashing thread stopped", e))?
    }
}

/// A [`PolicyRunner`] that scores passwords on Tokio's blocking pool, at
/// most `concurrency` at a time, so a burst of submits never queues
/// strength checks on the async executor.
#[derive(Debug, Clone)]
pub struct BlockingPolicy {
    permits: Arc<Semaphore>,
}

impl BlockingPolicy {
    /// Scores at most `concurrency` passwords at once (at least one).
    pub fn new(concurrency: usize) -> Self {
        Self { permits: Arc::new(Semaphore::new(concurrency.max(1))) }
    }
}

#[async_trait]
impl PolicyRunner for BlockingPolicy {
    async fn evaluate(
        &self,
        policy: Arc<PasswordPolicy>,
        password: SecretString,
        inputs: Vec<String>,
    ) -> StrengthReport {
        let Ok(_permit) = self.permits.acquire().await else {
            return InlinePolicy.evaluate(policy, password, inputs).await;
        };
        let fallback = (Arc::clone(&policy), password.clone(), inputs.clone());
        let scored = tokio::task::spawn_blocking(move || {
            let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
            policy.evaluate(password.expose_secret(), &inputs)
        })
        .await;
        match scored {
            Ok(report) => report,
            // The blocking pool is shutting down: score here rather than fail a submit.
            Err(_) => InlinePolicy.evaluate(fallback.0, fallback.1, fallback.2).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use inzant_reset_core::hash::{HashParams, verify};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_burst_of_hashes_queues_on_the_workers_and_every_hash_verifies() {
        let hasher =
            BlockingHasher::new(Argon2id::new(HashParams::insecure_for_tests()).unwrap(), 2).unwrap();
        let jobs = (0..40).map(|i| {
            let hasher = hasher.clone();
            async move {
                let password = format!("Velvet-Harbour-{i}");
                let hash = hasher.hash(SecretString::from(password.clone())).await.unwrap();
                (password, hash)
            }
        });
        let hashes = spawn_all(jobs).await;
        assert_eq!(hashes.len(), 40);
        for (password, hash) in &hashes {
            assert!(verify(&SecretString::from(password.clone()), hash.as_str()).unwrap());
        }
    }

    #[tokio::test]
    async fn the_blocking_policy_scores_like_the_policy() {
        let policy = Arc::new(PasswordPolicy::default());
        let runner = BlockingPolicy::new(1);
        for password in ["password", "Summer2024!", "Velvet-Harbour-Lantern-42"] {
            let report = runner.evaluate(Arc::clone(&policy), SecretString::from(password), vec![]).await;
            assert_eq!(report, policy.evaluate(password, &[]));
        }
    }

    async fn spawn_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
    where
        F: std::future::Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let tasks: Vec<_> = futures.map(tokio::spawn).collect();
        let mut out = Vec::new();
        for task in tasks {
            out.push(task.await.unwrap());
        }
        out
    }
}
