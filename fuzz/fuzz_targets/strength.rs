#![no_main]
//! The policy rates any string without panicking: a report with an unmet
//! rule is always "Too Weak", and an acceptable password is within the
//! length limits. Slow inputs show up as libFuzzer timeouts (`-timeout`).

use inzant_reset_core::{PasswordPolicy, StrengthLevel};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|password: &str| {
    let policy = PasswordPolicy::default();
    let report = policy.rate(password, &["sam.web@inzant.example", "sam.web", "Sam Web"]);
    if report.is_acceptable() {
        assert!((policy.min_length..=policy.max_length).contains(&report.length()), "{}", report.length());
    }
    if !report.unmet().is_empty() {
        assert_eq!(report.level(), StrengthLevel::TooWeak);
    }
    assert_eq!(report.is_acceptable(), report.unmet().is_empty() && report.level() >= policy.minimum_level);
});
