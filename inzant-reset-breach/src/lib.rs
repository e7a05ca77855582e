//! # inzant-reset-breach
//!
//! Where [`inzant_reset_core`] looks up breached passwords (NIST SP
//! 800-63B): implementations of its
//! [`BreachedPasswords`](inzant_reset_core::ports::BreachedPasswords) port.
//!
//! - [`RangeApi`] — the [Pwned Passwords range
//!   API](https://haveibeenpwned.com/API/v3#PwnedPasswords), or a company's
//!   own mirror of it: only the first 5 hexadecimal digits of the
//!   password's SHA-1 are sent (k-anonymity), with `Add-Padding: true` so
//!   that the answer's size says nothing either; the suffix is matched
//!   here. HTTPS with rustls (ring), connect and read timeouts, retries
//!   with back-off on `429` and `5xx`, and a bounded cache of ranges.
//! - [`LocalMirror`] — for deployments that do not call out: a directory
//!   of range files as the official downloader writes them (`ABCDE.txt`,
//!   lines `SUFFIX:COUNT`), or one sorted file of `SHA1:COUNT` lines,
//!   searched by seeking. Checked when opened, so a truncated or corrupt
//!   file stops the start-up with a clear error rather than answering
//!   wrongly later.
//!
//! Both read ranges with the core's one parser,
//! [`inzant_reset_core::breach::parse_range`].
//!
//! ```no_run
//! # async fn start() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use inzant_reset_breach::{LocalMirror, RangeApi, RangeApiSettings};
//! use inzant_reset_core::breach::{BreachPolicy, OnUnavailable};
//! use inzant_reset_core::ports::BreachedPasswords;
//!
//! // Calling out (the default base URL is api.pwnedpasswords.com):
//! let api: Arc<dyn BreachedPasswords> = Arc::new(RangeApi::new(RangeApiSettings::default())?);
//! // Or not: the official downloader's directory, checked now.
//! let mirror: Arc<dyn BreachedPasswords> = Arc::new(LocalMirror::open("/srv/pwned-passwords")?);
//! // Either is given to the service's builder:
//! // ResetService::builder(…).breached_passwords(api, BreachPolicy::default())
//! let _ = (api, mirror, BreachPolicy::new(1, OnUnavailable::Allow));
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod api;
mod cache;
mod mirror;

pub use api::{RangeApi, RangeApiSettings};
pub use mirror::{LocalMirror, MirrorCheck, MirrorError, write_range_directory, write_sorted_file};
