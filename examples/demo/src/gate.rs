//! The demo's side of the adapter: who the admin is ([`DemoGate`]), how a
//! trigger is answered (a flash and a redirect back), and what happens after
//! a reset ([`RevokeSessions`]).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use axum::Json;
use axum::http::header::{ACCEPT_LANGUAGE, LOCATION, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use inzant_reset_axum::{AdminGate, Answer};
use inzant_reset_core::ResetService;
use inzant_reset_core::error::{HookError, ResetError};
use inzant_reset_core::ports::ResetHooks;
use inzant_reset_core::request::{AdminAction, Purpose};
use inzant_reset_core::service::TriggerReceipt;
use inzant_reset_core::status::CancelReceipt;
use inzant_reset_core::user::{User, UserId, UserType};
use inzant_reset_core::words::Words;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::json;

use crate::pages;
use crate::session::{Cookies, Flash, Flashes, Sessions};
use crate::users::Users;

/// The admin of an adapter request is the user of the demo's session cookie,
/// if they are an admin; everyone else is refused (403) in the service's
/// words, in the language of their browser, as the adapter words its own
/// refusals. Trigger outcomes become a flash message on the user's details
/// page, except outages (the mail server or the database down): those are a
/// `503` page with the same message, so the answer says truthfully that the
/// server failed and the admin may retry.
#[derive(Debug)]
pub struct DemoGate {
    /// The reset service, whose words the refusals are in.
    pub service: Arc<ResetService>,
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
        let words = admin_words(&self.service, &request.headers);
        let refused = || {
            let action = requested_action(request.uri.path());
            let message = words.refusal(&ResetError::NotAllowed { action });
            (StatusCode::FORBIDDEN, Json(json!({ "error": message, "action": action.as_str() })))
                .into_response()
        };
        let id = self.sessions.user_of(&request.headers).ok_or_else(refused)?;
        match self.users.find(&id).await {
            Ok(Some(user)) if user.user_type == UserType::Admin => Ok(user.id),
            Ok(_) => Err(refused()),
            Err(error) => {
                // An outage is not a refusal: the admin may retry in a moment.
                tracing::error!(%error, "could not look up the signed-in user");
                let message = words.refusal(&ResetError::Directory(error));
                Err((StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "error": message }))).into_response())
            }
        }
    }

    async fn triggered(&self, _parts: &mut Parts, answer: Answer<'_, TriggerReceipt>) -> Response {
        let message = answer.message();
        self.answer(&answer, message)
    }

    async fn cancelled(&self, _parts: &mut Parts, answer: Answer<'_, CancelReceipt>) -> Response {
        let message = answer.message();
        self.answer(&answer, message)
    }
}

/// The words of the library's sentences to the admin (answers, flashes, the
/// reset panel): their browser's language, as far as the catalogues speak
/// it, as the adapter chooses for its own answers. The demo's own admin
/// screens are in English.
pub(crate) fn admin_words<'a>(service: &'a ResetService, headers: &HeaderMap) -> Words<'a> {
    let catalogues = service.catalogues();
    let tag = match headers.get(ACCEPT_LANGUAGE).and_then(|value| value.to_str().ok()) {
        Some(header) => catalogues.choose_from_header(header),
        None => catalogues.default_language(),
    };
    service.words(tag)
}

/// What an admin request at `path` asks to do: the adapter's admin routes
/// end in `/reset-password`, `/reset-status` or `/cancel-reset`.
fn requested_action(path: &str) -> AdminAction {
    if path.ends_with("/reset-status") {
        AdminAction::ViewStatus
    } else if path.ends_with("/cancel-reset") {
        AdminAction::Cancel
    } else {
        // Reset or create reads the same in a refusal ("send a password email").
        AdminAction::SendReset(Purpose::Reset)
    }
}

impl DemoGate {
    /// The answer to an admin action: a `503` page for an outage, else a
    /// `303` back to the user's page (or the list, for a user who does not
    /// exist) with `message` as a flash.
    fn answer<T>(&self, answer: &Answer<'_, T>, message: String) -> Response {
        if is_outage(&answer.outcome) {
            return outage(message, &answer.user_segment());
        }
        let location = if answer.is_unknown_user() {
            "/admin/users".to_owned()
        } else {
            format!("/admin/users/{}", answer.user_segment())
        };
        let success = answer.outcome.is_ok();
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

/// `503` with the message and a way back to the user's page (`segment`:
/// the user's id, percent-encoded).
fn outage(message: String, segment: &str) -> Response {
    let page = pages::action_failed(&message, &format!("/admin/users/{segment}"));
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
