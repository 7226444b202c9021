//! Credentials made by `app create`: shown once, never again.

use crate::util::{Env, contains, succeeded};

#[test]
fn app_create_shows_the_three_secrets_once_in_their_shapes() {
    let env = Env::new();
    let v = env.json(&["app", "create", "A"]);
    let s = v["secrets"].as_object().unwrap();
    let keys: Vec<&str> = s.keys().map(String::as_str).collect();
    assert_eq!(keys, ["api_key", "api_secret", "bearer_token"]);
    let api_key = s["api_key"].as_str().unwrap();
    assert_eq!(api_key.len(), 25);
    assert!(api_key.bytes().all(|b| b.is_ascii_alphanumeric()));
    assert_eq!(s["api_secret"].as_str().unwrap().len(), 50);
    assert!(
        s["bearer_token"]
            .as_str()
            .unwrap()
            .starts_with("AAAAAAAAAAAAAAAAAAAAA")
    );

    let mut later = Vec::new();
    for args in [
        &["app", "show", "A"][..],
        &["--json", "app", "show", "A"],
        &["app", "list"],
        &["--json", "app", "list"],
        &["dashboard"],
        &["--json", "dashboard"],
        &["log"],
        &["--json", "log"],
    ] {
        let out = env.run(args);
        later.extend(out.stdout);
        later.extend(out.stderr);
    }
    later.extend(env.store_bytes());
    for (name, secret) in s {
        assert!(
            !contains(&later, secret.as_str().unwrap().as_bytes()),
            "{name} shown again"
        );
    }
}

#[test]
fn human_output_warns_on_stderr_that_secrets_are_shown_once() {
    let env = Env::new();
    let out = env.run(&["app", "create", "A"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stdout.contains("\nAPI key: ") && stdout.contains("\nBearer token: "),
        "{stdout}"
    );
    assert!(stderr.contains("only this once"), "{stderr}");
}

fn states(env: &Env, app: &str) -> Vec<(String, String)> {
    env.json(&["keys", "list", app])
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap().to_string(),
                c["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn lifecycle_create_regenerate_revoke_and_their_states() {
    let env = Env::new();
    env.app("A");
    assert_eq!(
        states(&env, "A"),
        pairs(&[("consumer", "active"), ("bearer", "active")])
    );
    let err = env.fails(&["keys", "create", "A", "consumer"], 4);
    assert!(err.contains("regenerate"), "{err}");

    // Regenerating the pair invalidates the bearer token, and says so.
    let out = env.run(&["keys", "regenerate", "A", "consumer"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalidated the bearer"));
    assert_eq!(
        states(&env, "A"),
        pairs(&[("consumer", "active"), ("bearer", "invalidated")])
    );
    let v = env.json(&["keys", "regenerate", "A", "consumer"]);
    assert_eq!(
        v["invalidated"],
        serde_json::json!([]),
        "nothing left to invalidate"
    );
    let keys: Vec<&String> = v["secrets"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["api_key", "api_secret"]);
    let list = env.json(&["keys", "list", "A"]);
    assert!(list[0]["regenerated_at"].is_string());
    let v = env.json(&["keys", "create", "A", "bearer"]);
    assert_eq!(v["secrets"].as_object().unwrap().len(), 1);

    // Access tokens remember their permission level and go stale.
    let v = env.json(&["keys", "create", "A", "access"]);
    let token = v["secrets"]["access_token"].as_str().unwrap();
    let owner_id = token.split_once('-').unwrap().0;
    assert!(
        owner_id.len() >= 18 && owner_id.bytes().all(|b| b.is_ascii_digit()),
        "{token}"
    );
    assert_eq!(
        v["secrets"]["access_token_secret"].as_str().unwrap().len(),
        45
    );
    assert_eq!(env.json(&["keys", "list", "A"])[2]["permissions"], "read");
    env.ok(&["app", "update", "A", "--permissions", "read-write"]);
    assert_eq!(
        states(&env, "A")[2],
        ("access".to_string(), "stale".to_string())
    );
    // Changing back does not make the token fresh: only regenerating does.
    env.ok(&["app", "update", "A", "--permissions", "read"]);
    assert_eq!(states(&env, "A")[2].1, "stale");
    env.ok(&["app", "update", "A", "--permissions", "read-write"]);
    assert!(
        env.ok(&["keys", "list", "A"])
            .contains("regenerate to apply the new permissions")
    );
    env.ok(&["keys", "regenerate", "A", "access"]);
    let access = &env.json(&["keys", "list", "A"])[2];
    assert_eq!(access["state"], "active");
    assert_eq!(access["permissions"], "read-write");

    // Revoking needs confirmation.
    let before = env.store_bytes();
    env.fails(&["keys", "revoke", "A", "access"], 8);
    assert_eq!(env.store_bytes(), before);
    env.ok(&["keys", "revoke", "A", "access", "--yes"]);
    env.fails(&["keys", "revoke", "A", "access", "--yes"], 4);
    assert_eq!(
        states(&env, "A")[2],
        ("access".to_string(), "revoked".to_string())
    );
    env.ok(&["keys", "create", "A", "access"]);

    // Revoking the pair takes the bearer token with it; a bearer needs a pair.
    let v = env.json(&["--yes", "keys", "revoke", "A", "consumer"]);
    assert_eq!(v["invalidated"], serde_json::json!(["bearer"]));
    env.fails(&["keys", "create", "A", "bearer"], 4);
    env.ok(&["keys", "create", "A", "consumer"]);
    env.ok(&["keys", "create", "A", "bearer"]);

    let actions: Vec<String> = env
        .json(&["log", "--app", "A"])
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    for a in ["keys.create", "keys.regenerate", "keys.revoke"] {
        assert!(
            actions.iter().any(|x| x == a),
            "{a} missing from {actions:?}"
        );
    }
}

#[test]
fn revoking_a_stale_token_leaves_a_sound_store() {
    let env = Env::new();
    env.app("A");
    env.ok(&["keys", "create", "A", "access"]);
    env.ok(&["app", "update", "A", "--permissions", "read-write"]);
    env.ok(&["--yes", "keys", "revoke", "A", "access"]);
    assert_eq!(states(&env, "A")[2].1, "revoked");
    assert_eq!(env.json(&["check"])["sound"], true);
    // A new one is made under the current permissions and is not stale.
    env.ok(&["keys", "create", "A", "access"]);
    assert_eq!(states(&env, "A")[2].1, "active");
}

#[test]
fn suspended_apps_get_no_new_credentials_until_reinstated() {
    let env = Env::new();
    env.app("A");
    env.ok(&["app", "suspend", "A", "--reason", "abuse"]);
    let before = env.store_bytes();
    for kind in ["consumer", "bearer", "access"] {
        let out = env.run(&["keys", "regenerate", "A", kind]);
        assert_eq!(out.status.code(), Some(4), "{kind}");
        assert!(out.stdout.is_empty());
    }
    let err = env.fails(&["keys", "create", "A", "access"], 4);
    assert!(
        err.contains("suspended") && err.contains("reinstate"),
        "{err}"
    );
    assert_eq!(env.store_bytes(), before);
    assert!(
        env.json(&["keys", "list", "A"])[0]["note"]
            .as_str()
            .unwrap()
            .contains("suspended")
    );
    env.ok(&["app", "reinstate", "A"]);
    env.ok(&["keys", "create", "A", "access"]);
}

#[test]
fn revoking_and_regenerating_a_credential_never_made_are_both_not_found() {
    let env = Env::new();
    let id = env.app("A");
    let before = env.store_bytes();
    for verb in ["revoke", "regenerate"] {
        let err = env.fails(&["--yes", "keys", verb, "A", "access"], 3);
        assert!(
            err.starts_with(&format!(
                "error: app {id} (\"A\") has no access credential to {verb}\n"
            )),
            "{err}"
        );
        assert!(
            err.contains(&format!(
                "hint: make one with `appctl keys create {id} access`"
            )),
            "{err}"
        );
        let v = env.run(&["--json", "--yes", "keys", verb, "A", "access"]);
        assert_eq!(v.status.code(), Some(3));
        let doc: serde_json::Value = serde_json::from_slice(&v.stderr).unwrap();
        assert_eq!(doc["error"]["kind"], "not_found");
    }
    assert_eq!(env.store_bytes(), before);
    // One that exists but is already unusable is a precondition (exit 4)
    // for revoke, and regenerate makes it anew.
    env.ok(&["keys", "create", "A", "access"]);
    env.ok(&["--yes", "keys", "revoke", "A", "access"]);
    let err = env.fails(&["--yes", "keys", "revoke", "A", "access"], 4);
    assert!(err.contains("is already revoked"), "{err}");
    assert!(
        err.contains(&format!("appctl keys create {id} access")),
        "{err}"
    );
    env.ok(&["keys", "regenerate", "A", "consumer"]);
    let err = env.fails(&["--yes", "keys", "revoke", "A", "bearer"], 4);
    assert!(err.contains("is already invalidated"), "{err}");
}

#[test]
fn unknown_kind_or_app() {
    let env = Env::new();
    env.app("A");
    env.fails(&["keys", "create", "A", "password"], 2);
    env.fails(&["keys", "list", "B"], 3);
    env.ok(&["app", "delete", "A", "--yes"]);
    env.fails(&["keys", "list", "1"], 3);
}

#[test]
fn env_output_can_be_sourced() {
    let env = Env::new();
    let out = env.ok(&["app", "create", "A", "--env"]);
    let names: Vec<&str> = out.lines().map(|l| l.split_once('=').unwrap().0).collect();
    assert_eq!(names, ["APP_ID", "API_KEY", "API_SECRET", "BEARER_TOKEN"]);
    assert_eq!(out.lines().next().unwrap(), "APP_ID=1");
    let script = format!("{out}\nprintf '%s' \"$BEARER_TOKEN\"");
    let sh = std::process::Command::new("sh")
        .arg("-c")
        .arg(&script)
        .output()
        .unwrap();
    let bearer = out.lines().nth(3).unwrap().split_once('=').unwrap().1;
    assert_eq!(String::from_utf8(sh.stdout).unwrap(), bearer);
    let access = env.ok(&["keys", "create", "A", "access", "--env"]);
    assert!(
        access.starts_with("APP_ID=1\nACCESS_TOKEN=") && access.contains("\nACCESS_TOKEN_SECRET=")
    );
    env.fails(&["--json", "keys", "regenerate", "A", "access", "--env"], 2);
}

#[test]
fn a_closed_stdout_while_secrets_are_shown_is_an_error_not_a_success() {
    let env = Env::new();
    let mut child = env.spawn(&["--json", "app", "create", "A"]);
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(7));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("could not be shown") && err.contains("regenerate"),
        "{err}"
    );
    // The same as a table, for people.
    let mut child = env.spawn(&["keys", "create", "A", "access"]);
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(7),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Ordinary output into a closed pipe stays quiet.
    let mut child = env.spawn(&["app", "list"]);
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    succeeded(&out);
}

#[test]
fn fingerprints_identify_without_revealing() {
    let env = Env::new();
    let v = env.json(&["app", "create", "A"]);
    let fps: Vec<String> = v["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["fingerprint"].as_str().unwrap().to_string())
        .collect();
    for (_, s) in v["secrets"].as_object().unwrap() {
        let s = s.as_str().unwrap();
        for fp in &fps {
            assert_eq!(fp.len(), 16);
            assert!(!s.contains(fp.as_str()) && !s.contains(&fp[..6]));
        }
    }
    let again = env.json(&["keys", "regenerate", "A", "consumer"]);
    assert_ne!(
        again["credentials"][0]["fingerprint"],
        v["credentials"][0]["fingerprint"]
    );
}

#[test]
fn a_failed_save_prints_no_secret_and_keeps_the_old_store() {
    let env = Env::new();
    env.app("A");
    let before = env.store_bytes();
    for fault in ["write", "enospc", "fsync", "rename"] {
        for args in [
            &["app", "create", "B"][..],
            &["keys", "regenerate", "A", "consumer"],
            &["--json", "keys", "create", "A", "access"],
        ] {
            let out = env
                .cmd()
                .env("APPCTL_FAULT", fault)
                .args(args)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(7), "{fault} {args:?}");
            assert!(
                out.stdout.is_empty(),
                "{fault} {args:?} printed {:?}",
                out.stdout
            );
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains("cannot"), "{err}");
            assert_eq!(env.store_bytes(), before, "{fault} {args:?}");
            // Nothing the failed save wrote stays beside the store.
            let mut dir = env.store_dir_files();
            dir.sort();
            assert_eq!(
                dir,
                ["store.appctl", "store.appctl.lock"],
                "{fault} {args:?}"
            );
        }
    }
    // If only the directory sync fails, the new store may be in place, but
    // the command could not confirm durability, so it still shows nothing.
    let out = env
        .cmd()
        .env("APPCTL_FAULT", "dirsync")
        .args(["app", "create", "C"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7));
    assert!(out.stdout.is_empty());
    env.ok(&["app", "create", "D"]);
    assert_eq!(env.json(&["app", "show", "D"])["name"], "D");
    assert_eq!(env.store_dir_files().len(), 2);
}

/// A long scripted session: every secret it is shown is collected, then no
/// later output of any command, and no byte of the store, may contain one.
#[test]
fn no_secret_is_ever_shown_twice() {
    let env = Env::new();
    let mut secrets: Vec<String> = Vec::new();
    let mut take = |v: &serde_json::Value| {
        for (_, s) in v["secrets"].as_object().unwrap() {
            secrets.push(s.as_str().unwrap().to_string());
        }
    };
    env.ok(&["project", "create", "P"]);
    for app in ["A", "B", "C"] {
        take(&env.json(&["app", "create", app, "--project", "P"]));
        take(&env.json(&["keys", "create", app, "access"]));
    }
    take(&env.json(&["keys", "regenerate", "A", "consumer"]));
    take(&env.json(&["keys", "create", "A", "bearer"]));
    take(&env.json(&["keys", "regenerate", "B", "bearer"]));
    take(&env.json(&["keys", "regenerate", "C", "access"]));
    env.ok(&["app", "update", "B", "--permissions", "read-write-dm"]);
    take(&env.json(&["keys", "regenerate", "B", "access"]));
    // Secrets shown as `Label: value` lines and as KEY=value lines count too.
    let table = env.ok(&["keys", "regenerate", "C", "consumer"]);
    let env_lines = env.ok(&["keys", "regenerate", "A", "access", "--env"]);
    for line in env_lines.lines().filter(|l| !l.starts_with("APP_ID=")) {
        secrets.push(line.split_once('=').unwrap().1.to_string());
    }
    let table_values: Vec<String> = table
        .lines()
        .filter(|l| l.starts_with("API key:") || l.starts_with("API secret:"))
        .map(|l| l.split_once(':').unwrap().1.trim().to_string())
        .collect();
    assert_eq!(table_values.len(), 2, "{table}");
    secrets.extend(table_values);
    env.ok(&["--yes", "keys", "revoke", "B", "consumer"]);
    env.ok(&["--yes", "keys", "revoke", "C", "access"]);
    env.ok(&["app", "suspend", "C", "--reason", "testing"]);
    env.fails(&["keys", "regenerate", "C", "consumer"], 4);
    env.fails(&["keys", "create", "A", "consumer"], 4);
    env.ok(&["--yes", "app", "delete", "B"]);
    assert_eq!(secrets.len(), 27);

    let mut later = env.store_bytes();
    for args in [
        &["dashboard"][..],
        &["--json", "dashboard"],
        &["app", "list"],
        &["--json", "app", "list"],
        &["project", "show", "P"],
        &["--json", "project", "show", "P"],
        &["log", "--limit", "1000"],
        &["--json", "log", "--limit", "1000"],
        &["keys", "list", "A"],
        &["--json", "keys", "list", "C"],
        &["app", "show", "A"],
        &["--json", "app", "show", "C"],
        &["keys", "create", "A", "consumer"],
        &["keys", "list", "B"],
    ] {
        let out = env.run(args);
        later.extend(out.stdout);
        later.extend(out.stderr);
    }
    for s in &secrets {
        assert!(
            !contains(&later, s.as_bytes()),
            "a secret was shown again or stored in clear"
        );
    }
}
