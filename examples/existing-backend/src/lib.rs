//! # Harbour Supply — an existing back office that adds inzant-reset
//!
//! A small axum application written before the password reset library
//! existed: its own `accounts` table (from its own sqlx migrations), its own
//! sign-in with axum-login and tower-sessions, its own [`layout`], error
//! pages and mail ([`mail::send_mail`], an `outbox` table), an API where the
//! ordering app's device accounts sign in for a token, and an admin's
//! accounts pages.
//!
//! The admin-triggered password reset was then added with all of its glue
//! in one module, [`password_reset`]: the library's tables in their own
//! schema, the `accounts` table described to it, the app's words, layout,
//! session, mail and tokens plugged in, and the sign-in's password check
//! moved onto the library's `verify`.
//!
//! [`App::build`] assembles everything from a [`Config`]; `main` serves it.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod accounts;
pub mod api;
pub mod auth;
pub mod config;
pub mod flash;
pub mod layout;
pub mod mail;
mod pages;
pub mod password_reset;
pub mod seed;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::middleware::map_response;
use axum::routing::get;
use axum_login::AuthManagerLayerBuilder;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, MemoryStore, SessionManagerLayer};

pub use config::Config;

use crate::auth::{Backend, Passwords};

/// Why the app could not start.
pub type StartupError = Box<dyn std::error::Error + Send + Sync>;

/// What the app's handlers share.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub pool: PgPool,
    /// The accounts, as sign-in reads them.
    pub backend: Backend,
}

/// The assembled application.
pub struct App {
    router: Router,
    pool: PgPool,
    passwords: Arc<dyn Passwords>,
}

impl App {
    /// Connects to the database, migrates it, adds the password reset,
    /// seeds a new database and builds the routes.
    ///
    /// # Errors
    /// The database cannot be reached or migrated, or the password reset
    /// cannot be set up (for instance an unusable public URL or reset secret).
    pub async fn build(config: &Config) -> Result<Self, StartupError> {
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(Duration::from_secs(2))
            .connect(&config.database_url)
            .await?;
        sqlx::migrate!().run(&pool).await?;

        let (reset, passwords) = password_reset::start(&pool, config).await?;
        seed::first_run(&pool, passwords.as_ref(), config.admin_password.clone()).await?;

        let backend = Backend::new(pool.clone(), Arc::clone(&passwords));
        let sessions = SessionManagerLayer::new(MemoryStore::default())
            .with_name("sid")
            .with_secure(config.public_url.starts_with("https://"))
            .with_same_site(SameSite::Lax)
            .with_expiry(Expiry::OnInactivity(tower_sessions::cookie::time::Duration::hours(8)));
        let state = AppState { pool: pool.clone(), backend: backend.clone() };
        let own = Router::new()
            .merge(pages::routes())
            .merge(auth::routes())
            .merge(api::routes())
            .route("/static/app.css", get(layout::style_sheet))
            .fallback(layout::not_found)
            .layer(map_response(layout::page_headers))
            .with_state(state);
        // The reset pages are public: they stay outside the sign-in layers.
        let signed_in =
            own.merge(reset.admin()).layer(AuthManagerLayerBuilder::new(backend, sessions).build());
        let router = reset.pages().merge(signed_in);
        Ok(Self { router, pool, passwords })
    }

    /// The routes, ready to serve.
    pub fn router(&self) -> Router {
        self.router.clone()
    }

    /// The database.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// How passwords are hashed and checked.
    pub fn passwords(&self) -> &Arc<dyn Passwords> {
        &self.passwords
    }
}
