//! The demo's users: in memory or in PostgreSQL, and the five seeded ones,
//! each with a language of their own.

use std::sync::Arc;

use inzant_reset_core::error::DirectoryError;
use inzant_reset_core::hash::{Argon2id, PasswordHash};
use inzant_reset_core::memory::MemoryDirectory;
use inzant_reset_core::ports::UserDirectory;
use inzant_reset_core::secret::OsRandom;
use inzant_reset_core::user::{User, UserId, UserType};
use inzant_reset_sqlx::{PgUserDirectory, Schema, UsersTable};
use secrecy::SecretString;
use sqlx::{AssertSqlSafe, PgPool};

use crate::DemoError;

/// The user directory the demo signs people in from and the core resets
/// passwords in.
#[derive(Clone, Debug)]
pub enum Users {
    /// The embedded default.
    Memory(Arc<MemoryDirectory>),
    /// `DATABASE_URL` was set: the demo's own `users` table.
    Postgres(PgUsers),
}

/// The demo's own users table in PostgreSQL, in a schema of its own (the
/// library's tables are elsewhere): the library reads it through a
/// [`UsersTable`] description, like any host's table, its `locale` column
/// (NULL for English) included.
#[derive(Clone, Debug)]
pub struct PgUsers {
    directory: PgUserDirectory,
    table: String,
}

impl PgUsers {
    /// Creates the table in `schema` if it is missing (adding the `locale`
    /// column to a table an earlier version created) and returns it.
    ///
    /// # Errors
    /// The database refused.
    pub async fn create(pool: PgPool, schema: &Schema) -> Result<Self, DirectoryError> {
        let table = format!("{}.users", schema.name());
        let ddl = format!(
            "CREATE SCHEMA IF NOT EXISTS {schema}; \
             CREATE TABLE IF NOT EXISTS {table} ( \
                 id text PRIMARY KEY, \
                 username text NOT NULL CHECK (username <> ''), \
                 display_name text NOT NULL, \
                 email_to text, \
                 user_type text NOT NULL CHECK (user_type IN ('admin', 'web', 'device')), \
                 password_hash text, \
                 locale text); \
             ALTER TABLE {table} ADD COLUMN IF NOT EXISTS locale text; \
             CREATE UNIQUE INDEX IF NOT EXISTS users_username_key ON {table} (lower(username));",
            schema = schema.quoted(),
        );
        // Two instances starting together may race on CREATE … IF NOT EXISTS; the loser retries.
        let mut created = sqlx::raw_sql(AssertSqlSafe(ddl.clone())).execute(&pool).await;
        if created.is_err() {
            created = sqlx::raw_sql(AssertSqlSafe(ddl)).execute(&pool).await;
        }
        created.map_err(|e| DirectoryError::with_source("could not create the demo's users table", e))?;
        let description = UsersTable::new(&table)
            .and_then(|table| table.locale("locale"))
            .map_err(|e| DirectoryError::with_source("the demo's users table", e))?;
        Ok(Self { directory: PgUserDirectory::new(pool, description), table })
    }

    /// The table's description, for the store's one-transaction completion.
    pub fn table(&self) -> &UsersTable {
        self.directory.table()
    }

    fn pool(&self) -> &PgPool {
        self.directory.pool()
    }

    async fn list(&self) -> Result<Vec<User>, DirectoryError> {
        let sql = format!("SELECT id FROM {} WHERE id NOT LIKE 'load-%' ORDER BY id", self.table);
        let ids: Vec<String> = sqlx::query_scalar(AssertSqlSafe(sql))
            .fetch_all(self.pool())
            .await
            .map_err(|e| DirectoryError::with_source("PostgreSQL: could not list the users", e))?;
        let mut users = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(user) = self.directory.find(&UserId::new(id)).await? {
                users.push(user);
            }
        }
        Ok(users)
    }

    async fn upsert(&self, user: &User) -> Result<(), DirectoryError> {
        let sql = format!(
            "INSERT INTO {} (id, username, display_name, email_to, user_type, locale) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (id) DO UPDATE SET username = EXCLUDED.username, \
             display_name = EXCLUDED.display_name, email_to = EXCLUDED.email_to, \
             user_type = EXCLUDED.user_type, locale = EXCLUDED.locale",
            self.table
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(user.id.as_str())
            .bind(&user.username)
            .bind(&user.display_name)
            .bind(user.email_to.as_deref())
            .bind(user.user_type.as_str())
            .bind(user.locale.as_deref())
            .execute(self.pool())
            .await
            .map_err(|e| DirectoryError::with_source("PostgreSQL: could not save a demo user", e))?;
        Ok(())
    }

    /// Adds load-test users `1..=count` in one statement.
    async fn add_load_users(&self, count: u32) -> Result<(), DirectoryError> {
        let sql = format!(
            "INSERT INTO {} (id, username, display_name, email_to, user_type) \
             SELECT 'load-' || lpad(n::text, greatest(5, length(n::text)), '0'), 'load-' || lpad(n::text, greatest(5, length(n::text)), '0') || '@inzant.example', \
                    'Load User ' || n, 'load-' || lpad(n::text, greatest(5, length(n::text)), '0') || '.inbox@example.org', 'device' \
             FROM generate_series(1, $1) AS n ON CONFLICT (id) DO NOTHING",
            self.table
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(i64::from(count))
            .execute(self.pool())
            .await
            .map_err(|e| DirectoryError::with_source("PostgreSQL: could not add the load-test users", e))?;
        Ok(())
    }
}

impl Users {
    /// The directory as the core's port.
    pub fn directory(&self) -> Arc<dyn UserDirectory> {
        match self {
            Self::Memory(users) => users.clone(),
            Self::Postgres(users) => Arc::new(users.directory.clone()),
        }
    }

    /// Every user but the load-test ones, ordered by id.
    pub async fn list(&self) -> Result<Vec<User>, DirectoryError> {
        match self {
            Self::Memory(users) => {
                Ok(users.users().into_iter().filter(|u| !u.id.as_str().starts_with("load-")).collect())
            }
            Self::Postgres(users) => users.list().await,
        }
    }

    /// The user with `id`.
    pub async fn find(&self, id: &UserId) -> Result<Option<User>, DirectoryError> {
        match self {
            Self::Memory(users) => users.find(id).await,
            Self::Postgres(users) => users.directory.find(id).await,
        }
    }

    /// The user signing in as `username` (ignoring case).
    pub async fn find_by_username(&self, username: &str) -> Result<Option<User>, DirectoryError> {
        match self {
            Self::Memory(users) => Ok(users.find_by_username(username)),
            Self::Postgres(users) => users.directory.find_by_username(username).await,
        }
    }

    /// The user's password hash, if they have one.
    pub async fn password_hash(&self, id: &UserId) -> Result<Option<PasswordHash>, DirectoryError> {
        match self {
            Self::Memory(users) => Ok(users.password_hash(id)),
            Self::Postgres(users) => users.directory.password_hash(id).await,
        }
    }
}

/// Where a seeded user's password came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordSource {
    /// Generated at start and printed.
    Random,
    /// `INZANT_DEMO_ADMIN_PASSWORD`.
    Environment,
    /// No password: the admin offers "Create Password".
    None,
}

/// A seeded user and the password they start with.
#[derive(Debug)]
pub struct SeededUser {
    /// The user.
    pub user: User,
    /// Their password at start (`None` for the user without one).
    pub password: Option<SecretString>,
    /// Where it came from.
    pub source: PasswordSource,
}

/// The seeded users' ids.
pub mod ids {
    /// Ada Admin.
    pub const ADMIN: &str = "1001";
    /// Sam Web.
    pub const WEB: &str = "1002";
    /// Dana Device.
    pub const DEVICE: &str = "1003";
    /// Nell New, who has no password yet.
    pub const NEW: &str = "1004";
    /// Elena Dispositivo, a device user who reads Spanish.
    pub const SPANISH_DEVICE: &str = "1005";
}

/// A seeded user: who they are, and the language they read (`None`: the
/// default, English).
struct Seed<'a> {
    id: &'a str,
    username: &'a str,
    name: &'a str,
    email_to: &'a str,
    user_type: UserType,
    locale: Option<&'a str>,
}

fn user(seed: Seed<'_>) -> User {
    User {
        id: UserId::new(seed.id),
        username: seed.username.to_owned(),
        display_name: seed.name.to_owned(),
        email_to: Some(seed.email_to.to_owned()),
        user_type: seed.user_type,
        has_password: false,
        locale: seed.locale.map(str::to_owned),
        tenant: None,
    }
}

/// A random password that is easy to type: four groups of four from an
/// alphabet of 32 letters and digits without look-alikes (80 bits).
pub fn random_password() -> Option<SecretString> {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    OsRandom.fill(&mut bytes).ok()?;
    let mut password = String::with_capacity(19);
    for (i, byte) in bytes.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            password.push('-');
        }
        let c = ALPHABET[usize::from(byte & 31)];
        // Every other letter lower-case (but never `l`), so the password reads as mixed case.
        password.push(if i % 2 == 1 && c != b'L' { c.to_ascii_lowercase() as char } else { c as char });
    }
    Some(SecretString::from(password))
}

/// Adds the five demo users (again, idempotently, on PostgreSQL): Ada
/// Admin, Sam Web, Dana Device (who reads German) and Elena Dispositivo
/// (Spanish) with fresh passwords (the admin's from `admin_password` when
/// given), and Nell New without one (a password she created in an earlier
/// run on PostgreSQL is kept). The others read English.
pub async fn seed(
    users: &Users,
    hasher: &Argon2id,
    admin_password: Option<SecretString>,
) -> Result<Vec<SeededUser>, DemoError> {
    let no_random = || DemoError::Startup("the operating system's random number generator failed".to_owned());
    let (admin_password, admin_source) = match admin_password {
        Some(password) => (password, PasswordSource::Environment),
        None => (random_password().ok_or_else(no_random)?, PasswordSource::Random),
    };
    let random = || random_password().ok_or_else(no_random);
    let mut seeded = vec![
        SeededUser {
            user: user(Seed {
                id: ids::ADMIN,
                username: "admin@inzant.example",
                name: "Ada Admin",
                email_to: "ada.admin@example.org",
                user_type: UserType::Admin,
                locale: Some("en"),
            }),
            password: Some(admin_password),
            source: admin_source,
        },
        SeededUser {
            user: user(Seed {
                id: ids::WEB,
                username: "sam.web@inzant.example",
                name: "Sam Web",
                email_to: "sam.reports@example.org",
                user_type: UserType::Web,
                locale: Some("en"),
            }),
            password: Some(random()?),
            source: PasswordSource::Random,
        },
        SeededUser {
            user: user(Seed {
                id: ids::DEVICE,
                username: "dana.device@inzant.example",
                name: "Dana Device",
                email_to: "dana.orders@example.org",
                user_type: UserType::Device,
                locale: Some("de"),
            }),
            password: Some(random()?),
            source: PasswordSource::Random,
        },
        SeededUser {
            user: user(Seed {
                id: ids::NEW,
                username: "nell.new@inzant.example",
                name: "Nell New",
                email_to: "nell.office@example.org",
                user_type: UserType::Web,
                locale: Some("en"),
            }),
            password: None,
            source: PasswordSource::None,
        },
        SeededUser {
            user: user(Seed {
                id: ids::SPANISH_DEVICE,
                username: "elena.device@inzant.example",
                name: "Elena Dispositivo",
                email_to: "elena.pedidos@example.org",
                user_type: UserType::Device,
                locale: Some("es"),
            }),
            password: Some(random()?),
            source: PasswordSource::Random,
        },
    ];

    let passwords: Vec<Option<SecretString>> = seeded.iter().map(|s| s.password.clone()).collect();
    let hasher = hasher.clone();
    let hashes = tokio::task::spawn_blocking(move || {
        passwords
            .iter()
            .map(|password| password.as_ref().map(|p| hasher.hash_password(p)).transpose())
            .collect::<Result<Vec<Option<PasswordHash>>, _>>()
    })
    .await
    .map_err(|error| DemoError::Startup(format!("hashing the seeded passwords failed: {error}")))?
    .map_err(|error| DemoError::Startup(format!("hashing the seeded passwords failed: {error}")))?;

    let seed_error =
        |error: DirectoryError| DemoError::Startup(format!("could not add the demo users: {error}"));
    for (seeded, hash) in seeded.iter_mut().zip(hashes) {
        match (users, hash) {
            (Users::Memory(directory), Some(hash)) => {
                directory.insert_with_password(seeded.user.clone(), hash)
            }
            (Users::Memory(directory), None) => directory.insert(seeded.user.clone()),
            (Users::Postgres(users), hash) => {
                users.upsert(&seeded.user).await.map_err(seed_error)?;
                if let Some(hash) = hash {
                    users.directory.set_password_hash(&seeded.user.id, &hash).await.map_err(seed_error)?;
                }
            }
        }
        if let Some(current) = users.find(&seeded.user.id).await.map_err(seed_error)? {
            seeded.user = current;
        }
    }
    Ok(seeded)
}

/// The id of the `n`-th load-test user (counting from 1): `load-00001`, …
pub fn load_user_id(n: u32) -> String {
    format!("load-{n:05}")
}

/// Adds `count` load-test device users without a password (idempotently on
/// PostgreSQL): ids `load-00001`, …, usernames `load-00001@inzant.example`, …
pub async fn seed_load_users(users: &Users, count: u32) -> Result<(), DemoError> {
    let seed_error =
        |error: DirectoryError| DemoError::Startup(format!("could not add the load-test users: {error}"));
    if let Users::Postgres(users) = users {
        return users.add_load_users(count).await.map_err(seed_error);
    }
    for n in 1..=count {
        let id = load_user_id(n);
        let user = user(Seed {
            id: &id,
            username: &format!("{id}@inzant.example"),
            name: &format!("Load User {n}"),
            email_to: &format!("{id}.inbox@example.org"),
            user_type: UserType::Device,
            locale: None,
        });
        if let Users::Memory(directory) = users {
            directory.insert(user);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    #[tokio::test]
    async fn load_users_are_device_users_without_a_password() {
        let users = Users::Memory(Arc::new(MemoryDirectory::new()));
        seed_load_users(&users, 3).await.unwrap();
        assert!(users.list().await.unwrap().is_empty(), "load users are not listed");
        let third = users.find_by_username("load-00003@inzant.example").await.unwrap().unwrap();
        assert_eq!(third.id, UserId::new("load-00003"));
        assert_eq!(third.user_type, UserType::Device);
        assert!(!third.has_password);
        seed_load_users(&users, 0).await.unwrap();
    }

    #[test]
    fn random_passwords_look_right() {
        let a = random_password().unwrap();
        let b = random_password().unwrap();
        assert_ne!(a.expose_secret(), b.expose_secret());
        let a = a.expose_secret();
        assert_eq!(a.len(), 19);
        assert_eq!(a.split('-').count(), 4);
        assert!(a.chars().all(|c| c == '-' || c.is_ascii_alphanumeric()));
    }
}
