//! The emails of the flow: the reset (or create) email with its link and
//! code, and the "your password was changed" notice.
//!
//! Reset emails go to the user's **username**, never to the "email to"
//! field. Each email has a plain-text part (the link on a line of its own,
//! the code as six consecutive digits) and an HTML part with inline styles
//! and no external resources.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;
use time::macros::format_description;

use crate::request::Purpose;
use crate::secret::Code;
use crate::user::User;

/// An address with an optional display name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mailbox {
    /// Display name, if any.
    pub name: Option<String>,
    /// The address.
    pub address: String,
}

impl Mailbox {
    /// A mailbox with a display name.
    pub fn named(name: impl Into<String>, address: impl Into<String>) -> Self {
        Self { name: Some(name.into()), address: address.into() }
    }
}

/// Who the emails come from and what the product is called.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailSettings {
    /// Product name used in subjects and bodies.
    pub product_name: String,
    /// The `From` mailbox.
    pub from: Mailbox,
    /// The `Reply-To` mailbox, if replies should go elsewhere.
    pub reply_to: Option<Mailbox>,
    /// Whom a surprised user should contact.
    pub contact: String,
}

impl Default for EmailSettings {
    fn default() -> Self {
        Self {
            product_name: "Inzant Sales".to_owned(),
            from: Mailbox::named("Inzant Sales", "no-reply@inzant.example"),
            reply_to: None,
            contact: "your administrator".to_owned(),
        }
    }
}

/// Which email this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmailKind {
    /// Link and code to reset a password.
    Reset,
    /// Link and code to create a first password.
    Create,
    /// Notice that the password was changed.
    PasswordChanged,
}

/// A composed email, ready for a [`crate::ports::Mailer`]. Bodies are secrets
/// (they hold the link and code), so `Debug` never shows them.
#[derive(Clone, Debug)]
pub struct Email {
    /// Which email.
    pub kind: EmailKind,
    /// The recipient: the user's username.
    pub to: Mailbox,
    /// The sender.
    pub from: Mailbox,
    /// Where replies go.
    pub reply_to: Option<Mailbox>,
    /// The subject line.
    pub subject: String,
    /// The plain-text part.
    pub text: SecretString,
    /// The HTML part.
    pub html: SecretString,
}

/// The reset (or create) email for `user`, with `link` (the full URL with its
/// token) and `code`, valid until `expires_at`.
pub fn reset_email(
    settings: &EmailSettings,
    user: &User,
    purpose: Purpose,
    link: &SecretString,
    code: &Code,
    expires_at: OffsetDateTime,
) -> Email {
    let product = &settings.product_name;
    let username = &user.username;
    let (kind, subject, intro, action) = match purpose {
        Purpose::Reset => (
            EmailKind::Reset,
            format!("Reset your {product} password ({username})"),
            format!(
                "An administrator has asked for the password of your {product} account, {username}, to be reset."
            ),
            "choose a new password",
        ),
        Purpose::Create => (
            EmailKind::Create,
            format!("Create your {product} password ({username})"),
            format!(
                "An administrator has set up your {product} account, {username}. It has no password yet."
            ),
            "create your password",
        ),
    };
    let expiry = format_utc(expires_at);
    let contact = &settings.contact;
    let greeting = format!("Hello {},", user.display_name);
    let link = link.expose_secret();
    let code = code.expose();

    let text = format!(
        "{greeting}\n\n\
         {intro}\n\n\
         To {action}, open this link:\n\n\
         {link}\n\n\
         and enter this code:\n\n\
         {code}\n\n\
         The link and code work once, until {expiry}.\n\n\
         This email is for {name} ({username}). If you didn't expect it, contact {contact}; \
         do not share the code with anyone.\n",
        name = user.display_name,
    );

    let e = escape_html;
    let content = format!(
        "<p style=\"font-size:16px\">{greeting}</p>\n\
         <p style=\"font-size:16px\">{intro}</p>\n\
         <p style=\"font-size:16px\">To {action}, open the link below and enter this code:</p>\n\
         <p style=\"font-size:32px;font-weight:bold;letter-spacing:6px;font-family:'Courier New',monospace;\
         background:#eef2f7;padding:12px 16px;border-radius:6px;text-align:center\">{code}</p>\n\
         <p style=\"text-align:center;margin:28px 0\"><a href=\"{href}\" style=\"background:#1d4ed8;color:#ffffff;\
         padding:12px 24px;border-radius:6px;text-decoration:none;font-size:16px;font-weight:bold\">{button}</a></p>\n\
         <p style=\"font-size:14px\">If the button does not work, copy this link into your browser:<br>\
         <a href=\"{href}\" style=\"color:#1d4ed8;word-break:break-all\">{href}</a></p>\n\
         <p style=\"font-size:14px\">The link and code work once, until {expiry}.</p>\n\
         <p style=\"font-size:13px;color:#52606d\">This email is for {name} ({username_html}). If you didn't expect it, \
         contact {contact_html}; do not share the code with anyone.</p>\n",
        greeting = e(&greeting),
        intro = e(&intro),
        href = e(link),
        button = match purpose {
            Purpose::Reset => "Reset Password",
            Purpose::Create => "Create Password",
        },
        expiry = e(&expiry),
        name = e(&user.display_name),
        username_html = e(username),
        contact_html = e(contact),
    );
    let html = html_page(&subject, &content);

    addressed(settings, user, kind, subject, text, html)
}

/// The notice sent after a password was changed at `changed_at`.
pub fn password_changed_email(settings: &EmailSettings, user: &User, changed_at: OffsetDateTime) -> Email {
    let product = &settings.product_name;
    let username = &user.username;
    let subject = format!("Your {product} password was changed ({username})");
    let when = format_utc(changed_at);
    let body = format!(
        "The password of your {product} account, {username}, was changed on {when} using a reset email."
    );
    let warning = format!("If you did not change it, contact {} now.", settings.contact);
    let greeting = format!("Hello {},", user.display_name);
    let text = format!("{greeting}\n\n{body}\n\n{warning}\n");
    let e = escape_html;
    let content = format!(
        "<p style=\"font-size:16px\">{}</p>\n<p style=\"font-size:16px\">{}</p>\n\
         <p style=\"font-size:16px;font-weight:bold\">{}</p>\n",
        e(&greeting),
        e(&body),
        e(&warning),
    );
    let html = html_page(&subject, &content);
    addressed(settings, user, EmailKind::PasswordChanged, subject, text, html)
}

/// Every email of the flow goes to the user's username, from the configured sender.
fn addressed(
    settings: &EmailSettings,
    user: &User,
    kind: EmailKind,
    subject: String,
    text: String,
    html: String,
) -> Email {
    Email {
        kind,
        to: Mailbox::named(user.display_name.clone(), user.username.clone()),
        from: settings.from.clone(),
        reply_to: settings.reply_to.clone(),
        subject,
        text: SecretString::from(text),
        html: SecretString::from(html),
    }
}

/// An HTML document with `title` whose card holds `content`; inline styles
/// only, since mail clients drop style sheets.
fn html_page(title: &str, content: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{}</title></head>\n\
         <body style=\"margin:0;padding:24px;background:#f4f5f7;font-family:Arial,Helvetica,sans-serif;color:#1f2933\">\n\
         <div style=\"max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:32px\">\n\
         {content}</div></body></html>\n",
        escape_html(title)
    )
}

/// A time as the emails and pages show it: "Friday 27 November 2026, 17:01 UTC".
pub fn format_utc(at: OffsetDateTime) -> String {
    let format =
        format_description!("[weekday] [day padding:none] [month repr:long] [year], [hour]:[minute] UTC");
    let utc = at.to_offset(time::UtcOffset::UTC);
    utc.format(format).unwrap_or_else(|_| utc.to_string())
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

impl fmt::Display for Mailbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(name) => write!(f, "{name} <{}>", self.address),
            None => f.write_str(&self.address),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::user::{UserId, UserType};
    use time::macros::datetime;

    fn sam() -> User {
        User {
            id: UserId::new("2"),
            username: "sam.web@inzant.example".to_owned(),
            display_name: "Sam <Web>".to_owned(),
            email_to: Some("sam.personal@example.org".to_owned()),
            user_type: UserType::Web,
            has_password: true,
        }
    }

    const LINK: &str =
        "https://sales.inzant.example/password-reset/AAAAbbbbCCCCddddEEEEffffGGGGhhhhIIIIjjjjKKK";

    fn email(purpose: Purpose) -> Email {
        reset_email(
            &EmailSettings::default(),
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
        assert!(!format!("{email:?}").contains("sam.personal"));
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
        assert!(text.contains("Friday 27 November 2026, 17:01 UTC"));
        assert!(text.contains("If you didn't expect it, contact your administrator"));
    }

    #[test]
    fn reset_and_create_are_worded_differently() {
        let reset = email(Purpose::Reset);
        let create = email(Purpose::Create);
        assert_eq!(reset.kind, EmailKind::Reset);
        assert_eq!(create.kind, EmailKind::Create);
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
        assert!(!html.contains("<img"));
        assert!(!html.contains("<link"));
        assert!(!html.contains("<script"));
    }

    #[test]
    fn debug_of_an_email_hides_link_and_code() {
        let shown = format!("{:?}", email(Purpose::Reset));
        assert!(!shown.contains("012345"));
        assert!(!shown.contains("AAAAbbbb"));
    }

    #[test]
    fn password_changed_notice_names_the_account_and_the_contact() {
        let notice =
            password_changed_email(&EmailSettings::default(), &sam(), datetime!(2026-11-26 09:30 UTC));
        assert_eq!(notice.kind, EmailKind::PasswordChanged);
        assert_eq!(notice.to.address, "sam.web@inzant.example");
        let text = notice.text.expose_secret();
        assert!(text.contains("sam.web@inzant.example"));
        assert!(text.contains("Thursday 26 November 2026, 09:30 UTC"));
        assert!(text.contains("contact your administrator"));
    }
}
