#![no_main]
//! Any typed code either parses to six ASCII digits or is refused, and link
//! tokens of any shape never panic the parser.

use inzant_reset_core::secret::{Code, LinkToken};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|typed: &str| {
    if let Some(code) = Code::parse(typed) {
        assert_eq!(code.expose().len(), 6);
        assert!(code.expose().bytes().all(|b| b.is_ascii_digit()));
    }
    let _ = LinkToken::parse(typed);
});
