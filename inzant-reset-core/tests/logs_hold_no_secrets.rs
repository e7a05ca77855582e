//! A whole flow — with wrong codes, a failed email and a failed hook — logged
//! at TRACE level never writes a token, a code or a password.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use inzant_reset_core::error::HookError;
use inzant_reset_core::hash::{Argon2id, HashParams};
use inzant_reset_core::memory::{MemoryDirectory, MemoryOutbox, MemoryStore};
use inzant_reset_core::ports::ResetHooks;
use inzant_reset_core::prelude::*;
use secrecy::SecretString;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

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
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .without_time()
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let directory = Arc::new(MemoryDirectory::new());
    for (id, username, user_type) in
        [("1", "admin@inzant.example", UserType::Admin), ("2", "sam.web@inzant.example", UserType::Web)]
    {
        directory.insert(User {
            id: UserId::new(id),
            username: username.into(),
            display_name: username.into(),
            email_to: None,
            user_type,
            has_password: true,
            locale: None,
            tenant: None,
        });
    }
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

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("could not be sent"), "capture works: {logs}");
    assert!(logs.contains("password reset completed"));
    assert!(logs.contains("password-changed hook failed"));
    for secret in [token.as_str(), code.as_str(), password, "Weakling-pass"] {
        assert!(!logs.contains(secret), "{secret} appears in the logs");
    }
}
