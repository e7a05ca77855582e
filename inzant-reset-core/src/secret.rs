//! The link token, the 6-digit code, and what is stored of them.
//!
//! Only digests are ever stored: SHA-256 of the token (it has 256 bits of
//! entropy, so a plain hash is enough) and a keyed HMAC-SHA-256 of the code
//! bound to its request (a million codes are easy to enumerate, so the key is
//! what protects a database dump). All randomness comes from [`OsRandom`].

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use rand::{CryptoRng, RngExt};
use secrecy::{ExposeSecret, SecretBox, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::ConfigError;
use crate::ids::RequestId;
pub use crate::random::{OsRandom, RandomnessUnavailable};

/// Bytes of OS randomness in a link token (256 bits).
pub const TOKEN_BYTES: usize = 32;
/// Length of a link token in URL-safe base64 without padding.
pub const TOKEN_LEN: usize = 43;
/// Digits in a code.
pub const CODE_DIGITS: usize = 6;
/// Smallest accepted HMAC key, in bytes.
pub const MIN_KEY_BYTES: usize = 32;

/// The secret in a reset link: 256 random bits as URL-safe base64.
///
/// `Debug` and `Display` never show it; use [`LinkToken::expose`] only to
/// build the emailed link.
#[derive(Clone)]
pub struct LinkToken(SecretString);

impl LinkToken {
    /// A new token from the operating system's CSPRNG.
    pub fn generate(random: &OsRandom) -> Result<Self, RandomnessUnavailable> {
        let mut bytes = [0u8; TOKEN_BYTES];
        random.fill(&mut bytes)?;
        Ok(Self(SecretString::from(URL_SAFE_NO_PAD.encode(bytes))))
    }

    /// Reads a token from a URL path segment. Anything that is not exactly a
    /// token's shape is `None`, so lookups never see hostile text.
    pub fn parse(text: &str) -> Option<Self> {
        let well_formed = text.len() == TOKEN_LEN
            && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && URL_SAFE_NO_PAD.decode(text).is_ok_and(|bytes| bytes.len() == TOKEN_BYTES);
        well_formed.then(|| Self(SecretString::from(text.to_owned())))
    }

    /// The token text, for the emailed link only.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// What is stored of the token.
    pub fn digest(&self) -> TokenDigest {
        TokenDigest(Sha256::digest(self.0.expose_secret().as_bytes()).into())
    }
}

impl fmt::Debug for LinkToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LinkToken([REDACTED])")
    }
}

/// SHA-256 of a link token: how a store finds a request.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenDigest(pub [u8; 32]);

impl TokenDigest {
    /// The digest's bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for TokenDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenDigest({:02x}{:02x}{:02x}{:02x}…)", self.0[0], self.0[1], self.0[2], self.0[3])
    }
}

/// A 6-digit code, leading zeros kept.
#[derive(Clone)]
pub struct Code(SecretString);

impl Code {
    /// A new code, uniform over 000000–999999.
    pub fn generate(random: &OsRandom) -> Result<Self, RandomnessUnavailable> {
        Ok(Self::generate_with(&mut random.rng()?))
    }

    /// A new code drawn from `rng`. `random_range` rejects out-of-range
    /// draws instead of reducing modulo 10⁶, so no code is likelier than another.
    pub fn generate_with<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let value: u32 = rng.random_range(0..1_000_000);
        Self(SecretString::from(format!("{value:06}")))
    }

    /// Reads a code as a person typed it. Spaces and dashes between digits are
    /// dropped ("123 456", "123-456"); anything else that is not an ASCII
    /// digit (letters, full-width or Arabic-Indic digits, NUL) is refused.
    pub fn parse(typed: &str) -> Option<Self> {
        let mut digits = String::with_capacity(CODE_DIGITS);
        for c in typed.chars() {
            match c {
                '0'..='9' if digits.len() < CODE_DIGITS => digits.push(c),
                ' ' | '-' | '\t' => {}
                _ => return None,
            }
        }
        (digits.len() == CODE_DIGITS).then(|| Self(SecretString::from(digits)))
    }

    /// The six digits, for the email only.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Code([REDACTED])")
    }
}

/// HMAC-SHA-256 of a code under the server secret, bound to its request.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct CodeDigest(pub [u8; 32]);

impl CodeDigest {
    /// The digest's bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for CodeDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CodeDigest(..)")
    }
}

/// The server secrets that key code digests: one current key, and older keys
/// still accepted while requests made under them are alive.
///
/// Rotate by making the old key the first entry of `previous`; drop it once
/// the longest time to live has passed.
#[derive(Clone)]
pub struct CodeKeys {
    current: CodeMac,
    previous: Vec<CodeMac>,
}

/// HMAC-SHA-256 keyed once, when the keys are made: a key HMAC refused
/// would be a configuration error then, never a silent default later. The
/// keyed state is zeroized when dropped.
#[derive(Clone)]
struct CodeMac(Hmac<Sha256>);

impl CodeMac {
    fn new(key: Vec<u8>) -> Result<Self, ConfigError> {
        let key = SecretBox::new(key.into_boxed_slice());
        if key.expose_secret().len() < MIN_KEY_BYTES {
            return Err(ConfigError::new(format!("a reset secret must be at least {MIN_KEY_BYTES} bytes")));
        }
        Hmac::<Sha256>::new_from_slice(key.expose_secret())
            .map(Self)
            .map_err(|error| ConfigError::with_source("the reset secret cannot key HMAC-SHA-256", error))
    }

    fn digest(&self, request: RequestId, code: &Code) -> CodeDigest {
        let mut mac = self.0.clone();
        mac.update(b"inzant-reset code v1\0");
        mac.update(request.as_uuid().as_bytes());
        mac.update(code.expose().as_bytes());
        CodeDigest(mac.finalize().into_bytes().into())
    }
}

impl CodeKeys {
    /// Keys with `current` for new codes and `previous` also accepted.
    ///
    /// # Errors
    /// A key shorter than [`MIN_KEY_BYTES`] bytes.
    pub fn new(current: Vec<u8>, previous: Vec<Vec<u8>>) -> Result<Self, ConfigError> {
        Ok(Self {
            current: CodeMac::new(current)?,
            previous: previous.into_iter().map(CodeMac::new).collect::<Result<_, _>>()?,
        })
    }

    /// Keys from text secrets (an environment variable, a secrets manager):
    /// `current` for new codes, `previous` also accepted. Each is used as its
    /// UTF-8 bytes.
    ///
    /// # Errors
    /// A secret shorter than [`MIN_KEY_BYTES`] bytes.
    pub fn from_text(current: &SecretString, previous: &[SecretString]) -> Result<Self, ConfigError> {
        let bytes = |secret: &SecretString| secret.expose_secret().as_bytes().to_vec();
        Self::new(bytes(current), previous.iter().map(bytes).collect())
    }

    /// A random current key, for demos and tests: codes stop working when the
    /// process restarts.
    ///
    /// # Errors
    /// The operating system's random source failed.
    pub fn generate(random: &OsRandom) -> Result<Self, ConfigError> {
        let mut key = vec![0u8; MIN_KEY_BYTES];
        random.fill(&mut key).map_err(|error| ConfigError::with_source("no random reset secret", error))?;
        Ok(Self { current: CodeMac::new(key)?, previous: Vec::new() })
    }

    /// The digest stored for `code` of request `request`.
    pub fn digest(&self, request: RequestId, code: &Code) -> CodeDigest {
        self.current.digest(request, code)
    }

    /// Whether `code` matches `stored` under any accepted key. Every key is
    /// tried and compared in constant time, whichever matches.
    pub fn verify(&self, request: RequestId, code: &Code, stored: &CodeDigest) -> bool {
        let mut matched = subtle::Choice::from(0);
        for key in std::iter::once(&self.current).chain(&self.previous) {
            matched |= key.digest(request, code).0.ct_eq(&stored.0);
        }
        matched.into()
    }
}

impl fmt::Debug for CodeKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CodeKeys").field("previous", &self.previous.len()).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_token_whose_last_symbol_carries_stray_bits_is_not_a_token() {
        // 43 symbols carry 258 bits; the last two must be zero in the one encoding of 32 bytes.
        assert!(LinkToken::parse(&"A".repeat(43)).is_some());
        assert!(LinkToken::parse(&format!("{}B", "A".repeat(42))).is_none());
    }

    #[test]
    fn digests_expose_their_bytes_and_debug_shows_only_a_prefix() {
        let token = LinkToken::parse(&"A".repeat(43)).unwrap();
        let digest = token.digest();
        let expected: [u8; 32] = Sha256::digest("A".repeat(43).as_bytes()).into();
        assert_eq!(digest.as_bytes(), &expected);
        let shown = format!("{digest:?}");
        assert_eq!(
            shown,
            format!(
                "TokenDigest({:02x}{:02x}{:02x}{:02x}…)",
                expected[0], expected[1], expected[2], expected[3]
            )
        );
        let keys = CodeKeys::new(vec![7; 32], vec![]).unwrap();
        let code = Code::parse("123456").unwrap();
        let code_digest = keys.digest(RequestId::from_u128(1), &code);
        assert_eq!(code_digest.as_bytes(), &code_digest.0);
        assert_ne!(code_digest.as_bytes(), &[0; 32]);
        assert_eq!(format!("{code_digest:?}"), "CodeDigest(..)");
    }

    #[test]
    fn secrets_debug_as_redacted_markers() {
        assert_eq!(format!("{:?}", LinkToken::parse(&"A".repeat(43)).unwrap()), "LinkToken([REDACTED])");
        assert_eq!(format!("{:?}", Code::parse("123456").unwrap()), "Code([REDACTED])");
        let keys = CodeKeys::new(vec![7; 32], vec![vec![8; 32]]).unwrap();
        assert_eq!(format!("{keys:?}"), "CodeKeys { previous: 1, .. }");
    }

    #[test]
    fn keys_from_text_secrets_need_32_bytes_and_match_keys_from_bytes() {
        let text = SecretString::from("an environment variable's 32+ byte secret");
        let from_text = CodeKeys::from_text(&text, &[]).unwrap();
        let from_bytes = CodeKeys::new(text.expose_secret().as_bytes().to_vec(), vec![]).unwrap();
        let code = Code::parse("012345").unwrap();
        let id = RequestId::from_u128(7);
        assert_eq!(from_text.digest(id, &code), from_bytes.digest(id, &code));
        assert!(CodeKeys::from_text(&SecretString::from("too short"), &[]).is_err());
        assert!(CodeKeys::from_text(&text, &[SecretString::from("short")]).is_err());
    }

    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn keys() -> CodeKeys {
        CodeKeys::new(vec![7; 32], vec![]).unwrap()
    }

    #[test]
    fn tokens_have_256_bits_in_url_safe_base64() {
        let token = LinkToken::generate(&OsRandom).unwrap();
        assert_eq!(token.expose().len(), TOKEN_LEN);
        assert_eq!(URL_SAFE_NO_PAD.decode(token.expose()).unwrap().len(), 32);
        assert!(LinkToken::parse(token.expose()).is_some());
    }

    #[test]
    fn two_tokens_differ() {
        let a = LinkToken::generate(&OsRandom).unwrap();
        let b = LinkToken::generate(&OsRandom).unwrap();
        assert_ne!(a.expose(), b.expose());
        assert_ne!(a.digest(), b.digest());
    }

    #[test]
    fn token_digest_is_sha256_of_the_text() {
        let token = LinkToken::generate(&OsRandom).unwrap();
        let expected: [u8; 32] = Sha256::digest(token.expose().as_bytes()).into();
        assert_eq!(token.digest().0, expected);
    }

    #[test]
    fn malformed_tokens_are_refused() {
        let good = LinkToken::generate(&OsRandom).unwrap();
        let good = good.expose();
        for bad in [
            "",
            &good[1..],
            &format!("{good}A"),
            &format!("../{}", &good[3..]),
            &format!("%2e{}", &good[3..]),
            &format!("{}=", &good[..42]),
            &format!("{}\0", &good[..42]),
            &format!("{}é", &good[..41]),
        ] {
            assert!(LinkToken::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn codes_keep_leading_zeros() {
        let mut rng = StdRng::seed_from_u64(1);
        let mut saw_leading_zero = false;
        for _ in 0..10_000 {
            let code = Code::generate_with(&mut rng);
            assert_eq!(code.expose().len(), 6);
            assert!(code.expose().bytes().all(|b| b.is_ascii_digit()));
            saw_leading_zero |= code.expose().starts_with('0');
        }
        assert!(saw_leading_zero);
    }

    /// Chi-square over the first digit and the last digit position (10 bins
    /// each) and over 100 bins of the whole value, with a fixed seed.
    #[test]
    fn codes_are_uniform_by_chi_square() {
        let mut rng = StdRng::seed_from_u64(2026);
        let draws = 200_000usize;
        let mut first = [0usize; 10];
        let mut last = [0usize; 10];
        let mut hundreds = [0usize; 100];
        for _ in 0..draws {
            let code = Code::generate_with(&mut rng);
            let digits = code.expose().as_bytes();
            first[usize::from(digits[0] - b'0')] += 1;
            last[usize::from(digits[5] - b'0')] += 1;
            let value: usize = code.expose().parse().unwrap();
            hundreds[value / 10_000] += 1;
        }
        let chi = |bins: &[usize]| {
            let expected = draws as f64 / bins.len() as f64;
            bins.iter().map(|&n| (n as f64 - expected).powi(2) / expected).sum::<f64>()
        };
        // Critical values at p = 0.001: 27.88 for 9 degrees of freedom, 148.2 for 99.
        assert!(chi(&first) < 27.88, "first digit chi2 {}", chi(&first));
        assert!(chi(&last) < 27.88, "last digit chi2 {}", chi(&last));
        assert!(chi(&hundreds) < 148.2, "value chi2 {}", chi(&hundreds));
    }

    #[test]
    fn typed_codes_with_spaces_or_dashes_are_accepted() {
        for typed in ["012345", " 012345 ", "012 345", "012-345", "0 1 2 3 4 5", "012\t345"] {
            assert_eq!(
                Code::parse(typed).map(|c| c.expose().to_owned()).as_deref(),
                Some("012345"),
                "{typed:?}"
            );
        }
    }

    #[test]
    fn codes_that_are_not_six_ascii_digits_are_refused() {
        for typed in
            ["", "12345", "1234567", "12345a", "１２３４５６", "١٢٣٤٥٦", "123\u{0}456", "123_456", "12345６"]
        {
            assert!(Code::parse(typed).is_none(), "{typed:?}");
        }
    }

    #[test]
    fn code_digest_verifies_only_the_right_code_and_request() {
        let keys = keys();
        let request = RequestId::from_u128(1);
        let code = Code::parse("123456").unwrap();
        let stored = keys.digest(request, &code);
        assert!(keys.verify(request, &code, &stored));
        assert!(!keys.verify(request, &Code::parse("123457").unwrap(), &stored));
        assert!(!keys.verify(RequestId::from_u128(2), &code, &stored));
    }

    #[test]
    fn rotated_keys_still_verify_codes_made_under_the_old_key() {
        let old = keys();
        let request = RequestId::from_u128(9);
        let code = Code::parse("000001").unwrap();
        let stored = old.digest(request, &code);
        let rotated = CodeKeys::new(vec![8; 32], vec![vec![7; 32]]).unwrap();
        assert!(rotated.verify(request, &code, &stored));
        assert_ne!(rotated.digest(request, &code), stored);
        let dropped = CodeKeys::new(vec![8; 32], vec![]).unwrap();
        assert!(!dropped.verify(request, &code, &stored));
    }

    #[test]
    fn short_keys_are_refused() {
        assert!(CodeKeys::new(vec![1; 31], vec![]).is_err());
        assert!(CodeKeys::new(vec![1; 32], vec![vec![1; 8]]).is_err());
    }

    #[test]
    fn debug_never_shows_secrets() {
        let token = LinkToken::generate(&OsRandom).unwrap();
        let code = Code::parse("987654").unwrap();
        let keys = CodeKeys::new(vec![b'k'; 32], vec![]).unwrap();
        let shown = format!("{token:?} {code:?} {keys:?} {:?}", keys.digest(RequestId::from_u128(3), &code));
        assert!(!shown.contains(token.expose()));
        assert!(!shown.contains("987654"));
        assert!(!shown.contains("kkkk"));
    }

    proptest::proptest! {
        // A fixed seed and no regressions file: CI runs the same cases every time.
        #![proptest_config(proptest::test_runner::Config {
            cases: 256,
            rng_seed: proptest::test_runner::RngSeed::Fixed(0x5ec7_3a61_c0de_2f05),
            failure_persistence: None,
            ..proptest::test_runner::Config::default()
        })]

        #[test]
        fn code_parse_never_panics_and_yields_six_digits(typed in "\\PC{0,20}") {
            if let Some(code) = Code::parse(&typed) {
                proptest::prop_assert_eq!(code.expose().len(), 6);
                proptest::prop_assert!(code.expose().bytes().all(|b| b.is_ascii_digit()));
            }
        }
    }
}
