//! Round trips to PostgreSQL per step of the flow, counted on the wire: the
//! service talks to the database through a small proxy that counts the
//! client's Sync and simple-Query messages, each of which the client must
//! wait on (one round trip each). Nothing here depends on time.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use common::{host_table, instance, saved_user, schema};
use inzant_reset_core::audit::AuditKind;
use inzant_reset_core::hash::HashParams;
use inzant_reset_core::memory::MemoryOutbox;
use inzant_reset_core::prelude::*;
use inzant_reset_sqlx::{PgAudit, PgStore, PgUserDirectory, pool_options};
use secrecy::SecretString;
use sqlx::PgPool;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The protocol codes of the requests sent before the startup message.
const SSL_REQUEST: u32 = 80_877_103;
const GSSENC_REQUEST: u32 = 80_877_104;

/// Round trips seen on the wire.
#[derive(Default)]
struct Trips {
    /// Statements: a Sync after Parse/Bind/Execute, or a simple Query.
    statements: AtomicU64,
    /// A bare Sync: sqlx checking a connection (before use, if the pool
    /// says so, and always when a connection goes back to the pool).
    pings: AtomicU64,
}

impl Trips {
    fn now(&self) -> (u64, u64) {
        (self.statements.load(Ordering::SeqCst), self.pings.load(Ordering::SeqCst))
    }
}

/// Reads the client's half of the PostgreSQL protocol.
#[derive(Default)]
struct Frontend {
    started: bool,
    pending: Vec<u8>,
    /// Messages since the last Sync.
    batched: usize,
}

impl Frontend {
    /// Takes the next bytes the client sent and counts the complete
    /// messages among them that make the client wait for the server.
    fn feed(&mut self, bytes: &[u8], trips: &Trips) {
        self.pending.extend_from_slice(bytes);
        loop {
            if !self.started {
                // Untyped: length (itself included), then a protocol code.
                let Some(length) = self.pending.get(..4) else { break };
                let length = u32::from_be_bytes(length.try_into().unwrap()) as usize;
                if self.pending.len() < length {
                    break;
                }
                let code = u32::from_be_bytes(self.pending[4..8].try_into().unwrap());
                self.started = code != SSL_REQUEST && code != GSSENC_REQUEST;
                self.pending.drain(..length);
            } else {
                // Typed: one byte, then the length (itself included).
                let Some(header) = self.pending.get(..5) else { break };
                let kind = header[0];
                let length = 1 + u32::from_be_bytes(header[1..5].try_into().unwrap()) as usize;
                if self.pending.len() < length {
                    break;
                }
                match kind {
                    b'S' if self.batched == 0 => _ = trips.pings.fetch_add(1, Ordering::SeqCst),
                    b'S' | b'Q' => _ = trips.statements.fetch_add(1, Ordering::SeqCst),
                    _ => {}
                }
                // A simple Query stands alone, like a Sync.
                self.batched = if kind == b'S' || kind == b'Q' { 0 } else { self.batched + 1 };
                self.pending.drain(..length);
            }
        }
    }
}

/// A TCP proxy to `upstream` counting the round trips of every connection.
async fn counting_proxy(upstream: String) -> (String, Arc<Trips>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let trips = Arc::new(Trips::default());
    let counted = Arc::clone(&trips);
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let server = TcpStream::connect(&upstream).await.unwrap();
            let (mut from_client, mut to_client) = client.into_split();
            let (mut from_server, mut to_server) = server.into_split();
            tokio::spawn(async move { tokio::io::copy(&mut from_server, &mut to_client).await });
            let trips = Arc::clone(&counted);
            tokio::spawn(async move {
                let (mut frontend, mut buffer) = (Frontend::default(), vec![0u8; 16 * 1024]);
                while let Ok(read) = from_client.read(&mut buffer).await {
                    if read == 0 {
                        break;
                    }
                    frontend.feed(&buffer[..read], &trips);
                    if to_server.write_all(&buffer[..read]).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    (address, trips)
}

/// Where `url`'s `host:port` starts and ends.
fn host_span(url: &str) -> (usize, usize) {
    let after_scheme = url.find("://").map_or(0, |at| at + 3);
    let start = url[after_scheme..].find('@').map_or(after_scheme, |at| after_scheme + at + 1);
    let end = url[start..].find(['/', '?']).map_or(url.len(), |at| start + at);
    (start, end)
}

/// `url` through `proxy`, with TLS off so the proxy can read the messages.
fn through_proxy(url: &str, proxy: &str) -> String {
    let (start, end) = host_span(url);
    let proxied = format!("{}{proxy}{}", &url[..start], &url[end..]);
    let separator = if proxied.contains('?') { '&' } else { '?' };
    format!("{proxied}{separator}sslmode=disable")
}

/// `url`'s `host:port`.
fn upstream_of(url: &str) -> String {
    let (start, end) = host_span(url);
    url[start..end].to_owned()
}

/// One connection through a counting proxy, never pinged before use (so
/// the counts are the statements' own), and the round-trip counter.
async fn counted_pool() -> (PgPool, Arc<Trips>) {
    let url = common::database_url();
    let (proxy, trips) = counting_proxy(upstream_of(&url)).await;
    let pool = pool_options(1)
        .max_connections(1)
        .before_acquire(|_, _| Box::pin(async { Ok(true) }))
        .connect(&through_proxy(&url, &proxy))
        .await
        .unwrap();
    (pool, trips)
}

fn form(code: &str) -> SubmitForm {
    SubmitForm {
        code: SecretString::from(code.to_owned()),
        new_password: SecretString::from("Quokka#Harbour7-Velvet"),
        confirm_password: SecretString::from("Quokka#Harbour7-Velvet"),
    }
}

fn wrong(code: &str) -> &'static str {
    if code == "000000" { "111111" } else { "000000" }
}

/// Statements and pings `step` makes on `pool`'s one connection, once the
/// connection is back in the pool (sqlx pings it on its way back, after
/// the caller has its answer).
async fn trips_of<T>(
    pool: &PgPool,
    trips: &Trips,
    step: impl std::future::Future<Output = T>,
) -> ((u64, u64), T) {
    settled(pool).await;
    let before = trips.now();
    let value = step.await;
    settled(pool).await;
    let after = trips.now();
    ((after.0 - before.0, after.1 - before.1), value)
}

/// Waits until the pool's one connection is idle again. Bounded only
/// against hanging; nothing is asserted about time.
async fn settled(pool: &PgPool) {
    for _ in 0..10_000 {
        if pool.num_idle() == 1 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    panic!("the connection never went back to the pool");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_step_makes_as_few_round_trips_as_postgres_allows() {
    // The tables and two people, set up over an ordinary pool.
    let (_, users) = instance(2).await;
    let admin = saved_user(&users, UserType::Admin).await;
    let (warm, person) =
        (saved_user(&users, UserType::Web).await, saved_user(&users, UserType::Device).await);

    let (pool, trips) = counted_pool().await;
    let outbox = Arc::new(MemoryOutbox::new());
    let mut config = ResetConfig::new("https://sales.inzant.example");
    config.resend_cooldown = Duration::ZERO;
    let service = ResetService::builder(
        Arc::new(PgStore::new(pool.clone()).with_schema(schema()).with_users(&host_table())),
        Arc::new(PgUserDirectory::new(pool.clone(), host_table())),
        outbox.clone(),
        CodeKeys::generate(&OsRandom).unwrap(),
        config,
    )
    .audit(Arc::new(PgAudit::new(pool.clone()).with_schema(schema())))
    .hash_params(HashParams::insecure_for_tests())
    .build()
    .unwrap();

    // Once through the whole flow, so every statement is prepared on the
    // connection (sqlx prepares a statement on its first use: one more trip).
    service.trigger(&admin.id, &warm.id, Purpose::Reset).await.unwrap();
    let (token, code) = outbox.last_link_and_code().unwrap();
    service.open(&token).await.unwrap();
    service.submit(&token, &form(wrong(&code))).await.unwrap_err();
    service.submit(&token, &form(&code)).await.unwrap();

    service.trigger(&admin.id, &person.id, Purpose::Reset).await.unwrap();
    let (token, code) = outbox.last_link_and_code().unwrap();
    let (open, opened) = trips_of(&pool, &trips, service.open(&token)).await;
    let opened = opened.unwrap();
    let password = SecretString::from("Quokka#Harbour7-Velvet");
    let (rate, report) = trips_of(&pool, &trips, service.rate(&opened, &password)).await;
    assert!(report.is_acceptable());
    let (wrong_code, refused) = trips_of(&pool, &trips, service.submit(&token, &form(wrong(&code)))).await;
    assert!(matches!(refused, Err(ResetError::IncorrectCode { attempts_left: 4 })), "{refused:?}");
    let (saved, outcome) = trips_of(&pool, &trips, service.submit(&token, &form(&code))).await;
    assert_eq!(outcome.unwrap().user, person.id);
    println!(
        "statements (and sqlx's pings on release): open {open:?}, rate {rate:?}, \
         wrong code {wrong_code:?}, saving submit {saved:?}"
    );

    // Open: the request, then the person.
    assert_eq!(open.0, 2);
    // Rating an opened request needs nothing from the database.
    assert_eq!(rate, (0, 0));
    // The request, the person, the counted attempt, its audit event.
    assert_eq!(wrong_code.0, 4);
    // The request, the person, the counted attempt, the completion with
    // the new hash and its "completed" event (one statement, no transaction
    // to open and commit), and the audit event "notice sent".
    assert_eq!(saved.0, 5);
    let audit = PgAudit::new(pool.clone()).with_schema(schema());
    let kinds: Vec<AuditKind> =
        audit.events_for_request(opened.request).await.unwrap().into_iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            AuditKind::Issued { purpose: Purpose::Reset },
            AuditKind::WrongCode { attempts_left: 4 },
            AuditKind::Completed,
            AuditKind::NoticeSent
        ],
        "the completion's own event, recorded once"
    );
    // sqlx checks each connection on its way back to the pool (after the
    // caller has its answer): one ping per statement, never one before.
    for (statements, pings) in [open, wrong_code, saved] {
        assert_eq!(pings, statements);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pool_pings_before_use_only_connections_that_sat_idle() {
    let url = common::database_url();
    let (proxy, trips) = counting_proxy(upstream_of(&url)).await;
    let pool = pool_options(1).max_connections(1).connect(&through_proxy(&url, &proxy)).await.unwrap();
    let select = || sqlx::query("SELECT 1").execute(&pool);
    select().await.unwrap();

    // Back to back, twenty statements: twenty pings on release, and one
    // more before use only after a pause of a second (a stalled machine).
    let ((statements, pings), _) = trips_of(&pool, &trips, async {
        for _ in 0..20 {
            select().await.unwrap();
        }
    })
    .await;
    assert_eq!(statements, 20);
    assert!((20..40).contains(&pings), "{pings} pings for 20 statements");

    // After a pause the connection is checked before use too.
    tokio::time::sleep(inzant_reset_sqlx::PING_IDLE_AFTER + Duration::from_millis(100)).await;
    let (after_pause, _) = trips_of(&pool, &trips, select()).await;
    assert_eq!(after_pause, (1, 2));

    // sqlx's default pool checks before every statement.
    let (proxy, default_trips) = counting_proxy(upstream_of(&url)).await;
    let default = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect(&through_proxy(&url, &proxy))
        .await
        .unwrap();
    sqlx::query("SELECT 1").execute(&default).await.unwrap();
    let (pinged, _) = trips_of(&default, &default_trips, async {
        for _ in 0..20 {
            sqlx::query("SELECT 1").execute(&default).await.unwrap();
        }
    })
    .await;
    assert_eq!(pinged, (20, 40));
}

#[test]
fn the_counter_reads_split_and_batched_messages() {
    let mut frontend = Frontend::default();
    // SSLRequest, then a startup message, then Parse+Bind+Execute+Sync and a Query.
    let mut wire = Vec::new();
    wire.extend_from_slice(&8u32.to_be_bytes());
    wire.extend_from_slice(&SSL_REQUEST.to_be_bytes());
    wire.extend_from_slice(&9u32.to_be_bytes());
    wire.extend_from_slice(&196_608u32.to_be_bytes());
    wire.push(0);
    for kind in [b'P', b'B', b'E'] {
        wire.push(kind);
        wire.extend_from_slice(&6u32.to_be_bytes());
        wire.extend_from_slice(b"SQ");
    }
    wire.push(b'S');
    wire.extend_from_slice(&4u32.to_be_bytes());
    wire.push(b'Q');
    wire.extend_from_slice(&13u32.to_be_bytes());
    wire.extend_from_slice(b"SELECT 1\0");
    // And a bare Sync: a ping.
    wire.push(b'S');
    wire.extend_from_slice(&4u32.to_be_bytes());
    let trips = Trips::default();
    let (first, rest) = wire.split_at(23);
    frontend.feed(first, &trips);
    frontend.feed(rest, &trips);
    assert_eq!(trips.now(), (2, 1));
    let (mut one_by_one, trips) = (Frontend::default(), Trips::default());
    wire.iter().for_each(|byte| one_by_one.feed(&[*byte], &trips));
    assert_eq!(trips.now(), (2, 1));
}
