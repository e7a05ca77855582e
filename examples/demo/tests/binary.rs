//! The binary as it runs: bad settings are refused with a clear message
//! and exit status 2; SIGTERM ends it within the shutdown deadline even
//! with half-sent requests open; failed sign-ins are logged with who and
//! from where, never the password.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use tempfile::TempDir;

fn run_with(name: &str, value: &str) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_inzant-reset-demo"));
    for var in [
        "INZANT_LISTEN",
        "INZANT_PUBLIC_URL",
        "INZANT_MAIL_DIR",
        "SMTP_URL",
        "DATABASE_URL",
        "INZANT_RESET_SECRET",
        "INZANT_DEMO_ADMIN_PASSWORD",
        "INZANT_RESET_TTL",
        "INZANT_RESET_COOLDOWN",
        "INZANT_METRICS_LISTEN",
    ] {
        command.env_remove(var);
    }
    command.env(name, value).output().unwrap()
}

#[test]
fn bad_settings_exit_with_status_2() {
    for (name, value) in [
        ("INZANT_LISTEN", "not-an-address"),
        ("INZANT_PUBLIC_URL", "sales.example.com"),
        ("INZANT_RESET_TTL", "a day"),
        ("INZANT_RESET_COOLDOWN", "-5"),
        ("INZANT_RESET_SECRET", "short"),
        ("SMTP_URL", "mail.example.com"),
        ("DATABASE_URL", "not a url"),
        ("INZANT_METRICS_LISTEN", "nine-one-hundred"),
    ] {
        let output = run_with(name, value);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{name}={value}: {stderr}");
        assert!(stderr.contains(name), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn a_mistake_in_the_hosts_locales_stops_the_demo_naming_the_file_and_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("de.ftl");
    let words = "# Unsere eigenen Worte\n\nsave-button = Speichern\nworks-until = Gültig bis { $tme }.\n";
    std::fs::write(&file, words).unwrap();
    let output = run_with("INZANT_LOCALES_DIR", &dir.path().display().to_string());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    for part in ["INZANT_LOCALES_DIR", &format!("{}:4", file.display()), "works-until", "$tme"] {
        assert!(stderr.contains(part), "{part:?} missing from: {stderr}");
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Bounds waits that only a stuck process reaches; nothing asserts a speed.
const HANG_GUARD: Duration = Duration::from_secs(20);

/// The demo binary running on a free loopback port; killed on drop.
struct Running {
    child: Child,
    port: u16,
    stderr: PathBuf,
    _dir: TempDir,
}

impl Running {
    fn start(extra: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let stderr = dir.path().join("stderr.log");
        let mut failures = Vec::new();
        for _ in 0..5 {
            let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
            let mut command = Command::new(env!("CARGO_BIN_EXE_inzant-reset-demo"));
            command
                .env_clear()
                .env("INZANT_LISTEN", format!("127.0.0.1:{port}"))
                .env("INZANT_MAIL_DIR", dir.path().join("mail"))
                // The demo's temporary files (its breached-password mirror) go in
                // here too, and go with it: the demo is killed, not stopped.
                .env("TMPDIR", dir.path())
                .env("INZANT_DEMO_ADMIN_PASSWORD", "Binary-Test-Admin-Pass-42!")
                .env("RUST_LOG", "info")
                .envs(extra.iter().copied())
                .stdout(Stdio::piped())
                .stderr(std::fs::File::create(&stderr).unwrap());
            let mut child = command.spawn().unwrap();
            let stdout = child.stdout.take().unwrap();
            let (lines, ready) = mpsc::channel();
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                    // The banner's last line is printed once the listener is bound.
                    if line.starts_with("Users and reset requests are") {
                        let _ = lines.send(());
                    }
                }
            });
            if ready.recv_timeout(HANG_GUARD).is_ok() {
                return Self { child, port, stderr, _dir: dir };
            }
            let _ = child.kill();
            let _ = child.wait();
            let log = std::fs::read_to_string(&stderr).unwrap_or_default();
            let port_taken = log.contains("could not listen");
            failures.push(log);
            if !port_taken {
                break;
            }
        }
        panic!("the demo did not start:\n{}", failures.join("\n---\n"));
    }

    fn connect(&self) -> TcpStream {
        TcpStream::connect(("127.0.0.1", self.port)).unwrap()
    }

    /// Sends `request` on a new connection and returns the whole answer
    /// (the request asks the server to close after it).
    fn exchange(&self, request: &str) -> String {
        let mut stream = self.connect();
        stream.set_read_timeout(Some(HANG_GUARD)).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sign_in_request(port: u16, origin: &str, username: &str, password: &str) -> String {
    let body = format!("username={username}&password={password}");
    format!(
        "POST /login HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: {origin}\r\nConnection: close\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

#[test]
fn sigterm_ends_the_demo_at_the_shutdown_deadline_with_half_sent_requests_open() {
    // Only the shutdown deadline can end these connections: the other
    // timeouts are far beyond the hang guard.
    let mut demo = Running::start(&[
        ("INZANT_HEADER_TIMEOUT", "600"),
        ("INZANT_REQUEST_TIMEOUT", "600"),
        ("INZANT_SHUTDOWN_TIMEOUT", "0.5"),
    ]);
    let mut half_line = demo.connect();
    half_line.write_all(b"GET /login HT").unwrap();
    let mut half_body = demo.connect();
    let head = "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n\
                Content-Length: 100\r\n\r\nusername=";
    half_body.write_all(head.as_bytes()).unwrap();
    // Both are accepted and waiting once a full request on a third connection is answered.
    let answer = demo.exchange("GET /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");

    let sent = Command::new("kill").args(["-TERM", &demo.child.id().to_string()]).status().unwrap();
    assert!(sent.success());
    let mut waited = Duration::ZERO;
    let status = loop {
        if let Some(status) = demo.child.try_wait().unwrap() {
            break status;
        }
        assert!(waited < HANG_GUARD, "still running long after SIGTERM:\n{}", demo.log());
        std::thread::sleep(Duration::from_millis(50));
        waited += Duration::from_millis(50);
    };
    assert!(status.success(), "{status:?}\n{}", demo.log());
    let log = demo.log();
    assert!(log.contains("connections still open at the shutdown deadline are cut"), "{log}");
    assert!(log.contains("stopped"), "{log}");
}

#[test]
fn failed_and_refused_sign_ins_are_logged_with_who_and_from_where_but_no_password() {
    let demo = Running::start(&[("INZANT_SIGN_IN_PER_ACCOUNT", "1")]);
    let origin = format!("http://127.0.0.1:{}", demo.port);
    let wrong =
        demo.exchange(&sign_in_request(demo.port, &origin, "sam.web%40inzant.example", "Hunter2-Secret"));
    assert!(wrong.starts_with("HTTP/1.1 401 "), "{wrong}");
    let throttled =
        demo.exchange(&sign_in_request(demo.port, &origin, "sam.web%40inzant.example", "Hunter3-Secret"));
    assert!(throttled.starts_with("HTTP/1.1 429 "), "{throttled}");
    let foreign = demo.exchange(&sign_in_request(
        demo.port,
        "https://evil.example",
        "dana%40inzant.example",
        "Hunter4-Secret",
    ));
    assert!(foreign.starts_with("HTTP/1.1 403 "), "{foreign}");

    // The log is written as things happen; the answers above came after their lines.
    let log = demo.log();
    let line = |what: &str| {
        log.lines()
            .find(|line| line.contains(what))
            .unwrap_or_else(|| panic!("no {what:?} in:\n{log}"))
            .to_owned()
    };
    let failed = line("sign-in failed");
    assert!(failed.contains("sam.web@inzant.example") && failed.contains("from=127.0.0.1"), "{failed}");
    let refused = line("sign-in refused: too many attempts");
    assert!(refused.contains("sam.web@inzant.example") && refused.contains("from=127.0.0.1"), "{refused}");
    let cross_site = line("sign-in form from another site refused");
    assert!(cross_site.contains("evil.example"), "{cross_site}");
    assert!(!log.contains("Hunter"), "no password in the log:\n{log}");
}

/// A loopback port nothing listens on right now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// `GET path` on `port` of loopback; the whole answer.
fn get(port: u16, path: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(HANG_GUARD)).unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
}

#[test]
fn metrics_are_served_on_their_own_address_and_count_a_trigger() {
    let metrics_port = free_port();
    let demo = Running::start(&[("INZANT_METRICS_LISTEN", &format!("127.0.0.1:{metrics_port}"))]);
    let origin = format!("http://127.0.0.1:{}", demo.port);

    // The admin signs in and sends Sam Web (user 1002) a reset email.
    let signed_in = demo.exchange(&sign_in_request(
        demo.port,
        &origin,
        "admin%40inzant.example",
        "Binary-Test-Admin-Pass-42%21",
    ));
    assert!(signed_in.starts_with("HTTP/1.1 303 "), "{signed_in}");
    let session = signed_in
        .lines()
        .find_map(|line| line.strip_prefix("set-cookie: "))
        .and_then(|cookie| cookie.split(';').next())
        .unwrap_or_else(|| panic!("no session cookie in {signed_in}"))
        .to_owned();
    let body = "purpose=reset";
    let triggered = demo.exchange(&format!(
        "POST /admin/users/1002/reset-password HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nOrigin: {origin}\r\n\
         Cookie: {session}\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\n\r\n{body}",
        demo.port,
        body.len()
    ));
    assert!(triggered.starts_with("HTTP/1.1 303 "), "{triggered}");

    let metrics = get(metrics_port, "/metrics");
    assert!(metrics.starts_with("HTTP/1.1 200 "), "{metrics}");
    assert!(metrics.contains("content-type: text/plain; version=0.0.4"), "{metrics}");
    let triggers = metrics
        .lines()
        .find(|line| line.starts_with("inzant_reset_triggered_total{"))
        .unwrap_or_else(|| panic!("no inzant_reset_triggered_total in:\n{metrics}"));
    for part in ["purpose=\"reset\"", "outcome=\"ok\"", "} 1"] {
        assert!(triggers.contains(part), "{part} missing from {triggers}");
    }
    assert!(metrics.contains("# TYPE inzant_reset_triggered_total counter"), "{metrics}");

    // Only there: the pages' address has no /metrics, the metrics' address no pages.
    let on_main = demo.exchange("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert!(on_main.starts_with("HTTP/1.1 404 "), "{on_main}");
    assert!(!on_main.contains("inzant_reset_"), "{on_main}");
    let page = get(metrics_port, "/login");
    assert!(page.starts_with("HTTP/1.1 404 "), "{page}");
}
