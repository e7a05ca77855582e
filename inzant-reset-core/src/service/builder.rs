//! Building a [`ResetService`]: its ports, rules and defaults.

use super::*;

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
    /// to live, zero attempts or a zero daily cap, zero workers or
    /// `submits_at_once`, a policy
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
        if c.submits_at_once == Some(0) {
            return Err(ConfigError::new("submits_at_once must let at least one submit through"));
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
        let audit_in_store = match (self.store.records_audit_in(), self.audit.records_in()) {
            (Some(store), Some(sink)) => store == sink,
            _ => false,
        };
        let submits = Gate::new(c.submits_at_once());
        Ok(ResetService {
            audit_in_store,
            submits,
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
}
