//! Sign-in under attack: guessing is throttled per account and client, per
//! account and per client address (429 with `Retry-After`) without letting
//! strangers lock the owner out, a flood beyond the hashing queue is
//! refused at once (503), a sign-in or sign-out from another site is
//! refused (login CSRF, logout CSRF) and counts nothing, and on https the
//! cookies are `__Host-` and every answer carries
//! `Strict-Transport-Security`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use futures::stream::{FuturesUnordered, StreamExt};
use inzant_reset_core::hash::HashParams;
use inzant_reset_demo::{DEVICE_COOKIE, SESSION_COOKIE};

const SAM: &str = "sam.web@inzant.example";
const DANA: &str = "dana.device@inzant.example";

fn address(last: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(203, 0, 113, last))
}

fn retry_after(answer: &Answer) -> u64 {
    answer.header("retry-after").parse().unwrap_or_else(|_| panic!("no Retry-After: {:?}", answer.headers))
}

/// What the README documents: 5 failures per account and client per 15
/// minutes (then one every 3 minutes), 100 per account per hour from
/// clients it never signed in from (then one every 36 s), 30 attempts per
/// address per minute.
const CLIENT_REFILL_SECS: u64 = 15 * 60 / 5;

#[tokio::test]
async fn strangers_failing_from_ten_addresses_do_not_keep_the_owner_out() {
    let app = app().await;
    let (sams, danas) = (app.password(SAM), app.password(DANA));
    // Sam signed in at home before: the address is known, and his browser
    // holds a device cookie. Dana signed in from her phone's address.
    let home = address(200);
    let mut sams_laptop = app.browser_at(home);
    assert_eq!(sams_laptop.login(SAM, &sams).await.status, StatusCode::SEE_OTHER);
    assert!(sams_laptop.cookies.contains_key(DEVICE_COOKIE), "{:?}", sams_laptop.cookies);
    let phone = address(201);
    assert_eq!(app_sign_in_from(&app, phone, DANA, &danas).await.status, StatusCode::OK);

    // Ten strangers, ten addresses, both doors, any spelling of the names.
    for n in 1..=10 {
        let guess = format!("Guess-{n}");
        let web = app.browser_at(address(n)).login(" Sam.Web@inzant.example", &guess).await;
        assert_eq!(web.status, StatusCode::UNAUTHORIZED, "{}", web.body);
        let json = app_sign_in_from(&app, address(n), "DANA.device@inzant.example", &guess).await;
        assert_eq!(json.status, StatusCode::UNAUTHORIZED, "{}", json.body);
    }

    // Where they signed in before: at once, with or without the cookie.
    assert_eq!(app.browser_at(home).login(SAM, &sams).await.status, StatusCode::SEE_OTHER);
    sams_laptop.peer = SocketAddr::new(address(150), 40_000); // the laptop at a café
    assert_eq!(sams_laptop.login(SAM, &sams).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app_sign_in_from(&app, phone, DANA, &danas).await.status, StatusCode::OK);
    // From an address they never used: at once too. Its own budget is
    // untouched, and ten failures are far from the account's ceiling.
    assert_eq!(app.browser_at(address(151)).login(SAM, &sams).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app_sign_in_from(&app, address(152), DANA, &danas).await.status, StatusCode::OK);
}

#[tokio::test]
async fn once_strangers_spend_the_accounts_ceiling_only_new_addresses_wait() {
    // A ceiling of 3 failures an hour from clients Sam never signed in from: one every 20 minutes.
    let app = app_with(|config| config.sign_in_per_account = 3).await;
    let sams = app.password(SAM);
    let home = address(200);
    let mut sams_laptop = app.browser_at(home);
    assert_eq!(sams_laptop.login(SAM, &sams).await.status, StatusCode::SEE_OTHER);
    for n in 1..=3 {
        assert_eq!(app.browser_at(address(n)).login(SAM, "Guess").await.status, StatusCode::UNAUTHORIZED);
    }
    let refused = app.browser_at(address(4)).login(SAM, "Guess").await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "{}", refused.body);
    assert!((1..=1200).contains(&retry_after(&refused)), "one every 20 minutes: {}", retry_after(&refused));
    assert!(refused.body.contains("Too many sign-in attempts. Try again in"), "{}", refused.body);
    let json = app_sign_in_from(&app, address(5), SAM, "Guess").await;
    assert_eq!(json.status, StatusCode::TOO_MANY_REQUESTS, "the apps' sign-in shares the ceiling");
    assert!((1..=1200).contains(&retry_after(&json)));

    // A new address waits for the refill, and is told how long.
    let new = app.browser_at(address(151)).login(SAM, &sams).await;
    assert_eq!(new.status, StatusCode::TOO_MANY_REQUESTS);
    assert!((1..=1200).contains(&retry_after(&new)), "{}", retry_after(&new));
    // Sam's home, and his browser wherever it is, are not refused.
    assert_eq!(app.browser_at(home).login(SAM, &sams).await.status, StatusCode::SEE_OTHER);
    sams_laptop.peer = SocketAddr::new(address(152), 40_000);
    assert_eq!(sams_laptop.login(SAM, &sams).await.status, StatusCode::SEE_OTHER);
    // Other accounts, from the same strangers' addresses, are not affected.
    let dana = app_sign_in_from(&app, address(4), DANA, &app.password(DANA)).await;
    assert_eq!(dana.status, StatusCode::OK, "{}", dana.body);
}

#[tokio::test]
async fn an_attacker_that_keeps_failing_runs_out_of_its_own_budget() {
    let app = app().await;
    let attacker = address(66);
    for n in 1..=5 {
        let answer = app.browser_at(attacker).login(SAM, &format!("Guess-{n}")).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "guess {n}");
    }
    let sixth = app.browser_at(attacker).login(SAM, "Guess-6").await;
    assert_eq!(sixth.status, StatusCode::TOO_MANY_REQUESTS, "{}", sixth.body);
    assert!(
        (1..=CLIENT_REFILL_SECS).contains(&retry_after(&sixth)),
        "one more every 3 minutes: {}",
        retry_after(&sixth)
    );
    assert!(sixth.body.contains("Too many sign-in attempts. Try again in"), "{}", sixth.body);
    // The same account through the other door, spelled otherwise.
    let json = app_sign_in_from(&app, attacker, " SAM.web@Inzant.example", "Guess-7").await;
    assert_eq!(json.status, StatusCode::TOO_MANY_REQUESTS);
    assert!((1..=CLIENT_REFILL_SECS).contains(&retry_after(&json)));
    assert!(
        json.body.contains("\"ok\":false") && json.body.contains("Too many sign-in attempts"),
        "{}",
        json.body
    );
    // The attacker's address gets nothing more for Sam, not even with the right password.
    let right = app.browser_at(attacker).login(SAM, &app.password(SAM)).await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&right) >= 1);

    // Sam from anywhere else, and other accounts from the attacker's address, are unaffected.
    assert_eq!(
        app.browser_at(address(67)).login(SAM, &app.password(SAM)).await.status,
        StatusCode::SEE_OTHER
    );
    let dana = app_sign_in_from(&app, attacker, DANA, &app.password(DANA)).await;
    assert_eq!(dana.status, StatusCode::OK, "{}", dana.body);
}

#[tokio::test]
async fn only_failures_count_and_a_success_forgets_them() {
    let app = app().await;
    let phone = address(70);
    let danas = app.password(DANA);
    for _ in 0..4 {
        assert_eq!(app_sign_in_from(&app, phone, DANA, "Typo").await.status, StatusCode::UNAUTHORIZED);
    }
    for _ in 0..10 {
        assert_eq!(
            app_sign_in_from(&app, phone, DANA, &danas).await.status,
            StatusCode::OK,
            "successes are free"
        );
    }
    for n in 1..=5 {
        let answer = app_sign_in_from(&app, phone, DANA, "Typo").await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "the success emptied the count: typo {n}");
    }
    let sixth = app_sign_in_from(&app, phone, DANA, "Typo").await;
    assert_eq!(sixth.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&sixth) >= 1);
}

#[tokio::test]
async fn case_and_spacing_variants_of_a_username_are_one_account() {
    let app = app_with(|config| {
        config.sign_in_per_account_and_address = 3;
        config.sign_in_per_account = 6;
    })
    .await;
    // One address: its budget for Sam, however Sam is written.
    let attacker = address(90);
    for variant in ["Sam.Web@Inzant.example", "  sam.web@inzant.example ", "SAM.WEB@INZANT.EXAMPLE"] {
        let answer = app.browser_at(attacker).login(variant, "Guess").await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{variant:?}");
    }
    let full_width = app.browser_at(attacker).login("ｓａｍ.web@inzant.example", "Guess").await;
    assert_eq!(full_width.status, StatusCode::TOO_MANY_REQUESTS, "NFKC: the same account");
    let json = app_sign_in_from(&app, attacker, "\tsam.WEB@inzant.example\n", "Guess").await;
    assert_eq!(json.status, StatusCode::TOO_MANY_REQUESTS);
    // Many addresses: the account's ceiling, however Sam is written.
    for (n, variant) in
        [(91, "sam.web@INZANT.example"), (92, " Sam.web@inzant.example"), (93, "SAM.web@inzant.EXAMPLE")]
    {
        assert_eq!(app.browser_at(address(n)).login(variant, "Guess").await.status, StatusCode::UNAUTHORIZED);
    }
    let over = app_sign_in_from(&app, address(94), "sam.web@inzant.example ", "Guess").await;
    assert_eq!(over.status, StatusCode::TOO_MANY_REQUESTS, "{}", over.body);
    assert!(retry_after(&over) >= 1);
}

#[tokio::test]
async fn a_cross_site_post_to_the_apps_sign_in_is_refused_and_counts_nothing() {
    // One attempt per address per minute, one failure per account: anything counted would show.
    let app = app_with(|config| {
        config.sign_in_per_address = 1;
        config.sign_in_per_account_and_address = 1;
        config.sign_in_per_account = 1;
    })
    .await;
    let from = address(80);
    let guess = serde_json::json!({ "username": DANA, "password": "Guess-1" }).to_string();
    for (content_type, origin, fetch_site, status) in [
        // What any web page can send without asking: a "simple" cross-site post.
        (Some("text/plain"), Some("http://evil.example"), Some("cross-site"), StatusCode::FORBIDDEN),
        (Some("text/plain;charset=UTF-8"), Some("http://evil.example"), None, StatusCode::FORBIDDEN),
        (Some("application/json"), Some("http://evil.example"), None, StatusCode::FORBIDDEN),
        (Some("application/json"), Some("null"), None, StatusCode::FORBIDDEN),
        (Some("application/json"), Some("http://demo.test:8080"), Some("same-site"), StatusCode::FORBIDDEN),
        (Some("application/json"), None, Some("cross-site"), StatusCode::FORBIDDEN),
        (Some("text/plain"), None, None, StatusCode::UNSUPPORTED_MEDIA_TYPE),
        (Some("application/x-www-form-urlencoded"), None, None, StatusCode::UNSUPPORTED_MEDIA_TYPE),
        (None, None, None, StatusCode::UNSUPPORTED_MEDIA_TYPE),
    ] {
        let mut request = Request::post("/api/app/sign-in");
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        if let Some(site) = fetch_site {
            request = request.header("sec-fetch-site", site);
        }
        let answer = app.browser_at(from).send(request.body(Body::from(guess.clone())).unwrap()).await;
        let case = format!("{content_type:?} {origin:?} {fetch_site:?}");
        assert_eq!(answer.status, status, "{case}: {}", answer.body);
        assert!(answer.body.contains("\"ok\":false"), "{case}: {}", answer.body);
        assert!(answer.headers.get("retry-after").is_none(), "{case}");
    }

    // Nothing was counted: the apps' own request from there signs in at once…
    let dana = app_sign_in_from(&app, from, DANA, &app.password(DANA)).await;
    assert_eq!(dana.status, StatusCode::OK, "{}", dana.body);
    // …and the budgets are live: the next one is over the address's.
    let next = app_sign_in_from(&app, from, DANA, "Guess-2").await;
    assert_eq!(next.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&next) >= 1);
}

#[tokio::test]
async fn a_sign_out_from_another_origin_is_refused_and_the_session_kept() {
    let app = app().await;
    let mut admin = app.admin().await;
    let session = admin.cookies.get(SESSION_COOKIE).cloned().unwrap();
    // Another site, another port of this host (SameSite=Strict lets its
    // cookies through), an opaque origin, and no origin at all.
    for origin in [Some("http://evil.example"), Some("http://demo.test:8080"), Some("null"), None] {
        let answer = admin.post_form_from("/logout", &[], origin).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{origin:?}");
        assert!(answer.headers.get("set-cookie").is_none(), "{origin:?}: {:?}", answer.headers);
        assert!(answer.body.contains("You are still signed in."), "{}", answer.body);
        assert_eq!(admin.cookies.get(SESSION_COOKIE), Some(&session));
        assert_eq!(admin.get("/admin/users").await.status, StatusCode::OK, "{origin:?}: the session is kept");
    }
    let request = Request::post("/logout")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .body(Body::empty())
        .unwrap();
    assert_eq!(admin.send(request).await.status, StatusCode::FORBIDDEN);
    assert_eq!(admin.get("/admin/users").await.status, StatusCode::OK);

    // From the site's own page it signs out.
    let answer = admin.post_form("/logout", &[]).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.location(), "/login?signed_out=1");
    assert_eq!(admin.get("/admin/users").await.location(), "/login");
}

#[tokio::test]
async fn guesses_past_the_addresss_budget_get_429_for_any_account() {
    let app = app_with(|config| config.sign_in_per_address = 3).await;
    let mut attacker = app.browser_at(address(9));
    for username in ["a@inzant.example", "b@inzant.example", "c@inzant.example"] {
        assert_eq!(attacker.login(username, "Guess-1").await.status, StatusCode::UNAUTHORIZED);
    }
    let fourth = attacker.login(SAM, "Guess-1").await;
    assert_eq!(fourth.status, StatusCode::TOO_MANY_REQUESTS);
    assert!((1..=20).contains(&retry_after(&fourth)), "one attempt per 20 s: {}", retry_after(&fourth));
    let app_door = app_sign_in_from(&app, address(9), DANA, &app.password(DANA)).await;
    assert_eq!(app_door.status, StatusCode::TOO_MANY_REQUESTS, "the apps' sign-in shares the budget");

    // Sam, from his own address, signs in as usual: the refused guess spent nothing of his.
    let sam = app.browser_at(address(10)).login(SAM, &app.password(SAM)).await;
    assert_eq!(sam.status, StatusCode::SEE_OTHER, "{}", sam.body);
}

#[tokio::test]
async fn a_flood_beyond_the_hashing_queue_is_refused_at_once_with_503() {
    // Real Argon2id costs, so checks take long enough to queue.
    let app = app_with(|config| {
        config.hash_params = HashParams::default();
        config.sign_in_per_address = 1000;
    })
    .await;
    // All are polled once before any is polled again (FuturesUnordered
    // runs woken futures after the ones not yet started), and a check that
    // got a place in the queue needs a second poll once its hash is done.
    // So a refusal that came back before the first checked password came
    // back without waiting for any hash.
    let flood = 100u8;
    let mut answers: FuturesUnordered<_> = (0..flood)
        .map(|n| {
            let mut browser = app.browser_at(address(n));
            async move { browser.login(&format!("nobody{n}@inzant.example"), "Guess-1").await.status }
        })
        .collect();
    let mut order = Vec::new();
    while let Some(status) = answers.next().await {
        order.push(status);
    }
    assert!(
        order.iter().all(|s| *s == StatusCode::UNAUTHORIZED || *s == StatusCode::SERVICE_UNAVAILABLE),
        "{order:?}"
    );
    let refused = order.iter().filter(|s| **s == StatusCode::SERVICE_UNAVAILABLE).count();
    assert!(refused > 0, "the queue holds at most 16 checks per hashing thread: {order:?}");
    let first_checked = order.iter().position(|s| *s == StatusCode::UNAUTHORIZED).unwrap();
    assert!(
        order[..first_checked].len() == refused,
        "every refusal came back before the first checked password: {order:?}"
    );
}

#[tokio::test]
async fn a_sign_in_form_from_another_site_is_refused() {
    let app = app().await;
    let admin = "admin@inzant.example";
    let password = app.password(admin);
    let fields = [("username", admin), ("password", password.as_str())];
    for (origin, fetch_site) in [
        (Some("https://evil.example"), None),
        (Some("https://evil.example"), Some("same-origin")),
        (Some("null"), None),
        (None, Some("cross-site")),
        (None, None),
    ] {
        let mut browser = app.browser();
        let mut request =
            axum::http::Request::post("/login").header("content-type", "application/x-www-form-urlencoded");
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        if let Some(site) = fetch_site {
            request = request.header("sec-fetch-site", site);
        }
        let body = format!("username={}&password={}", encode(admin), encode(&password));
        let answer = browser.send(request.body(axum::body::Body::from(body)).unwrap()).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{origin:?} {fetch_site:?}");
        assert!(answer.body.contains("sent from another site"), "{}", answer.body);
        assert!(answer.headers.get("set-cookie").is_none(), "no session for {origin:?} {fetch_site:?}");
    }
    // The browser's own form: Origin equal to the public URL, or
    // Sec-Fetch-Site: same-origin when it sends Origin: null.
    assert_eq!(app.browser().post_form("/login", &fields).await.status, StatusCode::SEE_OTHER);
    let mut browser = app.browser();
    let request = axum::http::Request::post("/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", "null")
        .header("sec-fetch-site", "same-origin")
        .body(axum::body::Body::from(format!("username={}&password={}", encode(admin), encode(&password))))
        .unwrap();
    assert_eq!(browser.send(request).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn on_https_cookies_are_host_only_and_answers_carry_hsts() {
    let app = app_with(|config| config.public_url = "https://sales.example.com".to_owned()).await;
    let mut admin = app.browser();
    let answer = admin.login("admin@inzant.example", &app.password("admin@inzant.example")).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let cookie = answer.header("set-cookie");
    assert!(cookie.starts_with("__Host-inzant_session="), "{cookie}");
    for attribute in ["; Secure", "; Path=/", "; HttpOnly"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    assert!(!cookie.contains("Domain"), "{cookie}");
    assert_eq!(admin.get("/admin/users").await.status, StatusCode::OK, "the __Host- cookie is the session");
    let device = answer
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("__Host-inzant_device="))
        .unwrap_or_else(|| panic!("no device cookie: {:?}", answer.headers));
    for attribute in ["; Secure", "; Path=/", "; HttpOnly", "; SameSite=Strict", "; Max-Age=31536000"] {
        assert!(device.contains(attribute), "{device}");
    }
    assert!(!device.contains("Domain"), "{device}");

    let flash = admin.post_form("/admin/users/1002/reset-password", &[("purpose", "reset")]).await;
    assert!(flash.header("set-cookie").starts_with("__Host-inzant_flash="), "{:?}", flash.headers);

    for path in ["/login", "/admin/users", "/password-reset/not-a-live-link", "/nowhere"] {
        let answer = admin.get(path).await;
        assert_eq!(answer.header("strict-transport-security"), "max-age=31536000", "{path}");
    }

    let plain = app_with(|_| {}).await;
    let answer = plain.browser().get("/login").await;
    assert!(answer.headers.get("strict-transport-security").is_none(), "no HSTS on plain http");
}

fn encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}
