//! The reset flow with the real breach sources: the range API on loopback
//! (found, stalled, busy) and a local mirror, through the core service.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{RangeServer, Reply, range_body};
use inzant_reset_breach::{LocalMirror, RangeApi, RangeApiSettings, write_range_directory};
use inzant_reset_core::breach::{BreachPolicy, OnUnavailable, PasswordSha1};
use inzant_reset_core::hash::{Argon2id, HashParams};
use inzant_reset_core::memory::{MemoryOutbox, MemoryStore};
use inzant_reset_core::policy::InlinePolicy;
use inzant_reset_core::policy::Rule;
use inzant_reset_core::ports::BreachedPasswords;
use inzant_reset_core::prelude::*;
use inzant_reset_test_support::{directory_of, person};

const BREACHED: &str = "Velvet-Harbour-Lantern-42";
const CLEAN: &str = "Quiet7-Mango-Trail-Lantern";

struct Flow {
    service: ResetService,
    outbox: Arc<MemoryOutbox>,
}

fn flow(source: Arc<dyn BreachedPasswords>, on_unavailable: OnUnavailable) -> Flow {
    let directory = directory_of([
        person("1", "admin@inzant.example", UserType::Admin),
        person("2", "sam.web@inzant.example", UserType::Web),
    ]);
    let outbox = Arc::new(MemoryOutbox::new());
    let service = ResetService::builder(
        Arc::new(MemoryStore::new()),
        directory,
        outbox.clone(),
        CodeKeys::new(vec![7; 32], vec![]).unwrap(),
        ResetConfig::new("https://sales.inzant.example"),
    )
    .hasher(Arc::new(Argon2id::new(HashParams::insecure_for_tests()).unwrap()))
    .policy_runner(Arc::new(InlinePolicy))
    .breached_passwords(source, BreachPolicy::new(1, on_unavailable))
    .build()
    .unwrap();
    Flow { service, outbox }
}

impl Flow {
    async fn send(&self) -> (String, String) {
        self.service.trigger(&UserId::new("1"), &UserId::new("2"), Purpose::Reset).await.unwrap();
        self.outbox.last_link_and_code().unwrap()
    }

    async fn submit(&self, token: &str, code: &str, password: &str) -> Result<ResetOutcome, ResetError> {
        let form = SubmitForm {
            code: code.into(),
            new_password: password.into(),
            confirm_password: password.into(),
        };
        self.service.submit(token, &form).await
    }
}

fn api(server: &RangeServer) -> Arc<RangeApi> {
    Arc::new(
        RangeApi::new(RangeApiSettings {
            connect_timeout: Duration::from_millis(300),
            read_timeout: Duration::from_millis(300),
            backoff: Duration::from_millis(10),
            ..RangeApiSettings::with_base_url(&server.base_url)
        })
        .unwrap(),
    )
}

/// A range server that knows `BREACHED` and pads every answer.
async fn pwned_server() -> RangeServer {
    let breached = PasswordSha1::of(BREACHED);
    RangeServer::start(move |prefix, _| {
        if prefix == breached.prefix() {
            Reply::ok(range_body(&[(&breached, 52)], 600))
        } else {
            Reply::ok(range_body(&[], 600))
        }
    })
    .await
}

#[tokio::test]
async fn the_range_api_refuses_a_breached_password_and_saves_a_clean_one() {
    let server = pwned_server().await;
    let api = api(&server);
    let f = flow(api.clone(), OnUnavailable::Allow);
    let (token, code) = f.send().await;
    let refused = f.submit(&token, &code, BREACHED).await.unwrap_err();
    let words = Catalogues::shipped();
    let sentence = words.words("en", &Product::inzant()).refusal(&refused);
    assert_eq!(sentence, "This password has appeared in a data breach; choose another.");
    let opened = f.service.open(&token).await.unwrap();
    let report = f.service.rate(&opened, &BREACHED.into()).await;
    assert_eq!(report.unmet(), [Rule::NotBreached]);
    assert_eq!(server.requests(), 1, "the rating after the submit came from the cache");
    f.submit(&token, &code, CLEAN).await.unwrap();
}

#[tokio::test]
async fn typing_then_submitting_sends_one_request_per_distinct_acceptable_password() {
    let server = pwned_server().await;
    let api = api(&server);
    let f = flow(api.clone(), OnUnavailable::Allow);
    let (token, code) = f.send().await;
    let opened = f.service.open(&token).await.unwrap();
    let mut acceptable = Vec::new();
    for end in 1..=CLEAN.len() {
        let typed = &CLEAN[..end];
        if f.service.rate(&opened, &typed.into()).await.is_acceptable() {
            acceptable.push(typed);
        }
    }
    // The person pauses, the page rates again, then they save.
    f.service.rate(&opened, &CLEAN.into()).await;
    f.submit(&token, &code, CLEAN).await.unwrap();
    let prefixes: std::collections::HashSet<String> =
        acceptable.iter().map(|p| PasswordSha1::of(p).prefix()).collect();
    assert_eq!(server.requests(), prefixes.len());
    assert!(server.requests() <= acceptable.len());
    println!(
        "{} characters typed, {} acceptable passwords, {} requests; rating the last again and submitting it sent none",
        CLEAN.len(),
        acceptable.len(),
        server.requests()
    );
}

#[tokio::test]
async fn a_stalled_api_is_allowed_by_default_after_the_timeout() {
    let server = RangeServer::start(|_, _| Reply { delay: Duration::from_secs(2), ..Reply::ok("") }).await;
    let f = flow(api(&server), OnUnavailable::Allow);
    let (token, code) = f.send().await;
    let started = Instant::now();
    f.submit(&token, &code, BREACHED).await.unwrap();
    assert!(started.elapsed() < Duration::from_millis(1500), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_stalled_api_is_refused_with_try_again_when_configured() {
    let server = RangeServer::start(|_, _| Reply { delay: Duration::from_secs(2), ..Reply::ok("") }).await;
    let f = flow(api(&server), OnUnavailable::Refuse);
    let (token, code) = f.send().await;
    let started = Instant::now();
    let refused = f.submit(&token, &code, CLEAN).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(1500), "{:?}", started.elapsed());
    assert!(matches!(refused, ResetError::BreachCheckUnavailable(_)), "{refused:?}");
    let sentence = Catalogues::shipped().words("en", &Product::inzant()).refusal(&refused);
    assert!(sentence.ends_with("Try again in a moment."), "{sentence}");
}

#[tokio::test]
async fn a_busy_api_is_retried_then_the_setting_decides() {
    for (status, on_unavailable) in [(429, OnUnavailable::Allow), (503, OnUnavailable::Refuse)] {
        let server = RangeServer::start(move |_, _| Reply::status(status)).await;
        let f = flow(api(&server), on_unavailable);
        let (token, code) = f.send().await;
        let result = f.submit(&token, &code, CLEAN).await;
        assert_eq!(server.requests(), 3, "{status}: the first attempt and two retries");
        match on_unavailable {
            OnUnavailable::Allow => assert!(result.is_ok(), "{result:?}"),
            OnUnavailable::Refuse => {
                assert!(matches!(result, Err(ResetError::BreachCheckUnavailable(_))), "{result:?}")
            }
        }
    }
}

#[tokio::test]
async fn a_local_mirror_refuses_a_breached_password() {
    let dir = tempfile::tempdir().unwrap();
    let list = [BREACHED, "Password1!", "Summer2024!"];
    write_range_directory(dir.path(), list.iter().map(|p| (PasswordSha1::of(p), 1))).unwrap();
    let f = flow(Arc::new(LocalMirror::open(dir.path()).unwrap()), OnUnavailable::Allow);
    let (token, code) = f.send().await;
    assert!(
        matches!(f.submit(&token, &code, BREACHED).await, Err(ResetError::TooWeak(r)) if r.is_breached())
    );
    f.submit(&token, &code, CLEAN).await.unwrap();
}
