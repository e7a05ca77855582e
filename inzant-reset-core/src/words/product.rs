//! What a deployment calls its product: the one value that holds every
//! Inzant-specific default.

/// The product the reset belongs to: its name (in titles, subjects and the
/// sender's name), the address emails come from, the words a password must
/// not lean on, and the apps device users sign in to. [`Product::inzant`] is
/// the default; a host replaces it in one line with
/// [`ResetServiceBuilder::product`](crate::service::ResetServiceBuilder::product).
///
/// ```
/// use inzant_reset_core::words::Product;
///
/// let harbour = Product::new("Harbour Supply", "no-reply@harbour.example")
///     .apps(["Harbour Scanner"]);
/// assert_eq!(harbour.words, ["harbour", "supply"]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Product {
    /// The product's name: "Inzant Sales".
    pub name: String,
    /// The `From` address of the emails: `no-reply@inzant.example`.
    pub from_address: String,
    /// Words (lower case) a password must not lean on: the strength meter
    /// treats them like the user's own name.
    pub words: Vec<String>,
    /// The apps device users sign in to, named on their page after a reset:
    /// "Inzant Sales Plus", "Inzant Tradeshow". Empty: the page speaks of
    /// the product's apps.
    pub apps: Vec<String>,
}

impl Product {
    /// A product called `name` whose emails come from `from_address`; its
    /// words are the name's words of 3 or more letters; no apps.
    pub fn new(name: impl Into<String>, from_address: impl Into<String>) -> Self {
        let name = name.into();
        let words = name
            .split(|c: char| !c.is_alphanumeric())
            .filter(|word| word.chars().count() >= 3)
            .map(str::to_lowercase)
            .collect();
        Self { name, from_address: from_address.into(), words, apps: Vec::new() }
    }

    /// Names the apps device users sign in to.
    pub fn apps<I, S>(mut self, apps: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.apps = apps.into_iter().map(Into::into).collect();
        self
    }

    /// Adds words a password must not lean on.
    pub fn words<I, S>(mut self, words: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.words.extend(words.into_iter().map(|word| word.into().to_lowercase()));
        self
    }

    /// Inzant Sales, as the help-desk article describes it.
    pub fn inzant() -> Self {
        Self::new("Inzant Sales", "no-reply@inzant.example")
            .words(["tradeshow"])
            .apps(["Inzant Sales Plus", "Inzant Tradeshow"])
    }
}

impl Default for Product {
    fn default() -> Self {
        Self::inzant()
    }
}
