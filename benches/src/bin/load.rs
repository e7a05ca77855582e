//! `load`: the submit path under load (issue 6, SPEC §5).
//!
//! Against the release demo binary, spawned as a child process on a free
//! loopback port (memory store, or PostgreSQL from `DATABASE_URL`), with a
//! temporary mail directory, no resend cooldown and load-test users
//! (`INZANT_DEMO_LOAD_USERS`):
//!
//! 1. measures the Argon2 bound in this process (cores ÷ the median time of
//!    one hash with the default `HashParams`), with the demo idle;
//! 2. signs in as the admin and triggers one reset per load user over HTTP
//!    (trigger throughput), then reads each link and code from the `.eml` files;
//! 3. rates passwords on the strength endpoint from a few loops while idle
//!    (a baseline), then fires every submit at once (500 by default) while
//!    the same loops keep rating passwords on links of users not being
//!    redeemed: redeem throughput vs the bound, strength p50/p99 under load;
//! 4. reads the demo's peak RSS (`VmHWM`) after the burst.
//!
//! `--core-trigger` also measures trigger throughput through the core alone:
//! `ResetService` on `PgStore` + `PgUserDirectory` + `PgAudit` (in a fresh
//! schema, dropped afterwards) with a mailer that drops messages, many
//! concurrent tasks over distinct users.
//!
//! Every figure is printed in one table next to its target. `--quick` runs
//! small sizes and judges no time (it still fails on any error answer).
//! The process exits non-zero on errors (a refused request, a missing email,
//! a demo that does not start), never on a missed target.
//!
//! ```text
//! load [--memory] [--postgres] [--core-trigger] [--all] [--quick]
//!      [--submits N] [--strength-loops N] [--strength-interval-ms MS]
//!      [--core-users N] [--core-tasks N] [--demo-bin PATH] [--demo-env KEY=VALUE]...
//! ```
//! `scripts/load` builds the binaries, provides PostgreSQL and runs `--all`.

#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Read as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::header::{CONTENT_TYPE, COOKIE, LOCATION, ORIGIN, SET_COOKIE};
use hyper::{Method, Request, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use inzant_reset_core::email::Email;
use inzant_reset_core::error::MailError;
use inzant_reset_core::hash::{Argon2id, HashParams};
use inzant_reset_core::ports::Mailer;
use inzant_reset_core::prelude::*;
use inzant_reset_sqlx::{PgAudit, PgStore, PgUserDirectory, Schema, UsersTable};
use mail_parser::MessageParser;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use secrecy::SecretString;
use sqlx::AssertSqlSafe;
use sqlx::postgres::PgPoolOptions;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

type Fallible<T> = Result<T, String>;
type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// The targets of SPEC §5.
const REDEEM_TARGET_PERCENT: f64 = 90.0;
const STRENGTH_P99_TARGET_MS: f64 = 10.0;
const PEAK_RSS_TARGET_MB: f64 = 300.0;
const CORE_TRIGGER_TARGET_PER_S: f64 = 1000.0;

/// How long any single request may take before the run fails.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(180);
/// Triggers in flight at once over HTTP (an admin UI is not a burst source).
const TRIGGER_CONCURRENCY: usize = 32;

fn main() -> std::process::ExitCode {
    let args = match Args::parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("load: {message}\n\n{USAGE}");
            return std::process::ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("load: could not start the async runtime: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nload: FAILED: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage: load [--memory] [--postgres] [--core-trigger] [--all] [--quick]
            [--submits N] [--strength-loops N] [--strength-interval-ms MS]
            [--core-users N] [--core-tasks N] [--demo-bin PATH] [--demo-env KEY=VALUE]...
  --memory        the HTTP load test on the demo with the in-memory store (the default)
  --postgres      the HTTP load test on the demo with PostgreSQL (DATABASE_URL)
  --core-trigger  trigger throughput through the core on PostgreSQL (DATABASE_URL)
  --all           all three
  --quick         small sizes; no figure is judged against its target";

#[derive(Debug)]
struct Args {
    memory: bool,
    postgres: bool,
    core_trigger: bool,
    quick: bool,
    submits: usize,
    strength_loops: usize,
    strength_interval: Duration,
    core_users: usize,
    core_tasks: usize,
    demo_bin: Option<PathBuf>,
    /// Extra `KEY=VALUE` environment for the demo (experiments, e.g. malloc tuning).
    demo_env: Vec<(String, String)>,
}

impl Args {
    fn parse(mut args: impl Iterator<Item = String>) -> Fallible<Self> {
        let mut parsed = Self {
            memory: false,
            postgres: false,
            core_trigger: false,
            quick: false,
            submits: 0,
            strength_loops: 3,
            strength_interval: Duration::from_millis(20),
            core_users: 0,
            core_tasks: 64,
            demo_bin: None,
            demo_env: Vec::new(),
        };
        let number = |name: &str, value: Option<String>| -> Fallible<usize> {
            let value = value.ok_or_else(|| format!("{name} needs a number"))?;
            match value.parse::<usize>() {
                Ok(n) if n > 0 => Ok(n),
                _ => Err(format!("{name} needs a positive number (got {value:?})")),
            }
        };
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--memory" => parsed.memory = true,
                "--postgres" => parsed.postgres = true,
                "--core-trigger" => parsed.core_trigger = true,
                "--all" => (parsed.memory, parsed.postgres, parsed.core_trigger) = (true, true, true),
                "--quick" => parsed.quick = true,
                "--submits" => parsed.submits = number("--submits", args.next())?,
                "--strength-loops" => parsed.strength_loops = number("--strength-loops", args.next())?,
                "--strength-interval-ms" => {
                    parsed.strength_interval =
                        Duration::from_millis(number("--strength-interval-ms", args.next())? as u64);
                }
                "--core-users" => parsed.core_users = number("--core-users", args.next())?,
                "--core-tasks" => parsed.core_tasks = number("--core-tasks", args.next())?,
                "--demo-bin" => {
                    parsed.demo_bin = Some(PathBuf::from(args.next().ok_or("--demo-bin needs a path")?));
                }
                "--demo-env" => {
                    let pair = args.next().ok_or("--demo-env needs KEY=VALUE")?;
                    let (key, value) = pair
                        .split_once('=')
                        .ok_or_else(|| format!("--demo-env needs KEY=VALUE (got {pair:?})"))?;
                    parsed.demo_env.push((key.to_owned(), value.to_owned()));
                }
                "-h" | "--help" => return Err("help".to_owned()),
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        if !(parsed.memory || parsed.postgres || parsed.core_trigger) {
            parsed.memory = true;
        }
        if parsed.submits == 0 {
            parsed.submits = if parsed.quick { 20 } else { 500 };
        }
        if parsed.core_users == 0 {
            parsed.core_users = if parsed.quick { 200 } else { 5000 };
        }
        Ok(parsed)
    }
}

/// One line of the final table.
struct Row {
    scenario: String,
    figure: String,
    value: String,
    target: String,
    /// `Some(met)` for a judged figure.
    met: Option<bool>,
}

struct Report {
    quick: bool,
    rows: Vec<Row>,
}

impl Report {
    fn info(&mut self, scenario: &str, figure: &str, value: String) {
        self.rows.push(Row {
            scenario: scenario.to_owned(),
            figure: figure.to_owned(),
            value,
            target: String::new(),
            met: None,
        });
    }

    fn judged(&mut self, scenario: &str, figure: &str, value: String, target: &str, met: bool) {
        self.rows.push(Row {
            scenario: scenario.to_owned(),
            figure: figure.to_owned(),
            value,
            target: target.to_owned(),
            met: (!self.quick).then_some(met),
        });
    }

    fn render(&self) -> String {
        let headers = ["scenario", "figure", "measured", "target", "verdict"];
        let cells: Vec<[String; 5]> = self
            .rows
            .iter()
            .map(|row| {
                let verdict = match (row.met, row.target.is_empty()) {
                    (_, true) => String::new(),
                    (Some(true), false) => "met".to_owned(),
                    (Some(false), false) => "MISSED".to_owned(),
                    (None, false) => "not judged (--quick)".to_owned(),
                };
                [row.scenario.clone(), row.figure.clone(), row.value.clone(), row.target.clone(), verdict]
            })
            .collect();
        let mut widths = headers.map(|h| h.chars().count());
        for row in &cells {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let mut out = String::new();
        let line = |out: &mut String, row: &[String; 5]| {
            let mut text = String::from("|");
            for (i, cell) in row.iter().enumerate() {
                let width = widths.get(i).copied().unwrap_or(0);
                // Numbers right-aligned, text left-aligned.
                if i == 2 {
                    let _ = write!(text, " {cell:>width$} |");
                } else {
                    let _ = write!(text, " {cell:<width$} |");
                }
            }
            out.push_str(text.trim_end());
            out.push('\n');
        };
        line(&mut out, &headers.map(str::to_owned));
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        out.push_str(&format!("|-{}-|\n", rule.join("-|-")));
        for row in &cells {
            line(&mut out, row);
        }
        out
    }
}

async fn run(args: Args) -> Fallible<()> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let mut report = Report { quick: args.quick, rows: Vec::new() };
    println!(
        "load test: {} submits, {} strength loops, {cores} cores{}",
        args.submits,
        args.strength_loops,
        if args.quick { ", quick mode (no figure judged)" } else { "" }
    );
    report.info("machine", "cores (available_parallelism)", cores.to_string());
    report.info("machine", "load average at start (1 min)", load_average());
    let scaling = tokio::task::spawn_blocking(move || cpu_scaling(cores))
        .await
        .map_err(|error| format!("the scaling task failed: {error}"))?;
    report.info(
        "machine",
        "pure-compute scaling, all cores vs one",
        format!("{scaling:.2}× (ideal {cores}×)"),
    );
    if !args.demo_env.is_empty() {
        let env: Vec<String> = args.demo_env.iter().map(|(key, value)| format!("{key}={value}")).collect();
        report.info("machine", "extra demo environment", env.join(" "));
    }

    let database_url = std::env::var("DATABASE_URL").ok().filter(|url| !url.trim().is_empty());
    if (args.postgres || args.core_trigger) && database_url.is_none() {
        return Err(
            "--postgres and --core-trigger need DATABASE_URL (scripts/load starts a private cluster)"
                .to_owned(),
        );
    }
    let demo_bin = match &args.demo_bin {
        Some(path) => path.clone(),
        None => default_demo_bin()?,
    };

    if args.memory {
        http_load(&args, &demo_bin, None, cores, &mut report).await?;
    }
    if let (true, Some(url)) = (args.postgres, &database_url) {
        http_load(&args, &demo_bin, Some(url), cores, &mut report).await?;
    }
    if let (true, Some(url)) = (args.core_trigger, &database_url) {
        core_trigger(&args, url, &mut report).await?;
    }
    report.info("machine", "load average at end (1 min)", load_average());

    println!("\n{}", report.render());
    let missed = report.rows.iter().filter(|row| row.met == Some(false)).count();
    if args.quick {
        println!("quick mode: sizes are small and no figure is judged; every request succeeded.");
    } else if missed == 0 {
        println!("every target met.");
    } else {
        println!("{missed} target(s) missed: see docs/PERFORMANCE.md, \"Submit path under load\".");
    }
    Ok(())
}

/// How many times one thread's work `cores` threads get done in the same
/// time, on a pure integer loop (no memory traffic): `cores` on an idle
/// machine with real cores, less with busy neighbours or shared cores.
fn cpu_scaling(cores: usize) -> f64 {
    fn spin(rounds: u64) -> u64 {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..rounds {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }
        x
    }
    const ROUNDS: u64 = 150_000_000;
    let started = Instant::now();
    std::hint::black_box(spin(std::hint::black_box(ROUNDS)));
    let one = started.elapsed().as_secs_f64();
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..cores {
            scope.spawn(|| std::hint::black_box(spin(std::hint::black_box(ROUNDS))));
        }
    });
    let all = started.elapsed().as_secs_f64();
    cores as f64 * one / all
}

/// `target/release/inzant-reset-demo`, next to this binary.
fn default_demo_bin() -> Fallible<PathBuf> {
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

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "n/a".to_owned())
}

// ---------------------------------------------------------------------------
// The demo as a child process
// ---------------------------------------------------------------------------

/// The running demo; killed when dropped.
struct DemoProcess {
    child: Child,
    base: String,
    log: PathBuf,
}

impl Drop for DemoProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl DemoProcess {
    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The last lines of the demo's log, for error messages.
    fn log_tail(&self) -> String {
        let mut text = String::new();
        if let Ok(mut file) = std::fs::File::open(&self.log) {
            let _ = file.read_to_string(&mut text);
        }
        let lines: Vec<&str> = text.lines().collect();
        let start = lines.len().saturating_sub(20);
        lines.get(start..).map(|tail| tail.join("\n")).unwrap_or_default()
    }
}

struct Spawned {
    demo: DemoProcess,
    mail_dir: PathBuf,
    admin_password: String,
}

fn free_port() -> Fallible<u16> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|error| format!("cannot find a free port: {error}"))?;
    let port = listener.local_addr().map_err(|error| format!("cannot find a free port: {error}"))?.port();
    Ok(port)
}

fn random_text(bytes: usize) -> Fallible<String> {
    let mut raw = vec![0u8; bytes];
    OsRandom.fill(&mut raw).map_err(|error| format!("no randomness: {error}"))?;
    Ok(raw.iter().map(|b| format!("{b:02x}")).collect())
}

fn spawn_demo(
    demo_bin: &Path,
    database_url: Option<&str>,
    load_users: usize,
    extra_env: &[(String, String)],
    work: &Path,
) -> Fallible<Spawned> {
    let port = free_port()?;
    let base = format!("http://127.0.0.1:{port}");
    let mail_dir = work.join("mail");
    let log = work.join("demo.log");
    let admin_password = format!("Adm1n!{}", random_text(12)?);
    let log_file =
        std::fs::File::create(&log).map_err(|error| format!("cannot create {}: {error}", log.display()))?;
    let log_err =
        log_file.try_clone().map_err(|error| format!("cannot create {}: {error}", log.display()))?;
    let mut command = Command::new(demo_bin);
    command
        .env("INZANT_LISTEN", format!("127.0.0.1:{port}"))
        .env("INZANT_PUBLIC_URL", &base)
        .env("INZANT_MAIL_DIR", &mail_dir)
        .env("INZANT_RESET_COOLDOWN", "0")
        .env("INZANT_RESET_DAILY_CAP", "1000000")
        .env("INZANT_STRENGTH_CHECKS_PER_MINUTE", "1000000")
        .env("INZANT_DEMO_LOAD_USERS", load_users.to_string())
        .env("INZANT_DEMO_ADMIN_PASSWORD", &admin_password)
        .env("INZANT_RESET_SECRET", random_text(32)?)
        .env("RUST_LOG", "warn")
        .env_remove("SMTP_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::from(log_file))
        .stderr(Stdio::from(log_err));
    match database_url {
        Some(url) => command.env("DATABASE_URL", url),
        None => command.env_remove("DATABASE_URL"),
    };
    command.envs(extra_env.iter().map(|(key, value)| (key, value)));
    let child = command.spawn().map_err(|error| format!("cannot start {}: {error}", demo_bin.display()))?;
    Ok(Spawned { demo: DemoProcess { child, base, log }, mail_dir, admin_password })
}

/// Waits until the demo answers `GET /login` with 200.
async fn wait_until_up(client: &HttpClient, demo: &mut DemoProcess) -> Fallible<Duration> {
    let started = Instant::now();
    loop {
        if let Ok(Some(status)) = demo.child.try_wait() {
            return Err(format!("the demo exited with {status} while starting:\n{}", demo.log_tail()));
        }
        let url = format!("{}/login", demo.base);
        if let Ok(answer) = send(client, Method::GET, &url, &[], Bytes::new()).await
            && answer.status == StatusCode::OK
        {
            return Ok(started.elapsed());
        }
        if started.elapsed() > Duration::from_secs(120) {
            return Err(format!("the demo did not answer within 120 s:\n{}", demo.log_tail()));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

// ---------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------

struct Answer {
    status: StatusCode,
    location: Option<String>,
    cookies: Vec<String>,
    body: Bytes,
}

fn http_client() -> HttpClient {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    Client::builder(TokioExecutor::new()).pool_max_idle_per_host(2048).build(connector)
}

async fn send(
    client: &HttpClient,
    method: Method,
    url: &str,
    headers: &[(hyper::header::HeaderName, String)],
    body: Bytes,
) -> Fallible<Answer> {
    let mut request = Request::builder().method(method).uri(url);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let request = request.body(Full::new(body)).map_err(|error| format!("bad request for {url}: {error}"))?;
    let exchange = async {
        let response = client.request(request).await.map_err(|error| format!("{url}: {error}"))?;
        let status = response.status();
        let location = response.headers().get(LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let cookies = response
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|error| format!("{url}: reading the body: {error}"))?
            .to_bytes();
        Ok(Answer { status, location, cookies, body })
    };
    tokio::time::timeout(REQUEST_TIMEOUT, exchange)
        .await
        .map_err(|_| format!("{url}: no answer within {} s", REQUEST_TIMEOUT.as_secs()))?
}

fn form(fields: &[(&str, &str)]) -> Bytes {
    let encoded: Vec<String> = fields
        .iter()
        .map(|(name, value)| format!("{name}={}", utf8_percent_encode(value, NON_ALPHANUMERIC)))
        .collect();
    Bytes::from(encoded.join("&"))
}

fn form_headers() -> Vec<(hyper::header::HeaderName, String)> {
    vec![(CONTENT_TYPE, "application/x-www-form-urlencoded".to_owned())]
}

/// Signs in as the admin; returns the `Cookie` header value.
async fn admin_login(client: &HttpClient, base: &str, password: &str) -> Fallible<String> {
    let body = form(&[("username", "admin@inzant.example"), ("password", password)]);
    let answer = send(client, Method::POST, &format!("{base}/login"), &form_headers(), body).await?;
    if answer.status != StatusCode::SEE_OTHER {
        return Err(format!("admin sign-in answered {} instead of 303", answer.status));
    }
    answer
        .cookies
        .iter()
        .find(|cookie| cookie.starts_with("inzant_session="))
        .and_then(|cookie| cookie.split(';').next())
        .map(str::to_owned)
        .ok_or_else(|| "admin sign-in set no session cookie".to_owned())
}

// ---------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------

/// The `q`-quantile (nearest rank) of sorted `values`.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted.get(rank - 1).copied().unwrap_or(f64::NAN)
}

fn sorted(mut values: Vec<f64>) -> Vec<f64> {
    values.sort_by(f64::total_cmp);
    values
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

// ---------------------------------------------------------------------------
// The Argon2 bound
// ---------------------------------------------------------------------------

struct Argon2Bound {
    one_hash: Duration,
    per_second: f64,
    /// Hashes per second actually reached by `cores` threads hashing at once.
    parallel_per_second: f64,
}

/// The median of `samples` sequential hashes with the default parameters,
/// hashed the way the demo's `BlockingHasher` does (in reused working
/// memory); the bound is `cores` of them per that time.
async fn argon2_bound(cores: usize, samples: usize) -> Fallible<Argon2Bound> {
    let hasher = Argon2id::new(HashParams::default()).map_err(|error| format!("Argon2id: {error}"))?;
    let times = tokio::task::spawn_blocking(move || -> Fallible<Vec<f64>> {
        let password = SecretString::from("Velvet-Harbour-Lantern-42");
        let mut memory = hasher.memory().map_err(|error| format!("hash memory: {error}"))?;
        // One warm-up: the first call pays for page faults of its 19 MiB.
        hasher
            .hash_password_in(&password, &mut memory)
            .map_err(|error| format!("hashing failed: {error}"))?;
        let mut times = Vec::with_capacity(samples);
        for _ in 0..samples {
            let started = Instant::now();
            hasher
                .hash_password_in(&password, &mut memory)
                .map_err(|error| format!("hashing failed: {error}"))?;
            times.push(started.elapsed().as_secs_f64());
        }
        Ok(times)
    })
    .await
    .map_err(|error| format!("the hashing task failed: {error}"))??;
    let median = quantile(&sorted(times), 0.5);
    let one_hash = Duration::from_secs_f64(median);

    // The same hashes on every core at once, for comparison with the bound
    // (cores sharing caches, memory bandwidth or a physical core fall short of it).
    let hasher = Argon2id::new(HashParams::default()).map_err(|error| format!("Argon2id: {error}"))?;
    let parallel = tokio::task::spawn_blocking(move || -> Fallible<f64> {
        let per_thread = samples.max(3) + 3;
        let barrier = std::sync::Barrier::new(cores + 1);
        let (started, done) = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..cores)
                .map(|_| {
                    scope.spawn(|| {
                        let password = SecretString::from("Velvet-Harbour-Lantern-42");
                        // A warm-up per thread (its own working memory), then all start together.
                        let warm = hasher.memory().and_then(|mut memory| {
                            hasher.hash_password_in(&password, &mut memory).map(|_| memory)
                        });
                        barrier.wait();
                        warm.and_then(|mut memory| {
                            (0..per_thread)
                                .try_for_each(|_| hasher.hash_password_in(&password, &mut memory).map(drop))
                        })
                    })
                })
                .collect();
            barrier.wait();
            let started = Instant::now();
            (started, workers.into_iter().map(|worker| worker.join()).collect::<Vec<_>>())
        });
        let elapsed = started.elapsed();
        for result in done {
            result
                .map_err(|_| "a hashing thread failed".to_owned())?
                .map_err(|error| format!("hashing failed: {error}"))?;
        }
        Ok((cores * per_thread) as f64 / elapsed.as_secs_f64())
    })
    .await
    .map_err(|error| format!("the hashing task failed: {error}"))??;
    Ok(Argon2Bound { one_hash, per_second: cores as f64 / median, parallel_per_second: parallel })
}

// ---------------------------------------------------------------------------
// The HTTP load test
// ---------------------------------------------------------------------------

/// A reset email's link path and code.
#[derive(Clone, Debug)]
struct Link {
    path: String,
    code: String,
}

/// Reads every reset email in `dir`: username → link and code.
fn read_reset_emails(dir: &Path, base: &str) -> Fallible<HashMap<String, Link>> {
    let prefix = format!("{base}/password-reset/");
    let mut links = HashMap::new();
    let entries =
        std::fs::read_dir(dir).map_err(|error| format!("cannot read {}: {error}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|error| format!("cannot read {}: {error}", dir.display()))?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("eml") {
            continue;
        }
        let bytes =
            std::fs::read(&path).map_err(|error| format!("cannot read {}: {error}", path.display()))?;
        let message = MessageParser::default()
            .parse(&bytes)
            .ok_or_else(|| format!("{} is not an email", path.display()))?;
        let Some(text) = message.body_text(0) else { continue };
        let Some(link) = text.lines().map(str::trim).find(|line| line.starts_with(&prefix)) else {
            continue; // a "password changed" notice
        };
        let code = text
            .lines()
            .map(str::trim)
            .find(|line| line.len() == 6 && line.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| format!("{} has a link but no 6-digit code", path.display()))?;
        let to = message
            .to()
            .and_then(|to| to.first())
            .and_then(|to| to.address())
            .ok_or_else(|| format!("{} has no recipient", path.display()))?;
        let path = link.trim_start_matches(base).to_owned();
        if links.insert(to.to_ascii_lowercase(), Link { path, code: code.to_owned() }).is_some() {
            return Err(format!("two reset emails went to {to}"));
        }
    }
    Ok(links)
}

fn load_user(n: usize) -> (String, String) {
    let id = format!("load-{n:05}");
    let username = format!("{id}@inzant.example");
    (id, username)
}

/// What a user types, one keystroke at a time: every prefix of a few passwords.
fn keystrokes() -> Vec<String> {
    let mut typed = Vec::new();
    for password in
        ["Velvet-Harbour-Lantern-42", "correct horse battery staple", "Tr0ub4dor&3", "P@ssw0rd2024!"]
    {
        let chars: Vec<char> = password.chars().collect();
        for end in 1..=chars.len() {
            typed.push(chars.get(..end).unwrap_or_default().iter().collect());
        }
    }
    typed
}

struct StrengthSamples {
    /// Milliseconds per call, sorted.
    latencies: Vec<f64>,
    /// When each call started, and its milliseconds.
    timed: Vec<(Instant, f64)>,
    calls: usize,
}

/// One loop per link rating passwords, one call every `every` (or right
/// after the previous answer when that took longer), until `stop` is set
/// and at least `min_calls` calls were made in all (or, with `max_calls`,
/// until that many calls were made). Paced rather than back to back: a
/// typing user sends a few checks a second, and loops without a pause would
/// themselves take a core from the redeems they are meant to run beside.
async fn strength_loops(
    client: &HttpClient,
    base: &str,
    links: &[Link],
    every: Duration,
    stop: Arc<AtomicBool>,
    min_calls: usize,
    max_calls: Option<usize>,
) -> Fallible<StrengthSamples> {
    let calls = Arc::new(AtomicUsize::new(0));
    let typed = Arc::new(keystrokes());
    let mut tasks = JoinSet::new();
    for (i, link) in links.iter().enumerate() {
        let client = client.clone();
        let url = format!("{base}{}/strength", link.path);
        let stop = Arc::clone(&stop);
        let calls = Arc::clone(&calls);
        let typed = Arc::clone(&typed);
        let offset = every.mul_f64(i as f64 / links.len() as f64);
        tasks.spawn(async move {
            let mut latencies = Vec::new();
            let mut k = i * 7;
            tokio::time::sleep(offset).await;
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                let made = calls.load(Ordering::Relaxed);
                if max_calls.is_some_and(|max| made >= max)
                    || (stop.load(Ordering::Relaxed) && made >= min_calls)
                {
                    break;
                }
                let password = typed.get(k % typed.len()).cloned().unwrap_or_default();
                k += 1;
                let body = Bytes::from(serde_json::json!({ "password": password }).to_string());
                let headers = [(CONTENT_TYPE, "application/json".to_owned())];
                let started = Instant::now();
                let answer = send(&client, Method::POST, &url, &headers, body).await?;
                let elapsed = started.elapsed();
                if answer.status != StatusCode::OK {
                    return Err(format!(
                        "the strength endpoint answered {}: {}",
                        answer.status,
                        String::from_utf8_lossy(&answer.body)
                    ));
                }
                latencies.push((started, ms(elapsed)));
                calls.fetch_add(1, Ordering::Relaxed);
            }
            Ok::<_, String>(latencies)
        });
    }
    let mut timed = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        timed.extend(joined.map_err(|error| format!("a strength loop failed: {error}"))??);
    }
    let calls = timed.len();
    let latencies = sorted(timed.iter().map(|(_, latency)| *latency).collect());
    Ok(StrengthSamples { latencies, timed, calls })
}

/// Peak and current resident set size of `pid`, in MiB.
fn memory_of(pid: u32) -> Fallible<(f64, f64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map_err(|error| format!("cannot read /proc/{pid}/status: {error}"))?;
    let field = |name: &str| -> Fallible<f64> {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kib| kib.parse::<f64>().ok())
            .map(|kib| kib / 1024.0)
            .ok_or_else(|| format!("no {name} in /proc/{pid}/status"))
    };
    Ok((field("VmHWM:")?, field("VmRSS:")?))
}

async fn http_load(
    args: &Args,
    demo_bin: &Path,
    database_url: Option<&str>,
    cores: usize,
    report: &mut Report,
) -> Fallible<()> {
    let scenario = if database_url.is_some() { "HTTP, PostgreSQL" } else { "HTTP, memory" };
    println!("\n== {scenario}: the demo on loopback ==");
    let work =
        tempfile::tempdir().map_err(|error| format!("cannot create a temporary directory: {error}"))?;
    let submits = args.submits;
    let strength_users = args.strength_loops;
    let users = submits + strength_users;
    let Spawned { mut demo, mail_dir, admin_password } =
        spawn_demo(demo_bin, database_url, users, &args.demo_env, work.path())?;
    let client = http_client();
    let startup = wait_until_up(&client, &mut demo).await?;
    println!("demo up in {:.1} s (pid {}, {})", startup.as_secs_f64(), demo.pid(), demo.base);
    let outcome =
        http_phases(args, &client, &demo, &mail_dir, &admin_password, cores, scenario, report).await;
    if let Ok(Some(status)) = demo.child.try_wait() {
        return Err(format!("the demo exited with {status} during the test:\n{}", demo.log_tail()));
    }
    outcome.map_err(|error| format!("{scenario}: {error}\n-- demo log (last lines) --\n{}", demo.log_tail()))
}

#[allow(clippy::too_many_arguments)]
async fn http_phases(
    args: &Args,
    client: &HttpClient,
    demo: &DemoProcess,
    mail_dir: &Path,
    admin_password: &str,
    cores: usize,
    scenario: &str,
    report: &mut Report,
) -> Fallible<()> {
    let base = demo.base.clone();
    let submits = args.submits;
    let users = submits + args.strength_loops;

    let (start_rss, _) = memory_of(demo.pid())?;
    println!("demo RSS after start: {start_rss:.1} MiB");

    // 1. The Argon2 bound, in this process, with the demo idle.
    let bound = argon2_bound(cores, if args.quick { 3 } else { 7 }).await?;
    println!(
        "argon2 bound: one hash {:.1} ms → {cores} cores ÷ {:.1} ms = {:.1} hashes/s \
         ({:.1}/s reached with {cores} threads hashing at once)",
        ms(bound.one_hash),
        ms(bound.one_hash),
        bound.per_second,
        bound.parallel_per_second
    );

    // 2. Triggers over HTTP.
    let cookie = admin_login(client, &base, admin_password).await?;
    let permits = Arc::new(Semaphore::new(TRIGGER_CONCURRENCY));
    let mut tasks = JoinSet::new();
    let started = Instant::now();
    for n in 1..=users {
        let (id, _) = load_user(n);
        let url = format!("{base}/admin/users/{id}/reset-password");
        let headers = vec![
            (CONTENT_TYPE, "application/x-www-form-urlencoded".to_owned()),
            (COOKIE, cookie.clone()),
            (ORIGIN, base.clone()),
        ];
        let client = client.clone();
        let permits = Arc::clone(&permits);
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await.map_err(|_| "the trigger pool closed".to_owned())?;
            let answer = send(&client, Method::POST, &url, &headers, form(&[("purpose", "reset")])).await?;
            let expected = format!("/admin/users/{id}");
            if answer.status != StatusCode::SEE_OTHER || answer.location.as_deref() != Some(expected.as_str())
            {
                return Err(format!(
                    "triggering {id} answered {} (location {:?})",
                    answer.status, answer.location
                ));
            }
            Ok::<(), String>(())
        });
    }
    while let Some(joined) = tasks.join_next().await {
        joined.map_err(|error| format!("a trigger task failed: {error}"))??;
    }
    let trigger_time = started.elapsed();
    let trigger_rate = users as f64 / trigger_time.as_secs_f64();
    println!(
        "triggered {users} resets in {:.2} s ({trigger_rate:.0}/s, {TRIGGER_CONCURRENCY} in flight)",
        trigger_time.as_secs_f64()
    );

    // The links and codes, one reset email per user (the demo reports a
    // refused trigger only in a flash message, so the emails are the check).
    let emails = read_reset_emails(mail_dir, &base)?;
    let mut links = Vec::with_capacity(users);
    for n in 1..=users {
        let (_, username) = load_user(n);
        let link = emails
            .get(&username)
            .ok_or_else(|| format!("no reset email for {username}: its trigger was refused"))?;
        links.push(link.clone());
    }
    let strength_links = links.split_off(submits);
    let (after_triggers, _) = memory_of(demo.pid())?;
    println!("demo RSS after the triggers: {after_triggers:.1} MiB");

    // 3a. The strength endpoint idle, as a baseline.
    let every = args.strength_interval;
    let idle_calls = if args.quick { 100 } else { 300 };
    let idle = strength_loops(
        client,
        &base,
        &strength_links,
        every,
        Arc::new(AtomicBool::new(false)),
        0,
        Some(idle_calls),
    )
    .await?;

    let (after_idle, _) = memory_of(demo.pid())?;
    println!("demo RSS after the idle strength calls: {after_idle:.1} MiB");

    // 3b. The burst: every submit at once, with the strength loops running.
    let stop = Arc::new(AtomicBool::new(false));
    let min_loaded_calls = if args.quick { 200 } else { 0 };
    let meter = {
        // Its own connection pool: the burst's 500 new connections overflow
        // the listen queue for a moment, and a meter loop whose idle
        // connection a submit took would wait out a SYN retransmit (1 s).
        let client = http_client();
        let base = base.clone();
        let stop = Arc::clone(&stop);
        tokio::spawn(async move {
            strength_loops(&client, &base, &strength_links, every, stop, min_loaded_calls, None).await
        })
    };
    // Let the meter loops start before the burst.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut tasks = JoinSet::new();
    let burst_start = Instant::now();
    for (i, link) in links.into_iter().enumerate() {
        let client = client.clone();
        let url = format!("{base}{}", link.path);
        let password = format!("Velvet-Harbour-{i:05}-Lantern!");
        tasks.spawn(async move {
            let body = form(&[
                ("code", link.code.as_str()),
                ("new_password", password.as_str()),
                ("confirm_password", password.as_str()),
            ]);
            let answer = send(&client, Method::POST, &url, &form_headers(), body).await?;
            if answer.status != StatusCode::SEE_OTHER {
                return Err(format!(
                    "a submit answered {} instead of 303: {}",
                    answer.status,
                    String::from_utf8_lossy(
                        answer.body.get(..answer.body.len().min(300)).unwrap_or_default()
                    )
                ));
            }
            Ok::<Instant, String>(Instant::now())
        });
    }
    let mut last = burst_start;
    let mut latencies = Vec::with_capacity(submits);
    let mut first_error = None;
    while let Some(joined) = tasks.join_next().await {
        match joined.map_err(|error| format!("a submit task failed: {error}")).and_then(|r| r) {
            Ok(done) => {
                last = last.max(done);
                latencies.push(ms(done - burst_start));
            }
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    stop.store(true, Ordering::Relaxed);
    let loaded = meter.await.map_err(|error| format!("the strength meter task failed: {error}"))??;
    if let Some(error) = first_error {
        return Err(error);
    }
    let burst = last - burst_start;
    let redeem_rate = submits as f64 / burst.as_secs_f64();
    let percent = 100.0 * redeem_rate / bound.per_second;
    let latencies = sorted(latencies);
    println!(
        "redeemed {submits} in {:.2} s ({redeem_rate:.1}/s, {percent:.0} % of the bound)",
        burst.as_secs_f64()
    );

    // 4. Peak RSS.
    let (peak, now) = memory_of(demo.pid())?;

    report.info(scenario, "Argon2 one hash (median, in-process)", format!("{:.1} ms", ms(bound.one_hash)));
    report.info(scenario, "Argon2 bound (cores ÷ one hash)", format!("{:.1}/s", bound.per_second));
    report.info(
        scenario,
        "Argon2 reached with every core hashing",
        format!(
            "{:.1}/s = {:.0} % of bound",
            bound.parallel_per_second,
            100.0 * bound.parallel_per_second / bound.per_second
        ),
    );
    report.info(
        scenario,
        "trigger throughput over HTTP",
        format!("{trigger_rate:.0}/s ({users} resets, {TRIGGER_CONCURRENCY} in flight)"),
    );
    report.judged(
        scenario,
        &format!("redeem throughput, {submits} concurrent submits"),
        format!("{redeem_rate:.1}/s = {percent:.1} % of bound"),
        &format!("≥ {REDEEM_TARGET_PERCENT:.0} % of bound"),
        percent >= REDEEM_TARGET_PERCENT,
    );
    report.info(
        scenario,
        "redeem vs Argon2 reached with every core hashing",
        format!("{:.1} %", 100.0 * redeem_rate / bound.parallel_per_second),
    );
    report.info(
        scenario,
        "submit latency p50 / p99 (in the burst)",
        format!("{:.0} / {:.0} ms", quantile(&latencies, 0.5), quantile(&latencies, 0.99)),
    );
    report.info(
        scenario,
        &format!("strength p50 / p99, idle ({} loops)", args.strength_loops),
        format!(
            "{:.2} / {:.2} ms ({} calls)",
            quantile(&idle.latencies, 0.5),
            quantile(&idle.latencies, 0.99),
            idle.calls
        ),
    );
    report.info(
        scenario,
        "strength p50 during the burst",
        format!("{:.2} ms ({} calls)", quantile(&loaded.latencies, 0.5), loaded.calls),
    );
    let p99 = quantile(&loaded.latencies, 0.99);
    report.judged(
        scenario,
        "strength p99 during the burst",
        format!("{p99:.2} ms (max {:.1} ms)", loaded.latencies.last().copied().unwrap_or(f64::NAN)),
        &format!("≤ {STRENGTH_P99_TARGET_MS:.0} ms"),
        p99 <= STRENGTH_P99_TARGET_MS,
    );
    let settled = sorted(
        loaded
            .timed
            .iter()
            .filter(|(started, _)| *started >= burst_start + Duration::from_secs(1) && *started <= last)
            .map(|(_, latency)| *latency)
            .collect(),
    );
    report.info(
        scenario,
        "strength p99 after the burst's first second",
        format!("{:.2} ms ({} calls)", quantile(&settled, 0.99), settled.len()),
    );
    report.judged(
        scenario,
        "demo peak RSS (VmHWM) after the burst",
        format!("{peak:.1} MiB (now {now:.1} MiB)"),
        &format!("≤ {PEAK_RSS_TARGET_MB:.0} MB"),
        peak * 1.048_576 <= PEAK_RSS_TARGET_MB,
    );
    Ok(())
}

// ---------------------------------------------------------------------------
// Trigger throughput through the core on PostgreSQL
// ---------------------------------------------------------------------------

/// A mail sink that accepts every message and keeps nothing.
#[derive(Debug)]
struct DropMailer;

#[async_trait]
impl Mailer for DropMailer {
    async fn send(&self, _email: &Email) -> Result<(), MailError> {
        Ok(())
    }
}

async fn core_trigger(args: &Args, database_url: &str, report: &mut Report) -> Fallible<()> {
    let scenario = "core, PostgreSQL";
    println!("\n== {scenario}: trigger through ResetService with a dropping mailer ==");
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(60))
        .connect(database_url)
        .await
        .map_err(|error| format!("cannot connect to DATABASE_URL: {error}"))?;
    let name = format!("inzant_load_{}_{}", std::process::id(), random_text(4)?);
    let schema = Schema::new(name.clone()).map_err(|error| error.to_string())?;
    inzant_reset_sqlx::migrate(&pool, &schema)
        .await
        .map_err(|error| format!("migrations failed: {error}"))?;
    let outcome = core_trigger_in(args, &pool, &schema, scenario, report).await;
    let drop = format!("DROP SCHEMA {} CASCADE", schema.quoted());
    if let Err(error) = sqlx::query(AssertSqlSafe(drop)).execute(&pool).await {
        eprintln!("load: could not drop the schema {name}: {error}");
    }
    pool.close().await;
    outcome
}

async fn core_trigger_in(
    args: &Args,
    pool: &sqlx::PgPool,
    schema: &Schema,
    scenario: &str,
    report: &mut Report,
) -> Fallible<()> {
    let warmup = (args.core_users / 20).max(10);
    let total = args.core_users + warmup;
    // The host's users: a table of its own next to the library's, in the scratch schema.
    let users_table = format!("{}.\"users\"", schema.quoted());
    let create = format!(
        "CREATE TABLE {users_table} (id text PRIMARY KEY, username text NOT NULL, display_name text NOT NULL, \
         email_to text, user_type text NOT NULL, password_hash text)"
    );
    sqlx::query(AssertSqlSafe(create))
        .execute(pool)
        .await
        .map_err(|error| format!("creating the users table: {error}"))?;
    let insert = format!(
        "INSERT INTO {users_table} (id, username, display_name, email_to, user_type) \
         VALUES ('admin', 'admin@inzant.example', 'Ada Admin', NULL, 'admin')"
    );
    sqlx::query(AssertSqlSafe(insert))
        .execute(pool)
        .await
        .map_err(|error| format!("adding users: {error}"))?;
    let insert = format!(
        "INSERT INTO {users_table} (id, username, display_name, email_to, user_type) \
         SELECT 'u' || g, 'u' || g || '@inzant.example', 'User ' || g, NULL, 'device' \
         FROM generate_series(1, $1) AS g"
    );
    let count = i32::try_from(total).map_err(|_| "too many users".to_owned())?;
    sqlx::query(AssertSqlSafe(insert))
        .bind(count)
        .execute(pool)
        .await
        .map_err(|error| format!("adding users: {error}"))?;
    sqlx::query(AssertSqlSafe(format!("ANALYZE {users_table}")))
        .execute(pool)
        .await
        .map_err(|error| format!("analyzing users: {error}"))?;

    let table = UsersTable::new(&format!("{}.users", schema.name()))
        .map_err(|error| format!("the users table: {error}"))?;
    let store = PgStore::new(pool.clone()).with_schema(schema.clone()).with_users(&table);
    let directory = PgUserDirectory::new(pool.clone(), table);
    let audit = PgAudit::new(pool.clone()).with_schema(schema.clone());
    let keys = CodeKeys::generate(&OsRandom).map_err(|error| format!("no randomness: {error}"))?;
    let service = ResetService::builder(
        Arc::new(store),
        Arc::new(directory),
        Arc::new(DropMailer),
        keys,
        ResetConfig::new("http://127.0.0.1"),
    )
    .audit(Arc::new(audit))
    .build()
    .map_err(|error| format!("building the service: {error}"))?;
    let service = Arc::new(service);

    let run = |from: usize, to: usize, tasks: usize| {
        let service = Arc::clone(&service);
        async move {
            let next = Arc::new(AtomicUsize::new(from));
            let mut set = JoinSet::new();
            let started = Instant::now();
            for _ in 0..tasks {
                let service = Arc::clone(&service);
                let next = Arc::clone(&next);
                set.spawn(async move {
                    let admin = UserId::new("admin");
                    let mut latencies = Vec::new();
                    loop {
                        let n = next.fetch_add(1, Ordering::Relaxed);
                        if n > to {
                            break;
                        }
                        let user = UserId::new(format!("u{n}"));
                        let one = Instant::now();
                        service
                            .trigger(&admin, &user, Purpose::Reset)
                            .await
                            .map_err(|error| format!("trigger for u{n} failed: {error}"))?;
                        latencies.push(ms(one.elapsed()));
                    }
                    Ok::<_, String>(latencies)
                });
            }
            let mut latencies = Vec::new();
            while let Some(joined) = set.join_next().await {
                latencies.extend(joined.map_err(|error| format!("a trigger task failed: {error}"))??);
            }
            Ok::<_, String>((started.elapsed(), sorted(latencies)))
        }
    };
    run(1, warmup, args.core_tasks.min(warmup)).await?;
    let (elapsed, latencies) = run(warmup + 1, total, args.core_tasks).await?;
    let rate = args.core_users as f64 / elapsed.as_secs_f64();
    println!(
        "triggered {} resets in {:.2} s ({rate:.0}/s, {} tasks, pool of 16 connections)",
        args.core_users,
        elapsed.as_secs_f64(),
        args.core_tasks
    );
    report.judged(
        scenario,
        &format!("trigger throughput ({} users, {} tasks)", args.core_users, args.core_tasks),
        format!("{rate:.0}/s"),
        &format!("≥ {CORE_TRIGGER_TARGET_PER_S:.0}/s"),
        rate >= CORE_TRIGGER_TARGET_PER_S,
    );
    report.info(
        scenario,
        "trigger latency p50 / p99",
        format!("{:.1} / {:.1} ms", quantile(&latencies, 0.5), quantile(&latencies, 0.99)),
    );
    Ok(())
}
