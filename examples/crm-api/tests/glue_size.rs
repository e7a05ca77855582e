//! Measures the glue: the lines of `src/password_reset.rs` that are neither
//! blank nor comments (imports, attributes and closing braces count), as
//! rustfmt lays them out. Run with `--nocapture` to see the figure.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

/// The target: at most 100 lines of glue.
const CEILING: usize = 100;

#[test]
fn the_glue_module_stays_small() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/password_reset.rs");
    let lines = inzant_reset_test_support::glue_lines(path);
    println!("src/password_reset.rs: {lines} lines of glue (non-blank, non-comment)");
    assert!(lines <= CEILING, "the glue grew to {lines} lines (at most {CEILING})");
}
