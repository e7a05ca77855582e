//! Reading form bodies strictly: the right content type, valid UTF-8 after
//! percent-decoding, each known field at most once, and not too many fields.

use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use inzant_reset_core::words::Text;
use percent_encoding::percent_decode;

/// Most `name=value` pairs a form may carry.
const MAX_PAIRS: usize = 32;

/// Why a form body was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FormError {
    /// Not `application/x-www-form-urlencoded`.
    UnsupportedType,
    /// No body at all.
    Empty,
    /// Bad percent-encoding or invalid UTF-8.
    Malformed,
    /// A field appeared twice.
    Repeated,
    /// More pairs than any of our forms has.
    TooMany,
}

impl FormError {
    pub(crate) fn status(self) -> StatusCode {
        match self {
            Self::UnsupportedType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Empty | Self::Malformed | Self::Repeated | Self::TooMany => StatusCode::BAD_REQUEST,
        }
    }

    /// The words' key for this refusal.
    pub(crate) fn text(self) -> Text {
        match self {
            Self::UnsupportedType => Text::FormWrongType,
            Self::Empty => Text::FormEmpty,
            Self::Malformed => Text::FormMalformed,
            Self::Repeated => Text::FormRepeated,
            Self::TooMany => Text::FormTooMany,
        }
    }
}

/// The known fields of a form body. Unknown fields (a password manager's
/// hidden username, say) are ignored.
#[derive(Default)]
pub(crate) struct Fields {
    values: Vec<(&'static str, String)>,
}

impl Fields {
    /// Reads `body` keeping the fields named in `known`.
    pub(crate) fn parse(headers: &HeaderMap, body: &[u8], known: &[&'static str]) -> Result<Self, FormError> {
        if body.is_empty() {
            return Err(FormError::Empty);
        }
        if !is_form(headers) {
            return Err(FormError::UnsupportedType);
        }
        let mut fields = Self::default();
        for (count, pair) in body.split(|b| *b == b'&').filter(|p| !p.is_empty()).enumerate() {
            if count >= MAX_PAIRS {
                return Err(FormError::TooMany);
            }
            let (name, value) = match pair.iter().position(|b| *b == b'=') {
                Some(at) => (&pair[..at], &pair[at + 1..]),
                None => (pair, &[][..]),
            };
            let name = decode(name)?;
            let Some(known) = known.iter().find(|k| **k == name) else {
                continue;
            };
            if fields.get(known).is_some() {
                return Err(FormError::Repeated);
            }
            fields.values.push((known, decode(value)?));
        }
        Ok(fields)
    }

    /// The value of `name`, if sent.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.values.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    /// Takes the value of `name` out, if sent.
    pub(crate) fn take(&mut self, name: &str) -> Option<String> {
        let at = self.values.iter().position(|(n, _)| *n == name)?;
        Some(self.values.swap_remove(at).1)
    }
}

pub(crate) fn is_form(headers: &HeaderMap) -> bool {
    content_type_is(headers, "application/x-www-form-urlencoded")
}

pub(crate) fn content_type_is(headers: &HeaderMap, wanted: &str) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case(wanted))
}

fn decode(raw: &[u8]) -> Result<String, FormError> {
    let spaced: Vec<u8> = raw.iter().map(|b| if *b == b'+' { b' ' } else { *b }).collect();
    percent_decode(&spaced).decode_utf8().map(|s| s.into_owned()).map_err(|_| FormError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn form_headers() -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded; charset=UTF-8"),
        );
        headers
    }

    const KNOWN: &[&str] = &["code", "new_password"];

    #[test]
    fn known_fields_are_decoded_and_others_ignored() {
        let fields =
            Fields::parse(&form_headers(), b"code=123+456&username=x&new_password=a%26b%3D%C3%A9", KNOWN)
                .unwrap();
        assert_eq!(fields.get("code"), Some("123 456"));
        assert_eq!(fields.get("new_password"), Some("a&b=é"));
        assert_eq!(fields.get("username"), None);
    }

    #[test]
    fn invalid_utf8_repeated_fields_and_floods_are_refused() {
        let h = form_headers();
        assert_eq!(Fields::parse(&h, b"code=%FF%FE", KNOWN).err(), Some(FormError::Malformed));
        assert_eq!(Fields::parse(&h, b"code=1&code=2", KNOWN).err(), Some(FormError::Repeated));
        let flood = "x=1&".repeat(100);
        assert_eq!(Fields::parse(&h, flood.as_bytes(), KNOWN).err(), Some(FormError::TooMany));
        assert_eq!(Fields::parse(&h, b"", KNOWN).err(), Some(FormError::Empty));
    }

    #[test]
    fn other_content_types_are_refused() {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        assert_eq!(Fields::parse(&headers, b"code=1", KNOWN).err(), Some(FormError::UnsupportedType));
        assert_eq!(
            Fields::parse(&HeaderMap::new(), b"code=1", KNOWN).err(),
            Some(FormError::UnsupportedType)
        );
    }
}
