//! A small HTTP/1.1 client over hyper: one request, its whole answer.

use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::header::{CONTENT_TYPE, HeaderName, LOCATION, SET_COOKIE};
use hyper::{Method, Request, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use crate::Fallible;

/// A pooled client; clones share the pool.
pub type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// Header name and value pairs of a request.
pub type Headers = Vec<(HeaderName, String)>;

/// How long any single request may take before the run fails.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(180);

/// What the server answered.
pub struct Answer {
    pub status: StatusCode,
    pub location: Option<String>,
    pub cookies: Vec<String>,
    pub body: Bytes,
}

impl Answer {
    /// The start of the body, for error messages.
    pub fn body_start(&self) -> String {
        String::from_utf8_lossy(self.body.get(..self.body.len().min(300)).unwrap_or_default()).into_owned()
    }
}

/// A client with its own connection pool, keeping many idle connections
/// (a burst opens hundreds) and sending small requests without delay.
pub fn client() -> HttpClient {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    Client::builder(TokioExecutor::new()).pool_max_idle_per_host(2048).build(connector)
}

/// Sends one request and reads the whole answer, failing after `REQUEST_TIMEOUT`.
pub async fn send(
    client: &HttpClient,
    method: Method,
    url: &str,
    headers: &[(HeaderName, String)],
    body: Bytes,
) -> Fallible<Answer> {
    let mut request = Request::builder().method(method).uri(url);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let request = request.body(Full::new(body)).map_err(|error| format!("bad request for {url}: {error}"))?;
    let exchange = async {
        let response = client.request(request).await.map_err(|error| format!("{url}: {error}"))?;
        let status = response.status();
        let headers = response.headers();
        let location = headers.get(LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let cookies =
            headers.get_all(SET_COOKIE).iter().filter_map(|v| v.to_str().ok().map(str::to_owned)).collect();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|error| format!("{url}: reading the body: {error}"))?
            .to_bytes();
        Ok(Answer { status, location, cookies, body })
    };
    tokio::time::timeout(REQUEST_TIMEOUT, exchange)
        .await
        .map_err(|_| format!("{url}: no answer within {} s", REQUEST_TIMEOUT.as_secs()))?
}

/// An `application/x-www-form-urlencoded` body.
pub fn form(fields: &[(&str, &str)]) -> Bytes {
    let encoded: Vec<String> = fields
        .iter()
        .map(|(name, value)| format!("{name}={}", utf8_percent_encode(value, NON_ALPHANUMERIC)))
        .collect();
    Bytes::from(encoded.join("&"))
}

/// The headers of a form post.
pub fn form_headers() -> Headers {
    vec![(CONTENT_TYPE, "application/x-www-form-urlencoded".to_owned())]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_encode_every_special_character() {
        assert_eq!(form(&[("code", "012 345"), ("p", "a&b=c")]), Bytes::from("code=012%20345&p=a%26b%3Dc"));
    }
}
