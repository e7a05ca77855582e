//! The reset flow, step by step: an admin triggers,
//! the user opens the link, the meter rates passwords as they type, and the
//! user submits the code with the new password.
//!
//! [`ResetService`] decides everything; adapters only translate HTTP or SQL to
//! and from these calls.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tracing::field::Empty;
use tracing::{Instrument, Span};

use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

use std::collections::HashMap;

use crate::audit::{AuditEvent, AuditKind};
use crate::breach::{BreachError, BreachPolicy, OnUnavailable, PasswordSha1};
use crate::email::{EmailSettings, password_changed_email, reset_email};
use crate::error::{ConfigError, HashError, ResetError, Result, StoreError};
use crate::gate::Gate;
use crate::hash::{Argon2id, HashParams, PasswordHash};
use crate::memory::TracingAudit;
use crate::observe;
use crate::policy::{Lane, PolicyRunner};
use crate::policy::{PasswordPolicy, Rule, StrengthReport, normalize_password};
use crate::ports::BreachedPasswords;
use crate::ports::{
    AdminAction, AdminsOnly, AuditSink, Authorization, Clock, Completion, Finish, Hasher, IssueLimits,
    IssueOutcome, Mailer, NoHooks, ResetHooks, ResetStore, SystemClock, UserDirectory,
};
use crate::request::{Purpose, RequestId, ResetRequest};
use crate::secret::{Code, CodeKeys, LinkToken, OsRandom};
use crate::state::RequestState;
use crate::status::{CancelReceipt, PasswordEvent, Person, RequestStatus, ResetStatus};
use crate::url::PublicUrl;
use crate::user::{User, UserId, UserType};
use crate::words::{Catalogues, Product, Words};
use crate::workers::{Argon2Workers, PolicyWorkers, available_cores};

/// The longest time to live accepted, so expiry arithmetic cannot overflow.
mod admin;
mod builder;
mod open;
mod purge;
mod submit;
mod trigger;

pub use builder::ResetServiceBuilder;

/// The breach source and how it is used.
#[derive(Debug, Clone)]
struct Breaches {
    source: Arc<dyn BreachedPasswords>,
    policy: BreachPolicy,
}

/// What the breach source said about a password.
enum BreachCheck {
    /// Not found often enough to refuse, or no source.
    Clean,
    /// Seen at least the threshold's number of times.
    Breached,
    /// The source could not answer (already logged).
    Unavailable { error: BreachError, refuse: bool },
}

const MAX_TTL: Duration = Duration::from_secs(366 * 24 * 3600);

/// The flow's settings. [`ResetConfig::new`] gives the defaults of the spec.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResetConfig {
    /// Where the reset routes are served, as browsers see it: the public
    /// origin and the path the routes are mounted under, e.g.
    /// `https://sales.inzant.example` or `https://inzant.example/sales`.
    /// Links are `{public_url}/password-reset/{token}`; the web adapter
    /// mounts its routes under the same path and accepts admin requests
    /// from the same origin, so the address is given once.
    pub public_url: String,
    /// How long a reset link and code work (default 24 h).
    pub reset_ttl: Duration,
    /// How long a create-password link and code work (default 24 h).
    pub create_ttl: Duration,
    /// No second email to the same user within this long (default 60 s).
    pub resend_cooldown: Duration,
    /// At most this many emails per user in 24 hours (default 10).
    pub max_per_user_per_day: u32,
    /// Wrong codes allowed before the request locks (default 5).
    pub max_attempts: u32,
    /// Threads for CPU-heavy work: this many hash passwords and as many
    /// score them, off the async executor (default: the number of cores).
    pub workers: usize,
    /// At most this many submits are checked and hashed at once; more wait
    /// their turn, first come first served, holding nothing (no store
    /// connection, no thread). `None` (the default): `2 × workers + 2`,
    /// enough to keep every hashing thread busy. A burst of submits then
    /// reaches the store, the policy threads and the CPU a few at a time
    /// over the whole burst, not all in its first second, so people typing
    /// and opening links meanwhile are not kept waiting, and the store's
    /// pool (see `inzant_reset_sqlx::pool_options`, `4 × workers + 2`)
    /// always has connections left for them. The "password changed" email
    /// and the host's hooks run after a submit has left the gate.
    pub submits_at_once: Option<usize>,
}

impl ResetConfig {
    /// The defaults, for routes served at `public_url` (see
    /// [`ResetConfig::public_url`]).
    pub fn new(public_url: impl Into<String>) -> Self {
        Self {
            public_url: public_url.into(),
            reset_ttl: Duration::from_secs(24 * 3600),
            create_ttl: Duration::from_secs(24 * 3600),
            resend_cooldown: Duration::from_secs(60),
            max_per_user_per_day: 10,
            max_attempts: 5,
            workers: available_cores(),
            submits_at_once: None,
        }
    }

    /// How many submits are checked and hashed at once:
    /// [`ResetConfig::submits_at_once`], or `2 × workers + 2`.
    pub fn submits_at_once(&self) -> usize {
        self.submits_at_once.unwrap_or_else(|| self.workers.saturating_mul(2).saturating_add(2))
    }

    /// The time to live for `purpose`.
    pub fn ttl(&self, purpose: Purpose) -> Duration {
        match purpose {
            Purpose::Reset => self.reset_ttl,
            Purpose::Create => self.create_ttl,
        }
    }
}

/// What the admin is told after a reset email was sent. Never the link or code.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TriggerReceipt {
    /// The new request.
    pub request: RequestId,
    /// Whose password it resets (as the directory knows them).
    pub user: UserId,
    /// Reset or create: what the email asked the user to do.
    pub purpose: Purpose,
    /// Where the email went: the user's username.
    pub sent_to: String,
    /// When the link and code stop working.
    pub expires_at: OffsetDateTime,
}

/// A live request, as the reset page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenedRequest {
    /// The request.
    pub request: RequestId,
    /// Reset or create.
    pub purpose: Purpose,
    /// The user's username.
    pub username: String,
    /// The user's display name.
    pub display_name: String,
    /// The user's type.
    pub user_type: UserType,
    /// When it stops working.
    pub expires_at: OffsetDateTime,
    /// Wrong codes still allowed.
    pub attempts_left: u32,
    /// The language every page of this link speaks (a BCP 47 tag): chosen
    /// from the person when the email was sent, or by them on the page.
    pub language: String,
    strength_inputs: Vec<String>,
}

impl OpenedRequest {
    /// The user-specific words the strength meter must penalize.
    pub fn strength_inputs(&self) -> Vec<&str> {
        self.strength_inputs.iter().map(String::as_str).collect()
    }
}

/// The three fields of the reset form, as typed.
#[derive(Debug, Clone)]
pub struct SubmitForm {
    /// The 6-digit code from the email.
    pub code: SecretString,
    /// The new password.
    pub new_password: SecretString,
    /// The new password again.
    pub confirm_password: SecretString,
}

/// Where the user goes after saving a new password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Destination {
    /// Users who sign in on the admin website: the login page.
    LoginPage,
    /// Device users: a page naming the Inzant Sales Plus and Inzant Tradeshow apps.
    DeviceApps,
}

/// A successful reset.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResetOutcome {
    /// Whose password was set.
    pub user: UserId,
    /// Where to send them.
    pub destination: Destination,
    /// The language the reset spoke: the page they land on should too.
    pub language: String,
}

/// The password reset flow.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use std::sync::Arc;
/// use inzant_reset_core::prelude::*;
/// use inzant_reset_core::memory::{MemoryDirectory, MemoryOutbox, MemoryStore};
///
/// let directory = Arc::new(MemoryDirectory::new());
/// directory.insert(User {
///     id: UserId::new("1"), username: "admin@inzant.example".into(), display_name: "Ada Admin".into(),
///     email_to: None, user_type: UserType::Admin, has_password: true, locale: None, tenant: None,
/// });
/// directory.insert(User {
///     id: UserId::new("2"), username: "sam.web@inzant.example".into(), display_name: "Sam Web".into(),
///     email_to: Some("sam@example.org".into()), user_type: UserType::Web, has_password: true, locale: None, tenant: None,
/// });
/// let outbox = Arc::new(MemoryOutbox::new());
/// let service = ResetService::builder(
///     Arc::new(MemoryStore::new()),
///     directory.clone(),
///     outbox.clone(),
///     CodeKeys::generate(&OsRandom).unwrap(),
///     ResetConfig::new("https://sales.inzant.example"),
/// )
/// .build()
/// .unwrap();
///
/// let receipt = service.trigger(&UserId::new("1"), &UserId::new("2"), Purpose::Reset).await.unwrap();
/// assert_eq!(receipt.sent_to, "sam.web@inzant.example");
///
/// // The user reads the email (here: the outbox) and submits the form.
/// let email = outbox.emails().pop().unwrap();
/// let EmailMessage::Reset { link, code, .. } = email.message else { unreachable!() };
/// let token = link.expose_secret().rsplit('/').next().unwrap().to_owned();
/// let form = SubmitForm {
///     code: code.expose().into(),
///     new_password: "Velvet-Harbour-Lantern-42".into(),
///     confirm_password: "Velvet-Harbour-Lantern-42".into(),
/// };
/// let outcome = service.submit(&token, &form).await.unwrap();
/// assert_eq!(outcome.destination, Destination::LoginPage);
/// # }
/// ```
pub struct ResetService {
    store: Arc<dyn ResetStore>,
    directory: Arc<dyn UserDirectory>,
    mailer: Arc<dyn Mailer>,
    keys: CodeKeys,
    public_url: PublicUrl,
    config: ResetConfig,
    clock: Arc<dyn Clock>,
    audit: Arc<dyn AuditSink>,
    /// The store writes the "completed" event where the audit sink records
    /// ([`ResetStore::records_audit_in`] = [`AuditSink::records_in`]).
    audit_in_store: bool,
    hooks: Arc<dyn ResetHooks>,
    authorization: Arc<dyn Authorization>,
    hasher: Arc<dyn Hasher>,
    policy: Arc<PasswordPolicy>,
    policy_runner: Arc<dyn PolicyRunner>,
    /// Submits checked and hashed at once ([`ResetConfig::submits_at_once`]).
    submits: Gate,
    email: EmailSettings,
    catalogues: Arc<Catalogues>,
    product: Product,
    breached: Option<Breaches>,
}

impl fmt::Debug for ResetService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResetService")
            .field("store", &self.store)
            .field("config", &self.config)
            .field("policy", &self.policy)
            .field("breached", &self.breached)
            .finish_non_exhaustive()
    }
}

impl ResetService {
    /// The configuration in force.
    pub fn config(&self) -> &ResetConfig {
        &self.config
    }

    /// The password policy in force.
    pub fn policy(&self) -> &PasswordPolicy {
        &self.policy
    }

    /// The rules a page lists under the password field, in order: the
    /// policy's, with [`Rule::NotBreached`] when the service has a breach
    /// source.
    pub fn rules(&self) -> Vec<Rule> {
        self.policy.rules()
    }

    /// Where the routes are served: links are built from it.
    pub fn public_url(&self) -> &PublicUrl {
        &self.public_url
    }

    /// Every word people read, in every language.
    pub fn catalogues(&self) -> &Catalogues {
        &self.catalogues
    }

    /// The product the words speak of.
    pub fn product(&self) -> &Product {
        &self.product
    }

    /// The words of language `tag` (the default one when there is no such
    /// language). A reset's pages use [`OpenedRequest::language`]; pages
    /// without a reset behind them [`Catalogues::choose_from_header`].
    pub fn words(&self, tag: &str) -> Words<'_> {
        self.catalogues.words(tag, &self.product)
    }

    /// **Sign-in.** Whether `password` matches the user's stored hash
    /// (`phc`), checked on the service's hashing threads so the host's
    /// login can await it without blocking its executor. Passwords are
    /// NFKC-normalized, exactly as when they were set.
    ///
    /// # Errors
    /// `phc` is not a PHC string the hasher can read, or the hashing
    /// threads are saturated (answer 503 and let the user retry).
    pub async fn verify(&self, password: &SecretString, phc: &str) -> Result<bool, HashError> {
        self.hasher.verify(password.clone(), phc).await
    }

    /// **Sign-in.** Whether a hash that just verified should be replaced by
    /// [`ResetService::hash_password`] (older parameters or algorithm).
    pub fn needs_rehash(&self, phc: &str) -> bool {
        self.hasher.needs_rehash(phc)
    }

    /// A fresh hash of `password` on the service's hashing threads (for
    /// rehashing at sign-in, or seeding users).
    ///
    /// # Errors
    /// Hashing failed.
    pub async fn hash_password(&self, password: &SecretString) -> Result<PasswordHash, HashError> {
        self.hasher.hash(password.clone()).await
    }

    async fn lookup(&self, token: &str) -> Result<ResetRequest> {
        let token = LinkToken::parse(token).ok_or(ResetError::UnknownLink)?;
        self.store.find_by_token(&token.digest()).await?.ok_or(ResetError::UnknownLink)
    }

    fn refuse_unless_live(&self, request: &ResetRequest, now: OffsetDateTime) -> Result<()> {
        match request.state_at(now, self.config.max_attempts) {
            RequestState::Issued => Ok(()),
            dead => Err(refusal(dead)),
        }
    }

    /// Why a submit's attempt was not counted: the request ended, or its
    /// attempts are all taken by submits still in flight. Then this one is
    /// told what is true now: a right code that the link is used (the other
    /// submits hold the same code: a double click, a second tab), a wrong
    /// code that it is wrong and no attempt is left — "too many incorrect
    /// codes" only once the request is locked, since the submits in flight
    /// may yet complete it.
    async fn why_not_counted(&self, request: &ResetRequest, right_code: bool) -> ResetError {
        let current = match self.store.find_by_token(&request.token_digest).await {
            Ok(Some(current)) => current,
            Ok(None) => return ResetError::UnknownLink,
            Err(error) => return error.into(),
        };
        let now = self.clock.now();
        match (current.state, current.state_at(now, self.config.max_attempts)) {
            (RequestState::Issued, RequestState::Locked) if right_code => ResetError::AlreadyUsed,
            (RequestState::Issued, RequestState::Locked) => ResetError::IncorrectCode { attempts_left: 0 },
            (_, RequestState::Issued) => {
                StoreError::new("the reset request changed while it was being used").into()
            }
            (_, dead) => refusal(dead),
        }
    }

    /// Re-reads a request that a store refused to count or complete, to say why.
    async fn why_not_live(&self, request: &ResetRequest) -> ResetError {
        let current = match self.store.find_by_token(&request.token_digest).await {
            Ok(Some(current)) => current,
            Ok(None) => return ResetError::UnknownLink,
            Err(error) => return error.into(),
        };
        match current.state_at(self.clock.now(), self.config.max_attempts) {
            RequestState::Issued => {
                StoreError::new("the reset request changed while it was being used").into()
            }
            dead => refusal(dead),
        }
    }

    /// The actor and the target of an admin action, if the actor may do it.
    /// Those who may not manage resets at all are refused before the target
    /// is looked up; for everyone else the host's rule decides on the
    /// target *or its absence*, so a refused actor gets the same answer,
    /// after the same work, whether or not the user exists.
    async fn authorize(&self, actor: &UserId, target: &UserId, action: AdminAction) -> Result<(User, User)> {
        let not_allowed = ResetError::NotAllowed { action };
        let Some(actor) = self.find_user(actor).await? else {
            return Err(not_allowed);
        };
        if !self.authorization.may_manage_resets(&actor).await.map_err(ResetError::Directory)? {
            return Err(not_allowed);
        }
        let target = self.find_user(target).await?;
        if !self.authorization.allows(&actor, target.as_ref(), action).await.map_err(ResetError::Directory)? {
            return Err(not_allowed);
        }
        let target = target.ok_or(ResetError::UnknownUser)?;
        Ok((actor, target))
    }

    async fn find_user(&self, id: &UserId) -> Result<Option<User>> {
        self.directory.find(id).await.map_err(ResetError::Directory)
    }

    async fn record(&self, kind: AuditKind, request: &ResetRequest, actor: Option<&UserId>) {
        self.record_for(kind, request.id, &request.user, actor).await;
    }

    async fn record_for(&self, kind: AuditKind, request: RequestId, user: &UserId, actor: Option<&UserId>) {
        let event = self.event(kind, request, user, actor);
        if let Err(error) = self.audit.record(&event).await {
            tracing::error!(%request, kind = kind.as_str(), %error, "audit event not recorded");
        }
    }

    /// The audit event of `kind`, now.
    fn event(
        &self,
        kind: AuditKind,
        request: RequestId,
        user: &UserId,
        actor: Option<&UserId>,
    ) -> AuditEvent {
        AuditEvent { at: self.clock.now(), kind, request, user: user.clone(), actor: actor.cloned() }
    }
}

/// The refusal a person sees for a request in a dead state.
fn refusal(state: RequestState) -> ResetError {
    match state {
        RequestState::Completed => ResetError::AlreadyUsed,
        RequestState::Expired => ResetError::Expired,
        RequestState::Locked => ResetError::Locked,
        RequestState::Superseded => ResetError::Superseded,
        RequestState::Cancelled => ResetError::Cancelled,
        RequestState::Revoked | RequestState::Issued => ResetError::Revoked,
    }
}
