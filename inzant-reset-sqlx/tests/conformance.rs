//! The core's store conformance suite, unchanged, against [`PgStore`] on a
//! real PostgreSQL server. Each check gets its own pool; the schema
//! `inzant_reset_conformance` is migrated (idempotently, under sqlx's
//! advisory lock) before each.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use inzant_reset_core::ports::ResetStore;
use inzant_reset_sqlx::{PgStore, Schema};

async fn conformance_store() -> Arc<dyn ResetStore> {
    let schema = Schema::new("inzant_reset_conformance").unwrap();
    let pool = common::pool_in(&schema, 16).await;
    Arc::new(PgStore::new(pool).with_schema(schema))
}

inzant_reset_core::store_conformance_tests!(conformance_store());
