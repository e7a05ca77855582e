//! The host's users table, described rather than owned: [`UsersTable`] names
//! the table and its columns, whatever they are called, so that
//! [`PgUserDirectory`] can read users from it and [`PgStore`](crate::PgStore)
//! can write a new password hash in the same transaction that completes the
//! reset request. The library never creates, alters or migrates that table.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use inzant_reset_core::error::DirectoryError;
use inzant_reset_core::hash::PasswordHash;
use inzant_reset_core::ports::UserDirectory;
use inzant_reset_core::user::{User, UserId, UserType};
use sqlx::postgres::PgArguments;
use sqlx::query::{Query, QueryAs, QueryScalar};
use sqlx::{AssertSqlSafe, PgPool, Postgres};
use uuid::Uuid;

use crate::error::directory_error;

/// The SQL type of the users table's id column. The core carries ids as
/// text; they are converted to this type when bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdType {
    /// `text` or `varchar`.
    Text,
    /// `bigint` (`int8`, `bigserial`).
    BigInt,
    /// `integer` (`int4`, `serial`).
    Integer,
    /// `uuid`.
    Uuid,
}

/// A user id converted for binding; `None` when the text cannot be an id
/// of this type (so no such user exists).
enum BoundId<'a> {
    Text(&'a str),
    BigInt(i64),
    Integer(i32),
    Uuid(Uuid),
}

impl IdType {
    fn bind<'a>(self, id: &'a UserId) -> Option<BoundId<'a>> {
        let text = id.as_str();
        match self {
            Self::Text => Some(BoundId::Text(text)),
            Self::BigInt => text.parse().ok().map(BoundId::BigInt),
            Self::Integer => text.parse().ok().map(BoundId::Integer),
            Self::Uuid => Uuid::parse_str(text).ok().map(BoundId::Uuid),
        }
    }
}

/// Binds `id` as the first parameter of the next placeholder.
macro_rules! bind_id {
    ($query:expr, $id:expr) => {
        match $id {
            BoundId::Text(id) => $query.bind(id.to_owned()),
            BoundId::BigInt(id) => $query.bind(id),
            BoundId::Integer(id) => $query.bind(id),
            BoundId::Uuid(id) => $query.bind(id),
        }
    };
}

/// A SQL identifier checked to be plain (so it can be spliced into SQL):
/// 1–63 bytes of `a`–`z`, `0`–`9` and `_`, not starting with a digit.
#[derive(Clone, PartialEq, Eq)]
struct Ident(Arc<str>);

impl Ident {
    fn new(name: &str) -> Result<Self, InvalidUsersTable> {
        let bytes = name.as_bytes();
        let plain = !bytes.is_empty()
            && bytes.len() <= 63
            && !bytes[0].is_ascii_digit()
            && bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_');
        if plain { Ok(Self(name.into())) } else { Err(InvalidUsersTable(name.to_owned())) }
    }

    fn quoted(&self) -> String {
        format!("\"{}\"", self.0)
    }
}

/// A table or column name that [`UsersTable`] refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not a usable table or column name: use 1-63 characters of a-z, 0-9 and _, not starting \
     with a digit (a table may be schema-qualified: schema.table)"
)]
pub struct InvalidUsersTable(pub String);

/// How the user type is stored: a column and the value of each type.
#[derive(Clone, PartialEq, Eq)]
struct TypeColumn {
    column: Ident,
    admin: String,
    web: String,
    device: String,
}

/// The host's users table, as the reset flow needs it: the id, the
/// username (the sign-in email address, where reset emails go), the display
/// name, the optional "email to" address, the user type and the password
/// hash. Every name is the host's; the defaults are the column names of
/// the demo's table (`id` as text, `username`, `display_name`, `email_to`,
/// `user_type` holding `admin`/`web`/`device`, `password_hash`).
///
/// A user "has a password" when the hash column is neither NULL nor empty.
///
/// ```
/// use inzant_reset_sqlx::{IdType, UsersTable};
///
/// # fn main() -> Result<(), inzant_reset_sqlx::InvalidUsersTable> {
/// let accounts = UsersTable::new("public.accounts")?
///     .id("account_id", IdType::BigInt)?
///     .username("login_email")?
///     .password_hash("pwd_hash")?
///     .user_type("kind", ["admin", "web", "device"])?;
/// # let _ = accounts;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct UsersTable {
    schema: Option<Ident>,
    table: Ident,
    id: Ident,
    id_type: IdType,
    username: Ident,
    display_name: Ident,
    email_to: Option<Ident>,
    user_type: TypeColumn,
    password_hash: Ident,
}

impl UsersTable {
    /// The table `name` (`table` or `schema.table`) with the default column names.
    ///
    /// # Errors
    /// A name that is not a plain lower-case identifier.
    pub fn new(name: &str) -> Result<Self, InvalidUsersTable> {
        let (schema, table) = match name.split_once('.') {
            Some((schema, table)) => (Some(Ident::new(schema)?), Ident::new(table)?),
            None => (None, Ident::new(name)?),
        };
        Ok(Self {
            schema,
            table,
            id: Ident::new("id")?,
            id_type: IdType::Text,
            username: Ident::new("username")?,
            display_name: Ident::new("display_name")?,
            email_to: Some(Ident::new("email_to")?),
            user_type: TypeColumn {
                column: Ident::new("user_type")?,
                admin: "admin".to_owned(),
                web: "web".to_owned(),
                device: "device".to_owned(),
            },
            password_hash: Ident::new("password_hash")?,
        })
    }

    /// The id column and its SQL type.
    ///
    /// # Errors
    /// A column name that is not a plain identifier.
    pub fn id(mut self, column: &str, id_type: IdType) -> Result<Self, InvalidUsersTable> {
        self.id = Ident::new(column)?;
        self.id_type = id_type;
        Ok(self)
    }

    /// The username column (the sign-in email address; reset emails go there).
    ///
    /// # Errors
    /// A column name that is not a plain identifier.
    pub fn username(mut self, column: &str) -> Result<Self, InvalidUsersTable> {
        self.username = Ident::new(column)?;
        Ok(self)
    }

    /// The display name column.
    ///
    /// # Errors
    /// A column name that is not a plain identifier.
    pub fn display_name(mut self, column: &str) -> Result<Self, InvalidUsersTable> {
        self.display_name = Ident::new(column)?;
        Ok(self)
    }

    /// The "email to" column, or `None` when the table has none.
    ///
    /// # Errors
    /// A column name that is not a plain identifier.
    pub fn email_to(mut self, column: Option<&str>) -> Result<Self, InvalidUsersTable> {
        self.email_to = column.map(Ident::new).transpose()?;
        Ok(self)
    }

    /// The user type column and the values it holds for admin, web and
    /// device users, in that order. Rows with any other value are errors.
    ///
    /// # Errors
    /// A column name that is not a plain identifier.
    pub fn user_type(mut self, column: &str, values: [&str; 3]) -> Result<Self, InvalidUsersTable> {
        let [admin, web, device] = values.map(str::to_owned);
        self.user_type = TypeColumn { column: Ident::new(column)?, admin, web, device };
        Ok(self)
    }

    /// The password hash column (text; Argon2id PHC strings are written there).
    ///
    /// # Errors
    /// A column name that is not a plain identifier.
    pub fn password_hash(mut self, column: &str) -> Result<Self, InvalidUsersTable> {
        self.password_hash = Ident::new(column)?;
        Ok(self)
    }

    /// The quoted, possibly schema-qualified table name.
    fn qualified(&self) -> String {
        match &self.schema {
            Some(schema) => format!("{}.{}", schema.quoted(), self.table.quoted()),
            None => self.table.quoted(),
        }
    }

    /// `UPDATE … SET <hash> = $2 WHERE <id> = $1`: the statement that saves
    /// a new password hash, run by the store inside the completion's transaction.
    pub(crate) fn set_password_sql(&self) -> String {
        format!(
            "UPDATE {} SET {} = $2 WHERE {} = $1",
            self.qualified(),
            self.password_hash.quoted(),
            self.id.quoted()
        )
    }

    /// The statement for a new password hash, with the user's id bound as
    /// `$1`; `None` when the id cannot be one of this table's.
    pub(crate) fn bind_set_password<'q>(
        &self,
        sql: &Arc<str>,
        user: &UserId,
    ) -> Option<Query<'q, Postgres, PgArguments>> {
        let query = sqlx::query(AssertSqlSafe(Arc::clone(sql)));
        Some(bind_id!(query, self.id_type.bind(user)?))
    }

    fn select(&self, condition: &str) -> String {
        let email_to = self.email_to.as_ref().map_or("NULL::text".to_owned(), Ident::quoted);
        format!(
            "SELECT {id}::text AS id, {username}::text AS username, {name}::text AS display_name, \
             {email_to}::text AS email_to, {kind}::text AS user_type, \
             coalesce({hash} <> '', false) AS has_password FROM {table} WHERE {condition}",
            id = self.id.quoted(),
            username = self.username.quoted(),
            name = self.display_name.quoted(),
            kind = self.user_type.column.quoted(),
            hash = self.password_hash.quoted(),
            table = self.qualified(),
        )
    }

    fn user_type_of(&self, value: &str) -> Option<UserType> {
        let t = &self.user_type;
        [(&t.admin, UserType::Admin), (&t.web, UserType::Web), (&t.device, UserType::Device)]
            .into_iter()
            .find_map(|(name, user_type)| (name == value).then_some(user_type))
    }
}

impl fmt::Debug for UsersTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UsersTable({}, id {}: {:?})", self.qualified(), self.id.quoted(), self.id_type)
    }
}

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
    id: String,
    username: String,
    display_name: String,
    email_to: Option<String>,
    user_type: String,
    has_password: bool,
}

impl PgUserDirectory {
    /// A directory on `pool` reading users from `table`.
    pub fn new(pool: PgPool, table: UsersTable) -> Self {
        let sql = Statements {
            find: table.select(&format!("{} = $1", table.id.quoted())).into(),
            find_by_username: table.select(&format!("lower({}) = lower($1)", table.username.quoted())).into(),
            set_password: table.set_password_sql().into(),
            password_hash: format!(
                "SELECT {} FROM {} WHERE {} = $1",
                table.password_hash.quoted(),
                table.qualified(),
                table.id.quoted()
            )
            .into(),
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

    fn to_user(&self, row: UserRow) -> Result<User, DirectoryError> {
        let user_type = self.table.user_type_of(&row.user_type).ok_or_else(|| {
            DirectoryError::new(format!(
                "PostgreSQL: user {} has an unknown user type {:?}",
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

    fn by_id<'q, O>(&self, sql: &Arc<str>, id: &UserId) -> Option<QueryAs<'q, Postgres, O, PgArguments>>
    where
        O: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
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
        (O,): for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_must_be_plain_identifiers() {
        assert!(UsersTable::new("accounts").is_ok());
        assert!(UsersTable::new("app.accounts").is_ok());
        for bad in ["", "Accounts", "a-b", "a\"b", "a.b.c", "9a", "a;drop"] {
            assert!(UsersTable::new(bad).is_err(), "{bad}");
        }
        assert!(UsersTable::new("accounts").unwrap().id("account id", IdType::BigInt).is_err());
    }

    #[test]
    fn the_statements_use_the_hosts_names() {
        let table = UsersTable::new("app.accounts")
            .unwrap()
            .id("account_id", IdType::BigInt)
            .unwrap()
            .password_hash("pwd_hash")
            .unwrap()
            .username("login_email")
            .unwrap()
            .email_to(None)
            .unwrap();
        assert_eq!(
            table.set_password_sql(),
            "UPDATE \"app\".\"accounts\" SET \"pwd_hash\" = $2 WHERE \"account_id\" = $1"
        );
        let select = table.select("true");
        assert!(select.contains("\"login_email\"::text AS username"), "{select}");
        assert!(select.contains("NULL::text::text AS email_to"), "{select}");
    }

    #[test]
    fn ids_that_cannot_be_of_the_columns_type_bind_to_nothing() {
        let id = |text: &str| UserId::new(text);
        assert!(IdType::BigInt.bind(&id("42")).is_some());
        assert!(IdType::BigInt.bind(&id("forty-two")).is_none());
        assert!(IdType::Integer.bind(&id("99999999999")).is_none());
        assert!(IdType::Uuid.bind(&id("not-a-uuid")).is_none());
        assert!(IdType::Text.bind(&id("anything")).is_some());
    }

    #[test]
    fn user_types_map_through_the_hosts_values() {
        let table = UsersTable::new("t").unwrap().user_type("kind", ["boss", "staff", "tablet"]).unwrap();
        assert_eq!(table.user_type_of("boss"), Some(UserType::Admin));
        assert_eq!(table.user_type_of("tablet"), Some(UserType::Device));
        assert_eq!(table.user_type_of("admin"), None);
    }
}
