//! `appctl status`: a report of the store and this shell's session that
//! never asks for a passphrase and never shows a secret.

use crate::pty::{Term, plain};
use crate::util::{Env, contains};
use serde_json::Value;

/// `appctl --json status` with `vars` set, no passphrase source but a
/// passphrase command that would leave a mark if it were run.
fn status(env: &Env, vars: &[(&str, &str)]) -> (Value, String) {
    let marker = env.path("passphrase-command-ran");
    let mut c = env.cmd();
    c.env_remove("APPCTL_PASSPHRASE").env(
        "APPCTL_PASSPHRASE_COMMAND",
        format!("touch {}", marker.display()),
    );
    for (k, v) in vars {
        c.env(k, v);
    }
    let out = c.args(["--json", "status"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!marker.exists(), "status ran the passphrase command");
    let doc = serde_json::from_slice(&out.stdout).unwrap();
    keys_are_snake_case(&doc);
    (doc, stderr)
}

fn keys_are_snake_case(v: &Value) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                let mut chars = k.chars();
                assert!(
                    chars.next().is_some_and(|c| c.is_ascii_lowercase())
                        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                    "{k}"
                );
                keys_are_snake_case(v);
            }
        }
        Value::Array(a) => a.iter().for_each(keys_are_snake_case),
        _ => {}
    }
}

/// Unlocks and returns the `APPCTL_SESSION` value and its expiry.
fn unlock(env: &Env, ttl: &str) -> (String, String) {
    let doc = env.json(&["unlock", "--ttl", ttl]);
    (
        doc["session"].as_str().unwrap().to_string(),
        doc["expires_at"].as_str().unwrap().to_string(),
    )
}

fn locked(doc: &Value) {
    assert_eq!(doc["unlocked"], false);
    assert_eq!(doc["owner"], Value::Null);
    assert_eq!(doc["counts"], Value::Null);
    assert_eq!(doc["schema_version"], Value::Null);
    assert_eq!(doc["session"]["expires_at"], Value::Null);
}

#[test]
fn without_a_store_it_says_where_one_would_be_and_how_to_make_it() {
    let env = Env::bare();
    let (doc, stderr) = status(&env, &[]);
    assert_eq!(doc["store"], env.store.display().to_string());
    assert_eq!(doc["exists"], false);
    assert_eq!(doc["size_bytes"], Value::Null);
    assert_eq!(doc["session"]["state"], "none");
    locked(&doc);
    assert!(stderr.is_empty(), "{stderr}");
    let out = env.run(&["status"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(&format!("{} (no store yet)", env.store.display())));
    assert!(String::from_utf8_lossy(&out.stderr).contains("appctl init"));
    assert!(!env.store.exists(), "status creates nothing");
}

#[test]
fn locked_it_shows_what_the_header_tells_and_asks_for_nothing() {
    let env = Env::new();
    let before = env.store_bytes();
    let (doc, _) = status(&env, &[]);
    assert_eq!(doc["exists"], true);
    assert_eq!(doc["size_bytes"], before.len() as u64);
    assert!(doc["format_version"].as_u64().unwrap() >= 1);
    assert_eq!(doc["session"]["state"], "none");
    locked(&doc);
    // Even with a passphrase at hand, status does not derive a key.
    let out = env.run(&["status"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("none in this shell"), "{stdout}");
    assert!(!stdout.contains("@alice"), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("eval \"$(appctl unlock)\""), "{stderr}");
    assert_eq!(env.store_bytes(), before);
}

#[test]
fn at_a_terminal_without_a_session_it_does_not_prompt() {
    let env = Env::new();
    let mut t = Term::spawn(&env, 80, &["status"], &[]);
    let (code, screen) = t.wait();
    assert_eq!(code.code(), Some(0), "{screen}");
    let screen = plain(&screen);
    assert!(!screen.contains("Passphrase"), "{screen}");
    assert!(screen.contains("Session:"), "{screen}");
}

#[test]
fn with_a_valid_session_it_shows_owner_and_contents_but_no_secret() {
    let env = Env::new();
    env.ok(&["project", "create", "P"]);
    let made = env.json(&["app", "create", "A", "--project", "P"]);
    env.ok(&["app", "create", "B"]);
    let (session, expires_at) = unlock(&env, "2h");
    let (doc, _) = status(&env, &[("APPCTL_SESSION", &session)]);
    assert_eq!(doc["unlocked"], true);
    assert_eq!(doc["session"]["state"], "valid");
    assert_eq!(doc["session"]["expires_at"], expires_at.as_str());
    assert_eq!(doc["owner"]["handle"], "alice");
    let user_id = doc["owner"]["user_id"].as_str().unwrap();
    assert!(user_id.bytes().all(|b| b.is_ascii_digit()), "{user_id}");
    assert_eq!(doc["counts"]["projects"], 1);
    assert_eq!(doc["counts"]["apps"], 2);
    assert_eq!(doc["counts"]["credentials"], 4);
    assert!(doc["schema_version"].as_u64().unwrap() >= 1);

    let out = env
        .cmd()
        .env_remove("APPCTL_PASSPHRASE")
        .env("APPCTL_SESSION", &session)
        .arg("status")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("valid until {expires_at}")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("@alice (user ID {user_id})")),
        "{stdout}"
    );
    assert!(stdout.contains("1 project(s), 2 app(s), 4 credential(s)"));
    // Neither the session (nor either half of it) nor a secret is shown.
    let (id, key) = session.split_once('.').unwrap();
    let mut secrets: Vec<&str> = vec![&session, id, key];
    let values = made["secrets"].as_object().unwrap();
    secrets.extend(values.values().map(|v| v.as_str().unwrap()));
    let json_out = serde_json::to_string(&doc).unwrap();
    for s in secrets {
        for shown in [&out.stdout, &out.stderr, json_out.as_bytes()] {
            assert!(!contains(shown, s.as_bytes()), "status showed a secret");
        }
    }
}

#[test]
fn after_lock_or_expiry_the_session_is_reported_ended() {
    let env = Env::new();
    let (session, _) = unlock(&env, "15m");
    env.cmd()
        .env("APPCTL_SESSION", &session)
        .arg("lock")
        .assert()
        .success();
    let (doc, _) = status(&env, &[("APPCTL_SESSION", &session)]);
    assert_eq!(doc["session"]["state"], "ended");
    locked(&doc);

    let (short, _) = unlock(&env, "1s");
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let (doc, _) = status(&env, &[("APPCTL_SESSION", &short)]);
    assert_eq!(doc["session"]["state"], "ended");
    locked(&doc);
    let out = env
        .cmd()
        .env("APPCTL_SESSION", &short)
        .arg("status")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "a report, not a failure");
    assert!(String::from_utf8_lossy(&out.stdout).contains("expired or ended"));
}

#[test]
fn a_session_of_another_store_or_a_malformed_one_is_named_so() {
    let env = Env::new();
    let other = Env::new();
    // Both stores' sessions live in the same directory (the same HOME).
    let doc = other.json(&["unlock"]);
    let foreign = doc["session"].as_str().unwrap();
    let sessions = other.dir.path().join(".local/share/appctl/sessions");
    let mine = env.dir.path().join(".local/share/appctl/sessions");
    std::fs::create_dir_all(mine.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(&sessions, &mine).unwrap();
    let (doc, _) = status(&env, &[("APPCTL_SESSION", foreign)]);
    assert_eq!(doc["session"]["state"], "other_store");
    locked(&doc);
    let (doc, _) = status(&env, &[("APPCTL_SESSION", "not-a-session")]);
    assert_eq!(doc["session"]["state"], "malformed");
    locked(&doc);
}
