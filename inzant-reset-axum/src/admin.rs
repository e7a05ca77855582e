//! The admin's routes: the trigger (`POST /admin/users/{id}/reset-password`),
//! the status (`GET /admin/users/{id}/reset-status`) and the cancel
//! (`POST /admin/users/{id}/cancel-reset`). All go through the host's gate
//! and the service's authorization; the POSTs also refuse other sites.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
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
use inzant_reset_core::words::{Text, Wording, fill};
use serde_json::json;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::form::{Fields, FormError};
use crate::{Answer, ResetWeb};

/// Everything but RFC 3986's unreserved characters is escaped in a path segment.
pub(crate) const SEGMENT: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Whether a request comes from the site itself, by the rule the admin
/// routes apply to their form posts: an `Origin` equal to `public_origin`
/// (scheme, host and port, as [`PublicUrl::origin`] gives it), or — when
/// the browser sends no `Origin` or `null` — `Sec-Fetch-Site: same-origin`.
///
/// Hosts can apply the same rule to their own form posts, their sign-in
/// first: without it a foreign page can sign the victim's browser in to the
/// attacker's account (login CSRF) and watch what they type.
///
/// [`PublicUrl::origin`]: inzant_reset_core::url::PublicUrl::origin
pub fn is_same_site(headers: &HeaderMap, public_origin: &str) -> bool {
    match headers.get(ORIGIN).map(HeaderValue::as_bytes) {
        Some(b"null") | None => headers
            .get("sec-fetch-site")
            .is_some_and(|site| site.as_bytes().eq_ignore_ascii_case(b"same-origin")),
        Some(origin) => origin.eq_ignore_ascii_case(public_origin.as_bytes()),
    }
}

pub(crate) async fn trigger(
    State(web): State<ResetWeb>,
    Path(id): Path<String>,
    mut parts: Parts,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let inner = &web.inner;
    let words = inner.service.wording();
    let (admin, body) = match admin_post(&web, &mut parts, body).await {
        Ok(checked) => checked,
        Err(answer) => return answer,
    };
    let purpose = match Fields::parse(&parts.headers, &body, &["purpose"]) {
        Ok(fields) => match fields.get("purpose").unwrap_or("reset") {
            "reset" => Purpose::Reset,
            "create" => Purpose::Create,
            _ => return refuse(StatusCode::UNPROCESSABLE_ENTITY, &words.text(Text::UnknownPurpose)),
        },
        Err(FormError::Empty) => Purpose::Reset,
        Err(error) => return refuse(error.status(), &words.text(error.text())),
    };
    let user = UserId::new(id);
    let outcome = inner.service.trigger(&admin, &user, purpose).await;
    log_service_failure(&outcome, &user, "a reset email could not be triggered");
    inner.gate.triggered(&mut parts, Answer { user: &user, outcome, words }).await
}

/// What every admin form post passes first, in this order: a body within
/// the limit, the public origin, then the host's gate. The admin and the
/// body, or the answer to send.
async fn admin_post(
    web: &ResetWeb,
    parts: &mut Parts,
    body: Result<Bytes, BytesRejection>,
) -> Result<(UserId, Bytes), Response> {
    let words = web.inner.service.wording();
    let Ok(body) = body else {
        return Err(refuse(StatusCode::PAYLOAD_TOO_LARGE, &words.text(Text::RequestTooLarge)));
    };
    if !is_same_site(&parts.headers, web.inner.service.public_url().origin()) {
        return Err(refuse(StatusCode::FORBIDDEN, &words.text(Text::CrossSiteRefused)));
    }
    Ok((web.inner.gate.actor(parts).await?, body))
}

/// Logs an admin action the service could not carry out (its store or
/// mailer failing), which the admin's answer only words.
fn log_service_failure<T>(outcome: &Result<T, ResetError>, user: &UserId, what: &str) {
    if let Err(error) = outcome
        && error.is_service_failure()
    {
        tracing::error!(user = %user, %error, "{what}");
    }
}

fn refuse(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

/// `POST …/cancel-reset`: stops the user's live reset.
pub(crate) async fn cancel(
    State(web): State<ResetWeb>,
    Path(id): Path<String>,
    mut parts: Parts,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let inner = &web.inner;
    let words = inner.service.wording();
    let admin = match admin_post(&web, &mut parts, body).await {
        Ok((admin, _)) => admin,
        Err(answer) => return answer,
    };
    let user = UserId::new(id);
    let outcome = inner.service.cancel(&admin, &user).await;
    log_service_failure(&outcome, &user, "a reset could not be cancelled");
    inner.gate.cancelled(&mut parts, Answer { user: &user, outcome, words }).await
}

/// `GET …/reset-status`: where the user's latest reset stands, as JSON.
pub(crate) async fn status(
    State(web): State<ResetWeb>,
    Path(id): Path<String>,
    mut parts: Parts,
) -> Response {
    let inner = &web.inner;
    let words = inner.service.wording();
    let admin = match inner.gate.actor(&mut parts).await {
        Ok(admin) => admin,
        Err(answer) => return answer,
    };
    match inner.service.status(&admin, &UserId::new(id)).await {
        Ok(status) => Json(status_json(&status, words)).into_response(),
        Err(error) => refuse(trigger_status(&error), &words.refusal(&error)),
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
pub(crate) fn status_json(status: &ResetStatus, words: &dyn Wording) -> serde_json::Value {
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
            let text = fill(&words.password_event(event.kind), |name| {
                (name == "by").then(|| by.unwrap_or("").to_owned())
            });
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
        Err(error) => refuse(trigger_status(&error), &message),
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
            let mut response = refuse(trigger_status(&error), &message);
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
            headers.insert(*name, HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn same_site_posts_come_from_the_public_origin() {
        let origin = "https://sales.example.com";
        assert!(is_same_site(&headers(&[("origin", "https://sales.example.com")]), origin));
        assert!(is_same_site(&headers(&[("origin", "null"), ("sec-fetch-site", "same-origin")]), origin));
        assert!(is_same_site(&headers(&[("sec-fetch-site", "same-origin")]), origin));
        for refused in [
            headers(&[("origin", "https://evil.example")]),
            headers(&[("origin", "https://evil.example"), ("sec-fetch-site", "same-origin")]),
            headers(&[("origin", "null")]),
            headers(&[("sec-fetch-site", "cross-site")]),
            headers(&[("sec-fetch-site", "same-site")]),
            headers(&[]),
        ] {
            assert!(!is_same_site(&refused, origin), "{refused:?}");
        }
    }
}
