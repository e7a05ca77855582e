//! Signing in to the website, with axum-login over the `accounts` table,
//! and the extractors pages use to know who is there.

use std::sync::Arc;

use async_trait::async_trait;
use axum::extract::{FromRequestParts, Query};
use axum::http::Method;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Router, routing::get, routing::post};
use axum_login::{AuthUser, AuthnBackend};
use maud::{Markup, html};
use secrecy::SecretString;
use serde::Deserialize;
use sqlx::PgPool;

use crate::AppState;
use crate::accounts::{self, Account, Kind};
use crate::flash::{self, Flash};
use crate::layout::{AppError, layout};

/// Why a password could not be checked or hashed.
pub type PasswordError = Box<dyn std::error::Error + Send + Sync>;

/// How passwords are checked and hashed. Sign-in (web and app) and
/// seeding go through it.
#[async_trait]
pub trait Passwords: Send + Sync + 'static {
    /// Whether `password` matches the stored `pwd_hash`.
    async fn verify(&self, password: &SecretString, pwd_hash: &str) -> Result<bool, PasswordError>;

    /// Whether a `pwd_hash` that just verified should be replaced by a fresh hash.
    fn needs_rehash(&self, pwd_hash: &str) -> bool;

    /// A `pwd_hash` for `password`.
    async fn hash(&self, password: &SecretString) -> Result<String, PasswordError>;
}

/// The accounts, as axum-login reads them.
#[derive(Clone)]
pub struct Backend {
    pool: PgPool,
    passwords: Arc<dyn Passwords>,
}

impl Backend {
    /// Accounts in `pool`, passwords checked by `passwords`.
    pub fn new(pool: PgPool, passwords: Arc<dyn Passwords>) -> Self {
        Self { pool, passwords }
    }
}

/// What someone signs in with.
pub struct Credentials {
    /// The login email.
    pub login_email: String,
    /// The password as typed.
    pub password: SecretString,
}

/// Why a sign-in could not be decided.
#[derive(Debug)]
pub enum AuthError {
    /// The database failed.
    Database(sqlx::Error),
    /// The password could not be checked.
    Password(PasswordError),
}

impl std::fmt::Display for AuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Database(error) => write!(f, "the accounts could not be read: {error}"),
            Self::Password(error) => write!(f, "the password could not be checked: {error}"),
        }
    }
}

impl std::error::Error for AuthError {}

impl From<sqlx::Error> for AuthError {
    fn from(error: sqlx::Error) -> Self {
        Self::Database(error)
    }
}

impl AuthUser for Account {
    type Id = i64;

    fn id(&self) -> i64 {
        self.account_id
    }

    /// A session stays valid while the password it signed in with does.
    fn session_auth_hash(&self) -> &[u8] {
        self.pwd_hash.as_deref().unwrap_or_default().as_bytes()
    }
}

impl AuthnBackend for Backend {
    type User = Account;
    type Credentials = Credentials;
    type Error = AuthError;

    async fn authenticate(&self, credentials: Credentials) -> Result<Option<Account>, AuthError> {
        let Some(mut account) = accounts::find_by_email(&self.pool, &credentials.login_email).await? else {
            return Ok(None);
        };
        let Some(pwd_hash) = account.pwd_hash.clone() else {
            return Ok(None);
        };
        let passwords = &self.passwords;
        if !passwords.verify(&credentials.password, &pwd_hash).await.map_err(AuthError::Password)? {
            return Ok(None);
        }
        if passwords.needs_rehash(&pwd_hash) {
            let fresh = passwords.hash(&credentials.password).await.map_err(AuthError::Password)?;
            accounts::set_pwd_hash(&self.pool, account.account_id, &fresh).await?;
            account.pwd_hash = Some(fresh);
        }
        Ok(Some(account))
    }

    async fn get_user(&self, account_id: &i64) -> Result<Option<Account>, AuthError> {
        Ok(accounts::find(&self.pool, *account_id).await?)
    }
}

/// The visitor's sign-in state.
pub type AuthSession = axum_login::AuthSession<Backend>;

/// A signed-in visitor. Others are sent to the login page.
#[derive(Debug)]
pub struct SignedIn(pub Account);

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let auth =
            AuthSession::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        match auth.user {
            Some(account) => Ok(Self(account)),
            // Only pages can be come back to after signing in.
            None if parts.method == Method::GET => {
                let next = parts.uri.path_and_query().map_or("/", |path| path.as_str());
                let query = query_pair("next", next);
                Err(Redirect::to(&format!("/login?{query}")).into_response())
            }
            None => Err(Redirect::to("/login").into_response()),
        }
    }
}

/// A signed-in admin. Others get the "Not allowed" page.
#[derive(Debug)]
pub struct Admin(pub Account);

impl<S: Send + Sync> FromRequestParts<S> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let SignedIn(account) = SignedIn::from_request_parts(parts, state).await?;
        if account.kind == Kind::Admin { Ok(Self(account)) } else { Err(AppError::Forbidden.into_response()) }
    }
}

/// `name=value`, form-encoded.
fn query_pair(name: &str, value: &str) -> String {
    let mut out = String::from(name);
    out.push('=');
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Where to go after signing in: a path on this site, never another site,
/// in printable ASCII (as `SignedIn` writes it).
fn local_path(next: Option<&str>) -> Option<&str> {
    next.filter(|next| {
        next.starts_with('/')
            && !next.starts_with("//")
            && next.bytes().all(|byte| byte.is_ascii_graphic() && byte != b'\\')
    })
}

/// `/login` and `/logout`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/login", get(login_page).post(login)).route("/logout", post(logout))
}

#[derive(Debug, Default, Deserialize)]
struct LoginQuery {
    next: Option<String>,
    reset: Option<String>,
}

async fn login_page(auth: AuthSession, Query(query): Query<LoginQuery>) -> Markup {
    let mut flashes = flash::take(&auth.session).await;
    if query.reset.as_deref() == Some("done") {
        flashes.push(Flash::success("Your new password is saved. Sign in with it."));
    }
    login_form(auth.user.as_ref(), &flashes, query.next.as_deref(), "")
}

fn login_form(viewer: Option<&Account>, flashes: &[Flash], next: Option<&str>, login_email: &str) -> Markup {
    let content = html! {
        section class="panel narrow" {
            h1 { "Sign in" }
            form method="post" action="/login" {
                label for="login_email" { "Email" }
                input id="login_email" name="login_email" type="email" autocomplete="username" required value=(login_email);
                label for="password" { "Password" }
                input id="password" name="password" type="password" autocomplete="current-password" required;
                @if let Some(next) = local_path(next) {
                    input type="hidden" name="next" value=(next);
                }
                button class="button" type="submit" { "Sign in" }
            }
            p class="hint" { "Forgot your password? Ask an administrator to send you a reset email." }
        }
    };
    layout("Sign in", html! {}, viewer, flashes, content)
}

#[derive(Deserialize)]
struct LoginForm {
    login_email: String,
    password: String,
    next: Option<String>,
}

async fn login(mut auth: AuthSession, Form(form): Form<LoginForm>) -> Response {
    let credentials =
        Credentials { login_email: form.login_email.clone(), password: SecretString::from(form.password) };
    let refuse = |text: &str| {
        let flashes = [Flash::error(text)];
        login_form(None, &flashes, form.next.as_deref(), &form.login_email).into_response()
    };
    let account = match auth.authenticate(credentials).await {
        Ok(Some(account)) => account,
        Ok(None) => return refuse("Wrong email or password."),
        Err(error) => {
            tracing::error!(%error, "sign-in failed");
            return AppError::Unavailable.into_response();
        }
    };
    if account.kind == Kind::Device {
        return refuse("Device accounts sign in from the Harbour Supply ordering app, not here.");
    }
    if let Err(error) = auth.login(&account).await {
        tracing::error!(%error, "the session could not be started");
        return AppError::Unavailable.into_response();
    }
    let start = if account.kind == Kind::Admin { "/accounts" } else { "/" };
    Redirect::to(local_path(form.next.as_deref()).unwrap_or(start)).into_response()
}

async fn logout(mut auth: AuthSession) -> Response {
    if let Err(error) = auth.logout().await {
        tracing::error!(%error, "the session could not be ended");
        return AppError::Unavailable.into_response();
    }
    Redirect::to("/login").into_response()
}
