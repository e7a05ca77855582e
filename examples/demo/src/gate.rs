//! The demo's side of the adapter: who the admin is ([`DemoGate`]), how a
//! trigger is answered (a flash and a redirect back), and what happens after
//! a reset ([`RevokeSessions`]).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use axum::Json;
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use inzant_reset_axum::{AdminGate, Answer};
use inzant_reset_core::error::{HookError, ResetError};
use inzant_reset_core::ports::ResetHooks;
use inzant_reset_core::service::TriggerReceipt;
use inzant_reset_core::status::CancelReceipt;
use inzant_reset_core::user::{User, UserId, UserType};
use inzant_reset_core::words::{English, Wording};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::json;

use crate::pages;
use crate::session::{Cookies, Flash, Flashes, Sessions};
use crate::users::Users;

/// The admin of an adapter request is the user of the demo's session cookie,
/// if they are an admin. Trigger outcomes become a flash message on the
/// user's details page, except outages (the mail server or the database
/// down): those are a `503` page with the same message, so the answer says
/// truthfully that the server failed and the admin may retry.
#[derive(Debug)]
pub struct DemoGate {
    /// Signed-in sessions.
    pub sessions: Arc<Sessions>,
    /// Pending flash messages.
    pub flashes: Arc<Flashes>,
    /// The users.
    pub users: Users,
    /// How cookies are named and set.
    pub cookies: Cookies,
}

#[async_trait]
impl AdminGate for DemoGate {
    async fn actor(&self, request: &mut Parts) -> Result<UserId, Response> {
        let refused = || {
            let message = English.refusal(&ResetError::NotAllowed);
            (StatusCode::FORBIDDEN, Json(json!({ "error": message }))).into_response()
        };
        let id = self.sessions.user_of(&request.headers).ok_or_else(refused)?;
        match self.users.find(&id).await {
            Ok(Some(user)) if user.user_type == UserType::Admin => Ok(user.id),
            Ok(_) => Err(refused()),
            Err(error) => {
                // An outage is not a refusal: the admin may retry in a moment.
                tracing::error!(%error, "could not look up the signed-in user");
                let message = English.refusal(&ResetError::Directory(error));
                Err((StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "error": message }))).into_response())
            }
        }
    }

    async fn triggered(&self, _parts: &mut Parts, answer: Answer<'_, TriggerReceipt>) -> Response {
        if is_outage(&answer.outcome) {
            return outage(answer.message(), answer.user);
        }
        self.back_with_flash(answer.is_unknown_user(), answer.outcome.is_ok(), answer.message(), answer.user)
    }

    async fn cancelled(&self, _parts: &mut Parts, answer: Answer<'_, CancelReceipt>) -> Response {
        if is_outage(&answer.outcome) {
            return outage(answer.message(), answer.user);
        }
        self.back_with_flash(answer.is_unknown_user(), answer.outcome.is_ok(), answer.message(), answer.user)
    }
}

impl DemoGate {
    /// A `303` back to the user's page (or the list, for a user who does not
    /// exist), with `message` as a flash.
    fn back_with_flash(&self, unknown: bool, success: bool, message: String, user: &UserId) -> Response {
        let location = if unknown { "/admin/users".to_owned() } else { user_page(user) };
        let flash = if success { Flash::Success(message) } else { Flash::Error(message) };
        let mut response = StatusCode::SEE_OTHER.into_response();
        if let Ok(location) = HeaderValue::from_str(&location) {
            response.headers_mut().insert(LOCATION, location);
        }
        match self.flashes.put(flash) {
            Some(id) => {
                let cookie = self.cookies.set(self.cookies.flash(), &id, Some(Duration::from_secs(300)));
                response.headers_mut().append(SET_COOKIE, cookie);
            }
            None => tracing::error!("the random source failed; the admin's flash message is lost"),
        }
        response
    }
}

/// Whether an admin action failed on the server's side (mail, database,
/// hashing) rather than being refused.
fn is_outage<T>(outcome: &Result<T, ResetError>) -> bool {
    outcome.as_ref().err().is_some_and(ResetError::is_service_failure)
}

/// `503` with the message and a way back to the user's page.
fn outage(message: String, user: &UserId) -> Response {
    let page = pages::action_failed(&message, &user_page(user));
    (StatusCode::SERVICE_UNAVAILABLE, axum::response::Html(page.into_string())).into_response()
}

/// `/admin/users/{id}`, with the id percent-encoded as a path segment.
pub fn user_page(id: &UserId) -> String {
    format!("/admin/users/{}", encode_segment(id.as_str()))
}

/// Everything but RFC 3986's unreserved characters.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Percent-encodes `segment` for use as one path segment.
pub fn encode_segment(segment: &str) -> String {
    utf8_percent_encode(segment, SEGMENT).to_string()
}

/// Ends a user's demo sessions once their password has been reset, so
/// whoever held the old password is signed out everywhere. (The demo's app
/// sign-in issues no tokens; a real host revokes app tokens here too.)
#[derive(Debug)]
pub struct RevokeSessions {
    /// The sessions to revoke from.
    pub sessions: Arc<Sessions>,
}

#[async_trait]
impl ResetHooks for RevokeSessions {
    async fn password_changed(&self, user: &User) -> Result<(), HookError> {
        let ended = self.sessions.revoke_user(&user.id);
        tracing::info!(user = %user.id, sessions = ended, "password changed: signed the user out everywhere");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_pages_encode_the_id() {
        assert_eq!(user_page(&UserId::new("1002")), "/admin/users/1002");
        assert_eq!(user_page(&UserId::new("a b/c")), "/admin/users/a%20b%2Fc");
    }
}
