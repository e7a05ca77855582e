//! Issue 17's layout check: in the pseudo-languages — `en-XA` (accented,
//! bracketed, about 40 % longer) and `ar-XB` (mirrored, right to left) —
//! every reset page and both emails fit a 375 px wide phone: nothing
//! scrolls or sticks out sideways.
//!
//! The demo itself speaks only its shipped languages, so the pages are
//! served by a small app built here the way the demo builds its reset
//! pages (the web adapter's own layout and style sheet, memory stores), on
//! a loopback port, with both pseudo-languages added to the catalogues and
//! one device user reading each. Chromium is driven through `browser_kit`
//! (`tests/browser.rs` says what it needs); screenshots of every page at
//! 375 px go to `test-output/pseudo-*.png`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod browser_kit;

use std::sync::Arc;

use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use browser_kit::*;
use inzant_reset_axum::{ExtractorGate, ResetWeb, WebSettings};
use inzant_reset_core::hash::HashParams;
use inzant_reset_core::memory::{MemoryDirectory, MemoryOutbox, MemoryStore};
use inzant_reset_core::prelude::*;
use inzant_reset_core::words::{Catalogues, Pseudo};
use secrecy::ExposeSecret;
use serde_json::Value;

/// The phone width every page must fit.
const WIDTH: u32 = 375;
const HEIGHT: u32 = 812;

/// A password the policy accepts for these users.
const STRONG: &str = "Zq7!harbour-Lantern-velvet";
/// A password the policy rates "Too Weak": its refusal lists the unmet rules.
const WEAK: &str = "password";

/// Everything on the page that reaches past the viewport's left or right
/// edge, one line each, with the viewport's width first. Looks at the
/// document's scroll width, every element's box, and every line of text
/// (a word too long for its box spills out of it without widening it).
const OVERFLOWS: &str = r##"
const root = document.documentElement;
// The layout viewport without a scroll bar (phones overlay theirs).
const width = root.clientWidth;
const problems = [];
const name = (element) => {
  if (!element) { return "?"; }
  let said = element.tagName.toLowerCase();
  if (element.id) { said += "#" + element.id; }
  if (typeof element.className === "string" && element.className.trim()) {
    said += "." + element.className.trim().split(/\s+/).join(".");
  }
  return said;
};
const outside = (rect) => rect.right > width + 0.5 || rect.left < -0.5;
const viewport = window.innerWidth;
const span = (rect) => Math.round(rect.left) + "…" + Math.round(rect.right) + " px";
if (root.scrollWidth > width) {
  problems.push("the document is " + root.scrollWidth + " px wide");
}
if (document.body.scrollWidth > width) {
  problems.push("the body is " + document.body.scrollWidth + " px wide");
}
for (const element of document.querySelectorAll("body *")) {
  const rect = element.getBoundingClientRect();
  if (rect.width > 0 && rect.height > 0 && outside(rect)) {
    problems.push(name(element) + " spans " + span(rect));
  }
}
const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (texts.nextNode()) {
  const node = texts.currentNode;
  if (!node.textContent.trim()) { continue; }
  const range = document.createRange();
  range.selectNodeContents(node);
  for (const rect of range.getClientRects()) {
    if (rect.width > 0 && outside(rect)) {
      problems.push("the text " + JSON.stringify(node.textContent.trim().slice(0, 60)) + " in "
        + name(node.parentElement) + " spans " + span(rect));
      break;
    }
  }
}
return [viewport, problems];
"##;

/// One pseudo-language and the device users who read it: `id` with a
/// username of a usual length, `long_id` with a long one (one unbreakable
/// word of 56 characters, which the reset page shows under its heading).
struct Reader {
    language: &'static str,
    right_to_left: bool,
    id: &'static str,
    long_id: &'static str,
}

const READERS: [Reader; 2] = [
    Reader { language: "en-XA", right_to_left: false, id: "2", long_id: "12" },
    Reader { language: "ar-XB", right_to_left: true, id: "3", long_id: "13" },
];

/// The reset pages in both pseudo-languages, served on loopback, with the
/// emails sent so far at `/test-emails/{n}` (oldest first) so the browser
/// can lay them out too.
struct PseudoApp {
    origin: String,
    service: Arc<ResetService>,
    outbox: Arc<MemoryOutbox>,
    server: tokio::task::JoinHandle<()>,
}

impl PseudoApp {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let directory = Arc::new(MemoryDirectory::new());
        let admin = User {
            id: UserId::new("1"),
            username: "ada.admin@inzant.example".to_owned(),
            display_name: "Ada Admin".to_owned(),
            email_to: None,
            user_type: UserType::Admin,
            has_password: true,
            locale: None,
            tenant: None,
        };
        directory.insert(admin);
        for reader in &READERS {
            let usual = (reader.id, format!("dana.device.{}@inzant.example", reader.id), "Dana Device");
            let long = (
                reader.long_id,
                format!("maximilian.featherstonehaugh.{}@fieldsales.inzant.example", reader.long_id),
                "Maximilian Featherstonehaugh-Wolfe",
            );
            for (id, username, name) in [usual, long] {
                directory.insert(User {
                    id: UserId::new(id),
                    username,
                    display_name: name.to_owned(),
                    email_to: None,
                    user_type: UserType::Device,
                    has_password: true,
                    locale: Some(reader.language.to_owned()),
                    tenant: None,
                });
            }
        }
        let catalogues = Catalogues::builder()
            .pseudo("en-XA", Pseudo::Accented)
            .pseudo("ar-XB", Pseudo::Mirrored)
            .build()
            .unwrap();
        let outbox = Arc::new(MemoryOutbox::new());
        let service = ResetService::builder(
            Arc::new(MemoryStore::new()),
            directory,
            outbox.clone(),
            CodeKeys::generate(&OsRandom).unwrap(),
            ResetConfig::new(origin.clone()),
        )
        .hash_params(HashParams::insecure_for_tests())
        .catalogues(catalogues)
        .build()
        .unwrap();
        let service = Arc::new(service);
        let gate = ExtractorGate::new((), |_: HeaderMap| Err(StatusCode::FORBIDDEN));
        let web = ResetWeb::new(Arc::clone(&service), Arc::new(gate), WebSettings::new("/login"));
        let emails = Arc::clone(&outbox);
        let router = web.router().route(
            "/test-emails/{n}",
            get(move |Path(n): Path<usize>| {
                let emails = Arc::clone(&emails);
                async move {
                    match emails.emails().get(n) {
                        Some(email) => Html(email.html.expose_secret().to_owned()).into_response(),
                        None => StatusCode::NOT_FOUND.into_response(),
                    }
                }
            }),
        );
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self { origin, service, outbox, server }
    }

    /// Sends user `id` a reset email; its link and code.
    async fn send_reset(&self, id: &str) -> (String, String) {
        self.service.trigger(&UserId::new("1"), &UserId::new(id), Purpose::Reset).await.unwrap();
        let (token, code) = self.outbox.last_link_and_code().unwrap();
        (format!("{}/password-reset/{token}", self.origin), code)
    }

    /// Where the browser reads email `n` of the outbox.
    fn email_url(&self, n: usize) -> String {
        format!("{}/test-emails/{n}", self.origin)
    }
}

impl Drop for PseudoApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Lays the page out at [`WIDTH`] px (keeping a screenshot as
/// `test-output/pseudo-{language}-{page}.png`) and returns what overflows.
async fn overflows(tab: &Tab, language: &str, page: &str) -> Vec<String> {
    let file = format!("pseudo-{language}-{page}.png");
    let shot = tab.screenshot((WIDTH, HEIGHT), &file).await;
    eprintln!("{language} {page} at {WIDTH} px: {}", shot.display());
    let found = command("measuring the page", tab.client.execute(OVERFLOWS, Vec::new())).await;
    let width = found[0].as_u64().unwrap_or(0);
    assert_eq!(width, u64::from(WIDTH), "the viewport of {language} {page} is {width} px wide");
    let Value::Array(problems) = &found[1] else { panic!("the page answered {found:?}") };
    problems.iter().map(|problem| format!("{language} {page}: {}", problem.as_str().unwrap_or("?"))).collect()
}

/// The page's language and direction are the reader's.
async fn assert_language(tab: &Tab, reader: &Reader, page: &str) {
    assert_eq!(tab.attr("html", "lang").await.as_deref(), Some(reader.language), "{page}");
    let direction = tab.attr("html", "dir").await;
    if reader.right_to_left {
        assert_eq!(direction.as_deref(), Some("rtl"), "{} {page}: <html dir=\"rtl\">", reader.language);
    } else {
        assert_ne!(direction.as_deref(), Some("rtl"), "{} {page}", reader.language);
    }
}

/// Fills the form's fields and posts it as the browser would, past the
/// Save button (which the script keeps disabled for a too-weak password).
async fn post_form(tab: &Tab, code: &str, password: &str) {
    tab.clear("#code").await;
    tab.type_into("#code", code).await;
    tab.clear("#new_password").await;
    tab.type_into("#new_password", password).await;
    tab.clear("#confirm_password").await;
    tab.type_into("#confirm_password", password).await;
    let submit = "document.getElementById('reset-form').submit();";
    command("posting the form", tab.client.execute(submit, Vec::new())).await;
}

#[tokio::test]
async fn every_page_and_both_emails_in_the_pseudo_languages_fit_a_375_px_phone() {
    browser_test(
        "every_page_and_both_emails_in_the_pseudo_languages_fit_a_375_px_phone",
        |world: Arc<World>| async move {
            let app = PseudoApp::start().await;
            let tab = world.tab("pseudo", true).await;
            let mut problems = Vec::new();
            for reader in &READERS {
                let language = reader.language;
                let emails_before = app.outbox.emails().len();
                let (link, code) = app.send_reset(reader.id).await;
                let path = link.trim_start_matches(&app.origin).to_owned();

                // The reset form, fresh.
                tab.open(&link).await;
                tab.find("#reset-form").await;
                assert_language(&tab, reader, "reset form").await;
                let heading = tab.text("h1").await;
                if !reader.right_to_left {
                    assert!(heading.starts_with('[') && heading.ends_with(']'), "not pseudo: {heading}");
                }
                problems.extend(overflows(&tab, language, "reset-form").await);

                // The same form with the refusal of a too-weak password (its unmet rules marked).
                post_form(&tab, &code, WEAK).await;
                tab.find("#form-message").await;
                tab.find("#rules li.unmet").await;
                tab.wait_for_location(&path).await;
                assert_language(&tab, reader, "refused form").await;
                problems.extend(overflows(&tab, language, "reset-form-refused").await);

                // Saved: device users get the page that sends them to the apps.
                post_form(&tab, &code, STRONG).await;
                tab.wait_for_location(&format!("/password-reset/complete?lang={language}")).await;
                assert_language(&tab, reader, "device-done page").await;
                problems.extend(overflows(&tab, language, "device-done").await);

                // The link again: the dead-link page.
                tab.open(&link).await;
                tab.find("h1").await;
                assert!(
                    command(
                        "looking for the form",
                        tab.client.find_all(fantoccini::Locator::Css("#reset-form"))
                    )
                    .await
                    .is_empty(),
                    "a used link shows no form"
                );
                assert_language(&tab, reader, "dead-link page").await;
                problems.extend(overflows(&tab, language, "dead-link").await);
                // The check is really looking: a line wider than the phone is reported,
                // on the right (en-XA) or on the left (ar-XB, right to left).
                let wide =
                    "document.body.insertAdjacentHTML('beforeend', '<pre>' + 'W'.repeat(80) + '</pre>');";
                command("adding a line too wide", tab.client.execute(wide, Vec::new())).await;
                let caught = overflows(&tab, language, "dead-link-too-wide").await;
                assert!(
                    caught.iter().any(|problem| problem.contains("the text \"WWWW")),
                    "{language}: the overflow check missed a line too wide: {caught:?}"
                );

                // Both emails: the reset email and the "password changed" notice.
                let emails = app.outbox.emails();
                let sent: Vec<(usize, &str)> = emails
                    .iter()
                    .enumerate()
                    .skip(emails_before)
                    .map(|(n, email)| {
                        // The reset email carries the link; the notice does not.
                        let kind = if email.text.expose_secret().contains(&link) {
                            "email-reset"
                        } else {
                            "email-password-changed"
                        };
                        assert_eq!(email.language, language, "{kind}");
                        (n, kind)
                    })
                    .collect();
                let kinds: Vec<&str> = sent.iter().map(|(_, kind)| *kind).collect();
                assert_eq!(kinds, ["email-reset", "email-password-changed"], "the emails to {language}");
                for (n, kind) in sent {
                    tab.open(&app.email_url(n)).await;
                    tab.find("body p").await;
                    assert_language(&tab, reader, kind).await;
                    problems.extend(overflows(&tab, language, kind).await);
                }

                // A long username wraps on the reset page rather than widening it.
                let (link, _) = app.send_reset(reader.long_id).await;
                tab.open(&link).await;
                tab.find("#reset-form").await;
                let who = tab.text(".who").await;
                assert!(who.contains("maximilian.featherstonehaugh"), "{who}");
                problems.extend(overflows(&tab, language, "reset-form-long-username").await);
            }
            assert!(problems.is_empty(), "sticks out of a {WIDTH} px phone:\n{}", problems.join("\n"));
        },
    )
    .await;
}
