//! CPU-heavy work off the async executor, with no runtime of its own:
//! Argon2id on a few dedicated threads that each keep their working memory
//! ([`Argon2Workers`]), and the strength policy on a few more
//! ([`PolicyWorkers`], the meter's ratings first). These are the service's
//! defaults, so a host that changes nothing never hashes or scores on its
//! executor.
//!
//! Answers come back through a oneshot channel, so any executor (Tokio,
//! async-std, a test's `block_on`) can await them.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use async_trait::async_trait;
use futures::channel::oneshot;
use secrecy::{ExposeSecret, SecretString};

use crate::error::{ConfigError, HashError};
use crate::hash::{Argon2id, PasswordHash, needs_rehash, verify};
use crate::observe;
use crate::policy::{InlinePolicy, Lane, PolicyRunner};
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

impl std::fmt::Debug for PolicyJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PolicyJob")
    }
}

/// Meter ratings served in a row, at most, while a submit's check waits:
/// the meter goes first, but a flood of keystrokes cannot hold submits
/// back for ever.
const METER_RUN: u32 = 8;

/// The two queues of [`PolicyWorkers`] and the order they are served in.
#[derive(Debug)]
struct Lanes<T> {
    meter: VecDeque<T>,
    submit: VecDeque<T>,
    /// Meter jobs taken in a row while a submit job was waiting.
    meter_run: u32,
    /// No job will be added: the threads finish the queue and stop.
    closed: bool,
    /// Threads still serving. When none is left (each one's scoring
    /// panicked), jobs are dropped instead of queued, and the caller scores
    /// on its own task.
    alive: usize,
}

impl<T> Lanes<T> {
    fn new() -> Self {
        Self { meter: VecDeque::new(), submit: VecDeque::new(), meter_run: 0, closed: false, alive: 0 }
    }

    /// Queues `job`, unless no thread is left to take it (then it is dropped).
    fn push(&mut self, lane: Lane, job: T) {
        if self.alive == 0 {
            return;
        }
        match lane {
            Lane::Meter => self.meter.push_back(job),
            Lane::Submit => self.submit.push_back(job),
        }
    }

    /// The next job: the meter's first, except that after [`METER_RUN`]
    /// meter jobs taken past a waiting submit job, that submit job.
    fn next(&mut self) -> Option<T> {
        if self.submit.is_empty() {
            self.meter_run = 0;
            return self.meter.pop_front();
        }
        if self.meter_run < METER_RUN
            && let Some(job) = self.meter.pop_front()
        {
            self.meter_run += 1;
            return Some(job);
        }
        self.meter_run = 0;
        self.submit.pop_front()
    }
}

/// What the policy threads share: the lanes and the bell that wakes them.
#[derive(Debug)]
struct PolicyQueue {
    lanes: Mutex<Lanes<PolicyJob>>,
    ready: Condvar,
}

impl PolicyQueue {
    fn lanes(&self) -> MutexGuard<'_, Lanes<PolicyJob>> {
        self.lanes.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The next job, waiting for one; `None` once closed and empty.
    fn take(&self) -> Option<PolicyJob> {
        let mut lanes = self.lanes();
        loop {
            if let Some(job) = lanes.next() {
                return Some(job);
            }
            if lanes.closed {
                return None;
            }
            lanes = self.ready.wait(lanes).unwrap_or_else(PoisonError::into_inner);
        }
    }

    fn close(&self) {
        self.lanes().closed = true;
        self.ready.notify_all();
    }
}

/// Counts a policy thread out however it ends; the last one out drops
/// what is still queued, so that its callers score on their own tasks.
struct Serving(Arc<PolicyQueue>);

impl Drop for Serving {
    fn drop(&mut self) {
        let mut lanes = self.0.lanes();
        lanes.alive = lanes.alive.saturating_sub(1);
        if lanes.alive == 0 {
            lanes.meter.clear();
            lanes.submit.clear();
        }
    }
}

/// Closes the queue when the last [`PolicyWorkers`] clone is dropped.
#[derive(Debug)]
struct CloseOnDrop(Arc<PolicyQueue>);

impl Drop for CloseOnDrop {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// A [`PolicyRunner`] that scores passwords on `threads` dedicated threads,
/// so neither typing nor a burst of submits runs the policy on the async
/// executor. Apart from the Argon2 threads: scoring never waits behind a
/// hash. Two queues: the meter's ratings ([`Lane::Meter`]) are served
/// before submits' checks ([`Lane::Submit`]), so typing stays instant while
/// a burst of submits is being saved (a submit waits for at most eight
/// meter ratings in a row). The threads stop when the last clone is dropped.
#[derive(Debug, Clone)]
pub struct PolicyWorkers {
    queue: Arc<CloseOnDrop>,
}

impl PolicyWorkers {
    /// Starts `threads` scoring threads (at least one).
    ///
    /// # Errors
    /// A thread could not be started.
    pub fn new(threads: usize) -> Result<Self, ConfigError> {
        let queue = Arc::new(PolicyQueue { lanes: Mutex::new(Lanes::new()), ready: Condvar::new() });
        let workers = Self { queue: Arc::new(CloseOnDrop(Arc::clone(&queue))) };
        for index in 0..threads.max(1) {
            queue.lanes().alive += 1;
            let serving = Serving(Arc::clone(&queue));
            std::thread::Builder::new()
                .name(format!("inzant-policy-{index}"))
                .spawn(move || {
                    let queue = Arc::clone(&serving.0);
                    while let Some(job) = queue.take() {
                        let inputs: Vec<&str> = job.inputs.iter().map(String::as_str).collect();
                        let _ = job.reply.send(job.policy.rate(job.password.expose_secret(), &inputs));
                    }
                })
                // Dropping `workers` (and the unstarted thread's `serving`)
                // closes the queue, so threads already started stop.
                .map_err(|e| ConfigError::with_source("cannot start a policy thread", e))?;
        }
        Ok(workers)
    }

    fn submit(&self, lane: Lane, job: PolicyJob) {
        let queue = &self.queue.0;
        queue.lanes().push(lane, job);
        queue.ready.notify_one();
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
        self.evaluate_in(Lane::Submit, policy, password, inputs).await
    }

    async fn evaluate_in(
        &self,
        lane: Lane,
        policy: Arc<PasswordPolicy>,
        password: SecretString,
        inputs: Vec<String>,
    ) -> StrengthReport {
        let (reply, answer) = oneshot::channel();
        let fallback = (Arc::clone(&policy), password.clone(), inputs.clone());
        self.submit(lane, PolicyJob { policy, password, inputs, reply });
        if let Ok(report) = answer.await {
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

    fn lanes_with(submits: &[&'static str], meters: &[&'static str]) -> Lanes<&'static str> {
        let mut lanes = Lanes::new();
        lanes.alive = 1;
        for job in submits {
            lanes.push(Lane::Submit, *job);
        }
        for job in meters {
            lanes.push(Lane::Meter, *job);
        }
        lanes
    }

    fn drain(lanes: &mut Lanes<&'static str>) -> Vec<&'static str> {
        std::iter::from_fn(|| lanes.next()).collect()
    }

    #[test]
    fn the_meter_is_served_before_submits_queued_earlier() {
        let mut lanes = lanes_with(&["s1", "s2"], &["m1", "m2", "m3"]);
        assert_eq!(drain(&mut lanes), ["m1", "m2", "m3", "s1", "s2"]);
        // Each lane keeps its own order when only one has work.
        let mut lanes = lanes_with(&["s1", "s2", "s3"], &[]);
        assert_eq!(drain(&mut lanes), ["s1", "s2", "s3"]);
    }

    #[test]
    fn a_flood_of_meter_ratings_lets_a_waiting_submit_through_every_eight() {
        let meters: Vec<&'static str> = [
            "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9", "m10", "m11", "m12", "m13", "m14", "m15",
            "m16", "m17",
        ]
        .to_vec();
        let mut lanes = lanes_with(&["s1", "s2", "s3"], &meters);
        let order = drain(&mut lanes);
        let position = |job: &str| order.iter().position(|j| *j == job).unwrap();
        assert_eq!(position("s1"), 8, "{order:?}");
        assert_eq!(position("s2"), 17, "{order:?}");
        assert_eq!(position("s3"), 19, "{order:?}");
        assert_eq!(order.len(), 20);
    }

    #[test]
    fn a_meter_run_starts_again_once_no_submit_waits() {
        let mut lanes = lanes_with(&["s1"], &["m1", "m2", "m3", "m4", "m5", "m6", "m7"]);
        assert_eq!(drain(&mut lanes).last(), Some(&"s1"));
        // Seven meter jobs were taken past s1; s1 is gone, so the count restarts.
        for job in ["m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8"] {
            lanes.push(Lane::Meter, job);
        }
        lanes.push(Lane::Submit, "s2");
        assert_eq!(drain(&mut lanes).iter().position(|j| *j == "s2"), Some(8));
    }

    #[test]
    fn with_no_thread_left_a_job_is_dropped_not_queued() {
        let mut lanes = lanes_with(&[], &[]);
        lanes.alive = 0;
        lanes.push(Lane::Meter, "m1");
        lanes.push(Lane::Submit, "s1");
        assert_eq!(lanes.next(), None);
    }

    #[test]
    fn a_rating_is_answered_after_the_threads_score_many_of_both_lanes() {
        let policy = Arc::new(PasswordPolicy::default());
        let runner = PolicyWorkers::new(2).unwrap();
        let jobs = (0..40).map(|i| {
            let (runner, policy) = (runner.clone(), Arc::clone(&policy));
            async move {
                let lane = if i % 3 == 0 { Lane::Meter } else { Lane::Submit };
                let password = format!("Velvet-Harbour-{i}");
                let report = runner
                    .evaluate_in(lane, Arc::clone(&policy), SecretString::from(password.clone()), vec![])
                    .await;
                (password, report)
            }
        });
        for (password, report) in block_on(join_all(jobs)) {
            assert_eq!(report, policy.rate(&password, &[]));
        }
    }

    #[test]
    fn the_threads_stop_when_the_last_clone_is_dropped() {
        let runner = PolicyWorkers::new(2).unwrap();
        let queue = Arc::clone(&runner.queue.0);
        let clone = runner.clone();
        drop(runner);
        assert!(!queue.lanes().closed, "a clone still holds the workers");
        drop(clone);
        assert!(queue.lanes().closed);
        // Both threads see the close and count themselves out.
        while queue.lanes().alive > 0 {
            std::thread::yield_now();
        }
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
