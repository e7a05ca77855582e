//! The `accounts` table: who can sign in, and how.

use serde::{Deserialize, Serialize};
use sqlx::PgPool;

/// What an account is for, as stored in `accounts.kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[sqlx(type_name = "text", rename_all = "lowercase")]
pub enum Kind {
    /// Back-office staff who manage accounts.
    Admin,
    /// Staff who use the website.
    Web,
    /// A tablet or phone that signs in from the ordering app only.
    Device,
}

impl Kind {
    /// How the accounts list names it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Admin => "Administrator",
            Self::Web => "Web",
            Self::Device => "Device",
        }
    }
}

/// One row of `accounts`.
#[derive(Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Account {
    /// The key.
    pub account_id: i64,
    /// What the account signs in with.
    pub login_email: String,
    /// The Argon2id PHC string of the password; `None` until one is set.
    pub pwd_hash: Option<String>,
    /// Admin, web or device.
    pub kind: Kind,
    /// The name people see.
    pub display_name: String,
    /// Where order confirmations and invoices go, if not to the login email.
    pub email_to: Option<String>,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("account_id", &self.account_id)
            .field("login_email", &self.login_email)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// A row to insert.
#[derive(Clone, Debug)]
pub struct NewAccount<'a> {
    /// What the account signs in with.
    pub login_email: &'a str,
    /// Admin, web or device.
    pub kind: Kind,
    /// The name people see.
    pub display_name: &'a str,
    /// Where other mail goes, if not to the login email.
    pub email_to: Option<&'a str>,
}

/// `SELECT` of every column of [`Account`], then `$tail`.
macro_rules! select_accounts {
    ($tail:literal) => {
        concat!(
            "SELECT account_id, login_email, pwd_hash, kind, display_name, email_to FROM accounts ",
            $tail
        )
    };
}

/// The account with id `account_id`.
///
/// # Errors
/// The database failed.
pub async fn find(pool: &PgPool, account_id: i64) -> Result<Option<Account>, sqlx::Error> {
    sqlx::query_as(select_accounts!("WHERE account_id = $1")).bind(account_id).fetch_optional(pool).await
}

/// The account signing in as `login_email`, whatever its case.
///
/// # Errors
/// The database failed.
pub async fn find_by_email(pool: &PgPool, login_email: &str) -> Result<Option<Account>, sqlx::Error> {
    sqlx::query_as(select_accounts!("WHERE lower(login_email) = lower($1)"))
        .bind(login_email.trim())
        .fetch_optional(pool)
        .await
}

/// Every account, admins first, then by name.
///
/// # Errors
/// The database failed.
pub async fn list(pool: &PgPool) -> Result<Vec<Account>, sqlx::Error> {
    sqlx::query_as(select_accounts!("ORDER BY kind = 'admin' DESC, lower(display_name), account_id"))
        .fetch_all(pool)
        .await
}

/// Inserts `account` with `pwd_hash` (or none) and returns its id.
///
/// # Errors
/// The database failed, or the login email is taken.
pub async fn create(
    pool: &PgPool,
    account: &NewAccount<'_>,
    pwd_hash: Option<&str>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO accounts (login_email, pwd_hash, kind, display_name, email_to) \
         VALUES ($1, $2, $3, $4, $5) RETURNING account_id",
    )
    .bind(account.login_email)
    .bind(pwd_hash)
    .bind(account.kind)
    .bind(account.display_name)
    .bind(account.email_to)
    .fetch_one(pool)
    .await
}

/// Replaces the account's password hash (after a sign-in found it outdated).
///
/// # Errors
/// The database failed.
pub async fn set_pwd_hash(pool: &PgPool, account_id: i64, pwd_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE accounts SET pwd_hash = $2 WHERE account_id = $1")
        .bind(account_id)
        .bind(pwd_hash)
        .execute(pool)
        .await
        .map(drop)
}

/// Whether any admin account exists.
///
/// # Errors
/// The database failed.
pub async fn any_admin(pool: &PgPool) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM accounts WHERE kind = 'admin')").fetch_one(pool).await
}
