//! One language per reset, end to end over HTTP on PostgreSQL: the language
//! is the person's (`User.locale`, stored in the demo's users table), chosen
//! when the admin sends the email and kept with the request; neither the
//! admin's browser nor the user's changes it, only the page's language
//! switch does. Every sentence checked here is a real one from the shipped
//! catalogues (`inzant-reset-core/locales/{de,fr,es}.ftl`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use axum::http::StatusCode;
use common::*;
use inzant_reset_demo::DatabaseUrl;
use mail_parser::MessageParser;
use sqlx::AssertSqlSafe;
use sqlx::postgres::PgPoolOptions;

const DANA: &str = "dana.device@inzant.example";
const ELENA: &str = "elena.device@inzant.example";

/// The demo on PostgreSQL, its library tables and its users table each in a
/// fresh schema; [`OnPostgres::drop_schemas`] removes them.
struct OnPostgres {
    app: TestApp,
    url: String,
    schemas: [String; 2],
}

impl OnPostgres {
    async fn start() -> Self {
        let url = inzant_reset_test_support::database_url();
        let schema = inzant_reset_test_support::unique_name("demo_languages");
        let users_schema = format!("{schema}_users");
        let app = app_with(|config| {
            config.database_url = Some(DatabaseUrl(url.clone()));
            config.database_schema = schema.clone();
            config.users_schema = users_schema.clone();
        })
        .await;
        assert!(app.demo.uses_postgres);
        Self { app, url, schemas: [schema, users_schema] }
    }

    /// The admin, signed in, whose browser asks for English.
    async fn english_admin(&self) -> Browser {
        let mut admin = self.app.admin().await;
        admin.accept_language = Some("en".to_owned());
        admin
    }

    /// A browser of the user's own that asks for English too.
    fn english_browser(&self) -> Browser {
        let mut browser = self.app.browser();
        browser.accept_language = Some("en-GB, en;q=0.9".to_owned());
        browser
    }

    async fn drop_schemas(self) {
        let pool = PgPoolOptions::new().max_connections(1).connect(&self.url).await.unwrap();
        for schema in &self.schemas {
            sqlx::query(AssertSqlSafe(format!("DROP SCHEMA \"{schema}\" CASCADE")))
                .execute(&pool)
                .await
                .unwrap();
        }
    }
}

/// An email as its reader sees it: the subject and the plain text.
#[derive(Debug)]
struct Mail {
    subject: String,
    text: String,
}

/// Every email in `dir` that was not in `before`.
fn new_mail(dir: &Path, before: &HashSet<PathBuf>) -> Vec<Mail> {
    mail_files(dir)
        .difference(before)
        .map(|path| {
            let bytes = std::fs::read(path).unwrap();
            let message = MessageParser::default().parse(&bytes).unwrap();
            Mail {
                subject: message.subject().unwrap_or("").to_owned(),
                text: message.body_text(0).map(|text| text.into_owned()).unwrap_or_default(),
            }
        })
        .collect()
}

/// The code with its first digit changed.
fn wrong(code: &str) -> String {
    let mut digits: Vec<u8> = code.bytes().collect();
    digits[0] = b'0' + (digits[0] - b'0' + 1) % 10;
    String::from_utf8(digits).unwrap()
}

/// The reset form posted with `code`, `password` and `confirm`.
async fn submit(browser: &mut Browser, link: &str, code: &str, password: &str, confirm: &str) -> Answer {
    let fields = [("code", code), ("new_password", password), ("confirm_password", confirm)];
    browser.post_form(link, &fields).await
}

fn assert_says(answer: &Answer, sentences: &[&str]) {
    for sentence in sentences {
        assert!(answer.body.contains(sentence), "{sentence:?} missing from:\n{}", answer.body);
    }
}

#[tokio::test]
async fn a_german_users_reset_speaks_german_whatever_the_browsers_ask_for() {
    let pg = OnPostgres::start().await;
    let app = &pg.app;
    let mut admin = pg.english_admin().await;
    let details = admin.get("/admin/users/1003").await;
    assert_says(&details, &["<dd id=\"user-language\" lang=\"de\">Deutsch</dd>"]);

    // The admin's answer is in the admin's language; Dana's email in Dana's.
    let before = app.mail_files();
    let page = admin.trigger("1003", "reset").await;
    assert_says(&page, &["A password reset email was sent to dana.device@inzant.example."]);
    let email = new_reset_email(app.mail.path(), &before);
    assert_eq!(email.to, DANA);
    assert_eq!(email.subject, "Passwort für Inzant Sales zurücksetzen (dana.device@inzant.example)");
    for sentence in [
        "Guten Tag Dana Device,",
        "ein Administrator hat veranlasst, dass das Passwort Ihres Kontos dana.device@inzant.example bei \
         Inzant Sales zurückgesetzt wird.",
        "Um ein neues Passwort zu wählen, öffnen Sie diesen Link:",
        "und geben Sie diesen Code ein:",
        "Link und Code können einmal verwendet werden und sind gültig bis",
    ] {
        assert!(email.text.contains(sentence), "{sentence:?} missing from:\n{}", email.text);
    }
    let validity = email.text.lines().find(|line| line.contains("gültig bis")).unwrap();
    let weekdays = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"];
    assert!(weekdays.iter().any(|day| validity.contains(day)), "a German date: {validity}");

    // Dana's browser asks for English; every page of the link is German.
    let mut dana = pg.english_browser();
    let form = dana.get(&email.link_path).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert_says(
        &form,
        &[
            "<html lang=\"de\" dir=\"ltr\">",
            "<h1>Passwort zurücksetzen</h1>",
            "Neues Passwort speichern",
            "Noch 5 Versuche für den Code.",
        ],
    );

    let refused = submit(&mut dana, &email.link_path, &wrong(&email.code), NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_says(
        &refused,
        &["<html lang=\"de\"", "Der Code ist falsch. Noch 4 Versuche.", "Noch 4 Versuche für den Code."],
    );

    let mismatch =
        submit(&mut dana, &email.link_path, &email.code, NEW_PASSWORD, "Velvet-Harbour-Lantern-43").await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_says(
        &mismatch,
        &["<html lang=\"de\"", "Die Passwörter stimmen nicht überein.", "Noch 4 Versuche für den Code."],
    );

    // Saved: the device users' page and the "password changed" notice are German too.
    let before_save = app.mail_files();
    let saved = submit(&mut dana, &email.link_path, &email.code, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(
        (saved.status, saved.location()),
        (StatusCode::SEE_OTHER, "complete?lang=de"),
        "{}",
        saved.body
    );
    let done = dana.get("/password-reset/complete?lang=de").await;
    assert_says(
        &done,
        &[
            "<html lang=\"de\"",
            "Ihr neues Passwort ist festgelegt",
            "Melden Sie sich mit Ihrem neuen Passwort bei Inzant Sales Plus oder Inzant Tradeshow an.",
        ],
    );
    let notices = new_mail(app.mail.path(), &before_save);
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(
        notices[0].subject,
        "Ihr Passwort für Inzant Sales wurde geändert (dana.device@inzant.example)"
    );
    assert!(notices[0].text.contains("Guten Tag Dana Device,"), "{}", notices[0].text);
    assert!(
        notices[0]
            .text
            .contains("das Passwort Ihres Kontos dana.device@inzant.example bei Inzant Sales wurde am"),
        "{}",
        notices[0].text
    );
    assert_eq!(app_sign_in(app, DANA, NEW_PASSWORD).await.status, StatusCode::OK);

    // The admin's view of it stays in the admin's language.
    let panel = admin.get("/admin/users/1003").await;
    assert_says(
        &panel,
        &["<section class=\"reset-panel\" aria-labelledby=\"reset-panel-heading\" lang=\"en\">", "Completed"],
    );
    pg.drop_schemas().await;
}

#[tokio::test]
async fn switching_to_french_mid_flow_keeps_the_link_and_its_attempts() {
    let pg = OnPostgres::start().await;
    let app = &pg.app;
    let mut admin = pg.english_admin().await;
    let before = app.mail_files();
    admin.trigger("1003", "reset").await;
    let email = new_reset_email(app.mail.path(), &before);
    let link = email.link_path.as_str();

    let mut dana = pg.english_browser();
    let refused = submit(&mut dana, link, &wrong(&email.code), NEW_PASSWORD, NEW_PASSWORD).await;
    assert_says(&refused, &["Der Code ist falsch. Noch 4 Versuche.", "Noch 4 Versuche für den Code."]);

    // The switch: the same link, in French, with as many attempts as before.
    let french = dana.get(&format!("{link}?lang=fr")).await;
    assert_eq!(french.status, StatusCode::OK, "{}", french.body);
    assert_says(
        &french,
        &[
            "<html lang=\"fr\" dir=\"ltr\">",
            "<h1>Réinitialiser votre mot de passe</h1>",
            "Il vous reste 4 tentatives pour le code.",
            "aria-current=\"true\">Français</a>",
        ],
    );

    // From now on the link speaks French, without asking again.
    let again = dana.get(link).await;
    assert_says(&again, &["<html lang=\"fr\"", "Il vous reste 4 tentatives pour le code."]);
    let strength = dana.post_json(&format!("{link}/strength"), "{\"password\": \"password\"}").await;
    let report: serde_json::Value = serde_json::from_str(&strength.body).unwrap();
    assert_eq!(report["label"], "Trop faible", "{}", strength.body);
    let refused = submit(&mut dana, link, &wrong(&email.code), NEW_PASSWORD, NEW_PASSWORD).await;
    assert_says(
        &refused,
        &[
            "<html lang=\"fr\"",
            "Le code est incorrect. Il vous reste 3 tentatives.",
            "Il vous reste 3 tentatives pour le code.",
        ],
    );

    let before_save = app.mail_files();
    let saved = submit(&mut dana, link, &email.code, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(
        (saved.status, saved.location()),
        (StatusCode::SEE_OTHER, "complete?lang=fr"),
        "{}",
        saved.body
    );
    let done = dana.get("/password-reset/complete?lang=fr").await;
    assert_says(&done, &["<html lang=\"fr\"", "Votre nouveau mot de passe est défini"]);
    let notices = new_mail(app.mail.path(), &before_save);
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(
        notices[0].subject,
        "Votre mot de passe Inzant Sales a été modifié (dana.device@inzant.example)"
    );
    pg.drop_schemas().await;
}

#[tokio::test]
async fn a_spanish_device_users_reset_ends_on_the_device_page_in_spanish() {
    let pg = OnPostgres::start().await;
    let app = &pg.app;
    let mut admin = pg.english_admin().await;
    let details = admin.get("/admin/users/1005").await;
    assert_says(&details, &["Elena Dispositivo", "<dd id=\"user-language\" lang=\"es\">Español</dd>"]);

    let before = app.mail_files();
    let page = admin.trigger("1005", "reset").await;
    assert_says(&page, &["A password reset email was sent to elena.device@inzant.example."]);
    let email = new_reset_email(app.mail.path(), &before);
    assert_eq!(email.to, ELENA);
    assert_eq!(email.subject, "Restablezca su contraseña de Inzant Sales (elena.device@inzant.example)");
    assert!(email.text.contains("Hola, Elena Dispositivo:"), "{}", email.text);

    let mut elena = pg.english_browser();
    let form = elena.get(&email.link_path).await;
    assert_says(
        &form,
        &["<html lang=\"es\"", "<h1>Restablecer su contraseña</h1>", "Guardar nueva contraseña"],
    );
    let saved = submit(&mut elena, &email.link_path, &email.code, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(
        (saved.status, saved.location()),
        (StatusCode::SEE_OTHER, "complete?lang=es"),
        "{}",
        saved.body
    );
    let done = elena.get("/password-reset/complete?lang=es").await;
    assert_says(
        &done,
        &[
            "<html lang=\"es\" dir=\"ltr\">",
            "Se ha establecido su nueva contraseña",
            "Use su nueva contraseña para iniciar sesión en Inzant Sales Plus o Inzant Tradeshow.",
        ],
    );
    assert_eq!(app_sign_in(app, ELENA, NEW_PASSWORD).await.status, StatusCode::OK);
    pg.drop_schemas().await;
}
