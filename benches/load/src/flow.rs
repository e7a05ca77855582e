//! The reset flow over HTTP, one step at a time, as the admin and the
//! demo's load-test users take it: sign in, trigger, open, submit.

use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper::body::Bytes;
use hyper::header::{CONTENT_TYPE, COOKIE, ORIGIN};
use hyper::{Method, StatusCode};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::Fallible;
use crate::demo::Demo;
use crate::http::{self, HttpClient};
use crate::mail::Link;

/// The demo's `n`-th load-test user (from 1): its id and username, as the
/// demo seeds them for `INZANT_DEMO_LOAD_USERS`.
pub fn load_user(n: usize) -> (String, String) {
    let id = format!("load-{n:05}");
    let username = format!("{id}@inzant.example");
    (id, username)
}

/// The usernames of load-test users `from..=to`.
pub fn usernames(from: usize, to: usize) -> Vec<String> {
    (from..=to).map(|n| load_user(n).1).collect()
}

/// A signed-in admin: the session cookie and the origin its posts come from.
#[derive(Clone)]
pub struct Admin {
    cookie: String,
    origin: String,
}

/// Signs in as the demo's admin.
pub async fn sign_in(client: &HttpClient, demo: &Demo) -> Fallible<Admin> {
    let body = http::form(&[("username", "admin@inzant.example"), ("password", &demo.admin_password)]);
    let url = format!("{}/login", demo.base);
    // The demo refuses sign-ins posted from other sites, as a browser's would be.
    let mut headers = http::form_headers();
    headers.push((ORIGIN, demo.base.clone()));
    let answer = http::send(client, Method::POST, &url, &headers, body).await?;
    if answer.status != StatusCode::SEE_OTHER {
        return Err(format!(
            "admin sign-in answered {} instead of 303: {}",
            answer.status,
            answer.body_start()
        ));
    }
    let cookie = answer
        .cookies
        .iter()
        .find(|cookie| cookie.contains("inzant_session="))
        .and_then(|cookie| cookie.split(';').next())
        .map(str::to_owned)
        .ok_or("admin sign-in set no session cookie")?;
    Ok(Admin { cookie, origin: demo.base.clone() })
}

/// The admin sends load-test user `n` a reset email. The demo answers a
/// refused trigger with the same redirect and a flash message, so only the
/// emails show that every trigger succeeded.
pub async fn trigger(client: &HttpClient, base: &str, admin: &Admin, n: usize) -> Fallible<()> {
    let (id, _) = load_user(n);
    let url = format!("{base}/admin/users/{id}/reset-password");
    let headers = vec![
        (CONTENT_TYPE, "application/x-www-form-urlencoded".to_owned()),
        (COOKIE, admin.cookie.clone()),
        (ORIGIN, admin.origin.clone()),
    ];
    let answer =
        http::send(client, Method::POST, &url, &headers, http::form(&[("purpose", "reset")])).await?;
    let expected = format!("/admin/users/{id}");
    if answer.status != StatusCode::SEE_OTHER || answer.location.as_deref() != Some(expected.as_str()) {
        return Err(format!("triggering {id} answered {} (location {:?})", answer.status, answer.location));
    }
    Ok(())
}

/// Triggers load-test users `1..=users`, `in_flight` at a time; returns how long that took.
pub async fn trigger_all(
    client: &HttpClient,
    base: &str,
    admin: &Admin,
    users: usize,
    in_flight: usize,
) -> Fallible<Duration> {
    let permits = Arc::new(Semaphore::new(in_flight));
    let mut tasks = JoinSet::new();
    let started = Instant::now();
    for n in 1..=users {
        let (client, base, admin, permits) =
            (client.clone(), base.to_owned(), admin.clone(), Arc::clone(&permits));
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await.map_err(|_| "the trigger pool closed".to_owned())?;
            trigger(&client, &base, &admin, n).await
        });
    }
    while let Some(joined) = tasks.join_next().await {
        joined.map_err(|error| format!("a trigger task failed: {error}"))??;
    }
    Ok(started.elapsed())
}

/// Opens a reset link, as the user's browser does.
pub async fn open(client: &HttpClient, base: &str, link: &Link) -> Fallible<()> {
    let url = format!("{base}{}", link.path);
    let answer = http::send(client, Method::GET, &url, &[], Bytes::new()).await?;
    if answer.status != StatusCode::OK {
        return Err(format!(
            "opening a reset link answered {} instead of 200: {}",
            answer.status,
            answer.body_start()
        ));
    }
    Ok(())
}

/// A password every policy accepts, different for each user. Its digits
/// are interleaved with letters so that it never contains a load-test
/// user's number (`load-00042`, "Load User 42"): the policy refuses a
/// password that contains the user's own details.
pub fn new_password(i: usize) -> String {
    let tag: String = format!("{i:05}").chars().flat_map(|digit| [digit, 'x']).collect();
    format!("Velvet-Harbour-{tag}-Lantern!")
}

/// Saves `password` with the emailed code; the demo answers 303 when it is saved.
pub async fn submit(client: &HttpClient, base: &str, link: &Link, password: &str) -> Fallible<()> {
    let url = format!("{base}{}", link.path);
    let body = http::form(&[
        ("code", link.code.as_str()),
        ("new_password", password),
        ("confirm_password", password),
    ]);
    let answer = http::send(client, Method::POST, &url, &http::form_headers(), body).await?;
    if answer.status != StatusCode::SEE_OTHER {
        return Err(format!("a submit answered {} instead of 303: {}", answer.status, answer.body_start()));
    }
    Ok(())
}

/// Rates `password` on a link's strength endpoint, as the page does on
/// every keystroke.
pub async fn rate(client: &HttpClient, url: &str, password: &str) -> Fallible<()> {
    let body = Bytes::from(serde_json::json!({ "password": password }).to_string());
    let headers = [(CONTENT_TYPE, "application/json".to_owned())];
    let answer = http::send(client, Method::POST, url, &headers, body).await?;
    if answer.status != StatusCode::OK {
        return Err(format!("the strength endpoint answered {}: {}", answer.status, answer.body_start()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_users_are_named_as_the_demo_seeds_them() {
        assert_eq!(load_user(7), ("load-00007".to_owned(), "load-00007@inzant.example".to_owned()));
        assert_eq!(load_user(100_000).0, "load-100000");
        assert_eq!(usernames(2, 3), ["load-00002@inzant.example", "load-00003@inzant.example"]);
    }

    #[test]
    fn each_users_new_password_is_acceptable_for_that_user_and_unique() {
        let policy = inzant_reset_core::PasswordPolicy::default();
        let mut seen = std::collections::HashSet::new();
        for n in [1, 7, 42, 1_234, 9_999, 10_000, 54_321, 100_000] {
            let (id, username) = load_user(n);
            let display_name = format!("Load User {n}");
            let password = new_password(n);
            let report = policy.rate(&password, &[username.as_str(), id.as_str(), display_name.as_str()]);
            assert!(report.is_acceptable(), "{password:?} for {username}: {:?}", report.unmet());
            assert!(seen.insert(password));
        }
    }
}
