//! **Submit**: the code and the new password, checked and saved exactly once.

use super::*;

impl ResetService {
    /// **Submit.** Checks, in this order: the form's shape and sizes, that the
    /// passwords match, the policy, known data breaches when the service has
    /// a breach source (none of these uses an attempt), that the
    /// request is live, and then — atomically counting the attempt first —
    /// the code. On the right code the password is hashed and the request
    /// completed exactly once; then the host's hooks run, a "password changed"
    /// notice is sent (best effort) and the outcome says where the user goes.
    ///
    /// At most [`ResetConfig::submits_at_once`] submits do their checks and
    /// hashing at once; the others wait their turn first (in arrival order).
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
        // Held through the checks and the hash, let go before the emails and hooks.
        let arrived = Instant::now();
        let turn = self.submits.pass().await;
        metrics::histogram!(observe::SUBMIT_WAIT).record(arrived.elapsed().as_secs_f64());
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
            .evaluate_in(Lane::Submit, Arc::clone(&self.policy), normalized.clone(), user.strength_inputs())
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
        let recorded = self.complete(&request, &user, &hash).await?;
        drop(turn);
        if !recorded {
            self.record(AuditKind::Completed, &request, None).await;
        }
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

    /// Completes the request exactly once and saves the hash: in one
    /// transaction when the store can (with the "completed" audit event too
    /// when the store writes where the audit sink records), else completion
    /// first (so two concurrent submits never both write a password) and
    /// then the directory. Answers whether the audit event was recorded.
    async fn complete(&self, request: &ResetRequest, user: &User, hash: &PasswordHash) -> Result<bool> {
        let now = self.clock.now();
        let saved = if self.audit_in_store {
            let event = self.event(AuditKind::Completed, request.id, &request.user, None);
            self.store.complete_and_record(request.id, &user.id, hash, now, &event).await?
        } else {
            self.store
                .complete_with_password(request.id, &user.id, hash, now)
                .await?
                .map(Completion::unrecorded)
        };
        match saved {
            Some(Completion::CompletedAndRecorded) => Ok(true),
            Some(Completion::Completed) => Ok(false),
            Some(Completion::Unchanged) => Err(self.why_not_live(request).await),
            None => {
                if !self.store.finish(request.id, Finish::Complete, now).await? {
                    return Err(self.why_not_live(request).await);
                }
                if let Err(error) = self.directory.set_password_hash(&user.id, hash).await {
                    // Logged once, with its cause, as the submit's failure.
                    self.record(AuditKind::PasswordNotSaved, request, None).await;
                    return Err(ResetError::PasswordNotSaved(error));
                }
                Ok(false)
            }
        }
    }

    /// Asks the breach source, if any, about `password`; when it cannot
    /// answer, logs a warning saying what the host chose to do about it.
    pub(super) async fn breach_check(&self, password: &SecretString, step: &'static str) -> BreachCheck {
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
}
