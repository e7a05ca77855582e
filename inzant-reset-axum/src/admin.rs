//! The admin trigger: `POST /admin/users/{id}/reset-password`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::header::{ORIGIN, RETRY_AFTER};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use inzant_reset_core::error::ResetError;
use inzant_reset_core::request::Purpose;
use inzant_reset_core::service::TriggerReceipt;
use inzant_reset_core::user::UserId;
use inzant_reset_core::words::{Text, Wording};
use serde_json::json;
use time::format_description::well_known::Rfc3339;

use crate::ResetWeb;
use crate::form::{Fields, FormError};

/// Whether the request comes from the site itself: an `Origin` equal to the
/// public origin, or — when browsers send no usable `Origin` — a
/// `Sec-Fetch-Site: same-origin`.
pub(crate) fn is_same_site(parts: &Parts, public_origin: &str) -> bool {
    match parts.headers.get(ORIGIN).map(HeaderValue::as_bytes) {
        Some(b"null") | None => parts
            .headers
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
    let Ok(body) = body else {
        return refuse(StatusCode::PAYLOAD_TOO_LARGE, &words.text(Text::RequestTooLarge));
    };
    if !is_same_site(&parts, inner.service.public_url().origin()) {
        return refuse(StatusCode::FORBIDDEN, &words.text(Text::CrossSiteRefused));
    }
    let admin = match inner.gate.actor(&mut parts).await {
        Ok(admin) => admin,
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
    if let Err(error) = &outcome
        && error.is_service_failure()
    {
        tracing::error!(user = %user, %error, "a reset email could not be triggered");
    }
    inner.gate.triggered(&mut parts, &user, outcome, words).await
}

fn refuse(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

/// The HTTP status for a trigger refusal.
pub(crate) fn trigger_status(error: &ResetError) -> StatusCode {
    match error {
        ResetError::NotAllowed => StatusCode::FORBIDDEN,
        ResetError::UnknownUser => StatusCode::NOT_FOUND,
        ResetError::Cooldown { .. } | ResetError::DailyLimit { .. } => StatusCode::TOO_MANY_REQUESTS,
        ResetError::MailFailed { .. } => StatusCode::BAD_GATEWAY,
        error if error.is_service_failure() => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// The default answer to a trigger: JSON for scripts and API clients.
pub(crate) fn json_answer(
    _user: &UserId,
    outcome: Result<TriggerReceipt, ResetError>,
    words: &dyn Wording,
) -> Response {
    match outcome {
        Ok(receipt) => match receipt.expires_at.format(&Rfc3339) {
            Ok(expires_at) => Json(json!({
                "request": receipt.request.to_string(),
                "purpose": receipt.purpose.as_str(),
                "sent_to": receipt.sent_to,
                "expires_at": expires_at,
            }))
            .into_response(),
            Err(error) => {
                // The email went out; only this answer cannot say until when.
                tracing::error!(%error, "a trigger's expiry time cannot be written as RFC 3339");
                Json(json!({
                    "request": receipt.request.to_string(),
                    "purpose": receipt.purpose.as_str(),
                    "sent_to": receipt.sent_to,
                }))
                .into_response()
            }
        },
        Err(error) => {
            let mut response = refuse(trigger_status(&error), &words.refusal(&error));
            if let ResetError::Cooldown { retry_after_secs } = error {
                response.headers_mut().insert(RETRY_AFTER, HeaderValue::from(retry_after_secs));
            }
            response
        }
    }
}
