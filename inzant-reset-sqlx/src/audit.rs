//! [`PgAudit`]: audit events in the `audit_events` table.

use std::sync::Arc;

use async_trait::async_trait;
use inzant_reset_core::audit::{AuditEvent, AuditKind};
use inzant_reset_core::error::StoreError;
use inzant_reset_core::ports::AuditSink;
use inzant_reset_core::request::{Purpose, RequestId};
use inzant_reset_core::user::UserId;
use sqlx::{AssertSqlSafe, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::error::{corrupt, db_error};
use crate::schema::Schema;

/// Records audit events as rows of `audit_events` (one per event: time,
/// kind, request, user, acting admin, and the kind's detail). Holds ids and
/// facts only, never secrets. Rows are not purged with requests. Cheap to clone.
#[derive(Clone, Debug)]
pub struct PgAudit {
    pool: PgPool,
    schema: Schema,
    insert: Arc<str>,
    pub(crate) for_request: Arc<str>,
    pub(crate) for_user: Arc<str>,
    pub(crate) between: Arc<str>,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    at: OffsetDateTime,
    kind: String,
    request_id: Uuid,
    user_id: String,
    actor: Option<String>,
    purpose: Option<String>,
    attempts_left: Option<i64>,
}

impl PgAudit {
    /// An audit sink on `pool` using the default schema.
    pub fn new(pool: PgPool) -> Self {
        Self::in_schema(pool, Schema::default())
    }

    /// Uses the `audit_events` table of `schema` instead.
    pub fn with_schema(self, schema: Schema) -> Self {
        Self::in_schema(self.pool, schema)
    }

    fn in_schema(pool: PgPool, schema: Schema) -> Self {
        let t = schema.table("audit_events");
        let insert = format!(
            "INSERT INTO {t} (at, kind, request_id, user_id, actor, purpose, attempts_left) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)"
        );
        let for_request = format!(
            "SELECT at, kind, request_id, user_id, actor, purpose, attempts_left FROM {t} \
             WHERE request_id = $1 ORDER BY id"
        );
        let for_user = format!(
            "SELECT at, kind, request_id, user_id, actor, purpose, attempts_left FROM {t} \
             WHERE user_id = $1 AND kind <> 'wrong_code' ORDER BY id DESC LIMIT $2"
        );
        // A backward scan of `audit_events_at_idx`; `id` orders events
        // recorded in the same microsecond as they were recorded.
        let between = format!(
            "SELECT at, kind, request_id, user_id, actor, purpose, attempts_left FROM {t} \
             WHERE at >= $1 AND at < $2 ORDER BY at DESC, id DESC LIMIT $3"
        );
        Self {
            pool,
            schema,
            insert: insert.into(),
            for_request: for_request.into(),
            for_user: for_user.into(),
            between: between.into(),
        }
    }

    /// The schema holding the table.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Every event recorded about request `id`, oldest first.
    pub async fn events_for_request(&self, id: RequestId) -> Result<Vec<AuditEvent>, StoreError> {
        let rows: Vec<EventRow> = sqlx::query_as(AssertSqlSafe(Arc::clone(&self.for_request)))
            .bind(*id.as_uuid())
            .fetch_all(&self.pool)
            .await
            .map_err(db_error("read audit events"))?;
        rows.into_iter().map(event_from_row).collect()
    }
}

fn event_from_row(row: EventRow) -> Result<AuditEvent, StoreError> {
    let missing = |what: &str| corrupt(format!("audit event {:?} without its {what}", row.kind));
    let kind = match row.kind.as_str() {
        "issued" => AuditKind::Issued {
            purpose: row.purpose.as_deref().and_then(Purpose::from_name).ok_or_else(|| missing("purpose"))?,
        },
        "mail_failed" => AuditKind::MailFailed,
        // Events written before supersede moved to the replaced request
        // carried a count; both read as the same kind.
        "superseded" => AuditKind::Superseded,
        "wrong_code" => AuditKind::WrongCode {
            attempts_left: row
                .attempts_left
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| missing("attempts left"))?,
        },
        "locked" => AuditKind::Locked,
        "completed" => AuditKind::Completed,
        "password_not_saved" => AuditKind::PasswordNotSaved,
        "hook_failed" => AuditKind::HookFailed,
        "notice_failed" => AuditKind::NoticeFailed,
        "notice_sent" => AuditKind::NoticeSent,
        "cancelled" => AuditKind::Cancelled,
        "expired" => AuditKind::Expired,
        other => return Err(corrupt(format!("unknown audit event kind {other:?}"))),
    };
    Ok(AuditEvent {
        at: row.at,
        kind,
        request: RequestId::from_uuid(row.request_id),
        user: UserId::new(row.user_id),
        actor: row.actor.map(UserId::new),
    })
}

/// `query` with `event`'s seven columns bound next, in the order of
/// `audit_events`' insert: at, kind, request, user, actor, purpose, attempts left.
pub(crate) fn bind_event<'q>(
    query: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    event: &'q AuditEvent,
) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
    let (purpose, attempts_left) = match event.kind {
        AuditKind::Issued { purpose } => (Some(purpose.as_str()), None),
        AuditKind::WrongCode { attempts_left } => (None, Some(i64::from(attempts_left))),
        _ => (None, None),
    };
    query
        .bind(event.at)
        .bind(event.kind.as_str())
        .bind(*event.request.as_uuid())
        .bind(event.user.as_str())
        .bind(event.actor.as_ref().map(UserId::as_str))
        .bind(purpose)
        .bind(attempts_left)
}

/// The name of the table `schema.table` in the database `pool` connects
/// to, as [`AuditSink::records_in`] and `ResetStore::records_audit_in`
/// compare them: the same table on the same server and database.
pub(crate) fn place_of(pool: &PgPool, table: &str) -> String {
    let options = pool.connect_options();
    let server = match options.get_socket() {
        Some(socket) => socket.display().to_string(),
        None => format!("{}:{}", options.get_host(), options.get_port()),
    };
    let database = options.get_database().unwrap_or_else(|| options.get_username());
    format!("postgresql://{server}/{database} {table}")
}

#[async_trait]
impl AuditSink for PgAudit {
    async fn record(&self, event: &AuditEvent) -> Result<(), StoreError> {
        bind_event(sqlx::query(AssertSqlSafe(Arc::clone(&self.insert))), event)
            .execute(&self.pool)
            .await
            .map_err(db_error("record an audit event"))?;
        Ok(())
    }

    fn records_in(&self) -> Option<String> {
        Some(place_of(&self.pool, &self.schema.table("audit_events")))
    }

    async fn recent_for_user(&self, user: &UserId, limit: usize) -> Result<Vec<AuditEvent>, StoreError> {
        let rows: Vec<EventRow> = sqlx::query_as(AssertSqlSafe(Arc::clone(&self.for_user)))
            .bind(user.as_str())
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(&self.pool)
            .await
            .map_err(db_error("read the user's recent password events"))?;
        rows.into_iter().map(event_from_row).collect()
    }

    async fn events_between(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
        limit: usize,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let rows: Vec<EventRow> = sqlx::query_as(AssertSqlSafe(Arc::clone(&self.between)))
            .bind(from)
            .bind(to)
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(&self.pool)
            .await
            .map_err(db_error("read the audit events of a span of time"))?;
        rows.into_iter().map(event_from_row).collect()
    }
}
