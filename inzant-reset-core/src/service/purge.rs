//! **Purge**: deleting requests of no more use.

use super::*;

impl ResetService {
    /// **Expiry.** Deletes requests that expired more than `retention` ago,
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
}
