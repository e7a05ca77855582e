//! One language per reset: chosen from the person when the admin sends it,
//! kept by every page of the link and both emails, switched only by the
//! person — never by the admin's browser. And every word comes from the
//! catalogues: a pseudo-language shows anything that does not.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use common::Answer;
use inzant_reset_axum::{ExtractorGate, ResetWeb, WebSettings};
use inzant_reset_core::hash::HashParams;
use inzant_reset_core::memory::{MemoryDirectory, MemoryOutbox, MemoryStore};
use inzant_reset_core::prelude::*;
use inzant_reset_core::words::Pseudo;
use secrecy::ExposeSecret;

const ORIGIN: &str = "https://sales.inzant.example";
const STRONG: &str = "Velvet-Harbour-Lantern-42";

struct App {
    router: Router,
    outbox: Arc<MemoryOutbox>,
}

fn person(id: &str, username: &str, name: &str, user_type: UserType, locale: Option<&str>) -> User {
    User {
        id: UserId::new(id),
        username: username.into(),
        display_name: name.into(),
        email_to: None,
        user_type,
        has_password: true,
        locale: locale.map(str::to_owned),
        tenant: None,
    }
}

fn app_with(catalogues: Catalogues) -> App {
    let directory = Arc::new(MemoryDirectory::new());
    for user in [
        person("1", "admin@inzant.example", "Ada Admin", UserType::Admin, Some("en")),
        person("2", "greta@inzant.example", "Greta Weber", UserType::Web, Some("de_DE")),
        person("3", "elena@inzant.example", "Elena Ruiz", UserType::Device, Some("es-MX")),
        person("4", "xavier@inzant.example", "Xavier Pseudo", UserType::Device, Some("en-XA")),
        person("5", "rami@inzant.example", "Rami Mirror", UserType::Web, Some("ar-XB")),
    ] {
        directory.insert(user);
    }
    let outbox = Arc::new(MemoryOutbox::new());
    let mut config = ResetConfig::new(ORIGIN);
    config.resend_cooldown = Duration::ZERO;
    let service = ResetService::builder(
        Arc::new(MemoryStore::new()),
        directory,
        outbox.clone(),
        CodeKeys::new(vec![7; 32], vec![]).unwrap(),
        config,
    )
    .catalogues(catalogues)
    .hash_params(HashParams::insecure_for_tests())
    .build()
    .unwrap();
    let gate = ExtractorGate::new((), |headers: HeaderMap| {
        headers.get("x-admin").and_then(|v| v.to_str().ok()).map(UserId::new).ok_or(StatusCode::FORBIDDEN)
    });
    let router = ResetWeb::new(Arc::new(service), Arc::new(gate), WebSettings::new("/login")).router();
    App { router, outbox }
}

fn app() -> App {
    app_with(Catalogues::shipped())
}

impl App {
    async fn call(&self, request: Request<Body>) -> Answer {
        common::call(&self.router, request).await
    }

    async fn get(&self, path: &str, accept_language: &str) -> Answer {
        let request =
            Request::get(path).header(header::ACCEPT_LANGUAGE, accept_language).body(Body::empty()).unwrap();
        self.call(request).await
    }

    /// The admin, whose browser speaks English, sends `user` a reset.
    async fn reset(&self, user: &str) -> (String, String, Answer) {
        let request = Request::post(format!("/admin/users/{user}/reset-password"))
            .header(header::ORIGIN, ORIGIN)
            .header("x-admin", "1")
            .header(header::ACCEPT_LANGUAGE, "en-US,en;q=0.9")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("purpose=reset"))
            .unwrap();
        let answer = self.call(request).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        let (token, code) = self.outbox.last_link_and_code().unwrap();
        (format!("/password-reset/{token}"), code, answer)
    }

    async fn submit(&self, path: &str, code: &str, new: &str, confirm: &str) -> Answer {
        let body = format!("code={code}&new_password={new}&confirm_password={confirm}");
        let request = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT_LANGUAGE, "en")
            .body(Body::from(body))
            .unwrap();
        self.call(request).await
    }

    async fn strength(&self, path: &str, password: &str) -> serde_json::Value {
        let request = Request::post(format!("{path}/strength"))
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT_LANGUAGE, "en")
            .body(Body::from(serde_json::json!({ "password": password }).to_string()))
            .unwrap();
        self.call(request).await.json()
    }
}

fn wrong(code: &str) -> String {
    let last = (code.as_bytes()[5] - b'0' + 1) % 10;
    format!("{}{last}", &code[..5])
}

#[tokio::test]
async fn a_german_person_reads_german_everywhere_though_the_admin_reads_english() {
    let app = app();
    let (path, code, sent) = app.reset("2").await;
    // The admin's own answer follows the admin's browser.
    assert_eq!(sent.json()["message"], "A password reset email was sent to greta@inzant.example.");
    // The person's email follows the person.
    let email = app.outbox.emails().pop().unwrap();
    assert_eq!(email.language, "de");
    assert!(email.subject.contains("Passwort"), "{}", email.subject);
    assert!(email.text.expose_secret().contains("Guten Tag Greta Weber"), "{}", email.text.expose_secret());

    // Every page of the link, whatever the browser says.
    let page = app.get(&path, "en-US,en;q=0.9").await;
    assert!(page.body.contains("<html lang=\"de\" dir=\"ltr\">"), "{}", page.body);
    assert!(page.body.contains(">Neues Passwort speichern</button>"), "{}", page.body);
    assert!(page.body.contains("Noch 5 Versuche"), "{}", page.body);
    assert_eq!(app.strength(&path, "abc").await["label"], "Zu schwach");

    let refused = app.submit(&path, &wrong(&code), STRONG, STRONG).await;
    assert!(refused.body.contains("Der Code ist falsch. Noch 4 Versuche."), "{}", refused.body);
    let mismatch = app.submit(&path, &code, STRONG, "Velvet-Harbour-Lantern-43").await;
    assert!(mismatch.body.contains("Die Passwörter stimmen nicht überein."), "{}", mismatch.body);

    let saved = app.submit(&path, &code, STRONG, STRONG).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let notice = app.outbox.emails().pop().unwrap();
    assert_eq!(notice.language, "de");
    assert!(notice.text.expose_secret().contains("geändert"), "{}", notice.text.expose_secret());

    // The used link says so in German too.
    let used = app.get(&path, "en").await;
    assert_eq!(used.status, StatusCode::GONE);
    assert!(used.body.contains("<html lang=\"de\""), "{}", used.body);
}

#[tokio::test]
async fn switching_language_keeps_the_link_and_the_attempts_and_sticks() {
    let app = app();
    let (path, code, _) = app.reset("2").await;
    app.submit(&path, &wrong(&code), STRONG, STRONG).await;

    let french = app.get(&format!("{path}?lang=fr"), "de").await;
    assert_eq!(french.status, StatusCode::OK);
    assert!(french.body.contains("<html lang=\"fr\""), "{}", french.body);
    assert!(french.body.contains("4 tentatives"), "the attempt count is unchanged: {}", french.body);
    assert!(french.body.contains("aria-current=\"true\">Français</a>"), "{}", french.body);

    // The plain link, the meter and the notice follow the choice.
    let again = app.get(&path, "de").await;
    assert!(again.body.contains("<html lang=\"fr\""), "{}", again.body);
    assert_eq!(app.strength(&path, "abc").await["label"], "Trop faible");
    // A language we do not speak changes nothing.
    let unknown = app.get(&format!("{path}?lang=xx"), "de").await;
    assert!(unknown.body.contains("<html lang=\"fr\""), "{}", unknown.body);

    let saved = app.submit(&path, &code, STRONG, STRONG).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(app.outbox.emails().pop().unwrap().language, "fr");
}

#[tokio::test]
async fn a_spanish_device_user_ends_on_the_device_page_in_spanish() {
    let app = app();
    let (path, code, _) = app.reset("3").await;
    assert_eq!(app.outbox.emails().pop().unwrap().language, "es");
    let saved = app.submit(&path, &code, STRONG, STRONG).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(saved.header(header::LOCATION), "complete?lang=es");
    let done = app.get("/password-reset/complete?lang=es", "en").await;
    assert!(done.body.contains("<html lang=\"es\""), "{}", done.body);
    assert!(done.body.contains("Inzant Sales Plus o Inzant Tradeshow"), "{}", done.body);
}

#[tokio::test]
async fn pages_without_a_reset_follow_the_browser() {
    let app = app();
    let unknown =
        app.get("/password-reset/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "fr-CH, de;q=0.5").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.body.contains("<html lang=\"fr\""), "{}", unknown.body);
    let done = app.get("/password-reset/complete", "es").await;
    assert!(done.body.contains("<html lang=\"es\""), "{}", done.body);
    let default = app.get("/password-reset/complete", "ja").await;
    assert!(default.body.contains("<html lang=\"en\""), "{}", default.body);
}

#[tokio::test]
async fn a_right_to_left_language_sets_the_pages_direction() {
    let app = app_with(Catalogues::builder().pseudo("ar-XB", Pseudo::Mirrored).build().unwrap());
    let (path, _, _) = app.reset("5").await;
    let page = app.get(&path, "en").await;
    assert!(page.body.contains("<html lang=\"ar-XB\" dir=\"rtl\">"), "{}", page.body);
    let email = app.outbox.emails().pop().unwrap();
    assert!(email.html.expose_secret().contains("dir=\"rtl\""));
}

// ---- Nothing escapes the catalogues ----

/// The text a person reads in an HTML document: text nodes and the
/// attributes people see or hear (`aria-label`, `placeholder`, `title`,
/// `alt`), without scripts, styles and the `<title>`'s duplicate.
fn visible_text(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        let text = &rest[..open];
        if !text.trim().is_empty() {
            out.push(text.trim().to_owned());
        }
        let Some(close) = rest[open..].find('>') else { break };
        let tag = &rest[open..open + close + 1];
        for attribute in [
            "aria-label=\"",
            "placeholder=\"",
            "title=\"",
            "alt=\"",
            "data-match-text=\"",
            "data-mismatch-text=\"",
        ] {
            if let Some(start) = tag.find(attribute) {
                let value = &tag[start + attribute.len()..];
                out.push(value[..value.find('"').unwrap_or(value.len())].to_owned());
            }
        }
        rest = &rest[open + close + 1..];
        for skipped in ["<script", "<style"] {
            if tag.starts_with(skipped) {
                let end = format!("</{}>", &skipped[1..]);
                rest = rest.find(&end).map_or("", |at| &rest[at..]);
            }
        }
    }
    out
}

/// Words of plain ASCII letters left once the facts (names, usernames, the
/// product, language names, codes, links, times' digits) are taken out: each
/// is a word that did not come from the pseudo-language's catalogue.
fn escaped_words(texts: &[String], facts: &[&str]) -> Vec<String> {
    let mut escaped = Vec::new();
    for text in texts {
        let mut text = text.clone();
        for fact in facts {
            text = text.replace(fact, " ");
        }
        for word in text.split(|c: char| !c.is_ascii_alphabetic()) {
            if word.len() >= 3 {
                escaped.push(word.to_owned());
            }
        }
    }
    escaped
}

#[tokio::test]
async fn every_page_and_both_emails_in_a_pseudo_language_come_from_the_catalogues() {
    let app = app_with(Catalogues::builder().pseudo("en-XA", Pseudo::Accented).build().unwrap());
    let (path, code, _) = app.reset("4").await;
    let facts: Vec<&str> = vec![
        "Xavier Pseudo",
        "xavier@inzant.example",
        "Inzant Sales Plus",
        "Inzant Tradeshow",
        "Inzant Sales",
        "English",
        "Deutsch",
        "Français",
        "Español",
        // The date: ICU writes month and weekday names in the language's
        // own style, English for the pseudo-language.
        "Friday",
        "Thursday",
        "Wednesday",
        "Tuesday",
        "Monday",
        "Saturday",
        "Sunday",
        "December",
        "November",
        "January",
        "UTC",
        "at",
        "AM",
        "PM",
    ];
    let mut pages = Vec::new();
    pages.push(app.get(&path, "en").await.body);
    pages.push(app.submit(&path, &wrong(&code), STRONG, STRONG).await.body);
    pages.push(app.submit(&path, &code, STRONG, "Velvet-Harbour-Lantern-43").await.body);
    pages.push(app.submit(&path, &code, "short", "short").await.body);
    pages.push(app.submit(&path, "12", STRONG, STRONG).await.body);
    assert_eq!(app.submit(&path, &code, STRONG, STRONG).await.status, StatusCode::SEE_OTHER);
    pages.push(app.get("/password-reset/complete?lang=en-XA", "en").await.body);
    pages.push(app.get(&path, "en").await.body); // used
    for page in &pages {
        assert!(page.contains("lang=\"en-XA\""), "{page}");
        let escaped = escaped_words(&visible_text(page), &facts);
        assert!(escaped.is_empty(), "words not from the catalogues: {escaped:?} in {page}");
    }
    let emails = app.outbox.emails();
    assert_eq!(emails.len(), 2, "the reset email and the notice");
    for email in &emails {
        let link = format!("{ORIGIN}{path}");
        let mut texts = vec![email.subject.clone()];
        texts.extend(email.text.expose_secret().lines().map(str::to_owned));
        texts.extend(visible_text(email.html.expose_secret()));
        let facts: Vec<&str> =
            [link.as_str(), code.as_str()].into_iter().chain(facts.iter().copied()).collect();
        let escaped = escaped_words(&texts, &facts);
        assert!(escaped.is_empty(), "words not from the catalogues in {}: {escaped:?}", email.subject);
    }
}
