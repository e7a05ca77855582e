//! The adapter inside someone else's application: mounted under a path of
//! the one public URL, in the host's layout, speaking the host's words,
//! with the admin read by the host's own extractor.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use axum::response::Redirect;
use common::Answer;
use inzant_reset_axum::maud::{DOCTYPE, Markup, html};
use inzant_reset_axum::{ExtractorGate, Page, ResetWeb, WebSettings};
use inzant_reset_core::hash::HashParams;
use inzant_reset_core::memory::{MemoryOutbox, MemoryStore};
use inzant_reset_core::prelude::*;
use inzant_reset_test_support::{directory_of, person};

const ORIGIN: &str = "https://acme.example";

/// Acme speaks Dutch: a language the library does not ship, added from
/// files. Its base here is the English file, reworded where Acme's pages
/// show their words; a real host translates every message.
const DUTCH_BASE: &str = include_str!("../../inzant-reset-core/locales/en.ftl");
const DUTCH: &str = r#"
language-name = Nederlands
language-switch = Taal
reset-heading = Wachtwoord opnieuw instellen
save-button = Nieuw wachtwoord opslaan
code-label = Code uit de e-mail
form-intro = Voor { $name } ({ $username }).
works-until = Geldig tot { $time }.
strength-too-weak = Te zwak
strength-weak = Zwak
strength-acceptable = Voldoende
strength-good = Goed
strength-strong = Sterk
rule-symbol = Een leesteken
refusal-incorrect-code =
    { $count ->
        [one] Onjuiste code. Nog { $count } poging.
       *[other] Onjuiste code. Nog { $count } pogingen.
    }
"#;

fn dutch() -> Catalogues {
    Catalogues::builder()
        .source("nl", "nl-base.ftl", DUTCH_BASE)
        .source("nl", "nl.ftl", DUTCH)
        .default_language("nl")
        .build()
        .unwrap()
}

/// Whether the host's session cookie came with the request.
fn signed_in(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .any(|cookie| cookie.trim().starts_with("acme_session="))
}

/// The host's own page: its navigation, its style sheet, its footer.
fn host_layout(page: Page<'_>) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(page.language) {
            head {
                meta charset="utf-8";
                title { (page.title) }
                link rel="stylesheet" href="/static/acme.css";
                (page.head)
            }
            body {
                nav class="acme-nav" {
                    a href="/" { "Acme home" }
                    // The host's own session cookie decides its navigation.
                    @if signed_in(page.headers) { a href="/account" { "Mijn account" } }
                    @else { a href="/login" { "Inloggen" } }
                }
                main { (page.body) }
                footer { "© Acme" }
            }
        }
    }
}

struct App {
    router: Router,
    outbox: Arc<MemoryOutbox>,
}

fn app() -> App {
    let directory = directory_of([
        User {
            display_name: "<boss@acme.example>".into(),
            ..person("1", "boss@acme.example", UserType::Admin)
        },
        User { display_name: "<sam@acme.example>".into(), ..person("2", "sam@acme.example", UserType::Web) },
    ]);
    let outbox = Arc::new(MemoryOutbox::new());
    let mut config = ResetConfig::new(format!("{ORIGIN}/sales"));
    config.resend_cooldown = Duration::ZERO;
    let service = ResetService::builder(
        Arc::new(MemoryStore::new()),
        directory,
        outbox.clone(),
        CodeKeys::new(vec![5; 32], vec![]).unwrap(),
        config,
    )
    .catalogues(dutch())
    .product(Product::new("Acme Verkoop", "no-reply@acme.example"))
    .hash_params(HashParams::insecure_for_tests())
    .build()
    .unwrap();
    // The host's extractor: its own (here, a header); its own answer for strangers.
    let gate = ExtractorGate::new((), |headers: HeaderMap| {
        match headers.get("x-acme-user").and_then(|v| v.to_str().ok()) {
            Some(id) => Ok(UserId::new(id)),
            None => Err(Redirect::to("/login?next=admin")),
        }
    });
    let settings = WebSettings::new("/login").layout(host_layout);
    let router = Router::new().merge(ResetWeb::new(Arc::new(service), Arc::new(gate), settings).router());
    App { router, outbox }
}

impl App {
    async fn call(&self, request: Request<Body>) -> Answer {
        common::call(&self.router, request).await
    }

    async fn trigger(&self, user: &str, admin: Option<&str>) -> Answer {
        let mut request = Request::post(format!("/sales/admin/users/{user}/reset-password"))
            .header(header::ORIGIN, ORIGIN)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(admin) = admin {
            request = request.header("x-acme-user", admin);
        }
        self.call(request.body(Body::from("purpose=reset")).unwrap()).await
    }

    async fn reset_link(&self) -> (String, String) {
        let answer = self.trigger("2", Some("1")).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        let (token, code) = self.outbox.last_link_and_code().unwrap();
        (format!("/sales/password-reset/{token}"), code)
    }
}

#[tokio::test]
async fn the_reset_page_sits_in_the_hosts_layout_and_speaks_its_words() {
    let app = app();
    let (path, _) = app.reset_link().await;
    let page = app.call(Request::get(&path).body(Body::empty()).unwrap()).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = &page.body;
    for expected in [
        "<html lang=\"nl\">",
        "<a href=\"?lang=nl\" lang=\"nl\" hreflang=\"nl\" aria-current=\"true\">Nederlands</a>",
        "<title>Wachtwoord opnieuw instellen – Acme Verkoop</title>",
        "<nav class=\"acme-nav\">",
        "href=\"/static/acme.css\"",
        "href=\"assets/reset.css\"",
        "<footer>© Acme</footer>",
        "<h1>Wachtwoord opnieuw instellen</h1>",
        "Voor <strong>&lt;sam@acme.example&gt;</strong> (sam@acme.example).",
        ">Code uit de e-mail</label>",
        ">Nieuw wachtwoord opslaan</button>",
        ">Een leesteken</li>",
        "Geldig tot <time datetime=\"",
    ] {
        assert!(html.contains(expected), "missing {expected:?} in {html}");
    }
    assert_eq!(html.matches("<main").count(), 1, "the content is not a second <main>");
    assert!(!html.contains("Inzant"), "{html}");
    assert!(!html.contains("action=\"\""), "an empty form action is invalid HTML");
    assert!(page.headers.get(header::CONTENT_SECURITY_POLICY).is_some());
}

#[tokio::test]
async fn the_hosts_layout_sees_the_requests_headers() {
    let app = app();
    let (path, _) = app.reset_link().await;
    let visitor = app.call(Request::get(&path).body(Body::empty()).unwrap()).await;
    assert!(visitor.body.contains(">Inloggen</a>"), "{}", visitor.body);
    let request =
        Request::get(&path).header(header::COOKIE, "theme=dark; acme_session=s3cr3t").body(Body::empty());
    let signed_in = app.call(request.unwrap()).await;
    assert_eq!(signed_in.status, StatusCode::OK);
    assert!(signed_in.body.contains(">Mijn account</a>"), "{}", signed_in.body);
    assert!(!signed_in.body.contains("s3cr3t"));
}

#[tokio::test]
async fn refusals_and_the_meter_speak_the_hosts_words() {
    let app = app();
    let (path, code) = app.reset_link().await;
    let last = (code.as_bytes()[5] - b'0' + 1) % 10;
    let wrong = format!("{}{last}", &code[..5]);
    let body = format!(
        "code={wrong}&new_password=Velvet-Harbour-Lantern-42&confirm_password=Velvet-Harbour-Lantern-42"
    );
    let request = Request::post(&path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    let answer = app.call(request).await;
    assert!(answer.body.contains("Onjuiste code. Nog 4 pogingen."), "{}", answer.body);

    let request = Request::post(format!("{path}/strength"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(r#"{"password": "password"}"#))
        .unwrap();
    let answer = app.call(request).await;
    let json: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(json["label"], "Te zwak");
    assert_eq!(json["level"], "too_weak", "machine names stay the same");
}

#[tokio::test]
async fn routes_live_under_the_public_urls_path_only() {
    let app = app();
    let (path, _) = app.reset_link().await;
    let bare = path.trim_start_matches("/sales");
    let answer = app.call(Request::get(bare).body(Body::empty()).unwrap()).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    let script =
        app.call(Request::get("/sales/password-reset/assets/reset.js").body(Body::empty()).unwrap()).await;
    assert_eq!(script.status, StatusCode::OK);
}

#[tokio::test]
async fn the_hosts_extractor_names_the_admin_and_its_refusal_is_answered_as_it_is() {
    let app = app();
    let stranger = app.trigger("2", None).await;
    assert_eq!(stranger.status, StatusCode::SEE_OTHER);
    assert_eq!(stranger.headers.get(header::LOCATION).unwrap(), "/login?next=admin");
    assert!(app.outbox.emails().is_empty());

    let not_an_admin = app.trigger("1", Some("2")).await;
    assert_eq!(not_an_admin.status, StatusCode::FORBIDDEN);
    let json: serde_json::Value = serde_json::from_str(&not_an_admin.body).unwrap();
    assert_eq!(json["error"], "You may not send a password email to this user.");

    let sent = app.trigger("2", Some("1")).await;
    assert_eq!(sent.status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&sent.body).unwrap();
    assert_eq!(json["sent_to"], "sam@acme.example");
    assert_eq!(json["purpose"], "reset");
}

#[tokio::test]
async fn emailed_links_point_under_the_mount_path() {
    let app = app();
    app.reset_link().await;
    let email = app.outbox.emails().pop().unwrap();
    let text = secrecy::ExposeSecret::expose_secret(&email.text).to_owned();
    assert!(
        text.lines().any(|line| line.starts_with("https://acme.example/sales/password-reset/")),
        "{text}"
    );
}

#[tokio::test]
async fn the_admin_routes_can_live_under_the_hosts_own_path_and_the_pages_alone() {
    let directory = directory_of([
        User { display_name: "U1".into(), ..person("1", "u1@acme.example", UserType::Admin) },
        User { display_name: "U2".into(), ..person("2", "u2@acme.example", UserType::Web) },
    ]);
    let outbox = Arc::new(MemoryOutbox::new());
    let service = ResetService::builder(
        Arc::new(MemoryStore::new()),
        directory,
        outbox.clone(),
        CodeKeys::new(vec![5; 32], vec![]).unwrap(),
        ResetConfig::new(ORIGIN),
    )
    .hash_params(HashParams::insecure_for_tests())
    .build()
    .unwrap();
    let gate = ExtractorGate::new((), |_: HeaderMap| Ok::<_, StatusCode>(UserId::new("1")));
    let settings = WebSettings::new("/login").admin_path("/accounts/").after_reset("/welcome-back");
    let web = ResetWeb::new(Arc::new(service), Arc::new(gate), settings);
    let trigger = |path: &str| {
        Request::post(path.to_owned())
            .header(header::ORIGIN, ORIGIN)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("purpose=reset"))
            .unwrap()
    };
    assert_eq!(
        common::call(&web.router(), trigger("/admin/users/2/reset-password")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        common::call(&web.pages(), trigger("/accounts/2/reset-password")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        common::call(&web.admin(), trigger("/accounts/2/reset-password")).await.status,
        StatusCode::OK
    );

    let (token, code) = outbox.last_link_and_code().unwrap();
    let strong = "Velvet-Harbour-Lantern-42";
    let submit = Request::post(format!("/password-reset/{token}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("code={code}&new_password={strong}&confirm_password={strong}")))
        .unwrap();
    let saved = common::call(&web.pages(), submit).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(saved.header(header::LOCATION), "/welcome-back");
}
