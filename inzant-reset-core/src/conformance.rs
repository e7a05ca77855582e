//! The store conformance suite: one set of checks every [`ResetStore`] must
//! pass, written once and run unchanged against each implementation.
//!
//! In a store crate's tests (with `tokio` as a dev-dependency):
//!
//! ```ignore
//! inzant_reset_core::store_conformance_tests!(async {
//!     std::sync::Arc::new(MyStore::connect().await) as std::sync::Arc<dyn ResetStore>
//! });
//! ```
//!
//! Each check uses its own users and tokens, so stores may be shared between
//! checks (one database for the whole suite) and the checks may run at the
//! same time. Purging is the exception, as it acts on the whole store: the
//! macro runs the purge checks as one test, one after the other, and no
//! other check writes anything that had ended by the purge checks' cut-offs.

use std::sync::Arc;
use std::time::Duration;

use futures::future::join_all;
use time::OffsetDateTime;
use time::macros::datetime;

use crate::password_hash::PasswordHash;
use crate::ports::{Finish, IssueLimits, IssueOutcome, ResetStore};
use crate::request::{Purpose, RequestId, ResetRequest};
use crate::secret::{Code, CodeKeys, LinkToken, OsRandom};
use crate::state::RequestState;
use crate::user::UserId;

/// Expands to one `#[tokio::test]` per conformance check. `$make` is an
/// expression evaluating to a future of `Arc<dyn ResetStore>`; it is
/// evaluated afresh for every check.
#[macro_export]
macro_rules! store_conformance_tests {
    ($make:expr) => {
        $crate::store_conformance_tests!(@checks $make;
            issued_request_is_found_by_its_token_digest,
            unknown_token_is_not_found,
            attempt_counting_stops_at_the_maximum,
            lock_finishes_a_request_for_good,
            a_request_completes_exactly_once,
            completing_with_a_password_happens_exactly_once,
            revoked_requests_cannot_be_used_or_completed,
            expired_requests_cannot_be_counted_or_completed,
            supersede_marks_only_older_live_requests_of_the_same_user,
            cooldown_refuses_a_second_request_too_soon,
            revoked_requests_do_not_count_towards_the_limits,
            daily_cap_counts_the_last_24_hours,
            concurrent_wrong_codes_count_exactly_the_maximum,
            concurrent_completions_complete_exactly_once,
            concurrent_issues_respect_the_cooldown,
            finishing_records_when_the_request_ended,
            a_cancelled_request_cannot_be_counted_or_completed,
            concurrent_cancels_and_completions_let_exactly_one_win,
            recent_requests_of_a_user_come_newest_first,
            a_duplicate_id_or_token_is_refused,
            the_language_is_stored_and_changes_only_while_issued,
            expiring_marks_each_unused_expired_request_once,
            purge_checks_one_after_the_other
        );
    };
    (@checks $make:expr; $($check:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $check() {
                let store: ::std::sync::Arc<dyn $crate::ports::ResetStore> = ($make).await;
                $crate::conformance::$check(store).await;
            }
        )*
    };
}

/// The purge checks in turn: each purges the whole store, so run at the
/// same time each would count (and remove) the other's requests.
pub async fn purge_checks_one_after_the_other(store: Arc<dyn ResetStore>) {
    purge_keeps_what_ended_exactly_at_the_cut_off(Arc::clone(&store)).await;
    purge_removes_only_finished_or_expired_requests(store).await;
}

/// The suite's reference time, on whole seconds so every store keeps it exactly.
pub const T0: OffsetDateTime = datetime!(2026-11-26 12:00:00 UTC);
const MINUTE: Duration = Duration::from_secs(60);
const HOUR: Duration = Duration::from_secs(3600);
const DAY: Duration = Duration::from_secs(24 * 3600);

const NO_LIMITS: IssueLimits = IssueLimits { cooldown: Duration::ZERO, max_per_day: u32::MAX };
const INZANT_LIMITS: IssueLimits = IssueLimits { cooldown: MINUTE, max_per_day: 10 };

fn fresh_user() -> UserId {
    match RequestId::generate(&OsRandom) {
        Ok(id) => UserId::new(format!("conformance-{id}")),
        Err(error) => unreachable_in_suite(&format!("no randomness for a user id: {error}")),
    }
}

/// A new request for `user`, issued at `at` and living 24 hours.
pub fn new_request(user: &UserId, at: OffsetDateTime) -> ResetRequest {
    let id = match RequestId::generate(&OsRandom) {
        Ok(id) => id,
        Err(error) => unreachable_in_suite(&format!("no randomness for a request id: {error}")),
    };
    let token = LinkToken::generate(&OsRandom).map(|t| t.digest());
    let code = Code::parse("123456");
    let keys = CodeKeys::new(vec![42; 32], Vec::new());
    let (Ok(token_digest), Some(code), Ok(keys)) = (token, code, keys) else {
        unreachable_in_suite("could not build a test request");
    };
    ResetRequest {
        id,
        user: user.clone(),
        issued_by: UserId::new("conformance-admin"),
        purpose: Purpose::Reset,
        token_digest,
        code_digest: keys.digest(id, &code),
        state: RequestState::Issued,
        attempts: 0,
        created_at: at,
        expires_at: at + DAY,
        finished_at: None,
        language: "de".to_owned(),
    }
}

#[allow(clippy::panic)]
fn unreachable_in_suite(what: &str) -> ! {
    panic!("conformance suite: {what}")
}

async fn issue(store: &Arc<dyn ResetStore>, request: &ResetRequest, limits: IssueLimits) -> IssueOutcome {
    match store.issue(request, limits).await {
        Ok(outcome) => outcome,
        Err(error) => unreachable_in_suite(&format!("issue failed: {error}")),
    }
}

async fn issued(store: &Arc<dyn ResetStore>, user: &UserId, at: OffsetDateTime) -> ResetRequest {
    let request = new_request(user, at);
    assert_eq!(issue(store, &request, NO_LIMITS).await, IssueOutcome::Issued);
    request
}

async fn current(store: &Arc<dyn ResetStore>, request: &ResetRequest) -> ResetRequest {
    match store.find_by_token(&request.token_digest).await {
        Ok(Some(found)) => found,
        Ok(None) => unreachable_in_suite("an issued request was not found"),
        Err(error) => unreachable_in_suite(&format!("find_by_token failed: {error}")),
    }
}

async fn count(
    store: &Arc<dyn ResetStore>,
    request: &ResetRequest,
    max: u32,
    now: OffsetDateTime,
) -> Option<u32> {
    match store.count_attempt(request.id, max, now).await {
        Ok(counted) => counted,
        Err(error) => unreachable_in_suite(&format!("count_attempt failed: {error}")),
    }
}

async fn finish(
    store: &Arc<dyn ResetStore>,
    request: &ResetRequest,
    how: Finish,
    now: OffsetDateTime,
) -> bool {
    match store.finish(request.id, how, now).await {
        Ok(changed) => changed,
        Err(error) => unreachable_in_suite(&format!("finish failed: {error}")),
    }
}

/// A stored request reads back exactly as written.
pub async fn issued_request_is_found_by_its_token_digest(store: Arc<dyn ResetStore>) {
    let user = fresh_user();
    let request = issued(&store, &user, T0).await;
    assert_eq!(current(&store, &request).await, request);
}

/// A digest nobody issued finds nothing.
pub async fn unknown_token_is_not_found(store: Arc<dyn ResetStore>) {
    let stranger = new_request(&fresh_user(), T0);
    assert!(matches!(store.find_by_token(&stranger.token_digest).await, Ok(None)));
}

/// Attempts count 1, 2, 3 and then stop.
pub async fn attempt_counting_stops_at_the_maximum(store: Arc<dyn ResetStore>) {
    let request = issued(&store, &fresh_user(), T0).await;
    for expected in 1..=3 {
        assert_eq!(count(&store, &request, 3, T0 + MINUTE).await, Some(expected));
    }
    assert_eq!(count(&store, &request, 3, T0 + MINUTE).await, None);
    let now = current(&store, &request).await;
    assert_eq!(now.attempts, 3);
    assert_eq!(now.state_at(T0 + MINUTE, 3), RequestState::Locked);
}

/// A locked request stays locked: no attempts, no completion.
pub async fn lock_finishes_a_request_for_good(store: Arc<dyn ResetStore>) {
    let request = issued(&store, &fresh_user(), T0).await;
    assert!(finish(&store, &request, Finish::Lock, T0 + MINUTE).await);
    assert_eq!(current(&store, &request).await.state, RequestState::Locked);
    assert!(!finish(&store, &request, Finish::Lock, T0 + MINUTE).await);
    assert!(!finish(&store, &request, Finish::Complete, T0 + MINUTE).await);
    assert_eq!(count(&store, &request, 5, T0 + MINUTE).await, None);
}

/// The second completion of a request changes nothing.
pub async fn a_request_completes_exactly_once(store: Arc<dyn ResetStore>) {
    let request = issued(&store, &fresh_user(), T0).await;
    assert_eq!(count(&store, &request, 5, T0 + MINUTE).await, Some(1));
    assert!(finish(&store, &request, Finish::Complete, T0 + MINUTE).await);
    assert!(!finish(&store, &request, Finish::Complete, T0 + MINUTE).await);
    assert!(!finish(&store, &request, Finish::Revoke, T0 + MINUTE).await);
    let now = current(&store, &request).await;
    assert_eq!(now.state, RequestState::Completed);
    assert_eq!(count(&store, &request, 5, T0 + MINUTE).await, None);
}

/// [`ResetStore::complete_with_password`], for stores that offer it: the
/// request completes exactly once, and a second call changes nothing. A
/// store that does not (`Ok(None)`, the default) passes, as long as the
/// request is left as it was. The suite cannot see a users table, so it
/// checks the completion side only; a store that refuses because it does
/// not know the suite's user must refuse without completing the request.
pub async fn completing_with_a_password_happens_exactly_once(store: Arc<dyn ResetStore>) {
    let request = issued(&store, &fresh_user(), T0).await;
    let hash = match PasswordHash::from_phc(CONFORMANCE_PHC) {
        Ok(hash) => hash,
        Err(error) => unreachable_in_suite(&format!("the suite's PHC string does not parse: {error}")),
    };
    let now = T0 + MINUTE;
    match store.complete_with_password(request.id, &request.user, &hash, now).await {
        Ok(None) | Err(_) => {
            assert_eq!(current(&store, &request).await.state, RequestState::Issued);
        }
        Ok(Some(completed)) => {
            assert!(completed, "a live request was not completed");
            let done = current(&store, &request).await;
            assert_eq!(done.state, RequestState::Completed);
            assert_eq!(done.finished_at, Some(now));
            let again = store.complete_with_password(request.id, &request.user, &hash, now).await;
            assert!(matches!(again, Ok(Some(false))), "a second completion returned {again:?}");
            assert!(!finish(&store, &request, Finish::Complete, now).await);
            assert_eq!(current(&store, &request).await.state, RequestState::Completed);
        }
    }
}

/// A valid Argon2id PHC string (of no password anyone uses).
const CONFORMANCE_PHC: &str =
    "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$ZmFrZWhhc2hmYWtlaGFzaGZha2VoYXNoZmFrZWhhc2g";

/// A revoked request takes no attempts and cannot complete.
pub async fn revoked_requests_cannot_be_used_or_completed(store: Arc<dyn ResetStore>) {
    let request = issued(&store, &fresh_user(), T0).await;
    assert!(finish(&store, &request, Finish::Revoke, T0).await);
    assert_eq!(current(&store, &request).await.state, RequestState::Revoked);
    assert_eq!(count(&store, &request, 5, T0).await, None);
    assert!(!finish(&store, &request, Finish::Complete, T0).await);
}

/// At and after `expires_at` nothing is counted or completed.
pub async fn expired_requests_cannot_be_counted_or_completed(store: Arc<dyn ResetStore>) {
    let request = issued(&store, &fresh_user(), T0).await;
    let just_before = request.expires_at - Duration::from_secs(1);
    assert_eq!(count(&store, &request, 5, just_before).await, Some(1));
    assert_eq!(count(&store, &request, 5, request.expires_at).await, None);
    assert!(!finish(&store, &request, Finish::Complete, request.expires_at).await);
    let now = current(&store, &request).await;
    assert_eq!(now.state_at(request.expires_at, 5), RequestState::Expired);
    assert_eq!(now.attempts, 1);
}

/// Superseding reaches only earlier, still-issued requests of the same user.
pub async fn supersede_marks_only_older_live_requests_of_the_same_user(store: Arc<dyn ResetStore>) {
    let user = fresh_user();
    let used = issued(&store, &user, T0).await;
    assert!(finish(&store, &used, Finish::Complete, T0).await);
    let older = issued(&store, &user, T0 + MINUTE).await;
    let newer = issued(&store, &user, T0 + 2 * MINUTE).await;
    let someone_else = issued(&store, &fresh_user(), T0).await;

    let superseded = store.supersede_older(newer.id).await.ok();
    assert_eq!(superseded, Some(vec![older.id]));
    assert_eq!(current(&store, &older).await.state, RequestState::Superseded);
    assert_eq!(current(&store, &newer).await.state, RequestState::Issued);
    assert_eq!(current(&store, &used).await.state, RequestState::Completed);
    assert_eq!(current(&store, &someone_else).await.state, RequestState::Issued);
    assert_eq!(store.supersede_older(older.id).await.ok(), Some(vec![]));
    assert_eq!(count(&store, &older, 5, T0 + 3 * MINUTE).await, None);
}

/// Within the cooldown a second request is refused, with when to retry.
pub async fn cooldown_refuses_a_second_request_too_soon(store: Arc<dyn ResetStore>) {
    let user = fresh_user();
    let first = new_request(&user, T0);
    assert_eq!(issue(&store, &first, INZANT_LIMITS).await, IssueOutcome::Issued);
    let soon = new_request(&user, T0 + Duration::from_secs(30));
    assert_eq!(issue(&store, &soon, INZANT_LIMITS).await, IssueOutcome::CoolingDown { until: T0 + MINUTE });
    assert!(matches!(store.find_by_token(&soon.token_digest).await, Ok(None)));
    let later = new_request(&user, T0 + MINUTE);
    assert_eq!(issue(&store, &later, INZANT_LIMITS).await, IssueOutcome::Issued);
    let other_user = new_request(&fresh_user(), T0 + Duration::from_secs(30));
    assert_eq!(issue(&store, &other_user, INZANT_LIMITS).await, IssueOutcome::Issued);
}

/// A request revoked because its email failed does not hold up a retry.
pub async fn revoked_requests_do_not_count_towards_the_limits(store: Arc<dyn ResetStore>) {
    let user = fresh_user();
    let failed = new_request(&user, T0);
    assert_eq!(issue(&store, &failed, INZANT_LIMITS).await, IssueOutcome::Issued);
    assert!(finish(&store, &failed, Finish::Revoke, T0).await);
    let retry = new_request(&user, T0 + Duration::from_secs(5));
    assert_eq!(issue(&store, &retry, INZANT_LIMITS).await, IssueOutcome::Issued);
}

/// The daily cap counts requests in the 24 hours before the new one.
pub async fn daily_cap_counts_the_last_24_hours(store: Arc<dyn ResetStore>) {
    let user = fresh_user();
    let limits = IssueLimits { cooldown: Duration::ZERO, max_per_day: 3 };
    for hour in 0..3 {
        let request = new_request(&user, T0 + hour * HOUR);
        assert_eq!(issue(&store, &request, limits).await, IssueOutcome::Issued);
    }
    let fourth = new_request(&user, T0 + 3 * HOUR);
    assert_eq!(issue(&store, &fourth, limits).await, IssueOutcome::DailyLimitReached);
    // Exactly 24 hours after the first, the first no longer counts.
    let next_day = new_request(&user, T0 + DAY);
    assert_eq!(issue(&store, &next_day, limits).await, IssueOutcome::Issued);
}

/// A request whose id or token is already stored is an error, not a second request.
pub async fn a_duplicate_id_or_token_is_refused(store: Arc<dyn ResetStore>) {
    let first = issued(&store, &fresh_user(), T0).await;
    let same_id = ResetRequest { id: first.id, ..new_request(&fresh_user(), T0) };
    assert!(store.issue(&same_id, NO_LIMITS).await.is_err(), "a second request with the same id");
    let same_token = ResetRequest { token_digest: first.token_digest, ..new_request(&fresh_user(), T0) };
    assert!(store.issue(&same_token, NO_LIMITS).await.is_err(), "a second request with the same token");
    assert_eq!(current(&store, &first).await, first);
}

/// 200 wrong codes at once count exactly `max_attempts`, each number once.
pub async fn concurrent_wrong_codes_count_exactly_the_maximum(store: Arc<dyn ResetStore>) {
    let request = issued(&store, &fresh_user(), T0).await;
    let attempts = (0..200).map(|_| {
        let store = Arc::clone(&store);
        let id = request.id;
        async move { store.count_attempt(id, 5, T0 + MINUTE).await }
    });
    let results = join_all(attempts).await;
    assert!(results.iter().all(Result::is_ok), "a store call failed");
    let mut counted: Vec<u32> = results.into_iter().filter_map(|r| r.ok().flatten()).collect();
    counted.sort_unstable();
    assert_eq!(counted, vec![1, 2, 3, 4, 5]);
    assert_eq!(current(&store, &request).await.attempts, 5);
}

/// 50 completions at once: exactly one wins.
pub async fn concurrent_completions_complete_exactly_once(store: Arc<dyn ResetStore>) {
    let request = issued(&store, &fresh_user(), T0).await;
    let completions = (0..50).map(|_| {
        let store = Arc::clone(&store);
        let id = request.id;
        async move { store.finish(id, Finish::Complete, T0 + MINUTE).await }
    });
    let results = join_all(completions).await;
    assert!(results.iter().all(Result::is_ok), "a store call failed");
    let wins = results.into_iter().filter(|r| matches!(r, Ok(true))).count();
    assert_eq!(wins, 1);
    assert_eq!(current(&store, &request).await.state, RequestState::Completed);
}

/// Twenty admins resetting the same user at once: one email goes out.
pub async fn concurrent_issues_respect_the_cooldown(store: Arc<dyn ResetStore>) {
    let user = fresh_user();
    let issues = (0..20).map(|_| {
        let store = Arc::clone(&store);
        let request = new_request(&user, T0);
        async move { store.issue(&request, INZANT_LIMITS).await }
    });
    let results = join_all(issues).await;
    assert!(results.iter().all(Result::is_ok), "a store call failed");
    let issued = results.iter().filter(|r| matches!(r, Ok(IssueOutcome::Issued))).count();
    assert_eq!(issued, 1);
}

/// Purge deletes what expired or finished before the cut-off, nothing else.
pub async fn purge_removes_only_finished_or_expired_requests(store: Arc<dyn ResetStore>) {
    let user = fresh_user();
    let long_ago = T0 - 30 * DAY;
    let expired = issued(&store, &user, long_ago).await;
    let completed = issued(&store, &user, long_ago + HOUR).await;
    assert!(finish(&store, &completed, Finish::Complete, long_ago + HOUR).await);
    let recent_done = issued(&store, &user, T0).await;
    assert!(finish(&store, &recent_done, Finish::Complete, T0).await);
    let live = issued(&store, &user, T0 + HOUR).await;

    let purged = store.purge(T0 - DAY).await.ok();
    assert!(purged.is_some_and(|n| n >= 2), "purged {purged:?}");
    for gone in [&expired, &completed] {
        assert!(matches!(store.find_by_token(&gone.token_digest).await, Ok(None)));
    }
    assert_eq!(current(&store, &recent_done).await.state, RequestState::Completed);
    assert_eq!(current(&store, &live).await.state, RequestState::Issued);
}

/// Finishing (and superseding) says when the request ended.
pub async fn finishing_records_when_the_request_ended(store: Arc<dyn ResetStore>) {
    let user = fresh_user();
    let first = issued(&store, &user, T0).await;
    assert_eq!(current(&store, &first).await.finished_at, None);
    let second = issued(&store, &user, T0 + MINUTE).await;
    assert!(matches!(store.supersede_older(second.id).await.as_deref(), Ok([id]) if *id == first.id));
    let superseded = current(&store, &first).await;
    assert_eq!((superseded.state, superseded.finished_at), (RequestState::Superseded, Some(T0 + MINUTE)));
    assert!(finish(&store, &second, Finish::Cancel, T0 + HOUR).await);
    let cancelled = current(&store, &second).await;
    assert_eq!((cancelled.state, cancelled.finished_at), (RequestState::Cancelled, Some(T0 + HOUR)));
}

/// A cancelled request counts no attempt and never completes.
pub async fn a_cancelled_request_cannot_be_counted_or_completed(store: Arc<dyn ResetStore>) {
    let request = issued(&store, &fresh_user(), T0).await;
    assert!(finish(&store, &request, Finish::Cancel, T0 + MINUTE).await);
    assert!(!finish(&store, &request, Finish::Cancel, T0 + MINUTE).await, "cancelled twice");
    assert!(matches!(store.count_attempt(request.id, 5, T0 + MINUTE).await, Ok(None)));
    assert!(!finish(&store, &request, Finish::Complete, T0 + MINUTE).await);
    let stored = current(&store, &request).await;
    assert_eq!((stored.state, stored.attempts), (RequestState::Cancelled, 0));
}

/// 25 cancels and 25 completions at once: exactly one of all 50 wins, and
/// the request ends in the winner's state.
pub async fn concurrent_cancels_and_completions_let_exactly_one_win(store: Arc<dyn ResetStore>) {
    let request = issued(&store, &fresh_user(), T0).await;
    let calls = (0..50).map(|i| {
        let store = Arc::clone(&store);
        let id = request.id;
        let how = if i % 2 == 0 { Finish::Cancel } else { Finish::Complete };
        async move { (how, store.finish(id, how, T0 + MINUTE).await) }
    });
    let results = join_all(calls).await;
    assert!(results.iter().all(|(_, r)| r.is_ok()), "a store call failed");
    let winners: Vec<Finish> =
        results.into_iter().filter(|(_, r)| matches!(r, Ok(true))).map(|(how, _)| how).collect();
    assert_eq!(winners.len(), 1, "{winners:?}");
    assert_eq!(current(&store, &request).await.state, winners[0].target());
}

/// A user's requests come back newest first, in issue order, up to the limit,
/// and another user's never.
pub async fn recent_requests_of_a_user_come_newest_first(store: Arc<dyn ResetStore>) {
    let user = fresh_user();
    // Same creation time for all: only the store's issue order tells them apart.
    let first = issued(&store, &user, T0).await;
    let second = issued(&store, &user, T0).await;
    let third = issued(&store, &user, T0).await;
    issued(&store, &fresh_user(), T0).await;
    let ids = |requests: Vec<ResetRequest>| requests.into_iter().map(|r| r.id).collect::<Vec<_>>();
    let recent = store.recent_for_user(&user, 10).await.map(ids).ok();
    assert_eq!(recent, Some(vec![third.id, second.id, first.id]));
    let latest = store.recent_for_user(&user, 1).await.map(ids).ok();
    assert_eq!(latest, Some(vec![third.id]));
    assert!(matches!(store.recent_for_user(&fresh_user(), 10).await.as_deref(), Ok([])));
}

/// Requests whose time ran out unused are marked expired once, with when
/// they expired; live, finished and later-expiring ones are left alone.
pub async fn expiring_marks_each_unused_expired_request_once(store: Arc<dyn ResetStore>) {
    // Long before the other checks' requests (issued around T0), which run
    // at the same time on the same store: none of theirs is due by then.
    let now = T0 - 98 * DAY;
    let user = fresh_user();
    let unused = issued(&store, &user, now - 2 * DAY).await;
    let used = issued(&store, &fresh_user(), now - 2 * DAY).await;
    assert!(finish(&store, &used, Finish::Cancel, now - DAY - DAY / 2).await);
    let live = issued(&store, &fresh_user(), now - DAY / 2).await;
    let due: Vec<ResetRequest> = match store.expire_due(now, 10_000).await {
        Ok(due) => due.into_iter().filter(|r| [unused.id, used.id, live.id].contains(&r.id)).collect(),
        Err(error) => unreachable_in_suite(&format!("expire_due failed: {error}")),
    };
    assert_eq!(due.iter().map(|r| r.id).collect::<Vec<_>>(), [unused.id]);
    assert_eq!(due[0].state, RequestState::Expired);
    assert_eq!(due[0].finished_at, Some(unused.expires_at));
    assert_eq!(current(&store, &unused).await.state, RequestState::Expired);
    assert_eq!(current(&store, &used).await.state, RequestState::Cancelled);
    assert_eq!(current(&store, &live).await.state, RequestState::Issued);
    let again = store.expire_due(now, 10_000).await.map(|due| due.iter().any(|r| r.id == unused.id));
    assert!(matches!(again, Ok(false)), "marked once");
}

/// A request keeps the language it was issued in; the person's choice on
/// the reset page changes it while the request is live, and never after.
pub async fn the_language_is_stored_and_changes_only_while_issued(store: Arc<dyn ResetStore>) {
    let request = issued(&store, &fresh_user(), T0).await;
    assert_eq!(current(&store, &request).await.language, "de");
    assert!(matches!(store.set_language(request.id, "fr").await, Ok(true)));
    assert_eq!(current(&store, &request).await.language, "fr");
    assert!(matches!(store.set_language(request.id, "fr").await, Ok(false)), "no change, no write");
    assert!(finish(&store, &request, Finish::Complete, T0).await);
    assert!(matches!(store.set_language(request.id, "es").await, Ok(false)));
    assert_eq!(current(&store, &request).await.language, "fr");
    let unknown = new_request(&fresh_user(), T0);
    assert!(matches!(store.set_language(unknown.id, "es").await, Ok(false)));
}

/// The cut-off is exclusive: a request that expired, or a finished one
/// created, exactly at it stays.
pub async fn purge_keeps_what_ended_exactly_at_the_cut_off(store: Arc<dyn ResetStore>) {
    let user = fresh_user();
    let cut_off = T0 - 10 * DAY;
    // What an interrupted earlier run on the same database left.
    assert!(store.purge(cut_off + Duration::from_secs(1)).await.is_ok());
    // Lives 24 hours: expires exactly at the cut-off.
    let expiring = issued(&store, &user, cut_off - DAY).await;
    let finished = issued(&store, &user, cut_off).await;
    assert!(finish(&store, &finished, Finish::Revoke, cut_off).await);
    assert!(store.purge(cut_off).await.is_ok());
    assert_eq!(current(&store, &expiring).await.id, expiring.id);
    assert_eq!(current(&store, &finished).await.id, finished.id);
    assert!(matches!(store.purge(cut_off + Duration::from_secs(1)).await, Ok(2)));
}
