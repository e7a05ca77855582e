//! A per-link rate limit for the strength endpoint, so one link cannot be
//! used to flood the server with expensive evaluations.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);
/// Windows kept before stale ones are swept out.
const SWEEP_AT: usize = 10_000;

/// Fixed one-minute windows per link digest.
pub(crate) struct PerLink {
    per_minute: u32,
    windows: Mutex<HashMap<[u8; 32], (Instant, u32)>>,
}

impl PerLink {
    pub(crate) fn new(per_minute: u32) -> Self {
        Self { per_minute, windows: Mutex::new(HashMap::new()) }
    }

    /// Counts one use of `link`; false when its minute's allowance is spent.
    pub(crate) fn allow(&self, link: [u8; 32], now: Instant) -> bool {
        let mut windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        if windows.len() >= SWEEP_AT {
            windows.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let (start, used) = windows.entry(link).or_insert((now, 0));
        if now.duration_since(*start) >= WINDOW {
            *start = now;
            *used = 0;
        }
        if *used >= self.per_minute {
            return false;
        }
        *used += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_link_gets_its_allowance_per_minute() {
        let limit = PerLink::new(3);
        let t0 = Instant::now();
        assert!((0..3).all(|_| limit.allow([1; 32], t0)));
        assert!(!limit.allow([1; 32], t0 + Duration::from_secs(59)));
        assert!(limit.allow([2; 32], t0));
        assert!(limit.allow([1; 32], t0 + WINDOW));
    }
}
