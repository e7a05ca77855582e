#![no_main]
//! Emails composed for any display name and address keep their shape: the
//! link on a line of its own and the code as six digits in the text part,
//! and nothing the user's name contains becomes markup in the HTML part.

use inzant_reset_core::email::{EmailSettings, password_changed_email, reset_email};
use inzant_reset_core::request::Purpose;
use inzant_reset_core::secret::Code;
use inzant_reset_core::user::{User, UserId, UserType};
use inzant_reset_core::words::{Catalogues, Product};
use std::sync::LazyLock;
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use secrecy::{ExposeSecret, SecretString};

#[derive(Arbitrary, Debug)]
struct Input {
    display_name: String,
    username: String,
    product: String,
    create: bool,
    language: u8,
    code: u32,
    unix_time: u32,
}

/// Every shipped language, loaded once.
static CATALOGUES: LazyLock<Catalogues> = LazyLock::new(Catalogues::shipped);

const LINK: &str = "https://sales.inzant.example/password-reset/AAAAbbbbCCCCddddEEEEffffGGGGhhhhIIIIjjjjKKK";

fuzz_target!(|input: Input| {
    let user = User {
        id: UserId::new("1"),
        username: input.username,
        display_name: input.display_name,
        email_to: None,
        user_type: UserType::Web,
        has_password: true,
        locale: None,
        tenant: None,
    };
    let settings = EmailSettings::default();
    let languages: Vec<&str> = CATALOGUES.languages().collect();
    let language = languages[usize::from(input.language) % languages.len()];
    let product = Product::new(input.product, "no-reply@inzant.example");
    let words = CATALOGUES.words(language, &product);
    let Some(code) = Code::parse(&format!("{:06}", input.code % 1_000_000)) else { return };
    let at = time::OffsetDateTime::from_unix_timestamp(i64::from(input.unix_time)).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let purpose = if input.create { Purpose::Create } else { Purpose::Reset };
    let email = reset_email(&settings, &words, &user, purpose, &SecretString::from(LINK), &code, at);
    let text = email.text.expose_secret();
    assert!(text.lines().any(|line| line == LINK));
    assert!(text.lines().any(|line| line == code.expose()));
    assert_eq!(email.to.address, user.username);
    // Every name, address and product text is escaped: the HTML has exactly
    // the markup it has for plain names.
    let plain_user = User { username: "x".into(), display_name: "x".into(), ..user.clone() };
    let plain_product = Product::new("x", "no-reply@inzant.example");
    let plain_words = CATALOGUES.words(language, &plain_product);
    let plain = reset_email(&settings, &plain_words, &plain_user, purpose, &SecretString::from(LINK), &code, at);
    let tags = |html: &str| html.matches('<').count();
    assert_eq!(tags(email.html.expose_secret()), tags(plain.html.expose_secret()));
    let notice = password_changed_email(&settings, &words, &user, at);
    let plain_notice = password_changed_email(&settings, &plain_words, &plain_user, at);
    assert_eq!(tags(notice.html.expose_secret()), tags(plain_notice.html.expose_secret()));
    assert_eq!(notice.to.address, user.username);
});
