//! Plain SQL identifiers: the one rule for every name this crate splices
//! into SQL (schemas, the host's table and its columns).

use std::sync::Arc;

/// Whether `name` is a plain lower-case SQL identifier that can be spliced
/// into SQL (double-quoted) safely: 1–63 bytes of `a`–`z`, `0`–`9` and `_`,
/// not starting with a digit.
pub(crate) fn is_plain(name: &str) -> bool {
    let bytes = name.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && !bytes[0].is_ascii_digit()
        && bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_')
}

/// A name checked by [`is_plain`].
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct Ident(Arc<str>);

impl Ident {
    /// `name` if it is plain, else `None`.
    pub(crate) fn new(name: &str) -> Option<Self> {
        is_plain(name).then(|| Self(name.into()))
    }

    /// The bare name.
    pub(crate) fn name(&self) -> &str {
        &self.0
    }

    /// The name as a quoted SQL identifier: `"name"`.
    pub(crate) fn quoted(&self) -> String {
        format!("\"{}\"", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_identifiers() {
        let longest = "a".repeat(63);
        for good in ["a", "_x9", "tenant_42", "pg_reset", longest.as_str()] {
            assert!(is_plain(good), "{good}");
        }
        let too_long = "a".repeat(64);
        for bad in ["", "9a", "Inzant", "a-b", "a.b", "a\"b", "a b", too_long.as_str(), "é", "a;drop"] {
            assert!(!is_plain(bad), "{bad}");
            assert!(Ident::new(bad).is_none(), "{bad}");
        }
        assert_eq!(Ident::new("people").map(|i| i.quoted()), Some("\"people\"".to_owned()));
    }
}
