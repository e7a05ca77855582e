//! The Pwned Passwords range API client.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Limited};
use hyper::header::{HeaderValue, RETRY_AFTER, USER_AGENT};
use hyper::{Request, StatusCode, Uri};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use inzant_reset_core::breach::{BreachError, PasswordSha1, RangeEntry, prefix_hex, range_entries};
use inzant_reset_core::error::ConfigError;
use inzant_reset_core::ports::BreachedPasswords;
use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;

use crate::cache::RangeCache;

/// The official range API.
const OFFICIAL: &str = "https://api.pwnedpasswords.com/range/";

/// The largest answer read: a padded range is 30–50 KB.
const MAX_BODY: usize = 1 << 20;

/// How [`RangeApi`] reaches the range API. [`RangeApiSettings::default`]
/// calls `https://api.pwnedpasswords.com/range/`.
#[derive(Clone, PartialEq, Eq)]
pub struct RangeApiSettings {
    /// Where ranges are fetched: the prefix is appended
    /// (`https://api.pwnedpasswords.com/range/` → `…/range/5BAA6`), or put
    /// where `{prefix}` is (`https://mirror.example/ranges/{prefix}.txt`),
    /// so a company can point it at its own mirror. `https` (plain `http`
    /// is accepted for tests on loopback, with a warning elsewhere).
    pub base_url: String,
    /// How long connecting (TCP and TLS) may take (default 2 s).
    pub connect_timeout: Duration,
    /// How long the answer may take once connected (default 3 s). An
    /// attempt is abandoned after `connect_timeout + read_timeout` in all;
    /// a timed-out attempt is not retried.
    pub read_timeout: Duration,
    /// Attempts after the first on `429`, `5xx` or a failed connection
    /// (default 2).
    pub retries: u32,
    /// The wait before the first retry, doubled for each next one (default 100 ms).
    pub backoff: Duration,
    /// The longest wait between attempts (default 2 s). A `Retry-After`
    /// asking for longer ends the lookup instead.
    pub max_backoff: Duration,
    /// Ranges kept, so a password rated again (the next keystroke, the
    /// submit) sends no request (default 256, about 22 KB each).
    pub cache_capacity: usize,
    /// How long a range is kept (default 1 hour).
    pub cache_ttl: Duration,
    /// The `User-Agent` sent.
    pub user_agent: String,
    /// Certificates (DER) trusted besides Mozilla's roots: a company
    /// mirror's own certificate authority.
    pub extra_root_certificates: Vec<Vec<u8>>,
}

impl Default for RangeApiSettings {
    fn default() -> Self {
        Self {
            base_url: OFFICIAL.to_owned(),
            connect_timeout: Duration::from_secs(2),
            read_timeout: Duration::from_secs(3),
            retries: 2,
            backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(2),
            cache_capacity: 256,
            cache_ttl: Duration::from_secs(3600),
            user_agent: concat!("inzant-reset-breach/", env!("CARGO_PKG_VERSION")).to_owned(),
            extra_root_certificates: Vec::new(),
        }
    }
}

impl RangeApiSettings {
    /// The defaults, fetching from `base_url` (see [`RangeApiSettings::base_url`]).
    pub fn with_base_url(base_url: impl Into<String>) -> Self {
        Self { base_url: base_url.into(), ..Self::default() }
    }
}

impl fmt::Debug for RangeApiSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RangeApiSettings")
            .field("base_url", &self.base_url)
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("retries", &self.retries)
            .field("backoff", &self.backoff)
            .field("max_backoff", &self.max_backoff)
            .field("cache_capacity", &self.cache_capacity)
            .field("cache_ttl", &self.cache_ttl)
            .field("extra_root_certificates", &self.extra_root_certificates.len())
            .finish_non_exhaustive()
    }
}

/// Where a range is fetched: `before` + prefix + `after`.
#[derive(Debug)]
struct UrlTemplate {
    before: String,
    after: String,
}

impl UrlTemplate {
    fn parse(base: &str) -> Result<Self, ConfigError> {
        let (before, after) = match base.split_once("{prefix}") {
            Some((before, after)) => (before.to_owned(), after.to_owned()),
            None if base.ends_with('/') => (base.to_owned(), String::new()),
            None => (format!("{base}/"), String::new()),
        };
        let template = Self { before, after };
        let example = template.uri(0)?;
        match example.scheme_str() {
            Some("https") => {}
            Some("http") => {
                let host = example.host().unwrap_or_default();
                if !matches!(host, "localhost" | "127.0.0.1" | "[::1]" | "::1") {
                    tracing::warn!(
                        base_url = base,
                        "the breached-password range API is reached over plain http: anyone on the way can change its answers"
                    );
                }
            }
            _ => return Err(ConfigError::new("the range API's base URL must be http or https")),
        }
        if example.host().is_none_or(str::is_empty) {
            return Err(ConfigError::new("the range API's base URL has no host"));
        }
        Ok(template)
    }

    fn uri(&self, prefix: u32) -> Result<Uri, ConfigError> {
        let url = format!("{}{}{}", self.before, prefix_hex(prefix), self.after);
        url.parse::<Uri>()
            .map_err(|error| ConfigError::with_source("the range API's base URL is not a URL", error))
    }
}

/// The Pwned Passwords range API (or a mirror speaking it), with a cache of
/// ranges. Cheap to share: hold it in an `Arc`.
///
/// Each lookup sends the 5-digit prefix of the password's SHA-1 only,
/// asks for padding, and matches the 35-digit suffix here. An answer that
/// is not a range (an error page, a truncated body) is an error, never
/// "not found".
pub struct RangeApi {
    client: Client<HttpsConnector<HttpConnector>, Empty<Bytes>>,
    url: UrlTemplate,
    settings: RangeApiSettings,
    user_agent: HeaderValue,
    cache: RangeCache,
    requests: AtomicU64,
}

impl fmt::Debug for RangeApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RangeApi")
            .field("settings", &self.settings)
            .field("requests", &self.requests.load(Ordering::Relaxed))
            .field("cached_ranges", &self.cache.len())
            .finish_non_exhaustive()
    }
}

/// Why one attempt failed, and whether another may succeed.
enum Failure {
    /// `429`, `5xx` or a failed connection: retried after a wait.
    Transient { error: BreachError, retry_after: Option<Duration> },
    /// A timeout, another status or a body that is not a range.
    Final(BreachError),
}

impl RangeApi {
    /// A client for `settings`. Makes no request.
    ///
    /// # Errors
    /// A base URL that is not an http(s) URL with a host, an extra root
    /// certificate rustls cannot read, or a TLS set-up rustls refuses.
    pub fn new(settings: RangeApiSettings) -> Result<Self, ConfigError> {
        let url = UrlTemplate::parse(&settings.base_url)?;
        let mut roots = RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        for der in &settings.extra_root_certificates {
            roots.add(CertificateDer::from(der.clone())).map_err(|error| {
                ConfigError::with_source("an extra root certificate for the range API is not usable", error)
            })?;
        }
        let tls =
            rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .map_err(|error| ConfigError::with_source("TLS for the range API", error))?
                .with_root_certificates(roots)
                .with_no_client_auth();
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(Some(settings.connect_timeout));
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(8)
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .build(connector);
        let user_agent = HeaderValue::from_str(&settings.user_agent).map_err(|error| {
            ConfigError::with_source("the range API's user agent is not a header value", error)
        })?;
        Ok(Self {
            client,
            url,
            user_agent,
            cache: RangeCache::new(settings.cache_capacity, settings.cache_ttl),
            settings,
            requests: AtomicU64::new(0),
        })
    }

    /// The settings in force.
    pub fn settings(&self) -> &RangeApiSettings {
        &self.settings
    }

    /// How many HTTP requests were sent so far (retries included).
    pub fn requests_sent(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// How many ranges the cache holds.
    pub fn cached_ranges(&self) -> usize {
        self.cache.len()
    }

    /// Fetches range `prefix`'s body, retrying transient failures.
    async fn fetch(&self, prefix: u32) -> Result<Bytes, BreachError> {
        let uri = self.url.uri(prefix).map_err(|error| BreachError::with_source("bad range URL", error))?;
        let mut wait = self.settings.backoff;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let error = match self.attempt(uri.clone()).await {
                Ok(body) => return Ok(body),
                Err(Failure::Final(error)) => return Err(error),
                Err(Failure::Transient { error, retry_after }) => {
                    if attempt > self.settings.retries {
                        return Err(BreachError::new(format!("{error} (after {attempt} attempts)")));
                    }
                    match retry_after {
                        Some(asked) if asked > self.settings.max_backoff => {
                            return Err(BreachError::new(format!(
                                "{error}, asking to wait {} s",
                                asked.as_secs()
                            )));
                        }
                        Some(asked) => wait = wait.max(asked),
                        None => {}
                    }
                    error
                }
            };
            let pause = wait.min(self.settings.max_backoff);
            tracing::debug!(%error, attempt, wait_ms = pause.as_millis() as u64, "range API: retrying");
            tokio::time::sleep(pause).await;
            wait = wait.saturating_mul(2);
        }
    }

    async fn attempt(&self, uri: Uri) -> Result<Bytes, Failure> {
        let request = Request::get(uri)
            .header(USER_AGENT, self.user_agent.clone())
            .header("Add-Padding", "true")
            .body(Empty::<Bytes>::new())
            .map_err(|error| {
                Failure::Final(BreachError::with_source("the range request could not be built", error))
            })?;
        self.requests.fetch_add(1, Ordering::Relaxed);
        let limit = self.settings.connect_timeout.saturating_add(self.settings.read_timeout);
        let exchange = async {
            let response = self.client.request(request).await.map_err(|error| Failure::Transient {
                error: BreachError::new(format!("the range API could not be reached: {}", causes(&error))),
                retry_after: None,
            })?;
            let status = response.status();
            if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
                let retry_after = response
                    .headers()
                    .get(RETRY_AFTER)
                    .and_then(|value| value.to_str().ok())
                    .and_then(|value| value.trim().parse::<u64>().ok())
                    .map(Duration::from_secs);
                return Err(Failure::Transient {
                    error: BreachError::new(format!("the range API answered {status}")),
                    retry_after,
                });
            }
            if status != StatusCode::OK {
                return Err(Failure::Final(BreachError::new(format!("the range API answered {status}"))));
            }
            let body = Limited::new(response.into_body(), MAX_BODY).collect().await.map_err(|error| {
                Failure::Final(BreachError::new(format!("the range API's answer could not be read: {error}")))
            })?;
            Ok(body.to_bytes())
        };
        match tokio::time::timeout(limit, exchange).await {
            Ok(result) => result,
            Err(_) => Err(Failure::Final(BreachError::new(format!(
                "the range API did not answer within {} ms",
                limit.as_millis()
            )))),
        }
    }
}

/// An error and its causes, outermost first: hyper's own says only
/// "client error (Connect)"; the cause says why (refused, certificate, …).
fn causes(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[async_trait]
impl BreachedPasswords for RangeApi {
    async fn occurrences(&self, sha1: &PasswordSha1) -> Result<u64, BreachError> {
        let prefix = sha1.prefix_index();
        let suffix = sha1.range_suffix();
        if let Some(count) = self.cache.get(prefix, &suffix, Instant::now()) {
            return Ok(count);
        }
        let body = self.fetch(prefix).await?;
        let entries: Vec<RangeEntry> = range_entries(&body)
            .collect::<Result<_, _>>()
            .map_err(|error| BreachError::with_source("the range API's answer is not a range", error))?;
        let count = entries
            .iter()
            .filter(|entry| entry.suffix == suffix)
            .fold(0u64, |count, entry| count.saturating_add(entry.count));
        self.cache.put(prefix, &entries, Instant::now());
        Ok(count)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_prefix_goes_at_the_end_or_where_the_template_says() {
        let official = UrlTemplate::parse(OFFICIAL).unwrap();
        assert_eq!(official.uri(0x5BAA6).unwrap().to_string(), "https://api.pwnedpasswords.com/range/5BAA6");
        let bare = UrlTemplate::parse("https://mirror.example/range").unwrap();
        assert_eq!(bare.uri(0).unwrap().to_string(), "https://mirror.example/range/00000");
        let files = UrlTemplate::parse("http://127.0.0.1:8080/ranges/{prefix}.txt").unwrap();
        assert_eq!(files.uri(0xFFFFF).unwrap().to_string(), "http://127.0.0.1:8080/ranges/FFFFF.txt");
        for bad in ["ftp://mirror.example/", "not a url", "/relative/", ""] {
            assert!(UrlTemplate::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn bad_settings_are_refused_at_construction() {
        assert!(RangeApi::new(RangeApiSettings::with_base_url("gopher://x/")).is_err());
        let settings = RangeApiSettings {
            extra_root_certificates: vec![b"not DER".to_vec()],
            ..RangeApiSettings::default()
        };
        assert!(RangeApi::new(settings).is_err());
        assert!(RangeApi::new(RangeApiSettings::default()).is_ok());
    }
}
