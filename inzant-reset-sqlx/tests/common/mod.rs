//! Shared set-up for the PostgreSQL tests: the database comes from
//! `DATABASE_URL`, which `scripts/test` sets after starting a private cluster.

#![allow(dead_code)]

use std::time::Duration;

use inzant_reset_core::conformance::new_request;
use inzant_reset_core::hash::{Argon2id, HashParams, PasswordHash};
use inzant_reset_core::ports::{IssueLimits, IssueOutcome, ResetStore};
use inzant_reset_core::request::{RequestId, ResetRequest};
use inzant_reset_core::secret::OsRandom;
use inzant_reset_core::user::{User, UserId, UserType};
use inzant_reset_sqlx::{PgStore, PgUserDirectory, Schema, migrate};
use secrecy::SecretString;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use time::OffsetDateTime;

/// The schema the tests of this crate (other than the conformance suite) use.
pub const TEST_SCHEMA: &str = "inzant_reset_test";

/// The test database's URL. Fails the test, rather than skipping it, when unset.
pub fn database_url() -> String {
    match std::env::var("DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => url,
        _ => panic!(
            "DATABASE_URL is not set: the inzant-reset-sqlx tests need a real PostgreSQL server. \
             Run `scripts/test`, which starts a private PostgreSQL 15 cluster and sets DATABASE_URL, \
             or set DATABASE_URL to a database you can write to."
        ),
    }
}

/// A fresh pool of up to `max` connections, with `schema` migrated.
pub async fn pool_in(schema: &Schema, max: u32) -> PgPool {
    let pool = PgPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(Duration::from_secs(120))
        .connect(&database_url())
        .await
        .unwrap_or_else(|error| panic!("cannot connect to DATABASE_URL: {error}"));
    migrate(&pool, schema).await.unwrap_or_else(|error| panic!("migrations failed: {error}"));
    pool
}

pub fn schema() -> Schema {
    Schema::new(TEST_SCHEMA).unwrap()
}

/// A pool on the test schema.
pub async fn pool(max: u32) -> PgPool {
    pool_in(&schema(), max).await
}

/// A store (with the users table) and directory on a fresh pool: one "app instance".
pub async fn instance(max: u32) -> (PgStore, PgUserDirectory) {
    let pool = pool(max).await;
    let users = PgUserDirectory::new(pool.clone()).with_schema(schema());
    let store = PgStore::new(pool).with_schema(schema()).with_users(&users);
    (store, users)
}

/// A user id no other test uses.
pub fn fresh_user_id() -> UserId {
    UserId::new(format!("test-{}", RequestId::generate(&OsRandom).unwrap()))
}

/// A web user with a fresh id, saved in `users`.
pub async fn saved_user(users: &PgUserDirectory, user_type: UserType) -> User {
    let id = fresh_user_id();
    let user = User {
        username: format!("{}@inzant.example", id.as_str()),
        display_name: "Pat Example".to_owned(),
        email_to: Some("pat.other@inzant.example".to_owned()),
        user_type,
        has_password: false,
        id,
    };
    users.upsert_user(&user).await.unwrap();
    user
}

/// A real (cheap) Argon2id hash of `password`.
pub fn hash_of(password: &str) -> PasswordHash {
    Argon2id::new(HashParams::insecure_for_tests())
        .unwrap()
        .hash_password(&SecretString::from(password.to_owned()))
        .unwrap()
}

pub const NO_LIMITS: IssueLimits = IssueLimits { cooldown: Duration::ZERO, max_per_day: u32::MAX };

/// Issues a new request for `user` at `at` without limits.
pub async fn issued(store: &PgStore, user: &UserId, at: OffsetDateTime) -> ResetRequest {
    let request = new_request(user, at);
    assert_eq!(store.issue(&request, NO_LIMITS).await.unwrap(), IssueOutcome::Issued);
    request
}

/// The request as stored now.
pub async fn current(store: &PgStore, request: &ResetRequest) -> ResetRequest {
    store.find_by_token(&request.token_digest).await.unwrap().expect("the request is stored")
}
