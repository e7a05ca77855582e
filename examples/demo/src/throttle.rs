//! Sign-in throttling: how many password checks one account and one
//! client address get, with `governor`'s GCRA limiters keyed by each.
//!
//! Every attempt counts, not only failures: the decision has to be made
//! before the password is checked, or a flood would still queue behind the
//! Argon2 threads. People sign in a few times a day, so the default budgets
//! (10 per account per 10 minutes, 30 per address per minute) only ever
//! stop guessing. An attacker can still spend an account's budget and so
//! slow its owner down to the refill rate; that is the price of limiting
//! per account at all, and the per-address limit keeps it to one
//! address's share.
//!
//! Behind a reverse proxy every client has the proxy's address: key the
//! per-address limit on the client address the proxy reports (its
//! `X-Forwarded-For` entry, trusted only from the proxy), or the whole site
//! shares one budget.

use std::net::{IpAddr, Ipv4Addr};
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use crate::serve::client_key;

/// The window the per-account budget refills over.
const ACCOUNT_WINDOW: Duration = Duration::from_secs(600);
/// The window the per-address budget refills over.
const ADDRESS_WINDOW: Duration = Duration::from_secs(60);
/// Usernames are cut to this many bytes before keying, so made-up names
/// cannot make the limiter's map grow by more than this per attempt.
const MAX_KEY_BYTES: usize = 320;

type Keyed<K, C> = RateLimiter<K, DefaultKeyedStateStore<K>, C, NoOpMiddleware<<C as Clock>::Instant>>;

/// Why a sign-in attempt was not allowed, and for how long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Throttled {
    /// Whole seconds until an attempt would be allowed again (at least 1),
    /// for `Retry-After`.
    pub retry_after_secs: u64,
    /// Which budget ran out.
    pub by: ThrottledBy,
}

/// Which budget ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThrottledBy {
    /// Too many attempts from the client's address.
    Address,
    /// Too many attempts for the account.
    Account,
}

/// Per-account and per-address sign-in budgets.
pub struct SignInThrottle<C: Clock = DefaultClock> {
    by_account: Keyed<String, C>,
    by_address: Keyed<IpAddr, C>,
    clock: C,
}

impl<C: Clock> std::fmt::Debug for SignInThrottle<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInThrottle")
            .field("accounts", &self.by_account.len())
            .field("addresses", &self.by_address.len())
            .finish()
    }
}

impl SignInThrottle {
    /// `per_account` attempts per account per 10 minutes and `per_address`
    /// attempts per address per minute (each at least 1), on the real clock.
    pub fn new(per_account: u32, per_address: u32) -> Self {
        Self::with_clock(per_account, per_address, DefaultClock::default())
    }
}

impl<C: Clock + Clone> SignInThrottle<C> {
    /// As [`SignInThrottle::new`], on `clock` (a fake one in tests).
    pub fn with_clock(per_account: u32, per_address: u32, clock: C) -> Self {
        let by_account =
            RateLimiter::new(quota(per_account, ACCOUNT_WINDOW), Default::default(), clock.clone());
        let by_address =
            RateLimiter::new(quota(per_address, ADDRESS_WINDOW), Default::default(), clock.clone());
        Self { by_account, by_address, clock }
    }

    /// Spends one attempt for `username` from `address` (`None` when the
    /// server did not say: all such attempts share one budget, so a
    /// misconfigured server throttles more, never less). The address is
    /// checked first, so guesses spread over many accounts from one
    /// address stop there without touching those accounts' budgets.
    ///
    /// # Errors
    /// [`Throttled`] when either budget is spent; nothing is checked then.
    pub fn attempt(&self, username: &str, address: Option<IpAddr>) -> Result<(), Throttled> {
        let address = address.map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), client_key);
        self.by_address.check_key(&address).map_err(|not_until| Throttled {
            retry_after_secs: whole_seconds(not_until.wait_time_from(self.clock.now())),
            by: ThrottledBy::Address,
        })?;
        self.by_account.check_key(&account_key(username)).map_err(|not_until| Throttled {
            retry_after_secs: whole_seconds(not_until.wait_time_from(self.clock.now())),
            by: ThrottledBy::Account,
        })
    }

    /// Forgets accounts and addresses whose budget is full again, so the
    /// maps hold only recent guessers.
    pub fn forget_idle(&self) {
        self.by_account.retain_recent();
        self.by_account.shrink_to_fit();
        self.by_address.retain_recent();
        self.by_address.shrink_to_fit();
    }

    /// How many accounts and addresses have a spent or partly spent budget.
    pub fn tracked(&self) -> (usize, usize) {
        (self.by_account.len(), self.by_address.len())
    }
}

/// `count` per `window`: a burst of `count`, then one every `window / count`.
fn quota(count: u32, window: Duration) -> Quota {
    let count = NonZeroU32::new(count).unwrap_or(NonZeroU32::MIN);
    let every = (window / count.get()).max(Duration::from_millis(1));
    Quota::with_period(every).map_or_else(|| Quota::per_second(count), |quota| quota.allow_burst(count))
}

/// The account a username names: as the directory matches it (trimmed,
/// any case), cut to [`MAX_KEY_BYTES`].
fn account_key(username: &str) -> String {
    let mut key = username.trim().to_lowercase();
    if key.len() > MAX_KEY_BYTES {
        let mut end = MAX_KEY_BYTES;
        while !key.is_char_boundary(end) {
            end -= 1;
        }
        key.truncate(end);
    }
    key
}

/// `wait` rounded up to whole seconds, at least 1.
fn whole_seconds(wait: Duration) -> u64 {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    seconds.max(1)
}

#[cfg(test)]
mod tests {
    use governor::clock::FakeRelativeClock;

    use super::*;

    const HOME: Option<IpAddr> = Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)));
    const AWAY: Option<IpAddr> = Some(IpAddr::V4(Ipv4Addr::new(198, 51, 100, 7)));

    fn throttle(
        per_account: u32,
        per_address: u32,
    ) -> (SignInThrottle<FakeRelativeClock>, FakeRelativeClock) {
        let clock = FakeRelativeClock::default();
        (SignInThrottle::with_clock(per_account, per_address, clock.clone()), clock)
    }

    #[test]
    fn an_account_gets_its_budget_then_waits_for_the_refill() {
        let (throttle, clock) = throttle(5, 1000);
        for _ in 0..5 {
            assert_eq!(throttle.attempt("sam@x.example", HOME), Ok(()));
        }
        let refused = throttle.attempt("sam@x.example", HOME).unwrap_err();
        assert_eq!(refused, Throttled { retry_after_secs: 120, by: ThrottledBy::Account });
        clock.advance(Duration::from_secs(119));
        assert_eq!(throttle.attempt("sam@x.example", HOME).unwrap_err().retry_after_secs, 1);
        clock.advance(Duration::from_secs(1));
        assert_eq!(throttle.attempt("sam@x.example", HOME), Ok(()), "one more after 10 min / 5");
    }

    #[test]
    fn accounts_are_matched_as_the_directory_matches_usernames() {
        let (throttle, _) = throttle(1, 1000);
        assert_eq!(throttle.attempt("Sam@X.example", HOME), Ok(()));
        assert!(throttle.attempt("  sam@x.example ", AWAY).is_err(), "same account from anywhere");
        assert_eq!(throttle.attempt("dana@x.example", AWAY), Ok(()), "other accounts are unaffected");
    }

    #[test]
    fn an_address_gets_its_budget_across_accounts() {
        let (throttle, _) = throttle(1000, 3);
        for n in 0..3 {
            assert_eq!(throttle.attempt(&format!("user{n}@x.example"), HOME), Ok(()));
        }
        let refused = throttle.attempt("user9@x.example", HOME).unwrap_err();
        assert_eq!(refused, Throttled { retry_after_secs: 20, by: ThrottledBy::Address });
        assert_eq!(throttle.attempt("user9@x.example", AWAY), Ok(()), "other addresses are unaffected");
    }

    #[test]
    fn a_refused_address_spends_no_account_budget() {
        let (throttle, _) = throttle(2, 1);
        assert_eq!(throttle.attempt("sam@x.example", HOME), Ok(()));
        for _ in 0..10 {
            assert_eq!(throttle.attempt("sam@x.example", HOME).unwrap_err().by, ThrottledBy::Address);
        }
        assert_eq!(throttle.attempt("sam@x.example", AWAY), Ok(()), "Sam still has one attempt left");
    }

    #[test]
    fn unknown_addresses_share_one_budget() {
        let (throttle, _) = throttle(1000, 2);
        assert_eq!(throttle.attempt("a@x.example", None), Ok(()));
        assert_eq!(throttle.attempt("b@x.example", None), Ok(()));
        assert_eq!(throttle.attempt("c@x.example", None).unwrap_err().by, ThrottledBy::Address);
    }

    #[test]
    fn idle_keys_are_forgotten() {
        let (throttle, clock) = throttle(2, 10);
        let long = "é".repeat(1000);
        throttle.attempt(&long, HOME).unwrap();
        throttle.attempt("sam@x.example", AWAY).unwrap();
        assert_eq!(throttle.tracked(), (2, 2));
        clock.advance(ACCOUNT_WINDOW);
        throttle.forget_idle();
        assert_eq!(throttle.tracked(), (0, 0));
        assert!(account_key(&long).len() <= MAX_KEY_BYTES);
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(whole_seconds(Duration::ZERO), 1);
        assert_eq!(whole_seconds(Duration::from_millis(1500)), 2);
        assert_eq!(whole_seconds(Duration::from_secs(20)), 20);
    }
}
