//! Turning sqlx errors into the core's port errors, with a sentence saying
//! what was being attempted. Messages never contain secrets: queries bind
//! only ids, digests and hashes, and sqlx errors do not echo bound values.

use inzant_reset_core::error::{DirectoryError, StoreError};

/// Maps a sqlx error met while trying to `action` to a [`StoreError`].
pub(crate) fn db_error(action: &str) -> impl FnOnce(sqlx::Error) -> StoreError + '_ {
    move |error| StoreError::with_source(describe(action, &error), error)
}

/// Maps a sqlx error met while trying to `action` to a [`DirectoryError`].
pub(crate) fn directory_error(action: &str) -> impl FnOnce(sqlx::Error) -> DirectoryError + '_ {
    move |error| DirectoryError::with_source(describe(action, &error), error)
}

fn describe(action: &str, error: &sqlx::Error) -> String {
    let why = match error {
        sqlx::Error::PoolTimedOut => " (no database connection became free in time)",
        sqlx::Error::PoolClosed => " (the connection pool is closed)",
        sqlx::Error::Io(_) | sqlx::Error::Tls(_) => " (the connection to PostgreSQL failed)",
        sqlx::Error::Database(db) if db.is_unique_violation() => " (a row with the same key already exists)",
        sqlx::Error::Database(db) if db.code().as_deref() == Some("42P01") => {
            " (a table is missing: run inzant_reset_sqlx::migrate first)"
        }
        _ => "",
    };
    format!("PostgreSQL: could not {action}{why}")
}

/// A stored value that this crate cannot have written.
pub(crate) fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::new(format!("PostgreSQL: unreadable row: {what}"))
}
