//! The five strength levels, the rules the page lists, and the report the
//! meter shows: names, labels and CSS classes, no scoring.

use super::*;

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

    pub(super) fn from_score(score: u8) -> Self {
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
#[non_exhaustive]
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
    pub(super) level: StrengthLevel,
    pub(super) score: u8,
    pub(super) acceptable: bool,
    pub(super) length: usize,
    pub(super) unmet: Vec<Rule>,
    pub(super) warning: Option<String>,
    pub(super) suggestions: Vec<String>,
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
