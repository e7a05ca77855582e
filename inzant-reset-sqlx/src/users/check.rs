//! [`UsersTable::check`]: the description compared with the real table at
//! start-up, so that a misnamed column or a broken expression is an error
//! naming it before anyone resets a password, not "column does not exist"
//! at the first reset.

use std::collections::HashMap;

use sqlx::pool::PoolConnection;
use sqlx::{AssertSqlSafe, Executor, PgPool, Postgres, SqlSafeStr};

use super::UsersTable;
use super::sql::{Field, UserTypeSource, parenthesized};
use crate::ident::Ident;

/// What [`UsersTable::check`] found wrong. Every message names the table
/// (as the description spells it, quoted) and the column or expression.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UsersTableError {
    /// The table does not exist, or the database user cannot see it.
    #[error("users table {table} does not exist (or this database user may not see it)")]
    MissingTable {
        /// The table, quoted: `"crm"."people"`.
        table: String,
    },
    /// A column of the description is not in the table.
    #[error("users table {table}: column {column} does not exist (expected {expected})")]
    MissingColumn {
        /// The table, quoted.
        table: String,
        /// The column, quoted.
        column: String,
        /// What the column was to hold, and of which type.
        expected: String,
    },
    /// A column has a type the description cannot use.
    #[error("users table {table}: column {column} is {found} (expected {expected})")]
    WrongType {
        /// The table, quoted.
        table: String,
        /// The column, quoted.
        column: String,
        /// Its SQL type.
        found: String,
        /// What the column was to hold, and of which type.
        expected: String,
    },
    /// An SQL expression of the description fails on the table.
    #[error("users table {table}: expression {expression} fails (expected {expected}): {reason}")]
    BadExpression {
        /// The table, quoted.
        table: String,
        /// The expression, as given.
        expression: String,
        /// What the expression was to give.
        expected: String,
        /// PostgreSQL's message.
        reason: String,
    },
    /// PostgreSQL cannot prepare one of the statements the library runs
    /// on the table (an `UPDATE` of a view that cannot be updated, say).
    #[error("users table {table}: PostgreSQL cannot prepare {statement}: {reason}")]
    Unusable {
        /// The table, quoted.
        table: String,
        /// Which statement.
        statement: &'static str,
        /// PostgreSQL's message.
        reason: String,
    },
    /// The database could not be asked.
    #[error("users table {table}: could not be checked, the database failed")]
    Database {
        /// The table, quoted.
        table: String,
        /// What sqlx said.
        #[source]
        source: sqlx::Error,
    },
}

/// Text types a username is compared in (`lower(username) = lower($1)`).
const TEXT: &[&str] = &["text", "character varying", "character", "citext"];
/// Text types a PHC string is stored in unchanged (`character` pads it).
const HASH: &[&str] = &["text", "character varying", "citext"];
const BOOLEAN: &[&str] = &["boolean"];

/// A column of the description: what it is for and, if it matters, the
/// types it may have (`None`: any type, read as text).
struct Need<'a> {
    column: &'a Ident,
    expected: String,
    types: Option<&'static [&'static str]>,
}

impl UsersTable {
    /// Checks this description against `pool`'s database, as the library
    /// will use it: the table exists; every named column exists; the id
    /// column's type matches the [`IdType`](super::IdType); the username
    /// and password hash columns are text (or `varchar`); boolean user
    /// type flags are `boolean`; every SQL expression runs on the table
    /// (`SELECT <expression> FROM <table> WHERE false`); and PostgreSQL
    /// prepares the statements that read users and write the hash. Reads
    /// only; call it at start-up, after connecting.
    ///
    /// # Errors
    /// The first mismatch found, naming the table and the column or
    /// expression (`users table "crm"."people": column "user_type" does not
    /// exist (expected the user type: text)`), or
    /// [`UsersTableError::Database`] when the database could not be asked.
    pub async fn check(&self, pool: &PgPool) -> Result<(), UsersTableError> {
        let table = self.qualified();
        let database = |source| UsersTableError::Database { table: self.qualified(), source };
        let mut conn = pool.acquire().await.map_err(database)?;
        let found: Option<(String, String)> = sqlx::query_as(
            "SELECT n.nspname::text, c.relname::text FROM pg_catalog.pg_class c \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)",
        )
        .bind(&table)
        .fetch_optional(&mut *conn)
        .await
        .map_err(database)?;
        let Some((schema, name)) = found else {
            return Err(UsersTableError::MissingTable { table });
        };
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT column_name::text, data_type::text, udt_name::text FROM information_schema.columns \
             WHERE table_schema = $1 AND table_name = $2",
        )
        .bind(schema)
        .bind(name)
        .fetch_all(&mut *conn)
        .await
        .map_err(database)?;
        // Extension types (citext) and enums are USER-DEFINED: their own name says more.
        let columns: HashMap<String, String> = rows
            .into_iter()
            .map(|(column, data_type, udt)| {
                (column, if data_type == "USER-DEFINED" { udt } else { data_type })
            })
            .collect();

        for need in self.needs() {
            let column = need.column.quoted();
            let Some(found) = columns.get(need.column.name()) else {
                return Err(UsersTableError::MissingColumn { table, column, expected: need.expected });
            };
            if need.types.is_some_and(|types| !types.contains(&found.as_str())) {
                return Err(UsersTableError::WrongType {
                    table,
                    column,
                    found: found.clone(),
                    expected: need.expected,
                });
            }
        }
        for (expression, expected) in self.expressions() {
            let sql = format!("SELECT {}::text FROM {table} WHERE false", parenthesized(expression));
            if let Err(error) = sqlx::query(AssertSqlSafe(sql)).persistent(false).execute(&mut *conn).await {
                return Err(match error {
                    sqlx::Error::Database(db) => UsersTableError::BadExpression {
                        table,
                        expression: expression.to_owned(),
                        expected,
                        reason: db.message().to_owned(),
                    },
                    other => database(other),
                });
            }
        }
        self.prepare_statements(&mut conn, &table).await
    }

    /// The fields that may be a column, an expression or absent, each with
    /// what it is for.
    fn read_only_fields(&self) -> [(&Field, &'static str); 4] {
        [
            (&self.display_name, "the display name: text"),
            (&self.email_to, "the \"email to\" address: text"),
            (&self.locale, "the locale: text"),
            (&self.tenant, "the tenant: any type, read as text"),
        ]
    }

    /// The columns of the description, each with what it is for.
    fn needs(&self) -> Vec<Need<'_>> {
        let need = |column, expected: &str, types| Need { column, expected: expected.to_owned(), types };
        let mut needs = vec![
            need(
                &self.id,
                &format!("the id: {}", self.id_type.describe()),
                Some(self.id_type.column_types()),
            ),
            need(&self.username, "the username: text", Some(TEXT)),
            need(&self.password_hash, "the password hash: text or varchar", Some(HASH)),
        ];
        for (field, expected) in self.read_only_fields() {
            if let Field::Column(column) = field {
                needs.push(need(column, expected, None));
            }
        }
        match &self.user_type {
            UserTypeSource::Column { column, .. } => needs.push(need(column, "the user type: text", None)),
            UserTypeSource::Flags { admin, device } => {
                if let Some(admin) = admin {
                    needs.push(need(admin, "the admin flag: boolean", Some(BOOLEAN)));
                }
                if let Some(device) = device {
                    needs.push(need(device, "the device (app-only) flag: boolean", Some(BOOLEAN)));
                }
            }
            UserTypeSource::Sql(_) => {}
        }
        needs
    }

    /// The SQL expressions of the description, each with what it is to give.
    fn expressions(&self) -> Vec<(&str, String)> {
        let mut expressions: Vec<(&str, String)> = self
            .read_only_fields()
            .into_iter()
            .filter_map(|(field, expected)| match field {
                Field::Sql(expression) => Some((&**expression, expected.to_owned())),
                Field::Column(_) | Field::Absent => None,
            })
            .collect();
        if let UserTypeSource::Sql(expression) = &self.user_type {
            expressions.push((expression, "the user type: 'admin', 'web' or 'device'".to_owned()));
        }
        expressions
    }

    /// Prepares (without running) the store's completion, which reads and
    /// writes both `requests` (the library's table) and this one, and
    /// inserts into `audit`.
    ///
    /// # Errors
    /// As [`UsersTable::check`].
    pub(crate) async fn check_completion(
        &self,
        pool: &PgPool,
        requests: &str,
        audit: &str,
    ) -> Result<(), UsersTableError> {
        let table = self.qualified();
        let database = |source| UsersTableError::Database { table: self.qualified(), source };
        let mut conn = pool.acquire().await.map_err(database)?;
        // The statement with the audit insert: it reads and writes every table the other one does.
        let sql = self.complete_with_password_sql(requests, Some(audit));
        match (&mut *conn).prepare(AssertSqlSafe(sql).into_sql_str()).await {
            Ok(_) => Ok(()),
            Err(sqlx::Error::Database(db)) => Err(UsersTableError::Unusable {
                table,
                statement: "the statement that completes a reset and saves its new password hash",
                reason: db.message().to_owned(),
            }),
            Err(source) => Err(UsersTableError::Database { table, source }),
        }
    }

    /// Prepares (without running) every statement the directory and the
    /// store run on the table.
    async fn prepare_statements(
        &self,
        conn: &mut PoolConnection<Postgres>,
        table: &str,
    ) -> Result<(), UsersTableError> {
        let statements = [
            ("the query that finds a user by id", self.select(&format!("{} = $1", self.id.quoted()))),
            (
                "the query that finds a user by username",
                self.select(&format!("lower({}) = lower($1)", self.username.quoted())),
            ),
            ("the query that reads a password hash", self.password_hash_sql()),
            ("the UPDATE that saves a new password hash", self.set_password_sql()),
        ];
        for (statement, sql) in statements {
            if let Err(error) = (&mut **conn).prepare(AssertSqlSafe(sql).into_sql_str()).await {
                let table = table.to_owned();
                return Err(match error {
                    sqlx::Error::Database(db) => {
                        UsersTableError::Unusable { table, statement, reason: db.message().to_owned() }
                    }
                    source => UsersTableError::Database { table, source },
                });
            }
        }
        Ok(())
    }
}
