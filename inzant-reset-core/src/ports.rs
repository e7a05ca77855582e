//! The traits the core reaches the world through: the reset store, the
//! mailer, the user directory, the host's authorization rule, the clock, the
//! audit log, the host's hooks, the password hasher and where the policy
//! runs. All are object-safe and held as `Arc<dyn …>`.

use std::fmt::Debug;
use std::time::Duration;

use async_trait::async_trait;
use secrecy::SecretString;
use time::OffsetDateTime;

use crate::audit::AuditEvent;
use crate::breach::{BreachError, PasswordSha1};
use crate::error::{DirectoryError, HashError, HookError, MailError, StoreError};
use crate::mail::Email;
use crate::password_hash::PasswordHash;
use crate::request::{RequestId, ResetRequest};
use crate::secret::TokenDigest;
use crate::state::{Event, RequestState};
use crate::user::{User, UserId};

/// The limits checked when a request is issued, atomically with inserting it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IssueLimits {
    /// No new request within this long of the user's previous one.
    pub cooldown: Duration,
    /// At most this many requests per user in any 24 hours.
    pub max_per_day: u32,
}

/// What [`ResetStore::issue`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IssueOutcome {
    /// The request was stored.
    Issued,
    /// The user's previous request is younger than the cooldown.
    CoolingDown {
        /// When another request will be allowed.
        until: OffsetDateTime,
    },
    /// The user already had `max_per_day` requests in the last 24 hours.
    DailyLimitReached,
}

/// How a live request is finished by [`ResetStore::finish`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Finish {
    /// The right code was given and the password set.
    Complete,
    /// The last attempt was a wrong code.
    Lock,
    /// Withdrawn (its email could not be sent).
    Revoke,
    /// Cancelled by an admin.
    Cancel,
}

impl Finish {
    /// The state-machine event this finish applies.
    pub fn event(self) -> Event {
        match self {
            Self::Complete => Event::RightCode,
            Self::Lock => Event::WrongCode { attempts_left: 0 },
            Self::Revoke => Event::Withdrawn,
            Self::Cancel => Event::CancelledByAdmin,
        }
    }

    /// The state the request ends in.
    pub fn target(self) -> RequestState {
        match self {
            Self::Complete => RequestState::Completed,
            Self::Lock => RequestState::Locked,
            Self::Revoke => RequestState::Revoked,
            Self::Cancel => RequestState::Cancelled,
        }
    }
}

/// Where reset requests live. Every method is one atomic step; the
/// conformance suite (`conformance` feature) checks an implementation.
///
/// Requests that stay `Issued` past `expires_at` need not be rewritten as
/// `Expired`: [`ResetRequest::state_at`] derives that, and [`ResetStore::purge`]
/// removes them later.
#[async_trait]
pub trait ResetStore: Debug + Send + Sync + 'static {
    /// Stores `request` unless the user's previous request (of any state but
    /// `Revoked`) is younger than `limits.cooldown`, or the user already has
    /// `limits.max_per_day` such requests created in the 24 hours before
    /// `request.created_at`. Check and insert are one atomic step, so two app
    /// instances cannot both pass the check.
    async fn issue(&self, request: &ResetRequest, limits: IssueLimits) -> Result<IssueOutcome, StoreError>;

    /// Marks `Superseded` every `Issued` request of the same user that was
    /// issued before request `id` (in the store's issue order), with
    /// `finished_at` set to request `id`'s `created_at`, and returns them.
    async fn supersede_older(&self, id: RequestId) -> Result<Vec<RequestId>, StoreError>;

    /// The user's `limit` most recently issued requests, newest first (in
    /// the store's issue order), whatever their state.
    async fn recent_for_user(&self, user: &UserId, limit: usize) -> Result<Vec<ResetRequest>, StoreError>;

    /// The request whose token has `digest`, if any.
    async fn find_by_token(&self, digest: &TokenDigest) -> Result<Option<ResetRequest>, StoreError>;

    /// Counts one code attempt, if the request is `Issued`, unexpired at
    /// `now` and has fewer than `max_attempts` attempts; returns the attempts
    /// counted including this one, or `None` if nothing was counted.
    async fn count_attempt(
        &self,
        id: RequestId,
        max_attempts: u32,
        now: OffsetDateTime,
    ) -> Result<Option<u32>, StoreError>;

    /// Moves an `Issued` request to `finish.target()` and sets its
    /// `finished_at` to `now`; `Complete` also needs the request unexpired
    /// at `now`. Returns whether this call changed it: of many concurrent
    /// calls (of any kinds) at most one returns `true`.
    async fn finish(&self, id: RequestId, finish: Finish, now: OffsetDateTime) -> Result<bool, StoreError>;

    /// Completes request `id` (as `finish(id, Finish::Complete, now)`) and
    /// saves `hash` as `user`'s password **in the same transaction** (and
    /// only if this call completed it), for stores that hold the users too. `Ok(Some(changed))` when it did so;
    /// `Ok(None)` (the default) when this store cannot, and the service then
    /// completes the request and writes the hash through the
    /// [`UserDirectory`] as two steps.
    async fn complete_with_password(
        &self,
        id: RequestId,
        user: &UserId,
        hash: &PasswordHash,
        now: OffsetDateTime,
    ) -> Result<Option<bool>, StoreError> {
        let _ = (id, user, hash, now);
        Ok(None)
    }

    /// Where this store can write audit events inside its own transactions,
    /// named so that [`AuditSink::records_in`] can be compared with it (for
    /// PostgreSQL: the server, database and table). `None` (the default):
    /// nowhere. The service asks [`ResetStore::complete_and_record`] to
    /// write the "completed" event only when the two names are equal, so a
    /// store never records where the service's audit sink does not.
    fn records_audit_in(&self) -> Option<String> {
        None
    }

    /// [`ResetStore::complete_with_password`], and `event` (the request's
    /// "completed" audit event) written **in the same transaction** when the
    /// request was completed: one round trip instead of two, and never a
    /// completed request without its event. Called only when
    /// [`ResetStore::records_audit_in`] names the service's audit sink.
    /// The default completes without recording, and the service then records
    /// the event through its sink.
    async fn complete_and_record(
        &self,
        id: RequestId,
        user: &UserId,
        hash: &PasswordHash,
        now: OffsetDateTime,
        event: &AuditEvent,
    ) -> Result<Option<Completion>, StoreError> {
        let _ = event;
        Ok(self.complete_with_password(id, user, hash, now).await?.map(Completion::unrecorded))
    }

    /// Sets the language of request `id`'s pages and emails to `language`
    /// (a BCP 47 tag), if the request is `Issued`: the person chose another
    /// language on the reset page. Returns whether it changed anything.
    async fn set_language(&self, id: RequestId, language: &str) -> Result<bool, StoreError>;

    /// Moves up to `limit` requests that are still `Issued` but expired at
    /// or before `now` to `Expired` (with `finished_at` set to their
    /// `expires_at`) and returns them as they now are, so their ending can
    /// be recorded once. Each request is returned by at most one call, even
    /// across concurrent callers.
    async fn expire_due(&self, now: OffsetDateTime, limit: usize) -> Result<Vec<ResetRequest>, StoreError>;

    /// Deletes requests that expired, or were created, before `before`, and
    /// are no longer usable. Returns how many were deleted.
    async fn purge(&self, before: OffsetDateTime) -> Result<u64, StoreError>;
}

/// What [`ResetStore::complete_and_record`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Completion {
    /// Nothing: the request was no longer live (a concurrent submit or an
    /// admin finished it first, or it expired).
    Unchanged,
    /// The request was completed and the hash saved; the audit event was
    /// not recorded, so the service records it through its sink.
    Completed,
    /// The request was completed, the hash saved and the audit event
    /// recorded, all in one transaction.
    CompletedAndRecorded,
}

impl Completion {
    /// What an answer of [`ResetStore::complete_with_password`] (whether
    /// this call completed the request) means when no event was recorded.
    pub fn unrecorded(completed: bool) -> Self {
        if completed { Self::Completed } else { Self::Unchanged }
    }
}

/// The host's users.
#[async_trait]
pub trait UserDirectory: Debug + Send + Sync + 'static {
    /// The user with `id`, if any.
    async fn find(&self, id: &UserId) -> Result<Option<User>, DirectoryError>;

    /// Replaces the user's password hash. Used only when the store cannot
    /// save it in the completion's own transaction
    /// ([`ResetStore::complete_with_password`]).
    async fn set_password_hash(&self, id: &UserId, hash: &PasswordHash) -> Result<(), DirectoryError>;
}

pub use crate::request::AdminAction;

/// The host's rule for who may manage whose password resets.
///
/// The default, [`AdminsOnly`], lets admins act on any user (of any type)
/// and nobody else. A host with tenants, teams or roles of its own says so
/// here; a refusal is [`crate::ResetError::NotAllowed`] (a 403 on the web).
///
/// The rule runs **before** the flow says whether the target exists: it is
/// asked about a missing user too (`target` is `None`), and whatever it
/// refuses is answered exactly like a refusal for an existing user. A rule
/// that scopes actors to a tenant refuses `None`, so an admin of one tenant
/// cannot tell a missing id from another tenant's user.
///
/// ```
/// use inzant_reset_core::prelude::*;
///
/// /// Admins manage the users of their own tenant.
/// #[derive(Debug)]
/// struct SameTenant;
///
/// #[async_trait]
/// impl Authorization for SameTenant {
///     async fn allows(&self, actor: &User, target: Option<&User>, _: AdminAction) -> Result<bool, DirectoryError> {
///         Ok(actor.user_type == UserType::Admin
///             && target.is_some_and(|target| target.tenant.is_some() && target.tenant == actor.tenant))
///     }
/// }
/// ```
#[async_trait]
pub trait Authorization: Debug + Send + Sync + 'static {
    /// Whether `actor` may manage anyone's resets at all. Checked before the
    /// target is looked up, so that others cannot learn which users exist.
    /// The default: admins may.
    async fn may_manage_resets(&self, actor: &User) -> Result<bool, DirectoryError> {
        Ok(actor.user_type == crate::user::UserType::Admin)
    }

    /// Whether `actor` (who passed [`Authorization::may_manage_resets`])
    /// may do `action` to `target`; `target` is `None` when no such user
    /// exists. Answer `true` for `None` only if the actor may know that
    /// (the default lets admins, who may act on anyone, hear "no such user").
    async fn allows(
        &self,
        actor: &User,
        target: Option<&User>,
        action: AdminAction,
    ) -> Result<bool, DirectoryError>;
}

/// Admins may act on any user; nobody else may.
#[derive(Debug, Clone, Copy, Default)]
pub struct AdminsOnly;

#[async_trait]
impl Authorization for AdminsOnly {
    async fn allows(
        &self,
        actor: &User,
        _target: Option<&User>,
        _action: AdminAction,
    ) -> Result<bool, DirectoryError> {
        self.may_manage_resets(actor).await
    }
}

/// Sends email.
#[async_trait]
pub trait Mailer: Debug + Send + Sync + 'static {
    /// Hands `email` to the mail system. `Ok` means it was accepted for delivery.
    async fn send(&self, email: &Email) -> Result<(), MailError>;
}

/// The current time.
pub trait Clock: Debug + Send + Sync + 'static {
    /// Now, in UTC.
    fn now(&self) -> OffsetDateTime;
}

/// Where audit events go. Failures are logged by the service and never undo
/// what the event records.
#[async_trait]
pub trait AuditSink: Debug + Send + Sync + 'static {
    /// Records `event`.
    async fn record(&self, event: &AuditEvent) -> Result<(), StoreError>;

    /// Where this sink records, when a store could write there inside its
    /// own transactions: the same name as that store's
    /// [`ResetStore::records_audit_in`]. `None` (the default): nowhere a
    /// store writes. A sink that also sends events elsewhere (a wrapper
    /// around another sink) must answer `None`, or the events a store
    /// writes would not reach those other places.
    fn records_in(&self) -> Option<String> {
        None
    }

    /// The user's `limit` most recent events, newest first, leaving out
    /// wrong-code events (the request's attempt count tells those). Sinks
    /// that cannot read back (logs) return none, and admins then see no
    /// recent activity.
    async fn recent_for_user(&self, user: &UserId, limit: usize) -> Result<Vec<AuditEvent>, StoreError> {
        let _ = (user, limit);
        Ok(Vec::new())
    }

    /// The `limit` most recent events recorded at or after `from` and before
    /// `to`, newest first, every kind included: what a trend over days (emails
    /// sent, completed, expired, …) is computed from. When more than `limit`
    /// match, the oldest are left out. Sinks that cannot read back (logs)
    /// return none, and admins then see no trend.
    async fn events_between(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
        limit: usize,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let _ = (from, to, limit);
        Ok(Vec::new())
    }
}

/// The host's reactions to a finished reset.
#[async_trait]
pub trait ResetHooks: Debug + Send + Sync + 'static {
    /// Called after the new password hash is saved. Hosts revoke the user's
    /// sessions and app tokens here. A failure is logged and audited; the
    /// password change stands.
    async fn password_changed(&self, user: &User) -> Result<(), HookError>;
}

/// Turns a password into a stored hash, and checks a password against one.
///
/// The service's default, [`crate::workers::Argon2Workers`], runs Argon2id
/// on dedicated threads so the async executor never hashes;
/// [`crate::hash::Argon2id`] hashes on the calling task (tests, tools).
#[async_trait]
pub trait Hasher: Debug + Send + Sync + 'static {
    /// Hashes `password` (normalized or not: hashers normalize).
    async fn hash(&self, password: SecretString) -> Result<PasswordHash, HashError>;

    /// Whether `password` matches the stored PHC string `hash`
    /// ([`crate::hash::verify`], wherever this hasher runs its work).
    async fn verify(&self, password: SecretString, hash: &str) -> Result<bool, HashError>;

    /// Whether `hash` should be replaced by a fresh hash from this hasher at
    /// the user's next successful sign-in.
    fn needs_rehash(&self, hash: &str) -> bool;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// Hooks that do nothing, for hosts without sessions to revoke.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHooks;

#[async_trait]
impl ResetHooks for NoHooks {
    async fn password_changed(&self, _user: &User) -> Result<(), HookError> {
        Ok(())
    }
}

/// Where breached passwords are looked up (NIST SP 800-63B): the Pwned
/// Passwords range API or a local mirror of its range files (crate
/// `inzant-reset-breach`), or a host's own list.
///
/// It is given the SHA-1 of the normalized password, never the password;
/// a source that calls out sends at most the 5-digit prefix
/// ([`PasswordSha1::prefix`]) and matches the suffix itself.
#[async_trait]
pub trait BreachedPasswords: Debug + Send + Sync + 'static {
    /// How many times the password whose SHA-1 is `sha1` appears in the
    /// source's breaches: 0 when it does not.
    ///
    /// # Errors
    /// The source cannot answer now (unreachable, timed out, corrupt data);
    /// the service's [`crate::breach::BreachPolicy`] decides what follows.
    async fn occurrences(&self, sha1: &PasswordSha1) -> Result<u64, BreachError>;
}
