//! Every statement the store and the audit sink run, planned by PostgreSQL
//! with sequential scans discouraged: a plan that still scans
//! `reset_requests` or `audit_events` sequentially has no index to use, and
//! would read the whole table once it holds millions of rows.

use super::*;
use crate::audit::PgAudit;
use sqlx::Row;

fn database_url() -> String {
    inzant_reset_test_support::database_url()
}

/// The plan of `sql` with `bind`'s parameters, as PostgreSQL's JSON.
async fn plan(
    conn: &mut sqlx::PgConnection,
    sql: &str,
    bind: impl FnOnce(
        sqlx::query::Query<'_, sqlx::Postgres, sqlx::postgres::PgArguments>,
    ) -> sqlx::query::Query<'_, sqlx::Postgres, sqlx::postgres::PgArguments>,
) -> String {
    let explain = format!("EXPLAIN (FORMAT JSON) {sql}");
    let row = bind(sqlx::query(AssertSqlSafe(explain))).fetch_one(&mut *conn).await.unwrap();
    let plan: serde_json::Value = row.try_get(0).unwrap();
    plan.to_string()
}

fn seq_scans(plan: &str) -> Vec<String> {
    let value: serde_json::Value = serde_json::from_str(plan).unwrap();
    let mut found = Vec::new();
    fn walk(node: &serde_json::Value, found: &mut Vec<String>) {
        if node.get("Node Type").and_then(|t| t.as_str()) == Some("Seq Scan") {
            found.push(node.get("Relation Name").and_then(|r| r.as_str()).unwrap_or("?").to_owned());
        }
        for key in ["Plan", "Plans"] {
            match node.get(key) {
                Some(serde_json::Value::Array(children)) => children.iter().for_each(|c| walk(c, found)),
                Some(child) => walk(child, found),
                None => {}
            }
        }
    }
    for root in value.as_array().into_iter().flatten() {
        walk(root, &mut found);
    }
    found
}

#[tokio::test]
async fn no_statement_scans_the_requests_or_audit_table() {
    let pool =
        sqlx::postgres::PgPoolOptions::new().max_connections(2).connect(&database_url()).await.unwrap();
    let schema = Schema::new("inzant_reset_plans").unwrap();
    crate::migrate(&pool, &schema).await.unwrap();
    let store = PgStore::new(pool.clone()).with_schema(schema.clone());
    let audit = PgAudit::new(pool.clone()).with_schema(schema);
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS inzant_reset_plans.users (id text PRIMARY KEY, username text NOT NULL, \
         display_name text, email_to text, user_type text NOT NULL, password_hash text)",
    )
    .execute(&pool)
    .await
    .unwrap();
    let users = crate::UsersTable::new("inzant_reset_plans.users").unwrap();
    let store = store.with_users(&users);
    let completions = Arc::clone(store.users.as_ref().unwrap());
    let mut conn = pool.acquire().await.unwrap();
    sqlx::query("SET enable_seqscan = off").execute(&mut *conn).await.unwrap();

    let (id, now, user) = (Uuid::nil(), OffsetDateTime::UNIX_EPOCH, "someone");
    let digest = vec![0u8; 32];
    let s = &store.sql;
    let plans = vec![
        ("issue_counts", plan(&mut conn, &s.issue_counts, |q| q.bind(user).bind(now)).await),
        ("supersede", plan(&mut conn, &s.supersede, |q| q.bind(id)).await),
        ("recent_for_user", plan(&mut conn, &s.recent_for_user, |q| q.bind(user).bind(10_i64)).await),
        ("find_by_token", plan(&mut conn, &s.find_by_token, |q| q.bind(digest.clone())).await),
        ("count_attempt", plan(&mut conn, &s.count_attempt, |q| q.bind(id).bind(now).bind(5_i64)).await),
        ("finish_complete", plan(&mut conn, &s.finish_complete, |q| q.bind(id).bind(now)).await),
        ("finish_other", plan(&mut conn, &s.finish_other, |q| q.bind(id).bind("locked").bind(now)).await),
        (
            "complete_with_password",
            plan(&mut conn, &completions.plain, |q| q.bind(user).bind("hash").bind(now).bind(id).bind(user))
                .await,
        ),
        (
            "complete_and_record",
            plan(&mut conn, &completions.recorded, |q| {
                let (at, kind, actor, purpose, left) =
                    (now, "completed", None::<&str>, None::<&str>, None::<i64>);
                q.bind(user)
                    .bind("hash")
                    .bind(now)
                    .bind(id)
                    .bind(user)
                    .bind(at)
                    .bind(kind)
                    .bind(id)
                    .bind(user)
                    .bind(actor)
                    .bind(purpose)
                    .bind(left)
            })
            .await,
        ),
        ("set_language", plan(&mut conn, &s.set_language, |q| q.bind(id).bind("fr")).await),
        ("expire_due", plan(&mut conn, &s.expire_due, |q| q.bind(now).bind(500_i64)).await),
        ("purge", plan(&mut conn, &s.purge, |q| q.bind(now)).await),
        ("audit for_request", plan(&mut conn, &audit.for_request, |q| q.bind(id)).await),
        ("audit for_user", plan(&mut conn, &audit.for_user, |q| q.bind(user).bind(10_i64)).await),
        ("audit between", plan(&mut conn, &audit.between, |q| q.bind(now).bind(now).bind(10_i64)).await),
    ];
    let mut scanning = Vec::new();
    for (name, plan) in &plans {
        let tables = seq_scans(plan);
        if tables.iter().any(|t| t == "reset_requests" || t == "audit_events") {
            scanning.push(format!("{name}: {plan}"));
        }
    }
    assert!(scanning.is_empty(), "sequential scans:\n{}", scanning.join("\n"));
}

#[test]
fn the_scan_finder_sees_nested_seq_scans() {
    let plan = r#"[{"Plan": {"Node Type": "Hash Join", "Plans": [
        {"Node Type": "Index Scan", "Relation Name": "reset_requests"},
        {"Node Type": "Seq Scan", "Relation Name": "audit_events"}]}}]"#;
    assert_eq!(seq_scans(plan), vec!["audit_events".to_owned()]);
}
