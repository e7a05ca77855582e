#![no_main]
//! Arbitrary bodies and content types posted to the reset page and the
//! strength endpoint: the router always answers, never with a 5xx, and
//! nothing but a real attempt with a six-digit code ever counts one.

use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, header};
use inzant_reset_axum::{AdminGate, ResetWeb, WebSettings};
use inzant_reset_core::hash::HashParams;
use inzant_reset_core::memory::{MemoryDirectory, MemoryOutbox, MemoryStore};
use inzant_reset_core::prelude::*;
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use tower::ServiceExt;

struct Target {
    runtime: tokio::runtime::Runtime,
    router: Router,
    path: String,
}

#[derive(Arbitrary, Debug)]
struct Input {
    content_type: u8,
    strength: bool,
    body: Vec<u8>,
}

fn target() -> &'static Target {
    static TARGET: OnceLock<Target> = OnceLock::new();
    TARGET.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        let directory = Arc::new(MemoryDirectory::new());
        for (id, user_type) in [("1", UserType::Admin), ("2", UserType::Web)] {
            directory.insert(User {
                id: UserId::new(id),
                username: format!("user{id}@inzant.example"),
                display_name: "User".into(),
                email_to: None,
                user_type,
                has_password: true,
                locale: None,
                tenant: None,
            });
        }
        let outbox = Arc::new(MemoryOutbox::new());
        let mut config = ResetConfig::new("https://sales.inzant.example");
        // A fuzzer may lock the link; a new link per run keeps it exercising submits.
        config.max_attempts = u32::MAX;
        let service = ResetService::builder(
            Arc::new(MemoryStore::new()),
            directory,
            outbox.clone(),
            CodeKeys::new(vec![4; 32], vec![]).expect("keys"),
            config,
        )
        .hash_params(HashParams::insecure_for_tests())
        .build()
        .expect("service");
        let service = Arc::new(service);
        runtime
            .block_on(service.trigger(&UserId::new("1"), &UserId::new("2"), Purpose::Reset))
            .expect("trigger");
        let (token, _) = outbox.last_link_and_code().expect("email");
        let mut settings = WebSettings::new("/login");
        settings.strength_checks_per_minute = u32::MAX;
        let router = ResetWeb::new(service, Arc::new(NoAdmin), settings).router();
        Target { runtime, router, path: format!("/password-reset/{token}") }
    })
}

struct NoAdmin;

#[async_trait::async_trait]
impl AdminGate for NoAdmin {
    async fn actor(
        &self,
        _request: &mut axum::http::request::Parts,
    ) -> Result<UserId, axum::response::Response> {
        Err(axum::response::IntoResponse::into_response(axum::http::StatusCode::FORBIDDEN))
    }
}

fuzz_target!(|input: Input| {
    let target = target();
    let content_type = match input.content_type % 4 {
        0 => "application/x-www-form-urlencoded",
        1 => "application/json",
        2 => "text/plain",
        _ => "application/x-www-form-urlencoded; charset=utf-8",
    };
    let uri = if input.strength { format!("{}/strength", target.path) } else { target.path.clone() };
    let Ok(request) = Request::post(uri).header(header::CONTENT_TYPE, content_type).body(Body::from(input.body))
    else {
        return;
    };
    let response = target.runtime.block_on(target.router.clone().oneshot(request)).expect("infallible");
    assert!(!response.status().is_server_error(), "{}", response.status());
});
