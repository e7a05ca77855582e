//! Per-link state of the strength endpoint: a rate limit, so one link
//! cannot flood the server with evaluations, and a short-lived copy of the
//! opened request, so typing does not query the store on every keystroke
//! (under a burst of submits the store's connections are busy).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use inzant_reset_core::service::OpenedRequest;

/// How long an opened request is reused for strength checks: at most one
/// store read per link per second however fast the person types, and a link
/// that is cancelled, used or expired meanwhile (on any instance) stops
/// being rated within that second. Submits always re-read the store.
const OPENED_TTL: Duration = Duration::from_secs(1);

/// Recently opened requests by link digest.
#[derive(Default)]
pub(crate) struct OpenedCache {
    entries: Mutex<HashMap<[u8; 32], (Instant, OpenedRequest)>>,
}

impl OpenedCache {
    /// The request opened for `link` less than [`OPENED_TTL`] ago.
    pub(crate) fn get(&self, link: &[u8; 32], now: Instant) -> Option<OpenedRequest> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries
            .get(link)
            .filter(|(at, _)| now.duration_since(*at) < OPENED_TTL)
            .map(|(_, opened)| opened.clone())
    }

    /// Drops what is kept for `link` (its language changed).
    pub(crate) fn forget(&self, link: &[u8; 32]) {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner).remove(link);
    }

    /// Remembers `opened` for `link`.
    pub(crate) fn put(&self, link: [u8; 32], opened: OpenedRequest, now: Instant) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= SWEEP_AT {
            entries.retain(|_, (at, _)| now.duration_since(*at) < OPENED_TTL);
        }
        entries.insert(link, (now, opened));
    }
}

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

    /// Counts one use of `link`; `Err(wait)` when its minute's allowance is
    /// spent, with how long until the next minute starts.
    pub(crate) fn allow(&self, link: [u8; 32], now: Instant) -> Result<(), Duration> {
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
            return Err(WINDOW.saturating_sub(now.duration_since(*start)));
        }
        *used += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_opened_request_is_reused_for_less_than_a_second() {
        let cache = OpenedCache::default();
        let t0 = Instant::now();
        assert!(cache.get(&[1; 32], t0).is_none());
        cache.put([1; 32], opened(), t0);
        assert!(cache.get(&[1; 32], t0 + Duration::from_millis(999)).is_some());
        assert!(cache.get(&[1; 32], t0 + Duration::from_secs(1)).is_none(), "a cancel shows within a second");
        cache.put([1; 32], opened(), t0);
        cache.forget(&[1; 32]);
        assert!(cache.get(&[1; 32], t0).is_none());
    }

    fn opened() -> OpenedRequest {
        use inzant_reset_core::prelude::*;
        use std::sync::Arc;
        // An opened request, the way the service makes one.
        let directory = Arc::new(inzant_reset_core::memory::MemoryDirectory::new());
        for (id, user_type) in [("1", UserType::Admin), ("2", UserType::Web)] {
            directory.insert(User {
                id: UserId::new(id),
                username: format!("{id}@example.com"),
                display_name: String::new(),
                email_to: None,
                user_type,
                has_password: true,
                locale: None,
                tenant: None,
            });
        }
        let outbox = Arc::new(inzant_reset_core::memory::MemoryOutbox::new());
        let service = ResetService::builder(
            Arc::new(inzant_reset_core::memory::MemoryStore::new()),
            directory,
            outbox.clone(),
            CodeKeys::new(vec![1; 32], vec![]).unwrap(),
            ResetConfig::new("https://example.com"),
        )
        .build()
        .unwrap();
        futures_executor(async {
            service.trigger(&UserId::new("1"), &UserId::new("2"), Purpose::Reset).await.unwrap();
            let (token, _) = outbox.last_link_and_code().unwrap();
            service.open(&token).await.unwrap()
        })
    }

    fn futures_executor<T>(future: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(future)
    }

    #[test]
    fn each_link_gets_its_allowance_per_minute() {
        let limit = PerLink::new(3);
        let t0 = Instant::now();
        assert!((0..3).all(|_| limit.allow([1; 32], t0).is_ok()));
        assert_eq!(limit.allow([1; 32], t0 + Duration::from_secs(59)), Err(Duration::from_secs(1)));
        assert!(limit.allow([2; 32], t0).is_ok());
        assert!(limit.allow([1; 32], t0 + WINDOW).is_ok());
    }
}
