//! [`PgUserDirectory`]: the core's user directory on the host's table.

use std::sync::Arc;

use async_trait::async_trait;
use inzant_reset_core::error::DirectoryError;
use inzant_reset_core::hash::PasswordHash;
use inzant_reset_core::ports::UserDirectory;
use inzant_reset_core::user::{User, UserId};
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::query::{QueryAs, QueryScalar};
use sqlx::{AssertSqlSafe, PgPool, Postgres};

use super::{BoundId, UsersTable, UsersTableError};
use crate::error::directory_error;

#[derive(Debug)]
struct Statements {
    find: Arc<str>,
    find_by_username: Arc<str>,
    set_password: Arc<str>,
    password_hash: Arc<str>,
}

/// A [`UserDirectory`] on the host's own users table, described by a
/// [`UsersTable`]. It only reads users and writes password hashes. Cheap to clone.
///
/// The store writes the hash itself when it completes a request (built with
/// [`PgStore::with_users`](crate::PgStore::with_users)); this directory's
/// [`set_password_hash`](UserDirectory::set_password_hash) is then unused.
#[derive(Clone, Debug)]
pub struct PgUserDirectory {
    pool: PgPool,
    table: Arc<UsersTable>,
    sql: Arc<Statements>,
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: Option<String>,
    username: Option<String>,
    display_name: String,
    email_to: Option<String>,
    user_type: Option<String>,
    locale: Option<String>,
    tenant: Option<String>,
    has_password: bool,
}

impl PgUserDirectory {
    /// A directory on `pool` reading users from `table`.
    pub fn new(pool: PgPool, table: UsersTable) -> Self {
        let sql = Statements {
            find: table.select(&format!("{} = $1", table.id.quoted())).into(),
            find_by_username: table.select(&format!("lower({}) = lower($1)", table.username.quoted())).into(),
            set_password: table.set_password_sql().into(),
            password_hash: table.password_hash_sql().into(),
        };
        Self { pool, table: Arc::new(table), sql: Arc::new(sql) }
    }

    /// The table users are read from.
    pub fn table(&self) -> &UsersTable {
        &self.table
    }

    /// The connection pool.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Checks the table's description against the database
    /// ([`UsersTable::check`]); call it at start-up.
    ///
    /// # Errors
    /// What does not match, naming the table and the column or expression.
    pub async fn check(&self) -> Result<(), UsersTableError> {
        self.table.check(&self.pool).await
    }

    fn to_user(&self, row: UserRow) -> Result<User, DirectoryError> {
        let unreadable = |what: String| DirectoryError::new(format!("PostgreSQL: {what}"));
        let id = row.id.ok_or_else(|| unreadable("a user row has a NULL id".to_owned()))?;
        let username = row.username.ok_or_else(|| unreadable(format!("user {id} has no username (NULL)")))?;
        let user_type = match row.user_type {
            Some(value) => self
                .table
                .user_type_of(&value)
                .ok_or_else(|| unreadable(format!("user {id} has an unknown user type {value:?}")))?,
            None => return Err(unreadable(format!("user {id} has no user type (NULL)"))),
        };
        Ok(User {
            id: UserId::new(id),
            username,
            display_name: row.display_name,
            email_to: row.email_to,
            user_type,
            has_password: row.has_password,
            locale: row.locale.filter(|locale| !locale.trim().is_empty()),
            tenant: row.tenant,
        })
    }

    fn by_id<'q, O>(&self, sql: &Arc<str>, id: &UserId) -> Option<QueryAs<'q, Postgres, O, PgArguments>>
    where
        O: for<'r> sqlx::FromRow<'r, PgRow>,
    {
        let query = sqlx::query_as(AssertSqlSafe(Arc::clone(sql)));
        Some(bind_id!(query, self.table.id_type.bind(id)?))
    }

    fn scalar_by_id<'q, O>(
        &self,
        sql: &Arc<str>,
        id: &UserId,
    ) -> Option<QueryScalar<'q, Postgres, O, PgArguments>>
    where
        (O,): for<'r> sqlx::FromRow<'r, PgRow>,
    {
        let query = sqlx::query_scalar(AssertSqlSafe(Arc::clone(sql)));
        Some(bind_id!(query, self.table.id_type.bind(id)?))
    }

    /// The user whose username is `username`, compared ignoring case (for sign-in).
    ///
    /// # Errors
    /// The database failed, or the row's user type is unknown.
    pub async fn find_by_username(&self, username: &str) -> Result<Option<User>, DirectoryError> {
        let row: Option<UserRow> = sqlx::query_as(AssertSqlSafe(Arc::clone(&self.sql.find_by_username)))
            .bind(username)
            .fetch_optional(&self.pool)
            .await
            .map_err(directory_error("look up the user by username"))?;
        row.map(|row| self.to_user(row)).transpose()
    }

    /// The user's stored password hash (for the host's sign-in), `None` if
    /// the user has none or does not exist.
    ///
    /// # Errors
    /// The database failed, or the stored hash is not a PHC string.
    pub async fn password_hash(&self, id: &UserId) -> Result<Option<PasswordHash>, DirectoryError> {
        let Some(query) = self.scalar_by_id::<Option<String>>(&self.sql.password_hash, id) else {
            return Ok(None);
        };
        let stored =
            query.fetch_optional(&self.pool).await.map_err(directory_error("read the password hash"))?;
        stored
            .flatten()
            .filter(|phc| !phc.is_empty())
            .map(|phc| {
                PasswordHash::from_phc(phc).map_err(|error| {
                    DirectoryError::with_source(
                        format!("PostgreSQL: user {id} has an unreadable password hash"),
                        error,
                    )
                })
            })
            .transpose()
    }
}

#[async_trait]
impl UserDirectory for PgUserDirectory {
    async fn find(&self, id: &UserId) -> Result<Option<User>, DirectoryError> {
        let Some(query) = self.by_id::<UserRow>(&self.sql.find, id) else {
            return Ok(None);
        };
        let row = query.fetch_optional(&self.pool).await.map_err(directory_error("look up the user"))?;
        row.map(|row| self.to_user(row)).transpose()
    }

    async fn set_password_hash(&self, id: &UserId, hash: &PasswordHash) -> Result<(), DirectoryError> {
        let missing = || DirectoryError::new(format!("PostgreSQL: no user with id {id}"));
        let query = self.table.bind_set_password(&self.sql.set_password, id).ok_or_else(missing)?;
        let done = query
            .bind(hash.as_str())
            .execute(&self.pool)
            .await
            .map_err(directory_error("save the password hash"))?;
        if done.rows_affected() == 1 { Ok(()) } else { Err(missing()) }
    }
}
