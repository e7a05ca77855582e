//! [`PgUserDirectory`]: users in the default `users` table.

use std::sync::Arc;

use async_trait::async_trait;
use inzant_reset_core::error::DirectoryError;
use inzant_reset_core::hash::PasswordHash;
use inzant_reset_core::ports::UserDirectory;
use inzant_reset_core::user::{User, UserId, UserType};
use sqlx::{AssertSqlSafe, PgPool};

use crate::error::directory_error;
use crate::schema::Schema;

#[derive(Debug)]
struct Statements {
    find: Arc<str>,
    find_by_username: Arc<str>,
    list: Arc<str>,
    upsert: Arc<str>,
    set_password: Arc<str>,
    password_hash: Arc<str>,
}

impl Statements {
    fn new(schema: &Schema) -> Self {
        let t = schema.table("users");
        let columns =
            "id, username, display_name, email_to, user_type, password_hash IS NOT NULL AS has_password";
        let sql = |text: String| -> Arc<str> { text.into() };
        Self {
            find: sql(format!("SELECT {columns} FROM {t} WHERE id = $1")),
            find_by_username: sql(format!("SELECT {columns} FROM {t} WHERE lower(username) = lower($1)")),
            list: sql(format!("SELECT {columns} FROM {t} ORDER BY id")),
            upsert: sql(format!(
                "INSERT INTO {t} (id, username, display_name, email_to, user_type) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (id) DO UPDATE SET username = EXCLUDED.username, \
                 display_name = EXCLUDED.display_name, email_to = EXCLUDED.email_to, \
                 user_type = EXCLUDED.user_type"
            )),
            set_password: sql(format!("UPDATE {t} SET password_hash = $2 WHERE id = $1")),
            password_hash: sql(format!("SELECT password_hash FROM {t} WHERE id = $1")),
        }
    }
}

/// The user directory on the default `users` table created by
/// [`crate::migrate`]:
///
/// | column | type | |
/// | --- | --- | --- |
/// | `id` | `text` primary key | the host's user id |
/// | `username` | `text`, unique ignoring case | the sign-in email address; reset emails go here |
/// | `display_name` | `text` | |
/// | `email_to` | `text` null | the "email to" address, never used for resets |
/// | `user_type` | `text`: `admin`, `web` or `device` | |
/// | `password_hash` | `text` null | Argon2id PHC string; null until a password is created |
///
/// Hosts whose users live in their own table implement
/// [`UserDirectory`] for it instead. Cheap to clone.
#[derive(Clone, Debug)]
pub struct PgUserDirectory {
    pool: PgPool,
    schema: Schema,
    sql: Arc<Statements>,
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: String,
    username: String,
    display_name: String,
    email_to: Option<String>,
    user_type: String,
    has_password: bool,
}

impl TryFrom<UserRow> for User {
    type Error = DirectoryError;

    fn try_from(row: UserRow) -> Result<Self, DirectoryError> {
        let user_type = UserType::from_name(&row.user_type).ok_or_else(|| {
            DirectoryError::new(format!(
                "PostgreSQL: user {} has unknown user_type {:?}",
                row.id, row.user_type
            ))
        })?;
        Ok(User {
            id: UserId::new(row.id),
            username: row.username,
            display_name: row.display_name,
            email_to: row.email_to,
            user_type,
            has_password: row.has_password,
        })
    }
}

impl PgUserDirectory {
    /// A directory on `pool` using the `users` table of the default schema.
    pub fn new(pool: PgPool) -> Self {
        let schema = Schema::default();
        Self { pool, sql: Arc::new(Statements::new(&schema)), schema }
    }

    /// Uses the `users` table of `schema` instead.
    pub fn with_schema(mut self, schema: Schema) -> Self {
        self.sql = Arc::new(Statements::new(&schema));
        self.schema = schema;
        self
    }

    /// The schema holding the `users` table.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The connection pool.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Adds `user`, or updates the user with the same id, keeping any
    /// password hash they have (`user.has_password` is ignored: it follows
    /// the stored hash). Fails if another user has the same username.
    pub async fn upsert_user(&self, user: &User) -> Result<(), DirectoryError> {
        sqlx::query(AssertSqlSafe(Arc::clone(&self.sql.upsert)))
            .bind(user.id.as_str())
            .bind(&user.username)
            .bind(&user.display_name)
            .bind(user.email_to.as_deref())
            .bind(user.user_type.as_str())
            .execute(&self.pool)
            .await
            .map_err(directory_error("save the user"))?;
        Ok(())
    }

    /// The user whose username is `username`, compared ignoring case (for sign-in).
    pub async fn find_by_username(&self, username: &str) -> Result<Option<User>, DirectoryError> {
        let row: Option<UserRow> = sqlx::query_as(AssertSqlSafe(Arc::clone(&self.sql.find_by_username)))
            .bind(username)
            .fetch_optional(&self.pool)
            .await
            .map_err(directory_error("look up the user by username"))?;
        row.map(User::try_from).transpose()
    }

    /// Every user, ordered by id.
    pub async fn users(&self) -> Result<Vec<User>, DirectoryError> {
        let rows: Vec<UserRow> = sqlx::query_as(AssertSqlSafe(Arc::clone(&self.sql.list)))
            .fetch_all(&self.pool)
            .await
            .map_err(directory_error("list the users"))?;
        rows.into_iter().map(User::try_from).collect()
    }

    /// The user's stored password hash (for the host's sign-in), `None` if
    /// the user has none or does not exist.
    pub async fn password_hash(&self, id: &UserId) -> Result<Option<PasswordHash>, DirectoryError> {
        let stored: Option<Option<String>> =
            sqlx::query_scalar(AssertSqlSafe(Arc::clone(&self.sql.password_hash)))
                .bind(id.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err(directory_error("read the password hash"))?;
        stored
            .flatten()
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
        let row: Option<UserRow> = sqlx::query_as(AssertSqlSafe(Arc::clone(&self.sql.find)))
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(directory_error("look up the user"))?;
        row.map(User::try_from).transpose()
    }

    async fn set_password_hash(&self, id: &UserId, hash: &PasswordHash) -> Result<(), DirectoryError> {
        let done = sqlx::query(AssertSqlSafe(Arc::clone(&self.sql.set_password)))
            .bind(id.as_str())
            .bind(hash.as_str())
            .execute(&self.pool)
            .await
            .map_err(directory_error("save the password hash"))?;
        if done.rows_affected() == 1 {
            Ok(())
        } else {
            Err(DirectoryError::new(format!("PostgreSQL: no user with id {id}")))
        }
    }
}
