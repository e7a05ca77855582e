//! A realistic corpus of passwords people type, for the agreement test and
//! the strength benchmark: common passwords and their usual mutations
//! (capitals, digits and symbols appended, leetspeak, dates), keyboard walks,
//! passphrases and random strings, all at most 40 characters.
//!
//! Deterministic for a given seed. Not a security tool: it exists so the
//! test suite and `benches/` measure agreement with stock zxcvbn on the same
//! inputs.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// Common passwords and words people build passwords from.
pub const COMMON_WORDS: &[&str] = &[
    "password",
    "123456",
    "qwerty",
    "letmein",
    "welcome",
    "monkey",
    "dragon",
    "football",
    "baseball",
    "iloveyou",
    "sunshine",
    "princess",
    "shadow",
    "master",
    "superman",
    "batman",
    "trustno1",
    "whatever",
    "freedom",
    "starwars",
    "pokemon",
    "computer",
    "internet",
    "michael",
    "jennifer",
    "jessica",
    "ashley",
    "charlie",
    "thomas",
    "daniel",
    "robert",
    "summer",
    "winter",
    "spring",
    "autumn",
    "orange",
    "banana",
    "chocolate",
    "butterfly",
    "flower",
    "coffee",
    "cheese",
    "pepper",
    "ginger",
    "tigger",
    "hunter",
    "ranger",
    "soccer",
    "hockey",
    "jordan",
    "harley",
    "london",
    "paris",
    "berlin",
    "dallas",
    "chicago",
    "secret",
    "hello",
    "admin",
    "login",
    "access",
    "mustang",
    "corvette",
    "yankees",
    "lakers",
    "cowboys",
    "matrix",
    "phoenix",
    "diamond",
    "silver",
    "golden",
    "purple",
    "yellow",
    "thunder",
    "wizard",
    "falcon",
    "eagle",
    "tiger",
    "lion",
    "horse",
    "rabbit",
    "kitten",
    "puppy",
    "angel",
    "family",
    "forever",
    "lovely",
    "cookie",
    "pumpkin",
    "maggie",
    "buster",
    "bailey",
    "sophie",
    "oliver",
    "harbour",
    "velvet",
    "lantern",
    "mango",
    "trail",
    "river",
    "garden",
    "castle",
    "rocket",
    "planet",
    "galaxy",
    "ocean",
    "forest",
    "company",
    "office",
    "sales",
    "inzant",
    "tradeshow",
    "manager",
    "spring",
    "monday",
    "friday",
];

/// Keyboard walks people use as passwords or parts of them.
pub const KEYBOARD_WALKS: &[&str] = &[
    "qwerty",
    "qwertyuiop",
    "asdfgh",
    "asdfghjkl",
    "zxcvbn",
    "zxcvbnm",
    "1qaz2wsx",
    "qazwsx",
    "123qwe",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "zaq12wsx",
    "!QAZ2wsx",
    "qweasdzxc",
    "poiuytrewq",
    "mnbvcxz",
    "asdf1234",
    "qwer1234",
    "1234qwer",
    "!@#$%^&*",
    "147258369",
    "159753",
    "741852963",
    "qazxsw",
    "wsxedc",
];

const SYMBOLS: &[&str] = &["!", "@", "#", "$", "%", "?", ".", "*", "&", "_", "-", "!!", "!@#"];
const SEPARATORS: &[&str] = &["-", "_", ".", " ", "", "+", "#", "!"];
const DIGITS: &[&str] = &[
    "1", "12", "123", "1234", "7", "01", "99", "007", "69", "2024", "2025", "2026", "1987", "1999", "2000",
    "11",
];

fn pick<'a>(rng: &mut StdRng, items: &[&'a str]) -> &'a str {
    items.get(rng.random_range(0..items.len().max(1))).copied().unwrap_or("")
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn leet(word: &str, rng: &mut StdRng) -> String {
    word.chars()
        .map(|c| {
            let options: &[char] = match c {
                'a' => &['@', '4'],
                'e' => &['3'],
                'i' => &['1', '!'],
                'o' => &['0'],
                's' => &['$', '5'],
                't' => &['7', '+'],
                'l' => &['1'],
                'g' => &['9'],
                'b' => &['8'],
                _ => &[],
            };
            if !options.is_empty() && rng.random_bool(0.7) {
                options.get(rng.random_range(0..options.len())).copied().unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

fn date(rng: &mut StdRng) -> String {
    let day = rng.random_range(1..=28u32);
    let month = rng.random_range(1..=12u32);
    let year = rng.random_range(1950..=2026u32);
    match rng.random_range(0..5) {
        0 => format!("{day:02}{month:02}{year}"),
        1 => format!("{month:02}/{day:02}/{year}"),
        2 => format!("{day}.{month}.{}", year % 100),
        3 => format!("{year}"),
        _ => format!("{month:02}{day:02}{:02}", year % 100),
    }
}

fn random_string(rng: &mut StdRng) -> String {
    const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
    const ALNUM: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    const PRINTABLE: &str =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*()-_=+[]{};:,.<>/?~|";
    let alphabet: Vec<char> = match rng.random_range(0..3) {
        0 => format!("{LOWER}0123456789").chars().collect(),
        1 => ALNUM.chars().collect(),
        _ => PRINTABLE.chars().collect(),
    };
    let len = rng.random_range(6..=24);
    (0..len).filter_map(|_| alphabet.get(rng.random_range(0..alphabet.len())).copied()).collect()
}

fn mutate(base: &str, rng: &mut StdRng) -> String {
    let mut word = base.to_owned();
    if rng.random_bool(0.3) {
        word = leet(&word, rng);
    }
    match rng.random_range(0..4) {
        0 => word = capitalize(&word),
        1 => word = word.to_uppercase(),
        _ => {}
    }
    match rng.random_range(0..6) {
        0 => word.push_str(pick(rng, DIGITS)),
        1 => word.push_str(&date(rng)),
        2 => {
            word.push_str(pick(rng, DIGITS));
            word.push_str(pick(rng, SYMBOLS));
        }
        3 => {
            word.push_str(pick(rng, SYMBOLS));
            word.push_str(pick(rng, DIGITS));
        }
        4 => word = format!("{}{word}", pick(rng, SYMBOLS)),
        _ => word.push_str(pick(rng, SYMBOLS)),
    }
    word
}

fn passphrase(rng: &mut StdRng) -> String {
    let words = rng.random_range(2..=5);
    let separator = pick(rng, SEPARATORS);
    let camel = rng.random_bool(0.4);
    let mut phrase = String::new();
    for i in 0..words {
        let word = pick(rng, COMMON_WORDS);
        if i > 0 {
            phrase.push_str(separator);
        }
        phrase.push_str(&if camel { capitalize(word) } else { word.to_owned() });
    }
    if rng.random_bool(0.5) {
        phrase.push_str(pick(rng, DIGITS));
    }
    if rng.random_bool(0.3) {
        phrase.push_str(pick(rng, SYMBOLS));
    }
    phrase
}

/// `count` realistic passwords, at most 40 characters each, generated from
/// `seed`; the first ones are [`COMMON_WORDS`] and [`KEYBOARD_WALKS`] with
/// fixed mutations, the rest random mutations, walks, dates, passphrases
/// and random strings.
pub fn realistic(seed: u64, count: usize) -> Vec<String> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut corpus: Vec<String> = Vec::with_capacity(count);
    for word in COMMON_WORDS.iter().chain(KEYBOARD_WALKS) {
        corpus.push((*word).to_owned());
        corpus.push(format!("{}1!", capitalize(word)));
        corpus.push(format!("{}2024", capitalize(word)));
        corpus.push(leet(word, &mut rng));
    }
    corpus.truncate(count);
    while corpus.len() < count {
        let password = match rng.random_range(0..10) {
            0..=3 => mutate(pick(&mut rng, COMMON_WORDS), &mut rng),
            4 => mutate(pick(&mut rng, KEYBOARD_WALKS), &mut rng),
            5 => format!("{}{}", capitalize(pick(&mut rng, COMMON_WORDS)), date(&mut rng)),
            6 | 7 => passphrase(&mut rng),
            8 => random_string(&mut rng),
            _ => {
                let first = mutate(pick(&mut rng, COMMON_WORDS), &mut rng);
                format!("{first}{}", pick(&mut rng, COMMON_WORDS))
            }
        };
        if password.chars().count() <= 40 {
            corpus.push(password);
        }
    }
    corpus
}
