//! `inzant-reset-demo`: serves the demo on `INZANT_LISTEN` (default
//! `127.0.0.1:3000`). See the crate docs and the README for the settings.

#![forbid(unsafe_code)]

use std::process::ExitCode;
use std::time::Duration;

use inzant_reset_demo::serve::{bind, connections_within, raise_file_limit, serve};
use inzant_reset_demo::{DemoConfig, DemoError, build_app};
use tracing_subscriber::EnvFilter;

/// mimalloc hands freed memory back to the operating system: with glibc's
/// malloc the demo kept its peak (460 MB after 19,000 connections) long
/// after the connections had gone (docs/RELIABILITY.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();

    let config = match DemoConfig::from_env() {
        Ok(config) => config,
        Err(error) => return fail(&error),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            return fail(&DemoError::Startup(format!("could not start the async runtime: {error}")));
        }
    };
    let outcome = runtime.block_on(run(config));
    // Tasks still running (connections cut at the shutdown deadline) are
    // dropped; this bounds the wait for blocking tasks too.
    runtime.shutdown_timeout(Duration::from_secs(1));
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(&error),
    }
}

fn fail(error: &DemoError) -> ExitCode {
    eprintln!("inzant-reset-demo: {error}");
    ExitCode::from(error.exit_code())
}

async fn run(mut config: DemoConfig) -> Result<(), DemoError> {
    let listen = config.listen;
    let file_limit = raise_file_limit();
    let wanted = config.serve.max_connections;
    config.serve.max_connections = connections_within(wanted, file_limit);
    if config.serve.max_connections < wanted {
        tracing::info!(
            wanted,
            allowed = config.serve.max_connections,
            file_limit,
            "the open file limit lowers INZANT_MAX_CONNECTIONS"
        );
    }
    let mut demo = build_app(config).await?;
    let listener =
        bind(listen).map_err(|error| DemoError::Startup(format!("could not listen on {listen}: {error}")))?;
    // `/metrics` on its own listener, shut down with the pages, on the same deadline.
    let (stopping, mut stop) = tokio::sync::watch::channel(false);
    let metrics_server = match demo.metrics.as_mut() {
        Some(metrics) => {
            let at = metrics.listen;
            let listener = bind(at).map_err(|error| {
                DemoError::Startup(format!("could not listen on {at} (INZANT_METRICS_LISTEN): {error}"))
            })?;
            metrics.listen = listener.local_addr().unwrap_or(at);
            tracing::info!(listen = %metrics.listen, "metrics at /metrics");
            let (router, settings) = (metrics.router(), demo.serve.clone());
            let _upkeep = metrics.spawn_upkeep();
            Some(tokio::spawn(async move {
                let stopped = async move {
                    // An error means the sender is gone: stop then too.
                    let _ = stop.wait_for(|stopping| *stopping).await;
                };
                serve(listener, router, &settings, stopped).await
            }))
        }
        None => None,
    };
    let _maintenance = demo.spawn_maintenance(Duration::from_secs(3600));
    println!("{}", demo.banner());
    let settings = &demo.serve;
    tracing::info!(
        %listen,
        public_url = %demo.public_url,
        header_timeout_s = settings.header_timeout.as_secs_f64(),
        request_timeout_s = settings.request_timeout.as_secs_f64(),
        max_connections = settings.max_connections,
        max_connections_per_address = settings.max_connections_per_address,
        "listening"
    );
    let signalled = async {
        shutdown_signal().await;
        stopping.send_replace(true);
    };
    let served = serve(listener, demo.router.clone(), settings, signalled).await;
    stopping.send_replace(true);
    if let Some(metrics_server) = metrics_server {
        match metrics_server.await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => tracing::warn!(%error, "the metrics server stopped with an error"),
            Err(error) => tracing::warn!(%error, "the metrics server failed"),
        }
    }
    served.map_err(|error| DemoError::Startup(format!("the server stopped: {error}")))?;
    tracing::info!("stopped");
    Ok(())
}

/// Ctrl-C, or SIGTERM on Unix.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
