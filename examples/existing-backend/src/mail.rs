//! Outgoing mail: rows in `outbox`, which the mail relay delivers.

use sqlx::PgPool;

/// One message to send.
#[derive(Clone)]
pub struct OutgoingMail {
    /// What kind of mail it is, for the relay's statistics and retention.
    pub category: &'static str,
    /// The recipient's address.
    pub to: String,
    /// The recipient's name, if known.
    pub to_name: Option<String>,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The HTML body, if any.
    pub html: Option<String>,
}

impl std::fmt::Debug for OutgoingMail {
    // Bodies may hold sign-in links and codes: they are never logged.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutgoingMail")
            .field("category", &self.category)
            .field("to", &self.to)
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

/// Queues `mail` for the relay and returns its `outbox` id. Once this
/// returns, delivery is the relay's job.
///
/// # Errors
/// The database failed; nothing was queued.
pub async fn send_mail(pool: &PgPool, mail: OutgoingMail) -> Result<i64, sqlx::Error> {
    let mail_id = sqlx::query_scalar(
        "INSERT INTO outbox (category, recipient, recipient_name, subject, body_text, body_html) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING mail_id",
    )
    .bind(mail.category)
    .bind(&mail.to)
    .bind(&mail.to_name)
    .bind(&mail.subject)
    .bind(&mail.text)
    .bind(&mail.html)
    .fetch_one(pool)
    .await?;
    tracing::info!(mail_id, category = mail.category, to = %mail.to, "mail queued");
    Ok(mail_id)
}
