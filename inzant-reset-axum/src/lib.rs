//! # inzant-reset-axum
//!
//! The web side of the Inzant password reset, for axum 0.8. It only
//! translates between HTTP and [`inzant_reset_core::ResetService`]; every
//! decision is the core's, and every word people read comes from the
//! service's `Wording` (`inzant_reset_core::words`).
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
//! The router does not time out slow clients: that is the server's job, and
//! `axum::serve` has no header timeout. Without one, connections that send
//! nothing or half a request stay open until the process runs out of file
//! descriptors. Serve the router with hyper directly, as the demo does
//! (`examples/demo/src/serve.rs`, tested in `examples/demo/tests/serving.rs`):
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
//! `docs/RELIABILITY.md` has the demo's figures under a connection flood.

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
use std::time::Duration;

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

pub use admin::is_same_site;
pub use headers::RESET_PAGE_CSP;
pub use layout::{Page, PageLayout, StandaloneLayout};
/// The maud this crate renders with, for [`PageLayout`]s.
pub use maud;
pub use pages::{template, time_element};

/// What a host embedding the web adapter usually needs, in one import
/// (with `inzant_reset_core::prelude::*` for the core's names).
pub mod prelude {
    pub use crate::maud::{DOCTYPE, Markup, html};
    pub use crate::{
        AdminGate, Answer, ExtractorGate, Page, PageLayout, ResetWeb, WebSettings, is_same_site,
    };
}

/// How the adapter behaves; [`WebSettings::new`] gives the defaults.
#[derive(Clone)]
pub struct WebSettings {
    /// Where users who sign in on the website are sent after saving their
    /// new password (a `303 See Other`): by default the login page given to
    /// [`WebSettings::new`] with `?reset=done` appended, so it can say so.
    pub after_reset_url: String,
    /// The admin routes' path under the mount path (default `/admin/users`):
    /// the trigger is `{admin_path}/{id}/reset-password`.
    pub admin_path: String,
    /// The largest request body accepted, in bytes (default 16 KiB).
    pub max_body_bytes: usize,
    /// Strength checks allowed per link per minute (default 120).
    pub strength_checks_per_minute: u32,
    /// The page the reset pages' content sits in (default [`StandaloneLayout`]).
    pub layout: Arc<dyn PageLayout>,
}

impl WebSettings {
    /// Defaults, sending users who sign in on the website to `login_url`
    /// (with `?reset=done`) after a reset.
    pub fn new(login_url: impl Into<String>) -> Self {
        let login_url = login_url.into();
        let joiner = if login_url.contains('?') { '&' } else { '?' };
        Self {
            after_reset_url: format!("{login_url}{joiner}reset=done"),
            admin_path: "/admin/users".to_owned(),
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

    /// Sends users who sign in on the website to exactly `url` after a reset.
    pub fn after_reset(mut self, url: impl Into<String>) -> Self {
        self.after_reset_url = url.into();
        self
    }

    /// Serves the admin routes under `path` (say `/accounts`) instead of `/admin/users`.
    pub fn admin_path(mut self, path: impl Into<String>) -> Self {
        self.admin_path = path.into().trim_end_matches('/').to_owned();
        self
    }
}

impl std::fmt::Debug for WebSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebSettings")
            .field("after_reset_url", &self.after_reset_url)
            .field("admin_path", &self.admin_path)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("strength_checks_per_minute", &self.strength_checks_per_minute)
            .finish_non_exhaustive()
    }
}

/// The outcome of an admin action, for the host's answer: who it was
/// about, what happened, and the words to tell the admin with.
pub struct Answer<'a, T> {
    /// The user's id as it came in the URL (checked against nothing when
    /// the action was refused: use [`Answer::user_segment`] to put it back
    /// into a URL).
    pub user: &'a UserId,
    /// What happened.
    pub outcome: Result<T, ResetError>,
    /// The service's words.
    pub words: &'a dyn Wording,
}

impl<T> Answer<'_, T> {
    /// The user's id percent-encoded as one URL path segment, safe to put
    /// in a `Location` whatever the URL held.
    pub fn user_segment(&self) -> String {
        percent_encoding::utf8_percent_encode(self.user.as_str(), admin::SEGMENT).to_string()
    }

    /// Whether the user named in the URL does not exist (send the admin
    /// back to a list rather than to that user's page).
    pub fn is_unknown_user(&self) -> bool {
        matches!(self.outcome, Err(ResetError::UnknownUser))
    }
}

impl Answer<'_, TriggerReceipt> {
    /// The sentence for the admin: where the email went, or why it did not.
    pub fn message(&self) -> String {
        match &self.outcome {
            Ok(receipt) => self.words.sent(receipt.purpose, &receipt.sent_to),
            Err(error) => self.words.refusal(error).into_owned(),
        }
    }
}

impl Answer<'_, CancelReceipt> {
    /// The sentence for the admin: what was cancelled, or why nothing was.
    pub fn message(&self) -> String {
        match &self.outcome {
            Ok(receipt) => self.words.cancelled(&receipt.sent_to),
            Err(error) => self.words.refusal(error).into_owned(),
        }
    }
}

/// The host's word on who is making an admin request, and how to answer it.
#[async_trait]
pub trait AdminGate: Send + Sync + 'static {
    /// Who is making this admin request, read with the host's own
    /// extractors (`AuthSession::from_request_parts(parts, &state)`); or the
    /// host's own answer for everyone else — a redirect to its login page, a
    /// 403, or a 503 when its session store is down. The service then checks
    /// that this user may do it (its `Authorization`).
    async fn actor(&self, parts: &mut Parts) -> Result<UserId, Response>;

    /// The answer to a trigger. The default is JSON: `200` with `request`,
    /// `purpose`, `sent_to` and `expires_at`, or an error status with
    /// `{"error": "…"}` ([`Answer::message`]). Hosts with HTML admin pages
    /// usually put the message in their session as a flash (through
    /// `parts`) and redirect back to the user's page instead.
    async fn triggered(&self, parts: &mut Parts, answer: Answer<'_, TriggerReceipt>) -> Response {
        let _ = parts;
        admin::json_answer(answer)
    }

    /// The answer to a cancel. The default is JSON: `200` with `request`,
    /// `user` and `state`, or an error status (409 when nothing was live)
    /// with `{"error": "…"}`.
    async fn cancelled(&self, parts: &mut Parts, answer: Answer<'_, CancelReceipt>) -> Response {
        let _ = parts;
        admin::cancel_json(answer)
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

    /// Every route of the module docs under the public URL's mount path:
    /// [`ResetWeb::pages`] and [`ResetWeb::admin`] together. Merge it into
    /// the host's router.
    pub fn router(&self) -> Router {
        self.pages().merge(self.admin())
    }

    /// The user's routes only (the reset page, submit, strength, assets):
    /// public, so they need none of the host's session or sign-in layers.
    pub fn pages(&self) -> Router {
        let base = self.inner.service.public_url().path().to_owned();
        Router::new()
            .route(&format!("{base}/password-reset/complete"), get(reset::complete_page))
            .route(&format!("{base}/password-reset/assets/reset.js"), get(assets::script))
            .route(&format!("{base}/password-reset/assets/reset.css"), get(assets::style))
            .route(&format!("{base}/password-reset/{{token}}"), get(reset::show).post(reset::submit))
            .route(&format!("{base}/password-reset/{{token}}/strength"), post(reset::strength))
            .layer(axum::middleware::map_response(headers::reset_page))
            .layer(DefaultBodyLimit::max(self.inner.settings.max_body_bytes))
            .with_state(self.clone())
    }

    /// The admin's routes only (trigger, status, cancel), under
    /// [`WebSettings::admin_path`]: give them the host's session and
    /// sign-in layers.
    pub fn admin(&self) -> Router {
        let base = format!("{}{}", self.inner.service.public_url().path(), self.inner.settings.admin_path);
        Router::new()
            .route(&format!("{base}/{{id}}/reset-password"), post(admin::trigger))
            .route(&format!("{base}/{{id}}/reset-status"), get(admin::status))
            .route(&format!("{base}/{{id}}/cancel-reset"), post(admin::cancel))
            .layer(axum::middleware::map_response(headers::admin_answer))
            .layer(DefaultBodyLimit::max(self.inner.settings.max_body_bytes))
            .with_state(self.clone())
    }

    /// Every `every`, purges requests that ended or expired more than
    /// `retention` ago (at least a day), on the current Tokio runtime. Keep
    /// the handle to stop it.
    pub fn spawn_purge(&self, every: Duration, retention: Duration) -> tokio::task::JoinHandle<()> {
        let service = Arc::clone(&self.inner.service);
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every.max(Duration::from_secs(1)));
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                match service.purge(retention).await {
                    Ok(0) => {}
                    Ok(purged) => tracing::info!(purged, "purged old password reset requests"),
                    Err(error) => tracing::warn!(%error, "old password reset requests were not purged"),
                }
            }
        })
    }
}

impl std::fmt::Debug for ResetWeb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResetWeb").field("settings", &self.inner.settings).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use inzant_reset_core::words::English;

    #[test]
    fn an_answer_puts_any_id_back_into_a_url_safely() {
        let user = UserId::new("a b/\r\nSet-Cookie: x");
        let answer: Answer<'_, CancelReceipt> =
            Answer { user: &user, outcome: Err(ResetError::UnknownUser), words: &English };
        assert_eq!(answer.user_segment(), "a%20b%2F%0D%0ASet-Cookie%3A%20x");
        assert!(answer.is_unknown_user());
        assert_eq!(answer.message(), "That user does not exist.");
    }
}
