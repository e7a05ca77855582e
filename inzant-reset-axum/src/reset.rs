//! The user's side: the reset page, submit, the strength meter and the
//! device users' confirmation page.

use std::time::Instant;

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::header::{LOCATION, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use inzant_reset_core::error::ResetError;
use inzant_reset_core::policy::{Rule, StrengthReport};
use inzant_reset_core::secret::LinkToken;
use inzant_reset_core::service::{Destination, OpenedRequest, SubmitForm};
use inzant_reset_core::words::{Text, Words};
use maud::Markup;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::json;

use crate::ResetWeb;
use crate::form::{BodyRejected, Fields, FormError, ReadBody, content_type_is, is_form};
use crate::language;
use crate::limit::Cached;
use crate::pages::{self, Chrome, FormView, LanguageLink};

const SUBMIT_FIELDS: &[&str] = &["code", "new_password", "confirm_password"];

fn page(status: StatusCode, markup: Markup) -> Response {
    (status, Html(markup.into_string())).into_response()
}

/// The status for a refusal of the reset flow.
fn status_of(error: &ResetError) -> StatusCode {
    match error {
        ResetError::UnknownLink => StatusCode::NOT_FOUND,
        // The form comes back with "try again": nothing the person typed was wrong.
        ResetError::BreachCheckUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        error if error.is_service_failure() => StatusCode::SERVICE_UNAVAILABLE,
        error if error.is_dead_link() => StatusCode::GONE,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

impl ResetWeb {
    fn chrome<'a>(&'a self, words: Words<'a>, headers: &'a HeaderMap) -> Chrome<'a> {
        Chrome { words, layout: self.inner.settings.layout.as_ref(), headers }
    }

    /// The words of a reset's pages: its own language.
    fn words_of(&self, opened: &OpenedRequest) -> Words<'_> {
        self.inner.service.words(&opened.language)
    }

    /// Every language the reset page can switch to, each named in itself.
    fn language_links(&self) -> Vec<LanguageLink> {
        let service = &self.inner.service;
        service
            .catalogues()
            .languages()
            .map(|tag| LanguageLink {
                tag: tag.to_owned(),
                name: service.words(tag).text(Text::LanguageName),
            })
            .collect()
    }
}

/// The page for a link that cannot be used, in the language of the reset
/// behind it (or, for an unknown link, the browser's).
async fn refusal_page(web: &ResetWeb, headers: &HeaderMap, token: &str, error: &ResetError) -> Response {
    let service = &web.inner.service;
    let known = match error {
        ResetError::UnknownLink => None,
        _ => service.language_of(token).await.ok().flatten(),
    };
    let words = match &known {
        Some(tag) => service.words(tag),
        None => language::page_words(web, headers, None),
    };
    let chrome = web.chrome(words, headers);
    let markup = if error.is_service_failure() {
        pages::unavailable(&chrome, error)
    } else {
        pages::dead_link(&chrome, error)
    };
    page(status_of(error), markup)
}

/// GET: the form for a live link, or a page saying why the link is dead.
/// Reads only (but for `?lang=`, the person's choice of language), so mail
/// scanners that fetch links change nothing.
pub(crate) async fn show(
    State(web): State<ResetWeb>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let service = &web.inner.service;
    let opened = match language::requested(&web, query.as_deref()) {
        Some(chosen) => {
            let opened = service.choose_language(&token, chosen).await;
            if let (Ok(_), Some(link)) = (&opened, LinkToken::parse(&token)) {
                // The meter's cached facts hold the old language.
                web.inner.opened.forget(link.digest().as_bytes());
            }
            opened
        }
        None => service.open(&token).await,
    };
    render_form(&web, &headers, &token, opened, StatusCode::OK, None, Vec::new(), String::new()).await
}

/// What the form says above itself when it comes back, worded in the
/// reset's language when the page is rendered.
enum Said<'e> {
    Refusal(&'e ResetError),
    Text(Text),
}

/// Renders the form for `token` with `message`, or the dead-link page.
async fn form_again(
    web: &ResetWeb,
    headers: &HeaderMap,
    token: &str,
    status: StatusCode,
    message: Option<Said<'_>>,
    unmet: Vec<Rule>,
    code: String,
) -> Response {
    let opened = web.inner.service.open(token).await;
    render_form(web, headers, token, opened, status, message, unmet, code).await
}

#[allow(clippy::too_many_arguments)]
async fn render_form(
    web: &ResetWeb,
    headers: &HeaderMap,
    token: &str,
    opened: Result<OpenedRequest, ResetError>,
    status: StatusCode,
    message: Option<Said<'_>>,
    unmet: Vec<Rule>,
    code: String,
) -> Response {
    match opened {
        Ok(opened) => {
            let words = web.words_of(&opened);
            let message = message.map(|said| match said {
                Said::Refusal(error) => words.refusal(error),
                Said::Text(text) => words.text(text),
            });
            let languages = web.language_links();
            let view = FormView {
                opened: &opened,
                policy: web.inner.service.policy(),
                message,
                unmet,
                code,
                languages,
            };
            page(status, pages::reset_form(&web.chrome(web.words_of(&opened), headers), &view))
        }
        Err(error) => refusal_page(web, headers, token, &error).await,
    }
}

/// POST: the code and the new password twice.
pub(crate) async fn submit(
    State(web): State<ResetWeb>,
    Path(token): Path<String>,
    headers: HeaderMap,
    ReadBody(body): ReadBody,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) => {
            // Only a password far over the maximum makes a form this big.
            let too_long = ResetError::TooLong { max: web.inner.service.policy().max_length };
            let message = if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Said::Refusal(&too_long)
            } else {
                Said::Text(Text::FormMalformed)
            };
            return form_again(
                &web,
                &headers,
                &token,
                rejection.status(),
                Some(message),
                Vec::new(),
                String::new(),
            )
            .await;
        }
    };
    let mut fields = match Fields::parse(&headers, &body, SUBMIT_FIELDS) {
        Ok(fields) => fields,
        Err(FormError::Empty) => Fields::default(),
        Err(error) => {
            let words = link_words(&web, &headers, &token).await;
            let message = words.text(error.text());
            return page(error.status(), pages::bad_request(&web.chrome(words, &headers), &message));
        }
    };
    let code = fields.take("code").unwrap_or_default();
    let form = SubmitForm {
        code: SecretString::from(code.clone()),
        new_password: SecretString::from(fields.take("new_password").unwrap_or_default()),
        confirm_password: SecretString::from(fields.take("confirm_password").unwrap_or_default()),
    };
    match web.inner.service.submit(&token, &form).await {
        Ok(outcome) => match outcome.destination {
            Destination::LoginPage => {
                see_other(&web.inner.settings.after_reset_url.replace("{lang}", &outcome.language))
            }
            // Relative to /password-reset/{token}, so it works under any
            // prefix; the page has no reset behind it, so it is told the language.
            Destination::DeviceApps => see_other(&format!("complete?lang={}", outcome.language)),
        },
        Err(error) if error.is_dead_link() || error.is_service_failure() => {
            refusal_page(&web, &headers, &token, &error).await
        }
        Err(error) => {
            let unmet = match &error {
                ResetError::TooWeak(report) => report.unmet().to_vec(),
                _ => Vec::new(),
            };
            // A code that is not six digits is not kept: it is what was wrong.
            let kept = if matches!(error, ResetError::InvalidCode) { String::new() } else { code };
            form_again(&web, &headers, &token, status_of(&error), Some(Said::Refusal(&error)), unmet, kept)
                .await
        }
    }
}

/// What to tell someone whose body could not be read: only a password far
/// over the maximum makes a form too large.
fn unreadable_body(web: &ResetWeb, words: &Words<'_>, rejection: &BodyRejected) -> String {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        words.refusal(&ResetError::TooLong { max: web.inner.service.policy().max_length })
    } else {
        words.text(Text::FormMalformed)
    }
}

/// The words for an answer about link `token` before it was opened: the
/// reset's language, or the browser's for an unknown link.
async fn link_words<'a>(web: &'a ResetWeb, headers: &HeaderMap, token: &str) -> Words<'a> {
    match web.inner.service.language_of(token).await {
        Ok(Some(tag)) => web.inner.service.words(&tag),
        _ => language::page_words(web, headers, None),
    }
}

fn see_other(location: &str) -> Response {
    // A login URL with control characters cannot be a header; send the user
    // to the site's root rather than fail after their password was saved.
    let location = HeaderValue::from_str(location).unwrap_or(HeaderValue::from_static("/"));
    (StatusCode::SEE_OTHER, [(LOCATION, location)]).into_response()
}

#[derive(Deserialize)]
struct StrengthInput {
    password: String,
}

fn json_error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

/// The JSON the meter reads.
pub(crate) fn report_json(report: &StrengthReport, words: &Words<'_>) -> serde_json::Value {
    let level = report.level();
    json!({
        "level": level.as_str(),
        "label": words.strength_label(level),
        "class": level.css_class(),
        "acceptable": report.is_acceptable(),
        "score": report.score(),
        "unmet": report.unmet().iter().map(|rule| rule.as_str()).collect::<Vec<_>>(),
        "warning": report.warning().map(|warning| words.feedback(warning)),
        "suggestions": report.suggestions().iter().map(|s| words.feedback(s)).collect::<Vec<_>>(),
    })
}

/// POST: rates a password for this link's user, as the user types.
pub(crate) async fn strength(
    State(web): State<ResetWeb>,
    Path(token): Path<String>,
    headers: HeaderMap,
    ReadBody(body): ReadBody,
) -> Response {
    // Answers before the link is opened speak the browser's language: the
    // meter's hot path reads nothing more to find the reset's.
    let browser = || language::page_words(&web, &headers, None);
    let body = match body {
        Ok(body) => body,
        Err(rejection) => {
            return json_error(rejection.status(), &unreadable_body(&web, &browser(), &rejection));
        }
    };
    let password = if content_type_is(&headers, "application/json") {
        match serde_json::from_slice::<StrengthInput>(&body) {
            Ok(input) => input.password,
            // For developers calling the endpoint by hand: the page's script always sends this shape.
            Err(_) => return json_error(StatusCode::BAD_REQUEST, "Send JSON like {\"password\": \"…\"}."),
        }
    } else if is_form(&headers) {
        match Fields::parse(&headers, &body, &["password"]) {
            Ok(mut fields) => fields.take("password").unwrap_or_default(),
            Err(FormError::Empty) => String::new(),
            Err(error) => return json_error(error.status(), &browser().text(error.text())),
        }
    } else {
        return json_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "Send JSON or a form with a password field.");
    };
    let password = SecretString::from(password);

    let Some(link) = LinkToken::parse(&token) else {
        return json_error(StatusCode::NOT_FOUND, &browser().refusal(&ResetError::UnknownLink));
    };
    let inner = &web.inner;
    let digest = *link.digest().as_bytes();
    let now = Instant::now();
    if let Err(wait) = inner.limiter.allow(digest, now) {
        let mut answer =
            json_error(StatusCode::TOO_MANY_REQUESTS, &browser().text(Text::TooManyStrengthChecks));
        let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
        answer.headers_mut().insert(RETRY_AFTER, HeaderValue::from(seconds));
        return answer;
    }
    let opened = match inner.opened.get(&digest, now) {
        Cached::Fresh(opened) => opened,
        Cached::Refresh(opened) => {
            // Read again off the keystroke's path: the answer uses the copy.
            let (web, token) = (web.clone(), token.clone());
            tokio::spawn(async move {
                let started = Instant::now();
                match web.inner.service.open(&token).await {
                    Ok(opened) => web.inner.opened.refreshed(digest, opened, started),
                    // A dead link: the next check says so.
                    Err(error) if !error.is_service_failure() => web.inner.opened.forget(&digest),
                    // The store did not answer: the copy still dies at one second.
                    Err(_) => {}
                }
            });
            opened
        }
        Cached::Missing => match inner.service.open(&token).await {
            Ok(opened) => {
                inner.opened.put(digest, opened.clone(), now);
                opened
            }
            Err(error) => return json_error(status_of(&error), &browser().refusal(&error)),
        },
    };
    let words = web.words_of(&opened);
    let policy = inner.service.policy();
    if policy.is_too_long(password.expose_secret()) {
        let mut body = report_json(&policy.rate(password.expose_secret(), &[]), &words);
        body["error"] = json!(words.refusal(&ResetError::TooLong { max: policy.max_length }));
        return (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response();
    }
    let report = inner.service.rate(&opened, &password).await;
    Json(report_json(&report, &words)).into_response()
}

/// GET: the device users' confirmation page.
/// It has no reset behind it: `?lang=` (set by the submit's redirect) or
/// the browser says which language it speaks.
pub(crate) async fn complete_page(
    State(web): State<ResetWeb>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let words = language::page_words(&web, &headers, query.as_deref());
    page(StatusCode::OK, pages::device_complete(&web.chrome(words, &headers)))
}
