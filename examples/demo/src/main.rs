//! `inzant-reset-demo`: serves the demo on `INZANT_LISTEN` (default
//! `127.0.0.1:3000`). See the crate docs and the README for the settings.

#![forbid(unsafe_code)]

use std::process::ExitCode;
use std::time::Duration;

use inzant_reset_demo::{DemoConfig, DemoError, build_app};
use tracing_subscriber::EnvFilter;

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
    match runtime.block_on(run(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(&error),
    }
}

fn fail(error: &DemoError) -> ExitCode {
    eprintln!("inzant-reset-demo: {error}");
    ExitCode::from(error.exit_code())
}

async fn run(config: DemoConfig) -> Result<(), DemoError> {
    let listen = config.listen;
    let demo = build_app(config).await?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|error| DemoError::Startup(format!("could not listen on {listen}: {error}")))?;
    let _maintenance = demo.spawn_maintenance(Duration::from_secs(3600));
    println!("{}", demo.banner());
    tracing::info!(%listen, public_url = %demo.public_url, "listening");
    axum::serve(listener, demo.router.clone())
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|error| DemoError::Startup(format!("the server stopped: {error}")))?;
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
