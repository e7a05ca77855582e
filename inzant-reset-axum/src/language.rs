//! Which language a page or an answer speaks.
//!
//! A reset's pages speak the language stored with the reset (chosen from the
//! person when the email was sent, or by them with the page's language
//! switch); pages without a reset behind them — an unknown link, the device
//! users' page — take `?lang=` or else the browser's `Accept-Language`; the
//! admin's answers follow the admin's browser. Never does the admin's
//! browser choose a person's language.

use axum::http::HeaderMap;
use axum::http::header::ACCEPT_LANGUAGE;
use inzant_reset_core::words::Words;

use crate::ResetWeb;

/// The `?lang=` of a query string, if it names a language of ours.
pub(crate) fn requested<'a>(web: &'a ResetWeb, query: Option<&str>) -> Option<&'a str> {
    let wanted = query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("lang="))
        .filter(|value| !value.is_empty() && value.len() <= 35)?;
    let catalogues = web.inner.service.catalogues();
    let chosen = catalogues.choose(Some(wanted));
    // `choose` falls back to the default: only a real match counts.
    let exact = catalogues.languages().any(|tag| tag.eq_ignore_ascii_case(wanted));
    (exact || chosen != catalogues.default_language()).then_some(chosen)
}

/// The browser's language, as far as we speak it; else the default.
pub(crate) fn browser<'a>(web: &'a ResetWeb, headers: &HeaderMap) -> &'a str {
    let catalogues = web.inner.service.catalogues();
    match headers.get(ACCEPT_LANGUAGE).and_then(|value| value.to_str().ok()) {
        Some(header) => catalogues.choose_from_header(header),
        None => catalogues.default_language(),
    }
}

/// The words of the admin's answers: the admin's own browser language.
pub(crate) fn admin_words<'a>(web: &'a ResetWeb, headers: &HeaderMap) -> Words<'a> {
    web.inner.service.words(browser(web, headers))
}

/// The words of a page without a reset behind it.
pub(crate) fn page_words<'a>(web: &'a ResetWeb, headers: &HeaderMap, query: Option<&str>) -> Words<'a> {
    let tag = requested(web, query).unwrap_or_else(|| browser(web, headers));
    web.inner.service.words(tag)
}
