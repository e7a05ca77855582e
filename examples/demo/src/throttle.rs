//! Sign-in throttling that slows guessing without letting anyone lock an
//! owner out (OWASP Authentication Cheat Sheet, NIST SP 800-63B §5.2.2).
//!
//! Three budgets, each a GCRA (a burst, then a steady refill):
//!
//! - **per account and client** ([`Limits::per_client`], default 5
//!   failures per 15 minutes): the client is the browser's device cookie
//!   when it carries a valid one for the account (`crate::device`), else the
//!   client address. Only failures spend it, and a success fills it again.
//! - **per account** ([`Limits::per_account`], default 100 failures per
//!   hour): failures from clients the account has never signed in from.
//!   Known clients (a device cookie for the account, or an address the
//!   account signed in from within [`KNOWN_FOR`]) neither spend it nor need
//!   it, so strangers' guesses elsewhere never refuse the owner there; the
//!   owner's new addresses get their own, untouched per-client budget and
//!   are refused only once strangers have spent this ceiling.
//! - **per address** ([`Limits::per_address`], default 30 attempts per
//!   minute): every attempt from one address, right or wrong, across
//!   accounts, so a flood stops before the hashing threads.
//!
//! Usernames are normalized once ([`Account::new`]: trimmed, NFKC,
//! lower-cased), so case, spacing and compatibility variants are one
//! account. Whether an attempt failed is known only after its password is
//! checked, but the budget has to be decided before, or parallel guesses
//! would all pass while the first is hashed: an [`Attempt`] holds its place
//! in the first two budgets meanwhile. [`Attempt::failed`] keeps it;
//! [`Attempt::succeeded`] gives it back, fills the client's budget and
//! remembers the address; an attempt dropped unsettled (the password could
//! not be checked, or the client went away) gives it back, since it
//! learned nothing.
//!
//! Behind a reverse proxy every client has the proxy's address: key the
//! budgets on the client address the proxy reports (its `X-Forwarded-For`
//! entry, trusted only from the proxy), or the whole site shares one
//! per-address budget and one set of known addresses.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::net::{IpAddr, Ipv4Addr};
use std::num::NonZeroU32;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock, Reference};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use crate::serve::client_key;

/// The window the per-account-and-client budget refills over.
pub const CLIENT_WINDOW: Duration = Duration::from_secs(15 * 60);
/// The window the per-account ceiling refills over.
pub const ACCOUNT_WINDOW: Duration = Duration::from_secs(3600);
/// The window the per-address budget refills over.
pub const ADDRESS_WINDOW: Duration = Duration::from_secs(60);
/// How long an address an account signed in from stays known for it.
pub const KNOWN_FOR: Duration = Duration::from_secs(30 * 24 * 3600);
/// At most this many known addresses per account; the one used longest ago
/// is forgotten first.
pub const KNOWN_PER_ACCOUNT: usize = 8;
/// At most this many accounts with known addresses (some 10 MB); the one
/// that signed in longest ago is forgotten first.
pub const KNOWN_ACCOUNTS: usize = 50_000;
/// Usernames are cut to this many bytes before they are normalized.
const MAX_USERNAME_BYTES: usize = 320;

type Keyed<K, C> = RateLimiter<K, DefaultKeyedStateStore<K>, C, NoOpMiddleware<<C as Clock>::Instant>>;

/// How many sign-in attempts each budget allows (each at least 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Failures per account from one client (device or address) per
    /// [`CLIENT_WINDOW`] (`INZANT_SIGN_IN_PER_ACCOUNT_AND_ADDRESS`, default 5).
    pub per_client: u32,
    /// Failures per account from clients it has not signed in from, per
    /// [`ACCOUNT_WINDOW`] (`INZANT_SIGN_IN_PER_ACCOUNT`, default 100).
    pub per_account: u32,
    /// Attempts per client address, right or wrong, per [`ADDRESS_WINDOW`]
    /// (`INZANT_SIGN_IN_PER_ADDRESS`, default 30).
    pub per_address: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self { per_client: 5, per_account: 100, per_address: 30 }
    }
}

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
    /// Too many attempts from the client's address, for any accounts.
    Address,
    /// Too many failures for the account from this device or address.
    Client,
    /// Too many failures for the account from clients it has not signed in from.
    Account,
}

/// An account as the throttle counts it: the username trimmed,
/// NFKC-normalized and lower-cased, so that `Sam@X.example `,
/// `sam@x.example` and `ｓａｍ@ｘ.example` are one account. Made once per
/// attempt, from the username as typed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Account(String);

impl Account {
    /// The account `username` names (cut to 320 bytes first).
    pub fn new(username: &str) -> Self {
        let folded: String =
            cut(username.trim(), MAX_USERNAME_BYTES).nfkc().flat_map(char::to_lowercase).nfkc().collect();
        Self(folded.trim().to_owned())
    }

    /// The normalized username.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What the throttle keys the account by: 128 bits of its SHA-256, so
    /// that a long made-up username costs no more memory than a short one.
    fn key(&self) -> AccountKey {
        let digest = Sha256::digest(self.0.as_bytes());
        let mut key = [0u8; 16];
        key.copy_from_slice(&digest[..16]);
        AccountKey(key)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct AccountKey([u8; 16]);

/// A browser, as the device cookie the caller has checked names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DeviceId(pub [u8; 16]);

/// Who a per-client budget belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum ClientKey {
    Address(IpAddr),
    Device(DeviceId),
}

/// `count` per `window` as a GCRA: a burst of `count`, then one every
/// `window / count`. A budget is its theoretical arrival time (`tat`), on
/// the throttle's clock; absent, it is full.
#[derive(Clone, Copy, Debug)]
struct Rate {
    every: Duration,
    window: Duration,
}

impl Rate {
    fn new(count: u32, window: Duration) -> Self {
        let count = count.max(1);
        let every = (window / count).max(Duration::from_millis(1));
        Self { every, window: every * count }
    }

    /// How long until the budget at `tat` has room for one more (zero: now).
    fn wait(self, tat: Option<Duration>, now: Duration) -> Duration {
        let next = tat.map_or(now, |tat| tat.max(now)) + self.every;
        next.saturating_sub(now + self.window)
    }

    /// Spends one.
    fn take(self, tat: &mut Duration, now: Duration) {
        *tat = (*tat).max(now) + self.every;
    }

    /// Gives one back to budget `key` of `budgets`, forgetting it once full.
    fn give_back<K: Eq + std::hash::Hash>(self, budgets: &mut HashMap<K, Duration>, key: K, now: Duration) {
        if let Entry::Occupied(mut budget) = budgets.entry(key) {
            let tat = (*budget.get()).saturating_sub(self.every);
            if tat > now {
                *budget.get_mut() = tat;
            } else {
                budget.remove();
            }
        }
    }
}

/// The failure budgets and the known addresses, changed together under one lock.
#[derive(Default)]
struct Budgets {
    clients: HashMap<(AccountKey, ClientKey), Duration>,
    accounts: HashMap<AccountKey, Duration>,
    known: HashMap<AccountKey, Vec<(IpAddr, Duration)>>,
}

impl Budgets {
    fn is_known(&self, account: AccountKey, address: IpAddr, now: Duration) -> bool {
        self.known.get(&account).is_some_and(|addresses| {
            addresses.iter().any(|(known, at)| *known == address && now.saturating_sub(*at) < KNOWN_FOR)
        })
    }

    fn remember(&mut self, account: AccountKey, address: IpAddr, now: Duration) {
        if address.is_unspecified() {
            return; // the server did not say: nothing to recognise later
        }
        if !self.known.contains_key(&account) && self.known.len() >= KNOWN_ACCOUNTS {
            let latest = |addresses: &Vec<(IpAddr, Duration)>| addresses.iter().map(|(_, at)| *at).max();
            let stalest =
                self.known.iter().min_by_key(|(_, addresses)| latest(addresses)).map(|(key, _)| *key);
            if let Some(stalest) = stalest {
                self.known.remove(&stalest);
            }
        }
        let addresses = self.known.entry(account).or_default();
        addresses.retain(|(known, _)| *known != address);
        if addresses.len() >= KNOWN_PER_ACCOUNT {
            let oldest = addresses.iter().enumerate().min_by_key(|(_, (_, at))| *at).map(|(i, _)| i);
            if let Some(oldest) = oldest {
                addresses.swap_remove(oldest);
            }
        }
        addresses.push((address, now));
    }
}

/// How much the throttle is holding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tracked {
    /// (account, client) pairs with failures still counted.
    pub clients: usize,
    /// Accounts with failures from unknown clients still counted.
    pub accounts: usize,
    /// Addresses with a spent or partly spent per-address budget.
    pub addresses: usize,
    /// Accounts with known addresses.
    pub known_accounts: usize,
}

/// The sign-in budgets: per account and client, per account, per address.
pub struct SignInThrottle<C: Clock = DefaultClock> {
    by_address: Keyed<IpAddr, C>,
    budgets: Mutex<Budgets>,
    per_client: Rate,
    per_account: Rate,
    clock: C,
    start: C::Instant,
}

impl<C: Clock> std::fmt::Debug for SignInThrottle<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let budgets = lock(&self.budgets);
        f.debug_struct("SignInThrottle")
            .field("clients", &budgets.clients.len())
            .field("accounts", &budgets.accounts.len())
            .field("addresses", &self.by_address.len())
            .field("known_accounts", &budgets.known.len())
            .finish()
    }
}

impl SignInThrottle {
    /// The budgets `limits` sets, on the real clock.
    pub fn new(limits: Limits) -> Self {
        Self::with_clock(limits, DefaultClock::default())
    }
}

impl<C: Clock + Clone> SignInThrottle<C> {
    /// As [`SignInThrottle::new`], on `clock` (a fake one in tests).
    pub fn with_clock(limits: Limits, clock: C) -> Self {
        let by_address =
            RateLimiter::new(quota(limits.per_address, ADDRESS_WINDOW), Default::default(), clock.clone());
        Self {
            by_address,
            budgets: Mutex::default(),
            per_client: Rate::new(limits.per_client, CLIENT_WINDOW),
            per_account: Rate::new(limits.per_account, ACCOUNT_WINDOW),
            start: clock.now(),
            clock,
        }
    }

    fn now(&self) -> Duration {
        self.clock.now().duration_since(self.start).into()
    }

    /// Asks to check a password for `account` from `address` (`None` when
    /// the server did not say: all such attempts share one budget, so a
    /// misconfigured server throttles more, never less), from the browser
    /// `device` when it sent a device cookie the caller found valid for
    /// this account. The address budget is checked first, so guesses spread
    /// over many accounts from one address stop there without touching
    /// those accounts' budgets.
    ///
    /// # Errors
    /// [`Throttled`] when a budget is spent, with the longest wait among
    /// the spent ones; nothing is checked then, and no failure budget is
    /// spent.
    pub fn attempt(
        &self,
        account: &Account,
        address: Option<IpAddr>,
        device: Option<DeviceId>,
    ) -> Result<Attempt<'_, C>, Throttled> {
        let address = address.map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), client_key);
        self.by_address.check_key(&address).map_err(|not_until| Throttled {
            retry_after_secs: whole_seconds(not_until.wait_time_from(self.clock.now())),
            by: ThrottledBy::Address,
        })?;
        let account = account.key();
        let client = device.map_or(ClientKey::Address(address), ClientKey::Device);
        let now = self.now();
        let mut budgets = lock(&self.budgets);
        let known = device.is_some() || budgets.is_known(account, address, now);
        let client_wait = self.per_client.wait(budgets.clients.get(&(account, client)).copied(), now);
        let account_wait = match known {
            true => Duration::ZERO,
            false => self.per_account.wait(budgets.accounts.get(&account).copied(), now),
        };
        if !client_wait.is_zero() || !account_wait.is_zero() {
            let by = if client_wait >= account_wait { ThrottledBy::Client } else { ThrottledBy::Account };
            return Err(Throttled { retry_after_secs: whole_seconds(client_wait.max(account_wait)), by });
        }
        self.per_client.take(budgets.clients.entry((account, client)).or_default(), now);
        if !known {
            self.per_account.take(budgets.accounts.entry(account).or_default(), now);
        }
        Ok(Attempt { throttle: self, account, address, client, spent_account: !known, settled: false })
    }

    /// Whether `account` has signed in from `address` within [`KNOWN_FOR`].
    pub fn is_known(&self, account: &Account, address: IpAddr) -> bool {
        lock(&self.budgets).is_known(account.key(), client_key(address), self.now())
    }

    /// Forgets full budgets and addresses known for longer than
    /// [`KNOWN_FOR`], so the maps hold only recent guessers and owners.
    pub fn forget_idle(&self) {
        self.by_address.retain_recent();
        self.by_address.shrink_to_fit();
        let now = self.now();
        let mut budgets = lock(&self.budgets);
        budgets.clients.retain(|_, tat| *tat > now);
        budgets.clients.shrink_to_fit();
        budgets.accounts.retain(|_, tat| *tat > now);
        budgets.accounts.shrink_to_fit();
        budgets.known.retain(|_, addresses| {
            addresses.retain(|(_, at)| now.saturating_sub(*at) < KNOWN_FOR);
            !addresses.is_empty()
        });
        budgets.known.shrink_to_fit();
    }

    /// How much the throttle is holding.
    pub fn tracked(&self) -> Tracked {
        let budgets = lock(&self.budgets);
        Tracked {
            clients: budgets.clients.len(),
            accounts: budgets.accounts.len(),
            addresses: self.by_address.len(),
            known_accounts: budgets.known.len(),
        }
    }
}

/// A password check the throttle allowed, holding its place in the
/// account's budgets until it is settled: say [`Attempt::failed`] or
/// [`Attempt::succeeded`]; dropped unsettled, it gives its place back.
#[must_use = "settle the attempt with `failed` or `succeeded`"]
pub struct Attempt<'t, C: Clock + Clone = DefaultClock> {
    throttle: &'t SignInThrottle<C>,
    account: AccountKey,
    address: IpAddr,
    client: ClientKey,
    spent_account: bool,
    settled: bool,
}

impl<C: Clock + Clone> std::fmt::Debug for Attempt<'_, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attempt").field("address", &self.address).finish_non_exhaustive()
    }
}

impl<C: Clock + Clone> Attempt<'_, C> {
    /// The password was wrong: the failure stays counted.
    pub fn failed(mut self) {
        self.settled = true;
    }

    /// The password was right: the client's failures are forgotten, the
    /// account's ceiling gets this attempt back, and the address becomes
    /// known for the account.
    pub fn succeeded(mut self) {
        self.settled = true;
        let now = self.throttle.now();
        let mut budgets = lock(&self.throttle.budgets);
        budgets.clients.remove(&(self.account, self.client));
        if self.spent_account {
            self.throttle.per_account.give_back(&mut budgets.accounts, self.account, now);
        }
        budgets.remember(self.account, self.address, now);
    }
}

impl<C: Clock + Clone> Drop for Attempt<'_, C> {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        let now = self.throttle.now();
        let mut budgets = lock(&self.throttle.budgets);
        self.throttle.per_client.give_back(&mut budgets.clients, (self.account, self.client), now);
        if self.spent_account {
            self.throttle.per_account.give_back(&mut budgets.accounts, self.account, now);
        }
    }
}

/// Every critical section leaves the maps consistent, so a poisoned lock
/// still guards valid data.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `count` per `window`: a burst of `count`, then one every `window / count`.
fn quota(count: u32, window: Duration) -> Quota {
    let count = NonZeroU32::new(count).unwrap_or(NonZeroU32::MIN);
    let every = (window / count.get()).max(Duration::from_millis(1));
    Quota::with_period(every).map_or_else(|| Quota::per_second(count), |quota| quota.allow_burst(count))
}

/// `text` cut to at most `max` bytes, on a character boundary.
fn cut(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
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

    fn stranger(n: u8) -> Option<IpAddr> {
        Some(IpAddr::V4(Ipv4Addr::new(203, 0, 113, n)))
    }

    fn sam() -> Account {
        Account::new("sam@x.example")
    }

    fn throttle(limits: Limits) -> (SignInThrottle<FakeRelativeClock>, FakeRelativeClock) {
        let clock = FakeRelativeClock::default();
        (SignInThrottle::with_clock(limits, clock.clone()), clock)
    }

    fn limits(per_client: u32, per_account: u32, per_address: u32) -> Limits {
        Limits { per_client, per_account, per_address }
    }

    /// One wrong password for `account` from `address`.
    fn fail(
        throttle: &SignInThrottle<FakeRelativeClock>,
        account: &Account,
        address: Option<IpAddr>,
    ) -> Result<(), Throttled> {
        throttle.attempt(account, address, None).map(Attempt::failed)
    }

    /// The right password for `account` from `address`.
    fn succeed(
        throttle: &SignInThrottle<FakeRelativeClock>,
        account: &Account,
        address: Option<IpAddr>,
    ) -> Result<(), Throttled> {
        throttle.attempt(account, address, None).map(Attempt::succeeded)
    }

    #[test]
    fn a_client_gets_its_failures_then_waits_for_the_refill() {
        let (throttle, clock) = throttle(limits(5, 1000, 1000));
        for _ in 0..5 {
            assert_eq!(fail(&throttle, &sam(), HOME), Ok(()));
        }
        let refused = fail(&throttle, &sam(), HOME).unwrap_err();
        assert_eq!(refused, Throttled { retry_after_secs: 180, by: ThrottledBy::Client });
        clock.advance(Duration::from_secs(179));
        assert_eq!(fail(&throttle, &sam(), HOME).unwrap_err().retry_after_secs, 1);
        clock.advance(Duration::from_secs(1));
        assert_eq!(fail(&throttle, &sam(), HOME), Ok(()), "one more after 15 min / 5");
        assert_eq!(fail(&throttle, &sam(), AWAY), Ok(()), "another address has its own budget");
    }

    #[test]
    fn only_failures_count_and_a_success_forgets_them() {
        let (throttle, _) = throttle(limits(3, 3, 1000));
        for _ in 0..10 {
            assert_eq!(succeed(&throttle, &sam(), HOME), Ok(()), "successes spend nothing");
        }
        fail(&throttle, &sam(), HOME).unwrap();
        fail(&throttle, &sam(), HOME).unwrap();
        succeed(&throttle, &sam(), HOME).unwrap();
        for _ in 0..3 {
            assert_eq!(fail(&throttle, &sam(), HOME), Ok(()), "the success emptied the client's count");
        }
        assert_eq!(fail(&throttle, &sam(), HOME).unwrap_err().by, ThrottledBy::Client);
    }

    #[test]
    fn strangers_spend_the_accounts_ceiling_but_known_addresses_skip_it() {
        let (throttle, clock) = throttle(limits(5, 10, 1000));
        succeed(&throttle, &sam(), HOME).unwrap();
        assert!(throttle.is_known(&sam(), IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1))));
        for n in 0..10 {
            assert_eq!(fail(&throttle, &sam(), stranger(n)), Ok(()));
        }
        let refused = fail(&throttle, &sam(), stranger(99)).unwrap_err();
        assert_eq!(refused, Throttled { retry_after_secs: 360, by: ThrottledBy::Account });
        assert_eq!(succeed(&throttle, &sam(), HOME), Ok(()), "the owner's known address is not refused");
        assert_eq!(
            throttle.attempt(&sam(), AWAY, Some(DeviceId([7; 16]))).map(Attempt::succeeded),
            Ok(()),
            "nor is a known device, from any address"
        );
        assert_eq!(succeed(&throttle, &Account::new("dana@x.example"), stranger(99)), Ok(()));
        // A new address waits for the ceiling's refill: one every 6 minutes.
        assert_eq!(succeed(&throttle, &sam(), stranger(100)).unwrap_err().by, ThrottledBy::Account);
        clock.advance(Duration::from_secs(360));
        assert_eq!(succeed(&throttle, &sam(), stranger(100)), Ok(()));
    }

    #[test]
    fn a_known_address_keeps_its_own_client_budget() {
        let (throttle, _) = throttle(limits(2, 1000, 1000));
        succeed(&throttle, &sam(), HOME).unwrap();
        fail(&throttle, &sam(), HOME).unwrap();
        fail(&throttle, &sam(), HOME).unwrap();
        assert_eq!(fail(&throttle, &sam(), HOME).unwrap_err().by, ThrottledBy::Client);
        let device = Some(DeviceId([1; 16]));
        assert!(throttle.attempt(&sam(), HOME, device).is_ok(), "a device cookie is a client of its own");
    }

    #[test]
    fn accounts_are_one_whatever_the_case_spacing_or_width() {
        for variant in [
            "Sam@X.example",
            "  sam@x.example ",
            "SAM@X.EXAMPLE",
            "ｓａｍ＠ｘ.example",
            "\u{3000}sam@x.example",
        ] {
            assert_eq!(Account::new(variant), sam(), "{variant:?}");
        }
        let (throttle, _) = throttle(limits(3, 1000, 1000));
        for variant in ["Sam@X.example", "  sam@x.example ", "ＳＡＭ@x.example"] {
            fail(&throttle, &Account::new(variant), HOME).unwrap();
        }
        assert_eq!(fail(&throttle, &sam(), HOME).unwrap_err().by, ThrottledBy::Client);
        assert_eq!(
            fail(&throttle, &Account::new("dana@x.example"), HOME),
            Ok(()),
            "other accounts are unaffected"
        );
    }

    #[test]
    fn an_address_gets_its_budget_across_accounts() {
        let (throttle, _) = throttle(limits(1000, 1000, 3));
        for n in 0..3 {
            assert_eq!(succeed(&throttle, &Account::new(&format!("user{n}@x.example")), HOME), Ok(()));
        }
        let refused = fail(&throttle, &Account::new("user9@x.example"), HOME).unwrap_err();
        assert_eq!(refused, Throttled { retry_after_secs: 20, by: ThrottledBy::Address });
        assert_eq!(
            fail(&throttle, &Account::new("user9@x.example"), AWAY),
            Ok(()),
            "other addresses are unaffected"
        );
    }

    #[test]
    fn a_refused_attempt_spends_no_failure_budget() {
        let (throttle, _) = throttle(limits(2, 2, 1));
        fail(&throttle, &sam(), HOME).unwrap();
        for _ in 0..10 {
            assert_eq!(fail(&throttle, &sam(), HOME).unwrap_err().by, ThrottledBy::Address);
        }
        assert_eq!(fail(&throttle, &sam(), AWAY), Ok(()), "Sam's ceiling still had one left");
        assert_eq!(fail(&throttle, &sam(), stranger(1)).unwrap_err().by, ThrottledBy::Account);
    }

    #[test]
    fn attempts_in_flight_hold_their_place_and_unsettled_ones_give_it_back() {
        let (throttle, _) = throttle(limits(2, 1000, 1000));
        let first = throttle.attempt(&sam(), HOME, None).unwrap();
        let second = throttle.attempt(&sam(), HOME, None).unwrap();
        assert_eq!(
            throttle.attempt(&sam(), HOME, None).unwrap_err().by,
            ThrottledBy::Client,
            "parallel guesses cannot all pass while the first is checked"
        );
        drop(first); // the password could not be checked: nothing learned, nothing counted
        second.failed();
        assert_eq!(fail(&throttle, &sam(), HOME), Ok(()));
        assert!(fail(&throttle, &sam(), HOME).is_err());
    }

    #[test]
    fn unknown_addresses_share_one_budget_and_are_never_known() {
        let (throttle, _) = throttle(limits(1000, 1, 2));
        succeed(&throttle, &sam(), None).unwrap();
        fail(&throttle, &sam(), None).unwrap();
        assert_eq!(fail(&throttle, &Account::new("c@x.example"), None).unwrap_err().by, ThrottledBy::Address);
        assert!(!throttle.is_known(&sam(), IpAddr::V4(Ipv4Addr::UNSPECIFIED)));
    }

    #[test]
    fn known_addresses_are_bounded_and_forgotten() {
        let (throttle, clock) = throttle(limits(1000, 1000, 1000));
        for n in 0..=KNOWN_PER_ACCOUNT as u8 {
            succeed(&throttle, &sam(), stranger(n)).unwrap();
            clock.advance(Duration::from_secs(1));
        }
        let address = |n: u8| IpAddr::V4(Ipv4Addr::new(203, 0, 113, n));
        assert!(
            !throttle.is_known(&sam(), address(0)),
            "the oldest of {} is forgotten",
            KNOWN_PER_ACCOUNT + 1
        );
        assert!(throttle.is_known(&sam(), address(1)) && throttle.is_known(&sam(), address(8)));
        clock.advance(KNOWN_FOR);
        assert!(!throttle.is_known(&sam(), address(8)), "known for 30 days");
        throttle.forget_idle();
        assert_eq!(throttle.tracked().known_accounts, 0);
    }

    #[test]
    fn idle_budgets_are_forgotten() {
        let (throttle, clock) = throttle(limits(2, 10, 10));
        let long = "é".repeat(1000);
        fail(&throttle, &Account::new(&long), HOME).unwrap();
        fail(&throttle, &sam(), AWAY).unwrap();
        assert_eq!(throttle.tracked(), Tracked { clients: 2, accounts: 2, addresses: 2, known_accounts: 0 });
        clock.advance(ACCOUNT_WINDOW);
        throttle.forget_idle();
        assert_eq!(throttle.tracked(), Tracked { clients: 0, accounts: 0, addresses: 0, known_accounts: 0 });
        assert!(Account::new(&long).as_str().len() <= MAX_USERNAME_BYTES);
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(whole_seconds(Duration::ZERO), 1);
        assert_eq!(whole_seconds(Duration::from_millis(1500)), 2);
        assert_eq!(whole_seconds(Duration::from_secs(20)), 20);
    }
}
