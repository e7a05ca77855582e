//! # inzant-reset-demo
//!
//! The runnable demo of the Inzant admin-triggered password reset: the
//! backend's admin screens, sign-in and the reset pages, end to end.
//!
//! - `/login` — admin and web users sign in; device users are sent to the apps.
//! - `/admin/users` — User Search ("Users" in the sidebar), with an Edit
//!   action per user → `/admin/users/{id}`, User Details, whose "More
//!   Options" menu holds "Reset Password" (and "Create Password" for a user
//!   without one). A flash message says where the email went.
//! - `/admin/password-resets` — "Password resets" in the sidebar: the last
//!   30 days, per day, of emails sent and requests completed, expired,
//!   cancelled and locked, as a chart and a table, with the median time to
//!   complete, all read from the audit log ([`trend`]).
//! - `/password-reset/…` — the reset page, from `inzant-reset-axum`.
//! - `POST /api/app/sign-in` — the Inzant Sales Plus / Tradeshow apps' sign-in, stood in.
//!
//! Each seeded user reads a language of their own (Dana Device German, Elena
//! Dispositivo Spanish, the others English; a `locale` column on
//! PostgreSQL): their reset emails and pages speak it, and User Details
//! names it. `INZANT_LOCALES_DIR` adds the host's own `.ftl` files.
//!
//! [`DemoConfig::from_env`] reads the settings, [`build_app`] wires the core
//! service (memory or PostgreSQL, `.eml` files or SMTP), seeds the users and
//! returns the [`Demo`], whose router `main` serves with [`serve::serve`]:
//! timeouts for slow clients, connection caps and a shutdown deadline.
//! Sign-in is throttled so that guessing slows down and nobody can lock an
//! owner out: failures per account and client, a slower ceiling per account
//! that devices and addresses the account signed in from skip, and attempts
//! per client address ([`throttle`]); outages of the database or the mail server are
//! answered `503` within a couple of seconds (`docs/RELIABILITY.md`).
//! With `INZANT_METRICS_LISTEN`, the core's metrics are served as
//! `/metrics` on that address of their own ([`prometheus`]).
//! Passwords found in known data breaches are refused: by default those of
//! a small list shipped with the demo ([`DEMO_BREACHED_PASSWORDS`]), written
//! as a local Pwned Passwords mirror at start; `INZANT_BREACHED_PASSWORDS`
//! picks the real range API, a mirror of your own, or none ([`BreachSource`]).

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

/// The README's examples, compiled as doctests so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeExamples;

mod chart;
mod config;
pub mod device;
mod gate;
mod pages;
pub mod prometheus;
mod routes;
pub mod serve;
mod session;
pub mod throttle;
pub mod trend;
mod users;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use inzant_reset_axum::{ResetWeb, WebSettings};
use inzant_reset_breach::{LocalMirror, RangeApi, RangeApiSettings, write_range_directory};
use inzant_reset_core::breach::{OnUnavailable, PasswordSha1};
use inzant_reset_core::hash::Argon2id;
use inzant_reset_core::memory::{MemoryAudit, MemoryDirectory, MemoryStore};
use inzant_reset_core::ports::{AuditSink, BreachedPasswords, Mailer, ResetStore};
use inzant_reset_core::prelude::*;
use inzant_reset_core::smtp::{FileMailer, SmtpMailer};
use inzant_reset_sqlx::{PgReset, Schema};
use secrecy::{ExposeSecret, SecretString};
use tempfile::TempDir;
use tokio::task::JoinHandle;

pub use config::{BreachSource, DatabaseUrl, DemoConfig, MailSetting, SmtpUrl};
pub use gate::{DemoGate, RevokeSessions};
pub use inzant_reset_axum::is_same_origin;
pub use pages::PASSWORD_RESETS_PATH;
pub use prometheus::MetricsEndpoint;
pub use routes::HSTS;
pub use serve::ServeSettings;
pub use session::{
    Cookies, DEVICE_COOKIE, FLASH_COOKIE, SECURE_DEVICE_COOKIE, SECURE_FLASH_COOKIE, SECURE_SESSION_COOKIE,
    SESSION_COOKIE, Sessions,
};
pub use users::{PasswordSource, PgUsers, SeededUser, Users, ids};

/// Why the demo could not start.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// A setting is wrong (the process exits with status 2).
    #[error("{0}")]
    Config(String),
    /// Something the demo needs failed: the database, the mail directory,
    /// the listener (the process exits with status 1).
    #[error("{0}")]
    Startup(String),
}

impl DemoError {
    /// The process exit status for this error: 2 for a bad setting, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Config(_) => 2,
            Self::Startup(_) => 1,
        }
    }
}

/// How long finished and expired reset requests are kept before purging.
const RETENTION: Duration = Duration::from_secs(24 * 3600);

/// The request bodies the demo's own routes accept (forms and JSON are tiny).
const MAX_BODY_BYTES: usize = 16 * 1024;

/// The assembled demo.
#[derive(Debug)]
pub struct Demo {
    /// Every route: the demo's pages and the adapter's.
    pub router: Router,
    /// The public base URL (an origin): links and the admin's origin check use it.
    pub public_url: String,
    /// Where emails go.
    pub mail: MailSetting,
    /// Whether the users and requests are in PostgreSQL.
    pub uses_postgres: bool,
    /// The seeded users and their starting passwords.
    pub seeded: Vec<SeededUser>,
    /// How many load-test users were seeded (`INZANT_DEMO_LOAD_USERS`).
    pub load_users: u32,
    /// The core service.
    pub service: Arc<ResetService>,
    /// Signed-in sessions.
    pub sessions: Arc<Sessions>,
    /// How the connections are served.
    pub serve: ServeSettings,
    /// `/metrics`, when `INZANT_METRICS_LISTEN` is set: to be served on
    /// its own listener, never on the router above.
    pub metrics: Option<MetricsEndpoint>,
    /// Where breached passwords are looked up, in words (for the banner).
    pub breached_passwords: String,
    flashes: Arc<session::Flashes>,
    throttle: Arc<throttle::SignInThrottle>,
    /// The demo list's mirror, removed when the demo ends.
    _breach_mirror: Option<TempDir>,
}

impl Demo {
    /// The directory `.eml` files are written to, unless mail goes over SMTP.
    pub fn mail_dir(&self) -> Option<&PathBuf> {
        match &self.mail {
            MailSetting::Directory(dir) => Some(dir),
            MailSetting::Smtp(_) => None,
        }
    }

    /// The starting password of the seeded user `username`.
    pub fn password_of(&self, username: &str) -> Option<&SecretString> {
        self.seeded.iter().find(|s| s.user.username == username).and_then(|s| s.password.as_ref())
    }

    /// Every `every`, purges reset requests finished or expired over a day
    /// ago, expired sessions and unread flash messages; every minute,
    /// forgets sign-in budgets that are full again.
    pub fn spawn_maintenance(&self, every: Duration) -> JoinHandle<()> {
        let service = Arc::clone(&self.service);
        let sessions = Arc::clone(&self.sessions);
        let flashes = Arc::clone(&self.flashes);
        let throttle = Arc::clone(&self.throttle);
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut minutes = tokio::time::interval(Duration::from_secs(60));
            minutes.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = ticks.tick() => {
                        match service.purge(RETENTION).await {
                            Ok(0) => {}
                            Ok(purged) => tracing::info!(purged, "purged old reset requests"),
                            Err(error) => tracing::warn!(%error, "could not purge old reset requests"),
                        }
                        sessions.purge();
                        flashes.purge();
                    }
                    _ = minutes.tick() => throttle.forget_idle(),
                }
            }
        })
    }

    /// What to print at start: where to go, who can sign in with what, where mail goes.
    pub fn banner(&self) -> String {
        let mut out = String::new();
        let url = &self.public_url;
        out.push_str(&format!("\nInzant password reset demo: open {url}/login\n\n"));
        out.push_str("Users (reset emails go to the username):\n");
        for seeded in &self.seeded {
            let user = &seeded.user;
            let password = match (seeded.source, &seeded.password) {
                (PasswordSource::Environment, _) => "(the password in INZANT_DEMO_ADMIN_PASSWORD)".to_owned(),
                (_, Some(password)) => format!("password {}", password.expose_secret()),
                (_, None) if user.has_password => "(the password created in an earlier run)".to_owned(),
                (_, None) => "no password yet: use \"Create Password\"".to_owned(),
            };
            let kind = pages::type_label(user.user_type);
            out.push_str(&format!("  {kind:<7} {:<28} {password}\n", user.username));
        }
        if self.load_users > 0 {
            out.push_str(&format!(
                "  device  {} load-test users {} … {}, no password\n",
                self.load_users,
                users::load_user_id(1),
                users::load_user_id(self.load_users)
            ));
        }
        out.push_str(&format!(
            "\nDevice users sign in through the apps' stand-in:\n  curl -i {url}/api/app/sign-in \
             -H 'content-type: application/json' -d '{{\"username\":\"dana.device@inzant.example\",\"password\":\"…\"}}'\n"
        ));
        match &self.mail {
            MailSetting::Directory(dir) => {
                out.push_str(&format!("\nEmails are written to {}/*.eml\n", dir.display()));
            }
            MailSetting::Smtp(url) => {
                out.push_str(&format!("\nEmails are sent through {}\n", config::redact_url(&url.0)));
            }
        }
        if let Some(metrics) = &self.metrics {
            out.push_str(&format!("Metrics (Prometheus text format): http://{}/metrics\n", metrics.listen));
        }
        out.push_str(&format!("{}\n", self.breached_passwords));
        out.push_str(if self.uses_postgres {
            "Users and reset requests are stored in PostgreSQL.\n"
        } else {
            "Users and reset requests are kept in memory (set DATABASE_URL for PostgreSQL).\n"
        });
        out
    }
}

/// The shipped languages, with the host's `.ftl` files in `dir`
/// (`INZANT_LOCALES_DIR`) on top: a file that does not check out is a bad
/// setting, named with its line.
fn catalogues(dir: Option<&Path>) -> Result<Catalogues, DemoError> {
    let mut builder = Catalogues::builder();
    if let Some(dir) = dir {
        builder = builder.directory(dir);
    }
    builder.build().map_err(|error| DemoError::Config(format!("INZANT_LOCALES_DIR: {error}")))
}

/// The breached passwords of `INZANT_BREACHED_PASSWORDS=demo` (the default),
/// one a line: common passwords from public breach lists, among them some
/// the strength policy alone would accept (`Summer2024!`, `Welcome@123`,
/// `Tr0ub4dor&3`). Built into the binary, so the demo runs from any directory.
pub const DEMO_BREACHED_PASSWORDS: &str = include_str!("../breached-passwords.txt");

/// The passwords of [`DEMO_BREACHED_PASSWORDS`], blank lines left out.
pub fn demo_breached_passwords() -> impl Iterator<Item = &'static str> {
    DEMO_BREACHED_PASSWORDS.lines().filter(|line| !line.trim().is_empty())
}

/// The breach source `source` names, a description for the banner, and
/// the temporary directory that holds the demo list's mirror (kept as long
/// as the demo runs: the mirror reads its files at every lookup).
type Breaches = (Option<Arc<dyn BreachedPasswords>>, String, Option<TempDir>);

/// Opens the breach source `source` names. The demo list is written, as the
/// official downloader writes its range files, into a fresh temporary
/// directory rather than beside the mail: it is the demo's own, private,
/// gone when the demo ends, and needs nothing writable in the working
/// directory (nor a mail directory, with SMTP).
fn breach_source(source: &BreachSource) -> Result<Breaches, DemoError> {
    let variable = "INZANT_BREACHED_PASSWORDS";
    match source {
        BreachSource::Off => {
            Ok((None, format!("Breached passwords are not checked ({variable}=off)."), None))
        }
        BreachSource::Demo => {
            let dir =
                tempfile::Builder::new().prefix("inzant-breached-passwords-").tempdir().map_err(|error| {
                    DemoError::Startup(format!(
                        "could not create a directory for the breached-password list: {error}"
                    ))
                })?;
            let written = |error: std::io::Error| {
                DemoError::Startup(format!(
                    "could not write the breached-password list to {}: {error}",
                    dir.path().display()
                ))
            };
            write_range_directory(dir.path(), demo_breached_passwords().map(|p| (PasswordSha1::of(p), 1)))
                .map_err(written)?;
            let mirror = LocalMirror::open(dir.path()).map_err(|error| {
                DemoError::Startup(format!("the demo's breached-password list cannot be read back: {error}"))
            })?;
            let count = demo_breached_passwords().count();
            let said = format!(
                "Passwords in the demo's list of {count} breached passwords are refused \
                 ({variable}=api checks the real Pwned Passwords)."
            );
            Ok((Some(Arc::new(mirror)), said, Some(dir)))
        }
        BreachSource::Api => {
            let api = RangeApi::new(RangeApiSettings::default())
                .map_err(|error| DemoError::Config(format!("{variable}=api: {error}")))?;
            let said = "Passwords found in known data breaches are refused (the Pwned Passwords range API).";
            Ok((Some(Arc::new(api)), said.to_owned(), None))
        }
        BreachSource::Mirror(path) => {
            let mirror = LocalMirror::open(path).map_err(|error| {
                DemoError::Config(format!(
                    "{variable}: {error} (expected demo, off, api, or a Pwned Passwords mirror: a directory \
                     of range files or one sorted file of SHA1:COUNT lines)"
                ))
            })?;
            let said = format!(
                "Passwords found in known data breaches are refused (the mirror at {}).",
                path.display()
            );
            Ok((Some(Arc::new(mirror)), said, None))
        }
    }
}

/// Wires everything: store, users and audit (memory, or PostgreSQL with
/// migrations), the mailer, the code key, the seeded users, the core
/// service (Argon2id on its own threads, sessions revoked after a reset),
/// the adapter and the demo's routes.
///
/// # Errors
/// [`DemoError::Config`] for unusable settings, [`DemoError::Startup`] when
/// the database or the mail directory cannot be used.
pub async fn build_app(config: DemoConfig) -> Result<Demo, DemoError> {
    let origin = config.public_origin().to_owned();
    let secure = config.secure_cookies();
    let cookies = Cookies { secure };
    // Before the service exists, so the metrics it records from the start are kept.
    let metrics = config.metrics_listen.map(MetricsEndpoint::install).transpose()?;
    let argon2 = Argon2id::new(config.hash_params)
        .map_err(|error| DemoError::Config(format!("invalid Argon2id parameters: {error}")))?;
    let catalogues = catalogues(config.locales_dir.as_deref())?;
    let (breach_source, breached_passwords, breach_mirror) = breach_source(&config.breached_passwords)?;

    let (store, users, audit): (Arc<dyn ResetStore>, Users, Arc<dyn AuditSink>) = match &config.database_url {
        None => (
            Arc::new(MemoryStore::new()),
            Users::Memory(Arc::new(MemoryDirectory::new())),
            Arc::new(MemoryAudit::new()),
        ),
        Some(url) => {
            let shown = config::redact_url(&url.0);
            // Sized for the hashing threads, no ping before every statement.
            // A request waits at most `db_acquire_timeout` for a connection, so
            // an outage is answered 503 within it rather than after sqlx's 30 s.
            let pool = inzant_reset_sqlx::pool_options(inzant_reset_core::workers::available_cores())
                .acquire_timeout(config.db_acquire_timeout)
                .connect(&url.0)
                .await
                .map_err(|error| {
                    DemoError::Startup(format!("could not connect to DATABASE_URL ({shown}): {error}"))
                })?;
            let schema_of = |name: &str| {
                Schema::new(name)
                    .map_err(|error| DemoError::Config(format!("invalid database schema name: {error}")))
            };
            let pg = PgReset::new(pool.clone()).with_schema(schema_of(&config.database_schema)?);
            pg.migrate()
                .await
                .map_err(|error| DemoError::Startup(format!("database migrations failed: {error}")))?;
            let users = PgUsers::create(pool, &schema_of(&config.users_schema)?)
                .await
                .map_err(|error| DemoError::Startup(error.to_string()))?;
            // The description of the users table against the real one, now rather than at the first reset.
            pg.check(users.table()).await.map_err(|error| DemoError::Startup(error.to_string()))?;
            tracing::info!(database = %shown, schema = %pg.schema(), "using PostgreSQL");
            let store = pg.store().with_users(users.table());
            (Arc::new(store), Users::Postgres(users), Arc::new(pg.audit()))
        }
    };

    let mailer: Arc<dyn Mailer> = match &config.mail {
        MailSetting::Directory(dir) => {
            tokio::fs::create_dir_all(dir).await.map_err(|error| {
                DemoError::Startup(format!("could not create the mail directory {}: {error}", dir.display()))
            })?;
            tracing::info!(dir = %dir.display(), "emails are written as .eml files");
            Arc::new(FileMailer::new(dir.clone()))
        }
        MailSetting::Smtp(url) => {
            // Both bounds are the one timeout: a dead or stalled server is
            // reported to the admin within it, not after lettre's minute.
            let mailer = SmtpMailer::builder(&url.0)
                .map_err(|error| DemoError::Config(format!("SMTP_URL cannot be used: {error}")))?
                .connect_timeout(config.smtp_timeout)
                .send_timeout(config.smtp_timeout)
                .build()
                .map_err(|error| DemoError::Startup(format!("the SMTP mailer cannot start: {error}")))?;
            tracing::info!(server = %config::redact_url(&url.0), timeout_s = config.smtp_timeout.as_secs_f64(),
                "emails are sent over SMTP");
            Arc::new(mailer)
        }
    };

    let keys = match &config.reset_secret {
        Some(secret) => CodeKeys::new(secret.expose_secret().to_vec(), Vec::new())
            .map_err(|error| DemoError::Config(format!("INZANT_RESET_SECRET: {error}")))?,
        None => {
            tracing::warn!(
                "INZANT_RESET_SECRET is not set: using a random key, so codes emailed before a restart stop working"
            );
            CodeKeys::generate(&OsRandom).map_err(|error| DemoError::Startup(error.to_string()))?
        }
    };

    let seeded = users::seed(&users, &argon2, config.admin_password).await?;
    users::seed_load_users(&users, config.load_users).await?;

    let mut reset_config = ResetConfig::new(origin.clone());
    if let Some(ttl) = config.reset_ttl {
        reset_config.reset_ttl = ttl;
        reset_config.create_ttl = ttl;
    }
    reset_config.resend_cooldown = config.resend_cooldown;
    if let Some(cap) = config.daily_cap {
        reset_config.max_per_user_per_day = cap;
    }

    let sessions = Arc::new(Sessions::new(cookies));
    let flashes = Arc::new(session::Flashes::new(cookies));
    let throttle = Arc::new(throttle::SignInThrottle::new(throttle::Limits {
        per_client: config.sign_in_per_account_and_address,
        per_account: config.sign_in_per_account,
        per_address: config.sign_in_per_address,
    }));
    let devices = Arc::new(device::DeviceCookies::new(config.reset_secret.as_ref())?);
    let mut builder = ResetService::builder(store, users.directory(), mailer, keys, reset_config)
        .hash_params(config.hash_params)
        .catalogues(catalogues)
        .hooks(Arc::new(RevokeSessions { sessions: Arc::clone(&sessions) }));
    builder = builder.audit(Arc::clone(&audit));
    if let Some(source) = breach_source {
        let policy = config.breach_policy;
        let unavailable = match policy.on_unavailable {
            OnUnavailable::Allow => "allow",
            OnUnavailable::Refuse => "refuse",
        };
        tracing::info!(threshold = policy.threshold, unavailable, "{breached_passwords}");
        builder = builder.breached_passwords(source, policy);
    }
    let service = Arc::new(
        builder.build().map_err(|error| DemoError::Config(format!("invalid reset settings: {error}")))?,
    );

    let gate = DemoGate {
        service: Arc::clone(&service),
        sessions: Arc::clone(&sessions),
        flashes: Arc::clone(&flashes),
        users: users.clone(),
        cookies,
    };
    let mut web_settings = WebSettings::new("/login");
    if let Some(limit) = config.strength_checks_per_minute {
        web_settings.strength_checks_per_minute = limit;
    }
    let web = ResetWeb::new(Arc::clone(&service), Arc::new(gate), web_settings);

    let decoy = users::random_password().ok_or_else(|| {
        DemoError::Startup("the operating system's random number generator failed".to_owned())
    })?;
    let decoy_hasher = argon2.clone();
    let decoy_hash = tokio::task::spawn_blocking(move || decoy_hasher.hash_password(&decoy))
        .await
        .map_err(|error| DemoError::Startup(format!("hashing failed: {error}")))?
        .map_err(|error| DemoError::Startup(format!("hashing failed: {error}")))?;

    let state = routes::AppState {
        users,
        sessions: Arc::clone(&sessions),
        flashes: Arc::clone(&flashes),
        cookies,
        throttle: Arc::clone(&throttle),
        devices,
        decoy_hash: Arc::from(decoy_hash.as_str()),
        service: Arc::clone(&service),
        public_origin: Arc::from(origin.as_str()),
        audit,
    };
    let pages = Router::new()
        .route("/", get(routes::root))
        .route("/login", get(routes::login_form).post(routes::login_submit))
        .route("/logout", post(routes::logout))
        .route("/home", get(routes::home))
        .route("/admin/users", get(routes::user_search))
        .route("/admin/users/{id}", get(routes::user_details))
        .route(PASSWORD_RESETS_PATH, get(routes::password_resets))
        .route("/api/app/sign-in", post(routes::app_sign_in))
        .route("/assets/demo.css", get(routes::style))
        .route("/assets/demo.js", get(routes::script))
        .fallback(routes::not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::map_response(routes::security_headers))
        .with_state(state);
    let mut router = pages.merge(web.router());
    if secure {
        router = router.layer(axum::middleware::map_response(routes::strict_transport_security));
    }

    Ok(Demo {
        router,
        public_url: origin,
        mail: config.mail,
        uses_postgres: config.database_url.is_some(),
        seeded,
        load_users: config.load_users,
        service,
        sessions,
        serve: config.serve,
        metrics,
        breached_passwords,
        flashes,
        throttle,
        _breach_mirror: breach_mirror,
    })
}
