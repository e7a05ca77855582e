//! Real mail delivery: the reset email goes through `SmtpMailer` to a real
//! SMTP server (aiosmtpd, started by `scripts/test` via `scripts/smtp.sh`),
//! and is read back from its maildir with a MIME parser, as a mail client
//! would read it. Failure modes use a closed port and tiny scripted servers.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use inzant_reset_core::email::{EmailSettings, Mailbox};
use inzant_reset_core::hash::{Argon2id, HashParams};
use inzant_reset_core::memory::{MemoryDirectory, MemoryStore};
use inzant_reset_core::ports::Mailer;
use inzant_reset_core::prelude::*;
use inzant_reset_core::smtp::{FileMailer, SmtpMailer};
use inzant_reset_core::state::RequestState;
use inzant_reset_core::verify;
use mail_parser::{Message, MessageParser, MimeHeaders, PartType};
use secrecy::SecretString;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

const NEW_PASSWORD: &str = "Velvet-Harbour-Lantern-42";
const OLD_PASSWORD: &str = "Old-Password-2025!";
const LINK_BASE: &str = "https://sales.inzant.example/password-reset/";
const DISPLAY_NAME: &str = "Zoë Ångström";
const EMAIL_TO: &str = "zoe.personal@example.org";

// ---- The world around the mailer ----

/// The real SMTP server (aiosmtpd, started for this test binary unless
/// `scripts/test` already runs one): its URL and its maildir.
fn real_server() -> (String, PathBuf) {
    let server = inzant_reset_test_support::smtp();
    (server.url.clone(), server.maildir.clone())
}

/// A username no other test (or earlier run against the same server) uses,
/// so each test finds its own messages in the shared maildir.
fn unique_username(test: &str) -> String {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
    format!("zoe.{test}.{}.{nanos}@inzant.example", std::process::id())
}

fn settings(reply_to: bool) -> EmailSettings {
    match reply_to {
        true => EmailSettings::default().reply_to(Mailbox::named("Inzant Support", "support@inzant.example")),
        false => EmailSettings::default(),
    }
}

struct World {
    service: ResetService,
    store: Arc<MemoryStore>,
    directory: Arc<MemoryDirectory>,
    username: String,
}

fn admin() -> UserId {
    UserId::new("1")
}

fn zoe() -> UserId {
    UserId::new("2")
}

fn world(mailer: Arc<dyn Mailer>, username: &str, email: EmailSettings) -> World {
    let hasher = Argon2id::new(HashParams::insecure_for_tests()).unwrap();
    let directory = Arc::new(MemoryDirectory::new());
    directory.insert(User {
        id: admin(),
        username: "admin@inzant.example".into(),
        display_name: "Ada Admin".into(),
        email_to: None,
        user_type: UserType::Admin,
        has_password: true,
        locale: None,
        tenant: None,
    });
    directory.insert_with_password(
        User {
            id: zoe(),
            username: username.into(),
            display_name: DISPLAY_NAME.into(),
            email_to: Some(EMAIL_TO.into()),
            user_type: UserType::Web,
            has_password: true,
            locale: None,
            tenant: None,
        },
        hasher.hash_password(&SecretString::from(OLD_PASSWORD)).unwrap(),
    );
    let store = Arc::new(MemoryStore::new());
    let service = ResetService::builder(
        store.clone(),
        directory.clone(),
        mailer,
        CodeKeys::new(vec![7; 32], vec![]).unwrap(),
        ResetConfig::new("https://sales.inzant.example"),
    )
    .hasher(Arc::new(hasher))
    .email(email)
    .build()
    .unwrap();
    World { service, store, directory, username: username.into() }
}

// ---- Reading what arrived ----

fn parse(raw: &[u8]) -> Message<'_> {
    MessageParser::default().parse(raw).expect("the delivered message parses as MIME")
}

/// Every message in the maildir whose envelope recipient is `recipient`
/// (aiosmtpd's Mailbox handler records it as `X-RcptTo`).
fn delivered_to(maildir: &Path, recipient: &str) -> Vec<Vec<u8>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(maildir.join("new")).unwrap() {
        let raw = std::fs::read(entry.unwrap().path()).unwrap();
        let envelope_to = parse(&raw).header_raw("X-RcptTo").map(|to| to.trim().to_owned());
        if envelope_to.as_deref() == Some(recipient) {
            found.push(raw);
        }
    }
    found
}

/// The one message delivered to `recipient` whose subject starts with `subject`.
fn the_message(maildir: &Path, recipient: &str, subject: &str) -> Vec<u8> {
    let mut matching: Vec<_> = delivered_to(maildir, recipient)
        .into_iter()
        .filter(|raw| parse(raw).subject().is_some_and(|s| s.starts_with(subject)))
        .collect();
    assert_eq!(matching.len(), 1, "expected one message \"{subject}…\" for {recipient}");
    matching.remove(0)
}

/// The text/plain and text/html parts, checking they are the two parts of
/// a multipart/alternative root, in that order.
fn alternative_parts(message: &Message<'_>) -> (String, String) {
    let root = message.root_part();
    let root_type = root.content_type().expect("the root part has a Content-Type");
    assert_eq!((root_type.ctype(), root_type.subtype()), ("multipart", Some("alternative")));
    let PartType::Multipart(children) = &root.body else {
        panic!("the root part is not multipart");
    };
    assert_eq!(children.len(), 2, "plain text and HTML, nothing else");
    let part = |index: usize| &message.parts[children[index] as usize];
    let (plain, html) = (part(0), part(1));
    let plain_type = plain.content_type().unwrap();
    let html_type = html.content_type().unwrap();
    assert_eq!((plain_type.ctype(), plain_type.subtype()), ("text", Some("plain")));
    assert_eq!((html_type.ctype(), html_type.subtype()), ("text", Some("html")));
    assert_eq!(plain_type.attribute("charset").map(str::to_ascii_lowercase).as_deref(), Some("utf-8"));
    let PartType::Text(plain) = &plain.body else { panic!("the text/plain part has no text") };
    let PartType::Html(html) = &html.body else { panic!("the text/html part has no HTML") };
    (plain.to_string(), html.to_string())
}

/// The link (alone on its line) and the 6-digit code, read from the text part.
fn link_and_code(text: &str) -> (String, String) {
    let link = text.lines().find(|line| line.starts_with(LINK_BASE)).expect("a line holding the link");
    let code = text
        .lines()
        .find(|line| line.len() == 6 && line.bytes().all(|b| b.is_ascii_digit()))
        .expect("a line holding the 6-digit code");
    (link.to_owned(), code.to_owned())
}

fn token_of(link: &str) -> &str {
    link.strip_prefix(LINK_BASE).unwrap()
}

fn form(code: &str) -> SubmitForm {
    SubmitForm {
        code: SecretString::from(code),
        new_password: SecretString::from(NEW_PASSWORD),
        confirm_password: SecretString::from(NEW_PASSWORD),
    }
}

async fn smtp_world(test: &str, reply_to: bool) -> (World, PathBuf) {
    let (url, maildir) = real_server();
    let mailer = Arc::new(SmtpMailer::from_url(&url).unwrap());
    (world(mailer, &unique_username(test), settings(reply_to)), maildir)
}

/// Triggers a reset through the real server and returns the delivered message.
async fn reset_through_the_server(test: &str, reply_to: bool) -> (World, PathBuf, Vec<u8>) {
    let (world, maildir) = smtp_world(test, reply_to).await;
    let receipt = world.service.trigger(&admin(), &zoe(), Purpose::Reset).await.unwrap();
    assert_eq!(receipt.sent_to, world.username);
    let raw = the_message(&maildir, &world.username, "Reset your Inzant Sales password");
    (world, maildir, raw)
}

// ---- Through a real SMTP server ----

#[tokio::test]
async fn the_reset_email_is_delivered_to_the_username_not_the_email_to_address() {
    let (world, _, raw) = reset_through_the_server("recipient", false).await;
    let message = parse(&raw);

    assert_eq!(message.header_raw("X-RcptTo").map(str::trim), Some(world.username.as_str()));
    let to: Vec<_> = message.to().unwrap().iter().collect();
    assert_eq!(to.len(), 1);
    assert_eq!(to[0].address(), Some(world.username.as_str()));
    assert!(message.cc().is_none() && message.bcc().is_none());
    assert!(!String::from_utf8_lossy(&raw).contains(EMAIL_TO));
}

#[tokio::test]
async fn the_reset_email_is_multipart_alternative_with_plain_text_then_html() {
    let (_, _, raw) = reset_through_the_server("parts", false).await;
    let message = parse(&raw);
    let (text, html) = alternative_parts(&message);

    let (link, code) = link_and_code(&text);
    assert!(html.contains(&format!("href=\"{link}\"")), "the HTML button and link point at the same URL");
    assert!(html.contains(&format!(">{code}<")), "the HTML shows the same code");
}

#[tokio::test]
async fn the_delivered_link_and_code_reset_the_password() {
    let (world, _, raw) = reset_through_the_server("works", false).await;
    let (text, _) = alternative_parts(&parse(&raw));
    let (link, code) = link_and_code(&text);

    let opened = world.service.open(token_of(&link)).await.unwrap();
    assert_eq!(opened.username, world.username);
    let outcome = world.service.submit(token_of(&link), &form(&code)).await.unwrap();

    assert_eq!(outcome.destination, Destination::LoginPage);
    let hash = world.directory.password_hash(&zoe()).unwrap();
    assert!(verify(&SecretString::from(NEW_PASSWORD), hash.as_str()).unwrap());
}

#[tokio::test]
async fn the_password_changed_notice_arrives_after_a_successful_reset() {
    let (world, maildir, raw) = reset_through_the_server("notice", false).await;
    let (text, _) = alternative_parts(&parse(&raw));
    let (link, code) = link_and_code(&text);
    world.service.submit(token_of(&link), &form(&code)).await.unwrap();

    let raw = the_message(&maildir, &world.username, "Your Inzant Sales password was changed");
    let notice = parse(&raw);
    assert_eq!(notice.to().unwrap().first().unwrap().address(), Some(world.username.as_str()));
    let (text, _) = alternative_parts(&notice);
    assert!(text.contains(&world.username));
    assert!(!text.contains(&code), "the notice carries no code");
}

#[tokio::test]
async fn the_headers_are_those_of_a_well_formed_email() {
    let before = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    let (world, _, raw) = reset_through_the_server("headers", true).await;
    let after = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    let message = parse(&raw);

    let from = message.from().unwrap().first().unwrap();
    assert_eq!((from.name(), from.address()), (Some("Inzant Sales"), Some("no-reply@inzant.example")));
    let reply_to = message.reply_to().unwrap().first().unwrap();
    assert_eq!(
        (reply_to.name(), reply_to.address()),
        (Some("Inzant Support"), Some("support@inzant.example"))
    );
    assert_eq!(
        message.subject(),
        Some(format!("Reset your Inzant Sales password ({})", world.username).as_str())
    );

    let id = message.message_id().expect("a Message-ID");
    let (unique, domain) = id.split_once('@').unwrap();
    assert_eq!(domain, "inzant.example", "the Message-ID is under the sender's domain");
    assert!(unique.len() == 32 && unique.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
    assert!(message.header_raw("Message-ID").unwrap().trim().starts_with('<'));

    let date = message.date().expect("a Date");
    assert!(date.is_valid());
    let sent = u64::try_from(date.to_timestamp()).unwrap();
    assert!((before..=after).contains(&sent), "Date is the time of sending");
    assert_eq!(message.header_raw("MIME-Version").map(str::trim), Some("1.0"));
}

#[tokio::test]
async fn a_reply_to_is_absent_unless_configured() {
    let (_, _, raw) = reset_through_the_server("no-reply-to", false).await;
    assert!(parse(&raw).reply_to().is_none());
}

#[tokio::test]
async fn a_non_ascii_display_name_is_encoded_and_round_trips() {
    let (world, _, raw) = reset_through_the_server("non-ascii", false).await;
    let message = parse(&raw);

    let to = message.to().unwrap().first().unwrap();
    assert_eq!(to.name(), Some(DISPLAY_NAME));
    assert_eq!(to.address(), Some(world.username.as_str()));
    let raw_to = message.header_raw("To").unwrap();
    assert!(raw_to.is_ascii(), "headers are 7-bit, names as RFC 2047 words: {raw_to}");
    assert!(raw_to.to_ascii_lowercase().contains("=?utf-8?"), "{raw_to}");
    let (text, _) = alternative_parts(&message);
    assert!(text.contains(&format!("Hello {DISPLAY_NAME},")), "the body keeps the name too");
}

#[tokio::test]
async fn one_mailer_sends_one_email_after_another() {
    let (url, maildir) = real_server();
    let mailer = Arc::new(SmtpMailer::from_url(&url).unwrap());
    let first = world(mailer.clone(), &unique_username("pool-a"), settings(false));
    let second = world(mailer, &unique_username("pool-b"), settings(false));

    first.service.trigger(&admin(), &zoe(), Purpose::Reset).await.unwrap();
    second.service.trigger(&admin(), &zoe(), Purpose::Reset).await.unwrap();

    // Each world's Zoë has her own username: each message went to its own recipient.
    the_message(&maildir, &first.username, "Reset your Inzant Sales password");
    the_message(&maildir, &second.username, "Reset your Inzant Sales password");
}

// ---- Delivery failures: each leaves no live request ----

/// How a scripted server behaves on one connection.
#[derive(Clone, Copy)]
enum Script {
    /// Accepts the message like any server.
    Accept,
    /// Takes the whole message and then never replies.
    StallAfterData,
    /// Greets and answers EHLO, then replies `reply` to MAIL FROM.
    RefuseSender(&'static str),
    /// Accepts the whole message, then refuses it quoting it line by line.
    RefuseQuotingTheMessage,
    /// Accepts the connection and never says a word.
    Silent,
}

/// An SMTP server on a loopback port that follows `scripts[n]` on its n-th
/// connection. Returns its URL and a channel yielding each message it received.
async fn scripted_server(scripts: Vec<Script>) -> (String, UnboundedReceiver<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    let (data_tx, data_rx) = unbounded_channel();
    tokio::spawn(async move {
        for script in scripts {
            let (stream, _) = listener.accept().await.unwrap();
            tokio::spawn(converse(stream, script, data_tx.clone()));
        }
    });
    (url, data_rx)
}

async fn converse(stream: TcpStream, script: Script, data_tx: UnboundedSender<Vec<u8>>) {
    if let Script::Silent = script {
        let _held_open = stream;
        return std::future::pending().await;
    }
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    write.write_all(b"220 scripted.test ESMTP\r\n").await.unwrap();
    while let Ok(Some(line)) = lines.next_line().await {
        let verb = line.split_whitespace().next().unwrap_or_default().to_ascii_uppercase();
        let reply = match (verb.as_str(), script) {
            ("EHLO" | "HELO", _) => "250 scripted.test".to_owned(),
            ("MAIL", Script::RefuseSender(reply)) => reply.to_owned(),
            ("MAIL" | "RCPT" | "RSET" | "NOOP", _) => "250 OK".to_owned(),
            ("DATA", _) => {
                write.write_all(b"354 go ahead\r\n").await.unwrap();
                let mut data = Vec::new();
                while let Ok(Some(line)) = lines.next_line().await {
                    if line == "." {
                        break;
                    }
                    let line = line.strip_prefix('.').filter(|_| line.starts_with("..")).unwrap_or(&line);
                    data.extend_from_slice(line.as_bytes());
                    data.extend_from_slice(b"\r\n");
                }
                let quoted: Vec<String> = String::from_utf8_lossy(&data)
                    .lines()
                    .filter(|line| !line.is_empty())
                    .map(|line| format!("554-{line}"))
                    .collect();
                let _ = data_tx.send(data);
                match script {
                    Script::StallAfterData => return std::future::pending().await,
                    Script::RefuseQuotingTheMessage => {
                        format!("{}\r\n554 5.7.1 rejected", quoted.join("\r\n"))
                    }
                    _ => "250 2.0.0 queued".to_owned(),
                }
            }
            ("QUIT", _) => {
                let _ = write.write_all(b"221 bye\r\n").await;
                return;
            }
            _ => "502 command not implemented".to_owned(),
        };
        if write.write_all(format!("{reply}\r\n").as_bytes()).await.is_err() {
            return;
        }
    }
}

/// A loopback port nothing listens on.
async fn closed_port_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    format!("smtp://{address}")
}

fn quick_mailer(url: &str) -> Arc<SmtpMailer> {
    Arc::new(
        SmtpMailer::builder(url)
            .unwrap()
            .connect_timeout(Duration::from_secs(1))
            .send_timeout(Duration::from_secs(1))
            .build()
            .unwrap(),
    )
}

/// Triggers a reset through `mailer`, checks the admin's error and that the
/// request was revoked; returns the mailer's own error text.
async fn trigger_fails(mailer: Arc<SmtpMailer>, test: &str) -> String {
    let world = world(mailer, &unique_username(test), settings(false));
    let error = world.service.trigger(&admin(), &zoe(), Purpose::Reset).await.unwrap_err();

    assert_eq!(
        world.service.words("en").refusal(&error),
        format!("The email could not be sent to {}; no reset is pending.", world.username)
    );
    let ResetError::MailFailed { recipient, source } = &error else {
        panic!("expected MailFailed, got {error:?}");
    };
    assert_eq!(recipient, &world.username);
    let requests = world.store.snapshot();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].state, RequestState::Revoked, "no live request is left behind");
    source.to_string()
}

#[tokio::test]
async fn a_server_that_is_not_running_fails_the_trigger_and_revokes_the_request() {
    let url = closed_port_url().await;
    let reason = trigger_fails(quick_mailer(&url), "closed").await;
    assert!(reason.contains("could not hand the email to the SMTP server"), "{reason}");
}

#[tokio::test]
async fn a_5xx_reply_fails_the_trigger_and_revokes_the_request() {
    let (url, _) = scripted_server(vec![Script::RefuseSender("554 5.7.1 sender refused")]).await;
    let reason = trigger_fails(quick_mailer(&url), "5xx").await;
    assert!(reason.contains("refused the email (reply code 554)"), "{reason}");
}

#[tokio::test]
async fn a_4xx_reply_fails_the_trigger_and_revokes_the_request() {
    let (url, _) = scripted_server(vec![Script::RefuseSender("451 4.3.0 try again later")]).await;
    let reason = trigger_fails(quick_mailer(&url), "4xx").await;
    assert!(reason.contains("temporarily refused the email (reply code 451)"), "{reason}");
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_and_the_request_is_revoked() {
    let (url, _) = scripted_server(vec![Script::Silent]).await;
    let reason = trigger_fails(quick_mailer(&url), "silent").await;
    assert!(reason.contains("did not accept the email within 1 s"), "{reason}");
}

#[tokio::test]
async fn a_refusal_that_quotes_the_message_is_reported_without_the_link_or_code() {
    let (url, mut data) = scripted_server(vec![Script::RefuseQuotingTheMessage]).await;
    let reason = trigger_fails(quick_mailer(&url), "quoting").await;

    let data = data.recv().await.expect("the server received the message");
    let (text, _) = alternative_parts(&parse(&data));
    let (link, code) = link_and_code(&text);
    assert!(reason.contains("reply code 554"), "{reason}");
    assert!(!reason.contains(&code), "{reason}");
    assert!(!reason.contains(token_of(&link)), "{reason}");
}

#[tokio::test]
async fn after_a_send_times_out_the_next_email_goes_over_a_fresh_connection() {
    let (url, mut data) = scripted_server(vec![Script::StallAfterData, Script::Accept]).await;
    let mailer = quick_mailer(&url);
    trigger_fails(mailer.clone(), "stalled").await;
    data.recv().await.expect("the stalled server received the first message");
    // Let lettre return the abandoned connection to its pool before the next send.
    tokio::task::yield_now().await;

    let world = world(mailer, &unique_username("after-stall"), settings(false));
    world.service.trigger(&admin(), &zoe(), Purpose::Reset).await.unwrap();
    let second = data.recv().await.expect("the second message arrived");
    let (text, _) = alternative_parts(&parse(&second));
    let (link, code) = link_and_code(&text);
    world.service.submit(token_of(&link), &form(&code)).await.unwrap();
}

// ---- Files for the demo ----

#[tokio::test]
async fn the_file_mailer_writes_a_parseable_eml_with_the_same_structure() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("file-mailer-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let world = world(Arc::new(FileMailer::new(&dir)), "zoe@inzant.example", settings(true));
    world.service.trigger(&admin(), &zoe(), Purpose::Reset).await.unwrap();

    let files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|entry| entry.unwrap().path()).collect();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].extension().and_then(|e| e.to_str()), Some("eml"));
    let raw = std::fs::read(&files[0]).unwrap();
    let message = parse(&raw);
    let to = message.to().unwrap().first().unwrap();
    assert_eq!((to.name(), to.address()), (Some(DISPLAY_NAME), Some("zoe@inzant.example")));
    assert_eq!(message.reply_to().unwrap().first().unwrap().address(), Some("support@inzant.example"));
    assert!(message.message_id().is_some_and(|id| id.ends_with("@inzant.example")));
    assert!(message.date().is_some_and(|date| date.is_valid()));
    let (text, _) = alternative_parts(&message);
    let (link, code) = link_and_code(&text);
    world.service.submit(token_of(&link), &form(&code)).await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
