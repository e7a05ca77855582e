//! [`UsersTable`]: the host's users table described, field by field, with
//! a checked builder.

use std::sync::Arc;

use super::sql::{Field, UserTypeSource};
use super::{IdType, InvalidUsersTable};
use crate::ident::Ident;

/// The host's users table, as the reset flow needs it: the id, the
/// username (the sign-in email address, where reset emails go), the display
/// name, the optional "email to" address, the user type, the optional
/// locale and tenant, and the password hash.
///
/// Every name is the host's. The defaults are the column names of the
/// demo's table: `id` as text, `username`, `display_name`, `email_to`,
/// `user_type` holding `admin`/`web`/`device`, `password_hash`; no locale
/// and no tenant.
///
/// **Columns or expressions.** The id, username and password hash are
/// always columns: users are found by them, and the new hash is written
/// with `UPDATE` to the real column in the transaction that completes the
/// reset. The display name, "email to" address, locale and tenant may each
/// be a column or a read-only SQL expression over the table's row (the
/// `…_sql` methods), read as text whatever their SQL type; the user type may
/// be a column of values ([`user_type`](Self::user_type)), boolean columns
/// ([`user_type_flags`](Self::user_type_flags)) or an expression
/// ([`user_type_sql`](Self::user_type_sql)).
///
/// **Expressions are spliced into SQL as written.** They are the host's own
/// trusted code, like its migrations: never build one from user input or
/// from settings users can change. Unqualified names in them are the
/// table's columns.
///
/// **NULLs.** A NULL (or absent) display name reads as an empty string,
/// and the core then addresses the person by username
/// ([`User::name`](inzant_reset_core::user::User::name)). A NULL "email
/// to", locale or tenant reads as `None`, and so does an empty or blank
/// locale. A user "has a password" when the hash is neither NULL nor empty.
///
/// Check the description against the database at start-up with
/// [`UsersTable::check`]: a missing column or a failing expression is then
/// an error naming it, not a failure at the first reset.
///
/// ```
/// use inzant_reset_sqlx::{IdType, UsersTable};
///
/// # fn main() -> Result<(), inzant_reset_sqlx::InvalidUsersTable> {
/// // crm.people: person_id uuid, email text, full_name text NULL,
/// // is_admin boolean, app_only boolean, pwd text NULL, tenant_id bigint, locale text NULL.
/// let people = UsersTable::new("crm.people")?
///     .id("person_id", IdType::Uuid)?
///     .username("email")?
///     .password_hash("pwd")?
///     .display_name("full_name")? // NULL reads as "": the email then greets by username
///     .email_to(None)?
///     .user_type_flags(Some("is_admin"), Some("app_only"))? // admin, else device, else web
///     .tenant("tenant_id")? // a bigint, read as text
///     .locale("locale")?;
///
/// // Another host: a name built from two columns and a type column with its own values.
/// let accounts = UsersTable::new("public.accounts")?
///     .id("account_id", IdType::BigInt)?
///     .username("login_email")?
///     .password_hash("pwd_hash")?
///     .display_name_sql("coalesce(first_name || ' ' || last_name, first_name, last_name)")?
///     .user_type("kind", ["boss", "staff", "tablet"])?;
/// # let _ = (people, accounts);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct UsersTable {
    pub(super) schema: Option<Ident>,
    pub(super) table: Ident,
    pub(super) id: Ident,
    pub(super) id_type: IdType,
    pub(super) username: Ident,
    pub(super) display_name: Field,
    pub(super) email_to: Field,
    pub(super) user_type: UserTypeSource,
    pub(super) locale: Field,
    pub(super) tenant: Field,
    pub(super) password_hash: Ident,
}

/// `name` as a column, or the error naming it.
fn column(name: &str) -> Result<Ident, InvalidUsersTable> {
    Ident::new(name).ok_or_else(|| InvalidUsersTable::Name(name.to_owned()))
}

/// `expression` as the source of `field`: trimmed, and neither empty nor
/// holding a NUL character (which PostgreSQL refuses).
fn expression(field: &'static str, expression: &str) -> Result<Arc<str>, InvalidUsersTable> {
    let trimmed = expression.trim();
    if trimmed.is_empty() || trimmed.contains('\0') {
        return Err(InvalidUsersTable::Expression(field));
    }
    Ok(trimmed.into())
}

impl UsersTable {
    /// The table `name` (`table` or `schema.table`) with the default column names.
    ///
    /// # Errors
    /// A name that is not a plain lower-case identifier.
    pub fn new(name: &str) -> Result<Self, InvalidUsersTable> {
        let (schema, table) = match name.split_once('.') {
            Some((schema, table)) => (Some(column(schema)?), column(table)?),
            None => (None, column(name)?),
        };
        Ok(Self {
            schema,
            table,
            id: column("id")?,
            id_type: IdType::Text,
            username: column("username")?,
            display_name: Field::Column(column("display_name")?),
            email_to: Field::Column(column("email_to")?),
            user_type: UserTypeSource::Column {
                column: column("user_type")?,
                values: ["admin", "web", "device"].map(str::to_owned),
            },
            locale: Field::Absent,
            tenant: Field::Absent,
            password_hash: column("password_hash")?,
        })
    }

    /// The id column and its SQL type.
    ///
    /// # Errors
    /// A column name that is not a plain identifier.
    pub fn id(mut self, column_name: &str, id_type: IdType) -> Result<Self, InvalidUsersTable> {
        self.id = column(column_name)?;
        self.id_type = id_type;
        Ok(self)
    }

    /// The username column (the sign-in email address; reset emails go
    /// there). Text, `varchar` or `citext`.
    ///
    /// # Errors
    /// A column name that is not a plain identifier.
    pub fn username(mut self, column_name: &str) -> Result<Self, InvalidUsersTable> {
        self.username = column(column_name)?;
        Ok(self)
    }

    /// The password hash column (text or `varchar`, NULL allowed; Argon2id
    /// PHC strings are written there with `UPDATE`).
    ///
    /// # Errors
    /// A column name that is not a plain identifier.
    pub fn password_hash(mut self, column_name: &str) -> Result<Self, InvalidUsersTable> {
        self.password_hash = column(column_name)?;
        Ok(self)
    }

    /// The display name column (NULL reads as an empty string).
    ///
    /// # Errors
    /// A column name that is not a plain identifier.
    pub fn display_name(mut self, column_name: &str) -> Result<Self, InvalidUsersTable> {
        self.display_name = Field::Column(column(column_name)?);
        Ok(self)
    }

    /// The display name as an SQL expression over the row, such as
    /// `first_name || ' ' || last_name` (NULL reads as an empty string).
    /// Spliced into SQL as written: the host's trusted code, never user input.
    ///
    /// # Errors
    /// An empty expression.
    pub fn display_name_sql(mut self, sql: &str) -> Result<Self, InvalidUsersTable> {
        self.display_name = Field::Sql(expression("the display name", sql)?);
        Ok(self)
    }

    /// No display name at all: every user's reads as an empty string, and
    /// the core addresses people by username.
    pub fn without_display_name(mut self) -> Self {
        self.display_name = Field::Absent;
        self
    }

    /// The "email to" column, or `None` when the table has none.
    ///
    /// # Errors
    /// A column name that is not a plain identifier.
    pub fn email_to(mut self, column_name: Option<&str>) -> Result<Self, InvalidUsersTable> {
        self.email_to = match column_name {
            Some(name) => Field::Column(column(name)?),
            None => Field::Absent,
        };
        Ok(self)
    }

    /// The "email to" address as an SQL expression over the row. Spliced
    /// into SQL as written: the host's trusted code, never user input.
    ///
    /// # Errors
    /// An empty expression.
    pub fn email_to_sql(mut self, sql: &str) -> Result<Self, InvalidUsersTable> {
        self.email_to = Field::Sql(expression("the \"email to\" address", sql)?);
        Ok(self)
    }

    /// The person's locale column (`de`, `pt-BR`, `fr_CA`; NULL, empty or
    /// blank for the host's default). Without one, nobody has a locale.
    ///
    /// # Errors
    /// A column name that is not a plain identifier.
    pub fn locale(mut self, column_name: &str) -> Result<Self, InvalidUsersTable> {
        self.locale = Field::Column(column(column_name)?);
        Ok(self)
    }

    /// The locale as an SQL expression over the row. Spliced into SQL as
    /// written: the host's trusted code, never user input.
    ///
    /// # Errors
    /// An empty expression.
    pub fn locale_sql(mut self, sql: &str) -> Result<Self, InvalidUsersTable> {
        self.locale = Field::Sql(expression("the locale", sql)?);
        Ok(self)
    }

    /// The tenant column, of any SQL type (read as text with `::text`: a
    /// `bigint` 42 reads as `"42"`). Without one, nobody has a tenant.
    ///
    /// # Errors
    /// A column name that is not a plain identifier.
    pub fn tenant(mut self, column_name: &str) -> Result<Self, InvalidUsersTable> {
        self.tenant = Field::Column(column(column_name)?);
        Ok(self)
    }

    /// The tenant as an SQL expression over the row (read as text). Spliced
    /// into SQL as written: the host's trusted code, never user input.
    ///
    /// # Errors
    /// An empty expression.
    pub fn tenant_sql(mut self, sql: &str) -> Result<Self, InvalidUsersTable> {
        self.tenant = Field::Sql(expression("the tenant", sql)?);
        Ok(self)
    }

    /// The user type column and the values it holds for admin, web and
    /// device users, in that order (read as text, so an enum type works).
    /// Rows with any other value, or NULL, are errors.
    ///
    /// # Errors
    /// A column name that is not a plain identifier.
    pub fn user_type(mut self, column_name: &str, values: [&str; 3]) -> Result<Self, InvalidUsersTable> {
        self.user_type =
            UserTypeSource::Column { column: column(column_name)?, values: values.map(str::to_owned) };
        Ok(self)
    }

    /// The user type from boolean columns: admin if the `admin` column is
    /// true, else device if the `device` column is true, else web (NULL
    /// counts as false). Leave out a flag the table does not have.
    ///
    /// # Errors
    /// A column name that is not a plain identifier.
    pub fn user_type_flags(
        mut self,
        admin: Option<&str>,
        device: Option<&str>,
    ) -> Result<Self, InvalidUsersTable> {
        self.user_type = UserTypeSource::Flags {
            admin: admin.map(column).transpose()?,
            device: device.map(column).transpose()?,
        };
        Ok(self)
    }

    /// The user type as an SQL expression over the row returning the text
    /// `'admin'`, `'web'` or `'device'`, such as `CASE WHEN role = 'owner'
    /// THEN 'admin' ELSE 'web' END`. Rows with any other value, or NULL,
    /// are errors. Spliced into SQL as written: the host's trusted code,
    /// never user input.
    ///
    /// # Errors
    /// An empty expression.
    pub fn user_type_sql(mut self, sql: &str) -> Result<Self, InvalidUsersTable> {
        self.user_type = UserTypeSource::Sql(expression("the user type", sql)?);
        Ok(self)
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
        let table = UsersTable::new("accounts").unwrap();
        assert_eq!(
            table.clone().id("account id", IdType::BigInt),
            Err(InvalidUsersTable::Name("account id".to_owned()))
        );
        assert!(table.clone().locale("Locale").is_err());
        assert!(table.clone().user_type_flags(Some("is_admin"), Some("app only")).is_err());
        assert_eq!(
            table.clone().display_name_sql("  "),
            Err(InvalidUsersTable::Expression("the display name"))
        );
        assert!(table.tenant_sql("a\0b").is_err());
    }
}
