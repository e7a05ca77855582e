use super::*;
use crate::user::{UserId, UserType};
use time::macros::datetime;

const SHIPPED: [&str; 4] = ["en", "de", "fr", "es"];

fn shipped() -> Catalogues {
    Catalogues::builder().build().expect("the shipped catalogues pass their checks")
}

fn ids(ftl: &str) -> Vec<String> {
    ftl.lines()
        .filter(|line| line.starts_with(|c: char| c.is_ascii_lowercase()))
        .filter_map(|line| line.split_once('=').map(|(id, _)| id.trim().to_owned()))
        .collect()
}

#[test]
fn every_shipped_language_has_every_message_with_the_same_variables() {
    let catalogues = shipped();
    assert_eq!(catalogues.languages().collect::<Vec<_>>(), SHIPPED);
    let english = ids(include_str!("../../locales/en.ftl"));
    assert!(english.len() > 100, "{}", english.len());
    for (tag, text) in [
        ("de", include_str!("../../locales/de.ftl")),
        ("fr", include_str!("../../locales/fr.ftl")),
        ("es", include_str!("../../locales/es.ftl")),
    ] {
        let mut theirs = ids(text);
        theirs.sort();
        let mut ours = english.clone();
        ours.sort();
        assert_eq!(theirs, ours, "{tag}");
    }
}

#[test]
fn every_message_is_asked_for_by_the_code() {
    let code = [include_str!("mod.rs"), include_str!("text.rs")].concat();
    for id in ids(include_str!("../../locales/en.ftl")) {
        assert!(code.contains(&format!("\"{id}\"")), "message {id} is never used");
    }
}

#[test]
fn refusals_are_the_sentences_of_the_spec() {
    let catalogues = shipped();
    let product = Product::inzant();
    let words = catalogues.words("en", &product);
    assert_eq!(
        words.refusal(&ResetError::IncorrectCode { attempts_left: 4 }),
        "The code is incorrect. 4 attempts left."
    );
    assert_eq!(
        words.refusal(&ResetError::IncorrectCode { attempts_left: 1 }),
        "The code is incorrect. 1 attempt left."
    );
    assert_eq!(
        words.refusal(&ResetError::Locked),
        "Too many incorrect codes. Ask your administrator to send a new reset email."
    );
    assert_eq!(words.refusal(&ResetError::PasswordsDiffer), "The passwords do not match.");
    assert_eq!(words.refusal(&ResetError::TooLong { max: 128 }), "Passwords can be at most 128 characters.");
    assert_eq!(words.refusal(&ResetError::Expired), "This reset link has expired.");
    assert_eq!(words.refusal(&ResetError::AlreadyUsed), "This reset link has already been used.");
    assert_eq!(
        words.refusal(&ResetError::Superseded),
        "A newer reset email has been sent; use the link in that one."
    );
    let labels: Vec<String> = [
        StrengthLevel::TooWeak,
        StrengthLevel::Weak,
        StrengthLevel::Acceptable,
        StrengthLevel::Good,
        StrengthLevel::Strong,
    ]
    .into_iter()
    .map(|level| words.strength_label(level))
    .collect();
    assert_eq!(labels, ["Too Weak", "Weak", "Acceptable", "Good", "Strong"]);
}

#[test]
fn plurals_follow_each_languages_rules() {
    let catalogues = shipped();
    let product = Product::inzant();
    let german = catalogues.words("de", &product);
    assert_ne!(german.attempts_left(1), german.attempts_left(2).replace('2', "1"));
    let english = catalogues.words("en", &product);
    assert_eq!(english.attempts_left(1), "1 code attempt left.");
    assert_eq!(english.attempts_left(0), "0 code attempts left.");
    // French puts 0 with 1 (CLDR "one"); English does not.
    let french = catalogues.words("fr", &product);
    assert_eq!(french.attempts_left(0).replace('0', "1"), french.attempts_left(1));
}

#[test]
fn times_are_written_in_the_languages_own_style() {
    let catalogues = shipped();
    let product = Product::inzant();
    let at = datetime!(2026-11-27 17:01 UTC);
    let german = catalogues.words("de", &product).time(at);
    assert!(german.contains("27. November 2026") && german.contains("17:01"), "{german}");
    let french = catalogues.words("fr", &product).time(at);
    assert!(french.contains("vendredi 27 novembre 2026"), "{french}");
    let spanish = catalogues.words("es", &product).time(at);
    assert!(spanish.contains("27 de noviembre de 2026"), "{spanish}");
    let english = catalogues.words("en", &product).time(at);
    assert!(english.contains("November 27, 2026") && english.contains("UTC"), "{english}");
    // Another offset is the same instant.
    let offset = at.to_offset(time::UtcOffset::from_hms(2, 0, 0).unwrap());
    assert_eq!(catalogues.words("de", &product).time(offset), german);
}

#[test]
fn a_persons_locale_picks_the_closest_language() {
    let catalogues = shipped();
    assert_eq!(catalogues.choose(Some("de")), "de");
    assert_eq!(catalogues.choose(Some("de_AT")), "de");
    assert_eq!(catalogues.choose(Some("ES-mx")), "es");
    assert_eq!(catalogues.choose(Some("pt-BR")), "en");
    assert_eq!(catalogues.choose(Some("")), "en");
    assert_eq!(catalogues.choose(Some("not a tag!")), "en");
    assert_eq!(catalogues.choose(None), "en");
    assert_eq!(catalogues.choose_from_header("it, fr;q=0.8, de;q=0.5"), "fr");
    assert_eq!(catalogues.choose_from_header(""), "en");
}

#[test]
fn a_host_file_rewords_one_message_and_keeps_the_rest() {
    let catalogues = Catalogues::builder()
        .source("de", "host-de.ftl", "save-button = Passwort festlegen\n")
        .default_language("de")
        .build()
        .unwrap();
    assert_eq!(catalogues.default_language(), "de");
    let product = Product::inzant();
    let german = catalogues.words("de", &product);
    assert_eq!(german.text(Text::SaveButton), "Passwort festlegen");
    assert_eq!(german.text(Text::LanguageName), "Deutsch");
    assert_eq!(catalogues.choose(None), "de");
}

#[test]
fn a_host_file_with_a_typod_variable_names_file_line_and_message() {
    let text = "# Acme's words\n\nsave-button = Save\nworks-until = Valid until { $tme }.\n";
    let error = Catalogues::builder().source("en", "acme/en.ftl", text).build().unwrap_err();
    assert_eq!(error.file, "acme/en.ftl");
    assert_eq!(error.line, Some(4));
    assert_eq!(error.message.as_deref(), Some("works-until"));
    assert!(
        error.to_string().starts_with("acme/en.ftl:4: message `works-until`: unknown variable $tme"),
        "{error}"
    );
}

#[test]
fn a_host_file_that_drops_a_variable_or_misspells_a_message_stops_start_up() {
    let missing = Catalogues::builder()
        .source("en", "en.ftl", "attempts-left = A few attempts left.\n")
        .build()
        .unwrap_err();
    assert!(missing.to_string().contains("must show $count"), "{missing}");
    // A variable that only chooses between wordings may be left out.
    let one_wording = "reset-email-button = Open\n";
    assert!(Catalogues::builder().source("en", "en.ftl", one_wording).build().is_ok());
    let unknown = Catalogues::builder().source("en", "en.ftl", "\nsave-buton = Save\n").build().unwrap_err();
    assert_eq!((unknown.line, unknown.message.as_deref()), (Some(2), Some("save-buton")));
    let syntax =
        Catalogues::builder().source("en", "en.ftl", "a = ok\nsave-button = { $x\n").build().unwrap_err();
    assert!(syntax.line.is_some() && syntax.to_string().contains("not valid Fluent"), "{syntax}");
}

#[test]
fn a_new_language_must_be_complete_and_have_plural_rules() {
    let incomplete = Catalogues::builder()
        .source("it", "it.ftl", "save-button = Salva la nuova password\n")
        .build()
        .unwrap_err();
    assert!(incomplete.to_string().contains("missing from language it"), "{incomplete}");
    let everything = include_str!("../../locales/en.ftl");
    let complete = Catalogues::builder().source("it", "it.ftl", everything).build().unwrap();
    assert!(complete.has("it"));
    let no_rules = Catalogues::builder().source("qqq", "qqq.ftl", everything).build().unwrap_err();
    assert!(no_rules.to_string().contains("no plural rules"), "{no_rules}");
}

#[test]
fn an_unknown_default_language_stops_start_up() {
    let error = Catalogues::builder().default_language("it").build().unwrap_err();
    assert!(error.to_string().contains("default language"), "{error}");
}

#[test]
fn pieces_mark_where_markup_goes() {
    let catalogues = shipped();
    let product = Product::inzant();
    let words = catalogues.words("en", &product);
    let pieces = words.pieces("works-until", &[], &["time"]);
    assert_eq!(
        pieces,
        vec![
            Piece::Literal("This link and code work until ".into()),
            Piece::Placeholder("time".into()),
            Piece::Literal(".".into()),
        ]
    );
}

#[test]
fn pseudo_languages_transform_every_word_and_the_mirrored_one_reads_right_to_left() {
    let catalogues = Catalogues::builder()
        .pseudo("en-XA", Pseudo::Accented)
        .pseudo("ar-XB", Pseudo::Mirrored)
        .build()
        .unwrap();
    let product = Product::inzant();
    let accented = catalogues.words("en-XA", &product);
    assert!(accented.text(Text::SaveButton).starts_with('['));
    assert_eq!(accented.direction(), "ltr");
    let mirrored = catalogues.words("ar-XB", &product);
    assert_eq!(mirrored.direction(), "rtl");
    assert_eq!(mirrored.language(), "ar-XB");
}

#[test]
fn the_device_page_names_the_products_apps_as_a_list_in_the_language() {
    let catalogues = shipped();
    let inzant = Product::inzant();
    assert_eq!(
        catalogues.words("en", &inzant).text(Text::DeviceDoneMessage),
        "Use your new password to sign in to Inzant Sales Plus or Inzant Tradeshow."
    );
    let german = catalogues.words("de", &inzant).text(Text::DeviceDoneMessage);
    assert!(german.contains("Inzant Sales Plus oder Inzant Tradeshow"), "{german}");
    let acme = Product::new("Acme CRM", "no-reply@acme.example");
    assert!(catalogues.words("en", &acme).text(Text::DeviceDoneMessage).contains("Acme CRM"));
}

#[test]
fn emails_address_the_person_by_name_or_else_username() {
    let catalogues = shipped();
    let product = Product::inzant();
    let mut user = User {
        id: UserId::new("2"),
        username: "sam.web@inzant.example".into(),
        display_name: String::new(),
        email_to: None,
        user_type: UserType::Web,
        has_password: true,
        locale: None,
        tenant: None,
    };
    let at = datetime!(2026-11-27 17:01 UTC);
    let copy = catalogues.words("en", &product).reset_email(&user, Purpose::Reset, at);
    assert_eq!(copy.greeting, "Hello sam.web@inzant.example,");
    user.display_name = "Sam Web".into();
    let copy = catalogues.words("es", &product).reset_email(&user, Purpose::Create, at);
    assert!(copy.greeting.contains("Sam Web"), "{}", copy.greeting);
    assert!(copy.subject.contains("Inzant Sales") && copy.subject.contains("sam.web@inzant.example"));
}

#[test]
fn zxcvbns_feedback_is_said_in_the_language() {
    let catalogues = shipped();
    let product = Product::inzant();
    for (english, _) in text::FEEDBACK {
        assert!(!catalogues.words("en", &product).feedback(english).is_empty());
        assert_ne!(catalogues.words("de", &product).feedback(english), english, "{english}");
    }
    assert_eq!(catalogues.words("de", &product).feedback("Something new."), "Something new.");
}
