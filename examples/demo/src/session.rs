//! Sign-in sessions and one-time flash messages, held in memory, and the
//! cookies that name them.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use axum::http::header::COOKIE;
use axum::http::{HeaderMap, HeaderValue};
use inzant_reset_core::secret::OsRandom;
use inzant_reset_core::user::UserId;

/// The session cookie's name on plain http.
pub const SESSION_COOKIE: &str = "inzant_session";
/// The flash cookie's name on plain http.
pub const FLASH_COOKIE: &str = "inzant_flash";
/// The session cookie's name when the public URL is https.
pub const SECURE_SESSION_COOKIE: &str = "__Host-inzant_session";
/// The flash cookie's name when the public URL is https.
pub const SECURE_FLASH_COOKIE: &str = "__Host-inzant_flash";
/// The device cookie's name on plain http (`crate::device`).
pub const DEVICE_COOKIE: &str = "inzant_device";
/// The device cookie's name when the public URL is https.
pub const SECURE_DEVICE_COOKIE: &str = "__Host-inzant_device";

/// How the demo's cookies are named and set. With an https public URL they
/// are `Secure` and their names carry the `__Host-` prefix: browsers accept
/// such a cookie only when it is `Secure`, has `Path=/` and no `Domain`, so
/// neither a plain-http page nor a sibling subdomain can plant or overwrite
/// a session (session fixation).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cookies {
    /// Whether the public URL is https.
    pub secure: bool,
}

impl Cookies {
    /// The session cookie's name.
    pub fn session(self) -> &'static str {
        if self.secure { SECURE_SESSION_COOKIE } else { SESSION_COOKIE }
    }

    /// The flash cookie's name.
    pub fn flash(self) -> &'static str {
        if self.secure { SECURE_FLASH_COOKIE } else { FLASH_COOKIE }
    }

    /// The device cookie's name.
    pub fn device(self) -> &'static str {
        if self.secure { SECURE_DEVICE_COOKIE } else { DEVICE_COOKIE }
    }

    /// A `Set-Cookie` value for cookie `name`: `HttpOnly`, `SameSite=Strict`, `Path=/`, and `Secure` on https.
    pub fn set(self, name: &str, value: &str, max_age: Option<Duration>) -> HeaderValue {
        set_cookie(name, value, max_age, self.secure)
    }

    /// A `Set-Cookie` value deleting cookie `name`.
    pub fn clear(self, name: &str) -> HeaderValue {
        clear_cookie(name, self.secure)
    }
}

/// A session lasts this long after sign-in.
const SESSION_LIFETIME: Duration = Duration::from_secs(12 * 3600);
/// An unread flash message is dropped after this long.
const FLASH_LIFETIME: Duration = Duration::from_secs(5 * 60);
/// At most this many unread flash messages are kept (oldest dropped first).
const MAX_FLASHES: usize = 10_000;

/// Every critical section leaves the maps consistent, so a poisoned lock
/// still guards valid data.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// 256 random bits from the operating system, as 64 hex digits.
pub fn random_token() -> Option<String> {
    let mut bytes = [0u8; 32];
    OsRandom.fill(&mut bytes).ok()?;
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim_matches('"'))
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, Path=/ (and Secure when
/// `secure`); `max_age` of zero deletes the cookie.
pub fn set_cookie(name: &str, value: &str, max_age: Option<Duration>, secure: bool) -> HeaderValue {
    let mut cookie = format!("{name}={value}; HttpOnly; SameSite=Strict; Path=/");
    if let Some(max_age) = max_age {
        cookie.push_str(&format!("; Max-Age={}", max_age.as_secs()));
    }
    if secure {
        cookie.push_str("; Secure");
    }
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static("inzant_invalid=; Max-Age=0"))
}

/// A `Set-Cookie` value deleting cookie `name`.
pub fn clear_cookie(name: &str, secure: bool) -> HeaderValue {
    set_cookie(name, "", Some(Duration::ZERO), secure)
}

struct Session {
    user: UserId,
    created: Instant,
}

/// Signed-in sessions, by random token.
#[derive(Default)]
pub struct Sessions {
    cookies: Cookies,
    by_token: Mutex<HashMap<String, Session>>,
}

impl fmt::Debug for Sessions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sessions").field("count", &lock(&self.by_token).len()).finish()
    }
}

impl Sessions {
    /// No sessions yet, named in cookies as `cookies` says.
    pub fn new(cookies: Cookies) -> Self {
        Self { cookies, by_token: Mutex::default() }
    }

    /// Starts a session for `user` and returns its token (`None` if the
    /// operating system's random source failed).
    pub fn create(&self, user: &UserId) -> Option<String> {
        let token = random_token()?;
        lock(&self.by_token).insert(token.clone(), Session { user: user.clone(), created: Instant::now() });
        Some(token)
    }

    /// The user of the live session `token`.
    pub fn user(&self, token: &str) -> Option<UserId> {
        let mut sessions = lock(&self.by_token);
        match sessions.get(token) {
            Some(session) if session.created.elapsed() < SESSION_LIFETIME => Some(session.user.clone()),
            Some(_) => {
                sessions.remove(token);
                None
            }
            None => None,
        }
    }

    /// The user of the request's session cookie.
    pub fn user_of(&self, headers: &HeaderMap) -> Option<UserId> {
        cookie(headers, self.cookies.session()).and_then(|token| self.user(token))
    }

    /// Ends session `token`.
    pub fn remove(&self, token: &str) {
        lock(&self.by_token).remove(token);
    }

    /// Ends every session of `user`; returns how many there were.
    pub fn revoke_user(&self, user: &UserId) -> usize {
        let mut sessions = lock(&self.by_token);
        let before = sessions.len();
        sessions.retain(|_, session| session.user != *user);
        before - sessions.len()
    }

    /// Drops expired sessions.
    pub fn purge(&self) {
        lock(&self.by_token).retain(|_, session| session.created.elapsed() < SESSION_LIFETIME);
    }
}

/// A one-time message shown on the next admin page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Flash {
    /// Something worked ("A password reset email was sent to …").
    Success(String),
    /// Something was refused or failed.
    Error(String),
}

/// Flash messages waiting to be shown, by random id (the flash cookie).
#[derive(Debug, Default)]
pub struct Flashes {
    cookies: Cookies,
    by_id: Mutex<HashMap<String, (Flash, Instant)>>,
}

impl Flashes {
    /// No flashes yet, named in cookies as `cookies` says.
    pub fn new(cookies: Cookies) -> Self {
        Self { cookies, by_id: Mutex::default() }
    }

    /// Keeps `flash` and returns the id to put in the flash cookie.
    pub fn put(&self, flash: Flash) -> Option<String> {
        let id = random_token()?;
        let mut flashes = lock(&self.by_id);
        flashes.retain(|_, (_, at)| at.elapsed() < FLASH_LIFETIME);
        if flashes.len() >= MAX_FLASHES {
            let oldest = flashes.iter().min_by_key(|(_, (_, at))| *at).map(|(id, _)| id.clone());
            if let Some(oldest) = oldest {
                flashes.remove(&oldest);
            }
        }
        flashes.insert(id.clone(), (flash, Instant::now()));
        Some(id)
    }

    /// Takes (removes) the flash the request's flash cookie names.
    pub fn take(&self, headers: &HeaderMap) -> Option<Flash> {
        let id = cookie(headers, self.cookies.flash())?;
        let (flash, at) = lock(&self.by_id).remove(id)?;
        (at.elapsed() < FLASH_LIFETIME).then_some(flash)
    }

    /// Drops stale flashes.
    pub fn purge(&self) {
        lock(&self.by_id).retain(|_, (_, at)| at.elapsed() < FLASH_LIFETIME);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_read_from_any_cookie_header() {
        let mut headers = HeaderMap::new();
        headers.append(COOKIE, HeaderValue::from_static("a=1; inzant_session=abc"));
        headers.append(COOKIE, HeaderValue::from_static("inzant_flash=xyz"));
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&headers, FLASH_COOKIE), Some("xyz"));
        assert_eq!(cookie(&headers, "missing"), None);
    }

    #[test]
    fn set_cookie_attributes() {
        let value = set_cookie(SESSION_COOKIE, "t", None, true);
        assert_eq!(value, "inzant_session=t; HttpOnly; SameSite=Strict; Path=/; Secure");
        assert_eq!(
            clear_cookie(FLASH_COOKIE, false),
            "inzant_flash=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"
        );
    }

    #[test]
    fn https_cookies_carry_the_host_prefix() {
        let https = Cookies { secure: true };
        assert_eq!((https.session(), https.flash()), ("__Host-inzant_session", "__Host-inzant_flash"));
        let value = https.set(https.session(), "t", None);
        assert_eq!(value, "__Host-inzant_session=t; HttpOnly; SameSite=Strict; Path=/; Secure");
        let http = Cookies { secure: false };
        assert_eq!((http.session(), http.flash()), (SESSION_COOKIE, FLASH_COOKIE));

        let sessions = Sessions::new(https);
        let token = sessions.create(&UserId::new("ada")).unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_str(&format!("{SESSION_COOKIE}={token}")).unwrap());
        assert_eq!(sessions.user_of(&headers), None, "on https only the __Host- cookie counts");
        headers.insert(COOKIE, HeaderValue::from_str(&format!("{SECURE_SESSION_COOKIE}={token}")).unwrap());
        assert_eq!(sessions.user_of(&headers), Some(UserId::new("ada")));
    }

    #[test]
    fn sessions_are_revoked_per_user() {
        let sessions = Sessions::default();
        let sam = UserId::new("sam");
        let a = sessions.create(&sam).unwrap();
        let b = sessions.create(&sam).unwrap();
        let ada = sessions.create(&UserId::new("ada")).unwrap();
        assert_ne!(a, b);
        assert_eq!(sessions.revoke_user(&sam), 2);
        assert_eq!(sessions.user(&a), None);
        assert_eq!(sessions.user(&ada), Some(UserId::new("ada")));
    }

    #[test]
    fn flashes_are_shown_once() {
        let flashes = Flashes::default();
        let id = flashes.put(Flash::Success("sent".into())).unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_str(&format!("{FLASH_COOKIE}={id}")).unwrap());
        assert_eq!(flashes.take(&headers), Some(Flash::Success("sent".into())));
        assert_eq!(flashes.take(&headers), None);
    }
}
