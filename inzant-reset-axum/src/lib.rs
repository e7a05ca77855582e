//! # inzant-reset-axum
//!
//! The web side of the Inzant password reset, for axum 0.8. It only
//! translates between HTTP and [`inzant_reset_core::ResetService`]; every
//! decision is the core's, and every word people read comes from the
//! service's [`Wording`](inzant_reset_core::words::Wording).
//!
//! Routes, under the mount path of the service's public URL
//! ([`ResetConfig::public_url`](inzant_reset_core::ResetConfig::public_url)):
//!
//! | method | path | what |
//! | --- | --- | --- |
//! | GET | `/password-reset/{token}` | the reset page |
//! | POST | `/password-reset/{token}` | submit: `code`, `new_password`, `confirm_password` |
//! | POST | `/password-reset/{token}/strength` | JSON strength report for JSON or form `password` |
//! | GET | `/password-reset/complete` | the device users' confirmation page |
//! | GET | `/password-reset/assets/{reset.js,reset.css}` | the page's only script and style sheet |
//! | POST | `/admin/users/{id}/reset-password` | the admin trigger (form field `purpose`: `reset` or `create`) |
//! | GET | `/admin/users/{id}/reset-status` | the admin: JSON status of the user's latest request and recent events |
//! | POST | `/admin/users/{id}/cancel-reset` | the admin cancels the user's live request |
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
//! use inzant_reset_axum::maud::{DOCTYPE, Markup, html};
//! use inzant_reset_axum::{ExtractorGate, Page, ResetWeb, WebSettings};
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
//! Every reset page answer carries `Cache-Control: no-store`,
//! `Referrer-Policy: no-referrer`, a Content-Security-Policy without inline
//! script and with `frame-ancestors 'none'`, and `X-Content-Type-Options:
//! nosniff`. The link token appears only in the URL the user opened: forms
//! post to the page itself and redirects never carry it.
//!
//! ## Serving it
//!
//! The router does not time out slow clients: that is the server's job.
//! Serve it the way the demo does (`examples/demo/src/main.rs`): a header
//! read timeout, an idle keep-alive timeout, a request timeout, a cap on
//! connections and graceful shutdown with a deadline.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod admin;
mod assets;
mod form;
mod headers;
mod layout;
mod limit;
mod pages;
mod reset;

use std::marker::PhantomData;
use std::sync::Arc;

use async_trait::async_trait;
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequestParts};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use inzant_reset_core::ResetService;
use inzant_reset_core::error::ResetError;
use inzant_reset_core::service::TriggerReceipt;
use inzant_reset_core::status::CancelReceipt;
use inzant_reset_core::user::UserId;
use inzant_reset_core::words::Wording;

pub use headers::RESET_PAGE_CSP;
pub use layout::{Page, PageLayout, StandaloneLayout};
/// The maud this crate renders with, for [`PageLayout`]s.
pub use maud;

/// How the adapter behaves; [`WebSettings::new`] gives the defaults.
#[derive(Clone)]
pub struct WebSettings {
    /// The login page users who sign in on the website are sent to after a
    /// reset; `?reset=done` is appended so it can say so.
    pub login_url: String,
    /// The largest request body accepted, in bytes (default 16 KiB).
    pub max_body_bytes: usize,
    /// Strength checks allowed per link per minute (default 120).
    pub strength_checks_per_minute: u32,
    /// The page the reset pages' content sits in (default [`StandaloneLayout`]).
    pub layout: Arc<dyn PageLayout>,
}

impl WebSettings {
    /// Defaults, sending users who sign in on the website to `login_url`.
    pub fn new(login_url: impl Into<String>) -> Self {
        Self {
            login_url: login_url.into(),
            max_body_bytes: 16 * 1024,
            strength_checks_per_minute: 120,
            layout: Arc::new(StandaloneLayout),
        }
    }

    /// Wraps the reset pages in `layout` (the host's own page).
    pub fn layout(mut self, layout: impl PageLayout) -> Self {
        self.layout = Arc::new(layout);
        self
    }
}

impl std::fmt::Debug for WebSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebSettings")
            .field("login_url", &self.login_url)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("strength_checks_per_minute", &self.strength_checks_per_minute)
            .finish_non_exhaustive()
    }
}

/// The host's word on who is making an admin request, and how to answer a trigger.
#[async_trait]
pub trait AdminGate: Send + Sync + 'static {
    /// Who is making this admin request, read with the host's own
    /// extractors (`AuthSession::from_request_parts(parts, &state)`); or the
    /// host's own answer for everyone else — a redirect to its login page, a
    /// 403, or a 503 when its session store is down. The service then checks
    /// that this user may send the reset (its `Authorization`).
    async fn actor(&self, parts: &mut Parts) -> Result<UserId, Response>;

    /// The answer to a trigger for `user`. The default is JSON: `200` with
    /// `request`, `purpose`, `sent_to` and `expires_at`, or an error status with
    /// `{"error": "…"}` (the sentence from `words`). Hosts with HTML admin
    /// pages usually put a flash message in their session (through `parts`)
    /// and redirect back to the user's page instead.
    async fn triggered(
        &self,
        parts: &mut Parts,
        user: &UserId,
        outcome: Result<TriggerReceipt, ResetError>,
        words: &dyn Wording,
    ) -> Response {
        let _ = parts;
        admin::json_answer(user, outcome, words)
    }

    /// The answer to a cancel for `user`. The default is JSON: `200` with
    /// `request`, `user` and `state`, or an error status (409 when nothing
    /// was live) with `{"error": "…"}`.
    async fn cancelled(
        &self,
        parts: &mut Parts,
        user: &UserId,
        outcome: Result<CancelReceipt, ResetError>,
        words: &dyn Wording,
    ) -> Response {
        let _ = (parts, user);
        admin::cancel_json(outcome, words)
    }
}

/// An [`AdminGate`] from any of the host's extractors: `to_actor` turns
/// what the extractor gives into the admin's id, or the host's own answer
/// (anything `IntoResponse`: a `Redirect` to its login page, a status).
/// The extractor's own rejection is answered as it is. Triggers are
/// answered with JSON; implement [`AdminGate`] to answer otherwise.
///
/// With axum-login: `ExtractorGate::new((), |auth: AuthSession<Backend>| …)`.
pub struct ExtractorGate<E, S, F, R> {
    state: S,
    to_actor: F,
    types: PhantomData<fn() -> (E, R)>,
}

impl<E, S, F, R> ExtractorGate<E, S, F, R>
where
    F: Fn(E) -> Result<UserId, R>,
{
    /// Runs extractor `E` with the host's `state` (often `()`), then `to_actor`.
    pub fn new(state: S, to_actor: F) -> Self {
        Self { state, to_actor, types: PhantomData }
    }
}

#[async_trait]
impl<E, S, F, R> AdminGate for ExtractorGate<E, S, F, R>
where
    E: FromRequestParts<S> + Send + 'static,
    S: Send + Sync + 'static,
    F: Fn(E) -> Result<UserId, R> + Send + Sync + 'static,
    R: IntoResponse + 'static,
{
    async fn actor(&self, parts: &mut Parts) -> Result<UserId, Response> {
        let extracted =
            E::from_request_parts(parts, &self.state).await.map_err(IntoResponse::into_response)?;
        (self.to_actor)(extracted).map_err(IntoResponse::into_response)
    }
}

/// The adapter: a core service, the host's admin gate and the settings.
#[derive(Clone)]
pub struct ResetWeb {
    inner: Arc<Inner>,
}

struct Inner {
    service: Arc<ResetService>,
    gate: Arc<dyn AdminGate>,
    settings: WebSettings,
    limiter: limit::PerLink,
    opened: limit::OpenedCache,
}

impl ResetWeb {
    /// An adapter over `service`, trusting `gate` for admin identity.
    pub fn new(service: Arc<ResetService>, gate: Arc<dyn AdminGate>, settings: WebSettings) -> Self {
        let inner = Inner {
            limiter: limit::PerLink::new(settings.strength_checks_per_minute),
            opened: limit::OpenedCache::default(),
            service,
            gate,
            settings,
        };
        Self { inner: Arc::new(inner) }
    }

    /// The service behind the pages.
    pub fn service(&self) -> &Arc<ResetService> {
        &self.inner.service
    }

    /// The routes of the module docs under the public URL's mount path,
    /// with their body limit and headers. Merge it into the host's router.
    pub fn router(&self) -> Router {
        let base = self.inner.service.public_url().path().to_owned();
        let pages = Router::new()
            .route(&format!("{base}/password-reset/complete"), get(reset::complete_page))
            .route(&format!("{base}/password-reset/assets/reset.js"), get(assets::script))
            .route(&format!("{base}/password-reset/assets/reset.css"), get(assets::style))
            .route(&format!("{base}/password-reset/{{token}}"), get(reset::show).post(reset::submit))
            .route(&format!("{base}/password-reset/{{token}}/strength"), post(reset::strength))
            .layer(axum::middleware::map_response(headers::reset_page));
        let admin = Router::new()
            .route(&format!("{base}/admin/users/{{id}}/reset-password"), post(admin::trigger))
            .route(&format!("{base}/admin/users/{{id}}/reset-status"), get(admin::status))
            .route(&format!("{base}/admin/users/{{id}}/cancel-reset"), post(admin::cancel))
            .layer(axum::middleware::map_response(headers::admin_answer));
        pages
            .merge(admin)
            .layer(DefaultBodyLimit::max(self.inner.settings.max_body_bytes))
            .with_state(self.clone())
    }
}

impl std::fmt::Debug for ResetWeb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResetWeb").field("settings", &self.inner.settings).finish_non_exhaustive()
    }
}
