//! Apps: details, validation rules, move, suspend, delete, dashboard, log.

use crate::util::{Env, contains};
use serde_json::{Value, json};

#[test]
fn create_in_a_project_with_details_and_show_them() {
    let env = Env::new();
    env.ok(&["project", "create", "P"]);
    let v = env.json(&[
        "app",
        "create",
        "Demo",
        "--project",
        "P",
        "--description",
        "A demo application",
        "--website-url",
        "https://demo.example.com",
        "--callback-url",
        "https://demo.example.com/cb/",
        "--callback-url",
        "demo://callback/path",
        "--terms-url",
        "https://demo.example.com/tos",
        "--privacy-url",
        "https://demo.example.com/privacy",
        "--organization-name",
        "Demo Org",
        "--organization-url",
        "https://org.example.com",
        "--use-case",
        "testing things",
        "--three-legged-oauth",
        "on",
        "--request-email",
        "on",
        "--permissions",
        "read-write-dm",
    ]);
    assert_eq!(v["id"], "1");
    assert_eq!(v["project_id"], "1");
    let shown = env.json(&["app", "show", "Demo"]);
    for (k, want) in [
        ("name", json!("Demo")),
        ("status", json!("active")),
        ("permissions", json!("read-write-dm")),
        ("three_legged_oauth", json!(true)),
        ("request_email", json!(true)),
        (
            "callback_urls",
            json!(["https://demo.example.com/cb/", "demo://callback/path"]),
        ),
        ("description", json!("A demo application")),
        ("website_url", json!("https://demo.example.com")),
        ("terms_url", json!("https://demo.example.com/tos")),
        ("privacy_url", json!("https://demo.example.com/privacy")),
        ("organization_name", json!("Demo Org")),
        ("organization_url", json!("https://org.example.com")),
        ("use_case", json!("testing things")),
    ] {
        assert_eq!(shown[k], want, "{k}");
    }
    let kinds: Vec<_> = shown["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].clone())
        .collect();
    assert_eq!(kinds, ["consumer", "bearer"]);
    assert!(shown.get("secrets").is_none());
    let table = env.ok(&["app", "show", "1"]);
    assert!(
        table.contains("demo://callback/path") && table.contains("read-write-dm"),
        "{table}"
    );
}

#[test]
fn names_are_unique_across_projects_and_1_to_32_chars() {
    let env = Env::new();
    env.ok(&["project", "create", "P"]);
    env.app("Same");
    let before = env.store_bytes();
    let err = env.fails(&["app", "create", "Same", "--project", "P"], 4);
    assert!(err.contains("already exists"), "{err}");
    env.fails(&["app", "create", &"a".repeat(33)], 9);
    env.fails(&["app", "create", ""], 9);
    env.fails(&["app", "create", "tab\there"], 9);
    env.fails(&["app", "create", "x", "--project", "nope"], 3);
    assert_eq!(
        env.store_bytes(),
        before,
        "refused commands leave the store as it was"
    );
    env.app(&"a".repeat(32));
}

#[test]
fn url_and_text_rules_exit_9() {
    let env = Env::new();
    env.app("A");
    for args in [
        &["--website-url", "example.com"][..],
        &["--website-url", "ftp://example.com"],
        &["--callback-url", "http://localhost:3000/cb"],
        &["--callback-url", "https://e.com/cb#frag"],
        &["--callback-url", "javascript://alert(1)"],
        &["--callback-url", "file:///etc/passwd"],
        &[
            "--callback-url",
            "https://e.com/a",
            "--callback-url",
            "https://e.com/a",
        ],
        &["--description", "short"],
        &["--description", &"d".repeat(201)],
        &["--use-case", &"u".repeat(201)],
        &["--terms-url", "not a url"],
    ] {
        let mut a = vec!["app", "update", "A"];
        a.extend_from_slice(args);
        env.fails(&a, 9);
    }
    let mut eleven = vec!["app", "update", "A"];
    let urls: Vec<String> = (0..11).map(|i| format!("https://e.com/{i}")).collect();
    for u in &urls {
        eleven.extend(["--callback-url", u.as_str()]);
    }
    let err = env.fails(&eleven, 9);
    assert!(err.contains("at most 10"), "{err}");
    eleven.pop();
    eleven.pop();
    env.ok(&eleven);
}

#[test]
fn three_legged_oauth_and_email_rules_exit_4() {
    let env = Env::new();
    env.app("A");
    let err = env.fails(&["app", "update", "A", "--three-legged-oauth", "on"], 4);
    assert!(err.contains("callback URL"), "{err}");
    env.ok(&[
        "app",
        "update",
        "A",
        "--three-legged-oauth",
        "on",
        "--callback-url",
        "https://e.com/cb",
    ]);
    let err = env.fails(&["app", "update", "A", "--clear-callback-urls"], 4);
    assert!(err.contains("3-legged OAuth"), "{err}");
    env.fails(
        &[
            "app",
            "update",
            "A",
            "--remove-callback-url",
            "https://e.com/cb",
        ],
        4,
    );

    let err = env.fails(&["app", "update", "A", "--request-email", "on"], 4);
    assert!(
        err.contains("terms of service URL") && err.contains("privacy policy URL"),
        "{err}"
    );
    env.fails(
        &[
            "app",
            "update",
            "A",
            "--request-email",
            "on",
            "--terms-url",
            "https://e.com/t",
        ],
        4,
    );
    env.ok(&[
        "app",
        "update",
        "A",
        "--request-email",
        "on",
        "--terms-url",
        "https://e.com/t",
        "--privacy-url",
        "https://e.com/p",
    ]);
    let err = env.fails(&["app", "update", "A", "--terms-url", ""], 4);
    assert!(
        err.contains("cannot clear the terms of service URL"),
        "{err}"
    );
    env.ok(&[
        "app",
        "update",
        "A",
        "--terms-url",
        "",
        "--request-email",
        "off",
    ]);
    assert_eq!(env.json(&["app", "show", "A"])["terms_url"], Value::Null);
}

#[test]
fn icons_are_checked() {
    let env = Env::new();
    env.app("A");
    let png = env.path("i.png");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    env.ok(&["app", "update", "A", "--icon", png.to_str().unwrap()]);
    assert_eq!(env.json(&["app", "show", "A"])["icon"]["format"], "png");
    let empty = env.path("e.png");
    std::fs::write(&empty, b"").unwrap();
    env.fails(
        &["app", "update", "A", "--icon", empty.to_str().unwrap()],
        9,
    );
    let text = env.path("t.png");
    std::fs::write(&text, b"hello, not an image").unwrap();
    env.fails(&["app", "update", "A", "--icon", text.to_str().unwrap()], 9);
    let big = env.path("big.gif");
    let mut b = b"GIF89a".to_vec();
    b.resize(700 * 1024 + 1, 0);
    std::fs::write(&big, &b).unwrap();
    let err = env.fails(&["app", "update", "A", "--icon", big.to_str().unwrap()], 9);
    assert!(err.contains("700 KiB"), "{err}");
    env.fails(
        &[
            "app",
            "update",
            "A",
            "--icon",
            env.path("missing").to_str().unwrap(),
        ],
        9,
    );
    env.ok(&["app", "update", "A", "--icon", ""]);
    assert_eq!(env.json(&["app", "show", "A"])["icon"], Value::Null);
}

#[test]
fn move_list_filters_and_delete() {
    let env = Env::new();
    env.ok(&["project", "create", "P"]);
    env.app("A");
    env.app("B");
    env.ok(&["app", "move", "A", "--project", "P"]);
    assert_eq!(
        env.json(&["app", "list", "--project", "P"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(env.json(&["app", "list", "--standalone"])[0]["name"], "B");
    assert_eq!(env.json(&["app", "list"]).as_array().unwrap().len(), 2);
    env.fails(&["app", "move", "A"], 2);
    env.ok(&["app", "move", "A", "--standalone"]);
    assert_eq!(env.json(&["app", "show", "A"])["project_id"], Value::Null);
    let err = env.fails(&["app", "delete", "A"], 8);
    assert!(err.contains("--yes"));
    let v = env.json(&["app", "delete", "A", "--yes"]);
    assert_eq!(v["deleted"], "1");
    env.fails(&["app", "show", "A"], 3);
    env.fails(&["app", "show", "1"], 3);
    // IDs are never reused.
    assert_eq!(env.app("C"), "3");
}

#[test]
fn suspension_is_tagged_everywhere_and_reversible() {
    let env = Env::new();
    env.ok(&["project", "create", "P"]);
    env.json(&["app", "create", "A", "--project", "P"]);
    env.fails(&["app", "suspend", "A"], 2);
    env.fails(&["app", "suspend", "A", "--reason", ""], 9);
    let v = env.json(&["app", "suspend", "A", "--reason", "spam reports"]);
    assert_eq!(v["status"], "suspended");
    assert_eq!(v["suspended_reason"], "spam reports");
    assert!(v["suspended_at"].is_string());
    env.fails(&["app", "suspend", "A", "--reason", "again"], 4);
    for args in [
        &["app", "list"][..],
        &["dashboard"],
        &["project", "show", "P"],
        &["app", "show", "A"],
    ] {
        let out = env.ok(args);
        assert!(out.contains("SUSPENDED"), "{args:?}: {out}");
    }
    env.ok(&["app", "reinstate", "A"]);
    env.fails(&["app", "reinstate", "A"], 4);
    assert_eq!(env.json(&["app", "show", "A"])["status"], "active");
}

#[test]
fn dashboard_groups_apps_by_project_then_standalone() {
    let env = Env::new();
    env.ok(&["project", "create", "P"]);
    env.json(&["app", "create", "InP", "--project", "P"]);
    env.app("Alone");
    let v = env.json(&["dashboard"]);
    assert_eq!(v["projects"][0]["name"], "P");
    assert_eq!(v["projects"][0]["apps"][0]["name"], "InP");
    assert_eq!(v["standalone_apps"][0]["name"], "Alone");
    // Piped, it is one table: a header line, then one line per app, with
    // the project each belongs to.
    let table = env.ok(&["dashboard"]);
    let lines: Vec<Vec<&str>> = table.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(
        lines,
        [
            vec!["Project", "App ID", "App", "Status", "Permissions"],
            vec!["P (1)", "1", "InP", "active", "read"],
            vec!["(standalone)", "2", "Alone", "active", "read"],
        ],
        "{table}"
    );
    // The credential metadata is in `app show`, fingerprints included.
    let fp = v["standalone_apps"][0]["credentials"][1]["fingerprint"]
        .as_str()
        .unwrap();
    assert!(env.ok(&["app", "show", "Alone"]).contains(fp));
}

#[test]
fn every_change_is_logged_without_secrets() {
    let env = Env::new();
    env.ok(&["project", "create", "P"]);
    let made = env.json(&["app", "create", "A", "--project", "P"]);
    env.ok(&["app", "update", "A", "--permissions", "read-write"]);
    env.ok(&["app", "suspend", "A", "--reason", "r"]);
    env.ok(&["app", "reinstate", "A"]);
    env.app("B");
    env.ok(&["app", "delete", "B", "--yes"]);
    let log = env.json(&["log"]);
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "app.delete",
            "app.create",
            "app.reinstate",
            "app.suspend",
            "app.update",
            "app.create",
            "project.create",
            "store.init"
        ]
    );
    let for_a = env.json(&["log", "--app", "A"]);
    assert_eq!(for_a.as_array().unwrap().len(), 4);
    // The deleted app's history stays reachable by ID.
    assert_eq!(
        env.json(&["log", "--app", "2"]).as_array().unwrap().len(),
        2
    );
    assert_eq!(
        env.json(&["log", "--limit", "2"]).as_array().unwrap().len(),
        2
    );
    let text = env.ok(&["log"]) + &log.to_string();
    for (_, s) in made["secrets"].as_object().unwrap() {
        assert!(!contains(text.as_bytes(), s.as_str().unwrap().as_bytes()));
    }
}

#[test]
fn json_errors_are_one_document_on_stderr() {
    let env = Env::new();
    let out = env.run(&["--json", "app", "show", "nope"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(out.stdout.is_empty());
    let v: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(v["error"]["kind"], "not_found");
    assert!(v["error"]["message"].as_str().unwrap().contains("nope"));
    let out = env.run(&["--json", "app", "frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(v["error"]["kind"], "usage");
}

#[test]
fn invalid_utf8_arguments_exit_9() {
    use std::os::unix::ffi::OsStrExt;
    let env = Env::new();
    let bad = std::ffi::OsStr::from_bytes(b"caf\xe9");
    let out = env.cmd().args(["app", "create"]).arg(bad).output().unwrap();
    assert_eq!(out.status.code(), Some(9));
    let out = env
        .cmd()
        .args(["project", "create", "P", "--description"])
        .arg(bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(9));
}

/// The JSON objects keep one field order (the spec's names first), whatever
/// command prints them: scripts and people reading them find fields where
/// they were.
#[test]
fn json_objects_keep_their_field_order() {
    let env = Env::new();
    env.ok(&["project", "create", "p"]);
    env.ok(&["app", "create", "a", "--project", "p"]);
    let keys =
        |v: &serde_json::Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    let app = [
        "id",
        "name",
        "project_id",
        "status",
        "suspended_reason",
        "suspended_at",
        "permissions",
        "three_legged_oauth",
        "request_email",
        "callback_urls",
        "description",
        "icon",
        "website_url",
        "terms_url",
        "privacy_url",
        "organization_name",
        "organization_url",
        "use_case",
        "created_at",
        "updated_at",
        "credentials",
    ];
    let credential = [
        "kind",
        "state",
        "created_at",
        "regenerated_at",
        "revoked_at",
        "permissions",
        "fingerprint",
        "app_suspended",
        "note",
    ];
    let shown = env.json(&["app", "show", "a"]);
    assert_eq!(keys(&shown), app);
    assert_eq!(keys(&shown["credentials"][0]), credential);
    assert_eq!(keys(&env.json(&["app", "list"])[0]), app);
    let dashboard = env.json(&["dashboard"]);
    assert_eq!(keys(&dashboard), ["projects", "standalone_apps"]);
    let project = &dashboard["projects"][0];
    assert_eq!(
        keys(project),
        [
            "id",
            "name",
            "description",
            "use_case",
            "environment",
            "created_at",
            "updated_at",
            "app_count",
            "apps"
        ]
    );
    assert_eq!(keys(&project["apps"][0]), app);
    assert_eq!(
        keys(&env.json(&["log"])[0]),
        [
            "id",
            "created_at",
            "action",
            "target_kind",
            "target_id",
            "app_id",
            "target_name",
            "detail"
        ]
    );
}
