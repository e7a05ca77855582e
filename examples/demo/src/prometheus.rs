//! `/metrics` on a listener of its own (`INZANT_METRICS_LISTEN`): what the
//! core records through the `metrics` facade (names and labels in
//! `inzant_reset_core::observe`), in the Prometheus text format.
//!
//! The recorder is `metrics-exporter-prometheus`'s, without its HTTP
//! listener: the demo serves the text itself, with the same connection
//! discipline as its pages ([`crate::serve::serve`]). Without the setting no
//! recorder is installed, and recording costs the core next to nothing.

use std::net::SocketAddr;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use inzant_reset_core::observe;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::task::JoinHandle;

use crate::DemoError;

/// The Prometheus text format's content type.
pub const CONTENT_TYPE_TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// How often histogram samples are folded into their buckets, so memory
/// stays flat between scrapes (the exporter's own upkeep interval).
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// Buckets of the `*_seconds` histograms, in seconds: from a strength check
/// (about a millisecond) to a hash waiting behind a queue.
const LATENCY_BUCKETS: [f64; 14] =
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// Buckets of the time from the email to the saved password: a minute to a week.
const COMPLETION_BUCKETS: [f64; 11] =
    [60.0, 300.0, 900.0, 1800.0, 3600.0, 10_800.0, 21_600.0, 43_200.0, 86_400.0, 259_200.0, 604_800.0];

/// The recorder installed in this process, if any: the `metrics` facade
/// takes one global recorder for the life of the process, so a second demo
/// built in the same process (as tests do) shares the first one's.
static INSTALLED: Mutex<Option<PrometheusHandle>> = Mutex::new(None);

/// `/metrics`, served at [`MetricsEndpoint::listen`].
#[derive(Clone, Debug)]
pub struct MetricsEndpoint {
    /// The address to serve it on (`INZANT_METRICS_LISTEN`); `main` sets the
    /// bound address here once it listens (port 0 picks a free one).
    pub listen: SocketAddr,
    handle: PrometheusHandle,
}

impl MetricsEndpoint {
    /// Installs the Prometheus recorder as the process's global `metrics`
    /// recorder (once per process), for serving at `listen`.
    ///
    /// # Errors
    /// [`DemoError::Startup`] when another recorder is installed already.
    pub fn install(listen: SocketAddr) -> Result<Self, DemoError> {
        let mut installed = INSTALLED.lock().unwrap_or_else(PoisonError::into_inner);
        let handle = match &*installed {
            Some(handle) => handle.clone(),
            None => {
                let handle = builder()?.install_recorder().map_err(|error| {
                    DemoError::Startup(format!("INZANT_METRICS_LISTEN: cannot record metrics: {error}"))
                })?;
                *installed = Some(handle.clone());
                handle
            }
        };
        Ok(Self { listen, handle })
    }

    /// The metrics now, in the Prometheus text format.
    pub fn render(&self) -> String {
        self.handle.render()
    }

    /// The router of the metrics listener: `GET /metrics`, and 404 for
    /// anything else.
    pub fn router(&self) -> Router {
        let handle = self.handle.clone();
        Router::new()
            .route("/metrics", get(move || std::future::ready(metrics_text(&handle))))
            .fallback(|| std::future::ready(StatusCode::NOT_FOUND.into_response()))
    }

    /// Every few seconds, folds histogram samples into their buckets (the
    /// exporter leaves that to whoever installs the recorder without its
    /// listener).
    pub fn spawn_upkeep(&self) -> JoinHandle<()> {
        let handle = self.handle.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(UPKEEP_EVERY);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                handle.run_upkeep();
            }
        })
    }
}

/// The recorder's settings: histograms with buckets (which, unlike
/// summaries, add up across instances), the time to complete on a scale of
/// its own.
fn builder() -> Result<PrometheusBuilder, DemoError> {
    let bad = |error| DemoError::Startup(format!("the metrics recorder's buckets are wrong: {error}"));
    PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), &LATENCY_BUCKETS)
        .and_then(|builder| {
            builder.set_buckets_for_metric(
                Matcher::Full(observe::TIME_TO_COMPLETE.to_owned()),
                &COMPLETION_BUCKETS,
            )
        })
        .map_err(bad)
}

fn metrics_text(handle: &PrometheusHandle) -> Response {
    (
        [(CONTENT_TYPE, CONTENT_TYPE_TEXT), (CACHE_CONTROL, "no-store"), (X_CONTENT_TYPE_OPTIONS, "nosniff")],
        handle.render(),
    )
        .into_response()
}
