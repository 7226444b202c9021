//! Guards for the performance design that time nothing: how many key
//! derivations each command does, and what calibration picks.

use crate::util::Env;

/// Runs `args` with the derivation log on and returns how many derivations it did.
fn derivations(env: &Env, cmd: &mut assert_cmd::Command, args: &[&str]) -> usize {
    let log = env.path("kdf.log");
    let _ = std::fs::remove_file(&log);
    let out = cmd.env("APPCTL_KDF_LOG", &log).args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_to_string(&log).map_or(0, |s| s.lines().count())
}

#[test]
fn one_derivation_with_a_passphrase_none_with_a_session() {
    let env = Env::bare();
    assert_eq!(
        derivations(
            &env,
            &mut env.cmd(),
            &["init", "--kdf-memory-mib", "19", "--kdf-iterations", "2"]
        ),
        2,
        "init derives the passphrase slot and the recovery slot"
    );
    let commands: [&[&str]; 8] = [
        &["project", "create", "P"],
        &["app", "create", "A", "--project", "P"],
        &["app", "list"],
        &["app", "show", "A"],
        &["keys", "regenerate", "A", "consumer"],
        &["app", "update", "A", "--permissions", "read-write"],
        &["dashboard"],
        &["app", "delete", "A", "--yes"],
    ];
    for args in commands {
        assert_eq!(
            derivations(&env, &mut env.cmd(), args),
            1,
            "{args:?} with a passphrase"
        );
    }
    let out = env.ok(&["unlock"]);
    let session = out.trim().strip_prefix("export APPCTL_SESSION=").unwrap();
    env.ok(&["project", "delete", "P", "--yes"]);
    for args in commands {
        let mut cmd = env.cmd();
        cmd.env_remove("APPCTL_PASSPHRASE")
            .env("APPCTL_SESSION", session);
        assert_eq!(
            derivations(&env, &mut cmd, args),
            0,
            "{args:?} with a session"
        );
    }
}

#[test]
fn init_calibrates_memory_first_and_never_below_the_floor() {
    let env = Env::bare();
    let v = env.json(&["init", "--kdf-target-ms", "60"]);
    let kdf = &v["kdf"];
    assert!(kdf["memory_mib"].as_u64().unwrap() >= 19, "{kdf}");
    assert!(kdf["iterations"].as_u64().unwrap() >= 2, "{kdf}");
    assert!(kdf["calibrated_ms"].as_u64().is_some(), "{kdf}");
    let check = env.json(&["check"]);
    assert_eq!(check["key_slots"][0]["memory_mib"], kdf["memory_mib"]);
    assert!(check["key_slots"][0]["measured_ms"].is_u64());
    let other = Env::bare();
    other.fails(&["init", "--kdf-target-ms", "0"], 9);
    other.fails(
        &["init", "--kdf-target-ms", "100", "--kdf-memory-mib", "32"],
        2,
    );
}
