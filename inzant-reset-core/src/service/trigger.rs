//! **Trigger**: an admin sends a reset or create-password email.

use super::*;

impl ResetService {
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
}
