//! The demo's own routes: sign-in, the admin screens, the apps' sign-in
//! stand-in and the assets. The reset routes are the adapter's.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, Form, FromRequestParts, Path, Query, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, HOST, LOCATION, ORIGIN, REFERRER_POLICY,
    RETRY_AFTER, SET_COOKIE, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use inzant_reset_axum::is_same_origin;
use inzant_reset_core::ResetService;
use inzant_reset_core::ports::AuditSink;
use inzant_reset_core::request::Purpose;
use inzant_reset_core::user::{User, UserId, UserType};
use maud::Markup;
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::json;

use crate::device::{DEVICE_COOKIE_LIFETIME, DeviceCookies};
use crate::gate::admin_words;
use crate::pages::{self, LoginNotice};
use crate::session::{Cookies, Flashes, Sessions, cookie};
use crate::throttle::{Account, SignInThrottle, Throttled};
use crate::trend;
use crate::users::Users;

/// The Content-Security-Policy of the demo's pages: the reset pages' own
/// (same-origin style and script only, no inline script, no framing).
pub const CSP: &str = inzant_reset_axum::RESET_PAGE_CSP;

/// The demo's shared state.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The users.
    pub users: Users,
    /// Signed-in sessions.
    pub sessions: Arc<Sessions>,
    /// Pending flash messages.
    pub flashes: Arc<Flashes>,
    /// How cookies are named and set.
    pub cookies: Cookies,
    /// Sign-in failures per account and client, per account, and attempts
    /// per client address.
    pub throttle: Arc<SignInThrottle>,
    /// Signs and checks the browsers' device cookies.
    pub devices: Arc<DeviceCookies>,
    /// A hash of a random password, verified against when the username is
    /// unknown so that wrong usernames and wrong passwords take as long.
    pub decoy_hash: Arc<str>,
    /// The reset service, whose hashing threads check passwords at sign-in.
    pub service: Arc<ResetService>,
    /// The public origin, `scheme://host[:port]`.
    pub public_origin: Arc<str>,
    /// The audit log the service records to, read back for the trend page.
    pub audit: Arc<dyn AuditSink>,
}

/// The client's address, as the server saw the connection (`None` when
/// the router runs without one, as in a test that inserts none).
#[derive(Clone, Copy, Debug)]
pub struct ClientAddress(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(peer)| peer.ip())))
    }
}

impl std::fmt::Display for ClientAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(ip) => write!(f, "{ip}"),
            None => f.write_str("(unknown)"),
        }
    }
}

/// Usernames are logged cut to this many characters: enough to say who.
const LOGGED_USERNAME_CHARS: usize = 100;

/// `username` as it goes into the log: trimmed and cut (the `?` format it
/// is logged with escapes control characters, so it cannot forge lines).
fn logged(username: &str) -> String {
    username.trim().chars().take(LOGGED_USERNAME_CHARS).collect()
}

/// Why a password check gave no user.
enum CheckError {
    /// The directory or the hash could not be read.
    Unavailable,
}

impl AppState {
    /// The user with this username and password, `Ok(None)` when either is wrong
    /// or the user has no password yet.
    async fn check_password(
        &self,
        username: &str,
        password: SecretString,
    ) -> Result<Option<User>, CheckError> {
        let user = self.users.find_by_username(username.trim()).await.map_err(|error| {
            tracing::error!(%error, "could not look up a user signing in");
            CheckError::Unavailable
        })?;
        let hash = match &user {
            Some(user) => self.users.password_hash(&user.id).await.map_err(|error| {
                tracing::error!(user = %user.id, %error, "could not read a password hash");
                CheckError::Unavailable
            })?,
            None => None,
        };
        let known = hash.is_some();
        let phc: String = hash.map_or_else(|| self.decoy_hash.to_string(), |hash| hash.as_str().to_owned());
        let verified = self.service.verify(&password, &phc).await.map_err(|error| {
            tracing::error!(%error, "a password could not be checked");
            CheckError::Unavailable
        })?;
        Ok(user.filter(|_| known && verified))
    }

    /// The public origin, when the request's `Host` names another address
    /// (say `localhost` for a demo whose public URL says `127.0.0.1`).
    fn elsewhere(&self, headers: &HeaderMap) -> Option<String> {
        let host = headers.get(HOST)?.to_str().ok()?;
        let authority = self.public_origin.split_once("://").map_or("", |(_, authority)| authority);
        let default_port = if self.public_origin.starts_with("https://") { ":443" } else { ":80" };
        let same = host.eq_ignore_ascii_case(authority)
            || host.strip_suffix(default_port).is_some_and(|host| host.eq_ignore_ascii_case(authority));
        (!same).then(|| self.public_origin.to_string())
    }

    /// The user of the request's session.
    async fn session_user(&self, headers: &HeaderMap) -> Result<Option<User>, Response> {
        let Some(id) = self.sessions.user_of(headers) else {
            return Ok(None);
        };
        self.users.find(&id).await.map_err(|error| {
            tracing::error!(%error, "could not look up the signed-in user");
            unavailable()
        })
    }

    /// The signed-in admin, or the answer for everyone else: a redirect to
    /// the login page without a session, 403 for other users.
    async fn require_admin(&self, headers: &HeaderMap) -> Result<User, Response> {
        match self.session_user(headers).await? {
            Some(user) if user.user_type == UserType::Admin => Ok(user),
            Some(user) => Err((StatusCode::FORBIDDEN, html(pages::forbidden(&user))).into_response()),
            None => Err(see_other("/login")),
        }
    }
}

fn html(markup: Markup) -> Html<String> {
    Html(markup.into_string())
}

/// `303 See Other` to `location`.
pub fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(LOCATION, value);
    }
    response
}

fn unavailable() -> Response {
    (StatusCode::SERVICE_UNAVAILABLE, html(pages::unavailable())).into_response()
}

/// Where a signed-in user starts.
fn start_page(user: &User) -> &'static str {
    match user.user_type {
        UserType::Admin => "/admin/users",
        UserType::Web | UserType::Device => "/home",
    }
}

/// `GET /`: the start page when signed in, else the login page.
pub async fn root(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match state.session_user(&headers).await {
        Ok(Some(user)) if user.user_type.signs_in_on_website() => see_other(start_page(&user)),
        Ok(_) => see_other("/login"),
        Err(response) => response,
    }
}

/// The login page's query: `?reset=done` after a reset, `?signed_out=1` after signing out.
#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    #[serde(default)]
    reset: Option<String>,
    #[serde(default)]
    signed_out: Option<String>,
}

/// `GET /login`.
pub async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<LoginQuery>, QueryRejection>,
) -> Response {
    let query = query.map(|Query(query)| query).unwrap_or_default();
    let notice = if query.reset.as_deref() == Some("done") {
        LoginNotice::ResetDone
    } else if query.signed_out.is_some() {
        LoginNotice::SignedOut
    } else {
        LoginNotice::None
    };
    html(pages::login(&notice, "", state.elsewhere(&headers).as_deref())).into_response()
}

/// The login form's fields.
#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

/// `POST /login`: admin and web users get a session and go to their start
/// page; device users are sent to the apps; anything else is one generic error.
///
/// Refused before any password is checked: a form from another site (403,
/// counting nothing), and attempts over a sign-in budget (429 with
/// `Retry-After`; see [`crate::throttle`]). A browser that signs in gets a
/// device cookie for the account, which makes it a known client there next
/// time. Failures are logged with the username and the client's address.
pub async fn login_submit(
    State(state): State<AppState>,
    client: ClientAddress,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let LoginForm { username, password } = form;
    let username = username.trim().to_owned();
    if !is_same_origin(&headers, &state.public_origin) {
        tracing::warn!(username = ?logged(&username), from = %client, origin = ?headers.get(ORIGIN),
            "sign-in form from another site refused");
        return (StatusCode::FORBIDDEN, html(pages::login(&LoginNotice::CrossSite, "", None)))
            .into_response();
    }
    let account = Account::new(&username);
    let device =
        cookie(&headers, state.cookies.device()).and_then(|value| state.devices.verify(value, &account));
    let attempt = match state.throttle.attempt(&account, client.0, device) {
        Ok(attempt) => attempt,
        Err(throttled) => {
            log_throttled(&username, client, throttled);
            let notice = LoginNotice::Throttled { retry_after_secs: throttled.retry_after_secs };
            let page = (StatusCode::TOO_MANY_REQUESTS, html(pages::login(&notice, &username, None)));
            return with_retry_after(page.into_response(), throttled);
        }
    };
    match state.check_password(&username, SecretString::from(password)).await {
        Ok(Some(user)) if user.user_type == UserType::Device => {
            attempt.succeeded();
            (StatusCode::FORBIDDEN, html(pages::login(&LoginNotice::DeviceUser, &username, None)))
                .into_response()
        }
        Ok(Some(user)) => {
            attempt.succeeded();
            // A fresh session on every sign-in; any earlier one of this browser ends.
            if let Some(old) = cookie(&headers, state.cookies.session()) {
                state.sessions.remove(old);
            }
            let Some(token) = state.sessions.create(&user.id) else {
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    html(pages::login(&LoginNotice::Unavailable, &username, None)),
                )
                    .into_response();
            };
            tracing::info!(user = %user.id, from = %client, "signed in");
            let mut response = see_other(start_page(&user));
            let session = state.cookies.set(state.cookies.session(), &token, None);
            response.headers_mut().append(SET_COOKIE, session);
            // The same device keeps its id (and its cookie another year).
            if let Some(value) = state.devices.issue(&account, device) {
                let cookie = state.cookies.set(state.cookies.device(), &value, Some(DEVICE_COOKIE_LIFETIME));
                response.headers_mut().append(SET_COOKIE, cookie);
            }
            response
        }
        Ok(None) => {
            attempt.failed();
            tracing::warn!(username = ?logged(&username), from = %client, "sign-in failed: wrong username or password");
            (StatusCode::UNAUTHORIZED, html(pages::login(&LoginNotice::Incorrect, &username, None)))
                .into_response()
        }
        Err(CheckError::Unavailable) => {
            drop(attempt); // not a failure: nothing was learned, nothing is counted
            (StatusCode::SERVICE_UNAVAILABLE, html(pages::login(&LoginNotice::Unavailable, &username, None)))
                .into_response()
        }
    }
}

/// `POST /logout`: ends the session. Like every change a cookie
/// authenticates, only from the site's own pages ([`is_same_origin`]):
/// from another origin (another site, or another port of this host, which
/// `SameSite` does not tell apart) it is refused with 403 and the session
/// is kept.
pub async fn logout(State(state): State<AppState>, client: ClientAddress, headers: HeaderMap) -> Response {
    if !is_same_origin(&headers, &state.public_origin) {
        tracing::warn!(from = %client, origin = ?headers.get(ORIGIN), "sign-out from another site refused");
        return (StatusCode::FORBIDDEN, html(pages::sign_out_refused())).into_response();
    }
    if let Some(token) = cookie(&headers, state.cookies.session()) {
        state.sessions.remove(token);
    }
    let mut response = see_other("/login?signed_out=1");
    response.headers_mut().append(SET_COOKIE, state.cookies.clear(state.cookies.session()));
    response
}

/// `GET /home`: a web user's start page.
pub async fn home(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match state.session_user(&headers).await {
        Ok(Some(user)) => html(pages::home(&user)).into_response(),
        Ok(None) => see_other("/login"),
        Err(response) => response,
    }
}

/// User Search's query.
#[derive(Debug, Default, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// `GET /admin/users`: User Search.
pub async fn user_search(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<SearchQuery>, QueryRejection>,
) -> Response {
    let admin = match state.require_admin(&headers).await {
        Ok(admin) => admin,
        Err(response) => return response,
    };
    let query = query.map(|Query(query)| query).unwrap_or_default();
    let users = match state.users.list().await {
        Ok(users) => users,
        Err(error) => {
            tracing::error!(%error, "could not list the users");
            return unavailable();
        }
    };
    let flash = state.flashes.take(&headers);
    with_flash_cleared(
        html(pages::user_search(&admin, &users, &query.q, flash.as_ref())),
        flash.is_some(),
        &state,
    )
}

/// `GET /admin/users/{id}`: User Details.
pub async fn user_details(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let admin = match state.require_admin(&headers).await {
        Ok(admin) => admin,
        Err(response) => return response,
    };
    let user = match state.users.find(&UserId::new(id)).await {
        Ok(Some(user)) => user,
        Ok(None) => {
            return (StatusCode::NOT_FOUND, html(pages::not_found("There is no such user."))).into_response();
        }
        Err(error) => {
            tracing::error!(%error, "could not look up a user");
            return unavailable();
        }
    };
    let flash = state.flashes.take(&headers);
    let status = state.service.status(&admin.id, &user.id).await;
    let words = admin_words(&state.service, &headers);
    let panel = match &status {
        Ok(status) => pages::ResetPanel::Status(status, words),
        Err(error) => {
            tracing::error!(%error, "could not read where a user's reset stands");
            pages::ResetPanel::Unavailable
        }
    };
    let elsewhere = state.elsewhere(&headers);
    // The user's own language: the one their reset emails and pages speak.
    let language = state.service.words(state.service.catalogues().choose(user.locale.as_deref()));
    with_flash_cleared(
        html(pages::user_details(&admin, &user, &language, flash.as_ref(), elsewhere.as_deref(), &panel)),
        flash.is_some(),
        &state,
    )
}

/// The most audit events the trend page reads (some 15 MB while it
/// renders): a month of about a thousand resets a day, at three or four
/// events each.
const TREND_EVENT_LIMIT: usize = 100_000;

/// `GET /admin/password-resets`: the last 30 days of password resets, per
/// day, from the audit log.
pub async fn password_resets(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let admin = match state.require_admin(&headers).await {
        Ok(admin) => admin,
        Err(response) => return response,
    };
    let config = state.service.config();
    let ttl = |purpose: Purpose| config.ttl(purpose);
    let now = time::OffsetDateTime::now_utc();
    let (from, to) = trend::span(now, ttl(Purpose::Reset).max(ttl(Purpose::Create)));
    let events = match state.audit.events_between(from, to, TREND_EVENT_LIMIT).await {
        Ok(events) => events,
        Err(error) => {
            tracing::error!(error = %inzant_reset_core::observe::cause_chain(&error), "could not read the audit log for the trend");
            return unavailable();
        }
    };
    let truncated = events.len() >= TREND_EVENT_LIMIT;
    html(pages::password_resets(&admin, &trend::trend(&events, ttl, now), truncated)).into_response()
}

fn with_flash_cleared(page: Html<String>, shown: bool, state: &AppState) -> Response {
    let mut response = page.into_response();
    if shown {
        response.headers_mut().append(SET_COOKIE, state.cookies.clear(state.cookies.flash()));
    }
    response
}

/// The apps' sign-in request.
#[derive(Deserialize)]
struct AppSignIn {
    username: String,
    password: String,
}

/// `POST /api/app/sign-in`: the stand-in for the Inzant Sales Plus and
/// Tradeshow apps' sign-in. 200 for a device user with the right password;
/// 401 for everything else that is well formed; 400 for malformed JSON;
/// 429 with `Retry-After` over the sign-in budgets (shared with `/login`).
///
/// The apps send JSON and are not browsers, so anything else is refused
/// before it is read or counted: a browser's request from another site
/// (`Origin` or `Sec-Fetch-Site` naming one: 403), and a body not declared
/// `application/json` (415), which no web page can send elsewhere without
/// a CORS preflight this route never answers. An address the account
/// signed in from before is known to the throttle: the apps have no cookies.
pub async fn app_sign_in(
    State(state): State<AppState>,
    client: ClientAddress,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if from_another_site(&headers, &state.public_origin) {
        tracing::warn!(from = %client, origin = ?headers.get(ORIGIN), site = ?headers.get(SEC_FETCH_SITE),
            "app sign-in from another site refused");
        return json_refusal(
            StatusCode::FORBIDDEN,
            "This sign-in was sent from another site, so it was refused.",
        );
    }
    if !is_json(&headers) {
        return json_refusal(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Send JSON, with Content-Type: application/json.",
        );
    }
    let Ok(AppSignIn { username, password }) = serde_json::from_slice::<AppSignIn>(&body) else {
        return json_refusal(
            StatusCode::BAD_REQUEST,
            "Send JSON: {\"username\": \"…\", \"password\": \"…\"}.",
        );
    };
    let account = Account::new(&username);
    let attempt = match state.throttle.attempt(&account, client.0, None) {
        Ok(attempt) => attempt,
        Err(throttled) => {
            log_throttled(&username, client, throttled);
            let message = pages::throttled_message(throttled.retry_after_secs);
            return with_retry_after(json_refusal(StatusCode::TOO_MANY_REQUESTS, &message), throttled);
        }
    };
    let password = SecretString::from(password);
    match state.check_password(&username, password).await {
        Ok(Some(user)) if user.user_type == UserType::Device => {
            attempt.succeeded();
            tracing::info!(user = %user.id, from = %client, "signed in from the apps");
            Json(json!({ "ok": true })).into_response()
        }
        Ok(user) => {
            // A web user's or admin's right password is not a failure, but
            // the apps are not theirs: the same answer as a wrong one.
            match user {
                Some(_) => attempt.succeeded(),
                None => attempt.failed(),
            }
            tracing::warn!(username = ?logged(&username), from = %client, "app sign-in failed");
            json_refusal(StatusCode::UNAUTHORIZED, "The username or password is incorrect.")
        }
        Err(CheckError::Unavailable) => {
            drop(attempt); // not a failure: nothing was learned, nothing is counted
            json_refusal(
                StatusCode::SERVICE_UNAVAILABLE,
                "Signing in is not possible right now. Try again in a moment.",
            )
        }
    }
}

/// `Sec-Fetch-Site`, which browsers add to every request.
const SEC_FETCH_SITE: &str = "sec-fetch-site";

/// Whether a browser sent this request from another site: an `Origin`
/// other than the public origin (`null` included), or a `Sec-Fetch-Site`
/// other than `same-origin` or `none` (a request the user made directly);
/// either header sent twice counts as foreign. The apps send neither.
fn from_another_site(headers: &HeaderMap, public_origin: &str) -> bool {
    let foreign = |name: &str, fine: &dyn Fn(&[u8]) -> bool| {
        let mut values = headers.get_all(name).iter();
        match (values.next(), values.next()) {
            (None, _) => false,
            (Some(value), None) => !fine(value.as_bytes()),
            (Some(_), Some(_)) => true,
        }
    };
    foreign(ORIGIN.as_str(), &|origin| origin.eq_ignore_ascii_case(public_origin.as_bytes()))
        || foreign(SEC_FETCH_SITE, &|site| {
            site.eq_ignore_ascii_case(b"same-origin") || site.eq_ignore_ascii_case(b"none")
        })
}

/// Whether the body is declared `application/json` (parameters such as
/// `charset` allowed), in one `Content-Type` header.
fn is_json(headers: &HeaderMap) -> bool {
    let mut values = headers.get_all(CONTENT_TYPE).iter();
    match (values.next(), values.next()) {
        (Some(value), None) => value
            .to_str()
            .ok()
            .and_then(|value| value.split(';').next())
            .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json")),
        _ => false,
    }
}

/// The apps' JSON answer for a refusal.
fn json_refusal(status: StatusCode, error: &str) -> Response {
    (status, Json(json!({ "ok": false, "error": error }))).into_response()
}

fn log_throttled(username: &str, client: ClientAddress, throttled: Throttled) {
    tracing::warn!(
        username = ?logged(username),
        from = %client,
        by = ?throttled.by,
        retry_after_secs = throttled.retry_after_secs,
        "sign-in refused: too many attempts"
    );
}

fn with_retry_after(mut response: Response, throttled: Throttled) -> Response {
    response.headers_mut().insert(RETRY_AFTER, HeaderValue::from(throttled.retry_after_secs));
    response
}

/// `GET /assets/demo.css`.
pub async fn style() -> Response {
    asset("text/css; charset=utf-8", include_str!("../assets/demo.css"))
}

/// `GET /assets/demo.js`.
pub async fn script() -> Response {
    asset("text/javascript; charset=utf-8", include_str!("../assets/demo.js"))
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(CONTENT_TYPE, content_type), (CACHE_CONTROL, "no-cache")], body).into_response()
}

/// Anything else.
pub async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, html(pages::not_found("There is no page at this address."))).into_response()
}

/// The security headers of every demo answer: CSP without inline script and
/// with `frame-ancestors 'none'`, `nosniff`, `Referrer-Policy: same-origin`
/// (not `no-referrer`: browsers would then send `Origin: null` on the admin
/// forms, which the adapter refuses as cross-site), and `no-store` for pages.
pub async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    };
    set(CONTENT_SECURITY_POLICY, CSP);
    set(X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(X_FRAME_OPTIONS, "DENY");
    set(REFERRER_POLICY, "same-origin");
    set(CACHE_CONTROL, "no-store");
    response
}

/// `Strict-Transport-Security` when the public URL is https: a year, this
/// host only (the demo cannot speak for sibling subdomains).
pub const HSTS: &str = "max-age=31536000";

/// Adds [`HSTS`] to every answer, the adapter's reset pages included; the
/// demo applies it only when its public URL is https (over plain http
/// browsers ignore the header).
pub async fn strict_transport_security(mut response: Response) -> Response {
    response.headers_mut().insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logged_usernames_are_cut() {
        assert_eq!(logged("  sam@x.example "), "sam@x.example");
        assert_eq!(logged(&"a".repeat(1000)).len(), LOGGED_USERNAME_CHARS);
    }

    #[test]
    fn only_json_from_no_other_site_is_an_app_sign_in() {
        let origin = "https://sales.example.com";
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut headers = HeaderMap::new();
            for (name, value) in pairs {
                headers.append(*name, HeaderValue::from_static(value));
            }
            headers
        };
        for fine in [
            headers(&[]),
            headers(&[("origin", "https://Sales.example.com")]),
            headers(&[("sec-fetch-site", "same-origin")]),
            headers(&[("sec-fetch-site", "none")]),
        ] {
            assert!(!from_another_site(&fine, origin), "{fine:?}");
        }
        for foreign in [
            headers(&[("origin", "https://evil.example")]),
            headers(&[("origin", "null")]),
            headers(&[("origin", "https://sales.example.com:8443")]),
            headers(&[("origin", origin), ("origin", origin)]),
            headers(&[("sec-fetch-site", "cross-site")]),
            headers(&[("sec-fetch-site", "same-site")]),
            headers(&[("origin", origin), ("sec-fetch-site", "cross-site")]),
        ] {
            assert!(from_another_site(&foreign, origin), "{foreign:?}");
        }
        for json in ["application/json", "Application/JSON; charset=utf-8", "application/json ;charset=UTF-8"]
        {
            assert!(is_json(&headers(&[("content-type", json)])), "{json}");
        }
        for not_json in
            ["text/plain", "application/x-www-form-urlencoded", "application/jsonx", "multipart/form-data"]
        {
            assert!(!is_json(&headers(&[("content-type", not_json)])), "{not_json}");
        }
        assert!(!is_json(&headers(&[])));
        assert!(!is_json(&headers(&[("content-type", "application/json"), ("content-type", "text/plain")])));
    }

    #[test]
    fn csp_has_no_inline_script_and_no_framing() {
        assert!(!CSP.contains("unsafe-inline"));
        assert!(CSP.contains("frame-ancestors 'none'"));
    }
}
