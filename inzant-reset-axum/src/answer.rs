//! What the host's [`AdminGate`] is given to answer an admin action with.

use inzant_reset_core::error::ResetError;
use inzant_reset_core::service::TriggerReceipt;
use inzant_reset_core::status::CancelReceipt;
use inzant_reset_core::user::UserId;
use inzant_reset_core::words::Words;

#[cfg(doc)]
use crate::AdminGate;
use crate::admin;

/// The outcome of an admin action, for the host's answer: who it was
/// about, what happened, and the words to tell the admin with.
pub struct Answer<'a, T> {
    /// The user's id as it came in the URL (checked against nothing when
    /// the action was refused: use [`Answer::user_segment`] to put it back
    /// into a URL).
    pub user: &'a UserId,
    /// What happened.
    pub outcome: Result<T, ResetError>,
    /// The words of the answer, in the admin's language (their browser's
    /// `Accept-Language`, as far as the catalogues speak it).
    pub words: Words<'a>,
}

/// The user and the outcome; not the words.
impl<T: std::fmt::Debug> std::fmt::Debug for Answer<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Answer")
            .field("user", &self.user)
            .field("outcome", &self.outcome)
            .finish_non_exhaustive()
    }
}

impl<T> Answer<'_, T> {
    /// The user's id percent-encoded as one URL path segment, safe to put
    /// in a `Location` whatever the URL held.
    pub fn user_segment(&self) -> String {
        percent_encoding::utf8_percent_encode(self.user.as_str(), admin::SEGMENT).to_string()
    }

    /// Whether the user named in the URL does not exist (send the admin
    /// back to a list rather than to that user's page).
    pub fn is_unknown_user(&self) -> bool {
        matches!(self.outcome, Err(ResetError::UnknownUser))
    }
}

impl Answer<'_, TriggerReceipt> {
    /// The sentence for the admin: where the email went, or why it did not.
    pub fn message(&self) -> String {
        match &self.outcome {
            Ok(receipt) => self.words.sent(receipt.purpose, &receipt.sent_to),
            Err(error) => self.words.refusal(error),
        }
    }
}

impl Answer<'_, CancelReceipt> {
    /// The sentence for the admin: what was cancelled, or why nothing was.
    pub fn message(&self) -> String {
        match &self.outcome {
            Ok(receipt) => self.words.cancelled(&receipt.sent_to),
            Err(error) => self.words.refusal(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use inzant_reset_core::words::{Catalogues, Product};

    #[test]
    fn an_answer_puts_any_id_back_into_a_url_safely() {
        let user = UserId::new("a b/\r\nSet-Cookie: x");
        let (catalogues, product) = (Catalogues::shipped(), Product::inzant());
        let answer: Answer<'_, CancelReceipt> = Answer {
            user: &user,
            outcome: Err(ResetError::UnknownUser),
            words: catalogues.words("en", &product),
        };
        assert_eq!(answer.user_segment(), "a%20b%2F%0D%0ASet-Cookie%3A%20x");
        assert!(answer.is_unknown_user());
        assert_eq!(answer.message(), "That user does not exist.");
        let debug = format!("{answer:?}");
        assert!(debug.contains("Answer") && debug.contains("UnknownUser"), "{debug}");
    }
}
