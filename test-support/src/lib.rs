//! # inzant-reset-test-support
//!
//! The real services the workspace's tests talk to, started by the tests
//! themselves so that `cargo test` works from a checkout:
//!
//! - [`database_url`]: `DATABASE_URL` when it is set, else a private
//!   PostgreSQL cluster (the installed `initdb` and `postgres`) in a
//!   temporary directory, on a free loopback port;
//! - [`smtp`]: `INZANT_TEST_SMTP_URL` and `INZANT_TEST_MAILDIR` when set,
//!   else Debian's `aiosmtpd` on a free loopback port, writing a maildir;
//! - [`corpus`]: realistic and long password corpora for the strength
//!   meter's agreement tests and benchmark.
//!
//! And the pieces many tests would otherwise copy: [`person`] and
//! [`directory_of`] (test users in a memory directory), [`CapturedLogs`] (what
//! a fmt subscriber wrote), [`glue_lines`] (the examples' glue budget),
//! [`CookieJar`] (a test browser's cookies) and, with the `postgres`
//! feature, [`FreshDatabase`] (a database of a test's own).
//!
//! Each is started at most once per test process (with `cargo test`, once
//! per test binary; `scripts/test` sets the variables, so nextest's
//! process-per-test shares its services) and stopped when that process
//! ends, however it ends: it runs under a small shell watchdog that kills
//! its process group when the test process's pipe closes. A missing tool is
//! a panic whose message names the command that installs it — never a
//! silent skip.

#![forbid(unsafe_code)]
#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)]

mod cookies;
pub mod corpus;
mod logs;
mod people;
#[cfg(feature = "postgres")]
mod postgres;
mod process;

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub use cookies::CookieJar;
pub use logs::CapturedLogs;
pub use people::{directory_of, person};
#[cfg(feature = "postgres")]
pub use postgres::FreshDatabase;
pub use process::Supervised;

/// The lines of the Rust file at `path` that are neither blank nor
/// comments (imports, attributes and closing braces count), as rustfmt lays
/// them out: the measure of an example's glue.
///
/// # Panics
/// The file cannot be read.
pub fn glue_lines(path: impl AsRef<Path>) -> usize {
    let path = path.as_ref();
    let source = std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    glue_lines_of(&source)
}

/// `fields` as an `application/x-www-form-urlencoded` body.
pub fn form_body(fields: &[(&str, &str)]) -> String {
    fn encode(text: &str) -> String {
        let mut out = String::new();
        for byte in text.bytes() {
            match byte {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                    out.push(char::from(byte))
                }
                b' ' => out.push('+'),
                _ => out.push_str(&format!("%{byte:02X}")),
            }
        }
        out
    }
    fields
        .iter()
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// [`glue_lines`] of source text.
pub fn glue_lines_of(source: &str) -> usize {
    source.lines().map(str::trim).filter(|line| !line.is_empty() && !line.starts_with("//")).count()
}

/// How long a service may take to start. Generous: only a stuck one comes near it.
const START_LIMIT: Duration = Duration::from_secs(60);

/// A TCP port on 127.0.0.1 that nothing listens on right now.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
    listener.local_addr().expect("a bound address").port()
}

/// `prefix` and 16 random hex digits: a name (a schema of its own on a
/// shared database) that no other test or run has used.
pub fn unique_name(prefix: &str) -> String {
    format!("{prefix}_{:016x}", rand::random::<u64>())
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.trim().is_empty())
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// Polls `ready` until it says yes or [`START_LIMIT`] passes.
fn wait_until(what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + START_LIMIT;
    while !ready() {
        assert!(Instant::now() < deadline, "{what} did not become ready within {START_LIMIT:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

// ---------------------------------------------------------------------------
// PostgreSQL

/// A private PostgreSQL cluster for this test process.
struct Cluster {
    url: String,
    _server: Supervised,
}

static CLUSTER: OnceLock<Cluster> = OnceLock::new();

/// The PostgreSQL server the tests use: `DATABASE_URL` if set, else a
/// private cluster started now (superuser `postgres`, database `postgres`;
/// tests create their own schemas or databases in it).
///
/// # Panics
/// PostgreSQL is not installed (the message says how to install it), or
/// the cluster did not start.
pub fn database_url() -> String {
    if let Some(url) = env("DATABASE_URL") {
        return url;
    }
    CLUSTER.get_or_init(start_cluster).url.clone()
}

fn postgres_bin() -> PathBuf {
    let dir = env("PG_BIN_DIR").map_or_else(|| PathBuf::from("/usr/lib/postgresql/15/bin"), PathBuf::from);
    let missing: Vec<&str> =
        ["initdb", "postgres", "pg_isready"].into_iter().filter(|tool| !dir.join(tool).exists()).collect();
    assert!(
        missing.is_empty(),
        "the tests need a PostgreSQL server, and {} is missing from {}: install PostgreSQL 15 \
         (apt-get install postgresql-15), point PG_BIN_DIR at its binaries, or set DATABASE_URL \
         to a database the tests may write to",
        missing.join(", "),
        dir.display()
    );
    dir
}

/// `program args…`, as the `postgres` OS user when we are root
/// (PostgreSQL refuses to run as root).
fn as_cluster_owner(program: &Path) -> Command {
    if is_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

fn start_cluster() -> Cluster {
    let bin = postgres_bin();
    // Removed by the watchdog once the server has stopped.
    let dir = tempfile::Builder::new().prefix("inzant-pg-").tempdir().expect("a temporary directory").keep();
    if is_root() {
        let owned = Command::new("chown").arg("postgres").arg(&dir).status();
        assert!(owned.is_ok_and(|s| s.success()), "cannot hand {} to the postgres user", dir.display());
    }
    let data = dir.join("data");
    let initdb = as_cluster_owner(&bin.join("initdb"))
        .arg("-D")
        .arg(&data)
        .args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"])
        .output()
        .expect("initdb runs");
    assert!(initdb.status.success(), "initdb failed:\n{}", String::from_utf8_lossy(&initdb.stderr));

    let port = free_port();
    let log = dir.join("postgres.log");
    let mut server = as_cluster_owner(&bin.join("postgres"));
    server.arg("-D").arg(&data).arg("-k").arg(&dir).args([
        "-p",
        &port.to_string(),
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "max_connections=300",
        "-c",
        "fsync=off",
        "-c",
        "full_page_writes=off",
    ]);
    let server = Supervised::start("postgres", server, &log, Some(&dir));
    wait_until("the private PostgreSQL cluster", || {
        Command::new(bin.join("pg_isready"))
            .args(["-q", "-h", "127.0.0.1", "-p", &port.to_string()])
            .status()
            .is_ok_and(|s| s.success())
            || !server.is_running()
    });
    assert!(
        server.is_running(),
        "PostgreSQL exited at start:\n{}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    Cluster { url: format!("postgres://postgres@127.0.0.1:{port}/postgres"), _server: server }
}

// ---------------------------------------------------------------------------
// SMTP

/// An SMTP server that keeps what it receives as files in a maildir.
pub struct Smtp {
    /// `smtp://127.0.0.1:{port}`.
    pub url: String,
    /// The maildir messages are delivered to (`new/` holds them).
    pub maildir: PathBuf,
    _server: Option<Supervised>,
}

static SMTP: OnceLock<Smtp> = OnceLock::new();

/// The SMTP server the tests use: `INZANT_TEST_SMTP_URL` and
/// `INZANT_TEST_MAILDIR` if set, else Debian's aiosmtpd started now.
///
/// # Panics
/// aiosmtpd is not installed (the message says how to install it), or it
/// did not start.
pub fn smtp() -> &'static Smtp {
    SMTP.get_or_init(|| match (env("INZANT_TEST_SMTP_URL"), env("INZANT_TEST_MAILDIR")) {
        (Some(url), Some(maildir)) => Smtp { url, maildir: PathBuf::from(maildir), _server: None },
        _ => start_smtp(),
    })
}

fn start_smtp() -> Smtp {
    let python = "/usr/bin/python3";
    let installed =
        Command::new(python).args(["-c", "import aiosmtpd"]).output().is_ok_and(|o| o.status.success());
    assert!(
        installed,
        "the mail tests need a real SMTP server, and Debian's aiosmtpd is missing: \
         apt-get install python3-aiosmtpd (or set INZANT_TEST_SMTP_URL and INZANT_TEST_MAILDIR)"
    );
    // Removed by the watchdog once the server has stopped.
    let dir =
        tempfile::Builder::new().prefix("inzant-smtp-").tempdir().expect("a temporary directory").keep();
    let maildir = dir.join("mail");
    for sub in ["tmp", "new", "cur"] {
        std::fs::create_dir_all(maildir.join(sub)).expect("the maildir");
    }
    let port = free_port();
    let mut command = Command::new(python);
    command
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
        .arg(&maildir);
    let server = Supervised::start("aiosmtpd", command, &dir.join("aiosmtpd.log"), Some(&dir));
    wait_until("aiosmtpd", || TcpStream::connect(("127.0.0.1", port)).is_ok() || !server.is_running());
    assert!(server.is_running(), "aiosmtpd exited at start");
    Smtp { url: format!("smtp://127.0.0.1:{port}"), maildir, _server: Some(server) }
}

#[cfg(test)]
mod tests {
    #[test]
    fn blank_and_comment_lines_are_not_glue() {
        assert_eq!(super::glue_lines_of("// a\n\n  /// b\nfn f() {}\n    //! c\n}\n"), 2);
    }

    #[test]
    fn form_bodies_are_url_encoded() {
        assert_eq!(super::form_body(&[("a b", "x&y=é"), ("c", "-._*")]), "a+b=x%26y%3D%C3%A9&c=-._*");
    }
}
