//! The demo the phases drive: a release demo spawned here, or a `--target`.
//!
//! A spawned demo listens on a free loopback port, writes its mail into a
//! temporary directory, and runs with the load-test settings: no resend
//! cooldown, a daily cap and a strength-check limit no run reaches, and
//! `INZANT_DEMO_LOAD_USERS` device users to reset. A target must be started
//! with the same settings by whoever runs it (docs/PERFORMANCE.md).
//!
//! A spawned demo also serves its metrics (`INZANT_METRICS_LISTEN`, another
//! free loopback port), so a phase can compare the demo's own counts of
//! triggers and completed resets with its own ([`Demo::counts`]).

use std::io::Read as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use hyper::body::Bytes;
use hyper::{Method, StatusCode};
use tempfile::TempDir;

use crate::Fallible;
use crate::cli::Target;
use crate::http::{self, HttpClient};
use crate::library;
use crate::mail::Mailbox;

/// How a spawned demo is started.
pub struct Spawn<'a> {
    pub bin: &'a Path,
    /// PostgreSQL, or the in-memory store when `None`.
    pub database_url: Option<&'a str>,
    /// `INZANT_DEMO_LOAD_USERS`.
    pub load_users: usize,
    /// Extra environment (`--demo-env`).
    pub extra_env: &'a [(String, String)],
}

/// A demo being driven.
pub struct Demo {
    /// Its base URL, without a trailing slash.
    pub base: String,
    pub admin_password: String,
    /// Where its mail can be read, if anywhere.
    pub mail_dir: Option<PathBuf>,
    /// Its process id, when it runs on this machine.
    pub pid: Option<u32>,
    /// How long it took to answer after being spawned.
    pub startup: Option<Duration>,
    /// Its `/metrics` URL, when it serves one here.
    pub metrics_url: Option<String>,
    process: Option<Process>,
}

/// What a demo counted, from its `/metrics`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Counts {
    /// Reset emails sent (`inzant_reset_triggered_total` with `outcome="ok"`).
    pub triggers: f64,
    /// New passwords saved (`inzant_reset_completed_total`, every user type).
    pub completed: f64,
}

/// A spawned demo process; killed when dropped, its directory removed.
struct Process {
    child: Child,
    log: PathBuf,
    _work: TempDir,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Demo {
    /// Spawns the demo and waits until it answers.
    pub async fn spawn(spawn: &Spawn<'_>, client: &HttpClient) -> Fallible<Self> {
        let work =
            tempfile::tempdir().map_err(|error| format!("cannot create a temporary directory: {error}"))?;
        let port = free_port()?;
        let base = format!("http://127.0.0.1:{port}");
        let metrics = format!("127.0.0.1:{}", free_port()?);
        let mail_dir = work.path().join("mail");
        let log = work.path().join("demo.log");
        let admin_password = format!("Adm1n!{}", library::random_hex(12)?);
        let mut command = command(spawn, port, &mail_dir, &admin_password)?;
        command.env("INZANT_METRICS_LISTEN", &metrics);
        let log_file = std::fs::File::create(&log)
            .map_err(|error| format!("cannot create {}: {error}", log.display()))?;
        let log_err =
            log_file.try_clone().map_err(|error| format!("cannot create {}: {error}", log.display()))?;
        command.stdin(Stdio::null()).stdout(Stdio::from(log_file)).stderr(Stdio::from(log_err));
        let child =
            command.spawn().map_err(|error| format!("cannot start {}: {error}", spawn.bin.display()))?;
        let pid = Some(child.id());
        let process = Process { child, log, _work: work };
        let mut demo = Self {
            base,
            admin_password,
            mail_dir: Some(mail_dir),
            pid,
            startup: None,
            metrics_url: Some(format!("http://{metrics}/metrics")),
            process: Some(process),
        };
        demo.startup = Some(demo.wait_until_up(client).await?);
        Ok(demo)
    }

    /// The demo at `--target`, as it is.
    pub fn remote(target: &Target) -> Self {
        Self {
            base: target.url.clone(),
            admin_password: target.admin_password.clone(),
            mail_dir: target.mail_dir.clone(),
            pid: target.pid,
            startup: None,
            metrics_url: None,
            process: None,
        }
    }

    /// Its mail from now on, if it can be read here.
    pub fn mailbox(&self) -> Fallible<Option<Mailbox>> {
        self.mail_dir.as_deref().map(Mailbox::open).transpose()
    }

    /// Fails when a spawned demo has exited.
    pub fn check_running(&mut self) -> Fallible<()> {
        match self.process.as_mut().map(|process| process.child.try_wait()) {
            Some(Ok(Some(status))) => Err(format!("the demo exited with {status}:\n{}", self.log_tail())),
            _ => Ok(()),
        }
    }

    /// The last lines of a spawned demo's log, for error messages.
    pub fn log_tail(&self) -> String {
        let Some(process) = &self.process else {
            return "(the target's log is on its own machine)".to_owned();
        };
        let mut text = String::new();
        if let Ok(mut file) = std::fs::File::open(&process.log) {
            let _ = file.read_to_string(&mut text);
        }
        let lines: Vec<&str> = text.lines().collect();
        let start = lines.len().saturating_sub(20);
        lines.get(start..).map(|tail| tail.join("\n")).unwrap_or_default()
    }

    /// What the demo counted so far, from its `/metrics` (`None` without one).
    pub async fn counts(&self, client: &HttpClient) -> Fallible<Option<Counts>> {
        let Some(url) = &self.metrics_url else { return Ok(None) };
        let answer = http::send(client, Method::GET, url, &[], Bytes::new()).await?;
        if answer.status != StatusCode::OK {
            return Err(format!("{url} answered {}: {}", answer.status, answer.body_start()));
        }
        Ok(Some(parse_counts(&String::from_utf8_lossy(&answer.body))))
    }

    /// Waits until the demo answers `GET /login` with 200.
    async fn wait_until_up(&mut self, client: &HttpClient) -> Fallible<Duration> {
        let started = Instant::now();
        let url = format!("{}/login", self.base);
        loop {
            self.check_running()?;
            if let Ok(answer) = http::send(client, Method::GET, &url, &[], Bytes::new()).await
                && answer.status == StatusCode::OK
            {
                return Ok(started.elapsed());
            }
            if started.elapsed() > Duration::from_secs(600) {
                return Err(format!("the demo did not answer within 600 s:\n{}", self.log_tail()));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// The demo's command with the load-test settings.
fn command(spawn: &Spawn<'_>, port: u16, mail_dir: &Path, admin_password: &str) -> Fallible<Command> {
    let mut command = Command::new(spawn.bin);
    command
        .env("INZANT_LISTEN", format!("127.0.0.1:{port}"))
        .env("INZANT_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
        .env("INZANT_MAIL_DIR", mail_dir)
        .env("INZANT_RESET_COOLDOWN", "0")
        .env("INZANT_RESET_DAILY_CAP", "1000000")
        .env("INZANT_STRENGTH_CHECKS_PER_MINUTE", "1000000")
        // The burst's last submit waits for every hash before it (500 × a
        // hash ÷ cores: 17 s at 68 ms a hash), past the 15 s default.
        .env("INZANT_REQUEST_TIMEOUT", "600")
        .env("INZANT_DEMO_LOAD_USERS", spawn.load_users.to_string())
        .env("INZANT_DEMO_ADMIN_PASSWORD", admin_password)
        .env("INZANT_RESET_SECRET", library::random_hex(32)?)
        .env("RUST_LOG", "warn")
        .env_remove("SMTP_URL");
    match spawn.database_url {
        Some(url) => command.env("DATABASE_URL", url),
        None => command.env_remove("DATABASE_URL"),
    };
    command.envs(spawn.extra_env.iter().map(|(key, value)| (key, value)));
    Ok(command)
}

/// The counts in a Prometheus text exposition: the sums of the samples of
/// each counter (over the labels that matter).
fn parse_counts(text: &str) -> Counts {
    let mut counts = Counts::default();
    for line in text.lines().filter(|line| !line.starts_with('#')) {
        let Some((series, value)) = line.rsplit_once(' ') else { continue };
        let Ok(value) = value.parse::<f64>() else { continue };
        let (name, labels) = series.split_once('{').unwrap_or((series, ""));
        match name {
            "inzant_reset_triggered_total" if labels.contains("outcome=\"ok\"") => counts.triggers += value,
            "inzant_reset_completed_total" => counts.completed += value,
            _ => {}
        }
    }
    counts
}

fn free_port() -> Fallible<u16> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|error| format!("cannot find a free port: {error}"))?;
    let port = listener.local_addr().map_err(|error| format!("cannot find a free port: {error}"))?.port();
    Ok(port)
}

/// `target/release/inzant-reset-demo`, next to this binary.
pub fn default_bin() -> Fallible<PathBuf> {
    let me = std::env::current_exe().map_err(|error| format!("cannot find this binary's path: {error}"))?;
    let dir = me.parent().ok_or("this binary has no parent directory")?;
    let demo = dir.join(format!("inzant-reset-demo{}", std::env::consts::EXE_SUFFIX));
    if demo.is_file() {
        Ok(demo)
    } else {
        Err(format!(
            "{} is missing: build it with `cargo build --release -p inzant-reset-demo` or pass --demo-bin",
            demo.display()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_up_the_samples_that_matter() {
        let text = "# TYPE inzant_reset_triggered_total counter\n\
            inzant_reset_triggered_total{purpose=\"reset\",outcome=\"ok\"} 500\n\
            inzant_reset_triggered_total{purpose=\"create\",outcome=\"ok\"} 20\n\
            inzant_reset_triggered_total{purpose=\"reset\",outcome=\"cooldown\"} 3\n\
            inzant_reset_completed_total{user_type=\"device\"} 480\n\
            inzant_reset_completed_total{user_type=\"web\"} 2\n\
            inzant_reset_submits_total{outcome=\"ok\"} 482\n";
        assert_eq!(parse_counts(text), Counts { triggers: 520.0, completed: 482.0 });
        assert_eq!(parse_counts(""), Counts::default());
    }
}
