//! One convention for every JSON document appctl prints: keys are
//! snake_case (`^[a-z][a-z0-9_]*$`) and every timestamp's key ends in `_at`.

use crate::util::{Env, INIT, PASSPHRASE};
use serde_json::Value;

/// Whether `s` is an RFC 3339 UTC time as appctl writes them.
fn is_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'Z'
}

/// Every offence against the convention in `v`, with its path.
fn offences(v: &Value, path: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let snake = k.starts_with(|c: char| c.is_ascii_lowercase())
                    && k.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
                if !snake {
                    out.push(format!("{path}.{k}: not snake_case"));
                }
                if let Value::String(s) = x
                    && is_time(s)
                    && !k.ends_with("_at")
                {
                    out.push(format!("{path}.{k}: a time whose key does not end in _at"));
                }
                offences(x, &format!("{path}.{k}"), out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                offences(x, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_json_key_is_snake_case_and_every_time_ends_in_at() {
    let env = Env::bare();
    let newpw = env.path("new-passphrase");
    std::fs::write(&newpw, format!("{PASSPHRASE} 2\n")).unwrap();
    let newpw = newpw.to_str().unwrap().to_string();
    let backup = env.path("backup.appctl");
    let backup = backup.to_str().unwrap().to_string();
    let mut docs: Vec<(String, Value)> = Vec::new();
    let mut run = |args: &[&str]| -> Value {
        let v = env.json(args);
        docs.push((args.join(" "), v.clone()));
        v
    };
    let init = run(&INIT);
    run(&["project", "create", "P", "--description", "a project"]);
    run(&["project", "list"]);
    run(&["project", "update", "P", "--use-case", "testing"]);
    run(&[
        "app",
        "create",
        "A",
        "--project",
        "P",
        "--callback-url",
        "https://example.com/cb",
    ]);
    run(&["app", "create", "B"]);
    run(&["project", "show", "P"]);
    run(&["app", "list"]);
    run(&["app", "show", "A"]);
    run(&["app", "update", "A", "--permissions", "read-write"]);
    run(&["app", "move", "B", "--project", "P"]);
    run(&["keys", "create", "A", "access"]);
    run(&["app", "update", "A", "--permissions", "read"]);
    run(&["keys", "list", "A"]);
    run(&["keys", "regenerate", "A", "consumer"]);
    run(&[
        "users",
        "add",
        "bob",
        "--name",
        "Bob",
        "--email",
        "bob@example.com",
    ]);
    run(&["users", "list"]);
    run(&["keys", "create", "A", "access", "--user", "bob"]);
    run(&["users", "show", "bob"]);
    let keys = env.path("keys.json");
    std::fs::write(
        &keys,
        r#"{"api_key": "imported-key-1", "api_secret": "imported-secret-1"}"#,
    )
    .unwrap();
    run(&[
        "keys",
        "import",
        "A",
        "consumer",
        "--replace",
        "--file",
        keys.to_str().unwrap(),
    ]);
    run(&["--yes", "users", "remove", "bob"]);
    run(&["--yes", "keys", "revoke", "A", "access"]);
    run(&["app", "suspend", "B", "--reason", "testing"]);
    run(&["app", "reinstate", "B"]);
    run(&["dashboard"]);
    run(&["log"]);
    run(&["check"]);
    run(&["backup", &backup]);
    run(&["unlock", "--ttl", "1m"]);
    run(&["lock", "--all"]);
    // passwd to a second passphrase, then recover back to the first.
    run(&["passwd", "--new-passphrase-file", &newpw]);
    std::fs::write(env.path("new-passphrase"), format!("{PASSPHRASE}\n")).unwrap();
    let rk = init["secrets"]["recovery_key"]
        .as_str()
        .unwrap()
        .to_string();
    let rk_file = env.path("recovery-key");
    std::fs::write(&rk_file, format!("{rk}\n")).unwrap();
    run(&[
        "recover",
        "--recovery-key-file",
        rk_file.to_str().unwrap(),
        "--new-passphrase-file",
        &newpw,
    ]);
    run(&["recovery-key", "regenerate"]);
    run(&["--yes", "app", "delete", "B"]);
    run(&["--yes", "project", "delete", "P", "--detach-apps"]);
    // A verdict (Basic with the imported pair).
    let (code, verdict) = env.verify(
        &[],
        b"GET / HTTP/1.1\r\nHost: api.x.com\r\nAuthorization: Basic aW1wb3J0ZWQta2V5LTE6aW1wb3J0ZWQtc2VjcmV0LTE=\r\n\r\n",
    );
    assert_eq!(code, 0, "{verdict}");
    docs.push(("keys verify".into(), verdict));
    // Errors too.
    let err = env.run(&["--json", "app", "show", "nope"]);
    docs.push(("error".into(), serde_json::from_slice(&err.stderr).unwrap()));

    let mut all = Vec::new();
    for (cmd, v) in &docs {
        offences(v, cmd, &mut all);
    }
    assert!(all.is_empty(), "{all:#?}");
    // The checker itself catches what it should.
    let mut caught = Vec::new();
    offences(
        &serde_json::json!({"store file": 1, "at": "2026-12-01T08:44:00Z"}),
        "",
        &mut caught,
    );
    assert_eq!(caught.len(), 2, "{caught:?}");
}

#[test]
fn project_listings_count_their_apps() {
    let env = Env::new();
    env.ok(&["project", "create", "Empty"]);
    env.ok(&["project", "create", "Full"]);
    env.ok(&["app", "create", "a", "--project", "Full"]);
    env.ok(&["app", "create", "b", "--project", "Full"]);
    let v = env.json(&["project", "list"]);
    let counts: Vec<(String, u64)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_string(),
                p["app_count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(counts, [("Empty".to_string(), 0), ("Full".to_string(), 2)]);
    assert_eq!(env.json(&["project", "show", "Full"])["app_count"], 2);
}
