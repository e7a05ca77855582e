//! Breached passwords through the service: the rule is listed when a source
//! is configured, looked up once the rest of the policy is met, refused on
//! submit with its own sentence, and a source that cannot answer is allowed
//! with a warning by default or refused with "try again" when configured.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use async_trait::async_trait;
use inzant_reset_core::breach::{BreachError, BreachPolicy, OnUnavailable, PasswordSha1};
use inzant_reset_core::hash::{Argon2id, HashParams};
use inzant_reset_core::memory::{MemoryDirectory, MemoryOutbox, MemoryStore};
use inzant_reset_core::policy::InlinePolicy;
use inzant_reset_core::policy::Rule;
use inzant_reset_core::ports::BreachedPasswords;
use inzant_reset_core::prelude::*;
use inzant_reset_core::verify;
use inzant_reset_test_support::{CapturedLogs, directory_of, person};
use secrecy::SecretString;

/// Strong by zxcvbn and every rule, and in the breach list below.
const BREACHED_STRONG: &str = "Velvet-Harbour-Lantern-42";
const CLEAN_STRONG: &str = "Quiet-Mango-Trail-Lantern-7";

/// A breach list in memory that counts its lookups and can be down.
#[derive(Debug, Default)]
struct List {
    counts: HashMap<PasswordSha1, u64>,
    lookups: AtomicUsize,
    down: AtomicBool,
}

impl List {
    fn with(passwords: &[(&str, u64)]) -> Arc<Self> {
        Arc::new(Self {
            counts: passwords.iter().map(|(p, c)| (PasswordSha1::of(p), *c)).collect(),
            ..Self::default()
        })
    }
    fn lookups(&self) -> usize {
        self.lookups.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl BreachedPasswords for List {
    async fn occurrences(&self, sha1: &PasswordSha1) -> Result<u64, BreachError> {
        self.lookups.fetch_add(1, Ordering::SeqCst);
        if self.down.load(Ordering::SeqCst) {
            return Err(BreachError::new("the range API did not answer within 300 ms"));
        }
        Ok(self.counts.get(sha1).copied().unwrap_or(0))
    }
}

struct Harness {
    service: ResetService,
    directory: Arc<MemoryDirectory>,
    outbox: Arc<MemoryOutbox>,
    store: Arc<MemoryStore>,
}

fn sam() -> UserId {
    UserId::new("2")
}

fn harness(source: Option<(Arc<List>, BreachPolicy)>) -> Harness {
    let directory = directory_of([
        User { display_name: "Ada Admin".into(), ..person("1", "admin@inzant.example", UserType::Admin) },
        User { display_name: "Sam Web".into(), ..person("2", "sam.web@inzant.example", UserType::Web) },
    ]);
    let store = Arc::new(MemoryStore::new());
    let outbox = Arc::new(MemoryOutbox::new());
    let mut builder = ResetService::builder(
        store.clone(),
        directory.clone(),
        outbox.clone(),
        CodeKeys::new(vec![5; 32], vec![]).unwrap(),
        ResetConfig::new("https://sales.inzant.example"),
    )
    .hasher(Arc::new(Argon2id::new(HashParams::insecure_for_tests()).unwrap()))
    .policy_runner(Arc::new(InlinePolicy));
    if let Some((list, policy)) = source {
        builder = builder.breached_passwords(list, policy);
    }
    Harness { service: builder.build().unwrap(), directory, outbox, store }
}

impl Harness {
    async fn send(&self) -> (String, String) {
        self.service.trigger(&UserId::new("1"), &sam(), Purpose::Reset).await.unwrap();
        self.outbox.last_link_and_code().unwrap()
    }

    fn attempts(&self) -> u32 {
        self.store.snapshot()[0].attempts
    }
}

fn form(code: &str, password: &str) -> SubmitForm {
    SubmitForm {
        code: SecretString::from(code),
        new_password: SecretString::from(password),
        confirm_password: SecretString::from(password),
    }
}

fn said(error: &ResetError) -> String {
    Catalogues::shipped().words("en", &Product::inzant()).refusal(error)
}

#[tokio::test]
async fn a_breached_password_that_rates_strong_is_refused_with_the_rules_sentence() {
    let list = List::with(&[(BREACHED_STRONG, 3)]);
    let h = harness(Some((list.clone(), BreachPolicy::default())));
    assert_eq!(h.service.rules().last(), Some(&Rule::NotBreached));
    assert!(h.service.policy().rules().contains(&Rule::NotBreached), "the page lists the service's policy");

    let (token, code) = h.send().await;
    let opened = h.service.open(&token).await.unwrap();
    let report = h.service.rate(&opened, &SecretString::from(BREACHED_STRONG)).await;
    assert_eq!(report.unmet(), [Rule::NotBreached]);
    assert_eq!(report.level(), StrengthLevel::TooWeak);
    assert!(!report.is_acceptable());
    assert_eq!(report.score(), 4, "zxcvbn alone rates it Strong");

    let refused = h.service.submit(&token, &form(&code, BREACHED_STRONG)).await.unwrap_err();
    let ResetError::TooWeak(report) = &refused else { panic!("{refused:?}") };
    assert!(report.is_breached());
    assert_eq!(said(&refused), "This password has appeared in a data breach; choose another.");
    assert_eq!(h.attempts(), 0, "no code attempt is used");
    assert_eq!(list.lookups(), 2, "one as rated, one on submit");
    let words = Catalogues::shipped();
    for language in ["de", "fr", "es"] {
        let sentence = words.words(language, &Product::inzant()).refusal(&refused);
        assert!(!sentence.is_empty() && sentence != said(&refused), "{language}: {sentence}");
    }

    // Another password is saved.
    let outcome = h.service.submit(&token, &form(&code, CLEAN_STRONG)).await.unwrap();
    assert_eq!(outcome.user, sam());
    let hash = h.directory.password_hash(&sam()).unwrap();
    assert!(verify(&SecretString::from(CLEAN_STRONG), hash.as_str()).unwrap());
}

#[tokio::test]
async fn the_threshold_decides_how_many_sightings_refuse() {
    let list = List::with(&[(BREACHED_STRONG, 4), (CLEAN_STRONG, 5)]);
    let h = harness(Some((list, BreachPolicy::new(5, OnUnavailable::Allow))));
    let (token, code) = h.send().await;
    let opened = h.service.open(&token).await.unwrap();
    assert!(h.service.rate(&opened, &SecretString::from(CLEAN_STRONG)).await.is_breached());
    assert!(h.service.rate(&opened, &SecretString::from(BREACHED_STRONG)).await.is_acceptable());
    h.service.submit(&token, &form(&code, BREACHED_STRONG)).await.unwrap();

    let zero = BreachPolicy::new(0, OnUnavailable::Allow);
    let built = ResetService::builder(
        Arc::new(MemoryStore::new()),
        Arc::new(MemoryDirectory::new()),
        Arc::new(MemoryOutbox::new()),
        CodeKeys::new(vec![5; 32], vec![]).unwrap(),
        ResetConfig::new("https://sales.inzant.example"),
    )
    .breached_passwords(List::with(&[]), zero)
    .build();
    assert!(built.is_err());
}

#[tokio::test]
async fn typing_looks_up_only_acceptable_passwords_once_each() {
    let list = List::with(&[]);
    let h = harness(Some((list.clone(), BreachPolicy::default())));
    let (token, _) = h.send().await;
    let opened = h.service.open(&token).await.unwrap();
    let typed = "Quiet7-Mango-Trail-Lantern";
    let mut acceptable = 0;
    for end in 1..=typed.len() {
        let report = h.service.rate(&opened, &SecretString::from(&typed[..end])).await;
        acceptable += usize::from(report.is_acceptable());
    }
    assert!(acceptable > 5 && acceptable < typed.len(), "{acceptable}");
    assert_eq!(list.lookups(), acceptable, "one lookup per acceptable prefix, none for the others");
    println!("typed {} characters: {acceptable} lookups", typed.len());
}

#[tokio::test]
async fn without_a_source_there_is_no_rule_and_no_lookup() {
    let h = harness(None);
    assert!(!h.service.rules().contains(&Rule::NotBreached));
    let (token, code) = h.send().await;
    h.service.submit(&token, &form(&code, BREACHED_STRONG)).await.unwrap();
}

#[tokio::test]
async fn a_source_that_is_down_is_allowed_with_a_warning_by_default() {
    let captured = CapturedLogs::new();
    let _guard = captured.start(tracing::Level::TRACE);
    let list = List::with(&[(BREACHED_STRONG, 3)]);
    list.down.store(true, Ordering::SeqCst);
    let h = harness(Some((list.clone(), BreachPolicy::default())));
    let (token, code) = h.send().await;
    let opened = h.service.open(&token).await.unwrap();
    let report = h.service.rate(&opened, &SecretString::from(BREACHED_STRONG)).await;
    assert!(report.is_acceptable() && !report.is_breached());
    h.service.submit(&token, &form(&code, BREACHED_STRONG)).await.unwrap();
    assert_eq!(list.lookups(), 2);

    let logs = captured.text();
    let warnings: Vec<&str> = logs.lines().filter(|line| line.contains("allowed unchecked")).collect();
    assert_eq!(warnings.len(), 2, "{logs}");
    assert!(warnings.iter().all(|line| line.contains("WARN") && line.contains("did not answer")), "{logs}");
    let sha1 = PasswordSha1::of(BREACHED_STRONG);
    for secret in [BREACHED_STRONG, &code, &token, &sha1.suffix(), &sha1.to_hex()] {
        assert!(!logs.contains(secret), "{secret} in {logs}");
    }
}

#[tokio::test]
async fn a_source_that_is_down_is_refused_with_try_again_when_configured() {
    let captured = CapturedLogs::new();
    let _guard = captured.start(tracing::Level::TRACE);
    let list = List::with(&[]);
    list.down.store(true, Ordering::SeqCst);
    let policy = BreachPolicy::new(1, OnUnavailable::Refuse);
    let h = harness(Some((list.clone(), policy)));
    let (token, code) = h.send().await;

    let refused = h.service.submit(&token, &form(&code, CLEAN_STRONG)).await.unwrap_err();
    assert!(matches!(refused, ResetError::BreachCheckUnavailable(_)), "{refused:?}");
    assert!(!refused.is_service_failure() && !refused.is_dead_link(), "the form comes back");
    assert_eq!(
        said(&refused),
        "Your new password could not be checked against known data breaches just now. Try again in a moment."
    );
    assert_eq!(h.attempts(), 0, "no code attempt is used");
    assert!(captured.text().contains("saving is refused until it does"), "{}", captured.text());

    // Back up: the same form saves.
    list.down.store(false, Ordering::SeqCst);
    h.service.submit(&token, &form(&code, CLEAN_STRONG)).await.unwrap();
}
