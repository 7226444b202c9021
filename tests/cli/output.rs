//! What a person sees at an 80-column terminal and what a script reads
//! from a pipe: secrets whole on one line, tables that fit without breaking
//! an ID, a time, a fingerprint or a state, tab-separated rows when piped,
//! and `--env` output that shells and dotenv readers take alike.

use crate::pty::{Term, plain};
use crate::util::{Env, INIT, PASSPHRASE};
use serde_json::Value;

/// Runs `appctl args` at a terminal of `cols` columns with the test
/// passphrase; returns what it showed, without escape sequences, as lines.
fn at_terminal(env: &Env, cols: u16, args: &[&str]) -> Vec<String> {
    let mut t = Term::spawn(env, cols, args, &[("APPCTL_PASSPHRASE", PASSPHRASE)]);
    let (status, screen) = t.wait();
    assert!(status.success(), "appctl {args:?}:\n{screen}");
    // A carriage return alone goes back to the line's start: what follows
    // the last one is what stays on the screen (a spinner is cleared so).
    plain(&screen)
        .split("\r\n")
        .map(|l| l.rsplit('\r').next().unwrap().trim_end().to_string())
        .collect()
}

/// The values of the `secrets` object of a JSON document, by name.
fn secrets(doc: &Value) -> Vec<(String, String)> {
    doc["secrets"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect()
}

/// The label a person reads before a secret of this JSON name.
fn label(name: &str) -> &'static str {
    match name {
        "api_key" => "API key",
        "api_secret" => "API secret",
        "bearer_token" => "Bearer token",
        "access_token" => "Access token",
        "access_token_secret" => "Access token secret",
        "recovery_key" => "Recovery key",
        other => panic!("unexpected secret {other}"),
    }
}

/// Asserts that every secret the JSON form of a command names is on the
/// terminal whole: one line `Label: value`, the value as long as the JSON
/// one and of the same characters, not broken by the program.
fn assert_whole(lines: &[String], like: &Value) {
    let named = secrets(like);
    assert!(!named.is_empty());
    for (name, json_value) in named {
        let prefix = format!("{}:", label(&name));
        let line = lines
            .iter()
            .find(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| panic!("no line for {name}:\n{}", lines.join("\n")));
        let value = line[prefix.len()..].trim();
        assert_ne!(value, json_value, "each command makes new values");
        assert!(
            value.bytes().all(|b| b.is_ascii_graphic()),
            "{name}: {line:?}"
        );
        if name == "bearer_token" {
            assert!(whole_bearer_token(value), "not whole: {line:?}");
        } else {
            assert_eq!(
                value.len(),
                json_value.len(),
                "{name} is not whole: {line:?}"
            );
        }
    }
}

/// Whether `value` is a whole bearer token. Its length varies with the
/// escapes, so its structure is checked: the escaped base64 of 44 bytes
/// (the run of `A`s and the app ID among them), then 50 alphanumerics.
fn whole_bearer_token(value: &str) -> bool {
    let Some(split) = value.len().checked_sub(50) else {
        return false;
    };
    let (encoded, tail) = value.split_at(split);
    let b64 = encoded
        .replace("%2B", "+")
        .replace("%2F", "/")
        .replace("%3D", "=");
    tail.bytes().all(|b| b.is_ascii_alphanumeric())
        && b64.len() == 60
        && b64.starts_with("AAAAAAAAAAAAAAAAAAAAA")
}

#[test]
fn every_new_secret_is_shown_whole_on_one_line_at_80_columns() {
    let env = Env::new();
    let lines = at_terminal(&env, 80, &["app", "create", "person"]);
    assert_whole(&lines, &env.json(&["app", "create", "script"]));

    let lines = at_terminal(&env, 80, &["keys", "create", "person", "access"]);
    assert_whole(&lines, &env.json(&["keys", "create", "script", "access"]));

    let lines = at_terminal(&env, 80, &["keys", "regenerate", "person", "consumer"]);
    assert_whole(
        &lines,
        &env.json(&["keys", "regenerate", "script", "consumer"]),
    );

    let lines = at_terminal(&env, 80, &["keys", "regenerate", "person", "bearer"]);
    assert_whole(
        &lines,
        &env.json(&["keys", "regenerate", "script", "bearer"]),
    );

    let lines = at_terminal(&env, 80, &["recovery-key", "regenerate"]);
    assert_whole(&lines, &env.json(&["recovery-key", "regenerate"]));

    // --env lines are whole too, whatever the width.
    let lines = at_terminal(
        &env,
        40,
        &["keys", "regenerate", "person", "bearer", "--env"],
    );
    let token = lines
        .iter()
        .find(|l| l.starts_with("BEARER_TOKEN="))
        .unwrap();
    assert!(
        whole_bearer_token(&token["BEARER_TOKEN=".len()..]),
        "{lines:?}"
    );
}

#[test]
fn the_recovery_key_of_a_new_store_is_shown_whole() {
    let person = Env::bare();
    let args = INIT;
    let lines = at_terminal(&person, 80, &args);
    let script = Env::bare();
    let mut json_args = vec!["--json"];
    json_args.extend(args);
    let doc: Value = serde_json::from_str(&script.ok(&json_args)).unwrap();
    assert_whole(&lines, &doc);
}

/// A store with a project, two apps (one suspended, one with a long name)
/// and a stale access token: what the listings below show.
fn busy_store() -> Env {
    let env = Env::new();
    env.ok(&[
        "project",
        "create",
        "Marketing Site",
        "--description",
        "The public site, its sign-in and the newsletter sign-up form",
    ]);
    env.ok(&[
        "app",
        "create",
        "marketing-web",
        "--project",
        "Marketing Site",
        "--description",
        "Sign-in for the public marketing site and its newsletter",
        "--callback-url",
        "https://marketing.example.com/auth/callback",
    ]);
    env.ok(&["app", "create", "cli-tool-with-a-long-name-here"]);
    env.ok(&["keys", "create", "marketing-web", "access"]);
    env.ok(&[
        "app",
        "update",
        "marketing-web",
        "--permissions",
        "read-write-dm",
    ]);
    env.ok(&[
        "app",
        "suspend",
        "cli-tool-with-a-long-name-here",
        "--reason",
        "an abuse report from a partner about automated posting",
    ]);
    env
}

/// Every string value of `v` whose key is in `keys`, at any depth.
fn values_of(v: &Value, keys: &[&str], out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match x {
                    // An access token's user is shown by handle in listings;
                    // its numeric ID is for `users list` and JSON.
                    Value::Object(_) if k == "user" => {}
                    Value::String(s) if keys.contains(&k.as_str()) => out.push(s.clone()),
                    _ => values_of(x, keys, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| values_of(x, keys, out)),
        _ => {}
    }
}

/// Whether `word` stands whole on one line of `lines`, between spaces or
/// the line's ends.
fn whole_on_a_line(lines: &[String], word: &str) -> bool {
    lines
        .iter()
        .any(|l| l.split(|c: char| c.is_whitespace()).any(|w| w == word))
}

#[test]
fn tables_fit_80_columns_without_breaking_ids_times_fingerprints_or_states() {
    let env = busy_store();
    // Each listing, its headings, and the JSON keys whose values it shows
    // whole (as in `--json` of the same command, at any depth).
    let cases: [(&[&str], &[&str], &[&str]); 6] = [
        (
            &["dashboard"],
            &["Project", "App ID", "App", "Status", "Permissions"],
            &["id", "status"],
        ),
        (
            &["app", "list"],
            &["ID", "Name", "Project", "Status", "Permissions"],
            &["id", "status"],
        ),
        (
            &["keys", "list", "marketing-web"],
            &["Kind", "State", "Permissions", "Fingerprint", "Issued"],
            &["kind", "state", "permissions", "fingerprint", "created_at"],
        ),
        (
            &["app", "show", "marketing-web"],
            &["Field", "Value"],
            &[
                "id",
                "status",
                "kind",
                "state",
                "fingerprint",
                "created_at",
                "updated_at",
            ],
        ),
        (
            &["project", "list"],
            &["ID", "Name", "Environment", "Apps", "Description"],
            &["id", "environment"],
        ),
        (
            &["project", "show", "Marketing Site"],
            &["Field", "Value"],
            &["id", "environment"],
        ),
    ];
    for (args, headers, keys) in cases {
        let lines = at_terminal(&env, 80, args);
        for l in &lines {
            assert!(
                l.chars().count() <= 80,
                "{args:?}: a line wider than 80 columns: {l:?}"
            );
        }
        // The header is one line with every heading whole.
        assert!(
            lines
                .iter()
                .any(|l| headers.iter().all(|h| l.contains(&format!(" {h}")))),
            "{args:?}: headers {headers:?} not on one line:\n{}",
            lines.join("\n")
        );
        let mut json_args = vec!["--json"];
        json_args.extend(args);
        let doc: Value = serde_json::from_str(&env.ok(&json_args)).unwrap();
        let mut words = Vec::new();
        values_of(&doc, keys, &mut words);
        assert!(!words.is_empty());
        for w in words {
            assert!(
                whole_on_a_line(&lines, &w) || whole_on_a_line(&lines, &w.to_uppercase()),
                "{args:?}: {w:?} is not whole on a line:\n{}",
                lines.join("\n")
            );
        }
    }
}

#[test]
fn piped_listings_are_tab_separated_rows_under_a_header() {
    let env = busy_store();
    for args in [
        vec!["dashboard"],
        vec!["app", "list"],
        vec!["keys", "list", "marketing-web"],
        vec!["app", "show", "marketing-web"],
        vec!["project", "list"],
        vec!["log"],
        vec!["check"],
    ] {
        let out = env.ok(&args);
        // `app show` is two tables (details, credentials), a blank line apart.
        for block in out.split("\n\n") {
            let rows: Vec<Vec<&str>> = block.lines().map(|l| l.split('\t').collect()).collect();
            assert!(rows.len() >= 2, "{args:?}: {out}");
            let width = rows[0].len();
            assert!(
                width >= 2,
                "{args:?}: the header is not tab-separated: {out}"
            );
            for r in &rows {
                assert_eq!(r.len(), width, "{args:?}: a row of another width: {r:?}");
            }
        }
        // No box drawing, no padding: cells are the values themselves.
        assert!(
            !out.contains('─') && !out.contains('|') && !out.contains("  "),
            "{out}"
        );
    }
    // `cut` works: the IDs column of `app list` is the apps' IDs.
    let ids: Vec<String> = env
        .ok(&["app", "list"])
        .lines()
        .skip(1)
        .map(|l| l.split('\t').next().unwrap().to_string())
        .collect();
    let json = env.json(&["app", "list"]);
    let want: Vec<String> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, want);
    // A credential's note is a column when piped.
    let keys = env.ok(&["keys", "list", "marketing-web"]);
    let access = keys.lines().find(|l| l.starts_with("access\t")).unwrap();
    assert!(
        access.ends_with("\tregenerate to apply the new permissions"),
        "{keys}"
    );
}

/// Runs `cmd`, asserts it succeeded, returns its stdout.
fn stdout_of(cmd: &mut std::process::Command) -> Vec<u8> {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// `NAME=value` lines as pairs, in order.
fn env_pairs(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(|l| {
            let (k, v) = l.split_once('=').unwrap();
            (k.to_string(), v.to_string())
        })
        .collect()
}

#[test]
fn env_prefix_puts_several_apps_in_one_env_file_that_bash_and_dotenv_read_alike() {
    let env = Env::new();
    env.app("web");
    let mut dotenv = env.ok(&["app", "create", "worker", "--env-prefix", "WORKER_"]);
    dotenv.push_str(&env.ok(&[
        "keys",
        "regenerate",
        "web",
        "consumer",
        "--env-prefix",
        "WEB_",
    ]));
    dotenv.push_str(&env.ok(&[
        "keys",
        "create",
        "web",
        "access",
        "--env",
        "--env-prefix",
        "WEB_",
    ]));
    let file = env.path("apps.env");
    std::fs::write(&file, &dotenv).unwrap();

    // What the file says, line by line: every name distinct and prefixed.
    let written = env_pairs(&dotenv);
    let names: Vec<&str> = written.iter().map(|(k, _)| k.as_str()).collect();
    for want in [
        "WORKER_APP_ID",
        "WORKER_API_KEY",
        "WORKER_API_SECRET",
        "WORKER_BEARER_TOKEN",
        "WEB_APP_ID",
        "WEB_API_KEY",
        "WEB_API_SECRET",
        "WEB_ACCESS_TOKEN",
        "WEB_ACCESS_TOKEN_SECRET",
    ] {
        assert!(names.contains(&want), "{want} missing:\n{dotenv}");
    }
    let mut distinct = names.clone();
    distinct.sort();
    distinct.dedup();
    // Each command names its app; the two WEB_ commands name the same one.
    assert_eq!(distinct.len(), names.len() - 1, "{dotenv}");

    // bash `source`: each variable holds exactly what the file wrote.
    let script = r#"set -a; . "$1"; while IFS='=' read -r k _; do printf '%s=%s\n' "$k" "${!k}"; done < "$1""#;
    let out = stdout_of(
        std::process::Command::new("bash")
            .env_clear()
            .args(["-c", script, "bash"])
            .arg(&file),
    );
    let sourced = env_pairs(&String::from_utf8(out).unwrap());
    assert_eq!(sourced, written);

    // python-dotenv reads the same values.
    let Some(python) = crate::util::python_with("dotenv") else {
        return;
    };
    let out = stdout_of(
        std::process::Command::new(python)
            .args([
                "-c",
                "import json, sys, dotenv; print(json.dumps(dotenv.dotenv_values(sys.argv[1])))",
            ])
            .arg(&file),
    );
    let read: serde_json::Map<String, Value> = serde_json::from_slice(&out).unwrap();
    for (k, v) in &written {
        assert_eq!(read[k].as_str(), Some(v.as_str()), "{k}");
    }
}

#[test]
fn a_prefix_that_cannot_start_a_variable_is_refused_before_anything_changes() {
    let env = Env::new();
    env.app("web");
    let before = env.store_bytes();
    for bad in ["1WEB_", "WEB-", "WEB APP_", "WÉB_"] {
        let err = env.fails(
            &["keys", "regenerate", "web", "consumer", "--env-prefix", bad],
            9,
        );
        assert!(err.contains("--env-prefix"), "{err}");
    }
    env.fails(
        &[
            "--json",
            "keys",
            "regenerate",
            "web",
            "consumer",
            "--env-prefix",
            "W_",
        ],
        2,
    );
    assert_eq!(env.store_bytes(), before);
}
