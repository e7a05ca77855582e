#![no_main]
//! The policy rates any string without panicking: the label is always one of
//! the five, and a report with an unmet rule is always "Too Weak". Slow
//! inputs show up as libFuzzer timeouts (`-timeout`).

use inzant_reset_core::{PasswordPolicy, StrengthLevel};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|password: &str| {
    let policy = PasswordPolicy::default();
    let report = policy.evaluate(password, &["sam.web@inzant.example", "sam.web", "Sam Web"]);
    assert!(StrengthLevel::ALL.contains(&report.level()));
    assert!(["Too Weak", "Weak", "Acceptable", "Good", "Strong"].contains(&report.level().label()));
    if !report.unmet().is_empty() {
        assert_eq!(report.level(), StrengthLevel::TooWeak);
    }
    assert_eq!(report.is_acceptable(), report.unmet().is_empty() && report.level() >= policy.minimum_level);
});
