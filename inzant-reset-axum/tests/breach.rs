//! A service with a breach source, through the routes: the page lists the
//! rule, the meter reports it unmet, the submit comes back with its
//! sentence, and a source that cannot answer (when the host refuses then)
//! brings the form back with "try again" and a 503.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use axum::Router;
use axum::body::Body;
use axum::http::request::Parts;
use axum::http::{Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use common::{Answer, call};
use inzant_reset_axum::{AdminGate, ResetWeb, WebSettings};
use inzant_reset_core::breach::{BreachError, BreachPolicy, OnUnavailable, PasswordSha1};
use inzant_reset_core::hash::HashParams;
use inzant_reset_core::memory::{MemoryOutbox, MemoryStore};
use inzant_reset_core::ports::BreachedPasswords;
use inzant_reset_core::prelude::*;
use inzant_reset_test_support::{directory_of, person};

const BREACHED: &str = "Velvet-Harbour-Lantern-42";
const CLEAN: &str = "Quiet7-Mango-Trail-Lantern";

struct NoGate;

#[async_trait]
impl AdminGate for NoGate {
    async fn actor(&self, _request: &mut Parts) -> Result<UserId, Response> {
        Err(StatusCode::FORBIDDEN.into_response())
    }
}

#[derive(Debug, Default)]
struct OneBreach {
    down: AtomicBool,
}

#[async_trait]
impl BreachedPasswords for OneBreach {
    async fn occurrences(&self, sha1: &PasswordSha1) -> Result<u64, BreachError> {
        if self.down.load(Ordering::SeqCst) {
            return Err(BreachError::new(
                "the range API answered 503 Service Unavailable (after 3 attempts)",
            ));
        }
        Ok(if *sha1 == PasswordSha1::of(BREACHED) { 12 } else { 0 })
    }
}

async fn app(on_unavailable: OnUnavailable) -> (Router, String, String, Arc<OneBreach>) {
    let directory = directory_of([
        person("1", "admin@inzant.example", UserType::Admin),
        person("2", "sam.web@inzant.example", UserType::Web),
    ]);
    let outbox = Arc::new(MemoryOutbox::new());
    let source = Arc::new(OneBreach::default());
    let service = ResetService::builder(
        Arc::new(MemoryStore::new()),
        directory,
        outbox.clone(),
        CodeKeys::new(vec![5; 32], vec![]).unwrap(),
        ResetConfig::new("https://sales.inzant.example"),
    )
    .hash_params(HashParams::insecure_for_tests())
    .breached_passwords(source.clone(), BreachPolicy::new(1, on_unavailable))
    .build()
    .unwrap();
    service.trigger(&UserId::new("1"), &UserId::new("2"), Purpose::Reset).await.unwrap();
    let (token, code) = outbox.last_link_and_code().unwrap();
    let router = ResetWeb::new(Arc::new(service), Arc::new(NoGate), WebSettings::new("/login")).router();
    (router, format!("/password-reset/{token}"), code, source)
}

async fn submit(router: &Router, path: &str, code: &str, password: &str) -> Answer {
    let body = format!("code={code}&new_password={password}&confirm_password={password}");
    let request = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    call(router, request).await
}

#[tokio::test]
async fn the_page_lists_the_rule_and_the_meter_and_submit_report_it() {
    let (router, path, code, _) = app(OnUnavailable::Allow).await;
    let page = call(&router, Request::get(&path).body(Body::empty()).unwrap()).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"data-rule="not_breached""#), "{}", page.body);
    assert!(page.body.contains("Not found in known data breaches"));

    let request = Request::post(format!("{path}/strength"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(serde_json::json!({ "password": BREACHED }).to_string()))
        .unwrap();
    let meter = call(&router, request).await.json();
    assert_eq!(meter["unmet"], serde_json::json!(["not_breached"]));
    assert_eq!(meter["level"], "too_weak");
    assert_eq!(meter["acceptable"], false);

    let refused = submit(&router, &path, &code, BREACHED).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("This password has appeared in a data breach; choose another."));
    assert!(refused.body.contains(r#"data-rule="not_breached" class="unmet""#), "{}", refused.body);

    let saved = submit(&router, &path, &code, CLEAN).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_source_that_cannot_answer_brings_the_form_back_with_try_again_when_refusing() {
    let (router, path, code, source) = app(OnUnavailable::Refuse).await;
    source.down.store(true, Ordering::SeqCst);
    let refused = submit(&router, &path, &code, CLEAN).await;
    assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(refused.body.contains("could not be checked against known data breaches"), "{}", refused.body);
    assert!(refused.body.contains(r#"name="code""#), "the form comes back: {}", refused.body);
    source.down.store(false, Ordering::SeqCst);
    assert_eq!(submit(&router, &path, &code, CLEAN).await.status, StatusCode::SEE_OTHER);
}
