//! One-time messages carried to the next page in the visitor's session.

use serde::{Deserialize, Serialize};
use tower_sessions::Session;

const KEY: &str = "flash";

/// Good news or bad news.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Level {
    /// Something was done.
    Success,
    /// Something could not be done.
    Error,
}

impl Level {
    fn class(self) -> &'static str {
        match self {
            Self::Success => "flash flash-success",
            Self::Error => "flash flash-error",
        }
    }
}

/// A message for the next page the visitor sees.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    /// Good or bad.
    pub level: Level,
    /// What to say.
    pub text: String,
}

impl Flash {
    /// Good news.
    pub fn success(text: impl Into<String>) -> Self {
        Self { level: Level::Success, text: text.into() }
    }

    /// Bad news.
    pub fn error(text: impl Into<String>) -> Self {
        Self { level: Level::Error, text: text.into() }
    }

    /// The CSS classes of its box.
    pub fn class(&self) -> &'static str {
        self.level.class()
    }
}

/// Queues `flash` for the next page. A session store failure loses the
/// message, never the request.
pub async fn push(session: &Session, flash: Flash) {
    let mut queued: Vec<Flash> = session.get(KEY).await.ok().flatten().unwrap_or_default();
    queued.push(flash);
    if let Err(error) = session.insert(KEY, queued).await {
        tracing::warn!(%error, "a flash message was lost");
    }
}

/// The queued messages, removed from the session.
pub async fn take(session: &Session) -> Vec<Flash> {
    session.remove(KEY).await.ok().flatten().unwrap_or_default()
}
