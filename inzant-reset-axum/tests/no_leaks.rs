//! A whole flow through the router, logged at TRACE: no log line, header or
//! redirect ever carries the link token, the code or a password, and pages
//! never show them — except the code the user just typed, which the form
//! keeps after a mistake (so the user need not retype it) in its own input and nowhere else.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use async_trait::async_trait;
use axum::body::Body;
use axum::http::request::Parts;
use axum::http::{Request, header};
use axum::response::Response;
use http_body_util::BodyExt;
use inzant_reset_axum::{AdminGate, ResetWeb, WebSettings};
use inzant_reset_core::hash::HashParams;
use inzant_reset_core::memory::{MemoryOutbox, MemoryStore};
use inzant_reset_core::prelude::*;
use inzant_reset_test_support::{CapturedLogs, directory_of, person};
use tower::ServiceExt;

const ORIGIN: &str = "https://sales.inzant.example";

struct Admin;

#[async_trait]
impl AdminGate for Admin {
    async fn actor(&self, _request: &mut Parts) -> Result<UserId, Response> {
        Ok(UserId::new("1"))
    }
}

struct Seen {
    headers: Vec<String>,
    body: String,
    typed_code: Option<String>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_reaches_logs_headers_redirects_or_pages() {
    let captured = CapturedLogs::new();
    tracing::subscriber::set_global_default(captured.subscriber(tracing::Level::TRACE)).unwrap();

    let directory = directory_of([
        User { display_name: "Dana".into(), ..person("1", "admin@inzant.example", UserType::Admin) },
        User { display_name: "Dana".into(), ..person("2", "dana.device@inzant.example", UserType::Device) },
    ]);
    let outbox = Arc::new(MemoryOutbox::new());
    let service = ResetService::builder(
        Arc::new(MemoryStore::new()),
        directory,
        outbox.clone(),
        CodeKeys::new(vec![2; 32], vec![]).unwrap(),
        ResetConfig::new(ORIGIN),
    )
    .hash_params(HashParams::insecure_for_tests())
    .build()
    .unwrap();
    let router = ResetWeb::new(Arc::new(service), Arc::new(Admin), WebSettings::new("/login")).router();

    let mut seen = Vec::new();
    let mut send = async |request: Request<Body>, typed_code: Option<&str>| {
        let response = router.clone().oneshot(request).await.unwrap();
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| format!("{name}: {}", String::from_utf8_lossy(value.as_bytes())))
            .collect();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        seen.push(Seen {
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
            typed_code: typed_code.map(str::to_owned),
        });
    };
    let form = |path: &str, body: String| {
        Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap()
    };

    let trigger = Request::post("/admin/users/2/reset-password")
        .header(header::ORIGIN, ORIGIN)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("purpose=reset"));
    send(trigger.unwrap(), None).await;
    let (token, code) = outbox.last_link_and_code().unwrap();
    let path = format!("/password-reset/{token}");
    let wrong = if code == "111111" { "222222" } else { "111111" };
    let passwords = ["Velvet-Harbour-Lantern-42", "Weakling-pass", "Velvet-Harbour-Lantern-43"];

    send(Request::get(&path).body(Body::empty()).unwrap(), None).await;
    for typed in passwords {
        let strength = Request::post(format!("{path}/strength"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(serde_json::json!({ "password": typed }).to_string()))
            .unwrap();
        send(strength, None).await;
    }
    let attempt = |code: &str, new: &str, confirm: &str| {
        format!("code={code}&new_password={new}&confirm_password={confirm}")
    };
    send(form(&path, attempt(wrong, passwords[0], passwords[0])), Some(wrong)).await;
    send(form(&path, attempt(&code, passwords[0], passwords[2])), Some(&code)).await;
    send(form(&path, attempt(&code, "Qz7!tiny", "Qz7!tiny")), Some(&code)).await;
    send(form(&path, attempt(&code, passwords[0], passwords[0])), Some(&code)).await;
    send(Request::get(&path).body(Body::empty()).unwrap(), None).await;
    send(Request::get("/password-reset/complete").body(Body::empty()).unwrap(), None).await;

    let logs = captured.text();
    assert!(logs.contains("password reset completed"), "the capture works");
    let mut secrets = vec![token.as_str(), code.as_str(), "Qz7!tiny"];
    secrets.extend(passwords);
    for secret in &secrets {
        assert!(!logs.contains(secret), "{secret} is in the logs");
    }
    for answer in &seen {
        for line in &answer.headers {
            for secret in &secrets {
                assert!(!line.contains(secret), "{secret} in header {line}");
            }
        }
        let mut body = answer.body.clone();
        if let Some(typed) = &answer.typed_code {
            body = body.replace(&format!(r#"value="{typed}""#), "");
        }
        for secret in &secrets {
            assert!(!body.contains(secret), "{secret} in a page or JSON answer");
        }
    }
    assert!(seen.iter().any(|a| a.headers.iter().any(|h| h == "location: complete?lang=en")));
}
