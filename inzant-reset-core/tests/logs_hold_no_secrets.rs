//! A whole flow — with wrong codes, a failed email and a failed hook — logged
//! at TRACE level never writes a token, a code or a password.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use inzant_reset_core::error::HookError;
use inzant_reset_core::hash::{Argon2id, HashParams};
use inzant_reset_core::memory::{MemoryOutbox, MemoryStore};
use inzant_reset_core::ports::ResetHooks;
use inzant_reset_core::prelude::*;
use inzant_reset_test_support::{CapturedLogs, directory_of, person};
use secrecy::SecretString;

#[derive(Debug)]
struct FailingHooks;

#[async_trait]
impl ResetHooks for FailingHooks {
    async fn password_changed(&self, _user: &User) -> Result<(), HookError> {
        Err(HookError::new("session store down"))
    }
}

#[tokio::test]
async fn trace_logs_of_a_whole_flow_contain_no_secret() {
    let captured = CapturedLogs::new();
    let _guard = captured.start(tracing::Level::TRACE);

    let directory = directory_of([
        person("1", "admin@inzant.example", UserType::Admin),
        person("2", "sam.web@inzant.example", UserType::Web),
    ]);
    let outbox = Arc::new(MemoryOutbox::new());
    let mut config = ResetConfig::new("https://sales.inzant.example");
    config.resend_cooldown = Duration::ZERO;
    let service = ResetService::builder(
        Arc::new(MemoryStore::new()),
        directory,
        outbox.clone(),
        CodeKeys::new(vec![9; 32], vec![]).unwrap(),
        config,
    )
    .hooks(Arc::new(FailingHooks))
    .hasher(Arc::new(Argon2id::new(HashParams::insecure_for_tests()).unwrap()))
    .build()
    .unwrap();
    let (admin, sam) = (UserId::new("1"), UserId::new("2"));

    outbox.set_refusing(true);
    service.trigger(&admin, &sam, Purpose::Reset).await.unwrap_err();
    outbox.set_refusing(false);
    service.trigger(&admin, &sam, Purpose::Reset).await.unwrap();
    let (token, code) = outbox.last_link_and_code().unwrap();
    let wrong = if code == "000000" { "000001" } else { "000000" };
    let password = "Velvet-Harbour-Lantern-42";
    let submit = |code: &str, new: &str| SubmitForm {
        code: SecretString::from(code),
        new_password: SecretString::from(new),
        confirm_password: SecretString::from(new),
    };
    service.open(&token).await.unwrap();
    service.rate_link(&token, &SecretString::from("Weakling-pass")).await.unwrap();
    service.submit(&token, &submit(wrong, password)).await.unwrap_err();
    outbox.set_refusing(true);
    service.submit(&token, &submit(&code, password)).await.unwrap();

    let logs = captured.text();
    assert!(logs.contains("could not be sent"), "capture works: {logs}");
    assert!(logs.contains("password reset completed"));
    assert!(logs.contains("password-changed hook failed"));
    for secret in [token.as_str(), code.as_str(), password, "Weakling-pass"] {
        assert!(!logs.contains(secret), "{secret} appears in the logs");
    }
}
