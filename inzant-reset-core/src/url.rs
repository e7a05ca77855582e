//! The one public address of the reset routes: an origin and the path they
//! are mounted under. Links, the web adapter's routes and its same-origin
//! check are all derived from it, so they cannot disagree.

use std::fmt;

use crate::error::ConfigError;

/// The path segment the reset pages live under, after the mount path.
pub const RESET_SEGMENT: &str = "password-reset";

/// Where the reset routes are served, as browsers see it:
/// `scheme://host[:port]` plus an optional mount path.
///
/// ```
/// use inzant_reset_core::url::PublicUrl;
///
/// let url = PublicUrl::parse("https://Inzant.example/sales/").unwrap();
/// assert_eq!(url.origin(), "https://inzant.example");
/// assert_eq!(url.path(), "/sales");
/// assert_eq!(url.link_base(), "https://inzant.example/sales/password-reset/");
/// assert!(PublicUrl::parse("https://inzant.example/password-reset/").is_err());
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct PublicUrl {
    origin: String,
    path: String,
}

impl PublicUrl {
    /// Reads `text`: `http` or `https`, a host (and port), and optionally a
    /// path of plain segments; no user name, query or fragment. A trailing
    /// slash is dropped.
    ///
    /// # Errors
    /// Anything else, with a sentence saying what is wrong.
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        let bad = |why: &str| ConfigError::new(format!("the public URL {text:?} cannot be used: {why}"));
        let (scheme, rest) =
            text.split_once("://").ok_or_else(|| bad("it must start with https:// or http://"))?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "https" && scheme != "http" {
            return Err(bad("it must start with https:// or http://"));
        }
        if rest.contains(['?', '#']) {
            return Err(bad("it must not have a query or a fragment"));
        }
        let (authority, path) = match rest.find('/') {
            Some(at) => rest.split_at(at),
            None => (rest, ""),
        };
        if authority.is_empty() {
            return Err(bad("it has no host"));
        }
        if authority.contains('@') {
            return Err(bad("it must not contain a user name or password"));
        }
        let authority_ok = authority
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
        if !authority_ok {
            return Err(bad("its host is not a plain host name, IP address and port"));
        }
        let path = path.trim_end_matches('/');
        for segment in path.split('/').skip(1) {
            let plain = !segment.is_empty()
                && segment != "."
                && segment != ".."
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
            if !plain {
                return Err(bad("its path must be plain segments of letters, digits, '-', '.', '_' and '~'"));
            }
        }
        if path.rsplit('/').next() == Some(RESET_SEGMENT) {
            return Err(bad(
                "give the address the routes are mounted under (e.g. https://sales.example.com), \
                 not the link base: /password-reset/ is added to it",
            ));
        }
        Ok(Self { origin: format!("{scheme}://{}", authority.to_ascii_lowercase()), path: path.to_owned() })
    }

    /// `scheme://host[:port]`, lower-case: what browsers send as `Origin`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The mount path: empty, or `/segment…` without a trailing slash.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Whether browsers reach it over https.
    pub fn is_https(&self) -> bool {
        self.origin.starts_with("https://")
    }

    /// The URL a link token is appended to: `{origin}{path}/password-reset/`.
    pub fn link_base(&self) -> String {
        format!("{}{}/{RESET_SEGMENT}/", self.origin, self.path)
    }
}

impl fmt::Debug for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicUrl({}{})", self.origin, self.path)
    }
}

impl fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.origin, self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_and_mount_paths_are_read_and_normalized() {
        let cases = [
            ("https://sales.inzant.example", "https://sales.inzant.example", ""),
            ("https://sales.inzant.example/", "https://sales.inzant.example", ""),
            ("HTTP://Demo.Test:3000/app/v2/", "http://demo.test:3000", "/app/v2"),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080", ""),
            ("http://[::1]:8080/x", "http://[::1]:8080", "/x"),
        ];
        for (text, origin, path) in cases {
            let url = PublicUrl::parse(text).unwrap();
            assert_eq!((url.origin(), url.path()), (origin, path), "{text}");
        }
        assert_eq!(
            PublicUrl::parse("http://demo.test").unwrap().link_base(),
            "http://demo.test/password-reset/"
        );
    }

    #[test]
    fn anything_but_an_origin_and_plain_path_is_refused() {
        for text in [
            "",
            "sales.inzant.example",
            "ftp://sales.inzant.example",
            "https://",
            "https:///path",
            "https://user:pw@sales.inzant.example",
            "https://sales.inzant.example?x=1",
            "https://sales.inzant.example/#top",
            "https://sales.inzant.example//double",
            "https://sales.inzant.example/a/../b",
            "https://sales inzant.example",
            "https://sales.inzant.example/a b",
            "https://sales.inzant.example/password-reset/",
            "https://sales.inzant.example/app/password-reset",
        ] {
            assert!(PublicUrl::parse(text).is_err(), "{text:?} was accepted");
        }
    }

    #[test]
    fn the_error_says_what_to_give_instead_of_a_link_base() {
        let error = PublicUrl::parse("https://sales.inzant.example/password-reset/").unwrap_err();
        assert!(error.to_string().contains("not the link base"), "{error}");
    }
}
