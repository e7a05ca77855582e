//! The same flows on PostgreSQL: users, reset requests and audit events in
//! the database (`DATABASE_URL`, or a private cluster the test starts). Each
//! run uses a fresh schema and drops it afterwards.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use inzant_reset_demo::DatabaseUrl;
use sqlx::AssertSqlSafe;
use sqlx::postgres::PgPoolOptions;

fn database_url() -> String {
    // DATABASE_URL, or a private cluster started for this test binary.
    inzant_reset_test_support::database_url()
}

fn fresh_schema() -> String {
    inzant_reset_test_support::unique_name("demo_test")
}

#[tokio::test]
async fn reset_flows_on_postgres() {
    let url = database_url();
    let schema = fresh_schema();
    let app = app_with(|config| {
        config.database_url = Some(DatabaseUrl(url.clone()));
        config.database_schema = schema.clone();
    })
    .await;
    assert!(app.demo.uses_postgres);

    web_user_flow(&app).await;
    device_user_flow(&app).await;

    // Starting again on the same database is idempotent: the same five users,
    // fresh printed passwords, and Sam's row (with the new hash replaced by
    // the printed one) kept under the same id.
    let again = app_with(|config| {
        config.database_url = Some(DatabaseUrl(url.clone()));
        config.database_schema = schema.clone();
    })
    .await;
    let mut admin = again.admin().await;
    let search = admin.get("/admin/users").await;
    assert_eq!(search.body.matches(">Edit</a>").count(), 5, "{}", search.body);
    let sam = "sam.web@inzant.example";
    let answer = again.browser().login(sam, &again.password(sam)).await;
    assert_eq!(answer.status, axum::http::StatusCode::SEE_OTHER);

    let pool = PgPoolOptions::new().max_connections(1).connect(&url).await.unwrap();
    let audited: i64 = sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT count(*) FROM \"{schema}\".audit_events WHERE kind = 'completed'"
    )))
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, 2, "Sam's and Dana's resets are in the audit table");
    sqlx::query(AssertSqlSafe(format!("DROP SCHEMA \"{schema}\" CASCADE"))).execute(&pool).await.unwrap();
}
