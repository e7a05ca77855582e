//! The cookies of a test browser.

use std::collections::BTreeMap;
use std::ops::{Deref, DerefMut};

/// A browser's cookies by name: sent with each request, updated from each
/// answer's `Set-Cookie` headers. Reads and edits as the map it holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CookieJar(BTreeMap<String, String>);

impl CookieJar {
    /// No cookies.
    pub fn new() -> Self {
        Self::default()
    }

    /// The `Cookie` header to send, if there are cookies.
    pub fn header(&self) -> Option<String> {
        (!self.0.is_empty()).then(|| {
            self.0.iter().map(|(name, value)| format!("{name}={value}")).collect::<Vec<_>>().join("; ")
        })
    }

    /// Keeps what one `Set-Cookie` header value says: the cookie is stored,
    /// or removed when its value is empty or it has `Max-Age=0` (attribute
    /// names compared without regard to case, as browsers do).
    ///
    /// # Panics
    /// The header has no `name=value` pair.
    pub fn keep(&mut self, set_cookie: &str) {
        let mut parts = set_cookie.split(';');
        let pair = parts.next().unwrap_or_default();
        let (name, value) = pair.split_once('=').unwrap_or_else(|| panic!("no name=value in {set_cookie:?}"));
        let (name, value) = (name.trim(), value.trim());
        let expired = parts.any(|attribute| {
            attribute
                .split_once('=')
                .is_some_and(|(key, age)| key.trim().eq_ignore_ascii_case("max-age") && age.trim() == "0")
        });
        if expired || value.is_empty() {
            self.0.remove(name);
        } else {
            self.0.insert(name.to_owned(), value.to_owned());
        }
    }

    /// Keeps every `Set-Cookie` value of an answer, in order.
    pub fn keep_all<'a>(&mut self, set_cookies: impl IntoIterator<Item = &'a str>) {
        for set_cookie in set_cookies {
            self.keep(set_cookie);
        }
    }
}

impl Deref for CookieJar {
    type Target = BTreeMap<String, String>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl DerefMut for CookieJar {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

#[cfg(test)]
mod tests {
    use super::CookieJar;

    #[test]
    fn cookies_are_kept_and_expired_whatever_the_attributes_case() {
        let mut jar = CookieJar::new();
        jar.keep_all(["a=1; Path=/; HttpOnly", "b = 2 ", "c=3"]);
        assert_eq!(jar.header().as_deref(), Some("a=1; b=2; c=3"));
        jar.keep_all(["a=; Path=/", "b=x; max-age=0", "c=x; Max-Age=0; Secure"]);
        assert!(jar.is_empty(), "{jar:?}");
        jar.keep("d=4; Max-Age=60");
        assert_eq!(jar.get("d").map(String::as_str), Some("4"));
        assert_eq!(CookieJar::new().header(), None);
    }
}
