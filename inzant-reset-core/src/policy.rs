//! The password policy: what makes a new password acceptable, and the
//! strength level the meter shows as the user types.
//!
//! A password is first NFKC-normalized ([`normalize_password`]) so that the
//! same password typed on an iPad, a phone or a PC is the same password; then
//! its length (in Unicode scalar values), its composition and its zxcvbn
//! score decide its [`StrengthLevel`].
//!
//! # Strength estimation with a bounded cost
//!
//! The meter runs on every keystroke, so [`PasswordPolicy::evaluate`] must be
//! cheap on *every* input, including hostile ones. Stock zxcvbn 3.1 is not:
//! its dictionary matching and scoring are quadratic in the length (it reads
//! up to 100 characters), and its l33t matcher repeats the whole dictionary
//! matching once per *substitution table* it enumerates — the product, over
//! the letters of its l33t table, of how many of that letter's symbols occur
//! in the password. That count is exponential in the number of distinct
//! l33t symbols (`4 @ 8 ( { [ < 3 6 9 1 ! | 7 0 $ 5 + % 2`): a 20-character
//! string of them costs about 15 ms, 100 characters about 300 ms.
//!
//! The policy therefore calls stock zxcvbn only on texts whose cost is
//! bounded, using a cost model in *work units* (about 0.1 µs each on the
//! reference machine): `16 + n² × (3 + T)` for a text of `n` characters,
//! where `T` is an upper bound on the substitution tables stock zxcvbn
//! enumerates for it (product over letters of the number of that letter's
//! symbols present, doubled for each of `1`, `|`, `7`, which stand for two
//! letters). Then:
//!
//! - **Direct path** — a password of at most 40 characters costing at most
//!   6,400 units (40 characters without l33t symbols, 18 made of all ten
//!   digits) is rated by one stock call on the whole of it. Its score,
//!   warning and suggestions are exactly stock zxcvbn's. This covers nearly
//!   every password people type, including leetspeak, dates and
//!   passphrases.
//! - **Windowed path** — anything else (longer than 40 characters, or dense in
//!   distinct l33t symbols). Like stock, it reads the first 100 characters
//!   only (the rules still apply to the whole password): rating a tail that
//!   stock never sees would make acceptable what stock refuses. It gathers
//!   matches — the ones stock would find — from
//!   - *repeat runs* of at least 12 characters (`abcabcabc…`): one match
//!     whose guesses are the repeated base's times the number of copies, as
//!     zxcvbn counts them; the base is rated by one stock call when it fits
//!     one (up to 40 characters), as stock rates it, else like a password of
//!     its own. A last, incomplete copy after the run (`…369+147258369`)
//!     gets the base's own matches without another call;
//!   - *sequences*, found by zxcvbn's sequence matcher restated over the
//!     whole text (constant code-point step of 1 to 5, `abcd…`, `97531…`,
//!     `1111…12`), with zxcvbn's sequence formula;
//!   - *segments* of the remaining text, each at most 16 characters and
//!     2,000 units for its call (a ten-digit date fits), or the rest of it in one call
//!     when that fits one and the budget; cut preferably where the character
//!     class changes so words stay whole; the next segment starts up to 9
//!     characters before a cut, so that a date or word the cut broke is
//!     found whole (a keyboard walk longer than a segment is joined across
//!     the cut instead), or at a copy of text already rated. A segment that
//!     is not the whole text is rated behind a character no pattern matches,
//!     which stands for the rest of the password: zxcvbn weighs a part's
//!     matches differently when other matches surround it (each one more
//!     multiplies its additive term by 10,000), and a stock call shows only
//!     the matches of its own best cover. If the budget allows, each such
//!     segment is then rated alone too;
//!   - *copies*: a match found once is found again wherever its characters
//!     occur again (`147258369!147258369`).
//!
//!   The password's guesses are then computed as zxcvbn does, with its own
//!   formula restated: the least, over the covers of the text by those
//!   matches and spans of brute force (10 guesses a character), of
//!   `l! × ∏ guesses + 10000^(l−1)` for `l` matches (sub-match minimums
//!   applied), then zxcvbn's score thresholds (below 10³ guesses is 0, 10⁶
//!   is 1, 10⁸ is 2, 10¹⁰ is 3, above is 4). All stock calls of one estimate
//!   share a budget of 5,000 units; text no call could rate counts as brute
//!   force. When the score is 2 or less the warning and suggestions are
//!   those of the weakest part (for a run, of a stock call on a short
//!   sample of it); otherwise there are none, as with stock zxcvbn.
//!
//! So one call does at most 6,400 units of stock work (direct path) or
//! 5,000 (windowed path) plus bookkeeping that is small beside it (the
//! cover search is quadratic in the 100 analyzed characters at most): under
//! 1 ms on the reference machine whatever the input (see
//! `docs/PERFORMANCE.md`).
//!
//! **Effect on scores.** On the direct path there is none. On the windowed
//! path, zxcvbn's formula makes any cover of four or more matches "Strong"
//! (4! × … + 10¹² guesses), so a long password rates lower only when a few
//! long matches cover it: repeats, sequences, walks, a short remainder.
//! Those the windowed path finds whole and weighs as stock does, which is
//! why it is not more lenient than stock on repeated, separated or re-cased
//! weak bases. What it can miss is a match that no call sees whole — one
//! that straddles a cut, or one that stock's best cover uses only in the
//! context of the whole password — and then it rates higher. That happens
//! mostly among passwords of many parts, which are "Strong" either way, and
//! on short ones too dense in l33t symbols for the budget to rate every
//! part (two copies of a nine-digit keypad walk with a symbol between, no
//! letter). The agreement tests check the level against stock zxcvbn plus
//! the composition rules on generated realistic corpora (at least 99 % up to
//! 40 characters, 98 % from 41 to 128 on the windowed path alone, and no
//! password below "Acceptable" for stock rated "Acceptable" or better; see
//! `tests/strength_windowed.rs` and `docs/PERFORMANCE.md`).
//!
//! # Rules besides the score
//!
//! Length (8–128 by default), composition (upper, lower, digit, symbol),
//! [`Rule::NoUserDetails`] (not the user's name or username) and
//! [`Rule::NoControlCharacters`], and [`Rule::NotBreached`] when the service
//! has a breach source (it looks the password up once the rest is met; the
//! policy itself stays pure): [`PasswordPolicy::rules`] lists those a
//! policy enforces, in the order a page shows them; a report lists those a
//! password does not meet in [`StrengthReport::unmet`]. Every reason a
//! submit refuses a password for its content is one of them.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use unicode_normalization::UnicodeNormalization;

mod estimator;
mod user_details;

use estimator::Estimate;

/// How strong a password is, weakest first. `Ord` follows strength.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StrengthLevel {
    /// A rule is unmet, or zxcvbn scores it 0.
    TooWeak,
    /// zxcvbn score 1.
    Weak,
    /// zxcvbn score 2: the default minimum to save.
    Acceptable,
    /// zxcvbn score 3.
    Good,
    /// zxcvbn score 4.
    Strong,
}

impl StrengthLevel {
    /// Every level, weakest first.
    pub const ALL: [StrengthLevel; 5] =
        [Self::TooWeak, Self::Weak, Self::Acceptable, Self::Good, Self::Strong];

    /// The text shown to the user: "Too Weak", "Weak", "Acceptable", "Good", "Strong".
    pub fn label(self) -> &'static str {
        match self {
            Self::TooWeak => "Too Weak",
            Self::Weak => "Weak",
            Self::Acceptable => "Acceptable",
            Self::Good => "Good",
            Self::Strong => "Strong",
        }
    }

    /// The machine name used in JSON: `too_weak`, `weak`, `acceptable`, `good`, `strong`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TooWeak => "too_weak",
            Self::Weak => "weak",
            Self::Acceptable => "acceptable",
            Self::Good => "good",
            Self::Strong => "strong",
        }
    }

    /// The CSS class that colours the label, red for "Too Weak" through green for "Strong".
    pub fn css_class(self) -> &'static str {
        match self {
            Self::TooWeak => "strength-too-weak",
            Self::Weak => "strength-weak",
            Self::Acceptable => "strength-acceptable",
            Self::Good => "strength-good",
            Self::Strong => "strength-strong",
        }
    }

    fn from_score(score: u8) -> Self {
        match score {
            0 => Self::TooWeak,
            1 => Self::Weak,
            2 => Self::Acceptable,
            3 => Self::Good,
            _ => Self::Strong,
        }
    }
}

impl fmt::Display for StrengthLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One rule of the policy that a password can fail. Every reason a submit
/// refuses a password for its content is one of these, so the strength
/// report lists it before the user submits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rule {
    /// At least the minimum number of characters.
    MinLength,
    /// At most the maximum number of characters.
    MaxLength,
    /// An upper-case letter.
    Uppercase,
    /// A lower-case letter.
    Lowercase,
    /// A digit.
    Digit,
    /// A symbol (anything that is neither a letter nor a digit).
    Symbol,
    /// Not the user's name or username: none of the username's local part,
    /// its parts, or the display name's words of 4 or more characters, in any
    /// case, also behind common l33t substitutions (`N3ll`).
    NoUserDetails,
    /// No control characters (tab, newline, NUL, …: [`char::is_control`]),
    /// which submits refuse.
    NoControlCharacters,
    /// Not found in known data breaches (NIST SP 800-63B), as the service's
    /// breach source says ([`crate::ports::BreachedPasswords`]). The policy
    /// is pure and never looks it up: the service checks once every other
    /// rule is met and marks the report ([`StrengthReport::mark_breached`]).
    NotBreached,
}

impl Rule {
    /// The machine name used in JSON (`"length"`, `"max_length"`, `"uppercase"`,
    /// `"lowercase"`, `"digit"`, `"symbol"`, `"no_user_details"`,
    /// `"no_control_characters"`, `"not_breached"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MinLength => "length",
            Self::MaxLength => "max_length",
            Self::Uppercase => "uppercase",
            Self::Lowercase => "lowercase",
            Self::Digit => "digit",
            Self::Symbol => "symbol",
            Self::NoUserDetails => "no_user_details",
            Self::NoControlCharacters => "no_control_characters",
            Self::NotBreached => "not_breached",
        }
    }
}

/// What the policy says about one password.
#[derive(Clone, Debug, PartialEq)]
pub struct StrengthReport {
    level: StrengthLevel,
    score: u8,
    acceptable: bool,
    length: usize,
    unmet: Vec<Rule>,
    warning: Option<String>,
    suggestions: Vec<String>,
}

impl StrengthReport {
    /// The level the meter shows.
    pub fn level(&self) -> StrengthLevel {
        self.level
    }

    /// zxcvbn's score, 0–4 (0 when the password was too long to score).
    pub fn score(&self) -> u8 {
        self.score
    }

    /// Whether the password may be saved.
    pub fn is_acceptable(&self) -> bool {
        self.acceptable
    }

    /// Length in Unicode scalar values after normalization.
    pub fn length(&self) -> usize {
        self.length
    }

    /// The rules the password does not meet yet.
    pub fn unmet(&self) -> &[Rule] {
        &self.unmet
    }

    /// zxcvbn's warning, if any ("This is a very common password.").
    pub fn warning(&self) -> Option<&str> {
        self.warning.as_deref()
    }

    /// zxcvbn's suggestions.
    pub fn suggestions(&self) -> &[String] {
        &self.suggestions
    }

    /// Whether the breach source found the password ([`Rule::NotBreached`] unmet).
    pub fn is_breached(&self) -> bool {
        self.unmet.contains(&Rule::NotBreached)
    }

    /// Marks the password as found in known data breaches: [`Rule::NotBreached`]
    /// unmet (listed last, as the rules are), "Too Weak", not acceptable.
    /// For the service, which looks passwords up; the score, warning and
    /// suggestions stay zxcvbn's.
    pub fn mark_breached(&mut self) {
        if !self.is_breached() {
            self.unmet.push(Rule::NotBreached);
        }
        self.level = StrengthLevel::TooWeak;
        self.acceptable = false;
    }
}

/// The password policy. [`PasswordPolicy::default`] is the Inzant policy:
/// 8–128 characters, upper- and lower-case letters, a digit and a symbol,
/// not the user's name or username, no control characters, and at least
/// "Acceptable".
///
/// # Examples
///
/// ```
/// use inzant_reset_core::policy::{PasswordPolicy, StrengthLevel};
///
/// let policy = PasswordPolicy::default();
/// let report = policy.evaluate("password", &[]);
/// assert_eq!(report.level(), StrengthLevel::TooWeak);
/// assert!(!report.is_acceptable());
///
/// let report = policy.evaluate("Velvet-Harbour-Lantern-42", &["sam.web@inzant.example"]);
/// assert!(report.level() >= StrengthLevel::Acceptable);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasswordPolicy {
    /// Fewest characters allowed.
    pub min_length: usize,
    /// Most characters allowed. Longer passwords are refused, never truncated.
    pub max_length: usize,
    /// Require an upper-case letter.
    pub require_uppercase: bool,
    /// Require a lower-case letter.
    pub require_lowercase: bool,
    /// Require a digit.
    pub require_digit: bool,
    /// Require a symbol.
    pub require_symbol: bool,
    /// Refuse passwords that contain the user's name or username
    /// ([`Rule::NoUserDetails`]).
    pub forbid_user_details: bool,
    /// The lowest level that may be saved.
    pub minimum_level: StrengthLevel,
    /// Words passed to zxcvbn for every user, besides the user's own.
    pub product_words: Vec<String>,
    /// Whether passwords are looked up in known data breaches
    /// ([`Rule::NotBreached`], listed by [`PasswordPolicy::rules`]). The
    /// service sets it: true when it was given a breach source
    /// (`ResetServiceBuilder::breached_passwords`), false otherwise.
    pub check_breaches: bool,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            min_length: 8,
            max_length: 128,
            require_uppercase: true,
            require_lowercase: true,
            require_digit: true,
            require_symbol: true,
            forbid_user_details: true,
            minimum_level: StrengthLevel::Acceptable,
            product_words: ["inzant", "sales", "tradeshow"].map(String::from).to_vec(),
            check_breaches: false,
        }
    }
}

/// NFKC can turn one character into up to eighteen and combine several into
/// one; no real password shrinks by more than this factor, so anything longer
/// is refused before the (linear but not free) normalization runs.
const RAW_LENGTH_FACTOR: usize = 4;

/// The NFKC form of a password: what the policy checks, what is hashed and
/// what is verified.
pub fn normalize_password(password: &str) -> SecretString {
    SecretString::from(password.nfkc().collect::<String>())
}

impl PasswordPolicy {
    /// Whether `password` is too long for this policy, checked as cheaply as
    /// possible (raw length first, normalized length only when close).
    pub fn is_too_long(&self, password: &str) -> bool {
        let raw = password.chars().count();
        if raw > self.max_length.saturating_mul(RAW_LENGTH_FACTOR) {
            return true;
        }
        password.nfkc().count() > self.max_length
    }

    /// The rules this policy enforces, in the order a page should list
    /// them: length, composition, the user's details, characters, known
    /// breaches (when [`PasswordPolicy::check_breaches`]). A rule switched
    /// off is not listed; the maximum length and the control characters
    /// are always enforced (submits refuse them).
    ///
    /// # Examples
    ///
    /// ```
    /// use inzant_reset_core::policy::{PasswordPolicy, Rule};
    ///
    /// let policy = PasswordPolicy { require_symbol: false, ..PasswordPolicy::default() };
    /// assert!(!policy.rules().contains(&Rule::Symbol));
    /// assert_eq!(policy.rules()[0], Rule::MinLength);
    /// ```
    pub fn rules(&self) -> Vec<Rule> {
        [
            (true, Rule::MinLength),
            (true, Rule::MaxLength),
            (self.require_uppercase, Rule::Uppercase),
            (self.require_lowercase, Rule::Lowercase),
            (self.require_digit, Rule::Digit),
            (self.require_symbol, Rule::Symbol),
            (self.forbid_user_details, Rule::NoUserDetails),
            (true, Rule::NoControlCharacters),
            (self.check_breaches, Rule::NotBreached),
        ]
        .into_iter()
        .filter_map(|(on, rule)| on.then_some(rule))
        .collect()
    }

    /// Rates `password` for a user described by `user_inputs` (their
    /// username, name and so on; see [`crate::user::User::strength_inputs`]):
    /// every one of them is the user's own, so it feeds both zxcvbn and
    /// [`Rule::NoUserDetails`]; the policy's [`PasswordPolicy::product_words`]
    /// feed zxcvbn only.
    ///
    /// The cost is bounded whatever the input: see the [module
    /// documentation](self#strength-estimation-with-a-bounded-cost).
    pub fn evaluate(&self, password: &str, user_inputs: &[&str]) -> StrengthReport {
        self.evaluate_with(password, user_inputs, |password, inputs| {
            // zxcvbn 3.1.1 multiplies unchecked in its keyboard-walk estimate:
            // a debug build (the host's, not ours) panics on a long walk where
            // a release build wraps. Such a password is rated unscored — too
            // weak, never stronger — rather than failing the request.
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                estimator::estimate(password, &mut |text| zxcvbn::zxcvbn(text, inputs))
            }))
            .unwrap_or_else(|_| {
                tracing::error!(
                    "the strength estimate failed (zxcvbn panicked); the password is rated too weak"
                );
                Estimate::unscored()
            })
        })
    }

    /// Rates `password` with one stock zxcvbn 3.1 call on the whole of it,
    /// as [`PasswordPolicy::evaluate`] did before its cost was bounded. Its
    /// cost is unbounded (hundreds of milliseconds on some inputs): for
    /// tests and benchmarks only, never for untrusted input (cargo feature
    /// `estimator-internals`).
    #[cfg(any(test, feature = "estimator-internals"))]
    pub fn evaluate_reference(&self, password: &str, user_inputs: &[&str]) -> StrengthReport {
        self.evaluate_with(password, user_inputs, |password, inputs| {
            let entropy = zxcvbn::zxcvbn(password, inputs);
            let feedback = entropy.feedback();
            Estimate {
                log10_guesses: entropy.guesses_log10(),
                score: u8::from(entropy.score()),
                warning: feedback.and_then(|f| f.warning()).map(|w| w.to_string()),
                suggestions: feedback
                    .map(|f| f.suggestions().iter().map(ToString::to_string).collect())
                    .unwrap_or_default(),
                direct: true,
            }
        })
    }

    /// Rates `password` as [`PasswordPolicy::evaluate`] rates passwords too
    /// long or too l33t-dense for one stock call, even when it would fit one:
    /// measures that path's accuracy. For tests and benchmarks (cargo feature
    /// `estimator-internals`).
    #[cfg(any(test, feature = "estimator-internals"))]
    pub fn evaluate_windowed(&self, password: &str, user_inputs: &[&str]) -> StrengthReport {
        self.evaluate_with(password, user_inputs, |password, inputs| {
            estimator::estimate_windowed(password, &mut |text| zxcvbn::zxcvbn(text, inputs))
        })
    }

    fn evaluate_with(
        &self,
        password: &str,
        user_inputs: &[&str],
        estimate: impl FnOnce(&str, &[&str]) -> Estimate,
    ) -> StrengthReport {
        if self.is_too_long(password) {
            return self.report(password.chars().count(), vec![Rule::MaxLength], 0, None);
        }
        // Submits refuse control characters in what was typed, before
        // normalization; so does the rule.
        let has_control = password.chars().any(char::is_control);
        let normalized = normalize_password(password);
        let password = normalized.expose_secret();
        let length = password.chars().count();
        let has = |test: fn(&char) -> bool| password.chars().any(|c| test(&c));
        let unmet: Vec<Rule> = self
            .rules()
            .into_iter()
            .filter(|rule| match rule {
                Rule::MinLength => length < self.min_length,
                // Checked above: a password over the maximum is not rated.
                Rule::MaxLength => false,
                Rule::Uppercase => !has(|c| c.is_uppercase()),
                Rule::Lowercase => !has(|c| c.is_lowercase()),
                Rule::Digit => !has(|c| c.is_numeric()),
                Rule::Symbol => !has(|c| !c.is_alphanumeric()),
                Rule::NoUserDetails => {
                    user_details::contains_detail(password, &user_details::forbidden_details(user_inputs))
                }
                Rule::NoControlCharacters => has_control,
                // Looked up by the service once the rest is met.
                Rule::NotBreached => false,
            })
            .collect();

        let inputs: Vec<&str> =
            user_inputs.iter().copied().chain(self.product_words.iter().map(String::as_str)).collect();
        let estimate = estimate(password, &inputs);
        let mut report = self.report(length, unmet, estimate.score, estimate.warning);
        report.suggestions = estimate.suggestions;
        report
    }

    fn report(&self, length: usize, unmet: Vec<Rule>, score: u8, warning: Option<String>) -> StrengthReport {
        let level = if unmet.is_empty() { StrengthLevel::from_score(score) } else { StrengthLevel::TooWeak };
        StrengthReport {
            level,
            score,
            acceptable: unmet.is_empty() && level >= self.minimum_level,
            length,
            unmet,
            warning,
            suggestions: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_long_keyboard_walk_is_rated_not_a_panic_even_in_a_debug_build() {
        // zxcvbn 3.1.1 overflows on walks of 32 turns or more; whether this
        // test's build checks overflow or not, the policy answers.
        let walk = "qazxswedcvfr".repeat(3);
        let report = PasswordPolicy::default().evaluate(&walk, &[]);
        assert_eq!(report.level(), StrengthLevel::TooWeak);
    }

    use super::*;

    const SAM: [&str; 3] = ["sam.web@inzant.example", "sam.web", "Sam Web"];

    fn level(password: &str) -> StrengthLevel {
        PasswordPolicy::default().evaluate(password, &SAM).level()
    }

    /// The Inzant policy without the rules that do not depend on zxcvbn.
    fn score_only() -> PasswordPolicy {
        PasswordPolicy {
            require_uppercase: false,
            require_lowercase: false,
            require_digit: false,
            require_symbol: false,
            forbid_user_details: false,
            ..PasswordPolicy::default()
        }
    }

    #[test]
    fn labels_are_the_five_words_users_see() {
        let labels: Vec<_> = StrengthLevel::ALL.iter().map(|l| l.label()).collect();
        assert_eq!(labels, ["Too Weak", "Weak", "Acceptable", "Good", "Strong"]);
    }

    #[test]
    fn levels_order_by_strength() {
        assert!(StrengthLevel::TooWeak < StrengthLevel::Weak);
        assert!(StrengthLevel::Weak < StrengthLevel::Acceptable);
        assert!(StrengthLevel::Acceptable < StrengthLevel::Good);
        assert!(StrengthLevel::Good < StrengthLevel::Strong);
    }

    #[test]
    fn every_label_on_a_table_of_example_passwords() {
        let table = [
            ("", StrengthLevel::TooWeak),
            ("password", StrengthLevel::TooWeak),
            ("Ab1!", StrengthLevel::TooWeak),
            ("Password1", StrengthLevel::TooWeak),
            ("Password1!", StrengthLevel::Weak),
            ("P@ssw0rd!", StrengthLevel::Weak),
            ("Summer2024!", StrengthLevel::Acceptable),
            ("Jk8#mQ2z", StrengthLevel::Acceptable),
            ("Velvet#Harb7", StrengthLevel::Good),
            ("Mango#Trail5", StrengthLevel::Good),
            ("Horse!Battery9", StrengthLevel::Strong),
            ("Velvet-Harbour-Lantern-42", StrengthLevel::Strong),
        ];
        for (password, expected) in table {
            assert_eq!(level(password), expected, "{password:?}");
        }
    }

    #[test]
    fn each_composition_rule_is_reported_and_can_be_switched_off() {
        let policy = PasswordPolicy::default();
        let report = policy.evaluate("lowercaseonlywordshere", &[]);
        assert_eq!(report.unmet(), [Rule::Uppercase, Rule::Digit, Rule::Symbol]);
        assert_eq!(report.level(), StrengthLevel::TooWeak);

        let relaxed = PasswordPolicy {
            require_uppercase: false,
            require_digit: false,
            require_symbol: false,
            ..PasswordPolicy::default()
        };
        let report = relaxed.evaluate("lowercaseonlywordshere", &[]);
        assert!(report.unmet().is_empty());
        assert!(report.level() >= StrengthLevel::Acceptable);
        assert_eq!(
            PasswordPolicy::default().evaluate("ALLUPPER", &[]).unmet(),
            [Rule::Lowercase, Rule::Digit, Rule::Symbol]
        );
    }

    #[test]
    fn spaces_count_as_symbols() {
        let report = PasswordPolicy::default().evaluate("Seven blue harbours 7", &[]);
        assert!(!report.unmet().contains(&Rule::Symbol));
    }

    #[test]
    fn short_passwords_fail_the_length_rule() {
        let report = PasswordPolicy::default().evaluate("Aa1!aa", &[]);
        assert_eq!(report.unmet(), [Rule::MinLength]);
        assert!(!report.is_acceptable());
    }

    #[test]
    fn overlong_passwords_are_refused_not_truncated() {
        let policy = PasswordPolicy::default();
        let at_max = format!("Aa1!{}", "x7Q#".repeat(31));
        assert_eq!(at_max.chars().count(), 128);
        assert!(!policy.evaluate(&at_max, &[]).unmet().contains(&Rule::MaxLength));
        let over = format!("{at_max}z");
        let report = policy.evaluate(&over, &[]);
        assert_eq!(report.unmet(), [Rule::MaxLength]);
        assert_eq!(report.level(), StrengthLevel::TooWeak);
        assert!(policy.evaluate(&"Aa1!".repeat(100_000), &[]).unmet().contains(&Rule::MaxLength));
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        let policy = PasswordPolicy::default();
        let emoji = "🔒".repeat(128);
        assert!(!policy.is_too_long(&emoji));
        assert!(policy.is_too_long(&"🔒".repeat(129)));
    }

    #[test]
    fn the_minimum_level_is_configurable() {
        let strict = PasswordPolicy { minimum_level: StrengthLevel::Good, ..PasswordPolicy::default() };
        assert!(!strict.evaluate("Summer2024!", &[]).is_acceptable());
        assert!(PasswordPolicy::default().evaluate("Summer2024!", &[]).is_acceptable());
    }

    #[test]
    fn user_inputs_weaken_passwords_built_on_them_in_zxcvbn() {
        let policy = PasswordPolicy { forbid_user_details: false, ..PasswordPolicy::default() };
        for (password, alone, with_user) in [
            ("Sam.web2026!", StrengthLevel::Strong, StrengthLevel::Acceptable),
            ("Sam.Web!2", StrengthLevel::Good, StrengthLevel::Weak),
        ] {
            assert_eq!(policy.evaluate(password, &[]).level(), alone, "{password}");
            assert_eq!(policy.evaluate(password, &SAM).level(), with_user, "{password}");
        }
    }

    const NELL: [&str; 5] = ["nell.new@inzant.example", "nell.new", "nell", "Nell New", "Nell"];

    #[test]
    fn a_password_with_the_users_name_is_too_weak_whatever_zxcvbn_says() {
        let policy = PasswordPolicy::default();
        let zxcvbn_alone = PasswordPolicy { forbid_user_details: false, ..PasswordPolicy::default() };
        // zxcvbn charges little for the name once a year and a symbol join it.
        assert_eq!(zxcvbn_alone.evaluate("NellNew2026!", &NELL).level(), StrengthLevel::Good);
        for password in ["NellNew2026!", "N3ll-Harbour-Lantern-42", "Lantern#nellnew7"] {
            let report = policy.evaluate(password, &NELL);
            assert_eq!(report.unmet(), [Rule::NoUserDetails], "{password}");
            assert_eq!(report.level(), StrengthLevel::TooWeak, "{password}");
            assert!(!report.is_acceptable(), "{password}");
        }
        // The same passwords are fine for another user.
        assert!(policy.evaluate("N3ll-Harbour-Lantern-42", &SAM).is_acceptable());
    }

    #[test]
    fn the_user_details_rule_can_be_switched_off() {
        let policy = PasswordPolicy { forbid_user_details: false, ..PasswordPolicy::default() };
        assert!(policy.evaluate("N3ll-Harbour-Lantern-42", &NELL).is_acceptable());
        assert!(!policy.rules().contains(&Rule::NoUserDetails));
    }

    #[test]
    fn passwords_that_submits_refuse_for_control_characters_are_too_weak() {
        let policy = PasswordPolicy::default();
        for password in
            ["Velvet\tHarbour-42", "Velvet-Harbour-42\n", "Velvet\u{0}Harbour-42", "Velvet\u{85}Harbour-42"]
        {
            let report = policy.evaluate(password, &SAM);
            assert_eq!(report.unmet(), [Rule::NoControlCharacters], "{password:?}");
            assert!(!report.is_acceptable(), "{password:?}");
        }
        // A no-break space is not a control character: NFKC makes it a space,
        // which submits accept.
        assert!(policy.evaluate("Velvet\u{a0}Harbour-42", &SAM).is_acceptable());
    }

    #[test]
    fn rules_lists_the_enforced_rules_in_page_order() {
        assert_eq!(
            PasswordPolicy::default().rules(),
            [
                Rule::MinLength,
                Rule::MaxLength,
                Rule::Uppercase,
                Rule::Lowercase,
                Rule::Digit,
                Rule::Symbol,
                Rule::NoUserDetails,
                Rule::NoControlCharacters,
            ]
        );
        assert_eq!(
            score_only().rules(),
            [Rule::MinLength, Rule::MaxLength, Rule::NoControlCharacters],
            "length and characters are always enforced: submits refuse them"
        );
    }

    #[test]
    fn the_breach_rule_is_listed_when_checked_and_marked_by_the_service() {
        assert!(!PasswordPolicy::default().rules().contains(&Rule::NotBreached));
        let policy = PasswordPolicy { check_breaches: true, ..PasswordPolicy::default() };
        assert_eq!(policy.rules().last(), Some(&Rule::NotBreached));
        assert_eq!(Rule::NotBreached.as_str(), "not_breached");
        // The pure policy never finds a password breached.
        let mut report = policy.evaluate("Velvet-Harbour-Lantern-42", &SAM);
        assert!(report.is_acceptable() && !report.is_breached());
        assert_eq!(report.level(), StrengthLevel::Strong);
        report.mark_breached();
        report.mark_breached();
        assert_eq!(report.unmet(), [Rule::NotBreached]);
        assert_eq!(report.level(), StrengthLevel::TooWeak);
        assert!(!report.is_acceptable() && report.is_breached());
        assert_eq!(report.score(), 4, "zxcvbn's score stays");
    }

    #[test]
    fn unmet_rules_are_listed_in_rule_order() {
        let policy = PasswordPolicy::default();
        let report = policy.evaluate("nell\tnew", &NELL);
        assert_eq!(
            report.unmet(),
            [Rule::Uppercase, Rule::Digit, Rule::NoUserDetails, Rule::NoControlCharacters]
        );
    }

    #[test]
    fn composed_and_decomposed_accents_are_the_same_password() {
        let composed = "Caf\u{e9}-Lantern-42";
        let decomposed = "Cafe\u{301}-Lantern-42";
        assert_ne!(composed, decomposed);
        assert_eq!(
            normalize_password(composed).expose_secret(),
            normalize_password(decomposed).expose_secret()
        );
        let policy = PasswordPolicy::default();
        assert_eq!(policy.evaluate(composed, &[]), policy.evaluate(decomposed, &[]));
    }

    #[test]
    fn full_width_letters_normalize_to_ascii() {
        assert_eq!(normalize_password("Ｐａｓｓ１！").expose_secret(), "Pass1!");
        let policy = PasswordPolicy::default();
        assert_eq!(policy.evaluate("Ｖｅｌｖｅｔ＃Ｈａｒｂ７", &[]), policy.evaluate("Velvet#Harb7", &[]));
    }

    #[test]
    fn weak_passwords_carry_zxcvbn_feedback() {
        let report = PasswordPolicy::default().evaluate("Password1!", &[]);
        assert!(report.warning().is_some() || !report.suggestions().is_empty());
    }

    /// The policy's estimator with an oracle that records every stock call.
    fn recorded_calls(password: &str) -> (Estimate, Vec<String>) {
        let inputs: Vec<&str> = SAM.iter().copied().chain(["inzant", "sales", "tradeshow"]).collect();
        let normalized = normalize_password(password);
        let mut calls = Vec::new();
        let estimate = estimator::estimate(normalized.expose_secret(), &mut |text| {
            calls.push(text.to_owned());
            zxcvbn::zxcvbn(text, &inputs)
        });
        (estimate, calls)
    }

    fn adversarial() -> Vec<String> {
        let leet = "4@8({[<3&6|!1|7+0$5%2";
        let mut inputs: Vec<String> = [20, 40, 100, 128]
            .iter()
            .flat_map(|&n| {
                [
                    leet.chars().cycle().take(n).collect::<String>(),
                    leet.chars().rev().cycle().take(n).collect(),
                    "0123456789".chars().cycle().take(n).collect(),
                    (0..n).map(|i| char::from(b'!' + ((i * 37 + 11) % 90) as u8)).collect(),
                    "a".repeat(n),
                    "passwordiloveyoudragonmonkey".chars().cycle().take(n).collect(),
                    "Harbour7!velvet".chars().cycle().take(n).collect(),
                    (0..n).filter_map(|i| char::from_u32(0x4e00 + i as u32)).collect(),
                    "🔒🐙".chars().cycle().take(n).collect(),
                    "e\u{301}o\u{308}".chars().cycle().take(n).collect(),
                    // A 40-character repeat base dense in l33t symbols.
                    "4@8({[<3&6|!1|7+0$5%2qwertyuiopasdfghjk".chars().cycle().take(n).collect(),
                ]
            })
            .collect();
        inputs.push(String::new());
        inputs
    }

    #[test]
    fn every_stock_call_is_within_the_work_bound() {
        let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(7);
        let symbols: Vec<char> = "4@8({[<3&6|!1|7+0$5%2aZ9#".chars().collect();
        let mut inputs = adversarial();
        for _ in 0..200 {
            let n = rand::RngExt::random_range(&mut rng, 1..=128);
            inputs.push(
                (0..n).map(|_| symbols[rand::RngExt::random_range(&mut rng, 0..symbols.len())]).collect(),
            );
        }
        inputs.extend(inzant_reset_test_support::corpus::realistic(3, 300));
        inputs.extend(
            inzant_reset_test_support::corpus::long(3, 300).into_iter().map(|(_, password)| password),
        );
        for password in &inputs {
            let (estimate, calls) = recorded_calls(password);
            let units: Vec<u64> =
                calls.iter().map(|c| estimator::work_units(&c.chars().collect::<Vec<_>>())).collect();
            if estimate.direct {
                assert_eq!(calls.len(), 1, "{password:?}");
            } else {
                assert!(units.iter().sum::<u64>() <= estimator::TOTAL_MAX_UNITS, "{password:?}");
            }
            for (call, units) in calls.iter().zip(&units) {
                assert!(call.chars().count() <= estimator::DIRECT_MAX_CHARS, "{password:?}: {call:?}");
                assert!(*units <= estimator::CALL_MAX_UNITS, "{password:?}: {call:?}");
            }
        }
    }

    #[test]
    fn the_bounded_meter_agrees_with_stock_zxcvbn_on_realistic_passwords() {
        let policy = PasswordPolicy::default();
        let relaxed = score_only();
        let corpus = inzant_reset_test_support::corpus::realistic(2026, 1500);
        let mut agree = 0;
        let mut total = 0;
        for password in &corpus {
            // The Inzant policy, and the bare zxcvbn score (no composition rule).
            for policy in [&policy, &relaxed] {
                let ours = policy.evaluate(password, &SAM);
                let stock = policy.evaluate_reference(password, &SAM);
                total += 1;
                if ours.level() == stock.level() {
                    agree += 1;
                } else {
                    println!("disagree: {password:?}: ours {} stock {}", ours.level(), stock.level());
                }
                assert!(
                    ours.level() >= policy.minimum_level || stock.level() < policy.minimum_level,
                    "more lenient than stock: {password:?}"
                );
            }
        }
        let rate = f64::from(agree) / f64::from(total);
        println!("agreement {agree}/{total} = {:.2} %", rate * 100.0);
        assert!(rate >= 0.99, "agreement {rate}");
    }

    #[test]
    fn long_weak_inputs_stay_weak_and_keep_feedback() {
        let relaxed = PasswordPolicy {
            require_uppercase: false,
            require_digit: false,
            require_symbol: false,
            ..PasswordPolicy::default()
        };
        for password in ["a".repeat(128), "password".repeat(16), "abcdefghijklmnopqrstuvwxyz".repeat(4)] {
            let report = relaxed.evaluate(&password, &[]);
            assert!(report.level() <= StrengthLevel::Weak, "{password:?}: {}", report.level());
            assert!(report.warning().is_some() || !report.suggestions().is_empty(), "{password:?}");
        }
        let long = "Velvet-Harbour-Lantern-42-Quiet-River-Mango-Trail-7";
        assert_eq!(PasswordPolicy::default().evaluate(long, &SAM).level(), StrengthLevel::Strong);
        assert!(!recorded_calls(long).0.direct);
    }

    proptest::proptest! {
        // A fixed seed and no regressions file: CI runs the same cases every time.
        #![proptest_config(proptest::test_runner::Config {
            cases: 256,
            rng_seed: proptest::test_runner::RngSeed::Fixed(0x9011_c7e5_b4a2_6d38),
            failure_persistence: None,
            ..proptest::test_runner::Config::default()
        })]

        #[test]
        fn acceptable_means_no_unmet_rule_and_level_at_least_minimum(password in "\\PC{0,40}") {
            let policy = PasswordPolicy::default();
            let report = policy.evaluate(&password, &SAM);
            proptest::prop_assert_eq!(
                report.is_acceptable(),
                report.unmet().is_empty() && report.level() >= policy.minimum_level
            );
            if !report.unmet().is_empty() {
                proptest::prop_assert_eq!(report.level(), StrengthLevel::TooWeak);
            }
        }

        #[test]
        fn the_level_follows_the_score_when_every_rule_is_met(password in "\\PC{0,200}") {
            let policy = PasswordPolicy { max_length: 256, ..score_only() };
            let report = policy.evaluate(&password, &SAM);
            proptest::prop_assert!(report.score() <= 4);
            if report.unmet().is_empty() {
                proptest::prop_assert_eq!(report.level(), StrengthLevel::from_score(report.score()));
            }
        }

        #[test]
        fn every_unmet_rule_is_an_enforced_one(password in proptest::collection::vec(proptest::char::any(), 0..200)) {
            let password: String = password.into_iter().collect();
            let policy = PasswordPolicy { max_length: 256, ..PasswordPolicy::default() };
            let report = policy.evaluate(&password, &SAM);
            let rules = policy.rules();
            proptest::prop_assert!(report.unmet().iter().all(|rule| rules.contains(rule)));
            proptest::prop_assert_eq!(
                report.unmet().contains(&Rule::NoControlCharacters),
                password.chars().any(char::is_control)
            );
        }
    }
}
