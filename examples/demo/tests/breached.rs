//! Passwords found in known data breaches, through the demo's routes as in
//! `tests/demo.rs`: with the default setting the shipped list refuses a
//! password that the strength policy alone rates Strong, on the meter and
//! on save, and lets others through; `INZANT_BREACHED_PASSWORDS=off` checks
//! nothing; a mirror of one's own is read with its counts and the threshold,
//! and `INZANT_BREACH_UNAVAILABLE` decides when it cannot answer; a mirror
//! path that cannot be opened stops the binary with status 2, naming it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::process::Command;

use axum::http::StatusCode;
use common::*;
use inzant_reset_breach::{write_range_directory, write_sorted_file};
use inzant_reset_core::breach::{BreachPolicy, OnUnavailable, PasswordSha1};
use inzant_reset_demo::{BreachSource, demo_breached_passwords};
use serde_json::{Value, json};

/// In the demo's list (xkcd 936's example password, in every breach
/// corpus), yet zxcvbn alone scores it 4: "Strong".
const BREACHED_STRONG: &str = "Tr0ub4dor&3";
/// The README's example: in the list, and "Acceptable" for the policy alone.
const BREACHED_ACCEPTABLE: &str = "Summer2024!";
/// `refusal-breached` in `inzant-reset-core/locales/en.ftl`.
const REFUSED: &str = "This password has appeared in a data breach; choose another.";
/// `refusal-breach-check-unavailable`.
const UNCHECKED: &str = "could not be checked against known data breaches just now";
/// The unmet rule as the reset page lists it.
const UNMET_RULE: &str =
    "<li data-rule=\"not_breached\" class=\"unmet\">Not found in known data breaches</li>";

const SAM: &str = "sam.web@inzant.example";

/// The admin sends Sam Web (user 1002) a reset email; the email.
async fn sams_email(app: &TestApp) -> ReadEmail {
    let mut admin = app.admin().await;
    let before = app.mail_files();
    admin.trigger("1002", "reset").await;
    new_reset_email(app.mail.path(), &before)
}

/// What the meter's endpoint says about `password` for the link of `email`.
async fn rate(app: &TestApp, email: &ReadEmail, password: &str) -> Value {
    let path = format!("{}/strength", email.link_path);
    let answer = app.browser().post_json(&path, &json!({ "password": password }).to_string()).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    serde_json::from_str(&answer.body).unwrap()
}

/// Whether Sam can sign in to the website with `password`.
async fn sam_signs_in_with(app: &TestApp, password: &str) -> bool {
    app.browser().login(SAM, password).await.status == StatusCode::SEE_OTHER
}

#[test]
fn the_shipped_list_holds_common_breached_passwords_and_none_the_tests_save() {
    let list: Vec<&str> = demo_breached_passwords().collect();
    assert!(list.len() >= 36, "a few dozen passwords: {}", list.len());
    for breached in [BREACHED_STRONG, BREACHED_ACCEPTABLE, "Password1!", "Welcome@123", "Qwerty123!"] {
        assert!(list.contains(&breached), "{breached} is missing from breached-passwords.txt");
    }
    // What the demo's tests, the browser tests, scripts/chaos and the load test save.
    let saved = [
        NEW_PASSWORD,
        "Velvet-Harbour-Lantern-43",
        "Zq7!harbour-Lantern-velvet",
        "Something-Else-42!",
        "Binary-Test-Admin-Pass-42!",
        "Browser-Test-Admin-Pass-71!",
        "Chaos-Run-Admin-Pass-42!",
    ];
    for password in &list {
        assert!(!saved.contains(password), "{password} is saved by a test: keep it out of the list");
        assert!(!password.starts_with("Velvet-Harbour-"), "{password}: the load test's passwords");
        assert_eq!(*password, password.trim(), "no spaces around {password:?}");
    }
    let mut unique = list.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), list.len(), "no password twice");
}

#[tokio::test]
async fn by_default_a_breached_password_the_policy_rates_strong_is_refused_and_another_saves() {
    let app = app().await;
    assert!(app.demo.banner().contains("demo's list of"), "{}", app.demo.banner());
    let email = sams_email(&app).await;
    let page = app.browser().get(&email.link_path).await;
    assert!(
        page.body.contains("<li data-rule=\"not_breached\" class=\"\">Not found in known data breaches</li>"),
        "the rule is listed, not yet unmet: {}",
        page.body
    );

    // The meter: every other rule met and zxcvbn's score is Strong's, but
    // the password is in the list, so the one rule left unmet is that.
    let report = rate(&app, &email, BREACHED_STRONG).await;
    assert_eq!(report["unmet"], json!(["not_breached"]), "{report}");
    assert_eq!(report["score"], 4, "the policy alone rates it Strong: {report}");
    assert_eq!(report["acceptable"], false, "{report}");
    assert_eq!(report["label"], "Too Weak", "{report}");
    // The README's example, "Acceptable" for the policy alone.
    let report = rate(&app, &email, BREACHED_ACCEPTABLE).await;
    assert_eq!(report["unmet"], json!(["not_breached"]), "{report}");
    assert_eq!(report["score"], 2, "{report}");
    // Not in the list: nothing unmet.
    let report = rate(&app, &email, NEW_PASSWORD).await;
    assert_eq!(report["unmet"], json!([]), "{report}");
    assert_eq!(report["acceptable"], true, "{report}");

    // Save: refused with the sentence, the rule marked unmet, no attempt used.
    let refused = complete_reset(&app, &email, BREACHED_STRONG).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains(REFUSED), "{}", refused.body);
    assert!(refused.body.contains(UNMET_RULE), "{}", refused.body);
    assert!(refused.body.contains("5 code attempts left."), "no attempt used: {}", refused.body);
    assert!(!sam_signs_in_with(&app, BREACHED_STRONG).await);

    let saved = complete_reset(&app, &email, NEW_PASSWORD).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location(), "/login?reset=done");
    assert!(sam_signs_in_with(&app, NEW_PASSWORD).await);
}

#[tokio::test]
async fn with_the_check_off_the_breached_password_rates_strong_and_saves() {
    let app = app_with(|config| config.breached_passwords = BreachSource::Off).await;
    assert!(app.demo.banner().contains("INZANT_BREACHED_PASSWORDS=off"), "{}", app.demo.banner());
    let email = sams_email(&app).await;
    let page = app.browser().get(&email.link_path).await;
    assert!(!page.body.contains("not_breached"), "no breach rule listed: {}", page.body);

    let report = rate(&app, &email, BREACHED_STRONG).await;
    assert_eq!(report["label"], "Strong", "{report}");
    assert_eq!(report["unmet"], json!([]), "{report}");
    assert_eq!(report["acceptable"], true, "{report}");

    let saved = complete_reset(&app, &email, BREACHED_STRONG).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert!(sam_signs_in_with(&app, BREACHED_STRONG).await);
}

#[tokio::test]
async fn the_range_api_setting_builds_without_calling_out() {
    // Only built: a test here never reaches the real API.
    let app = app_with(|config| config.breached_passwords = BreachSource::Api).await;
    assert!(app.demo.banner().contains("Pwned Passwords range API"), "{}", app.demo.banner());
}

#[tokio::test]
async fn a_mirror_of_ones_own_is_read_with_its_counts_and_the_threshold() {
    // One sorted SHA1:COUNT file: the strong password seen 3 times, the README's 50.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pwned-passwords-sha1-ordered-by-hash.txt");
    let counts = [(BREACHED_STRONG, 3), (BREACHED_ACCEPTABLE, 50)];
    write_sorted_file(&file, counts.map(|(password, count)| (PasswordSha1::of(password), count))).unwrap();
    let app = app_with(|config| {
        config.breached_passwords = BreachSource::Mirror(file.clone());
        config.breach_policy = BreachPolicy::new(10, OnUnavailable::Allow);
    })
    .await;
    assert!(app.demo.banner().contains(&file.display().to_string()), "{}", app.demo.banner());
    let email = sams_email(&app).await;
    let report = rate(&app, &email, BREACHED_ACCEPTABLE).await;
    assert_eq!(report["unmet"], json!(["not_breached"]), "seen 50 times, threshold 10: {report}");
    let report = rate(&app, &email, BREACHED_STRONG).await;
    assert_eq!(report["unmet"], json!([]), "seen 3 times, under the threshold: {report}");
    let saved = complete_reset(&app, &email, BREACHED_STRONG).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
}

#[tokio::test]
async fn when_the_mirror_cannot_answer_refuse_asks_to_try_again_and_allow_saves() {
    for on_unavailable in [OnUnavailable::Refuse, OnUnavailable::Allow] {
        // A directory of range files, as the official downloader writes them.
        let dir = tempfile::tempdir().unwrap();
        write_range_directory(dir.path(), [(PasswordSha1::of(NEW_PASSWORD), 1), (PasswordSha1::of("x"), 1)])
            .unwrap();
        let app = app_with(|config| {
            config.breached_passwords = BreachSource::Mirror(dir.path().to_path_buf());
            config.breach_policy = BreachPolicy::new(1, on_unavailable);
        })
        .await;
        let email = sams_email(&app).await;
        // The range file the password's lookup reads goes away after the start-up check.
        let range = dir.path().join(format!("{}.txt", PasswordSha1::of(NEW_PASSWORD).prefix()));
        std::fs::remove_file(&range).unwrap();
        let answer = complete_reset(&app, &email, NEW_PASSWORD).await;
        match on_unavailable {
            OnUnavailable::Refuse => {
                assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE, "{}", answer.body);
                assert!(answer.body.contains(UNCHECKED), "{}", answer.body);
                assert!(!sam_signs_in_with(&app, NEW_PASSWORD).await);
            }
            OnUnavailable::Allow => {
                assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
                assert!(sam_signs_in_with(&app, NEW_PASSWORD).await);
            }
        }
    }
}

#[test]
fn a_mirror_path_that_cannot_be_opened_exits_with_status_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-mirror");
    let empty = dir.path().join("empty-mirror");
    std::fs::create_dir(&empty).unwrap();
    let truncated = dir.path().join("truncated.txt");
    std::fs::write(&truncated, "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:1\r\n5BAA61E4C9B93F3F06822")
        .unwrap();
    for (path, why) in
        [(&missing, "No such file or directory"), (&empty, "no range files"), (&truncated, "not SHA1:COUNT")]
    {
        let output = Command::new(env!("CARGO_BIN_EXE_inzant-reset-demo"))
            .env_clear()
            .current_dir(dir.path())
            .env("INZANT_LISTEN", "127.0.0.1:0")
            .env("INZANT_MAIL_DIR", dir.path().join("mail"))
            .env("INZANT_BREACHED_PASSWORDS", path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{}: {stderr}", path.display());
        for part in ["INZANT_BREACHED_PASSWORDS", &path.display().to_string(), why] {
            assert!(stderr.contains(part), "{part:?} missing from: {stderr}");
        }
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    for (name, value) in [("INZANT_BREACH_THRESHOLD", "0"), ("INZANT_BREACH_UNAVAILABLE", "sometimes")] {
        let output = Command::new(env!("CARGO_BIN_EXE_inzant-reset-demo"))
            .env_clear()
            .current_dir(dir.path())
            .env(name, value)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{name}={value}: {stderr}");
        assert!(stderr.contains(name), "{stderr}");
    }
}
