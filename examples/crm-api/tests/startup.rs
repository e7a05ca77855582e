//! Start-up: the description of `crm.people` in the glue is checked against
//! the database before the API serves anything, so a column renamed by a
//! later migration of ours stops the start with a message naming the table
//! and the column, instead of failing the first reset.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{FreshDatabase, config};
use inzant_crm_api::App;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_misnamed_column_stops_the_start_naming_table_and_column() {
    let db = FreshDatabase::create("crm_test").await;
    let config = config(&db, "http://127.0.0.1:9/crm");
    let app = App::build(&config).await.unwrap();
    // A later migration of ours renames the column the glue describes.
    sqlx::query("ALTER TABLE crm.people RENAME COLUMN locale TO preferred_language")
        .execute(app.pool())
        .await
        .unwrap();
    drop(app);

    let error = match App::build(&config).await {
        Ok(_) => panic!("the API started with crm.people.locale missing"),
        Err(error) => error.to_string(),
    };
    println!("start-up refused: {error}");
    assert!(error.contains("\"crm\".\"people\""), "the table is not named: {error}");
    assert!(error.contains("\"locale\""), "the column is not named: {error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_table_as_created_by_our_migration_passes() {
    let db = FreshDatabase::create("crm_test").await;
    let app = App::build(&config(&db, "https://api.northwind.example/crm")).await;
    assert!(app.is_ok(), "{:?}", app.err().map(|error| error.to_string()));
}
