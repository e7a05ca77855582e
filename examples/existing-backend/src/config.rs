//! Settings, from the environment.

use std::net::SocketAddr;
use std::path::PathBuf;

use secrecy::SecretString;

/// What the app is told at start-up.
#[derive(Clone, Debug)]
pub struct Config {
    /// The PostgreSQL database (`DATABASE_URL`, required).
    pub database_url: String,
    /// Where to listen (`APP_LISTEN`, default `127.0.0.1:8080`).
    pub listen: SocketAddr,
    /// The address browsers use, scheme and host and an optional path
    /// (`APP_PUBLIC_URL`, default `http://` + the listen address). Links in
    /// emails start with it.
    pub public_url: String,
    /// The key for password reset codes (`APP_RESET_SECRET`, at least 32
    /// bytes); a random one, good until the next restart, when unset.
    pub reset_secret: Option<SecretString>,
    /// The first admin's password (`APP_ADMIN_PASSWORD`); a random one is
    /// printed when unset.
    pub admin_password: Option<SecretString>,
    /// Our own words for the password reset, as Fluent files
    /// (`APP_LOCALES_DIR`, default this crate's `locales/`).
    pub locales_dir: PathBuf,
}

/// Where our `.ftl` files are unless `APP_LOCALES_DIR` says otherwise.
pub const LOCALES_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/locales");

impl Config {
    /// Reads the settings from the process environment.
    ///
    /// # Errors
    /// A missing `DATABASE_URL` or an unreadable `APP_LISTEN`, as a sentence.
    pub fn from_env() -> Result<Self, String> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|value| !value.is_empty()))
    }

    /// Reads the settings through `lookup` (tests pass their own).
    ///
    /// # Errors
    /// As [`Config::from_env`].
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let database_url = lookup("DATABASE_URL").ok_or("DATABASE_URL must name the PostgreSQL database")?;
        let listen = match lookup("APP_LISTEN") {
            Some(text) => text.parse().map_err(|_| format!("APP_LISTEN={text:?} is not an address:port"))?,
            None => SocketAddr::from(([127, 0, 0, 1], 8080)),
        };
        Ok(Self {
            database_url,
            listen,
            public_url: lookup("APP_PUBLIC_URL").unwrap_or_else(|| format!("http://{listen}")),
            reset_secret: lookup("APP_RESET_SECRET").map(SecretString::from),
            admin_password: lookup("APP_ADMIN_PASSWORD").map(SecretString::from),
            locales_dir: PathBuf::from(lookup("APP_LOCALES_DIR").unwrap_or_else(|| LOCALES_DIR.to_owned())),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_url_defaults_to_the_listen_address() {
        let config = Config::from_lookup(|name| match name {
            "DATABASE_URL" => Some("postgres://localhost/harbour".to_owned()),
            "APP_LISTEN" => Some("127.0.0.1:9000".to_owned()),
            _ => None,
        });
        assert_eq!(config.map(|c| c.public_url), Ok("http://127.0.0.1:9000".to_owned()));
    }

    #[test]
    fn a_database_url_is_required() {
        assert!(Config::from_lookup(|_| None).is_err());
    }
}
