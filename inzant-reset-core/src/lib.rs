//! # inzant-reset-core
//!
//! The admin-triggered password reset of Inzant Sales: an
//! admin clicks "Reset Password" on a user's details page; the user receives
//! an email at their **username** with a link and a 6-digit code; on the reset
//! page they type the code and a new password twice, watch a strength meter
//! go from "Too Weak" to "Strong", and save once it reaches "Acceptable".
//!
//! Read it in the order of the flow (the [`service`] module is split by
//! step). The [`guide`] walks through embedding it in an existing
//! application.
//!
//! 1. **Trigger** — [`ResetService::trigger`]: admin only, cooldown and daily
//!    cap, a fresh [`secret::LinkToken`] and [`secret::Code`] (stored only as
//!    digests), the email from [`email`], older links superseded.
//! 2. **Open** — [`ResetService::open`] (and [`ResetService::rate`] as the
//!    person types): reads only; dead links say why.
//! 3. **Strength** — [`policy::PasswordPolicy::rate`]: NFKC
//!    ([`policy::normalize_password`]), length, composition, zxcvbn, five
//!    [`policy::StrengthLevel`]s; then, once the rest is met, known data
//!    breaches ([`breach`], when the service has a source).
//! 4. **Submit** — [`ResetService::submit`]: shape → match → policy → breaches → live →
//!    count the attempt and check the code → Argon2id ([`hash`]) → complete once.
//! 5. **Status and cancel** — [`ResetService::status`], [`ResetService::cancel`]:
//!    what the admin sees on the user's page, and stopping a live reset;
//!    [`ResetService::purge`] deletes what is of no more use.
//!
//! The modules form layers, bottom-up, with no cycles between them:
//! **facts** ([`ids`], [`random`], [`user`], [`state`], [`request`],
//! [`secret`], [`password_hash`], [`mail`], [`audit`], [`error`]);
//! **ports** ([`ports`]: the traits a host implements over those facts);
//! **rules** ([`policy`], [`breach`], [`words`], [`email`], [`hash`]);
//! **flow** ([`service`]); **batteries** ([`memory`], [`workers`], the
//! `smtp` mailers and the `conformance` suite, behind features).
//!
//! [`state::transition`] is the request's whole life. The flow itself
//! stores, sends and looks up nothing directly: storage, mail, users, who
//! may do what, time and audit are the traits of [`ports`], with in-memory
//! versions in [`memory`]. The crate does ship batteries that do I/O: with
//! the `smtp` feature, an SMTP transport and a mailer writing `.eml` files;
//! and hashing and scoring run on worker threads the service starts
//! ([`workers`]), never on the host's async executor. Store crates prove
//! themselves with the `conformance` suite (cargo feature `conformance`);
//! tests use the helpers behind the `test-util` feature. Every word people
//! read comes from the message catalogues of [`words`], in the person's
//! own language.
//!
//! Secrets are types: tokens, codes and passwords are `secrecy` values whose
//! `Debug` never shows them, and no error message contains one.

#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod audit;
pub mod breach;
#[cfg(feature = "conformance")]
pub mod conformance;
pub mod email;
pub mod error;
mod gate;
#[doc = include_str!("../../docs/EMBEDDING.md")]
pub mod guide {}
pub mod hash;
pub mod ids;
pub mod mail;
pub mod memory;
pub mod observe;
pub mod password_hash;
pub mod policy;
pub mod ports;
pub mod random;
pub mod request;
pub mod secret;
pub mod service;
#[cfg(feature = "smtp")]
pub mod smtp;
pub mod state;
pub mod status;
pub mod url;
pub mod user;
pub mod words;
pub mod workers;

/// The `async_trait` the ports are declared with, for hosts implementing them.
pub use async_trait::async_trait;
pub use error::{ResetError, Result};
pub use hash::{needs_rehash, verify};
pub use policy::{PasswordPolicy, StrengthLevel, StrengthReport};
/// The `secrecy` the secrets are wrapped in, for hosts handling passwords and emails.
pub use secrecy;
pub use service::{ResetConfig, ResetService};

/// The names most hosts need, in one import.
pub mod prelude {
    pub use crate::breach::{BreachPolicy, OnUnavailable};
    pub use crate::email::{Email, EmailMessage, EmailSettings};
    pub use crate::error::{DirectoryError, HookError, MailError, ResetError};
    pub use crate::policy::{PasswordPolicy, StrengthLevel, StrengthReport};
    pub use crate::ports::{
        AdminAction, Authorization, BreachedPasswords, Mailer, ResetHooks, UserDirectory,
    };
    pub use crate::request::{Purpose, RequestId};
    pub use crate::secret::{CodeKeys, OsRandom};
    pub use crate::service::{
        Destination, OpenedRequest, ResetConfig, ResetOutcome, ResetService, SubmitForm, TriggerReceipt,
    };
    pub use crate::status::{CancelReceipt, PasswordEvent, Person, RequestStatus, ResetStatus};
    pub use crate::user::{User, UserId, UserType};
    pub use crate::words::{Catalogues, Product, Text, Words};
    pub use async_trait::async_trait;
    pub use secrecy::{ExposeSecret, SecretString};
}
