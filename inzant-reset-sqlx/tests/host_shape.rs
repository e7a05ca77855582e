//! A host's users table of its own shape (`crm.people`: UUID ids, a
//! nullable name, the user type in boolean columns, a BIGINT tenant, a
//! nullable locale, no "email to"), described as it is: the directory reads
//! it, the start-up check accepts it, the store conformance suite runs with
//! it wired, and the one-transaction completion writes its `pwd` column,
//! with no half state when the connection dies mid-completion.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::people::{Person, create_people_table, people_instance, people_table, saved_person, stored_pwd};
use common::{backend_waiting_on_a_lock, current, fresh_user_id, hash_of, issued, pool};
use inzant_reset_core::conformance::T0;
use inzant_reset_core::ports::{ResetStore, UserDirectory};
use inzant_reset_core::state::RequestState;
use inzant_reset_core::user::{UserId, UserType};
use inzant_reset_sqlx::{PgReset, PgStore, PgUserDirectory, Schema};

const MINUTE: Duration = Duration::from_secs(60);

#[tokio::test]
async fn users_are_read_with_null_names_and_locales_flags_and_a_bigint_tenant() {
    let (_, users) = people_instance(4).await;
    let pool = users.pool();
    let admin = saved_person(
        pool,
        Person { is_admin: true, app_only: true, locale: Some("de"), ..Person::default() },
    )
    .await;
    let device = saved_person(pool, Person { app_only: true, tenant: 7, ..Person::default() }).await;
    let nameless = saved_person(pool, Person { full_name: None, ..Person::default() }).await;

    for person in [&admin, &device, &nameless] {
        assert_eq!(users.find(&person.id).await.unwrap().as_ref(), Some(person));
    }
    assert_eq!(admin.user_type, UserType::Admin, "is_admin wins over app_only");
    assert_eq!(admin.locale.as_deref(), Some("de"));
    assert_eq!((device.user_type, device.tenant.as_deref()), (UserType::Device, Some("7")));
    let read = users.find(&nameless.id).await.unwrap().unwrap();
    assert_eq!(
        (read.user_type, read.display_name.as_str(), read.locale.as_deref()),
        (UserType::Web, "", None)
    );
    assert_eq!(read.name(), read.username, "a person without a name is addressed by username");
    assert_eq!(read.tenant.as_deref(), Some("42"));

    // The id is a UUID: any spelling of it finds the person; other text finds nobody.
    let shouting = UserId::new(admin.id.as_str().to_uppercase());
    assert_eq!(users.find(&shouting).await.unwrap().map(|u| u.id), Some(admin.id.clone()));
    assert_eq!(users.find(&fresh_user_id()).await.unwrap(), None);
    let by_name = users.find_by_username(&device.username.to_uppercase()).await.unwrap();
    assert_eq!(by_name.map(|u| u.id), Some(device.id.clone()));

    // A blank locale is no locale.
    sqlx::query("UPDATE crm.people SET locale = '  ' WHERE person_id = $1::text::uuid")
        .bind(admin.id.as_str())
        .execute(pool)
        .await
        .unwrap();
    assert_eq!(users.find(&admin.id).await.unwrap().unwrap().locale, None);
}

#[tokio::test]
async fn fields_may_be_sql_expressions() {
    let (_, users) = people_instance(4).await;
    let described = people_table()
        .display_name_sql("coalesce(full_name, split_part(email, '@', 1))")
        .and_then(|t| t.email_to_sql("'team-' || tenant_id || '@crm.example'"))
        .and_then(|t| t.locale_sql("coalesce(locale, 'en') -- the CRM's default"))
        .and_then(|t| t.tenant_sql("'t' || tenant_id"))
        .and_then(|t| t.user_type_sql("CASE WHEN is_admin THEN 'admin' WHEN app_only THEN 'device' END"))
        .unwrap();
    let directory = PgUserDirectory::new(users.pool().clone(), described);
    directory.check().await.unwrap();

    let nameless =
        saved_person(users.pool(), Person { full_name: None, is_admin: true, ..Person::default() }).await;
    let read = directory.find(&nameless.id).await.unwrap().unwrap();
    assert_eq!(read.display_name, nameless.username.split('@').next().unwrap());
    assert_eq!(read.email_to.as_deref(), Some("team-42@crm.example"));
    assert_eq!((read.locale.as_deref(), read.tenant.as_deref()), (Some("en"), Some("t42")));
    assert_eq!(read.user_type, UserType::Admin);

    // The expression gives no type for this person: an error saying so, not a guess.
    let web = saved_person(users.pool(), Person::default()).await;
    let error = directory.find(&web.id).await.unwrap_err();
    assert!(error.to_string().contains("has no user type (NULL)"), "{error}");
}

#[tokio::test]
async fn the_start_up_check_accepts_the_table_as_it_is() {
    let (store, users) = people_instance(2).await;
    users.check().await.unwrap();
    let pg = PgReset::new(store.pool().clone()).with_schema(common::schema());
    pg.check(&people_table()).await.unwrap();
    pg.check(&people_table().without_display_name().user_type_flags(None, Some("app_only")).unwrap())
        .await
        .unwrap();
}

#[tokio::test]
async fn completion_writes_the_hash_to_the_hosts_column_in_one_transaction() {
    let (store, users) = people_instance(4).await;
    let person = saved_person(users.pool(), Person { full_name: None, ..Person::default() }).await;
    let request = issued(&store, &person.id, T0).await;
    let hash = hash_of("Velvet#Harb7");

    assert_eq!(
        store.complete_with_password(request.id, &person.id, &hash, T0 + MINUTE).await.unwrap(),
        Some(true)
    );
    assert_eq!(current(&store, &request).await.state, RequestState::Completed);
    assert_eq!(stored_pwd(users.pool(), &person.id).await.as_deref(), Some(hash.as_str()));
    assert!(users.find(&person.id).await.unwrap().unwrap().has_password);
    assert_eq!(users.password_hash(&person.id).await.unwrap(), Some(hash.clone()));

    // A second completion changes nothing; an id that is no UUID names nobody.
    let other = hash_of("Other#Pass9");
    assert_eq!(
        store.complete_with_password(request.id, &person.id, &other, T0 + MINUTE).await.unwrap(),
        Some(false)
    );
    assert_eq!(stored_pwd(users.pool(), &person.id).await.as_deref(), Some(hash.as_str()));
    let ghost = fresh_user_id();
    let orphan = issued(&store, &ghost, T0).await;
    let error = store.complete_with_password(orphan.id, &ghost, &other, T0).await.unwrap_err();
    assert!(error.to_string().contains("left unchanged"), "{error}");
    assert_eq!(current(&store, &orphan).await.state, RequestState::Issued);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_killed_mid_completion_leaves_no_half_state() {
    let (store, users) = people_instance(4).await;
    let person = saved_person(users.pool(), Person::default()).await;
    let request = issued(&store, &person.id, T0).await;
    let observer = pool(2).await;

    // Another session holds the person's row, so the completion transaction
    // marks the request completed and then waits to write `pwd`...
    let mut blocker = observer.begin().await.unwrap();
    let blocker_pid: i32 =
        sqlx::query_scalar("SELECT pg_backend_pid()").fetch_one(&mut *blocker).await.unwrap();
    sqlx::query("SELECT 1 FROM crm.people WHERE person_id = $1::text::uuid FOR UPDATE")
        .bind(person.id.as_str())
        .execute(&mut *blocker)
        .await
        .unwrap();
    let completing = {
        let (store, id) = (store.clone(), person.id.clone());
        let hash = hash_of("Velvet#Harb7");
        tokio::spawn(async move { store.complete_with_password(request.id, &id, &hash, T0 + MINUTE).await })
    };
    let victim = backend_waiting_on_a_lock(&observer, blocker_pid).await;

    // ...when its connection is killed.
    let killed: bool = sqlx::query_scalar("SELECT pg_terminate_backend($1)")
        .bind(victim)
        .fetch_one(&observer)
        .await
        .unwrap();
    assert!(killed);
    blocker.rollback().await.unwrap();

    let error = completing.await.expect("no panic").expect_err("the killed completion reports a store error");
    assert!(error.to_string().starts_with("PostgreSQL: could not"), "{error}");
    assert_eq!(current(&store, &request).await.state, RequestState::Issued, "not completed without the hash");
    assert_eq!(stored_pwd(users.pool(), &person.id).await, None, "no hash without the completion");

    // The request is still usable.
    let hash = hash_of("Velvet#Harb7");
    assert_eq!(
        store.complete_with_password(request.id, &person.id, &hash, T0 + MINUTE).await.unwrap(),
        Some(true)
    );
    assert_eq!(stored_pwd(users.pool(), &person.id).await.as_deref(), Some(hash.as_str()));
}

/// The core's store conformance suite, unchanged, with `crm.people` wired
/// into the store, in a schema of its own (the purge checks act on the
/// whole store, so they must not share one with the plain suite).
mod conformance {
    use super::*;

    async fn store_with_people() -> Arc<dyn ResetStore> {
        let schema = Schema::new("inzant_reset_conformance_people").unwrap();
        let pool = common::pool_in(&schema, 16).await;
        create_people_table(&pool).await;
        people_table().check(&pool).await.unwrap();
        Arc::new(PgStore::new(pool).with_schema(schema).with_users(&people_table()))
    }

    inzant_reset_core::store_conformance_tests!(store_with_people());
}
