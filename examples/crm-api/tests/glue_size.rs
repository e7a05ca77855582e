//! Measures the glue: the lines of `src/password_reset.rs` that are neither
//! blank nor comments (imports, attributes and closing braces count), as
//! rustfmt lays them out. Run with `--nocapture` to see the figure.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

/// The target: at most 100 lines of glue.
const CEILING: usize = 100;

fn glue_lines(source: &str) -> usize {
    source.lines().map(str::trim).filter(|line| !line.is_empty() && !line.starts_with("//")).count()
}

#[test]
fn the_glue_module_stays_small() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/password_reset.rs");
    let source = std::fs::read_to_string(path).unwrap();
    let lines = glue_lines(&source);
    println!("src/password_reset.rs: {lines} lines of glue (non-blank, non-comment)");
    assert!(lines <= CEILING, "the glue grew to {lines} lines (at most {CEILING})");
}

#[test]
fn blank_and_comment_lines_do_not_count() {
    assert_eq!(glue_lines("// a\n\n  /// b\nfn f() {}\n    //! c\n}\n"), 2);
}
