//! Hostile input against the whole router: every request here answers a
//! clear 4xx (or 200 for a mail scanner's fetches), never a 5xx, and none of
//! them uses up or locks the link.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use axum::Router;
use axum::body::Body;
use axum::http::request::Parts;
use axum::http::{Method, Request, StatusCode, header};
use axum::response::Response;
use http_body_util::BodyExt;
use inzant_reset_axum::{AdminGate, ResetWeb, WebSettings};
use inzant_reset_core::hash::HashParams;
use inzant_reset_core::memory::{MemoryOutbox, MemoryStore};
use inzant_reset_core::prelude::*;
use inzant_reset_test_support::{directory_of, person};
use tower::ServiceExt;

const ORIGIN: &str = "https://sales.inzant.example";

struct AlwaysAdmin;

#[async_trait]
impl AdminGate for AlwaysAdmin {
    async fn actor(&self, _request: &mut Parts) -> Result<UserId, Response> {
        Ok(UserId::new("1"))
    }
}

struct Target {
    router: Router,
    store: Arc<MemoryStore>,
    path: String,
}

async fn target() -> Target {
    let directory = directory_of([
        User { display_name: "Someone".into(), ..person("1", "admin@inzant.example", UserType::Admin) },
        User { display_name: "Someone".into(), ..person("2", "sam.web@inzant.example", UserType::Web) },
    ]);
    let outbox = Arc::new(MemoryOutbox::new());
    let store = Arc::new(MemoryStore::new());
    let mut config = ResetConfig::new(ORIGIN);
    config.resend_cooldown = Duration::ZERO;
    let service = ResetService::builder(
        store.clone(),
        directory,
        outbox.clone(),
        CodeKeys::new(vec![1; 32], vec![]).unwrap(),
        config,
    )
    .hash_params(HashParams::insecure_for_tests())
    .build()
    .unwrap();
    let service = Arc::new(service);
    service.trigger(&UserId::new("1"), &UserId::new("2"), Purpose::Reset).await.unwrap();
    let (token, _) = outbox.last_link_and_code().unwrap();
    let mut settings = WebSettings::new("/login");
    settings.strength_checks_per_minute = 10_000;
    let router = ResetWeb::new(service, Arc::new(AlwaysAdmin), settings).router();
    Target { router, store, path: format!("/password-reset/{token}") }
}

impl Target {
    async fn send(&self, request: Request<Body>) -> (StatusCode, String) {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    fn untouched(&self) {
        let request = &self.store.snapshot()[0];
        assert_eq!(request.attempts, 0, "no attempt was used");
        assert_eq!(request.state, inzant_reset_core::state::RequestState::Issued);
    }
}

fn post(uri: &str, content_type: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(uri).header(header::CONTENT_TYPE, content_type).body(body.into()).unwrap()
}

/// An admin trigger from the site itself, so the body is what gets judged.
fn admin(content_type: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post("/admin/users/2/reset-password")
        .header(header::ORIGIN, ORIGIN)
        .header(header::CONTENT_TYPE, content_type)
        .body(body.into())
        .unwrap()
}

const FORM: &str = "application/x-www-form-urlencoded";

fn assert_clear_4xx(status: StatusCode, body: &str, what: &str) {
    assert!(status.is_client_error(), "{what}: {status} {body}");
    assert!(!body.is_empty(), "{what}: an empty answer says nothing");
}

#[tokio::test]
async fn hostile_submit_bodies_answer_4xx_and_use_no_attempt() {
    let t = target().await;
    let path = t.path.as_str();
    let long = "Aa1!".repeat(2500);
    let cases: Vec<(&str, Request<Body>)> = vec![
        ("body over the limit", post(path, FORM, format!("code=123456&new_password={}", "a".repeat(70_000)))),
        ("JSON body", post(path, "application/json", r#"{"code":"123456"}"#)),
        ("multipart body", post(path, "multipart/form-data; boundary=x", "--x--")),
        ("no content type", Request::post(path).body(Body::from("code=123456")).unwrap()),
        ("invalid UTF-8 raw", post(path, FORM, vec![b'c', b'o', b'd', b'e', b'=', 0xff, 0xfe])),
        ("invalid UTF-8 encoded", post(path, FORM, "code=%C3%28")),
        ("bad percent escape", post(path, FORM, "code=%G1%%")),
        (
            "NUL in password",
            post(path, FORM, "code=123456&new_password=Aa1!aaaa%00&confirm_password=Aa1!aaaa%00"),
        ),
        (
            "10,000-character password",
            post(path, FORM, format!("code=123456&new_password={long}&confirm_password={long}")),
        ),
        ("letters in the code", post(path, FORM, "code=12ab56&new_password=x&confirm_password=x")),
        (
            "full-width digits",
            post(path, FORM, "code=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96"),
        ),
        ("Arabic-Indic digits", post(path, FORM, "code=%D9%A1%D9%A2%D9%A3%D9%A4%D9%A5%D9%A6")),
        ("repeated fields", post(path, FORM, "code=1&code=2")),
        ("missing fields", post(path, FORM, "")),
        ("only a code", post(path, FORM, "code=123456")),
        ("huge numbers of fields", post(path, FORM, "x=1&".repeat(3000))),
        ("a field without a value", post(path, FORM, "code&new_password&confirm_password")),
    ];
    for (what, request) in cases {
        let (status, body) = t.send(request).await;
        assert_clear_4xx(status, &body, what);
    }
    t.untouched();
}

#[tokio::test]
async fn hostile_tokens_are_unknown_links() {
    let t = target().await;
    let tokens = [
        "x".repeat(5000),
        "..%2F..%2Fetc%2Fpasswd".to_owned(),
        "%2e%2e".to_owned(),
        "%00".to_owned(),
        "AAAA%2FBBBB".to_owned(),
        format!("{}%20", &t.path["/password-reset/".len()..]),
        "%F0%9F%94%92".to_owned(),
        "'%3E%3Cscript%3E".to_owned(),
    ];
    for token in tokens {
        let uri = format!("/password-reset/{token}");
        for request in [
            Request::get(&uri).body(Body::empty()).unwrap(),
            post(&uri, FORM, "code=123456&new_password=a&confirm_password=a"),
            post(&format!("{uri}/strength"), "application/json", r#"{"password":"x"}"#),
        ] {
            let (status, body) = t.send(request).await;
            assert_clear_4xx(status, &body, &uri);
            assert!(!body.contains("<script>"), "nothing typed in a URL is echoed as markup");
        }
    }
    t.untouched();
}

#[tokio::test]
async fn every_route_refuses_methods_it_does_not_serve() {
    let t = target().await;
    let strength = format!("{}/strength", t.path);
    let routes = [
        (t.path.as_str(), vec![Method::PUT, Method::DELETE, Method::PATCH, Method::OPTIONS]),
        (strength.as_str(), vec![Method::GET, Method::HEAD, Method::PUT, Method::OPTIONS]),
        ("/admin/users/2/reset-password", vec![Method::GET, Method::HEAD, Method::PUT, Method::OPTIONS]),
        ("/password-reset/complete", vec![Method::POST, Method::PUT, Method::OPTIONS]),
        ("/password-reset/assets/reset.js", vec![Method::POST, Method::PUT, Method::OPTIONS]),
    ];
    for (uri, methods) in routes {
        for method in methods {
            let request = Request::builder().method(method.clone()).uri(uri).body(Body::empty()).unwrap();
            let (status, _) = t.send(request).await;
            assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {uri}");
        }
    }
    t.untouched();
}

#[tokio::test]
async fn a_mail_scanner_fetching_the_link_changes_nothing() {
    let t = target().await;
    for _ in 0..100 {
        let (status, body) = t.send(Request::get(&t.path).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("Save New Password"));
        let (status, _) = t.send(Request::head(&t.path).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK);
    }
    t.untouched();
}

#[tokio::test]
async fn hostile_strength_and_trigger_bodies_answer_4xx() {
    let t = target().await;
    let strength = format!("{}/strength", t.path);
    let cases = [
        post(&strength, "application/json", "not json"),
        post(&strength, "application/json", r#"{"password": 12}"#),
        post(&strength, "application/json", "[]"),
        post(&strength, "text/plain", "password=x"),
        post(&strength, "application/json", format!(r#"{{"password":"{}"}}"#, "a".repeat(70_000))),
        post(&strength, FORM, "password=%FF"),
        admin(FORM, "purpose=%FF"),
        admin(FORM, "purpose=reset&purpose=create"),
        admin(FORM, "purpose=erase"),
        admin(FORM, "x".repeat(70_000)),
        admin(FORM, ""),
        admin(FORM, "purpose="),
        admin("application/json", r#"{"purpose": 1}"#),
        admin("application/json", r#"{"purpose":"reset","purpose":"create"}"#),
        admin("application/json", r#"["reset"]"#),
        admin("application/json", "{}"),
        admin("text/plain", "purpose=reset"),
        Request::post("/admin/users/..%2F1/reset-password")
            .header(header::ORIGIN, ORIGIN)
            .body(Body::empty())
            .unwrap(),
    ];
    for request in cases {
        let uri = request.uri().to_string();
        let (status, body) = t.send(request).await;
        assert_clear_4xx(status, &body, &uri);
    }
    t.untouched();
}

/// A body that must not be read: it notes that it was polled and fails.
struct Untouchable(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl http_body::Body for Untouchable {
    type Data = axum::body::Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        self.0.store(true, std::sync::atomic::Ordering::SeqCst);
        std::task::Poll::Ready(Some(Err(std::io::Error::other("the body was read"))))
    }
}

#[tokio::test]
async fn an_announced_body_over_the_limit_is_refused_before_any_of_it_is_read() {
    let app = target().await;
    let path = app.path.clone();
    for target in [path.clone(), format!("{path}/strength"), "/admin/users/2/reset-password".to_owned()] {
        let polled = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let request = Request::post(&target)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::CONTENT_LENGTH, "100000000")
            .header(header::EXPECT, "100-continue")
            .header(header::ORIGIN, ORIGIN)
            .body(Body::new(Untouchable(polled.clone())))
            .unwrap();
        let (status, body) = app.send(request).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{target}: {body}");
        assert!(!polled.load(std::sync::atomic::Ordering::SeqCst), "{target}: the body was read");
    }
}
