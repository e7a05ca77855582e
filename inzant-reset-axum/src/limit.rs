//! Per-link state of the strength endpoint: a rate limit, so one link
//! cannot flood the server with evaluations, and a short-lived copy of the
//! opened request, so typing does not query the store on every keystroke
//! (under a burst of submits the store's connections are busy).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use inzant_reset_core::service::OpenedRequest;

/// How long an opened request is reused for strength checks: a link that
/// is cancelled, used or expired (on any instance) stops being rated within
/// this long. Submits always re-read the store.
const OPENED_TTL: Duration = Duration::from_secs(1);

/// From this age on, a strength check is still answered from the copy but
/// the copy is read again in the background, once: while the store answers
/// within the remaining half second, typing never waits for the store.
const REFRESH_AFTER: Duration = Duration::from_millis(500);

/// What the cache holds for a link.
pub(crate) enum Cached {
    /// Nothing young enough: open the link now.
    Missing,
    /// A copy to use as it is.
    Fresh(OpenedRequest),
    /// A copy to use, and the caller should read the link again in the
    /// background and hand the result to [`OpenedCache::refreshed`] (or
    /// [`OpenedCache::forget`] the link when it is dead).
    Refresh(OpenedRequest),
}

struct Entry {
    /// When the store read behind `opened` started.
    at: Instant,
    opened: OpenedRequest,
    /// A background read is under way.
    refreshing: bool,
}

/// Recently opened requests by link digest.
#[derive(Default)]
pub(crate) struct OpenedCache {
    entries: Mutex<HashMap<[u8; 32], Entry>>,
}

impl OpenedCache {
    /// The request opened for `link` less than [`OPENED_TTL`] ago; asks
    /// for a background refresh once it is [`REFRESH_AFTER`] old.
    pub(crate) fn get(&self, link: &[u8; 32], now: Instant) -> Cached {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(entry) = entries.get_mut(link) else {
            return Cached::Missing;
        };
        let age = now.saturating_duration_since(entry.at);
        if age >= OPENED_TTL {
            return Cached::Missing;
        }
        if age >= REFRESH_AFTER && !entry.refreshing {
            entry.refreshing = true;
            return Cached::Refresh(entry.opened.clone());
        }
        Cached::Fresh(entry.opened.clone())
    }

    /// Drops what is kept for `link` (its language changed, or it died).
    pub(crate) fn forget(&self, link: &[u8; 32]) {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner).remove(link);
    }

    /// Remembers `opened` for `link`, read from the store from `at` on.
    pub(crate) fn put(&self, link: [u8; 32], opened: OpenedRequest, at: Instant) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= SWEEP_AT {
            entries.retain(|_, entry| at.saturating_duration_since(entry.at) < OPENED_TTL);
        }
        entries.insert(link, Entry { at, opened, refreshing: false });
    }

    /// The background read asked for by [`Cached::Refresh`], started at
    /// `at`: replaces the copy unless the link was forgotten meanwhile (a
    /// language change must not be undone by an older read).
    pub(crate) fn refreshed(&self, link: [u8; 32], opened: OpenedRequest, at: Instant) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(entry) = entries.get_mut(&link)
            && entry.refreshing
            && entry.at <= at
        {
            *entry = Entry { at, opened, refreshing: false };
        }
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

    fn is_fresh(cached: &Cached) -> bool {
        matches!(cached, Cached::Fresh(_))
    }

    #[test]
    fn an_opened_request_is_reused_for_less_than_a_second() {
        let cache = OpenedCache::default();
        let t0 = Instant::now();
        assert!(matches!(cache.get(&[1; 32], t0), Cached::Missing));
        cache.put([1; 32], opened(), t0);
        assert!(is_fresh(&cache.get(&[1; 32], t0 + Duration::from_millis(499))));
        assert!(
            matches!(cache.get(&[1; 32], t0 + Duration::from_secs(1)), Cached::Missing),
            "a cancel shows within a second"
        );
        cache.put([1; 32], opened(), t0);
        cache.forget(&[1; 32]);
        assert!(matches!(cache.get(&[1; 32], t0), Cached::Missing));
    }

    #[test]
    fn a_half_second_old_copy_asks_for_one_background_read() {
        let cache = OpenedCache::default();
        let t0 = Instant::now();
        cache.put([1; 32], opened(), t0);
        let half = t0 + Duration::from_millis(500);
        assert!(matches!(cache.get(&[1; 32], half), Cached::Refresh(_)));
        // Only once while that read is under way; the copy is still served.
        assert!(is_fresh(&cache.get(&[1; 32], half + Duration::from_millis(10))));
        assert!(matches!(cache.get(&[1; 32], t0 + Duration::from_millis(999)), Cached::Fresh(_)));
        // The read lands: a new second starts from when it began.
        cache.refreshed([1; 32], opened(), half);
        assert!(is_fresh(&cache.get(&[1; 32], half + Duration::from_millis(499))));
        // A read that never lands leaves the copy to die at one second.
        assert!(matches!(cache.get(&[1; 32], half + Duration::from_millis(950)), Cached::Refresh(_)));
        assert!(matches!(cache.get(&[1; 32], half + Duration::from_secs(1)), Cached::Missing));
    }

    #[test]
    fn a_background_read_never_brings_back_a_forgotten_link() {
        let cache = OpenedCache::default();
        let t0 = Instant::now();
        cache.put([1; 32], opened(), t0);
        let half = t0 + Duration::from_millis(600);
        assert!(matches!(cache.get(&[1; 32], half), Cached::Refresh(_)));
        cache.forget(&[1; 32]);
        cache.refreshed([1; 32], opened(), half);
        assert!(matches!(cache.get(&[1; 32], half), Cached::Missing));
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
