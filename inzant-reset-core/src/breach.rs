//! Breached passwords (NIST SP 800-63B §5.1.1.2): a new password that
//! appears in known data breaches is refused.
//!
//! The core does no I/O of its own. It hashes the (NFKC-normalized)
//! password with SHA-1 into a [`PasswordSha1`] and asks a
//! [`BreachedPasswords`](crate::ports::BreachedPasswords) source how often
//! that hash was seen; the `inzant-reset-breach` crate has the two sources
//! (the Pwned Passwords range API, k-anonymous and padded, and a local
//! mirror of its range files). Both read ranges — the hashes sharing a
//! 5-hexadecimal-digit prefix, one `SUFFIX:COUNT` line each — with the one
//! parser here, [`parse_range`].
//!
//! The service checks once the rest of the policy is met, and on every
//! submit; [`BreachPolicy`] says from how many sightings a password is
//! refused and what happens when the source cannot answer.

use std::error::Error as StdError;
use std::fmt;

use secrecy::ExposeSecret;
use secrecy::zeroize::Zeroize;
use sha1::{Digest, Sha1};

use crate::policy::normalize_password;

/// Hexadecimal digits of a range's prefix (the part sent to the API).
pub const PREFIX_LEN: usize = 5;
/// Hexadecimal digits of a hash's suffix within its range.
pub const SUFFIX_LEN: usize = 35;
/// How many ranges there are: every 5-digit prefix, `00000` to `FFFFF`.
pub const RANGES: u32 = 1 << 20;

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// The SHA-1 digest of a normalized password: what a breach source is asked
/// about. The password itself never leaves the core.
///
/// An unsalted SHA-1 of a password is as sensitive as the password for
/// anyone with a dictionary: `Debug` shows the range prefix only (which
/// the range API is sent anyway), and the digest is wiped when dropped.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PasswordSha1([u8; 20]);

impl PasswordSha1 {
    /// The digest of `password` after NFKC normalization
    /// ([`normalize_password`]), as the policy, hashing and verification see it.
    ///
    /// ```
    /// use inzant_reset_core::breach::PasswordSha1;
    ///
    /// let sha1 = PasswordSha1::of("password");
    /// assert_eq!(sha1.prefix(), "5BAA6");
    /// assert_eq!(sha1.suffix(), "1E4C9B93F3F0682250B6CF8331B7EE68FD8");
    /// // The same password typed in full-width letters.
    /// assert_eq!(PasswordSha1::of("ｐａｓｓｗｏｒｄ"), sha1);
    /// ```
    pub fn of(password: &str) -> Self {
        let normalized = normalize_password(password);
        let mut hasher = Sha1::new();
        hasher.update(normalized.expose_secret().as_bytes());
        Self(hasher.finalize().into())
    }

    /// A digest from its 20 bytes.
    pub fn from_bytes(bytes: [u8; 20]) -> Self {
        Self(bytes)
    }

    /// A digest from its 40 hexadecimal digits, in either case.
    pub fn from_hex(hex: &[u8]) -> Option<Self> {
        if hex.len() != 40 {
            return None;
        }
        let mut bytes = [0; 20];
        for (byte, pair) in bytes.iter_mut().zip(hex.chunks_exact(2)) {
            *byte = (nibble(pair[0])? << 4) | nibble(pair[1])?;
        }
        Some(Self(bytes))
    }

    /// The digest's 20 bytes.
    pub fn as_bytes(&self) -> &[u8; 20] {
        &self.0
    }

    /// The range's prefix: the first 5 hexadecimal digits, upper case (`5BAA6`).
    pub fn prefix(&self) -> String {
        prefix_hex(self.prefix_index())
    }

    /// The range's number, `0` (`00000`) to `RANGES - 1` (`FFFFF`).
    pub fn prefix_index(&self) -> u32 {
        (u32::from(self.0[0]) << 12) | (u32::from(self.0[1]) << 4) | (u32::from(self.0[2]) >> 4)
    }

    /// The last 35 hexadecimal digits, upper case: the hash within its range.
    pub fn suffix(&self) -> String {
        self.range_suffix().to_hex()
    }

    /// The last 35 hexadecimal digits, as bytes.
    pub fn range_suffix(&self) -> RangeSuffix {
        let mut bytes = [0; 18];
        bytes[0] = self.0[2] & 0x0f;
        bytes[1..].copy_from_slice(&self.0[3..]);
        RangeSuffix(bytes)
    }

    /// The whole digest: 40 upper-case hexadecimal digits (for writing mirrors).
    pub fn to_hex(&self) -> String {
        let mut hex = String::with_capacity(40);
        for byte in self.0 {
            hex.push(char::from(HEX_UPPER[usize::from(byte >> 4)]));
            hex.push(char::from(HEX_UPPER[usize::from(byte & 0x0f)]));
        }
        hex
    }
}

impl Drop for PasswordSha1 {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for PasswordSha1 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PasswordSha1({}…)", self.prefix())
    }
}

/// Range number `index` as its 5 upper-case hexadecimal digits (`5BAA6`);
/// only the low 20 bits count.
pub fn prefix_hex(index: u32) -> String {
    (0..PREFIX_LEN)
        .rev()
        .map(|digit| char::from(HEX_UPPER[((index >> (4 * digit)) & 0xf) as usize]))
        .collect()
}

/// The range number of a 5-digit hexadecimal prefix, in either case.
pub fn parse_prefix(hex: &[u8]) -> Option<u32> {
    if hex.len() != PREFIX_LEN {
        return None;
    }
    hex.iter().try_fold(0u32, |index, &digit| Some((index << 4) | u32::from(nibble(digit)?)))
}

/// The 35 hexadecimal digits of a hash after its range's prefix, as 18
/// bytes (the first holds one digit). Ordered as the digits are.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RangeSuffix([u8; 18]);

impl RangeSuffix {
    /// A suffix from its 35 hexadecimal digits, in either case.
    pub fn from_hex(hex: &[u8]) -> Option<Self> {
        if hex.len() != SUFFIX_LEN {
            return None;
        }
        // Checked once at the end: ranges are read a line at a time, on every lookup.
        let mut bytes = [0; 18];
        let mut invalid = HEX_VALUES[usize::from(hex[0])];
        bytes[0] = invalid;
        for (byte, pair) in bytes[1..].iter_mut().zip(hex[1..].chunks_exact(2)) {
            let (high, low) = (HEX_VALUES[usize::from(pair[0])], HEX_VALUES[usize::from(pair[1])]);
            invalid |= high | low;
            *byte = (high << 4) | (low & 0x0f);
        }
        (invalid < 16).then_some(Self(bytes))
    }

    /// The 35 upper-case hexadecimal digits.
    pub fn to_hex(&self) -> String {
        let mut hex = String::with_capacity(SUFFIX_LEN);
        hex.push(char::from(HEX_UPPER[usize::from(self.0[0] & 0x0f)]));
        for byte in &self.0[1..] {
            hex.push(char::from(HEX_UPPER[usize::from(byte >> 4)]));
            hex.push(char::from(HEX_UPPER[usize::from(byte & 0x0f)]));
        }
        hex
    }
}

impl fmt::Debug for RangeSuffix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RangeSuffix(…)")
    }
}

/// Each byte's value as a hexadecimal digit, or `0xFF`.
const HEX_VALUES: [u8; 256] = {
    let mut table = [0xFF; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        table[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    table
};

fn nibble(digit: u8) -> Option<u8> {
    let value = HEX_VALUES[usize::from(digit)];
    (value < 16).then_some(value)
}

/// Why a range body (or one line of a mirror) could not be read. Never
/// holds the suffix looked for.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    /// The body has no line at all (a range always has some, padded or not).
    #[error("the range is empty")]
    Empty,
    /// Line `line` (counting from 1) is not `SUFFIX:COUNT`.
    #[error("line {line} is not SUFFIX:COUNT: {problem}")]
    BadLine {
        /// The line's number, from 1.
        line: usize,
        /// What is wrong with it.
        problem: LineProblem,
    },
    /// The suffix looked for is not 35 hexadecimal digits.
    #[error("the suffix looked for is not 35 hexadecimal digits")]
    BadSuffix,
}

/// What is wrong with a line of a range or of a sorted hash file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LineProblem {
    /// No `:` between the hash and the count.
    #[error("no ':' between the hash and the count")]
    NoColon,
    /// The hash has the wrong number of digits.
    #[error("the hash has {found} characters instead of {expected}")]
    HashLength {
        /// The digits expected: 35 in a range, 40 in a sorted file.
        expected: usize,
        /// The characters found.
        found: usize,
    },
    /// The hash has a character that is not a hexadecimal digit.
    #[error("the hash has a character that is not a hexadecimal digit")]
    NotHex,
    /// The count is empty or not decimal digits.
    #[error("the count is not a decimal number")]
    BadCount,
    /// The count does not fit 64 bits.
    #[error("the count is too large")]
    CountTooLarge,
    /// An empty line before the last one.
    #[error("the line is empty")]
    EmptyLine,
    /// Longer than any `HASH:COUNT` line (a sorted file searched by seeking).
    #[error("the line is longer than any HASH:COUNT")]
    TooLong,
}

/// One line of a range: a suffix and how often its hash was seen (0 for
/// padding lines the API adds so that answers are all of a size).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RangeEntry {
    /// The hash's last 35 digits.
    pub suffix: RangeSuffix,
    /// How often it was seen; 0 for padding.
    pub count: u64,
}

/// The lines of a range body, read one at a time: each is an entry or the
/// error that stops the reading. Lines end in LF or CRLF; the last one may
/// have no end; hexadecimal digits may be of either case.
pub fn range_entries(body: &[u8]) -> RangeEntries<'_> {
    RangeEntries { rest: Some(body), line: 0, failed: false }
}

/// The iterator of [`range_entries`].
#[derive(Debug, Clone)]
pub struct RangeEntries<'a> {
    rest: Option<&'a [u8]>,
    line: usize,
    failed: bool,
}

impl Iterator for RangeEntries<'_> {
    type Item = Result<RangeEntry, RangeError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let rest = self.rest?;
        let (line, after) = match rest.iter().position(|&b| b == b'\n') {
            Some(end) => (&rest[..end], Some(&rest[end + 1..])),
            None => (rest, None),
        };
        self.line += 1;
        // A final line end leaves nothing after it: that is not a line.
        self.rest = after.filter(|after| !after.is_empty());
        if line.is_empty() && after.is_none() && self.line == 1 {
            self.failed = true;
            return Some(Err(RangeError::Empty));
        }
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let parsed = split_line(line, SUFFIX_LEN).and_then(|(hash, count)| {
            let suffix = RangeSuffix::from_hex(hash).ok_or(LineProblem::NotHex)?;
            Ok(RangeEntry { suffix, count })
        });
        match parsed {
            Ok(entry) => Some(Ok(entry)),
            Err(problem) => {
                self.failed = true;
                Some(Err(RangeError::BadLine { line: self.line, problem }))
            }
        }
    }
}

/// `HASH:COUNT` split and checked: the hash has `digits` characters, the
/// count is decimal.
fn split_line(line: &[u8], digits: usize) -> Result<(&[u8], u64), LineProblem> {
    if line.is_empty() {
        return Err(LineProblem::EmptyLine);
    }
    if line.get(digits) == Some(&b':') {
        return Ok((&line[..digits], parse_count(&line[digits + 1..])?));
    }
    let colon = line.iter().position(|&b| b == b':').ok_or(LineProblem::NoColon)?;
    let (hash, count) = (&line[..colon], &line[colon + 1..]);
    if hash.len() != digits {
        return Err(LineProblem::HashLength { expected: digits, found: hash.len() });
    }
    Ok((hash, parse_count(count)?))
}

fn parse_count(digits: &[u8]) -> Result<u64, LineProblem> {
    if digits.is_empty() {
        return Err(LineProblem::BadCount);
    }
    digits.iter().try_fold(0u64, |count, &digit| {
        if !digit.is_ascii_digit() {
            return Err(LineProblem::BadCount);
        }
        count
            .checked_mul(10)
            .and_then(|count| count.checked_add(u64::from(digit - b'0')))
            .ok_or(LineProblem::CountTooLarge)
    })
}

/// How often the hash whose last 35 digits are `suffix` appears in the
/// range `body`: `Some(count)`, or `None` when it is not there (or only as
/// a padding line, count 0).
///
/// The whole body is read and checked, whichever line matches: a
/// truncated or garbled answer is an error, never a guess.
///
/// ```
/// use inzant_reset_core::breach::{PasswordSha1, parse_range};
///
/// let body = b"1E4C9B93F3F0682250B6CF8331B7EE68FD8:10434004\r\n\
///              0000000000000000000000000000000000A:0\r\n";
/// let sha1 = PasswordSha1::of("password");
/// assert_eq!(parse_range(body, &sha1.suffix()), Ok(Some(10434004)));
/// assert_eq!(parse_range(body, "0000000000000000000000000000000000a"), Ok(None));
/// assert!(parse_range(b"<html>busy</html>", &sha1.suffix()).is_err());
/// ```
///
/// # Errors
/// An empty body, a line that is not `SUFFIX:COUNT` (35 hexadecimal
/// digits, a colon, a decimal count), or a `suffix` that is not 35
/// hexadecimal digits.
pub fn parse_range(body: &[u8], suffix: &str) -> Result<Option<u64>, RangeError> {
    let wanted = RangeSuffix::from_hex(suffix.as_bytes()).ok_or(RangeError::BadSuffix)?;
    let mut found = None;
    for entry in range_entries(body) {
        let entry = entry?;
        if entry.suffix == wanted && entry.count > 0 {
            found = Some(found.unwrap_or(0u64).saturating_add(entry.count));
        }
    }
    Ok(found)
}

/// One line of a sorted hash file, `HASH:COUNT` (40 hexadecimal digits of
/// either case, a colon, a decimal count; a final CR is ignored).
///
/// # Errors
/// What is wrong with the line.
pub fn parse_hash_line(line: &[u8]) -> Result<(PasswordSha1, u64), LineProblem> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let (hash, count) = split_line(line, 40)?;
    Ok((PasswordSha1::from_hex(hash).ok_or(LineProblem::NotHex)?, count))
}

/// A breach source could not answer (network down, timeout, a corrupt
/// mirror file). Never holds the password or its hash.
#[derive(Debug)]
pub struct BreachError {
    message: String,
    source: Option<Box<dyn StdError + Send + Sync + 'static>>,
}

impl BreachError {
    /// An error described by `message` alone.
    pub fn new(message: impl Into<String>) -> Self {
        Self { message: message.into(), source: None }
    }

    /// An error described by `message`, caused by `source`.
    pub fn with_source(message: impl Into<String>, source: impl StdError + Send + Sync + 'static) -> Self {
        Self { message: message.into(), source: Some(Box::new(source)) }
    }
}

impl fmt::Display for BreachError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(source) = &self.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

impl StdError for BreachError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source.as_deref().map(|s| s as &(dyn StdError + 'static))
    }
}

/// What the service does when the breach source cannot answer. Either way
/// a warning is logged.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OnUnavailable {
    /// Rate and save the password as if it were not breached (the default).
    #[default]
    Allow,
    /// Refuse to save it: the person is asked to try again in a moment.
    Refuse,
}

/// How the service uses its breach source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct BreachPolicy {
    /// A password seen this many times or more is refused (default 1: any
    /// sighting). At least 1.
    pub threshold: u64,
    /// What happens when the source cannot answer (default: allow, logged).
    pub on_unavailable: OnUnavailable,
}

impl Default for BreachPolicy {
    fn default() -> Self {
        Self { threshold: 1, on_unavailable: OnUnavailable::Allow }
    }
}

impl BreachPolicy {
    /// Refuses passwords seen `threshold` times or more, and does
    /// `on_unavailable` when the source cannot answer.
    ///
    /// ```
    /// # use inzant_reset_core::breach::{BreachPolicy, OnUnavailable};
    /// let policy = BreachPolicy::new(10, OnUnavailable::Refuse);
    /// assert!(!policy.refuses(9));
    /// assert!(policy.refuses(10));
    /// ```
    pub fn new(threshold: u64, on_unavailable: OnUnavailable) -> Self {
        Self { threshold, on_unavailable }
    }

    /// Whether a password seen `count` times is refused.
    pub fn refuses(&self, count: u64) -> bool {
        count >= self.threshold.max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PASSWORD: &str = "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8";

    #[test]
    fn the_digest_is_sha1_of_the_normalized_password() {
        let sha1 = PasswordSha1::of("password");
        assert_eq!(sha1.to_hex(), PASSWORD);
        assert_eq!(sha1.prefix(), "5BAA6");
        assert_eq!(sha1.prefix_index(), 0x5BAA6);
        assert_eq!(format!("{}{}", sha1.prefix(), sha1.suffix()), PASSWORD);
        assert_eq!(PasswordSha1::from_hex(PASSWORD.to_lowercase().as_bytes()), Some(sha1.clone()));
        assert_eq!(PasswordSha1::of("Caf\u{e9}"), PasswordSha1::of("Cafe\u{301}"));
        assert_eq!(format!("{sha1:?}"), "PasswordSha1(5BAA6…)");
        assert!(!format!("{:?}", sha1.range_suffix()).contains("1E4C"));
    }

    #[test]
    fn prefixes_round_trip() {
        for index in [0, 1, 0xABCDE, RANGES - 1] {
            assert_eq!(parse_prefix(prefix_hex(index).as_bytes()), Some(index));
        }
        assert_eq!(prefix_hex(0), "00000");
        assert_eq!(parse_prefix(b"fffff"), Some(RANGES - 1));
        assert_eq!(parse_prefix(b"FFFF"), None);
        assert_eq!(parse_prefix(b"FFFFG"), None);
    }

    #[test]
    fn suffixes_round_trip_and_order_as_their_digits() {
        let suffix = "1E4C9B93F3F0682250B6CF8331B7EE68FD8";
        let parsed = RangeSuffix::from_hex(suffix.as_bytes()).unwrap();
        assert_eq!(parsed.to_hex(), suffix);
        assert_eq!(RangeSuffix::from_hex(suffix.to_lowercase().as_bytes()), Some(parsed));
        let lower = RangeSuffix::from_hex(b"0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF").unwrap();
        let higher = RangeSuffix::from_hex(b"10000000000000000000000000000000000").unwrap();
        assert!(lower < higher);
        assert_eq!(PasswordSha1::of("password").range_suffix(), parsed);
    }

    #[test]
    fn ranges_are_read_with_either_line_end_and_case() {
        let sha1 = PasswordSha1::of("password");
        let suffix = sha1.suffix();
        for body in [
            "0018A45C4D1DEF81644B54AB7F969B88D65:1\r\n1E4C9B93F3F0682250B6CF8331B7EE68FD8:42\r\n",
            "0018A45C4D1DEF81644B54AB7F969B88D65:1\n1e4c9b93f3f0682250b6cf8331b7ee68fd8:42",
            "1E4C9B93F3F0682250B6CF8331B7EE68FD8:42",
        ] {
            assert_eq!(parse_range(body.as_bytes(), &suffix), Ok(Some(42)), "{body:?}");
            assert_eq!(parse_range(body.as_bytes(), &suffix.to_lowercase()), Ok(Some(42)), "{body:?}");
        }
        let padding = "1E4C9B93F3F0682250B6CF8331B7EE68FD8:0\r\n0018A45C4D1DEF81644B54AB7F969B88D65:3";
        assert_eq!(parse_range(padding.as_bytes(), &suffix), Ok(None));
    }

    #[test]
    fn malformed_ranges_say_which_line_and_why() {
        let suffix = PasswordSha1::of("password").suffix();
        let good = "1E4C9B93F3F0682250B6CF8331B7EE68FD8:42";
        let cases: [(&str, RangeError); 9] = [
            ("", RangeError::Empty),
            ("\n", RangeError::BadLine { line: 1, problem: LineProblem::EmptyLine }),
            (&format!("{good}\n\n{good}"), RangeError::BadLine { line: 2, problem: LineProblem::EmptyLine }),
            ("<html>", RangeError::BadLine { line: 1, problem: LineProblem::NoColon }),
            (
                &format!("{good}\n1E4C9B93F3F06:1"),
                RangeError::BadLine { line: 2, problem: LineProblem::HashLength { expected: 35, found: 13 } },
            ),
            (
                "1E4C9B93F3F0682250B6CF8331B7EE68FDZ:1",
                RangeError::BadLine { line: 1, problem: LineProblem::NotHex },
            ),
            (&format!("{good}x"), RangeError::BadLine { line: 1, problem: LineProblem::BadCount }),
            (
                "1E4C9B93F3F0682250B6CF8331B7EE68FD8:99999999999999999999",
                RangeError::BadLine { line: 1, problem: LineProblem::CountTooLarge },
            ),
            (&format!("{good}\r\n{good} "), RangeError::BadLine { line: 2, problem: LineProblem::BadCount }),
        ];
        for (body, error) in cases {
            assert_eq!(parse_range(body.as_bytes(), &suffix), Err(error), "{body:?}");
        }
        // A match before the garbage is no answer.
        assert!(parse_range(format!("{good}\ngarbage").as_bytes(), &suffix).is_err());
        assert_eq!(parse_range(good.as_bytes(), "XYZ"), Err(RangeError::BadSuffix));
        assert!(!RangeError::BadSuffix.to_string().contains(&suffix));
    }

    #[test]
    fn sorted_file_lines_hold_whole_hashes() {
        let (sha1, count) = parse_hash_line(format!("{PASSWORD}:7\r").as_bytes()).unwrap();
        assert_eq!((sha1, count), (PasswordSha1::of("password"), 7));
        assert_eq!(parse_hash_line(b"5BAA6:1"), Err(LineProblem::HashLength { expected: 40, found: 5 }));
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config {
            cases: 256,
            rng_seed: proptest::test_runner::RngSeed::Fixed(0x5baa_61e4_c9b9_3f3f),
            failure_persistence: None,
            ..proptest::test_runner::Config::default()
        })]

        #[test]
        fn every_line_written_is_read_back(
            entries in proptest::collection::vec((proptest::array::uniform20(0u8..), 0u64..u64::MAX, proptest::bool::ANY), 1..40),
            crlf in proptest::bool::ANY,
            final_end in proptest::bool::ANY,
        ) {
            let lines: Vec<String> = entries
                .iter()
                .map(|(bytes, count, lower)| {
                    let suffix = PasswordSha1::from_bytes(*bytes).suffix();
                    let suffix = if *lower { suffix.to_lowercase() } else { suffix };
                    format!("{suffix}:{count}")
                })
                .collect();
            let end = if crlf { "\r\n" } else { "\n" };
            let mut body = lines.join(end);
            if final_end {
                body.push_str(end);
            }
            for (bytes, _, _) in &entries {
                let sha1 = PasswordSha1::from_bytes(*bytes);
                let expected: u64 = entries
                    .iter()
                    .filter(|(other, _, _)| PasswordSha1::from_bytes(*other).range_suffix() == sha1.range_suffix())
                    .fold(0u64, |sum, (_, count, _)| sum.saturating_add(*count));
                let found = parse_range(body.as_bytes(), &sha1.suffix()).unwrap();
                proptest::prop_assert_eq!(found, (expected > 0).then_some(expected));
            }
        }

        #[test]
        fn any_bytes_are_read_or_refused_never_a_panic(body in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let suffix = PasswordSha1::of("password").suffix();
            let all_lines_read = range_entries(&body).all(|entry| entry.is_ok());
            proptest::prop_assert_eq!(parse_range(&body, &suffix).is_ok(), all_lines_read);
            let _ = parse_hash_line(&body);
        }
    }

    #[test]
    fn the_threshold_is_at_least_one() {
        let policy = BreachPolicy::default();
        assert!(!policy.refuses(0));
        assert!(policy.refuses(1));
        let lenient = BreachPolicy { threshold: 10, ..policy };
        assert!(!lenient.refuses(9));
        assert!(lenient.refuses(10));
        assert!(!BreachPolicy { threshold: 0, ..policy }.refuses(0));
    }
}
