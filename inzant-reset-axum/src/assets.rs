//! The reset page's only script and style sheet, served from this origin.

use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;

const SCRIPT: &str = include_str!("../assets/reset.js");
const STYLE: &str = include_str!("../assets/reset.css");

pub(crate) async fn script() -> impl IntoResponse {
    ([(CONTENT_TYPE, "text/javascript; charset=utf-8")], SCRIPT)
}

pub(crate) async fn style() -> impl IntoResponse {
    ([(CONTENT_TYPE, "text/css; charset=utf-8")], STYLE)
}
