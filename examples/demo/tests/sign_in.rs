//! Sign-in under attack: guessing is throttled per account and per client
//! address (429 with `Retry-After`), a flood beyond the hashing queue is
//! refused at once (503), a sign-in form from another site is refused
//! (login CSRF), and on https the cookies are `__Host-` and every answer
//! carries `Strict-Transport-Security`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::net::{IpAddr, Ipv4Addr};

use axum::http::StatusCode;
use common::*;
use futures::stream::{FuturesUnordered, StreamExt};
use inzant_reset_core::hash::HashParams;

const SAM: &str = "sam.web@inzant.example";
const DANA: &str = "dana.device@inzant.example";

fn address(last: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(203, 0, 113, last))
}

fn retry_after(answer: &Answer) -> u64 {
    answer.header("retry-after").parse().unwrap_or_else(|_| panic!("no Retry-After: {:?}", answer.headers))
}

#[tokio::test]
async fn guesses_past_the_accounts_budget_get_429_with_retry_after() {
    let app = app_with(|config| config.sign_in_per_account = 3).await;
    let mut attacker = app.browser_at(address(1));
    for guess in ["Guess-1", "Guess-2", "Guess-3"] {
        assert_eq!(attacker.login(SAM, guess).await.status, StatusCode::UNAUTHORIZED, "{guess}");
    }
    let fourth = attacker.login(SAM, "Guess-4").await;
    assert_eq!(fourth.status, StatusCode::TOO_MANY_REQUESTS, "{}", fourth.body);
    assert!((1..=600).contains(&retry_after(&fourth)), "a 10-minute window: {}", retry_after(&fourth));
    assert!(fourth.body.contains("Too many sign-in attempts. Try again in"), "{}", fourth.body);

    // The account's budget is the account's, wherever the guesses come from
    // and whichever door they use; the right password waits too.
    let elsewhere = app.browser_at(address(2)).login(SAM, &app.password(SAM)).await;
    assert_eq!(elsewhere.status, StatusCode::TOO_MANY_REQUESTS);
    let json = app_sign_in_from(&app, address(3), SAM, "Guess-5").await;
    assert_eq!(json.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&json) >= 1);
    assert!(
        json.body.contains("\"ok\":false") && json.body.contains("Too many sign-in attempts"),
        "{}",
        json.body
    );

    // Another account from another address is not affected.
    let dana = app_sign_in_from(&app, address(4), DANA, &app.password(DANA)).await;
    assert_eq!(dana.status, StatusCode::OK, "{}", dana.body);
    let admin =
        app.browser_at(address(4)).login("admin@inzant.example", &app.password("admin@inzant.example")).await;
    assert_eq!(admin.status, StatusCode::SEE_OTHER);
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
