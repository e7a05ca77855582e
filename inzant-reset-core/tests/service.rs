//! The reset flow through the service, as the spec tells it: trigger → open →
//! strength → submit, with every refusal a person can meet.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use inzant_reset_core::audit::AuditKind;
use inzant_reset_core::email::EmailKind;
use inzant_reset_core::error::HashError;
use inzant_reset_core::error::{DirectoryError, HookError};
use inzant_reset_core::hash::{Argon2id, HashParams, PasswordHash};
use inzant_reset_core::memory::{ManualClock, MemoryAudit, MemoryDirectory, MemoryOutbox, MemoryStore};
use inzant_reset_core::policy::{InlinePolicy, Lane, PasswordPolicy, PolicyRunner};
use inzant_reset_core::ports::{Hasher, ResetHooks, UserDirectory};
use inzant_reset_core::prelude::*;
use inzant_reset_core::secret::LinkToken;
use inzant_reset_core::state::RequestState;
use inzant_reset_core::{StrengthLevel, verify};
use secrecy::{ExposeSecret, SecretString};
use time::macros::datetime;

const STRONG: &str = "Velvet-Harbour-Lantern-42";
const OLD: &str = "Old-Password-2025!";

/// A directory that can be told to refuse password writes.
#[derive(Debug, Default)]
struct Directory {
    inner: MemoryDirectory,
    refuse_writes: AtomicBool,
}

#[async_trait]
impl UserDirectory for Directory {
    async fn find(&self, id: &UserId) -> Result<Option<User>, DirectoryError> {
        self.inner.find(id).await
    }
    async fn set_password_hash(&self, id: &UserId, hash: &PasswordHash) -> Result<(), DirectoryError> {
        if self.refuse_writes.load(Ordering::SeqCst) {
            return Err(DirectoryError::new("directory is read-only"));
        }
        self.inner.set_password_hash(id, hash).await
    }
}

/// Hooks that remember whom they were called for, and can fail.
#[derive(Debug, Default)]
struct Hooks {
    calls: Mutex<Vec<UserId>>,
    fail: AtomicBool,
}

#[async_trait]
impl ResetHooks for Hooks {
    async fn password_changed(&self, user: &User) -> Result<(), HookError> {
        self.calls.lock().unwrap().push(user.id.clone());
        if self.fail.load(Ordering::SeqCst) {
            return Err(HookError::new("session store down"));
        }
        Ok(())
    }
}

struct Harness {
    service: ResetService,
    store: Arc<MemoryStore>,
    directory: Arc<Directory>,
    outbox: Arc<MemoryOutbox>,
    audit: Arc<MemoryAudit>,
    clock: Arc<ManualClock>,
    hooks: Arc<Hooks>,
}

fn admin() -> UserId {
    UserId::new("1")
}
fn sam() -> UserId {
    UserId::new("2")
}
fn dana() -> UserId {
    UserId::new("3")
}
fn nell() -> UserId {
    UserId::new("4")
}

fn hasher() -> Argon2id {
    Argon2id::new(HashParams::insecure_for_tests()).unwrap()
}

fn harness() -> Harness {
    harness_with(|_| {})
}

fn harness_with(edit: impl FnOnce(&mut ResetConfig)) -> Harness {
    harness_running(edit, None, Arc::new(hasher()))
}

/// The harness, its policy run by `runner` when given.
fn harness_running(
    edit: impl FnOnce(&mut ResetConfig),
    runner: Option<Arc<dyn PolicyRunner>>,
    hashing: Arc<dyn Hasher>,
) -> Harness {
    let directory = Arc::new(Directory::default());
    let people = [
        ("1", "admin@inzant.example", "Ada Admin", UserType::Admin, true),
        ("2", "sam.web@inzant.example", "Sam Web", UserType::Web, true),
        ("3", "dana.device@inzant.example", "Dana Device", UserType::Device, true),
        ("4", "nell.new@inzant.example", "Nell New", UserType::Web, false),
    ];
    for (id, username, name, user_type, has_password) in people {
        let user = User {
            id: UserId::new(id),
            username: username.into(),
            display_name: name.into(),
            email_to: Some(format!("{id}.elsewhere@example.org")),
            user_type,
            has_password,
            locale: None,
            tenant: None,
        };
        if has_password {
            directory
                .inner
                .insert_with_password(user, hasher().hash_password(&SecretString::from(OLD)).unwrap());
        } else {
            directory.inner.insert(user);
        }
    }

    let mut config = ResetConfig::new("https://sales.inzant.example");
    edit(&mut config);
    let store = Arc::new(MemoryStore::new());
    let outbox = Arc::new(MemoryOutbox::new());
    let audit = Arc::new(MemoryAudit::new());
    let clock = Arc::new(ManualClock::new(datetime!(2026-11-26 09:00 UTC)));
    let hooks = Arc::new(Hooks::default());
    let mut builder = ResetService::builder(
        store.clone(),
        directory.clone(),
        outbox.clone(),
        CodeKeys::new(vec![3; 32], vec![]).unwrap(),
        config,
    )
    .clock(clock.clone())
    .audit(audit.clone())
    .hooks(hooks.clone())
    .hasher(hashing);
    if let Some(runner) = runner {
        builder = builder.policy_runner(runner);
    }
    let service = builder.build().unwrap();
    Harness { service, store, directory, outbox, audit, clock, hooks }
}

impl Harness {
    async fn send(&self, user: &UserId) -> (String, String) {
        self.service.trigger(&admin(), user, Purpose::Reset).await.unwrap();
        self.outbox.last_link_and_code().unwrap()
    }

    fn password(&self, user: &UserId) -> PasswordHash {
        self.directory.inner.password_hash(user).unwrap()
    }

    fn kinds(&self) -> Vec<AuditKind> {
        self.audit.events().into_iter().map(|e| e.kind).collect()
    }
}

fn form(code: &str, new: &str, confirm: &str) -> SubmitForm {
    SubmitForm {
        code: SecretString::from(code),
        new_password: SecretString::from(new),
        confirm_password: SecretString::from(confirm),
    }
}

/// The sentence a person reads for `error`.
fn said(error: &ResetError) -> String {
    Catalogues::shipped().words("en", &Product::inzant()).refusal(error)
}

fn wrong(code: &str) -> String {
    let last = (code.as_bytes()[5] - b'0' + 1) % 10;
    format!("{}{last}", &code[..5])
}

/// A policy runner that scores inline and remembers the lane of each call.
#[derive(Debug, Default)]
struct Lanes(Mutex<Vec<Lane>>);

#[async_trait]
impl PolicyRunner for Lanes {
    async fn evaluate(
        &self,
        policy: Arc<PasswordPolicy>,
        password: SecretString,
        inputs: Vec<String>,
    ) -> StrengthReport {
        InlinePolicy.evaluate(policy, password, inputs).await
    }
    async fn evaluate_in(
        &self,
        lane: Lane,
        policy: Arc<PasswordPolicy>,
        password: SecretString,
        inputs: Vec<String>,
    ) -> StrengthReport {
        self.0.lock().unwrap().push(lane);
        self.evaluate(policy, password, inputs).await
    }
}

#[tokio::test]
async fn keystrokes_are_rated_in_the_meters_lane_and_submits_in_their_own() {
    let lanes = Arc::new(Lanes::default());
    let h = harness_running(|_| {}, Some(lanes.clone()), Arc::new(hasher()));
    let (token, code) = h.send(&sam()).await;
    let opened = h.service.open(&token).await.unwrap();
    h.service.rate(&opened, &SecretString::from("Velvet")).await;
    h.service.rate_link(&token, &SecretString::from(STRONG)).await.unwrap();
    h.service.submit(&token, &form(&code, STRONG, STRONG)).await.unwrap();
    assert_eq!(*lanes.0.lock().unwrap(), [Lane::Meter, Lane::Meter, Lane::Submit]);
}

/// A hasher that counts the hashes running at once, each taking a while.
#[derive(Debug, Default)]
struct Overlap {
    running: std::sync::atomic::AtomicUsize,
    most: std::sync::atomic::AtomicUsize,
}

#[async_trait]
impl Hasher for Overlap {
    async fn hash(&self, password: SecretString) -> Result<PasswordHash, HashError> {
        let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        // Long enough for the other submits to reach their hash if they could.
        tokio::time::sleep(Duration::from_millis(20)).await;
        self.running.fetch_sub(1, Ordering::SeqCst);
        Hasher::hash(&hasher(), password).await
    }
    async fn verify(&self, password: SecretString, hash: &str) -> Result<bool, HashError> {
        Hasher::verify(&hasher(), password, hash).await
    }
    fn needs_rehash(&self, _hash: &str) -> bool {
        false
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submits_beyond_the_limit_wait_their_turn_and_all_complete() {
    for (at_once, most) in [(Some(1), 1), (Some(2), 2)] {
        let overlap = Arc::new(Overlap::default());
        let h = harness_running(|config| config.submits_at_once = at_once, None, overlap.clone());
        let mut links = Vec::new();
        for user in [sam(), dana(), nell()] {
            links.push(h.send(&user).await);
        }
        let forms: Vec<SubmitForm> = links.iter().map(|(_, code)| form(code, STRONG, STRONG)).collect();
        let submits = links.iter().zip(&forms).map(|((token, _), form)| h.service.submit(token, form));
        for outcome in futures::future::join_all(submits).await {
            outcome.unwrap();
        }
        assert!(overlap.most.load(Ordering::SeqCst) <= most, "{at_once:?}: {overlap:?}");
        assert_eq!(overlap.running.load(Ordering::SeqCst), 0);
    }
    let mut config = ResetConfig::new("https://sales.inzant.example");
    config.workers = 3;
    assert_eq!(config.submits_at_once(), 8, "2 × workers + 2");
}

// ---- Trigger ----

#[tokio::test]
async fn admin_trigger_emails_the_username_not_the_email_to_address() {
    let h = harness();
    h.send(&sam()).await;
    let emails = h.outbox.emails();
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].to.address, "sam.web@inzant.example");
    assert_eq!(emails[0].kind(), EmailKind::Reset);
    assert!(!emails[0].text.expose_secret().contains("elsewhere"));
}

#[tokio::test]
async fn the_receipt_says_where_and_until_when_but_never_the_link_or_code() {
    let h = harness();
    let receipt = h.service.trigger(&admin(), &sam(), Purpose::Reset).await.unwrap();
    let (token, code) = h.outbox.last_link_and_code().unwrap();
    assert_eq!(receipt.sent_to, "sam.web@inzant.example");
    assert_eq!(receipt.expires_at, datetime!(2026-11-27 09:00 UTC));
    let shown = format!("{receipt:?}");
    assert!(!shown.contains(&token) && !shown.contains(&code));
}

#[tokio::test]
async fn every_type_of_user_can_be_sent_a_reset() {
    let h = harness();
    for user in [admin(), sam(), dana()] {
        h.service.trigger(&admin(), &user, Purpose::Reset).await.unwrap();
    }
    assert_eq!(h.outbox.emails().len(), 3);
}

#[tokio::test]
async fn only_admins_can_trigger() {
    let h = harness();
    for actor in [sam(), dana(), UserId::new("nobody")] {
        let refused = h.service.trigger(&actor, &nell(), Purpose::Create).await.unwrap_err();
        assert!(matches!(refused, ResetError::NotAllowed { .. }), "{actor:?}: {refused:?}");
    }
    assert!(h.outbox.emails().is_empty());
    assert!(h.store.snapshot().is_empty());
}

#[tokio::test]
async fn an_unknown_user_is_refused() {
    let h = harness();
    let refused = h.service.trigger(&admin(), &UserId::new("99"), Purpose::Reset).await.unwrap_err();
    assert!(matches!(refused, ResetError::UnknownUser));
    assert_eq!(said(&refused), "That user does not exist.");
}

#[tokio::test]
async fn only_digests_of_the_token_and_code_are_stored() {
    let h = harness();
    let (token, code) = h.send(&sam()).await;
    let stored = &h.store.snapshot()[0];
    assert_eq!(stored.token_digest, LinkToken::parse(&token).unwrap().digest());
    let shown = format!("{stored:?}");
    assert!(!shown.contains(&token));
    assert!(!shown.contains(&code));
    assert_ne!(&stored.code_digest.as_bytes()[..], code.as_bytes());
}

#[tokio::test]
async fn a_second_email_within_the_cooldown_is_refused_then_allowed() {
    let h = harness();
    h.send(&sam()).await;
    h.clock.advance(Duration::from_secs(20));
    let refused = h.service.trigger(&admin(), &sam(), Purpose::Reset).await.unwrap_err();
    assert!(matches!(refused, ResetError::Cooldown { retry_after_secs: 40 }), "{refused:?}");
    h.clock.advance(Duration::from_secs(40));
    h.service.trigger(&admin(), &sam(), Purpose::Reset).await.unwrap();
    assert_eq!(h.outbox.emails().len(), 2);
}

#[tokio::test]
async fn the_eleventh_email_in_a_day_is_refused() {
    let h = harness();
    for _ in 0..10 {
        h.send(&sam()).await;
        h.clock.advance(Duration::from_secs(61));
    }
    let refused = h.service.trigger(&admin(), &sam(), Purpose::Reset).await.unwrap_err();
    assert!(matches!(refused, ResetError::DailyLimit { max: 10 }));
    h.clock.advance(Duration::from_secs(24 * 3600));
    h.send(&sam()).await;
}

#[tokio::test]
async fn a_newer_email_supersedes_the_earlier_link() {
    let h = harness_with(|c| c.resend_cooldown = Duration::ZERO);
    let (old_token, old_code) = h.send(&sam()).await;
    let (new_token, _) = h.send(&sam()).await;
    assert!(matches!(h.service.open(&old_token).await, Err(ResetError::Superseded)));
    let refused = h.service.submit(&old_token, &form(&old_code, STRONG, STRONG)).await.unwrap_err();
    assert_eq!(said(&refused), "A newer reset email has been sent; use the link in that one.");
    h.service.open(&new_token).await.unwrap();
    assert!(h.kinds().contains(&AuditKind::Superseded));
}

#[tokio::test]
async fn failed_mail_revokes_the_new_request_and_keeps_the_older_link() {
    let h = harness_with(|c| c.resend_cooldown = Duration::ZERO);
    let (old_token, old_code) = h.send(&sam()).await;
    h.outbox.set_refusing(true);
    let refused = h.service.trigger(&admin(), &sam(), Purpose::Reset).await.unwrap_err();
    assert_eq!(said(&refused), "The email could not be sent to sam.web@inzant.example; no reset is pending.");
    let states: Vec<_> = h.store.snapshot().iter().map(|r| r.state).collect();
    assert_eq!(states, [RequestState::Issued, RequestState::Revoked]);
    assert!(h.kinds().contains(&AuditKind::MailFailed));
    h.outbox.set_refusing(false);
    h.service.submit(&old_token, &form(&old_code, STRONG, STRONG)).await.unwrap();
}

// ---- Open ----

#[tokio::test]
async fn opening_never_consumes_the_request_or_counts_an_attempt() {
    let h = harness();
    let (token, code) = h.send(&sam()).await;
    for _ in 0..50 {
        let opened = h.service.open(&token).await.unwrap();
        assert_eq!(opened.attempts_left, 5);
        assert_eq!(opened.username, "sam.web@inzant.example");
    }
    assert_eq!(h.store.snapshot()[0].attempts, 0);
    h.service.submit(&token, &form(&code, STRONG, STRONG)).await.unwrap();
}

#[tokio::test]
async fn unknown_links_are_refused_whatever_their_shape() {
    let h = harness();
    h.send(&sam()).await;
    let unknown = LinkToken::generate(&OsRandom).unwrap();
    for token in [unknown.expose(), "", "../../etc/passwd", "%00", &"A".repeat(5000)] {
        assert!(matches!(h.service.open(token).await, Err(ResetError::UnknownLink)), "{token:?}");
    }
}

#[tokio::test]
async fn an_expired_link_says_so_at_open_and_submit() {
    let h = harness();
    let (token, code) = h.send(&sam()).await;
    h.clock.advance(Duration::from_secs(24 * 3600 - 1));
    h.service.open(&token).await.unwrap();
    h.clock.advance(Duration::from_secs(1));
    let refused = h.service.open(&token).await.unwrap_err();
    assert_eq!(said(&refused), "This reset link has expired.");
    assert!(Catalogues::shipped().words("en", &Product::inzant()).next_step(&refused).is_some());
    assert!(matches!(h.service.submit(&token, &form(&code, STRONG, STRONG)).await, Err(ResetError::Expired)));
}

// ---- Strength ----

#[tokio::test]
async fn the_meter_for_a_link_penalizes_the_users_own_name() {
    let h = harness();
    let (token, _) = h.send(&sam()).await;
    let opened = h.service.open(&token).await.unwrap();
    let inputs = opened.strength_inputs();
    for expected in ["sam.web@inzant.example", "sam.web", "Sam Web"] {
        assert!(inputs.contains(&expected), "{expected} is not among {inputs:?}");
    }
    // Sam's own name, joined with a year and a symbol: zxcvbn alone would
    // say "Acceptable"; the user's details reach the meter and the rule refuses it.
    let report = h.service.rate_link(&token, &SecretString::from("Sam.web2026!")).await.unwrap();
    assert_eq!(report.level(), StrengthLevel::TooWeak);
    assert_eq!(report.unmet(), [inzant_reset_core::policy::Rule::NoUserDetails]);
    let report = h.service.rate_link(&token, &SecretString::from("abc")).await.unwrap();
    assert_eq!(report.level().label(), "Too Weak");
    let strong = h.service.rate_link(&token, &SecretString::from(STRONG)).await.unwrap();
    assert_eq!(strong.level().label(), "Strong");
}

// ---- Submit: checks that use no attempt ----

#[tokio::test]
async fn mismatched_passwords_use_no_attempt() {
    let h = harness();
    let (token, code) = h.send(&sam()).await;
    for _ in 0..10 {
        let refused =
            h.service.submit(&token, &form(&wrong(&code), STRONG, "Velvet-Harbour-Lantern-43")).await;
        assert_eq!(said(&refused.unwrap_err()), "The passwords do not match.");
    }
    assert_eq!(h.store.snapshot()[0].attempts, 0);
}

#[tokio::test]
async fn a_weak_password_uses_no_attempt_and_lists_the_unmet_rules() {
    let h = harness();
    let (token, code) = h.send(&sam()).await;
    for _ in 0..10 {
        let refused =
            h.service.submit(&token, &form(&wrong(&code), "password", "password")).await.unwrap_err();
        let ResetError::TooWeak(report) = refused else { panic!("{refused:?}") };
        assert_eq!(report.level(), StrengthLevel::TooWeak);
        let unmet: Vec<_> = report.unmet().iter().map(|r| r.as_str()).collect();
        assert_eq!(unmet, ["uppercase", "digit", "symbol"]);
    }
    let weak = h.service.submit(&token, &form(&code, "Password1!", "Password1!")).await.unwrap_err();
    assert!(matches!(weak, ResetError::TooWeak(ref r) if r.level() == StrengthLevel::Weak), "{weak:?}");
    assert_eq!(h.store.snapshot()[0].attempts, 0);
}

#[tokio::test]
async fn an_overlong_password_is_refused_with_the_maximum_and_uses_no_attempt() {
    let h = harness();
    let (token, code) = h.send(&sam()).await;
    let long = format!("{STRONG}{}", "x".repeat(120));
    let refused = h.service.submit(&token, &form(&code, &long, &long)).await.unwrap_err();
    assert_eq!(said(&refused), "Passwords can be at most 128 characters.");
    let huge = "Aa1!".repeat(250_000);
    assert!(matches!(
        h.service.submit(&token, &form(&code, &huge, &huge)).await,
        Err(ResetError::TooLong { max: 128 })
    ));
    assert_eq!(h.store.snapshot()[0].attempts, 0);
}

#[tokio::test]
async fn malformed_codes_and_control_characters_are_refused_without_an_attempt() {
    let h = harness();
    let (token, _) = h.send(&sam()).await;
    for code in ["", "12345", "1234567", "12a456", "１２３４５６", "١٢٣٤٥٦"] {
        let refused = h.service.submit(&token, &form(code, STRONG, STRONG)).await.unwrap_err();
        assert_eq!(said(&refused), "Enter the 6-digit code from the email.", "{code:?}");
    }
    let nul = format!("{STRONG}\0");
    let refused = h.service.submit(&token, &form("123456", &nul, &nul)).await.unwrap_err();
    assert!(matches!(refused, ResetError::InvalidCharacters));
    assert_eq!(h.store.snapshot()[0].attempts, 0);
}

// ---- Submit: the code ----

#[tokio::test]
async fn wrong_codes_count_down_and_the_fifth_locks_the_request() {
    let h = harness();
    let (token, code) = h.send(&sam()).await;
    let bad = wrong(&code);
    let messages: Vec<String> =
        futures::future::join_all((0..4).map(|_| async {
            said(&h.service.submit(&token, &form(&bad, STRONG, STRONG)).await.unwrap_err())
        }))
        .await;
    let mut sorted = messages.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        [
            "The code is incorrect. 1 attempt left.",
            "The code is incorrect. 2 attempts left.",
            "The code is incorrect. 3 attempts left.",
            "The code is incorrect. 4 attempts left.",
        ]
    );
    let locked = h.service.submit(&token, &form(&bad, STRONG, STRONG)).await.unwrap_err();
    assert_eq!(said(&locked), "Too many incorrect codes. Ask your administrator to send a new reset email.");
    assert_eq!(h.store.snapshot()[0].state, RequestState::Locked);
    assert!(matches!(h.service.open(&token).await, Err(ResetError::Locked)));
}

#[tokio::test]
async fn the_right_code_after_the_lock_is_still_refused() {
    let h = harness();
    let (token, code) = h.send(&sam()).await;
    for _ in 0..5 {
        let _ = h.service.submit(&token, &form(&wrong(&code), STRONG, STRONG)).await;
    }
    assert!(matches!(h.service.submit(&token, &form(&code, STRONG, STRONG)).await, Err(ResetError::Locked)));
    assert!(verify(&SecretString::from(OLD), h.password(&sam()).as_str()).unwrap());
}

#[tokio::test]
async fn the_right_code_sets_the_new_password_and_retires_the_old_one() {
    let h = harness();
    let (token, code) = h.send(&sam()).await;
    let outcome = h.service.submit(&token, &form(&code, STRONG, STRONG)).await.unwrap();
    assert_eq!(outcome.user, sam());
    assert_eq!(outcome.destination, Destination::LoginPage);
    assert_eq!(outcome.language, "en");
    let hash = h.password(&sam());
    assert!(hash.as_str().starts_with("$argon2id$"));
    assert!(verify(&SecretString::from(STRONG), hash.as_str()).unwrap());
    assert!(!verify(&SecretString::from(OLD), hash.as_str()).unwrap());
    assert_eq!(h.store.snapshot()[0].state, RequestState::Completed);
}

#[tokio::test]
async fn a_code_typed_with_spaces_or_a_dash_is_accepted() {
    let h = harness_with(|c| c.resend_cooldown = Duration::ZERO);
    for typed in [|c: &str| format!("{} {}", &c[..3], &c[3..]), |c: &str| format!("{}-{}", &c[..3], &c[3..])]
    {
        let (token, code) = h.send(&sam()).await;
        h.service.submit(&token, &form(&typed(&code), STRONG, STRONG)).await.unwrap();
    }
}

#[tokio::test]
async fn the_password_typed_on_another_device_in_another_form_matches() {
    let h = harness();
    let (token, code) = h.send(&sam()).await;
    h.service.submit(&token, &form(&code, "Caf\u{e9}-Lantern-42x", "Cafe\u{301}-Lantern-42x")).await.unwrap();
    assert!(verify(&SecretString::from("Cafe\u{301}-Lantern-42x"), h.password(&sam()).as_str()).unwrap());
}

#[tokio::test]
async fn web_and_admin_users_go_to_the_login_page_and_device_users_to_the_apps() {
    let h = harness();
    for (user, destination) in [
        (sam(), Destination::LoginPage),
        (admin(), Destination::LoginPage),
        (dana(), Destination::DeviceApps),
    ] {
        let (token, code) = h.send(&user).await;
        let outcome = h.service.submit(&token, &form(&code, STRONG, STRONG)).await.unwrap();
        assert_eq!(outcome.destination, destination, "{user:?}");
    }
}

#[tokio::test]
async fn a_link_works_only_once() {
    let h = harness();
    let (token, code) = h.send(&sam()).await;
    h.service.submit(&token, &form(&code, STRONG, STRONG)).await.unwrap();
    let again = h.service.submit(&token, &form(&code, "Another-Harbour-77", "Another-Harbour-77")).await;
    assert_eq!(said(&again.unwrap_err()), "This reset link has already been used.");
    assert!(matches!(h.service.open(&token).await, Err(ResetError::AlreadyUsed)));
    assert!(verify(&SecretString::from(STRONG), h.password(&sam()).as_str()).unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_right_submits_set_a_password_exactly_once() {
    let h = Arc::new(harness_with(|c| c.max_attempts = 50));
    let (token, code) = h.send(&sam()).await;
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let (h, token, code) = (h.clone(), token.clone(), code.clone());
            tokio::spawn(async move {
                let password = format!("Velvet-Harbour-{i:02}-Lantern");
                h.service.submit(&token, &form(&code, &password, &password)).await.map(|_| password)
            })
        })
        .collect();
    let mut winners = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            Ok(password) => winners.push(password),
            Err(error) => assert!(matches!(error, ResetError::AlreadyUsed), "{error:?}"),
        }
    }
    assert_eq!(winners.len(), 1);
    assert!(verify(&SecretString::from(winners[0].as_str()), h.password(&sam()).as_str()).unwrap());
    assert_eq!(h.hooks.calls.lock().unwrap().len(), 1);
}

// ---- After success ----

#[tokio::test]
async fn the_host_hook_runs_once_and_its_failure_does_not_undo_the_change() {
    let h = harness();
    h.hooks.fail.store(true, Ordering::SeqCst);
    let (token, code) = h.send(&dana()).await;
    h.service.submit(&token, &form(&code, STRONG, STRONG)).await.unwrap();
    assert_eq!(*h.hooks.calls.lock().unwrap(), [dana()]);
    assert!(verify(&SecretString::from(STRONG), h.password(&dana()).as_str()).unwrap());
    assert!(h.kinds().contains(&AuditKind::HookFailed));
}

#[tokio::test]
async fn a_changed_notice_is_sent_and_its_failure_does_not_undo_the_change() {
    let h = harness();
    let (token, code) = h.send(&sam()).await;
    h.service.submit(&token, &form(&code, STRONG, STRONG)).await.unwrap();
    let notice = h.outbox.emails().pop().unwrap();
    assert_eq!(notice.kind(), EmailKind::PasswordChanged);
    assert_eq!(notice.to.address, "sam.web@inzant.example");

    let h = harness();
    let (token, code) = h.send(&sam()).await;
    h.outbox.set_refusing(true);
    h.service.submit(&token, &form(&code, STRONG, STRONG)).await.unwrap();
    assert!(verify(&SecretString::from(STRONG), h.password(&sam()).as_str()).unwrap());
    assert!(h.kinds().contains(&AuditKind::NoticeFailed));
}

#[tokio::test]
async fn a_directory_that_refuses_the_hash_is_reported_and_audited() {
    let h = harness();
    let (token, code) = h.send(&sam()).await;
    h.directory.refuse_writes.store(true, Ordering::SeqCst);
    let refused = h.service.submit(&token, &form(&code, STRONG, STRONG)).await.unwrap_err();
    assert!(matches!(refused, ResetError::PasswordNotSaved(_)));
    assert!(refused.is_service_failure());
    assert!(verify(&SecretString::from(OLD), h.password(&sam()).as_str()).unwrap());
    assert!(h.kinds().contains(&AuditKind::PasswordNotSaved));
    assert!(h.hooks.calls.lock().unwrap().is_empty());
}

#[tokio::test]
async fn the_audit_log_follows_the_flow() {
    let h = harness();
    let (token, code) = h.send(&sam()).await;
    let _ = h.service.submit(&token, &form(&wrong(&code), STRONG, STRONG)).await;
    h.service.submit(&token, &form(&code, STRONG, STRONG)).await.unwrap();
    assert_eq!(
        h.kinds(),
        [
            AuditKind::Issued { purpose: Purpose::Reset },
            AuditKind::WrongCode { attempts_left: 4 },
            AuditKind::Completed,
            AuditKind::NoticeSent,
        ]
    );
    let issued = &h.audit.events()[0];
    assert_eq!(issued.actor, Some(admin()));
    assert_eq!(issued.user, sam());
}

// ---- Create, expiry, purge ----

#[tokio::test]
async fn create_password_emails_use_their_own_wording_and_time_to_live() {
    let h = harness_with(|c| c.create_ttl = Duration::from_secs(72 * 3600));
    let receipt = h.service.trigger(&admin(), &nell(), Purpose::Create).await.unwrap();
    assert_eq!(receipt.purpose, Purpose::Create);
    assert_eq!(receipt.expires_at, datetime!(2026-11-29 09:00 UTC));
    let email = h.outbox.emails().pop().unwrap();
    assert_eq!(email.kind(), EmailKind::Create);
    assert!(email.subject.starts_with("Create your Inzant Sales password"));
    let (token, code) = h.outbox.last_link_and_code().unwrap();
    assert_eq!(h.service.open(&token).await.unwrap().purpose, Purpose::Create);
    h.service.submit(&token, &form(&code, STRONG, STRONG)).await.unwrap();
    assert!(h.directory.inner.find_by_username("nell.new@inzant.example").unwrap().has_password);
}

#[tokio::test]
async fn purge_removes_requests_past_their_retention() {
    let h = harness();
    let (token, _) = h.send(&sam()).await;
    h.clock.advance(Duration::from_secs(3 * 24 * 3600));
    h.send(&dana()).await;
    assert_eq!(h.service.purge(Duration::from_secs(24 * 3600)).await.unwrap(), 1);
    assert!(matches!(h.service.open(&token).await, Err(ResetError::UnknownLink)));
    assert_eq!(h.store.snapshot().len(), 1);
}

#[tokio::test]
async fn purge_keeps_every_request_at_least_a_day_whatever_the_retention_asked() {
    let h = harness();
    h.send(&sam()).await;
    h.service.cancel(&admin(), &sam()).await.unwrap();
    h.clock.advance(Duration::from_secs(23 * 3600));
    assert_eq!(h.service.purge(Duration::ZERO).await.unwrap(), 0, "the daily cap still counts it");
    h.clock.advance(Duration::from_secs(2 * 3600));
    assert_eq!(h.service.purge(Duration::ZERO).await.unwrap(), 1);
}

#[tokio::test]
async fn the_service_says_when_a_stored_hash_should_be_upgraded() {
    let h = harness();
    let today = h.service.hash_password(&SecretString::from(STRONG)).await.unwrap();
    assert!(!h.service.needs_rehash(today.as_str()));
    let older = Argon2id::new(HashParams { memory_kib: 128, ..HashParams::insecure_for_tests() })
        .unwrap()
        .hash_password(&SecretString::from(STRONG))
        .unwrap();
    assert!(h.service.needs_rehash(older.as_str()));
    assert!(h.service.needs_rehash("not a PHC string"));
}

// ---- Configuration and secrecy ----

#[test]
fn the_policy_must_have_room_between_its_lengths() {
    let build = |policy: PasswordPolicy| {
        ResetService::builder(
            Arc::new(MemoryStore::new()),
            Arc::new(MemoryDirectory::new()),
            Arc::new(MemoryOutbox::new()),
            CodeKeys::new(vec![1; 32], vec![]).unwrap(),
            ResetConfig::new("https://sales.inzant.example"),
        )
        .policy(policy)
        .build()
    };
    let lengths = |min_length: usize, max_length: usize| {
        let mut policy = PasswordPolicy::default();
        policy.min_length = min_length;
        policy.max_length = max_length;
        policy
    };
    let exact = lengths(12, 12);
    let service = build(exact.clone()).unwrap();
    assert_eq!(service.policy(), &exact, "the service keeps the policy it was given");
    let shown = format!("{service:?}");
    assert!(shown.starts_with("ResetService {") && shown.contains("min_length: 12"), "{shown}");
    assert!(build(lengths(13, 12)).is_err());
    assert!(build(lengths(0, 0)).is_err());
}

#[test]
fn unusable_configurations_are_refused() {
    let build = |config: ResetConfig| {
        ResetService::builder(
            Arc::new(MemoryStore::new()),
            Arc::new(MemoryDirectory::new()),
            Arc::new(MemoryOutbox::new()),
            CodeKeys::new(vec![1; 32], vec![]).unwrap(),
            config,
        )
        .build()
    };
    let ok = ResetConfig::new("https://sales.inzant.example");
    let with = |change: &dyn Fn(&mut ResetConfig)| {
        let mut config = ok.clone();
        change(&mut config);
        build(config)
    };
    assert!(build(ok.clone()).is_ok());
    assert!(with(&|c| c.public_url = "javascript:alert(1)".into()).is_err());
    assert!(with(&|c| c.public_url = "https://sales.inzant.example/password-reset/".into()).is_err());
    assert!(with(&|c| c.workers = 0).is_err());
    assert!(with(&|c| c.submits_at_once = Some(0)).is_err());
    assert!(with(&|c| c.submits_at_once = Some(1)).is_ok());
    let year = Duration::from_secs(366 * 24 * 3600);
    assert!(with(&|c| c.resend_cooldown = year).is_ok(), "a cooldown of 366 days");
    assert!(with(&|c| c.resend_cooldown = year + Duration::from_secs(1)).is_err());
    assert!(with(&|c| c.reset_ttl = year).is_ok());
    assert!(with(&|c| c.create_ttl = year + Duration::from_secs(1)).is_err());
    assert!(with(&|c| c.max_attempts = 0).is_err());
    assert!(with(&|c| c.reset_ttl = Duration::ZERO).is_err());
    assert!(with(&|c| c.max_per_user_per_day = 0).is_err());
}

#[tokio::test]
async fn no_debug_or_display_output_shows_a_secret() {
    let h = harness();
    let (token, code) = h.send(&sam()).await;
    let submitted = form(&code, STRONG, STRONG);
    let opened = h.service.open(&token).await.unwrap();
    let errors = [
        h.service.submit(&token, &form(&wrong(&code), STRONG, STRONG)).await.unwrap_err(),
        h.service.submit(&token, &form(&code, STRONG, "Velvet-Harbour-Lantern-43")).await.unwrap_err(),
        h.service.submit(&token, &form(&code, "weakling", "weakling")).await.unwrap_err(),
    ];
    let outcome = h.service.submit(&token, &submitted).await.unwrap();
    let mut shown = format!("{submitted:?} {opened:?} {outcome:?} {:?} {:?}", h.service, h.store.snapshot());
    for error in &errors {
        shown.push_str(&format!("{error} {error:?}"));
    }
    for email in h.outbox.emails() {
        shown.push_str(&format!("{email:?}"));
    }
    for secret in [token.as_str(), code.as_str(), STRONG, "weakling", "Velvet-Harbour-Lantern-43"] {
        assert!(!shown.contains(secret), "{secret} leaked");
    }
}

// ---- Status and cancel (what the admin sees after clicking) ----

#[tokio::test]
async fn the_status_follows_a_request_from_waiting_to_completed() {
    let h = harness();
    let status = h.service.status(&admin(), &sam()).await.unwrap();
    assert_eq!((status.latest, status.recent.len()), (None, 0), "nothing sent yet");

    let (token, code) = h.send(&sam()).await;
    let waiting = h.service.status(&admin(), &sam()).await.unwrap().latest.unwrap();
    assert_eq!(waiting.state, RequestState::Issued);
    assert!(waiting.is_live());
    assert_eq!(waiting.purpose, Purpose::Reset);
    assert_eq!(waiting.sent_at, datetime!(2026-11-26 09:00 UTC));
    assert_eq!(waiting.sent_by.name(), "Ada Admin");
    assert_eq!(waiting.sent_to, "sam.web@inzant.example");
    assert_eq!(waiting.expires_at, datetime!(2026-11-27 09:00 UTC));
    assert_eq!((waiting.attempts_used, waiting.attempts_left, waiting.ended_at), (0, 5, None));

    let _ = h.service.submit(&token, &form(&wrong(&code), STRONG, STRONG)).await;
    let after_a_wrong_code = h.service.status(&admin(), &sam()).await.unwrap().latest.unwrap();
    assert_eq!((after_a_wrong_code.attempts_used, after_a_wrong_code.attempts_left), (1, 4));

    h.clock.advance(Duration::from_secs(9 * 60));
    h.service.submit(&token, &form(&code, STRONG, STRONG)).await.unwrap();
    let status = h.service.status(&admin(), &sam()).await.unwrap();
    let done = status.latest.unwrap();
    assert_eq!(done.state, RequestState::Completed);
    assert_eq!(done.completed_at(), Some(datetime!(2026-11-26 09:09 UTC)));
    assert_eq!(done.attempts_left, 0);
    let kinds: Vec<AuditKind> = status.recent.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [AuditKind::NoticeSent, AuditKind::Completed, AuditKind::Issued { purpose: Purpose::Reset }]
    );
    let sent = status.recent.last().unwrap();
    assert_eq!(sent.actor.as_ref().map(|p| p.name()), Some("Ada Admin"));
}

#[tokio::test]
async fn the_status_says_expired_locked_and_withdrawn() {
    let h = harness();
    let (token, code) = h.send(&sam()).await;
    for _ in 0..5 {
        let _ = h.service.submit(&token, &form(&wrong(&code), STRONG, STRONG)).await;
    }
    let locked = h.service.status(&admin(), &sam()).await.unwrap().latest.unwrap();
    assert_eq!((locked.state, locked.attempts_used, locked.attempts_left), (RequestState::Locked, 5, 0));
    assert_eq!(locked.ended_at, Some(datetime!(2026-11-26 09:00 UTC)));

    h.send(&dana()).await;
    h.clock.advance(Duration::from_secs(25 * 3600));
    let expired = h.service.status(&admin(), &dana()).await.unwrap().latest.unwrap();
    assert_eq!(expired.state, RequestState::Expired);
    assert_eq!(expired.ended_at, Some(expired.expires_at));

    h.outbox.set_refusing(true);
    let _ = h.service.trigger(&admin(), &nell(), Purpose::Create).await;
    let status = h.service.status(&admin(), &nell()).await.unwrap();
    assert_eq!(status.latest.unwrap().state, RequestState::Revoked);
    assert_eq!(status.recent[0].kind, AuditKind::MailFailed);
}

#[tokio::test]
async fn the_status_never_shows_the_code_or_the_link() {
    let h = harness();
    let (token, code) = h.send(&sam()).await;
    let shown = format!("{:?}", h.service.status(&admin(), &sam()).await.unwrap());
    assert!(!shown.contains(&token) && !shown.contains(&code), "{shown}");
}

#[tokio::test]
async fn a_cancelled_link_says_so_and_counts_no_attempt() {
    let h = harness();
    let (token, code) = h.send(&sam()).await;
    let receipt = h.service.cancel(&admin(), &sam()).await.unwrap();
    assert_eq!(receipt.user, sam());

    let refused = h.service.open(&token).await.unwrap_err();
    assert!(matches!(refused, ResetError::Cancelled));
    assert_eq!(
        said(&refused),
        "This link was cancelled by your administrator. Ask them for a new email if you still need to set your password."
    );
    assert!(refused.is_dead_link());
    let refused = h.service.submit(&token, &form(&code, STRONG, STRONG)).await.unwrap_err();
    assert!(matches!(refused, ResetError::Cancelled));
    assert_eq!(h.store.snapshot()[0].attempts, 0);
    assert!(verify(&SecretString::from(OLD), h.password(&sam()).as_str()).unwrap(), "the password stands");

    let status = h.service.status(&admin(), &sam()).await.unwrap();
    assert_eq!(status.latest.unwrap().state, RequestState::Cancelled);
    assert_eq!(status.recent[0].kind, AuditKind::Cancelled);
    assert_eq!(status.recent[0].actor.as_ref().map(|p| p.name()), Some("Ada Admin"));
}

#[tokio::test]
async fn there_is_nothing_to_cancel_before_a_reset_or_after_it_is_used() {
    let h = harness();
    assert!(matches!(h.service.cancel(&admin(), &sam()).await, Err(ResetError::NothingToCancel)));
    let (token, code) = h.send(&sam()).await;
    h.service.submit(&token, &form(&code, STRONG, STRONG)).await.unwrap();
    let refused = h.service.cancel(&admin(), &sam()).await.unwrap_err();
    assert!(matches!(refused, ResetError::NothingToCancel));
    assert_eq!(said(&refused), "There is no reset waiting for this user to cancel.");
}

#[tokio::test]
async fn only_admins_see_the_status_or_cancel() {
    let h = harness();
    h.send(&nell()).await;
    for actor in [sam(), dana(), UserId::new("nobody")] {
        assert!(matches!(h.service.status(&actor, &nell()).await, Err(ResetError::NotAllowed { .. })));
        assert!(matches!(h.service.cancel(&actor, &nell()).await, Err(ResetError::NotAllowed { .. })));
    }
    assert!(h.service.open(&h.outbox.last_link_and_code().unwrap().0).await.is_ok(), "still live");
    assert!(matches!(h.service.status(&admin(), &UserId::new("nobody")).await, Err(ResetError::UnknownUser)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_cancels_and_completions_let_exactly_one_win() {
    let h = Arc::new(harness());
    let (token, code) = h.send(&sam()).await;
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let (h, token, code) = (Arc::clone(&h), token.clone(), code.clone());
            tokio::spawn(async move {
                if i % 2 == 0 {
                    h.service.cancel(&admin(), &sam()).await.is_ok()
                } else {
                    h.service.submit(&token, &form(&code, STRONG, STRONG)).await.is_ok()
                }
            })
        })
        .collect();
    let mut wins = 0;
    for task in tasks {
        wins += usize::from(task.await.unwrap());
    }
    assert_eq!(wins, 1);
    let state = h.store.snapshot()[0].state;
    let changed = verify(&SecretString::from(STRONG), h.password(&sam()).as_str()).unwrap();
    assert!(
        (state == RequestState::Completed && changed) || (state == RequestState::Cancelled && !changed),
        "{state:?}, password changed: {changed}"
    );
}

#[tokio::test]
async fn create_password_for_a_user_who_has_one_is_refused_truthfully() {
    let h = harness();
    let refused = h.service.trigger(&admin(), &sam(), Purpose::Create).await.unwrap_err();
    assert_eq!(said(&refused), "Sam Web already has a password; use Reset Password.");
    assert!(h.outbox.emails().is_empty());
    assert!(h.store.snapshot().is_empty());
    h.service.trigger(&admin(), &nell(), Purpose::Create).await.unwrap();
}

// ---- Refusals that tell the truth, and one ending per request ----

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_right_codes_complete_once_and_every_other_is_told_the_link_is_used() {
    let h = Arc::new(harness());
    let (token, code) = h.send(&sam()).await;
    let submits = (0..20).map(|_| {
        let (h, token, code) = (Arc::clone(&h), token.clone(), code.clone());
        tokio::spawn(async move { h.service.submit(&token, &form(&code, STRONG, STRONG)).await })
    });
    let mut saved = 0;
    for outcome in futures::future::join_all(submits).await {
        match outcome.unwrap() {
            Ok(_) => saved += 1,
            Err(ResetError::AlreadyUsed) => {}
            Err(other) => panic!("a right code was told {other:?}: {}", said(&other)),
        }
    }
    assert_eq!(saved, 1);
    assert_eq!(h.kinds().iter().filter(|k| **k == AuditKind::Completed).count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_wrong_code_racing_a_right_one_never_locks_a_completed_link() {
    for _ in 0..5 {
        let h = Arc::new(harness());
        let (token, code) = h.send(&sam()).await;
        for _ in 0..4 {
            let _ = h.service.submit(&token, &form(&wrong(&code), STRONG, STRONG)).await;
        }
        // One attempt left: a right and a wrong code race for it.
        let right = {
            let (h, token, code) = (Arc::clone(&h), token.clone(), code.clone());
            tokio::spawn(async move { h.service.submit(&token, &form(&code, STRONG, STRONG)).await })
        };
        let wrong_one = h.service.submit(&token, &form(&wrong(&code), STRONG, STRONG)).await;
        let right = right.await.unwrap();
        match (&right, &wrong_one) {
            // The wrong code came second, or while the right one was being saved.
            (Ok(_), Err(ResetError::AlreadyUsed | ResetError::IncorrectCode { attempts_left: 0 })) => {}
            // The wrong code took the last attempt and locked the link.
            (Err(ResetError::Locked | ResetError::AlreadyUsed), Err(ResetError::Locked)) => {}
            other => panic!("{other:?}"),
        }
        let endings =
            h.kinds().into_iter().filter(|k| matches!(k, AuditKind::Completed | AuditKind::Locked)).count();
        assert_eq!(endings, 1);
    }
}

#[tokio::test]
async fn every_request_that_ends_has_exactly_one_ending_event_on_itself() {
    let h = harness_with(|c| c.resend_cooldown = Duration::ZERO);
    let issued = |h: &Harness| -> Vec<RequestId> {
        h.audit
            .events()
            .into_iter()
            .filter(|e| matches!(e.kind, AuditKind::Issued { .. }))
            .map(|e| e.request)
            .collect()
    };
    // Superseded, then completed.
    let (old, _) = h.send(&sam()).await;
    let (new, code) = h.send(&sam()).await;
    h.service.submit(&new, &form(&code, STRONG, STRONG)).await.unwrap();
    // Cancelled.
    h.send(&dana()).await;
    h.service.cancel(&admin(), &dana()).await.unwrap();
    // Locked.
    let (locked, code) = h.send(&nell()).await;
    for _ in 0..5 {
        let _ = h.service.submit(&locked, &form(&wrong(&code), STRONG, STRONG)).await;
    }
    assert!(matches!(h.service.open(&old).await, Err(ResetError::Superseded)));
    // Expired: its ending is recorded by the purge, once.
    h.send(&admin()).await;
    h.clock.advance(Duration::from_secs(25 * 3600));
    h.service.purge(Duration::from_secs(30 * 24 * 3600)).await.unwrap();
    h.service.purge(Duration::from_secs(30 * 24 * 3600)).await.unwrap();
    let ids = issued(&h);
    assert_eq!(ids.len(), 5);
    let endings = |request: RequestId| -> Vec<AuditKind> {
        h.audit
            .events()
            .into_iter()
            .filter(|e| e.request == request)
            .map(|e| e.kind)
            .filter(|k| {
                matches!(
                    k,
                    AuditKind::Superseded
                        | AuditKind::Completed
                        | AuditKind::Cancelled
                        | AuditKind::Locked
                        | AuditKind::Expired
                )
            })
            .collect()
    };
    assert_eq!(endings(ids[0]), [AuditKind::Superseded], "the replaced request, not the new one");
    assert_eq!(endings(ids[1]), [AuditKind::Completed]);
    assert_eq!(endings(ids[2]), [AuditKind::Cancelled]);
    assert_eq!(endings(ids[3]), [AuditKind::Locked]);
    assert_eq!(endings(ids[4]), [AuditKind::Expired]);
}
