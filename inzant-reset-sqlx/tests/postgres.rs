//! The user directory, audit sink, one-transaction completion, faults (a
//! backend killed mid-transaction, missing tables) and the whole reset flow
//! through the core's service, on a real PostgreSQL server.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{
    backend_waiting_on_a_lock, current, fresh_user_id, hash_of, host_table, instance, issued, pool,
    saved_user, schema,
};
use inzant_reset_core::audit::{AuditEvent, AuditKind};
use inzant_reset_core::conformance::T0;
use inzant_reset_core::hash::HashParams;
use inzant_reset_core::memory::{MemoryAudit, MemoryOutbox};
use inzant_reset_core::ports::{AuditSink, Completion, Finish, ResetStore, UserDirectory};
use inzant_reset_core::prelude::*;
use inzant_reset_core::request::Purpose;
use inzant_reset_core::state::RequestState;
use inzant_reset_sqlx::{PgAudit, PgStore, PgUserDirectory, Schema, UsersTable};
use secrecy::SecretString;
use time::OffsetDateTime;

const MINUTE: Duration = Duration::from_secs(60);

#[tokio::test]
async fn users_are_read_from_the_hosts_own_table() {
    let (_, users) = instance(4).await;
    let user = saved_user(&users, UserType::Device).await;
    assert_eq!(users.find(&user.id).await.unwrap(), Some(user.clone()));
    assert_eq!(users.password_hash(&user.id).await.unwrap(), None);

    let hash = hash_of("Velvet#Harb7");
    users.set_password_hash(&user.id, &hash).await.unwrap();
    let found = users.find(&user.id).await.unwrap().unwrap();
    assert!(found.has_password);
    assert_eq!(users.password_hash(&user.id).await.unwrap(), Some(hash));

    let by_name = users.find_by_username(&user.username.to_uppercase()).await.unwrap();
    assert_eq!(by_name.map(|u| u.id), Some(user.id.clone()));
    // Ids that cannot be the table's BIGINT ids name nobody; they are not errors.
    assert_eq!(users.find(&fresh_user_id()).await.unwrap(), None);
    assert_eq!(users.find(&UserId::new("999999999999")).await.unwrap(), None);
}

#[tokio::test]
async fn an_empty_hash_column_means_no_password() {
    let (_, users) = instance(4).await;
    let user = saved_user(&users, UserType::Web).await;
    sqlx::query("UPDATE inzant_host_test.accounts SET pwd_hash = '' WHERE account_id = $1::text::bigint")
        .bind(user.id.as_str())
        .execute(users.pool())
        .await
        .unwrap();
    assert!(!users.find(&user.id).await.unwrap().unwrap().has_password);
    assert_eq!(users.password_hash(&user.id).await.unwrap(), None);
}

#[tokio::test]
async fn directory_errors_are_clear_and_never_panic() {
    let (_, users) = instance(4).await;
    let error = users.set_password_hash(&fresh_user_id(), &hash_of("Velvet#Harb7")).await.unwrap_err();
    assert!(error.to_string().contains("no user with id"), "{error}");
    let error =
        users.set_password_hash(&UserId::new("999999999999"), &hash_of("Velvet#Harb7")).await.unwrap_err();
    assert!(error.to_string().contains("no user with id"), "{error}");

    // A user type the description does not know is an error, not a guess.
    let odd = PgUserDirectory::new(
        users.pool().clone(),
        host_table().user_type("kind", ["admin", "web", "device"]).unwrap(),
    );
    let user = saved_user(&users, UserType::Web).await;
    let error = odd.find(&user.id).await.unwrap_err();
    assert!(error.to_string().contains("unknown user type \"staff\""), "{error}");
}

#[tokio::test]
async fn audit_events_are_recorded_and_read_back() {
    let pool = pool(4).await;
    let audit = PgAudit::new(pool).with_schema(schema());
    let request = RequestId::generate(&OsRandom).unwrap();
    let user = fresh_user_id();
    let admin = fresh_user_id();
    let kinds = [
        AuditKind::Issued { purpose: Purpose::Create },
        AuditKind::Superseded,
        AuditKind::WrongCode { attempts_left: 4 },
        AuditKind::Locked,
        AuditKind::MailFailed,
        AuditKind::Completed,
        AuditKind::PasswordNotSaved,
        AuditKind::HookFailed,
        AuditKind::NoticeFailed,
        AuditKind::NoticeSent,
        AuditKind::Cancelled,
    ];
    let events: Vec<AuditEvent> = kinds
        .iter()
        .enumerate()
        .map(|(i, kind)| AuditEvent {
            at: T0 + Duration::from_secs(i as u64),
            kind: *kind,
            request,
            user: user.clone(),
            actor: (i == 0).then(|| admin.clone()),
        })
        .collect();
    for event in &events {
        audit.record(event).await.unwrap();
    }
    assert_eq!(audit.events_for_request(request).await.unwrap(), events);

    // A user's recent events: newest first, wrong codes left out, at most `limit`.
    let recent = audit.recent_for_user(&user, 5).await.unwrap();
    let expected: Vec<AuditEvent> = events
        .iter()
        .rev()
        .filter(|e| !matches!(e.kind, AuditKind::WrongCode { .. }))
        .take(5)
        .cloned()
        .collect();
    assert_eq!(recent, expected);
    assert_eq!(audit.recent_for_user(&user, 100).await.unwrap().len(), events.len() - 1);
    assert!(
        audit.recent_for_user(&admin, 10).await.unwrap().is_empty(),
        "an actor's own events are not theirs"
    );
}

#[tokio::test]
async fn audit_events_between_two_times_are_the_latest_newest_first() {
    let pool = pool(4).await;
    let audit = PgAudit::new(pool).with_schema(schema());
    // A span of time of this test's own, far from every other test's events.
    let offset = u64::from(RequestId::generate(&OsRandom).unwrap().as_uuid().as_fields().0);
    let start = T0 + Duration::from_secs(80 * 365 * 24 * 3600 + offset);
    let request = RequestId::generate(&OsRandom).unwrap();
    let user = fresh_user_id();
    let at = |minutes: u64, kind: AuditKind| AuditEvent {
        at: start + MINUTE * u32::try_from(minutes).unwrap(),
        kind,
        request,
        user: user.clone(),
        actor: None,
    };
    let issued = at(0, AuditKind::Issued { purpose: Purpose::Reset });
    let wrong = at(1, AuditKind::WrongCode { attempts_left: 4 });
    let completed = at(3, AuditKind::Completed);
    let notice = at(5, AuditKind::NoticeSent);
    // Recorded out of time order: the answer is in time order regardless.
    for event in [&completed, &issued, &notice, &wrong] {
        audit.record(event).await.unwrap();
    }

    let all = audit.events_between(start, start + MINUTE * 6, 100).await.unwrap();
    assert_eq!(all, [notice.clone(), completed.clone(), wrong.clone(), issued.clone()]);
    // `from` is included and `to` left out.
    let window = audit.events_between(start + MINUTE, start + MINUTE * 5, 100).await.unwrap();
    assert_eq!(window, [completed.clone(), wrong]);
    // Past the limit, the oldest are left out.
    let latest = audit.events_between(start, start + MINUTE * 6, 2).await.unwrap();
    assert_eq!(latest, [notice, completed]);
    assert!(audit.events_between(start - MINUTE, start, 100).await.unwrap().is_empty());
}

#[tokio::test]
async fn completion_with_password_writes_the_hash_and_completes_together() {
    let (store, users) = instance(4).await;
    let user = saved_user(&users, UserType::Web).await;
    let request = issued(&store, &user.id, T0).await;
    let hash = hash_of("Velvet#Harb7");

    assert_eq!(
        store.complete_with_password(request.id, &user.id, &hash, T0 + MINUTE).await.unwrap(),
        Some(true)
    );
    assert_eq!(current(&store, &request).await.state, RequestState::Completed);
    assert_eq!(users.password_hash(&user.id).await.unwrap(), Some(hash.clone()));

    // A second completion changes nothing, not even the hash.
    let other = hash_of("Other#Pass9");
    assert_eq!(
        store.complete_with_password(request.id, &user.id, &other, T0 + MINUTE).await.unwrap(),
        Some(false)
    );
    assert_eq!(users.password_hash(&user.id).await.unwrap(), Some(hash));
}

#[tokio::test]
async fn completion_records_its_audit_event_in_the_same_statement_once() {
    let (store, users) = instance(4).await;
    let audit = PgAudit::new(store.pool().clone()).with_schema(schema());
    // The same table on the same database: the service lets the store record.
    assert!(store.records_audit_in().is_some());
    assert_eq!(store.records_audit_in(), audit.records_in());
    let elsewhere =
        PgAudit::new(store.pool().clone()).with_schema(Schema::new("inzant_reset_elsewhere").unwrap());
    assert_ne!(store.records_audit_in(), elsewhere.records_in());
    let plain = PgStore::new(store.pool().clone()).with_schema(schema());
    assert_eq!(plain.records_audit_in(), None, "no users table, no completion statement to record in");

    let user = saved_user(&users, UserType::Web).await;
    let request = issued(&store, &user.id, T0).await;
    let event = AuditEvent {
        at: T0 + MINUTE,
        kind: AuditKind::Completed,
        request: request.id,
        user: user.id.clone(),
        actor: None,
    };
    let hash = hash_of("Velvet#Harb7");
    assert_eq!(
        store.complete_and_record(request.id, &user.id, &hash, T0 + MINUTE, &event).await.unwrap(),
        Some(Completion::CompletedAndRecorded)
    );
    assert_eq!(current(&store, &request).await.state, RequestState::Completed);
    assert_eq!(users.password_hash(&user.id).await.unwrap(), Some(hash.clone()));
    assert_eq!(audit.events_for_request(request.id).await.unwrap(), std::slice::from_ref(&event));

    // Not live any more: nothing is written, not even the event.
    let other = hash_of("Other#Pass9");
    assert_eq!(
        store.complete_and_record(request.id, &user.id, &other, T0 + MINUTE, &event).await.unwrap(),
        Some(Completion::Unchanged)
    );
    assert_eq!(users.password_hash(&user.id).await.unwrap(), Some(hash));
    assert_eq!(audit.events_for_request(request.id).await.unwrap(), [event]);

    // A user missing from the table: an error, and no event.
    let ghost = fresh_user_id();
    let orphan = issued(&store, &ghost, T0).await;
    let event = AuditEvent {
        at: T0,
        kind: AuditKind::Completed,
        request: orphan.id,
        user: ghost.clone(),
        actor: None,
    };
    let error = store.complete_and_record(orphan.id, &ghost, &other, T0, &event).await.unwrap_err();
    assert!(error.to_string().contains("left unchanged"), "{error}");
    assert!(audit.events_for_request(orphan.id).await.unwrap().is_empty());
}

#[tokio::test]
async fn completion_with_password_writes_nothing_when_the_request_is_not_live() {
    let (store, users) = instance(4).await;
    let user = saved_user(&users, UserType::Web).await;
    let hash = hash_of("Velvet#Harb7");

    let expired = issued(&store, &user.id, T0).await;
    let at_expiry = expired.expires_at;
    assert_eq!(
        store.complete_with_password(expired.id, &user.id, &hash, at_expiry).await.unwrap(),
        Some(false)
    );
    assert_eq!(current(&store, &expired).await.state, RequestState::Issued);

    let locked = issued(&store, &user.id, T0).await;
    assert!(store.finish(locked.id, Finish::Lock, T0).await.unwrap());
    let revoked = issued(&store, &user.id, T0).await;
    assert!(store.finish(revoked.id, Finish::Revoke, T0).await.unwrap());
    let superseded = issued(&store, &user.id, T0).await;
    let newest = issued(&store, &user.id, T0).await;
    assert!(store.supersede_older(newest.id).await.unwrap().contains(&superseded.id));
    for dead in [&locked, &revoked, &superseded] {
        assert_eq!(store.complete_with_password(dead.id, &user.id, &hash, T0).await.unwrap(), Some(false));
    }

    // Someone else's request never sets this user's password.
    let stranger = saved_user(&users, UserType::Web).await;
    assert_eq!(store.complete_with_password(newest.id, &stranger.id, &hash, T0).await.unwrap(), Some(false));
    assert_eq!(current(&store, &newest).await.state, RequestState::Issued);

    // A request for a user missing from the table: an error, and the request stays usable.
    let ghost = fresh_user_id();
    let orphan = issued(&store, &ghost, T0).await;
    let error = store.complete_with_password(orphan.id, &ghost, &hash, T0).await.unwrap_err();
    assert!(error.to_string().contains("left unchanged"), "{error}");
    assert_eq!(current(&store, &orphan).await.state, RequestState::Issued);

    for nobody in [&user, &stranger] {
        assert_eq!(users.password_hash(&nobody.id).await.unwrap(), None);
    }
}

#[tokio::test]
async fn a_store_without_the_users_table_leaves_completion_to_the_service() {
    let (store, users) = instance(4).await;
    let plain = PgStore::new(store.pool().clone()).with_schema(schema());
    let user = saved_user(&users, UserType::Web).await;
    let request = issued(&plain, &user.id, T0).await;
    assert_eq!(
        plain.complete_with_password(request.id, &user.id, &hash_of("Velvet#Harb7"), T0).await.unwrap(),
        None
    );
    assert_eq!(current(&plain, &request).await.state, RequestState::Issued);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_killed_mid_completion_leaves_no_half_state() {
    let (store, users) = instance(4).await;
    let user = saved_user(&users, UserType::Web).await;
    let request = issued(&store, &user.id, T0).await;
    let observer = pool(2).await;

    // Another session holds the user's row, so the completion transaction
    // marks the request completed and then waits to write the hash...
    let mut blocker = observer.begin().await.unwrap();
    let blocker_pid: i32 =
        sqlx::query_scalar("SELECT pg_backend_pid()").fetch_one(&mut *blocker).await.unwrap();
    sqlx::query("SELECT 1 FROM inzant_host_test.accounts WHERE account_id = $1::text::bigint FOR UPDATE")
        .bind(user.id.as_str())
        .execute(&mut *blocker)
        .await
        .unwrap();
    let completing = {
        let (store, user) = (store.clone(), user.id.clone());
        let hash = hash_of("Velvet#Harb7");
        tokio::spawn(async move { store.complete_with_password(request.id, &user, &hash, T0 + MINUTE).await })
    };
    let victim = backend_waiting_on_a_lock(&observer, blocker_pid).await;

    // ...when its connection is killed.
    let killed: bool = sqlx::query_scalar("SELECT pg_terminate_backend($1)")
        .bind(victim)
        .fetch_one(&observer)
        .await
        .unwrap();
    assert!(killed);
    blocker.rollback().await.unwrap();

    let outcome = completing.await.expect("no panic");
    let error = outcome.expect_err("the killed completion reports a store error");
    assert!(error.to_string().starts_with("PostgreSQL: could not"), "{error}");
    assert_eq!(current(&store, &request).await.state, RequestState::Issued, "not completed without the hash");
    assert_eq!(users.password_hash(&user.id).await.unwrap(), None, "no hash without the completion");

    // The request is still usable, by this pool or another.
    let hash = hash_of("Velvet#Harb7");
    assert_eq!(
        store.complete_with_password(request.id, &user.id, &hash, T0 + MINUTE).await.unwrap(),
        Some(true)
    );
    assert_eq!(users.password_hash(&user.id).await.unwrap(), Some(hash));
}

#[tokio::test]
async fn a_transaction_killed_after_the_completion_update_rolls_back() {
    let (store, users) = instance(4).await;
    let user = saved_user(&users, UserType::Web).await;
    let request = issued(&store, &user.id, T0).await;
    let observer = pool(2).await;

    let mut tx = store.pool().begin().await.unwrap();
    let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()").fetch_one(&mut *tx).await.unwrap();
    let changed = sqlx::query(
        "UPDATE inzant_reset_test.reset_requests SET state = 'completed' WHERE id = $1 AND state = 'issued'",
    )
    .bind(*request.id.as_uuid())
    .execute(&mut *tx)
    .await
    .unwrap();
    assert_eq!(changed.rows_affected(), 1);
    let killed: bool =
        sqlx::query_scalar("SELECT pg_terminate_backend($1)").bind(pid).fetch_one(&observer).await.unwrap();
    assert!(killed);
    assert!(tx.commit().await.is_err(), "a killed transaction cannot commit");

    assert_eq!(current(&store, &request).await.state, RequestState::Issued);
    assert_eq!(users.password_hash(&user.id).await.unwrap(), None);
}

#[tokio::test]
async fn database_errors_become_store_errors_with_a_clear_message() {
    let (store, users) = instance(4).await;
    let nowhere = Schema::new("inzant_reset_never_migrated").unwrap();
    let unmigrated = PgStore::new(store.pool().clone()).with_schema(nowhere.clone());
    let request = inzant_reset_core::conformance::new_request(&fresh_user_id(), T0);
    let error = unmigrated.find_by_token(&request.token_digest).await.unwrap_err();
    assert!(error.to_string().contains("run inzant_reset_sqlx::migrate first"), "{error}");
    let directory = PgUserDirectory::new(
        store.pool().clone(),
        UsersTable::new("inzant_reset_never_migrated.users").unwrap(),
    );
    let error = directory.find(&UserId::new("1")).await.unwrap_err();
    assert!(error.to_string().contains("a table is missing"), "{error}");

    // Issuing the same request twice is refused by the unique keys.
    let twice = issued(&store, &fresh_user_id(), T0).await;
    let error = store.issue(&twice, common::NO_LIMITS).await.unwrap_err();
    assert!(error.to_string().contains("already exists"), "{error}");

    // Absurd limits are refused with an error, not a panic.
    let limits = inzant_reset_core::ports::IssueLimits { cooldown: Duration::MAX, max_per_day: 10 };
    let user = fresh_user_id();
    let first = inzant_reset_core::conformance::new_request(&user, T0);
    assert_eq!(store.issue(&first, limits).await.unwrap(), inzant_reset_core::ports::IssueOutcome::Issued);
    let second = inzant_reset_core::conformance::new_request(&user, T0 + MINUTE);
    let error = store.issue(&second, limits).await.unwrap_err();
    assert!(error.to_string().contains("cooldown is too long"), "{error}");
    assert!(store.purge(OffsetDateTime::UNIX_EPOCH).await.is_ok());

    // A closed pool.
    store.pool().close().await;
    let error = store.count_attempt(twice.id, 5, T0).await.unwrap_err();
    assert!(error.to_string().contains("PostgreSQL: could not count a code attempt"), "{error}");
    assert!(users.find(&UserId::new("1")).await.is_err());
}

#[tokio::test]
async fn purge_keeps_live_and_recent_requests() {
    let schema = Schema::new("inzant_reset_purge_test").unwrap();
    let pool = common::pool_in(&schema, 4).await;
    let store = PgStore::new(pool).with_schema(schema);
    let now = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap();
    let user = fresh_user_id();
    let year_ago = now - Duration::from_secs(365 * 24 * 3600);
    let old = issued(&store, &user, year_ago).await;
    let live = issued(&store, &user, now).await;
    let finished = issued(&store, &user, now).await;
    assert!(store.finish(finished.id, Finish::Revoke, now).await.unwrap());

    assert!(store.purge(now - Duration::from_secs(30 * 24 * 3600)).await.unwrap() >= 1);
    assert_eq!(store.find_by_token(&old.token_digest).await.unwrap(), None);
    assert_eq!(current(&store, &live).await.state, RequestState::Issued);
    assert_eq!(current(&store, &finished).await.state, RequestState::Revoked);
}

/// The service on `store` and `users`, mailing to `outbox`, auditing to `audit`.
fn service_on(
    store: &PgStore,
    users: &PgUserDirectory,
    outbox: Arc<MemoryOutbox>,
    audit: Arc<dyn AuditSink>,
) -> ResetService {
    ResetService::builder(
        Arc::new(store.clone()),
        Arc::new(users.clone()),
        outbox,
        CodeKeys::generate(&OsRandom).unwrap(),
        ResetConfig::new("https://sales.inzant.example"),
    )
    .audit(audit)
    .hash_params(HashParams::insecure_for_tests())
    .build()
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_reset_flow_runs_on_postgres() {
    let (store, users) = instance(8).await;
    let admin = saved_user(&users, UserType::Admin).await;
    let user = saved_user(&users, UserType::Device).await;
    let audit = PgAudit::new(store.pool().clone()).with_schema(schema());
    let outbox = Arc::new(MemoryOutbox::new());
    let service = service_on(&store, &users, outbox.clone(), Arc::new(audit.clone()));

    let first = service.trigger(&admin.id, &user.id, Purpose::Create).await.unwrap();
    assert_eq!(first.sent_to, user.username);
    assert!(matches!(
        service.trigger(&admin.id, &user.id, Purpose::Create).await,
        Err(ResetError::Cooldown { .. })
    ));
    let (token, code) = outbox.last_link_and_code().unwrap();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let form = |code: &str| SubmitForm {
        code: SecretString::from(code.to_owned()),
        new_password: SecretString::from("Quokka#Harbour7-Velvet"),
        confirm_password: SecretString::from("Quokka#Harbour7-Velvet"),
    };
    assert!(matches!(
        service.submit(&token, &form(wrong)).await,
        Err(ResetError::IncorrectCode { attempts_left: 4 })
    ));
    let outcome = service.submit(&token, &form(&code)).await.unwrap();
    assert_eq!(outcome.user, user.id);
    assert!(matches!(service.submit(&token, &form(&code)).await, Err(ResetError::AlreadyUsed)));

    let stored = users.password_hash(&user.id).await.unwrap().unwrap();
    assert!(
        inzant_reset_core::verify(&SecretString::from("Quokka#Harbour7-Velvet"), stored.as_str()).unwrap()
    );
    let kinds: Vec<&str> =
        audit.events_for_request(first.request).await.unwrap().iter().map(|e| e.kind.as_str()).collect();
    assert!(kinds.starts_with(&["issued"]), "{kinds:?}");
    assert!(kinds.contains(&"wrong_code") && kinds.contains(&"completed"), "{kinds:?}");
}

#[tokio::test]
async fn with_an_audit_sink_elsewhere_the_completion_event_goes_to_that_sink() {
    let (store, users) = instance(4).await;
    let admin = saved_user(&users, UserType::Admin).await;
    let user = saved_user(&users, UserType::Web).await;
    let sink = Arc::new(MemoryAudit::new());
    let outbox = Arc::new(MemoryOutbox::new());
    let service = service_on(&store, &users, outbox.clone(), sink.clone());
    let sent = service.trigger(&admin.id, &user.id, Purpose::Reset).await.unwrap();
    let (token, code) = outbox.last_link_and_code().unwrap();
    let password = SecretString::from("Quokka#Harbour7-Velvet");
    let form = SubmitForm {
        code: SecretString::from(code),
        new_password: password.clone(),
        confirm_password: password,
    };
    service.submit(&token, &form).await.unwrap();

    let kinds: Vec<AuditKind> = sink.events().into_iter().map(|e| e.kind).collect();
    assert_eq!(kinds.iter().filter(|k| **k == AuditKind::Completed).count(), 1, "{kinds:?}");
    let table = PgAudit::new(store.pool().clone()).with_schema(schema());
    assert!(table.events_for_request(sent.request).await.unwrap().is_empty(), "the store wrote no event");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_that_ends_has_one_ending_event_on_itself() {
    // Its own schema: the clock jumps a day ahead and the purge expires
    // every live request it can see.
    let own = Schema::new(inzant_reset_test_support::unique_name("inzant_reset_endings")).unwrap();
    let (store, users) = common::instance_in(&own, 8).await;
    let admin = saved_user(&users, UserType::Admin).await;
    let people: Vec<User> = {
        let mut people = Vec::new();
        for _ in 0..4 {
            people.push(saved_user(&users, UserType::Device).await);
        }
        people
    };
    let audit = PgAudit::new(store.pool().clone()).with_schema(own.clone());
    let outbox = Arc::new(MemoryOutbox::new());
    let clock = Arc::new(inzant_reset_core::memory::ManualClock::new(
        OffsetDateTime::now_utc().replace_nanosecond(0).unwrap(),
    ));
    let mut config = ResetConfig::new("https://sales.inzant.example");
    config.resend_cooldown = Duration::ZERO;
    let service = ResetService::builder(
        Arc::new(store.clone()),
        Arc::new(users.clone()),
        outbox.clone(),
        CodeKeys::generate(&OsRandom).unwrap(),
        config,
    )
    .audit(Arc::new(audit.clone()))
    .clock(clock.clone())
    .hash_params(HashParams::insecure_for_tests())
    .build()
    .unwrap();
    let form = |code: &str| SubmitForm {
        code: SecretString::from(code.to_owned()),
        new_password: SecretString::from("Quokka#Harbour7-Velvet"),
        confirm_password: SecretString::from("Quokka#Harbour7-Velvet"),
    };
    let wrong = |code: &str| if code == "000000" { "111111".to_owned() } else { "000000".to_owned() };

    // Superseded, then completed.
    let superseded = service.trigger(&admin.id, &people[0].id, Purpose::Create).await.unwrap().request;
    let completed = service.trigger(&admin.id, &people[0].id, Purpose::Create).await.unwrap().request;
    let (token, code) = outbox.last_link_and_code().unwrap();
    service.submit(&token, &form(&code)).await.unwrap();
    // Cancelled.
    let cancelled = service.trigger(&admin.id, &people[1].id, Purpose::Create).await.unwrap().request;
    service.cancel(&admin.id, &people[1].id).await.unwrap();
    // Locked.
    let locked = service.trigger(&admin.id, &people[2].id, Purpose::Create).await.unwrap().request;
    let (token, code) = outbox.last_link_and_code().unwrap();
    for _ in 0..5 {
        service.submit(&token, &form(&wrong(&code))).await.unwrap_err();
    }
    // Expired: its ending is recorded when the purge runs.
    let expired = service.trigger(&admin.id, &people[3].id, Purpose::Create).await.unwrap().request;
    clock.advance(Duration::from_secs(25 * 3600));
    service.purge(Duration::from_secs(30 * 24 * 3600)).await.unwrap();
    service.purge(Duration::from_secs(30 * 24 * 3600)).await.unwrap();

    for (request, ending) in [
        (superseded, "superseded"),
        (completed, "completed"),
        (cancelled, "cancelled"),
        (locked, "locked"),
        (expired, "expired"),
    ] {
        let endings: Vec<&str> = audit
            .events_for_request(request)
            .await
            .unwrap()
            .iter()
            .map(|e| e.kind.as_str())
            .filter(|kind| ["superseded", "completed", "cancelled", "locked", "expired"].contains(kind))
            .collect();
        assert_eq!(endings, [ending], "request {request}");
    }
}
