//! The demo end to end over HTTP (in memory, emails as `.eml` files).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use axum::http::StatusCode;
use common::*;

#[tokio::test]
async fn admin_and_web_users_sign_in_to_their_start_pages() {
    let app = app().await;
    let mut admin = app.browser();
    let answer = admin.login("admin@inzant.example", &app.password("admin@inzant.example")).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(answer.location(), "/admin/users");
    let cookie = answer.header("set-cookie");
    for attribute in ["inzant_session=", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "the test app is plain http");
    assert_eq!(admin.get("/").await.location(), "/admin/users");

    let mut sam = app.browser();
    // Usernames are matched ignoring case and surrounding spaces.
    let answer = sam.login(" Sam.Web@inzant.example ", &app.password("sam.web@inzant.example")).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(answer.location(), "/home");
    let home = sam.follow(&answer).await;
    assert!(home.body.contains("Welcome, Sam Web"), "{}", home.body);
    assert_eq!(sam.get("/").await.location(), "/home");
}

#[tokio::test]
async fn wrong_credentials_get_one_generic_error() {
    let app = app().await;
    let sam_password = app.password("sam.web@inzant.example");
    for (username, password) in [
        ("sam.web@inzant.example", "not-the-password"),
        ("nobody@inzant.example", sam_password.as_str()),
        ("nell.new@inzant.example", ""),
        ("nell.new@inzant.example", "anything"),
        ("", ""),
    ] {
        let mut browser = app.browser();
        let answer = browser.login(username, password).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{username}");
        assert!(answer.body.contains("The username or password is incorrect."), "{}", answer.body);
        assert!(answer.body.contains("Username") && answer.body.contains("Password"));
        assert!(browser.cookies.is_empty(), "no session for {username}");
    }
    // A huge password is refused, not hashed.
    let huge = "x".repeat(10_000);
    let answer = app.browser().login("sam.web@inzant.example", &huge).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn device_users_are_sent_to_the_apps() {
    let app = app().await;
    let mut browser = app.browser();
    let dana = "dana.device@inzant.example";
    let answer = browser.login(dana, &app.password(dana)).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert!(answer.body.contains("Inzant Sales Plus or Inzant Tradeshow app"), "{}", answer.body);
    assert!(browser.cookies.is_empty());
    // With a wrong password a device user gets the generic error.
    let answer = browser.login(dana, "wrong").await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert!(answer.body.contains("The username or password is incorrect."));
}

#[tokio::test]
async fn login_page_and_root() {
    let app = app().await;
    let mut browser = app.browser();
    let root = browser.get("/").await;
    assert_eq!(root.status, StatusCode::SEE_OTHER);
    assert_eq!(root.location(), "/login");
    let login = browser.get("/login").await;
    assert_eq!(login.status, StatusCode::OK);
    for text in
        ["<label for=\"username\">Username</label>", "<label for=\"password\">Password</label>", "Sign In"]
    {
        assert!(login.body.contains(text), "{}", login.body);
    }
    assert!(!login.body.contains("Your password has been changed"));
    let done = browser.get("/login?reset=done").await;
    assert!(done.body.contains("Your password has been changed. Sign in with your new password."));
    let odd = browser.get("/login?reset=done&reset=again").await;
    assert_ne!(odd.status, StatusCode::INTERNAL_SERVER_ERROR);
}

#[tokio::test]
async fn pages_opened_at_another_address_point_to_the_public_url() {
    let app = app().await;
    let mut browser = app.browser();
    let at = |host: &str| {
        axum::http::Request::get("/login").header("host", host).body(axum::body::Body::empty()).unwrap()
    };
    let elsewhere = browser.send(at("localhost:3000")).await;
    assert!(elsewhere.body.contains("different address than its public URL"), "{}", elsewhere.body);
    assert!(elsewhere.body.contains("href=\"http://demo.test/login\""), "{}", elsewhere.body);
    for host in ["demo.test", "DEMO.test:80"] {
        let here = browser.send(at(host)).await;
        assert!(!here.body.contains("different address"), "{host}");
    }
}

#[tokio::test]
async fn admin_pages_need_an_admin() {
    let app = app().await;
    let mut anonymous = app.browser();
    for path in ["/admin/users", "/admin/users/1002"] {
        let answer = anonymous.get(path).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(answer.location(), "/login");
    }
    let mut sam = app.signed_in("sam.web@inzant.example", &app.password("sam.web@inzant.example")).await;
    for path in ["/admin/users", "/admin/users/1002"] {
        assert_eq!(sam.get(path).await.status, StatusCode::FORBIDDEN, "{path}");
    }

    let before = app.mail_files();
    let trigger = "/admin/users/1002/reset-password";
    let refused = anonymous.post_form(trigger, &[("purpose", "reset")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let refused = sam.post_form(trigger, &[("purpose", "reset")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // Even the admin's session is refused from another site, or with no origin at all.
    let mut admin = app.admin().await;
    let foreign = admin.post_form_from(trigger, &[("purpose", "reset")], Some("https://evil.example")).await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    let no_origin = admin.post_form_from(trigger, &[("purpose", "reset")], None).await;
    assert_eq!(no_origin.status, StatusCode::FORBIDDEN);
    assert_eq!(app.mail_files(), before, "no email was sent");

    let missing = admin.get("/admin/users/9999").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn admin_pages_carry_security_headers() {
    let app = app().await;
    let mut admin = app.admin().await;
    for path in ["/admin/users", "/admin/users/1002", "/login"] {
        let answer = admin.get(path).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(answer.header("referrer-policy"), "same-origin", "{path}");
        assert_eq!(answer.header("x-content-type-options"), "nosniff");
        assert_eq!(answer.header("cache-control"), "no-store");
        let csp = answer.header("content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"));
        assert!(!answer.body.contains("<script>"), "no inline script on {path}");
        assert!(
            !answer.body.contains("http://") && !answer.body.contains("https://"),
            "no third-party resources"
        );
    }
    let css = admin.get("/assets/demo.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.header("content-type").starts_with("text/css"));
    let js = admin.get("/assets/demo.js").await;
    assert!(js.header("content-type").starts_with("text/javascript"));
    assert_eq!(admin.get("/nowhere").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn user_search_lists_every_user_with_an_edit_action() {
    let app = app().await;
    let mut admin = app.admin().await;
    let page = admin.get("/admin/users").await;
    for (name, username, email_to, id) in [
        ("Ada Admin", "admin@inzant.example", "ada.admin@example.org", "1001"),
        ("Sam Web", "sam.web@inzant.example", "sam.reports@example.org", "1002"),
        ("Dana Device", "dana.device@inzant.example", "dana.orders@example.org", "1003"),
        ("Nell New", "nell.new@inzant.example", "nell.office@example.org", "1004"),
        ("Elena Dispositivo", "elena.device@inzant.example", "elena.pedidos@example.org", "1005"),
    ] {
        for text in [name, username, email_to] {
            assert!(page.body.contains(text), "{text}");
        }
        assert!(page.body.contains(&format!("href=\"/admin/users/{id}\" title=\"Edit {name}\">Edit</a>")));
    }
    for column in ["Name", "Username", "Type", "Email To", "Actions"] {
        assert!(page.body.contains(&format!(">{column}</th>")), "{column}");
    }
    let filtered = admin.get("/admin/users?q=dana").await;
    assert!(filtered.body.contains("Dana Device") && !filtered.body.contains("Sam Web"));
}

#[tokio::test]
async fn user_details_name_the_language_the_users_resets_speak() {
    let app = app().await;
    let mut admin = app.admin().await;
    for (id, language) in [
        ("1002", "<dd id=\"user-language\" lang=\"en\">English</dd>"),
        ("1003", "<dd id=\"user-language\" lang=\"de\">Deutsch</dd>"),
        ("1005", "<dd id=\"user-language\" lang=\"es\">Español</dd>"),
    ] {
        let details = admin.get(&format!("/admin/users/{id}")).await;
        assert!(details.body.contains("<dt>Language</dt>"), "{}", details.body);
        assert!(details.body.contains(language), "{id}: {}", details.body);
    }
}

#[tokio::test]
async fn the_hosts_own_ftl_files_reword_the_shipped_words() {
    let locales = tempfile::tempdir().unwrap();
    std::fs::write(locales.path().join("de.ftl"), "save-button = Passwort speichern\n").unwrap();
    let app = app_with(|config| config.locales_dir = Some(locales.path().to_path_buf())).await;
    let mut admin = app.admin().await;
    let before = app.mail_files();
    admin.trigger("1003", "reset").await;
    let email = new_reset_email(app.mail.path(), &before);
    let page = app.browser().get(&email.link_path).await;
    assert!(page.body.contains(">Passwort speichern</button>"), "{}", page.body);
    assert!(page.body.contains("<h1>Passwort zurücksetzen</h1>"), "the rest stays the shipped German");
}

#[tokio::test]
async fn a_refusal_by_the_gate_names_the_action_in_the_browsers_language() {
    let app = app().await;
    let mut sam = app.signed_in("sam.web@inzant.example", &app.password("sam.web@inzant.example")).await;
    let refused = sam.post_form("/admin/users/1002/reset-password", &[("purpose", "reset")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let answer: serde_json::Value = serde_json::from_str(&refused.body).unwrap();
    assert_eq!(answer["error"], "You may not send a password email to this user.");
    assert_eq!(answer["action"], "send");

    sam.accept_language = Some("de-CH, de;q=0.9".to_owned());
    let refused = sam.post_form("/admin/users/1002/cancel-reset", &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let answer: serde_json::Value = serde_json::from_str(&refused.body).unwrap();
    assert_eq!(answer["error"], "Sie dürfen die Passwort-Zurücksetzung dieses Benutzers nicht widerrufen.");
    assert_eq!(answer["action"], "cancel");
    let status = app.browser().get("/admin/users/1002/reset-status").await;
    assert_eq!(status.status, StatusCode::FORBIDDEN);
    assert!(status.body.contains("\"action\":\"status\""), "{}", status.body);
}

#[tokio::test]
async fn web_user_reset_end_to_end() {
    let app = app().await;
    web_user_flow(&app).await;
}

#[tokio::test]
async fn device_user_reset_end_to_end() {
    let app = app().await;
    device_user_flow(&app).await;
}

#[tokio::test]
async fn create_password_for_a_user_without_one() {
    let app = app().await;
    let nell = "nell.new@inzant.example";
    let mut admin = app.admin().await;
    let details = admin.get("/admin/users/1004").await;
    assert!(details.body.contains("Create Password") && details.body.contains("value=\"create\""));
    assert!(details.body.contains("Not created yet"));

    let before = app.mail_files();
    let page = admin.trigger("1004", "create").await;
    assert!(
        page.body.contains("A create password email was sent to nell.new@inzant.example."),
        "{}",
        page.body
    );
    let email = new_reset_email(app.mail.path(), &before);
    assert_eq!(email.to, nell);

    let saved = complete_reset(&app, &email, NEW_PASSWORD).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location(), "/login?reset=done");
    let mut browser = app.browser();
    let answer = browser.login(nell, NEW_PASSWORD).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(answer.location(), "/home");

    let details = admin.get("/admin/users/1004").await;
    assert!(!details.body.contains("Create Password"), "Nell has a password now");
}

#[tokio::test]
async fn refusals_are_flashed_on_the_user_page() {
    let app = app_with(|config| config.resend_cooldown = Duration::from_secs(60)).await;
    let mut admin = app.admin().await;
    let first = admin.trigger("1002", "reset").await;
    assert!(first.body.contains("class=\"flash success\""), "{}", first.body);
    let second = admin.trigger("1002", "reset").await;
    assert!(second.body.contains("class=\"flash error\""), "{}", second.body);
    assert!(second.body.contains("moments ago"), "{}", second.body);

    let unknown = admin.post_form("/admin/users/9999/reset-password", &[("purpose", "reset")]).await;
    assert_eq!(unknown.status, StatusCode::SEE_OTHER);
    assert_eq!(unknown.location(), "/admin/users");
    let search = admin.follow(&unknown).await;
    assert!(search.body.contains("That user does not exist."), "{}", search.body);
}

#[tokio::test]
async fn a_newer_email_supersedes_the_older_link() {
    let app = app().await;
    let mut admin = app.admin().await;
    let before = app.mail_files();
    admin.trigger("1002", "reset").await;
    let older = new_reset_email(app.mail.path(), &before);
    let before = app.mail_files();
    admin.trigger("1002", "reset").await;
    let newer = new_reset_email(app.mail.path(), &before);
    let page = app.browser().get(&older.link_path).await;
    assert!(page.body.contains("A newer reset email has been sent"), "{}", page.body);
    let saved = complete_reset(&app, &newer, NEW_PASSWORD).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn app_sign_in_answers_json() {
    let app = app().await;
    let admin = "admin@inzant.example";
    let answer = app_sign_in(&app, admin, &app.password(admin)).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "admins do not sign in to the apps");
    assert!(answer.header("content-type").starts_with("application/json"));
    let sam = "sam.web@inzant.example";
    assert_eq!(app_sign_in(&app, sam, &app.password(sam)).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app_sign_in(&app, "nobody@x.example", "x").await.status, StatusCode::UNAUTHORIZED);
    let generic = app_sign_in(&app, "dana.device@inzant.example", "wrong").await;
    assert!(generic.body.contains("The username or password is incorrect."));

    let mut browser = app.browser();
    for body in ["", "{", "[]", "{\"username\": 1}", "{\"username\": \"a\"}", "\u{0}"] {
        let answer = browser.post_json("/api/app/sign-in", body).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{body:?}");
        assert!(answer.body.contains("\"ok\":false"), "{}", answer.body);
    }
    let huge = format!("{{\"username\":\"{}\",\"password\":\"x\"}}", "a".repeat(100_000));
    assert_eq!(browser.post_json("/api/app/sign-in", &huge).await.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = app().await;
    let mut admin = app.admin().await;
    assert_eq!(admin.get("/admin/users").await.status, StatusCode::OK);
    let session = admin.cookies.get("inzant_session").cloned().unwrap();
    let answer = admin.post_form("/logout", &[]).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert!(answer.header("set-cookie").contains("Max-Age=0"));
    let page = admin.follow(&answer).await;
    assert!(page.body.contains("You have signed out."));
    // The old token no longer works even if a browser kept it.
    admin.cookies.insert("inzant_session".to_owned(), session);
    assert_eq!(admin.get("/admin/users").await.location(), "/login");
}

#[tokio::test]
async fn secure_cookies_on_https() {
    let app = app_with(|config| config.public_url = "https://sales.example.com".to_owned()).await;
    let answer = app.browser().login("admin@inzant.example", &app.password("admin@inzant.example")).await;
    assert!(answer.header("set-cookie").contains("; Secure"), "{}", answer.header("set-cookie"));
}

#[tokio::test]
async fn the_admin_password_can_be_set() {
    let app =
        app_with(|config| config.admin_password = Some("Ada's own pass phrase".to_owned().into())).await;
    let mut browser = app.browser();
    let answer = browser.login("admin@inzant.example", "Ada's own pass phrase").await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert!(app.demo.banner().contains("INZANT_DEMO_ADMIN_PASSWORD"));
    assert!(!app.demo.banner().contains("Ada's own pass phrase"));
}

#[tokio::test]
async fn the_password_resets_page_shows_todays_resets_to_admins_only() {
    let app = app().await;
    let path = inzant_reset_demo::PASSWORD_RESETS_PATH;
    assert_eq!(app.browser().get(path).await.location(), "/login");
    let sam = "sam.web@inzant.example";
    let mut web_user = app.signed_in(sam, &app.password(sam)).await;
    assert_eq!(web_user.get(path).await.status, StatusCode::FORBIDDEN);

    // Today: two emails sent; Sam completes his reset, Dana's is cancelled.
    let mut admin = app.admin().await;
    let before = app.mail_files();
    admin.trigger("1002", "reset").await;
    let email = new_reset_email(app.mail.path(), &before);
    assert_eq!(complete_reset(&app, &email, NEW_PASSWORD).await.status, StatusCode::SEE_OTHER);
    admin.trigger("1003", "reset").await;
    let cancelled = admin.post_form("/admin/users/1003/cancel-reset", &[]).await;
    assert_eq!(cancelled.status, StatusCode::SEE_OTHER, "{}", cancelled.body);

    let page = admin.get(path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.header("content-security-policy"), inzant_reset_axum::RESET_PAGE_CSP);
    let today = time::OffsetDateTime::now_utc().date();
    for part in [
        "<h1>Password resets</h1>",
        "href=\"/admin/password-resets\" aria-current=\"page\">Password resets</a>",
        "<a href=\"/admin/users\">Users</a>",
        "role=\"img\"",
        "<caption id=\"trend-table-caption\">Password resets per day",
        "<th scope=\"col\">Emails sent</th>",
        // Today's row: sent, completed, expired, cancelled, locked.
        &format!(
            "<time datetime=\"{today}\">{} {}</time></th><td>2</td><td>1</td><td>0</td><td>1</td><td>0</td>",
            today.day(),
            today.month().to_string().get(..3).unwrap()
        ),
        "<th scope=\"row\">Total</th><td>2</td><td>1</td><td>0</td><td>1</td><td>0</td>",
        "(over 1 completed)",
    ] {
        assert!(page.body.contains(part), "{part} missing from:\n{}", page.body);
    }
    assert_eq!(page.body.matches("<tr><th scope=\"row\"><time").count(), 30, "one row per day");
    assert!(
        !page.body.contains("style=") && !page.body.contains("<script>"),
        "CSP: no inline style or script"
    );
}
