//! A small world for the admin tests: a service over memory stores with the
//! users given, and the routes driven as a tower service.

#![allow(dead_code)] // not every test binary uses every helper

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use inzant_reset_core::hash::HashParams;
use inzant_reset_core::memory::{MemoryDirectory, MemoryOutbox, MemoryStore};
use inzant_reset_core::prelude::*;
use tower::ServiceExt;

/// One user: id, type, whether they have a password, tenant.
pub struct Person {
    pub id: &'static str,
    pub user_type: UserType,
    pub has_password: bool,
    pub tenant: Option<&'static str>,
}

pub fn person(id: &'static str, user_type: UserType) -> Person {
    Person { id, user_type, has_password: true, tenant: None }
}

pub struct World {
    pub service: Arc<ResetService>,
    pub outbox: Arc<MemoryOutbox>,
    pub store: Arc<MemoryStore>,
}

/// A service at `public_url` for `people`, with `authorization` when given.
pub fn world(public_url: &str, people: &[Person], authorization: Option<Arc<dyn Authorization>>) -> World {
    let directory = Arc::new(MemoryDirectory::new());
    for person in people {
        directory.insert(User {
            display_name: format!("User {}", person.id),
            has_password: person.has_password,
            tenant: person.tenant.map(str::to_owned),
            ..inzant_reset_test_support::person(
                person.id,
                &format!("{}@example.com", person.id),
                person.user_type,
            )
        });
    }
    let outbox = Arc::new(MemoryOutbox::new());
    let store = Arc::new(MemoryStore::new());
    let mut config = ResetConfig::new(public_url);
    config.resend_cooldown = Duration::ZERO;
    let mut builder = ResetService::builder(
        store.clone(),
        directory,
        outbox.clone(),
        CodeKeys::new(vec![7; 32], vec![]).unwrap(),
        config,
    )
    .hash_params(HashParams::insecure_for_tests());
    if let Some(authorization) = authorization {
        builder = builder.authorization(authorization);
    }
    World { service: Arc::new(builder.build().unwrap()), outbox, store }
}

/// A whole answer, body as bytes too (to compare answers exactly).
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.bytes)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

/// Sends `request` through `service` (a router, or a router behind layers).
pub async fn send<S>(service: &S, request: Request<Body>) -> Reply
where
    S: tower::Service<Request<Body>, Response = axum::response::Response> + Clone,
    S::Error: std::fmt::Debug,
{
    let response = service.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes().to_vec();
    Reply { status, headers, bytes }
}
