//! Settings, from the environment.

use std::net::SocketAddr;

use inzant_reset_core::secrecy::SecretString;

/// What the API is told at start-up.
#[derive(Clone, Debug)]
pub struct Config {
    /// The PostgreSQL database (`DATABASE_URL`, required).
    pub database_url: String,
    /// Where to listen (`CRM_LISTEN`, default `127.0.0.1:8081`).
    pub listen: SocketAddr,
    /// The address clients use, path included (`CRM_PUBLIC_URL`, in
    /// production `https://api.northwind.example/crm`; default `http://` +
    /// the listen address). The proxy in front of us strips its path: we
    /// serve `/api/…`, clients call `/crm/api/…`.
    pub public_url: String,
    /// The origin of the admin single-page app (`CRM_ADMIN_UI`, default
    /// `https://admin.northwind.example`): allowed by CORS, and where
    /// people who use it sign in.
    pub admin_ui: String,
    /// The key for password reset codes (`CRM_RESET_SECRET`, at least 32
    /// bytes); a random one, good until the next restart, when unset.
    pub reset_secret: Option<SecretString>,
}

/// The admin app's origin unless `CRM_ADMIN_UI` says otherwise.
pub const ADMIN_UI: &str = "https://admin.northwind.example";

impl Config {
    /// Reads the settings from the process environment.
    ///
    /// # Errors
    /// A missing `DATABASE_URL` or an unreadable `CRM_LISTEN`, as a sentence.
    pub fn from_env() -> Result<Self, String> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|value| !value.is_empty()))
    }

    /// Reads the settings through `lookup` (tests pass their own).
    ///
    /// # Errors
    /// As [`Config::from_env`].
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let database_url = lookup("DATABASE_URL").ok_or("DATABASE_URL must name the PostgreSQL database")?;
        let listen = match lookup("CRM_LISTEN") {
            Some(text) => text.parse().map_err(|_| format!("CRM_LISTEN={text:?} is not an address:port"))?,
            None => SocketAddr::from(([127, 0, 0, 1], 8081)),
        };
        Ok(Self {
            database_url,
            listen,
            public_url: lookup("CRM_PUBLIC_URL").unwrap_or_else(|| format!("http://{listen}")),
            admin_ui: lookup("CRM_ADMIN_UI").unwrap_or_else(|| ADMIN_UI.to_owned()),
            reset_secret: lookup("CRM_RESET_SECRET").map(SecretString::from),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_listen_address() {
        let config = Config::from_lookup(|name| match name {
            "DATABASE_URL" => Some("postgres://localhost/crm".to_owned()),
            "CRM_LISTEN" => Some("127.0.0.1:9000".to_owned()),
            _ => None,
        })
        .map(|c| (c.public_url, c.admin_ui));
        assert_eq!(config, Ok(("http://127.0.0.1:9000".to_owned(), ADMIN_UI.to_owned())));
    }

    #[test]
    fn a_database_url_is_required() {
        assert!(Config::from_lookup(|_| None).is_err());
    }
}
