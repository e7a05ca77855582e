//! **Status** and **cancel**: what an admin sees on a user's page, and stopping a live reset.

use super::*;

impl ResetService {
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
