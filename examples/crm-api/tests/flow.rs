//! The reset flow through Northwind CRM as its clients use it, on a real
//! PostgreSQL and over real HTTP on loopback, behind the proxy that strips
//! `/crm`: the admin single-page app (another origin, a bearer token, JSON)
//! sends a reset to a person of its tenant; the email, in the person's
//! language, waits in the CRM's outbox; the person opens the link as it is
//! written and saves a new password, which lands in `crm.people.pwd`. Around
//! it: other tenants' people look exactly like nobody, a cookie from a
//! foreign page is refused, and a trigger without a purpose sends nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use common::{ADMIN_UI, Crm, FOREIGN, Spa, link_and_code};
use inzant_crm_api::people::NewPerson;
use inzant_reset_axum::RESET_PAGE_CSP;
use serde_json::json;
use sqlx::types::Uuid;

const ADMIN_PASSWORD: &str = "Olga-Admin-Northwind-1";
const OLD_PASSWORD: &str = "Anchor-Rope-1987!";
const NEW_PASSWORD: &str = "Velvet-Harbour-Lantern-42";

const OLGA: &str = "olga@northwind.example";
const ANNA: &str = "anna.berger@kunde.example";

/// Olga, admin of tenant 1, with a password; returns her id.
async fn olga(crm: &Crm) -> Uuid {
    let olga = NewPerson {
        email: OLGA,
        full_name: Some("Olga Petrova"),
        is_admin: true,
        app_only: false,
        tenant_id: 1,
        locale: None,
    };
    crm.person(olga, Some(ADMIN_PASSWORD)).await
}

/// A person of `tenant_id` with no admin rights and no name.
fn staff(email: &'static str, tenant_id: i64, locale: Option<&'static str>) -> NewPerson<'static> {
    NewPerson { email, full_name: None, is_admin: false, app_only: false, tenant_id, locale }
}

/// One of the admin routes, called for a person id.
type Call = fn(Uuid) -> Spa;

fn trigger(person: impl std::fmt::Display) -> String {
    format!("/api/people/{person}/reset-password")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_app_resets_a_german_persons_password_through_the_proxy() {
    let crm = Crm::start().await;
    olga(&crm).await;
    let anna = crm.person(staff(ANNA, 1, Some("de")), Some(OLD_PASSWORD)).await;
    let annas_session = crm.sign_in(ANNA, OLD_PASSWORD).await;

    // The admin app signs in and sends the reset: its origin, its token, JSON.
    let token = crm.sign_in(OLGA, ADMIN_PASSWORD).await;
    let preflight = crm.preflight(&trigger(anna)).await;
    assert!(preflight.status.is_success(), "{preflight:?}");
    assert_eq!(preflight.header("access-control-allow-origin"), ADMIN_UI, "{preflight:?}");
    let sent = crm.spa(Spa::post(trigger(anna), json!({ "purpose": "reset" })).token(&token)).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    let receipt = sent.json();
    assert_eq!((receipt["sent_to"].as_str(), receipt["purpose"].as_str()), (Some(ANNA), Some("reset")));
    assert_eq!(receipt["user"].as_str(), Some(anna.to_string().as_str()));
    assert_eq!(sent.header("access-control-allow-origin"), ADMIN_UI, "the app's CORS covers the routes");

    // The email waits in the CRM's outbox: German, to her email, greeting her by it (no name).
    let queued = crm.app.outbox().queued();
    assert_eq!(queued.len(), 1, "{queued:?}");
    let mail = &queued[0];
    assert_eq!((mail.from.as_str(), mail.to.as_str()), ("no-reply@northwind.example", ANNA));
    assert_eq!(mail.subject, format!("Passwort für Northwind CRM zurücksetzen ({ANNA})"));
    assert!(mail.text.starts_with(&format!("Guten Tag {ANNA},")), "{}", mail.text);
    assert!(mail.text.contains("ein Administrator hat veranlasst"), "{}", mail.text);
    assert!(mail.html.as_deref().is_some_and(|html| html.contains("lang=\"de\"")));

    // The link is the public URL, /crm and all; through the proxy it opens the form, in German.
    let (link, code) = link_and_code(&mail.text, &crm.public_url);
    assert!(link.starts_with(&format!("{}/crm/password-reset/", crm.origin)), "{link}");
    let page = crm.get(&link).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for part in ["lang=\"de\"", "name=\"code\"", "name=\"new_password\"", "Northwind CRM"] {
        assert!(page.body.contains(part), "{part} missing from the reset page: {}", page.body);
    }
    assert_eq!(page.header("content-security-policy"), RESET_PAGE_CSP);
    let script = crm.get(&format!("{}/password-reset/assets/reset.js", crm.public_url)).await;
    assert_eq!(script.status, StatusCode::OK, "the page's relative assets resolve through the proxy");

    // The admin app sees it live.
    let status = crm.spa(Spa::get(format!("/api/people/{anna}/reset-status")).token(&token)).await;
    assert_eq!(status.status, StatusCode::OK, "{}", status.body);
    assert_eq!(status.json()["latest"]["state"].as_str(), Some("issued"), "{}", status.body);

    // Anna saves a strong password; she is sent to the admin app's sign-in.
    let fields =
        [("code", code.as_str()), ("new_password", NEW_PASSWORD), ("confirm_password", NEW_PASSWORD)];
    let saved = crm.post_form(&link, &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.header("location"), format!("{ADMIN_UI}/sign-in?reset=done"));

    // The new hash is in crm.people.pwd; the old password no longer matches.
    assert!(crm.password_matches(anna, NEW_PASSWORD).await);
    assert!(!crm.password_matches(anna, OLD_PASSWORD).await);
    let me = crm.spa(Spa::get("/api/me").token(&annas_session)).await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED, "her old session was signed out: {}", me.body);
    crm.sign_in(ANNA, NEW_PASSWORD).await;
    let notice = crm.app.outbox().last_to(ANNA).unwrap();
    assert!(notice.subject.contains("Northwind CRM") && notice.subject != mail.subject, "{notice:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_tenants_person_is_answered_exactly_like_nobody() {
    let crm = Crm::start().await;
    olga(&crm).await;
    let bruno = NewPerson { full_name: Some("Bruno Keller"), ..staff("bruno@other.example", 2, Some("de")) };
    let bruno = crm.person(bruno, Some(OLD_PASSWORD)).await;
    let nobody = Uuid::from_u128(rand::random()); // nobody's id
    let token = crm.sign_in(OLGA, ADMIN_PASSWORD).await;

    let calls: [(&str, Call); 3] = [
        ("trigger", |id| Spa::post(trigger(id), json!({ "purpose": "reset" }))),
        ("status", |id| Spa::get(format!("/api/people/{id}/reset-status"))),
        ("cancel", |id| Spa::post_empty(format!("/api/people/{id}/cancel-reset"))),
    ];
    for (what, call) in calls {
        let other_tenant = crm.spa(call(bruno).token(&token)).await;
        let missing = crm.spa(call(nobody).token(&token)).await;
        assert_eq!(other_tenant.status, StatusCode::FORBIDDEN, "{what}: {}", other_tenant.body);
        assert_eq!(
            (other_tenant.status, &other_tenant.body),
            (missing.status, &missing.body),
            "{what}: another tenant's person and nobody must look alike"
        );
        println!("{what}: {} {}", missing.status, missing.body);
    }
    assert!(crm.app.outbox().queued().is_empty(), "nothing was sent");

    // Bruno's own tenant's admin may.
    let tara = NewPerson { is_admin: true, ..staff("tara@other.example", 2, None) };
    crm.person(tara, Some(ADMIN_PASSWORD)).await;
    let taras = crm.sign_in("tara@other.example", ADMIN_PASSWORD).await;
    let sent = crm.spa(Spa::post(trigger(bruno), json!({ "purpose": "reset" })).token(&taras)).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_that_comes_with_a_cookie_from_a_foreign_page_is_refused() {
    let crm = Crm::start().await;
    olga(&crm).await;
    let anna = crm.person(staff(ANNA, 1, Some("de")), Some(OLD_PASSWORD)).await;
    let token = crm.sign_in(OLGA, ADMIN_PASSWORD).await;
    let reset = || Spa::post(trigger(anna), json!({ "purpose": "reset" })).token(&token);

    let forged = crm.spa(reset().sent_from(FOREIGN).header("cookie", "northwind_prefs=compact")).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.body);
    println!("cookie from {FOREIGN}: {} {}", forged.status, forged.body);
    assert!(crm.app.outbox().queued().is_empty(), "nothing was sent");

    // The same token, as the admin app sends it, works.
    let sent = crm.spa(reset()).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trigger_without_a_purpose_sends_nothing() {
    let crm = Crm::start().await;
    olga(&crm).await;
    let anna = crm.person(staff(ANNA, 1, Some("de")), Some(OLD_PASSWORD)).await;
    let token = crm.sign_in(OLGA, ADMIN_PASSWORD).await;

    let refused = crm.spa(Spa::post(trigger(anna), json!({})).token(&token)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.json()["error"].is_string(), "{}", refused.body);
    assert!(crm.app.outbox().queued().is_empty(), "nothing was sent");
}
