#![no_main]
//! The policy rates any string without panicking, and its verdict is consistent.

use inzant_reset_core::{PasswordPolicy, StrengthLevel};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|password: &str| {
    let policy = PasswordPolicy::default();
    let report = policy.evaluate(password, &["sam.web@inzant.example", "Sam Web"]);
    if !report.unmet().is_empty() {
        assert_eq!(report.level(), StrengthLevel::TooWeak);
    }
    assert_eq!(report.is_acceptable(), report.unmet().is_empty() && report.level() >= policy.minimum_level);
});
