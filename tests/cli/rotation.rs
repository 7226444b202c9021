//! `passwd`, `recover` and `recovery-key regenerate` seal the store under a
//! new data key: nothing from before (a passphrase, a recovery key, a
//! session, with any bytes of an earlier file) opens what is written
//! afterwards, while the recovery key keeps working across `passwd`.

use crate::util::{Env, PASSPHRASE, succeeded};
use appctl::crypto::kdf;
use appctl::crypto::token::normalize_recovery_key;
use appctl::store::envelope::{self, Header, SlotKind};
use std::path::{Path, PathBuf};
use std::process::Output;

const NEW: &str = "a much better passphrase";

/// A store made with `init --json`, and its recovery key.
fn store_with_recovery_key() -> (Env, String) {
    let env = Env::bare();
    let v = env.json(&["init", "--kdf-memory-mib", "19", "--kdf-iterations", "2"]);
    let rk = v["secrets"]["recovery_key"].as_str().unwrap().to_string();
    (env, rk)
}

/// Writes `text` to the file `name` in the test directory.
fn file(env: &Env, name: &str, text: &str) -> PathBuf {
    let p = env.path(name);
    std::fs::write(&p, format!("{text}\n")).unwrap();
    p
}

/// `passwd` from `old` to `new`, at the cheapest KDF.
fn passwd(env: &Env, old: &str, new: &str) -> Output {
    let f = file(env, "new-passphrase", new);
    env.cmd()
        .env("APPCTL_PASSPHRASE", old)
        .args(["passwd", "--new-passphrase-file", f.to_str().unwrap()])
        .output()
        .unwrap()
}

/// `recover` of the store at `store` with the recovery key `rk`.
fn recover(env: &Env, store: &Path, rk: &str, new: &str) -> Output {
    // Files of their own for each store: splices are tried on two threads.
    let name = store.file_name().unwrap().to_str().unwrap();
    let k = file(env, &format!("{name}.rk"), rk);
    let f = file(env, &format!("{name}.new-passphrase"), new);
    env.recover(&k, &f)
        .env("APPCTL_STORE", store)
        .arg("--json")
        .output()
        .unwrap()
}

/// Exit code of `app list` on the store file `store` with `passphrase`.
fn list_with(env: &Env, store: &Path, passphrase: &str) -> Option<i32> {
    let out = env
        .cmd()
        .env("APPCTL_STORE", store)
        .env("APPCTL_PASSPHRASE", passphrase)
        .args(["app", "list"])
        .output()
        .unwrap();
    out.status.code()
}

/// The offsets at which the old file's first N bytes are spliced onto the
/// new one: every one through the longest header and a little beyond,
/// then points in the payload, short of the whole old file (which is a
/// backup and opens as it did).
fn splice_points(old: &[u8], new: &[u8]) -> Vec<usize> {
    let header = appctl::store::envelope::MAX_HEADER_LEN + 64;
    let mut points: Vec<usize> = (1..=header).step_by(3).collect();
    points.extend([header + 1000, 70_000, old.len() / 2, old.len() - 1]);
    points.retain(|&n| n < old.len() && n < new.len());
    points.sort_unstable();
    points.dedup();
    points
}

/// Every splice of `old`'s first N bytes onto `new` fails `opens` (which
/// gets a path to the spliced file and returns an exit code), on two
/// threads.
fn every_splice_fails(
    env: &Env,
    old: &[u8],
    new: &[u8],
    opens: impl Fn(&Path) -> Option<i32> + Sync,
) {
    assert_ne!(old, new);
    let points = splice_points(old, new);
    assert!(points.len() > 100, "{} splice points", points.len());
    let half = points.len() / 2;
    std::thread::scope(|s| {
        for (t, part) in [&points[..half], &points[half..]].into_iter().enumerate() {
            let opens = &opens;
            s.spawn(move || {
                let dir = env.path(&format!("splices-{t}"));
                std::fs::create_dir_all(&dir).unwrap();
                for &n in part {
                    let path = dir.join(format!("splice-{n}.appctl"));
                    let mut bytes = old[..n].to_vec();
                    bytes.extend_from_slice(&new[n..]);
                    std::fs::write(&path, &bytes).unwrap();
                    let code = opens(&path);
                    assert!(
                        matches!(code, Some(5 | 6)),
                        "the old file's first {n} bytes on the new one opened: {code:?}"
                    );
                    std::fs::remove_file(&path).unwrap();
                }
            });
        }
    });
}

/// What someone holding an old copy of the file and its old secret does
/// without appctl: takes the data key out of the old copy's slot of `kind`
/// and tries it on the current file, with that file's own header.
fn old_key_opens(old: &[u8], new: &[u8], kind: SlotKind, secret: &str) -> bool {
    let (old_header, _) = Header::decode(old).unwrap();
    let slot = old_header.slot(kind).unwrap();
    let secret = match kind {
        SlotKind::Passphrase => secret.as_bytes().to_vec(),
        // The recovery key as appctl derives from it (capitals, no dashes).
        SlotKind::Recovery => normalize_recovery_key(secret).to_vec(),
    };
    let slot_key = kdf::derive(&secret, &slot.salt, slot.kdf).unwrap();
    let data_key = slot
        .unwrap_key(&slot_key)
        .expect("the old secret opens the old copy");
    let (header, len) = Header::decode(new).unwrap();
    envelope::open(new, &header, len, &data_key).is_ok()
}

#[test]
fn after_passwd_no_splice_of_the_old_file_opens_with_the_old_passphrase() {
    let env = Env::new();
    env.app("Before");
    let old = env.store_bytes();
    succeeded(&passwd(&env, PASSPHRASE, NEW));
    // A secret made after the change.
    let after = env
        .cmd()
        .env("APPCTL_PASSPHRASE", NEW)
        .args(["app", "create", "After"])
        .output()
        .unwrap();
    succeeded(&after);
    let new = env.store_bytes();
    assert!(
        !old_key_opens(&old, &new, SlotKind::Passphrase, PASSPHRASE),
        "the old passphrase with the old header opens the new file"
    );
    every_splice_fails(&env, &old, &new, |p| list_with(&env, p, PASSPHRASE));
    // The old file itself is a backup: it opens as it did.
    let backup = env.path("backup.appctl");
    std::fs::write(&backup, &old).unwrap();
    assert_eq!(list_with(&env, &backup, PASSPHRASE), Some(0));
    assert_eq!(list_with(&env, &env.store, NEW), Some(0));
}

#[test]
fn after_regenerate_and_after_recover_no_splice_opens_with_the_old_recovery_key() {
    let (env, rk) = store_with_recovery_key();
    env.app("Before");
    let old = env.store_bytes();
    let out = env.run(&["--json", "recovery-key", "regenerate"]);
    succeeded(&out);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rk2 = v["secrets"]["recovery_key"].as_str().unwrap().to_string();
    let new = env.store_bytes();
    assert!(!old_key_opens(&old, &new, SlotKind::Recovery, &rk));
    // Each splice is a file of its own: a recovery that worked changes it.
    let with_key = |rk: String| {
        let env = &env;
        move |p: &Path| recover(env, p, &rk, "x").status.code()
    };
    every_splice_fails(&env, &old, &new, with_key(rk.clone()));

    // recover spends the recovery key it was given and makes a new one.
    let before = env.store_bytes();
    let out = recover(&env, &env.store, &rk2, NEW);
    succeeded(&out);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rk3 = v["secrets"]["recovery_key"].as_str().unwrap().to_string();
    assert_ne!(rk3, rk2);
    let after = env.store_bytes();
    assert!(!old_key_opens(&before, &after, SlotKind::Recovery, &rk2));
    assert!(!old_key_opens(
        &before,
        &after,
        SlotKind::Passphrase,
        PASSPHRASE
    ));
    every_splice_fails(&env, &before, &after, with_key(rk2.clone()));
    every_splice_fails(&env, &before, &after, |p| list_with(&env, p, PASSPHRASE));
    let copy = env.path("copy.appctl");
    std::fs::write(&copy, &after).unwrap();
    succeeded(&recover(&env, &copy, &rk3, "y"));
}

#[test]
fn the_recovery_key_from_init_opens_the_store_after_two_passwds() {
    let (env, rk) = store_with_recovery_key();
    env.app("Kept");
    succeeded(&passwd(&env, PASSPHRASE, "second"));
    let out = passwd(&env, "second", "third");
    succeeded(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("new data key"), "{text}");
    assert!(text.contains("Backups made before keep opening"), "{text}");
    assert!(
        !text.contains("Recovery key"),
        "passwd makes no new recovery key: {text}"
    );
    let out = recover(&env, &env.store, &rk, "recovered");
    succeeded(&out);
    assert_eq!(list_with(&env, &env.store, "recovered"), Some(0));
    assert_eq!(list_with(&env, &env.store, "third"), Some(5));
    let v = env
        .cmd()
        .env("APPCTL_PASSPHRASE", "recovered")
        .args(["--json", "app", "show", "Kept"])
        .output()
        .unwrap();
    succeeded(&v);
}

/// Unlocks with `XDG_RUNTIME_DIR` set to `runtime` (or unset, so the
/// session goes under HOME) and returns the session.
fn unlock_in(env: &Env, runtime: Option<&Path>, passphrase: &str) -> String {
    let mut c = env.cmd();
    c.env("APPCTL_PASSPHRASE", passphrase);
    if let Some(r) = runtime {
        c.env("XDG_RUNTIME_DIR", r);
    }
    let out = c
        .args(["--json", "unlock", "--ttl", "1h"])
        .output()
        .unwrap();
    succeeded(&out);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["session"].as_str().unwrap().to_string()
}

/// Exit code of `app list` with `session`, its directory chosen by `runtime`.
fn list_in(env: &Env, runtime: Option<&Path>, session: &str) -> Option<i32> {
    let mut c = env.cmd();
    c.env_remove("APPCTL_PASSPHRASE")
        .env("APPCTL_SESSION", session);
    if let Some(r) = runtime {
        c.env("XDG_RUNTIME_DIR", r);
    }
    c.args(["app", "list"]).output().unwrap().status.code()
}

fn runtime_dir(env: &Env, name: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let d = env.path(name);
    std::fs::create_dir(&d).unwrap();
    std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o700)).unwrap();
    d
}

#[test]
fn passwd_and_lock_all_end_sessions_in_every_directory() {
    let env = Env::new();
    let desktop = runtime_dir(&env, "desktop");
    let cron = runtime_dir(&env, "cron");
    let here = unlock_in(&env, Some(&desktop), PASSPHRASE);
    let there = unlock_in(&env, Some(&cron), PASSPHRASE);
    let home = unlock_in(&env, None, PASSPHRASE);
    assert_eq!(list_in(&env, Some(&cron), &there), Some(0));
    assert_eq!(list_in(&env, None, &home), Some(0));
    let f = file(&env, "new-passphrase", NEW);
    let out = env
        .cmd()
        .env("XDG_RUNTIME_DIR", &desktop)
        .args([
            "--json",
            "passwd",
            "--new-passphrase-file",
            f.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    succeeded(&out);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["ended_sessions"], 1,
        "one live session file was here: {v}"
    );
    assert_eq!(v["ended_sessions_everywhere"], true);
    assert_eq!(list_in(&env, Some(&desktop), &here), Some(5));
    assert_eq!(list_in(&env, Some(&cron), &there), Some(5));
    assert_eq!(list_in(&env, None, &home), Some(5));

    // lock --all, from one directory, ends a session in another.
    let there = unlock_in(&env, Some(&cron), NEW);
    let home = unlock_in(&env, None, NEW);
    let out = env
        .cmd()
        .env("APPCTL_PASSPHRASE", NEW)
        .env("XDG_RUNTIME_DIR", &desktop)
        .args(["lock", "--all"])
        .output()
        .unwrap();
    succeeded(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("in every session directory"), "{text}");
    assert_eq!(list_in(&env, Some(&cron), &there), Some(5));
    assert_eq!(list_in(&env, None, &home), Some(5));
    // The store itself is as it was.
    assert_eq!(list_with(&env, &env.store, NEW), Some(0));
}

/// Waits until `path` exists.
fn wait_for(path: &Path) {
    let start = std::time::Instant::now();
    while !path.exists() {
        assert!(
            start.elapsed().as_secs() < 60,
            "{} never came",
            path.display()
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// `unlock` with the old passphrase, held at `point` while `passwd` runs:
/// after derivation and before the lock (`derived`), or holding the lock
/// (`locked`). Either way no session made with the old passphrase works
/// once `passwd` has returned.
fn unlock_racing_passwd(point: &str) {
    let env = Env::new();
    let gate = env.path("gate");
    std::fs::create_dir(&gate).unwrap();
    let unlock = env
        .std_cmd()
        .env("APPCTL_FAULT", format!("pause-{point}:{}", gate.display()))
        .args(["--json", "unlock", "--ttl", "1h"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    wait_for(&gate.join(format!("{point}.reached")));
    let f = file(&env, "new-passphrase", NEW);
    let mut passwd = env
        .std_cmd()
        .args(["passwd", "--new-passphrase-file", f.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    if point == "derived" {
        // Nothing holds the lock: passwd commits before unlock goes on.
        assert!(passwd.wait().unwrap().success());
    } else {
        // unlock holds the lock; passwd waits for it.
        std::thread::sleep(std::time::Duration::from_millis(300));
        assert!(
            passwd.try_wait().unwrap().is_none(),
            "passwd waits for the lock"
        );
    }
    std::fs::write(gate.join(format!("{point}.go")), b"").unwrap();
    let out = unlock.wait_with_output().unwrap();
    assert!(passwd.wait().unwrap().success());
    match out.status.code() {
        Some(0) => {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            let session = v["session"].as_str().unwrap();
            assert_eq!(
                list_in(&env, None, session),
                Some(5),
                "a session made with the old passphrase outlived passwd"
            );
        }
        code => assert_eq!(code, Some(5), "{}", String::from_utf8_lossy(&out.stderr)),
    }
    assert_eq!(list_with(&env, &env.store, NEW), Some(0));
}

#[test]
fn unlock_that_derived_before_passwd_committed_makes_no_session() {
    unlock_racing_passwd("derived");
}

#[test]
fn a_session_unlock_made_while_passwd_waited_ends_with_it() {
    unlock_racing_passwd("locked");
}

/// A character of the recovery key alphabet other than `c`.
fn another(c: char) -> char {
    if c == 'X' { 'Y' } else { 'X' }
}

#[test]
fn recovery_keys_are_read_in_any_case_and_a_typo_is_told_from_a_wrong_key() {
    let (env, rk) = store_with_recovery_key();
    assert_eq!(rk.len(), 47, "{rk}");
    assert!(
        rk.chars()
            .all(|c| c == '-' || "23456789ABCDEFGHJKMNPQRSTUVWXYZ".contains(c)),
        "{rk}"
    );
    let (other, other_rk) = store_with_recovery_key();
    drop(other);
    let before = env.store_bytes();
    // One changed character: exit 9, before any key derivation.
    let mut typo: Vec<char> = rk.chars().collect();
    typo[13] = another(typo[13]);
    let typo: String = typo.into_iter().collect();
    let out = recover(&env, &env.store, &typo, NEW);
    assert_eq!(out.status.code(), Some(9));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("a character is wrong"), "{err}");
    assert!(!err.contains(&typo) && !err.contains(&rk[..10]), "{err}");
    // A look-alike that no key has: exit 9, naming where.
    let zero = format!("0{}", &rk[1..]);
    let out = recover(&env, &env.store, &zero, NEW);
    assert_eq!(out.status.code(), Some(9));
    assert!(String::from_utf8_lossy(&out.stderr).contains("character 1 "));
    // A well-formed key of another store: exit 5.
    assert_eq!(
        recover(&env, &env.store, &other_rk, NEW).status.code(),
        Some(5)
    );
    assert_eq!(
        env.store_bytes(),
        before,
        "nothing failed changed the store"
    );
    // Lower case, spaces for dashes, as an env line: it works.
    let typed = format!("RECOVERY_KEY={}", rk.to_lowercase().replace('-', " "));
    let out = recover(&env, &env.store, &typed, NEW);
    succeeded(&out);
    assert_eq!(list_with(&env, &env.store, NEW), Some(0));
}

#[test]
fn recover_reads_the_env_file_init_writes() {
    let env = Env::bare();
    let out = env.ok(&[
        "init",
        "--kdf-memory-mib",
        "19",
        "--kdf-iterations",
        "2",
        "--env",
    ]);
    let envfile = file(&env, "recovery.env", out.trim());
    let f = file(&env, "new-passphrase", NEW);
    let out = env.recover(&envfile, &f).output().unwrap();
    succeeded(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("A recovery key that was used is spent"),
        "{text}"
    );
    // Without the file and without a terminal: exit 8, naming the option.
    let err = env.fails(
        &["recover", "--new-passphrase-file", f.to_str().unwrap()],
        8,
    );
    assert!(err.contains("--recovery-key-file"), "{err}");
}

#[test]
fn recover_asks_for_the_recovery_key_at_a_terminal() {
    let (env, rk) = store_with_recovery_key();
    let mut t = crate::pty::Term::spawn(&env, 80, &["recover"], &[]);
    t.prompt("Recovery key: ");
    // Typed in lower case with spaces, not echoed.
    t.send(&format!("{}\r", rk.to_lowercase().replace('-', " ")));
    t.prompt("ew passphrase");
    t.send(&format!("{NEW}\r"));
    t.prompt("Repeat the passphrase: ");
    t.send(&format!("{NEW}\r"));
    let (status, screen) = t.wait();
    assert!(status.success(), "{screen}");
    assert!(
        !screen.contains(&rk.to_lowercase()[..10]),
        "the key was echoed: {screen}"
    );
    assert!(screen.contains("Recovery key"), "{screen}");
    assert_eq!(list_with(&env, &env.store, NEW), Some(0));
}
