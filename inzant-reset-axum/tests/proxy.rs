//! Behind a proxy that strips a prefix: browsers and emails use
//! `https://example.com/crm/…`, the app sees `/…`. The routes are served at
//! the serve path, links keep the public path, and an inconsistent pair is
//! refused when the adapter is built.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod world;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use inzant_reset_axum::{AdminGate, ExtractorGate, ResetWeb, SettingsError, WebSettings};
use inzant_reset_core::prelude::*;
use tower::util::MapRequest;
use world::{Person, person, send, world};

const PUBLIC: &str = "https://example.com/crm";
const ORIGIN: &str = "https://example.com";
const STRONG: &str = "Velvet-Harbour-Lantern-42";

fn gate() -> Arc<dyn AdminGate> {
    Arc::new(ExtractorGate::new((), |headers: HeaderMap| {
        match headers.get("x-admin").and_then(|v| v.to_str().ok()) {
            Some(id) => Ok(UserId::new(id)),
            None => Err(StatusCode::UNAUTHORIZED),
        }
    }))
}

fn people() -> Vec<Person> {
    vec![person("1", UserType::Admin), person("2", UserType::Web)]
}

/// The proxy: forwards `/crm/…` as `/…`.
fn strip_crm(mut request: Request<Body>) -> Request<Body> {
    let original = request.uri().path_and_query().map_or("/", |pq| pq.as_str()).to_owned();
    if let Some(rest) = original.strip_prefix("/crm") {
        let rest = if rest.starts_with('/') { rest.to_owned() } else { format!("/{rest}") };
        *request.uri_mut() = rest.parse().unwrap();
    }
    request
}

type Proxied = MapRequest<Router, fn(Request<Body>) -> Request<Body>>;

fn behind_proxy(router: Router) -> Proxied {
    MapRequest::new(router, strip_crm as fn(Request<Body>) -> Request<Body>)
}

fn trigger(path: &str) -> Request<Body> {
    Request::post(path)
        .header(header::ORIGIN, ORIGIN)
        .header("x-admin", "1")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("purpose=reset"))
        .unwrap()
}

#[tokio::test]
async fn behind_a_prefix_stripping_proxy_links_keep_the_public_path() {
    let world = world(PUBLIC, &people(), None);
    let settings = WebSettings::new("/crm/login").serve_path("");
    let web = ResetWeb::try_new(world.service.clone(), gate(), settings).unwrap();
    assert_eq!(web.base_path(), "");
    let router = web.router();
    let proxy = behind_proxy(router.clone());

    let sent = send(&proxy, trigger("/crm/admin/users/2/reset-password")).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text());
    let email = world.outbox.emails().pop().unwrap();
    let text = email.text.expose_secret().to_owned();
    assert!(text.lines().any(|line| line.starts_with("https://example.com/crm/password-reset/")), "{text}");
    let (token, code) = world.outbox.last_link_and_code().unwrap();

    // The browser follows the link through the proxy.
    let link = format!("/crm/password-reset/{token}");
    let page = send(&proxy, Request::get(&link).body(Body::empty()).unwrap()).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    // The page's own URLs are relative, so they go through the proxy too.
    assert!(page.text().contains("href=\"assets/reset.css\""), "{}", page.text());
    let style =
        send(&proxy, Request::get("/crm/password-reset/assets/reset.css").body(Body::empty()).unwrap()).await;
    assert_eq!(style.status, StatusCode::OK);
    let strength = Request::post(format!("{link}/strength"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(serde_json::json!({ "password": STRONG }).to_string()))
        .unwrap();
    assert_eq!(send(&proxy, strength).await.status, StatusCode::OK);
    let submit = Request::post(&link)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("code={code}&new_password={STRONG}&confirm_password={STRONG}")))
        .unwrap();
    let saved = send(&proxy, submit).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    assert_eq!(saved.headers.get(header::LOCATION).unwrap(), "/crm/login?reset=done");

    // The app itself serves at the serve path only.
    let direct =
        send(&router, Request::get("/password-reset/assets/reset.js").body(Body::empty()).unwrap()).await;
    assert_eq!(direct.status, StatusCode::OK);
    let prefixed =
        send(&router, Request::get("/crm/password-reset/assets/reset.js").body(Body::empty()).unwrap()).await;
    assert_eq!(prefixed.status, StatusCode::NOT_FOUND);
    assert_eq!(send(&router, trigger("/admin/users/2/reset-password")).await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_admin_routes_follow_the_serve_path_and_the_admin_path() {
    let world = world("https://example.com/apps/crm", &people(), None);
    let settings = WebSettings::new("/login").serve_path("/crm/").admin_path("/accounts");
    let web = ResetWeb::try_new(world.service.clone(), gate(), settings).unwrap();
    assert_eq!(web.base_path(), "/crm");
    let admin = web.admin();
    assert_eq!(send(&admin, trigger("/crm/accounts/2/reset-password")).await.status, StatusCode::OK);
    assert_eq!(
        send(&admin, trigger("/apps/crm/accounts/2/reset-password")).await.status,
        StatusCode::NOT_FOUND
    );
    let text = world.outbox.emails().pop().unwrap().text.expose_secret().to_owned();
    assert!(
        text.lines().any(|line| line.starts_with("https://example.com/apps/crm/password-reset/")),
        "{text}"
    );
}

#[test]
fn a_serve_path_must_be_the_end_of_the_public_path() {
    let world = world("https://example.com/apps/crm", &people(), None);
    let base = |serve: &str| {
        ResetWeb::try_new(world.service.clone(), gate(), WebSettings::new("/login").serve_path(serve))
            .map(|web| web.base_path().to_owned())
    };
    for (serve, served) in [
        ("", ""),
        ("/", ""),
        ("/crm", "/crm"),
        ("crm", "/crm"),
        ("/apps/crm", "/apps/crm"),
        ("/apps/crm/", "/apps/crm"),
    ] {
        assert_eq!(base(serve).as_deref(), Ok(served), "{serve:?}");
    }
    for serve in ["/other", "/rm", "/apps", "/x/apps/crm", "/crm/x", "/apps/crm/password-reset"] {
        let refused = base(serve).unwrap_err();
        let SettingsError::ServePath { public_path, serve_path } = &refused else { panic!("{refused:?}") };
        assert_eq!(public_path, "/apps/crm");
        assert_eq!(serve_path, &format!("/{}", serve.trim_start_matches('/')));
        assert!(refused.to_string().contains("/apps/crm"), "{refused}");
    }
    // Without a serve path, the public URL's path.
    let web = ResetWeb::try_new(world.service.clone(), gate(), WebSettings::new("/login")).unwrap();
    assert_eq!(web.base_path(), "/apps/crm");
    // `new` cannot refuse: it logs and serves at the public URL's path.
    let web = ResetWeb::new(world.service.clone(), gate(), WebSettings::new("/login").serve_path("/other"));
    assert_eq!(web.base_path(), "/apps/crm");
}
