//! Every direct use of the inzant-reset crates in the load tool, in one
//! place, so a change of their API is adapted here alone. The rest of the
//! tool talks to the demo over HTTP, and to PostgreSQL in SQL.
//!
//! - [`random_hex`]: secrets for a spawned demo, from the library's OS randomness;
//! - [`Hasher`]: one Argon2id hash with the default `HashParams`, the way the
//!   demo's hashing threads compute it, for the Argon2 bound and the CPU
//!   cost of one hash;
//! - [`CoreTrigger`]: `ResetService` on `PgStore` + `PgUserDirectory` +
//!   `PgAudit` in a schema of its own, with a mailer that drops messages,
//!   for trigger throughput through the core.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use inzant_reset_core::email::Email;
use inzant_reset_core::error::MailError;
use inzant_reset_core::hash::{Argon2id, HashMemory, HashParams};
use inzant_reset_core::ports::Mailer;
use inzant_reset_core::prelude::*;
use inzant_reset_sqlx::{PgAudit, PgStore, PgUserDirectory, Schema, UsersTable};
use secrecy::SecretString;
use sqlx::postgres::PgPoolOptions;
use sqlx::{AssertSqlSafe, PgPool};

use crate::Fallible;

/// `bytes` random bytes from the operating system, in hex.
pub fn random_hex(bytes: usize) -> Fallible<String> {
    let mut raw = vec![0u8; bytes];
    OsRandom.fill(&mut raw).map_err(|error| format!("no randomness: {error}"))?;
    Ok(raw.iter().map(|b| format!("{b:02x}")).collect())
}

/// Argon2id with the default parameters and one hash's working memory,
/// reused from hash to hash as the demo's hashing threads reuse theirs.
pub struct Hasher {
    argon2: Argon2id,
    memory: HashMemory,
    password: SecretString,
}

impl Hasher {
    /// A hasher whose first hash has already paid for faulting in its memory.
    pub fn new() -> Fallible<Self> {
        let argon2 = Argon2id::new(HashParams::default()).map_err(|error| format!("Argon2id: {error}"))?;
        let memory = argon2.memory().map_err(|error| format!("hash memory: {error}"))?;
        let mut hasher = Self { argon2, memory, password: SecretString::from("Velvet-Harbour-Lantern-42") };
        hasher.hash()?;
        Ok(hasher)
    }

    /// Hashes one password.
    pub fn hash(&mut self) -> Fallible<()> {
        self.argon2
            .hash_password_in(&self.password, &mut self.memory)
            .map(drop)
            .map_err(|error| format!("hashing failed: {error}"))
    }
}

/// A mail sink that accepts every message and keeps nothing.
#[derive(Debug)]
struct DropMailer;

#[async_trait]
impl Mailer for DropMailer {
    async fn send(&self, _email: &Email) -> Result<(), MailError> {
        Ok(())
    }
}

/// The core service on PostgreSQL, in a fresh schema holding the library's
/// tables and a users table of the host's kind with an admin and
/// device users `u1`, `u2`, …; clones share the service.
#[derive(Clone)]
pub struct CoreTrigger {
    service: Arc<ResetService>,
    pool: PgPool,
    schema: Schema,
}

impl CoreTrigger {
    /// Creates the schema (migrations, `users` device users) and the service.
    pub async fn set_up(database_url: &str, users: usize) -> Fallible<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(60))
            .connect(database_url)
            .await
            .map_err(|error| format!("cannot connect to DATABASE_URL: {error}"))?;
        let name = format!("inzant_load_{}_{}", std::process::id(), random_hex(4)?);
        let schema = Schema::new(name).map_err(|error| error.to_string())?;
        inzant_reset_sqlx::migrate(&pool, &schema)
            .await
            .map_err(|error| format!("migrations failed: {error}"))?;
        match service(&pool, &schema, users).await {
            Ok(service) => Ok(Self { service: Arc::new(service), pool, schema }),
            Err(error) => {
                drop_schema(&pool, &schema).await;
                Err(error)
            }
        }
    }

    /// The admin sends user `u{n}` a reset email.
    pub async fn trigger(&self, n: usize) -> Fallible<()> {
        let user = UserId::new(format!("u{n}"));
        self.service
            .trigger(&UserId::new("admin"), &user, Purpose::Reset)
            .await
            .map(drop)
            .map_err(|error| format!("trigger for u{n} failed: {error}"))
    }

    /// Drops the schema and closes the pool.
    pub async fn tear_down(self) {
        drop_schema(&self.pool, &self.schema).await;
        self.pool.close().await;
    }
}

async fn service(pool: &PgPool, schema: &Schema, users: usize) -> Fallible<ResetService> {
    let table = add_users(pool, schema, users).await?;
    let store = PgStore::new(pool.clone()).with_schema(schema.clone()).with_users(&table);
    let directory = PgUserDirectory::new(pool.clone(), table);
    let audit = PgAudit::new(pool.clone()).with_schema(schema.clone());
    let keys = CodeKeys::generate(&OsRandom).map_err(|error| format!("no randomness: {error}"))?;
    let config = ResetConfig::new("http://127.0.0.1");
    ResetService::builder(Arc::new(store), Arc::new(directory), Arc::new(DropMailer), keys, config)
        .audit(Arc::new(audit))
        .build()
        .map_err(|error| format!("building the service: {error}"))
}

/// The host's users, in a table of its own next to the library's in the
/// scratch schema: the admin and device users `u1` … `u{users}`, written in
/// SQL (fast).
async fn add_users(pool: &PgPool, schema: &Schema, users: usize) -> Fallible<UsersTable> {
    let table = format!("{}.\"users\"", schema.quoted());
    let create = format!(
        "CREATE TABLE {table} (id text PRIMARY KEY, username text NOT NULL, display_name text NOT NULL, \
         email_to text, user_type text NOT NULL, password_hash text)"
    );
    let admin = format!(
        "INSERT INTO {table} (id, username, display_name, email_to, user_type) \
         VALUES ('admin', 'admin@inzant.example', 'Ada Admin', NULL, 'admin')"
    );
    let devices = format!(
        "INSERT INTO {table} (id, username, display_name, email_to, user_type) \
         SELECT 'u' || g, 'u' || g || '@inzant.example', 'User ' || g, NULL, 'device' \
         FROM generate_series(1, $1) AS g"
    );
    let count = i32::try_from(users).map_err(|_| "too many users".to_owned())?;
    let adding = |error: sqlx::Error| format!("adding users: {error}");
    sqlx::query(AssertSqlSafe(create)).execute(pool).await.map_err(adding)?;
    sqlx::query(AssertSqlSafe(admin)).execute(pool).await.map_err(adding)?;
    sqlx::query(AssertSqlSafe(devices)).bind(count).execute(pool).await.map_err(adding)?;
    sqlx::query(AssertSqlSafe(format!("ANALYZE {table}"))).execute(pool).await.map_err(adding)?;
    UsersTable::new(&format!("{}.users", schema.name())).map_err(|error| format!("the users table: {error}"))
}

async fn drop_schema(pool: &PgPool, schema: &Schema) {
    let drop = format!("DROP SCHEMA {} CASCADE", schema.quoted());
    if let Err(error) = sqlx::query(AssertSqlSafe(drop)).execute(pool).await {
        eprintln!("load: could not drop the schema {}: {error}", schema.name());
    }
}
