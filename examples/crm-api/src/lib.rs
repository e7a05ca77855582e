//! # Northwind CRM API — a JSON API that adds inzant-reset
//!
//! An axum API written before the password reset library existed, shaped
//! unlike Inzant's own back office:
//!
//! - its people live in `crm.people` (UUID ids, a nullable `full_name`,
//!   `is_admin` and `app_only` flags instead of a user type, a `tenant_id`
//!   and a `locale`), created by its own sqlx migration;
//! - its admin UI is a single-page app on another origin
//!   (`https://admin.northwind.example`) that signs in for a bearer token
//!   ([`auth`]) and sends JSON; there are no cookies;
//! - admins act only on the people of their own tenant;
//! - it is published as `https://api.northwind.example/crm` behind a proxy
//!   that strips `/crm`: the app itself serves `/api/…`;
//! - its mail waits in its own [`outbox`].
//!
//! The admin-triggered password reset was then added with all of its glue
//! in one module, [`password_reset`]. [`App::build`] assembles everything
//! from a [`Config`]; `main` serves it.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod auth;
pub mod config;
pub mod outbox;
pub mod password_reset;
pub mod people;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderValue, Method, header};
use inzant_reset_core::ResetService;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use tower_http::cors::CorsLayer;

pub use config::Config;

use crate::auth::Tokens;
use crate::outbox::Outbox;

/// Why the app could not start.
pub type StartupError = Box<dyn std::error::Error + Send + Sync>;

/// What the API's handlers share.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub pool: PgPool,
    /// The admin app's bearer tokens.
    pub tokens: Tokens,
    /// How sign-in checks passwords (the reset library's `verify`, which
    /// matches the passwords it sets).
    pub passwords: Arc<ResetService>,
}

/// The assembled application.
pub struct App {
    router: Router,
    pool: PgPool,
    outbox: Outbox,
    passwords: Arc<ResetService>,
}

impl App {
    /// Connects to the database, migrates it, adds the password reset and
    /// builds the routes, as the app sees them (without the proxy's `/crm`).
    ///
    /// # Errors
    /// The database cannot be reached or migrated, or the password reset
    /// cannot be set up (an unusable public URL or reset secret, or a
    /// `crm.people` that does not match its description).
    pub async fn build(config: &Config) -> Result<Self, StartupError> {
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(Duration::from_secs(2))
            .connect(&config.database_url)
            .await?;
        sqlx::migrate!().run(&pool).await?;

        let (outbox, tokens) = (Outbox::default(), Tokens::default());
        let reset = password_reset::start(&pool, config, &outbox, &tokens).await?;
        let passwords = Arc::clone(reset.service());

        // The admin app calls us from its own origin, with a bearer token.
        let admin_ui = HeaderValue::from_str(&config.admin_ui)?;
        let cors = CorsLayer::new()
            .allow_origin(admin_ui)
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE]);
        let state = AppState { pool: pool.clone(), tokens, passwords: Arc::clone(&passwords) };
        let api = auth::routes().with_state(state).merge(reset.admin()).layer(cors);
        let router = api.merge(reset.pages());
        Ok(Self { router, pool, outbox, passwords })
    }

    /// The routes, ready to serve behind the proxy.
    pub fn router(&self) -> Router {
        self.router.clone()
    }

    /// The database.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The mail waiting for delivery.
    pub fn outbox(&self) -> &Outbox {
        &self.outbox
    }

    /// How passwords are hashed and checked.
    pub fn passwords(&self) -> &Arc<ResetService> {
        &self.passwords
    }
}
