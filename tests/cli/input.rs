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

#[test]
fn invisible_and_direction_changing_characters_are_refused_in_every_text_field() {
    let env = Env::new();
    env.ok(&["project", "create", "P"]);
    env.app("A");
    let apps = env.json(&["app", "list"]);
    let projects = env.json(&["project", "list"]);
    let before = env.store_bytes();
    // (character, how the error names it)
    let hidden = [
        ("\u{202e}", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("\u{2067}", "U+2067 (RIGHT-TO-LEFT ISOLATE)"),
        ("\u{200b}", "U+200B (ZERO WIDTH SPACE)"),
        ("\u{200d}", "U+200D (ZERO WIDTH JOINER)"),
        ("\u{feff}", "U+FEFF (ZERO WIDTH NO-BREAK SPACE)"),
        ("\u{ad}", "U+00AD (SOFT HYPHEN)"),
        ("\u{2029}", "U+2029 (PARAGRAPH SEPARATOR)"),
    ];
    let fields: [(&[&str], &str, &str); 13] = [
        (&["app", "create"], "", "app name"),
        (&["app", "update", "A", "--name"], "", "app name"),
        (&["app", "update", "A", "--description"], "", "description"),
        (&["app", "update", "A", "--use-case"], "", "use case"),
        (
            &["app", "update", "A", "--organization-name"],
            "",
            "organization name",
        ),
        (
            &["app", "update", "A", "--website-url"],
            "https://e.com/",
            "website URL",
        ),
        (
            &["app", "update", "A", "--callback-url"],
            "https://e.com/",
            "callback URL",
        ),
        (
            &["app", "update", "A", "--privacy-url"],
            "https://e.com/",
            "privacy policy URL",
        ),
        (&["app", "suspend", "A", "--reason"], "", "reason"),
        (&["project", "create"], "", "project name"),
        (
            &["project", "update", "P", "--description"],
            "",
            "description",
        ),
        (&["app", "show"], "", "app name or ID"),
        (&["init", "--owner"], "", "owner handle"),
    ];
    for (c, named) in hidden {
        for (args, prefix, field) in fields {
            let value = format!("{prefix}demo{c}app name");
            let mut argv = args.to_vec();
            argv.push(&value);
            let err = env.fails(&argv, 9);
            assert!(
                err.starts_with(&format!(
                    "error: the {field} contains {named}, an invisible or direction-changing character\n"
                )),
                "{argv:?}: {err}"
            );
            assert!(
                err.ends_with("hint: retype the value without it\n"),
                "{err}"
            );
        }
    }
    // A control character is named as one.
    let err = env.fails(
        &["app", "update", "A", "--description", "line one\u{85}two"],
        9,
    );
    assert!(
        err.starts_with(
            "error: the description contains U+0085 (NEXT LINE), a control character\n"
        ),
        "{err}"
    );
    assert_eq!(env.store_bytes(), before);
    assert_eq!(env.json(&["app", "list"]), apps);
    assert_eq!(env.json(&["project", "list"]), projects);
}

#[test]
fn visible_text_of_any_script_still_passes() {
    let env = Env::new();
    for name in ["café", "日本のアプリ", "🚀 rocket", "שלום", "Ünïcödé ✓"] {
        env.app(name);
        assert_eq!(env.json(&["app", "show", name])["name"], name);
    }
    env.ok(&[
        "app",
        "update",
        "café",
        "--description",
        "Une crème brûlée, 日本語, emoji 👍🏽 ❤️",
        "--organization-name",
        "Müller & Søn",
        "--website-url",
        "https://bücher.example/über",
    ]);
    let v = env.json(&["app", "show", "café"]);
    assert_eq!(v["description"], "Une crème brûlée, 日本語, emoji 👍🏽 ❤️");
    assert_eq!(v["organization_name"], "Müller & Søn");
    env.ok(&["project", "create", "Проект"]);
}

#[test]
fn malformed_urls_are_refused_and_leave_the_store_as_it_was() {
    let env = Env::new();
    env.app("A");
    let apps = env.json(&["app", "list"]);
    let before = env.store_bytes();
    for (url, said) in [
        ("http:example.com", "has no // after \"http:\""),
        ("http:/example.com/cb", "has no // after \"http:\""),
        ("https:///cb", "has an empty host"),
        ("https://example.com/%zz", "which is not a percent-escape"),
        ("https://example.com/50%", "which is not a percent-escape"),
        (
            "https://user:pw@example.com/cb",
            "carries a user name or password",
        ),
        ("https://example.com:0/cb", "has port 0"),
    ] {
        let err = env.fails(&["app", "create", "B", "--callback-url", url], 9);
        assert!(err.starts_with("error: the callback URL "), "{err}");
        assert!(err.contains(said), "{url}: {err}");
        assert!(err.lines().nth(1).unwrap().starts_with("hint: "), "{err}");
        for flag in [
            "--website-url",
            "--terms-url",
            "--privacy-url",
            "--organization-url",
        ] {
            let err = env.fails(&["app", "update", "A", flag, url], 9);
            assert!(err.contains(said), "{flag} {url}: {err}");
        }
    }
    // The suggested fix is the URL the user meant.
    let err = env.fails(
        &["app", "update", "A", "--website-url", "https:example.com/x"],
        9,
    );
    assert!(
        err.ends_with("hint: write it as https://example.com/x\n"),
        "{err}"
    );
    let err = env.fails(
        &[
            "app",
            "create",
            "B",
            "--callback-url",
            "https://u:s3cret@e.com/cb",
        ],
        9,
    );
    assert!(!err.contains("s3cret"), "{err}");
    assert_eq!(env.store_bytes(), before);
    assert_eq!(env.json(&["app", "list"]), apps);

    // Custom schemes with a host, and well-formed escapes and ports, pass as typed.
    let urls = [
        "myapp://callback/path",
        "https://example.com/a%20b",
        "http://127.0.0.1:8080/cb",
    ];
    let mut args = vec!["app", "create", "B"];
    for u in &urls {
        args.extend(["--callback-url", u]);
    }
    env.ok(&args);
    assert_eq!(
        env.json(&["app", "show", "B"])["callback_urls"],
        serde_json::json!(urls)
    );
}
