//! Benchmarks for inzant-reset live in `benches/`; run them with
//! `cargo bench -p inzant-reset-benches`.
//!
//! This library holds the inputs they share.

/// Inputs for the strength meter, named for what makes each hard.
pub fn strength_corpus() -> Vec<(&'static str, String)> {
    let leet = "4@8({[<3&6|!1|7+0$5%2";
    vec![
        ("ordinary-12", "Velvet#Harb7".to_owned()),
        ("passphrase-25", "Velvet-Harbour-Lantern-42".to_owned()),
        ("leet-dense-20", leet.chars().cycle().take(20).collect()),
        ("leet-dense-40", leet.chars().cycle().take(40).collect()),
        ("ordinary-100", "Harbour7!velvet".chars().cycle().take(100).collect()),
        ("emoji-64", "🔒🐙".repeat(32)),
        ("over-max-10000", "Aa1!".repeat(2500)),
    ]
}
