//! The demo's server loop (`inzant_reset_demo::serve`) on a real loopback
//! listener: slow and idle connections are closed after the header
//! timeout, a slow body gets 408, connection caps answer 503 without
//! touching other clients, shutdown has a deadline, and the handlers see
//! each connection's peer address.
//!
//! Timeouts are small so the tests are quick; every wait on the server has
//! a generous bound ([`HANG_GUARD`]) that only catches a server that never
//! acts. Nothing here asserts how long anything took.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use common::*;
use inzant_reset_demo::ServeSettings;
use inzant_reset_demo::serve::serve;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Long enough that only a server that never closes reaches it.
const HANG_GUARD: Duration = Duration::from_secs(20);

/// Small timeouts, so the tests do not wait long.
fn quick() -> ServeSettings {
    ServeSettings {
        header_timeout: Duration::from_millis(300),
        request_timeout: Duration::from_millis(500),
        max_connections: 1000,
        max_connections_per_address: 0,
        shutdown_timeout: Duration::from_millis(300),
    }
}

/// A demo served by the real loop on a loopback port.
struct Served {
    address: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
    _app: TestApp,
}

async fn served(settings: ServeSettings, adjust: impl FnOnce(&mut inzant_reset_demo::DemoConfig)) -> Served {
    let app = app_with(adjust).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let router = app.demo.router.clone();
    let task = tokio::spawn(async move {
        serve(listener, router, &settings, async {
            let _ = stopped.await;
        })
        .await
    });
    Served { address, stop: Some(stop), task, _app: app }
}

impl Served {
    async fn connect(&self) -> TcpStream {
        TcpStream::connect(self.address).await.unwrap()
    }

    /// A connection from loopback address `from` (Linux routes all of 127/8 to loopback).
    async fn connect_from(&self, from: Ipv4Addr) -> TcpStream {
        let socket = TcpSocket::new_v4().unwrap();
        socket.bind(SocketAddr::new(IpAddr::V4(from), 0)).unwrap();
        socket.connect(self.address).await.unwrap()
    }

    /// Stops the loop and waits for it (bounded).
    async fn shut_down(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let ended = tokio::time::timeout(HANG_GUARD, &mut self.task).await;
        ended.expect("the server loop ended after the shutdown signal").unwrap().unwrap();
    }
}

/// Everything the server sends until it closes the connection (bounded by
/// [`HANG_GUARD`]; a connection still open then fails the test).
async fn read_until_closed(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    let read = tokio::time::timeout(HANG_GUARD, async {
        let mut buffer = [0u8; 4096];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await;
    assert!(
        read.is_ok(),
        "the server did not close the connection; it sent {:?}",
        String::from_utf8_lossy(&received)
    );
    String::from_utf8_lossy(&received).into_owned()
}

/// Reads one whole response (headers and a `content-length` body).
async fn read_response(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    tokio::time::timeout(HANG_GUARD, async {
        loop {
            let n = stream.read(&mut buffer).await.unwrap();
            assert!(n > 0, "closed before a whole response: {:?}", String::from_utf8_lossy(&received));
            received.extend_from_slice(&buffer[..n]);
            let text = String::from_utf8_lossy(&received);
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length = head
                    .lines()
                    .find_map(|line| {
                        line.to_ascii_lowercase().strip_prefix("content-length: ").map(str::to_owned)
                    })
                    .and_then(|n| n.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                if body.len() >= length {
                    break;
                }
            }
        }
    })
    .await
    .expect("a whole response");
    String::from_utf8_lossy(&received).into_owned()
}

const GET_LOGIN: &[u8] = b"GET /login HTTP/1.1\r\nHost: demo.test\r\n\r\n";

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed_after_the_header_timeout() {
    let server = served(quick(), |_| {}).await;
    let mut silent = server.connect().await;
    let got = read_until_closed(&mut silent).await;
    assert!(!got.contains("200 OK"), "{got}");
    server.shut_down().await;
}

#[tokio::test]
async fn half_a_request_line_is_closed_after_the_header_timeout() {
    let server = served(quick(), |_| {}).await;
    let mut slow = server.connect().await;
    slow.write_all(b"GET /login HT").await.unwrap();
    let got = read_until_closed(&mut slow).await;
    assert!(!got.contains("200 OK"), "{got}");
    // Headers dripping in a byte at a time do not reset the timer either.
    let mut drip = server.connect().await;
    let dripping = async {
        for byte in b"GET /login HTTP/1.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" {
            if drip.write_all(&[*byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(HANG_GUARD, dripping).await.unwrap();
    let got = read_until_closed(&mut drip).await;
    assert!(!got.contains("200 OK"), "{got}");
    server.shut_down().await;
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_header_timeout() {
    let server = served(quick(), |_| {}).await;
    let mut client = server.connect().await;
    client.write_all(GET_LOGIN).await.unwrap();
    let first = read_response(&mut client).await;
    assert!(first.starts_with("HTTP/1.1 200 OK"), "{first}");
    assert!(!first.to_ascii_lowercase().contains("connection: close"), "kept alive: {first}");
    // Nothing more is sent: the server closes it.
    let after = read_until_closed(&mut client).await;
    assert_eq!(after, "", "no second answer without a second request");
    server.shut_down().await;
}

#[tokio::test]
async fn a_body_that_never_arrives_gets_408() {
    let server = served(quick(), |_| {}).await;
    let mut client = server.connect().await;
    client
        .write_all(
            b"POST /login HTTP/1.1\r\nHost: demo.test\r\nContent-Type: application/x-www-form-urlencoded\r\n\
              Content-Length: 100\r\nOrigin: http://demo.test\r\n\r\nusername=sam",
        )
        .await
        .unwrap();
    let got = read_until_closed(&mut client).await;
    assert!(got.starts_with("HTTP/1.1 408 "), "{got}");
    server.shut_down().await;
}

#[tokio::test]
async fn connections_over_the_per_address_cap_get_503_and_others_are_served() {
    let settings =
        ServeSettings { max_connections_per_address: 2, header_timeout: HANG_GUARD * 2, ..quick() };
    let server = served(settings, |_| {}).await;
    let flooder = Ipv4Addr::new(127, 0, 0, 2);
    let mut held = vec![server.connect_from(flooder).await, server.connect_from(flooder).await];
    // Served in turn: the third from the same address is refused at once.
    held[0].write_all(GET_LOGIN).await.unwrap();
    assert!(read_response(&mut held[0]).await.starts_with("HTTP/1.1 200 OK"));
    let mut third = server.connect_from(flooder).await;
    let refused = read_until_closed(&mut third).await;
    assert!(refused.starts_with("HTTP/1.1 503 "), "{refused}");
    assert!(refused.to_ascii_lowercase().contains("retry-after: 1"), "{refused}");

    // Another client is unaffected.
    let mut other = server.connect_from(Ipv4Addr::new(127, 0, 0, 3)).await;
    other.write_all(GET_LOGIN).await.unwrap();
    assert!(read_response(&mut other).await.starts_with("HTTP/1.1 200 OK"));

    // A closed connection gives its place back (the server notices the
    // close on its own time, so try again until it has).
    drop(held.remove(0));
    let served_again = tokio::time::timeout(HANG_GUARD, async {
        loop {
            let mut again = server.connect_from(flooder).await;
            again.write_all(GET_LOGIN).await.unwrap();
            let mut first = [0u8; 12];
            if again.read_exact(&mut first).await.is_ok() && &first == b"HTTP/1.1 200" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(served_again.is_ok(), "a place given back is free again");
    server.shut_down().await;
}

#[tokio::test]
async fn shutdown_cuts_half_sent_requests_at_the_deadline() {
    // Timeouts far longer than the hang guard: only the shutdown deadline can end these.
    let settings =
        ServeSettings { header_timeout: HANG_GUARD * 4, request_timeout: HANG_GUARD * 4, ..quick() };
    let server = served(settings, |_| {}).await;
    let mut half_line = server.connect().await;
    half_line.write_all(b"GET /login HT").await.unwrap();
    let mut half_body = server.connect().await;
    half_body
        .write_all(
            b"POST /login HTTP/1.1\r\nHost: demo.test\r\nContent-Type: application/x-www-form-urlencoded\r\n\
              Content-Length: 100\r\n\r\nusername=sam",
        )
        .await
        .unwrap();
    let mut idle = server.connect().await;
    idle.write_all(GET_LOGIN).await.unwrap();
    assert!(read_response(&mut idle).await.starts_with("HTTP/1.1 200 OK"));

    let address = server.address;
    server.shut_down().await;
    for stream in [&mut half_line, &mut half_body, &mut idle] {
        read_until_closed(stream).await;
    }
    assert!(TcpStream::connect(address).await.is_err(), "the listener is closed");
}

#[tokio::test]
async fn handlers_see_each_connections_address() {
    // One sign-in per address per minute: the second from 127.0.0.4 is
    // throttled, one from 127.0.0.5 is not, so the loop gave each its own peer.
    let server = served(quick(), |config| config.sign_in_per_address = 1).await;
    let body = r#"{"username":"x@inzant.example","password":"x"}"#;
    let sign_in = format!(
        "POST /api/app/sign-in HTTP/1.1\r\nHost: demo.test\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut statuses = Vec::new();
    for from in [Ipv4Addr::new(127, 0, 0, 4), Ipv4Addr::new(127, 0, 0, 4), Ipv4Addr::new(127, 0, 0, 5)] {
        let mut client = server.connect_from(from).await;
        client.write_all(sign_in.as_bytes()).await.unwrap();
        let answer = read_response(&mut client).await;
        statuses.push(answer[9..12].to_owned());
    }
    assert_eq!(statuses, ["401", "429", "401"]);
    server.shut_down().await;
}
