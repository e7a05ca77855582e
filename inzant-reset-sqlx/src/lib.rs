//! # inzant-reset-sqlx
//!
//! PostgreSQL storage for the Inzant password reset
//! ([`inzant_reset_core`]), on sqlx:
//!
//! - [`PgStore`] — the [`ResetStore`](inzant_reset_core::ports::ResetStore):
//!   reset requests in `reset_requests`, every step atomic in the database,
//!   so several app instances behind a load balancer can share one database.
//! - [`PgUserDirectory`] — a [`UserDirectory`](inzant_reset_core::ports::UserDirectory)
//!   on a documented default `users` table (hosts with their own users table
//!   implement the trait themselves).
//! - [`PgAudit`] — an [`AuditSink`](inzant_reset_core::ports::AuditSink)
//!   writing to `audit_events`.
//! - [`migrate`] and [`MIGRATOR`] — the embedded migrations creating those
//!   three tables.
//!
//! ## Schemas and migrations
//!
//! All tables live in one schema, [`Schema::DEFAULT_NAME`] (`inzant_reset`)
//! unless configured otherwise, so they never collide with the host's own
//! tables (its `users`, say). [`migrate`] creates the schema, applies the
//! migrations inside it (it sets `search_path` on a private connection while
//! migrating) and records them in `<schema>._inzant_reset_migrations`, apart
//! from the host's own sqlx migrations. It is safe to call from every app
//! instance at start-up. The store, directory and audit sink then use
//! schema-qualified table names, so the pool's `search_path` does not
//! matter. Give the same [`Schema`] to `migrate` and to each `with_schema`.
//!
//! ## Wiring it up
//!
//! ```no_run
//! use std::sync::Arc;
//!
//! use inzant_reset_core::memory::MemoryOutbox;
//! use inzant_reset_core::prelude::*;
//! use inzant_reset_sqlx::{PgAudit, PgStore, PgUserDirectory, Schema};
//! use sqlx::postgres::PgPoolOptions;
//!
//! # async fn wire() -> Result<(), Box<dyn std::error::Error>> {
//! let pool = PgPoolOptions::new().max_connections(20).connect("postgres://localhost/inzant").await?;
//! let schema = Schema::new("inzant_reset")?;
//! inzant_reset_sqlx::migrate(&pool, &schema).await?;
//!
//! let users = PgUserDirectory::new(pool.clone()).with_schema(schema.clone());
//! // The store completes a request and saves the new hash in one transaction.
//! let store = PgStore::new(pool.clone()).with_schema(schema.clone()).with_users(&users);
//! let audit = PgAudit::new(pool.clone()).with_schema(schema);
//!
//! let service = ResetService::builder(
//!     Arc::new(store.clone()),
//!     Arc::new(users),
//!     Arc::new(MemoryOutbox::new()), // a real mailer in production
//!     CodeKeys::generate(&OsRandom)?,
//!     ResetConfig::new("https://sales.inzant.example/password-reset/"),
//! )
//! .audit(Arc::new(audit))
//! .build()?;
//!
//! // Now and then (say hourly): drop requests finished or expired over 30 days ago.
//! store.purge_older_than(std::time::Duration::from_secs(30 * 24 * 3600)).await?;
//! # let _ = service;
//! # Ok(())
//! # }
//! ```
//!
//! ## Purging
//!
//! Requests are never rewritten as expired; an issued request past its
//! `expires_at` simply reads as expired. [`PgStore::purge_older_than`] (or
//! [`ResetStore::purge`](inzant_reset_core::ports::ResetStore::purge))
//! deletes requests that expired before the cut-off and finished ones
//! created before it; live requests stay. The host calls it on a timer.
//! Audit events are kept.
//!
//! ## Errors
//!
//! Every database failure becomes the core's
//! [`StoreError`](inzant_reset_core::error::StoreError) or
//! [`DirectoryError`](inzant_reset_core::error::DirectoryError), whose
//! message says what could not be done and whose source is the sqlx error.
//! Nothing here panics.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod audit;
mod directory;
mod error;
mod schema;
mod store;

pub use audit::PgAudit;
pub use directory::PgUserDirectory;
pub use schema::{InvalidSchemaName, MIGRATIONS_TABLE, MIGRATOR, Schema, migrate};
pub use store::{ISSUE_LOCK_CLASS, PgStore};
