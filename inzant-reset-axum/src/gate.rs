//! Who is making an admin request: the host's [`AdminGate`], an
//! [`ExtractorGate`] over any of its extractors, and the [`Credentials`]
//! that decide whether the request's origin is checked.

use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use inzant_reset_core::service::TriggerReceipt;
use inzant_reset_core::status::CancelReceipt;
use inzant_reset_core::user::UserId;

#[cfg(doc)]
use crate::WebSettings;
use crate::admin;
use crate::answer::Answer;
use async_trait::async_trait;

/// How an admin request proves who sent it, which decides whether its
/// origin is checked ([`AdminGate::credentials`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Credentials {
    /// Credentials the browser attaches by itself: session cookies, HTTP
    /// Basic or Negotiate, client certificates. A foreign page can make the
    /// browser send them, so the admin POSTs must come from the public
    /// URL's origin or from [`WebSettings::allow_admin_origins`].
    Ambient,
    /// Credentials the client had to add to this very request itself (an
    /// `Authorization: Bearer …` token, an API key header) and nothing the
    /// browser adds: a foreign page cannot forge them, so the origin is not
    /// checked.
    Explicit,
}

impl Credentials {
    /// [`Credentials::Explicit`] when the request carries exactly one
    /// `Authorization: Bearer …` header and no `Cookie` header (so whatever
    /// the gate reads, it cannot be the browser's session);
    /// [`Credentials::Ambient`] otherwise.
    pub fn bearer(headers: &HeaderMap) -> Self {
        let mut authorization = headers.get_all(AUTHORIZATION).iter();
        let bearer = authorization.next().is_some_and(|value| {
            let value = value.as_bytes();
            value.len() > 7 && value[..7].eq_ignore_ascii_case(b"bearer ")
        });
        if bearer && authorization.next().is_none() && !headers.contains_key(COOKIE) {
            Self::Explicit
        } else {
            Self::Ambient
        }
    }
}

/// The host's word on who is making an admin request, and how to answer it.
#[async_trait]
pub trait AdminGate: Send + Sync + 'static {
    /// How this request's sender is identified, asked before anything else
    /// on the admin POSTs: [`Credentials::Ambient`] (the default) has the
    /// origin checked, [`Credentials::Explicit`] does not. Answer `Explicit`
    /// only when [`AdminGate::actor`] will then identify the admin by those
    /// explicit credentials alone, never by a cookie
    /// ([`Credentials::bearer`] makes sure no cookie came).
    fn credentials(&self, parts: &Parts) -> Credentials {
        let _ = parts;
        Credentials::Ambient
    }

    /// Who is making this admin request, read with the host's own
    /// extractors (`AuthSession::from_request_parts(parts, &state)`); or the
    /// host's own answer for everyone else — a redirect to its login page, a
    /// 403, or a 503 when its session store is down. The service then checks
    /// that this user may do it (its `Authorization`).
    async fn actor(&self, parts: &mut Parts) -> Result<UserId, Response>;

    /// The answer to a trigger. The default is JSON: `200` with `request`,
    /// `purpose`, `sent_to` and `expires_at`, or an error status with
    /// `{"error": "…"}` ([`Answer::message`]). Hosts with HTML admin pages
    /// usually put the message in their session as a flash (through
    /// `parts`) and redirect back to the user's page instead.
    async fn triggered(&self, parts: &mut Parts, answer: Answer<'_, TriggerReceipt>) -> Response {
        let _ = parts;
        admin::json_answer(answer)
    }

    /// The answer to a cancel. The default is JSON: `200` with `request`,
    /// `user` and `state`, or an error status (409 when nothing was live)
    /// with `{"error": "…"}`.
    async fn cancelled(&self, parts: &mut Parts, answer: Answer<'_, CancelReceipt>) -> Response {
        let _ = parts;
        admin::cancel_json(answer)
    }
}

/// An [`AdminGate`] from any of the host's extractors: `to_actor` turns
/// what the extractor gives into the admin's id, or the host's own answer
/// (anything `IntoResponse`: a `Redirect` to its login page, a status).
/// The extractor's own rejection is answered as it is. Triggers are
/// answered with JSON; implement [`AdminGate`] to answer otherwise.
///
/// With axum-login: `ExtractorGate::new((), |auth: AuthSession<Backend>| …)`.
/// For API clients with bearer tokens: [`ExtractorGate::bearer`].
pub struct ExtractorGate<E, S, F, R> {
    state: S,
    to_actor: F,
    credentials: CredentialRule,
    types: PhantomData<fn() -> (E, R)>,
}

/// How an [`ExtractorGate`] judges [`AdminGate::credentials`].
#[derive(Clone, Copy)]
enum CredentialRule {
    Ambient,
    Bearer,
    Custom(fn(&Parts) -> Credentials),
}

impl<E, S, F, R> ExtractorGate<E, S, F, R>
where
    F: Fn(E) -> Result<UserId, R>,
{
    /// Runs extractor `E` with the host's `state` (often `()`), then
    /// `to_actor`. Every request counts as [`Credentials::Ambient`] (a cookie
    /// session): the admin POSTs must come from an allowed origin.
    pub fn new(state: S, to_actor: F) -> Self {
        Self { state, to_actor, credentials: CredentialRule::Ambient, types: PhantomData }
    }

    /// Like [`ExtractorGate::new`], for an extractor that reads a bearer
    /// token: requests judged [`Credentials::bearer`] (an `Authorization:
    /// Bearer …` header and no cookies) are accepted from any origin; the
    /// others are checked like cookie sessions.
    ///
    /// ```
    /// use axum::http::{HeaderMap, StatusCode, header};
    /// use inzant_reset_axum::ExtractorGate;
    /// use inzant_reset_core::user::UserId;
    ///
    /// let gate = ExtractorGate::bearer((), |headers: HeaderMap| {
    ///     let token = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    ///     match token.and_then(|t| t.strip_prefix("Bearer ")) {
    ///         Some("admin-token") => Ok(UserId::new("1")), // the host's own token check
    ///         _ => Err(StatusCode::UNAUTHORIZED),
    ///     }
    /// });
    /// # let _ = gate;
    /// ```
    pub fn bearer(state: S, to_actor: F) -> Self {
        Self { state, to_actor, credentials: CredentialRule::Bearer, types: PhantomData }
    }

    /// Judges [`AdminGate::credentials`] with `rule` (say, an API key
    /// header and no cookies), under the trait method's contract.
    pub fn credentials(mut self, rule: fn(&Parts) -> Credentials) -> Self {
        self.credentials = CredentialRule::Custom(rule);
        self
    }
}

/// The extractor's type and the credential rule; not the state.
impl<E, S, F, R> std::fmt::Debug for ExtractorGate<E, S, F, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let credentials = match self.credentials {
            CredentialRule::Ambient => "ambient",
            CredentialRule::Bearer => "bearer",
            CredentialRule::Custom(_) => "custom",
        };
        f.debug_struct("ExtractorGate")
            .field("extractor", &std::any::type_name::<E>())
            .field("credentials", &credentials)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl<E, S, F, R> AdminGate for ExtractorGate<E, S, F, R>
where
    E: FromRequestParts<S> + Send + 'static,
    S: Send + Sync + 'static,
    F: Fn(E) -> Result<UserId, R> + Send + Sync + 'static,
    R: IntoResponse + 'static,
{
    fn credentials(&self, parts: &Parts) -> Credentials {
        match self.credentials {
            CredentialRule::Ambient => Credentials::Ambient,
            CredentialRule::Bearer => Credentials::bearer(&parts.headers),
            CredentialRule::Custom(rule) => rule(parts),
        }
    }

    async fn actor(&self, parts: &mut Parts) -> Result<UserId, Response> {
        let extracted =
            E::from_request_parts(parts, &self.state).await.map_err(IntoResponse::into_response)?;
        (self.to_actor)(extracted).map_err(IntoResponse::into_response)
    }
}
