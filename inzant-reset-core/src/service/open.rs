//! **Open** a link, choose its language, and **rate** passwords as they are typed.

use super::*;

impl ResetService {
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
            .evaluate_in(
                Lane::Meter,
                Arc::clone(&self.policy),
                password.clone(),
                opened.strength_inputs.clone(),
            )
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

    /// **Strength** for a link: [`ResetService::open`] then
    /// [`ResetService::rate`], for a caller that holds the token rather
    /// than an opened request.
    ///
    /// # Errors
    /// As [`ResetService::open`].
    pub async fn rate_link(&self, token: &str, password: &SecretString) -> Result<StrengthReport> {
        let opened = self.open(token).await?;
        Ok(self.rate(&opened, password).await)
    }

    /// The old name of [`ResetService::rate_link`] (open, then rate).
    ///
    /// # Errors
    /// As [`ResetService::open`].
    #[deprecated(since = "0.1.0", note = "use `ResetService::rate_link`")]
    pub async fn strength(&self, token: &str, password: &SecretString) -> Result<StrengthReport> {
        self.rate_link(token, password).await
    }
}
