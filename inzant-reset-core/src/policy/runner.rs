//! Where the password policy runs: [`PolicyRunner`], and [`InlinePolicy`]
//! on the calling task. The service's default runs it on worker threads
//! (`crate::workers::PolicyWorkers`).

use std::fmt::Debug;
use std::sync::Arc;

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};

use super::{PasswordPolicy, StrengthReport};

/// Who waits for a rating. A runner with a queue serves the meter first:
/// someone is watching it as they type, while a submit's check is followed
/// by an Argon2 hash that takes far longer anyway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Lane {
    /// The live strength meter ([`crate::service::ResetService::rate`]).
    Meter,
    /// A submit's policy check, before its code is counted and its
    /// password hashed.
    Submit,
}

/// Where the password policy runs. Scoring is bounded (about a
/// millisecond) but runs on every keystroke and every submit, so the
/// service's default, [`crate::workers::PolicyWorkers`], runs it on
/// dedicated threads; [`InlinePolicy`] runs it on the calling task.
#[async_trait]
pub trait PolicyRunner: Debug + Send + Sync + 'static {
    /// `policy.rate(password, inputs)`, wherever this runner runs it.
    async fn evaluate(
        &self,
        policy: Arc<PasswordPolicy>,
        password: SecretString,
        inputs: Vec<String>,
    ) -> StrengthReport;

    /// [`PolicyRunner::evaluate`] for `lane`: the service rates keystrokes
    /// with [`Lane::Meter`] and submits with [`Lane::Submit`]. By default the
    /// lane is ignored; a runner that queues work should serve the meter
    /// first, as [`crate::workers::PolicyWorkers`] does.
    async fn evaluate_in(
        &self,
        lane: Lane,
        policy: Arc<PasswordPolicy>,
        password: SecretString,
        inputs: Vec<String>,
    ) -> StrengthReport {
        let _ = lane;
        self.evaluate(policy, password, inputs).await
    }
}

/// Runs the policy on the calling task.
#[derive(Debug, Clone, Copy, Default)]
pub struct InlinePolicy;

#[async_trait]
impl PolicyRunner for InlinePolicy {
    async fn evaluate(
        &self,
        policy: Arc<PasswordPolicy>,
        password: SecretString,
        inputs: Vec<String>,
    ) -> StrengthReport {
        let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
        policy.rate(password.expose_secret(), &inputs)
    }
}
