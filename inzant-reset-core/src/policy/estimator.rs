//! Bounded-cost strength estimation on top of stock zxcvbn 3.1.
//!
//! See the [module documentation of `policy`](super#strength-estimation-with-a-bounded-cost)
//! for the method and its effect on scores. In short: stock zxcvbn is only
//! ever called on a text whose [`work_units`] are within a fixed budget; a
//! password that does not fit is cut into repeat runs, sequence runs and
//! short segments whose guess estimates multiply.

use zxcvbn::Entropy;
use zxcvbn::matching::patterns::MatchPattern;

/// Longest password that is rated by a single stock zxcvbn call.
pub(crate) const DIRECT_MAX_CHARS: usize = 40;
/// Most work units a single stock call may cost (the direct path).
pub(crate) const CALL_MAX_UNITS: u64 = 6_400;
/// Longest segment of the windowed path.
pub(crate) const SEGMENT_MAX_CHARS: usize = 16;
/// Most work units one segment of the windowed path may cost: enough for a
/// ten-digit date or keypad walk, whose digits are all l33t symbols.
pub(crate) const SEGMENT_MAX_UNITS: u64 = 2_000;
/// Most work units all stock calls of one windowed estimate may cost
/// together. Less than one direct call: a unit of text with l33t symbols
/// costs stock more than one without (0.06–0.12 µs here), and long
/// passwords full of them spend the whole budget.
pub(crate) const TOTAL_MAX_UNITS: u64 = 5_000;
/// Characters before a segment's cut that the next segment rates again,
/// when a segment has matches to spare there: zxcvbn's date patterns are up
/// to 10 characters, so one crossing the cut starts within 9 of it.
const REVISIT_CHARS: usize = 9;
/// Repeat and sequence runs at least this long are recognised across segments.
const MIN_RUN_CHARS: usize = 12;
/// Stock zxcvbn reads this many characters and ignores the rest; so does
/// the windowed path.
const STOCK_MAX_CHARS: usize = 100;
/// Fixed cost of one stock call, in work units.
const CALL_OVERHEAD_UNITS: u64 = 16;
/// Characters of a sequence run shown to zxcvbn to obtain its feedback.
const SEQUENCE_SAMPLE_CHARS: usize = 6;

/// zxcvbn's l33t table: each letter and the symbols that stand for it. It
/// is zxcvbn 3.1's `L33T_TABLE` (MIT licence), restated because the cost
/// model counts what stock zxcvbn enumerates from it, and the "Not your
/// name or username" rule undoes the same substitutions.
pub(crate) const L33T_TABLE: [(char, &[char]); 12] = [
    ('a', &['4', '@']),
    ('b', &['8']),
    ('c', &['(', '{', '[', '<']),
    ('e', &['3']),
    ('g', &['6', '9']),
    ('i', &['1', '!', '|']),
    ('l', &['1', '|', '7']),
    ('o', &['0']),
    ('s', &['$', '5']),
    ('t', &['+', '7']),
    ('x', &['%']),
    ('z', &['2']),
];

/// Symbols that stand for two letters; each can double zxcvbn's enumeration.
const SHARED_L33T: [char; 3] = ['1', '|', '7'];

/// Whether zxcvbn may read `c` as a l33t substitution.
pub(crate) fn is_l33t_symbol(c: char) -> bool {
    L33T_TABLE.iter().any(|(_, subs)| subs.contains(&c))
}

/// An upper bound on the number of substitution tables stock zxcvbn 3.1
/// enumerates for a text containing the l33t symbols in `present`: the
/// product, over letters, of how many of the letter's symbols occur, doubled
/// once for each symbol that stands for two letters.
fn l33t_table_bound(present: &[char]) -> u64 {
    let mut bound: u64 = 1;
    for (_, subs) in L33T_TABLE {
        let relevant = subs.iter().filter(|s| present.contains(s)).count() as u64;
        bound = bound.saturating_mul(relevant.max(1));
    }
    for shared in SHARED_L33T {
        if present.contains(&shared) {
            bound = bound.saturating_mul(2);
        }
    }
    bound
}

/// The distinct l33t symbols of `text`.
pub(crate) fn distinct_l33t_symbols(text: &[char]) -> Vec<char> {
    let mut present: Vec<char> = Vec::new();
    for &c in text {
        if is_l33t_symbol(c) && !present.contains(&c) {
            present.push(c);
        }
    }
    present
}

/// A cost model of one stock zxcvbn call on `text`, in units of roughly
/// 0.1 µs on the reference machine: its dictionary matching and scoring
/// are quadratic in the length, and the dictionary matching is repeated once
/// per enumerated l33t substitution table, so
/// `16 + n² × (3 + l33t_table_bound)` (the bound is at least 1). It over-estimates l33t-dense texts,
/// which is the safe side.
pub(crate) fn work_units(text: &[char]) -> u64 {
    let n = text.len() as u64;
    let tables = l33t_table_bound(&distinct_l33t_symbols(text));
    CALL_OVERHEAD_UNITS.saturating_add(n.saturating_mul(n).saturating_mul(tables.saturating_add(3)))
}

/// What the estimator says about one password.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Estimate {
    /// log10 of the estimated guesses.
    pub log10_guesses: f64,
    /// zxcvbn score, 0–4.
    pub score: u8,
    /// zxcvbn's warning.
    pub warning: Option<String>,
    /// zxcvbn's suggestions.
    pub suggestions: Vec<String>,
    /// Whether the password was rated by one stock call on the whole of it.
    pub direct: bool,
}

impl Estimate {
    /// No estimate could be made: scored 0, so the password is too weak.
    pub(crate) fn unscored() -> Self {
        Self { log10_guesses: 0.0, score: 0, warning: None, suggestions: Vec::new(), direct: true }
    }
}

/// The score zxcvbn gives a number of guesses: below 10³ (+5) is 0, below
/// 10⁶ is 1, below 10⁸ is 2, below 10¹⁰ is 3, anything more is 4. These
/// thresholds are zxcvbn's (`time_estimates::calculate_score` in zxcvbn 3.1,
/// MIT licence), restated here because the windowed path scores guesses it
/// computes itself.
pub(crate) fn score_from_log10(log10_guesses: f64) -> u8 {
    const DELTA: f64 = 5.0;
    let thresholds = [1e3, 1e6, 1e8, 1e10];
    let guesses = 10f64.powf(log10_guesses);
    thresholds.iter().take_while(|&&t| guesses >= t + DELTA).count() as u8
}

fn feedback_of(entropy: &Entropy) -> (Option<String>, Vec<String>) {
    match entropy.feedback() {
        Some(f) => {
            (f.warning().map(|w| w.to_string()), f.suggestions().iter().map(ToString::to_string).collect())
        }
        None => (None, Vec::new()),
    }
}

/// Stock zxcvbn, as the estimator calls it. Tests pass an oracle that also
/// records each call's input.
pub(crate) type Oracle<'a> = dyn FnMut(&str) -> Entropy + 'a;

/// Rates `password` (already normalized) with stock zxcvbn called only on
/// texts within the work budget.
pub(crate) fn estimate(password: &str, oracle: &mut Oracle<'_>) -> Estimate {
    let chars: Vec<char> = password.chars().collect();
    if chars.len() <= DIRECT_MAX_CHARS && work_units(&chars) <= CALL_MAX_UNITS {
        let entropy = oracle(password);
        let (warning, suggestions) = feedback_of(&entropy);
        return Estimate {
            log10_guesses: entropy.guesses_log10(),
            score: u8::from(entropy.score()),
            warning,
            suggestions,
            direct: true,
        };
    }
    Windowed { oracle, spent: 0 }.run(&chars)
}

/// Rates `password` on the windowed path even when it would fit one call:
/// measures the windowed path's accuracy against stock zxcvbn.
#[cfg(any(test, feature = "estimator-internals"))]
pub(crate) fn estimate_windowed(password: &str, oracle: &mut Oracle<'_>) -> Estimate {
    let chars: Vec<char> = password.chars().collect();
    Windowed { oracle, spent: 0 }.run(&chars)
}

/// Where the feedback for a token of the windowed path comes from.
enum FeedbackSource {
    /// The stock call that rated the token.
    Called(Option<String>, Vec<String>),
    /// A short text that shows the token's pattern, rated for feedback only
    /// if the token ends up the weakest of a weak password.
    Sample(Vec<char>),
    /// Brute force past the budget: no feedback.
    None,
}

/// A part of the password that can give the feedback, and its guesses.
struct Token {
    log10_guesses: f64,
    feedback: FeedbackSource,
}

/// One match of the cover of the password that the windowed path scores,
/// as zxcvbn would count it in its own match sequence.
#[derive(Clone, Debug, PartialEq)]
struct Piece {
    /// Characters covered.
    len: usize,
    /// log10 of the match's guesses; ignored for brute force.
    log10_guesses: f64,
    /// Brute force: adjacent ones are one match, as in zxcvbn.
    brute: bool,
    /// For a keyboard walk, the keyboard's name.
    walk: Option<String>,
    /// A keyboard walk that filled its whole segment, so may go on in the
    /// next one.
    open: bool,
}

impl Piece {
    fn matched(len: usize, log10_guesses: f64) -> Self {
        Self { len, log10_guesses, brute: false, walk: None, open: false }
    }

    fn brute(len: usize) -> Self {
        Self { len, log10_guesses: len as f64, brute: true, walk: None, open: false }
    }
}

/// log10(10^a + 10^b) without overflow.
fn log10_add(a: f64, b: f64) -> f64 {
    let (high, low) = if a >= b { (a, b) } else { (b, a) };
    high + (1.0 + 10f64.powf(low - high)).log10()
}

/// The guesses of a text of `total` characters covered by `pieces`, in
/// zxcvbn's formula for a match sequence of `l` matches (zxcvbn 3.1's
/// `scoring::most_guessable_match_sequence`, MIT licence):
/// `l! × ∏ guesses + 10000^(l−1)` (`+ 1` when `l = 1`), where a match
/// shorter than the text counts at least 10 guesses (one character) or 50,
/// brute force is 10 guesses a character and at least one more than those
/// minimums, and adjacent brute-force pieces are one match.
///
/// The factorial and the additive term are why a password of many parts is
/// strong in zxcvbn (four matches already make 10¹² guesses): a long
/// password can only rate below "Strong" if a few long matches — repeats,
/// sequences, keyboard walks — cover it, and the windowed path finds those
/// whole.
fn sequence_log10_guesses_of(pieces: &[Piece], total: usize) -> f64 {
    let mut merged: Vec<&Piece> = Vec::with_capacity(pieces.len());
    let mut brute_len = Vec::with_capacity(pieces.len());
    for piece in pieces {
        match (merged.last(), brute_len.last_mut()) {
            (Some(last), Some(len)) if last.brute && piece.brute => *len += piece.len,
            _ => {
                merged.push(piece);
                brute_len.push(piece.len);
            }
        }
    }
    let sub_match_floor = |len: usize| if len == 1 { 10f64.log10() } else { 50f64.log10() };
    let product: f64 = merged
        .iter()
        .zip(&brute_len)
        .map(|(piece, &len)| {
            if piece.brute {
                (len as f64).max((10f64.powf(sub_match_floor(len)) + 1.0).log10())
            } else if piece.len < total {
                piece.log10_guesses.max(sub_match_floor(piece.len))
            } else {
                piece.log10_guesses
            }
        })
        .sum();
    let l = merged.len();
    let log10_factorial: f64 = (2..=l).map(|k| (k as f64).log10()).sum();
    let additive = if l <= 1 { 0.0 } else { 4.0 * (l - 1) as f64 };
    log10_add(log10_factorial + product, additive)
}

/// One part of a password that does not fit a single call.
#[derive(Debug, PartialEq)]
enum Part {
    /// `count` copies of the `period` characters starting at `start`.
    Repeat { start: usize, period: usize, count: usize },
    /// An arithmetic sequence of code points.
    Sequence { start: usize, len: usize, descending: bool },
    /// Anything else.
    Plain { start: usize, len: usize },
}

struct Windowed<'o, 'a> {
    oracle: &'o mut Oracle<'a>,
    spent: u64,
}

impl Windowed<'_, '_> {
    fn run(mut self, chars: &[char]) -> Estimate {
        // Stock zxcvbn reads the first 100 characters only; rating the rest
        // would make a password that stock refuses acceptable because of a
        // tail stock never sees.
        let analyzed = &chars[..chars.len().min(STOCK_MAX_CHARS)];
        let (log10_guesses, tokens) = self.text(analyzed);
        let score = score_from_log10(log10_guesses);
        let (warning, suggestions) =
            if score <= 2 { self.weakest_feedback(tokens) } else { (None, Vec::new()) };
        Estimate { log10_guesses, score, warning, suggestions, direct: false }
    }

    /// Rates `text` as if it were a whole password: its guesses, and the
    /// tokens that can give feedback.
    fn text(&mut self, text: &[char]) -> (f64, Vec<Token>) {
        let mut pieces = Vec::new();
        let mut tokens = Vec::new();
        for part in split_runs(text) {
            match part {
                Part::Repeat { start, period, count } => {
                    let base = &text[start..start + period];
                    let (log10_base, base_tokens) = self.base(base);
                    let log10_guesses = log10_base + (count as f64).log10();
                    pieces.push(Piece::matched(period * count, log10_guesses));
                    let feedback = if 2 * period <= SEGMENT_MAX_CHARS {
                        FeedbackSource::Sample(base.iter().chain(base).copied().collect())
                    } else {
                        weakest(base_tokens).map_or(FeedbackSource::None, |t| t.feedback)
                    };
                    tokens.push(Token { log10_guesses, feedback });
                }
                Part::Sequence { start, len, descending } => {
                    let run = &text[start..start + len];
                    let log10_guesses = sequence_log10_guesses(run, descending);
                    pieces.push(Piece::matched(len, log10_guesses));
                    tokens.push(Token {
                        log10_guesses,
                        feedback: FeedbackSource::Sample(
                            run.iter().take(SEQUENCE_SAMPLE_CHARS).copied().collect(),
                        ),
                    });
                }
                Part::Plain { start, len } => {
                    self.plain(&text[start..start + len], &mut pieces, &mut tokens);
                }
            }
        }
        (sequence_log10_guesses_of(&pieces, text.len()), tokens)
    }

    /// The guesses of a repeated base, as zxcvbn rates it: by one stock
    /// call on the whole base when it fits one (zxcvbn rates the base as a
    /// password of its own), else as a text of its own.
    fn base(&mut self, base: &[char]) -> (f64, Vec<Token>) {
        let units = work_units(base);
        if base.len() <= DIRECT_MAX_CHARS && units <= CALL_MAX_UNITS && self.affordable(units) {
            self.spent += units;
            let text: String = base.iter().collect();
            let entropy = (self.oracle)(&text);
            let (warning, suggestions) = feedback_of(&entropy);
            let log10_guesses = entropy.guesses_log10().max(0.0);
            return (
                log10_guesses,
                vec![Token { log10_guesses, feedback: FeedbackSource::Called(warning, suggestions) }],
            );
        }
        self.text(base)
    }

    fn affordable(&self, units: u64) -> bool {
        self.spent.saturating_add(units) <= TOTAL_MAX_UNITS
    }

    /// Rates `text` segment by segment: the matches of each segment's stock
    /// call become pieces, each segment a token. The end of a segment may
    /// hold a word, date or keyboard walk that the cut broke (into one or
    /// several matches), so unless the segment ends the text only its
    /// matches up to [`REVISIT_CHARS`] before the cut are kept ([`keep`]),
    /// and the next segment starts there, to find them whole.
    fn plain(&mut self, text: &[char], pieces: &mut Vec<Piece>, tokens: &mut Vec<Token>) {
        let mut start = 0;
        while start < text.len() {
            let end = segment_end(text, start);
            let (mut matches, token) = self.segment(&text[start..end]);
            let mut next = end;
            if end < text.len() {
                let kept = keep(&mut matches, (end - start).saturating_sub(REVISIT_CHARS));
                next = start + kept;
            }
            for piece in matches {
                push_piece(pieces, piece);
            }
            tokens.push(token);
            start = next;
        }
    }

    /// One stock call on `segment` if the budget allows, brute force
    /// otherwise: its matches, in order, and its token.
    fn segment(&mut self, segment: &[char]) -> (Vec<Piece>, Token) {
        let units = work_units(segment);
        if !self.affordable(units) {
            let token = Token { log10_guesses: segment.len() as f64, feedback: FeedbackSource::None };
            return (vec![Piece::brute(segment.len())], token);
        }
        self.spent += units;
        let text: String = segment.iter().collect();
        let entropy = (self.oracle)(&text);
        let matches = entropy
            .sequence()
            .iter()
            .map(|m| {
                let len = m.j + 1 - m.i;
                match &m.pattern {
                    MatchPattern::BruteForce => Piece::brute(len),
                    pattern => {
                        let guesses = m.guesses.unwrap_or(u64::MAX).max(1);
                        let mut piece = Piece::matched(len, (guesses as f64).log10());
                        if let MatchPattern::Spatial(walk) = pattern {
                            piece.walk = Some(walk.graph.clone());
                            piece.open = len == segment.len();
                        }
                        piece
                    }
                }
            })
            .collect();
        let (warning, suggestions) = feedback_of(&entropy);
        let token = Token {
            log10_guesses: entropy.guesses_log10().max(0.0),
            feedback: FeedbackSource::Called(warning, suggestions),
        };
        (matches, token)
    }

    /// The feedback of the token with the fewest guesses (a sample is rated
    /// now, within the same limits).
    fn weakest_feedback(&mut self, tokens: Vec<Token>) -> (Option<String>, Vec<String>) {
        match weakest(tokens).map(|t| t.feedback) {
            Some(FeedbackSource::Called(warning, suggestions)) => (warning, suggestions),
            Some(FeedbackSource::Sample(sample)) => {
                let units = work_units(&sample);
                if sample.len() > SEGMENT_MAX_CHARS || units > SEGMENT_MAX_UNITS || !self.affordable(units) {
                    return (None, Vec::new());
                }
                self.spent += units;
                let text: String = sample.iter().collect();
                feedback_of(&(self.oracle)(&text))
            }
            Some(FeedbackSource::None) | None => (None, Vec::new()),
        }
    }
}

/// Keeps the leading `matches` of a segment that end by character `target`
/// (brute force is cut there, as it is rated per character), but at least
/// one character's worth, and returns how many characters they cover.
fn keep(matches: &mut Vec<Piece>, target: usize) -> usize {
    let target = target.max(1);
    let mut covered = 0;
    let mut kept = 0;
    for piece in matches.iter_mut() {
        if covered + piece.len <= target {
            covered += piece.len;
            kept += 1;
        } else {
            if piece.brute && covered < target {
                piece.len = target - covered;
                piece.log10_guesses = piece.len as f64;
                covered = target;
                kept += 1;
            }
            break;
        }
    }
    if kept == 0 {
        // The first match reaches past the target: keep it whole.
        kept = 1;
        covered = matches.first().map_or(0, |m| m.len);
    }
    matches.truncate(kept);
    covered
}

/// Appends `piece`, joining it to the previous one when both are parts of a
/// keyboard walk that a cut split: a walk that filled its segment, then one
/// on the same keyboard. zxcvbn rates the whole walk as one match whose
/// guesses are at least those of its longest part, so the joined piece
/// counts those (the safe side: never more than stock).
fn push_piece(pieces: &mut Vec<Piece>, piece: Piece) {
    if let Some(last) = pieces.last_mut()
        && last.open
        && piece.walk.is_some()
        && last.walk == piece.walk
    {
        last.len += piece.len;
        last.log10_guesses = last.log10_guesses.max(piece.log10_guesses);
        last.open = piece.open;
        return;
    }
    pieces.push(piece);
}

/// The token with the fewest guesses among those that can give feedback.
fn weakest(tokens: Vec<Token>) -> Option<Token> {
    tokens
        .into_iter()
        .filter(|t| !matches!(t.feedback, FeedbackSource::None))
        .min_by(|a, b| a.log10_guesses.total_cmp(&b.log10_guesses))
}

/// Where the segment of `text` starting at `start` ends: as far as the
/// segment limits allow, pulled back to a change of character class
/// (letter to digit, lower to upper case, …) in its second half if there is
/// one, so that words are less often cut in two.
fn segment_end(text: &[char], start: usize) -> usize {
    let mut end = start + 1;
    while end < text.len()
        && end - start < SEGMENT_MAX_CHARS
        && work_units(&text[start..=end]) <= SEGMENT_MAX_UNITS
    {
        end += 1;
    }
    if end == text.len() {
        return end;
    }
    let half = start + (end - start).div_ceil(2);
    (half.max(start + 1)..=end)
        .rev()
        .find(|&cut| cut < text.len() && class_changes(text[cut - 1], text[cut]))
        .unwrap_or(end)
}

#[derive(PartialEq)]
enum Class {
    Lower,
    Upper,
    Digit,
    Other,
}

fn class(c: char) -> Class {
    if c.is_lowercase() {
        Class::Lower
    } else if c.is_uppercase() {
        Class::Upper
    } else if c.is_numeric() {
        Class::Digit
    } else {
        Class::Other
    }
}

/// Whether a word plausibly ends between `a` and `b`: a change of class,
/// except upper to lower case ("Harbour" is one word).
fn class_changes(a: char, b: char) -> bool {
    let (a, b) = (class(a), class(b));
    a != b && !(a == Class::Upper && b == Class::Lower)
}

/// Cuts `text` into long repeat runs, long sequence runs and the plain text
/// between them, left to right.
fn split_runs(text: &[char]) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut plain_start = 0;
    let mut i = 0;
    while i < text.len() {
        if let Some((period, count)) = repeat_at(text, i) {
            push_plain(text, plain_start, i, &mut parts);
            parts.push(Part::Repeat { start: i, period, count });
            i += period * count;
            plain_start = i;
        } else {
            i += 1;
        }
    }
    push_plain(text, plain_start, text.len(), &mut parts);
    parts
}

/// Plain text from `start` to `end`, with its long sequence runs split out.
fn push_plain(text: &[char], start: usize, end: usize, parts: &mut Vec<Part>) {
    let mut plain_start = start;
    let mut i = start;
    while i + 1 < end {
        let delta = i64::from(u32::from(text[i + 1])) - i64::from(u32::from(text[i]));
        let mut j = i + 1;
        while j + 1 < end && i64::from(u32::from(text[j + 1])) - i64::from(u32::from(text[j])) == delta {
            j += 1;
        }
        let len = j - i + 1;
        if (1..=5).contains(&delta.abs()) && len >= MIN_RUN_CHARS {
            if plain_start < i {
                parts.push(Part::Plain { start: plain_start, len: i - plain_start });
            }
            parts.push(Part::Sequence { start: i, len, descending: delta < 0 });
            plain_start = j + 1;
            i = j + 1;
        } else {
            i = j;
        }
    }
    if plain_start < end {
        parts.push(Part::Plain { start: plain_start, len: end - plain_start });
    }
}

/// The longest run of at least two copies of one substring starting at `i`
/// that covers at least [`MIN_RUN_CHARS`] characters, as (period, count);
/// the shortest period wins a tie.
fn repeat_at(text: &[char], i: usize) -> Option<(usize, usize)> {
    let remaining = text.len() - i;
    let mut best: Option<(usize, usize)> = None;
    for period in 1..=remaining / 2 {
        let mut same = 0;
        while i + period + same < text.len() && text[i + same] == text[i + period + same] {
            same += 1;
        }
        let count = (same + period) / period;
        let covered = count * period;
        if count >= 2 && covered >= MIN_RUN_CHARS && best.is_none_or(|(p, c)| covered > p * c) {
            best = Some((period, count));
        }
    }
    best
}

/// zxcvbn's estimate for a sequence (zxcvbn 3.1's `SequencePattern`
/// estimate, MIT licence): a few guesses per starting point (4 for an
/// obvious one like `a` or `1`, 10 for another digit, 26 otherwise), twice
/// as many when descending, times the length.
fn sequence_log10_guesses(run: &[char], descending: bool) -> f64 {
    let first = run.first().copied().unwrap_or('a');
    let base: f64 = if ['a', 'A', 'z', 'Z', '0', '1', '9'].contains(&first) {
        4.0
    } else if first.is_ascii_digit() {
        10.0
    } else {
        26.0
    };
    let direction = if descending { 2.0 } else { 1.0 };
    (base * direction * run.len() as f64).log10()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn l33t_bound_multiplies_per_letter_and_doubles_shared_symbols() {
        assert_eq!(l33t_table_bound(&[]), 1);
        assert_eq!(l33t_table_bound(&['4', '@']), 2);
        assert_eq!(l33t_table_bound(&['(', '{', '[', '<', '4', '@']), 8);
        // '1' stands for i and l: one table each, doubled.
        assert_eq!(l33t_table_bound(&['1']), 2);
        assert_eq!(
            l33t_table_bound(&distinct_l33t_symbols(&chars("4@8({[<3&6|!1|7+0$5%2"))),
            2 * 4 * 3 * 3 * 2 * 2 * 8
        );
    }

    #[test]
    fn runs_are_split_out() {
        assert_eq!(split_runs(&chars(&"a".repeat(30))), [Part::Repeat { start: 0, period: 1, count: 30 }]);
        let text = chars(&format!("xy{}z", "Pass1!".repeat(4)));
        assert_eq!(
            split_runs(&text),
            [
                Part::Plain { start: 0, len: 2 },
                Part::Repeat { start: 2, period: 6, count: 4 },
                Part::Plain { start: 26, len: 1 }
            ]
        );
        let text = chars("Q!abcdefghijklmnop#");
        assert_eq!(
            split_runs(&text),
            [
                Part::Plain { start: 0, len: 2 },
                Part::Sequence { start: 2, len: 16, descending: false },
                Part::Plain { start: 18, len: 1 }
            ]
        );
    }

    #[test]
    fn segments_respect_the_limits_and_prefer_word_boundaries() {
        let text = chars("correcthorse-battery-staple-2026-Lantern");
        let mut start = 0;
        while start < text.len() {
            let end = segment_end(&text, start);
            assert!(end > start && end - start <= SEGMENT_MAX_CHARS);
            assert!(work_units(&text[start..end]) <= SEGMENT_MAX_UNITS);
            start = end;
        }
        assert_eq!(segment_end(&text, 0), 13, "cut after the dash, not inside 'battery'");
    }

    /// Pieces of a stock call's own match sequence, as the windowed path
    /// builds them from a segment.
    fn pieces_of(entropy: &Entropy) -> Vec<Piece> {
        entropy
            .sequence()
            .iter()
            .map(|m| {
                let len = m.j + 1 - m.i;
                if m.pattern == MatchPattern::BruteForce {
                    Piece::brute(len)
                } else {
                    Piece::matched(len, (m.guesses.unwrap_or(u64::MAX) as f64).log10())
                }
            })
            .collect()
    }

    #[test]
    fn segments_take_a_ten_digit_date_or_keypad_walk_whole() {
        for text in ["10/09/2018", "1472583690"] {
            assert!(work_units(&chars(text)) <= SEGMENT_MAX_UNITS, "{text}");
        }
    }

    #[test]
    fn a_match_cut_at_the_end_of_a_segment_is_rated_again_whole() {
        let mut calls = Vec::new();
        let text = chars("Thunder10/01/2002Thunder-lantern!");
        let mut oracle = |t: &str| {
            calls.push(t.to_owned());
            zxcvbn::zxcvbn(t, &[])
        };
        let mut windowed = Windowed { oracle: &mut oracle, spent: 0 };
        let (mut pieces, mut tokens) = (Vec::new(), Vec::new());
        windowed.plain(&text, &mut pieces, &mut tokens);
        assert_eq!(pieces.iter().map(|p| p.len).sum::<usize>(), text.len(), "the pieces cover the text once");
        assert!(calls.iter().any(|c| c.contains("10/01/2002")), "{calls:?}");
    }

    #[test]
    fn a_segment_keeps_its_matches_up_to_the_target_and_cuts_brute_force_there() {
        let mut matches = vec![Piece::brute(3), Piece::matched(5, 3.0)];
        assert_eq!(keep(&mut matches, 1), 1);
        assert_eq!(matches, [Piece::brute(1)]);
        // A segment shorter than the revisited span still moves on by one.
        let mut matches = vec![Piece::brute(3), Piece::matched(5, 3.0)];
        assert_eq!(keep(&mut matches, 0), 1);

        let mut matches = vec![Piece::matched(4, 2.0), Piece::matched(3, 1.0), Piece::brute(6)];
        assert_eq!(keep(&mut matches, 5), 4);
        assert_eq!(matches.len(), 1);

        // A first match past the target is kept whole: the next segment
        // always starts further on.
        let mut matches = vec![Piece::matched(12, 5.0), Piece::brute(4)];
        assert_eq!(keep(&mut matches, 7), 12);
        let mut matches = vec![Piece::matched(3, 1.0)];
        assert_eq!(keep(&mut matches, 0), 3);
    }

    #[test]
    fn a_keypad_walk_behind_a_symbol_in_a_short_segment_is_found_whole() {
        // "@741852963" is too l33t-dense for one 16-character segment: the
        // first segment stops inside the walk ("741852963" is in zxcvbn's
        // password list), and the next one must start at the walk.
        let mut oracle = |t: &str| zxcvbn::zxcvbn(t, &[]);
        let estimate = estimate_windowed("@741852963", &mut oracle);
        assert_eq!(estimate.score, u8::from(zxcvbn::zxcvbn("@741852963", &[]).score()));
    }

    #[test]
    fn walk_parts_split_by_a_cut_join_into_one_piece_with_the_larger_guesses() {
        let mut walk = Piece::matched(16, 6.0);
        walk.walk = Some("qwerty".to_owned());
        walk.open = true;
        let mut rest = Piece::matched(5, 4.0);
        rest.walk = Some("qwerty".to_owned());
        let mut pieces = vec![walk];
        push_piece(&mut pieces, rest);
        assert_eq!(pieces.len(), 1);
        assert_eq!((pieces[0].len, pieces[0].log10_guesses), (21, 6.0));
        push_piece(&mut pieces, Piece::brute(3));
        assert_eq!(pieces.len(), 2);
    }

    // Calibration: the facts about zxcvbn 3.1.1 that the cost model and the
    // windowed path restate. An upgrade that changes one fails here; then
    // re-measure with the strength benchmark before changing the pin.

    #[test]
    fn zxcvbn_is_the_version_the_cost_model_was_measured_on() {
        let lock = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.lock"));
        assert!(lock.contains("name = \"zxcvbn\"\nversion = \"3.1.1\"\n"), "zxcvbn is no longer 3.1.1");
    }

    #[test]
    fn stock_reads_only_the_first_100_characters() {
        // Weak, so that its guesses do not saturate u64.
        let head = "a".repeat(STOCK_MAX_CHARS);
        let stock = |text: &str| zxcvbn::zxcvbn(text, &[]).guesses_log10();
        assert_eq!(stock(&format!("{head}Xq7#kLm2vB9!")), stock(&head));
        assert_ne!(stock(&head[..99]), stock(&head));
    }

    #[test]
    fn stock_substitutes_exactly_the_l33t_table() {
        let words = [
            ('a', "password"),
            ('b', "baseball"),
            ('c', "chocolate"),
            ('e', "secret"),
            ('g', "dragon"),
            ('i', "princess"),
            ('l', "football"),
            ('o', "monkey"),
            ('s', "sunshine"),
            ('t', "master"),
            ('x', "matrix"),
            ('z', "pizza"),
        ];
        let candidates: Vec<char> =
            (b'!'..=b'~').map(char::from).filter(|c| !c.is_ascii_alphabetic()).collect();
        for (letter, word) in words {
            for &sub in &candidates {
                let typed = word.replace(letter, &sub.to_string());
                let entropy = zxcvbn::zxcvbn(&typed, &[]);
                let stock_subs = entropy.sequence().iter().any(|m| match &m.pattern {
                    MatchPattern::Dictionary(d) => {
                        d.l33t && d.sub.as_ref().is_some_and(|s| s.get(&sub) == Some(&letter))
                    }
                    _ => false,
                });
                let ours = L33T_TABLE.iter().any(|(l, subs)| *l == letter && subs.contains(&sub));
                assert_eq!(stock_subs, ours, "{sub:?} for {letter:?} in {typed:?}");
            }
        }
    }

    #[test]
    fn stock_scores_sequences_with_the_sequence_formula() {
        for (text, descending) in [("abcdefghijklmnop", false), ("9876543210", true), ("mnopqrstuvwx", false)]
        {
            let entropy = zxcvbn::zxcvbn(text, &[]);
            assert_eq!(entropy.sequence().len(), 1, "{text}");
            assert!(matches!(entropy.sequence()[0].pattern, MatchPattern::Sequence(_)), "{text}");
            // One match: its guesses + 1.
            let ours = log10_add(sequence_log10_guesses(&chars(text), descending), 0.0);
            assert!(
                (entropy.guesses_log10() - ours).abs() < 1e-9,
                "{text}: {} vs {ours}",
                entropy.guesses_log10()
            );
        }
    }

    #[test]
    fn stock_scores_a_repeat_as_its_base_times_the_copies() {
        for (base, copies) in [("Tigger19$", 5), ("qwerty.", 10), ("Ab1!", 12)] {
            let whole = zxcvbn::zxcvbn(&base.repeat(copies), &[]);
            let base = zxcvbn::zxcvbn(base, &[]);
            assert_eq!(whole.guesses(), base.guesses() * copies as u64 + 1, "{base:?}");
        }
    }

    #[test]
    fn stock_scores_a_match_sequence_with_the_windowed_formula() {
        let passwords = inzant_reset_test_support::corpus::realistic(5, 300);
        let mut checked = 0;
        for password in &passwords {
            let entropy = zxcvbn::zxcvbn(password, &["sam.web", "inzant"]);
            // Past 2^53 the u64 guesses and the f64 formula round apart.
            if entropy.guesses() > 1 << 53 {
                continue;
            }
            let ours = sequence_log10_guesses_of(&pieces_of(&entropy), password.chars().count());
            assert!(
                (entropy.guesses_log10() - ours).abs() < 1e-9,
                "{password}: {} vs {ours}",
                entropy.guesses_log10()
            );
            checked += 1;
        }
        assert!(checked >= 250, "only {checked} checked");
    }

    #[test]
    fn stock_scores_guesses_with_the_thresholds() {
        for password in inzant_reset_test_support::corpus::realistic(6, 300) {
            let entropy = zxcvbn::zxcvbn(&password, &[]);
            assert_eq!(score_from_log10(entropy.guesses_log10()), u8::from(entropy.score()), "{password}");
        }
    }

    #[test]
    fn scores_follow_zxcvbn_thresholds() {
        assert_eq!(score_from_log10(2.9), 0);
        assert_eq!(score_from_log10(3.0), 0);
        assert_eq!(score_from_log10(3.01), 1);
        assert_eq!(score_from_log10(7.5), 2);
        assert_eq!(score_from_log10(9.9), 3);
        assert_eq!(score_from_log10(10.5), 4);
    }
}
