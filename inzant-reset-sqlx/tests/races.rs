//! Races with many connections and two independent pools standing for two
//! app instances on one database. Outcomes are checked by counting, never by
//! timing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::{current, fresh_user_id, hash_of, instance, issued, saved_user};
use futures::future::join_all;
use inzant_reset_core::conformance::{T0, new_request};
use inzant_reset_core::ports::{Finish, IssueLimits, IssueOutcome, ResetStore, UserDirectory};
use inzant_reset_core::state::RequestState;
use inzant_reset_core::user::UserType;
use inzant_reset_sqlx::PgStore;
use tokio::task::JoinHandle;

const MAX_ATTEMPTS: u32 = 5;
const MINUTE: Duration = Duration::from_secs(60);

async fn all<T: Send + 'static>(tasks: Vec<JoinHandle<T>>) -> Vec<T> {
    join_all(tasks).await.into_iter().map(|joined| joined.expect("a task panicked")).collect()
}

/// Does what the service does with a wrong code: count it and lock on the last.
async fn wrong_code(store: PgStore, id: inzant_reset_core::request::RequestId) -> Option<u32> {
    let counted = store.count_attempt(id, MAX_ATTEMPTS, T0 + MINUTE).await.unwrap();
    if counted == Some(MAX_ATTEMPTS) {
        assert!(store.finish(id, Finish::Lock, T0 + MINUTE).await.unwrap(), "the last attempt locks once");
    }
    counted
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_wrong_codes_count_exactly_the_maximum_then_lock() {
    let (store, _) = instance(40).await;
    let request = issued(&store, &fresh_user_id(), T0).await;
    let tasks = (0..200).map(|_| tokio::spawn(wrong_code(store.clone(), request.id))).collect();
    let mut counted: Vec<u32> = all(tasks).await.into_iter().flatten().collect();
    counted.sort_unstable();
    assert_eq!(counted, vec![1, 2, 3, 4, 5]);
    let now = current(&store, &request).await;
    assert_eq!((now.attempts, now.state), (MAX_ATTEMPTS, RequestState::Locked));
    assert_eq!(store.count_attempt(request.id, MAX_ATTEMPTS, T0 + MINUTE).await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_completions_complete_exactly_once() {
    let (store, _) = instance(40).await;
    let request = issued(&store, &fresh_user_id(), T0).await;
    let tasks = (0..50)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(
                async move { store.finish(request.id, Finish::Complete, T0 + MINUTE).await.unwrap() },
            )
        })
        .collect();
    let wins = all(tasks).await.into_iter().filter(|won| *won).count();
    assert_eq!(wins, 1);
    assert_eq!(current(&store, &request).await.state, RequestState::Completed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_app_instances_interleaving_wrong_codes_count_exactly_the_maximum() {
    let (a, _) = instance(20).await;
    let (b, _) = instance(20).await;
    let request = issued(&a, &fresh_user_id(), T0).await;
    let tasks = (0..200)
        .map(|i| tokio::spawn(wrong_code(if i % 2 == 0 { a.clone() } else { b.clone() }, request.id)))
        .collect();
    let mut counted: Vec<u32> = all(tasks).await.into_iter().flatten().collect();
    counted.sort_unstable();
    assert_eq!(counted, vec![1, 2, 3, 4, 5]);
    for store in [&a, &b] {
        let now = current(store, &request).await;
        assert_eq!((now.attempts, now.state), (MAX_ATTEMPTS, RequestState::Locked));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_app_instances_completing_with_passwords_complete_and_save_exactly_once() {
    let (a, users) = instance(20).await;
    let (b, _) = instance(20).await;
    let user = saved_user(&users, UserType::Web).await;
    let request = issued(&b, &user.id, T0).await;
    // A few wrong codes first, from both instances; then 50 racing completions.
    for store in [&a, &b, &a] {
        assert!(store.count_attempt(request.id, MAX_ATTEMPTS, T0 + MINUTE).await.unwrap().is_some());
    }
    let hashes: Vec<_> = (0..50).map(|i| hash_of(&format!("Candidate#{i}-Pass"))).collect();
    let tasks = hashes
        .iter()
        .enumerate()
        .map(|(i, hash)| {
            let store = if i % 2 == 0 { a.clone() } else { b.clone() };
            let (hash, user) = (hash.clone(), user.id.clone());
            tokio::spawn(async move {
                store.complete_with_password(request.id, &user, &hash, T0 + MINUTE).await.unwrap()
            })
        })
        .collect();
    let results = all(tasks).await;
    let winners: Vec<usize> =
        results.iter().enumerate().filter(|(_, r)| **r == Some(true)).map(|(i, _)| i).collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    assert!(results.iter().all(|r| r.is_some()));
    let stored = users.password_hash(&user.id).await.unwrap();
    assert_eq!(stored.as_ref(), Some(&hashes[winners[0]]), "the winner's hash, and only it, is saved");
    assert!(users.find(&user.id).await.unwrap().unwrap().has_password);
    let now = current(&a, &request).await;
    assert_eq!((now.state, now.attempts), (RequestState::Completed, 3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_issues_across_two_instances_respect_the_cooldown() {
    let (a, _) = instance(20).await;
    let (b, _) = instance(20).await;
    let user = fresh_user_id();
    let limits = IssueLimits { cooldown: MINUTE, max_per_day: 10 };
    let tasks = (0..20)
        .map(|i| {
            let store = if i % 2 == 0 { a.clone() } else { b.clone() };
            let request = new_request(&user, T0);
            tokio::spawn(async move { store.issue(&request, limits).await.unwrap() })
        })
        .collect();
    let outcomes = all(tasks).await;
    let issued = outcomes.iter().filter(|o| **o == IssueOutcome::Issued).count();
    assert_eq!(issued, 1, "{outcomes:?}");
    assert!(
        outcomes
            .iter()
            .all(|o| *o == IssueOutcome::Issued || *o == IssueOutcome::CoolingDown { until: T0 + MINUTE }),
        "{outcomes:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_issues_across_two_instances_respect_the_daily_cap() {
    let (a, _) = instance(20).await;
    let (b, _) = instance(20).await;
    let user = fresh_user_id();
    let limits = IssueLimits { cooldown: Duration::ZERO, max_per_day: 3 };
    // All at the same instant, so no cooldown applies (zero cooldown) and only the cap refuses.
    let tasks = (0..30)
        .map(|i| {
            let store = if i % 2 == 0 { a.clone() } else { b.clone() };
            let request = new_request(&user, T0);
            tokio::spawn(async move { store.issue(&request, limits).await.unwrap() })
        })
        .collect();
    let outcomes = all(tasks).await;
    let issued = outcomes.iter().filter(|o| **o == IssueOutcome::Issued).count();
    let capped = outcomes.iter().filter(|o| **o == IssueOutcome::DailyLimitReached).count();
    assert_eq!((issued, capped), (3, 27), "{outcomes:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn superseding_from_another_instance_reaches_only_older_live_requests() {
    let (a, _) = instance(5).await;
    let (b, _) = instance(5).await;
    let user = fresh_user_id();
    let first = issued(&a, &user, T0).await;
    let second = issued(&b, &user, T0 + MINUTE).await;
    let third = issued(&a, &user, T0 + 2 * MINUTE).await;
    assert_eq!(b.supersede_older(third.id).await.unwrap(), vec![first.id, second.id]);
    assert_eq!(a.supersede_older(third.id).await.unwrap(), vec![]);
    for (request, state) in [
        (&first, RequestState::Superseded),
        (&second, RequestState::Superseded),
        (&third, RequestState::Issued),
    ] {
        assert_eq!(current(&a, request).await.state, state);
    }
}
