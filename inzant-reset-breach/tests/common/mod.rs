//! A range API on loopback, written with hyper: it answers each request as
//! the test's handler says, and records what it was asked.

#![allow(dead_code)]

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use inzant_reset_core::breach::PasswordSha1;
use tokio::net::TcpListener;

/// What the server answers to one request.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub delay: Duration,
    pub retry_after: Option<String>,
}

impl Reply {
    pub fn ok(body: impl Into<String>) -> Self {
        Self { status: 200, body: body.into(), delay: Duration::ZERO, retry_after: None }
    }
    pub fn status(status: u16) -> Self {
        Self { status, body: format!("error {status}"), delay: Duration::ZERO, retry_after: None }
    }
}

/// One request the server saw.
#[derive(Clone, Debug)]
pub struct Seen {
    pub path: String,
    pub padding: Option<String>,
    pub user_agent: Option<String>,
}

pub type Handler = Arc<dyn Fn(&str, usize) -> Reply + Send + Sync>;

pub struct RangeServer {
    pub base_url: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

impl RangeServer {
    /// Serves `handler(prefix, request number from 0)` on 127.0.0.1.
    pub async fn start(handler: impl Fn(&str, usize) -> Reply + Send + Sync + 'static) -> Self {
        Self::start_with(handler, None).await
    }

    /// As [`RangeServer::start`], over TLS when `tls` is given (the base
    /// URL is then `https://localhost:…`).
    pub async fn start_with(
        handler: impl Fn(&str, usize) -> Reply + Send + Sync + 'static,
        tls: Option<tokio_rustls::TlsAcceptor>,
    ) -> Self {
        let handler: Handler = Arc::new(handler);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let recorded = seen.clone();
        let base_tls = tls.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { return };
                let handler = handler.clone();
                let recorded = recorded.clone();
                let tls = tls.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request: Request<hyper::body::Incoming>| {
                        let handler = handler.clone();
                        let recorded = recorded.clone();
                        async move {
                            let header = |name: &str| {
                                request.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
                            };
                            let path = request.uri().path().to_owned();
                            let number = {
                                let mut seen = recorded.lock().unwrap();
                                seen.push(Seen {
                                    path: path.clone(),
                                    padding: header("add-padding"),
                                    user_agent: header("user-agent"),
                                });
                                seen.len() - 1
                            };
                            let prefix = path.rsplit('/').next().unwrap_or_default().to_owned();
                            let reply = handler(&prefix, number);
                            tokio::time::sleep(reply.delay).await;
                            let mut response = Response::new(Full::new(Bytes::from(reply.body)));
                            *response.status_mut() = StatusCode::from_u16(reply.status).unwrap();
                            if let Some(retry_after) = reply.retry_after {
                                response.headers_mut().insert("retry-after", retry_after.parse().unwrap());
                            }
                            Ok::<_, Infallible>(response)
                        }
                    });
                    match tls {
                        Some(tls) => {
                            let Ok(stream) = tls.accept(stream).await else { return };
                            let _ =
                                http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                        }
                        None => {
                            let _ =
                                http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                        }
                    }
                });
            }
        });
        let base_url = match base_tls {
            Some(_) => format!("https://localhost:{}/range/", addr.port()),
            None => format!("http://{addr}/range/"),
        };
        Self { base_url, seen }
    }

    pub fn requests(&self) -> usize {
        self.seen.lock().unwrap().len()
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// A range body as the API writes it: `SUFFIX:COUNT` lines joined by CRLF,
/// with `padding` lines of count 0.
pub fn range_body(entries: &[(&PasswordSha1, u64)], padding: usize) -> String {
    let mut lines: Vec<String> =
        entries.iter().map(|(sha1, count)| format!("{}:{count}", sha1.suffix())).collect();
    for i in 0..padding {
        lines.push(format!("{:035X}:0", 0xDEAD_0000_u64 + i as u64));
    }
    lines.sort();
    lines.join("\r\n")
}

/// A TLS acceptor for `localhost` with a certificate made now, and that
/// certificate (DER) for the client to trust.
pub fn localhost_tls() -> (tokio_rustls::TlsAcceptor, Vec<u8>) {
    let made = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let cert = made.cert.der().to_vec();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(made.signing_key.serialize_der().into());
    let config =
        rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![cert.clone().into()], key)
            .unwrap();
    (tokio_rustls::TlsAcceptor::from(Arc::new(config)), cert)
}
