//! The emails of the flow: the reset (or create) email with its link and
//! code, and the "your password was changed" notice.
//!
//! Reset emails go to the user's **username**, never to the "email to"
//! field. Each email has a plain-text part (the link on a line of its own,
//! the code as six consecutive digits) and an HTML part with inline styles
//! and no external resources, escaped by construction (maud). The words come
//! from the catalogues ([`Words`]) in the reset's own language; the layout
//! is fixed here.
//!
//! A host that sends mail its own way (its own templates, its own queue)
//! gets each [`Email`] through its [`Mailer`](crate::ports::Mailer) with the
//! facts in [`Email::message`] — the link, the code, the expiry — so it can
//! compose its own message without reading ours.

use maud::{DOCTYPE, Markup, html};
use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

pub use crate::mail::{Email, EmailKind, EmailMessage, Mailbox};
use crate::request::Purpose;
use crate::secret::Code;
use crate::user::User;
use crate::words::Words;

/// Who the emails come from. Their words come from the catalogues.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct EmailSettings {
    /// The `From` address; `None` (the default) uses the product's
    /// ([`Product::from_address`](crate::words::Product::from_address)).
    pub from_address: Option<String>,
    /// The `From` display name; `None` (the default) uses the product's name.
    pub from_name: Option<String>,
    /// The `Reply-To` mailbox, if replies should go elsewhere.
    pub reply_to: Option<Mailbox>,
}

impl EmailSettings {
    /// Emails from `from_address`, named after the product.
    pub fn from_address(from_address: impl Into<String>) -> Self {
        Self { from_address: Some(from_address.into()), from_name: None, reply_to: None }
    }

    /// Replies go to `reply_to`.
    pub fn reply_to(mut self, reply_to: Mailbox) -> Self {
        self.reply_to = Some(reply_to);
        self
    }

    fn from(&self, words: &Words<'_>) -> Mailbox {
        let product = words.product();
        let name = self.from_name.clone().unwrap_or_else(|| product.name.clone());
        let address = self.from_address.clone().unwrap_or_else(|| product.from_address.clone());
        Mailbox::named(name, address)
    }
}

/// The reset (or create) email for `user`, with `link` (the full URL with its
/// token) and `code`, valid until `expires_at`, in the language of `words`.
pub fn reset_email(
    settings: &EmailSettings,
    words: &Words<'_>,
    user: &User,
    purpose: Purpose,
    link: &SecretString,
    code: &Code,
    expires_at: OffsetDateTime,
) -> Email {
    let copy = words.reset_email(user, purpose, expires_at);
    let link_text = link.expose_secret();
    let code_text = code.expose();

    let text = format!(
        "{}\n\n{}\n\n{}\n\n{link_text}\n\n{}\n\n{code_text}\n\n{}\n\n{}\n",
        copy.greeting, copy.intro, copy.open_link, copy.enter_code, copy.validity, copy.footer,
    );
    let content = html! {
        p style="font-size:16px" { (copy.greeting) }
        p style="font-size:16px" { (copy.intro) }
        p style="font-size:16px" { (copy.html_instructions) }
        p style="font-size:32px;font-weight:bold;letter-spacing:6px;font-family:'Courier New',monospace;background:#eef2f7;padding:12px 16px;border-radius:6px;text-align:center" {
            (code_text)
        }
        p style="text-align:center;margin:28px 0" {
            a href=(link_text) style="background:#1d4ed8;color:#ffffff;padding:12px 24px;border-radius:6px;text-decoration:none;font-size:16px;font-weight:bold" {
                (copy.button)
            }
        }
        p style="font-size:14px" {
            (copy.link_fallback) br;
            a href=(link_text) style="color:#1d4ed8;word-break:break-all" { (link_text) }
        }
        p style="font-size:14px" { (copy.validity) }
        p style="font-size:13px;color:#52606d" { (copy.footer) }
    };
    let html = html_page(&copy.subject, words, content);
    let message = EmailMessage::Reset { purpose, link: link.clone(), code: code.clone(), expires_at };
    addressed(settings, words, user, copy.subject, text, html, message)
}

/// The notice sent after a password was changed at `changed_at`.
pub fn password_changed_email(
    settings: &EmailSettings,
    words: &Words<'_>,
    user: &User,
    changed_at: OffsetDateTime,
) -> Email {
    let copy = words.password_changed_email(user, changed_at);
    let text = format!("{}\n\n{}\n\n{}\n", copy.greeting, copy.body, copy.warning);
    let content = html! {
        p style="font-size:16px" { (copy.greeting) }
        p style="font-size:16px" { (copy.body) }
        p style="font-size:16px;font-weight:bold" { (copy.warning) }
    };
    let html = html_page(&copy.subject, words, content);
    let message = EmailMessage::PasswordChanged { changed_at };
    addressed(settings, words, user, copy.subject, text, html, message)
}

/// Every email of the flow goes to the user's username, from the configured sender.
fn addressed(
    settings: &EmailSettings,
    words: &Words<'_>,
    user: &User,
    subject: String,
    text: String,
    html: Markup,
    message: EmailMessage,
) -> Email {
    Email {
        to: Mailbox::named(user.name(), user.username.clone()),
        from: settings.from(words),
        reply_to: settings.reply_to.clone(),
        subject,
        text: SecretString::from(text),
        html: SecretString::from(html.into_string()),
        user: user.clone(),
        language: words.language().to_owned(),
        message,
    }
}

/// An HTML document with `title` whose card holds `content`; inline styles
/// only, since mail clients drop style sheets.
fn html_page(title: &str, words: &Words<'_>, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(words.language()) dir=(words.direction()) {
            head {
                meta charset="utf-8";
                title { (title) }
            }
            body style="margin:0;padding:24px;background:#f4f5f7;font-family:Arial,Helvetica,sans-serif;color:#1f2933" {
                div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:32px;overflow-wrap:anywhere;word-break:break-word" {
                    (content)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::user::{UserId, UserType};
    use crate::words::{Catalogues, Product};
    use time::macros::datetime;

    fn sam() -> User {
        User {
            id: UserId::new("2"),
            username: "sam.web@inzant.example".to_owned(),
            display_name: "Sam <Web>".to_owned(),
            email_to: Some("sam.personal@example.org".to_owned()),
            user_type: UserType::Web,
            has_password: true,
            locale: None,
            tenant: None,
        }
    }

    const LINK: &str =
        "https://sales.inzant.example/password-reset/AAAAbbbbCCCCddddEEEEffffGGGGhhhhIIIIjjjjKKK";

    fn email(purpose: Purpose) -> Email {
        email_in("en", purpose)
    }

    fn email_in(language: &str, purpose: Purpose) -> Email {
        let catalogues = Catalogues::shipped();
        let product = Product::inzant();
        reset_email(
            &EmailSettings::default(),
            &catalogues.words(language, &product),
            &sam(),
            purpose,
            &SecretString::from(LINK),
            &Code::parse("012345").unwrap(),
            datetime!(2026-11-27 17:01 UTC),
        )
    }

    #[test]
    fn reset_email_goes_to_the_username_not_email_to() {
        let email = email(Purpose::Reset);
        assert_eq!(email.to.address, "sam.web@inzant.example");
        for part in [email.text.expose_secret(), email.html.expose_secret(), email.subject.as_str()] {
            assert!(!part.contains("sam.personal"));
        }
    }

    #[test]
    fn the_link_stands_on_a_line_of_its_own_in_the_text_part() {
        let email = email(Purpose::Reset);
        assert!(email.text.expose_secret().lines().any(|line| line == LINK));
    }

    #[test]
    fn the_code_appears_as_six_consecutive_digits_with_its_leading_zero() {
        let email = email(Purpose::Reset);
        assert!(email.text.expose_secret().lines().any(|line| line == "012345"));
        assert!(email.html.expose_secret().contains(">012345<"));
    }

    #[test]
    fn the_email_says_who_it_is_for_when_it_expires_and_whom_to_contact() {
        let email = email(Purpose::Reset);
        let text = email.text.expose_secret();
        assert!(email.subject.contains("sam.web@inzant.example"));
        assert!(text.contains("Sam <Web> (sam.web@inzant.example)"));
        assert!(text.contains("Friday, November 27, 2026"), "{text}");
        assert!(text.contains("If you didn't expect it, contact your administrator"));
    }

    #[test]
    fn reset_and_create_are_worded_differently() {
        let reset = email(Purpose::Reset);
        let create = email(Purpose::Create);
        assert_eq!(reset.kind(), EmailKind::Reset);
        assert_eq!(create.kind(), EmailKind::Create);
        assert!(reset.subject.starts_with("Reset your Inzant Sales password"));
        assert!(create.subject.starts_with("Create your Inzant Sales password"));
        assert!(create.text.expose_secret().contains("create your password"));
        assert!(create.html.expose_secret().contains(">Create Password<"));
    }

    #[test]
    fn html_part_escapes_names_and_links_and_loads_nothing_external() {
        let html = email(Purpose::Reset).html.expose_secret().to_owned();
        assert!(html.contains("Sam &lt;Web&gt;"));
        assert!(!html.contains("Sam <Web>"));
        assert!(html.contains(&format!("href=\"{LINK}\"")));
        assert!(html.contains("<title>Reset your Inzant Sales password (sam.web@inzant.example)</title>"));
        assert!(!html.contains("<img"));
        assert!(!html.contains("<link"));
        assert!(!html.contains("<script"));
    }

    #[test]
    fn html_part_escapes_every_special_character_of_the_words() {
        let catalogues = Catalogues::shipped();
        let product = Product::new("Q&A \"Sales\" <O'Neil>", "no-reply@qa.example");
        let html = reset_email(
            &EmailSettings::default(),
            &catalogues.words("en", &product),
            &sam(),
            Purpose::Reset,
            &SecretString::from("https://x.example/password-reset/a?b=1&c=2"),
            &Code::parse("012345").unwrap(),
            datetime!(2026-11-27 17:01 UTC),
        )
        .html
        .expose_secret()
        .to_owned();
        assert!(html.contains("Q&amp;A &quot;Sales&quot; &lt;O'Neil&gt;"), "{html}");
        assert!(html.contains("href=\"https://x.example/password-reset/a?b=1&amp;c=2\""));
        assert!(!html.contains("<O'Neil>"));
    }

    #[test]
    fn an_email_is_written_in_the_language_it_is_given() {
        let german = email_in("de", Purpose::Reset);
        assert_eq!(german.language, "de");
        assert!(german.html.expose_secret().contains("<html lang=\"de\" dir=\"ltr\">"));
        assert!(german.text.expose_secret().contains("27. November 2026"), "{}", german.text.expose_secret());
        assert!(german.text.expose_secret().lines().any(|line| line == LINK));
        assert!(german.text.expose_secret().lines().any(|line| line == "012345"));
        assert_ne!(german.subject, email(Purpose::Reset).subject);
    }

    #[test]
    fn the_sender_is_the_products_unless_settings_say_otherwise() {
        assert_eq!(email(Purpose::Reset).from.to_string(), "Inzant Sales <no-reply@inzant.example>");
        let catalogues = Catalogues::shipped();
        let product = Product::new("Harbour Supply", "no-reply@harbour.example");
        let notice = password_changed_email(
            &EmailSettings::from_address("it@harbour.example"),
            &catalogues.words("en", &product),
            &sam(),
            datetime!(2026-11-26 09:30 UTC),
        );
        assert_eq!(notice.from.to_string(), "Harbour Supply <it@harbour.example>");
    }

    #[test]
    fn mailboxes_show_as_name_and_address() {
        assert_eq!(
            Mailbox::named("Ada Admin", "ada@inzant.example").to_string(),
            "Ada Admin <ada@inzant.example>"
        );
        assert_eq!(Mailbox::address("ada@inzant.example").to_string(), "ada@inzant.example");
    }

    #[test]
    fn debug_of_an_email_hides_link_and_code() {
        let shown = format!("{:?}", email(Purpose::Reset));
        assert!(!shown.contains("012345"));
        assert!(!shown.contains("AAAAbbbb"));
    }

    #[test]
    fn password_changed_notice_names_the_account_and_the_contact() {
        let catalogues = Catalogues::shipped();
        let product = Product::inzant();
        let notice = password_changed_email(
            &EmailSettings::default(),
            &catalogues.words("en", &product),
            &sam(),
            datetime!(2026-11-26 09:30 UTC),
        );
        assert_eq!(notice.kind(), EmailKind::PasswordChanged);
        assert_eq!(notice.to.address, "sam.web@inzant.example");
        let text = notice.text.expose_secret();
        assert!(text.contains("sam.web@inzant.example"));
        assert!(text.contains("Thursday, November 26, 2026"), "{text}");
        assert!(text.contains("contact your administrator"));
    }
}
