//! In-memory implementations of the ports: a reset store with the same
//! atomicity as a database, a user directory, an outbox mailer, an audit log
//! and a settable clock; and [`TracingAudit`], the service's default audit
//! sink. For the demo, for tests, and for hosts' own tests.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::audit::{AuditEvent, AuditKind};
use crate::email::Email;
use crate::error::{DirectoryError, MailError, StoreError};
use crate::hash::PasswordHash;
use crate::ports::{AuditSink, Finish, IssueLimits, IssueOutcome, Mailer, ResetStore, UserDirectory};
use crate::request::{RequestId, ResetRequest};
use crate::secret::TokenDigest;
use crate::state::{Event, RequestState, transition};
use crate::user::{User, UserId};

/// Every critical section below leaves the data consistent before anything
/// that could panic, so a poisoned lock still guards valid data.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

const DAY: Duration = Duration::from_secs(24 * 3600);

#[derive(Debug, Default)]
struct Requests {
    by_id: HashMap<RequestId, (u64, ResetRequest)>,
    by_token: HashMap<TokenDigest, RequestId>,
    next_seq: u64,
}

/// A reset store in process memory. Each method holds one lock for its whole
/// step, which gives the atomicity the [`ResetStore`] contract asks for.
#[derive(Debug, Default)]
pub struct MemoryStore {
    requests: Mutex<Requests>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every stored request, oldest first (for tests and admin views).
    pub fn snapshot(&self) -> Vec<ResetRequest> {
        let requests = lock(&self.requests);
        let mut all: Vec<_> = requests.by_id.values().cloned().collect();
        all.sort_by_key(|(seq, _)| *seq);
        all.into_iter().map(|(_, request)| request).collect()
    }
}

#[async_trait]
impl ResetStore for MemoryStore {
    async fn issue(&self, request: &ResetRequest, limits: IssueLimits) -> Result<IssueOutcome, StoreError> {
        let mut requests = lock(&self.requests);
        if requests.by_id.contains_key(&request.id) || requests.by_token.contains_key(&request.token_digest) {
            return Err(StoreError::new("a reset request with this id or token already exists"));
        }
        let day_start = request.created_at - DAY;
        let counted: Vec<OffsetDateTime> = requests
            .by_id
            .values()
            .map(|(_, r)| r)
            .filter(|r| r.user == request.user && r.state != RequestState::Revoked)
            .map(|r| r.created_at)
            .collect();
        if let Some(latest) = counted.iter().max() {
            let until = *latest + limits.cooldown;
            if until > request.created_at {
                return Ok(IssueOutcome::CoolingDown { until });
            }
        }
        let today = counted.iter().filter(|at| **at > day_start).count();
        if today >= usize::try_from(limits.max_per_day).unwrap_or(usize::MAX) {
            return Ok(IssueOutcome::DailyLimitReached);
        }
        let seq = requests.next_seq;
        requests.next_seq += 1;
        requests.by_token.insert(request.token_digest, request.id);
        requests.by_id.insert(request.id, (seq, request.clone()));
        Ok(IssueOutcome::Issued)
    }

    async fn supersede_older(&self, id: RequestId) -> Result<Vec<RequestId>, StoreError> {
        let mut requests = lock(&self.requests);
        let Some((newer_seq, newer, at)) =
            requests.by_id.get(&id).map(|(s, r)| (*s, r.user.clone(), r.created_at))
        else {
            return Ok(Vec::new());
        };
        let mut superseded = Vec::new();
        for (seq, request) in requests.by_id.values_mut() {
            if request.user != newer || *seq >= newer_seq {
                continue;
            }
            if let Some(next) = transition(request.state, Event::NewerIssued) {
                request.state = next;
                request.finished_at = Some(at);
                superseded.push(request.id);
            }
        }
        Ok(superseded)
    }

    async fn recent_for_user(&self, user: &UserId, limit: usize) -> Result<Vec<ResetRequest>, StoreError> {
        let requests = lock(&self.requests);
        let mut mine: Vec<&(u64, ResetRequest)> =
            requests.by_id.values().filter(|(_, request)| request.user == *user).collect();
        mine.sort_by_key(|(seq, _)| std::cmp::Reverse(*seq));
        Ok(mine.into_iter().take(limit).map(|(_, request)| request.clone()).collect())
    }

    async fn find_by_token(&self, digest: &TokenDigest) -> Result<Option<ResetRequest>, StoreError> {
        let requests = lock(&self.requests);
        Ok(requests
            .by_token
            .get(digest)
            .and_then(|id| requests.by_id.get(id))
            .map(|(_, request)| request.clone()))
    }

    async fn count_attempt(
        &self,
        id: RequestId,
        max_attempts: u32,
        now: OffsetDateTime,
    ) -> Result<Option<u32>, StoreError> {
        let mut requests = lock(&self.requests);
        let Some((_, request)) = requests.by_id.get_mut(&id) else {
            return Ok(None);
        };
        if request.state != RequestState::Issued
            || request.expires_at <= now
            || request.attempts >= max_attempts
        {
            return Ok(None);
        }
        request.attempts += 1;
        Ok(Some(request.attempts))
    }

    async fn finish(&self, id: RequestId, finish: Finish, now: OffsetDateTime) -> Result<bool, StoreError> {
        let mut requests = lock(&self.requests);
        let Some((_, request)) = requests.by_id.get_mut(&id) else {
            return Ok(false);
        };
        if finish == Finish::Complete && request.expires_at <= now {
            return Ok(false);
        }
        // Every finish leads from `Issued` to a terminal state, and from a
        // terminal state nowhere: `Some` is always a change.
        match transition(request.state, finish.event()) {
            Some(next) => {
                request.state = next;
                request.finished_at = Some(now);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    async fn set_language(&self, id: RequestId, language: &str) -> Result<bool, StoreError> {
        let mut requests = lock(&self.requests);
        let Some((_, request)) = requests.by_id.get_mut(&id) else {
            return Ok(false);
        };
        if request.state != RequestState::Issued || request.language == language {
            return Ok(false);
        }
        request.language = language.to_owned();
        Ok(true)
    }

    async fn expire_due(&self, now: OffsetDateTime, limit: usize) -> Result<Vec<ResetRequest>, StoreError> {
        let mut requests = lock(&self.requests);
        let mut expired = Vec::new();
        for (_, request) in requests.by_id.values_mut() {
            if expired.len() >= limit {
                break;
            }
            if request.state == RequestState::Issued && request.expires_at <= now {
                request.state = RequestState::Expired;
                request.finished_at = Some(request.expires_at);
                expired.push(request.clone());
            }
        }
        Ok(expired)
    }

    async fn purge(&self, before: OffsetDateTime) -> Result<u64, StoreError> {
        let mut requests = lock(&self.requests);
        let doomed: Vec<(RequestId, TokenDigest)> = requests
            .by_id
            .values()
            .map(|(_, r)| r)
            .filter(|r| r.expires_at < before || (r.state.is_terminal() && r.created_at < before))
            .map(|r| (r.id, r.token_digest))
            .collect();
        for (id, digest) in &doomed {
            requests.by_id.remove(id);
            requests.by_token.remove(digest);
        }
        Ok(doomed.len() as u64)
    }
}

/// A user directory in process memory.
#[derive(Debug, Default)]
pub struct MemoryDirectory {
    users: Mutex<BTreeMap<UserId, (User, Option<PasswordHash>)>>,
}

impl MemoryDirectory {
    /// An empty directory.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces `user` (keeping any password hash they had).
    pub fn insert(&self, user: User) {
        let mut users = lock(&self.users);
        let hash = users.remove(&user.id).and_then(|(_, hash)| hash);
        users.insert(user.id.clone(), (user, hash));
    }

    /// Adds or replaces `user` with the password `hash`.
    pub fn insert_with_password(&self, user: User, hash: PasswordHash) {
        let id = user.id.clone();
        lock(&self.users).insert(id, (User { has_password: true, ..user }, Some(hash)));
    }

    /// Every user, ordered by id.
    pub fn users(&self) -> Vec<User> {
        lock(&self.users).values().map(|(user, _)| user.clone()).collect()
    }

    /// The user whose username is `username` (case-insensitive).
    pub fn find_by_username(&self, username: &str) -> Option<User> {
        lock(&self.users)
            .values()
            .find(|(user, _)| user.username.eq_ignore_ascii_case(username))
            .map(|(user, _)| user.clone())
    }

    /// The user's current password hash.
    pub fn password_hash(&self, id: &UserId) -> Option<PasswordHash> {
        lock(&self.users).get(id).and_then(|(_, hash)| hash.clone())
    }
}

#[async_trait]
impl UserDirectory for MemoryDirectory {
    async fn find(&self, id: &UserId) -> Result<Option<User>, DirectoryError> {
        Ok(lock(&self.users).get(id).map(|(user, _)| user.clone()))
    }

    async fn set_password_hash(&self, id: &UserId, hash: &PasswordHash) -> Result<(), DirectoryError> {
        match lock(&self.users).get_mut(id) {
            Some((user, stored)) => {
                *stored = Some(hash.clone());
                user.has_password = true;
                Ok(())
            }
            None => Err(DirectoryError::new(format!("no user with id {id}"))),
        }
    }
}

/// A mailer that keeps every email in memory instead of sending it, and can
/// be told to refuse (to test delivery failures).
#[derive(Debug, Default)]
pub struct MemoryOutbox {
    emails: Mutex<Vec<Email>>,
    refusing: AtomicBool,
}

impl MemoryOutbox {
    /// An empty outbox that accepts email.
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes `send` fail (`true`) or succeed (`false`) from now on. Needs
    /// the `test-util` feature.
    #[cfg(any(test, feature = "test-util"))]
    pub fn set_refusing(&self, refusing: bool) {
        self.refusing.store(refusing, Ordering::SeqCst);
    }

    /// Every email accepted so far, oldest first.
    pub fn emails(&self) -> Vec<Email> {
        lock(&self.emails).clone()
    }

    /// The link token and code of the newest reset or create email, read
    /// from its plain-text part as a person would. For tests: needs the
    /// `test-util` feature.
    #[cfg(any(test, feature = "test-util"))]
    pub fn last_link_and_code(&self) -> Option<(String, String)> {
        use crate::email::EmailKind;
        use secrecy::ExposeSecret as _;

        let emails = lock(&self.emails);
        let email = emails.iter().rev().find(|e| matches!(e.kind(), EmailKind::Reset | EmailKind::Create))?;
        let text = email.text.expose_secret();
        let link = text.lines().find(|line| line.starts_with("http"))?;
        let token = link.rsplit('/').next()?.to_owned();
        let code =
            text.lines().find(|line| line.len() == 6 && line.bytes().all(|b| b.is_ascii_digit()))?.to_owned();
        Some((token, code))
    }
}

#[async_trait]
impl Mailer for MemoryOutbox {
    async fn send(&self, email: &Email) -> Result<(), MailError> {
        if self.refusing.load(Ordering::SeqCst) {
            return Err(MailError::new("the outbox is refusing email"));
        }
        lock(&self.emails).push(email.clone());
        Ok(())
    }
}

/// An audit sink that keeps events in memory.
#[derive(Debug, Default)]
pub struct MemoryAudit {
    events: Mutex<Vec<AuditEvent>>,
}

impl MemoryAudit {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every event so far, oldest first.
    pub fn events(&self) -> Vec<AuditEvent> {
        lock(&self.events).clone()
    }
}

#[async_trait]
impl AuditSink for MemoryAudit {
    async fn record(&self, event: &AuditEvent) -> Result<(), StoreError> {
        lock(&self.events).push(event.clone());
        Ok(())
    }

    async fn recent_for_user(&self, user: &UserId, limit: usize) -> Result<Vec<AuditEvent>, StoreError> {
        let events = lock(&self.events);
        Ok(events
            .iter()
            .rev()
            .filter(|e| e.user == *user && !matches!(e.kind, AuditKind::WrongCode { .. }))
            .take(limit)
            .cloned()
            .collect())
    }

    async fn events_between(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
        limit: usize,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let mut found: Vec<AuditEvent> = {
            let events = lock(&self.events);
            events.iter().rev().filter(|e| from <= e.at && e.at < to).cloned().collect()
        };
        // Recorded order is time order only with one clock; newest first by
        // time, the later recorded first among equal times (a stable sort).
        found.sort_by_key(|e| std::cmp::Reverse(e.at));
        found.truncate(limit);
        Ok(found)
    }
}

/// A clock that only moves when told to. Needs the `test-util` feature.
#[cfg(any(test, feature = "test-util"))]
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<OffsetDateTime>,
}

#[cfg(any(test, feature = "test-util"))]
impl ManualClock {
    /// A clock reading `start`.
    pub fn new(start: OffsetDateTime) -> Self {
        Self { now: Mutex::new(start) }
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let mut now = lock(&self.now);
        *now += by;
    }
}

#[cfg(any(test, feature = "test-util"))]
impl crate::ports::Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        *lock(&self.now)
    }
}

/// The default audit sink: writes each event to `tracing` at INFO under the
/// `inzant_reset::audit` target.
#[derive(Debug, Clone, Copy, Default)]
pub struct TracingAudit;

#[async_trait]
impl AuditSink for TracingAudit {
    async fn record(&self, event: &AuditEvent) -> Result<(), StoreError> {
        tracing::info!(
            target: "inzant_reset::audit",
            kind = event.kind.as_str(),
            request = %event.request,
            user = %event.user,
            actor = event.actor.as_ref().map(|a| a.as_str()),
            "password reset audit event"
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::{Argon2id, HashParams};
    use crate::user::UserType;
    use secrecy::SecretString;

    fn nell() -> User {
        User {
            id: UserId::new("4"),
            username: "nell.new@inzant.example".to_owned(),
            display_name: "Nell New".to_owned(),
            email_to: None,
            user_type: UserType::Web,
            has_password: false,
            locale: None,
            tenant: None,
        }
    }

    #[test]
    fn a_user_inserted_with_a_hash_has_a_password_and_is_listed() {
        let directory = MemoryDirectory::new();
        let hash = Argon2id::new(HashParams::insecure_for_tests())
            .unwrap()
            .hash_password(&SecretString::from("Velvet#Harb7"))
            .unwrap();
        directory.insert_with_password(nell(), hash.clone());
        let listed = directory.users();
        assert_eq!(listed.len(), 1);
        assert!(listed[0].has_password, "the stored hash is a password");
        assert_eq!(directory.password_hash(&nell().id), Some(hash));
        assert_eq!(directory.find_by_username("NELL.NEW@inzant.example").map(|u| u.id), Some(nell().id));
    }

    #[test]
    fn events_between_are_the_latest_in_the_window_newest_first() {
        let t0 = time::macros::datetime!(2026-03-01 12:00 UTC);
        let minute = time::Duration::minutes(1);
        let audit = MemoryAudit::new();
        let request = RequestId::from_uuid(uuid::Uuid::from_u128(7));
        let event = |minutes: i32, kind: AuditKind| AuditEvent {
            at: t0 + minute * minutes,
            kind,
            request,
            user: nell().id,
            actor: None,
        };
        // Recorded out of time order, as with several clocks.
        let recorded = [
            event(0, AuditKind::Issued { purpose: crate::request::Purpose::Reset }),
            event(3, AuditKind::Completed),
            event(1, AuditKind::WrongCode { attempts_left: 4 }),
            event(5, AuditKind::NoticeSent),
        ];
        futures::executor::block_on(async {
            for e in &recorded {
                audit.record(e).await.unwrap();
            }
            let kinds = |events: Vec<AuditEvent>| events.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>();
            let all = audit.events_between(t0, t0 + minute * 6, 10).await.unwrap();
            assert_eq!(kinds(all), ["notice_sent", "completed", "wrong_code", "issued"]);
            // `from` is in, `to` is out; the oldest are dropped past the limit.
            let window = audit.events_between(t0 + minute, t0 + minute * 5, 10).await.unwrap();
            assert_eq!(kinds(window), ["completed", "wrong_code"]);
            let latest = audit.events_between(t0, t0 + minute * 6, 2).await.unwrap();
            assert_eq!(kinds(latest), ["notice_sent", "completed"]);
        });
    }
}
