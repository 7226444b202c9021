//! Sessions, passphrase change, recovery key, check and backup.

use crate::util::{Env, PASSPHRASE, contains, mode, succeeded};
use std::time::Duration;

/// Unlocks and returns the `APPCTL_SESSION` value.
fn unlock(env: &Env, ttl: &str) -> String {
    let out = env.ok(&["unlock", "--ttl", ttl]);
    let line = out.trim();
    line.strip_prefix("export APPCTL_SESSION=")
        .unwrap_or_else(|| panic!("unexpected unlock output: {out}"))
        .to_string()
}

/// `appctl` with a session and no passphrase source at all.
fn with_session(env: &Env, session: &str) -> assert_cmd::Command {
    let mut c = env.cmd();
    c.env_remove("APPCTL_PASSPHRASE")
        .env("APPCTL_SESSION", session);
    c
}

#[test]
fn a_session_replaces_the_passphrase_until_it_is_locked() {
    let env = Env::new();
    let s = unlock(&env, "15m");
    for args in [
        &["app", "create", "A"][..],
        &["app", "list"],
        &["keys", "create", "A", "access"],
        &["check"],
    ] {
        let out = with_session(&env, &s).args(args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The session is used even when a (wrong) passphrase source is also set.
    let out = with_session(&env, &s)
        .env("APPCTL_PASSPHRASE", "wrong")
        .args(["app", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    // The session file is private.
    let dir = env.dir.path().join(".local/share/appctl/sessions");
    assert_eq!(mode(&dir), 0o700);
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    assert_eq!(mode(&files[0]), 0o600);
    // unlock itself always needs the passphrase.
    let out = with_session(&env, &s).args(["unlock"]).output().unwrap();
    assert_eq!(out.status.code(), Some(8));
    let out = with_session(&env, &s).args(["lock"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = with_session(&env, &s)
        .args(["app", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unlock again"));
}

#[test]
fn a_session_expires() {
    let env = Env::new();
    let s = unlock(&env, "1s");
    std::thread::sleep(Duration::from_millis(2100));
    let out = with_session(&env, &s)
        .args(["app", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("expired") && err.contains("appctl unlock"),
        "{err}"
    );
}

#[test]
fn a_session_is_bound_to_its_store() {
    let a = Env::new();
    let b = Env::new();
    let s = unlock(&a, "5m");
    let out = with_session(&a, &s)
        .env("APPCTL_STORE", &b.store)
        .args(["app", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&out.stderr).contains("another store"));
}

#[test]
fn unlock_json_and_runtime_dir() {
    let env = Env::new();
    let runtime = env.path("run");
    std::fs::create_dir(&runtime).unwrap();
    let out = env
        .cmd()
        .env("XDG_RUNTIME_DIR", &runtime)
        .args(["--json", "unlock", "--ttl", "90s"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let session = v["session"].as_str().unwrap();
    assert!(v["expires_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(
        std::fs::read_dir(runtime.join("appctl")).unwrap().count(),
        1
    );
    let out = with_session(&env, session)
        .env("XDG_RUNTIME_DIR", &runtime)
        .args(["app", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    env.fails(&["unlock", "--ttl", "soon"], 9);
    env.fails(&["unlock", "--ttl", "48h"], 9);
    let out = with_session(&env, "garbage")
        .args(["app", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
}

#[test]
fn passwd_changes_the_passphrase_and_keeps_everything() {
    let env = Env::new();
    env.app("Kept");
    let session = unlock(&env, "15m");
    let new = env.path("new");
    std::fs::write(&new, "a much better passphrase\n").unwrap();
    env.fails(&["passwd"], 8);
    env.fails(
        &[
            "passwd",
            "--new-passphrase-file",
            new.to_str().unwrap(),
            "--kdf-memory-mib",
            "8",
        ],
        9,
    );
    env.ok(&[
        "passwd",
        "--new-passphrase-file",
        new.to_str().unwrap(),
        "--kdf-memory-mib",
        "20",
        "--kdf-iterations",
        "2",
    ]);
    env.fails(&["app", "list"], 5);
    let out = with_session(&env, &session)
        .args(["app", "list"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(5),
        "passwd ends the sessions of the old passphrase"
    );
    let out = env
        .cmd()
        .env("APPCTL_PASSPHRASE", "a much better passphrase")
        .args(["--json", "check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["key_slots"][0]["memory_mib"], 20);
    assert_eq!(v["counts"]["apps"], 1);
    let log = env
        .cmd()
        .env("APPCTL_PASSPHRASE", "a much better passphrase")
        .args(["log", "--limit", "1"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&log.stdout).contains("store.passwd"));
}

#[test]
fn the_recovery_key_sets_a_new_passphrase_and_can_be_replaced() {
    let env = Env::bare();
    let v = env.json(&["init", "--kdf-memory-mib", "19", "--kdf-iterations", "2"]);
    let rk = v["secrets"]["recovery_key"].as_str().unwrap().to_string();
    assert_eq!(rk.len(), 47, "{rk}");
    env.app("Kept");
    let rk_file = env.path("rk");
    std::fs::write(&rk_file, format!("{rk}\n")).unwrap();
    let new = env.path("new");
    std::fs::write(&new, "recovered passphrase").unwrap();
    let wrong = env.path("wrong");
    std::fs::write(&wrong, "AAAAA-BBBBB").unwrap();
    let before = env.store_bytes();
    let recover_with = |key: &std::path::Path, code| {
        env.fails(
            &[
                "recover",
                "--recovery-key-file",
                key.to_str().unwrap(),
                "--new-passphrase-file",
                new.to_str().unwrap(),
            ],
            code,
        )
    };
    // Not a recovery key at all; a well-formed one of no store here.
    recover_with(&wrong, 9);
    std::fs::write(&wrong, appctl::crypto::token::recovery_key().expose()).unwrap();
    recover_with(&wrong, 5);
    assert_eq!(env.store_bytes(), before);
    // recover needs no passphrase at all.
    let out = env.recover(&rk_file, &new).output().unwrap();
    succeeded(&out);
    env.fails(&["app", "list"], 5);
    let recovered = |args: &[&str]| {
        env.cmd()
            .env("APPCTL_PASSPHRASE", "recovered passphrase")
            .args(args)
            .output()
            .unwrap()
    };
    let out = recovered(&["--json", "app", "show", "Kept"]);
    assert_eq!(out.status.code(), Some(0));

    let out = recovered(&["--json", "recovery-key", "regenerate"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rk2 = v["secrets"]["recovery_key"].as_str().unwrap().to_string();
    assert_ne!(rk, rk2);
    let out = env.recover(&rk_file, &new).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(5),
        "the old recovery key no longer works"
    );
    // Neither recovery key is ever shown again.
    let mut later = env.store_bytes();
    for args in [
        &["log"][..],
        &["--json", "log"],
        &["check"],
        &["--json", "check"],
        &["dashboard"],
    ] {
        let out = recovered(args);
        later.extend(out.stdout);
        later.extend(out.stderr);
    }
    assert!(!contains(&later, rk.as_bytes()) && !contains(&later, rk2.as_bytes()));
}

#[test]
fn check_reports_a_sound_store_and_fails_on_a_damaged_one() {
    let env = Env::new();
    env.app("A");
    let v = env.json(&["check"]);
    assert_eq!(v["sound"], true);
    assert_eq!(v["format_version"], appctl::store::envelope::FORMAT_VERSION);
    assert_eq!(v["schema_version"], appctl::store::schema::CURRENT);
    assert_eq!(v["key_slots"][0]["slot"], "passphrase");
    assert_eq!(v["key_slots"][1]["slot"], "recovery key");
    assert_eq!(v["counts"]["apps"], 1);
    assert_eq!(v["modes"]["store_file"], "0600");
    let table = env.ok(&["check"]);
    assert!(
        table.contains("sound") && table.contains("Argon2id 19 MiB"),
        "{table}"
    );
    let mut bytes = env.store_bytes();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x40;
    std::fs::write(&env.store, &bytes).unwrap();
    env.fails(&["check"], 6);
    env.fails(&["check"], 6);
}

#[test]
fn backup_is_a_consistent_encrypted_copy_that_never_overwrites() {
    let env = Env::new();
    env.app("A");
    let dest = env.path("backup.appctl");
    let v = env.json(&["backup", dest.to_str().unwrap()]);
    assert_eq!(v["bytes"].as_u64().unwrap(), env.store_bytes().len() as u64);
    assert_eq!(std::fs::read(&dest).unwrap(), env.store_bytes());
    assert_eq!(mode(&dest), 0o600);
    env.fails(&["backup", dest.to_str().unwrap()], 4);
    env.fails(&["backup", env.store.to_str().unwrap()], 4);
    // The copy opens with the same passphrase and holds the same apps.
    env.app("B");
    let out = env
        .cmd()
        .env("APPCTL_STORE", &dest)
        .env("APPCTL_PASSPHRASE", PASSPHRASE)
        .args(["--json", "app", "list"])
        .output()
        .unwrap();
    let apps: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(apps.as_array().unwrap().len(), 1);
    // Restoring is copying it back.
    std::fs::copy(&dest, &env.store).unwrap();
    assert_eq!(env.json(&["app", "list"]).as_array().unwrap().len(), 1);
}

#[test]
fn recovery_keys_can_be_printed_as_env_lines() {
    let env = Env::bare();
    let out = env.ok(&[
        "init",
        "--kdf-memory-mib",
        "19",
        "--kdf-iterations",
        "2",
        "--env",
    ]);
    let line = out.trim();
    let key = line
        .strip_prefix("RECOVERY_KEY=")
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(key.len(), 47);
    assert_eq!(out.lines().count(), 1);
    let again = env.ok(&["recovery-key", "regenerate", "--env"]);
    assert!(again.starts_with("RECOVERY_KEY=") && !again.contains(key));
    env.fails(&["--json", "recovery-key", "regenerate", "--env"], 2);
}

#[test]
fn lock_with_a_malformed_session_says_so_and_ends_nothing() {
    let env = Env::new();
    let s = unlock(&env, "15m");
    let out = with_session(&env, "not-a-session")
        .args(["lock"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    let out = with_session(&env, &s)
        .args(["app", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "the real session still works");
}
