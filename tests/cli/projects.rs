//! Projects: create, list, show, update, delete, and their rules.

use crate::util::Env;

#[test]
fn create_prints_the_id_and_json_has_the_spec_fields() {
    let env = Env::new();
    assert_eq!(env.ok(&["project", "create", "First"]).trim(), "1");
    let v = env.json(&[
        "project",
        "create",
        "Second",
        "--description",
        "the second one",
        "--use-case",
        "testing",
        "--environment",
        "production",
    ]);
    assert_eq!(v["id"], "2");
    assert_eq!(v["name"], "Second");
    assert_eq!(v["description"], "the second one");
    assert_eq!(v["use_case"], "testing");
    assert_eq!(v["environment"], "production");
    for t in ["created_at", "updated_at"] {
        let s = v[t].as_str().unwrap();
        assert!(s.ends_with('Z') && s.len() == 20, "{t}: {s}");
    }
    let list = env.json(&["project", "list"]);
    let names: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].clone())
        .collect();
    assert_eq!(names, ["First", "Second"]);
    let shown = env.json(&["project", "show", "Second"]);
    assert_eq!(shown["id"], "2");
    assert_eq!(shown["apps"], serde_json::json!([]));
    assert_eq!(env.json(&["project", "show", "1"])["name"], "First");
}

#[test]
fn names_are_unique_and_1_to_64_chars() {
    let env = Env::new();
    env.ok(&["project", "create", "Taken"]);
    let err = env.fails(&["project", "create", "Taken"], 4);
    assert!(err.contains("already exists"), "{err}");
    env.fails(&["project", "create", ""], 9);
    env.fails(&["project", "create", &"x".repeat(65)], 9);
    env.ok(&["project", "create", &"x".repeat(64)]);
    env.fails(&["project", "create", "2024"], 9);
    env.fails(&["project", "create", "bad", "--environment", "qa"], 2);
    env.ok(&["project", "create", "Other"]);
    env.fails(&["project", "update", "Other", "--name", "Taken"], 4);
}

#[test]
fn update_changes_fields_and_empty_clears() {
    let env = Env::new();
    env.ok(&["project", "create", "P", "--description", "desc"]);
    let v = env.json(&[
        "project",
        "update",
        "P",
        "--name",
        "Q",
        "--description",
        "",
        "--environment",
        "staging",
    ]);
    assert_eq!(v["name"], "Q");
    assert_eq!(v["description"], serde_json::Value::Null);
    assert_eq!(v["environment"], "staging");
    env.fails(&["project", "show", "P"], 3);
    env.fails(&["project", "update", "Q"], 2);
    env.fails(&["project", "update", "nope", "--name", "x"], 3);
    let log = env.json(&["log"]);
    assert_eq!(log[0]["action"], "project.update");
}

#[test]
fn delete_is_refused_while_it_holds_apps_unless_told_what_to_do() {
    let env = Env::new();
    env.ok(&["project", "create", "P"]);
    env.json(&["app", "create", "a1", "--project", "P"]);
    env.json(&["app", "create", "a2", "--project", "P"]);
    let before = env.store_bytes();
    let err = env.fails(&["project", "delete", "P", "--yes"], 4);
    assert!(
        err.contains("--with-apps") && err.contains("--detach-apps"),
        "{err}"
    );
    let err = env.fails(&["project", "delete", "P", "--detach-apps"], 8);
    assert!(err.contains("--yes"), "{err}");
    assert_eq!(env.store_bytes(), before);
    env.fails(
        &[
            "project",
            "delete",
            "P",
            "--with-apps",
            "--detach-apps",
            "--yes",
        ],
        2,
    );

    env.ok(&["project", "delete", "P", "--detach-apps", "--yes"]);
    let standalone = env.json(&["app", "list", "--standalone"]);
    assert_eq!(standalone.as_array().unwrap().len(), 2);
    assert_eq!(standalone[0]["project_id"], serde_json::Value::Null);

    env.ok(&["project", "create", "R"]);
    env.ok(&["app", "move", "a1", "--project", "R"]);
    env.ok(&["project", "delete", "R", "--with-apps", "--yes"]);
    env.fails(&["app", "show", "a1"], 3);
    env.ok(&["app", "show", "a2"]);
    env.ok(&["project", "create", "S"]);
    // IDs are never reused.
    assert_eq!(env.json(&["project", "show", "S"])["id"], "3");
}
