//! Admin clients of every kind: browser forms with the host's cookie
//! session (same origin, or an allowed admin UI on another origin), and API
//! clients with bearer tokens and JSON bodies from anywhere.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod world;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use inzant_reset_axum::{AdminGate, Credentials, ExtractorGate, ResetWeb, SettingsError, WebSettings};
use inzant_reset_core::prelude::*;
use world::{Person, Reply, World, person, send, world};

const ORIGIN: &str = "https://sales.example.com";
const ADMIN_UI: &str = "https://admin.example.com";
const FOREIGN: &str = "https://elsewhere.example";
const TOKEN: &str = "Bearer admin-token";
const SESSION: &str = "theme=dark; session=admin";

/// The host's API: admins hold a bearer token.
fn bearer_gate() -> impl AdminGate {
    ExtractorGate::bearer((), |headers: HeaderMap| {
        match headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
            Some(TOKEN) => Ok(UserId::new("1")),
            _ => Err(StatusCode::UNAUTHORIZED),
        }
    })
}

/// The host's admin pages: a session cookie.
fn cookie_gate() -> impl AdminGate {
    ExtractorGate::new((), |headers: HeaderMap| {
        let cookies = headers.get(header::COOKIE).and_then(|v| v.to_str().ok()).unwrap_or("");
        if cookies.split(';').any(|c| c.trim() == "session=admin") {
            Ok(UserId::new("1"))
        } else {
            Err(StatusCode::UNAUTHORIZED)
        }
    })
}

fn people() -> Vec<Person> {
    vec![
        person("1", UserType::Admin),
        person("2", UserType::Web),
        Person { id: "3", user_type: UserType::Device, has_password: false, tenant: None },
    ]
}

struct App {
    router: Router,
    world: World,
}

fn app(gate: impl AdminGate, settings: WebSettings) -> App {
    let world = world(ORIGIN, &people(), None);
    let web = ResetWeb::try_new(world.service.clone(), Arc::new(gate), settings).unwrap();
    App { router: web.router(), world }
}

/// A POST to `path` with each `(name, value)` header and `body`.
fn post(path: &str, headers: &[(&str, &str)], body: &str) -> Request<Body> {
    let mut request = Request::post(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(Body::from(body.to_owned())).unwrap()
}

const JSON: (&str, &str) = ("content-type", "application/json");
const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded");

impl App {
    async fn post(&self, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
        send(&self.router, post(path, headers, body)).await
    }

    fn emails(&self) -> usize {
        self.world.outbox.emails().len()
    }
}

#[tokio::test]
async fn a_bearer_client_on_another_origin_triggers_and_cancels_with_json() {
    let app = app(bearer_gate(), WebSettings::new("/login"));
    let headers = [("origin", FOREIGN), ("authorization", TOKEN), JSON];
    let created = app.post("/admin/users/3/reset-password", &headers, r#"{"purpose":"create"}"#).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text());
    assert_eq!(created.json()["purpose"], "create");
    assert_eq!(created.json()["user"], "3");
    assert_eq!(app.emails(), 1);

    let cancelled = app.post("/admin/users/3/cancel-reset", &headers, "{}").await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.text());
    assert_eq!(cancelled.json()["state"], "cancelled");

    // A script with no Origin at all (curl), a form body, or no body to cancel.
    let no_origin = [("authorization", TOKEN), FORM];
    let reset = app.post("/admin/users/2/reset-password", &no_origin, "purpose=reset").await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.text());
    let cancelled = app.post("/admin/users/2/cancel-reset", &[("authorization", TOKEN)], "").await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.text());
    assert_eq!(app.emails(), 2);
}

#[tokio::test]
async fn a_bearer_gate_checks_the_origin_of_anything_a_browser_adds_by_itself() {
    let app = app(bearer_gate(), WebSettings::new("/login"));
    let body = r#"{"purpose":"reset"}"#;
    for headers in [
        // Cookies came along: whatever the extractor reads, this may be the browser's session.
        vec![("origin", FOREIGN), ("authorization", TOKEN), ("cookie", SESSION), JSON],
        // HTTP Basic is cached and sent by browsers.
        vec![("origin", FOREIGN), ("authorization", "Basic YWRtaW46YWRtaW4="), JSON],
        vec![("origin", FOREIGN), ("authorization", TOKEN), ("authorization", TOKEN), JSON],
        vec![("origin", FOREIGN), JSON],
    ] {
        let refused = app.post("/admin/users/2/reset-password", &headers, body).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{headers:?}");
        assert!(refused.json()["error"].as_str().is_some_and(|e| !e.is_empty()));
    }
    // A wrong token is the gate's refusal, answered as it is.
    let wrong = [("origin", FOREIGN), ("authorization", "Bearer nope"), JSON];
    assert_eq!(
        app.post("/admin/users/2/reset-password", &wrong, body).await.status,
        StatusCode::UNAUTHORIZED
    );
    // The same origin with cookies and a token passes the origin check.
    let same = [("origin", ORIGIN), ("authorization", TOKEN), ("cookie", SESSION), JSON];
    assert_eq!(app.post("/admin/users/2/reset-password", &same, body).await.status, StatusCode::OK);
    assert_eq!(app.emails(), 1);
}

#[tokio::test]
async fn a_cookie_gate_refuses_foreign_origins_but_reads_json_from_its_own() {
    let app = app(cookie_gate(), WebSettings::new("/login"));
    let foreign = [("origin", FOREIGN), ("cookie", SESSION), JSON];
    let refused = app.post("/admin/users/2/reset-password", &foreign, r#"{"purpose":"reset"}"#).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // Even with a bearer token: this gate reads cookies, so nothing is explicit.
    let with_token = [("origin", FOREIGN), ("authorization", TOKEN), JSON];
    let refused = app.post("/admin/users/2/reset-password", &with_token, r#"{"purpose":"reset"}"#).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(app.post("/admin/users/2/cancel-reset", &foreign, "").await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.emails(), 0);

    let own = [("origin", ORIGIN), ("cookie", SESSION), JSON];
    let sent = app.post("/admin/users/2/reset-password", &own, r#"{"purpose":"reset"}"#).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text());
    let cancelled = app.post("/admin/users/2/cancel-reset", &own, "{}").await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.text());
}

#[tokio::test]
async fn an_allowed_admin_origin_may_post_with_cookies_and_no_other() {
    let settings = WebSettings::new("/login").allow_admin_origins([ADMIN_UI]);
    let app = app(cookie_gate(), settings);
    let allowed = [("origin", ADMIN_UI), ("cookie", SESSION), FORM];
    let sent = app.post("/admin/users/2/reset-password", &allowed, "purpose=reset").await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text());
    let cancelled = app.post("/admin/users/2/cancel-reset", &allowed, "").await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.text());

    for headers in [
        vec![("origin", FOREIGN), ("cookie", SESSION), FORM],
        vec![("origin", "https://admin.example.com.elsewhere.example"), ("cookie", SESSION), FORM],
        vec![("origin", "http://admin.example.com"), ("cookie", SESSION), FORM],
        // Sec-Fetch-Site only ever vouches for the same origin.
        vec![("sec-fetch-site", "same-site"), ("cookie", SESSION), FORM],
        vec![("origin", ADMIN_UI), ("origin", FOREIGN), ("cookie", SESSION), FORM],
    ] {
        let refused = app.post("/admin/users/2/reset-password", &headers, "purpose=reset").await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{headers:?}");
    }
    assert_eq!(app.emails(), 1);
}

#[tokio::test]
async fn a_request_with_two_origins_is_refused() {
    let app = app(cookie_gate(), WebSettings::new("/login"));
    for origins in [[ORIGIN, ORIGIN], [ORIGIN, FOREIGN], [FOREIGN, ORIGIN]] {
        let headers = [("origin", origins[0]), ("origin", origins[1]), ("cookie", SESSION), FORM];
        let refused = app.post("/admin/users/2/reset-password", &headers, "purpose=reset").await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{origins:?}");
        let refused = app.post("/admin/users/2/cancel-reset", &headers, "").await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{origins:?}");
    }
    assert_eq!(app.emails(), 0);
}

#[tokio::test]
async fn a_trigger_without_a_clear_purpose_sends_nothing() {
    let app = app(bearer_gate(), WebSettings::new("/login"));
    let form = [("authorization", TOKEN), FORM];
    let json = [("authorization", TOKEN), JSON];
    let nothing = [("authorization", TOKEN)];
    let cases: [(&[(&str, &str)], &str); 9] = [
        (&nothing, ""),
        (&form, ""),
        (&form, "purpose="),
        (&form, "other=1"),
        (&form, "purpose=erase"),
        (&json, "{}"),
        (&json, r#"{"purpose":""}"#),
        (&json, r#"{"purpose":null}"#),
        (&json, r#"{"purpose":"Reset"}"#),
    ];
    let mut messages = Vec::new();
    for (headers, body) in cases {
        let refused = app.post("/admin/users/2/reset-password", headers, body).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{body:?}: {}", refused.text());
        let message = refused.json()["error"].as_str().unwrap_or_default().to_owned();
        assert!(!message.is_empty(), "{body:?}");
        messages.push(message);
    }
    // A purpose not sent at all is told apart from an empty or unknown one.
    assert_eq!(messages[0], messages[1]);
    assert_ne!(messages[0], messages[2]);
    assert_eq!(messages[2], messages[4]);
    for (body, status) in [
        (r#"{"purpose":1}"#, StatusCode::BAD_REQUEST),
        (r#"{"purpose":"reset","purpose":"create"}"#, StatusCode::BAD_REQUEST),
        (r#"["reset"]"#, StatusCode::BAD_REQUEST),
        ("purpose=reset", StatusCode::BAD_REQUEST),
    ] {
        let refused = app.post("/admin/users/2/reset-password", &json, body).await;
        assert_eq!(refused.status, status, "{body:?}: {}", refused.text());
    }
    let text = [("authorization", TOKEN), ("content-type", "text/plain")];
    let refused = app.post("/admin/users/2/reset-password", &text, "purpose=reset").await;
    assert_eq!(refused.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(app.emails(), 0);
    assert!(app.world.store.snapshot().is_empty());
}

#[tokio::test]
async fn try_new_refuses_what_is_not_an_origin() {
    let World { service, .. } = world(ORIGIN, &people(), None);
    for entry in
        ["*", "admin.example.com", "https://admin.example.com/app", "https://admin.example.com?x", ""]
    {
        let settings = WebSettings::new("/login").allow_admin_origins([entry]);
        let refused = ResetWeb::try_new(service.clone(), Arc::new(cookie_gate()), settings).unwrap_err();
        assert_eq!(refused, SettingsError::AdminOrigin { origin: entry.to_owned() });
        assert!(refused.to_string().contains("scheme://host"), "{refused}");
    }
    let settings = WebSettings::new("/login").allow_admin_origins(["HTTPS://Admin.Example.com/"]);
    let web = ResetWeb::try_new(service.clone(), Arc::new(cookie_gate()), settings).unwrap();
    let allowed = [("origin", ADMIN_UI), ("cookie", SESSION), FORM];
    let sent = send(&web.router(), post("/admin/users/2/reset-password", &allowed, "purpose=reset")).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text());

    // `new` cannot refuse: a wrong entry allows nothing.
    let settings = WebSettings::new("/login").allow_admin_origins(["*"]);
    let web = ResetWeb::new(service, Arc::new(cookie_gate()), settings);
    let star = [("origin", "*"), ("cookie", SESSION), FORM];
    let refused = send(&web.router(), post("/admin/users/2/reset-password", &star, "purpose=reset")).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[test]
fn bearer_credentials_are_a_token_and_no_cookie() {
    let headers = |pairs: &[(&'static str, &'static str)]| {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, value.parse().unwrap());
        }
        headers
    };
    assert_eq!(Credentials::bearer(&headers(&[("authorization", "Bearer x")])), Credentials::Explicit);
    assert_eq!(Credentials::bearer(&headers(&[("authorization", "bearer x")])), Credentials::Explicit);
    for ambient in [
        headers(&[]),
        headers(&[("authorization", "Bearer ")]),
        headers(&[("authorization", "Basic eDp5")]),
        headers(&[("authorization", "Bearer x"), ("cookie", "a=b")]),
        headers(&[("authorization", "Bearer x"), ("authorization", "Bearer y")]),
        headers(&[("cookie", "a=b")]),
    ] {
        assert_eq!(Credentials::bearer(&ambient), Credentials::Ambient, "{ambient:?}");
    }
}

#[test]
fn gates_debug_without_their_state() {
    let gate = ExtractorGate::bearer("s3cr3t-state", |_: HeaderMap| Ok::<_, StatusCode>(UserId::new("1")));
    let debug = format!("{gate:?}");
    assert!(
        debug.contains("ExtractorGate") && debug.contains("bearer") && debug.contains("HeaderMap"),
        "{debug}"
    );
    assert!(!debug.contains("s3cr3t"), "{debug}");
    let custom = cookie_gate_with_rule();
    assert!(format!("{custom:?}").contains("custom"));
}

fn cookie_gate_with_rule() -> impl std::fmt::Debug {
    ExtractorGate::new((), |_: HeaderMap| Ok::<_, StatusCode>(UserId::new("1"))).credentials(|parts| {
        if parts.headers.contains_key("x-api-key") { Credentials::Explicit } else { Credentials::Ambient }
    })
}

#[tokio::test]
async fn a_custom_credential_rule_decides_the_origin_check() {
    let gate = ExtractorGate::new((), |headers: HeaderMap| match headers.get("x-api-key") {
        Some(key) if key == "k" => Ok(UserId::new("1")),
        _ => Err(StatusCode::UNAUTHORIZED),
    })
    .credentials(|parts| {
        if parts.headers.contains_key("x-api-key") && !parts.headers.contains_key(header::COOKIE) {
            Credentials::Explicit
        } else {
            Credentials::Ambient
        }
    });
    let app = app(gate, WebSettings::new("/login"));
    let keyed = [("origin", FOREIGN), ("x-api-key", "k"), JSON];
    let sent = app.post("/admin/users/2/reset-password", &keyed, r#"{"purpose":"reset"}"#).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text());
    let with_cookie = [("origin", FOREIGN), ("x-api-key", "k"), ("cookie", "a=b"), JSON];
    let refused = app.post("/admin/users/2/reset-password", &with_cookie, r#"{"purpose":"reset"}"#).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}
