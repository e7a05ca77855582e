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
    // INZANT_TEST_SMTP_URL and INZANT_TEST_MAILDIR, or aiosmtpd started for this test binary.
    let server = inzant_reset_test_support::smtp();
    (server.url.clone(), server.maildir.join("new"))
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

/// The admin clicks Reset Password for Sam while the mail server is down:
/// a 503 page saying the email could not be sent, and a way back.
async fn trigger_while_mail_is_down(app: &TestApp) {
    let mut admin = app.admin().await;
    let answer = admin.post_form("/admin/users/1002/reset-password", &[("purpose", "reset")]).await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE, "{}", answer.body);
    assert!(
        answer.body.contains("The email could not be sent to sam.web@inzant.example; no reset is pending."),
        "{}",
        answer.body
    );
    assert!(answer.body.contains("href=\"/admin/users/1002\""), "{}", answer.body);
    let details = admin.get("/admin/users/1002").await;
    assert!(!details.body.contains("class=\"flash"), "nothing is flashed for an outage: {}", details.body);
}

#[tokio::test]
async fn a_refusing_mail_server_is_a_503_for_the_admin() {
    // Nothing listens on port 1 of loopback: the send fails fast.
    let app =
        app_with(|config| config.mail = MailSetting::Smtp(SmtpUrl("smtp://127.0.0.1:1".to_owned()))).await;
    trigger_while_mail_is_down(&app).await;
}

#[tokio::test]
async fn a_mail_server_that_never_answers_is_a_503_within_the_smtp_timeout() {
    // Accepts connections and never says a word (not even the greeting).
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", silent.local_addr().unwrap());
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((stream, _)) = silent.accept().await {
            open.push(stream);
        }
    });
    let app = app_with(|config| {
        config.mail = MailSetting::Smtp(SmtpUrl(url));
        config.smtp_timeout = Duration::from_millis(300);
    })
    .await;
    // Bounded only against a hang; the SMTP timeout is what ends the wait.
    tokio::time::timeout(Duration::from_secs(20), trigger_while_mail_is_down(&app))
        .await
        .expect("the trigger is answered once the SMTP timeout passes");
    held.abort();
}
