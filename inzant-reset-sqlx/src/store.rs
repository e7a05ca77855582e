//! [`PgStore`]: the reset store on PostgreSQL.

use std::sync::Arc;

use async_trait::async_trait;
use inzant_reset_core::audit::AuditEvent;
use inzant_reset_core::error::StoreError;
use inzant_reset_core::hash::PasswordHash;
use inzant_reset_core::ports::{Completion, Finish, IssueLimits, IssueOutcome, ResetStore};
use inzant_reset_core::request::{Purpose, RequestId, ResetRequest};
use inzant_reset_core::secret::{CodeDigest, TokenDigest};
use inzant_reset_core::state::RequestState;
use inzant_reset_core::user::UserId;
use sqlx::{AssertSqlSafe, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::{bind_event, place_of};
use crate::error::{corrupt, db_error};
use crate::schema::Schema;
use crate::users::UsersTable;

/// The first key of the two-key advisory lock taken per user while issuing
/// (`pg_advisory_xact_lock(ISSUE_LOCK_CLASS, hashtext(user_id))`). The
/// two-key lock space does not overlap the one-key space sqlx's migrator
/// uses; hosts using two-key advisory locks themselves should avoid this value.
pub const ISSUE_LOCK_CLASS: i32 = 0x1A2E_5E70;

/// The columns a request is read from.
const COLUMNS: &str = "id, user_id, issued_by, purpose, token_digest, code_digest, state, attempts, created_at, \
                       expires_at, finished_at, language";

/// The SQL of every statement, with schema-qualified table names, built once
/// per schema.
#[derive(Debug)]
struct Statements {
    lock_user: Arc<str>,
    issue_counts: Arc<str>,
    insert: Arc<str>,
    supersede: Arc<str>,
    recent_for_user: Arc<str>,
    find_by_token: Arc<str>,
    count_attempt: Arc<str>,
    finish_complete: Arc<str>,
    finish_other: Arc<str>,
    set_language: Arc<str>,
    expire_due: Arc<str>,
    purge: Arc<str>,
}

impl Statements {
    fn new(schema: &Schema) -> Self {
        let t = schema.table("reset_requests");
        let sql = |text: String| -> Arc<str> { text.into() };
        Self {
            lock_user: sql("SELECT pg_advisory_xact_lock($1, hashtext($2))".to_owned()),
            issue_counts: sql(format!(
                "SELECT max(created_at) AS latest, count(*) FILTER (WHERE created_at > $2) AS recent \
                 FROM {t} WHERE user_id = $1 AND state <> 'revoked'"
            )),
            insert: sql(format!(
                "INSERT INTO {t} (id, user_id, issued_by, purpose, token_digest, code_digest, state, attempts, \
                 created_at, expires_at, language) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
            )),
            supersede: sql(format!(
                "UPDATE {t} AS older SET state = 'superseded', finished_at = newer.created_at FROM {t} AS newer \
                 WHERE newer.id = $1 AND older.user_id = newer.user_id AND older.seq < newer.seq \
                 AND older.state = 'issued' RETURNING older.id, older.seq"
            )),
            recent_for_user: sql(format!(
                "SELECT {COLUMNS} FROM {t} WHERE user_id = $1 ORDER BY seq DESC LIMIT $2"
            )),
            find_by_token: sql(format!("SELECT {COLUMNS} FROM {t} WHERE token_digest = $1")),
            count_attempt: sql(format!(
                "UPDATE {t} SET attempts = attempts + 1 \
                 WHERE id = $1 AND state = 'issued' AND expires_at > $2 AND attempts < $3 RETURNING attempts"
            )),
            finish_complete: sql(format!(
                "UPDATE {t} SET state = 'completed', finished_at = $2 \
                 WHERE id = $1 AND state = 'issued' AND expires_at > $2"
            )),
            finish_other: sql(format!(
                "UPDATE {t} SET state = $2, finished_at = $3 WHERE id = $1 AND state = 'issued'"
            )),
            set_language: sql(format!(
                "UPDATE {t} SET language = $2 WHERE id = $1 AND state = 'issued' AND language <> $2"
            )),
            expire_due: sql(format!(
                "UPDATE {t} SET state = 'expired', finished_at = expires_at WHERE id IN \
                 (SELECT id FROM {t} WHERE state = 'issued' AND expires_at <= $1 \
                 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING {COLUMNS}"
            )),
            purge: sql(format!(
                "DELETE FROM {t} WHERE expires_at < $1 OR (state <> 'issued' AND created_at < $1)"
            )),
        }
    }
}

/// The reset store on PostgreSQL. Cheap to clone (a pool handle and shared SQL).
///
/// Every method is atomic in the database itself, so any number of app
/// instances may share one database:
///
/// - [`issue`](ResetStore::issue) takes a per-user transaction-scoped
///   advisory lock, counts the user's requests (cooldown and 24-hour cap,
///   revoked requests excluded) and inserts, in one transaction;
/// - [`count_attempt`](ResetStore::count_attempt) is a single conditional
///   `UPDATE … SET attempts = attempts + 1 … RETURNING attempts`;
/// - [`finish`](ResetStore::finish) is a single `UPDATE … WHERE state = 'issued'`
///   (and `expires_at > now` to complete);
/// - [`supersede_older`](ResetStore::supersede_older) is a single `UPDATE …
///   RETURNING` ordered by an identity column (the store's issue order);
/// - [`set_language`](ResetStore::set_language) is a single `UPDATE … WHERE
///   state = 'issued' AND language <> $2` (the same language writes nothing);
/// - with [`PgStore::with_users`], [`complete_with_password`](ResetStore::complete_with_password)
///   completes the request and writes the hash into the host's users table
///   in one statement (one round trip, atomic without a transaction), and
///   [`complete_and_record`](ResetStore::complete_and_record) inserts the
///   "completed" audit event in that same statement when the service's
///   audit sink is a [`crate::PgAudit`] on the same database and schema.
#[derive(Clone, Debug)]
pub struct PgStore {
    pool: PgPool,
    schema: Schema,
    sql: Arc<Statements>,
    users: Option<Arc<Completions>>,
}

/// The host's users table and the two completion statements written for it.
#[derive(Debug)]
struct Completions {
    table: UsersTable,
    /// Completes and saves the hash.
    plain: Arc<str>,
    /// The same, and inserts the audit event.
    recorded: Arc<str>,
}

impl PgStore {
    /// A store on `pool` using the tables in the default schema
    /// ([`Schema::DEFAULT_NAME`]). Run [`crate::migrate`] first.
    pub fn new(pool: PgPool) -> Self {
        let schema = Schema::default();
        Self { pool, sql: Arc::new(Statements::new(&schema)), schema, users: None }
    }

    /// Uses the tables in `schema` instead.
    pub fn with_schema(mut self, schema: Schema) -> Self {
        self.sql = Arc::new(Statements::new(&schema));
        self.schema = schema;
        if let Some(completions) = self.users.take() {
            return self.with_users(&completions.table);
        }
        self
    }

    /// Declares that the host's users live in `table`, in this store's
    /// database, so that completing a request and saving the new password
    /// hash there commit in one transaction (see
    /// [`ResetStore::complete_with_password`]): either both happen or
    /// neither, whatever fails in between.
    pub fn with_users(mut self, table: &UsersTable) -> Self {
        let (requests, audit) = (self.schema.table("reset_requests"), self.schema.table("audit_events"));
        self.users = Some(Arc::new(Completions {
            table: table.clone(),
            plain: table.complete_with_password_sql(&requests, None).into(),
            recorded: table.complete_with_password_sql(&requests, Some(&audit)).into(),
        }));
        self
    }

    /// The schema holding the tables.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The connection pool.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The completion statement: completes request `id`, saves `hash` as
    /// `user`'s and, with `event`, records it; `None` without a users table.
    async fn complete(
        &self,
        id: RequestId,
        user: &UserId,
        hash: &PasswordHash,
        now: OffsetDateTime,
        event: Option<&AuditEvent>,
    ) -> Result<Option<Completion>, StoreError> {
        let Some(completions) = &self.users else {
            return Ok(None);
        };
        let no_such_user = || {
            StoreError::new(format!(
                "PostgreSQL: no user with id {user} in the users table; the reset request was left unchanged"
            ))
        };
        let sql = if event.is_some() { &completions.recorded } else { &completions.plain };
        let Some(complete) = completions.table.bind_set_password(sql, user) else {
            return Err(no_such_user());
        };
        let complete = complete.bind(hash.as_str()).bind(now).bind(*id.as_uuid()).bind(user.as_str());
        let complete = match event {
            Some(event) => bind_event(complete, event),
            None => complete,
        };
        let row: Option<(i64, bool, i64)> = complete
            .try_map(|row: sqlx::postgres::PgRow| {
                use sqlx::Row as _;
                Ok((
                    row.try_get::<i64, _>("completed")?,
                    row.try_get::<bool, _>("user_exists")?,
                    row.try_get::<i64, _>("recorded")?,
                ))
            })
            .fetch_optional(&self.pool)
            .await
            .map_err(|error| match &error {
                // The statement's own guard: the hash would not have landed on exactly one row.
                sqlx::Error::Database(db) if db.code().as_deref() == Some("22012") => {
                    StoreError::new(format!(
                        "PostgreSQL: the user with id {user} was removed (or the id column is not unique) \
                     while the reset completed; nothing was changed"
                    ))
                }
                _ => db_error("complete the reset request and save the new password hash")(error),
            })?;
        match row {
            Some((1, _, 0)) if event.is_none() => Ok(Some(Completion::Completed)),
            Some((1, _, 1)) if event.is_some() => Ok(Some(Completion::CompletedAndRecorded)),
            Some((0, true, 0)) => Ok(Some(Completion::Unchanged)),
            Some((0, false, 0)) => Err(no_such_user()),
            Some((completed, _, recorded)) => Err(corrupt(format!(
                "the completion changed {completed} reset requests with one id and recorded {recorded} events"
            ))),
            None => Err(corrupt("the completion statement answered no row")),
        }
    }
}

fn query(sql: &Arc<str>) -> sqlx::query::Query<'static, sqlx::Postgres, sqlx::postgres::PgArguments> {
    sqlx::query(AssertSqlSafe(Arc::clone(sql)))
}

fn attempts_to_u32(attempts: i32) -> Result<u32, StoreError> {
    u32::try_from(attempts).map_err(|_| corrupt(format!("negative attempt count {attempts}")))
}

#[derive(sqlx::FromRow)]
struct RequestRow {
    id: Uuid,
    user_id: String,
    issued_by: String,
    purpose: String,
    token_digest: Vec<u8>,
    code_digest: Vec<u8>,
    state: String,
    attempts: i32,
    created_at: OffsetDateTime,
    expires_at: OffsetDateTime,
    finished_at: Option<OffsetDateTime>,
    language: String,
}

impl TryFrom<RequestRow> for ResetRequest {
    type Error = StoreError;

    fn try_from(row: RequestRow) -> Result<Self, StoreError> {
        let digest = |bytes: &[u8], what: &str| {
            <[u8; 32]>::try_from(bytes).map_err(|_| corrupt(format!("{what} of {} bytes", bytes.len())))
        };
        Ok(ResetRequest {
            id: RequestId::from_uuid(row.id),
            user: UserId::new(row.user_id),
            issued_by: UserId::new(row.issued_by),
            purpose: Purpose::from_name(&row.purpose)
                .ok_or_else(|| corrupt(format!("unknown purpose {:?}", row.purpose)))?,
            token_digest: TokenDigest(digest(&row.token_digest, "token digest")?),
            code_digest: CodeDigest(digest(&row.code_digest, "code digest")?),
            state: row.state.parse::<RequestState>().map_err(corrupt)?,
            attempts: attempts_to_u32(row.attempts)?,
            created_at: row.created_at,
            expires_at: row.expires_at,
            finished_at: row.finished_at,
            language: row.language,
        })
    }
}

#[async_trait]
impl ResetStore for PgStore {
    #[tracing::instrument(name = "inzant_reset.store.issue", level = "debug", skip_all, fields(request = %request.id))]
    async fn issue(&self, request: &ResetRequest, limits: IssueLimits) -> Result<IssueOutcome, StoreError> {
        let attempts = i32::try_from(request.attempts)
            .map_err(|_| StoreError::new("a new reset request cannot have that many attempts"))?;
        let day_start = request
            .created_at
            .checked_sub(time::Duration::DAY)
            .ok_or_else(|| StoreError::new("the reset request's creation time is out of range"))?;
        let mut tx = self.pool.begin().await.map_err(db_error("start the issue transaction"))?;
        // Serialises issuing for this user across connections and app
        // instances until the transaction ends; other users are not held up.
        query(&self.sql.lock_user)
            .bind(ISSUE_LOCK_CLASS)
            .bind(request.user.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db_error("lock the user for issuing"))?;
        let (latest, recent): (Option<OffsetDateTime>, i64) =
            sqlx::query_as(AssertSqlSafe(Arc::clone(&self.sql.issue_counts)))
                .bind(request.user.as_str())
                .bind(day_start)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_error("count the user's recent reset requests"))?;
        let until = match latest {
            Some(latest) => Some(
                time::Duration::try_from(limits.cooldown)
                    .ok()
                    .and_then(|cooldown| latest.checked_add(cooldown))
                    .ok_or_else(|| StoreError::new("the resend cooldown is too long to apply"))?,
            ),
            None => None,
        };
        let refusal = match until {
            Some(until) if until > request.created_at => Some(IssueOutcome::CoolingDown { until }),
            _ if recent >= i64::from(limits.max_per_day) => Some(IssueOutcome::DailyLimitReached),
            _ => None,
        };
        if let Some(refusal) = refusal {
            // Ends the transaction now, releasing the user's lock.
            tx.rollback().await.map_err(db_error("end the issue transaction"))?;
            return Ok(refusal);
        }
        query(&self.sql.insert)
            .bind(*request.id.as_uuid())
            .bind(request.user.as_str())
            .bind(request.issued_by.as_str())
            .bind(request.purpose.as_str())
            .bind(&request.token_digest.as_bytes()[..])
            .bind(&request.code_digest.as_bytes()[..])
            .bind(request.state.as_str())
            .bind(attempts)
            .bind(request.created_at)
            .bind(request.expires_at)
            .bind(request.language.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db_error("store the reset request"))?;
        tx.commit().await.map_err(db_error("commit the reset request"))?;
        Ok(IssueOutcome::Issued)
    }

    #[tracing::instrument(name = "inzant_reset.store.supersede_older", level = "debug", skip_all, fields(request = %id))]
    async fn supersede_older(&self, id: RequestId) -> Result<Vec<RequestId>, StoreError> {
        let mut rows: Vec<(Uuid, i64)> = sqlx::query_as(AssertSqlSafe(Arc::clone(&self.sql.supersede)))
            .bind(*id.as_uuid())
            .fetch_all(&self.pool)
            .await
            .map_err(db_error("supersede older reset requests"))?;
        rows.sort_unstable_by_key(|(_, seq)| *seq);
        Ok(rows.into_iter().map(|(id, _)| RequestId::from_uuid(id)).collect())
    }

    #[tracing::instrument(
        name = "inzant_reset.store.recent_for_user",
        level = "debug",
        skip_all,
        fields(limit)
    )]
    async fn recent_for_user(&self, user: &UserId, limit: usize) -> Result<Vec<ResetRequest>, StoreError> {
        let rows: Vec<RequestRow> = sqlx::query_as(AssertSqlSafe(Arc::clone(&self.sql.recent_for_user)))
            .bind(user.as_str())
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(&self.pool)
            .await
            .map_err(db_error("read the user's latest reset requests"))?;
        rows.into_iter().map(ResetRequest::try_from).collect()
    }

    #[tracing::instrument(name = "inzant_reset.store.find_by_token", level = "debug", skip_all)]
    async fn find_by_token(&self, digest: &TokenDigest) -> Result<Option<ResetRequest>, StoreError> {
        let row: Option<RequestRow> = sqlx::query_as(AssertSqlSafe(Arc::clone(&self.sql.find_by_token)))
            .bind(&digest.as_bytes()[..])
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error("look up the reset request"))?;
        row.map(ResetRequest::try_from).transpose()
    }

    #[tracing::instrument(name = "inzant_reset.store.count_attempt", level = "debug", skip_all, fields(request = %id))]
    async fn count_attempt(
        &self,
        id: RequestId,
        max_attempts: u32,
        now: OffsetDateTime,
    ) -> Result<Option<u32>, StoreError> {
        let counted: Option<i32> = sqlx::query_scalar(AssertSqlSafe(Arc::clone(&self.sql.count_attempt)))
            .bind(*id.as_uuid())
            .bind(now)
            .bind(i64::from(max_attempts))
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error("count a code attempt"))?;
        counted.map(attempts_to_u32).transpose()
    }

    #[tracing::instrument(name = "inzant_reset.store.finish", level = "debug", skip_all, fields(request = %id, finish = ?finish))]
    async fn finish(&self, id: RequestId, finish: Finish, now: OffsetDateTime) -> Result<bool, StoreError> {
        let done = match finish {
            Finish::Complete => query(&self.sql.finish_complete).bind(*id.as_uuid()).bind(now),
            Finish::Lock | Finish::Revoke | Finish::Cancel => {
                query(&self.sql.finish_other).bind(*id.as_uuid()).bind(finish.target().as_str()).bind(now)
            }
        }
        .execute(&self.pool)
        .await
        .map_err(db_error("finish the reset request"))?;
        Ok(done.rows_affected() == 1)
    }

    #[tracing::instrument(name = "inzant_reset.store.complete_with_password", level = "debug", skip_all, fields(request = %id))]
    async fn complete_with_password(
        &self,
        id: RequestId,
        user: &UserId,
        hash: &PasswordHash,
        now: OffsetDateTime,
    ) -> Result<Option<bool>, StoreError> {
        let completion = self.complete(id, user, hash, now, None).await?;
        Ok(completion.map(|completion| completion != Completion::Unchanged))
    }

    fn records_audit_in(&self) -> Option<String> {
        self.users.as_ref().map(|_| place_of(&self.pool, &self.schema.table("audit_events")))
    }

    #[tracing::instrument(name = "inzant_reset.store.complete_and_record", level = "debug", skip_all, fields(request = %id))]
    async fn complete_and_record(
        &self,
        id: RequestId,
        user: &UserId,
        hash: &PasswordHash,
        now: OffsetDateTime,
        event: &AuditEvent,
    ) -> Result<Option<Completion>, StoreError> {
        self.complete(id, user, hash, now, Some(event)).await
    }

    #[tracing::instrument(name = "inzant_reset.store.set_language", level = "debug", skip_all, fields(request = %id, language))]
    async fn set_language(&self, id: RequestId, language: &str) -> Result<bool, StoreError> {
        let done = query(&self.sql.set_language)
            .bind(*id.as_uuid())
            .bind(language)
            .execute(&self.pool)
            .await
            .map_err(db_error("set the reset request's language"))?;
        Ok(done.rows_affected() == 1)
    }

    #[tracing::instrument(name = "inzant_reset.store.expire_due", level = "debug", skip_all, fields(limit))]
    async fn expire_due(&self, now: OffsetDateTime, limit: usize) -> Result<Vec<ResetRequest>, StoreError> {
        let rows: Vec<RequestRow> = sqlx::query_as(AssertSqlSafe(Arc::clone(&self.sql.expire_due)))
            .bind(now)
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(&self.pool)
            .await
            .map_err(db_error("mark expired reset requests"))?;
        rows.into_iter().map(ResetRequest::try_from).collect()
    }

    #[tracing::instrument(name = "inzant_reset.store.purge", level = "debug", skip_all)]
    async fn purge(&self, before: OffsetDateTime) -> Result<u64, StoreError> {
        let done = query(&self.sql.purge)
            .bind(before)
            .execute(&self.pool)
            .await
            .map_err(db_error("purge old reset requests"))?;
        Ok(done.rows_affected())
    }
}

/// Every statement's plan, checked for sequential scans of the library's tables.
#[cfg(test)]
mod plans;
