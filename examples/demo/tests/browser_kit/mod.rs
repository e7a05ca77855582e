//! The harness of the browser tests (`tests/browser.rs`): the demo binary
//! served on loopback, chromedriver driving Debian's chromium, bounded polls,
//! reading reset emails from `.eml` files, and screenshots into
//! `test-output/` when a test fails.
//!
//! Every child process runs in a process group of its own under a tiny `sh`
//! watchdog that holds the read end of a pipe from the test process: the
//! group is killed when the test drops its guard (also while a failed test
//! unwinds), and by the watchdog when the test process dies in any other
//! way (say nextest kills it), so no chromium outlives its test.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::any::Any;
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::future::Future;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::header::CONTENT_TYPE;
use axum::http::{Request, StatusCode};
use fantoccini::{Client, Locator};
use http_body_util::{BodyExt, Full};
use mail_parser::MessageParser;
use serde_json::{Value, json};
use tempfile::TempDir;

/// Debian's chromium.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Debian's chromedriver (package `chromium-driver`).
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The admin's password, given to the demo through `INZANT_DEMO_ADMIN_PASSWORD`.
pub const ADMIN: &str = "admin@inzant.example";
pub const ADMIN_PASSWORD: &str = "Browser-Test-Admin-Pass-71!";

/// How often and how many times a poll looks before it gives up: about 20 s.
/// The number of tries bounds a poll; the pause only spaces the looks.
const POLL_EVERY: Duration = Duration::from_millis(100);
const POLL_TRIES: u32 = 20;

/// How long a starting process may take to say it is ready. Generous: only a
/// stuck process ever comes near it.
const START_LIMIT: Duration = Duration::from_secs(60);

/// A hang guard, not a speed target: a test still running after this long
/// has a stuck browser or server; it fails (with screenshots) before
/// nextest's own limit kills it without any.
const TEST_LIMIT: Duration = Duration::from_secs(200);

/// A single WebDriver command taking longer than this is stuck.
const COMMAND_LIMIT: Duration = Duration::from_secs(60);

/// Phone and desktop viewports for screenshots.
pub const PHONE: (u32, u32) = (390, 844);
pub const DESKTOP: (u32, u32) = (1280, 900);

/// Runs every child under: `sh -c WATCHDOG sh program args…`. The program
/// runs in the background (its stdin is /dev/null) and reports its exit on
/// stdout; the shell waits for end of file on its stdin (the test process's
/// pipe), then kills its whole process group.
const WATCHDOG: &str = r#"{ "$@"; echo "inzant-browser-test: $1 exited with status $?"; } &
read _ignored
kill -s KILL -- -$$"#;

/// The line the watchdog prints when the program exits.
const EXITED: &str = "inzant-browser-test: ";

/// axe-core's script: `INZANT_AXE_JS`, or the npm package that
/// `scripts/test` installs into `target/web-tools`.
fn axe_source() -> String {
    let path = std::env::var("INZANT_AXE_JS").map(PathBuf::from).unwrap_or_else(|_| {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/web-tools/node_modules/axe-core/axe.min.js")
    });
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read axe-core from {} ({e}): run scripts/test, or npm install --prefix target/web-tools axe-core@4.14.1",
            path.display()
        )
    })
}

/// The workspace's `test-output/` directory.
pub fn output_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-output");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir.canonicalize().unwrap_or(dir)
}

/// Fails with what to do when chromium or chromedriver is missing: the
/// browser tests never pass without a browser.
pub fn require_browser() {
    let missing: Vec<&str> =
        [CHROMIUM, CHROMEDRIVER].into_iter().filter(|path| !Path::new(path).exists()).collect();
    assert!(
        missing.is_empty(),
        "the browser tests need Debian's chromium and chromedriver, but {} {} missing. \
         Run scripts/test (it installs them as root: apt-get install chromium chromium-driver).",
        missing.join(" and "),
        if missing.len() == 1 { "is" } else { "are" },
    );
}

/// A TCP port on 127.0.0.1 that nothing listens on right now.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

// ---------------------------------------------------------------------------
// Processes

/// A child process group under the watchdog; killed on drop.
pub struct Group {
    name: String,
    child: Child,
    stdin: Option<ChildStdin>,
    /// The child's stdout, line by line.
    lines: Mutex<Receiver<String>>,
    /// Every stdout line so far, for the failure log.
    seen: Arc<Mutex<Vec<String>>>,
}

impl Group {
    /// Starts `program args` in a new process group, with `env` added,
    /// stdout read line by line and stderr appended to `stderr`.
    fn spawn(name: &str, program: &str, args: &[String], env: &[(&str, String)], stderr: &Path) -> Self {
        let log = File::create(stderr).unwrap_or_else(|e| panic!("cannot create {}: {e}", stderr.display()));
        let mut command = Command::new("/bin/sh");
        command.arg("-c").arg(WATCHDOG).arg("sh").arg(program).args(args);
        // The demo's settings come from `env` only, never from the developer's shell.
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy();
            if key.starts_with("INZANT_") || key == "SMTP_URL" || key == "DATABASE_URL" {
                command.env_remove(key.as_ref());
            }
        }
        for (key, value) in env {
            command.env(key, value);
        }
        command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::from(log)).process_group(0);
        let mut child = command.spawn().unwrap_or_else(|e| panic!("cannot start {program}: {e}"));
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().unwrap();
        let (sender, lines) = channel();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let keep = Arc::clone(&seen);
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                keep.lock().unwrap_or_else(PoisonError::into_inner).push(line.clone());
                // The receiver may be gone; keep draining so the child never blocks.
                let _ = sender.send(line);
            }
        });
        Self { name: name.to_owned(), child, stdin, lines: Mutex::new(lines), seen }
    }

    /// Reads stdout lines until `done` says it has what it needs (then
    /// returns its answer), the program exits (`Err` with its exit line) or
    /// [`START_LIMIT`] passes.
    fn read_until<T>(&self, mut done: impl FnMut(&str) -> Option<T>) -> Result<T, String> {
        let deadline = Instant::now() + START_LIMIT;
        let lines = self.lines.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match lines.recv_timeout(left) {
                Ok(line) if line.starts_with(EXITED) => return Err(line),
                Ok(line) => {
                    if let Some(answer) = done(&line) {
                        return Ok(answer);
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    return Err(format!("{} said nothing usable within {START_LIMIT:?}", self.name));
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(format!("{} closed its output", self.name));
                }
            }
        }
    }

    /// Everything the child printed on stdout so far.
    fn stdout_text(&self) -> String {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner).join("\n")
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        // The shell is our unreaped child, so its pid (the group's id) cannot
        // have been reused: killing the group hits only what we started.
        let pgid = self.child.id();
        let _ = Command::new("/bin/sh")
            .arg("-c")
            .arg(format!("kill -s KILL -- -{pgid} 2>/dev/null"))
            .stdin(Stdio::null())
            .status();
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------
// The demo

/// The demo binary serving on loopback with a temporary mail directory.
pub struct DemoServer {
    /// `http://127.0.0.1:{port}`.
    pub base: String,
    pub mail_dir: PathBuf,
    /// Starting passwords from the banner, by username.
    passwords: HashMap<String, String>,
    log: PathBuf,
    group: Group,
    _dir: TempDir,
}

impl DemoServer {
    /// Starts `inzant-reset-demo` as a user would, with its real defaults
    /// (OWASP Argon2id parameters, memory store, `.eml` files), on a free
    /// port; tries another port if that one was taken meanwhile.
    pub fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mail_dir = dir.path().join("mail");
        let log = dir.path().join("demo.log");
        let mut failures = Vec::new();
        for _ in 0..5 {
            let port = free_port();
            let base = format!("http://127.0.0.1:{port}");
            let env = [
                ("INZANT_LISTEN", format!("127.0.0.1:{port}")),
                ("INZANT_PUBLIC_URL", base.clone()),
                ("INZANT_MAIL_DIR", mail_dir.display().to_string()),
                // Its temporary files (the breached-password mirror) go with the
                // test's directory: the demo is killed, not stopped.
                ("TMPDIR", dir.path().display().to_string()),
                ("INZANT_DEMO_ADMIN_PASSWORD", ADMIN_PASSWORD.to_owned()),
                ("INZANT_RESET_COOLDOWN", "0".to_owned()),
                ("INZANT_RESET_SECRET", "browser-test-secret-browser-test-secret-0123".to_owned()),
                ("RUST_LOG", "info".to_owned()),
            ];
            let group = Group::spawn("the demo", env!("CARGO_BIN_EXE_inzant-reset-demo"), &[], &env, &log);
            let mut passwords = HashMap::new();
            let ready = group.read_until(|line| {
                let words: Vec<&str> = line.split_whitespace().collect();
                if let [_kind, username, "password", password, ..] = words.as_slice() {
                    passwords.insert((*username).to_owned(), (*password).to_owned());
                }
                // The banner's last line: printed after the listener is bound.
                line.starts_with("Users and reset requests are").then_some(())
            });
            match ready {
                Ok(()) => return Self { base, mail_dir, passwords, log, group, _dir: dir },
                Err(why) => {
                    let stderr = std::fs::read_to_string(&log).unwrap_or_default();
                    let port_taken = stderr.contains("could not listen");
                    failures.push(format!("{why}\n{stderr}"));
                    drop(group);
                    if !port_taken {
                        break;
                    }
                }
            }
        }
        panic!("the demo did not start:\n{}", failures.join("\n---\n"));
    }

    /// `base` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The starting password the demo printed for `username`.
    pub fn password(&self, username: &str) -> String {
        if username == ADMIN {
            return ADMIN_PASSWORD.to_owned();
        }
        self.passwords.get(username).cloned().unwrap_or_else(|| {
            panic!("the demo printed no password for {username}: {:?}", self.passwords.keys())
        })
    }

    /// The `.eml` files in the mail directory now.
    pub fn mail_files(&self) -> HashSet<PathBuf> {
        match std::fs::read_dir(&self.mail_dir) {
            Ok(entries) => entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
                .collect(),
            Err(_) => HashSet::new(),
        }
    }

    /// The one email with a reset link that arrived since `before`, read
    /// as the user would: the link on its own line and the 6-digit code.
    pub async fn new_reset_email(&self, before: &HashSet<PathBuf>) -> ResetEmail {
        poll("the reset email in the mail directory", || async {
            let mut found: Vec<ResetEmail> = self
                .mail_files()
                .difference(before)
                .filter_map(|path| parse_reset_email(path, &self.base).transpose())
                .collect::<Result<_, _>>()?;
            match found.len() {
                1 => Ok(found.remove(0)),
                n => Err(format!("{n} new reset emails in {}", self.mail_dir.display())),
            }
        })
        .await
    }

    /// What the demo logged (stderr) and printed (stdout).
    pub fn logs(&self) -> String {
        let stderr = std::fs::read_to_string(&self.log).unwrap_or_default();
        format!("--- stdout ---\n{}\n--- stderr ---\n{stderr}", self.group.stdout_text())
    }
}

/// A reset email as its reader sees it.
#[derive(Clone, Debug)]
pub struct ResetEmail {
    pub to: String,
    pub subject: String,
    pub text: String,
    /// The whole link.
    pub link: String,
    pub code: String,
}

impl ResetEmail {
    /// The link's path, `/password-reset/{token}`.
    pub fn path(&self) -> &str {
        self.link.find("/password-reset/").map_or("", |at| &self.link[at..])
    }
}

/// The reset email in `path`: `Ok(None)` when it is another email (say
/// "your password was changed"), `Err` while it cannot be read yet.
fn parse_reset_email(path: &Path, base: &str) -> Result<Option<ResetEmail>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let message = MessageParser::default()
        .parse(&bytes)
        .ok_or_else(|| format!("{} is not MIME yet", path.display()))?;
    let to = message.to().and_then(|to| to.first()).and_then(|to| to.address()).unwrap_or("").to_owned();
    let subject = message.subject().unwrap_or("").to_owned();
    let Some(text) = message.body_text(0).map(|text| text.into_owned()) else {
        return Ok(None);
    };
    let prefix = format!("{base}/password-reset/");
    let Some(link) = text.lines().map(str::trim).find(|line| line.starts_with(&prefix)) else {
        return Ok(None);
    };
    let link = link.to_owned();
    let code = text
        .lines()
        .filter(|line| !line.contains(&prefix))
        .flat_map(|line| line.split(|c: char| !c.is_ascii_digit()))
        .find(|run| run.len() == 6)
        .ok_or_else(|| format!("no 6-digit code in {}:\n{text}", path.display()))?
        .to_owned();
    Ok(Some(ResetEmail { to, subject, text, link, code }))
}

// ---------------------------------------------------------------------------
// chromedriver and chromium

/// chromedriver on a port of its choosing, with the user-data directories
/// of the browsers it started.
pub struct Driver {
    pub url: String,
    group: Group,
    log: PathBuf,
    profiles: Mutex<Vec<TempDir>>,
    _dir: TempDir,
}

impl Driver {
    /// Starts chromedriver (`--port=0`: it picks a free port and says which).
    pub fn start() -> Self {
        require_browser();
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("chromedriver.log");
        let group = Group::spawn("chromedriver", CHROMEDRIVER, &["--port=0".to_owned()], &[], &log);
        let port = group.read_until(|line| {
            let rest = line.split("started successfully on port ").nth(1)?;
            rest.trim_end_matches(|c: char| !c.is_ascii_digit()).parse::<u16>().ok()
        });
        let port = port.unwrap_or_else(|why| {
            let stderr = std::fs::read_to_string(&log).unwrap_or_default();
            panic!("chromedriver did not start: {why}\n{}\n{stderr}", group.stdout_text())
        });
        Self {
            url: format!("http://127.0.0.1:{port}"),
            group,
            log,
            profiles: Mutex::new(Vec::new()),
            _dir: dir,
        }
    }

    /// A new chromium (headless, its own fresh profile, no network chatter),
    /// with JavaScript on or off.
    pub async fn browser(&self, javascript: bool) -> Client {
        let profile = tempfile::tempdir().unwrap();
        let mut args = vec![
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-extensions".to_owned(),
            format!("--user-data-dir={}", profile.path().display()),
            format!("--window-size={},{}", DESKTOP.0, DESKTOP.1),
        ];
        let mut options = json!({ "binary": CHROMIUM });
        if !javascript {
            args.push("--blink-settings=scriptEnabled=false".to_owned());
            options["prefs"] = json!({ "profile.managed_default_content_settings.javascript": 2 });
        }
        options["args"] = json!(args);
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".to_owned(), json!("chrome"));
        caps.insert("goog:chromeOptions".to_owned(), options);
        self.profiles.lock().unwrap_or_else(PoisonError::into_inner).push(profile);
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let connect = Client::with_capabilities_and_connector(&self.url, &caps, connector);
        match tokio::time::timeout(START_LIMIT, connect).await {
            Ok(Ok(client)) => client,
            Ok(Err(error)) => panic!("chromium did not start through chromedriver: {error}\n{}", self.logs()),
            Err(_) => panic!("chromium did not start within {START_LIMIT:?}\n{}", self.logs()),
        }
    }

    /// What chromedriver printed.
    pub fn logs(&self) -> String {
        let stderr = std::fs::read_to_string(&self.log).unwrap_or_default();
        format!("--- chromedriver ---\n{}\n{stderr}", self.group.stdout_text())
    }
}

// ---------------------------------------------------------------------------
// Polls and pages

/// Calls `probe` until it answers `Ok`, at most [`POLL_TRIES`] times
/// [`POLL_EVERY`] apart, and fails saying what it waited for and the last
/// reason it was not there yet.
pub async fn poll<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, String>>,
{
    let mut last = String::new();
    for _ in 0..POLL_TRIES {
        match probe().await {
            Ok(value) => return value,
            Err(why) => last = why,
        }
        tokio::time::sleep(POLL_EVERY).await;
    }
    panic!("gave up waiting for {what} after {POLL_TRIES} looks; last: {last}");
}

/// One WebDriver command, failing the test (instead of hanging) if it never answers.
pub async fn command<T>(
    what: &str,
    future: impl Future<Output = Result<T, fantoccini::error::CmdError>>,
) -> T {
    match tokio::time::timeout(COMMAND_LIMIT, future).await {
        Ok(Ok(value)) => value,
        Ok(Err(error)) => panic!("{what}: {error}"),
        Err(_) => panic!("{what}: the browser did not answer within {COMMAND_LIMIT:?}"),
    }
}

/// One browser window on the demo.
#[derive(Clone)]
pub struct Tab {
    pub client: Client,
    pub base: String,
}

impl Tab {
    /// Opens `path` (or a whole URL).
    pub async fn open(&self, path: &str) {
        let url = if path.starts_with("http") { path.to_owned() } else { format!("{}{path}", self.base) };
        command(&format!("opening {url}"), self.client.goto(&url)).await;
    }

    /// The current URL's path and query (`/login?reset=done`).
    pub async fn location(&self) -> String {
        let url = command("reading the URL", self.client.current_url()).await;
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// Waits until the page is at `location` (path, with the query if given).
    pub async fn wait_for_location(&self, location: &str) {
        poll(&format!("the browser to arrive at {location}"), || async {
            let at = self.location().await;
            if at == location { Ok(()) } else { Err(format!("at {at}")) }
        })
        .await;
    }

    /// The first element matching `css`, once there is one.
    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        poll(&format!("an element {css}"), || async {
            match tokio::time::timeout(COMMAND_LIMIT, self.client.find(Locator::Css(css))).await {
                Ok(Ok(element)) => Ok(element),
                Ok(Err(error)) => Err(error.to_string()),
                Err(_) => Err("the browser did not answer".to_owned()),
            }
        })
        .await
    }

    /// The element matching `css` whose text is `text`, once there is one.
    pub async fn find_named(&self, css: &str, text: &str) -> fantoccini::elements::Element {
        poll(&format!("a {css} saying {text:?}"), || async {
            let all = self.client.find_all(Locator::Css(css)).await.map_err(|e| e.to_string())?;
            let mut seen = Vec::new();
            for element in all {
                let shown = element.text().await.map_err(|e| e.to_string())?;
                if shown.trim() == text {
                    return Ok(element);
                }
                seen.push(shown);
            }
            Err(format!("{css} texts: {seen:?}"))
        })
        .await
    }

    /// The visible text of the first `css`.
    pub async fn text(&self, css: &str) -> String {
        let element = self.find(css).await;
        command(&format!("reading the text of {css}"), element.text()).await
    }

    /// The text of the whole page.
    pub async fn page_text(&self) -> String {
        self.text("body").await
    }

    /// The `value` of the input `css`.
    pub async fn value(&self, css: &str) -> String {
        let element = self.find(css).await;
        command(&format!("reading the value of {css}"), element.prop("value")).await.unwrap_or_default()
    }

    /// An attribute of the first `css`.
    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        let element = self.find(css).await;
        command(&format!("reading {name} of {css}"), element.attr(name)).await
    }

    /// Whether the control `css` is enabled.
    pub async fn enabled(&self, css: &str) -> bool {
        let element = self.find(css).await;
        command(&format!("checking whether {css} is enabled"), element.is_enabled()).await
    }

    /// Waits until the control `css` is enabled (`true`) or disabled (`false`).
    pub async fn wait_enabled(&self, css: &str, enabled: bool) {
        let state = if enabled { "enabled" } else { "disabled" };
        poll(&format!("{css} to be {state}"), || async {
            let element = self.client.find(Locator::Css(css)).await.map_err(|e| e.to_string())?;
            let now = element.is_enabled().await.map_err(|e| e.to_string())?;
            if now == enabled { Ok(()) } else { Err(format!("{css} is not {state}")) }
        })
        .await;
    }

    /// Waits until the text of `css` contains `needle`; returns the text.
    pub async fn wait_for_text(&self, css: &str, needle: &str) -> String {
        poll(&format!("{css} to say {needle:?}"), || async {
            let element = self.client.find(Locator::Css(css)).await.map_err(|e| e.to_string())?;
            let text = element.text().await.map_err(|e| e.to_string())?;
            if text.contains(needle) { Ok(text) } else { Err(format!("it says {text:?}")) }
        })
        .await
    }

    /// Types `text` into the field `css` (adding to what is there).
    pub async fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css).await;
        command(&format!("typing into {css}"), element.send_keys(text)).await;
    }

    /// Empties the field `css`.
    pub async fn clear(&self, css: &str) {
        let element = self.find(css).await;
        command(&format!("clearing {css}"), element.clear()).await;
    }

    /// Clicks the first `css`.
    pub async fn click(&self, css: &str) {
        let element = self.find(css).await;
        command(&format!("clicking {css}"), element.click()).await;
    }

    /// Clicks the `css` whose text is `text`.
    pub async fn click_named(&self, css: &str, text: &str) {
        let element = self.find_named(css, text).await;
        command(&format!("clicking the {css} {text:?}"), element.click()).await;
    }

    /// Signs in at /login; lands wherever the site sends the user.
    pub async fn sign_in(&self, username: &str, password: &str) {
        self.open("/login").await;
        self.clear("#username").await;
        self.type_into("#username", username).await;
        self.type_into("#password", password).await;
        self.click("form[action='/login'] button[type='submit']").await;
    }

    /// axe-core's WCAG 2.0/2.1 level A and AA violations on the page as it
    /// is now, one line each (rule, impact, the elements). Needs a window
    /// with JavaScript on (axe-core waits on timers).
    pub async fn axe_violations(&self) -> Vec<String> {
        // One script: axe-core defines itself, then runs; errors come back as a violation.
        let run = format!(
            r#"const done = arguments[arguments.length - 1];
            try {{
                {source}
                const engine = (typeof axe !== "undefined") ? axe : window.axe;
                engine.run(document, {{ preload: false, runOnly: {{ type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] }} }})
                    .then(result => done(result.violations.map(v =>
                        v.id + " (" + v.impact + "): " + v.help + " — " + v.nodes.map(n => n.html).join(" | "))))
                    .catch(error => done(["axe failed: " + error]));
            }} catch (error) {{
                done(["axe could not start: " + error]);
            }}"#,
            source = axe_source()
        );
        let found = command("running axe-core", self.client.execute_async(&run, Vec::new())).await;
        let Value::Array(found) = found else { panic!("axe-core answered {found:?}") };
        found.iter().map(|v| v.as_str().unwrap_or("?").to_owned()).collect()
    }

    /// Resizes the window so the page's viewport is `width`×`height`, then
    /// saves a screenshot as `file` in `test-output/`; returns its path.
    pub async fn screenshot(&self, (width, height): (u32, u32), file: &str) -> PathBuf {
        command("resizing the window", self.client.set_window_size(width, height)).await;
        // The window may be larger than its viewport: correct by the difference.
        let inner = self.client.execute("return [window.innerWidth, window.innerHeight];", Vec::new()).await;
        if let Ok(Value::Array(sizes)) = inner {
            let get = |i: usize| sizes.get(i).and_then(Value::as_u64).map_or(0, |v| v as u32);
            let (w, h) = (get(0), get(1));
            if (w, h) != (width, height) && w > 0 && h > 0 {
                let grow =
                    |wanted: u32, got: u32| (2 * i64::from(wanted) - i64::from(got)).clamp(100, 10_000);
                let (w, h) = (grow(width, w) as u32, grow(height, h) as u32);
                command("resizing the window", self.client.set_window_size(w, h)).await;
            }
        }
        let png = command("taking a screenshot", self.client.screenshot()).await;
        let path = output_dir().join(file);
        std::fs::write(&path, png).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        path
    }
}

/// `POST path` on the demo with a JSON body, through a plain HTTP client
/// (not the browser); the status and the body.
pub async fn post_json(base: &str, path: &str, body: &Value) -> (StatusCode, String) {
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Full<Bytes>>();
    let request = Request::post(format!("{base}{path}"))
        .header(CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap();
    let exchange = async {
        let response = client.request(request).await.map_err(|e| e.to_string())?;
        let status = response.status();
        let bytes = response.into_body().collect().await.map_err(|e| e.to_string())?.to_bytes();
        Ok::<_, String>((status, String::from_utf8_lossy(&bytes).into_owned()))
    };
    match tokio::time::timeout(COMMAND_LIMIT, exchange).await {
        Ok(Ok(answer)) => answer,
        Ok(Err(error)) => panic!("POST {base}{path}: {error}"),
        Err(_) => panic!("POST {base}{path}: no answer within {COMMAND_LIMIT:?}"),
    }
}

/// `GET path` on the demo with a `Cookie` header, through a plain HTTP
/// client: the status and the page exactly as the server wrote it (what
/// the Nu Html Checker must read, rather than the browser's DOM).
pub async fn get_with_cookie(base: &str, path: &str, cookie: &str) -> (StatusCode, String) {
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Full<Bytes>>();
    let request = Request::get(format!("{base}{path}"))
        .header(axum::http::header::COOKIE, cookie)
        .body(Full::new(Bytes::new()))
        .unwrap();
    let exchange = async {
        let response = client.request(request).await.map_err(|e| e.to_string())?;
        let status = response.status();
        let bytes = response.into_body().collect().await.map_err(|e| e.to_string())?.to_bytes();
        Ok::<_, String>((status, String::from_utf8_lossy(&bytes).into_owned()))
    };
    match tokio::time::timeout(COMMAND_LIMIT, exchange).await {
        Ok(Ok(answer)) => answer,
        Ok(Err(error)) => panic!("GET {base}{path}: {error}"),
        Err(_) => panic!("GET {base}{path}: no answer within {COMMAND_LIMIT:?}"),
    }
}

/// The Nu Html Checker (`vnu.jar`, installed by `scripts/test` into
/// `target/web-tools`, or `INZANT_VNU_JAR`): its errors and warnings about
/// the page `html`, one line each.
pub fn nu_checker_problems(name: &str, html: &str) -> Vec<String> {
    let jar = std::env::var("INZANT_VNU_JAR").map(PathBuf::from).unwrap_or_else(|_| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../target/web-tools/node_modules/vnu-jar/build/dist/vnu.jar")
    });
    assert!(
        jar.exists(),
        "{} is missing: run scripts/test, or npm install --prefix target/web-tools vnu-jar@26.9.27 \
         (and a Java runtime: apt-get install default-jre-headless)",
        jar.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(format!("{name}.html"));
    std::fs::write(&file, html).unwrap();
    let output = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--format", "json", "--exit-zero-always"])
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run java (apt-get install default-jre-headless): {e}"));
    let report: Value = serde_json::from_slice(&output.stderr).unwrap_or_else(|e| {
        panic!("vnu said something else than JSON ({e}): {}", String::from_utf8_lossy(&output.stderr))
    });
    report["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["type"] == "error" || m["subType"] == "warning")
        .map(|m| format!("{name}: {} ({})", m["message"], m["extract"]))
        .collect()
}

// ---------------------------------------------------------------------------
// A test's world

/// One browser test's demo, chromedriver and browser windows.
pub struct World {
    /// The test's name, for file names.
    pub name: &'static str,
    pub demo: DemoServer,
    driver: Driver,
    tabs: Mutex<Vec<(String, Client)>>,
}

impl World {
    /// A new chromium window on the demo, with JavaScript on or off;
    /// `label` names its screenshots if the test fails.
    pub async fn tab(&self, label: &str, javascript: bool) -> Tab {
        let client = self.driver.browser(javascript).await;
        self.tabs.lock().unwrap_or_else(PoisonError::into_inner).push((label.to_owned(), client.clone()));
        Tab { client, base: self.demo.base.clone() }
    }

    /// After a failure: every window's page at phone and desktop widths,
    /// and the demo's and chromedriver's logs, into `test-output/`.
    async fn keep_evidence(&self) {
        let tabs = self.tabs.lock().unwrap_or_else(PoisonError::into_inner).clone();
        for (label, client) in tabs {
            let tab = Tab { client, base: self.demo.base.clone() };
            for (size, width) in [(PHONE, "phone"), (DESKTOP, "desktop")] {
                let file = format!("browser-{}-{label}-{width}.png", self.name);
                let shot = tokio::spawn({
                    let tab = tab.clone();
                    async move { tab.screenshot(size, &file).await }
                });
                match tokio::time::timeout(COMMAND_LIMIT, shot).await {
                    Ok(Ok(path)) => eprintln!("screenshot of the failed test: {}", path.display()),
                    _ => eprintln!("could not take a {width} screenshot of the {label} window"),
                }
            }
        }
        let log = output_dir().join(format!("browser-{}.log", self.name));
        let text = format!("{}\n{}", self.demo.logs(), self.driver.logs());
        if std::fs::write(&log, text).is_ok() {
            eprintln!("logs of the failed test: {}", log.display());
        }
    }

    /// Ends every browser session (the process groups die with the guards).
    async fn close_tabs(&self) {
        let tabs = std::mem::take(&mut *self.tabs.lock().unwrap_or_else(PoisonError::into_inner));
        for (_, client) in tabs {
            let _ = tokio::time::timeout(Duration::from_secs(10), client.close()).await;
        }
    }
}

/// Runs a browser test: starts the demo and chromedriver, runs `body`, and
/// if it fails (panics, or hangs past [`TEST_LIMIT`]) keeps screenshots and
/// logs before failing the same way. Processes are killed in every case.
pub async fn browser_test<F, Fut>(name: &'static str, body: F)
where
    F: FnOnce(Arc<World>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    require_browser();
    let driver = Driver::start();
    let demo = DemoServer::start();
    let world = Arc::new(World { name, demo, driver, tabs: Mutex::new(Vec::new()) });
    let mut task = tokio::spawn(body(Arc::clone(&world)));
    // A panic's message was printed where it happened; a hang has none yet.
    let (panicked, hung): (Option<Box<dyn Any + Send>>, Option<String>) =
        match tokio::time::timeout(TEST_LIMIT, &mut task).await {
            Ok(Ok(())) => (None, None),
            Ok(Err(error)) if error.is_panic() => (Some(error.into_panic()), None),
            Ok(Err(error)) => (None, Some(format!("{name} was cancelled: {error}"))),
            Err(_) => {
                task.abort();
                let _ = task.await;
                (
                    None,
                    Some(format!(
                        "{name} was still running after {TEST_LIMIT:?}: a browser or the demo is stuck"
                    )),
                )
            }
        };
    if panicked.is_some() || hung.is_some() {
        world.keep_evidence().await;
    }
    world.close_tabs().await;
    drop(world);
    if let Some(payload) = panicked {
        std::panic::resume_unwind(payload);
    }
    if let Some(message) = hung {
        panic!("{message}");
    }
}
