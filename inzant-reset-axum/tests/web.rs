//! The adapter's routes, through `tower::ServiceExt::oneshot`: every route
//! and every outcome a person can meet, with the headers each must carry.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use axum::Router;
use axum::body::Body;
use axum::http::request::Parts;
use axum::http::{Method, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use common::Answer;
use inzant_reset_axum::{AdminGate, ResetWeb, WebSettings};
use inzant_reset_core::error::StoreError;
use inzant_reset_core::hash::HashParams;
use inzant_reset_core::memory::{ManualClock, MemoryAudit, MemoryDirectory, MemoryOutbox, MemoryStore};
use inzant_reset_core::ports::{Finish, IssueLimits, IssueOutcome, ResetStore};
use inzant_reset_core::prelude::*;
use inzant_reset_core::request::ResetRequest;
use inzant_reset_core::secret::TokenDigest;
use inzant_reset_core::verify;
use inzant_reset_test_support::person;
use secrecy::SecretString;
use time::OffsetDateTime;
use time::macros::datetime;

const ORIGIN: &str = "https://sales.inzant.example";
const STRONG: &str = "Velvet-Harbour-Lantern-42";

/// Admin identity from an `x-admin` header (a real host reads its session).
struct HeaderGate;

#[async_trait]
impl AdminGate for HeaderGate {
    async fn actor(&self, request: &mut Parts) -> Result<UserId, Response> {
        match request.headers.get("x-admin").and_then(|v| v.to_str().ok()) {
            Some(id) => Ok(UserId::new(id)),
            None => Err(StatusCode::FORBIDDEN.into_response()),
        }
    }
}

/// A memory store that can be told to fail, standing for a database outage.
#[derive(Debug, Default)]
struct FlakyStore {
    inner: MemoryStore,
    down: AtomicBool,
}

impl FlakyStore {
    fn check(&self) -> Result<(), StoreError> {
        if self.down.load(Ordering::SeqCst) { Err(StoreError::new("database unreachable")) } else { Ok(()) }
    }
}

#[async_trait]
impl ResetStore for FlakyStore {
    async fn issue(&self, request: &ResetRequest, limits: IssueLimits) -> Result<IssueOutcome, StoreError> {
        self.check()?;
        self.inner.issue(request, limits).await
    }
    async fn supersede_older(&self, id: RequestId) -> Result<Vec<RequestId>, StoreError> {
        self.check()?;
        self.inner.supersede_older(id).await
    }
    async fn find_by_token(&self, digest: &TokenDigest) -> Result<Option<ResetRequest>, StoreError> {
        self.check()?;
        self.inner.find_by_token(digest).await
    }
    async fn count_attempt(
        &self,
        id: RequestId,
        max: u32,
        now: OffsetDateTime,
    ) -> Result<Option<u32>, StoreError> {
        self.check()?;
        self.inner.count_attempt(id, max, now).await
    }
    async fn finish(&self, id: RequestId, finish: Finish, now: OffsetDateTime) -> Result<bool, StoreError> {
        self.check()?;
        self.inner.finish(id, finish, now).await
    }
    async fn recent_for_user(&self, user: &UserId, limit: usize) -> Result<Vec<ResetRequest>, StoreError> {
        self.check()?;
        self.inner.recent_for_user(user, limit).await
    }
    async fn set_language(&self, id: RequestId, language: &str) -> Result<bool, StoreError> {
        self.check()?;
        self.inner.set_language(id, language).await
    }
    async fn expire_due(&self, now: OffsetDateTime, limit: usize) -> Result<Vec<ResetRequest>, StoreError> {
        self.check()?;
        self.inner.expire_due(now, limit).await
    }
    async fn purge(&self, before: OffsetDateTime) -> Result<u64, StoreError> {
        self.check()?;
        self.inner.purge(before).await
    }
}

struct App {
    router: Router,
    outbox: Arc<MemoryOutbox>,
    directory: Arc<MemoryDirectory>,
    store: Arc<FlakyStore>,
    clock: Arc<ManualClock>,
}

fn app() -> App {
    app_with(|_| {})
}

fn app_with(edit: impl FnOnce(&mut WebSettings)) -> App {
    let directory = Arc::new(MemoryDirectory::new());
    for (id, username, user_type) in [
        ("1", "admin@inzant.example", UserType::Admin),
        ("2", "sam.web@inzant.example", UserType::Web),
        ("3", "dana.device@inzant.example", UserType::Device),
    ] {
        directory.insert(User {
            display_name: username.split('@').next().unwrap().into(),
            email_to: Some(format!("{id}@elsewhere.example")),
            ..person(id, username, user_type)
        });
    }
    let outbox = Arc::new(MemoryOutbox::new());
    let store = Arc::new(FlakyStore::default());
    let clock = Arc::new(ManualClock::new(datetime!(2026-11-26 09:00 UTC)));
    let mut config = ResetConfig::new(ORIGIN);
    config.resend_cooldown = Duration::ZERO;
    let service = ResetService::builder(
        store.clone(),
        directory.clone(),
        outbox.clone(),
        CodeKeys::new(vec![5; 32], vec![]).unwrap(),
        config,
    )
    .clock(clock.clone())
    .audit(Arc::new(MemoryAudit::new()))
    .hash_params(HashParams::insecure_for_tests())
    .build()
    .unwrap();
    let mut settings = WebSettings::new("/login");
    edit(&mut settings);
    let router = ResetWeb::new(Arc::new(service), Arc::new(HeaderGate), settings).router();
    App { router, outbox, directory, store, clock }
}

impl App {
    async fn call(&self, request: Request<Body>) -> Answer {
        common::call(&self.router, request).await
    }

    async fn get(&self, path: &str) -> Answer {
        self.call(Request::get(path).body(Body::empty()).unwrap()).await
    }

    async fn post_form(&self, path: &str, body: &str) -> Answer {
        let request = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_owned()))
            .unwrap();
        self.call(request).await
    }

    async fn trigger(&self, user: &str, admin: &str) -> Answer {
        let request = Request::post(format!("/admin/users/{user}/reset-password"))
            .header(header::ORIGIN, ORIGIN)
            .header("x-admin", admin)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("purpose=reset"))
            .unwrap();
        self.call(request).await
    }

    /// Sends a reset to `user` and returns the link's path and the code.
    async fn reset(&self, user: &str) -> (String, String) {
        let answer = self.trigger(user, "1").await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        let (token, code) = self.outbox.last_link_and_code().unwrap();
        (format!("/password-reset/{token}"), code)
    }

    async fn submit(&self, path: &str, code: &str, new: &str, confirm: &str) -> Answer {
        let body = format!(
            "code={}&new_password={}&confirm_password={}",
            encode(code),
            encode(new),
            encode(confirm)
        );
        self.post_form(path, &body).await
    }

    async fn strength(&self, path: &str, password: &str) -> Answer {
        let request = Request::post(format!("{path}/strength"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(serde_json::json!({ "password": password }).to_string()))
            .unwrap();
        self.call(request).await
    }
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

fn wrong(code: &str) -> String {
    let last = (code.as_bytes()[5] - b'0' + 1) % 10;
    format!("{}{last}", &code[..5])
}

fn assert_reset_headers(answer: &Answer) {
    assert_eq!(answer.header(header::CACHE_CONTROL), "no-store");
    assert_eq!(answer.header(header::REFERRER_POLICY), "no-referrer");
    assert_eq!(answer.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    let csp = answer.header(header::CONTENT_SECURITY_POLICY);
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
}

// ---- The reset page ----

#[tokio::test]
async fn the_reset_page_shows_the_three_labelled_fields_and_the_save_button() {
    let app = app();
    let (path, _) = app.reset("2").await;
    let page = app.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_reset_headers(&page);
    for text in [
        r#"<label for="code">Code</label>"#,
        r#"<label for="new_password">New Password</label>"#,
        r#"<label for="confirm_password">Confirm New Password</label>"#,
        ">Save New Password</button>",
        r#"autocomplete="one-time-code""#,
        r#"inputmode="numeric""#,
        r#"autocomplete="new-password""#,
        r#"aria-live="polite""#,
        r#"src="assets/reset.js""#,
        "sam.web@inzant.example",
    ] {
        assert!(page.body.contains(text), "missing {text}");
    }
    assert!(!page.body.contains("<script>"), "no inline script");
    let token = path.rsplit('/').next().unwrap();
    assert!(!page.body.contains(token), "the page never repeats the token");
}

#[tokio::test]
async fn opening_the_link_many_times_consumes_nothing() {
    let app = app();
    let (path, code) = app.reset("2").await;
    for _ in 0..25 {
        assert_eq!(app.get(&path).await.status, StatusCode::OK);
        let head = app.call(Request::head(&path).body(Body::empty()).unwrap()).await;
        assert_eq!(head.status, StatusCode::OK);
    }
    assert!(app.get(&path).await.body.contains("5 code attempts left"));
    assert_eq!(app.submit(&path, &code, STRONG, STRONG).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn dead_links_get_a_page_saying_which() {
    let app = app();
    let unknown = app.get("/password-reset/not-a-token").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.body.contains("This reset link is not valid."));
    assert_reset_headers(&unknown);

    let (used, code) = app.reset("2").await;
    app.submit(&used, &code, STRONG, STRONG).await;
    let page = app.get(&used).await;
    assert_eq!(page.status, StatusCode::GONE);
    assert!(page.body.contains("This reset link has already been used."));
    assert!(page.body.contains("Ask your administrator to send a new reset email"));

    let (older, _) = app.reset("3").await;
    app.reset("3").await;
    assert!(
        app.get(&older).await.body.contains("A newer reset email has been sent; use the link in that one.")
    );

    let (expiring, _) = app.reset("2").await;
    app.clock.advance(Duration::from_secs(24 * 3600));
    let expired = app.get(&expiring).await;
    assert_eq!(expired.status, StatusCode::GONE);
    assert!(expired.body.contains("This reset link has expired."));
}

// ---- Submit ----

#[tokio::test]
async fn saving_sends_web_users_to_the_login_page() {
    let app = app();
    let (path, code) = app.reset("2").await;
    let answer = app.submit(&path, &code, STRONG, STRONG).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.header(header::LOCATION), "/login?reset=done");
    let hash = app.directory.password_hash(&UserId::new("2")).unwrap();
    assert!(verify(&SecretString::from(STRONG), hash.as_str()).unwrap());
}

#[tokio::test]
async fn saving_sends_device_users_to_the_apps_page() {
    let app = app();
    let (path, code) = app.reset("3").await;
    let answer = app.submit(&path, &code, STRONG, STRONG).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.header(header::LOCATION), "complete?lang=en");
    let page = app.get("/password-reset/complete?lang=en").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Inzant Sales Plus") && page.body.contains("Inzant Tradeshow"));
    assert_reset_headers(&page);
}

#[tokio::test]
async fn a_wrong_code_re_renders_the_form_keeping_the_code_and_emptying_passwords() {
    let app = app();
    let (path, code) = app.reset("2").await;
    let bad = wrong(&code);
    let answer = app.submit(&path, &bad, STRONG, STRONG).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_reset_headers(&answer);
    assert!(answer.body.contains("The code is incorrect. 4 attempts left."));
    assert!(answer.body.contains(&format!(r#"value="{bad}""#)));
    assert!(!answer.body.contains(STRONG));
}

#[tokio::test]
async fn five_wrong_codes_lock_the_link() {
    let app = app();
    let (path, code) = app.reset("2").await;
    for _ in 0..4 {
        app.submit(&path, &wrong(&code), STRONG, STRONG).await;
    }
    let locked = app.submit(&path, &wrong(&code), STRONG, STRONG).await;
    assert_eq!(locked.status, StatusCode::GONE);
    assert!(
        locked.body.contains("Too many incorrect codes. Ask your administrator to send a new reset email.")
    );
    let right = app.submit(&path, &code, STRONG, STRONG).await;
    assert_eq!(right.status, StatusCode::GONE);
}

#[tokio::test]
async fn each_form_mistake_has_its_message() {
    let app = app();
    let (path, code) = app.reset("2").await;
    let cases = [
        (
            code.clone(),
            STRONG.to_owned(),
            "Velvet-Harbour-Lantern-43".to_owned(),
            "The passwords do not match.",
        ),
        (code.clone(), "password".to_owned(), "password".to_owned(), "not strong enough"),
        (code.clone(), "x".repeat(129), "x".repeat(129), "Passwords can be at most 128 characters."),
        ("١٢٣٤٥٦".to_owned(), STRONG.to_owned(), STRONG.to_owned(), "Enter the 6-digit code from the email."),
        ("12ab56".to_owned(), STRONG.to_owned(), STRONG.to_owned(), "Enter the 6-digit code from the email."),
        (
            code.clone(),
            format!("{STRONG}\0"),
            format!("{STRONG}\0"),
            "Passwords cannot contain control characters.",
        ),
    ];
    for (code, new, confirm, message) in cases {
        let answer = app.submit(&path, &code, &new, &confirm).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert!(answer.body.contains(message), "{message}: {}", answer.body);
    }
    let huge = app.submit(&path, &code, &"Aa1!".repeat(2500), &"Aa1!".repeat(2500)).await;
    assert_eq!(huge.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(huge.body.contains("Passwords can be at most 128 characters."));
    assert!(huge.body.contains("Save New Password"), "the form comes back");
    let weak = app.submit(&path, &code, "password", "password").await;
    assert!(weak.body.contains(r#"data-rule="uppercase" class="unmet""#));
    assert!(app.get(&path).await.body.contains("5 code attempts left"), "no attempt was used");
}

#[tokio::test]
async fn a_code_typed_with_spaces_or_a_dash_is_accepted() {
    let app = app();
    let (path, code) = app.reset("2").await;
    let typed = format!("{} - {}", &code[..3], &code[3..]);
    assert_eq!(app.submit(&path, &typed, STRONG, STRONG).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn unreadable_forms_get_a_clear_4xx() {
    let app = app();
    let (path, code) = app.reset("2").await;
    let json =
        Request::post(&path).header(header::CONTENT_TYPE, "application/json").body(Body::from("{}")).unwrap();
    assert_eq!(app.call(json).await.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(app.post_form(&path, "code=%FF%FE").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        app.post_form(&path, &format!("code={code}&code={code}")).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(app.post_form(&path, &"a=1&".repeat(500)).await.status, StatusCode::BAD_REQUEST);
    let missing = app.post_form(&path, &format!("code={code}")).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    let huge = app.post_form(&path, &format!("new_password={}", "a".repeat(100_000))).await;
    assert_eq!(huge.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(app.get(&path).await.body.contains("5 code attempts left"));
}

#[tokio::test]
async fn a_store_outage_is_a_503_page_not_a_crash() {
    let app = app();
    let (path, code) = app.reset("2").await;
    app.store.down.store(true, Ordering::SeqCst);
    let page = app.get(&path).await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.body.contains("unavailable right now"));
    let submit = app.submit(&path, &code, STRONG, STRONG).await;
    assert_eq!(submit.status, StatusCode::SERVICE_UNAVAILABLE);
    app.store.down.store(false, Ordering::SeqCst);
    assert_eq!(app.submit(&path, &code, STRONG, STRONG).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn other_methods_are_refused() {
    let app = app();
    let (path, _) = app.reset("2").await;
    for method in [Method::PUT, Method::DELETE, Method::PATCH] {
        let answer =
            app.call(Request::builder().method(method.clone()).uri(&path).body(Body::empty()).unwrap()).await;
        assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
    }
}

// ---- Strength ----

#[tokio::test]
async fn the_strength_endpoint_reports_level_label_class_and_rules() {
    let app = app();
    let (path, _) = app.reset("2").await;
    let weak = app.strength(&path, "password").await;
    assert_eq!(weak.status, StatusCode::OK);
    assert_reset_headers(&weak);
    let report = weak.json();
    assert_eq!(report["level"], "too_weak");
    assert_eq!(report["label"], "Too Weak");
    assert_eq!(report["class"], "strength-too-weak");
    assert_eq!(report["acceptable"], false);
    assert_eq!(report["unmet"], serde_json::json!(["uppercase", "digit", "symbol"]));
    assert!(report["warning"].is_string());

    let strong = app.strength(&path, STRONG).await.json();
    assert_eq!(strong["level"], "strong");
    assert_eq!(strong["label"], "Strong");
    assert_eq!(strong["acceptable"], true);
    assert_eq!(strong["score"], 4);

    let form = app.post_form(&format!("{path}/strength"), "password=Summer2024%21").await.json();
    assert_eq!(form["label"], "Acceptable");
}

#[tokio::test]
async fn the_strength_endpoint_refuses_what_it_should() {
    let app = app_with(|s| s.strength_checks_per_minute = 3);
    let (path, _) = app.reset("2").await;
    let long = app.strength(&path, &"Aa1!".repeat(50_000)).await;
    assert_eq!(long.status, StatusCode::PAYLOAD_TOO_LARGE, "the body limit comes first");
    assert_eq!(long.json()["error"], "Passwords can be at most 128 characters.");
    let long = app.strength(&path, &"x".repeat(129)).await;
    assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(long.json()["error"], "Passwords can be at most 128 characters.");
    assert_eq!(app.strength("/password-reset/nope", "x").await.status, StatusCode::NOT_FOUND);
    let bad_json = Request::post(format!("{path}/strength"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{\"pass"))
        .unwrap();
    assert_eq!(app.call(bad_json).await.status, StatusCode::BAD_REQUEST);
    for _ in 0..2 {
        assert_eq!(app.strength(&path, "abc").await.status, StatusCode::OK);
    }
    let limited = app.strength(&path, "abc").await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = limited.header(header::RETRY_AFTER).parse().expect("a Retry-After in seconds");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
}

// ---- Admin trigger ----

#[tokio::test]
async fn the_trigger_answers_where_the_email_went_never_the_code() {
    let app = app();
    let answer = app.trigger("2", "1").await;
    assert_eq!(answer.status, StatusCode::OK);
    let receipt = answer.json();
    assert_eq!(receipt["sent_to"], "sam.web@inzant.example");
    assert!(receipt["expires_at"].as_str().unwrap().starts_with("2026-11-27T09:00:00"));
    let (token, code) = app.outbox.last_link_and_code().unwrap();
    assert!(!answer.body.contains(&token) && !answer.body.contains(&code));
    assert_eq!(answer.header(header::CACHE_CONTROL), "no-store");
}

#[tokio::test]
async fn cross_site_and_non_admin_triggers_are_refused() {
    let app = app();
    let post = |origin: Option<&str>, site: Option<&str>, admin: Option<&str>| {
        let mut request = Request::post("/admin/users/2/reset-password");
        if let Some(origin) = origin {
            request = request.header(header::ORIGIN, origin);
        }
        if let Some(site) = site {
            request = request.header("sec-fetch-site", site);
        }
        if let Some(admin) = admin {
            request = request.header("x-admin", admin);
        }
        request
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("purpose=reset"))
            .unwrap()
    };
    let refused = [
        post(Some("https://evil.example"), Some("same-origin"), Some("1")),
        post(Some("null"), None, Some("1")),
        post(None, Some("cross-site"), Some("1")),
        post(None, None, Some("1")),
        post(Some(ORIGIN), None, None),
        post(Some(ORIGIN), None, Some("2")),
    ];
    for request in refused {
        assert_eq!(app.call(request).await.status, StatusCode::FORBIDDEN);
    }
    assert!(app.outbox.emails().is_empty());
    assert_eq!(app.call(post(None, Some("same-origin"), Some("1"))).await.status, StatusCode::OK);
    app.clock.advance(Duration::from_secs(1));
    assert_eq!(app.call(post(Some("null"), Some("same-origin"), Some("1"))).await.status, StatusCode::OK);
}

#[tokio::test]
async fn trigger_refusals_have_their_status() {
    let app = app();
    assert_eq!(app.trigger("99", "1").await.status, StatusCode::NOT_FOUND);
    app.outbox.set_refusing(true);
    let failed = app.trigger("2", "1").await;
    assert_eq!(failed.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        failed.json()["error"],
        "The email could not be sent to sam.web@inzant.example; no reset is pending."
    );
    let bogus = Request::post("/admin/users/2/reset-password")
        .header(header::ORIGIN, ORIGIN)
        .header("x-admin", "1")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("purpose=delete"))
        .unwrap();
    assert_eq!(app.call(bogus).await.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_resend_within_the_cooldown_is_429_with_retry_after() {
    let mut app = app();
    // Rebuild with the spec's default cooldown.
    let directory = app.directory.clone();
    let outbox = app.outbox.clone();
    let service = ResetService::builder(
        Arc::new(MemoryStore::new()),
        directory,
        outbox,
        CodeKeys::new(vec![5; 32], vec![]).unwrap(),
        ResetConfig::new(ORIGIN),
    )
    .hash_params(HashParams::insecure_for_tests())
    .build()
    .unwrap();
    app.router = ResetWeb::new(Arc::new(service), Arc::new(HeaderGate), WebSettings::new("/login")).router();
    assert_eq!(app.trigger("2", "1").await.status, StatusCode::OK);
    let again = app.trigger("2", "1").await;
    assert_eq!(again.status, StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = again.header(header::RETRY_AFTER).parse().unwrap();
    assert!((1..=60).contains(&retry));
}

#[tokio::test]
async fn the_script_and_style_sheet_are_served_from_this_origin() {
    let app = app();
    let script = app.get("/password-reset/assets/reset.js").await;
    assert_eq!(script.status, StatusCode::OK);
    assert!(script.header(header::CONTENT_TYPE).starts_with("text/javascript"));
    assert!(script.body.contains("/strength"));
    let style = app.get("/password-reset/assets/reset.css").await;
    assert!(style.header(header::CONTENT_TYPE).starts_with("text/css"));
    assert!(style.body.contains(".strength-strong"));
}

#[tokio::test]
async fn typing_does_not_query_the_store_on_every_keystroke() {
    let app = app();
    let (path, code) = app.reset("2").await;
    assert_eq!(app.strength(&path, "Velvet").await.status, StatusCode::OK);
    app.store.down.store(true, Ordering::SeqCst);
    // The opened request is reused for a short while: the meter keeps working…
    assert_eq!(app.strength(&path, "Velvet-Harb").await.json()["label"], "Too Weak");
    // …while anything that changes state still needs the store.
    assert_eq!(app.submit(&path, &code, STRONG, STRONG).await.status, StatusCode::SERVICE_UNAVAILABLE);
    app.store.down.store(false, Ordering::SeqCst);
    assert_eq!(app.submit(&path, &code, STRONG, STRONG).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_cancelled_link_stops_being_rated_within_a_second_and_typing_never_waits_for_it() {
    let app = app();
    let (path, _) = app.reset("2").await;
    assert_eq!(app.strength(&path, "Velvet").await.status, StatusCode::OK);
    assert_eq!(app.cancel("2", "1", ORIGIN).await.status, StatusCode::OK);
    // The copy of the opened link answers for a moment…
    assert_eq!(app.strength(&path, "Velvet-H").await.status, StatusCode::OK);
    // …and from half a second on it is read again in the background, once,
    // while the keystroke is still answered from the copy.
    // (On a machine so busy that the sleep overran the second, the copy is
    // gone and the link is read at once: the answer is then already 410.)
    tokio::time::sleep(Duration::from_millis(600)).await;
    let typed = app.strength(&path, "Velvet-Ha").await.status;
    assert!(typed == StatusCode::OK || typed == StatusCode::GONE, "{typed}");
    // The background read (on this runtime's one thread) ran while we slept:
    // the cancel shows before the second is out.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let dead = app.strength(&path, "Velvet-Har").await;
    assert_eq!(dead.status, StatusCode::GONE, "{}", dead.body);

    // Without a keystroke in between, the copy simply dies at one second.
    let (path, _) = app.reset("3").await;
    assert_eq!(app.strength(&path, "Velvet").await.status, StatusCode::OK);
    assert_eq!(app.cancel("3", "1", ORIGIN).await.status, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(app.strength(&path, "Velvet-H").await.status, StatusCode::GONE);
}

#[tokio::test]
async fn a_store_that_stops_answering_is_felt_by_the_meter_within_a_second() {
    let app = app();
    let (path, _) = app.reset("2").await;
    assert_eq!(app.strength(&path, "Velvet").await.status, StatusCode::OK);
    app.store.down.store(true, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(600)).await;
    // Whatever this keystroke gets, its background read fails…
    let _ = app.strength(&path, "Velvet-H").await;
    tokio::time::sleep(Duration::from_millis(450)).await;
    // …and a failed read never keeps a copy alive past its second.
    assert_eq!(app.strength(&path, "Velvet-Ha").await.status, StatusCode::SERVICE_UNAVAILABLE);
}

// ---- Status and cancel ----

impl App {
    async fn status(&self, user: &str, admin: Option<&str>) -> Answer {
        let mut request = Request::get(format!("/admin/users/{user}/reset-status"));
        if let Some(admin) = admin {
            request = request.header("x-admin", admin);
        }
        self.call(request.body(Body::empty()).unwrap()).await
    }

    async fn cancel(&self, user: &str, admin: &str, origin: &str) -> Answer {
        let request = Request::post(format!("/admin/users/{user}/cancel-reset"))
            .header(header::ORIGIN, origin)
            .header("x-admin", admin)
            .body(Body::empty())
            .unwrap();
        self.call(request).await
    }
}

#[tokio::test]
async fn the_status_route_tells_the_admin_where_the_reset_stands() {
    let app = app();
    let empty = app.status("2", Some("1")).await;
    assert_eq!(empty.status, StatusCode::OK);
    assert_eq!(empty.json()["latest"], serde_json::Value::Null);

    let (path, code) = app.reset("2").await;
    let answer = app.status("2", Some("1")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header(header::CACHE_CONTROL), "no-store");
    let json = answer.json();
    let latest = &json["latest"];
    assert_eq!(latest["state"], "issued");
    assert_eq!(latest["state_label"], "Waiting for the user");
    assert_eq!(latest["live"], true);
    assert_eq!(latest["sent_to"], "sam.web@inzant.example");
    assert_eq!(latest["sent_by"]["id"], "1");
    assert_eq!(latest["attempts_left"], 5);
    assert_eq!(latest["expires_at"], "2026-11-27T09:00:00Z");
    assert_eq!(json["recent"][0]["kind"], "issued");
    assert_eq!(json["recent"][0]["text"], "Reset email sent by admin");
    let token = path.rsplit('/').next().unwrap();
    assert!(!answer.body.contains(token) && !answer.body.contains(&code), "{}", answer.body);
}

#[tokio::test]
async fn only_admins_see_the_status_or_cancel_and_only_from_this_site() {
    let app = app();
    app.reset("2").await;
    assert_eq!(app.status("2", None).await.status, StatusCode::FORBIDDEN);
    let web_user = app.status("1", Some("2")).await;
    assert_eq!(web_user.status, StatusCode::FORBIDDEN);
    assert_eq!(web_user.json()["error"], "You may not see this user's password resets.");
    assert_eq!(app.cancel("2", "2", ORIGIN).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.cancel("2", "1", "https://evil.example").await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.status("2", Some("1")).await.json()["latest"]["state"], "issued", "nothing was cancelled");
}

#[tokio::test]
async fn a_cancelled_link_shows_its_own_page_and_takes_no_attempt() {
    let app = app();
    let (path, code) = app.reset("2").await;
    let cancelled = app.cancel("2", "1", ORIGIN).await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.body);
    assert_eq!(cancelled.json()["state"], "cancelled");

    let page = app.get(&path).await;
    assert_eq!(page.status, StatusCode::GONE);
    assert!(page.body.contains(
        "This link was cancelled by your administrator. Ask them for a new email if you still need to set your password."
    ));
    assert_reset_headers(&page);
    let submitted = app.submit(&path, &code, STRONG, STRONG).await;
    assert_eq!(submitted.status, StatusCode::GONE);
    let status = app.status("2", Some("1")).await.json();
    assert_eq!(
        (status["latest"]["state"].as_str(), status["latest"]["attempts_used"].as_u64()),
        (Some("cancelled"), Some(0))
    );

    let again = app.cancel("2", "1", ORIGIN).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.json()["error"], "There is no reset waiting for this user to cancel.");
}

#[tokio::test]
async fn create_password_for_a_user_with_one_is_a_conflict_with_a_clear_message() {
    let app = app();
    let request = Request::post("/admin/users/2/reset-password")
        .header(header::ORIGIN, ORIGIN)
        .header("x-admin", "1")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("purpose=create"))
        .unwrap();
    let answer = app.call(request).await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert_eq!(answer.json()["error"], "sam.web already has a password; use Reset Password.");
}
