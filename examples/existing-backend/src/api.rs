//! The ordering app's API: device accounts sign in for a bearer token.

use axum::extract::State;
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_login::AuthnBackend;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::Rng;
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::PgPool;

use crate::AppState;
use crate::accounts::Kind;
use crate::auth::Credentials;

/// `POST /api/sign-in` and `GET /api/me`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/api/sign-in", post(sign_in)).route("/api/me", get(me))
}

#[derive(Deserialize)]
struct SignIn {
    login_email: String,
    password: String,
}

fn refused() -> Response {
    (StatusCode::UNAUTHORIZED, Json(json!({ "error": "Wrong email or password." }))).into_response()
}

fn unavailable() -> Response {
    (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "error": "Try again in a minute." }))).into_response()
}

/// A device account's email and password → `{"token": …}`.
async fn sign_in(State(state): State<AppState>, Json(body): Json<SignIn>) -> Response {
    let credentials =
        Credentials { login_email: body.login_email, password: SecretString::from(body.password) };
    let account = match state.backend.authenticate(credentials).await {
        Ok(Some(account)) if account.kind == Kind::Device => account,
        Ok(_) => return refused(),
        Err(error) => {
            tracing::error!(%error, "app sign-in failed");
            return unavailable();
        }
    };
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let stored = sqlx::query("INSERT INTO api_tokens (account_id, token_sha256) VALUES ($1, $2)")
        .bind(account.account_id)
        .bind(Sha256::digest(token.as_bytes()).to_vec())
        .execute(&state.pool)
        .await;
    match stored {
        Ok(_) => Json(json!({ "token": token, "account_id": account.account_id })).into_response(),
        Err(error) => {
            tracing::error!(%error, "an app token could not be stored");
            unavailable()
        }
    }
}

/// Who the bearer token belongs to, or 401.
async fn me(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(token) = headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
    else {
        return refused();
    };
    let found: Result<Option<(i64, String)>, _> = sqlx::query_as(
        "UPDATE api_tokens t SET last_used_at = now() FROM accounts a \
         WHERE t.token_sha256 = $1 AND a.account_id = t.account_id RETURNING a.account_id, a.display_name",
    )
    .bind(Sha256::digest(token.as_bytes()).to_vec())
    .fetch_optional(&state.pool)
    .await;
    match found {
        Ok(Some((account_id, display_name))) => {
            Json(json!({ "account_id": account_id, "display_name": display_name })).into_response()
        }
        Ok(None) => refused(),
        Err(error) => {
            tracing::error!(%error, "an app token could not be checked");
            unavailable()
        }
    }
}

/// Signs every app of the account out; returns how many tokens there were.
///
/// # Errors
/// The database failed; no token was revoked.
pub async fn revoke_tokens(pool: &PgPool, account_id: i64) -> Result<u64, sqlx::Error> {
    let done =
        sqlx::query("DELETE FROM api_tokens WHERE account_id = $1").bind(account_id).execute(pool).await?;
    Ok(done.rows_affected())
}
