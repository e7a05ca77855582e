//! The "Not your name or username" rule: a password must not contain the
//! user's own details, whatever zxcvbn makes of them.
//!
//! zxcvbn takes the user inputs as a dictionary, but charges little for them
//! once they are joined with a year and a symbol (`NellNew2026!` rates
//! "Good" for Nell New). The rule refuses them outright, case-insensitively
//! and also behind common l33t substitutions (`N3ll`, `S@m`).

use super::estimator::L33T_TABLE;

/// Details shorter than this are too common to forbid ("Sam", "Web", "New").
pub(crate) const MIN_DETAIL_CHARS: usize = 4;

/// Characters that join the parts of a username ("nell.new", "sam_web").
fn is_separator(c: char) -> bool {
    !c.is_alphanumeric()
}

/// The details a password must not contain, lower-cased, from the user
/// inputs [`crate::user::User::strength_inputs`] gives: for an email address
/// its local part (the domain is the company's, not the user's), with and
/// without its separators, and its parts; for a name the whole name, without
/// spaces, and its words. Only those of [`MIN_DETAIL_CHARS`] or more.
pub(crate) fn forbidden_details(user_inputs: &[&str]) -> Vec<Vec<char>> {
    let mut details: Vec<Vec<char>> = Vec::new();
    for input in user_inputs {
        let input = input.to_lowercase();
        let personal = input.split_once('@').map_or(input.as_str(), |(local, _)| local);
        let joined: String = personal.chars().filter(|&c| !is_separator(c)).collect();
        let candidates = [personal.trim(), joined.as_str()].into_iter().chain(personal.split(is_separator));
        for candidate in candidates {
            let chars: Vec<char> = candidate.chars().collect();
            if chars.len() >= MIN_DETAIL_CHARS && !details.contains(&chars) {
                details.push(chars);
            }
        }
    }
    details
}

/// Whether the password character `typed` (lower-cased) can stand for the
/// detail's character `wanted`: the same character, or one of zxcvbn's l33t
/// substitutions for it (`@` for `a`, `3` for `e`, `1` for `i` or `l`, …).
fn stands_for(typed: char, wanted: char) -> bool {
    typed == wanted || L33T_TABLE.iter().any(|(letter, subs)| *letter == wanted && subs.contains(&typed))
}

/// Whether `password` contains one of `details` (from [`forbidden_details`]),
/// ignoring case and common l33t substitutions.
pub(crate) fn contains_detail(password: &str, details: &[Vec<char>]) -> bool {
    if details.is_empty() {
        return false;
    }
    let typed: Vec<char> = password.to_lowercase().chars().collect();
    details.iter().any(|detail| {
        typed.windows(detail.len()).any(|window| window.iter().zip(detail).all(|(&t, &w)| stands_for(t, w)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NELL: [&str; 5] = ["nell.new@inzant.example", "nell.new", "nell", "Nell New", "Nell"];

    fn details(inputs: &[&str]) -> Vec<String> {
        forbidden_details(inputs).into_iter().map(|d| d.into_iter().collect()).collect()
    }

    #[test]
    fn details_are_the_local_part_its_parts_and_name_words_of_four_or_more() {
        assert_eq!(details(&NELL), ["nell.new", "nellnew", "nell", "nell new"]);
        assert_eq!(
            details(&["sam.web@inzant.example", "sam.web", "Sam Web"]),
            ["sam.web", "samweb", "sam web"]
        );
    }

    #[test]
    fn the_company_domain_is_not_a_user_detail() {
        let details = forbidden_details(&["nell.new@inzant.example"]);
        assert!(!contains_detail("Inzant-Example-Harbour-42", &details));
    }

    #[test]
    fn details_are_found_in_any_case_and_behind_l33t() {
        let details = forbidden_details(&NELL);
        for password in ["NellNew2026!", "xNELLx", "N3ll-Harbour-42", "n3|| harbour", "Sunny-NeLL-7"] {
            assert!(contains_detail(password, &details), "{password}");
        }
        for password in ["Nel-Harbour-42", "Velvet-Harbour-42", ""] {
            assert!(!contains_detail(password, &details), "{password}");
        }
    }

    #[test]
    fn short_details_are_not_forbidden() {
        let details = forbidden_details(&["sam.web@inzant.example", "Sam Web"]);
        assert!(!contains_detail("Sam!Harbour-42", &details));
        assert!(contains_detail("SamWeb!Harbour-42", &details));
    }
}
