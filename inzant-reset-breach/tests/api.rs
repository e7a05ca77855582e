//! The range API client against a real HTTP server on loopback.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use common::{RangeServer, Reply, localhost_tls, range_body};
use inzant_reset_breach::{RangeApi, RangeApiSettings};
use inzant_reset_core::breach::PasswordSha1;
use inzant_reset_core::ports::BreachedPasswords;

fn settings(server: &RangeServer) -> RangeApiSettings {
    RangeApiSettings {
        connect_timeout: Duration::from_millis(300),
        read_timeout: Duration::from_millis(300),
        backoff: Duration::from_millis(10),
        ..RangeApiSettings::with_base_url(&server.base_url)
    }
}

/// A hash in the same range as `sha1` that is not it.
fn neighbour(sha1: &PasswordSha1) -> PasswordSha1 {
    let mut bytes = *sha1.as_bytes();
    bytes[19] ^= 0xff;
    PasswordSha1::from_bytes(bytes)
}

#[tokio::test]
async fn only_the_prefix_is_sent_padding_is_asked_for_and_ignored() {
    let password = PasswordSha1::of("password");
    let padded_only = neighbour(&password);
    let body = range_body(&[(&password, 10_434_004)], 800)
        // The padding line for a hash that is not breached.
        + &format!("\r\n{}:0", padded_only.suffix());
    let server = RangeServer::start(move |_, _| Reply::ok(body.clone())).await;
    let api = RangeApi::new(settings(&server)).unwrap();

    assert_eq!(api.occurrences(&password).await.unwrap(), 10_434_004);
    assert_eq!(api.occurrences(&padded_only).await.unwrap(), 0, "a padding line is no sighting");
    let seen = server.seen();
    assert_eq!(seen.len(), 1, "the second lookup of the range came from the cache");
    assert_eq!(seen[0].path, "/range/5BAA6");
    assert!(!seen[0].path.contains(&password.suffix()[..6]));
    assert_eq!(seen[0].padding.as_deref(), Some("true"));
    assert!(seen[0].user_agent.as_deref().unwrap().starts_with("inzant-reset-breach/"));
}

#[tokio::test]
async fn hexadecimal_digits_of_either_case_and_either_line_end_are_read() {
    let password = PasswordSha1::of("Velvet-Harbour-Lantern-42");
    let lower = format!("{}:3\n{}:0\n", password.suffix().to_lowercase(), "0".repeat(35));
    let server = RangeServer::start(move |_, _| Reply::ok(lower.clone())).await;
    let api = RangeApi::new(settings(&server)).unwrap();
    assert_eq!(api.occurrences(&password).await.unwrap(), 3);
}

#[tokio::test]
async fn a_stalled_api_times_out_without_retrying() {
    let server = RangeServer::start(|_, _| Reply {
        delay: Duration::from_secs(2),
        ..Reply::ok(format!("{}:1", "A".repeat(35)))
    })
    .await;
    let api = RangeApi::new(settings(&server)).unwrap();
    let started = Instant::now();
    let error = api.occurrences(&PasswordSha1::of("password")).await.unwrap_err();
    let took = started.elapsed();
    assert!(took < Duration::from_millis(1500), "{took:?}");
    assert!(error.to_string().contains("did not answer within 600 ms"), "{error}");
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn busy_and_failing_answers_are_retried_with_back_off_then_given_up() {
    for status in [429, 503, 500] {
        let server = RangeServer::start(move |_, _| Reply::status(status)).await;
        let api = RangeApi::new(RangeApiSettings { retries: 2, ..settings(&server) }).unwrap();
        let started = Instant::now();
        let error = api.occurrences(&PasswordSha1::of("password")).await.unwrap_err();
        assert_eq!(server.requests(), 3, "{status}");
        // 10 ms, then 20 ms.
        assert!(started.elapsed() >= Duration::from_millis(30), "{status}");
        let text = error.to_string();
        assert!(text.contains(&status.to_string()) && text.contains("after 3 attempts"), "{text}");
    }
}

#[tokio::test]
async fn a_retry_that_succeeds_answers() {
    let password = PasswordSha1::of("password");
    let body = range_body(&[(&password, 7)], 10);
    let server = RangeServer::start(move |_, n| match n {
        0 => Reply { retry_after: Some("0".into()), ..Reply::status(429) },
        1 => Reply::status(503),
        _ => Reply::ok(body.clone()),
    })
    .await;
    let api = RangeApi::new(settings(&server)).unwrap();
    assert_eq!(api.occurrences(&password).await.unwrap(), 7);
    assert_eq!(server.requests(), 3);
    assert_eq!(api.requests_sent(), 3);
}

#[tokio::test]
async fn a_retry_after_longer_than_the_longest_back_off_ends_the_lookup() {
    let server =
        RangeServer::start(|_, _| Reply { retry_after: Some("120".into()), ..Reply::status(429) }).await;
    let api = RangeApi::new(settings(&server)).unwrap();
    let error = api.occurrences(&PasswordSha1::of("password")).await.unwrap_err();
    assert_eq!(server.requests(), 1);
    assert!(error.to_string().contains("120 s"), "{error}");
}

#[tokio::test]
async fn other_statuses_and_garbage_are_clear_errors_not_panics() {
    let server = RangeServer::start(|prefix, _| match prefix {
        "5BAA6" => Reply::ok("<html><body>Service busy</body></html>"),
        _ => Reply::status(404),
    })
    .await;
    let api = RangeApi::new(settings(&server)).unwrap();
    let password = PasswordSha1::of("password");
    let error = api.occurrences(&password).await.unwrap_err();
    let text = error.to_string();
    assert!(text.contains("not a range") && text.contains("line 1"), "{text}");
    assert!(!text.contains(&password.suffix()), "{text}");
    let error = api.occurrences(&PasswordSha1::of("another")).await.unwrap_err();
    assert!(error.to_string().contains("404"), "{error}");
    assert_eq!(server.requests(), 2, "neither is retried");
    // A failed lookup is not cached.
    assert!(api.occurrences(&password).await.is_err());
    assert_eq!(server.requests(), 3);
}

#[tokio::test]
async fn the_cache_is_bounded_and_expires() {
    let server = RangeServer::start(|_, _| Reply::ok(format!("{}:1", "A".repeat(35)))).await;
    let api = RangeApi::new(RangeApiSettings {
        cache_capacity: 2,
        cache_ttl: Duration::from_millis(200),
        ..settings(&server)
    })
    .unwrap();
    let passwords: Vec<PasswordSha1> = ["one", "two", "three"].iter().map(|p| PasswordSha1::of(p)).collect();
    for sha1 in &passwords {
        api.occurrences(sha1).await.unwrap();
    }
    assert_eq!(server.requests(), 3);
    assert_eq!(api.cached_ranges(), 2);
    api.occurrences(&passwords[2]).await.unwrap();
    assert_eq!(server.requests(), 3, "cached");
    tokio::time::sleep(Duration::from_millis(250)).await;
    api.occurrences(&passwords[2]).await.unwrap();
    assert_eq!(server.requests(), 4, "expired");
}

#[tokio::test]
async fn a_company_mirror_can_serve_range_files() {
    let password = PasswordSha1::of("password");
    let body = range_body(&[(&password, 2)], 0);
    let server = RangeServer::start(move |file, _| match file {
        "5BAA6.txt" => Reply::ok(body.clone()),
        _ => Reply::status(404),
    })
    .await;
    let base = server.base_url.replace("/range/", "/files/{prefix}.txt");
    let api = RangeApi::new(RangeApiSettings { base_url: base, ..settings(&server) }).unwrap();
    assert_eq!(api.occurrences(&password).await.unwrap(), 2);
    assert_eq!(server.seen()[0].path, "/files/5BAA6.txt");
}

#[tokio::test]
async fn nothing_listening_is_an_error_after_retries() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let api = RangeApi::new(RangeApiSettings {
        base_url: format!("http://{addr}/range/"),
        connect_timeout: Duration::from_millis(300),
        backoff: Duration::from_millis(5),
        ..RangeApiSettings::default()
    })
    .unwrap();
    let error = api.occurrences(&PasswordSha1::of("password")).await.unwrap_err();
    assert!(error.to_string().contains("could not be reached"), "{error}");
    assert_eq!(api.requests_sent(), 3);
}

#[tokio::test]
async fn https_with_rustls_refuses_an_unknown_authority_and_trusts_the_extra_roots_given() {
    let password = PasswordSha1::of("password");
    let body = range_body(&[(&password, 9)], 20);
    let (tls, certificate) = localhost_tls();
    let server = RangeServer::start_with(move |_, _| Reply::ok(body.clone()), Some(tls)).await;
    assert!(server.base_url.starts_with("https://localhost:"));

    // A certificate no root vouches for: no request gets through.
    let untrusted = RangeApi::new(settings(&server)).unwrap();
    let error = untrusted.occurrences(&password).await.unwrap_err();
    assert!(error.to_string().contains("could not be reached"), "{error}");
    assert!(error.to_string().contains("certificate"), "the cause is told: {error}");
    assert_eq!(server.requests(), 0);

    // The company's own authority, given: answered over TLS.
    let trusting =
        RangeApi::new(RangeApiSettings { extra_root_certificates: vec![certificate], ..settings(&server) })
            .unwrap();
    assert_eq!(trusting.occurrences(&password).await.unwrap(), 9);
    assert_eq!(server.requests(), 1);
}
