//! The admin-triggered password reset (inzant-reset), added to Harbour
//! Supply. Everything the library needs from the app is here; the rest of
//! the app calls [`start`], merges the routes of the [`ResetWeb`] it returns
//! (the public pages, and the admin's behind our sign-in) and signs in
//! through the [`Passwords`] it returns.
//!
//! The app meets the library as one value, `Harbour`: our mail, our admin
//! sessions and our app tokens. Our words are data: `locales/en.ftl` rewords
//! the few messages we say our own way.

use std::{sync::Arc, time::Duration};

use axum::response::{IntoResponse, Redirect, Response};
use axum::{extract::FromRequestParts, http::request::Parts};
use inzant_reset_axum::prelude::*;
use inzant_reset_core::prelude::*;
use inzant_reset_sqlx::{IdType, PgReset, UsersTable};
use sqlx::PgPool;
use tower_sessions::Session;

use crate::auth::{Admin, PasswordError, Passwords};
use crate::{Config, StartupError, api, flash, flash::Flash, layout, mail};

/// Creates the library's tables (in schema `inzant_reset`; ours are left
/// alone), builds the reset service over our `accounts` table, starts the
/// purge timer, and returns the reset's web side (pages, and send, status and
/// cancel under `/accounts/{id}/…`) and the sign-in's password check.
///
/// # Errors
/// The database failed or `accounts` is not as described, a file in
/// `locales/` does not check out (the error names its line), or the library
/// refused a setting (public URL, secret).
pub async fn start(pool: &PgPool, config: &Config) -> Result<(ResetWeb, Arc<dyn Passwords>), StartupError> {
    let pg = PgReset::new(pool.clone());
    pg.migrate().await?;
    let accounts = UsersTable::new("accounts")?
        .id("account_id", IdType::BigInt)?
        .username("login_email")?
        .password_hash("pwd_hash")?
        .user_type("kind", ["admin", "web", "device"])?
        .locale("locale")?; // NULL: English
    pg.check(&accounts).await?; // a misnamed column stops us here, not at the first reset
    let keys = match &config.reset_secret {
        Some(secret) => CodeKeys::from_text(secret, &[])?,
        None => {
            tracing::warn!("APP_RESET_SECRET is unset: reset codes stop working when the app restarts");
            CodeKeys::generate(&OsRandom)?
        }
    };
    let harbour = Arc::new(Harbour(pool.clone()));
    // pg.service: the store writes pwd_hash in the same transaction that completes the request.
    let builder = pg.service(accounts, harbour.clone(), keys, ResetConfig::new(&config.public_url));
    let catalogues = Catalogues::builder().directory(&config.locales_dir).build()?; // locales/en.ftl
    let product = Product::new(layout::PRODUCT, "no-reply@harbour.example"); // our name in pages and emails
    let service = Arc::new(builder.hooks(harbour.clone()).product(product).catalogues(catalogues).build()?);
    // Our layout is English; the reset's own words speak the reset's language.
    let in_our_layout = |page: Page<'_>| {
        let body = html! { div lang=(page.language) dir=(page.direction) { (page.body) } };
        layout::layout(page.name, page.head, None, &[], body)
    };
    let settings = WebSettings::new("/login").admin_path("/accounts").layout(in_our_layout);
    let web = ResetWeb::new(Arc::clone(&service), harbour, settings);
    web.spawn_purge(Duration::from_secs(3600), Duration::from_secs(30 * 24 * 3600));
    Ok((web, service))
}

// Sign-in must check passwords here: the library NFKC-normalizes passwords
// when it sets them. Both run on the service's own threads, off the executor.
#[async_trait]
impl Passwords for ResetService {
    async fn verify(&self, password: &SecretString, pwd_hash: &str) -> Result<bool, PasswordError> {
        Ok(ResetService::verify(self, password, pwd_hash).await?)
    }
    fn needs_rehash(&self, pwd_hash: &str) -> bool {
        ResetService::needs_rehash(self, pwd_hash)
    }
    async fn hash(&self, password: &SecretString) -> Result<String, PasswordError> {
        Ok(self.hash_password(password).await?.as_str().to_owned())
    }
}

/// Harbour Supply, as the reset library sees it.
#[derive(Debug)]
struct Harbour(PgPool);

/// Who is asking: our `Admin` extractor (its redirect to the login page and
/// its 403 page stand). A trigger is answered with a flash on the account's page.
#[async_trait]
impl AdminGate for Harbour {
    async fn actor(&self, parts: &mut Parts) -> Result<UserId, Response> {
        let Admin(admin) = Admin::from_request_parts(parts, &()).await?;
        Ok(admin.account_id.into())
    }

    async fn triggered(&self, parts: &mut Parts, answer: Answer<'_, TriggerReceipt>) -> Response {
        // An unknown account goes back to the list; the id is escaped for the URL.
        let page =
            if answer.is_unknown_user() { String::new() } else { format!("/{}", answer.user_segment()) };
        let flash = if answer.outcome.is_ok() { Flash::success } else { Flash::error };
        if let Some(session) = parts.extensions.get::<Session>() {
            flash::push(session, flash(answer.message())).await;
        }
        Redirect::to(&format!("/accounts{page}")).into_response()
    }
}

/// The library's emails (in our words) queue in our outbox like all our mail.
#[async_trait]
impl Mailer for Harbour {
    async fn send(&self, email: &Email) -> Result<(), MailError> {
        let mail = mail::OutgoingMail {
            category: "password",
            to: email.to.address.clone(),
            to_name: email.to.name.clone(),
            subject: email.subject.clone(),
            text: email.text.expose_secret().to_owned(),
            html: Some(email.html.expose_secret().to_owned()),
        };
        let queued = mail::send_mail(&self.0, mail).await;
        queued.map(drop).map_err(|error| MailError::with_source("the outbox is unavailable", error))
    }
}

/// After a reset the account's app tokens stop working. Its other web
/// sessions need nothing here: axum-login checks every session against the
/// account's `session_auth_hash` (its `pwd_hash`), so the new hash signs
/// them out by itself.
#[async_trait]
impl ResetHooks for Harbour {
    async fn password_changed(&self, user: &User) -> Result<(), HookError> {
        let account_id = user.id.parse().map_err(|e| HookError::with_source("not an account", e))?;
        let revoked = api::revoke_tokens(&self.0, account_id).await;
        revoked.map(drop).map_err(|error| HookError::with_source("app tokens not revoked", error))
    }
}
