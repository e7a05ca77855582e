#[test]
fn a_long_keyboard_walk_is_rated_not_a_panic_even_in_a_debug_build() {
    // zxcvbn 3.1.1 overflows on walks of 32 turns or more; whether this
    // test's build checks overflow or not, the policy answers.
    let walk = "qazxswedcvfr".repeat(3);
    let report = PasswordPolicy::default().rate(&walk, &[]);
    assert_eq!(report.level(), StrengthLevel::TooWeak);
}

use super::*;

const SAM: [&str; 3] = ["sam.web@inzant.example", "sam.web", "Sam Web"];

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

/// SPEC §3, written out: the level for each zxcvbn score once every rule is
/// met, and its English label.
const SPEC_LEVELS: [(u8, StrengthLevel, &str); 5] = [
    (0, StrengthLevel::TooWeak, "Too Weak"),
    (1, StrengthLevel::Weak, "Weak"),
    (2, StrengthLevel::Acceptable, "Acceptable"),
    (3, StrengthLevel::Good, "Good"),
    (4, StrengthLevel::Strong, "Strong"),
];

fn spec_level(score: u8) -> StrengthLevel {
    SPEC_LEVELS[usize::from(score)].1
}

#[test]
fn labels_are_the_five_words_of_the_spec() {
    for (_, level, label) in SPEC_LEVELS {
        assert_eq!(level.label(), label);
        assert_eq!(level.to_string(), label);
    }
    assert_eq!(StrengthLevel::ALL.to_vec(), SPEC_LEVELS.map(|(_, level, _)| level).to_vec());
}

#[test]
fn levels_order_by_strength() {
    assert!(StrengthLevel::TooWeak < StrengthLevel::Weak);
    assert!(StrengthLevel::Weak < StrengthLevel::Acceptable);
    assert!(StrengthLevel::Acceptable < StrengthLevel::Good);
    assert!(StrengthLevel::Good < StrengthLevel::Strong);
}

#[test]
fn with_every_rule_met_the_level_is_the_one_of_zxcvbns_own_score() {
    // No product words, so the policy gives zxcvbn what the stock call gets.
    let policy = PasswordPolicy { product_words: Vec::new(), ..PasswordPolicy::default() };
    let mut scores_seen = [false; 5];
    for password in [
        "P@ssw0rd",
        "Password1!",
        "Qwerty12!",
        "Welcome1!",
        "Summer2024!",
        "Jk8#mQ2z",
        "Tr0ub4dour&3",
        "Velvet#Harb7",
        "Mango#Trail5",
        "Horse!Battery9",
        "Velvet-Harbour-Lantern-42",
    ] {
        let stock = u8::from(zxcvbn::zxcvbn(password, &[]).score());
        let report = policy.rate(password, &[]);
        assert_eq!(report.unmet(), [], "{password:?} meets every rule");
        assert_eq!(report.score(), stock, "{password:?}");
        let (_, level, label) = SPEC_LEVELS[usize::from(stock)];
        assert_eq!(report.level(), level, "{password:?}");
        assert_eq!(report.level().label(), label, "{password:?}");
        scores_seen[usize::from(stock)] = true;
    }
    assert_eq!(scores_seen, [true; 5], "the passwords cover every score");
}

#[test]
fn an_unmet_rule_is_too_weak_whatever_zxcvbn_scores() {
    let password = "correct horse battery staple";
    assert_eq!(u8::from(zxcvbn::zxcvbn(password, &[]).score()), 4);
    let report = PasswordPolicy::default().rate(password, &[]);
    assert_eq!(report.unmet(), [Rule::Uppercase, Rule::Digit]);
    assert_eq!(report.level().label(), "Too Weak");
}

#[test]
fn each_composition_rule_is_reported_and_can_be_switched_off() {
    let policy = PasswordPolicy::default();
    let report = policy.rate("lowercaseonlywordshere", &[]);
    assert_eq!(report.unmet(), [Rule::Uppercase, Rule::Digit, Rule::Symbol]);
    assert_eq!(report.level(), StrengthLevel::TooWeak);

    let relaxed = PasswordPolicy {
        require_uppercase: false,
        require_digit: false,
        require_symbol: false,
        ..PasswordPolicy::default()
    };
    let report = relaxed.rate("lowercaseonlywordshere", &[]);
    assert!(report.unmet().is_empty());
    assert!(report.level() >= StrengthLevel::Acceptable);
    assert_eq!(
        PasswordPolicy::default().rate("ALLUPPER", &[]).unmet(),
        [Rule::Lowercase, Rule::Digit, Rule::Symbol]
    );
}

#[test]
fn spaces_count_as_symbols() {
    let report = PasswordPolicy::default().rate("Seven blue harbours 7", &[]);
    assert!(!report.unmet().contains(&Rule::Symbol));
}

#[test]
fn short_passwords_fail_the_length_rule() {
    let report = PasswordPolicy::default().rate("Aa1!aa", &[]);
    assert_eq!(report.unmet(), [Rule::MinLength]);
    assert!(!report.is_acceptable());
}

#[test]
fn overlong_passwords_are_refused_not_truncated() {
    let policy = PasswordPolicy::default();
    let at_max = format!("Aa1!{}", "x7Q#".repeat(31));
    assert_eq!(at_max.chars().count(), 128);
    assert!(!policy.rate(&at_max, &[]).unmet().contains(&Rule::MaxLength));
    let over = format!("{at_max}z");
    let report = policy.rate(&over, &[]);
    assert_eq!(report.unmet(), [Rule::MaxLength]);
    assert_eq!(report.level(), StrengthLevel::TooWeak);
    assert!(policy.rate(&"Aa1!".repeat(100_000), &[]).unmet().contains(&Rule::MaxLength));
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
    assert!(!strict.rate("Summer2024!", &[]).is_acceptable());
    assert!(PasswordPolicy::default().rate("Summer2024!", &[]).is_acceptable());
}

#[test]
fn user_inputs_weaken_passwords_built_on_them_in_zxcvbn() {
    let policy = PasswordPolicy { forbid_user_details: false, ..PasswordPolicy::default() };
    for (password, alone, with_user) in [
        ("Sam.web2026!", StrengthLevel::Strong, StrengthLevel::Acceptable),
        ("Sam.Web!2", StrengthLevel::Good, StrengthLevel::Weak),
    ] {
        assert_eq!(policy.rate(password, &[]).level(), alone, "{password}");
        assert_eq!(policy.rate(password, &SAM).level(), with_user, "{password}");
    }
}

const NELL: [&str; 5] = ["nell.new@inzant.example", "nell.new", "nell", "Nell New", "Nell"];

#[test]
fn a_password_with_the_users_name_is_too_weak_whatever_zxcvbn_says() {
    let policy = PasswordPolicy::default();
    let zxcvbn_alone = PasswordPolicy { forbid_user_details: false, ..PasswordPolicy::default() };
    // zxcvbn charges little for the name once a year and a symbol join it.
    assert_eq!(zxcvbn_alone.rate("NellNew2026!", &NELL).level(), StrengthLevel::Good);
    for password in ["NellNew2026!", "N3ll-Harbour-Lantern-42", "Lantern#nellnew7"] {
        let report = policy.rate(password, &NELL);
        assert_eq!(report.unmet(), [Rule::NoUserDetails], "{password}");
        assert_eq!(report.level(), StrengthLevel::TooWeak, "{password}");
        assert!(!report.is_acceptable(), "{password}");
    }
    // The same passwords are fine for another user.
    assert!(policy.rate("N3ll-Harbour-Lantern-42", &SAM).is_acceptable());
}

#[test]
fn the_user_details_rule_can_be_switched_off() {
    let policy = PasswordPolicy { forbid_user_details: false, ..PasswordPolicy::default() };
    assert!(policy.rate("N3ll-Harbour-Lantern-42", &NELL).is_acceptable());
    assert!(!policy.rules().contains(&Rule::NoUserDetails));
}

#[test]
fn passwords_that_submits_refuse_for_control_characters_are_too_weak() {
    let policy = PasswordPolicy::default();
    for password in
        ["Velvet\tHarbour-42", "Velvet-Harbour-42\n", "Velvet\u{0}Harbour-42", "Velvet\u{85}Harbour-42"]
    {
        let report = policy.rate(password, &SAM);
        assert_eq!(report.unmet(), [Rule::NoControlCharacters], "{password:?}");
        assert!(!report.is_acceptable(), "{password:?}");
    }
    // A no-break space is not a control character: NFKC makes it a space,
    // which submits accept.
    assert!(policy.rate("Velvet\u{a0}Harbour-42", &SAM).is_acceptable());
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
    let mut report = policy.rate("Velvet-Harbour-Lantern-42", &SAM);
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
    let report = policy.rate("nell\tnew", &NELL);
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
    assert_eq!(normalize_password(composed).expose_secret(), normalize_password(decomposed).expose_secret());
    let policy = PasswordPolicy::default();
    assert_eq!(policy.rate(composed, &[]), policy.rate(decomposed, &[]));
}

#[test]
fn full_width_letters_normalize_to_ascii() {
    assert_eq!(normalize_password("Ｐａｓｓ１！").expose_secret(), "Pass1!");
    let policy = PasswordPolicy::default();
    assert_eq!(policy.rate("Ｖｅｌｖｅｔ＃Ｈａｒｂ７", &[]), policy.rate("Velvet#Harb7", &[]));
}

#[test]
fn weak_passwords_carry_zxcvbn_feedback() {
    let report = PasswordPolicy::default().rate("Password1!", &[]);
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
        inputs
            .push((0..n).map(|_| symbols[rand::RngExt::random_range(&mut rng, 0..symbols.len())]).collect());
    }
    inputs.extend(inzant_reset_test_support::corpus::realistic(3, 300));
    inputs.extend(inzant_reset_test_support::corpus::long(3, 300).into_iter().map(|(_, password)| password));
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
            let ours = policy.rate(password, &SAM);
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
        let report = relaxed.rate(&password, &[]);
        assert!(report.level() <= StrengthLevel::Weak, "{password:?}: {}", report.level());
        assert!(report.warning().is_some() || !report.suggestions().is_empty(), "{password:?}");
    }
    let long = "Velvet-Harbour-Lantern-42-Quiet-River-Mango-Trail-7";
    assert_eq!(PasswordPolicy::default().rate(long, &SAM).level(), StrengthLevel::Strong);
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
        let report = policy.rate(&password, &SAM);
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
        let report = policy.rate(&password, &SAM);
        proptest::prop_assert!(report.score() <= 4);
        if report.unmet().is_empty() {
            proptest::prop_assert_eq!(report.level(), spec_level(report.score()));
        }
    }

    #[test]
    fn every_unmet_rule_is_an_enforced_one(password in proptest::collection::vec(proptest::char::any(), 0..200)) {
        let password: String = password.into_iter().collect();
        let policy = PasswordPolicy { max_length: 256, ..PasswordPolicy::default() };
        let report = policy.rate(&password, &SAM);
        let rules = policy.rules();
        proptest::prop_assert!(report.unmet().iter().all(|rule| rules.contains(rule)));
        proptest::prop_assert_eq!(
            report.unmet().contains(&Rule::NoControlCharacters),
            password.chars().any(char::is_control)
        );
    }
}
