//! CPU-heavy work off the async executor, with no runtime of its own:
//! Argon2id on a few dedicated threads that each keep their working memory
//! ([`Argon2Workers`]), and the strength policy on a few more
//! ([`PolicyWorkers`]). These are the service's defaults, so a host that
//! changes nothing never hashes or scores on its executor.
//!
//! Answers come back through a oneshot channel, so any executor (Tokio,
//! async-std, a test's `block_on`) can await them.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use async_trait::async_trait;
use futures::channel::oneshot;
use secrecy::{ExposeSecret, SecretString};

use crate::error::{ConfigError, HashError};
use crate::hash::{Argon2id, PasswordHash, needs_rehash, verify};
use crate::observe;
use crate::policy::{InlinePolicy, PolicyRunner};
use crate::policy::{PasswordPolicy, StrengthReport};
use crate::ports::Hasher;

/// The number of threads a machine's cores suggest (at least one).
pub fn available_cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

enum Argon2Work {
    Hash(SecretString, oneshot::Sender<Result<PasswordHash, HashError>>),
    Verify(SecretString, String, oneshot::Sender<Result<bool, HashError>>),
}

/// A hash or check, and when it was queued (for the queue-wait metric).
struct Argon2Job {
    work: Argon2Work,
    queued: Instant,
}

/// Jobs queued and not yet picked up by a thread: one gauge per process,
/// whatever the number of services in it.
static QUEUED: AtomicUsize = AtomicUsize::new(0);

/// A [`Hasher`] that runs Argon2id on `threads` dedicated threads, each
/// holding one hash's working memory (19 MiB at the default parameters) for
/// its whole life. Work queues here without holding an executor thread or
/// allocating, so memory stays at `threads` × one hash under any burst.
///
/// Sign-in checks ([`Hasher::verify`]) wait in the same queue but at most
/// [`Argon2Workers::max_waiting_verifies`] at a time: past that a check is
/// refused at once with a [`HashError`] (answer it with a 503), so a flood
/// of sign-in attempts is turned away quickly instead of making everyone
/// wait. New passwords (a user finishing a reset) are never refused.
///
/// The threads stop when the last clone is dropped.
#[derive(Debug, Clone)]
pub struct Argon2Workers {
    jobs: mpsc::Sender<Argon2Job>,
    argon2: Argon2id,
    waiting_verifies: Arc<AtomicUsize>,
    max_waiting_verifies: usize,
}

impl Argon2Workers {
    /// Starts `threads` hashing threads (at least one; the number of cores is
    /// the usual choice) that hash with `argon2`.
    ///
    /// # Errors
    /// The working memory could not be allocated or a thread not started.
    pub fn new(argon2: Argon2id, threads: usize) -> Result<Self, ConfigError> {
        let (jobs, queue) = mpsc::channel::<Argon2Job>();
        let queue = Arc::new(Mutex::new(queue));
        let threads = threads.max(1);
        for index in 0..threads {
            let mut memory = argon2
                .memory()
                .map_err(|e| ConfigError::with_source("cannot allocate Argon2 working memory", e))?;
            let (argon2, queue) = (argon2.clone(), Arc::clone(&queue));
            std::thread::Builder::new()
                .name(format!("inzant-argon2-{index}"))
                .spawn(move || {
                    loop {
                        // Holding the lock while waiting is what hands each job to one idle thread.
                        let job = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
                        let Ok(Argon2Job { work, queued }) = job else { break };
                        let depth = QUEUED.fetch_sub(1, Ordering::AcqRel).saturating_sub(1);
                        metrics::gauge!(observe::HASH_QUEUE_DEPTH).set(depth as f64);
                        let started = Instant::now();
                        metrics::histogram!(observe::HASH_QUEUE_WAIT)
                            .record((started - queued).as_secs_f64());
                        // Timed before answering, so the caller sees the figure recorded.
                        // A caller that went away no longer wants the answer: sends may fail.
                        match work {
                            Argon2Work::Hash(password, reply) => {
                                let hashed = argon2.hash_password_in(&password, &mut memory);
                                metrics::histogram!(observe::HASH).record(started.elapsed().as_secs_f64());
                                let _ = reply.send(hashed);
                            }
                            Argon2Work::Verify(password, hash, reply) => {
                                let verified = verify(&password, &hash);
                                metrics::histogram!(observe::HASH).record(started.elapsed().as_secs_f64());
                                let _ = reply.send(verified);
                            }
                        }
                    }
                })
                .map_err(|e| ConfigError::with_source("cannot start an Argon2 thread", e))?;
        }
        Ok(Self {
            jobs,
            argon2,
            waiting_verifies: Arc::new(AtomicUsize::new(0)),
            max_waiting_verifies: threads * 16,
        })
    }

    /// At most `max` sign-in checks wait or run at once (default 16 per
    /// thread: with 2 threads and a 25 ms hash, the last one waits 0.2 s).
    pub fn with_max_waiting_verifies(mut self, max: usize) -> Self {
        self.max_waiting_verifies = max.max(1);
        self
    }

    /// How many sign-in checks may wait or run at once.
    pub fn max_waiting_verifies(&self) -> usize {
        self.max_waiting_verifies
    }

    /// The Argon2id parameters new hashes use.
    pub fn argon2(&self) -> &Argon2id {
        &self.argon2
    }

    fn enqueue(&self, work: Argon2Work) -> Result<(), HashError> {
        let depth = QUEUED.fetch_add(1, Ordering::AcqRel) + 1;
        metrics::gauge!(observe::HASH_QUEUE_DEPTH).set(depth as f64);
        self.jobs.send(Argon2Job { work, queued: Instant::now() }).map_err(|_| {
            QUEUED.fetch_sub(1, Ordering::AcqRel);
            HashError::new("the Argon2 threads have stopped")
        })
    }
}

/// Releases a sign-in check's place in the queue however it ends.
struct Waiting(Arc<AtomicUsize>);

impl Drop for Waiting {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

#[async_trait]
impl Hasher for Argon2Workers {
    async fn hash(&self, password: SecretString) -> Result<PasswordHash, HashError> {
        let (reply, answer) = oneshot::channel();
        self.enqueue(Argon2Work::Hash(password, reply))?;
        answer.await.map_err(|e| HashError::with_source("an Argon2 thread stopped", e))?
    }

    async fn verify(&self, password: SecretString, hash: &str) -> Result<bool, HashError> {
        let waiting = self.waiting_verifies.fetch_add(1, Ordering::AcqRel);
        let _place = Waiting(Arc::clone(&self.waiting_verifies));
        if waiting >= self.max_waiting_verifies {
            return Err(HashError::new(format!(
                "too many password checks waiting ({waiting}); refused rather than queued"
            )));
        }
        let (reply, answer) = oneshot::channel();
        self.enqueue(Argon2Work::Verify(password, hash.to_owned(), reply))?;
        answer.await.map_err(|e| HashError::with_source("an Argon2 thread stopped", e))?
    }

    fn needs_rehash(&self, hash: &str) -> bool {
        needs_rehash(hash, &self.argon2.params())
    }
}

struct PolicyJob {
    policy: Arc<PasswordPolicy>,
    password: SecretString,
    inputs: Vec<String>,
    reply: oneshot::Sender<StrengthReport>,
}

/// A [`PolicyRunner`] that scores passwords on `threads` dedicated threads,
/// so neither typing nor a burst of submits runs the policy on the async
/// executor. Apart from the Argon2 threads: scoring never waits behind a
/// hash. The threads stop when the last clone is dropped.
#[derive(Debug, Clone)]
pub struct PolicyWorkers {
    jobs: mpsc::Sender<PolicyJob>,
}

impl std::fmt::Debug for PolicyJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PolicyJob")
    }
}

impl PolicyWorkers {
    /// Starts `threads` scoring threads (at least one).
    ///
    /// # Errors
    /// A thread could not be started.
    pub fn new(threads: usize) -> Result<Self, ConfigError> {
        let (jobs, queue) = mpsc::channel::<PolicyJob>();
        let queue = Arc::new(Mutex::new(queue));
        for index in 0..threads.max(1) {
            let queue = Arc::clone(&queue);
            std::thread::Builder::new()
                .name(format!("inzant-policy-{index}"))
                .spawn(move || {
                    loop {
                        let job = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
                        let Ok(job) = job else { break };
                        let inputs: Vec<&str> = job.inputs.iter().map(String::as_str).collect();
                        let _ = job.reply.send(job.policy.rate(job.password.expose_secret(), &inputs));
                    }
                })
                .map_err(|e| ConfigError::with_source("cannot start a policy thread", e))?;
        }
        Ok(Self { jobs })
    }
}

#[async_trait]
impl PolicyRunner for PolicyWorkers {
    async fn evaluate(
        &self,
        policy: Arc<PasswordPolicy>,
        password: SecretString,
        inputs: Vec<String>,
    ) -> StrengthReport {
        let (reply, answer) = oneshot::channel();
        let fallback = (Arc::clone(&policy), password.clone(), inputs.clone());
        if self.jobs.send(PolicyJob { policy, password, inputs, reply }).is_ok()
            && let Ok(report) = answer.await
        {
            return report;
        }
        // The threads are gone: score here rather than fail a submit.
        InlinePolicy.evaluate(fallback.0, fallback.1, fallback.2).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::HashParams;
    use futures::executor::block_on;
    use futures::future::join_all;

    fn workers(threads: usize) -> Argon2Workers {
        Argon2Workers::new(Argon2id::new(HashParams::insecure_for_tests()).unwrap(), threads).unwrap()
    }

    #[test]
    fn a_burst_of_hashes_queues_on_the_threads_and_every_hash_verifies() {
        let hasher = workers(2);
        let jobs = (0..40).map(|i| {
            let hasher = hasher.clone();
            async move {
                let password = format!("Velvet-Harbour-{i}");
                let hash = hasher.hash(SecretString::from(password.clone())).await.unwrap();
                (password, hash)
            }
        });
        let hashes = block_on(join_all(jobs));
        assert_eq!(hashes.len(), 40);
        for (password, hash) in &hashes {
            assert!(block_on(hasher.verify(SecretString::from(password.clone()), hash.as_str())).unwrap());
            assert!(!block_on(hasher.verify(SecretString::from("wrong"), hash.as_str())).unwrap());
        }
    }

    #[test]
    fn verifies_beyond_the_waiting_limit_are_refused_at_once() {
        let hasher = workers(1).with_max_waiting_verifies(2);
        let hash = block_on(hasher.hash(SecretString::from("Velvet-Harbour-1"))).unwrap();
        let check = || block_on(hasher.verify(SecretString::from("Velvet-Harbour-1"), hash.as_str()));
        // Two checks hold the places (as if waiting behind a flood).
        hasher.waiting_verifies.fetch_add(2, Ordering::AcqRel);
        assert!(check().is_err());
        assert_eq!(
            hasher.waiting_verifies.load(Ordering::Acquire),
            2,
            "a refused check gives its place back"
        );
        hasher.waiting_verifies.fetch_sub(1, Ordering::AcqRel);
        assert!(check().unwrap());
        assert_eq!(
            hasher.waiting_verifies.load(Ordering::Acquire),
            1,
            "a finished check gives its place back"
        );
    }

    #[test]
    fn needs_rehash_follows_the_workers_parameters() {
        let hasher = workers(1);
        let cheap = block_on(hasher.hash(SecretString::from("Velvet-Harbour-1"))).unwrap();
        assert!(!Hasher::needs_rehash(&hasher, cheap.as_str()));
        let stronger = Argon2id::new(HashParams::default()).unwrap();
        let other = Argon2Workers::new(stronger, 1).unwrap();
        assert!(Hasher::needs_rehash(&other, cheap.as_str()));
    }

    #[test]
    fn the_policy_threads_score_like_the_policy() {
        let policy = Arc::new(PasswordPolicy::default());
        let runner = PolicyWorkers::new(1).unwrap();
        for password in ["password", "Summer2024!", "Velvet-Harbour-Lantern-42"] {
            let report = block_on(runner.evaluate(
                Arc::clone(&policy),
                SecretString::from(password),
                vec!["sam".into()],
            ));
            assert_eq!(report, policy.rate(password, &["sam"]));
        }
    }
}
