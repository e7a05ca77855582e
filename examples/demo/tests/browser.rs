//! The whole reset, as the admin and the user do it, in a real browser: Debian's chromium, driven
//! through chromedriver with fantoccini, against the demo binary serving on
//! loopback with its real defaults. The admin sends the email from the
//! admin screens; the test reads the `.eml` file; the user opens the link,
//! watches the strength meter, saves, and signs in.
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (Debian packages
//! `chromium` and `chromium-driver`); `scripts/test` installs them. Without
//! them these tests fail, saying so. When a test fails, screenshots of every
//! window at phone and desktop widths, and the logs, go to `test-output/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod browser_kit;

use std::sync::Arc;

use axum::http::StatusCode;
use browser_kit::*;
use fantoccini::Locator;
use serde_json::{Value, json};

/// A password the Inzant policy rates at least "Acceptable". Typed four
/// characters at a time, the meter climbs from "Too Weak" (too short) through
/// the levels: its digit and symbol come first.
const STRONG: &str = "Zq7!harbour-Lantern-velvet";
/// A password the policy rates "Too Weak".
const WEAK: &str = "password";

/// What the reset page says, in one language (from the shipped catalogues,
/// `inzant-reset-core/locales/*.ftl`).
struct Said {
    /// `strength-too-weak`.
    too_weak: &'static str,
    /// The strength labels at or above the policy's minimum.
    good_enough: [&'static str; 3],
    /// `passwords-match`.
    matching: &'static str,
    /// `refusal-passwords-differ`, which the page also shows live.
    differing: &'static str,
    /// `save-button`.
    save: &'static str,
    /// `device-done-heading`.
    device_done: &'static str,
    /// `dead-link-heading`.
    dead_link: &'static str,
}

const ENGLISH: Said = Said {
    too_weak: "Too Weak",
    good_enough: ["Acceptable", "Good", "Strong"],
    matching: "Passwords match",
    differing: "The passwords do not match.",
    save: "Save New Password",
    device_done: "Your new password is set",
    dead_link: "This link cannot be used",
};

/// Dana Device reads German.
const GERMAN: Said = Said {
    too_weak: "Zu schwach",
    good_enough: ["Akzeptabel", "Gut", "Stark"],
    matching: "Passwörter stimmen überein",
    differing: "Die Passwörter stimmen nicht überein.",
    save: "Neues Passwort speichern",
    device_done: "Ihr neues Passwort ist festgelegt",
    dead_link: "Dieser Link kann nicht verwendet werden",
};

/// The admin signs in, clicks "Users" in the sidebar, the Edit action of
/// user `id`, opens "More Options" and clicks `item` ("Reset Password" or
/// "Create Password"); the flash names `username`. Returns the email.
async fn admin_sends(world: &World, tab: &Tab, id: &str, username: &str, item: &str) -> ResetEmail {
    tab.sign_in(ADMIN, ADMIN_PASSWORD).await;
    tab.wait_for_location("/admin/users").await;
    tab.click_named("nav.sidebar a", "Users").await;
    tab.wait_for_location("/admin/users").await;
    tab.wait_for_text("h1", "User Search").await;
    tab.click(&format!("a[href='/admin/users/{id}']")).await;
    tab.wait_for_location(&format!("/admin/users/{id}")).await;
    tab.wait_for_text("h1", "User Details").await;

    let before = world.demo.mail_files();
    tab.click_named(".menu-button", "More Options").await;
    // Hidden menu items have no visible text: this also waits for the menu to open.
    tab.click_named(".menu-item", item).await;
    let flash = tab.wait_for_text(".flash.success", username).await;
    assert!(flash.contains("email was sent to"), "{flash}");

    let email = world.demo.new_reset_email(&before).await;
    assert_eq!(email.to, username, "password emails go to the username");
    assert_eq!(email.code.len(), 6);
    email
}

/// Opens the emailed link and waits for the form.
async fn open_link(tab: &Tab, email: &ResetEmail) {
    tab.open(&email.link).await;
    tab.find("#reset-form").await;
    tab.wait_for_location(email.path()).await;
}

/// What the server's meter says about `password` for this link (asked
/// with a plain HTTP client): the label and its CSS class.
async fn server_rates(world: &World, email: &ResetEmail, password: &str) -> (String, String) {
    let path = format!("{}/strength", email.path());
    let (status, body) = post_json(&world.demo.base, &path, &json!({ "password": password })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let report: Value = serde_json::from_str(&body).unwrap();
    (report["label"].as_str().unwrap().to_owned(), report["class"].as_str().unwrap().to_owned())
}

/// Waits until the meter beside the password shows `label`, coloured by `class`.
async fn wait_for_meter(tab: &Tab, label: &str, class: &str) -> String {
    let wanted_class = format!("strength {class}");
    poll(&format!("the meter to say {label:?} ({wanted_class})"), || async {
        let meter = tab.client.find(Locator::Css("#strength")).await.map_err(|e| e.to_string())?;
        let shown = meter.text().await.map_err(|e| e.to_string())?;
        let shown_class = meter.attr("class").await.map_err(|e| e.to_string())?.unwrap_or_default();
        if shown == label && shown_class == wanted_class {
            Ok(shown)
        } else {
            Err(format!("it says {shown:?} with class {shown_class:?}"))
        }
    })
    .await
}

/// Types `password` into "New Password" a few characters at a time; after
/// each chunk waits until the meter shows what the server rates the text
/// typed so far. Returns the labels seen, repeats removed.
async fn type_watching_meter(world: &World, tab: &Tab, email: &ResetEmail, password: &str) -> Vec<String> {
    let chars: Vec<char> = password.chars().collect();
    let mut typed = String::new();
    let mut seen: Vec<String> = Vec::new();
    for chunk in chars.chunks(4) {
        let chunk: String = chunk.iter().collect();
        tab.type_into("#new_password", &chunk).await;
        typed.push_str(&chunk);
        assert_eq!(tab.value("#new_password").await, typed);
        let (label, class) = server_rates(world, email, &typed).await;
        let shown = wait_for_meter(tab, &label, &class).await;
        if seen.last() != Some(&shown) {
            seen.push(shown);
        }
    }
    seen
}

/// Types the code, the password and its confirmation, waits for "Save New
/// Password" (as the page `said` it) to be enabled and clicks it.
async fn fill_and_save(tab: &Tab, code: &str, password: &str, said: &Said) {
    tab.clear("#code").await;
    tab.type_into("#code", code).await;
    tab.type_into("#new_password", password).await;
    tab.type_into("#confirm_password", password).await;
    tab.wait_for_text("#match", said.matching).await;
    tab.wait_enabled("#save", true).await;
    assert_eq!(tab.text("#save").await, said.save);
    tab.click("#save").await;
}

#[tokio::test]
async fn admin_resets_a_web_users_password_in_the_browser() {
    browser_test("admin_resets_a_web_users_password_in_the_browser", |world: Arc<World>| async move {
        let sam = "sam.web@inzant.example";
        let old_password = world.demo.password(sam);
        let tab = world.tab("browser", true).await;

        let email = admin_sends(&world, &tab, "1002", sam, "Reset Password").await;
        assert!(email.subject.contains("Sam Web") || email.subject.contains(sam), "{}", email.subject);

        open_link(&tab, &email).await;
        let page = tab.page_text().await;
        for text in ["Reset your password", "Sam Web", "Code", "New Password", "Confirm New Password"] {
            assert!(page.contains(text), "the reset page lacks {text:?}:\n{page}");
        }
        tab.wait_enabled("#save", false).await;

        tab.type_into("#code", &email.code).await;
        tab.type_into("#new_password", WEAK).await;
        tab.type_into("#confirm_password", WEAK).await;
        wait_for_meter(&tab, ENGLISH.too_weak, "strength-too-weak").await;
        tab.wait_for_text("#match", ENGLISH.matching).await;
        assert!(!tab.enabled("#save").await, "a too-weak password cannot be saved");

        tab.clear("#new_password").await;
        tab.clear("#confirm_password").await;
        let labels = type_watching_meter(&world, &tab, &email, STRONG).await;
        eprintln!("strength labels seen while typing {STRONG:?}: {labels:?}");
        assert_eq!(labels.first().map(String::as_str), Some(ENGLISH.too_weak), "labels seen: {labels:?}");
        let last = labels.last().map_or("", String::as_str);
        assert!(ENGLISH.good_enough.contains(&last), "the meter ends at {last:?}; labels seen: {labels:?}");
        assert!(labels.len() >= 2, "the label changed as the password grew: {labels:?}");
        tab.wait_enabled("#save", false).await;

        tab.type_into("#confirm_password", STRONG).await;
        tab.wait_for_text("#match", ENGLISH.matching).await;
        tab.wait_enabled("#save", true).await;

        // Always keep a picture of the filled-in reset page at both widths.
        for (size, file) in
            [(PHONE, "browser-reset-page-phone.png"), (DESKTOP, "browser-reset-page-desktop.png")]
        {
            let path = tab.screenshot(size, file).await;
            eprintln!("screenshot of the reset page: {}", path.display());
        }

        tab.click("#save").await;
        tab.wait_for_location("/login?reset=done").await;
        tab.wait_for_text(".notice.success", "Your password has been changed").await;

        tab.sign_in(sam, &old_password).await;
        tab.wait_for_text(".notice.error", "The username or password is incorrect.").await;
        assert_eq!(tab.location().await, "/login", "the old password no longer signs in");

        tab.sign_in(sam, STRONG).await;
        tab.wait_for_location("/home").await;
        tab.wait_for_text("h1", "Welcome, Sam Web").await;
    })
    .await;
}

#[tokio::test]
async fn device_user_sets_a_password_for_the_apps_in_german() {
    browser_test("device_user_sets_a_password_for_the_apps_in_german", |world: Arc<World>| async move {
        let dana = "dana.device@inzant.example";
        let old_password = world.demo.password(dana);
        let sign_in = |password: String| {
            let base = world.demo.base.clone();
            async move {
                let body = json!({ "username": dana, "password": password });
                post_json(&base, "/api/app/sign-in", &body).await
            }
        };
        assert_eq!(sign_in(old_password.clone()).await.0, StatusCode::OK, "Dana's starting password works");

        let tab = world.tab("browser", true).await;
        let email = admin_sends(&world, &tab, "1003", dana, "Reset Password").await;
        open_link(&tab, &email).await;
        assert_eq!(tab.attr("html", "lang").await.as_deref(), Some("de"), "Dana reads German");
        tab.type_into("#code", &email.code).await;
        let labels = type_watching_meter(&world, &tab, &email, STRONG).await;
        assert_eq!(labels.first().map(String::as_str), Some(GERMAN.too_weak), "{labels:?}");
        assert!(labels.last().is_some_and(|last| GERMAN.good_enough.contains(&last.as_str())), "{labels:?}");
        tab.type_into("#confirm_password", STRONG).await;
        tab.wait_for_text("#match", GERMAN.matching).await;
        tab.wait_enabled("#save", true).await;
        assert_eq!(tab.text("#save").await, GERMAN.save);
        tab.click("#save").await;

        tab.wait_for_location("/password-reset/complete?lang=de").await;
        let page = tab.wait_for_text("body", "Inzant Sales Plus").await;
        assert!(page.contains("Inzant Tradeshow"), "{page}");
        assert!(page.contains(GERMAN.device_done), "{page}");

        let (status, body) = sign_in(STRONG.to_owned()).await;
        assert_eq!(status, StatusCode::OK, "the new password works in the apps: {body}");
        assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["ok"], true);
        let (status, body) = sign_in(old_password).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "the old password no longer works: {body}");
    })
    .await;
}

#[tokio::test]
async fn a_user_who_switches_the_page_to_german_gets_a_german_meter_and_signs_in() {
    browser_test(
        "a_user_who_switches_the_page_to_german_gets_a_german_meter_and_signs_in",
        |world: Arc<World>| async move {
            let sam = "sam.web@inzant.example";
            let tab = world.tab("browser", true).await;
            let email = admin_sends(&world, &tab, "1002", sam, "Reset Password").await;
            open_link(&tab, &email).await;
            assert_eq!(tab.attr("html", "lang").await.as_deref(), Some("en"), "Sam reads English");

            // The page's language switch: the same link, in German, its attempts untouched.
            tab.click_named("nav.languages a", "Deutsch").await;
            tab.wait_for_location(&format!("{}?lang=de", email.path())).await;
            tab.wait_for_text("h1", "Passwort zurücksetzen").await;
            assert_eq!(tab.attr("html", "lang").await.as_deref(), Some("de"));
            let expiry = tab.text(".expiry").await;
            assert!(expiry.contains("Noch 5 Versuche für den Code."), "{expiry}");
            let page = tab.page_text().await;
            for text in ["Neues Passwort", "Neues Passwort bestätigen", "Mindestens 8 Zeichen"] {
                assert!(page.contains(text), "the German page lacks {text:?}:\n{page}");
            }

            tab.type_into("#code", &email.code).await;
            tab.type_into("#new_password", WEAK).await;
            wait_for_meter(&tab, GERMAN.too_weak, "strength-too-weak").await;
            tab.clear("#new_password").await;
            let labels = type_watching_meter(&world, &tab, &email, STRONG).await;
            eprintln!("German strength labels seen while typing {STRONG:?}: {labels:?}");
            assert_eq!(labels.first().map(String::as_str), Some(GERMAN.too_weak), "{labels:?}");
            let last = labels.last().map_or("", String::as_str);
            assert!(
                GERMAN.good_enough.contains(&last),
                "the meter ends at {last:?}; labels seen: {labels:?}"
            );
            assert!(labels.len() >= 2, "the label changed as the password grew: {labels:?}");
            for label in &labels {
                let every = [GERMAN.too_weak, "Schwach", "Akzeptabel", "Gut", "Stark"];
                assert!(every.contains(&label.as_str()), "{label:?} is not one of de.ftl's strength labels");
            }

            tab.type_into("#confirm_password", "Something-Else-42!").await;
            tab.wait_for_text("#match", GERMAN.differing).await;
            tab.clear("#confirm_password").await;
            tab.type_into("#confirm_password", STRONG).await;
            tab.wait_for_text("#match", GERMAN.matching).await;
            tab.wait_enabled("#save", true).await;
            assert_eq!(tab.text("#save").await, GERMAN.save);
            tab.click("#save").await;

            tab.wait_for_location("/login?reset=done").await;
            tab.wait_for_text(".notice.success", "Your password has been changed").await;
            tab.sign_in(sam, STRONG).await;
            tab.wait_for_location("/home").await;
            tab.wait_for_text("h1", "Welcome, Sam Web").await;
        },
    )
    .await;
}

#[tokio::test]
async fn a_wrong_code_shows_attempts_left() {
    browser_test("a_wrong_code_shows_attempts_left", |world: Arc<World>| async move {
        let sam = "sam.web@inzant.example";
        let tab = world.tab("browser", true).await;
        let email = admin_sends(&world, &tab, "1002", sam, "Reset Password").await;
        open_link(&tab, &email).await;

        // The right code with its first digit changed.
        let mut wrong: Vec<u8> = email.code.bytes().collect();
        wrong[0] = b'0' + (wrong[0] - b'0' + 1) % 10;
        let wrong = String::from_utf8(wrong).unwrap();
        fill_and_save(&tab, &wrong, STRONG, &ENGLISH).await;

        let message = tab.wait_for_text("#form-message", "The code is incorrect. 4 attempts left.").await;
        assert!(!message.contains(&email.code), "{message}");
        assert_eq!(tab.location().await, email.path(), "the form comes back at the same link");
        assert_eq!(tab.value("#code").await, wrong, "the code field is kept");
        assert_eq!(tab.value("#new_password").await, "", "the password fields are emptied");
        assert_eq!(tab.value("#confirm_password").await, "");
        tab.wait_enabled("#save", false).await;

        // The right code still works after one wrong one.
        fill_and_save(&tab, &email.code, STRONG, &ENGLISH).await;
        tab.wait_for_location("/login?reset=done").await;
        tab.wait_for_text(".notice.success", "Your password has been changed").await;
    })
    .await;
}

#[tokio::test]
async fn the_reset_page_works_without_javascript() {
    browser_test("the_reset_page_works_without_javascript", |world: Arc<World>| async move {
        let nell = "nell.new@inzant.example";
        let admin = world.tab("admin", true).await;
        let email = admin_sends(&world, &admin, "1004", nell, "Create Password").await;

        let plain = world.tab("no-javascript", false).await;
        open_link(&plain, &email).await;
        tab_has_no_script(&plain).await;
        let page = plain.page_text().await;
        assert!(page.contains("Create your password"), "{page}");

        plain.type_into("#code", &email.code).await;
        plain.type_into("#new_password", WEAK).await;
        plain.type_into("#confirm_password", WEAK).await;
        plain.click("#save").await;
        let message = plain.wait_for_text("#form-message", "not strong enough").await;
        assert!(message.contains("Too Weak"), "{message}");
        assert_eq!(plain.location().await, email.path());
        assert_eq!(plain.value("#code").await, email.code, "the code field is kept");
        assert_eq!(plain.value("#new_password").await, "");
        assert_eq!(plain.value("#confirm_password").await, "");
        assert!(plain.find("#rules li.unmet").await.text().await.is_ok(), "the unmet rules are marked");

        plain.type_into("#new_password", STRONG).await;
        plain.type_into("#confirm_password", STRONG).await;
        plain.click("#save").await;
        plain.wait_for_location("/login?reset=done").await;
        plain.wait_for_text(".notice.success", "Your password has been changed").await;

        plain.sign_in(nell, STRONG).await;
        plain.wait_for_location("/home").await;
        plain.wait_for_text("h1", "Welcome, Nell New").await;
    })
    .await;
}

/// The window really runs no script: the reset page's script would have
/// disabled "Save New Password" on load.
async fn tab_has_no_script(tab: &Tab) {
    assert!(tab.enabled("#save").await, "JavaScript seems to be on in the no-JavaScript window");
    assert_eq!(tab.text("#strength").await, "", "no live meter without JavaScript");
}

#[tokio::test]
async fn every_page_of_the_process_passes_axe_wcag_a_and_aa() {
    browser_test("every_page_of_the_process_passes_axe_wcag_a_and_aa", |world: Arc<World>| async move {
        let tab = world.tab("axe", true).await;
        let mut problems = Vec::new();
        let mut check = |page: &str, violations: Vec<String>| {
            problems.extend(violations.into_iter().map(|v| format!("{page}: {v}")));
        };
        tab.open("/login").await;
        tab.find("#username").await;
        check("login", tab.axe_violations().await);

        let dana = "dana.device@inzant.example";
        let email = admin_sends(&world, &tab, "1003", dana, "Reset Password").await;
        check("user details", tab.axe_violations().await);

        open_link(&tab, &email).await;
        check("reset form", tab.axe_violations().await);
        // Dana reads German: axe-core checks the German pages.
        tab.type_into("#new_password", WEAK).await;
        tab.type_into("#confirm_password", "something else").await;
        tab.wait_for_text("#match", GERMAN.differing).await;
        wait_for_meter(&tab, GERMAN.too_weak, "strength-too-weak").await;
        check("reset form while typing", tab.axe_violations().await);

        // The server's answer to the same mistake (as a browser without
        // JavaScript gets it; posted past the disabled button, since axe-core
        // itself needs JavaScript).
        tab.clear("#code").await;
        tab.type_into("#code", &email.code).await;
        command(
            "posting the form",
            tab.client.execute("document.getElementById('reset-form').submit();", vec![]),
        )
        .await;
        tab.wait_for_text("#form-message", GERMAN.differing).await;
        check("reset form with an error", tab.axe_violations().await);

        tab.open(&email.link).await;
        fill_and_save(&tab, &email.code, STRONG, &GERMAN).await;
        tab.wait_for_text("h1", GERMAN.device_done).await;
        check("device users' page", tab.axe_violations().await);
        tab.open(&email.link).await;
        tab.wait_for_text("h1", GERMAN.dead_link).await;
        check("used link", tab.axe_violations().await);
        assert!(problems.is_empty(), "axe-core found:\n{}", problems.join("\n"));

        // axe-core is really looking: an unlabelled field is reported.
        command(
            "adding an unlabelled field",
            tab.client
                .execute("document.body.insertAdjacentHTML('beforeend', '<input id=unlabelled>');", vec![]),
        )
        .await;
        let found = tab.axe_violations().await;
        assert!(found.iter().any(|v| v.starts_with("label ")), "{found:?}");
    })
    .await;
}

#[tokio::test]
async fn the_password_resets_page_shows_a_chart_and_a_table_that_pass_axe_and_the_nu_checker() {
    browser_test(
        "the_password_resets_page_shows_a_chart_and_a_table_that_pass_axe_and_the_nu_checker",
        |world: Arc<World>| async move {
            // Something to show: an email sent today.
            let tab = world.tab("trend", true).await;
            admin_sends(&world, &tab, "1002", "sam.web@inzant.example", "Reset Password").await;
            tab.click_named("nav.sidebar a", "Password resets").await;
            tab.wait_for_location("/admin/password-resets").await;
            tab.wait_for_text("h1", "Password resets").await;
            assert_eq!(
                tab.attr("nav.sidebar a[aria-current='page']", "href").await.as_deref(),
                Some("/admin/password-resets")
            );

            // The chart: an image with a title and a description, a line per figure.
            assert_eq!(tab.attr("svg.trend-chart", "role").await.as_deref(), Some("img"));
            let labelled_by = tab.attr("svg.trend-chart", "aria-labelledby").await.unwrap_or_default();
            assert_eq!(labelled_by, "trend-chart-title trend-chart-desc");
            let lines = command(
                "finding the chart's lines",
                tab.client.find_all(Locator::Css("svg.trend-chart polyline")),
            )
            .await;
            assert_eq!(lines.len(), 5);
            let shown = command("measuring the chart", tab.find("svg.trend-chart").await.rectangle()).await;
            assert!(shown.2 > 300.0 && shown.3 > 100.0, "the chart is drawn: {shown:?}");

            // The table: the caption, one row per day, today's row last with the email.
            let caption = tab.text("#trend-table caption").await;
            assert!(caption.starts_with("Password resets per day"), "{caption}");
            let rows = command(
                "finding the table's rows",
                tab.client.find_all(Locator::Css("#trend-table tbody tr")),
            )
            .await;
            assert_eq!(rows.len(), 30);
            let today = command("reading today's row", rows[29].text()).await;
            let figures: Vec<&str> = today.split_whitespace().skip(2).collect();
            assert_eq!(figures, ["1", "0", "0", "0", "0"], "today: {today}");
            assert!(tab.text("#median-time").await.contains("none completed"));

            let mut problems: Vec<String> =
                tab.axe_violations().await.into_iter().map(|v| format!("desktop: {v}")).collect();
            command("resizing the window", tab.client.set_window_size(PHONE.0, PHONE.1)).await;
            problems.extend(tab.axe_violations().await.into_iter().map(|v| format!("phone: {v}")));
            assert!(problems.is_empty(), "axe-core found:\n{}", problems.join("\n"));

            // The page as the server wrote it, for the Nu Html Checker.
            let session =
                command("reading the session cookie", tab.client.get_named_cookie("inzant_session")).await;
            let cookie = format!("inzant_session={}", session.value());
            let (status, html) = get_with_cookie(&world.demo.base, "/admin/password-resets", &cookie).await;
            assert_eq!(status, StatusCode::OK, "{html}");
            let problems = nu_checker_problems("password-resets", &html);
            assert!(problems.is_empty(), "the Nu Html Checker found:\n{}", problems.join("\n"));
        },
    )
    .await;
}

/// A host's own layout around the reset pages: its header, navigation,
/// main region and footer.
fn host_layout(page: inzant_reset_axum::Page<'_>) -> inzant_reset_axum::maud::Markup {
    use inzant_reset_axum::maud::{DOCTYPE, html};
    html! {
        (DOCTYPE)
        html lang=(page.language) {
            head { meta charset="utf-8"; title { (page.title) } (page.head) }
            body {
                header { nav aria-label="Main" { a href="/" { "Acme home" } " " a href="/help" { "Help" } } }
                main { (page.body) }
                footer { p { "© Acme" } }
            }
        }
    }
}

#[tokio::test]
async fn the_reset_page_in_a_hosts_layout_passes_axe_wcag_a_and_aa() {
    use inzant_reset_axum::{ExtractorGate, ResetWeb, WebSettings};
    use inzant_reset_core::hash::HashParams;
    use inzant_reset_core::memory::{MemoryOutbox, MemoryStore};
    use inzant_reset_core::prelude::*;
    use inzant_reset_test_support::{directory_of, person};

    browser_test(
        "the_reset_page_in_a_hosts_layout_passes_axe_wcag_a_and_aa",
        |world: Arc<World>| async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let origin = format!("http://{}", listener.local_addr().unwrap());
            let directory = directory_of([
                User { display_name: "User 1".into(), ..person("1", "user1@acme.example", UserType::Admin) },
                User { display_name: "User 2".into(), ..person("2", "user2@acme.example", UserType::Web) },
            ]);
            let outbox = Arc::new(MemoryOutbox::new());
            let service = ResetService::builder(
                Arc::new(MemoryStore::new()),
                directory,
                outbox.clone(),
                CodeKeys::generate(&OsRandom).unwrap(),
                ResetConfig::new(format!("{origin}/app")),
            )
            .hash_params(HashParams::insecure_for_tests())
            .build()
            .unwrap();
            let service = Arc::new(service);
            service.trigger(&UserId::new("1"), &UserId::new("2"), Purpose::Reset).await.unwrap();
            let (token, _) = outbox.last_link_and_code().unwrap();
            let gate = ExtractorGate::new((), |_: axum::http::HeaderMap| Err(StatusCode::FORBIDDEN));
            let web = ResetWeb::new(service, Arc::new(gate), WebSettings::new("/login").layout(host_layout));
            let server = tokio::spawn(async move { axum::serve(listener, web.router()).await });

            let tab = world.tab("host-layout", true).await;
            tab.open(&format!("{origin}/app/password-reset/{token}")).await;
            tab.find("#reset-form").await;
            tab.find("header nav").await;
            tab.type_into("#new_password", WEAK).await;
            wait_for_meter(&tab, ENGLISH.too_weak, "strength-too-weak").await;
            let found = tab.axe_violations().await;
            server.abort();
            assert!(found.is_empty(), "axe-core found, in the host's layout:\n{}", found.join("\n"));
        },
    )
    .await;
}

/// The admin's User Details page for `id`, reloaded; the text of the panel.
async fn panel(tab: &Tab, id: &str) -> String {
    tab.open(&format!("/admin/users/{id}")).await;
    tab.wait_for_text("h1", "User Details").await;
    tab.text(".reset-panel").await
}

#[tokio::test]
async fn the_admin_sees_where_the_reset_stands_and_can_cancel_it() {
    browser_test("the_admin_sees_where_the_reset_stands_and_can_cancel_it", |world: Arc<World>| async move {
        let admin = world.tab("admin", true).await;
        let sam = "sam.web@inzant.example";
        let email = admin_sends(&world, &admin, "1002", sam, "Reset Password").await;

        let waiting = panel(&admin, "1002").await;
        for expected in [
            "Waiting for the user",
            "Reset email sent to sam.web@inzant.example by Ada Admin",
            "5 code attempts left",
        ] {
            assert!(waiting.contains(expected), "the panel lacks {expected:?}:\n{waiting}");
        }
        // The script shows times in the viewer's zone: no raw "UTC" left from the server.
        let sent_at = admin.attr("#reset-sent time", "datetime").await.unwrap_or_default();
        assert!(sent_at.ends_with('Z'), "{sent_at}");
        admin.click_named(".menu-button", "More Options").await;
        admin.find_named(".menu-item", "Cancel Reset").await;

        // The user, in a browser of their own, sets the password.
        let user = world.tab("user", true).await;
        open_link(&user, &email).await;
        fill_and_save(&user, &email.code, STRONG, &ENGLISH).await;
        user.wait_for_location("/login?reset=done").await;

        let done = panel(&admin, "1002").await;
        assert!(done.contains("Completed"), "{done}");
        assert!(done.contains("New password set"), "{done}");
        assert!(!done.contains("Waiting for the user"), "{done}");
        admin.click_named(".menu-button", "More Options").await;
        let items = admin.client.find_all(Locator::Css(".menu-item")).await.unwrap();
        for item in items {
            assert_ne!(item.text().await.unwrap(), "Cancel Reset", "nothing is live to cancel");
        }

        // Another email to Dana (who reads German), then the admin cancels it.
        let dana = "dana.device@inzant.example";
        let second = admin_sends(&world, &admin, "1003", dana, "Reset Password").await;
        admin.click_named(".menu-button", "More Options").await;
        admin.click_named(".menu-item", "Cancel Reset").await;
        let flash = admin.wait_for_text(".flash.success", "was cancelled").await;
        assert!(flash.contains(dana), "{flash}");
        let cancelled = admin.text(".reset-panel").await;
        assert!(cancelled.contains("Cancelled by Ada Admin"), "{cancelled}");

        user.open(&second.link).await;
        user.wait_for_text(
            ".message.error",
            "Ihr Administrator hat diesen Link widerrufen. Bitten Sie ihn um eine neue E-Mail, falls Sie Ihr \
             Passwort noch festlegen müssen.",
        )
        .await;
    })
    .await;
}
