//! Realistic corpora of passwords people type, for the agreement tests and
//! the strength benchmark:
//!
//! - [`realistic`]: common passwords and their usual mutations (capitals,
//!   digits and symbols appended, leetspeak, dates), keyboard walks,
//!   passphrases and random strings, all at most 40 characters;
//! - [`long`]: 41 to 128 characters, the inputs the windowed path rates:
//!   passphrases, repeated passwords, repeated keyboard walks, concatenated
//!   l33t words and random strings ([`LongFamily`]).
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

/// The kinds of long password [`long`] generates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LongFamily {
    /// Four to twelve common words joined by one separator, in one of
    /// several case styles, sometimes with digits and a symbol.
    Passphrase,
    /// A short password (a word or name with digits and a symbol, a mutated
    /// common password, a short random string) three to twelve times,
    /// sometimes with a separator between copies, copies re-cased, or a
    /// digit or symbol at the end.
    RepeatedBase,
    /// A keyboard walk, often with a symbol or digit, repeated.
    RepeatedWalk,
    /// Common words in leetspeak, concatenated with digits and symbols.
    L33tWords,
    /// Random strings over lower-case and digits, alphanumerics, or all
    /// printable ASCII.
    Random,
}

impl LongFamily {
    /// Every family, in the order reports list them.
    pub const ALL: [LongFamily; 5] =
        [Self::Passphrase, Self::RepeatedBase, Self::RepeatedWalk, Self::L33tWords, Self::Random];

    /// A short name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Self::Passphrase => "passphrase",
            Self::RepeatedBase => "repeated base",
            Self::RepeatedWalk => "repeated walk",
            Self::L33tWords => "l33t words",
            Self::Random => "random",
        }
    }
}

/// Shortest and longest password of [`long`].
const LONG_CHARS: std::ops::RangeInclusive<usize> = 41..=128;

/// How the copies of a repeated base are cased.
fn recase(word: &str, style: u32, index: usize) -> String {
    match style {
        0 => word.to_owned(),
        1 => word.to_uppercase(),
        2 => word.to_lowercase(),
        3 => capitalize(&word.to_lowercase()),
        // Alternating between copies.
        _ if index.is_multiple_of(2) => word.to_owned(),
        _ => word.to_uppercase(),
    }
}

fn long_passphrase(rng: &mut StdRng) -> String {
    let words = rng.random_range(4..=12);
    let separator = pick(rng, SEPARATORS);
    let style = rng.random_range(0..5u32);
    let mut phrase = String::new();
    for i in 0..words {
        if i > 0 {
            phrase.push_str(separator);
        }
        let word = pick(rng, COMMON_WORDS);
        let word = match style {
            4 if rng.random_bool(0.5) => word.to_uppercase(),
            4 => word.to_owned(),
            _ => recase(&capitalize(word), style, i),
        };
        phrase.push_str(&word);
    }
    if rng.random_bool(0.5) {
        phrase.push_str(pick(rng, DIGITS));
    }
    if rng.random_bool(0.4) {
        phrase.push_str(pick(rng, SYMBOLS));
    }
    phrase
}

/// A short base password, as people build them.
fn short_base(rng: &mut StdRng) -> String {
    match rng.random_range(0..4) {
        // A name or word, two digits and a symbol: "Michael24$".
        0 => format!(
            "{}{:02}{}",
            capitalize(pick(rng, COMMON_WORDS)),
            rng.random_range(0..100),
            pick(rng, SYMBOLS)
        ),
        1 => mutate(pick(rng, COMMON_WORDS), rng),
        2 => {
            let mut word = random_string(rng);
            word.truncate(rng.random_range(4..=10));
            word
        }
        _ => format!("{}{}", capitalize(pick(rng, COMMON_WORDS)), date(rng)),
    }
}

fn repeated(rng: &mut StdRng, base: &str) -> String {
    let copies = rng.random_range(3..=12);
    let separator = if rng.random_bool(0.3) { pick(rng, SEPARATORS) } else { "" };
    let style = if rng.random_bool(0.3) { rng.random_range(1..5u32) } else { 0 };
    let mut text = String::new();
    for i in 0..copies {
        if i > 0 {
            text.push_str(separator);
        }
        text.push_str(&recase(base, style, i));
    }
    match rng.random_range(0..4) {
        0 => text.push_str(pick(rng, DIGITS)),
        1 => text.push_str(pick(rng, SYMBOLS)),
        _ => {}
    }
    text
}

fn repeated_walk(rng: &mut StdRng) -> String {
    let mut base = pick(rng, KEYBOARD_WALKS).to_owned();
    if rng.random_bool(0.3) {
        base = capitalize(&base);
    }
    match rng.random_range(0..3) {
        0 => base.push_str(pick(rng, SYMBOLS)),
        1 => base.push_str(pick(rng, DIGITS)),
        _ => {}
    }
    repeated(rng, &base)
}

fn l33t_words(rng: &mut StdRng) -> String {
    let target = rng.random_range(LONG_CHARS);
    let mut text = String::new();
    while text.chars().count() < target {
        let mut word = leet(pick(rng, COMMON_WORDS), rng);
        if rng.random_bool(0.5) {
            word = capitalize(&word);
        }
        text.push_str(&word);
        match rng.random_range(0..3) {
            0 => text.push_str(pick(rng, DIGITS)),
            1 => text.push_str(pick(rng, SYMBOLS)),
            _ => {}
        }
    }
    text
}

fn long_random(rng: &mut StdRng) -> String {
    const ALPHABETS: [&str; 3] = [
        "abcdefghijklmnopqrstuvwxyz0123456789",
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*()-_=+[]{};:,.<>/?~|",
    ];
    let alphabet: Vec<char> = pick(rng, &ALPHABETS).chars().collect();
    let len = rng.random_range(LONG_CHARS);
    (0..len).filter_map(|_| alphabet.get(rng.random_range(0..alphabet.len())).copied()).collect()
}

/// `count` long passwords (41 to 128 characters) generated from `seed`, an
/// equal share of each [`LongFamily`] in turn, each with its family.
pub fn long(seed: u64, count: usize) -> Vec<(LongFamily, String)> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut corpus = Vec::with_capacity(count);
    let mut families = LongFamily::ALL.iter().copied().cycle();
    let mut family = LongFamily::Passphrase;
    let mut retry = false;
    while corpus.len() < count {
        if !retry {
            family = families.next().unwrap_or(LongFamily::Random);
        }
        let password = match family {
            LongFamily::Passphrase => long_passphrase(&mut rng),
            LongFamily::RepeatedBase => {
                let base = short_base(&mut rng);
                repeated(&mut rng, &base)
            }
            LongFamily::RepeatedWalk => repeated_walk(&mut rng),
            LongFamily::L33tWords => l33t_words(&mut rng),
            LongFamily::Random => long_random(&mut rng),
        };
        retry = !LONG_CHARS.contains(&password.chars().count());
        if !retry {
            corpus.push((family, password));
        }
    }
    corpus
}
