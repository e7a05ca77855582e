//! What operators see: metrics through the [`metrics`] facade (the host
//! installs the exporter; with none installed recording costs next to
//! nothing), and every failure's whole cause chain in the logs.
//!
//! Every metric's labels take values from the short, fixed lists below —
//! never a user id, a username, a token or a code — so the number of series
//! stays bounded whatever happens.
//!
//! | metric | kind | labels |
//! | --- | --- | --- |
//! | `inzant_reset_triggered_total` | counter | `purpose`, `outcome` |
//! | `inzant_reset_opened_total` | counter | `outcome` |
//! | `inzant_reset_code_attempts_total` | counter | `result` |
//! | `inzant_reset_submits_total` | counter | `outcome` |
//! | `inzant_reset_completed_total` | counter | `user_type` |
//! | `inzant_reset_ended_total` | counter | `reason` |
//! | `inzant_reset_mail_failures_total` | counter | `email` |
//! | `inzant_reset_hook_failures_total` | counter | |
//! | `inzant_reset_purged_total` | counter | |
//! | `inzant_reset_time_to_complete_seconds` | histogram | |
//! | `inzant_reset_strength_seconds` | histogram | |
//! | `inzant_reset_hash_seconds` | histogram | |
//! | `inzant_reset_hash_queue_wait_seconds` | histogram | |
//! | `inzant_reset_hash_queue_depth` | gauge | |
//! | `inzant_reset_submit_wait_seconds` | histogram | |

use std::error::Error;
use std::sync::Once;

use crate::error::ResetError;

/// Emails sent (or refused) by admins: `purpose` (`reset`, `create`),
/// `outcome` (one of [`OUTCOMES`]).
pub const TRIGGERED: &str = "inzant_reset_triggered_total";
/// Reset pages opened (and the meter's refreshes of a link): `outcome`.
pub const OPENED: &str = "inzant_reset_opened_total";
/// Codes tried on submit: `result` (`right`, `wrong`).
pub const CODE_ATTEMPTS: &str = "inzant_reset_code_attempts_total";
/// Submits of the reset form: `outcome`.
pub const SUBMITS: &str = "inzant_reset_submits_total";
/// New passwords saved: `user_type` (`admin`, `web`, `device`).
pub const COMPLETED: &str = "inzant_reset_completed_total";
/// Requests that ended without a new password: `reason` (`cancelled`,
/// `locked`, `superseded`, `revoked`, `expired` — counted by the purge).
pub const ENDED: &str = "inzant_reset_ended_total";
/// Emails the mailer refused: `email` (`reset`, `notice`).
pub const MAIL_FAILURES: &str = "inzant_reset_mail_failures_total";
/// The host's password-changed hook failing.
pub const HOOK_FAILURES: &str = "inzant_reset_hook_failures_total";
/// Old requests the purge deleted.
pub const PURGED: &str = "inzant_reset_purged_total";
/// From the email to the saved password.
pub const TIME_TO_COMPLETE: &str = "inzant_reset_time_to_complete_seconds";
/// One strength check, waiting for a policy thread included.
pub const STRENGTH: &str = "inzant_reset_strength_seconds";
/// One Argon2id hash or check on a hashing thread.
pub const HASH: &str = "inzant_reset_hash_seconds";
/// How long a hash waited for a hashing thread.
pub const HASH_QUEUE_WAIT: &str = "inzant_reset_hash_queue_wait_seconds";
/// Hashes and checks waiting for a hashing thread.
pub const HASH_QUEUE_DEPTH: &str = "inzant_reset_hash_queue_depth";
/// How long a submit waited for its turn
/// ([`crate::service::ResetConfig::submits_at_once`]).
pub const SUBMIT_WAIT: &str = "inzant_reset_submit_wait_seconds";

/// Every label a metric of this crate carries, with every value it can take.
pub const LABELS: [(&str, &[&str]); 6] = [
    ("purpose", &["reset", "create"]),
    ("outcome", &OUTCOMES),
    ("result", &["right", "wrong"]),
    ("user_type", &["admin", "web", "device"]),
    ("reason", &["cancelled", "locked", "superseded", "revoked", "expired"]),
    ("email", &["reset", "notice"]),
];

/// The values of an `outcome` label: `ok`, or what refused or failed.
pub const OUTCOMES: [&str; 26] = [
    "ok",
    "incorrect_code",
    "locked",
    "expired",
    "already_used",
    "superseded",
    "revoked",
    "cancelled",
    "unknown_link",
    "invalid_code",
    "invalid_characters",
    "passwords_differ",
    "too_weak",
    "breached",
    "breach_check_unavailable",
    "too_long",
    "not_allowed",
    "unknown_user",
    "has_password",
    "nothing_to_cancel",
    "cooldown",
    "daily_limit",
    "mail_failed",
    "password_not_saved",
    "unavailable",
    "other",
];

/// The `outcome` label of a refusal or failure.
pub fn outcome(error: &ResetError) -> &'static str {
    match error {
        ResetError::IncorrectCode { .. } => "incorrect_code",
        ResetError::Locked => "locked",
        ResetError::Expired => "expired",
        ResetError::AlreadyUsed => "already_used",
        ResetError::Superseded => "superseded",
        ResetError::Revoked => "revoked",
        ResetError::Cancelled => "cancelled",
        ResetError::UnknownLink => "unknown_link",
        ResetError::InvalidCode => "invalid_code",
        ResetError::InvalidCharacters => "invalid_characters",
        ResetError::PasswordsDiffer => "passwords_differ",
        ResetError::TooWeak(report) if report.is_breached() => "breached",
        ResetError::TooWeak(_) => "too_weak",
        ResetError::BreachCheckUnavailable(_) => "breach_check_unavailable",
        ResetError::TooLong { .. } => "too_long",
        ResetError::NotAllowed { .. } => "not_allowed",
        ResetError::UnknownUser => "unknown_user",
        ResetError::HasPassword { .. } => "has_password",
        ResetError::NothingToCancel => "nothing_to_cancel",
        ResetError::Cooldown { .. } => "cooldown",
        ResetError::DailyLimit { .. } => "daily_limit",
        ResetError::MailFailed { .. } => "mail_failed",
        ResetError::PasswordNotSaved(_) => "password_not_saved",
        ResetError::Store(_)
        | ResetError::Directory(_)
        | ResetError::Hashing(_)
        | ResetError::Randomness(_) => "unavailable",
        #[allow(unreachable_patterns)]
        _ => "other",
    }
}

/// `error` and every error beneath it, joined with ": " — the SQL message
/// or the SMTP reply included.
pub fn cause_chain(error: &(dyn Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let next = cause.to_string();
        // Some errors repeat their source in their own message.
        if !text.ends_with(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = cause.source();
    }
    text
}

/// Logs the end of a flow step once: service failures at ERROR with their
/// whole cause chain, refusals people meet every day at INFO.
pub(crate) fn log_outcome<T>(step: &str, outcome: &Result<T, ResetError>) {
    if let Err(error) = outcome {
        if error.is_service_failure() {
            tracing::error!(step, outcome = self::outcome(error), error = %cause_chain(error), "a password reset step failed");
        } else {
            tracing::info!(step, outcome = self::outcome(error), "a password reset step was refused");
        }
    }
}

/// Describes every metric once per process, for exporters that show help text.
pub(crate) fn describe() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        metrics::describe_counter!(TRIGGERED, "Password emails sent or refused, by purpose and outcome.");
        metrics::describe_counter!(OPENED, "Reset links opened, by outcome.");
        metrics::describe_counter!(CODE_ATTEMPTS, "Codes tried on submit, right or wrong.");
        metrics::describe_counter!(SUBMITS, "Reset form submits, by outcome.");
        metrics::describe_counter!(COMPLETED, "New passwords saved, by user type.");
        metrics::describe_counter!(ENDED, "Reset requests ended without a new password, by reason.");
        metrics::describe_counter!(MAIL_FAILURES, "Emails the mailer refused, by email.");
        metrics::describe_counter!(HOOK_FAILURES, "Failures of the host's password-changed hook.");
        metrics::describe_counter!(PURGED, "Old reset requests deleted by the purge.");
        metrics::describe_histogram!(
            TIME_TO_COMPLETE,
            metrics::Unit::Seconds,
            "From the email to the new password."
        );
        metrics::describe_histogram!(STRENGTH, metrics::Unit::Seconds, "One strength check.");
        metrics::describe_histogram!(HASH, metrics::Unit::Seconds, "One Argon2id hash or check.");
        metrics::describe_histogram!(HASH_QUEUE_WAIT, metrics::Unit::Seconds, "Wait for a hashing thread.");
        metrics::describe_gauge!(HASH_QUEUE_DEPTH, "Hashes and checks waiting for a hashing thread.");
        metrics::describe_histogram!(SUBMIT_WAIT, metrics::Unit::Seconds, "Wait of a submit for its turn.");
    });
}
