//! The back office's pages: home, the accounts list and an account's page.

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use maud::{Markup, html};

use crate::AppState;
use crate::accounts::{self, Account, Kind};
use crate::auth::{Admin, AuthSession, SignedIn};
use crate::flash;
use crate::layout::{AppError, layout};

/// `/`, `/accounts` and `/accounts/{id}`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/accounts", get(account_list))
        .route("/accounts/{id}", get(account_page))
}

async fn home(SignedIn(viewer): SignedIn, auth: AuthSession) -> Markup {
    let flashes = flash::take(&auth.session).await;
    let content = html! {
        section class="panel" {
            h1 { "Hello, " (viewer.display_name) }
            p { "Orders, price lists and stock for the Harbour Supply sales team." }
            @if viewer.kind == Kind::Admin {
                p { a class="button" href="/accounts" { "Manage accounts" } }
            }
        }
    };
    layout("Home", html! {}, Some(&viewer), &flashes, content)
}

async fn account_list(
    Admin(viewer): Admin,
    auth: AuthSession,
    State(state): State<AppState>,
) -> Result<Markup, AppError> {
    let all = accounts::list(&state.pool).await?;
    let flashes = flash::take(&auth.session).await;
    let content = html! {
        h1 { "Accounts" }
        table class="accounts" {
            thead { tr { th { "Name" } th { "Login email" } th { "Kind" } th { "Password" } th { span class="hint" { "Actions" } } } }
            tbody {
                @for account in &all {
                    tr {
                        td { (account.display_name) }
                        td { (account.login_email) }
                        td { (account.kind.label()) }
                        td { @if account.pwd_hash.is_some() { "Set" } @else { "Not set" } }
                        td { a href={ "/accounts/" (account.account_id) } { "Open" } }
                    }
                }
            }
        }
    };
    Ok(layout("Accounts", html! {}, Some(&viewer), &flashes, content))
}

async fn account_page(
    Admin(viewer): Admin,
    auth: AuthSession,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Markup, AppError> {
    let account_id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let account = accounts::find(&state.pool, account_id).await?.ok_or(AppError::NotFound)?;
    let flashes = flash::take(&auth.session).await;
    Ok(layout(&account.display_name, html! {}, Some(&viewer), &flashes, details(&account)))
}

fn details(account: &Account) -> Markup {
    let (purpose, button) = if account.pwd_hash.is_some() {
        ("reset", "Send password reset")
    } else {
        ("create", "Send create-password email")
    };
    html! {
        section class="panel" {
            h1 { (account.display_name) }
            dl class="facts" {
                dt { "Login email" } dd { (account.login_email) }
                dt { "Kind" } dd { (account.kind.label()) }
                dt { "Other mail to" } dd { (account.email_to.as_deref().unwrap_or("the login email")) }
                dt { "Password" } dd { @if account.pwd_hash.is_some() { "Set" } @else { "Not set yet" } }
            }
        }
        section class="panel" {
            h2 { "Password" }
            p class="hint" {
                "Emails " (account.login_email) " a link and a 6-digit code to choose a new password. "
                "Nobody else sees the code."
            }
            form method="post" action={ "/accounts/" (account.account_id) "/reset-password" } {
                input type="hidden" name="purpose" value=(purpose);
                button class="button" type="submit" { (button) }
            }
        }
    }
}
