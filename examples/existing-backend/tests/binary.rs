//! The README's instructions, as a user follows them: the binary started
//! with `DATABASE_URL` (and an admin password) serves the sign-in page and
//! the reset's public assets, and stops on SIGTERM.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use inzant_reset_test_support::FreshDatabase;

/// `GET path` over a plain TCP connection; the status line and the body.
fn get(port: u16, path: &str) -> Option<(String, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n").ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    let (head, body) = answer.split_once("\r\n\r\n")?;
    Some((head.lines().next()?.to_owned(), body.to_owned()))
}

#[tokio::test]
async fn the_binary_serves_the_app_as_the_readme_says() {
    let db = FreshDatabase::create("harbour_test").await;
    let port = inzant_reset_test_support::free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_inzant-existing-backend"))
        .env("DATABASE_URL", &db.url)
        .env("APP_LISTEN", format!("127.0.0.1:{port}"))
        .env("APP_ADMIN_PASSWORD", "Binary-Test-Admin-Pass-71!")
        .env_remove("APP_PUBLIC_URL")
        .env_remove("APP_RESET_SECRET")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    // Bounded only as a hang guard: a stuck start fails here.
    let started = Instant::now();
    let login = loop {
        if let Some(answer) = get(port, "/login") {
            break answer;
        }
        assert!(child.try_wait().unwrap().is_none(), "the binary exited at start");
        assert!(started.elapsed() < Duration::from_secs(120), "the binary did not start serving");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(login.0.contains("200"), "{login:?}");
    assert!(login.1.contains("Harbour Supply"), "{}", login.1);
    let script = get(port, "/password-reset/assets/reset.js").unwrap();
    assert!(script.0.contains("200") && script.1.contains("/strength"), "{script:?}");

    let stopped = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(stopped.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
}
