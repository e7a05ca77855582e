//! The demo sending its emails through a real SMTP server (`SMTP_URL`):
//! `scripts/test` starts aiosmtpd on loopback, delivering into a maildir.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::http::StatusCode;
use common::*;
use inzant_reset_demo::{MailSetting, SmtpUrl};

fn smtp_server() -> (String, PathBuf) {
    let var = |name: &str| match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => value,
        _ => panic!(
            "{name} is not set: this test sends the demo's email through a real SMTP server. \
             Run `scripts/test`, which starts one (aiosmtpd) and sets INZANT_TEST_SMTP_URL and INZANT_TEST_MAILDIR."
        ),
    };
    (var("INZANT_TEST_SMTP_URL"), PathBuf::from(var("INZANT_TEST_MAILDIR")).join("new"))
}

fn delivered(dir: &Path) -> HashSet<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn reset_email_goes_through_smtp() {
    let (url, maildir) = smtp_server();
    let app = app_with(|config| config.mail = MailSetting::Smtp(SmtpUrl(url))).await;
    assert!(app.demo.mail_dir().is_none());
    let sam = "sam.web@inzant.example";

    let before = delivered(&maildir);
    let mut admin = app.admin().await;
    let page = admin.trigger("1002", "reset").await;
    assert!(
        page.body.contains("A password reset email was sent to sam.web@inzant.example."),
        "{}",
        page.body
    );

    let mut email = None;
    for _ in 0..100 {
        email = delivered(&maildir)
            .difference(&before)
            .filter_map(|path| parse_reset_email(path))
            .find(|email| email.to == sam);
        if email.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let email = email.expect("the reset email reached the SMTP server's maildir");
    let saved = complete_reset(&app, &email, NEW_PASSWORD).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let answer = app.browser().login(sam, NEW_PASSWORD).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_refusing_mail_server_is_reported_to_the_admin() {
    // Nothing listens on port 1 of loopback: the send fails fast.
    let app =
        app_with(|config| config.mail = MailSetting::Smtp(SmtpUrl("smtp://127.0.0.1:1".to_owned()))).await;
    let mut admin = app.admin().await;
    let page = admin.trigger("1002", "reset").await;
    assert!(page.body.contains("class=\"flash error\""), "{}", page.body);
    assert!(page.body.contains("The email could not be sent to sam.web@inzant.example"), "{}", page.body);
}
