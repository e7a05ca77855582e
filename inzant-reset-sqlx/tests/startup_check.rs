//! The start-up check of a users table description: one test per kind of
//! mismatch, each error naming the table and the column or expression.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::people::{create_people_table, people_table};
use common::{create_idempotently, pool};
use inzant_reset_sqlx::sqlx::PgPool;
use inzant_reset_sqlx::{IdType, UsersTable, UsersTableError};

async fn people_pool() -> PgPool {
    let pool = pool(2).await;
    create_people_table(&pool).await;
    pool
}

/// The check's error for `table`, which must not pass.
async fn mismatch(pool: &PgPool, table: UsersTable) -> (String, UsersTableError) {
    let error = table.check(pool).await.expect_err("the check finds the mismatch");
    (error.to_string(), error)
}

#[tokio::test]
async fn a_missing_table() {
    let pool = people_pool().await;
    let (message, error) = mismatch(&pool, UsersTable::new("crm.nobody").unwrap()).await;
    assert!(matches!(error, UsersTableError::MissingTable { .. }), "{error:?}");
    assert_eq!(
        message,
        "users table \"crm\".\"nobody\" does not exist (or this database user may not see it)"
    );
    let (message, _) = mismatch(&pool, UsersTable::new("no_such_schema.people").unwrap()).await;
    assert!(message.contains("\"no_such_schema\".\"people\" does not exist"), "{message}");
}

#[tokio::test]
async fn a_missing_column() {
    let pool = people_pool().await;
    // The default type column, which this table does not have.
    let table = people_table().user_type("user_type", ["admin", "web", "device"]).unwrap();
    let (message, error) = mismatch(&pool, table).await;
    assert!(matches!(error, UsersTableError::MissingColumn { .. }), "{error:?}");
    assert_eq!(
        message,
        "users table \"crm\".\"people\": column \"user_type\" does not exist (expected the user type: text)"
    );
    let (message, _) = mismatch(&pool, people_table().locale("language").unwrap()).await;
    assert_eq!(
        message,
        "users table \"crm\".\"people\": column \"language\" does not exist (expected the locale: text)"
    );
    let (message, _) = mismatch(&pool, people_table().email_to(Some("email_to")).unwrap()).await;
    assert!(message.contains("column \"email_to\" does not exist"), "{message}");
}

#[tokio::test]
async fn a_wrong_id_type() {
    let pool = people_pool().await;
    let (message, error) = mismatch(&pool, people_table().id("person_id", IdType::BigInt).unwrap()).await;
    assert!(matches!(error, UsersTableError::WrongType { .. }), "{error:?}");
    assert_eq!(
        message,
        "users table \"crm\".\"people\": column \"person_id\" is uuid (expected the id: bigint (IdType::BigInt))"
    );
    let (message, _) = mismatch(&pool, people_table().id("tenant_id", IdType::Text).unwrap()).await;
    assert!(
        message.contains("column \"tenant_id\" is bigint (expected the id: text or varchar"),
        "{message}"
    );
}

#[tokio::test]
async fn a_flag_that_is_not_boolean() {
    let pool = people_pool().await;
    let table = people_table().user_type_flags(Some("is_admin"), Some("tenant_id")).unwrap();
    let (message, error) = mismatch(&pool, table).await;
    assert!(matches!(error, UsersTableError::WrongType { .. }), "{error:?}");
    assert_eq!(
        message,
        "users table \"crm\".\"people\": column \"tenant_id\" is bigint \
         (expected the device (app-only) flag: boolean)"
    );
    let table = people_table().user_type_flags(Some("email"), None).unwrap();
    let (message, _) = mismatch(&pool, table).await;
    assert!(message.contains("column \"email\" is text (expected the admin flag: boolean)"), "{message}");
}

#[tokio::test]
async fn a_hash_column_that_is_not_text() {
    let pool = people_pool().await;
    let (message, error) = mismatch(&pool, people_table().password_hash("is_admin").unwrap()).await;
    assert!(matches!(error, UsersTableError::WrongType { .. }), "{error:?}");
    assert_eq!(
        message,
        "users table \"crm\".\"people\": column \"is_admin\" is boolean \
         (expected the password hash: text or varchar)"
    );
}

#[tokio::test]
async fn a_bad_expression() {
    let pool = people_pool().await;
    let table = people_table().display_name_sql("coalesce(ful_name, '')").unwrap();
    let (message, error) = mismatch(&pool, table).await;
    assert!(matches!(error, UsersTableError::BadExpression { .. }), "{error:?}");
    assert_eq!(
        message,
        "users table \"crm\".\"people\": expression coalesce(ful_name, '') fails \
         (expected the display name: text): column \"ful_name\" does not exist"
    );
    let table = people_table().user_type_sql("is_admin + 1").unwrap();
    let (message, _) = mismatch(&pool, table).await;
    assert!(
        message
            .contains("expression is_admin + 1 fails (expected the user type: 'admin', 'web' or 'device')")
    );
    assert!(message.contains("operator does not exist: boolean + integer"), "{message}");
    let table = people_table().tenant_sql("tenant_id,").unwrap();
    let (message, _) = mismatch(&pool, table).await;
    assert!(message.contains("expression tenant_id, fails (expected the tenant"), "{message}");
    assert!(message.contains("syntax error"), "{message}");
}

#[tokio::test]
async fn a_view_whose_hash_cannot_be_updated() {
    let pool = people_pool().await;
    create_idempotently(
        &pool,
        "CREATE OR REPLACE VIEW crm.people_summary AS SELECT DISTINCT person_id, email, full_name, is_admin, \
         app_only, pwd, tenant_id, locale FROM crm.people",
    )
    .await;
    let table = UsersTable::new("crm.people_summary")
        .and_then(|t| t.id("person_id", IdType::Uuid))
        .and_then(|t| t.username("email"))
        .and_then(|t| t.password_hash("pwd"))
        .and_then(|t| t.display_name("full_name"))
        .and_then(|t| t.email_to(None))
        .and_then(|t| t.user_type_flags(Some("is_admin"), Some("app_only")))
        .unwrap();
    let (message, error) = mismatch(&pool, table).await;
    assert!(matches!(error, UsersTableError::Unusable { .. }), "{error:?}");
    assert!(
        message.starts_with(
            "users table \"crm\".\"people_summary\": PostgreSQL cannot prepare the UPDATE that saves a new \
             password hash: cannot update view \"people_summary\""
        ),
        "{message}"
    );
}

#[tokio::test]
async fn a_database_that_cannot_be_asked() {
    let pool = people_pool().await;
    pool.close().await;
    let (message, error) = mismatch(&pool, people_table()).await;
    assert!(matches!(error, UsersTableError::Database { .. }), "{error:?}");
    assert_eq!(message, "users table \"crm\".\"people\": could not be checked, the database failed");
    assert!(std::error::Error::source(&error).is_some());
}

#[tokio::test]
async fn the_completion_is_prepared_against_the_librarys_tables_too() {
    let pool = people_pool().await;
    // A correct description passes with the library's tables migrated…
    let migrated = inzant_reset_sqlx::PgReset::new(pool.clone()).with_schema(common::schema());
    migrated.check(&people_table()).await.unwrap();
    // …and names the completion when they are not there (migrate not run).
    let schema = inzant_reset_sqlx::Schema::new("inzant_reset_never_migrated").unwrap();
    let unmigrated = inzant_reset_sqlx::PgReset::new(pool).with_schema(schema);
    let error = unmigrated.check(&people_table()).await.unwrap_err();
    assert!(matches!(error, UsersTableError::Unusable { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("completes a reset"), "{message}");
    assert!(message.contains("inzant_reset_never_migrated"), "{message}");
}
