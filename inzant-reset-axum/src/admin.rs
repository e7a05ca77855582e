//! The admin's routes: the trigger (`POST /admin/users/{id}/reset-password`),
//! the status (`GET /admin/users/{id}/reset-status`) and the cancel
//! (`POST /admin/users/{id}/cancel-reset`). All go through the host's gate
//! and the service's authorization; the POSTs also refuse other origins
//! when the browser's own credentials came with them.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::{ORIGIN, RETRY_AFTER};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use inzant_reset_core::error::ResetError;
use inzant_reset_core::request::Purpose;
use inzant_reset_core::service::TriggerReceipt;
use inzant_reset_core::status::{CancelReceipt, Person, ResetStatus};
use inzant_reset_core::user::UserId;
use inzant_reset_core::words::{Text, Words};
use serde_json::json;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::form::{BodyRejected, Fields, FormError, ReadBody};
use crate::{Answer, Credentials, ResetWeb};

/// Everything but RFC 3986's unreserved characters is escaped in a path segment.
pub(crate) const SEGMENT: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Whether a request comes from the site's own origin, by the rule the
/// admin routes apply to their cookie-authenticated posts: one `Origin`
/// equal to `public_origin` (scheme, host and port, as
/// [`PublicUrl::origin`] gives it), or — when the browser sends no `Origin`
/// or `null` — `Sec-Fetch-Site: same-origin`. A request with two `Origin`
/// (or two `Sec-Fetch-Site`) headers is refused.
///
/// Hosts can apply the same rule to their own form posts, their sign-in
/// first: without it a foreign page can sign the victim's browser in to the
/// attacker's account (login CSRF) and watch what they type.
///
/// [`PublicUrl::origin`]: inzant_reset_core::url::PublicUrl::origin
pub fn is_same_origin(headers: &HeaderMap, public_origin: &str) -> bool {
    origin_allowed(headers, public_origin, &[])
}

/// The old name of [`is_same_origin`], which it always checked.
#[deprecated(since = "0.1.0", note = "renamed `is_same_origin`: it checks the origin, not the site")]
pub fn is_same_site(headers: &HeaderMap, public_origin: &str) -> bool {
    is_same_origin(headers, public_origin)
}

/// [`is_same_origin`], also accepting an `Origin` among `others` (checked,
/// lower-case origins). Those must send `Origin`: `Sec-Fetch-Site` only
/// vouches for the same origin.
pub(crate) fn origin_allowed(headers: &HeaderMap, public_origin: &str, others: &[String]) -> bool {
    let Some(origin) = single(headers, ORIGIN.as_str()) else {
        return false;
    };
    match origin.map(HeaderValue::as_bytes) {
        Some(b"null") | None => single(headers, "sec-fetch-site")
            .flatten()
            .is_some_and(|site| site.as_bytes().eq_ignore_ascii_case(b"same-origin")),
        Some(origin) => {
            origin.eq_ignore_ascii_case(public_origin.as_bytes())
                || others.iter().any(|other| origin.eq_ignore_ascii_case(other.as_bytes()))
        }
    }
}

/// The header `name` if sent at most once (`Some(None)` when absent);
/// `None` when it was sent twice or more.
fn single<'h>(headers: &'h HeaderMap, name: &str) -> Option<Option<&'h HeaderValue>> {
    let mut values = headers.get_all(name).iter();
    let first = values.next();
    values.next().is_none().then_some(first)
}

pub(crate) async fn trigger(
    State(web): State<ResetWeb>,
    Path(id): Path<String>,
    mut parts: Parts,
    ReadBody(body): ReadBody,
) -> Response {
    let inner = &web.inner;
    let words = crate::language::admin_words(&web, &parts.headers);
    let (admin, body) = match admin_post(&web, &mut parts, body).await {
        Ok(checked) => checked,
        Err(answer) => return answer,
    };
    let fields = match Fields::parse_form_or_json(&parts.headers, &body, &["purpose"]) {
        Ok(fields) => fields,
        Err(FormError::Empty) => Fields::default(),
        Err(error) => return refuse(error.status(), &words.text(error.text())),
    };
    // Missing, empty or unknown: nothing is sent on a guess.
    let purpose = match fields.get("purpose") {
        Some("reset") => Purpose::Reset,
        Some("create") => Purpose::Create,
        // Empty or unknown.
        Some(_) => return refuse(StatusCode::UNPROCESSABLE_ENTITY, &words.text(Text::UnknownPurpose)),
        // Not sent at all.
        None => return refuse(StatusCode::UNPROCESSABLE_ENTITY, &words.text(Text::MissingPurpose)),
    };
    let user = UserId::new(id);
    let outcome = inner.service.trigger(&admin, &user, purpose).await;
    inner.gate.triggered(&mut parts, Answer { user: &user, outcome, words }).await
}

/// What every admin post passes first, in this order: a body within the
/// limit, an allowed origin (unless the gate says the request carries no
/// ambient credentials), then the host's gate. The admin and the body, or
/// the answer to send.
async fn admin_post(
    web: &ResetWeb,
    parts: &mut Parts,
    body: Result<Bytes, BodyRejected>,
) -> Result<(UserId, Bytes), Response> {
    let inner = &web.inner;
    let words = crate::language::admin_words(web, &parts.headers);
    let Ok(body) = body else {
        return Err(refuse(StatusCode::PAYLOAD_TOO_LARGE, &words.text(Text::RequestTooLarge)));
    };
    let explicit = inner.gate.credentials(parts) == Credentials::Explicit;
    if !explicit && !origin_allowed(&parts.headers, inner.service.public_url().origin(), &inner.admin_origins)
    {
        return Err(refuse(StatusCode::FORBIDDEN, &words.text(Text::CrossSiteRefused)));
    }
    Ok((inner.gate.actor(parts).await?, body))
}

fn refuse(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

/// The answer to a refusal by the service: its status and `message`, and
/// for a refusal by the host's rule the action refused (`send`, `status`,
/// `cancel`) — nothing about the user, so that a missing id and another
/// tenant's user are answered alike.
fn refuse_error(error: &ResetError, message: &str) -> Response {
    let status = trigger_status(error);
    match error {
        ResetError::NotAllowed { action } => {
            (status, Json(json!({ "error": message, "action": action.as_str() }))).into_response()
        }
        _ => refuse(status, message),
    }
}

/// `POST …/cancel-reset`: stops the user's live reset.
pub(crate) async fn cancel(
    State(web): State<ResetWeb>,
    Path(id): Path<String>,
    mut parts: Parts,
    ReadBody(body): ReadBody,
) -> Response {
    let inner = &web.inner;
    let words = crate::language::admin_words(&web, &parts.headers);
    let admin = match admin_post(&web, &mut parts, body).await {
        Ok((admin, _)) => admin,
        Err(answer) => return answer,
    };
    let user = UserId::new(id);
    let outcome = inner.service.cancel(&admin, &user).await;
    inner.gate.cancelled(&mut parts, Answer { user: &user, outcome, words }).await
}

/// `GET …/reset-status`: where the user's latest reset stands, as JSON.
pub(crate) async fn status(
    State(web): State<ResetWeb>,
    Path(id): Path<String>,
    mut parts: Parts,
) -> Response {
    let inner = &web.inner;
    let words = crate::language::admin_words(&web, &parts.headers);
    let admin = match inner.gate.actor(&mut parts).await {
        Ok(admin) => admin,
        Err(answer) => return answer,
    };
    match inner.service.status(&admin, &UserId::new(id)).await {
        Ok(status) => Json(status_json(&status, &words)).into_response(),
        Err(error) => refuse_error(&error, &words.refusal(&error)),
    }
}

fn time_json(at: OffsetDateTime) -> serde_json::Value {
    match at.format(&Rfc3339) {
        Ok(text) => json!(text),
        Err(error) => {
            // Times here are within a year of now; this cannot fail, but says so if it does.
            tracing::error!(%error, "a time cannot be written as RFC 3339");
            serde_json::Value::Null
        }
    }
}

fn person_json(person: &Person) -> serde_json::Value {
    json!({ "id": person.id.as_str(), "name": person.name() })
}

/// The status as JSON: machine names and times, plus the words' labels.
pub(crate) fn status_json(status: &ResetStatus, words: &Words<'_>) -> serde_json::Value {
    let latest = status.latest.as_ref().map(|latest| {
        json!({
            "request": latest.request.to_string(),
            "purpose": latest.purpose.as_str(),
            "state": latest.state.as_str(),
            "state_label": words.request_state(latest.state),
            "live": latest.is_live(),
            "sent_at": time_json(latest.sent_at),
            "sent_by": person_json(&latest.sent_by),
            "sent_to": latest.sent_to,
            "expires_at": time_json(latest.expires_at),
            "attempts_used": latest.attempts_used,
            "attempts_left": latest.attempts_left,
            "ended_at": latest.ended_at.map(time_json),
            "completed_at": latest.completed_at().map(time_json),
        })
    });
    let recent: Vec<serde_json::Value> = status
        .recent
        .iter()
        .map(|event| {
            let by = event.actor.as_ref().map(Person::name);
            let text = words.password_event(event.kind, by.unwrap_or(""));
            json!({
                "at": time_json(event.at),
                "kind": event.kind.as_str(),
                "text": text,
                "request": event.request.to_string(),
                "actor": event.actor.as_ref().map(person_json),
            })
        })
        .collect();
    json!({ "user": status.user.as_str(), "latest": latest, "recent": recent })
}

/// The default answer to a cancel: JSON.
pub(crate) fn cancel_json(answer: Answer<'_, CancelReceipt>) -> Response {
    let message = answer.message();
    match answer.outcome {
        Ok(receipt) => Json(json!({
            "request": receipt.request.to_string(),
            "user": receipt.user.as_str(),
            "state": "cancelled",
            "message": message,
        }))
        .into_response(),
        Err(error) => refuse_error(&error, &message),
    }
}

/// The HTTP status for a refusal of an admin action.
pub(crate) fn trigger_status(error: &ResetError) -> StatusCode {
    match error {
        ResetError::NotAllowed { .. } => StatusCode::FORBIDDEN,
        ResetError::UnknownUser => StatusCode::NOT_FOUND,
        ResetError::HasPassword { .. } | ResetError::NothingToCancel => StatusCode::CONFLICT,
        ResetError::Cooldown { .. } | ResetError::DailyLimit { .. } => StatusCode::TOO_MANY_REQUESTS,
        // The mail system is down or slow: like a database outage, a 503 the admin may retry.
        ResetError::MailFailed { .. } => StatusCode::SERVICE_UNAVAILABLE,
        error if error.is_service_failure() => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// The default answer to a trigger: JSON for scripts and API clients.
pub(crate) fn json_answer(answer: Answer<'_, TriggerReceipt>) -> Response {
    let message = answer.message();
    match answer.outcome {
        Ok(receipt) => Json(json!({
            "request": receipt.request.to_string(),
            "user": receipt.user.as_str(),
            "purpose": receipt.purpose.as_str(),
            "sent_to": receipt.sent_to,
            "expires_at": time_json(receipt.expires_at),
            "message": message,
        }))
        .into_response(),
        Err(error) => {
            let mut response = refuse_error(&error, &message);
            if let ResetError::Cooldown { retry_after_secs } = error {
                response.headers_mut().insert(RETRY_AFTER, HeaderValue::from(retry_after_secs));
            }
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn same_origin_posts_come_from_the_public_origin() {
        let origin = "https://sales.example.com";
        assert!(is_same_origin(&headers(&[("origin", "https://sales.example.com")]), origin));
        assert!(is_same_origin(&headers(&[("origin", "null"), ("sec-fetch-site", "same-origin")]), origin));
        assert!(is_same_origin(&headers(&[("sec-fetch-site", "same-origin")]), origin));
        for refused in [
            headers(&[("origin", "https://evil.example")]),
            headers(&[("origin", "https://evil.example"), ("sec-fetch-site", "same-origin")]),
            headers(&[("origin", "null")]),
            headers(&[("sec-fetch-site", "cross-site")]),
            headers(&[("sec-fetch-site", "same-site")]),
            headers(&[]),
            headers(&[("origin", "https://sales.example.com"), ("origin", "https://evil.example")]),
            headers(&[("origin", "https://sales.example.com"), ("origin", "https://sales.example.com")]),
            headers(&[("sec-fetch-site", "same-origin"), ("sec-fetch-site", "cross-site")]),
        ] {
            assert!(!is_same_origin(&refused, origin), "{refused:?}");
        }
        #[allow(deprecated)]
        let old_name = is_same_site(&headers(&[("origin", "https://sales.example.com")]), origin);
        assert!(old_name);
    }

    #[test]
    fn allowed_origins_must_send_their_origin() {
        let origin = "https://sales.example.com";
        let others = ["https://admin.example.com".to_owned()];
        assert!(origin_allowed(&headers(&[("origin", "https://Admin.example.com")]), origin, &others));
        assert!(origin_allowed(&headers(&[("origin", origin)]), origin, &others));
        for refused in [
            headers(&[("origin", "https://evil.example")]),
            headers(&[("origin", "https://admin.example.com.evil.example")]),
            headers(&[("origin", "https://admin.example.com"), ("origin", "https://admin.example.com")]),
            headers(&[("sec-fetch-site", "same-site")]),
        ] {
            assert!(!origin_allowed(&refused, origin, &others), "{refused:?}");
        }
    }
}
