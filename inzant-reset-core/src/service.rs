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

use crate::audit::{AuditEvent, AuditKind, TracingAudit};
use crate::breach::{BreachError, BreachPolicy, OnUnavailable, PasswordSha1};
use crate::email::{EmailSettings, password_changed_email, reset_email};
use crate::error::{ConfigError, HashError, ResetError, Result, StoreError};
use crate::hash::{Argon2id, HashParams, PasswordHash};
use crate::observe;
use crate::policy::{PasswordPolicy, Rule, StrengthReport, normalize_password};
use crate::ports::BreachedPasswords;
use crate::ports::{
    AdminAction, AdminsOnly, AuditSink, Authorization, Clock, Finish, Hasher, IssueLimits, IssueOutcome,
    Mailer, NoHooks, PolicyRunner, ResetHooks, ResetStore, SystemClock, UserDirectory,
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
const MAX_TTL: Duration = Duration::from_secs(366 * 24 * 3600);

/// The flow's settings. [`ResetConfig::new`] gives the defaults of the spec.
#[derive(Clone, Debug, PartialEq, Eq)]
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
        }
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
pub struct ResetOutcome {
    /// Whose password was set.
    pub user: UserId,
    /// Where to send them.
    pub destination: Destination,
    /// The language the reset spoke: the page they land on should too.
    pub language: String,
}

/// Builds a [`ResetService`]; see [`ResetService::builder`].
#[derive(Debug)]
pub struct ResetServiceBuilder {
    store: Arc<dyn ResetStore>,
    directory: Arc<dyn UserDirectory>,
    mailer: Arc<dyn Mailer>,
    keys: CodeKeys,
    config: ResetConfig,
    clock: Arc<dyn Clock>,
    audit: Arc<dyn AuditSink>,
    hooks: Arc<dyn ResetHooks>,
    authorization: Arc<dyn Authorization>,
    hasher: Option<Arc<dyn Hasher>>,
    hash_params: HashParams,
    policy: PasswordPolicy,
    policy_runner: Option<Arc<dyn PolicyRunner>>,
    email: EmailSettings,
    catalogues: Arc<Catalogues>,
    product: Product,
    breached: Option<Breaches>,
}

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

impl ResetServiceBuilder {
    /// Use `clock` instead of the system clock.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Send audit events to `audit` instead of `tracing`.
    pub fn audit(mut self, audit: Arc<dyn AuditSink>) -> Self {
        self.audit = audit;
        self
    }

    /// Call `hooks` after each completed reset (revoke sessions and app tokens there).
    pub fn hooks(mut self, hooks: Arc<dyn ResetHooks>) -> Self {
        self.hooks = hooks;
        self
    }

    /// Decide who may send whom a reset with `authorization` instead of
    /// [`AdminsOnly`].
    pub fn authorization(mut self, authorization: Arc<dyn Authorization>) -> Self {
        self.authorization = authorization;
        self
    }

    /// Hash with these Argon2id parameters (default: OWASP's m = 19456 KiB,
    /// t = 2, p = 1) on the service's own hashing threads.
    pub fn hash_params(mut self, params: HashParams) -> Self {
        self.hash_params = params;
        self
    }

    /// Hash and verify passwords with `hasher` instead of Argon2id on the
    /// service's own threads. A hasher that works on the calling task (such
    /// as [`Argon2id`]) blocks the async executor while it hashes.
    pub fn hasher(mut self, hasher: Arc<dyn Hasher>) -> Self {
        self.hasher = Some(hasher);
        self
    }

    /// Use `policy` instead of the Inzant policy.
    pub fn policy(mut self, policy: PasswordPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Run the policy with `runner` instead of on the service's own threads.
    pub fn policy_runner(mut self, runner: Arc<dyn PolicyRunner>) -> Self {
        self.policy_runner = Some(runner);
        self
    }

    /// Refuse passwords found in known data breaches (NIST SP 800-63B):
    /// [`Rule::NotBreached`] joins the policy's rules, and `source` (the
    /// Pwned Passwords range API or a local mirror, crate
    /// `inzant-reset-breach`) is asked about the SHA-1 of each password
    /// that meets every other rule, as it is rated and on every submit.
    /// `policy` says from how many sightings a password is refused and
    /// whether it is allowed (the default) or refused when the source
    /// cannot answer; either way a warning is logged.
    pub fn breached_passwords(mut self, source: Arc<dyn BreachedPasswords>, policy: BreachPolicy) -> Self {
        self.breached = Some(Breaches { source, policy });
        self
    }

    /// Send emails as `email` says (sender, reply-to) instead of from the
    /// product's address.
    pub fn email(mut self, email: EmailSettings) -> Self {
        self.email = email;
        self
    }

    /// Speak of `product` instead of Inzant Sales: its name in titles and
    /// emails, its From address, its words the strength meter penalizes,
    /// and its apps on the device users' page.
    pub fn product(mut self, product: Product) -> Self {
        self.product = product;
        self
    }

    /// Every word people read, in every language, from `catalogues` instead
    /// of the shipped ones (English, German, French, Spanish; English the
    /// default).
    pub fn catalogues(mut self, catalogues: Catalogues) -> Self {
        self.catalogues = Arc::new(catalogues);
        self
    }

    /// The service.
    ///
    /// # Errors
    /// A configuration the flow cannot work with: a public URL that is not
    /// an http(s) origin with an optional path, a zero or over-a-year time
    /// to live, zero attempts or a zero daily cap, zero workers, a policy
    /// whose minimum length exceeds its maximum, invalid hash parameters, or
    /// threads that could not be started.
    pub fn build(self) -> Result<ResetService, ConfigError> {
        observe::describe();
        let c = &self.config;
        let public_url = PublicUrl::parse(&c.public_url)?;
        for ttl in [c.reset_ttl, c.create_ttl] {
            if ttl.is_zero() || ttl > MAX_TTL {
                return Err(ConfigError::new("a time to live must be between 1 second and 366 days"));
            }
        }
        if c.resend_cooldown > MAX_TTL {
            return Err(ConfigError::new("the resend cooldown must be at most 366 days"));
        }
        if c.max_attempts == 0 || c.max_per_user_per_day == 0 {
            return Err(ConfigError::new("attempts and the daily cap must be at least 1"));
        }
        if c.workers == 0 {
            return Err(ConfigError::new("at least one worker thread is needed"));
        }
        if self.policy.min_length > self.policy.max_length || self.policy.max_length == 0 {
            return Err(ConfigError::new("the policy's minimum length exceeds its maximum"));
        }
        if self.breached.as_ref().is_some_and(|breaches| breaches.policy.threshold == 0) {
            return Err(ConfigError::new("the breached-password threshold must be at least 1"));
        }
        let hasher: Arc<dyn Hasher> = match self.hasher {
            Some(hasher) => hasher,
            None => Arc::new(Argon2Workers::new(Argon2id::new(self.hash_params)?, c.workers)?),
        };
        let mut policy = self.policy;
        policy.check_breaches = self.breached.is_some();
        // The policy's default product words are Inzant's: they follow the product.
        if policy.product_words == Product::inzant().words {
            policy.product_words = self.product.words.clone();
        }
        let policy_runner: Arc<dyn PolicyRunner> = match self.policy_runner {
            Some(runner) => runner,
            None => Arc::new(PolicyWorkers::new(c.workers)?),
        };
        Ok(ResetService {
            store: self.store,
            directory: self.directory,
            mailer: self.mailer,
            keys: self.keys,
            public_url,
            config: self.config,
            clock: self.clock,
            audit: self.audit,
            hooks: self.hooks,
            authorization: self.authorization,
            hasher,
            policy: Arc::new(policy),
            policy_runner,
            email: self.email,
            catalogues: self.catalogues,
            product: self.product,
            breached: self.breached,
        })
    }
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
/// use inzant_reset_core::hash::HashParams;
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
/// .hash_params(HashParams::insecure_for_tests())
/// .build()
/// .unwrap();
///
/// let receipt = service.trigger(&UserId::new("1"), &UserId::new("2"), Purpose::Reset).await.unwrap();
/// assert_eq!(receipt.sent_to, "sam.web@inzant.example");
///
/// // The user reads the email (here: the outbox) and submits the form.
/// let (token, code) = outbox.last_link_and_code().unwrap();
/// let form = SubmitForm {
///     code: code.into(),
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
    hooks: Arc<dyn ResetHooks>,
    authorization: Arc<dyn Authorization>,
    hasher: Arc<dyn Hasher>,
    policy: Arc<PasswordPolicy>,
    policy_runner: Arc<dyn PolicyRunner>,
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
    /// Starts building a service over its three essential ports, the code
    /// keys and the configuration. Everything else has a default: the
    /// system clock, audit events as `tracing` logs, no hooks, admins may
    /// reset anyone, Argon2id and the Inzant policy on the service's own
    /// threads, the shipped catalogues (English the default) and the
    /// Inzant product.
    pub fn builder(
        store: Arc<dyn ResetStore>,
        directory: Arc<dyn UserDirectory>,
        mailer: Arc<dyn Mailer>,
        keys: CodeKeys,
        config: ResetConfig,
    ) -> ResetServiceBuilder {
        ResetServiceBuilder {
            store,
            directory,
            mailer,
            keys,
            config,
            clock: Arc::new(SystemClock),
            audit: Arc::new(TracingAudit),
            hooks: Arc::new(NoHooks),
            authorization: Arc::new(AdminsOnly),
            hasher: None,
            hash_params: HashParams::default(),
            policy: PasswordPolicy::default(),
            policy_runner: None,
            email: EmailSettings::default(),
            catalogues: Arc::new(Catalogues::shipped()),
            product: Product::inzant(),
            breached: None,
        }
    }

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

    /// **Trigger.** `actor` (an admin, or whoever the [`Authorization`]
    /// allows) sends `user` a reset or create-password email with a new link
    /// and code. Earlier live requests for the user stop working once the
    /// email is accepted by the mailer.
    ///
    /// # Errors
    /// [`ResetError::NotAllowed`], [`ResetError::UnknownUser`],
    /// [`ResetError::Cooldown`], [`ResetError::DailyLimit`],
    /// [`ResetError::MailFailed`] (the new request is revoked, earlier ones
    /// keep working), and service failures.
    pub async fn trigger(&self, actor: &UserId, user: &UserId, purpose: Purpose) -> Result<TriggerReceipt> {
        let span = tracing::info_span!(
            "inzant_reset.trigger",
            purpose = purpose.as_str(),
            request = Empty,
            outcome = Empty
        );
        async {
            let outcome = self.trigger_steps(actor, user, purpose).await;
            let label = outcome.as_ref().map_or_else(observe::outcome, |_| "ok");
            metrics::counter!(observe::TRIGGERED, "purpose" => purpose.as_str(), "outcome" => label)
                .increment(1);
            if let Ok(receipt) = &outcome {
                Span::current().record("request", tracing::field::display(receipt.request));
            }
            Span::current().record("outcome", label);
            observe::log_outcome("trigger", &outcome);
            outcome
        }
        .instrument(span)
        .await
    }

    async fn trigger_steps(&self, actor: &UserId, user: &UserId, purpose: Purpose) -> Result<TriggerReceipt> {
        let (_admin, user) = self.authorize(actor, user, AdminAction::SendReset(purpose)).await?;
        if purpose == Purpose::Create && user.has_password {
            // The create email says "It has no password yet": it would be untrue.
            return Err(ResetError::HasPassword { display_name: user.display_name });
        }

        let now = self.clock.now();
        let token = LinkToken::generate(&OsRandom)?;
        let code = Code::generate(&OsRandom)?;
        let id = RequestId::generate(&OsRandom)?;
        let request = ResetRequest {
            id,
            user: user.id.clone(),
            issued_by: actor.clone(),
            purpose,
            token_digest: token.digest(),
            code_digest: self.keys.digest(id, &code),
            state: RequestState::Issued,
            attempts: 0,
            created_at: now,
            expires_at: now + self.config.ttl(purpose),
            finished_at: None,
            language: self.catalogues.choose(user.locale.as_deref()).to_owned(),
        };
        let limits = IssueLimits {
            cooldown: self.config.resend_cooldown,
            max_per_day: self.config.max_per_user_per_day,
        };
        match self.store.issue(&request, limits).await? {
            IssueOutcome::Issued => {}
            IssueOutcome::CoolingDown { until } => {
                let wait = (until - now).as_seconds_f64().ceil().max(1.0);
                return Err(ResetError::Cooldown { retry_after_secs: wait as u64 });
            }
            IssueOutcome::DailyLimitReached => {
                return Err(ResetError::DailyLimit { max: self.config.max_per_user_per_day });
            }
        }

        let link = SecretString::from(format!("{}{}", self.public_url.link_base(), token.expose()));
        let email = reset_email(
            &self.email,
            &self.words(&request.language),
            &user,
            purpose,
            &link,
            &code,
            request.expires_at,
        );
        if let Err(source) = self.mailer.send(&email).await {
            metrics::counter!(observe::MAIL_FAILURES, "email" => "reset").increment(1);
            match self.store.finish(id, Finish::Revoke, self.clock.now()).await {
                Ok(_) => metrics::counter!(observe::ENDED, "reason" => "revoked").increment(1),
                // Nobody holds this request's link or code (they were never
                // delivered), so it is unusable even though the store kept it.
                Err(error) => {
                    tracing::error!(request = %id, error = %observe::cause_chain(&error), "could not revoke an undelivered reset request");
                }
            }
            self.record(AuditKind::MailFailed, &request, Some(actor)).await;
            return Err(ResetError::MailFailed { recipient: user.username, source });
        }
        self.record(AuditKind::Issued { purpose }, &request, Some(actor)).await;

        match self.store.supersede_older(id).await {
            Ok(older) => {
                // The ending belongs to each request that ended, not to the new one.
                for replaced in older {
                    metrics::counter!(observe::ENDED, "reason" => "superseded").increment(1);
                    self.record_for(AuditKind::Superseded, replaced, &request.user, Some(actor)).await;
                }
            }
            Err(error) => {
                tracing::error!(request = %id, error = %observe::cause_chain(&error), "the new reset email was sent but older requests could not be superseded");
            }
        }
        tracing::info!(request = %id, user = %user.id, purpose = purpose.as_str(), "reset email sent");
        Ok(TriggerReceipt {
            request: id,
            user: user.id,
            purpose,
            sent_to: user.username,
            expires_at: request.expires_at,
        })
    }

    /// **Open.** What the reset page shows for the link's `token`. Opening
    /// reads only: it never consumes the request or counts an attempt, so
    /// mail scanners that pre-fetch links change nothing.
    ///
    /// # Errors
    /// A dead link: [`ResetError::UnknownLink`], [`ResetError::Expired`],
    /// [`ResetError::AlreadyUsed`], [`ResetError::Superseded`],
    /// [`ResetError::Locked`], [`ResetError::Revoked`]; service failures.
    pub async fn open(&self, token: &str) -> Result<OpenedRequest> {
        let span = tracing::info_span!("inzant_reset.open", request = Empty, outcome = Empty);
        async {
            let outcome = self.open_steps(token).await;
            let label = outcome.as_ref().map_or_else(observe::outcome, |_| "ok");
            metrics::counter!(observe::OPENED, "outcome" => label).increment(1);
            if let Ok(opened) = &outcome {
                Span::current().record("request", tracing::field::display(opened.request));
            }
            Span::current().record("outcome", label);
            observe::log_outcome("open", &outcome);
            outcome
        }
        .instrument(span)
        .await
    }

    async fn open_steps(&self, token: &str) -> Result<OpenedRequest> {
        let request = self.lookup(token).await?;
        let now = self.clock.now();
        self.refuse_unless_live(&request, now)?;
        let user = self.find_user(&request.user).await?.ok_or(ResetError::UnknownLink)?;
        Ok(OpenedRequest {
            request: request.id,
            purpose: request.purpose,
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            user_type: user.user_type,
            expires_at: request.expires_at,
            attempts_left: request.attempts_left(self.config.max_attempts),
            language: self.catalogues.choose(Some(&request.language)).to_owned(),
            strength_inputs: user.strength_inputs(),
        })
    }

    /// The language of the reset behind `token`, whatever its state: dead
    /// links say why in the reset's language too. `None` for an unknown link.
    ///
    /// # Errors
    /// Store failures.
    pub async fn language_of(&self, token: &str) -> Result<Option<String>> {
        let Some(token) = LinkToken::parse(token) else {
            return Ok(None);
        };
        let request = self.store.find_by_token(&token.digest()).await?;
        Ok(request.map(|request| self.catalogues.choose(Some(&request.language)).to_owned()))
    }

    /// **Open**, in the language the person picked on the page: from now
    /// on every page of the link and the "password changed" email speak
    /// `language` (when it is one of the catalogues'; otherwise nothing
    /// changes). Counts no attempt.
    ///
    /// # Errors
    /// As [`ResetService::open`].
    pub async fn choose_language(&self, token: &str, language: &str) -> Result<OpenedRequest> {
        let mut opened = self.open(token).await?;
        if self.catalogues.has(language) && opened.language != language {
            self.store.set_language(opened.request, language).await?;
            opened.language = language.to_owned();
        }
        Ok(opened)
    }

    /// **Strength.** Rates `password` for the user of an opened request,
    /// on the policy's threads (it runs on every keystroke).
    pub async fn rate(&self, opened: &OpenedRequest, password: &SecretString) -> StrengthReport {
        let span = tracing::debug_span!("inzant_reset.rate", request = %opened.request);
        let started = Instant::now();
        let mut report = self
            .policy_runner
            .evaluate(Arc::clone(&self.policy), password.clone(), opened.strength_inputs.clone())
            .instrument(span)
            .await;
        metrics::histogram!(observe::STRENGTH).record(started.elapsed().as_secs_f64());
        // Looked up once the rest is met: not for every prefix typed.
        if report.is_acceptable()
            && let BreachCheck::Breached = self.breach_check(password, "rate").await
        {
            report.mark_breached();
        }
        report
    }

    /// **Strength** for a link: [`ResetService::open`] then [`ResetService::rate`].
    ///
    /// # Errors
    /// As [`ResetService::open`].
    pub async fn strength(&self, token: &str, password: &SecretString) -> Result<StrengthReport> {
        let opened = self.open(token).await?;
        Ok(self.rate(&opened, password).await)
    }

    /// **Submit.** Checks, in this order: the form's shape and sizes, that the
    /// passwords match, the policy, known data breaches when the service has
    /// a breach source (none of these uses an attempt), that the
    /// request is live, and then — atomically counting the attempt first —
    /// the code. On the right code the password is hashed and the request
    /// completed exactly once; then the host's hooks run, a "password changed"
    /// notice is sent (best effort) and the outcome says where the user goes.
    ///
    /// # Errors
    /// Every user-facing refusal of [`ResetError`]; service failures.
    pub async fn submit(&self, token: &str, form: &SubmitForm) -> Result<ResetOutcome> {
        let span = tracing::info_span!("inzant_reset.submit", request = Empty, outcome = Empty);
        async {
            let outcome = self.submit_steps(token, form).await;
            let label = outcome.as_ref().map_or_else(observe::outcome, |_| "ok");
            metrics::counter!(observe::SUBMITS, "outcome" => label).increment(1);
            Span::current().record("outcome", label);
            observe::log_outcome("submit", &outcome);
            outcome
        }
        .instrument(span)
        .await
    }

    async fn submit_steps(&self, token: &str, form: &SubmitForm) -> Result<ResetOutcome> {
        let request = self.lookup(token).await?;
        Span::current().record("request", tracing::field::display(request.id));

        let code = Code::parse(form.code.expose_secret()).ok_or(ResetError::InvalidCode)?;
        let new_password = form.new_password.expose_secret();
        let confirm_password = form.confirm_password.expose_secret();
        for password in [new_password, confirm_password] {
            if password.chars().any(char::is_control) {
                return Err(ResetError::InvalidCharacters);
            }
            if self.policy.is_too_long(password) {
                return Err(ResetError::TooLong { max: self.policy.max_length });
            }
        }

        let normalized = normalize_password(new_password);
        if normalized.expose_secret() != normalize_password(confirm_password).expose_secret() {
            return Err(ResetError::PasswordsDiffer);
        }

        let user = self.find_user(&request.user).await?.ok_or(ResetError::UnknownLink)?;
        let report = self
            .policy_runner
            .evaluate(Arc::clone(&self.policy), normalized.clone(), user.strength_inputs())
            .await;
        if !report.is_acceptable() {
            return Err(ResetError::TooWeak(Box::new(report)));
        }
        match self.breach_check(&normalized, "submit").await {
            BreachCheck::Clean => {}
            BreachCheck::Breached => {
                tracing::info!(request = %request.id, user = %user.id, "a password found in known data breaches was refused");
                let mut report = report;
                report.mark_breached();
                return Err(ResetError::TooWeak(Box::new(report)));
            }
            BreachCheck::Unavailable { error, refuse: true } => {
                return Err(ResetError::BreachCheckUnavailable(error));
            }
            BreachCheck::Unavailable { refuse: false, .. } => {}
        }

        let now = self.clock.now();
        self.refuse_unless_live(&request, now)?;

        let max = self.config.max_attempts;
        let right_code = self.keys.verify(request.id, &code, &request.code_digest);
        let Some(attempts) = self.store.count_attempt(request.id, max, now).await? else {
            return Err(self.why_not_counted(&request, right_code).await);
        };
        let result = if right_code { "right" } else { "wrong" };
        metrics::counter!(observe::CODE_ATTEMPTS, "result" => result).increment(1);
        if !right_code {
            let attempts_left = max.saturating_sub(attempts);
            if attempts_left == 0 {
                if !self.store.finish(request.id, Finish::Lock, now).await? {
                    // A right code completed it (or an admin cancelled it) meanwhile.
                    return Err(self.why_not_live(&request).await);
                }
                metrics::counter!(observe::ENDED, "reason" => "locked").increment(1);
                self.record(AuditKind::Locked, &request, None).await;
                return Err(ResetError::Locked);
            }
            self.record(AuditKind::WrongCode { attempts_left }, &request, None).await;
            return Err(ResetError::IncorrectCode { attempts_left });
        }

        let hash = self.hasher.hash(normalized).await?;
        self.complete(&request, &user, &hash).await?;
        self.record(AuditKind::Completed, &request, None).await;
        metrics::counter!(observe::COMPLETED, "user_type" => user.user_type.as_str()).increment(1);
        let took = (self.clock.now() - request.created_at).as_seconds_f64().max(0.0);
        metrics::histogram!(observe::TIME_TO_COMPLETE).record(took);
        tracing::info!(request = %request.id, user = %user.id, "password reset completed");

        if let Err(error) = self.hooks.password_changed(&user).await {
            metrics::counter!(observe::HOOK_FAILURES).increment(1);
            tracing::error!(request = %request.id, user = %user.id, error = %observe::cause_chain(&error), "the host's password-changed hook failed");
            self.record(AuditKind::HookFailed, &request, None).await;
        }
        let notice =
            password_changed_email(&self.email, &self.words(&request.language), &user, self.clock.now());
        match self.mailer.send(&notice).await {
            Ok(()) => self.record(AuditKind::NoticeSent, &request, None).await,
            Err(error) => {
                metrics::counter!(observe::MAIL_FAILURES, "email" => "notice").increment(1);
                tracing::warn!(request = %request.id, user = %user.id, error = %observe::cause_chain(&error), "the password-changed notice could not be sent");
                self.record(AuditKind::NoticeFailed, &request, None).await;
            }
        }

        let destination = if user.user_type.signs_in_on_website() {
            Destination::LoginPage
        } else {
            Destination::DeviceApps
        };
        Ok(ResetOutcome { user: user.id, destination, language: request.language })
    }

    /// **Status.** Where `user`'s latest reset stands and their last 10
    /// password events, for `actor` (an admin, or whoever the
    /// [`Authorization`] allows to see it). Never the code or the link.
    ///
    /// # Errors
    /// [`ResetError::NotAllowed`], [`ResetError::UnknownUser`], service failures.
    pub async fn status(&self, actor: &UserId, user: &UserId) -> Result<ResetStatus> {
        let span = tracing::info_span!("inzant_reset.status", outcome = Empty);
        async {
            let outcome = self.status_steps(actor, user).await;
            Span::current().record("outcome", outcome.as_ref().map_or_else(observe::outcome, |_| "ok"));
            observe::log_outcome("status", &outcome);
            outcome
        }
        .instrument(span)
        .await
    }

    async fn status_steps(&self, actor: &UserId, user: &UserId) -> Result<ResetStatus> {
        let (_actor, user) = self.authorize(actor, user, AdminAction::ViewStatus).await?;
        let now = self.clock.now();
        let mut names = Names::default();
        let latest = match self.store.recent_for_user(&user.id, 1).await?.into_iter().next() {
            Some(request) => Some(self.request_status(&request, &user, now, &mut names).await?),
            None => None,
        };
        let mut recent = Vec::new();
        for event in self.audit.recent_for_user(&user.id, STATUS_EVENTS).await? {
            let actor = match &event.actor {
                Some(id) => Some(names.person(self, id).await?),
                None => None,
            };
            recent.push(PasswordEvent { at: event.at, kind: event.kind, request: event.request, actor });
        }
        Ok(ResetStatus { user: user.id, latest, recent })
    }

    async fn request_status(
        &self,
        request: &ResetRequest,
        user: &User,
        now: OffsetDateTime,
        names: &mut Names,
    ) -> Result<RequestStatus> {
        let max = self.config.max_attempts;
        let state = request.state_at(now, max);
        let ended_at = match state {
            RequestState::Issued => None,
            RequestState::Expired => Some(request.expires_at),
            _ => request.finished_at,
        };
        Ok(RequestStatus {
            request: request.id,
            purpose: request.purpose,
            state,
            sent_at: request.created_at,
            sent_by: names.person(self, &request.issued_by).await?,
            sent_to: user.username.clone(),
            expires_at: request.expires_at,
            attempts_used: request.attempts,
            attempts_left: if state == RequestState::Issued { request.attempts_left(max) } else { 0 },
            ended_at,
        })
    }

    /// **Cancel.** `actor` stops `user`'s live reset: its link shows that it
    /// was cancelled and its code is no longer tried. Of a cancel and a
    /// completion racing, exactly one wins.
    ///
    /// # Errors
    /// [`ResetError::NotAllowed`], [`ResetError::UnknownUser`],
    /// [`ResetError::NothingToCancel`] (no live request, or it was used or
    /// ended a moment ago), service failures.
    pub async fn cancel(&self, actor: &UserId, user: &UserId) -> Result<CancelReceipt> {
        let span = tracing::info_span!("inzant_reset.cancel", request = Empty, outcome = Empty);
        async {
            let outcome = self.cancel_steps(actor, user).await;
            if let Ok(receipt) = &outcome {
                Span::current().record("request", tracing::field::display(receipt.request));
            }
            Span::current().record("outcome", outcome.as_ref().map_or_else(observe::outcome, |_| "ok"));
            observe::log_outcome("cancel", &outcome);
            outcome
        }
        .instrument(span)
        .await
    }

    async fn cancel_steps(&self, actor: &UserId, user: &UserId) -> Result<CancelReceipt> {
        let (actor, user) = self.authorize(actor, user, AdminAction::Cancel).await?;
        let now = self.clock.now();
        let max = self.config.max_attempts;
        let mut cancelled = None;
        // Normally one is live; a newer request whose email failed leaves an older one live.
        for request in self.store.recent_for_user(&user.id, CANCEL_SCAN).await? {
            if request.state_at(now, max) != RequestState::Issued {
                continue;
            }
            if self.store.finish(request.id, Finish::Cancel, now).await? {
                metrics::counter!(observe::ENDED, "reason" => "cancelled").increment(1);
                self.record(AuditKind::Cancelled, &request, Some(&actor.id)).await;
                tracing::info!(request = %request.id, user = %user.id, actor = %actor.id, "reset cancelled");
                cancelled.get_or_insert(request.id);
            }
        }
        match cancelled {
            Some(request) => Ok(CancelReceipt { request, user: user.id, sent_to: user.username }),
            None => Err(ResetError::NothingToCancel),
        }
    }

    /// **Expiry.** Deletes requests that ended, or expired, more than
    /// `retention` ago. Hosts call this on a timer. Retention is at least
    /// 24 hours, because the daily cap counts the last day's requests.
    ///
    /// # Errors
    /// Store failures.
    pub async fn purge(&self, retention: Duration) -> Result<u64> {
        let span = tracing::info_span!("inzant_reset.purge", purged = Empty);
        async {
            let before = self.clock.now() - retention.clamp(Duration::from_secs(24 * 3600), MAX_TTL);
            let outcome = self.store.purge(before).await.map_err(ResetError::from);
            if let Ok(purged) = &outcome {
                metrics::counter!(observe::PURGED).increment(*purged);
                Span::current().record("purged", purged);
                if *purged > 0 {
                    tracing::info!(purged, "purged old password reset requests");
                }
            }
            observe::log_outcome("purge", &outcome);
            outcome
        }
        .instrument(span)
        .await
    }

    /// Completes the request exactly once and saves the hash: in one
    /// transaction when the store can, else completion first (so two
    /// concurrent submits never both write a password) and then the directory.
    async fn complete(&self, request: &ResetRequest, user: &User, hash: &PasswordHash) -> Result<()> {
        let now = self.clock.now();
        let completed = match self.store.complete_with_password(request.id, &user.id, hash, now).await? {
            Some(completed) => completed,
            None => {
                if !self.store.finish(request.id, Finish::Complete, now).await? {
                    return Err(self.why_not_live(request).await);
                }
                if let Err(error) = self.directory.set_password_hash(&user.id, hash).await {
                    // Logged once, with its cause, as the submit's failure.
                    self.record(AuditKind::PasswordNotSaved, request, None).await;
                    return Err(ResetError::PasswordNotSaved(error));
                }
                true
            }
        };
        if !completed {
            return Err(self.why_not_live(request).await);
        }
        Ok(())
    }

    /// Asks the breach source, if any, about `password`; when it cannot
    /// answer, logs a warning saying what the host chose to do about it.
    async fn breach_check(&self, password: &SecretString, step: &'static str) -> BreachCheck {
        let Some(breaches) = &self.breached else {
            return BreachCheck::Clean;
        };
        let sha1 = PasswordSha1::of(password.expose_secret());
        match breaches.source.occurrences(&sha1).await {
            Ok(count) if breaches.policy.refuses(count) => BreachCheck::Breached,
            Ok(_) => BreachCheck::Clean,
            Err(error) => {
                let refuse = breaches.policy.on_unavailable == OnUnavailable::Refuse;
                if refuse {
                    tracing::warn!(step, %error, "the breached-password source could not answer; saving is refused until it does (on_unavailable = refuse)");
                } else {
                    tracing::warn!(step, %error, "the breached-password source could not answer; the password is allowed unchecked (on_unavailable = allow)");
                }
                BreachCheck::Unavailable { error, refuse }
            }
        }
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
        let event =
            AuditEvent { at: self.clock.now(), kind, request, user: user.clone(), actor: actor.cloned() };
        if let Err(error) = self.audit.record(&event).await {
            tracing::error!(%request, kind = kind.as_str(), %error, "audit event not recorded");
        }
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

/// How many recent password events a status shows.
const STATUS_EVENTS: usize = 10;

/// How many of a user's latest requests a cancel looks through for live ones.
const CANCEL_SCAN: usize = 10;

/// Display names looked up once per status.
#[derive(Default)]
struct Names(HashMap<UserId, Option<String>>);

impl Names {
    async fn person(&mut self, service: &ResetService, id: &UserId) -> Result<Person> {
        let display_name = match self.0.get(id) {
            Some(name) => name.clone(),
            None => {
                let name = service.find_user(id).await?.map(|user| user.display_name);
                self.0.insert(id.clone(), name.clone());
                name
            }
        };
        Ok(Person { id: id.clone(), display_name })
    }
}
