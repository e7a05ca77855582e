//! The Inzant password reset demo.
//!
//! Until the web adapter lands this binary exercises the core flow once, in
//! memory, and prints what each step shows: the admin's receipt, the email
//! written to the user's username, the strength meter and the outcome.

use std::sync::Arc;

use inzant_reset_core::hash::{Argon2id, HashParams};
use inzant_reset_core::memory::{MemoryDirectory, MemoryOutbox, MemoryStore};
use inzant_reset_core::prelude::*;
use secrecy::ExposeSecret;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let directory = Arc::new(MemoryDirectory::new());
    let users = [
        ("1", "admin@inzant.example", "Ada Admin", UserType::Admin),
        ("2", "sam.web@inzant.example", "Sam Web", UserType::Web),
        ("3", "dana.device@inzant.example", "Dana Device", UserType::Device),
    ];
    for (id, username, name, user_type) in users {
        directory.insert(User {
            id: UserId::new(id),
            username: username.to_owned(),
            display_name: name.to_owned(),
            email_to: Some(format!("{}@example.org", name.to_lowercase().replace(' ', "."))),
            user_type,
            has_password: true,
        });
    }
    let outbox = Arc::new(MemoryOutbox::new());
    let public_url =
        std::env::var("INZANT_PUBLIC_URL").unwrap_or_else(|_| "http://127.0.0.1:3000".to_owned());
    let service = ResetService::builder(
        Arc::new(MemoryStore::new()),
        directory.clone(),
        outbox.clone(),
        CodeKeys::generate(&OsRandom)?,
        ResetConfig::new(format!("{}/password-reset/", public_url.trim_end_matches('/'))),
    )
    .hasher(Arc::new(Argon2id::new(HashParams::default())?))
    .build()?;

    println!("Inzant password reset demo (core only; the web screens arrive with the web adapter).\n");
    let receipt = service.trigger(&UserId::new("1"), &UserId::new("3"), Purpose::Reset).await?;
    println!("Admin sees: reset email sent to {} (expires {}).\n", receipt.sent_to, receipt.expires_at);
    let emails = outbox.emails();
    if let Some(email) = emails.last() {
        println!("To: {}\nSubject: {}\n\n{}", email.to, email.subject, email.text.expose_secret());
    }
    let (token, code) = outbox.last_link_and_code().ok_or("no reset email was written")?;
    for typed in ["dana", "Dana2026", "Dana2026!", "Velvet-Harbour-Lantern-42"] {
        let report = service.strength(&token, &typed.to_owned().into()).await?;
        println!("Strength meter for {:<28} {}", format!("{typed:?}:"), report.level().label());
    }
    let form = SubmitForm {
        code: code.into(),
        new_password: "Velvet-Harbour-Lantern-42".to_owned().into(),
        confirm_password: "Velvet-Harbour-Lantern-42".to_owned().into(),
    };
    let outcome = service.submit(&token, &form).await?;
    match outcome.destination {
        Destination::LoginPage => println!("\nSaved: redirect to the login page."),
        Destination::DeviceApps => {
            println!("\nSaved: use the new password in the Inzant Sales Plus or Inzant Tradeshow app.")
        }
    }
    Ok(())
}
