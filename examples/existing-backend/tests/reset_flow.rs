//! The whole reset flow through Harbour Supply's own pages, on a real
//! PostgreSQL: the admin signs in with the app's login, sends a reset from an
//! account's page, the email waits in the app's outbox in the app's words,
//! the reset page sits in the app's layout, and the new password signs in
//! through the app's login. Plus what must hold around it: app tokens
//! revoked, other sessions signed out, only admins from this site, the
//! library's tables apart from the app's, and no half state when the
//! database connection dies mid-completion.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use axum::http::StatusCode;
use common::{ADMIN_PASSWORD, Harbour, resolve};
use inzant_existing_backend::accounts::Kind;
use inzant_existing_backend::seed::ADMIN_EMAIL;
use inzant_reset_axum::RESET_PAGE_CSP;
use serde_json::json;

const OLD_PASSWORD: &str = "Anchor-Rope-1987!";
const NEW_PASSWORD: &str = "Velvet-Harbour-Lantern-42";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_resets_a_web_users_password_through_the_apps_pages() {
    let harbour = Harbour::start().await;
    let sam = harbour.account("sam@harbour.example", Kind::Web, "Sam Web", OLD_PASSWORD).await;
    let mut sam_elsewhere = harbour.signed_in("sam@harbour.example", OLD_PASSWORD).await;
    assert_eq!(sam_elsewhere.get("/").await.status, StatusCode::OK);

    // The admin signs in through the app's login and sends the reset from Sam's page.
    let mut admin = harbour.browser();
    let signed_in = admin.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!((signed_in.status, signed_in.location()), (StatusCode::SEE_OTHER, "/accounts"));
    assert!(admin.get("/accounts").await.body.contains("sam@harbour.example"));
    let sent = admin.send_reset(sam).await;
    assert_eq!((sent.status, sent.location()), (StatusCode::SEE_OTHER, format!("/accounts/{sam}").as_str()));
    let page = admin.get(&format!("/accounts/{sam}")).await;
    assert!(page.body.contains("A password reset email was sent to sam@harbour.example."), "{}", page.body);

    // The email waits in the app's outbox, to the username, in the app's words.
    let mail = harbour.last_mail_to("sam@harbour.example").await;
    assert_eq!(mail.category, "password");
    assert_eq!(mail.subject, "Harbour Supply: choose your password (sam@harbour.example)");
    assert!(mail.body_text.contains("Our back office asked us to send you a link"), "{}", mail.body_text);
    assert!(mail.body_text.contains("contact the Harbour Supply help desk (help@harbour.example)"));
    assert!(mail.body_html.as_deref().is_some_and(|html| html.contains("Our back office asked us")));
    let (link, code) = mail.link_and_code();

    // The reset page sits in the app's layout, with the library's form and headers.
    let mut sam_browser = harbour.browser();
    let form = sam_browser.get(&link).await;
    assert_eq!(form.status, StatusCode::OK);
    for part in [
        "<title>Reset your password · Harbour Supply</title>",
        "<link rel=\"stylesheet\" href=\"/static/app.css\">",
        "<header class=\"topbar\">",
        "Help desk: help@harbour.example",
        "class=\"inzant-reset\"",
        "name=\"code\"",
        "name=\"new_password\"",
        "name=\"confirm_password\"",
    ] {
        assert!(form.body.contains(part), "{part} missing from the reset page: {}", form.body);
    }
    assert_eq!(form.header("content-security-policy"), RESET_PAGE_CSP);
    assert_eq!(form.header("referrer-policy"), "no-referrer");

    // Saving leads to the app's login, where the new password works and the old one does not.
    let saved = sam_browser.save_password(&link, &code, NEW_PASSWORD).await;
    assert_eq!(
        (saved.status, saved.location()),
        (StatusCode::SEE_OTHER, "/login?reset=done"),
        "{}",
        saved.body
    );
    assert!(sam_browser.get(saved.location()).await.body.contains("Your new password is saved."));
    let old = harbour.browser().sign_in("sam@harbour.example", OLD_PASSWORD).await;
    assert_eq!(old.status, StatusCode::OK);
    assert!(old.body.contains("Wrong email or password."));
    let new = harbour.browser().sign_in("sam@harbour.example", NEW_PASSWORD).await;
    assert_eq!((new.status, new.location()), (StatusCode::SEE_OTHER, "/"));

    // The session opened with the old password is over, and Sam was told.
    let elsewhere = sam_elsewhere.get("/").await;
    assert_eq!((elsewhere.status, elsewhere.location()), (StatusCode::SEE_OTHER, "/login?next=/"));
    let notice = harbour.last_mail_to("sam@harbour.example").await;
    assert_eq!(notice.subject, "Your Harbour Supply password was changed (sam@harbour.example)");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_accounts_reset_revokes_its_app_tokens() {
    let harbour = Harbour::start().await;
    let tablet = harbour.account("tablet-9@harbour.example", Kind::Device, "Tablet 9", OLD_PASSWORD).await;
    let mut app = harbour.browser();
    let sign_in = json!({ "login_email": "tablet-9@harbour.example", "password": OLD_PASSWORD });
    let signed_in = app.post_json("/api/sign-in", sign_in.clone()).await;
    assert_eq!(signed_in.status, StatusCode::OK, "{}", signed_in.body);
    let token = serde_json::from_str::<serde_json::Value>(&signed_in.body).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(app.get_with_token("/api/me", &token).await.status, StatusCode::OK);

    harbour.admin().await.send_reset(tablet).await;
    let (link, code) = harbour.last_mail_to("tablet-9@harbour.example").await.link_and_code();
    let mut device_user = harbour.browser();
    let saved = device_user.save_password(&link, &code, NEW_PASSWORD).await;
    let next = resolve(&link, saved.location());
    assert_eq!((saved.status, next.as_str()), (StatusCode::SEE_OTHER, "/password-reset/complete?lang=en"));
    let done = device_user.get(&next).await;
    assert!(
        done.body.contains("<header class=\"topbar\">")
            && done.body.contains("Use your new password to sign in to Harbour Supply."),
        "{}",
        done.body
    );

    assert_eq!(app.get_with_token("/api/me", &token).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.post_json("/api/sign-in", sign_in).await.status, StatusCode::UNAUTHORIZED);
    let with_new = json!({ "login_email": "tablet-9@harbour.example", "password": NEW_PASSWORD });
    assert_eq!(app.post_json("/api/sign-in", with_new).await.status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_whose_locale_is_german_gets_its_email_and_pages_in_german() {
    let harbour = Harbour::start().await;
    let jonas = harbour.account("jonas@harbour.example", Kind::Web, "Jonas Weber", OLD_PASSWORD).await;
    sqlx::query("UPDATE accounts SET locale = 'de' WHERE account_id = $1")
        .bind(jonas)
        .execute(harbour.pool())
        .await
        .unwrap();

    // The admin reads English; Jonas's email is German, in the library's German words.
    let mut admin = harbour.admin().await;
    admin.send_reset(jonas).await;
    let page = admin.get(&format!("/accounts/{jonas}")).await;
    assert!(page.body.contains("A password reset email was sent to jonas@harbour.example."), "{}", page.body);
    let mail = harbour.last_mail_to("jonas@harbour.example").await;
    assert_eq!(mail.subject, "Passwort für Harbour Supply zurücksetzen (jonas@harbour.example)");
    for german in [
        "Guten Tag Jonas Weber,",
        "ein Administrator hat veranlasst, dass das Passwort Ihres Kontos jonas@harbour.example bei \
         Harbour Supply zurückgesetzt wird.",
        "Um ein neues Passwort zu wählen, öffnen Sie diesen Link:",
        "und geben Sie diesen Code ein:",
    ] {
        assert!(mail.body_text.contains(german), "{german:?} missing from:\n{}", mail.body_text);
    }
    assert!(!mail.body_text.contains("Our back office asked us"), "our English rewording stays English");

    // Its page speaks German inside our (English) layout, and so does the notice.
    let (link, code) = mail.link_and_code();
    let mut browser = harbour.browser();
    let form = browser.get(&link).await;
    assert_eq!(form.status, StatusCode::OK);
    for part in
        ["<div lang=\"de\" dir=\"ltr\">", "<h1>Passwort zurücksetzen</h1>", "Neues Passwort speichern"]
    {
        assert!(form.body.contains(part), "{part} missing from the reset page: {}", form.body);
    }
    let saved = browser.save_password(&link, &code, NEW_PASSWORD).await;
    assert_eq!(
        (saved.status, saved.location()),
        (StatusCode::SEE_OTHER, "/login?reset=done"),
        "{}",
        saved.body
    );
    let notice = harbour.last_mail_to("jonas@harbour.example").await;
    assert_eq!(notice.subject, "Ihr Passwort für Harbour Supply wurde geändert (jonas@harbour.example)");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_signed_in_admin_on_this_site_can_send_a_reset() {
    let harbour = Harbour::start().await;
    let sam = harbour.account("sam@harbour.example", Kind::Web, "Sam Web", OLD_PASSWORD).await;
    let trigger = format!("/accounts/{sam}/reset-password");
    let reset = [("purpose", "reset")];

    let anonymous = harbour.browser().post_form(&trigger, &reset).await;
    assert_eq!((anonymous.status, anonymous.location()), (StatusCode::SEE_OTHER, "/login"));
    let mut web_user = harbour.signed_in("sam@harbour.example", OLD_PASSWORD).await;
    let refused = web_user.post_form(&trigger, &reset).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.body.contains("<header class=\"topbar\">") && refused.body.contains("Not allowed"));
    let cross_site =
        harbour.admin().await.post_form_from("https://elsewhere.example", &trigger, &reset).await;
    assert_eq!(cross_site.status, StatusCode::FORBIDDEN);

    let queued: i64 =
        sqlx::query_scalar("SELECT count(*) FROM outbox").fetch_one(harbour.pool()).await.unwrap();
    assert_eq!(queued, 0, "no email was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_for_no_such_account_is_answered_on_the_accounts_list() {
    let harbour = Harbour::start().await;
    let mut admin = harbour.admin().await;
    // The id reaches the app's answer as typed in the URL, a line break included.
    for id in ["999999", "%0Anot-a-number"] {
        let answer =
            admin.post_form(&format!("/accounts/{id}/reset-password"), &[("purpose", "reset")]).await;
        assert_eq!((answer.status, answer.location()), (StatusCode::SEE_OTHER, "/accounts"));
        assert!(admin.get("/accounts").await.body.contains("That user does not exist."));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_librarys_tables_live_in_their_own_schema() {
    let harbour = Harbour::start().await;
    let tables: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_schema::text, table_name::text FROM information_schema.tables \
         WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2",
    )
    .fetch_all(harbour.pool())
    .await
    .unwrap();
    let ours: Vec<&str> =
        tables.iter().filter(|(schema, _)| schema == "public").map(|(_, table)| table.as_str()).collect();
    assert_eq!(ours, ["_sqlx_migrations", "accounts", "api_tokens", "outbox"]);
    assert!(tables.iter().all(|(schema, _)| schema == "public" || schema == "inzant_reset"), "{tables:?}");
    assert!(tables.contains(&("inzant_reset".to_owned(), "reset_requests".to_owned())), "{tables:?}");
}

/// Polls until a backend waits on a lock `blocker` holds, and returns it.
/// Bounded only as a safety net against hanging; nothing is asserted about time.
async fn backend_waiting_on(observer: &sqlx::PgPool, blocker: i32) -> i32 {
    for _ in 0..6000 {
        let waiting: Option<i32> = sqlx::query_scalar(
            "SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid)) LIMIT 1",
        )
        .bind(blocker)
        .fetch_optional(observer)
        .await
        .unwrap();
        if let Some(pid) = waiting {
            return pid;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the completion never waited on the account's row");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backend_killed_mid_completion_leaves_the_account_and_the_link_as_they_were() {
    let harbour = Harbour::start().await;
    let sam = harbour.account("sam@harbour.example", Kind::Web, "Sam Web", OLD_PASSWORD).await;
    let old_hash = harbour.pwd_hash(sam).await;
    harbour.admin().await.send_reset(sam).await;
    let (link, code) = harbour.last_mail_to("sam@harbour.example").await.link_and_code();

    // Another session holds Sam's row, so the completion marks the request
    // completed in its transaction and then waits to write pwd_hash...
    let observer = harbour.observer().await;
    let mut blocker = observer.begin().await.unwrap();
    let blocker_pid: i32 =
        sqlx::query_scalar("SELECT pg_backend_pid()").fetch_one(&mut *blocker).await.unwrap();
    sqlx::query("SELECT 1 FROM accounts WHERE account_id = $1 FOR UPDATE")
        .bind(sam)
        .execute(&mut *blocker)
        .await
        .unwrap();
    let submitting = {
        let (mut browser, link, code) = (harbour.browser(), link.clone(), code.clone());
        tokio::spawn(async move { browser.save_password(&link, &code, NEW_PASSWORD).await })
    };
    let victim = backend_waiting_on(&observer, blocker_pid).await;

    // ...when its connection is killed.
    let killed: bool = sqlx::query_scalar("SELECT pg_terminate_backend($1)")
        .bind(victim)
        .fetch_one(&observer)
        .await
        .unwrap();
    assert!(killed);
    blocker.rollback().await.unwrap();
    let answer = submitting.await.unwrap();
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE, "{}", answer.body);

    // No half state: the password is the old one and the request is still live.
    assert_eq!(harbour.pwd_hash(sam).await, old_hash);
    let state: String = sqlx::query_scalar("SELECT state FROM inzant_reset.reset_requests")
        .fetch_one(harbour.pool())
        .await
        .unwrap();
    assert_eq!(state, "issued");
    let mut sam_browser = harbour.browser();
    assert_eq!(sam_browser.get(&link).await.status, StatusCode::OK, "the link still opens the form");
    assert_eq!(
        harbour.browser().sign_in("sam@harbour.example", OLD_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );

    // The same link and code then complete.
    let saved = sam_browser.save_password(&link, &code, NEW_PASSWORD).await;
    assert_eq!(
        (saved.status, saved.location()),
        (StatusCode::SEE_OTHER, "/login?reset=done"),
        "{}",
        saved.body
    );
    assert_ne!(harbour.pwd_hash(sam).await, old_hash);
    assert_eq!(
        harbour.browser().sign_in("sam@harbour.example", NEW_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}
