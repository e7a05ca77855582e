//! The page the reset pages' content sits in: the host's own layout, or
//! [`StandaloneLayout`].

use std::fmt;

use axum::http::HeaderMap;
use maud::{DOCTYPE, Markup, html};

/// One reset page, ready to be wrapped in a layout. Everything is already
/// escaped markup or plain text that maud escapes when rendered.
#[derive(Clone)]
pub struct Page<'a> {
    /// The `<title>`, product name included ("Reset your password – Inzant Sales").
    pub title: &'a str,
    /// The page's name alone ("Reset your password"), for layouts that
    /// build their own titles.
    pub name: &'a str,
    /// The language of the words, for `<html lang>`: `de`.
    pub language: &'a str,
    /// Their writing direction, for `<html dir>`: `ltr` or `rtl`.
    pub direction: &'a str,
    /// What goes in `<head>`: the pages' style sheet and script (same
    /// origin, relative URLs). Include it, or the strength meter does not
    /// run. Both elements are also allowed in `<body>`, so a layout without
    /// a head slot can render `(page.head) (page.body)` where its content goes.
    pub head: Markup,
    /// The content: one `<div class="inzant-reset">` with a heading, the
    /// message and the form. Flow content, so it fits in the host's `<main>`.
    pub body: Markup,
    /// The headers of the request the page answers, for a layout that
    /// depends on the visitor: a language from `Accept-Language`, a theme
    /// cookie, whether the host's own session cookie is there. (The link's
    /// token is in the path, and the code and passwords in the body: none
    /// is here.)
    pub headers: &'a HeaderMap,
}

/// Everything but the request's headers, which may hold the host's session
/// cookie.
impl fmt::Debug for Page<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Page")
            .field("title", &self.title)
            .field("name", &self.name)
            .field("language", &self.language)
            .field("direction", &self.direction)
            .field("head", &self.head)
            .field("body", &self.body)
            .field("headers", &format_args!("[{} headers]", self.headers.len()))
            .finish()
    }
}

/// Wraps a reset page's content in a whole HTML document: the host's page
/// layout, with its header, navigation and footer.
///
/// Closures `Fn(Page<'_>) -> Markup` are layouts. Keep the reset pages'
/// security in mind: the pages are served with a Content-Security-Policy
/// that allows style sheets, scripts and images from the site itself only,
/// and no inline script or style (see [`crate::RESET_PAGE_CSP`]).
pub trait PageLayout: Send + Sync + 'static {
    /// The whole document for `page`.
    fn render(&self, page: Page<'_>) -> Markup;
}

impl<F> PageLayout for F
where
    F: Fn(Page<'_>) -> Markup + Send + Sync + 'static,
{
    fn render(&self, page: Page<'_>) -> Markup {
        self(page)
    }
}

/// The default layout: the content alone on a card, centred, readable on a
/// phone, a tablet or a desktop.
#[derive(Clone, Copy, Debug, Default)]
pub struct StandaloneLayout;

impl PageLayout for StandaloneLayout {
    fn render(&self, page: Page<'_>) -> Markup {
        html! {
            (DOCTYPE)
            html lang=(page.language) dir=(page.direction) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    meta name="referrer" content="no-referrer";
                    title { (page.title) }
                    (page.head)
                }
                body class="inzant-reset-page" {
                    main class="card" { (page.body) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use axum::http::header::COOKIE;

    #[test]
    fn a_pages_debug_output_leaves_out_the_requests_headers() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("host_session=s3cr3t"));
        let page = Page {
            title: "Reset your password – Acme",
            name: "Reset your password",
            language: "en",
            direction: "ltr",
            head: html! {},
            body: html! { p { "content" } },
            headers: &headers,
        };
        let debug = format!("{page:?}");
        assert!(debug.contains("Reset your password – Acme") && debug.contains("content"), "{debug}");
        assert!(debug.contains("[1 headers]"), "{debug}");
        assert!(!debug.contains("s3cr3t") && !debug.contains("host_session"), "{debug}");
    }
}
