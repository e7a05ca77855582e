//! # inzant-reset-sqlx
//!
//! PostgreSQL storage for the Inzant password reset
//! ([`inzant_reset_core`]), on **sqlx 0.9** (re-exported as
//! [`inzant_reset_sqlx::sqlx`](crate::sqlx): build your pool with it, or
//! depend on the same sqlx minor version, or the compiler will speak of
//! "a different `Pool<Postgres>`").
//!
//! - [`PgReset`] — the library's tables in one schema of the host's
//!   database: [`PgReset::migrate`] creates them, and it hands out the
//!   store and the audit sink.
//! - [`PgStore`] — the [`ResetStore`](inzant_reset_core::ports::ResetStore):
//!   reset requests in `reset_requests`, every step atomic in the database,
//!   so several app instances behind a load balancer can share one database.
//! - [`UsersTable`] — a description of the **host's own users table**, in
//!   whatever shape it has: its name, its id column and type, and for each
//!   field of a user a column or a read-only SQL expression (a user type
//!   from boolean columns, a nullable name, a tenant of any type, a
//!   locale). With it [`PgStore::with_users`] saves a new password hash in
//!   the same transaction that completes the request, and
//!   [`PgUserDirectory`] reads users from it; [`PgReset::check`] compares
//!   it with the real table at start-up. The host's table is never created
//!   or altered here.
//! - [`PgAudit`] — an [`AuditSink`](inzant_reset_core::ports::AuditSink)
//!   writing to `audit_events`. When it is the service's sink and on the
//!   store's database and schema, the store's completion statement writes
//!   the "completed" event itself, in the same transaction.
//!
//! ## Schemas and migrations
//!
//! The library's tables (`reset_requests`, `audit_events`) live in one
//! schema, [`Schema::DEFAULT_NAME`] (`inzant_reset`) unless configured
//! otherwise, so they never collide with the host's tables. [`migrate`]
//! creates the schema, applies the migrations inside it and records them in
//! `<schema>._inzant_reset_migrations`, apart from the host's own sqlx
//! migrations. It is safe to call from every app instance at start-up.
//!
//! ## Wiring it up
//!
//! ```no_run
//! use std::sync::Arc;
//!
//! use inzant_reset_core::memory::MemoryOutbox;
//! use inzant_reset_core::prelude::*;
//! use inzant_reset_sqlx::{IdType, PgReset, UsersTable};
//!
//! # async fn wire() -> Result<(), Box<dyn std::error::Error>> {
//! let workers = std::thread::available_parallelism().map_or(2, usize::from);
//! let pool = inzant_reset_sqlx::pool_options(workers) // sized for the hashing threads
//!     .acquire_timeout(std::time::Duration::from_secs(2)) // an outage answers fast
//!     .connect("postgres://localhost/inzant")
//!     .await?;
//! let pg = PgReset::new(pool); // schema inzant_reset
//! pg.migrate().await?;
//!
//! // The host's own table, as it is: crm.people (person_id uuid, email text,
//! // full_name text NULL, is_admin boolean, app_only boolean, pwd text NULL,
//! // tenant_id bigint, locale text NULL).
//! let people = UsersTable::new("crm.people")?
//!     .id("person_id", IdType::Uuid)?
//!     .username("email")?
//!     .password_hash("pwd")?
//!     .display_name_sql("coalesce(full_name, '')")? // or .display_name("full_name"): NULL reads as ""
//!     .email_to(None)?
//!     .user_type_flags(Some("is_admin"), Some("app_only"))? // admin, else device, else web
//!     .tenant("tenant_id")? // read as text: "42"
//!     .locale("locale")?;
//! // Compare the description with the table now, not at the first reset.
//! pg.check(&people).await?;
//!
//! // Store (completion + new hash in one transaction), directory and audit, wired:
//! let service = pg
//!     .service(
//!         people,
//!         Arc::new(MemoryOutbox::new()), // a real mailer in production
//!         CodeKeys::generate(&OsRandom)?,
//!         ResetConfig::new("https://sales.inzant.example"),
//!     )
//!     .build()?;
//!
//! // Now and then (say hourly): drop requests that expired, or finished ones
//! // created, over 30 days ago.
//! service.purge(std::time::Duration::from_secs(30 * 24 * 3600)).await?;
//! # let _ = service;
//! # Ok(())
//! # }
//! ```
//!
//! ## Purging
//!
//! Requests are never rewritten as expired; an issued request past its
//! `expires_at` simply reads as expired. The service's
//! [`ResetService::purge`](inzant_reset_core::ResetService::purge) (on its
//! clock, with a retention of at least 24 hours) has the store
//! ([`ResetStore::purge`](inzant_reset_core::ports::ResetStore::purge))
//! delete requests that expired before the cut-off and finished ones
//! created before it; live requests stay. The host calls it on a timer.
//! Audit events are kept.
//!
//! ## Errors
//!
//! Every database failure becomes the core's
//! [`StoreError`] or
//! [`DirectoryError`](inzant_reset_core::error::DirectoryError), whose
//! message says what could not be done and whose source is the sqlx error.
//! Nothing here panics.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod audit;
mod error;
mod ident;
mod pool;
mod schema;
mod store;
mod users;

pub use audit::PgAudit;
pub use pool::{PING_IDLE_AFTER, pool_options};
pub use schema::{InvalidSchemaName, MIGRATIONS_TABLE, MIGRATOR, Schema, migrate};
pub use store::{ISSUE_LOCK_CLASS, PgStore};
pub use users::{IdType, InvalidUsersTable, PgUserDirectory, UsersTable, UsersTableError};

/// The sqlx this crate is built on (0.9), for building the pool it takes.
pub use sqlx;

use std::sync::Arc;

use inzant_reset_core::error::StoreError;
use inzant_reset_core::ports::Mailer;
use inzant_reset_core::secret::CodeKeys;
use inzant_reset_core::service::{ResetConfig, ResetService, ResetServiceBuilder};
use sqlx::PgPool;

/// The library's tables in one schema of the host's database: say the
/// pool and the schema once, then take the store, the audit sink and a
/// directory from here. Cheap to clone.
#[derive(Clone, Debug)]
pub struct PgReset {
    pool: PgPool,
    schema: Schema,
}

impl PgReset {
    /// The library's tables in schema `inzant_reset` of `pool`'s database.
    pub fn new(pool: PgPool) -> Self {
        Self { pool, schema: Schema::default() }
    }

    /// In `schema` instead.
    pub fn with_schema(mut self, schema: Schema) -> Self {
        self.schema = schema;
        self
    }

    /// Creates or updates the library's tables ([`migrate`]): only the
    /// library's own, in its own schema.
    ///
    /// # Errors
    /// The database could not be reached or a migration failed.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        migrate(&self.pool, &self.schema).await
    }

    /// Checks the description of the host's users table against the
    /// database ([`UsersTable::check`]): the table, every column and its
    /// type, every SQL expression, and the statement that completes a reset
    /// and saves the new hash. Call it at start-up, after
    /// [`PgReset::migrate`], so a mistake in the description stops the app
    /// with a message naming the column instead of failing the first reset.
    ///
    /// # Errors
    /// The first mismatch, naming the table and the column or expression;
    /// or the database could not be asked.
    pub async fn check(&self, users: &UsersTable) -> Result<(), UsersTableError> {
        users.check(&self.pool).await?;
        let (requests, audit) = (self.schema.table("reset_requests"), self.schema.table("audit_events"));
        users.check_completion(&self.pool, &requests, &audit).await
    }

    /// The reset store. Add [`PgStore::with_users`] so completions write
    /// the new hash in the same transaction.
    pub fn store(&self) -> PgStore {
        PgStore::new(self.pool.clone()).with_schema(self.schema.clone())
    }

    /// The audit sink.
    pub fn audit(&self) -> PgAudit {
        PgAudit::new(self.pool.clone()).with_schema(self.schema.clone())
    }

    /// A user directory reading the host's `users` table.
    pub fn directory(&self, users: UsersTable) -> PgUserDirectory {
        PgUserDirectory::new(self.pool.clone(), users)
    }

    /// A service builder wired to PostgreSQL: the store writing new hashes
    /// into `users` in the completion's transaction, a directory reading
    /// `users`, and the audit table. Add hooks, words and the rest, then
    /// `build()`.
    pub fn service(
        &self,
        users: UsersTable,
        mailer: Arc<dyn Mailer>,
        keys: CodeKeys,
        config: ResetConfig,
    ) -> ResetServiceBuilder {
        let store = Arc::new(self.store().with_users(&users));
        ResetService::builder(store, Arc::new(self.directory(users)), mailer, keys, config)
            .audit(Arc::new(self.audit()))
    }

    /// The schema of the library's tables.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The connection pool.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}
