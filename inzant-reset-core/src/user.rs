//! Users as the reset flow sees them, through the host's user directory.

use std::fmt;

/// The host's identifier for a user.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId(String);

impl UserId {
    /// Wraps the host's identifier.
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// The identifier's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The identifier read as the host's own type (`i64`, a UUID, …).
    ///
    /// # Errors
    /// The text is not a `T`.
    pub fn parse<T: std::str::FromStr>(&self) -> Result<T, T::Err> {
        self.0.parse()
    }
}

impl From<i64> for UserId {
    fn from(id: i64) -> Self {
        Self(id.to_string())
    }
}

impl fmt::Debug for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UserId({:?})", self.0)
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The kinds of Inzant Sales user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UserType {
    /// Signs in to the admin website and may trigger resets.
    Admin,
    /// Signs in to the admin website.
    Web,
    /// Cannot sign in to the admin website; uses the Inzant Sales Plus and
    /// Inzant Tradeshow apps.
    Device,
}

impl UserType {
    /// Whether this user signs in on the admin website (and so is sent to
    /// the login page after a reset).
    pub fn signs_in_on_website(self) -> bool {
        !matches!(self, Self::Device)
    }

    /// The lower-case name used in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Web => "web",
            Self::Device => "device",
        }
    }

    /// Reads a name written by [`UserType::as_str`].
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "admin" => Some(Self::Admin),
            "web" => Some(Self::Web),
            "device" => Some(Self::Device),
            _ => None,
        }
    }
}

/// A user as the directory describes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// The host's identifier.
    pub id: UserId,
    /// The sign-in name: an email address, and where reset emails go.
    pub username: String,
    /// The name shown to people.
    pub display_name: String,
    /// The "email to" address for other Inzant mail. Never used for resets.
    pub email_to: Option<String>,
    /// Admin, web or device user.
    pub user_type: UserType,
    /// Whether the user has a password yet (else the admin offers "Create Password").
    pub has_password: bool,
    /// The person's language, as the host stores it (`"de"`, `"pt-BR"`,
    /// `"fr_CA"`); `None` for the host's default. A reset's emails and pages
    /// speak the closest shipped language, chosen once when it is sent.
    pub locale: Option<String>,
    /// The host's tenant (company, account, team) the user belongs to, if
    /// it has tenants; passed to its [`Authorization`](crate::ports::Authorization)
    /// rule and used for nothing else.
    pub tenant: Option<String>,
}

impl User {
    /// The name to address the person by: the display name, or the
    /// username when the host has no name for them (an empty display name).
    pub fn name(&self) -> &str {
        if self.display_name.trim().is_empty() { &self.username } else { &self.display_name }
    }

    /// Words a password must not lean on: the username, its local part and
    /// the display name. The policy adds the product's own words.
    pub fn strength_inputs(&self) -> Vec<String> {
        let mut inputs = vec![self.username.clone()];
        if let Some((local, _)) = self.username.split_once('@') {
            inputs.push(local.to_owned());
            inputs.extend(local.split(['.', '_', '-', '+']).filter(|p| p.len() > 2).map(str::to_owned));
        }
        inputs.push(self.display_name.clone());
        inputs.extend(self.display_name.split_whitespace().filter(|p| p.len() > 2).map(str::to_owned));
        inputs
    }
}
