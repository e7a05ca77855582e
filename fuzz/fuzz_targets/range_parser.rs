#![no_main]
//! Any range body with any suffix: the one range parser (both breach
//! sources and the API's answers go through it) answers or refuses, never
//! panics, and what it answers agrees with the lines it read.

use arbitrary::Arbitrary;
use inzant_reset_core::breach::{RangeSuffix, parse_hash_line, parse_range, range_entries};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    body: &'a [u8],
    suffix: &'a str,
}

fuzz_target!(|input: Input<'_>| {
    let result = parse_range(input.body, input.suffix);
    let body_ok = range_entries(input.body).all(|entry| entry.is_ok());
    if RangeSuffix::from_hex(input.suffix.as_bytes()).is_none() {
        assert!(result.is_err());
    } else {
        assert_eq!(result.is_ok(), body_ok);
        if let Ok(Some(count)) = result {
            assert!(count > 0, "padding is never a sighting");
        }
    }
    // Looking for a suffix the body holds finds it, with at least its count.
    if let Some(Ok(first)) = range_entries(input.body).next() {
        match parse_range(input.body, &first.suffix.to_hex()) {
            Ok(Some(count)) => assert!(count >= first.count),
            Ok(None) => assert_eq!(first.count, 0),
            Err(_) => assert!(!body_ok),
        }
    }
    let _ = parse_hash_line(input.body);
});
