//! Shared set-up for the demo's tests: the app built by `build_app` with a
//! temporary mail directory, a tiny cookie-keeping client over
//! `tower::ServiceExt::oneshot`, and reading emails back from `.eml` files.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::header::{ACCEPT_LANGUAGE, CONTENT_TYPE, COOKIE, LOCATION, ORIGIN, SET_COOKIE};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use inzant_reset_core::hash::HashParams;
use inzant_reset_demo::{Demo, DemoConfig, MailSetting, build_app};
use inzant_reset_test_support::CookieJar;
use mail_parser::MessageParser;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use secrecy::ExposeSecret;
use tempfile::TempDir;
use tower::ServiceExt;

/// The public URL the test apps run under.
pub const PUBLIC_URL: &str = "http://demo.test";

/// A demo app and the temporary directory its emails go to.
pub struct TestApp {
    pub demo: Demo,
    pub mail: TempDir,
}

/// Test settings: memory, a temporary mail directory, no resend cooldown,
/// cheap Argon2 parameters.
pub fn test_config(mail: &TempDir) -> DemoConfig {
    DemoConfig {
        public_url: PUBLIC_URL.to_owned(),
        mail: MailSetting::Directory(mail.path().to_path_buf()),
        resend_cooldown: Duration::ZERO,
        hash_params: HashParams::insecure_for_tests(),
        ..DemoConfig::default()
    }
}

/// The in-memory demo, with the settings `adjust` leaves.
pub async fn app_with(adjust: impl FnOnce(&mut DemoConfig)) -> TestApp {
    let mail = tempfile::tempdir().unwrap();
    let mut config = test_config(&mail);
    adjust(&mut config);
    let demo = build_app(config).await.unwrap();
    TestApp { demo, mail }
}

/// The in-memory demo with test settings.
pub async fn app() -> TestApp {
    app_with(|_| {}).await
}

impl TestApp {
    /// A browser with no cookies, on the test's usual client address
    /// (127.0.0.1), posting forms from the app's public origin.
    pub fn browser(&self) -> Browser {
        self.browser_at(IpAddr::V4(Ipv4Addr::LOCALHOST))
    }

    /// A browser with no cookies on client address `ip` (what the server
    /// sees as the connection's peer).
    pub fn browser_at(&self, ip: IpAddr) -> Browser {
        Browser {
            router: self.demo.router.clone(),
            cookies: CookieJar::new(),
            origin: self.demo.public_url.clone(),
            peer: SocketAddr::new(ip, 40_000),
            accept_language: None,
        }
    }

    /// The starting password of `username`.
    pub fn password(&self, username: &str) -> String {
        self.demo.password_of(username).unwrap().expose_secret().to_owned()
    }

    /// A browser signed in as `username` with `password`.
    pub async fn signed_in(&self, username: &str, password: &str) -> Browser {
        let mut browser = self.browser();
        let answer = browser.login(username, password).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "signing in as {username}: {}", answer.body);
        browser
    }

    /// The admin, signed in.
    pub async fn admin(&self) -> Browser {
        self.signed_in("admin@inzant.example", &self.password("admin@inzant.example")).await
    }

    /// The `.eml` files in the mail directory now.
    pub fn mail_files(&self) -> HashSet<PathBuf> {
        mail_files(self.mail.path())
    }
}

/// The `.eml` files in `dir`.
pub fn mail_files(dir: &Path) -> HashSet<PathBuf> {
    match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
            .collect(),
        Err(_) => HashSet::new(),
    }
}

/// An answer, with its body as text.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    /// The `Location` header.
    pub fn location(&self) -> &str {
        self.headers.get(LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    /// The value of header `name`.
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

/// A client keeping cookies, sending requests through the router as if
/// they came over a connection from `peer`.
#[derive(Clone)]
pub struct Browser {
    router: Router,
    pub cookies: CookieJar,
    /// The `Origin` its forms are posted from: the app's public URL.
    pub origin: String,
    /// The client address the server sees.
    pub peer: SocketAddr,
    /// The `Accept-Language` it sends with every request, if any.
    pub accept_language: Option<String>,
}

impl Browser {
    /// Sends `request` with this browser's cookies and keeps the cookies it sets.
    pub async fn send(&mut self, mut request: Request<Body>) -> Answer {
        if let Some(cookie) = self.cookies.header() {
            request.headers_mut().insert(COOKIE, cookie.parse().unwrap());
        }
        if let Some(language) = &self.accept_language {
            request.headers_mut().entry(ACCEPT_LANGUAGE).or_insert(language.parse().unwrap());
        }
        // What the demo's server loop adds to every request.
        request.extensions_mut().insert(ConnectInfo(self.peer));
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        self.cookies.keep_all(headers.get_all(SET_COOKIE).iter().map(|set| set.to_str().unwrap()));
        let body = response.into_body().collect().await.unwrap().to_bytes();
        Answer { status, headers, body: String::from_utf8_lossy(&body).into_owned() }
    }

    /// `GET path`.
    pub async fn get(&mut self, path: &str) -> Answer {
        self.send(Request::get(path).body(Body::empty()).unwrap()).await
    }

    /// `POST path` with a form, from the site's own pages (`Origin` set to the public URL).
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let origin = self.origin.clone();
        self.post_form_from(path, fields, Some(&origin)).await
    }

    /// `POST path` with a form and the given `Origin` header (or none).
    pub async fn post_form_from(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        origin: Option<&str>,
    ) -> Answer {
        let body = fields
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    utf8_percent_encode(k, NON_ALPHANUMERIC),
                    utf8_percent_encode(v, NON_ALPHANUMERIC)
                )
            })
            .collect::<Vec<_>>()
            .join("&");
        let mut request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(origin) = origin {
            request = request.header(ORIGIN, origin);
        }
        self.send(request.body(Body::from(body)).unwrap()).await
    }

    /// `POST path` with a JSON body.
    pub async fn post_json(&mut self, path: &str, json: &str) -> Answer {
        let request =
            Request::post(path).header(CONTENT_TYPE, "application/json").body(Body::from(json.to_owned()));
        self.send(request.unwrap()).await
    }

    /// Submits the login form.
    pub async fn login(&mut self, username: &str, password: &str) -> Answer {
        self.post_form("/login", &[("username", username), ("password", password)]).await
    }

    /// Follows a `303` to its `Location`.
    pub async fn follow(&mut self, answer: &Answer) -> Answer {
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
        let location = answer.location().to_owned();
        self.get(&location).await
    }

    /// The admin clicks "Reset Password" (`purpose` = `reset`) or "Create
    /// Password" (`create`) for user `id`, and lands back on User Details.
    pub async fn trigger(&mut self, id: &str, purpose: &str) -> Answer {
        let answer =
            self.post_form(&format!("/admin/users/{id}/reset-password"), &[("purpose", purpose)]).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
        assert_eq!(answer.location(), format!("/admin/users/{id}"));
        self.follow(&answer).await
    }
}

/// `POST /api/app/sign-in` as the apps would.
pub async fn app_sign_in(app: &TestApp, username: &str, password: &str) -> Answer {
    app_sign_in_from(app, IpAddr::V4(Ipv4Addr::LOCALHOST), username, password).await
}

/// `POST /api/app/sign-in` as the apps would, from client address `ip`.
pub async fn app_sign_in_from(app: &TestApp, ip: IpAddr, username: &str, password: &str) -> Answer {
    let json = serde_json::json!({ "username": username, "password": password }).to_string();
    app.browser_at(ip).post_json("/api/app/sign-in", &json).await
}

/// A reset email as the user reads it.
#[derive(Debug)]
pub struct ReadEmail {
    pub to: String,
    pub subject: String,
    pub text: String,
    /// The link's path (`/password-reset/…`).
    pub link_path: String,
    pub code: String,
}

/// The email in file `path`, if it is a reset or create email with a link under [`PUBLIC_URL`].
pub fn parse_reset_email(path: &Path) -> Option<ReadEmail> {
    let bytes = std::fs::read(path).unwrap();
    let message = MessageParser::default().parse(&bytes).unwrap();
    let to = message.to().and_then(|to| to.first()).and_then(|to| to.address()).unwrap_or("").to_owned();
    let subject = message.subject().unwrap_or("").to_owned();
    let text = message.body_text(0)?.into_owned();
    let link = text
        .lines()
        .map(str::trim)
        .find(|line| line.starts_with(&format!("{PUBLIC_URL}/password-reset/")))?;
    let code = text
        .lines()
        .map(str::trim)
        .find(|line| line.len() == 6 && line.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or_else(|| panic!("no 6-digit code in:\n{text}"))
        .to_owned();
    let link_path = link.trim_start_matches(PUBLIC_URL).to_owned();
    Some(ReadEmail { to, subject, text, link_path, code })
}

/// The one new email in `dir` (not in `before`) that carries a reset link.
pub fn new_reset_email(dir: &Path, before: &HashSet<PathBuf>) -> ReadEmail {
    let mut found: Vec<ReadEmail> =
        mail_files(dir).difference(before).filter_map(|path| parse_reset_email(path)).collect();
    assert_eq!(found.len(), 1, "expected exactly one new reset email, found {found:?}");
    found.remove(0)
}

/// A password the Inzant policy rates at least "Acceptable".
pub const NEW_PASSWORD: &str = "Velvet-Harbour-Lantern-42";

/// The user opens the emailed link in their own browser and saves
/// `password` with the code; returns the answer to the save.
pub async fn complete_reset(app: &TestApp, email: &ReadEmail, password: &str) -> Answer {
    let mut user = app.browser();
    let page = user.get(&email.link_path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("id=\"reset-form\""), "{}", page.body);
    let fields = [("code", email.code.as_str()), ("new_password", password), ("confirm_password", password)];
    user.post_form(&email.link_path, &fields).await
}

/// The whole reset for the web user Sam: the admin finds Sam in
/// User Search, opens User Details, clicks More Options → Reset Password and
/// sees where the email went; Sam reads the email, opens the link, saves a
/// new password and lands on the login page; the old password and Sam's old
/// session stop working and the new password signs in.
pub async fn web_user_flow(app: &TestApp) {
    let sam = "sam.web@inzant.example";
    let old_password = app.password(sam);
    let mut admin = app.admin().await;

    let search = admin.get("/admin/users").await;
    assert_eq!(search.status, StatusCode::OK);
    for text in
        ["User Search", "Users", "Sam Web", sam, "sam.reports@example.org", "href=\"/admin/users/1002\""]
    {
        assert!(search.body.contains(text), "User Search lacks {text:?}: {}", search.body);
    }

    let details = admin.get("/admin/users/1002").await;
    assert_eq!(details.status, StatusCode::OK);
    for text in
        ["More Options", "Reset Password", "action=\"/admin/users/1002/reset-password\"", "value=\"reset\""]
    {
        assert!(details.body.contains(text), "User Details lacks {text:?}: {}", details.body);
    }
    assert!(!details.body.contains("Create Password"), "Sam has a password already");

    let mut sams_browser = app.signed_in(sam, &old_password).await;
    assert_eq!(sams_browser.get("/home").await.status, StatusCode::OK);

    let before = app.mail_files();
    let after_trigger = admin.trigger("1002", "reset").await;
    assert_eq!(after_trigger.status, StatusCode::OK);
    assert!(
        after_trigger.body.contains("A password reset email was sent to sam.web@inzant.example."),
        "{}",
        after_trigger.body
    );
    let again = admin.get("/admin/users/1002").await;
    assert!(!again.body.contains("was sent to"), "the flash is shown once");

    let email = new_reset_email(app.mail.path(), &before);
    assert_eq!(email.to, sam, "reset emails go to the username, not the Email To address");
    assert!(!email.text.contains("sam.reports@example.org"));

    let saved = complete_reset(app, &email, NEW_PASSWORD).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location(), "/login?reset=done");
    let login_page = app.browser().get(saved.location()).await;
    assert!(login_page.body.contains("Your password has been changed. Sign in with your new password."));

    let signed_out = sams_browser.get("/home").await;
    assert_eq!(signed_out.status, StatusCode::SEE_OTHER, "the reset ends Sam's sessions");
    assert_eq!(signed_out.location(), "/login");

    let old = app.browser().login(sam, &old_password).await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED, "the old password stops working");
    assert!(old.body.contains("The username or password is incorrect."));
    let mut fresh = app.browser();
    let new = fresh.login(sam, NEW_PASSWORD).await;
    assert_eq!(new.status, StatusCode::SEE_OTHER, "{}", new.body);
    assert_eq!(new.location(), "/home");
    let home = fresh.follow(&new).await;
    assert!(home.body.contains("Sam Web"), "{}", home.body);

    let reused = app.browser().get(&email.link_path).await;
    assert!(reused.status.is_client_error(), "{:?}", reused.status);
    assert!(reused.body.contains("This reset link has already been used."), "{}", reused.body);
}

/// The device user Dana, who reads German: the app sign-in works with the
/// right password only; after a reset (in German) the new password works in
/// the app and the old one does not; the website never signs Dana in.
pub async fn device_user_flow(app: &TestApp) {
    let dana = "dana.device@inzant.example";
    let old_password = app.password(dana);
    assert_eq!(app_sign_in(app, dana, "Wrong-Password-1").await.status, StatusCode::UNAUTHORIZED);
    let ok = app_sign_in(app, dana, &old_password).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&ok.body).unwrap()["ok"], true);

    let mut admin = app.admin().await;
    let before = app.mail_files();
    let page = admin.trigger("1003", "reset").await;
    assert!(
        page.body.contains("A password reset email was sent to dana.device@inzant.example."),
        "{}",
        page.body
    );
    let email = new_reset_email(app.mail.path(), &before);
    assert_eq!(email.to, dana);
    assert_eq!(email.subject, "Passwort für Inzant Sales zurücksetzen (dana.device@inzant.example)");

    let saved = complete_reset(app, &email, NEW_PASSWORD).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location(), "complete?lang=de", "device users go to the apps page, in their language");

    assert_eq!(app_sign_in(app, dana, &old_password).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app_sign_in(app, dana, NEW_PASSWORD).await.status, StatusCode::OK);
    let website = app.browser().login(dana, NEW_PASSWORD).await;
    assert_ne!(website.status, StatusCode::SEE_OTHER);
    assert!(website.body.contains("Inzant Sales Plus or Inzant Tradeshow app"), "{}", website.body);
    assert!(website.headers.get(SET_COOKIE).is_none(), "no session for device users");
}
