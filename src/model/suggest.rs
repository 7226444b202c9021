//! "Did you mean": the known name a user most likely meant when the one
//! typed names no app or project.

use crate::error::Error;

/// The largest edit distance at which a name still counts as a typo of one
/// `n` characters long: short names are near too many others to guess.
fn max_distance(n: usize) -> usize {
    match n {
        0..=2 => 0,
        3..=5 => 1,
        _ => 2,
    }
}

/// The entry of `known` (ID, name) that `typed` most likely meant: a name
/// that differs only in case, else the nearest by Damerau–Levenshtein
/// distance (case ignored) of at most 2, or 1 for names of three to five
/// characters and 0 for shorter ones. Ties go to the lowest ID, so the
/// answer does not depend on the order of `known`.
pub fn closest<'a>(typed: &str, known: &'a [(i64, String)]) -> Option<&'a (i64, String)> {
    let typed = typed.to_lowercase();
    let n = typed.chars().count();
    let max = max_distance(n);
    let mut best: Option<(usize, &(i64, String))> = None;
    for entry in known {
        let name = entry.1.to_lowercase();
        // The distance is at least the difference in length: most names
        // are ruled out without computing it.
        if name.chars().count().abs_diff(n) > max {
            continue;
        }
        let d = strsim::damerau_levenshtein(&typed, &name);
        if d <= max && best.is_none_or(|(bd, b)| (d, entry.0) < (bd, b.0)) {
            best = Some((d, entry));
        }
    }
    best.map(|(_, e)| e)
}

/// The error for a `noun` ("app", "project") named `typed` that does not
/// exist, with a hint naming the closest of `known` if any, and how to list
/// them all (`list`).
pub fn unknown_name(noun: &str, typed: &str, known: &[(i64, String)], list: &str) -> Error {
    let e = Error::not_found(format!("no {noun} named {typed:?}"));
    match closest(typed, known) {
        Some((id, name)) => e.with_hint(format!(
            "did you mean {name:?} (ID {id})? list {noun}s with `{list}`"
        )),
        None => e.with_hint(format!("list {noun}s with `{list}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(names: &[&str]) -> Vec<(i64, String)> {
        names
            .iter()
            .enumerate()
            .map(|(i, n)| (i as i64 + 1, n.to_string()))
            .collect()
    }

    fn guess(typed: &str, names: &[&str]) -> Option<String> {
        closest(typed, &known(names)).map(|(_, n)| n.clone())
    }

    #[test]
    fn case_typos_and_transpositions_find_their_name() {
        let names = ["demo-app", "billing", "Mobile Client", "ab"];
        for (typed, want) in [
            ("DEMO-APP", "demo-app"),
            ("demo-ap", "demo-app"),
            ("demo-appp", "demo-app"),
            ("dmeo-app", "demo-app"),
            ("demo_app", "demo-app"),
            ("dem-ap", "demo-app"),
            ("biling", "billing"),
            ("mobile client", "Mobile Client"),
            ("AB", "ab"),
        ] {
            assert_eq!(guess(typed, &names).as_deref(), Some(want), "{typed}");
        }
    }

    #[test]
    fn far_or_short_names_get_no_guess() {
        let names = ["demo-app", "billing", "ab", "xyz"];
        for typed in ["d-a", "payments", "de-ap", "ac", "a", "", "xy", "wxyz0"] {
            assert_eq!(guess(typed, &names), None, "{typed}");
        }
        // One edit is close enough for a name of three to five characters.
        assert_eq!(guess("xyy", &names).as_deref(), Some("xyz"));
        assert_eq!(guess("bil", &["bill", "billing"]).as_deref(), Some("bill"));
    }

    #[test]
    fn a_case_match_beats_a_typo_and_ties_go_to_the_lowest_id() {
        // "Demo" differs only in case; "demo1" is one edit away.
        assert_eq!(guess("demo", &["demo1", "Demo"]).as_deref(), Some("Demo"));
        let mut k = known(&["demo-b", "demo-a"]);
        k.reverse();
        assert_eq!(closest("demo-c", &k).unwrap().0, 1);
    }

    #[test]
    fn the_error_names_what_was_typed_and_the_candidate_with_its_id() {
        let k = vec![(1234567, "demo-app".to_string())];
        let e = unknown_name("app", "demo-ap", &k, "appctl app list");
        assert_eq!(e.exit_code(), 3);
        assert_eq!(e.message(), "no app named \"demo-ap\"");
        assert_eq!(
            e.hint(),
            Some("did you mean \"demo-app\" (ID 1234567)? list apps with `appctl app list`")
        );
        let e = unknown_name("project", "zzz", &k, "appctl project list");
        assert_eq!(e.hint(), Some("list projects with `appctl project list`"));
    }
}
