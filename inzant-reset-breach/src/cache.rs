//! Ranges recently fetched from the API, so that a password rated again
//! (each keystroke that keeps it acceptable, then the submit) sends no
//! second request.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use inzant_reset_core::breach::{RangeEntry, RangeSuffix};

/// One range's non-padding lines, sorted by suffix. Counts above `u32::MAX`
/// are kept as `u32::MAX` (the most seen password has tens of millions).
struct Range {
    fetched: Instant,
    entries: Box<[(RangeSuffix, u32)]>,
}

/// At most `capacity` ranges, each for `ttl`; when full, the expired and
/// then the oldest are dropped first.
pub(crate) struct RangeCache {
    ranges: Mutex<HashMap<u32, Range>>,
    capacity: usize,
    ttl: Duration,
}

impl RangeCache {
    pub(crate) fn new(capacity: usize, ttl: Duration) -> Self {
        Self { ranges: Mutex::new(HashMap::new()), capacity, ttl }
    }

    /// How often `suffix` was seen, if range `prefix` is cached and fresh.
    pub(crate) fn get(&self, prefix: u32, suffix: &RangeSuffix, now: Instant) -> Option<u64> {
        let ranges = self.ranges.lock().unwrap_or_else(PoisonError::into_inner);
        let range = ranges.get(&prefix)?;
        if now.saturating_duration_since(range.fetched) >= self.ttl {
            return None;
        }
        Some(match range.entries.binary_search_by(|(entry, _)| entry.cmp(suffix)) {
            Ok(at) => u64::from(range.entries[at].1),
            Err(_) => 0,
        })
    }

    /// Keeps range `prefix`'s `entries` (padding left out).
    pub(crate) fn put(&self, prefix: u32, entries: &[RangeEntry], now: Instant) {
        if self.capacity == 0 || self.ttl.is_zero() {
            return;
        }
        let mut kept: Vec<(RangeSuffix, u32)> = entries
            .iter()
            .filter(|entry| entry.count > 0)
            .map(|entry| (entry.suffix, u32::try_from(entry.count).unwrap_or(u32::MAX)))
            .collect();
        kept.sort_unstable_by_key(|entry| entry.0);
        kept.dedup_by(|later, first| {
            let same = later.0 == first.0;
            if same {
                first.1 = first.1.saturating_add(later.1);
            }
            same
        });
        let mut ranges = self.ranges.lock().unwrap_or_else(PoisonError::into_inner);
        if ranges.len() >= self.capacity && !ranges.contains_key(&prefix) {
            ranges.retain(|_, range| now.saturating_duration_since(range.fetched) < self.ttl);
            while ranges.len() >= self.capacity {
                let Some(oldest) = ranges.iter().min_by_key(|(_, range)| range.fetched).map(|(k, _)| *k)
                else {
                    break;
                };
                ranges.remove(&oldest);
            }
        }
        ranges.insert(prefix, Range { fetched: now, entries: kept.into_boxed_slice() });
    }

    /// How many ranges are held.
    pub(crate) fn len(&self) -> usize {
        self.ranges.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn suffix(last: u8) -> RangeSuffix {
        let mut hex = [b'0'; 35];
        hex[34] = last;
        RangeSuffix::from_hex(&hex).unwrap()
    }

    #[test]
    fn ranges_expire_and_the_oldest_make_room() {
        let cache = RangeCache::new(2, Duration::from_secs(10));
        let start = Instant::now();
        let entries = [
            RangeEntry { suffix: suffix(b'2'), count: 5 },
            RangeEntry { suffix: suffix(b'1'), count: 0 },
            RangeEntry { suffix: suffix(b'9'), count: u64::MAX },
        ];
        cache.put(1, &entries, start);
        assert_eq!(cache.get(1, &suffix(b'2'), start), Some(5));
        assert_eq!(cache.get(1, &suffix(b'1'), start), Some(0), "padding is not a sighting");
        assert_eq!(cache.get(1, &suffix(b'9'), start), Some(u64::from(u32::MAX)));
        assert_eq!(cache.get(2, &suffix(b'2'), start), None);
        assert_eq!(cache.get(1, &suffix(b'2'), start + Duration::from_secs(10)), None, "expired");

        cache.put(2, &entries, start + Duration::from_secs(1));
        cache.put(3, &entries, start + Duration::from_secs(2));
        assert_eq!(cache.len(), 2);
        assert_eq!(cache.get(1, &suffix(b'2'), start + Duration::from_secs(2)), None, "the oldest went");
        assert_eq!(cache.get(3, &suffix(b'2'), start + Duration::from_secs(2)), Some(5));

        let off = RangeCache::new(0, Duration::from_secs(10));
        off.put(1, &entries, start);
        assert_eq!(off.len(), 0);
    }
}
