//! PostgreSQL in plain SQL: scratch databases for the scale phase, the
//! fill that gives one of them a million reset requests, and the pid of a
//! backend (to find the server's processes).
//!
//! A database per demo, rather than a schema, keeps the two demos apart
//! wherever the demo keeps its own tables; the fill finds the reset
//! requests table by name, in whichever schema the migrations put it.

use std::time::{Duration, Instant};

use sqlx::postgres::PgPoolOptions;
use sqlx::{AssertSqlSafe, PgPool};

use crate::Fallible;
use crate::cli::ScaleSizes;

/// A database created for one run; [`Scratch::remove`] drops it.
pub struct Scratch {
    /// The connection to `DATABASE_URL` it was created from.
    admin: PgPool,
    name: String,
    /// Its URL: `DATABASE_URL` with the database name replaced.
    pub url: String,
}

impl Scratch {
    /// Creates the database `name` next to `DATABASE_URL`'s.
    pub async fn create(database_url: &str, name: &str) -> Fallible<Self> {
        let admin = connect(database_url).await?;
        let create = format!("CREATE DATABASE \"{name}\"");
        sqlx::query(AssertSqlSafe(create)).execute(&admin).await.map_err(|error| {
            format!("cannot create the database {name} (the role needs CREATEDB): {error}")
        })?;
        let url = with_database(database_url, name)?;
        Ok(Self { admin, name: name.to_owned(), url })
    }

    /// Drops the database, closing what is still connected to it.
    pub async fn remove(self) {
        let drop = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
        if let Err(error) = sqlx::query(AssertSqlSafe(drop)).execute(&self.admin).await {
            eprintln!("load: could not drop the database {}: {error}", self.name);
        }
        self.admin.close().await;
    }
}

/// `see(pid)` of the server process that serves a connection to `url`
/// (`pg_backend_pid()`), called while that connection is still open (a
/// backend exits when its connection closes, so its `/proc` entry must be
/// read before), from a connection opened for the question and closed again.
pub async fn with_backend_pid<T>(url: &str, see: impl FnOnce(u32) -> T) -> Fallible<T> {
    let pool = connect(url).await?;
    let pid = sqlx::query_scalar::<_, i32>("SELECT pg_backend_pid()").fetch_one(&pool).await;
    let seen = match pid {
        Ok(pid) => u32::try_from(pid)
            .map(see)
            .map_err(|_| format!("the database answered a negative backend pid: {pid}")),
        Err(error) => Err(format!("cannot ask the database for its backend's pid: {error}")),
    };
    pool.close().await;
    seen
}

async fn connect(url: &str) -> Fallible<PgPool> {
    PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(60))
        .connect(url)
        .await
        .map_err(|error| format!("cannot connect to the database: {error}"))
}

/// `url` with its database name replaced by `name` (query parameters kept).
fn with_database(url: &str, name: &str) -> Fallible<String> {
    let authority_start = url.find("://").ok_or_else(|| format!("DATABASE_URL is not a URL: {url:?}"))? + 3;
    let rest = url.get(authority_start..).unwrap_or_default();
    let path_start = authority_start + rest.find(['/', '?']).unwrap_or(rest.len());
    let query_start = url.find('?').filter(|q| *q >= path_start).unwrap_or(url.len());
    let (head, query) =
        (url.get(..path_start).unwrap_or_default(), url.get(query_start..).unwrap_or_default());
    Ok(format!("{head}/{name}{query}"))
}

/// What the fill wrote.
pub struct Filled {
    /// The table, schema-qualified.
    pub table: String,
    pub rows: i64,
    pub took: Duration,
}

/// Fills the reset requests table of `url` with `sizes.requests` rows over
/// `sizes.users` load-test users, then vacuums and analyzes it as autovacuum
/// would in time. The history looks like one the demo keeps: several
/// requests per user (ten at full size) within its day of retention,
/// finished, and each user's newest one live — except for users
/// `1..=untouched`, whose timed triggers must not supersede anything the
/// empty side lacks.
pub async fn fill(url: &str, sizes: &ScaleSizes, untouched: usize) -> Fallible<Filled> {
    let pool = connect(url).await?;
    let started = Instant::now();
    let table = requests_table(&pool).await?;
    let insert = fill_sql(&table);
    let table = table.name;
    let as_i64 = |n: usize| i64::try_from(n).map_err(|_| format!("{n} is too large"));
    let filling = |error: sqlx::Error| format!("filling {table}: {error}");
    sqlx::query(AssertSqlSafe(insert))
        .bind(as_i64(sizes.requests)?)
        .bind(as_i64(sizes.users)?)
        .bind(as_i64(untouched)?)
        .execute(&pool)
        .await
        .map_err(filling)?;
    sqlx::query(AssertSqlSafe(format!("VACUUM (ANALYZE) {table}"))).execute(&pool).await.map_err(filling)?;
    let took = started.elapsed();
    let count = format!("SELECT count(*) FROM {table}");
    let rows: i64 = sqlx::query_scalar(AssertSqlSafe(count)).fetch_one(&pool).await.map_err(filling)?;
    pool.close().await;
    Ok(Filled { table, rows, took })
}

/// The fill's `INSERT` into `table`: `$1` requests over `$2` users
/// (`load-00001` …, as the demo names them), round by round so each user's
/// requests are spread over the last 23 hours, newest last. Nothing is a
/// day old, so nothing is expired: the older requests are completed,
/// superseded, revoked or locked (the kind turning with user and round),
/// the newest is live unless its user is one of the first `$3`. Where the
/// table records when a request finished (`finished_at`, from the second
/// migration on), finished ones say so, five minutes after they were sent.
fn fill_sql(table: &RequestsTable) -> String {
    let (finished_column, finished_value) = if table.has_finished_at {
        (", finished_at", ", CASE WHEN live THEN NULL ELSE created + interval '5 minutes' END")
    } else {
        ("", "")
    };
    format!(
        "INSERT INTO {} (id, user_id, issued_by, purpose, token_digest, code_digest, state, attempts, \
                          created_at, expires_at{finished_column}) \
         SELECT gen_random_uuid(), \
                'load-' || lpad(n::text, greatest(5, length(n::text)), '0'), \
                'load-fill', \
                CASE WHEN g % 10 = 0 THEN 'create' ELSE 'reset' END, \
                sha256(convert_to('token ' || g, 'UTF8')), \
                sha256(convert_to('code ' || g, 'UTF8')), \
                CASE WHEN live THEN 'issued' \
                     ELSE (ARRAY['completed', 'superseded', 'revoked', 'locked'])[kind + 1] END, \
                CASE WHEN live THEN 0 WHEN kind = 3 THEN 5 ELSE (g % 3)::int END, \
                created, \
                created + interval '24 hours'{finished_value} \
         FROM (SELECT g, n, ((round + n) % 4)::int AS kind, round = rounds - 1 AND n > $3 AS live, \
                      now() - interval '10 minutes' - (g % 60) * interval '1 second' \
                            - (rounds - 1 - round) * (interval '23 hours' / rounds) AS created \
               FROM (SELECT g, (g - 1) % $2 + 1 AS n, (g - 1) / $2 AS round, ($1 + $2 - 1) / $2 AS rounds \
                     FROM generate_series(1::bigint, $1) AS g) AS numbered) AS r",
        table.name
    )
}

/// The reset requests table as the migrations made it.
struct RequestsTable {
    /// Schema-qualified and quoted.
    name: String,
    has_finished_at: bool,
}

/// The one table named `reset_requests`, in whichever schema it is.
async fn requests_table(pool: &PgPool) -> Fallible<RequestsTable> {
    let found: Vec<(String, bool)> = sqlx::query_as(
        "SELECT table_schema::text, bool_or(column_name = 'finished_at') \
         FROM information_schema.columns WHERE table_name = 'reset_requests' GROUP BY table_schema",
    )
    .fetch_all(pool)
    .await
    .map_err(|error| format!("looking for the reset requests table: {error}"))?;
    match found.as_slice() {
        [(schema, has_finished_at)] => Ok(RequestsTable {
            name: format!("\"{}\".\"reset_requests\"", schema.replace('"', "\"\"")),
            has_finished_at: *has_finished_at,
        }),
        other => {
            let schemas: Vec<&String> = other.iter().map(|(schema, _)| schema).collect();
            Err(format!("expected one table named reset_requests, found {} (in {schemas:?})", other.len()))
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn the_database_name_is_replaced_and_the_rest_kept() {
        let cases = [
            ("postgres://postgres@127.0.0.1:5432/inzant_test", "postgres://postgres@127.0.0.1:5432/x"),
            ("postgres://u:p@h/db?sslmode=disable", "postgres://u:p@h/x?sslmode=disable"),
            ("postgres://h:5432", "postgres://h:5432/x"),
            ("postgresql:///db?host=/run/pg", "postgresql:///x?host=/run/pg"),
        ];
        for (url, expected) in cases {
            assert_eq!(with_database(url, "x").unwrap(), expected);
        }
        assert!(with_database("not a url", "x").is_err());
    }

    #[test]
    fn the_fill_sets_finished_at_only_where_the_table_has_it() {
        let table =
            |has_finished_at| RequestsTable { name: "\"s\".\"reset_requests\"".into(), has_finished_at };
        let (old, new) = (fill_sql(&table(false)), fill_sql(&table(true)));
        assert!(!old.contains("finished_at") && new.contains("expires_at, finished_at)"));
        assert!(new.starts_with("INSERT INTO \"s\".\"reset_requests\" ("));
    }
}
