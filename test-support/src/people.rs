//! The people tests put in a directory.

use std::sync::Arc;

use inzant_reset_core::memory::MemoryDirectory;
use inzant_reset_core::user::{User, UserId, UserType};

/// A user with a password, no other email address, the host's default
/// language and no tenant, whose display name is their username. Set other
/// fields with struct update syntax:
/// `User { display_name: "Sam Web".into(), ..person("2", "sam@x.example", UserType::Web) }`.
pub fn person(id: &str, username: &str, user_type: UserType) -> User {
    User {
        id: UserId::new(id),
        username: username.to_owned(),
        display_name: username.to_owned(),
        email_to: None,
        user_type,
        has_password: true,
        locale: None,
        tenant: None,
    }
}

/// A memory directory holding `people` (none with a stored password hash).
pub fn directory_of(people: impl IntoIterator<Item = User>) -> Arc<MemoryDirectory> {
    let directory = Arc::new(MemoryDirectory::new());
    for user in people {
        directory.insert(user);
    }
    directory
}
