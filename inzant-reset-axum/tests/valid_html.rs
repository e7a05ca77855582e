//! Every reset page is valid HTML by the Nu Html Checker (`vnu.jar`, the
//! W3C's checker), both in the default layout and inside a host's layout.
//!
//! Needs Java and `vnu.jar`: `scripts/test` installs them (the npm package
//! `vnu-jar` into `target/web-tools`); `INZANT_VNU_JAR` may point elsewhere.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::response::Response;
use http_body_util::BodyExt;
use inzant_reset_axum::maud::{DOCTYPE, Markup, html};
use inzant_reset_axum::{AdminGate, Page, ResetWeb, WebSettings};
use inzant_reset_core::hash::HashParams;
use inzant_reset_core::memory::{MemoryOutbox, MemoryStore};
use inzant_reset_core::prelude::*;
use inzant_reset_test_support::{directory_of, person};
use tower::ServiceExt;

struct Admin;

#[async_trait::async_trait]
impl AdminGate for Admin {
    async fn actor(&self, _parts: &mut axum::http::request::Parts) -> Result<UserId, Response> {
        Ok(UserId::new("1"))
    }
}

fn host_layout(page: Page<'_>) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(page.language) {
            head { meta charset="utf-8"; title { (page.title) } link rel="stylesheet" href="/static/host.css"; }
            body {
                header { nav aria-label="Main" { a href="/" { "Host home" } } }
                // A host layout without a head slot: our head elements go in the body.
                main { (page.head) (page.body) }
            }
        }
    }
}

struct App {
    router: Router,
    outbox: Arc<MemoryOutbox>,
}

fn app(settings: WebSettings) -> App {
    let directory = directory_of([("1", "admin", UserType::Admin), ("2", "dana", UserType::Device)].map(
        |(id, name, user_type)| User {
            display_name: format!("{name} & <co>"),
            has_password: false,
            ..person(id, &format!("{name}@inzant.example"), user_type)
        },
    ));
    let outbox = Arc::new(MemoryOutbox::new());
    let service = ResetService::builder(
        Arc::new(MemoryStore::new()),
        directory,
        outbox.clone(),
        CodeKeys::new(vec![5; 32], vec![]).unwrap(),
        ResetConfig::new("https://sales.inzant.example"),
    )
    .hash_params(HashParams::insecure_for_tests())
    .build()
    .unwrap();
    App { router: ResetWeb::new(Arc::new(service), Arc::new(Admin), settings).router(), outbox }
}

impl App {
    async fn call(&self, request: Request<Body>) -> (StatusCode, String) {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8(bytes.to_vec()).unwrap())
    }

    async fn post(&self, path: &str, body: &str) -> String {
        let request = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ORIGIN, "https://sales.inzant.example")
            .body(Body::from(body.to_owned()))
            .unwrap();
        self.call(request).await.1
    }

    /// Every page a person can see, by name.
    async fn pages(&self) -> Vec<(&'static str, String)> {
        let get =
            |path: String| async move { self.call(Request::get(path).body(Body::empty()).unwrap()).await.1 };
        self.post("/admin/users/2/reset-password", "purpose=create").await;
        let (token, code) = self.outbox.last_link_and_code().unwrap();
        let link = format!("/password-reset/{token}");
        let form = get(link.clone()).await;
        let mismatch = self.post(&link, &format!("code={code}&new_password=a&confirm_password=b")).await;
        let weak =
            self.post(&link, &format!("code={code}&new_password=password&confirm_password=password")).await;
        let unreadable = self.post(&link, "code=%FF").await;
        let unknown = get("/password-reset/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".to_owned()).await;
        let strong = "Velvet-Harbour-Lantern-42";
        self.post(&link, &format!("code={code}&new_password={strong}&confirm_password={strong}")).await;
        let used = get(link).await;
        let device = get("/password-reset/complete".to_owned()).await;
        vec![
            ("form", form),
            ("mismatch", mismatch),
            ("weak", weak),
            ("unreadable", unreadable),
            ("unknown-link", unknown),
            ("used-link", used),
            ("device-complete", device),
        ]
    }
}

fn vnu_jar() -> PathBuf {
    if let Ok(path) = std::env::var("INZANT_VNU_JAR") {
        return PathBuf::from(path);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/web-tools/node_modules/vnu-jar/build/dist/vnu.jar")
}

/// Runs the Nu Html Checker over `pages`; returns its errors and warnings.
fn check(pages: &[(String, String)]) -> Vec<String> {
    let jar = vnu_jar();
    assert!(
        jar.exists(),
        "{} is missing: the HTML checks need the Nu Html Checker. Run scripts/test, or: \
         npm install --prefix target/web-tools vnu-jar@26.9.27 (and a Java runtime: apt-get install default-jre-headless)",
        jar.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<PathBuf> = pages
        .iter()
        .map(|(name, html)| {
            let file = dir.path().join(format!("{name}.html"));
            std::fs::write(&file, html).unwrap();
            file
        })
        .collect();
    let output = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--format", "json", "--exit-zero-always"])
        .args(&files)
        .output()
        .unwrap_or_else(|e| panic!("cannot run java (apt-get install default-jre-headless): {e}"));
    let report: serde_json::Value = serde_json::from_slice(&output.stderr).unwrap_or_else(|e| {
        panic!("vnu said something else than JSON ({e}): {}", String::from_utf8_lossy(&output.stderr))
    });
    report["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["type"] == "error" || m["subType"] == "warning")
        .map(|m| format!("{}: {} ({})", m["url"], m["message"], m["extract"]))
        .collect()
}

#[tokio::test]
async fn every_page_is_valid_html_alone_and_in_a_hosts_layout() {
    let mut pages = Vec::new();
    for (layout, settings) in
        [("standalone", WebSettings::new("/login")), ("host", WebSettings::new("/login").layout(host_layout))]
    {
        for (name, html) in app(settings).pages().await {
            assert!(html.starts_with("<!DOCTYPE html>"), "{layout}/{name}: {html}");
            pages.push((format!("{layout}-{name}"), html));
        }
    }
    assert_eq!(pages.len(), 14);
    let problems = check(&pages);
    assert!(problems.is_empty(), "the Nu Html Checker found:\n{}", problems.join("\n"));
}

#[test]
fn the_checker_finds_what_it_should() {
    // The checker is wired up right: it reports an empty form action.
    let bad = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>x</title></head>\
               <body><form method=\"post\" action=\"\"></form></body></html>";
    let problems = check(&[("bad".to_owned(), bad.to_owned())]);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("action"), "{problems:?}");
}
