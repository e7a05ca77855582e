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
//!   distinct l33t symbols) is cut, left to right, into
//!   - *repeat runs* of at least 12 characters (`abcabcabc…`), estimated as
//!     the guesses of the repeated base times the number of copies, as
//!     zxcvbn does;
//!   - *sequence runs* of at least 12 characters (`abcdefgh…`, `97531…`:
//!     constant code-point step of 1 to 5), estimated with zxcvbn's published
//!     sequence formula;
//!   - *segments* of the remaining text, each at most 16 characters and
//!     1,100 units, cut preferably where the character class changes so
//!     words stay whole, each rated by one stock call.
//!
//!   The guesses of the parts multiply (their log10 add up) and the total
//!   maps to a score with zxcvbn's thresholds (below 10³ guesses is 0, 10⁶
//!   is 1, 10⁸ is 2, 10¹⁰ is 3, above is 4). All stock calls of one
//!   estimate share a budget of 9,000 units; text left when it runs out
//!   counts as brute force (10 guesses a character). When the score is 2 or
//!   less the warning and suggestions are those of the weakest part (for a
//!   run, of a stock call on a short sample of it); otherwise there are none,
//!   as with stock zxcvbn.
//!
//! So one call does at most 9,000 units of stock work plus bookkeeping
//! that is at most quadratic in the (capped) length: about 1 ms on the
//! reference machine whatever the input (see `docs/PERFORMANCE.md`).
//!
//! **Effect on scores.** On the direct path there is none. On the windowed
//! path the product of parts omits zxcvbn's small penalty for the number of
//! parts (`l!` and the additive term), which makes it slightly lower, and
//! misses patterns that straddle a cut (a dictionary word, keyboard walk or
//! date cut in two; a repeat or sequence shorter than 12 characters across a
//! cut), which makes it higher. In practice the windowed path sees long or
//! random-looking passwords, which both rate "Strong". It differs from stock
//! where stock is itself an artefact: stock ignores everything after the
//! 100th character, the windowed path does not; and a password past the
//! budget is partly rated as brute force. The agreement test in this module
//! checks the level against stock zxcvbn plus the composition rules on a
//! generated realistic corpus (at least 99 %; see `docs/PERFORMANCE.md`).

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use unicode_normalization::UnicodeNormalization;

#[doc(hidden)]
pub mod corpus;
mod estimator;

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

/// One rule of the policy that a password can fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rule {
    /// Fewer characters than the minimum.
    MinLength,
    /// More characters than the maximum.
    MaxLength,
    /// No upper-case letter.
    Uppercase,
    /// No lower-case letter.
    Lowercase,
    /// No digit.
    Digit,
    /// No symbol (anything that is neither a letter nor a digit).
    Symbol,
}

impl Rule {
    /// The machine name used in JSON (`"length"`, `"max_length"`, `"uppercase"`,
    /// `"lowercase"`, `"digit"`, `"symbol"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MinLength => "length",
            Self::MaxLength => "max_length",
            Self::Uppercase => "uppercase",
            Self::Lowercase => "lowercase",
            Self::Digit => "digit",
            Self::Symbol => "symbol",
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
}

/// The password policy. [`PasswordPolicy::default`] is the Inzant policy:
/// 8–128 characters, upper- and lower-case letters, a digit and a symbol,
/// and at least "Acceptable".
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
    /// The lowest level that may be saved.
    pub minimum_level: StrengthLevel,
    /// Words passed to zxcvbn for every user, besides the user's own.
    pub product_words: Vec<String>,
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
            minimum_level: StrengthLevel::Acceptable,
            product_words: ["inzant", "sales", "tradeshow"].map(String::from).to_vec(),
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

    /// Rates `password` for a user described by `user_inputs` (their
    /// username, name and so on; see [`crate::user::User::strength_inputs`]).
    ///
    /// The cost is bounded whatever the input: see the [module
    /// documentation](self#strength-estimation-with-a-bounded-cost).
    pub fn evaluate(&self, password: &str, user_inputs: &[&str]) -> StrengthReport {
        self.evaluate_with(password, user_inputs, |password, inputs| {
            estimator::estimate(password, &mut |text| zxcvbn::zxcvbn(text, inputs))
        })
    }

    /// Rates `password` with one stock zxcvbn 3.1 call on the whole of it,
    /// as [`PasswordPolicy::evaluate`] did before its cost was bounded. Its
    /// cost is unbounded (hundreds of milliseconds on some inputs): for
    /// tests and benchmarks only, never for untrusted input.
    #[doc(hidden)]
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
    /// measures that path's accuracy. For tests and benchmarks.
    #[doc(hidden)]
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
        let normalized = normalize_password(password);
        let password = normalized.expose_secret();
        let length = password.chars().count();
        let mut unmet = Vec::new();
        if length < self.min_length {
            unmet.push(Rule::MinLength);
        }
        let has = |test: fn(&char) -> bool| password.chars().any(|c| test(&c));
        let checks = [
            (self.require_uppercase, Rule::Uppercase, has(|c| c.is_uppercase())),
            (self.require_lowercase, Rule::Lowercase, has(|c| c.is_lowercase())),
            (self.require_digit, Rule::Digit, has(|c| c.is_numeric())),
            (self.require_symbol, Rule::Symbol, has(|c| !c.is_alphanumeric())),
        ];
        unmet.extend(checks.iter().filter(|(on, _, met)| *on && !met).map(|(_, rule, _)| *rule));

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
    use super::*;

    const SAM: [&str; 3] = ["sam.web@inzant.example", "sam.web", "Sam Web"];

    fn level(password: &str) -> StrengthLevel {
        PasswordPolicy::default().evaluate(password, &SAM).level()
    }

    #[test]
    fn labels_are_the_articles_words() {
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
    fn user_inputs_weaken_passwords_built_on_them() {
        let policy = PasswordPolicy::default();
        for (password, alone, with_user) in [
            ("Sam.web2026!", StrengthLevel::Strong, StrengthLevel::Acceptable),
            ("Sam.Web!2", StrengthLevel::Good, StrengthLevel::Weak),
        ] {
            assert_eq!(policy.evaluate(password, &[]).level(), alone, "{password}");
            assert_eq!(policy.evaluate(password, &SAM).level(), with_user, "{password}");
        }
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
        inputs.extend(corpus::realistic(3, 300));
        let mut max_distinct = 0;
        for password in &inputs {
            let (estimate, calls) = recorded_calls(password);
            let units: Vec<u64> =
                calls.iter().map(|c| estimator::work_units(&c.chars().collect::<Vec<_>>())).collect();
            if estimate.direct {
                assert_eq!(calls.len(), 1, "{password:?}");
                assert!(calls[0].chars().count() <= estimator::DIRECT_MAX_CHARS, "{password:?}");
                assert!(units[0] <= estimator::CALL_MAX_UNITS, "{password:?}");
            } else {
                for (call, units) in calls.iter().zip(&units) {
                    assert!(call.chars().count() <= estimator::SEGMENT_MAX_CHARS, "{password:?}: {call:?}");
                    assert!(*units <= estimator::SEGMENT_MAX_UNITS, "{password:?}: {call:?}");
                }
                assert!(units.iter().sum::<u64>() <= estimator::TOTAL_MAX_UNITS, "{password:?}");
            }
            for call in &calls {
                let chars: Vec<char> = call.chars().collect();
                max_distinct = max_distinct.max(estimator::distinct_l33t_symbols(&chars).len());
            }
        }
        println!("most distinct l33t symbols in one stock call: {max_distinct}");
    }

    #[test]
    fn the_bounded_meter_agrees_with_stock_zxcvbn_on_realistic_passwords() {
        let policy = PasswordPolicy::default();
        let relaxed = PasswordPolicy {
            require_uppercase: false,
            require_lowercase: false,
            require_digit: false,
            require_symbol: false,
            ..PasswordPolicy::default()
        };
        let corpus = corpus::realistic(2026, 1500);
        let mut agree = 0;
        let mut total = 0;
        let mut windowed = 0;
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
            }
            if !recorded_calls(password).0.direct {
                windowed += 1;
            }
        }
        let rate = f64::from(agree) / f64::from(total);
        println!(
            "agreement {agree}/{total} = {:.2} % ({windowed} of {} on the windowed path)",
            rate * 100.0,
            corpus.len()
        );
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
        fn evaluate_never_panics_on_any_unicode_up_to_200_chars(password in "\\PC{0,200}") {
            let policy = PasswordPolicy { max_length: 256, ..PasswordPolicy::default() };
            let report = policy.evaluate(&password, &SAM);
            proptest::prop_assert!(StrengthLevel::ALL.contains(&report.level()));
            proptest::prop_assert!(report.score() <= 4);
        }

        #[test]
        fn evaluate_never_panics_on_any_chars_including_controls(password in proptest::collection::vec(proptest::char::any(), 0..200)) {
            let password: String = password.into_iter().collect();
            let policy = PasswordPolicy { max_length: 256, ..PasswordPolicy::default() };
            let report = policy.evaluate(&password, &[]);
            proptest::prop_assert!(StrengthLevel::ALL.contains(&report.level()));
        }
    }
}
