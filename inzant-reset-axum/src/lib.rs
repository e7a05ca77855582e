//! # inzant-reset-axum
//!
//! The web side of the Inzant password reset, for axum 0.8. It only
//! translates between HTTP and [`inzant_reset_core::ResetService`]; every
//! decision is the core's, and every word people read comes from the
//! service's `Wording` (`inzant_reset_core::words`).
//!
//! Routes, under the mount path of the service's public URL
//! ([`ResetConfig::public_url`](inzant_reset_core::ResetConfig::public_url)),
//! or under [`WebSettings::serve_path`] behind a proxy that strips a prefix:
//!
//! | method | path | what |
//! | --- | --- | --- |
//! | GET | `/password-reset/{token}` | the reset page |
//! | POST | `/password-reset/{token}` | submit: `code`, `new_password`, `confirm_password` |
//! | POST | `/password-reset/{token}/strength` | JSON strength report for JSON or form `password` |
//! | GET | `/password-reset/complete` | the device users' confirmation page |
//! | GET | `/password-reset/assets/{reset.js,reset.css}` | the page's only script and style sheet |
//! | POST | `/admin/users/{id}/reset-password` | the admin trigger (form or JSON field `purpose`: `reset` or `create`; required) |
//! | GET | `/admin/users/{id}/reset-status` | the admin: JSON status of the user's latest request and recent events |
//! | POST | `/admin/users/{id}/cancel-reset` | the admin cancels the user's live request |
//!
//! The admin POSTs take `application/x-www-form-urlencoded` or
//! `application/json` bodies (`{"purpose":"create"}`). A trigger without a
//! `purpose`, or with an empty or unknown one, is refused (422) and sends
//! nothing. A refusal by the host's `Authorization` is a 403 naming the
//! action (`{"error": "…", "action": "send"}`, `status` or `cancel`), the
//! same whether the user exists or not.
//!
//! [`ResetWeb::router`] already carries the mount path: **merge** it into
//! the host's router (`app.merge(web.router())`), don't nest it, so links,
//! routes and the same-origin check all follow the one public URL.
//!
//! ## What the host brings
//!
//! - **Who the admin is**, from its own extractors: an [`AdminGate`], or
//!   [`ExtractorGate`] around any `FromRequestParts` extractor (an
//!   axum-login `AuthSession` works as it is). Its refusals (a redirect to
//!   its login page, a 503 when its session store is down) are answered as
//!   they are.
//! - **Its layout**: a [`PageLayout`] wraps the reset pages' content in the
//!   host's own page; [`StandaloneLayout`] is the default.
//! - **Its words**: the service's wording (see `inzant_reset_core::words`).
//!
//! ```no_run
//! # async fn wire(service: inzant_reset_core::ResetService) {
//! use std::sync::Arc;
//! use axum::response::Redirect;
//! use inzant_reset_axum::prelude::*;
//! use inzant_reset_core::user::UserId;
//!
//! // The host's extractor: here a header; an axum-login AuthSession works the same way.
//! let gate = ExtractorGate::new((), |headers: axum::http::HeaderMap| {
//!     match headers.get("x-admin-id").and_then(|v| v.to_str().ok()) {
//!         Some(id) => Ok(UserId::new(id)),
//!         None => Err(Redirect::to("/login")),
//!     }
//! });
//! let layout = |page: Page<'_>| -> Markup {
//!     html! { (DOCTYPE) html lang=(page.language) { head { title { (page.title) } (page.head) }
//!         body { nav { "My app" } main { (page.body) } } } }
//! };
//! let web = ResetWeb::new(Arc::new(service), Arc::new(gate), WebSettings::new("/login").layout(layout));
//! let app: axum::Router = axum::Router::new().merge(web.router());
//! # let _ = app;
//! # }
//! ```
//!
//! Everything a public signature or these docs name is re-exported, so a
//! host needs no dependencies of its own to use them: [`maud`] (and its
//! `html!`, `Markup` and `DOCTYPE` in the [`prelude`]), [`time`],
//! [`async_trait`](macro@async_trait), [`axum`] and [`inzant_reset_core`].
//!
//! ## Admin clients
//!
//! The admin POSTs are refused (403) when they come from another origin
//! with the browser's own credentials, so that a foreign page cannot make a
//! signed-in admin's browser send resets (CSRF). What counts:
//!
//! - **Cookie sessions** ([`Credentials::Ambient`], every gate's default):
//!   the request must come from the public URL's origin
//!   ([`is_same_origin`]) or from one of
//!   [`WebSettings::allow_admin_origins`] (an admin UI on another origin,
//!   say `https://admin.example.com`). All other origins are refused.
//! - **Bearer tokens** ([`Credentials::Explicit`]): a request carrying
//!   credentials its client had to add itself (`Authorization: Bearer …`,
//!   no cookies) cannot be forged by a foreign page, so its origin is not
//!   checked. [`ExtractorGate::bearer`] judges requests so;
//!   an own [`AdminGate`] says so in [`AdminGate::credentials`].
//!
//! CORS stays the host's job: a browser script on another origin needs the
//! host to answer its preflight and allow it to read the answer, for example
//! with tower-http's `CorsLayer` around [`ResetWeb::admin`]. Allow the same
//! origins as [`WebSettings::allow_admin_origins`] (CORS decides what a
//! script may read, the origin check what it may do), `POST` and the
//! headers the client sends:
//!
//! ```ignore
//! use axum::http::{HeaderValue, Method, header};
//! use tower_http::cors::CorsLayer;
//!
//! let admin_ui = "https://admin.example.com";
//! let settings = WebSettings::new("/login").allow_admin_origins([admin_ui]);
//! let web = ResetWeb::try_new(service, gate, settings)?;
//! let cors = CorsLayer::new()
//!     .allow_origin(HeaderValue::from_static(admin_ui))
//!     .allow_methods([Method::GET, Method::POST])
//!     .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
//!     .allow_credentials(true); // cookie sessions; leave out for bearer tokens
//! let app = axum::Router::new().merge(web.pages()).merge(web.admin().layer(cors));
//! ```
//!
//! ## Behind a proxy that strips a prefix
//!
//! Links in emails always carry the public URL (say
//! `https://example.com/crm/password-reset/…`). When a proxy forwards
//! `/crm/…` to the app as `/…`, serve the routes at the path the app sees
//! with [`WebSettings::serve_path`] (here `""`); the pages' own links are
//! relative and keep working. The serve path must be the end of the public
//! path (`/crm` or `""` for `/crm`; `/team` or `""` for `/apps/team`):
//! [`ResetWeb::try_new`] refuses anything else.
//!
//! ```no_run
//! # fn wire(service: std::sync::Arc<inzant_reset_core::ResetService>, gate: std::sync::Arc<dyn inzant_reset_axum::AdminGate>) -> Result<(), inzant_reset_axum::SettingsError> {
//! use inzant_reset_axum::prelude::*;
//! // ResetConfig::new("https://example.com/crm"), behind a proxy that strips /crm:
//! let web = ResetWeb::try_new(service, gate, WebSettings::new("/crm/login").serve_path(""))?;
//! let app: axum::Router = axum::Router::new().merge(web.router());
//! # let _ = app;
//! # Ok(())
//! # }
//! ```
//!
//! Every reset page answer carries `Cache-Control: no-store`,
//! `Referrer-Policy: no-referrer`, a Content-Security-Policy without inline
//! script and with `frame-ancestors 'none'`, and `X-Content-Type-Options:
//! nosniff`. The link token appears only in the URL the user opened: forms
//! post to the page itself and redirects never carry it.
//!
//! ## Serving it
//!
//! The router does not time out slow clients: that is the server's job, and
//! `axum::serve` has no header timeout. Without one, connections that send
//! nothing or half a request stay open until the process runs out of file
//! descriptors. Serve the router with hyper directly, as the demo server in
//! this crate's repository does (and its tests check):
//!
//! - a **header read timeout** (hyper's `header_read_timeout`; hyper
//!   restarts it after every response, so it is also the **idle
//!   keep-alive timeout**);
//! - a **request timeout** (tower-http's `TimeoutLayer`), which also bounds
//!   a body that arrives slowly;
//! - a **cap on connections** below the open-file limit (raise the soft
//!   `RLIMIT_NOFILE` to the hard one at start), and **back-off** when
//!   `accept` fails (EMFILE) instead of retrying at once;
//! - **graceful shutdown with a deadline**, so SIGTERM ends the process even
//!   with half-sent requests open.
//!
//! With hyper 1 (`server`, `http1`), hyper-util (`server-graceful`,
//! `service`, `tokio`, `http1`) and tower-http (`timeout`):
//!
//! ```ignore
//! use std::sync::Arc;
//! use std::time::Duration;
//! use axum::extract::ConnectInfo;
//! use axum::http::StatusCode;
//! use hyper::server::conn::http1;
//! use hyper_util::rt::{TokioIo, TokioTimer};
//! use hyper_util::server::graceful::GracefulShutdown;
//! use hyper_util::service::TowerToHyperService;
//! use tower::ServiceExt;
//! use tower_http::timeout::TimeoutLayer;
//!
//! let app = app.layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(15)));
//! let mut http = http1::Builder::new();
//! http.timer(TokioTimer::new()).header_read_timeout(Duration::from_secs(10));
//! let slots = Arc::new(tokio::sync::Semaphore::new(10_000)); // below the open-file limit
//! let graceful = GracefulShutdown::new();
//! loop {
//!     let (stream, peer) = tokio::select! {
//!         () = &mut shutdown => break,
//!         accepted = listener.accept() => match accepted {
//!             Ok(accepted) => accepted,
//!             // Out of descriptors: wait, don't spin (the demo doubles the pause up to 1 s).
//!             Err(_) => { tokio::time::sleep(Duration::from_millis(100)).await; continue }
//!         },
//!     };
//!     let Ok(slot) = Arc::clone(&slots).try_acquire_owned() else { continue }; // over the cap: closed
//!     let service = app.clone().map_request(move |mut request: hyper::Request<hyper::body::Incoming>| {
//!         request.extensions_mut().insert(ConnectInfo(peer)); // for per-address limits
//!         request
//!     });
//!     let connection = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
//!     let connection = graceful.watch(connection);
//!     tokio::spawn(async move {
//!         let _slot = slot;
//!         let _ = connection.await;
//!     });
//! }
//! // Requests in progress get 5 s; whatever is still open is cut when the runtime stops.
//! let _ = tokio::time::timeout(Duration::from_secs(5), graceful.shutdown()).await;
//! ```
//!
//! Behind a reverse proxy that already applies these limits, the host can
//! keep `axum::serve`; the proxy's address is then every client's address,
//! so per-address limits must use the client address the proxy reports.
//! The repository's reliability notes give the demo's figures under a
//! connection flood.

#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod admin;
mod answer;
mod assets;
mod form;
mod gate;
mod headers;
mod language;
mod layout;
mod limit;
mod pages;
mod reset;
mod settings;
mod web;

pub use admin::is_same_origin;
#[allow(deprecated)]
pub use admin::is_same_site;
pub use answer::Answer;
/// The attribute [`AdminGate`] implementations are written with (`#[async_trait]`).
pub use async_trait::async_trait;
/// The axum this crate is built on: [`AdminGate`]'s `Parts` and `Response`,
/// and the [`Router`](axum::Router)s of [`ResetWeb`].
pub use axum;
pub use gate::{AdminGate, Credentials, ExtractorGate};
pub use headers::RESET_PAGE_CSP;
/// The core this crate serves: the service, users, errors and words.
pub use inzant_reset_core;
pub use layout::{Page, PageLayout, StandaloneLayout};
/// The maud this crate renders with, for [`PageLayout`]s.
pub use maud;
pub use pages::{template, time_element};
pub use settings::{SettingsError, WebSettings};
/// The time crate of [`time_element`]'s `OffsetDateTime`.
pub use time;
pub use web::ResetWeb;

/// What a host embedding the web adapter usually needs, in one import
/// (with `inzant_reset_core::prelude::*` for the core's names).
///
/// A layout needs nothing else:
///
/// ```
/// use inzant_reset_axum::prelude::*;
///
/// /// The host's page around the reset pages' content.
/// struct HostLayout;
///
/// impl PageLayout for HostLayout {
///     fn render(&self, page: Page<'_>) -> Markup {
///         html! {
///             (DOCTYPE)
///             html lang=(page.language) {
///                 head { title { (page.title) } (page.head) }
///                 body { nav { a href="/" { "Home" } } main { (page.body) } }
///             }
///         }
///     }
/// }
///
/// let settings = WebSettings::new("/login").layout(HostLayout);
/// # let _ = settings;
/// ```
pub mod prelude {
    #[allow(deprecated)]
    pub use crate::is_same_site;
    pub use crate::maud::{DOCTYPE, Markup, PreEscaped, html};
    pub use crate::{
        AdminGate, Answer, Credentials, ExtractorGate, Page, PageLayout, ResetWeb, SettingsError,
        StandaloneLayout, WebSettings, async_trait, is_same_origin,
    };
}
