//! What a user types wrong: unknown names with a "did you mean", invisible
//! or direction-changing characters in text, malformed URLs. Each is refused
//! with a one-line error and a hint, and leaves the store as it was.

use crate::util::Env;

/// The error line and the hint line of a failure.
fn error_and_hint(stderr: &str) -> (&str, &str) {
    let mut lines = stderr.lines();
    (lines.next().unwrap(), lines.next().unwrap_or(""))
}

#[test]
fn an_unknown_app_name_suggests_the_one_meant() {
    let env = Env::new();
    let id = env.app("demo-app");
    env.app("billing");
    let before = env.store_bytes();
    for (typed, why) in [
        ("Demo-App", "case"),
        ("demo-ap", "one typo"),
        ("dmeo-app", "swap"),
    ] {
        let err = env.fails(&["app", "show", typed], 3);
        assert_eq!(
            error_and_hint(&err),
            (
                format!("error: no app named {typed:?}").as_str(),
                format!(
                    "hint: did you mean \"demo-app\" (ID {id})? list apps with `appctl app list`"
                )
                .as_str()
            ),
            "{why}"
        );
    }
    // Every command that takes an app guesses the same way.
    let err = env.fails(&["keys", "list", "biling"], 3);
    assert!(err.contains("did you mean \"billing\""), "{err}");
    let err = env.fails(&["--yes", "app", "delete", "DEMO-APP"], 3);
    assert!(err.contains("did you mean \"demo-app\""), "{err}");
    // Nothing near: the hint falls back to the list command.
    let err = env.fails(&["app", "show", "payments"], 3);
    assert_eq!(
        error_and_hint(&err),
        (
            "error: no app named \"payments\"",
            "hint: list apps with `appctl app list`"
        )
    );
    // A number is an ID, never a misspelt name.
    let err = env.fails(&["app", "show", "999"], 3);
    assert_eq!(
        error_and_hint(&err),
        (
            "error: no app with ID 999",
            "hint: list apps with `appctl app list`"
        )
    );
    assert_eq!(env.store_bytes(), before);
}

#[test]
fn an_unknown_project_name_suggests_the_one_meant() {
    let env = Env::new();
    let v = env.json(&["project", "create", "Mobile Client"]);
    let id = v["id"].as_str().unwrap().to_string();
    env.ok(&["project", "create", "backend"]);
    for typed in ["mobile client", "Mobile Cleint", "Mobil Client"] {
        let err = env.fails(&["project", "show", typed], 3);
        assert_eq!(
            error_and_hint(&err),
            (
                format!("error: no project named {typed:?}").as_str(),
                format!(
                    "hint: did you mean \"Mobile Client\" (ID {id})? \
                     list projects with `appctl project list`"
                )
                .as_str()
            )
        );
    }
    let err = env.fails(&["app", "create", "x", "--project", "Backend"], 3);
    assert!(err.contains("did you mean \"backend\""), "{err}");
    let err = env.fails(&["project", "show", "frontend-web"], 3);
    assert_eq!(
        error_and_hint(&err).1,
        "hint: list projects with `appctl project list`"
    );
    let err = env.fails(&["project", "show", "12"], 3);
    assert!(err.starts_with("error: no project with ID 12\n"), "{err}");
    assert!(env.json(&["app", "list"]).as_array().unwrap().is_empty());
}
