//! Pseudo-languages: the English words transformed so that a page or an
//! email shows at a glance what did not come from the catalogues, and how
//! layouts take longer or right-to-left text.

use std::borrow::Cow;

/// `[Ŝàààvéé …]`: accented, vowels doubled (about 40 % longer), bracketed.
pub(crate) fn accented(text: &str) -> Cow<'_, str> {
    if text.trim().is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() * 2 + 2);
    out.push('[');
    for c in text.chars() {
        let accented = match c {
            'a' => 'á',
            'b' => 'ƀ',
            'c' => 'ç',
            'd' => 'ð',
            'e' => 'é',
            'f' => 'ƒ',
            'g' => 'ĝ',
            'h' => 'ĥ',
            'i' => 'î',
            'j' => 'ĵ',
            'k' => 'ķ',
            'l' => 'ļ',
            'm' => 'ɱ',
            'n' => 'ñ',
            'o' => 'ö',
            'p' => 'þ',
            'q' => 'ǫ',
            'r' => 'ŕ',
            's' => 'š',
            't' => 'ţ',
            'u' => 'û',
            'v' => 'ṽ',
            'w' => 'ŵ',
            'x' => 'ẋ',
            'y' => 'ý',
            'z' => 'ž',
            'A' => 'Å',
            'B' => 'Ɓ',
            'C' => 'Ç',
            'D' => 'Ð',
            'E' => 'É',
            'F' => 'Ƒ',
            'G' => 'Ĝ',
            'H' => 'Ĥ',
            'I' => 'Î',
            'J' => 'Ĵ',
            'K' => 'Ķ',
            'L' => 'Ļ',
            'M' => 'Ṁ',
            'N' => 'Ñ',
            'O' => 'Ö',
            'P' => 'Þ',
            'Q' => 'Ǫ',
            'R' => 'Ŕ',
            'S' => 'Š',
            'T' => 'Ţ',
            'U' => 'Û',
            'V' => 'Ṽ',
            'W' => 'Ŵ',
            'X' => 'Ẋ',
            'Y' => 'Ý',
            'Z' => 'Ž',
            other => other,
        };
        out.push(accented);
        if matches!(c, 'a' | 'e' | 'o' | 'u' | 'A' | 'E' | 'O' | 'U') {
            out.push(accented);
        }
    }
    out.push(']');
    Cow::Owned(out)
}

/// Letters turned upside down, as a right-to-left language reads.
pub(crate) fn mirrored(text: &str) -> Cow<'_, str> {
    if text.trim().is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out: String = text
        .chars()
        .map(|c| match c {
            'a' => 'ɐ',
            'b' => 'ᑫ',
            'c' => 'ɔ',
            'd' => 'ᑯ',
            'e' => 'ǝ',
            'f' => 'ɟ',
            'g' => 'ƃ',
            'h' => 'ɥ',
            'i' => 'ı',
            'j' => 'ɾ',
            'k' => 'ʞ',
            'l' => 'ʅ',
            'm' => 'ɯ',
            'n' => 'ᴎ',
            'o' => 'ø',
            'p' => 'ᑲ',
            'q' => 'ᑴ',
            'r' => 'ɹ',
            's' => 'ꙅ',
            't' => 'ʇ',
            'u' => 'ᴜ',
            'v' => 'ʌ',
            'w' => 'ʍ',
            'x' => 'ẍ',
            'y' => 'ʎ',
            'z' => 'ƶ',
            'A' => '∀',
            'C' => 'Ɔ',
            'E' => 'Ǝ',
            'F' => 'Ⅎ',
            'G' => '⅁',
            'J' => 'ſ',
            'L' => '⅂',
            'M' => 'W',
            'N' => 'И',
            'P' => 'Ԁ',
            'R' => 'ᴚ',
            'T' => '⊥',
            'U' => '∩',
            'V' => 'Λ',
            'W' => 'M',
            'Y' => '⅄',
            'B' => 'ꓭ',
            'D' => 'ꓷ',
            'K' => 'ꓘ',
            'S' => 'Ƨ',
            'Z' => 'Ƹ',
            other => other,
        })
        .collect();
    out.insert(0, '\u{200F}');
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accented_text_is_marked_longer_and_keeps_no_plain_letters() {
        let text = accented("Save New Password");
        assert!(text.starts_with('[') && text.ends_with(']'), "{text}");
        assert!(!text.chars().any(|c| c.is_ascii_alphabetic()), "{text}");
        assert!(text.chars().count() as f64 >= "Save New Password".len() as f64 * 1.2, "{text}");
    }

    #[test]
    fn mirrored_text_keeps_no_plain_lower_case_letters() {
        let text = mirrored("code attempts left");
        assert!(!text.chars().any(|c| c.is_ascii_lowercase()), "{text}");
        assert_eq!(accented("  "), "  ");
    }
}
