//! # inzant-reset-axum
//!
//! The web side of the Inzant password reset, for axum 0.8. It only
//! translates between HTTP and [`inzant_reset_core::ResetService`]; every
//! decision is the core's.
//!
//! | method | path | what |
//! | --- | --- | --- |
//! | GET | `/password-reset/{token}` | the reset page |
//! | POST | `/password-reset/{token}` | submit: `code`, `new_password`, `confirm_password` |
//! | POST | `/password-reset/{token}/strength` | JSON strength report for JSON or form `password` |
//! | GET | `/password-reset/complete` | the device users' confirmation page |
//! | GET | `/password-reset/assets/{reset.js,reset.css}` | the page's only script and style sheet |
//! | POST | `/admin/users/{id}/reset-password` | the admin trigger (form field `purpose`: `reset` or `create`) |
//!
//! Mount [`ResetWeb::router`] where you like (nesting keeps working: pages
//! use relative URLs). Who the admin is comes from your [`AdminGate`].
//! Hash passwords with [`BlockingHasher`] and score them with
//! [`BlockingPolicy`] so neither Argon2 nor the policy runs on the async
//! executor:
//!
//! ```no_run
//! # async fn wire(service_builder: inzant_reset_core::service::ResetServiceBuilder,
//! #               gate: std::sync::Arc<dyn inzant_reset_axum::AdminGate>) -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use inzant_reset_axum::{BlockingHasher, BlockingPolicy, ResetWeb, WebSettings};
//! use inzant_reset_core::hash::{Argon2id, HashParams};
//!
//! let cores = std::thread::available_parallelism().map_or(2, usize::from);
//! let hasher = BlockingHasher::new(Argon2id::new(HashParams::default())?, cores)?;
//! let service = service_builder
//!     .hasher(Arc::new(hasher))
//!     .policy_runner(Arc::new(BlockingPolicy::new(cores)))
//!     .build()?;
//! let service = Arc::new(service);
//! let web = ResetWeb::new(service, gate, WebSettings::new("https://sales.inzant.example", "/login"));
//! let app: axum::Router = web.router();
//! # Ok(()) }
//! ```
//!
//! Every reset page answer carries `Cache-Control: no-store`,
//! `Referrer-Policy: no-referrer`, a Content-Security-Policy without inline
//! script and with `frame-ancestors 'none'`, and `X-Content-Type-Options:
//! nosniff`. The link token appears only in the URL the user opened: forms
//! post to the page itself and redirects never carry it.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod admin;
mod assets;
mod blocking;
mod form;
mod headers;
mod limit;
mod pages;
mod reset;

use std::sync::Arc;

use async_trait::async_trait;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::request::Parts;
use axum::response::Response;
use axum::routing::{get, post};
use inzant_reset_core::ResetService;
use inzant_reset_core::error::ResetError;
use inzant_reset_core::service::TriggerReceipt;
use inzant_reset_core::user::UserId;

pub use blocking::{BlockingHasher, BlockingPolicy};
pub use headers::RESET_PAGE_CSP;

/// How the adapter behaves; [`WebSettings::new`] gives the defaults.
#[derive(Clone, Debug)]
pub struct WebSettings {
    /// The site's public origin (`https://sales.inzant.example`): admin
    /// requests whose `Origin` is anything else are refused.
    pub public_origin: String,
    /// The login page users who sign in on the website are sent to after a
    /// reset; `?reset=done` is appended so it can say so.
    pub login_url: String,
    /// The largest request body accepted, in bytes (default 16 KiB).
    pub max_body_bytes: usize,
    /// Strength checks allowed per link per minute (default 120).
    pub strength_checks_per_minute: u32,
    /// Strength evaluations running at once, off the executor (default: the cores).
    pub strength_concurrency: usize,
}

impl WebSettings {
    /// Defaults for a site at `public_origin` whose login page is `login_url`.
    pub fn new(public_origin: impl Into<String>, login_url: impl Into<String>) -> Self {
        Self {
            public_origin: public_origin.into().trim_end_matches('/').to_owned(),
            login_url: login_url.into(),
            max_body_bytes: 16 * 1024,
            strength_checks_per_minute: 120,
            strength_concurrency: std::thread::available_parallelism().map_or(2, usize::from),
        }
    }
}

/// The host's word on who is making an admin request, and how to answer a trigger.
#[async_trait]
pub trait AdminGate: Send + Sync + 'static {
    /// The signed-in admin making this request, or `None` (answered 403).
    /// The core checks again that this user is an admin.
    async fn admin(&self, request: &Parts) -> Option<UserId>;

    /// The answer to a trigger for `user`. The default is JSON: `200` with
    /// `request`, `sent_to` and `expires_at`, or an error status with
    /// `{"error": "…"}`. Hosts with HTML admin pages usually redirect back to
    /// the user's page with a flash message instead.
    fn triggered(&self, user: &UserId, outcome: Result<TriggerReceipt, ResetError>) -> Response {
        admin::json_answer(user, outcome)
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
    strength_runner: BlockingPolicy,
}

impl ResetWeb {
    /// An adapter over `service`, trusting `gate` for admin identity.
    pub fn new(service: Arc<ResetService>, gate: Arc<dyn AdminGate>, settings: WebSettings) -> Self {
        let inner = Inner {
            limiter: limit::PerLink::new(settings.strength_checks_per_minute),
            opened: limit::OpenedCache::default(),
            strength_runner: BlockingPolicy::new(settings.strength_concurrency),
            service,
            gate,
            settings,
        };
        Self { inner: Arc::new(inner) }
    }

    /// The routes of the module docs, with their body limit and headers.
    pub fn router(&self) -> Router {
        let pages = Router::new()
            .route("/password-reset/complete", get(reset::complete_page))
            .route("/password-reset/assets/reset.js", get(assets::script))
            .route("/password-reset/assets/reset.css", get(assets::style))
            .route("/password-reset/{token}", get(reset::show).post(reset::submit))
            .route("/password-reset/{token}/strength", post(reset::strength))
            .layer(axum::middleware::map_response(headers::reset_page));
        let admin = Router::new()
            .route("/admin/users/{id}/reset-password", post(admin::trigger))
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
