//! The binary refuses bad settings with a clear message and exit status 2.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

fn run_with(name: &str, value: &str) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_inzant-reset-demo"));
    for var in [
        "INZANT_LISTEN",
        "INZANT_PUBLIC_URL",
        "INZANT_MAIL_DIR",
        "SMTP_URL",
        "DATABASE_URL",
        "INZANT_RESET_SECRET",
        "INZANT_DEMO_ADMIN_PASSWORD",
        "INZANT_RESET_TTL",
        "INZANT_RESET_COOLDOWN",
    ] {
        command.env_remove(var);
    }
    command.env(name, value).output().unwrap()
}

#[test]
fn bad_settings_exit_with_status_2() {
    for (name, value) in [
        ("INZANT_LISTEN", "not-an-address"),
        ("INZANT_PUBLIC_URL", "sales.example.com"),
        ("INZANT_RESET_TTL", "a day"),
        ("INZANT_RESET_COOLDOWN", "-5"),
        ("INZANT_RESET_SECRET", "short"),
        ("SMTP_URL", "mail.example.com"),
        ("DATABASE_URL", "not a url"),
    ] {
        let output = run_with(name, value);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{name}={value}: {stderr}");
        assert!(stderr.contains(name), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}
