//! Shared set-up: a fresh PostgreSQL database per test (created from
//! `DATABASE_URL`, dropped afterwards), the app built on it, a browser with
//! a cookie jar over `tower::ServiceExt::oneshot`, and the outbox read back.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::Router;
use axum::body::Body;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, LOCATION, ORIGIN, SET_COOKIE};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use inzant_existing_backend::accounts::{self, Kind, NewAccount};
use inzant_existing_backend::seed::ADMIN_EMAIL;
use inzant_existing_backend::{App, Config};
use inzant_reset_test_support::{CookieJar, FreshDatabase, form_body};
use secrecy::SecretString;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use tower::ServiceExt;

/// Where the app under test thinks it is served.
pub const PUBLIC_URL: &str = "http://harbour.test";

/// The seeded admin's password.
pub const ADMIN_PASSWORD: &str = "Admin-Harbour-2024!";

/// The app on a fresh database.
pub struct Harbour {
    pub app: App,
    pub db: FreshDatabase,
}

impl Harbour {
    pub async fn start() -> Self {
        let db = FreshDatabase::create("harbour_test").await;
        let config = Config {
            database_url: db.url.clone(),
            listen: "127.0.0.1:0".parse().unwrap(),
            public_url: PUBLIC_URL.to_owned(),
            reset_secret: Some(SecretString::from("a test secret that is long enough for codes")),
            admin_password: Some(SecretString::from(ADMIN_PASSWORD)),
            locales_dir: inzant_existing_backend::config::LOCALES_DIR.into(),
        };
        let app = App::build(&config).await.unwrap();
        Self { app, db }
    }

    pub fn pool(&self) -> &PgPool {
        self.app.pool()
    }

    /// A browser with no cookies.
    pub fn browser(&self) -> Browser {
        Browser { router: self.app.router(), cookies: CookieJar::new() }
    }

    /// A browser signed in through the login page.
    pub async fn signed_in(&self, login_email: &str, password: &str) -> Browser {
        let mut browser = self.browser();
        let answer = browser.sign_in(login_email, password).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{login_email} could not sign in: {}", answer.body);
        browser
    }

    /// The seeded admin, signed in.
    pub async fn admin(&self) -> Browser {
        self.signed_in(ADMIN_EMAIL, ADMIN_PASSWORD).await
    }

    /// A new account with `password` (hashed as the app hashes), returning its id.
    pub async fn account(&self, login_email: &str, kind: Kind, display_name: &str, password: &str) -> i64 {
        let hash = self.app.passwords().hash(&SecretString::from(password)).await.unwrap();
        let account =
            NewAccount { login_email, kind, display_name, email_to: Some("elsewhere@home.example") };
        accounts::create(self.pool(), &account, Some(&hash)).await.unwrap()
    }

    /// The account's stored password hash.
    pub async fn pwd_hash(&self, account_id: i64) -> Option<String> {
        accounts::find(self.pool(), account_id).await.unwrap().unwrap().pwd_hash
    }

    /// The newest outbox row addressed to `recipient`.
    pub async fn last_mail_to(&self, recipient: &str) -> Mail {
        sqlx::query_as(
            "SELECT category, recipient, subject, body_text, body_html FROM outbox \
             WHERE recipient = $1 ORDER BY mail_id DESC LIMIT 1",
        )
        .bind(recipient)
        .fetch_optional(self.pool())
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no mail to {recipient} in the outbox"))
    }

    /// A second pool on the same database, for the test's own sessions.
    pub async fn observer(&self) -> PgPool {
        PgPoolOptions::new().max_connections(2).connect(&self.db.url).await.unwrap()
    }
}

/// A row of `outbox`.
#[derive(Debug, sqlx::FromRow)]
pub struct Mail {
    pub category: String,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
}

impl Mail {
    /// The link's path (the part after the public origin) and the code, read
    /// from the plain-text body: each stands on a line of its own.
    pub fn link_and_code(&self) -> (String, String) {
        let prefix = format!("{PUBLIC_URL}/password-reset/");
        let link = self.body_text.lines().find(|line| line.starts_with(&prefix));
        let code =
            self.body_text.lines().find(|line| line.len() == 6 && line.bytes().all(|b| b.is_ascii_digit()));
        match (link, code) {
            (Some(link), Some(code)) => (link[PUBLIC_URL.len()..].to_owned(), code.to_owned()),
            _ => panic!("no link and code in:\n{}", self.body_text),
        }
    }
}

/// An answer, body read.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn location(&self) -> &str {
        self.header(LOCATION.as_str())
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|value| value.to_str().ok()).unwrap_or("")
    }
}

/// Sends requests to the app like a browser on the app's own pages: it keeps
/// cookies and sends `Origin` with its posts.
#[derive(Clone)]
pub struct Browser {
    router: Router,
    cookies: CookieJar,
}

impl Browser {
    pub async fn send(&mut self, mut request: Request<Body>) -> Answer {
        if let Some(jar) = self.cookies.header() {
            request.headers_mut().insert(COOKIE, jar.parse().unwrap());
        }
        let response = self.router.clone().oneshot(request).await.unwrap();
        self.cookies.keep_all(response.headers().get_all(SET_COOKIE).iter().map(|set| set.to_str().unwrap()));
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Answer { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    pub async fn get(&mut self, path: &str) -> Answer {
        self.send(Request::get(path).body(Body::empty()).unwrap()).await
    }

    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        self.post_form_from(PUBLIC_URL, path, fields).await
    }

    /// A form posted from a page of `origin`.
    pub async fn post_form_from(&mut self, origin: &str, path: &str, fields: &[(&str, &str)]) -> Answer {
        let body = form_body(fields);
        let request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(ORIGIN, origin)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }

    pub async fn post_json(&mut self, path: &str, json: serde_json::Value) -> Answer {
        let request = Request::post(path)
            .header(CONTENT_TYPE, "application/json")
            .body(Body::from(json.to_string()))
            .unwrap();
        self.send(request).await
    }

    pub async fn get_with_token(&mut self, path: &str, token: &str) -> Answer {
        let request = Request::get(path).header(AUTHORIZATION, format!("Bearer {token}")).body(Body::empty());
        self.send(request.unwrap()).await
    }

    /// The login page's form.
    pub async fn sign_in(&mut self, login_email: &str, password: &str) -> Answer {
        self.post_form("/login", &[("login_email", login_email), ("password", password)]).await
    }

    /// The "Send password reset" button on account `account_id`'s page.
    pub async fn send_reset(&mut self, account_id: i64) -> Answer {
        let page = self.get(&format!("/accounts/{account_id}")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let action = format!("/accounts/{account_id}/reset-password");
        assert!(page.body.contains(&format!("action=\"{action}\"")), "no reset button: {}", page.body);
        self.post_form(&action, &[("purpose", "reset")]).await
    }

    /// The reset form, filled in and saved.
    pub async fn save_password(&mut self, link: &str, code: &str, password: &str) -> Answer {
        let fields = [("code", code), ("new_password", password), ("confirm_password", password)];
        self.post_form(link, &fields).await
    }
}

/// Where a redirect from `from` to `location` goes (relative locations
/// replace the last path segment, as browsers do).
pub fn resolve(from: &str, location: &str) -> String {
    if location.starts_with('/') {
        return location.to_owned();
    }
    let directory = from.rsplit_once('/').map_or("", |(directory, _)| directory);
    format!("{directory}/{location}")
}
