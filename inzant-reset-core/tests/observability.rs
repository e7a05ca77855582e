//! What operators see: every counter and histogram moves as the flow does,
//! no label can hold a person or a secret, and every failure is logged once
//! with its whole cause (the SQL message, the SMTP reply).
//!
//! One test function drives every scenario in turn: the recorder is the
//! process's, and `cargo test` runs a binary's tests on threads of one
//! process.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use async_trait::async_trait;
use inzant_reset_core::error::{DirectoryError, HookError};
use inzant_reset_core::hash::{HashParams, PasswordHash};
use inzant_reset_core::memory::{ManualClock, MemoryDirectory, MemoryOutbox, MemoryStore};
use inzant_reset_core::observe;
use inzant_reset_core::ports::{ResetHooks, UserDirectory};
use inzant_reset_core::prelude::*;
use inzant_reset_test_support::{CapturedLogs, person};
use metrics_util::debugging::{DebugValue, DebuggingRecorder, Snapshotter};
use secrecy::SecretString;
use time::macros::datetime;

const STRONG: &str = "Velvet-Harbour-Lantern-42";

fn snapshotter() -> &'static Snapshotter {
    static SNAPSHOTTER: OnceLock<Snapshotter> = OnceLock::new();
    SNAPSHOTTER.get_or_init(|| {
        let recorder = DebuggingRecorder::new();
        let snapshotter = recorder.snapshotter();
        recorder.install().expect("the only recorder of this process");
        snapshotter
    })
}

/// Counter values and histogram sample counts by `name{label=value,…}`.
/// Histograms are drained by each snapshot; counters keep counting.
fn read() -> HashMap<String, u64> {
    let mut values = HashMap::new();
    for (key, _, _, value) in snapshotter().snapshot().into_vec() {
        let key = key.key();
        let mut labels: Vec<String> = key.labels().map(|l| format!("{}={}", l.key(), l.value())).collect();
        labels.sort();
        let name = format!("{}{{{}}}", key.name(), labels.join(","));
        let number = match value {
            DebugValue::Counter(n) => n,
            DebugValue::Histogram(samples) => samples.len() as u64,
            DebugValue::Gauge(_) => 0,
        };
        values.insert(name, number);
    }
    values
}

/// What moved since `before`: counters by their increase, histograms by
/// their new samples (drained at each read).
fn moved(before: &HashMap<String, u64>) -> HashMap<String, u64> {
    read()
        .into_iter()
        .filter_map(|(name, now)| {
            let was = if name.contains("_seconds") { 0 } else { before.get(&name).copied().unwrap_or(0) };
            (now > was).then(|| (name, now - was))
        })
        .collect()
}

fn expect(moved: &HashMap<String, u64>, expected: &[(&str, u64)]) {
    for (name, count) in expected {
        assert_eq!(moved.get(*name).copied().unwrap_or(0), *count, "{name} in {moved:#?}");
    }
}

/// A directory whose reads or hash writes the "database" refuses, with the
/// database's own message as the cause.
#[derive(Debug, Default)]
struct Directory {
    inner: MemoryDirectory,
    reads_fail: AtomicBool,
    writes_fail: AtomicBool,
}

#[derive(Debug)]
struct SqlError(&'static str);

impl std::fmt::Display for SqlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for SqlError {}

#[async_trait]
impl UserDirectory for Directory {
    async fn find(&self, id: &UserId) -> Result<Option<User>, DirectoryError> {
        if self.reads_fail.load(Ordering::SeqCst) {
            return Err(DirectoryError::with_source(
                "reading the users table",
                SqlError("column \"user_type\" does not exist"),
            ));
        }
        self.inner.find(id).await
    }

    async fn set_password_hash(&self, id: &UserId, hash: &PasswordHash) -> Result<(), DirectoryError> {
        if self.writes_fail.load(Ordering::SeqCst) {
            return Err(DirectoryError::with_source(
                "writing the password hash",
                SqlError("permission denied for table accounts"),
            ));
        }
        self.inner.set_password_hash(id, hash).await
    }
}

#[derive(Debug, Default)]
struct Hooks {
    fail: AtomicBool,
}

#[async_trait]
impl ResetHooks for Hooks {
    async fn password_changed(&self, _user: &User) -> Result<(), HookError> {
        if self.fail.load(Ordering::SeqCst) { Err(HookError::new("session store down")) } else { Ok(()) }
    }
}

struct World {
    service: ResetService,
    directory: Arc<Directory>,
    outbox: Arc<MemoryOutbox>,
    clock: Arc<ManualClock>,
    hooks: Arc<Hooks>,
}

fn world() -> World {
    let directory = Arc::new(Directory::default());
    for (id, username, user_type) in [
        ("1", "admin@inzant.example", UserType::Admin),
        ("2", "sam.web@inzant.example", UserType::Web),
        ("3", "dana.device@inzant.example", UserType::Device),
    ] {
        directory.inner.insert(person(id, username, user_type));
    }
    let outbox = Arc::new(MemoryOutbox::new());
    let clock = Arc::new(ManualClock::new(datetime!(2026-11-26 09:00 UTC)));
    let hooks = Arc::new(Hooks::default());
    let mut config = ResetConfig::new("https://sales.inzant.example");
    config.resend_cooldown = Duration::ZERO;
    config.workers = 1;
    let service = ResetService::builder(
        Arc::new(MemoryStore::new()),
        directory.clone(),
        outbox.clone(),
        CodeKeys::new(vec![3; 32], vec![]).unwrap(),
        config,
    )
    .clock(clock.clone())
    .hooks(hooks.clone())
    .hash_params(HashParams::insecure_for_tests())
    .build()
    .unwrap();
    World { service, directory, outbox, clock, hooks }
}

fn form(code: &str) -> SubmitForm {
    SubmitForm { code: code.into(), new_password: STRONG.into(), confirm_password: STRONG.into() }
}

fn wrong(code: &str) -> String {
    let last = (code.as_bytes()[5] - b'0' + 1) % 10;
    format!("{}{last}", &code[..5])
}

fn admin() -> UserId {
    UserId::new("1")
}

fn sam() -> UserId {
    UserId::new("2")
}

#[tokio::test]
async fn metrics_and_logs_follow_every_step_and_failure() {
    let captured = CapturedLogs::new();
    let _guard = captured.start(tracing::Level::INFO);
    snapshotter();

    // A whole flow: sent, opened, rated, one wrong code, saved after an hour.
    let w = world();
    let before = read();
    w.service.trigger(&admin(), &sam(), Purpose::Reset).await.unwrap();
    let (token, code) = w.outbox.last_link_and_code().unwrap();
    let opened = w.service.open(&token).await.unwrap();
    w.service.rate(&opened, &SecretString::from("abc")).await;
    w.service.submit(&token, &form(&wrong(&code))).await.unwrap_err();
    w.clock.advance(Duration::from_secs(3600));
    w.service.submit(&token, &form(&code)).await.unwrap();
    let m = moved(&before);
    expect(
        &m,
        &[
            ("inzant_reset_triggered_total{outcome=ok,purpose=reset}", 1),
            ("inzant_reset_opened_total{outcome=ok}", 1),
            ("inzant_reset_code_attempts_total{result=wrong}", 1),
            ("inzant_reset_code_attempts_total{result=right}", 1),
            ("inzant_reset_submits_total{outcome=incorrect_code}", 1),
            ("inzant_reset_submits_total{outcome=ok}", 1),
            ("inzant_reset_completed_total{user_type=web}", 1),
            ("inzant_reset_time_to_complete_seconds{}", 1),
            ("inzant_reset_strength_seconds{}", 1),
            ("inzant_reset_hash_seconds{}", 1),
            ("inzant_reset_hash_queue_wait_seconds{}", 1),
            ("inzant_reset_submit_wait_seconds{}", 2),
        ],
    );
    assert!(!m.keys().any(|name| name.starts_with("inzant_reset_ended_total")), "{m:#?}");

    // Five wrong codes lock the link; an expired one is refused when opened.
    let w = world();
    let before = read();
    w.service.trigger(&admin(), &sam(), Purpose::Reset).await.unwrap();
    let (token, code) = w.outbox.last_link_and_code().unwrap();
    for _ in 0..5 {
        w.service.submit(&token, &form(&wrong(&code))).await.unwrap_err();
    }
    w.service.trigger(&admin(), &UserId::new("3"), Purpose::Reset).await.unwrap();
    let (expiring, _) = w.outbox.last_link_and_code().unwrap();
    w.clock.advance(Duration::from_secs(25 * 3600));
    w.service.open(&expiring).await.unwrap_err();
    let m = moved(&before);
    expect(
        &m,
        &[
            ("inzant_reset_code_attempts_total{result=wrong}", 5),
            ("inzant_reset_submits_total{outcome=incorrect_code}", 4),
            ("inzant_reset_submits_total{outcome=locked}", 1),
            ("inzant_reset_ended_total{reason=locked}", 1),
            ("inzant_reset_opened_total{outcome=expired}", 1),
        ],
    );

    // Cancelled, superseded, and an email the mailer refused.
    let w = world();
    let before = read();
    w.service.trigger(&admin(), &sam(), Purpose::Reset).await.unwrap();
    w.service.trigger(&admin(), &sam(), Purpose::Reset).await.unwrap();
    w.service.cancel(&admin(), &sam()).await.unwrap();
    w.outbox.set_refusing(true);
    w.service.trigger(&admin(), &sam(), Purpose::Create).await.unwrap_err();
    w.service.trigger(&admin(), &sam(), Purpose::Reset).await.unwrap_err();
    let m = moved(&before);
    expect(
        &m,
        &[
            ("inzant_reset_triggered_total{outcome=ok,purpose=reset}", 2),
            ("inzant_reset_triggered_total{outcome=has_password,purpose=create}", 1),
            ("inzant_reset_triggered_total{outcome=mail_failed,purpose=reset}", 1),
            ("inzant_reset_ended_total{reason=superseded}", 1),
            ("inzant_reset_ended_total{reason=cancelled}", 1),
            ("inzant_reset_ended_total{reason=revoked}", 1),
            ("inzant_reset_mail_failures_total{email=reset}", 1),
        ],
    );
    let logs = captured.take();
    assert!(logs.contains("ERROR") && logs.contains("could not be sent"), "{logs}");
    let refusal: Vec<&str> = logs.lines().filter(|line| line.contains("outcome=\"has_password\"")).collect();
    assert!(!refusal.is_empty() && refusal.iter().all(|line| line.contains("INFO")), "{logs}");

    // The hook and the notice failing after a saved password.
    let w = world();
    let before = read();
    w.service.trigger(&admin(), &sam(), Purpose::Reset).await.unwrap();
    let (token, code) = w.outbox.last_link_and_code().unwrap();
    w.hooks.fail.store(true, Ordering::SeqCst);
    w.outbox.set_refusing(true);
    w.service.submit(&token, &form(&code)).await.unwrap();
    let m = moved(&before);
    expect(
        &m,
        &[
            ("inzant_reset_hook_failures_total{}", 1),
            ("inzant_reset_mail_failures_total{email=notice}", 1),
            ("inzant_reset_completed_total{user_type=web}", 1),
        ],
    );
    let logs = captured.take();
    assert!(logs.contains("session store down"), "the hook's cause: {logs}");

    // A users table the directory cannot read: the admin's 503, and the SQL
    // message in the one ERROR line.
    let w = world();
    w.directory.reads_fail.store(true, Ordering::SeqCst);
    // Inside the host's own request span, as a web framework would run it.
    let host_span = tracing::info_span!("http_request", method = "POST");
    let refused =
        tracing::Instrument::instrument(w.service.trigger(&admin(), &sam(), Purpose::Reset), host_span)
            .await
            .unwrap_err();
    assert!(refused.is_service_failure());
    let logs = captured.take();
    let errors: Vec<&str> = logs.lines().filter(|line| line.contains("ERROR")).collect();
    assert_eq!(errors.len(), 1, "logged once: {logs}");
    assert!(errors[0].contains("column \"user_type\" does not exist"), "{logs}");
    // The step's span nests under the host's: one trace per request.
    let nested = errors[0].find("http_request").zip(errors[0].find("inzant_reset.trigger"));
    assert!(nested.is_some_and(|(host, step)| host < step), "{}", errors[0]);

    // A new hash the database refuses: the person's 503, logged at ERROR with its cause.
    let w = world();
    w.service.trigger(&admin(), &sam(), Purpose::Reset).await.unwrap();
    let (token, code) = w.outbox.last_link_and_code().unwrap();
    captured.take();
    w.directory.writes_fail.store(true, Ordering::SeqCst);
    let refused = w.service.submit(&token, &form(&code)).await.unwrap_err();
    assert!(refused.is_service_failure());
    let logs = captured.take();
    let errors: Vec<&str> = logs.lines().filter(|line| line.contains("ERROR")).collect();
    assert_eq!(errors.len(), 1, "logged once: {logs}");
    assert!(errors[0].contains("permission denied for table accounts"), "{logs}");
    assert!(errors[0].contains("step=\"submit\""), "{logs}");

    // Expected refusals stay below WARN.
    let w = world();
    w.service.trigger(&admin(), &sam(), Purpose::Reset).await.unwrap();
    let (token, code) = w.outbox.last_link_and_code().unwrap();
    captured.take();
    w.service.submit(&token, &form(&wrong(&code))).await.unwrap_err();
    let logs = captured.take();
    assert!(logs.contains("INFO") && !logs.contains("WARN") && !logs.contains("ERROR"), "{logs}");

    // No label anywhere can hold a person, a link or a code.
    for (key, _, _, _) in snapshotter().snapshot().into_vec() {
        let key = key.key();
        assert!(key.name().starts_with("inzant_reset_"), "{}", key.name());
        for label in key.labels() {
            let allowed = observe::LABELS
                .iter()
                .find(|(name, _)| *name == label.key())
                .unwrap_or_else(|| panic!("label {} of {} is not a known one", label.key(), key.name()));
            assert!(
                allowed.1.contains(&label.value()),
                "{}={} of {}",
                label.key(),
                label.value(),
                key.name()
            );
        }
    }
}

#[test]
fn every_outcome_label_is_one_of_the_listed_values() {
    use inzant_reset_core::error::StoreError;
    let errors = [
        ResetError::IncorrectCode { attempts_left: 1 },
        ResetError::Locked,
        ResetError::Expired,
        ResetError::AlreadyUsed,
        ResetError::Superseded,
        ResetError::Revoked,
        ResetError::Cancelled,
        ResetError::UnknownLink,
        ResetError::InvalidCode,
        ResetError::InvalidCharacters,
        ResetError::PasswordsDiffer,
        ResetError::TooLong { max: 1 },
        ResetError::NotAllowed { action: AdminAction::Cancel },
        ResetError::UnknownUser,
        ResetError::HasPassword { display_name: "x".into() },
        ResetError::NothingToCancel,
        ResetError::Cooldown { retry_after_secs: 1 },
        ResetError::DailyLimit { max: 1 },
        ResetError::Store(StoreError::new("down")),
        ResetError::BreachCheckUnavailable(inzant_reset_core::breach::BreachError::new("down")),
    ];
    for error in &errors {
        assert!(observe::OUTCOMES.contains(&observe::outcome(error)), "{error:?}");
    }
}
