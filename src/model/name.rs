//! Names that policies compare, such as suppliers: written by many organisations, and
//! compared by `exclude-suppliers`, so two ways of writing the same name must compare
//! equal, and a name that only looks like another must not pass for it.
//!
//! A name is normalised to NFKC (a no-break space becomes a space, full-width letters
//! plain ones) with every run of white space made one space; names are compared in that
//! form, ignoring case. A name that mixes scripts (`Suppliеr`, with a Cyrillic `е`) is
//! refused by validation: Unicode TS #39's test, allowing Latin beside Han, Japanese or
//! Korean, as names in those languages are written.

use unicode_normalization::UnicodeNormalization;
use unicode_script::{Script, UnicodeScript};
use unicode_security::mixed_script::AugmentedScriptSet;

/// `name` in NFKC, with white space collapsed to single spaces and trimmed.
pub fn normalise(name: &str) -> String {
    // ASCII is its own NFKC form (most names are ASCII).
    if name.is_ascii() {
        return name.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    let nfkc: String = name.nfkc().collect();
    nfkc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether two names are the same name: equal once normalised, ignoring case.
pub fn same(a: &str, b: &str) -> bool {
    normalise(a).to_lowercase() == normalise(b).to_lowercase()
}

/// The scripts `name` mixes (by their English names, in order of first use), when it
/// mixes scripts in a way no single writing system does; `None` for a name in one script
/// (Latin beside Han, Japanese or Korean counts as one, as TS #39's "highly
/// restrictive" level allows).
pub fn mixed_scripts(name: &str) -> Option<Vec<&'static str>> {
    // ASCII is Latin and Common only: one script.
    if name.is_ascii() || !AugmentedScriptSet::for_str(name).is_empty() {
        return None;
    }
    let mut without_latin = AugmentedScriptSet::default();
    for c in name.chars() {
        let set = AugmentedScriptSet::for_char(c);
        if !set.base.contains_script(Script::Latin) {
            without_latin.intersect_with(set);
        }
    }
    if without_latin.hanb || without_latin.jpan || without_latin.kore {
        return None;
    }
    let mut scripts: Vec<&'static str> = Vec::new();
    for c in name.chars() {
        let script = c.script();
        if matches!(script, Script::Common | Script::Inherited | Script::Unknown) {
            continue;
        }
        let named = script.full_name();
        if !scripts.contains(&named) {
            scripts.push(named);
        }
    }
    Some(scripts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_spaces_and_compatibility_forms() {
        assert_eq!(normalise("Supplier\u{a0}alpha"), "Supplier alpha");
        assert_eq!(normalise("  Supplier   alpha\t"), "Supplier alpha");
        assert_eq!(normalise("Ｓupplier alpha"), "Supplier alpha");
        assert!(same("SUPPLIER\u{2003}ALPHA", "supplier alpha"));
        assert!(!same("Supplier alpha", "Supplier alpha Ltd"));
    }

    proptest::proptest! {
        /// The ASCII shortcuts give what the full rules give.
        #[test]
        fn ascii_names_take_the_shortcut_to_the_same_answer(name in "[ -~\t\n]{0,40}") {
            let nfkc: String = name.nfkc().collect();
            let full = nfkc.split_whitespace().collect::<Vec<_>>().join(" ");
            proptest::prop_assert_eq!(normalise(&name), full);
            proptest::prop_assert!(!AugmentedScriptSet::for_str(&name).is_empty());
            proptest::prop_assert_eq!(mixed_scripts(&name), None);
        }
    }

    #[test]
    fn refuses_names_that_mix_scripts() {
        assert_eq!(
            mixed_scripts("Suppli\u{435}r alpha"),
            Some(vec!["Latin", "Cyrillic"])
        );
        assert_eq!(
            mixed_scripts("\u{430}\u{4cf}\u{440}\u{4bb}\u{430} Digital"),
            Some(vec!["Cyrillic", "Latin"])
        );
        for fine in [
            "Supplier alpha Ltd",
            "Société Générale & Cie (UK) 2.0",
            "Москва Цифра",
            "Ελληνική Ψηφιακή",
            "株式会社ABC",
            "삼성 SDS",
            "",
        ] {
            assert_eq!(mixed_scripts(fine), None, "{fine}");
        }
    }
}
