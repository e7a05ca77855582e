//! The strength meter as users drive it: loops rating what they type, one
//! call every few milliseconds, on links not being redeemed.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::task::JoinSet;

use crate::Fallible;
use crate::flow;
use crate::http::HttpClient;
use crate::mail::Link;
use crate::stats::{ms, sorted};

/// What a user types, one keystroke at a time: every prefix of a few passwords.
fn keystrokes() -> Vec<String> {
    let mut typed = Vec::new();
    for password in
        ["Velvet-Harbour-Lantern-42", "correct horse battery staple", "Tr0ub4dor&3", "P@ssw0rd2024!"]
    {
        let chars: Vec<char> = password.chars().collect();
        for end in 1..=chars.len() {
            typed.push(chars.get(..end).unwrap_or_default().iter().collect());
        }
    }
    typed
}

/// The calls the loops made.
pub struct Samples {
    /// Milliseconds per call, sorted.
    pub latencies: Vec<f64>,
    /// When each call started, and its milliseconds.
    pub timed: Vec<(Instant, f64)>,
}

impl Samples {
    pub fn calls(&self) -> usize {
        self.timed.len()
    }
}

/// When the loops stop: once `stop` is set and at least `min_calls` calls
/// were made in all, or, with `max_calls`, once that many were made.
#[derive(Clone)]
pub struct Until {
    pub stop: Arc<AtomicBool>,
    pub min_calls: usize,
    pub max_calls: Option<usize>,
}

/// The loops' shared state.
#[derive(Clone)]
struct Shared {
    client: HttpClient,
    until: Until,
    calls: Arc<AtomicUsize>,
    typed: Arc<Vec<String>>,
    every: Duration,
}

/// One loop per link, one call every `every` (or right after the previous
/// answer when that took longer), until `until`. Paced rather than back to
/// back: a typing user sends a few checks a second, and loops without a
/// pause would themselves take a core from the redeems they run beside.
pub async fn run(
    client: &HttpClient,
    base: &str,
    links: &[Link],
    every: Duration,
    until: Until,
) -> Fallible<Samples> {
    let shared = Shared {
        client: client.clone(),
        until,
        calls: Arc::new(AtomicUsize::new(0)),
        typed: Arc::new(keystrokes()),
        every,
    };
    let mut tasks = JoinSet::new();
    for (i, link) in links.iter().enumerate() {
        let url = format!("{base}{}/strength", link.path);
        // Loops start spread over one interval, not all at once.
        let offset = every.mul_f64(i as f64 / links.len() as f64);
        tasks.spawn(one_loop(shared.clone(), url, offset, i * 7));
    }
    let mut timed = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        timed.extend(joined.map_err(|error| format!("a strength loop failed: {error}"))??);
    }
    let latencies = sorted(timed.iter().map(|(_, latency)| *latency).collect());
    Ok(Samples { latencies, timed })
}

async fn one_loop(
    shared: Shared,
    url: String,
    offset: Duration,
    first: usize,
) -> Fallible<Vec<(Instant, f64)>> {
    let Shared { client, until, calls, typed, every } = shared;
    let mut latencies = Vec::new();
    tokio::time::sleep(offset).await;
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    for k in first.. {
        ticks.tick().await;
        let made = calls.load(Ordering::Relaxed);
        if until.max_calls.is_some_and(|max| made >= max)
            || (until.stop.load(Ordering::Relaxed) && made >= until.min_calls)
        {
            break;
        }
        let password = typed.get(k % typed.len().max(1)).map(String::as_str).unwrap_or_default();
        let started = Instant::now();
        flow::rate(&client, &url, password).await?;
        latencies.push((started, ms(started.elapsed())));
        calls.fetch_add(1, Ordering::Relaxed);
    }
    Ok(latencies)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keystrokes_are_every_prefix() {
        let typed = keystrokes();
        assert_eq!(typed.first().map(String::as_str), Some("V"));
        assert!(typed.contains(&"Velvet-Harbour-Lantern-42".to_owned()));
        assert_eq!(typed.len(), 25 + 28 + 11 + 13);
    }
}
