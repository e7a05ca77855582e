//! Sign-in for the admin app: `POST /api/sign-in` trades an email and
//! password for a random bearer token, kept in memory; every other API call
//! sends it as `Authorization: Bearer …` ([`Staff`]). No cookies anywhere.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::{FromRef, FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use inzant_reset_core::secrecy::SecretString;
use rand::Rng;
use serde::Deserialize;
use serde_json::json;
use sqlx::types::Uuid;

use crate::{AppState, people};

/// Someone signed in to the admin app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Staff {
    /// Who.
    pub person_id: Uuid,
    /// Their tenant.
    pub tenant_id: i64,
    /// Whether they administer it.
    pub is_admin: bool,
}

/// The bearer tokens handed out, in memory. Clones share them.
#[derive(Clone, Debug, Default)]
pub struct Tokens {
    issued: Arc<Mutex<HashMap<String, Staff>>>,
}

impl Tokens {
    /// A new random token for `staff`.
    pub fn issue(&self, staff: Staff) -> String {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let token: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
        self.issued.lock().unwrap_or_else(PoisonError::into_inner).insert(token.clone(), staff);
        token
    }

    /// Who `token` was issued to, if it is still good.
    pub fn find(&self, token: &str) -> Option<Staff> {
        self.issued.lock().unwrap_or_else(PoisonError::into_inner).get(token).copied()
    }

    /// Signs `person_id` out everywhere: their tokens stop working.
    pub fn revoke_person(&self, person_id: Uuid) {
        let mut issued = self.issued.lock().unwrap_or_else(PoisonError::into_inner);
        issued.retain(|_, staff| staff.person_id != person_id);
    }
}

impl FromRef<AppState> for Tokens {
    fn from_ref(state: &AppState) -> Self {
        state.tokens.clone()
    }
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

/// The extractor of every signed-in call: the bearer token's owner, or 401.
impl<S: Send + Sync> FromRequestParts<S> for Staff
where
    Tokens: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "));
        token
            .and_then(|token| Tokens::from_ref(state).find(token))
            .ok_or_else(|| error(StatusCode::UNAUTHORIZED, "Sign in first."))
    }
}

/// `POST /api/sign-in` and `GET /api/me`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/api/sign-in", post(sign_in)).route("/api/me", get(me))
}

#[derive(Deserialize)]
struct SignIn {
    email: String,
    password: String,
}

/// An email and password → `{"token": …}`; people who use only the apps
/// cannot sign in to the admin app.
async fn sign_in(State(state): State<AppState>, Json(body): Json<SignIn>) -> Response {
    let refused = || error(StatusCode::UNAUTHORIZED, "Wrong email or password.");
    let person = match people::by_email(&state.pool, &body.email).await {
        Ok(Some(person)) if !person.app_only => person,
        Ok(_) => return refused(),
        Err(failure) => {
            tracing::error!(error = %failure, "sign-in could not read crm.people");
            return error(StatusCode::SERVICE_UNAVAILABLE, "Try again in a minute.");
        }
    };
    let Some(pwd) = person.pwd.as_deref().filter(|pwd| !pwd.is_empty()) else {
        return refused();
    };
    match state.passwords.verify(&SecretString::from(body.password), pwd).await {
        Ok(true) => {}
        Ok(false) => return refused(),
        Err(failure) => {
            tracing::warn!(error = %failure, "a password could not be checked");
            return error(StatusCode::SERVICE_UNAVAILABLE, "Try again in a minute.");
        }
    }
    let staff = Staff { person_id: person.person_id, tenant_id: person.tenant_id, is_admin: person.is_admin };
    Json(json!({ "token": state.tokens.issue(staff), "person_id": person.person_id.to_string() }))
        .into_response()
}

/// Who the token belongs to.
async fn me(staff: Staff) -> Response {
    Json(json!({
        "person_id": staff.person_id.to_string(),
        "tenant_id": staff.tenant_id,
        "is_admin": staff.is_admin,
    }))
    .into_response()
}
