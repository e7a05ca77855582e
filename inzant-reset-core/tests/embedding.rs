//! What a host replaces: who may send resets, the words of the emails, the
//! mail itself (from the email's facts), and the sign-in check.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use async_trait::async_trait;
use inzant_reset_core::email::EmailMessage;
use inzant_reset_core::error::DirectoryError;
use inzant_reset_core::hash::HashParams;
use inzant_reset_core::memory::{MemoryDirectory, MemoryOutbox, MemoryStore};
use inzant_reset_core::ports::{AdminAction, Authorization};
use inzant_reset_core::prelude::*;
use secrecy::{ExposeSecret, SecretString};

fn person(id: &str, name: &str, user_type: UserType) -> User {
    User {
        id: UserId::new(id),
        username: format!("{}@acme.example", name.to_lowercase().replace(' ', ".")),
        display_name: name.to_owned(),
        email_to: None,
        user_type,
        // Device users here were set up without a password (and get "Create Password").
        has_password: user_type != UserType::Device,
        locale: None,
        tenant: None,
    }
}

/// Managers are web users whose name says so; they may send resets to the
/// device users of their own team (the word after the dash), admins to anyone.
#[derive(Debug)]
struct Teams;

fn team(user: &User) -> &str {
    user.display_name.rsplit(" - ").next().unwrap_or("")
}

#[async_trait]
impl Authorization for Teams {
    async fn may_manage_resets(&self, actor: &User) -> Result<bool, DirectoryError> {
        Ok(actor.user_type == UserType::Admin || actor.display_name.starts_with("Manager"))
    }

    async fn allows(
        &self,
        actor: &User,
        target: Option<&User>,
        action: AdminAction,
    ) -> Result<bool, DirectoryError> {
        if actor.user_type == UserType::Admin {
            return Ok(true);
        }
        let Some(target) = target else { return Ok(false) };
        let same_team = team(actor) == team(target) && target.user_type == UserType::Device;
        Ok(same_team && action == AdminAction::SendReset(Purpose::Reset))
    }
}

/// Acme's own wording of the reset email, as a Fluent file of its own: the
/// messages it rewords, nothing else.
const ACME_EN: &str = r#"
reset-email-subject =
    { $purpose ->
        [create] Your new { $product } account, { $username }
       *[reset] Your { $product } password, { $username }
    }
reset-email-intro = Your manager asked us to send you a new password link.
reset-email-footer = This email is for { $name } ({ $username }). If you didn't expect it, contact the Acme help desk (help@acme.example).
"#;

struct World {
    service: ResetService,
    outbox: Arc<MemoryOutbox>,
    directory: Arc<MemoryDirectory>,
}

fn world() -> World {
    let directory = Arc::new(MemoryDirectory::new());
    for user in [
        person("1", "Ada Admin", UserType::Admin),
        person("2", "Manager Mo - north", UserType::Web),
        person("3", "Tablet Tia - north", UserType::Device),
        person("4", "Tablet Tom - south", UserType::Device),
        person("5", "Sam Web - north", UserType::Web),
    ] {
        directory.insert(user);
    }
    let outbox = Arc::new(MemoryOutbox::new());
    let service = ResetService::builder(
        Arc::new(MemoryStore::new()),
        directory.clone(),
        outbox.clone(),
        CodeKeys::new(vec![9; 32], vec![]).unwrap(),
        ResetConfig::new("https://acme.example/sales"),
    )
    .authorization(Arc::new(Teams))
    .product(Product::new("Acme Field Sales", "no-reply@acme.example"))
    .catalogues(Catalogues::builder().source("en", "acme-en.ftl", ACME_EN).build().unwrap())
    .hash_params(HashParams::insecure_for_tests())
    .build()
    .unwrap();
    World { service, outbox, directory }
}

fn id(id: &str) -> UserId {
    UserId::new(id)
}

#[tokio::test]
async fn the_hosts_authorization_decides_who_may_send_whom_a_reset() {
    let w = world();
    w.service.trigger(&id("2"), &id("3"), Purpose::Reset).await.unwrap();
    for (actor, target, purpose) in [
        ("2", "4", Purpose::Reset),  // another team
        ("2", "5", Purpose::Reset),  // not a device user
        ("2", "3", Purpose::Create), // not an action managers may take
        ("5", "3", Purpose::Reset),  // not a manager
    ] {
        let refused = w.service.trigger(&id(actor), &id(target), purpose).await.unwrap_err();
        assert!(matches!(refused, ResetError::NotAllowed { .. }), "{actor} → {target}: {refused:?}");
        let said = w.service.words("en").refusal(&refused);
        assert!(
            said.starts_with("You may not ") && said.ends_with("this user.") || said.contains("this user's"),
            "{said}"
        );
    }
    w.service.trigger(&id("1"), &id("4"), Purpose::Create).await.unwrap();
    assert_eq!(w.outbox.emails().len(), 2);
}

#[tokio::test]
async fn those_who_may_not_manage_resets_learn_nothing_about_which_users_exist() {
    let w = world();
    let refused = w.service.trigger(&id("5"), &id("no-such-user"), Purpose::Reset).await.unwrap_err();
    assert!(matches!(refused, ResetError::NotAllowed { .. }), "{refused:?}");
    // A manager's rule covers only their team: a missing id is refused like another team's user.
    let missing = w.service.trigger(&id("2"), &id("no-such-user"), Purpose::Reset).await.unwrap_err();
    let elsewhere = w.service.trigger(&id("2"), &id("4"), Purpose::Reset).await.unwrap_err();
    assert_eq!(format!("{missing:?}"), format!("{elsewhere:?}"));
    assert!(matches!(missing, ResetError::NotAllowed { .. }), "{missing:?}");
    // Admins may act on anyone, so they may hear that a user does not exist.
    let refused = w.service.trigger(&id("1"), &id("no-such-user"), Purpose::Reset).await.unwrap_err();
    assert!(matches!(refused, ResetError::UnknownUser), "{refused:?}");
}

#[tokio::test]
async fn emails_speak_the_hosts_words_and_come_from_its_product() {
    let w = world();
    w.service.trigger(&id("1"), &id("3"), Purpose::Reset).await.unwrap();
    let email = w.outbox.emails().pop().unwrap();
    assert_eq!(email.subject, "Your Acme Field Sales password, tablet.tia.-.north@acme.example");
    assert_eq!(email.from.name.as_deref(), Some("Acme Field Sales"));
    let text = email.text.expose_secret();
    assert!(text.contains("Your manager asked us to send you a new password link."), "{text}");
    assert!(text.contains("contact the Acme help desk (help@acme.example)"), "{text}");
    assert_eq!(email.from.address, "no-reply@acme.example");
    assert!(!text.contains("Inzant"), "{text}");
    let html = email.html.expose_secret();
    assert!(html.contains("Your manager asked us"), "{html}");
    assert!(!html.contains("Inzant"), "{html}");
}

#[tokio::test]
async fn an_email_carries_its_facts_for_hosts_that_compose_their_own() {
    let w = world();
    let receipt = w.service.trigger(&id("1"), &id("3"), Purpose::Create).await.unwrap();
    let email = w.outbox.emails().pop().unwrap();
    let (token, code) = w.outbox.last_link_and_code().unwrap();
    match &email.message {
        EmailMessage::Reset { purpose, link, code: sent, expires_at } => {
            assert_eq!(*purpose, Purpose::Create);
            assert_eq!(link.expose_secret(), format!("https://acme.example/sales/password-reset/{token}"));
            assert_eq!(sent.expose(), code);
            assert_eq!(*expires_at, receipt.expires_at);
        }
        other => panic!("a reset email carries a link and a code, not {other:?}"),
    }
    assert_eq!(email.user.id, id("3"));
    let shown = format!("{:?}", email.message);
    assert!(!shown.contains(&token) && !shown.contains(&code), "{shown}");
}

#[tokio::test]
async fn the_hosts_sign_in_verifies_through_the_service_like_the_reset_hashed() {
    let w = world();
    w.service.trigger(&id("1"), &id("3"), Purpose::Reset).await.unwrap();
    let (token, code) = w.outbox.last_link_and_code().unwrap();
    // Typed on a tablet with a decomposed "é"; signed in later from a PC with the composed one.
    let typed = "Cafe\u{301}-Harbour-Lantern-42";
    let form = SubmitForm { code: code.into(), new_password: typed.into(), confirm_password: typed.into() };
    w.service.submit(&token, &form).await.unwrap();
    let stored = w.directory.password_hash(&id("3")).unwrap();
    let composed = SecretString::from("Caf\u{e9}-Harbour-Lantern-42");
    assert!(w.service.verify(&composed, stored.as_str()).await.unwrap());
    assert!(
        !w.service.verify(&SecretString::from("Cafe-Harbour-Lantern-42"), stored.as_str()).await.unwrap()
    );
    assert!(!w.service.needs_rehash(stored.as_str()));
    let rehashed = w.service.hash_password(&composed).await.unwrap();
    assert!(w.service.verify(&composed, rehashed.as_str()).await.unwrap());
    assert!(w.service.verify(&composed, "not a hash").await.is_err());
}
