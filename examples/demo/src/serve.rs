//! Serving the demo: hyper's HTTP/1 server with the connection discipline
//! the router itself cannot have (figures in `docs/RELIABILITY.md`).
//!
//! - **Header timeout**: a connection must send a request's headers within
//!   [`ServeSettings::header_timeout`]. hyper starts that timer whenever it
//!   waits for a request head — on a new connection and again after each
//!   response — so the same bound closes connections that send nothing,
//!   half a request line, or sit idle between keep-alive requests.
//! - **Request timeout**: a request (reading its body and answering it) gets
//!   [`ServeSettings::request_timeout`], then `408`.
//! - **Connection caps**: at most [`ServeSettings::max_connections`] open
//!   at once, and [`ServeSettings::max_connections_per_address`] from one
//!   client address (an IPv6 /64 counts as one address). A connection over
//!   a cap is answered `503` at once and closed, so one client cannot take
//!   every slot and the refusal costs nothing to keep.
//! - **Accept back-off**: when `accept` fails for want of file descriptors
//!   or memory, the loop waits (5 ms doubling to 1 s) instead of spinning,
//!   and keeps listening.
//! - **Graceful shutdown with a deadline**: on the shutdown signal the
//!   listener closes, idle connections close, requests in progress finish;
//!   whatever is still open after [`ServeSettings::shutdown_timeout`] is
//!   cut, so [`serve`] returns with every connection closed.
//!
//! Each request carries the peer address as
//! [`ConnectInfo<SocketAddr>`](axum::extract::ConnectInfo), which the
//! sign-in throttle keys on.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::task::JoinSet;
use tower::ServiceExt;
use tower_http::timeout::TimeoutLayer;

/// The listen queue asked for: connections the kernel completes while the
/// loop is busy wait here rather than having their SYN dropped (a dropped
/// SYN costs the client a one-second retransmit). Linux caps it at
/// `net.core.somaxconn` (4096 by default).
const LISTEN_BACKLOG: u32 = 4096;

/// File descriptors kept free for everything but client connections: the
/// database pool, SMTP, `.eml` files, logs.
const RESERVED_DESCRIPTORS: u64 = 256;

/// The answer to a connection over a cap, written without waiting.
const OVER_CAPACITY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nretry-after: 1\r\nconnection: close\r\n\
content-type: text/plain; charset=utf-8\r\ncontent-length: 44\r\n\r\nToo many connections. Try again in a moment.";

/// How the demo's connections are served; [`ServeSettings::default`] gives
/// the defaults the README lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServeSettings {
    /// A request's headers must arrive within this long of the connection
    /// opening or of the previous response; it is also how long an idle
    /// keep-alive connection stays open (`INZANT_HEADER_TIMEOUT`, default 10 s).
    pub header_timeout: Duration,
    /// Reading a request's body and answering it may take this long, then
    /// the answer is `408` (`INZANT_REQUEST_TIMEOUT`, default 15 s).
    pub request_timeout: Duration,
    /// At most this many connections are open at once
    /// (`INZANT_MAX_CONNECTIONS`, default 10000; lowered at start to what
    /// the file descriptor limit allows). Each open connection holds about
    /// 18 KiB (hyper's read and write buffers, the task), so this is also
    /// what bounds the memory a flood can take: 10,000 are ~180 MB.
    pub max_connections: usize,
    /// At most this many connections from one client address, an IPv6 /64
    /// counting as one (`INZANT_MAX_CONNECTIONS_PER_ADDRESS`, default 1024:
    /// a browser opens at most six per site, so this is room for an office
    /// behind one NAT address, or a load test's 500 concurrent clients;
    /// 0 for no cap, e.g. behind a proxy whose address every client shares).
    pub max_connections_per_address: usize,
    /// After the shutdown signal, requests in progress get this long to
    /// finish before their connections are cut (`INZANT_SHUTDOWN_TIMEOUT`,
    /// default 5 s).
    pub shutdown_timeout: Duration,
}

impl Default for ServeSettings {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(15),
            max_connections: 10_000,
            max_connections_per_address: 1024,
            shutdown_timeout: Duration::from_secs(5),
        }
    }
}

/// A listener on `address` with a 4096-long queue (tokio's
/// `TcpListener::bind` asks for 1024).
///
/// # Errors
/// The address cannot be bound (in use, not local, not allowed).
pub fn bind(address: SocketAddr) -> io::Result<TcpListener> {
    let socket = if address.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
    // A restarted demo can bind again while the old connections sit in TIME_WAIT.
    socket.set_reuseaddr(true)?;
    socket.bind(address)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Raises the soft limit on open files to the hard limit, so the
/// connection cap rather than `EMFILE` is what turns clients away; returns
/// the soft limit now in force (`None` where it cannot be read).
pub fn raise_file_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        match rlimit::increase_nofile_limit(u64::MAX) {
            Ok(limit) => Some(limit),
            Err(error) => {
                tracing::warn!(%error, "could not raise the open file limit");
                rlimit::getrlimit(rlimit::Resource::NOFILE).ok().map(|(soft, _)| soft)
            }
        }
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// `wanted`, lowered so that the connections fit in `file_limit` descriptors
/// with 256 to spare for the database, SMTP and files.
pub fn connections_within(wanted: usize, file_limit: Option<u64>) -> usize {
    match file_limit {
        Some(limit) => {
            let room = usize::try_from(limit.saturating_sub(RESERVED_DESCRIPTORS)).unwrap_or(usize::MAX);
            wanted.min(room.max(1))
        }
        None => wanted,
    }
}

/// Serves `router` on `listener` until `shutdown` completes, then drains
/// the connections for at most [`ServeSettings::shutdown_timeout`].
///
/// # Errors
/// None today: accept failures are logged and retried, connection errors
/// end only their connection. The `Result` leaves room for a listener that
/// can fail for good.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    settings: &ServeSettings,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let app =
        router.layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, settings.request_timeout));
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(settings.header_timeout).keep_alive(true);
    let slots = Arc::new(Slots::new(settings.max_connections, settings.max_connections_per_address));
    let graceful = GracefulShutdown::new();
    let mut tasks = JoinSet::new();
    let mut backoff = Backoff::default();
    let mut refusals = Occasional::new("connections refused: over the connection cap");
    tokio::pin!(shutdown);

    loop {
        let accepted = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => {
                backoff.reset();
                accepted
            }
            // The client gave up before we accepted: nothing is wrong here.
            Err(error) if is_about_one_connection(&error) => continue,
            Err(error) => {
                let pause = backoff.next_pause();
                tracing::warn!(%error, pause_ms = pause.as_millis(), "cannot accept connections; waiting");
                tokio::select! {
                    biased;
                    () = &mut shutdown => break,
                    () = tokio::time::sleep(pause) => continue,
                }
            }
        };
        let Some(slot) = Slots::take(&slots, peer.ip()) else {
            refuse(&stream);
            refusals.note();
            continue;
        };
        // Small answers go out at once rather than waiting for more to send.
        let _ = stream.set_nodelay(true);
        let service = app.clone().map_request(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            request
        });
        let connection = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tasks.spawn(async move {
            let _slot = slot;
            // Timeouts and clients that went away end here; they are the client's business.
            if let Err(error) = connection.await {
                tracing::debug!(%peer, %error, "connection ended");
            }
        });
        // Finished connections leave their (empty) results in the set until collected.
        while tasks.try_join_next().is_some() {}
    }

    drop(listener);
    let open = graceful.count();
    tracing::info!(open, "shutting down: finishing requests in progress");
    if tokio::time::timeout(settings.shutdown_timeout, graceful.shutdown()).await.is_err() {
        tracing::warn!(
            after_seconds = settings.shutdown_timeout.as_secs_f64(),
            still_open = slots.open(),
            "connections still open at the shutdown deadline are cut"
        );
    }
    // Dropping a connection's task closes its socket.
    tasks.shutdown().await;
    Ok(())
}

/// Errors `accept` reports about one connection that failed before it was
/// accepted; anything else (no descriptors, no memory) is about the server.
fn is_about_one_connection(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused | io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset
    )
}

/// Tells a client over a cap to come back, if its socket takes the bytes
/// without waiting; the connection closes when `stream` is dropped.
/// Whatever of the request already arrived is read first: closing a socket
/// with unread data sends a reset, which can reach the client before the 503.
fn refuse(stream: &TcpStream) {
    let mut unread = [0u8; 4096];
    let _ = stream.try_read(&mut unread);
    let _ = stream.try_write(OVER_CAPACITY);
}

/// The address connection caps and sign-in limits count by: an IPv4
/// address, or the /64 of an IPv6 address (one host usually has a whole
/// /64, so counting single IPv6 addresses would count nothing).
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let segments = v6.segments();
                IpAddr::V6(Ipv6Addr::new(segments[0], segments[1], segments[2], segments[3], 0, 0, 0, 0))
            }
        },
    }
}

/// Open connections, in all and per client address.
#[derive(Debug)]
struct Slots {
    max: usize,
    max_per_address: usize,
    open: Mutex<(usize, HashMap<IpAddr, usize>)>,
}

impl Slots {
    fn new(max: usize, max_per_address: usize) -> Self {
        Self { max: max.max(1), max_per_address, open: Mutex::new((0, HashMap::new())) }
    }

    /// Every critical section leaves the counts consistent, so a poisoned
    /// lock still guards valid data.
    fn lock(&self) -> std::sync::MutexGuard<'_, (usize, HashMap<IpAddr, usize>)> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A slot for a connection from `ip`, or `None` when a cap is reached.
    fn take(slots: &Arc<Self>, ip: IpAddr) -> Option<Slot> {
        let key = client_key(ip);
        let mut open = slots.lock();
        let (total, by_address) = &mut *open;
        let from_here = by_address.get(&key).copied().unwrap_or(0);
        let per_address_full = slots.max_per_address > 0 && from_here >= slots.max_per_address;
        if *total >= slots.max || per_address_full {
            return None;
        }
        *total += 1;
        by_address.insert(key, from_here + 1);
        Some(Slot { slots: Arc::clone(slots), key })
    }

    fn open(&self) -> usize {
        self.lock().0
    }
}

/// One open connection's place; given back when dropped.
struct Slot {
    slots: Arc<Slots>,
    key: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.slots.lock();
        let (total, by_address) = &mut *open;
        *total = total.saturating_sub(1);
        if let Some(count) = by_address.get_mut(&self.key) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                by_address.remove(&self.key);
            }
        }
    }
}

/// Pauses between failed accepts: 5 ms, doubling to 1 s.
#[derive(Debug, Default)]
struct Backoff {
    failures: u32,
}

impl Backoff {
    const FIRST: Duration = Duration::from_millis(5);
    const MAX: Duration = Duration::from_secs(1);

    fn next_pause(&mut self) -> Duration {
        let pause = Self::FIRST.saturating_mul(2u32.saturating_pow(self.failures)).min(Self::MAX);
        self.failures = self.failures.saturating_add(1);
        pause
    }

    fn reset(&mut self) {
        self.failures = 0;
    }
}

/// A warning logged at most every ten seconds, with how many times it
/// happened since, so a flood cannot flood the log too.
struct Occasional {
    what: &'static str,
    count: u64,
    last: Option<Instant>,
}

impl Occasional {
    const EVERY: Duration = Duration::from_secs(10);

    fn new(what: &'static str) -> Self {
        Self { what, count: 0, last: None }
    }

    fn note(&mut self) {
        self.count += 1;
        if self.last.is_none_or(|last| last.elapsed() >= Self::EVERY) {
            tracing::warn!(count = self.count, "{}", self.what);
            self.count = 0;
            self.last = Some(Instant::now());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_a_second_and_resets() {
        let mut backoff = Backoff::default();
        let pauses: Vec<u128> = (0..10).map(|_| backoff.next_pause().as_millis()).collect();
        assert_eq!(pauses, [5, 10, 20, 40, 80, 160, 320, 640, 1000, 1000]);
        backoff.reset();
        assert_eq!(backoff.next_pause(), Duration::from_millis(5));
    }

    #[test]
    fn slots_cap_per_address_and_in_all() {
        let slots = Arc::new(Slots::new(3, 2));
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        let first = Slots::take(&slots, a).unwrap();
        let _second = Slots::take(&slots, a).unwrap();
        assert!(Slots::take(&slots, a).is_none(), "a third from one address");
        let _other = Slots::take(&slots, b).unwrap();
        assert!(Slots::take(&slots, "192.0.2.3".parse().unwrap()).is_none(), "a fourth in all");
        drop(first);
        assert!(Slots::take(&slots, a).is_some(), "a slot given back is free again");
    }

    #[test]
    fn no_cap_per_address_when_zero() {
        let slots = Arc::new(Slots::new(10, 0));
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let held: Vec<Slot> = (0..10).map(|_| Slots::take(&slots, a).unwrap()).collect();
        assert!(Slots::take(&slots, a).is_none());
        drop(held);
        assert_eq!(slots.open(), 0);
        assert!(slots.lock().1.is_empty(), "addresses without connections are forgotten");
    }

    #[test]
    fn ipv6_addresses_count_by_their_64() {
        let one: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let same: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(client_key(one), client_key(same));
        assert_ne!(client_key(one), client_key(other));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(client_key(mapped), "192.0.2.7".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn connections_fit_in_the_file_limit() {
        assert_eq!(connections_within(20_000, Some(1024)), 768);
        assert_eq!(connections_within(500, Some(1024)), 500);
        assert_eq!(connections_within(500, Some(10)), 1);
        assert_eq!(connections_within(500, None), 500);
    }

    #[test]
    fn the_refusal_is_a_well_formed_503() {
        let text = std::str::from_utf8(OVER_CAPACITY).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 503 "));
        assert!(head.contains(&format!("content-length: {}", body.len())), "{head}");
    }
}
