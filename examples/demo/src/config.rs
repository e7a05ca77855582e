//! The demo's settings, read from the environment.
//!
//! Three more variables exist only to serve a load test (`scripts/load`,
//! `benches/load`), and are left unset otherwise:
//! `INZANT_DEMO_LOAD_USERS=N` seeds N extra device users without a password
//! (`load-00001@inzant.example`, …; one reset each, since a user has at most
//! one live request, a cooldown and a daily cap), `INZANT_RESET_DAILY_CAP`
//! raises the per-user daily cap (for repeated runs on one database), and
//! `INZANT_STRENGTH_CHECKS_PER_MINUTE` raises the per-link strength rate limit
//! so a few links can measure the strength endpoint's latency.
//!
//! The rest bound what a slow client, a flood or an outage can cost (see
//! `docs/RELIABILITY.md`): how connections are served ([`ServeSettings`]), how
//! many sign-in attempts an account or an address gets, and how long the
//! database pool and the SMTP server may keep a request waiting.
//!
//! Passwords found in known data breaches are refused ([`BreachSource`],
//! `INZANT_BREACHED_PASSWORDS`, `INZANT_BREACH_THRESHOLD`,
//! `INZANT_BREACH_UNAVAILABLE`): by default from a small list shipped with
//! the demo, so that it works without calling out.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use inzant_reset_core::breach::{BreachPolicy, OnUnavailable};
use inzant_reset_core::hash::HashParams;
use inzant_reset_core::secret::MIN_KEY_BYTES;
use secrecy::{ExposeSecret, SecretBox, SecretString};
use sqlx::postgres::PgConnectOptions;

use crate::DemoError;
use crate::serve::ServeSettings;

/// The longest TTL or cooldown accepted (the core refuses more than 366 days).
const MAX_SECONDS: u64 = 366 * 24 * 3600;

/// The largest connection cap accepted (the file descriptor limit lowers it further).
const MAX_CONNECTIONS: u32 = 1_000_000;

/// The most load-test users the demo seeds (`INZANT_DEMO_LOAD_USERS`).
pub const MAX_LOAD_USERS: u32 = 100_000;

/// Where the demo's emails go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MailSetting {
    /// Written as `.eml` files into this directory (the default, `./demo-mail`).
    Directory(PathBuf),
    /// Sent through the SMTP server at this URL (`SMTP_URL`); see
    /// `inzant_reset_core::smtp::SmtpMailer` for the accepted forms.
    Smtp(SmtpUrl),
}

/// Where the demo looks up passwords found in known data breaches
/// (`INZANT_BREACHED_PASSWORDS`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum BreachSource {
    /// The small list shipped with the demo (`examples/demo/breached-passwords.txt`,
    /// built into the binary), written as a local mirror into a temporary
    /// directory at start (`demo`, the default).
    #[default]
    Demo,
    /// No lookup: only the strength policy decides (`off`).
    Off,
    /// The Pwned Passwords range API, `https://api.pwnedpasswords.com/range/`
    /// (`api`): only the first 5 hexadecimal digits of each password's SHA-1
    /// are sent.
    Api,
    /// A local mirror of Pwned Passwords: a directory of range files as the
    /// official downloader writes them, or one file of `SHA1:COUNT` lines
    /// sorted by hash (any other value). Checked at start: a path that is
    /// missing, empty or corrupt stops the demo naming it.
    Mirror(PathBuf),
}

/// An SMTP URL, which may carry credentials: `Debug` shows only its scheme and host.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpUrl(pub String);

impl fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SmtpUrl({:?})", redact_url(&self.0))
    }
}

/// A database URL, which may carry a password: `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(pub String);

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({:?})", redact_url(&self.0))
    }
}

/// `scheme://host…` with any `user:password@` removed.
pub(crate) fn redact_url(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
            format!("{scheme}://{rest}")
        }
        None => "(not a URL)".to_owned(),
    }
}

/// Everything the demo can be configured with. [`DemoConfig::default`] gives
/// the embedded defaults; [`DemoConfig::from_env`] reads the environment.
#[derive(Debug)]
pub struct DemoConfig {
    /// Address to listen on (`INZANT_LISTEN`, default `127.0.0.1:3000`).
    pub listen: SocketAddr,
    /// Public base URL, an origin without a path (`INZANT_PUBLIC_URL`, default
    /// `http://{listen}`): the base of emailed links and the origin admin
    /// requests must come from.
    pub public_url: String,
    /// Where emails go (`INZANT_MAIL_DIR`, default `./demo-mail`, or `SMTP_URL`).
    pub mail: MailSetting,
    /// PostgreSQL instead of memory (`DATABASE_URL`).
    pub database_url: Option<DatabaseUrl>,
    /// The PostgreSQL schema for the library's tables (default `inzant_reset`).
    pub database_schema: String,
    /// The PostgreSQL schema of the demo's own `users` table (default
    /// `inzant_demo`): the demo is the host, and its users are its own.
    pub users_schema: String,
    /// The HMAC key for codes (`INZANT_RESET_SECRET`); random when `None`.
    pub reset_secret: Option<SecretBox<[u8]>>,
    /// The admin's password (`INZANT_DEMO_ADMIN_PASSWORD`); random when `None`.
    pub admin_password: Option<SecretString>,
    /// How long links and codes work (`INZANT_RESET_TTL`, seconds; default 24 h).
    pub reset_ttl: Option<Duration>,
    /// No second email to a user within this long (`INZANT_RESET_COOLDOWN`,
    /// seconds; default 60).
    pub resend_cooldown: Duration,
    /// Argon2id parameters for new hashes (default: OWASP's).
    pub hash_params: HashParams,
    /// Load-test knob: this many extra device users without a password,
    /// `load-00001@inzant.example`, `load-00002@inzant.example`, … with ids
    /// `load-00001`, … (`INZANT_DEMO_LOAD_USERS`, default 0, at most 100000),
    /// so a load test can trigger and redeem one reset per user.
    pub load_users: u32,
    /// Load-test knob: at most this many reset emails per user in 24 hours
    /// (`INZANT_RESET_DAILY_CAP`; default: the core's, 10).
    pub daily_cap: Option<u32>,
    /// Load-test knob: strength checks allowed per link per minute
    /// (`INZANT_STRENGTH_CHECKS_PER_MINUTE`; default: the adapter's, 120).
    /// Raise it only to measure the strength endpoint's latency from a few
    /// links: the limit is what keeps one link from flooding the server.
    pub strength_checks_per_minute: Option<u32>,
    /// How connections are served: timeouts, caps, shutdown deadline
    /// (`INZANT_HEADER_TIMEOUT`, `INZANT_REQUEST_TIMEOUT`,
    /// `INZANT_MAX_CONNECTIONS`, `INZANT_MAX_CONNECTIONS_PER_ADDRESS`,
    /// `INZANT_SHUTDOWN_TIMEOUT`).
    pub serve: ServeSettings,
    /// Failed sign-ins (website and apps) allowed per account from one
    /// client (a browser's device cookie, else the client address) per 15
    /// minutes: that many at once, then one per 15 minutes ÷ the number; a
    /// success empties the count
    /// (`INZANT_SIGN_IN_PER_ACCOUNT_AND_ADDRESS`, default 5).
    pub sign_in_per_account_and_address: u32,
    /// Failed sign-ins allowed per account per hour from clients the
    /// account has not signed in from: that many at once, then one per
    /// hour ÷ the number. Devices and addresses the account signed in from
    /// neither spend nor need it (`INZANT_SIGN_IN_PER_ACCOUNT`, default 100).
    pub sign_in_per_account: u32,
    /// Sign-in attempts, right or wrong, allowed per client address per
    /// minute: that many at once, then one per minute ÷ the number
    /// (`INZANT_SIGN_IN_PER_ADDRESS`, default 30).
    pub sign_in_per_address: u32,
    /// How long a request waits for a PostgreSQL connection before it is
    /// answered 503 (`INZANT_DB_ACQUIRE_TIMEOUT`, seconds, default 2).
    pub db_acquire_timeout: Duration,
    /// How long connecting to the SMTP server, and sending one email in
    /// all, may take before the admin is told it could not be sent
    /// (`INZANT_SMTP_TIMEOUT`, seconds, default 2).
    pub smtp_timeout: Duration,
    /// A directory of the host's own Fluent files (`de.ftl`, `pt-BR.ftl`, …)
    /// that reword the shipped languages or add new ones
    /// (`INZANT_LOCALES_DIR`; default none: the shipped English, German,
    /// French and Spanish). Checked at start: a mistake stops the demo with
    /// the file and the line.
    pub locales_dir: Option<PathBuf>,
    /// Where `/metrics` (the Prometheus text format) is served, on a
    /// listener of its own (`INZANT_METRICS_LISTEN`, such as
    /// `127.0.0.1:9100`; default none: no metrics are kept or served). The
    /// main address answers `/metrics` with 404, so the figures need not be
    /// public: keep this address on loopback or a private network.
    pub metrics_listen: Option<SocketAddr>,
    /// Where breached passwords are looked up (`INZANT_BREACHED_PASSWORDS`:
    /// `demo`, the default, `off`, `api` or a mirror's path).
    pub breached_passwords: BreachSource,
    /// From how many sightings a password is refused
    /// (`INZANT_BREACH_THRESHOLD`, default 1) and whether saving is allowed
    /// or refused while the source cannot answer
    /// (`INZANT_BREACH_UNAVAILABLE`: `allow`, the default, or `refuse`).
    pub breach_policy: BreachPolicy,
}

impl Default for DemoConfig {
    fn default() -> Self {
        let listen = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 3000);
        Self {
            public_url: default_public_url(listen),
            listen,
            mail: MailSetting::Directory(PathBuf::from("./demo-mail")),
            database_url: None,
            database_schema: inzant_reset_sqlx::Schema::DEFAULT_NAME.to_owned(),
            users_schema: "inzant_demo".to_owned(),
            reset_secret: None,
            admin_password: None,
            reset_ttl: None,
            resend_cooldown: Duration::from_secs(60),
            hash_params: HashParams::default(),
            load_users: 0,
            daily_cap: None,
            strength_checks_per_minute: None,
            serve: ServeSettings::default(),
            sign_in_per_account_and_address: 5,
            sign_in_per_account: 100,
            sign_in_per_address: 30,
            db_acquire_timeout: Duration::from_secs(2),
            smtp_timeout: Duration::from_secs(2),
            locales_dir: None,
            metrics_listen: None,
            breached_passwords: BreachSource::Demo,
            breach_policy: BreachPolicy::default(),
        }
    }
}

impl DemoConfig {
    /// Reads the settings from the process environment. Empty variables
    /// count as unset.
    ///
    /// # Errors
    /// [`DemoError::Config`] naming the variable and what is wrong with it.
    pub fn from_env() -> Result<Self, DemoError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `lookup` (the environment, or a map in tests).
    ///
    /// # Errors
    /// As [`DemoConfig::from_env`].
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, DemoError> {
        let get = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        let mut config = Self::default();

        if let Some(listen) = get("INZANT_LISTEN") {
            config.listen = SocketAddr::from_str(listen.trim()).map_err(|_| {
                bad("INZANT_LISTEN", &listen, "an address and port such as 127.0.0.1:3000 or [::1]:3000")
            })?;
        }
        config.public_url = match get("INZANT_PUBLIC_URL") {
            Some(url) => parse_public_url(&url)?,
            None => default_public_url(config.listen),
        };
        if let Some(url) = get("SMTP_URL") {
            let url = url.trim().to_owned();
            if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                return Err(DemoError::Config(format!(
                    "SMTP_URL must start with smtp:// or smtps:// (got {:?})",
                    redact_url(&url)
                )));
            }
            config.mail = MailSetting::Smtp(SmtpUrl(url));
        } else if let Some(dir) = get("INZANT_MAIL_DIR") {
            config.mail = MailSetting::Directory(PathBuf::from(dir));
        }
        if let Some(url) = get("DATABASE_URL") {
            let url = url.trim().to_owned();
            let postgres = url.starts_with("postgres://") || url.starts_with("postgresql://");
            if !postgres || PgConnectOptions::from_str(&url).is_err() {
                return Err(DemoError::Config(format!(
                    "DATABASE_URL is not a PostgreSQL URL such as postgres://user:password@host/db (got {:?})",
                    redact_url(&url)
                )));
            }
            config.database_url = Some(DatabaseUrl(url));
        }
        if let Some(secret) = lookup("INZANT_RESET_SECRET").filter(|s| !s.is_empty()) {
            config.reset_secret = Some(parse_secret(SecretString::from(secret))?);
        }
        if let Some(password) = lookup("INZANT_DEMO_ADMIN_PASSWORD").filter(|s| !s.is_empty()) {
            config.admin_password = Some(SecretString::from(password));
        }
        if let Some(ttl) = get("INZANT_RESET_TTL") {
            let seconds = parse_seconds("INZANT_RESET_TTL", &ttl)?;
            if seconds == 0 {
                return Err(bad("INZANT_RESET_TTL", &ttl, "a number of seconds of at least 1"));
            }
            config.reset_ttl = Some(Duration::from_secs(seconds));
        }
        if let Some(cooldown) = get("INZANT_RESET_COOLDOWN") {
            config.resend_cooldown = Duration::from_secs(parse_seconds("INZANT_RESET_COOLDOWN", &cooldown)?);
        }
        if let Some(count) = get("INZANT_DEMO_LOAD_USERS") {
            config.load_users = parse_count("INZANT_DEMO_LOAD_USERS", &count, 0, MAX_LOAD_USERS)?;
        }
        if let Some(cap) = get("INZANT_RESET_DAILY_CAP") {
            config.daily_cap = Some(parse_count("INZANT_RESET_DAILY_CAP", &cap, 1, u32::MAX)?);
        }
        if let Some(limit) = get("INZANT_STRENGTH_CHECKS_PER_MINUTE") {
            config.strength_checks_per_minute =
                Some(parse_count("INZANT_STRENGTH_CHECKS_PER_MINUTE", &limit, 1, u32::MAX)?);
        }
        let timeout = |name: &str, into: &mut Duration| -> Result<(), DemoError> {
            if let Some(value) = get(name) {
                *into = parse_timeout(name, &value)?;
            }
            Ok(())
        };
        timeout("INZANT_HEADER_TIMEOUT", &mut config.serve.header_timeout)?;
        timeout("INZANT_REQUEST_TIMEOUT", &mut config.serve.request_timeout)?;
        timeout("INZANT_SHUTDOWN_TIMEOUT", &mut config.serve.shutdown_timeout)?;
        timeout("INZANT_DB_ACQUIRE_TIMEOUT", &mut config.db_acquire_timeout)?;
        timeout("INZANT_SMTP_TIMEOUT", &mut config.smtp_timeout)?;
        if let Some(count) = get("INZANT_MAX_CONNECTIONS") {
            config.serve.max_connections =
                parse_count("INZANT_MAX_CONNECTIONS", &count, 1, MAX_CONNECTIONS)? as usize;
        }
        if let Some(count) = get("INZANT_MAX_CONNECTIONS_PER_ADDRESS") {
            config.serve.max_connections_per_address =
                parse_count("INZANT_MAX_CONNECTIONS_PER_ADDRESS", &count, 0, MAX_CONNECTIONS)? as usize;
        }
        if let Some(count) = get("INZANT_SIGN_IN_PER_ACCOUNT_AND_ADDRESS") {
            config.sign_in_per_account_and_address =
                parse_count("INZANT_SIGN_IN_PER_ACCOUNT_AND_ADDRESS", &count, 1, 1_000_000)?;
        }
        if let Some(count) = get("INZANT_SIGN_IN_PER_ACCOUNT") {
            config.sign_in_per_account = parse_count("INZANT_SIGN_IN_PER_ACCOUNT", &count, 1, 1_000_000)?;
        }
        if let Some(count) = get("INZANT_SIGN_IN_PER_ADDRESS") {
            config.sign_in_per_address = parse_count("INZANT_SIGN_IN_PER_ADDRESS", &count, 1, 1_000_000)?;
        }
        config.locales_dir = get("INZANT_LOCALES_DIR").map(PathBuf::from);
        if let Some(listen) = get("INZANT_METRICS_LISTEN") {
            let expected = "an address and port other than INZANT_LISTEN's, such as 127.0.0.1:9100";
            let address = SocketAddr::from_str(listen.trim())
                .ok()
                .filter(|address| address.port() == 0 || *address != config.listen)
                .ok_or_else(|| bad("INZANT_METRICS_LISTEN", &listen, expected))?;
            config.metrics_listen = Some(address);
        }
        if let Some(source) = get("INZANT_BREACHED_PASSWORDS") {
            config.breached_passwords = match source.trim().to_ascii_lowercase().as_str() {
                "demo" => BreachSource::Demo,
                "off" => BreachSource::Off,
                "api" => BreachSource::Api,
                _ => BreachSource::Mirror(PathBuf::from(source)),
            };
        }
        if let Some(threshold) = get("INZANT_BREACH_THRESHOLD") {
            config.breach_policy.threshold =
                u64::from(parse_count("INZANT_BREACH_THRESHOLD", &threshold, 1, u32::MAX)?);
        }
        if let Some(unavailable) = get("INZANT_BREACH_UNAVAILABLE") {
            config.breach_policy.on_unavailable = match unavailable.trim().to_ascii_lowercase().as_str() {
                "allow" => OnUnavailable::Allow,
                "refuse" => OnUnavailable::Refuse,
                _ => return Err(bad("INZANT_BREACH_UNAVAILABLE", &unavailable, "allow or refuse")),
            };
        }
        Ok(config)
    }

    /// The public origin (`scheme://host[:port]`) admin requests must come from.
    pub fn public_origin(&self) -> &str {
        self.public_url.trim_end_matches('/')
    }

    /// Whether cookies get the `Secure` attribute (the public URL is https).
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// `http://{listen}`, with an unspecified address (`0.0.0.0`, `::`) shown as
/// loopback so the printed links open in a browser.
fn default_public_url(listen: SocketAddr) -> String {
    let mut shown = listen;
    if listen.ip().is_unspecified() {
        shown.set_ip(match listen.ip() {
            IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(_) => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        });
    }
    format!("http://{shown}")
}

fn bad(name: &str, value: &str, expected: &str) -> DemoError {
    DemoError::Config(format!("{name} must be {expected} (got {value:?})"))
}

fn parse_seconds(name: &str, value: &str) -> Result<u64, DemoError> {
    let expected = "a whole number of seconds between 0 and 31622400 (366 days)";
    let seconds: u64 = value.trim().parse().map_err(|_| bad(name, value, expected))?;
    if seconds > MAX_SECONDS {
        return Err(bad(name, value, expected));
    }
    Ok(seconds)
}

/// A timeout: seconds, fractions allowed (`0.5`), from 1 ms to an hour.
fn parse_timeout(name: &str, value: &str) -> Result<Duration, DemoError> {
    let expected = "a number of seconds between 0.001 and 3600, such as 2 or 0.5";
    match value.trim().parse::<f64>().ok().and_then(|s| Duration::try_from_secs_f64(s).ok()) {
        Some(timeout) if (Duration::from_millis(1)..=Duration::from_secs(3600)).contains(&timeout) => {
            Ok(timeout)
        }
        _ => Err(bad(name, value, expected)),
    }
}

/// A whole number between `min` and `max`.
fn parse_count(name: &str, value: &str, min: u32, max: u32) -> Result<u32, DemoError> {
    let expected = format!("a whole number between {min} and {max}");
    match value.trim().parse::<u32>() {
        Ok(count) if (min..=max).contains(&count) => Ok(count),
        _ => Err(bad(name, value, &expected)),
    }
}

/// An `http(s)://host[:port]` origin, optionally with a trailing `/`.
fn parse_public_url(value: &str) -> Result<String, DemoError> {
    let expected = "an http:// or https:// origin without a path, such as https://sales.example.com";
    let url = value.trim().trim_end_matches('/');
    let Some((scheme, authority)) = url.split_once("://") else {
        return Err(bad("INZANT_PUBLIC_URL", value, expected));
    };
    let valid_scheme = scheme == "http" || scheme == "https";
    let valid_authority = !authority.is_empty()
        && authority
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']' | b'_'));
    if !valid_scheme || !valid_authority {
        return Err(bad("INZANT_PUBLIC_URL", value, expected));
    }
    Ok(format!("{scheme}://{}", authority.to_ascii_lowercase()))
}

/// The secret's UTF-8 bytes, which must be at least 32.
fn parse_secret(secret: SecretString) -> Result<SecretBox<[u8]>, DemoError> {
    let bytes = secret.expose_secret().as_bytes();
    if bytes.len() < MIN_KEY_BYTES {
        return Err(DemoError::Config(format!(
            "INZANT_RESET_SECRET must be at least {MIN_KEY_BYTES} bytes long (it has {}); \
             generate one with `openssl rand -base64 48`",
            bytes.len()
        )));
    }
    Ok(SecretBox::new(Box::from(bytes)))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<DemoConfig, DemoError> {
        let vars: HashMap<String, String> =
            vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        DemoConfig::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn defaults() {
        let c = config(&[]).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(c.public_url, "http://127.0.0.1:3000");
        assert_eq!(c.mail, MailSetting::Directory(PathBuf::from("./demo-mail")));
        assert_eq!(c.resend_cooldown, Duration::from_secs(60));
        assert!(c.reset_secret.is_none() && c.admin_password.is_none() && c.database_url.is_none());
    }

    #[test]
    fn public_url_follows_listen_and_can_be_set() {
        let c = config(&[("INZANT_LISTEN", "0.0.0.0:8080")]).unwrap();
        assert_eq!(c.public_url, "http://127.0.0.1:8080");
        let c = config(&[("INZANT_PUBLIC_URL", "https://Sales.Example.com/")]).unwrap();
        assert_eq!(c.public_origin(), "https://sales.example.com");
        assert!(c.secure_cookies());
    }

    #[test]
    fn bad_values_name_the_variable() {
        for (name, value) in [
            ("INZANT_LISTEN", "localhost"),
            ("INZANT_PUBLIC_URL", "ftp://x"),
            ("INZANT_PUBLIC_URL", "https://x.example/path"),
            ("INZANT_RESET_TTL", "0"),
            ("INZANT_RESET_TTL", "1h"),
            ("INZANT_RESET_COOLDOWN", "-1"),
            ("INZANT_RESET_COOLDOWN", "99999999999"),
            ("INZANT_RESET_SECRET", "too short"),
            ("SMTP_URL", "http://mail"),
            ("DATABASE_URL", "mysql://x"),
            ("INZANT_DEMO_LOAD_USERS", "-1"),
            ("INZANT_DEMO_LOAD_USERS", "100001"),
            ("INZANT_RESET_DAILY_CAP", "0"),
            ("INZANT_RESET_DAILY_CAP", "ten"),
            ("INZANT_STRENGTH_CHECKS_PER_MINUTE", "0"),
            ("INZANT_HEADER_TIMEOUT", "0"),
            ("INZANT_HEADER_TIMEOUT", "ten"),
            ("INZANT_REQUEST_TIMEOUT", "-1"),
            ("INZANT_SHUTDOWN_TIMEOUT", "3601"),
            ("INZANT_DB_ACQUIRE_TIMEOUT", "NaN"),
            ("INZANT_SMTP_TIMEOUT", "inf"),
            ("INZANT_MAX_CONNECTIONS", "0"),
            ("INZANT_MAX_CONNECTIONS_PER_ADDRESS", "-1"),
            ("INZANT_SIGN_IN_PER_ACCOUNT", "0"),
            ("INZANT_SIGN_IN_PER_ACCOUNT_AND_ADDRESS", "0"),
            ("INZANT_SIGN_IN_PER_ADDRESS", "many"),
            ("INZANT_METRICS_LISTEN", "9100"),
            ("INZANT_METRICS_LISTEN", "localhost:9100"),
            ("INZANT_METRICS_LISTEN", "127.0.0.1:3000"),
            ("INZANT_BREACH_THRESHOLD", "0"),
            ("INZANT_BREACH_THRESHOLD", "once"),
            ("INZANT_BREACH_UNAVAILABLE", "maybe"),
        ] {
            let error = config(&[(name, value)]).unwrap_err();
            assert!(matches!(error, DemoError::Config(_)), "{name}={value}");
            assert!(error.to_string().contains(name), "{error}");
        }
    }

    #[test]
    fn secrets_are_not_echoed() {
        let error = config(&[("INZANT_RESET_SECRET", "hunter2-hunter2")]).unwrap_err();
        assert!(!error.to_string().contains("hunter2"));
        let c = config(&[("SMTP_URL", "smtps://me:s3cret@mail.example")]).unwrap();
        assert!(!format!("{c:?}").contains("s3cret"));
        let c = config(&[("DATABASE_URL", "postgres://me:s3cret@db.example/x")]).unwrap();
        assert!(!format!("{c:?}").contains("s3cret"));
    }

    #[test]
    fn good_values() {
        let c = config(&[
            ("INZANT_RESET_SECRET", &"k".repeat(32)),
            ("INZANT_RESET_TTL", "900"),
            ("INZANT_RESET_COOLDOWN", "0"),
            ("INZANT_MAIL_DIR", "/tmp/outbox"),
        ])
        .unwrap();
        assert_eq!(c.reset_ttl, Some(Duration::from_secs(900)));
        assert_eq!(c.resend_cooldown, Duration::ZERO);
        assert_eq!(c.mail, MailSetting::Directory(PathBuf::from("/tmp/outbox")));
        assert_eq!(c.reset_secret.unwrap().expose_secret().len(), 32);
    }

    #[test]
    fn a_locales_directory_can_be_given() {
        assert_eq!(config(&[]).unwrap().locales_dir, None);
        let c = config(&[("INZANT_LOCALES_DIR", "/srv/inzant/locales")]).unwrap();
        assert_eq!(c.locales_dir, Some(PathBuf::from("/srv/inzant/locales")));
    }

    #[test]
    fn metrics_are_off_unless_given_an_address_of_their_own() {
        assert_eq!(config(&[]).unwrap().metrics_listen, None);
        let c = config(&[("INZANT_METRICS_LISTEN", " 127.0.0.1:9100 ")]).unwrap();
        assert_eq!(c.metrics_listen, Some("127.0.0.1:9100".parse().unwrap()));
        let c =
            config(&[("INZANT_LISTEN", "0.0.0.0:8080"), ("INZANT_METRICS_LISTEN", "[::1]:3000")]).unwrap();
        assert_eq!(c.metrics_listen, Some("[::1]:3000".parse().unwrap()));
        let error =
            config(&[("INZANT_LISTEN", "127.0.0.1:8080"), ("INZANT_METRICS_LISTEN", "127.0.0.1:8080")])
                .unwrap_err();
        assert!(error.to_string().contains("other than INZANT_LISTEN"), "{error}");
    }

    #[test]
    fn breached_passwords_default_to_the_demo_list_and_can_be_changed() {
        let c = config(&[]).unwrap();
        assert_eq!(c.breached_passwords, BreachSource::Demo);
        assert_eq!(c.breach_policy, BreachPolicy::new(1, OnUnavailable::Allow));
        for (value, source) in [
            ("demo", BreachSource::Demo),
            (" OFF ", BreachSource::Off),
            ("api", BreachSource::Api),
            ("/srv/pwned-passwords", BreachSource::Mirror(PathBuf::from("/srv/pwned-passwords"))),
            ("./api", BreachSource::Mirror(PathBuf::from("./api"))),
        ] {
            assert_eq!(config(&[("INZANT_BREACHED_PASSWORDS", value)]).unwrap().breached_passwords, source);
        }
        let c =
            config(&[("INZANT_BREACH_THRESHOLD", "10"), ("INZANT_BREACH_UNAVAILABLE", "Refuse")]).unwrap();
        assert_eq!(c.breach_policy, BreachPolicy::new(10, OnUnavailable::Refuse));
    }

    #[test]
    fn reliability_settings() {
        let c = config(&[]).unwrap();
        assert_eq!(c.serve, ServeSettings::default());
        assert_eq!(c.serve.header_timeout, Duration::from_secs(10));
        assert!(c.serve.shutdown_timeout < Duration::from_secs(10), "SIGTERM must end the demo within 10 s");
        assert!(c.db_acquire_timeout <= Duration::from_secs(2) && c.smtp_timeout <= Duration::from_secs(2));
        assert_eq!(
            (c.sign_in_per_account_and_address, c.sign_in_per_account, c.sign_in_per_address),
            (5, 100, 30)
        );
        let c = config(&[
            ("INZANT_HEADER_TIMEOUT", "0.25"),
            ("INZANT_REQUEST_TIMEOUT", "3"),
            ("INZANT_SHUTDOWN_TIMEOUT", "1"),
            ("INZANT_MAX_CONNECTIONS", "100"),
            ("INZANT_MAX_CONNECTIONS_PER_ADDRESS", "0"),
            ("INZANT_DB_ACQUIRE_TIMEOUT", "0.5"),
            ("INZANT_SMTP_TIMEOUT", "1.5"),
            ("INZANT_SIGN_IN_PER_ACCOUNT_AND_ADDRESS", "2"),
            ("INZANT_SIGN_IN_PER_ACCOUNT", "3"),
            ("INZANT_SIGN_IN_PER_ADDRESS", "7"),
        ])
        .unwrap();
        assert_eq!(c.serve.header_timeout, Duration::from_millis(250));
        assert_eq!(c.serve.request_timeout, Duration::from_secs(3));
        assert_eq!(c.serve.shutdown_timeout, Duration::from_secs(1));
        assert_eq!((c.serve.max_connections, c.serve.max_connections_per_address), (100, 0));
        assert_eq!(c.db_acquire_timeout, Duration::from_millis(500));
        assert_eq!(c.smtp_timeout, Duration::from_millis(1500));
        assert_eq!(
            (c.sign_in_per_account_and_address, c.sign_in_per_account, c.sign_in_per_address),
            (2, 3, 7)
        );
    }

    #[test]
    fn load_test_knobs() {
        let c = config(&[]).unwrap();
        assert_eq!((c.load_users, c.daily_cap, c.strength_checks_per_minute), (0, None, None));
        let c = config(&[
            ("INZANT_DEMO_LOAD_USERS", "500"),
            ("INZANT_RESET_DAILY_CAP", "1000"),
            ("INZANT_STRENGTH_CHECKS_PER_MINUTE", "1000000"),
        ])
        .unwrap();
        assert_eq!(
            (c.load_users, c.daily_cap, c.strength_checks_per_minute),
            (500, Some(1000), Some(1_000_000))
        );
    }
}
