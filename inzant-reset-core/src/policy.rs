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
//! The meter runs on every keystroke, so [`PasswordPolicy::rate`] must be
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
//! 1 ms on the reference machine whatever the input (the repository's
//! performance notes give the figures).
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
//! password below "Acceptable" for stock rated "Acceptable" or better; the
//! repository's performance notes give the figures).
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
mod levels;
mod normalize;
mod runner;
mod user_details;

use estimator::Estimate;
pub use levels::{Rule, StrengthLevel, StrengthReport};
use normalize::RAW_LENGTH_FACTOR;
pub use normalize::normalize_password;
pub use runner::{InlinePolicy, Lane, PolicyRunner};

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
/// let report = policy.rate("password", &[]);
/// assert_eq!(report.level(), StrengthLevel::TooWeak);
/// assert!(!report.is_acceptable());
///
/// let report = policy.rate("Velvet-Harbour-Lantern-42", &["sam.web@inzant.example"]);
/// assert!(report.level() >= StrengthLevel::Acceptable);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
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
    /// let mut policy = PasswordPolicy::default();
    /// policy.require_symbol = false;
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
    pub fn rate(&self, password: &str, user_inputs: &[&str]) -> StrengthReport {
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

    /// The old name of [`PasswordPolicy::rate`]: one verb, "rate", for
    /// the strength of a password everywhere.
    #[deprecated(since = "0.1.0", note = "use `PasswordPolicy::rate`")]
    pub fn evaluate(&self, password: &str, user_inputs: &[&str]) -> StrengthReport {
        self.rate(password, user_inputs)
    }

    /// Rates `password` with one stock zxcvbn 3.1 call on the whole of it,
    /// as [`PasswordPolicy::rate`] did before its cost was bounded. Its
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

    /// Rates `password` as [`PasswordPolicy::rate`] rates passwords too
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
mod tests;
