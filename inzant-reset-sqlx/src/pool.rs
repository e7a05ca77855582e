//! Connection pool settings that suit the reset flow.

use std::time::Duration;

use sqlx::Connection as _;
use sqlx::postgres::PgPoolOptions;

/// A connection idle at least this long is checked (one round trip) before
/// it is handed out; one used more recently is handed out as it is.
pub const PING_IDLE_AFTER: Duration = Duration::from_secs(1);

/// Pool settings for the reset flow on a service with `workers` hashing
/// threads ([`ResetConfig::workers`](inzant_reset_core::service::ResetConfig::workers)):
///
/// - **at most `4 × workers + 2` connections.** A submit holds a connection
///   only for a statement at a time, never while its password is hashed,
///   and the service lets at most `2 × workers + 2` submits do their checks
///   and hashing at once
///   ([`ResetConfig::submits_at_once`](inzant_reset_core::service::ResetConfig::submits_at_once)),
///   so a burst of submits uses at most that many connections for its
///   checks, plus a few for the completions and audit events of those
///   just hashed, and the rest are left for page opens and the meter's
///   re-reads; more would only make PostgreSQL share the same cores among
///   more backends.
/// - **no ping on every checkout.** sqlx's default (`test_before_acquire`)
///   sends a round trip before every statement; here a connection is
///   checked only when it has been idle for [`PING_IDLE_AFTER`], so a busy
///   pool does no extra round trips and a connection that died while idle
///   (a database restart) is still replaced before it is used.
///
/// Add the host's own settings, e.g. an `acquire_timeout` so an outage is
/// answered within it, then `connect`.
///
/// ```no_run
/// # async fn pool() -> Result<(), inzant_reset_sqlx::sqlx::Error> {
/// let workers = std::thread::available_parallelism().map_or(2, usize::from);
/// let pool = inzant_reset_sqlx::pool_options(workers)
///     .acquire_timeout(std::time::Duration::from_secs(2))
///     .connect("postgres://localhost/inzant")
///     .await?;
/// # Ok(()) }
/// ```
pub fn pool_options(workers: usize) -> PgPoolOptions {
    let workers = u32::try_from(workers.max(1)).unwrap_or(u32::MAX);
    PgPoolOptions::new()
        .max_connections(workers.saturating_mul(4).saturating_add(2).min(MAX_CONNECTIONS))
        .test_before_acquire(false)
        .before_acquire(|connection, meta| {
            Box::pin(async move {
                if meta.idle_for >= PING_IDLE_AFTER {
                    connection.ping().await?;
                }
                Ok(true)
            })
        })
}

/// The most connections [`pool_options`] asks for, however many workers.
const MAX_CONNECTIONS: u32 = 64;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pool_grows_with_the_workers_within_bounds() {
        assert_eq!(pool_options(0).get_max_connections(), 6);
        assert_eq!(pool_options(2).get_max_connections(), 10);
        assert_eq!(pool_options(8).get_max_connections(), 34);
        assert_eq!(pool_options(1000).get_max_connections(), MAX_CONNECTIONS);
        assert!(!pool_options(2).get_test_before_acquire());
    }
}
