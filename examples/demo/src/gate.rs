//! The demo's side of the adapter: who the admin is ([`DemoGate`]), how a
//! trigger is answered (a flash and a redirect back), and what happens after
//! a reset ([`RevokeSessions`]).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use inzant_reset_axum::AdminGate;
use inzant_reset_core::error::{HookError, ResetError};
use inzant_reset_core::ports::ResetHooks;
use inzant_reset_core::request::Purpose;
use inzant_reset_core::service::TriggerReceipt;
use inzant_reset_core::user::{User, UserId, UserType};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::session::{FLASH_COOKIE, Flash, Flashes, Sessions, set_cookie};
use crate::users::Users;

/// The admin of an adapter request is the user of the demo's session cookie,
/// if they are an admin. Trigger outcomes become a flash message on the
/// user's details page.
#[derive(Debug)]
pub struct DemoGate {
    /// Signed-in sessions.
    pub sessions: Arc<Sessions>,
    /// Pending flash messages.
    pub flashes: Arc<Flashes>,
    /// The users.
    pub users: Users,
    /// Whether cookies are `Secure`.
    pub secure: bool,
}

#[async_trait]
impl AdminGate for DemoGate {
    async fn admin(&self, request: &Parts) -> Option<UserId> {
        let id = self.sessions.user_of(&request.headers)?;
        match self.users.find(&id).await {
            Ok(Some(user)) if user.user_type == UserType::Admin => Some(user.id),
            Ok(_) => None,
            Err(error) => {
                tracing::error!(%error, "could not look up the signed-in user");
                None
            }
        }
    }

    fn triggered(&self, user: &UserId, outcome: Result<TriggerReceipt, ResetError>) -> Response {
        let (flash, location) = match outcome {
            Ok(receipt) => (
                Flash::Success(match receipt.purpose {
                    Purpose::Reset => format!("A password reset email was sent to {}.", receipt.sent_to),
                    Purpose::Create => format!("A create password email was sent to {}.", receipt.sent_to),
                }),
                user_page(user),
            ),
            Err(ResetError::UnknownUser) => {
                (Flash::Error(ResetError::UnknownUser.to_string()), "/admin/users".to_owned())
            }
            Err(error) => {
                if error.is_service_failure() {
                    tracing::error!(user = %user, %error, "a reset email could not be triggered");
                }
                (Flash::Error(error.to_string()), user_page(user))
            }
        };
        let mut response = StatusCode::SEE_OTHER.into_response();
        if let Ok(location) = HeaderValue::from_str(&location) {
            response.headers_mut().insert(LOCATION, location);
        }
        match self.flashes.put(flash) {
            Some(id) => {
                let cookie = set_cookie(FLASH_COOKIE, &id, Some(Duration::from_secs(300)), self.secure);
                response.headers_mut().append(SET_COOKIE, cookie);
            }
            None => tracing::error!("the random source failed; the trigger's flash message is lost"),
        }
        response
    }
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
