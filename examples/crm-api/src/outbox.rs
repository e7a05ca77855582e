//! The CRM's mail: every message waits in an in-memory outbox, where the
//! delivery worker (not part of this example) and the tests read it.

use std::sync::{Arc, Mutex, PoisonError};

/// A message for the delivery worker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingMail {
    /// The sender's address.
    pub from: String,
    /// The recipient's address.
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The HTML body, if any.
    pub html: Option<String>,
}

/// The outbox. Clones share it.
#[derive(Clone, Debug, Default)]
pub struct Outbox {
    queued: Arc<Mutex<Vec<OutgoingMail>>>,
}

impl Outbox {
    /// Queues `mail`.
    pub fn send(&self, mail: OutgoingMail) {
        self.queued.lock().unwrap_or_else(PoisonError::into_inner).push(mail);
    }

    /// Every message queued so far, oldest first.
    pub fn queued(&self) -> Vec<OutgoingMail> {
        self.queued.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// The newest message to `to`, if any.
    pub fn last_to(&self, to: &str) -> Option<OutgoingMail> {
        self.queued().into_iter().rev().find(|mail| mail.to == to)
    }
}
