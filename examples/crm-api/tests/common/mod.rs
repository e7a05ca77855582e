//! Shared set-up: a fresh PostgreSQL database per test (in `DATABASE_URL`'s
//! server, or the private cluster of `inzant-reset-test-support`), the API
//! built on it and served on a loopback port **behind a proxy that strips
//! `/crm`** (a `tower` layer in front of the app, as the real proxy is), and
//! an HTTP client that talks to it like the admin app and like a browser.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, Uri};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use inzant_crm_api::people::{self, NewPerson};
use inzant_crm_api::{App, Config};
use inzant_reset_core::secrecy::SecretString;
use serde_json::{Value, json};
use sqlx::PgPool;
use sqlx::types::Uuid;
use tower::Layer;
use tower::util::MapRequestLayer;

/// The admin single-page app's origin.
pub const ADMIN_UI: &str = "https://admin.northwind.example";

/// A page on another site.
pub const FOREIGN: &str = "https://evil.example";

/// The path our proxy publishes the API under.
pub const PREFIX: &str = "/crm";

pub use inzant_reset_test_support::FreshDatabase;

/// The settings of an API published at `public_url` on database `db`.
pub fn config(db: &FreshDatabase, public_url: &str) -> Config {
    Config {
        database_url: db.url.clone(),
        listen: "127.0.0.1:0".parse().unwrap(),
        public_url: public_url.to_owned(),
        admin_ui: ADMIN_UI.to_owned(),
        reset_secret: Some(SecretString::from("a test secret that is long enough for codes")),
    }
}

/// The proxy in front of the API: it publishes only `/crm/…` and forwards
/// it as `/…`, as `https://api.northwind.example/crm` does in production.
fn strip_prefix(mut request: Request<Body>) -> Request<Body> {
    let path_and_query = request.uri().path_and_query().map_or("/", |pq| pq.as_str());
    let forwarded = match path_and_query.strip_prefix(PREFIX) {
        Some(rest) if rest.starts_with('/') => rest.to_owned(),
        Some(rest) if rest.is_empty() || rest.starts_with('?') => format!("/{rest}"),
        // Not published: nothing of the app answers it.
        _ => "/not-published-by-the-proxy".to_owned(),
    };
    *request.uri_mut() = Uri::try_from(forwarded).unwrap();
    request
}

/// The API on a fresh database, served on a loopback port behind the proxy.
pub struct Crm {
    pub app: App,
    /// The public URL: `http://127.0.0.1:{port}/crm`.
    pub public_url: String,
    /// Its origin: `http://127.0.0.1:{port}`.
    pub origin: String,
    client: Client<HttpConnector, Full<Bytes>>,
    server: tokio::task::JoinHandle<()>,
    pub db: FreshDatabase,
}

impl Drop for Crm {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Crm {
    pub async fn start() -> Self {
        let db = FreshDatabase::create("crm_test").await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let public_url = format!("{origin}{PREFIX}");
        let app = App::build(&config(&db, &public_url)).await.unwrap();
        let proxied =
            MapRequestLayer::new(strip_prefix as fn(Request<Body>) -> Request<Body>).layer(app.router());
        let server = tokio::spawn(async move {
            let service = axum::ServiceExt::<Request<Body>>::into_make_service(proxied);
            axum::serve(listener, service).await.unwrap();
        });
        let client = Client::builder(TokioExecutor::new()).build_http();
        Self { app, public_url, origin, client, server, db }
    }

    pub fn pool(&self) -> &PgPool {
        self.app.pool()
    }

    /// A new person with `password` (hashed as the API hashes), returning their id.
    pub async fn person(&self, person: NewPerson<'_>, password: Option<&str>) -> Uuid {
        let hash = match password {
            Some(password) => {
                let hash = self.app.passwords().hash_password(&SecretString::from(password)).await.unwrap();
                Some(hash.as_str().to_owned())
            }
            None => None,
        };
        people::create(self.pool(), &person, hash.as_deref()).await.unwrap()
    }

    /// The person's stored password hash.
    pub async fn pwd(&self, person_id: Uuid) -> Option<String> {
        people::find(self.pool(), person_id).await.unwrap().unwrap().pwd
    }

    /// Whether `password` matches the person's stored hash, as sign-in checks it.
    pub async fn password_matches(&self, person_id: Uuid, password: &str) -> bool {
        let pwd = self.pwd(person_id).await.unwrap();
        self.app.passwords().verify(&SecretString::from(password), &pwd).await.unwrap()
    }

    /// Sends `request` (its URI a path under the public URL, or a whole URL).
    pub async fn send(&self, mut request: Request<Full<Bytes>>) -> Answer {
        if request.uri().scheme().is_none() {
            let url = format!("{}{}", self.public_url, request.uri());
            *request.uri_mut() = Uri::try_from(url).unwrap();
        }
        let response = self.client.request(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Answer { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    /// The admin app's sign-in: the token, or a panic.
    pub async fn sign_in(&self, email: &str, password: &str) -> String {
        let answer =
            self.spa(Spa::post("/api/sign-in", json!({ "email": email, "password": password }))).await;
        assert_eq!(answer.status, StatusCode::OK, "{email} could not sign in: {}", answer.body);
        answer.json()["token"].as_str().unwrap().to_owned()
    }

    /// A request from the admin app: its origin, its token, JSON.
    pub async fn spa(&self, call: Spa) -> Answer {
        let mut request = Request::builder().method(call.method).uri(call.path).header("origin", call.origin);
        if let Some(token) = &call.token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        for (name, value) in &call.headers {
            request = request.header(*name, value);
        }
        let body = match &call.json {
            Some(json) => {
                request = request.header("content-type", "application/json");
                Full::new(Bytes::from(json.to_string()))
            }
            None => Full::new(Bytes::new()),
        };
        self.send(request.body(body).unwrap()).await
    }

    /// The browser's CORS preflight before the admin app POSTs JSON with its token to `path`.
    pub async fn preflight(&self, path: &str) -> Answer {
        let request = Request::builder()
            .method("OPTIONS")
            .uri(path)
            .header("origin", ADMIN_UI)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "authorization,content-type")
            .body(Full::new(Bytes::new()))
            .unwrap();
        self.send(request).await
    }

    /// A browser opening `url`.
    pub async fn get(&self, url: &str) -> Answer {
        self.send(Request::get(url).body(Full::new(Bytes::new())).unwrap()).await
    }

    /// A browser posting the form on page `url` (from the page's own origin).
    pub async fn post_form(&self, url: &str, fields: &[(&str, &str)]) -> Answer {
        let body = inzant_reset_test_support::form_body(fields);
        let request = Request::post(url)
            .header("origin", &self.origin)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Full::new(Bytes::from(body)))
            .unwrap();
        self.send(request).await
    }
}

/// A call of the admin app.
pub struct Spa {
    method: &'static str,
    path: String,
    token: Option<String>,
    json: Option<Value>,
    origin: &'static str,
    headers: Vec<(&'static str, String)>,
}

impl Spa {
    pub fn get(path: impl Into<String>) -> Self {
        Self {
            method: "GET",
            path: path.into(),
            token: None,
            json: None,
            origin: ADMIN_UI,
            headers: Vec::new(),
        }
    }

    pub fn post(path: impl Into<String>, json: Value) -> Self {
        Self {
            method: "POST",
            path: path.into(),
            token: None,
            json: Some(json),
            origin: ADMIN_UI,
            headers: Vec::new(),
        }
    }

    /// A POST without a body.
    pub fn post_empty(path: impl Into<String>) -> Self {
        Self {
            method: "POST",
            path: path.into(),
            token: None,
            json: None,
            origin: ADMIN_UI,
            headers: Vec::new(),
        }
    }

    pub fn token(mut self, token: &str) -> Self {
        self.token = Some(token.to_owned());
        self
    }

    /// Sent from a page of `origin` instead.
    pub fn sent_from(mut self, origin: &'static str) -> Self {
        self.origin = origin;
        self
    }

    /// Adds a header.
    pub fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_owned()));
        self
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
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|value| value.to_str().ok()).unwrap_or("")
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("not JSON: {}", self.body))
    }
}

/// The link (a whole URL) and the code of a reset email's plain text: each
/// stands on a line of its own.
pub fn link_and_code(text: &str, public_url: &str) -> (String, String) {
    let prefix = format!("{public_url}/password-reset/");
    let link = text.lines().find(|line| line.starts_with(&prefix));
    let code = text.lines().find(|line| line.len() == 6 && line.bytes().all(|b| b.is_ascii_digit()));
    match (link, code) {
        (Some(link), Some(code)) => (link.to_owned(), code.to_owned()),
        _ => panic!("no link under {prefix} and no code in:\n{text}"),
    }
}
