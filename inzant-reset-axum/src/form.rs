//! Reading form bodies strictly: the right content type, valid UTF-8 after
//! percent-decoding, each known field at most once, and not too many fields.
//! Where API clients post too, a JSON object of strings is read by the same
//! rules.

use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use inzant_reset_core::words::Text;
use percent_encoding::percent_decode;

/// Most `name=value` pairs a form may carry.
const MAX_PAIRS: usize = 32;

/// Why a form body was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FormError {
    /// Not `application/x-www-form-urlencoded` (nor, where it is
    /// accepted, `application/json`).
    UnsupportedType,
    /// No body at all.
    Empty,
    /// Bad percent-encoding or invalid UTF-8; or not a JSON object, or a
    /// known field in it that is not a string.
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

    /// Reads `body` as a form or, when its content type says so, as a
    /// JSON object (`{"purpose":"create"}`), keeping the fields named in
    /// `known`. In JSON, known fields must be strings (`null` counts as not
    /// sent), appear once, and the object has at most as many members as a
    /// form has pairs; other members are ignored.
    pub(crate) fn parse_form_or_json(
        headers: &HeaderMap,
        body: &[u8],
        known: &[&'static str],
    ) -> Result<Self, FormError> {
        if body.is_empty() || !is_json(headers) {
            return Self::parse(headers, body, known);
        }
        let object: JsonObject = serde_json::from_slice(body).map_err(|_| FormError::Malformed)?;
        if object.members.len() > MAX_PAIRS {
            return Err(FormError::TooMany);
        }
        let mut fields = Self::default();
        for (name, value) in object.members {
            let Some(known) = known.iter().find(|k| **k == name) else {
                continue;
            };
            if fields.get(known).is_some() {
                return Err(FormError::Repeated);
            }
            match value {
                serde_json::Value::String(value) => fields.values.push((known, value)),
                serde_json::Value::Null => {}
                _ => return Err(FormError::Malformed),
            }
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

/// A JSON object's members in order, repeats kept (a map would keep only
/// the last of a repeated name); past [`MAX_PAIRS`] only counted.
struct JsonObject {
    members: Vec<(String, serde_json::Value)>,
}

impl<'de> serde::Deserialize<'de> for JsonObject {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members;

        impl<'de> serde::de::Visitor<'de> for Members {
            type Value = JsonObject;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<JsonObject, A::Error> {
                let mut members = Vec::new();
                while let Some(name) = map.next_key::<String>()? {
                    if members.len() > MAX_PAIRS {
                        map.next_value::<serde::de::IgnoredAny>()?;
                    } else {
                        members.push((name, map.next_value()?));
                    }
                }
                Ok(JsonObject { members })
            }
        }

        deserializer.deserialize_map(Members)
    }
}

pub(crate) fn is_json(headers: &HeaderMap) -> bool {
    content_type_is(headers, "application/json")
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

    fn json_headers() -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
        headers
    }

    #[test]
    fn json_objects_of_strings_are_read_like_forms() {
        let json = json_headers();
        let fields =
            Fields::parse_form_or_json(&json, br#"{"code":"12 3","other":[1],"new_password":"a&b"}"#, KNOWN)
                .unwrap();
        assert_eq!(fields.get("code"), Some("12 3"));
        assert_eq!(fields.get("new_password"), Some("a&b"));
        let null = Fields::parse_form_or_json(&json, br#"{"code":null}"#, KNOWN).unwrap();
        assert_eq!(null.get("code"), None);
        let form = Fields::parse_form_or_json(&form_headers(), b"code=1", KNOWN).unwrap();
        assert_eq!(form.get("code"), Some("1"));
        for (body, error) in [
            (&br#"{"code":1}"#[..], FormError::Malformed),
            (br#"{"code":["1"]}"#, FormError::Malformed),
            (br#"["code"]"#, FormError::Malformed),
            (br#""code""#, FormError::Malformed),
            (b"code=1", FormError::Malformed),
            (br#"{"code":"1""#, FormError::Malformed),
            (b"{\"code\":\"\xff\"}", FormError::Malformed),
            (br#"{"code":"1","code":"2"}"#, FormError::Repeated),
            (b"", FormError::Empty),
        ] {
            let parsed = Fields::parse_form_or_json(&json, body, KNOWN);
            assert_eq!(parsed.err(), Some(error), "{}", String::from_utf8_lossy(body));
        }
        let flood =
            format!("{{{}\"z\":\"1\"}}", (0..100).map(|i| format!("\"x{i}\":1,")).collect::<String>());
        assert_eq!(
            Fields::parse_form_or_json(&json, flood.as_bytes(), KNOWN).err(),
            Some(FormError::TooMany)
        );
        let mut text = HeaderMap::new();
        text.insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        assert_eq!(
            Fields::parse_form_or_json(&text, b"code=1", KNOWN).err(),
            Some(FormError::UnsupportedType)
        );
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

/// A request body read whole. One whose announced length (`Content-Length`)
/// is over the limit is refused before any of it is read, so a client that
/// sent `Expect: 100-continue` gets an immediate 413 rather than `100
/// Continue` and a wait for a body that will be refused anyway.
pub(crate) struct ReadBody(pub(crate) Result<axum::body::Bytes, BodyRejected>);

/// Why a body was not read: its status (413 for too large).
#[derive(Clone, Copy, Debug)]
pub(crate) struct BodyRejected(StatusCode);

impl BodyRejected {
    /// The status to answer with.
    pub(crate) fn status(&self) -> StatusCode {
        self.0
    }
}

impl axum::extract::FromRequest<crate::ResetWeb> for ReadBody {
    type Rejection = std::convert::Infallible;

    async fn from_request(
        request: axum::extract::Request,
        web: &crate::ResetWeb,
    ) -> Result<Self, Self::Rejection> {
        let limit = u64::try_from(web.inner.settings.max_body_bytes).unwrap_or(u64::MAX);
        let announced = request
            .headers()
            .get(axum::http::header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse::<u64>().ok());
        if announced.is_some_and(|length| length > limit) {
            return Ok(Self(Err(BodyRejected(StatusCode::PAYLOAD_TOO_LARGE))));
        }
        let read = axum::body::Bytes::from_request(request, web).await;
        Ok(Self(read.map_err(|rejection| BodyRejected(rejection.status()))))
    }
}
