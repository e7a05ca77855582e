//! A host with tenants: its `Authorization` lets admins manage the users of
//! their own tenant only. An admin of one tenant cannot tell another
//! tenant's user from an id that does not exist: trigger, status and cancel
//! answer both with the very same 403, which names the action.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod world;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use inzant_reset_axum::{ExtractorGate, ResetWeb, WebSettings};
use inzant_reset_core::prelude::*;
use world::{Person, Reply, World, send, world};

const ORIGIN: &str = "https://crm.example.com";

/// Admins manage the users of their own tenant.
#[derive(Debug)]
struct SameTenant;

#[async_trait]
impl Authorization for SameTenant {
    async fn allows(
        &self,
        actor: &User,
        target: Option<&User>,
        _: AdminAction,
    ) -> Result<bool, DirectoryError> {
        Ok(actor.user_type == UserType::Admin
            && target.is_some_and(|target| target.tenant.is_some() && target.tenant == actor.tenant))
    }
}

fn app() -> (Router, World) {
    let member = |id, user_type, tenant| Person { id, user_type, has_password: true, tenant: Some(tenant) };
    let people = [
        member("a-admin", UserType::Admin, "a"),
        member("a-1", UserType::Web, "a"),
        member("b-admin", UserType::Admin, "b"),
        member("b-1", UserType::Web, "b"),
    ];
    let world = world(ORIGIN, &people, Some(Arc::new(SameTenant)));
    let gate = ExtractorGate::new((), |headers: HeaderMap| {
        match headers.get("x-admin").and_then(|v| v.to_str().ok()) {
            Some(id) => Ok(UserId::new(id)),
            None => Err(StatusCode::UNAUTHORIZED),
        }
    });
    let web = ResetWeb::try_new(world.service.clone(), Arc::new(gate), WebSettings::new("/login")).unwrap();
    (web.router(), world)
}

fn trigger(user: &str) -> Request<Body> {
    Request::post(format!("/admin/users/{user}/reset-password"))
        .header(header::ORIGIN, ORIGIN)
        .header("x-admin", "a-admin")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(r#"{"purpose":"reset"}"#))
        .unwrap()
}

fn status(user: &str) -> Request<Body> {
    Request::get(format!("/admin/users/{user}/reset-status"))
        .header("x-admin", "a-admin")
        .body(Body::empty())
        .unwrap()
}

fn cancel(user: &str) -> Request<Body> {
    Request::post(format!("/admin/users/{user}/cancel-reset"))
        .header(header::ORIGIN, ORIGIN)
        .header("x-admin", "a-admin")
        .body(Body::empty())
        .unwrap()
}

/// The answers for another tenant's user and for a missing id are the same
/// 403, to the byte, naming `action`.
fn assert_alike(other_tenant: &Reply, missing: &Reply, action: &str) {
    assert_eq!(other_tenant.status, StatusCode::FORBIDDEN, "{}", other_tenant.text());
    assert_eq!(missing.status, other_tenant.status);
    assert_eq!(missing.headers, other_tenant.headers);
    assert_eq!(missing.bytes, other_tenant.bytes, "{} / {}", missing.text(), other_tenant.text());
    let json = other_tenant.json();
    assert_eq!(json["action"], action);
    assert!(json["error"].as_str().is_some_and(|e| !e.is_empty()), "{json}");
    assert!(!other_tenant.text().contains("b-1"), "{}", other_tenant.text());
}

#[tokio::test]
async fn another_tenants_user_and_a_missing_id_are_refused_alike() {
    let (router, world) = app();
    // b's user has a live reset, so that a cancel would have something to stop.
    world.service.trigger(&UserId::new("b-admin"), &UserId::new("b-1"), Purpose::Reset).await.unwrap();
    let emails = world.outbox.emails().len();

    let (other, missing) = (send(&router, trigger("b-1")).await, send(&router, trigger("nobody")).await);
    assert_alike(&other, &missing, "send");
    let (other, missing) = (send(&router, status("b-1")).await, send(&router, status("nobody")).await);
    assert_alike(&other, &missing, "status");
    let (other, missing) = (send(&router, cancel("b-1")).await, send(&router, cancel("nobody")).await);
    assert_alike(&other, &missing, "cancel");

    assert_eq!(world.outbox.emails().len(), emails, "nothing was sent");
    let live = world.service.status(&UserId::new("b-admin"), &UserId::new("b-1")).await.unwrap();
    assert!(live.latest.is_some_and(|latest| latest.is_live()), "nothing was cancelled");
}

#[tokio::test]
async fn an_admin_manages_the_users_of_their_own_tenant() {
    let (router, world) = app();
    let sent = send(&router, trigger("a-1")).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text());
    assert_eq!(world.outbox.emails().len(), 1);
    let seen = send(&router, status("a-1")).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.text());
    assert_eq!(seen.json()["latest"]["state"], "issued");
    let cancelled = send(&router, cancel("a-1")).await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.text());
    assert_eq!(cancelled.json()["state"], "cancelled");
}
