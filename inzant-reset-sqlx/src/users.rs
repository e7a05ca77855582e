//! The host's users table, described rather than owned: [`UsersTable`] names
//! the table and where each field of a user comes from (a column, whatever
//! it is called, or a read-only SQL expression), so that [`PgUserDirectory`]
//! can read users from it and [`PgStore`](crate::PgStore) can write a new
//! password hash in the same transaction that completes the reset request.
//! [`UsersTable::check`] compares the description with the real table at
//! start-up. The library never creates, alters or migrates that table.

use inzant_reset_core::user::UserId;
use uuid::Uuid;

/// Binds `id` (a [`BoundId`]) as the next parameter of `$query`.
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

mod check;
mod describe;
mod directory;
mod sql;

pub use check::UsersTableError;
pub use describe::UsersTable;
pub use directory::PgUserDirectory;

/// The SQL type of the users table's id column. The core carries ids as
/// text; they are converted to this type when bound, and read back as text
/// (`::text`: a UUID reads in its canonical lower-case hyphenated form).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdType {
    /// `text`, `varchar` or `char`.
    Text,
    /// `bigint` (`int8`, `bigserial`).
    BigInt,
    /// `integer` (`int4`, `serial`).
    Integer,
    /// `uuid`.
    Uuid,
}

/// A user id converted for binding.
enum BoundId<'a> {
    Text(&'a str),
    BigInt(i64),
    Integer(i32),
    Uuid(Uuid),
}

impl IdType {
    /// `id` converted for binding; `None` when the text cannot be an id of
    /// this type (so no such user exists).
    fn bind(self, id: &UserId) -> Option<BoundId<'_>> {
        let text = id.as_str();
        match self {
            Self::Text => Some(BoundId::Text(text)),
            Self::BigInt => text.parse().ok().map(BoundId::BigInt),
            Self::Integer => text.parse().ok().map(BoundId::Integer),
            Self::Uuid => Uuid::parse_str(text).ok().map(BoundId::Uuid),
        }
    }

    /// The column types (`information_schema.columns.data_type`, or the
    /// type's name for extension types) this id type binds to.
    fn column_types(self) -> &'static [&'static str] {
        match self {
            Self::Text => &["text", "character varying", "character", "citext"],
            Self::BigInt => &["bigint"],
            Self::Integer => &["integer"],
            Self::Uuid => &["uuid"],
        }
    }

    /// The column type, as an error message says it.
    fn describe(self) -> &'static str {
        match self {
            Self::Text => "text or varchar (IdType::Text)",
            Self::BigInt => "bigint (IdType::BigInt)",
            Self::Integer => "integer (IdType::Integer)",
            Self::Uuid => "uuid (IdType::Uuid)",
        }
    }
}

/// A description that [`UsersTable`]'s builder refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidUsersTable {
    /// A table or column name that is not a plain identifier.
    #[error(
        "{0:?} is not a usable table or column name: use 1-63 characters of a-z, 0-9 and _, not starting \
         with a digit (a table may be schema-qualified: schema.table)"
    )]
    Name(String),
    /// An SQL expression that is empty or holds a NUL character.
    #[error("the SQL expression for {0} is empty or holds a NUL character")]
    Expression(&'static str),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_that_cannot_be_of_the_columns_type_bind_to_nothing() {
        let id = |text: &str| UserId::new(text);
        assert!(IdType::BigInt.bind(&id("42")).is_some());
        assert!(IdType::BigInt.bind(&id("forty-two")).is_none());
        assert!(IdType::Integer.bind(&id("99999999999")).is_none());
        assert!(IdType::Uuid.bind(&id("not-a-uuid")).is_none());
        assert!(IdType::Uuid.bind(&id("6F9619FF-8B86-D011-B42D-00C04FC964FF")).is_some());
        assert!(IdType::Text.bind(&id("anything")).is_some());
    }
}
