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

/// The adversarial corpus of the `strength` bench: inputs chosen to make a
/// strength estimator slow, up to the maximum length of 128 characters.
pub fn adversarial_corpus() -> Vec<(String, String)> {
    let leet = "4@8({[<3&6|!1|7+0$5%2";
    let leet_shuffled = "|7!1+$%<2@5{0(8[3&4|6";
    let printable: Vec<char> =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*()-_=+[]{};:,.<>/?~|"
            .chars()
            .collect();
    // A fixed pseudo-random walk (no RNG dependency: the corpus must not change).
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |bound: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % bound as u64) as usize
    };
    let random = |n: usize, next: &mut dyn FnMut(usize) -> usize| -> String {
        (0..n).filter_map(|_| printable.get(next(printable.len())).copied()).collect()
    };
    let cycle = |s: &str, n: usize| -> String { s.chars().cycle().take(n).collect() };
    let mut corpus: Vec<(String, String)> = Vec::new();
    for n in [20, 40, 100, 128] {
        corpus.push((format!("leet-dense-{n}"), cycle(leet, n)));
        corpus.push((format!("leet-shuffled-{n}"), cycle(leet_shuffled, n)));
        corpus.push((format!("random-printable-{n}"), random(n, &mut next)));
        corpus.push((
            format!("digits-random-{n}"),
            (0..n).map(|_| char::from(b'0' + next(10) as u8)).collect(),
        ));
    }
    for n in [40, 100, 128] {
        corpus.push((format!("word-chain-{n}"), cycle("passwordiloveyousunshinedragonmonkeyprincess", n)));
        corpus.push((format!("ordinary-{n}"), cycle("Harbour7!velvet", n)));
    }
    corpus.extend([
        ("repeat-a-128".to_owned(), "a".repeat(128)),
        ("repeat-word-128".to_owned(), "Password1!".repeat(13).chars().take(128).collect()),
        ("repeat-abc-128".to_owned(), cycle("abc", 128)),
        ("sequence-alpha-128".to_owned(), cycle("abcdefghijklmnopqrstuvwxyz", 128)),
        ("sequence-digits-128".to_owned(), cycle("0123456789", 128)),
        ("sequence-cjk-128".to_owned(), (0x4e00u32..0x4e80).filter_map(char::from_u32).collect()),
        ("keyboard-walk-128".to_owned(), cycle("qwertyuiopasdfghjklzxcvbnm1qaz2wsx3edc", 128)),
        ("symbol-run-128".to_owned(), cycle("!@#$%^&*()_+-=[]{}", 128)),
        ("emoji-128".to_owned(), cycle("🔒🐙🎉🌍🔥💡", 128)),
        ("cjk-128".to_owned(), cycle("密码安全强度测试用户名称登录系统", 128)),
        ("combining-marks-128".to_owned(), cycle("a\u{301}\u{302}e\u{308}\u{323}o\u{30c}", 128)),
        ("passphrase-128".to_owned(), cycle("Velvet-Harbour-Lantern-42-Quiet-River-", 128)),
        ("password-manager-128".to_owned(), random(128, &mut next)),
        ("over-max-10000".to_owned(), "Aa1!".repeat(2500)),
    ]);
    corpus
}
