//! A new database gets its first admin and two sample accounts.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::Rng;
use secrecy::{ExposeSecret, SecretString};
use sqlx::PgPool;

use crate::StartupError;
use crate::accounts::{self, Kind, NewAccount};
use crate::auth::Passwords;

/// The first admin's login email.
pub const ADMIN_EMAIL: &str = "admin@harbour.example";

/// Unless an admin exists: creates the admin (with `admin_password`, or a
/// random password printed on standard output) and, without passwords, a
/// web and a device account to send create-password emails to.
///
/// # Errors
/// The database failed, or the password could not be hashed.
pub async fn first_run(
    pool: &PgPool,
    passwords: &dyn Passwords,
    admin_password: Option<SecretString>,
) -> Result<(), StartupError> {
    if accounts::any_admin(pool).await? {
        return Ok(());
    }
    let password = match admin_password {
        Some(password) => password,
        None => {
            let mut bytes = [0u8; 15];
            rand::rng().fill_bytes(&mut bytes);
            let password = SecretString::from(format!("Hs-{}", URL_SAFE_NO_PAD.encode(bytes)));
            println!("First admin: {ADMIN_EMAIL}, password {}", password.expose_secret());
            password
        }
    };
    let admin = NewAccount {
        login_email: ADMIN_EMAIL,
        kind: Kind::Admin,
        display_name: "Alex Admin",
        email_to: None,
    };
    accounts::create(pool, &admin, Some(&passwords.hash(&password).await?)).await?;
    let samples = [
        NewAccount {
            login_email: "sam.rivers@harbour.example",
            kind: Kind::Web,
            display_name: "Sam Rivers",
            email_to: Some("sam.rivers@home.example"),
        },
        NewAccount {
            login_email: "tablet-3@harbour.example",
            kind: Kind::Device,
            display_name: "Tablet 3 (warehouse)",
            email_to: Some("warehouse@harbour.example"),
        },
    ];
    for sample in &samples {
        accounts::create(pool, sample, None).await?;
    }
    tracing::info!("seeded the first admin and two sample accounts");
    Ok(())
}
