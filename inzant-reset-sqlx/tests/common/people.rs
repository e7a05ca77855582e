//! A host table of another shape: `crm.people`, with UUID ids, a nullable
//! name, the user type in two boolean columns, a nullable hash, a BIGINT
//! tenant and a nullable locale, and no "email to" column.

use inzant_reset_core::request::RequestId;
use inzant_reset_core::secret::OsRandom;
use inzant_reset_core::user::{User, UserId, UserType};
use inzant_reset_sqlx::{IdType, PgStore, PgUserDirectory, UsersTable};
use sqlx::PgPool;
use uuid::Uuid;

use super::{create_idempotently, pool, schema};

/// The table, as the description names it.
pub const PEOPLE: &str = "crm.people";

/// Creates `crm.people` if it is missing.
pub async fn create_people_table(pool: &PgPool) {
    create_idempotently(
        pool,
        "CREATE SCHEMA IF NOT EXISTS crm; \
         CREATE TABLE IF NOT EXISTS crm.people ( \
             person_id uuid PRIMARY KEY, \
             email text NOT NULL UNIQUE, \
             full_name text NULL, \
             is_admin boolean NOT NULL DEFAULT false, \
             app_only boolean NOT NULL DEFAULT false, \
             pwd text NULL, \
             tenant_id bigint NOT NULL, \
             locale text NULL)",
    )
    .await;
}

/// The description of `crm.people`.
pub fn people_table() -> UsersTable {
    UsersTable::new(PEOPLE)
        .and_then(|t| t.id("person_id", IdType::Uuid))
        .and_then(|t| t.username("email"))
        .and_then(|t| t.password_hash("pwd"))
        .and_then(|t| t.display_name("full_name"))
        .and_then(|t| t.email_to(None))
        .and_then(|t| t.user_type_flags(Some("is_admin"), Some("app_only")))
        .and_then(|t| t.tenant("tenant_id"))
        .and_then(|t| t.locale("locale"))
        .unwrap()
}

/// A store writing hashes into `crm.people` and a directory reading it, on
/// a fresh pool with the test schema migrated and the table created.
pub async fn people_instance(max: u32) -> (PgStore, PgUserDirectory) {
    let pool = pool(max).await;
    create_people_table(&pool).await;
    let users = PgUserDirectory::new(pool.clone(), people_table());
    let store = PgStore::new(pool).with_schema(schema()).with_users(&people_table());
    (store, users)
}

/// A row of `crm.people` to insert.
pub struct Person<'a> {
    pub full_name: Option<&'a str>,
    pub is_admin: bool,
    pub app_only: bool,
    pub tenant: i64,
    pub locale: Option<&'a str>,
}

impl Default for Person<'_> {
    fn default() -> Self {
        Self { full_name: Some("Pat Example"), is_admin: false, app_only: false, tenant: 42, locale: None }
    }
}

/// Inserts `person` with a fresh id and email and no password, and returns
/// the user the directory should read.
pub async fn saved_person(pool: &PgPool, person: Person<'_>) -> User {
    let id = *RequestId::generate(&OsRandom).unwrap().as_uuid();
    let username = format!("pat.{id}@crm.example");
    sqlx::query(
        "INSERT INTO crm.people (person_id, email, full_name, is_admin, app_only, tenant_id, locale) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(&username)
    .bind(person.full_name)
    .bind(person.is_admin)
    .bind(person.app_only)
    .bind(person.tenant)
    .bind(person.locale)
    .execute(pool)
    .await
    .unwrap();
    let user_type = match (person.is_admin, person.app_only) {
        (true, _) => UserType::Admin,
        (false, true) => UserType::Device,
        (false, false) => UserType::Web,
    };
    User {
        id: UserId::new(id.to_string()),
        username,
        display_name: person.full_name.unwrap_or_default().to_owned(),
        email_to: None,
        user_type,
        has_password: false,
        locale: person.locale.map(str::to_owned),
        tenant: Some(person.tenant.to_string()),
    }
}

/// The `pwd` column of person `id`, as stored.
pub async fn stored_pwd(pool: &PgPool, id: &UserId) -> Option<String> {
    let id: Uuid = id.parse().unwrap();
    sqlx::query_scalar("SELECT pwd FROM crm.people WHERE person_id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}
