//! Where the tables live: a validated schema name, the embedded migrations,
//! and [`migrate`], which applies them inside a schema.

use std::fmt;
use std::sync::Arc;

use inzant_reset_core::error::StoreError;
use sqlx::migrate::Migrator;
use sqlx::{AssertSqlSafe, Connection, PgPool};

use crate::error::db_error;
use crate::ident;

/// The migrations of this crate, embedded at build time from
/// `inzant-reset-sqlx/migrations`.
///
/// Their SQL uses unqualified table names, so they create the tables in the
/// first schema of the connection's `search_path`, and running this migrator
/// directly records them in that schema's `_sqlx_migrations` table (where
/// they could clash with the host's own sqlx migrations). Prefer
/// [`migrate`], which puts the tables *and* the bookkeeping table in a
/// schema of their own.
pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// The table in which [`migrate`] records applied migrations, inside the
/// configured schema. Distinct from sqlx's default `_sqlx_migrations` so the
/// host's own migrations never mix with these.
pub const MIGRATIONS_TABLE: &str = "_inzant_reset_migrations";

/// A PostgreSQL schema name, checked to be a plain lower-case identifier so
/// it can be spliced into SQL safely.
///
/// Rules: 1–63 bytes of `a`–`z`, `0`–`9` and `_`, not starting with a digit
/// (the rule for every name this crate splices into SQL, the host's table
/// and columns too), and not starting with `pg_` (reserved by PostgreSQL).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Schema(Arc<str>);

impl Schema {
    /// The schema used when none is configured: `inzant_reset`.
    pub const DEFAULT_NAME: &'static str = "inzant_reset";

    /// Checks `name` and wraps it.
    pub fn new(name: impl Into<String>) -> Result<Self, InvalidSchemaName> {
        let name = name.into();
        if ident::is_plain(&name) && !name.starts_with("pg_") {
            Ok(Self(name.into()))
        } else {
            Err(InvalidSchemaName(name))
        }
    }

    /// The bare name, as given.
    pub fn name(&self) -> &str {
        &self.0
    }

    /// The name as a quoted SQL identifier: `"inzant_reset"`.
    pub fn quoted(&self) -> String {
        format!("\"{}\"", self.0)
    }

    /// The schema-qualified, quoted name of `table`: `"inzant_reset"."users"`.
    pub(crate) fn table(&self, table: &str) -> String {
        format!("\"{}\".\"{}\"", self.0, table)
    }
}

impl Default for Schema {
    fn default() -> Self {
        Self(Self::DEFAULT_NAME.into())
    }
}

impl fmt::Debug for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Schema({:?})", self.0)
    }
}

impl fmt::Display for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A schema name that [`Schema::new`] refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not a usable schema name: use 1-63 characters of a-z, 0-9 and _, not starting with a digit or pg_"
)]
pub struct InvalidSchemaName(pub String);

/// Applies [`MIGRATOR`] inside `schema`: creates the schema if needed, runs
/// each pending migration with `search_path` set to it (so the tables land
/// there), and records them in `schema.`[`MIGRATIONS_TABLE`].
///
/// Safe to call from every app instance at start-up, concurrently: sqlx
/// holds a database-wide advisory lock while migrating, and migrations
/// already applied are skipped. The work is done on a connection taken out
/// of the pool and closed afterwards, so the pool's connections never see
/// the changed `search_path`.
///
/// Stores, directories and audit sinks built with the same schema then use
/// schema-qualified table names and do not depend on `search_path`.
pub async fn migrate(pool: &PgPool, schema: &Schema) -> Result<(), StoreError> {
    let mut migrator = Migrator::with_migrations(MIGRATOR.iter().cloned().collect());
    migrator.create_schema(schema.quoted());
    migrator.dangerous_set_table_name(schema.table(MIGRATIONS_TABLE));

    let mut conn = pool.acquire().await.map_err(db_error("connect to run migrations"))?.detach();
    let set_path = format!("SET search_path TO {}", schema.quoted());
    let result = match sqlx::query(AssertSqlSafe(set_path)).execute(&mut conn).await {
        Ok(_) => migrator.run(&mut conn).await.map_err(|error| {
            StoreError::with_source(
                format!("could not apply the inzant-reset migrations in schema {schema}"),
                error,
            )
        }),
        Err(error) => Err(db_error("set the search_path for migrations")(error)),
    };
    // Closing also releases the migration lock if migrating failed midway.
    let _closed = conn.close().await;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_names_are_plain_identifiers() {
        for good in ["inzant_reset", "a", "_x9", "tenant_42"] {
            assert!(Schema::new(good).is_ok(), "{good}");
        }
        let too_long = "a".repeat(64);
        for bad in ["", "9a", "Inzant", "a-b", "a.b", "a\"b", "pg_reset", "a b", too_long.as_str(), "é"] {
            assert!(Schema::new(bad).is_err(), "{bad}");
        }
        assert_eq!(Schema::default().name(), "inzant_reset");
        assert_eq!(Schema::default().table("users"), "\"inzant_reset\".\"users\"");
    }

    #[test]
    fn migrations_are_embedded() {
        assert!(MIGRATOR.iter().count() >= 1);
    }
}
