//! **Purge**: deleting requests of no more use.

use super::*;

impl ResetService {
    /// **Expiry.** First records the end of every request whose time ran out
    /// unused (state `Expired`, one `Expired` audit event each, so every
    /// request that ends has exactly one ending event). Then deletes requests
    /// that expired more than `retention` ago,
    /// and finished ones (completed, locked, superseded, revoked, cancelled)
    /// that were *created* more than `retention` ago; live requests are never
    /// deleted. Hosts call this on a timer. The cut-off is taken from the
    /// service's clock, and retention is at least 24 hours, because the
    /// daily cap counts the last day's requests.
    ///
    /// # Errors
    /// Store failures.
    pub async fn purge(&self, retention: Duration) -> Result<u64> {
        let span = tracing::info_span!("inzant_reset.purge", purged = Empty);
        async {
            let now = self.clock.now();
            let before = now - retention.clamp(Duration::from_secs(24 * 3600), MAX_TTL);
            let outcome = match self.record_expiries(now).await {
                Ok(()) => self.store.purge(before).await.map_err(ResetError::from),
                Err(error) => Err(error),
            };
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

    /// Marks expired every request whose time ran out unused, in batches,
    /// and records each one's ending.
    async fn record_expiries(&self, now: OffsetDateTime) -> Result<()> {
        const BATCH: usize = 500;
        loop {
            let expired = self.store.expire_due(now, BATCH).await?;
            for request in &expired {
                metrics::counter!(observe::ENDED, "reason" => "expired").increment(1);
                self.record(AuditKind::Expired, request, None).await;
            }
            if expired.len() < BATCH {
                return Ok(());
            }
        }
    }
}
