//! What Argon2 costs on this machine, measured in this process: the bound
//! on redeems (cores ÷ one hash's time) and the CPU time of one hash.

use std::sync::Barrier;
use std::time::{Duration, Instant};

use crate::Fallible;
use crate::library::Hasher;
use crate::machine::thread_cpu_time;
use crate::stats::{quantile, sorted};

/// One hash with the default `HashParams`, alone and with every core hashing.
pub struct Costs {
    /// Median wall time of one hash, one at a time.
    pub one_hash: Duration,
    /// Median CPU time of one hash, one at a time.
    pub one_hash_cpu: Duration,
    /// The bound on redeems: cores ÷ `one_hash`, per second.
    pub bound_per_second: f64,
    /// Hashes per second reached with every core hashing at once.
    pub parallel_per_second: f64,
    /// CPU time per hash with every core hashing at once (cores sharing
    /// caches, memory bandwidth or a physical core make it larger).
    pub parallel_cpu: Duration,
}

/// Measures `samples` hashes one at a time, then the same on every core at once.
pub async fn measure(cores: usize, samples: usize) -> Fallible<Costs> {
    let (one_hash, one_hash_cpu) = blocking(move || one_at_a_time(samples)).await?;
    let (parallel_per_second, parallel_cpu) = blocking(move || every_core(cores, samples.max(3) + 3)).await?;
    Ok(Costs {
        one_hash,
        one_hash_cpu,
        bound_per_second: cores as f64 / one_hash.as_secs_f64(),
        parallel_per_second,
        parallel_cpu,
    })
}

/// The median CPU time of one hash, one at a time.
pub async fn one_hash_cpu(samples: usize) -> Fallible<Duration> {
    Ok(blocking(move || one_at_a_time(samples)).await?.1)
}

async fn blocking<T: Send + 'static>(work: impl FnOnce() -> Fallible<T> + Send + 'static) -> Fallible<T> {
    tokio::task::spawn_blocking(work).await.map_err(|error| format!("the hashing task failed: {error}"))?
}

/// Median wall and CPU time of one hash over `samples` sequential hashes.
fn one_at_a_time(samples: usize) -> Fallible<(Duration, Duration)> {
    let mut hasher = Hasher::new()?;
    let (mut walls, mut cpus) = (Vec::with_capacity(samples), Vec::with_capacity(samples));
    for _ in 0..samples {
        let (started, cpu) = (Instant::now(), thread_cpu_time());
        hasher.hash()?;
        walls.push(started.elapsed().as_secs_f64());
        cpus.push((thread_cpu_time().saturating_sub(cpu)).as_secs_f64());
    }
    let median = |values: Vec<f64>| Duration::from_secs_f64(quantile(&sorted(values), 0.5).max(0.0));
    Ok((median(walls), median(cpus)))
}

/// Hashes per second and CPU time per hash with `cores` threads each
/// hashing `per_thread` times, all starting together.
fn every_core(cores: usize, per_thread: usize) -> Fallible<(f64, Duration)> {
    let barrier = Barrier::new(cores + 1);
    let (started, results) = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..cores)
            .map(|_| {
                scope.spawn(|| {
                    // Every thread reaches the barrier, even when its hasher failed.
                    let hasher = Hasher::new();
                    barrier.wait();
                    let mut hasher = hasher?;
                    let cpu = thread_cpu_time();
                    (0..per_thread).try_for_each(|_| hasher.hash())?;
                    Ok::<_, String>(thread_cpu_time().saturating_sub(cpu))
                })
            })
            .collect();
        barrier.wait();
        let started = Instant::now();
        (started, workers.into_iter().map(|worker| worker.join()).collect::<Vec<_>>())
    });
    let elapsed = started.elapsed();
    let mut cpu = Duration::ZERO;
    for result in results {
        cpu += result.map_err(|_| "a hashing thread panicked".to_owned())??;
    }
    let hashes = cores * per_thread;
    Ok((hashes as f64 / elapsed.as_secs_f64(), cpu / u32::try_from(hashes).unwrap_or(u32::MAX)))
}
