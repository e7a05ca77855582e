//! The look of every page: [`layout`], the style sheet, the error pages and
//! the headers of the app's own pages.

use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};

use crate::accounts::{Account, Kind};
use crate::flash::Flash;

/// The product's name, in every title and the top bar.
pub const PRODUCT: &str = "Harbour Supply";

const STYLE_SHEET: &str = include_str!("../static/app.css");

/// A whole page: `title` (the product name is added), extra `head`
/// elements, the top bar for `viewer` (or a "Sign in" link), `flashes` and
/// the `content`.
pub fn layout(
    title: &str,
    head: Markup,
    viewer: Option<&Account>,
    flashes: &[Flash],
    content: Markup,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (PRODUCT) }
                link rel="stylesheet" href="/static/app.css";
                (head)
            }
            body {
                header class="topbar" {
                    a class="brand" href="/" { (PRODUCT) }
                    nav class="topnav" aria-label="Main" {
                        @match viewer {
                            Some(account) => {
                                @if account.kind == Kind::Admin {
                                    a href="/accounts" { "Accounts" }
                                }
                                span class="who" { (account.display_name) }
                                form method="post" action="/logout" class="inline" {
                                    button type="submit" class="link-button" { "Sign out" }
                                }
                            }
                            None => a href="/login" { "Sign in" },
                        }
                    }
                }
                main class="content" {
                    @for flash in flashes {
                        p class=(flash.class()) role="status" { (flash.text) }
                    }
                    (content)
                }
                footer class="footer" { (PRODUCT) " back office · Help desk: help@harbour.example" }
            }
        }
    }
}

/// `GET /static/app.css`.
pub async fn style_sheet() -> Response {
    (
        [
            (CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8")),
            (CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600")),
        ],
        STYLE_SHEET,
    )
        .into_response()
}

/// The app's own pages: styles and scripts from this site only, no
/// framing, and `Origin` sent on same-site form posts.
pub async fn page_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.entry(CONTENT_SECURITY_POLICY).or_insert(HeaderValue::from_static(
        "default-src 'self'; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'",
    ));
    headers.entry(REFERRER_POLICY).or_insert(HeaderValue::from_static("same-origin"));
    response
}

/// What went wrong, answered with the app's own error page.
#[derive(Debug)]
pub enum AppError {
    /// No such page or record.
    NotFound,
    /// Signed in, but not allowed here.
    Forbidden,
    /// The database (or something else the page needs) is down.
    Unavailable,
}

impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(%error, "database failure");
        Self::Unavailable
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, heading, advice) = match self {
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                "Page not found",
                "Check the address, or start again from the home page.",
            ),
            Self::Forbidden => (
                StatusCode::FORBIDDEN,
                "Not allowed",
                "Your account cannot open this page. Ask an administrator if you need it.",
            ),
            Self::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "Temporarily unavailable",
                "Harbour Supply cannot answer right now. Try again in a minute.",
            ),
        };
        let content = html! {
            section class="panel error-page" {
                h1 { (heading) }
                p { (advice) }
                p { a href="/" { "Home" } }
            }
        };
        (status, Html(layout(heading, html! {}, None, &[], content).into_string())).into_response()
    }
}

/// The fallback for unknown paths.
pub async fn not_found() -> AppError {
    AppError::NotFound
}
