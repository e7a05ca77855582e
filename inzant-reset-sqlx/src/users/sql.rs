//! The SQL a [`UsersTable`] stands for: where each field is read from, the
//! statements that read users and write password hashes.

use std::fmt;
use std::sync::Arc;

use inzant_reset_core::user::{UserId, UserType};
use sqlx::postgres::PgArguments;
use sqlx::query::Query;
use sqlx::{AssertSqlSafe, Postgres};

use super::{BoundId, UsersTable};
use crate::ident::Ident;

/// Where a read-only field of a user comes from.
#[derive(Clone, PartialEq, Eq)]
pub(super) enum Field {
    /// A column of the table.
    Column(Ident),
    /// An SQL expression over the table's row: the host's trusted code.
    Sql(Arc<str>),
    /// Nowhere: the field is always NULL.
    Absent,
}

impl Field {
    /// The field as an SQL value, to be cast by the caller.
    fn sql(&self) -> String {
        match self {
            Self::Column(column) => column.quoted(),
            Self::Sql(expression) => parenthesized(expression),
            Self::Absent => "NULL".to_owned(),
        }
    }
}

/// `expression` in parentheses, the closing one on a line of its own so
/// that a trailing `-- comment` cannot swallow it.
pub(super) fn parenthesized(expression: &str) -> String {
    format!("({expression}\n)")
}

/// How a user's type is read.
#[derive(Clone, PartialEq, Eq)]
pub(super) enum UserTypeSource {
    /// A column holding the host's value for admin, web and device users.
    Column {
        /// The column.
        column: Ident,
        /// The values of admin, web and device users, in that order.
        values: [String; 3],
    },
    /// Boolean columns: admin if `admin` is true, else device if `device`
    /// is true, else web. NULL counts as false.
    Flags {
        /// The admin flag, if the table has one.
        admin: Option<Ident>,
        /// The device (app-only) flag, if the table has one.
        device: Option<Ident>,
    },
    /// An SQL expression returning `'admin'`, `'web'` or `'device'`.
    Sql(Arc<str>),
}

impl UserTypeSource {
    /// The user type as an SQL text value.
    fn sql(&self) -> String {
        match self {
            Self::Column { column, .. } => format!("{}::text", column.quoted()),
            Self::Flags { admin, device } => {
                let when = |flag: &Option<Ident>, name: &str| {
                    flag.as_ref()
                        .map(|flag| format!(" WHEN {} THEN '{name}'", flag.quoted()))
                        .unwrap_or_default()
                };
                match (admin, device) {
                    (None, None) => "'web'::text".to_owned(),
                    _ => format!("CASE{}{} ELSE 'web' END", when(admin, "admin"), when(device, "device")),
                }
            }
            Self::Sql(expression) => format!("{}::text", parenthesized(expression)),
        }
    }
}

impl UsersTable {
    /// The quoted, possibly schema-qualified table name: `"crm"."people"`.
    pub(crate) fn qualified(&self) -> String {
        match &self.schema {
            Some(schema) => format!("{}.{}", schema.quoted(), self.table.quoted()),
            None => self.table.quoted(),
        }
    }

    /// `UPDATE … SET <hash> = $2 WHERE <id> = $1`: the statement that saves
    /// a new password hash, run by the directory (the store completes and
    /// saves in one statement of its own).
    pub(crate) fn set_password_sql(&self) -> String {
        format!(
            "UPDATE {} SET {} = $2 WHERE {} = $1",
            self.qualified(),
            self.password_hash.quoted(),
            self.id.quoted()
        )
    }

    /// One statement that completes a reset request and saves its new
    /// password hash, so the completion is a single round trip and is
    /// atomic without an explicit transaction. Parameters: `$1` the user's
    /// id (this table's type), `$2` the hash, `$3` now, `$4` the request's
    /// id, `$5` the user's id as text.
    ///
    /// The request (in `requests`) is completed only while it is issued,
    /// unexpired, the user's own, and the user exists; the hash is written
    /// only when it was. The row answers `completed` (0 or 1) and
    /// `user_exists`. Should the hash land on other than exactly one row
    /// (the user's row deleted meanwhile, or an id column that is not
    /// unique), the final division by zero aborts the statement, so nothing
    /// is written at all rather than a completed request with no saved
    /// password.
    ///
    /// With `audit` (the `audit_events` table), the statement also inserts
    /// an audit event when, and only when, it completed the request:
    /// parameters `$6`–`$12` are the event's columns (at, kind, request,
    /// user, actor, purpose, attempts left), and the row answers `recorded`.
    pub(crate) fn complete_with_password_sql(&self, requests: &str, audit: Option<&str>) -> String {
        let (table, id, hash) = (self.qualified(), self.id.quoted(), self.password_hash.quoted());
        let (record, recorded) = match audit {
            Some(audit) => (
                format!(
                    "recorded AS ( \
                         INSERT INTO {audit} (at, kind, request_id, user_id, actor, purpose, attempts_left) \
                         SELECT $6, $7, $8, $9, $10, $11, $12 FROM done RETURNING 1), "
                ),
                "(SELECT count(*) FROM recorded)",
            ),
            None => (String::new(), "0::bigint"),
        };
        format!(
            "WITH done AS ( \
                 UPDATE {requests} SET state = 'completed', finished_at = $3 \
                 WHERE id = $4 AND user_id = $5 AND state = 'issued' AND expires_at > $3 \
                 AND EXISTS (SELECT 1 FROM {table} WHERE {id} = $1) RETURNING id), \
             saved AS ( \
                 UPDATE {table} SET {hash} = $2 WHERE {id} = $1 AND EXISTS (SELECT 1 FROM done) \
                 RETURNING 1), \
             {record}\
             counts AS ( \
                 SELECT (SELECT count(*) FROM done) AS completed, (SELECT count(*) FROM saved) AS saved) \
             SELECT completed, EXISTS (SELECT 1 FROM {table} WHERE {id} = $1) AS user_exists, \
             {recorded} AS recorded \
             FROM counts WHERE 1 / (CASE WHEN completed = saved THEN 1 ELSE 0 END) = 1"
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

    /// `SELECT <the user's fields> FROM <table> WHERE <condition>`.
    pub(super) fn select(&self, condition: &str) -> String {
        format!(
            "SELECT {id}::text AS id, {username}::text AS username, \
             coalesce({name}::text, '') AS display_name, {email_to}::text AS email_to, \
             {kind} AS user_type, {locale}::text AS locale, {tenant}::text AS tenant, \
             coalesce({hash} <> '', false) AS has_password FROM {table} WHERE {condition}",
            id = self.id.quoted(),
            username = self.username.quoted(),
            name = self.display_name.sql(),
            email_to = self.email_to.sql(),
            kind = self.user_type.sql(),
            locale = self.locale.sql(),
            tenant = self.tenant.sql(),
            hash = self.password_hash.quoted(),
            table = self.qualified(),
        )
    }

    /// `SELECT <hash> FROM <table> WHERE <id> = $1`.
    pub(super) fn password_hash_sql(&self) -> String {
        format!(
            "SELECT {} FROM {} WHERE {} = $1",
            self.password_hash.quoted(),
            self.qualified(),
            self.id.quoted()
        )
    }

    /// The user type a value read by [`select`](Self::select) stands for.
    pub(super) fn user_type_of(&self, value: &str) -> Option<UserType> {
        match &self.user_type {
            UserTypeSource::Column { values: [admin, web, device], .. } => {
                [(admin, UserType::Admin), (web, UserType::Web), (device, UserType::Device)]
                    .into_iter()
                    .find_map(|(name, user_type)| (name == value).then_some(user_type))
            }
            UserTypeSource::Flags { .. } | UserTypeSource::Sql(_) => UserType::from_name(value),
        }
    }
}

impl fmt::Debug for UsersTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UsersTable({}, id {}: {:?})", self.qualified(), self.id.quoted(), self.id_type)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::IdType;

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
        assert!(select.contains("NULL::text AS email_to"), "{select}");
        assert!(select.contains("coalesce(\"display_name\"::text, '') AS display_name"), "{select}");
        assert!(select.contains("NULL::text AS locale, NULL::text AS tenant"), "{select}");
    }

    #[test]
    fn expressions_and_flags_are_read_as_text() {
        let table = UsersTable::new("crm.people")
            .unwrap()
            .display_name_sql(" first_name || ' ' || last_name -- the person's name ")
            .unwrap()
            .user_type_flags(Some("is_admin"), Some("app_only"))
            .unwrap()
            .tenant("tenant_id")
            .unwrap()
            .locale_sql("lower(lang)")
            .unwrap();
        let select = table.select("true");
        assert!(
            select.contains("coalesce((first_name || ' ' || last_name -- the person's name\n)::text, '')"),
            "{select}"
        );
        assert!(
            select.contains(
                "CASE WHEN \"is_admin\" THEN 'admin' WHEN \"app_only\" THEN 'device' ELSE 'web' END"
            ),
            "{select}"
        );
        assert!(select.contains("\"tenant_id\"::text AS tenant"), "{select}");
        assert!(select.contains("(lower(lang)\n)::text AS locale"), "{select}");
        let only_devices = table.clone().user_type_flags(None, Some("app_only")).unwrap();
        assert!(only_devices.select("true").contains("CASE WHEN \"app_only\" THEN 'device' ELSE 'web' END"));
        let everyone_web = table.clone().user_type_flags(None, None).unwrap();
        assert!(everyone_web.select("true").contains("'web'::text AS user_type"));
        let absent = table.without_display_name().select("true");
        assert!(absent.contains("coalesce(NULL::text, '') AS display_name"), "{absent}");
    }

    #[test]
    fn user_types_map_through_the_hosts_values() {
        let table = UsersTable::new("t").unwrap().user_type("kind", ["boss", "staff", "tablet"]).unwrap();
        assert_eq!(table.user_type_of("boss"), Some(UserType::Admin));
        assert_eq!(table.user_type_of("tablet"), Some(UserType::Device));
        assert_eq!(table.user_type_of("admin"), None);
        let flags = table.clone().user_type_flags(Some("is_admin"), None).unwrap();
        assert_eq!(flags.user_type_of("admin"), Some(UserType::Admin));
        assert_eq!(flags.user_type_of("boss"), None);
        let sql = table.user_type_sql("role").unwrap();
        assert_eq!(sql.user_type_of("device"), Some(UserType::Device));
    }
}
