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
mod language;
mod layout;
mod limit;
mod pages;
mod reset;

use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use inzant_reset_core::ResetService;
use inzant_reset_core::error::ResetError;
use inzant_reset_core::service::TriggerReceipt;
use inzant_reset_core::status::CancelReceipt;
use inzant_reset_core::user::UserId;
use inzant_reset_core::words::Words;

pub use admin::is_same_origin;
#[allow(deprecated)]
pub use admin::is_same_site;
/// The attribute [`AdminGate`] implementations are written with (`#[async_trait]`).
pub use async_trait::async_trait;
/// The axum this crate is built on: [`AdminGate`]'s `Parts` and `Response`,
/// and the [`Router`]s of [`ResetWeb`].
pub use axum;
pub use headers::RESET_PAGE_CSP;
/// The core this crate serves: the service, users, errors and words.
pub use inzant_reset_core;
pub use layout::{Page, PageLayout, StandaloneLayout};
/// The maud this crate renders with, for [`PageLayout`]s.
pub use maud;
pub use pages::{template, time_element};
/// The time crate of [`time_element`]'s `OffsetDateTime`.
pub use time;

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
    /// Other origins whose pages may send the admin POSTs with the browser's
    /// cookies (default none: only the public URL's origin). See
    /// [`WebSettings::allow_admin_origins`].
    pub admin_origins: Vec<String>,
    /// The path the routes are served at when it differs from the public
    /// URL's (behind a proxy that strips a prefix); `None` (the default)
    /// serves them at the public URL's path. See [`WebSettings::serve_path`].
    pub serve_path: Option<String>,
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
            admin_origins: Vec::new(),
            serve_path: None,
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

    /// Also accepts the admin POSTs, with the browser's cookies, from pages
    /// of these origins (`scheme://host[:port]`, as browsers send them in
    /// `Origin`): an admin UI on another origin. Every other origin stays
    /// refused. Requests with [`Credentials::Explicit`] need no entry here.
    /// The host still answers CORS itself (see the crate docs).
    /// [`ResetWeb::try_new`] refuses an entry that is not an origin.
    ///
    /// ```
    /// # use inzant_reset_axum::WebSettings;
    /// let settings = WebSettings::new("/login").allow_admin_origins(["https://admin.example.com"]);
    /// assert_eq!(settings.admin_origins, ["https://admin.example.com"]);
    /// ```
    pub fn allow_admin_origins<I>(mut self, origins: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.admin_origins.extend(origins.into_iter().map(Into::into));
        self
    }

    /// Serves the routes at `path` (say `""` or `/`) instead of the public
    /// URL's path (say `/crm`), for a proxy that strips that prefix before
    /// the app sees the request. Links in emails still carry the public URL.
    /// `path` must be the end of the public URL's path, whole segments
    /// (for `/apps/crm`: `/apps/crm`, `/crm` or `""`); [`ResetWeb::try_new`]
    /// refuses anything else with [`SettingsError::ServePath`].
    pub fn serve_path(mut self, path: impl Into<String>) -> Self {
        let path = path.into();
        let path = path.trim().trim_end_matches('/');
        self.serve_path = Some(match path {
            "" => String::new(),
            path if path.starts_with('/') => path.to_owned(),
            path => format!("/{path}"),
        });
        self
    }
}

/// Settings [`ResetWeb::try_new`] refuses, with a sentence saying why.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SettingsError {
    /// [`WebSettings::serve_path`] is not the end of the public URL's path,
    /// so no prefix-stripping proxy can bring the emailed links there.
    ServePath {
        /// The public URL's path (`/crm`).
        public_path: String,
        /// The serve path given (`/other`).
        serve_path: String,
    },
    /// An entry of [`WebSettings::allow_admin_origins`] is not an origin
    /// (`https://admin.example.com`, no path, no `*`).
    AdminOrigin {
        /// The entry as given.
        origin: String,
    },
}

impl std::fmt::Display for SettingsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::ServePath { public_path, serve_path } => write!(
                f,
                "the reset routes cannot be served at {serve_path:?}: emailed links use the public \
                 URL's path {public_path:?}, and a proxy that strips a prefix from it leaves one of \
                 its ends (the whole path, its last segments, or \"\")"
            ),
            Self::AdminOrigin { origin } => write!(
                f,
                "{origin:?} cannot be an allowed admin origin: give scheme://host[:port], \
                 as browsers send it in Origin (no path, no wildcard)"
            ),
        }
    }
}

impl std::error::Error for SettingsError {}

impl std::fmt::Debug for WebSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebSettings")
            .field("after_reset_url", &self.after_reset_url)
            .field("admin_path", &self.admin_path)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("strength_checks_per_minute", &self.strength_checks_per_minute)
            .field("admin_origins", &self.admin_origins)
            .field("serve_path", &self.serve_path)
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
    /// The words of the answer, in the admin's language (their browser's
    /// `Accept-Language`, as far as the catalogues speak it).
    pub words: Words<'a>,
}

/// The user and the outcome; not the words.
impl<T: std::fmt::Debug> std::fmt::Debug for Answer<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Answer")
            .field("user", &self.user)
            .field("outcome", &self.outcome)
            .finish_non_exhaustive()
    }
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
            Err(error) => self.words.refusal(error),
        }
    }
}

impl Answer<'_, CancelReceipt> {
    /// The sentence for the admin: what was cancelled, or why nothing was.
    pub fn message(&self) -> String {
        match &self.outcome {
            Ok(receipt) => self.words.cancelled(&receipt.sent_to),
            Err(error) => self.words.refusal(error),
        }
    }
}

/// How an admin request proves who sent it, which decides whether its
/// origin is checked ([`AdminGate::credentials`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Credentials {
    /// Credentials the browser attaches by itself: session cookies, HTTP
    /// Basic or Negotiate, client certificates. A foreign page can make the
    /// browser send them, so the admin POSTs must come from the public
    /// URL's origin or from [`WebSettings::allow_admin_origins`].
    Ambient,
    /// Credentials the client had to add to this very request itself (an
    /// `Authorization: Bearer …` token, an API key header) and nothing the
    /// browser adds: a foreign page cannot forge them, so the origin is not
    /// checked.
    Explicit,
}

impl Credentials {
    /// [`Credentials::Explicit`] when the request carries exactly one
    /// `Authorization: Bearer …` header and no `Cookie` header (so whatever
    /// the gate reads, it cannot be the browser's session);
    /// [`Credentials::Ambient`] otherwise.
    pub fn bearer(headers: &HeaderMap) -> Self {
        let mut authorization = headers.get_all(AUTHORIZATION).iter();
        let bearer = authorization.next().is_some_and(|value| {
            let value = value.as_bytes();
            value.len() > 7 && value[..7].eq_ignore_ascii_case(b"bearer ")
        });
        if bearer && authorization.next().is_none() && !headers.contains_key(COOKIE) {
            Self::Explicit
        } else {
            Self::Ambient
        }
    }
}

/// The host's word on who is making an admin request, and how to answer it.
#[async_trait]
pub trait AdminGate: Send + Sync + 'static {
    /// How this request's sender is identified, asked before anything else
    /// on the admin POSTs: [`Credentials::Ambient`] (the default) has the
    /// origin checked, [`Credentials::Explicit`] does not. Answer `Explicit`
    /// only when [`AdminGate::actor`] will then identify the admin by those
    /// explicit credentials alone, never by a cookie
    /// ([`Credentials::bearer`] makes sure no cookie came).
    fn credentials(&self, parts: &Parts) -> Credentials {
        let _ = parts;
        Credentials::Ambient
    }

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
/// For API clients with bearer tokens: [`ExtractorGate::bearer`].
pub struct ExtractorGate<E, S, F, R> {
    state: S,
    to_actor: F,
    credentials: CredentialRule,
    types: PhantomData<fn() -> (E, R)>,
}

/// How an [`ExtractorGate`] judges [`AdminGate::credentials`].
#[derive(Clone, Copy)]
enum CredentialRule {
    Ambient,
    Bearer,
    Custom(fn(&Parts) -> Credentials),
}

impl<E, S, F, R> ExtractorGate<E, S, F, R>
where
    F: Fn(E) -> Result<UserId, R>,
{
    /// Runs extractor `E` with the host's `state` (often `()`), then
    /// `to_actor`. Every request counts as [`Credentials::Ambient`] (a cookie
    /// session): the admin POSTs must come from an allowed origin.
    pub fn new(state: S, to_actor: F) -> Self {
        Self { state, to_actor, credentials: CredentialRule::Ambient, types: PhantomData }
    }

    /// Like [`ExtractorGate::new`], for an extractor that reads a bearer
    /// token: requests judged [`Credentials::bearer`] (an `Authorization:
    /// Bearer …` header and no cookies) are accepted from any origin; the
    /// others are checked like cookie sessions.
    ///
    /// ```
    /// use axum::http::{HeaderMap, StatusCode, header};
    /// use inzant_reset_axum::ExtractorGate;
    /// use inzant_reset_core::user::UserId;
    ///
    /// let gate = ExtractorGate::bearer((), |headers: HeaderMap| {
    ///     let token = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    ///     match token.and_then(|t| t.strip_prefix("Bearer ")) {
    ///         Some("admin-token") => Ok(UserId::new("1")), // the host's own token check
    ///         _ => Err(StatusCode::UNAUTHORIZED),
    ///     }
    /// });
    /// # let _ = gate;
    /// ```
    pub fn bearer(state: S, to_actor: F) -> Self {
        Self { state, to_actor, credentials: CredentialRule::Bearer, types: PhantomData }
    }

    /// Judges [`AdminGate::credentials`] with `rule` (say, an API key
    /// header and no cookies), under the trait method's contract.
    pub fn credentials(mut self, rule: fn(&Parts) -> Credentials) -> Self {
        self.credentials = CredentialRule::Custom(rule);
        self
    }
}

/// The extractor's type and the credential rule; not the state.
impl<E, S, F, R> std::fmt::Debug for ExtractorGate<E, S, F, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let credentials = match self.credentials {
            CredentialRule::Ambient => "ambient",
            CredentialRule::Bearer => "bearer",
            CredentialRule::Custom(_) => "custom",
        };
        f.debug_struct("ExtractorGate")
            .field("extractor", &std::any::type_name::<E>())
            .field("credentials", &credentials)
            .finish_non_exhaustive()
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
    fn credentials(&self, parts: &Parts) -> Credentials {
        match self.credentials {
            CredentialRule::Ambient => Credentials::Ambient,
            CredentialRule::Bearer => Credentials::bearer(&parts.headers),
            CredentialRule::Custom(rule) => rule(parts),
        }
    }

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
    /// Where the routes are mounted: [`ResetWeb::base_path`].
    base: String,
    /// The allowed admin origins, checked and lower-case.
    admin_origins: Vec<String>,
}

impl ResetWeb {
    /// An adapter over `service`, trusting `gate` for admin identity.
    ///
    /// Settings [`ResetWeb::try_new`] would refuse are logged as errors and
    /// left out: a wrong [`WebSettings::serve_path`] serves the routes at
    /// the public URL's path, a wrong admin origin allows nothing. With
    /// either setting, prefer [`ResetWeb::try_new`].
    pub fn new(service: Arc<ResetService>, gate: Arc<dyn AdminGate>, settings: WebSettings) -> Self {
        let base = match serve_base(&service, &settings) {
            Ok(base) => base,
            Err(error) => {
                tracing::error!(%error, "the serve path is ignored");
                service.public_url().path().to_owned()
            }
        };
        let mut admin_origins = Vec::new();
        for origin in &settings.admin_origins {
            match admin_origin(origin) {
                Ok(origin) => admin_origins.push(origin),
                Err(error) => tracing::error!(%error, "an allowed admin origin is ignored"),
            }
        }
        Self::build(service, gate, settings, base, admin_origins)
    }

    /// An adapter over `service`, trusting `gate` for admin identity, after
    /// checking `settings` against the service's public URL.
    ///
    /// # Errors
    /// [`SettingsError::ServePath`] when [`WebSettings::serve_path`] is not
    /// the end of the public URL's path; [`SettingsError::AdminOrigin`] when
    /// an entry of [`WebSettings::allow_admin_origins`] is not an origin.
    pub fn try_new(
        service: Arc<ResetService>,
        gate: Arc<dyn AdminGate>,
        settings: WebSettings,
    ) -> Result<Self, SettingsError> {
        let base = serve_base(&service, &settings)?;
        let admin_origins =
            settings.admin_origins.iter().map(|o| admin_origin(o)).collect::<Result<_, _>>()?;
        Ok(Self::build(service, gate, settings, base, admin_origins))
    }

    fn build(
        service: Arc<ResetService>,
        gate: Arc<dyn AdminGate>,
        settings: WebSettings,
        base: String,
        admin_origins: Vec<String>,
    ) -> Self {
        let inner = Inner {
            limiter: limit::PerLink::new(settings.strength_checks_per_minute),
            opened: limit::OpenedCache::default(),
            service,
            gate,
            settings,
            base,
            admin_origins,
        };
        Self { inner: Arc::new(inner) }
    }

    /// The path every route is mounted under: [`WebSettings::serve_path`]
    /// when set, else the public URL's path (empty, or `/segment…`).
    pub fn base_path(&self) -> &str {
        &self.inner.base
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
        let base = self.base_path().to_owned();
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
        let base = format!("{}{}", self.base_path(), self.inner.settings.admin_path);
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
                // The service logs what it purged, or why it could not.
                let _ = service.purge(retention).await;
            }
        })
    }
}

/// The path the routes are served at: the serve path when it is the end of
/// the public URL's path (whole segments), else the public URL's path.
fn serve_base(service: &ResetService, settings: &WebSettings) -> Result<String, SettingsError> {
    let public_path = service.public_url().path();
    let Some(serve_path) = &settings.serve_path else {
        return Ok(public_path.to_owned());
    };
    // The public path is empty or `/segment…`; a serve path starting with
    // `/` that ends it starts at a segment boundary.
    let fits =
        serve_path.is_empty() || (serve_path.starts_with('/') && public_path.ends_with(serve_path.as_str()));
    if fits {
        Ok(serve_path.clone())
    } else {
        Err(SettingsError::ServePath { public_path: public_path.to_owned(), serve_path: serve_path.clone() })
    }
}

/// An allowed admin origin as browsers send it, lower-case.
fn admin_origin(origin: &str) -> Result<String, SettingsError> {
    let refused = || SettingsError::AdminOrigin { origin: origin.to_owned() };
    let url = inzant_reset_core::url::PublicUrl::parse(origin).map_err(|_| refused())?;
    let trimmed = origin.strip_suffix('/').unwrap_or(origin);
    if url.path().is_empty() && url.origin().eq_ignore_ascii_case(trimmed) {
        Ok(url.origin().to_owned())
    } else {
        Err(refused())
    }
}

impl std::fmt::Debug for ResetWeb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResetWeb")
            .field("base_path", &self.inner.base)
            .field("settings", &self.inner.settings)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use inzant_reset_core::words::{Catalogues, Product};

    #[test]
    fn an_answer_puts_any_id_back_into_a_url_safely() {
        let user = UserId::new("a b/\r\nSet-Cookie: x");
        let (catalogues, product) = (Catalogues::shipped(), Product::inzant());
        let answer: Answer<'_, CancelReceipt> = Answer {
            user: &user,
            outcome: Err(ResetError::UnknownUser),
            words: catalogues.words("en", &product),
        };
        assert_eq!(answer.user_segment(), "a%20b%2F%0D%0ASet-Cookie%3A%20x");
        assert!(answer.is_unknown_user());
        assert_eq!(answer.message(), "That user does not exist.");
        let debug = format!("{answer:?}");
        assert!(debug.contains("Answer") && debug.contains("UnknownUser"), "{debug}");
    }
}
