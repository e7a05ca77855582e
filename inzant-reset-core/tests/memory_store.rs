//! The in-memory store passes the store conformance suite, and keeps its
//! guarantees when many threads hammer it at once.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use inzant_reset_core::conformance::{T0, new_request};
use inzant_reset_core::memory::MemoryStore;
use inzant_reset_core::ports::{Finish, IssueLimits, IssueOutcome, ResetStore};
use inzant_reset_core::user::UserId;

inzant_reset_core::store_conformance_tests!(async { Arc::new(MemoryStore::new()) as Arc<dyn ResetStore> });

const NO_LIMITS: IssueLimits = IssueLimits { cooldown: std::time::Duration::ZERO, max_per_day: u32::MAX };

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn wrong_codes_from_many_threads_count_at_most_max_attempts() {
    let store = Arc::new(MemoryStore::new());
    let request = new_request(&UserId::new("u"), T0);
    assert_eq!(store.issue(&request, NO_LIMITS).await.unwrap(), IssueOutcome::Issued);
    let tasks: Vec<_> = (0..400)
        .map(|_| {
            let store = Arc::clone(&store);
            tokio::spawn(async move { store.count_attempt(request.id, 5, T0).await.unwrap() })
        })
        .collect();
    let mut counted = Vec::new();
    for task in tasks {
        counted.extend(task.await.unwrap());
    }
    counted.sort_unstable();
    assert_eq!(counted, [1, 2, 3, 4, 5]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn completions_from_many_threads_complete_once() {
    let store = Arc::new(MemoryStore::new());
    let request = new_request(&UserId::new("u"), T0);
    store.issue(&request, NO_LIMITS).await.unwrap();
    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let store = Arc::clone(&store);
            // A few threads lock and revoke too: whoever comes first wins, once.
            let how = match i % 10 {
                0 => Finish::Lock,
                1 => Finish::Revoke,
                _ => Finish::Complete,
            };
            tokio::spawn(async move { store.finish(request.id, how, T0).await.unwrap() })
        })
        .collect();
    let mut wins = 0;
    for task in tasks {
        wins += usize::from(task.await.unwrap());
    }
    assert_eq!(wins, 1);
    assert!(store.snapshot()[0].state.is_terminal());
}
