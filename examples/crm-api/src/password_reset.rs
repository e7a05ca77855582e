//! The admin-triggered password reset (inzant-reset), added to Northwind
//! CRM. Everything the library needs from the API is here; the rest of the
//! API calls [`start`], merges the routes of the [`ResetWeb`] it returns
//! (the public pages, and the admin's beside its own API) and signs in with
//! the service's `verify`.
//!
//! What is ours and stays ours: `crm.people` as it is (described, not
//! viewed), the admin app's bearer tokens, the tenant rule, and the outbox.

use std::convert::Infallible;
use std::{sync::Arc, time::Duration};

use inzant_reset_axum::prelude::*;
use inzant_reset_core::prelude::*;
use inzant_reset_sqlx::{IdType, PgReset, UsersTable};
use sqlx::PgPool;
use sqlx::types::Uuid;

use crate::auth::{Staff, Tokens};
use crate::outbox::{Outbox, OutgoingMail};
use crate::{Config, StartupError};

/// Creates the library's tables (in schema `inzant_reset`), checks our
/// description of `crm.people` against the database, builds the reset
/// service and starts its purge timer. The admin routes are
/// `/api/people/{person_id}/reset-password`, `…/reset-status` and
/// `…/cancel-reset`; the reset pages `/password-reset/{token}`. Both are
/// served without the public URL's path, which our proxy strips.
///
/// # Errors
/// The database failed, `crm.people` does not match (the message names the
/// table and column), or the library refused a setting.
pub async fn start(
    pool: &PgPool,
    config: &Config,
    outbox: &Outbox,
    tokens: &Tokens,
) -> Result<ResetWeb, StartupError> {
    let pg = PgReset::new(pool.clone());
    pg.migrate().await?;
    let people = UsersTable::new("crm.people")?
        .id("person_id", IdType::Uuid)?
        .username("email")?
        .password_hash("pwd")?
        .display_name("full_name")? // NULL: the email greets them by their email address
        .email_to(None)?
        .user_type_flags(Some("is_admin"), Some("app_only"))?
        .locale("locale")?
        .tenant("tenant_id")?;
    pg.check(&people).await?; // a misnamed column stops us here, not at the first reset
    let keys = match &config.reset_secret {
        Some(secret) => CodeKeys::from_text(secret, &[])?,
        None => {
            tracing::warn!("CRM_RESET_SECRET is unset: reset codes stop working when the API restarts");
            CodeKeys::generate(&OsRandom)?
        }
    };
    let northwind = Arc::new(Northwind { outbox: outbox.clone(), tokens: tokens.clone() });
    let service = pg
        .service(people, northwind.clone(), keys, ResetConfig::new(&config.public_url))
        .product(Product::new("Northwind CRM", "no-reply@northwind.example"))
        .authorization(Arc::new(SameTenant))
        .hooks(northwind)
        .build()?;
    // Our admin app sends `Authorization: Bearer …`: the gate takes our own extractor.
    let gate = ExtractorGate::bearer(tokens.clone(), |staff: Staff| {
        Ok::<_, Infallible>(UserId::new(staff.person_id.to_string()))
    });
    let settings = WebSettings::new(format!("{}/sign-in", config.admin_ui))
        .serve_path("") // the proxy strips the public URL's path (/crm)
        .admin_path("/api/people");
    let web = ResetWeb::try_new(Arc::new(service), Arc::new(gate), settings)?;
    web.spawn_purge(Duration::from_secs(3600), Duration::from_secs(30 * 24 * 3600));
    Ok(web)
}

/// Admins act on the people of their own tenant only. Anyone else, and an
/// id that is nobody's, is refused alike.
#[derive(Debug)]
struct SameTenant;

#[async_trait]
impl Authorization for SameTenant {
    async fn allows(
        &self,
        actor: &User,
        target: Option<&User>,
        _: AdminAction,
    ) -> Result<bool, DirectoryError> {
        let same_tenant =
            target.is_some_and(|target| target.tenant.is_some() && target.tenant == actor.tenant);
        Ok(actor.user_type == UserType::Admin && same_tenant)
    }
}

/// Northwind CRM, as the reset library sees it: our outbox and our tokens.
#[derive(Debug)]
struct Northwind {
    outbox: Outbox,
    tokens: Tokens,
}

/// The library's emails (finished, in the person's language) join our outbox.
#[async_trait]
impl Mailer for Northwind {
    async fn send(&self, email: &Email) -> Result<(), MailError> {
        self.outbox.send(OutgoingMail {
            from: email.from.address.clone(),
            to: email.to.address.clone(),
            subject: email.subject.clone(),
            text: email.text.expose_secret().to_owned(),
            html: Some(email.html.expose_secret().to_owned()),
        });
        Ok(())
    }
}

/// After a reset the person's admin-app tokens stop working.
#[async_trait]
impl ResetHooks for Northwind {
    async fn password_changed(&self, user: &User) -> Result<(), HookError> {
        let person_id: Uuid = user.id.parse().map_err(|e| HookError::with_source("not a person id", e))?;
        self.tokens.revoke_person(person_id);
        Ok(())
    }
}
