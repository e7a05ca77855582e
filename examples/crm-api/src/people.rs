//! `crm.people`: everyone the CRM knows, staff and contacts, of every tenant.

use sqlx::PgPool;
use sqlx::types::Uuid;

/// A person as sign-in reads them.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Person {
    /// Their id.
    pub person_id: Uuid,
    /// Their email address, which they sign in with.
    pub email: String,
    /// Their name, if the CRM was told it.
    pub full_name: Option<String>,
    /// Whether they administer their tenant.
    pub is_admin: bool,
    /// Whether they use the mobile apps only (no admin app).
    pub app_only: bool,
    /// Their password hash, if they have a password.
    pub pwd: Option<String>,
    /// The tenant they belong to.
    pub tenant_id: i64,
    /// Their language (`de`, `fr-CA`), if known.
    pub locale: Option<String>,
}

/// A person to add.
#[derive(Clone, Debug)]
pub struct NewPerson<'a> {
    /// Their email address.
    pub email: &'a str,
    /// Their name, if known.
    pub full_name: Option<&'a str>,
    /// Whether they administer their tenant.
    pub is_admin: bool,
    /// Whether they use the mobile apps only.
    pub app_only: bool,
    /// Their tenant.
    pub tenant_id: i64,
    /// Their language, if known.
    pub locale: Option<&'a str>,
}

/// Adds a person with password hash `pwd` (or none), returning their new id.
///
/// # Errors
/// The database failed, or the email address is taken.
pub async fn create(pool: &PgPool, person: &NewPerson<'_>, pwd: Option<&str>) -> Result<Uuid, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO crm.people (person_id, email, full_name, is_admin, app_only, pwd, tenant_id, locale) \
         VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7) RETURNING person_id",
    )
    .bind(person.email)
    .bind(person.full_name)
    .bind(person.is_admin)
    .bind(person.app_only)
    .bind(pwd)
    .bind(person.tenant_id)
    .bind(person.locale)
    .fetch_one(pool)
    .await
}

/// The person with this id, if any.
///
/// # Errors
/// The database failed.
pub async fn find(pool: &PgPool, person_id: Uuid) -> Result<Option<Person>, sqlx::Error> {
    sqlx::query_as(
        "SELECT person_id, email, full_name, is_admin, app_only, pwd, tenant_id, locale \
         FROM crm.people WHERE person_id = $1",
    )
    .bind(person_id)
    .fetch_optional(pool)
    .await
}

/// The person who signs in with `email` (any case), if any.
///
/// # Errors
/// The database failed.
pub async fn by_email(pool: &PgPool, email: &str) -> Result<Option<Person>, sqlx::Error> {
    sqlx::query_as(
        "SELECT person_id, email, full_name, is_admin, app_only, pwd, tenant_id, locale \
         FROM crm.people WHERE lower(email) = lower($1)",
    )
    .bind(email)
    .fetch_optional(pool)
    .await
}
