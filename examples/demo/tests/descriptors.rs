//! When the process runs out of file descriptors, `accept` fails with
//! EMFILE: the server loop waits and retries (it neither spins nor stops),
//! and serves again once descriptors are free.
//!
//! This test lowers the process's own open-file limit, so it lives alone in
//! this test binary.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use common::*;
use inzant_reset_demo::ServeSettings;
use inzant_reset_demo::serve::serve;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Bounds waits that only a stuck server reaches.
const HANG_GUARD: Duration = Duration::from_secs(20);

/// The log, kept to count the loop's complaints.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl Write for Log {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Log {
    fn count(&self, what: &str) -> usize {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(PoisonError::into_inner)).matches(what).count()
    }
}

fn open_descriptors() -> u64 {
    std::fs::read_dir("/proc/self/fd").unwrap().count() as u64
}

#[tokio::test]
async fn out_of_descriptors_the_loop_backs_off_and_serves_again() {
    let log = Log::default();
    let writer = log.clone();
    tracing_subscriber::fmt().with_writer(move || writer.clone()).with_max_level(tracing::Level::WARN).init();

    let app = app().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    // Forty clients wait in the listen queue before the server accepts any.
    let mut clients = Vec::new();
    for _ in 0..40 {
        clients.push(TcpStream::connect(address).await.unwrap());
    }
    // Room for ten more descriptors: the server accepts ten, then EMFILE.
    let (_, hard) = rlimit::getrlimit(rlimit::Resource::NOFILE).unwrap();
    rlimit::setrlimit(rlimit::Resource::NOFILE, open_descriptors() + 10, hard).unwrap();

    let settings = ServeSettings {
        max_connections: 100_000,
        max_connections_per_address: 0,
        header_timeout: Duration::from_secs(60),
        ..ServeSettings::default()
    };
    let router = app.demo.router.clone();
    let server =
        tokio::spawn(async move { serve(listener, router, &settings, std::future::pending()).await });

    let complaint = "cannot accept connections; waiting";
    let out_of_descriptors = tokio::time::timeout(HANG_GUARD, async {
        while log.count(complaint) < 3 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    assert!(out_of_descriptors.is_ok(), "accept never failed");

    // The clients leave: the server's descriptors come back.
    drop(clients);
    let served = tokio::time::timeout(HANG_GUARD, async {
        loop {
            if let Ok(mut client) = TcpStream::connect(address).await {
                let _ = client
                    .write_all(b"GET /login HTTP/1.1\r\nHost: demo.test\r\nConnection: close\r\n\r\n")
                    .await;
                let mut answer = String::new();
                let _ = client.read_to_string(&mut answer).await;
                if answer.starts_with("HTTP/1.1 200 OK") {
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(served.is_ok(), "the listener serves again once descriptors are free");
    assert!(!server.is_finished(), "the loop kept running");
    // A spinning loop would complain thousands of times a second; backing
    // off (5 ms doubling to 1 s) complains about a dozen times in the
    // first seconds and once a second after.
    let complaints = log.count(complaint);
    assert!(complaints < 100, "{complaints} accept failures logged: the loop spins");
    server.abort();
}
