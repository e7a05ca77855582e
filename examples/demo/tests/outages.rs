//! A PostgreSQL outage is answered truthfully: every route that needs the
//! database answers 503 (never 401/403) once the pool's acquire timeout
//! passes, and service resumes when the database is back.
//!
//! The demo reaches PostgreSQL (`DATABASE_URL`, or a private cluster the test starts)
//! through a TCP relay in the test; cutting the relay closes every open
//! database connection and refuses new ones, as a stopped server would.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use axum::http::StatusCode;
use common::*;
use inzant_reset_demo::DatabaseUrl;
use sqlx::AssertSqlSafe;
use sqlx::postgres::PgPoolOptions;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// Bounds waits that only a hung server would reach.
const HANG_GUARD: Duration = Duration::from_secs(20);

fn database_url() -> String {
    // DATABASE_URL, or a private cluster started for this test binary.
    inzant_reset_test_support::database_url()
}

fn fresh_schema() -> String {
    inzant_reset_test_support::unique_name("demo_outage")
}

/// A TCP relay to the database that can be cut and restored on the same port.
struct Relay {
    listen: SocketAddr,
    target: SocketAddr,
    running: Option<tokio::task::JoinHandle<()>>,
}

impl Relay {
    async fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let listen = listener.local_addr().unwrap();
        let mut relay = Self { listen, target, running: None };
        relay.running = Some(tokio::spawn(Self::run(listener, target)));
        relay
    }

    async fn run(listener: TcpListener, target: SocketAddr) {
        let mut links = JoinSet::new();
        while let Ok((mut client, _)) = listener.accept().await {
            links.spawn(async move {
                if let Ok(mut server) = TcpStream::connect(target).await {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                }
            });
        }
    }

    /// The database "stops": the listener closes and every relayed
    /// connection is dropped (aborting the task drops its JoinSet).
    async fn cut(&mut self) {
        if let Some(running) = self.running.take() {
            running.abort();
            let _ = running.await;
        }
    }

    /// The database is back, on the same address.
    async fn restore(&mut self) {
        let listener = TcpListener::bind(self.listen).await.unwrap();
        self.running = Some(tokio::spawn(Self::run(listener, self.target)));
    }
}

#[tokio::test]
async fn a_database_outage_is_a_503_on_every_route_then_service_resumes() {
    let url = database_url();
    let options: sqlx::postgres::PgConnectOptions = url.parse().unwrap();
    let target =
        tokio::net::lookup_host((options.get_host(), options.get_port())).await.unwrap().next().unwrap();
    let mut relay = Relay::start(target).await;
    let relayed =
        url.replacen(&format!("{}:{}", options.get_host(), options.get_port()), &relay.listen.to_string(), 1);
    assert_ne!(relayed, url, "the URL names the host and port");
    let schema = fresh_schema();
    let users_schema = format!("{schema}_users");
    let app = app_with(|config| {
        config.database_url = Some(DatabaseUrl(relayed.clone()));
        config.database_schema = schema.clone();
        config.users_schema = users_schema.clone();
        config.db_acquire_timeout = Duration::from_millis(300);
    })
    .await;
    let mut admin = app.admin().await;
    let before = app.mail_files();
    admin.trigger("1002", "reset").await;
    let email = new_reset_email(app.mail.path(), &before);

    relay.cut().await;
    let dana = "dana.device@inzant.example";
    let outage = tokio::time::timeout(HANG_GUARD, async {
        vec![
            ("User Search", admin.get("/admin/users").await),
            ("User Details", admin.get("/admin/users/1002").await),
            (
                "the trigger",
                admin.post_form("/admin/users/1004/reset-password", &[("purpose", "create")]).await,
            ),
            ("the reset status", admin.get("/admin/users/1002/reset-status").await),
            ("cancel", admin.post_form("/admin/users/1002/cancel-reset", &[]).await),
            (
                "sign-in",
                app.browser().login("sam.web@inzant.example", &app.password("sam.web@inzant.example")).await,
            ),
            ("the apps' sign-in", app_sign_in(&app, dana, &app.password(dana)).await),
            ("the reset page", app.browser().get(&email.link_path).await),
            (
                "saving a new password",
                app.browser()
                    .post_form(
                        &email.link_path,
                        &[
                            ("code", &email.code),
                            ("new_password", NEW_PASSWORD),
                            ("confirm_password", NEW_PASSWORD),
                        ],
                    )
                    .await,
            ),
        ]
    })
    .await
    .expect("every route answers once the acquire timeout passes");
    for (route, answer) in &outage {
        assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE, "{route}: {}", answer.body);
    }

    relay.restore().await;
    let resumed = tokio::time::timeout(HANG_GUARD, async {
        loop {
            if admin.get("/admin/users").await.status == StatusCode::OK {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert!(resumed.is_ok(), "service resumes once the database is back");
    let saved = complete_reset(&app, &email, NEW_PASSWORD).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "the link still works: {}", saved.body);

    let pool = PgPoolOptions::new().max_connections(1).connect(&url).await.unwrap();
    for schema in [&schema, &users_schema] {
        sqlx::query(AssertSqlSafe(format!("DROP SCHEMA \"{schema}\" CASCADE"))).execute(&pool).await.unwrap();
    }
}
