//! The windowed path of the strength meter (passwords over 40 characters, or
//! too dense in l33t symbols for one stock zxcvbn call) against stock zxcvbn
//! 3.1 plus the composition rules: level agreement on a generated corpus of
//! long passwords, and never more lenient where it matters.
//!
//! Every comparison goes through `PasswordPolicy::evaluate_windowed`, which
//! takes the windowed path even for short passwords, so these tests measure
//! that path alone.

use inzant_reset_core::policy::{PasswordPolicy, StrengthLevel};
use inzant_reset_test_support::corpus::{self, LongFamily};
use proptest::prelude::*;

const SAM: [&str; 3] = ["sam.web@inzant.example", "sam.web", "Sam Web"];

/// The Inzant policy without its rules that do not depend on zxcvbn: the
/// bare score, where a lenient estimate cannot hide behind an unmet rule.
fn score_only() -> PasswordPolicy {
    let mut policy = PasswordPolicy::default();
    policy.require_uppercase = false;
    policy.require_lowercase = false;
    policy.require_digit = false;
    policy.require_symbol = false;
    policy.forbid_user_details = false;
    policy
}

/// Ours is "more lenient" when stock refuses the password and ours would
/// save it.
fn more_lenient(policy: &PasswordPolicy, ours: StrengthLevel, stock: StrengthLevel) -> bool {
    stock < policy.minimum_level && ours >= policy.minimum_level
}

#[derive(Default)]
struct Tally {
    agree: usize,
    total: usize,
    lenient: Vec<String>,
}

/// Compares each password (with a label for the report) with stock.
fn compare(policy: &PasswordPolicy, passwords: &[(&str, String)]) -> Tally {
    let mut tally = Tally::default();
    for (label, password) in passwords {
        let ours = policy.evaluate_windowed(password, &SAM).level();
        let stock = policy.evaluate_reference(password, &SAM).level();
        tally.total += 1;
        if ours == stock {
            tally.agree += 1;
        } else {
            println!("{label}: {password:?}: ours {ours}, stock {stock}");
        }
        if more_lenient(policy, ours, stock) {
            tally.lenient.push(password.clone());
        }
    }
    tally
}

#[test]
fn the_long_corpus_has_every_family_and_only_long_passwords() {
    let corpus = corpus::long(11, 100);
    assert_eq!(corpus.len(), 100);
    for family in LongFamily::ALL {
        assert_eq!(corpus.iter().filter(|(f, _)| *f == family).count(), 20, "{}", family.name());
    }
    assert!(corpus.iter().all(|(_, p)| (41..=128).contains(&p.chars().count())));
    assert_eq!(corpus, corpus::long(11, 100), "deterministic for a seed");
}

#[test]
fn the_windowed_path_agrees_with_stock_on_long_passwords_and_is_never_more_lenient() {
    let corpus: Vec<(&str, String)> =
        corpus::long(2026, 600).into_iter().map(|(f, p)| (f.name(), p)).collect();
    for policy in [PasswordPolicy::default(), score_only()] {
        let tally = compare(&policy, &corpus);
        let rate = tally.agree as f64 / tally.total as f64;
        println!("agreement {}/{} = {:.2} %", tally.agree, tally.total, rate * 100.0);
        assert!(tally.lenient.is_empty(), "more lenient than stock: {:?}", tally.lenient);
        assert!(rate >= 0.98, "agreement {rate}");
    }
}

#[test]
fn the_windowed_path_agrees_with_stock_on_short_passwords_too() {
    // Short passwords take the windowed path when they are dense in l33t
    // symbols; here it is forced on the realistic corpus of up to 40.
    let corpus: Vec<(&str, String)> =
        corpus::realistic(2026, 1500).into_iter().map(|p| ("short", p)).collect();
    for policy in [PasswordPolicy::default(), score_only()] {
        let tally = compare(&policy, &corpus);
        let rate = tally.agree as f64 / tally.total as f64;
        println!("agreement {}/{} = {:.2} %", tally.agree, tally.total, rate * 100.0);
        assert!(tally.lenient.is_empty(), "more lenient than stock: {:?}", tally.lenient);
        assert!(rate >= 0.99, "agreement {rate}");
    }
}

#[test]
fn the_long_corpus_is_not_all_strong() {
    // Agreement would mean little if every long password were "Strong".
    let policy = score_only();
    let weak = corpus::long(2026, 600)
        .iter()
        .filter(|(_, p)| policy.evaluate_reference(p, &SAM).level() < StrengthLevel::Strong)
        .count();
    assert!(weak >= 50, "only {weak} long passwords below Strong");
}

/// Passwords made mostly of digits and symbols are dense in l33t symbols,
/// so even short ones take the windowed path, in small segments. With the
/// Inzant rules none that stock refuses is acceptable: drawn from keypad
/// walks, digit runs, dates and symbol rows joined by separators, with a
/// short word for the letters the rules ask for (fixed seed).
#[test]
fn digit_and_symbol_passwords_are_never_acceptable_where_stock_refuses_them() {
    use rand::rngs::StdRng;
    use rand::{RngExt, SeedableRng};
    const PIECES: [&str; 24] = [
        "147258369",
        "123456789",
        "0123456789",
        "987654321",
        "741852963",
        "159753",
        "13579",
        "1111",
        "2580",
        "369258147",
        "1234",
        "12345",
        "789456123",
        "963852741",
        "147852369",
        "2024",
        "1999",
        "0000",
        "69",
        "007",
        "31121999",
        "12/31/99",
        "1q2w3e",
        "!@#$",
    ];
    const WORDS: [&str; 8] = ["Ab", "Qw", "Tom", "Zz", "Qwerty", "Pass", "Ok", "Jo"];
    const SEPARATORS: [&str; 10] = ["", "", "", "0", "1", "-", ".", "!", "/", "+"];
    let mut rng = StdRng::seed_from_u64(2026);
    let policy = PasswordPolicy::default();
    let mut lenient = Vec::new();
    for _ in 0..400 {
        let mut parts = vec![WORDS[rng.random_range(0..WORDS.len())]];
        for _ in 0..rng.random_range(1..=4) {
            parts.push(PIECES[rng.random_range(0..PIECES.len())]);
        }
        let at = rng.random_range(0..parts.len());
        parts.swap(0, at);
        let mut password = String::new();
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                password.push_str(SEPARATORS[rng.random_range(0..SEPARATORS.len())]);
            }
            password.push_str(part);
        }
        if password.chars().all(char::is_alphanumeric) {
            password.push('!');
        }
        let ours = policy.rate(&password, &SAM).level();
        let stock = policy.evaluate_reference(&password, &SAM).level();
        if more_lenient(&policy, ours, stock) {
            lenient.push(format!("{password:?}: ours {ours}, stock {stock}"));
        }
    }
    assert!(lenient.is_empty(), "more lenient than stock: {lenient:#?}");
}

/// Digits and symbols alone, windowed in small segments: these were saved
/// with the rules off although stock refuses them, while a segment's call
/// behind the context character could cost more than a segment may, so the
/// budget ran out before the segments were rated alone.
#[test]
fn letterless_passwords_that_stock_refuses_are_refused_with_the_rules_off_too() {
    let policy = score_only();
    for password in ["9638527410123456789", "!@#$1123456789", "7418529630987654321", "!@#$0123456789"] {
        let stock = policy.evaluate_reference(password, &SAM).level();
        let ours = policy.rate(password, &SAM).level();
        assert!(stock < StrengthLevel::Acceptable, "{password}: stock {stock}");
        assert!(ours < StrengthLevel::Acceptable, "{password}: ours {ours}");
    }
}

#[test]
fn repeated_ten_character_passwords_stay_below_acceptable() {
    let policy = PasswordPolicy::default();
    for password in [
        "Michael24$".repeat(9),
        format!("{}7", "qwerty.".repeat(10)),
        format!("{}&", "Family2005".repeat(10)),
        format!("{}@", "Maggie1959".repeat(12)),
        "Password1!".repeat(13).chars().take(128).collect(),
    ] {
        let stock = policy.evaluate_reference(&password, &SAM).level();
        let ours = policy.rate(&password, &SAM).level();
        assert!(stock < StrengthLevel::Acceptable, "{password}: stock {stock}");
        assert!(ours < StrengthLevel::Acceptable, "{password}: ours {ours}");
    }
}

/// Bases people repeat: a word or name, capitalised or not, with digits and
/// a symbol, or a keyboard walk.
fn base() -> impl Strategy<Value = String> {
    let words = corpus::COMMON_WORDS.iter().chain(corpus::KEYBOARD_WALKS).copied().collect::<Vec<_>>();
    (
        proptest::sample::select(words),
        any::<bool>(),
        proptest::option::of(0u32..10_000),
        proptest::option::of(proptest::sample::select(vec!["!", "$", "#", ".", "@", "*", "?", "!!"])),
    )
        .prop_map(|(word, capital, digits, symbol)| {
            let mut base = if capital {
                let mut chars = word.chars();
                chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
            } else {
                word.to_owned()
            };
            if let Some(digits) = digits {
                base.push_str(&digits.to_string());
            }
            if let Some(symbol) = symbol {
                base.push_str(symbol);
            }
            base
        })
}

/// How the copies are cased: as typed, upper, lower, or alternating.
fn recase(base: &str, style: u8, copy: usize) -> String {
    match style {
        1 => base.to_uppercase(),
        2 => base.to_lowercase(),
        3 if !copy.is_multiple_of(2) => base.to_uppercase(),
        _ => base.to_owned(),
    }
}

/// Weak bases repeated, separated or re-cased that the windowed path once
/// rated above stock, each for a reason of its own: none rates higher than
/// stock now, with the rules or without.
#[test]
fn known_counterexamples_rate_no_higher_than_stock() {
    for password in [
        // A keypad walk dense in l33t symbols: after the base's stock call
        // the budget left too little to rate the last copy, which counted
        // as brute force.
        "147258369+147258369+147258369",
        "147258369-147258369",
        "741852963!741852963!741852963",
        // A last copy that stock rates with a match of its own, "qwerty1".
        "qwerty+qwerty+qwerty+qwerty1",
        // After other matches, stock covers "POIUYTREWQ!" with one keyboard
        // walk; alone, with a word and a symbol.
        "POIUYTREWQ1POIUYTREWQ1POIUYTREWQ1POIUYTREWQ1POIUYTREWQ!",
        // "2qwertyuiop" is one keyboard walk in context.
        "qwertyuiop2qwertyuiop",
        // Behind the context character, "Lovely!" is best all brute force;
        // alone, a word and a l33t "i".
        "Lovely1Lovely1Lovely!",
        // A sequence across a segment's cut ("/0123456789").
        "0123456789/0123456789",
        // zxcvbn's sequence matcher lets a run of one character start a
        // sequence.
        "11111111111111111111111112",
        "1111.1111.1111.1111.1111+",
        "Harley67/Harley67/Harley67",
    ] {
        for policy in [PasswordPolicy::default(), score_only()] {
            let stock = policy.evaluate_reference(password, &SAM).level();
            let ours = policy.evaluate_windowed(password, &SAM).level();
            assert!(ours <= stock, "{password:?}: ours {ours}, stock {stock}");
        }
    }
}

proptest! {
    // A fixed seed, so that CI runs the same cases every time, and no
    // regressions file: the cases worth keeping are examples above. To look
    // for new counterexamples, run with a random seed and many cases.
    #![proptest_config(ProptestConfig {
        cases: 256,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x1157_2e93_5a0b_d461),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Repeating a weak base, with or without separators, re-cased or not,
    /// never rates above stock zxcvbn + the rules.
    #[test]
    fn repeating_separating_or_recasing_a_weak_base_never_rates_above_stock(
        base in base(),
        copies in 2usize..=12,
        separator in proptest::sample::select(vec!["", "", "-", "_", ".", " ", "+", "!", "2"]),
        style in 0u8..4,
        tail in proptest::sample::select(vec!["", "", "1", "!", "2024", "x"]),
    ) {
        let policy = PasswordPolicy::default();
        prop_assume!(policy.evaluate_reference(&base, &SAM).level() < StrengthLevel::Acceptable);
        let mut password = (0..copies).map(|i| recase(&base, style, i)).collect::<Vec<_>>().join(separator);
        password.push_str(tail);
        prop_assume!(password.chars().count() <= policy.max_length);
        for policy in [&policy, &score_only()] {
            let stock = policy.evaluate_reference(&password, &SAM).level();
            let ours = policy.evaluate_windowed(&password, &SAM).level();
            prop_assert!(ours <= stock, "{:?}: ours {} stock {}", password, ours, stock);
        }
    }
}
