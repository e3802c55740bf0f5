//! Heading names: the one way atomdoc compares a heading with a section name, for queries
//! (`with section "S"`, `missing section "S"`, `has section "S"`) and checks (required
//! sections, reference-only sections, the Related Documents heading).
//!
//! A heading's name is its words: runs of letters and digits, compared ignoring case, so
//! emoji, punctuation and spacing do not count (`## ✅ Best-Practices:` is named "Best
//! Practices"). [`same`] says two texts name the same section; [`meets`] is the check's
//! looser rule for required sections (the requirement's words among the heading's, plurals
//! and word endings ignored). A heading named S always meets S. Pure, and allocation-free
//! where it runs per heading.

/// The words of a heading or section name, as written.
fn raw_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// The words of `text`, lower-cased.
pub fn words(text: &str) -> Vec<String> {
    raw_words(text).map(str::to_lowercase).collect()
}

/// Whether `a` and `b` name the same section: the same words, ignoring case.
pub fn same(a: &str, b: &str) -> bool {
    let mut a = raw_words(a);
    let mut b = raw_words(b);
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if same_word(x, y) => {}
            _ => return false,
        }
    }
}

fn same_word(x: &str, y: &str) -> bool {
    if x.is_ascii() && y.is_ascii() {
        return x.eq_ignore_ascii_case(y);
    }
    x.chars()
        .flat_map(char::to_lowercase)
        .eq(y.chars().flat_map(char::to_lowercase))
}

/// Whether a heading's text meets one alternative of a required section: the alternative's
/// words appear among the heading's, in order and next to each other, ignoring case and
/// plurals, each required word being the start of a heading word ("Config Examples" is met
/// by "Configuration Examples", "Rules" by "Guiding Rules").
pub fn meets(heading: &str, alternative: &str) -> bool {
    let hw = words(heading);
    let rw = words(alternative);
    if rw.is_empty() || rw.len() > hw.len() {
        return false;
    }
    let rw: Vec<String> = rw.iter().map(|w| stem(w)).collect();
    let hw: Vec<String> = hw.iter().map(|w| stem(w)).collect();
    hw.windows(rw.len())
        .any(|win| win.iter().zip(&rw).all(|(h, r)| h.starts_with(r.as_str())))
}

/// A crude singular: `policies` → `policy`, `rules` → `rule`; `process` and short words stay.
fn singular(word: &str) -> &str {
    if word.len() > 4 && word.ends_with("ies") {
        // Handled by the caller comparing prefixes: `dependenc` starts both forms.
        return &word[..word.len() - 3];
    }
    if word.len() > 3 && word.ends_with('s') && !word.ends_with("ss") {
        return &word[..word.len() - 1];
    }
    word
}

fn stem(word: &str) -> String {
    let s = singular(word);
    // `dependency` and `dependencies` share `dependenc`.
    s.strip_suffix('y')
        .filter(|p| p.len() > 3)
        .unwrap_or(s)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_by_words() {
        for h in [
            "Best Practices",
            "✅ Best Practices",
            "best practices:",
            "Best-Practices",
            "  BEST   PRACTICES ",
            "**Best** Practices!",
        ] {
            assert!(same(h, "Best Practices"), "{h}");
            assert!(meets(h, "Best Practices"), "{h}");
        }
        for h in [
            "Best Practice",
            "Practices",
            "Best Practices 2",
            "BestPractices",
        ] {
            assert!(!same(h, "Best Practices"), "{h}");
        }
        assert!(same("Über", "üBER"));
        assert!(!same("", "x"));
        assert!(same("✅", ""));
    }

    proptest::proptest! {
        /// A heading named S always meets S, whatever the spelling around the words.
        #[test]
        fn a_heading_named_s_meets_s(s in "[a-zA-Z ]{1,30}", deco in "[✅:#*! -]{0,3}") {
            let heading = format!("{deco}{}{deco}", s.to_uppercase());
            proptest::prop_assert!(same(&heading, &s));
            if !words(&s).is_empty() {
                proptest::prop_assert!(meets(&heading, &s));
            }
        }
    }
}
