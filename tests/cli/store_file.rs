//! Section 3: the store file — init, modes, secrecy of contents, wrong
//! passphrase vs damage, and that failures leave the file untouched.

use crate::util::{Env, contains, mode, succeeded};

#[test]
fn init_creates_0600_file_in_0700_dir_and_refuses_to_overwrite() {
    let env = Env::new();
    assert_eq!(mode(&env.store), 0o600);
    assert_eq!(mode(env.store.parent().unwrap()), 0o700);
    let lock = env.store.with_extension("appctl.lock");
    assert_eq!(mode(&lock), 0o600);
    let before = env.store_bytes();
    let err = env.fails(&["init"], 4);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(env.store_bytes(), before);
}

#[test]
fn init_refuses_kdf_settings_below_the_floor() {
    let env = Env::bare();
    let err = env.fails(&["init", "--kdf-memory-mib", "18"], 9);
    assert!(err.contains("below the floor of 19 MiB"), "{err}");
    let err = env.fails(
        &["init", "--kdf-memory-mib", "19", "--kdf-iterations", "1"],
        9,
    );
    assert!(err.contains("below the floor of 2"), "{err}");
    assert!(!env.store.exists());
}

#[test]
fn init_json_reports_versions_and_kdf() {
    let env = Env::bare();
    let v = env.json(&[
        "init",
        "--owner",
        "bob",
        "--kdf-memory-mib",
        "19",
        "--kdf-iterations",
        "2",
    ]);
    assert_eq!(v["owner"]["handle"], "bob");
    assert!(
        v["owner"]["user_id"]
            .as_str()
            .unwrap()
            .bytes()
            .all(|b| b.is_ascii_digit())
    );
    assert_eq!(v["format_version"], appctl::store::envelope::FORMAT_VERSION);
    assert_eq!(v["kdf"]["memory_mib"], 19);
    assert_eq!(v["kdf"]["iterations"], 2);
}

#[test]
fn commands_without_a_store_say_how_to_make_one() {
    let env = Env::bare();
    let err = env.fails(&["app", "list"], 3);
    assert!(err.contains("appctl init"), "{err}");
}

#[test]
fn the_file_reveals_no_names_settings_or_secrets() {
    let env = Env::new();
    env.ok(&[
        "project",
        "create",
        "ProjectNeedle",
        "--description",
        "DescriptionNeedle",
    ]);
    let v = env.json(&[
        "app",
        "create",
        "AppNeedle",
        "--project",
        "ProjectNeedle",
        "--website-url",
        "https://urlneedle.example.com",
        "--callback-url",
        "https://callbackneedle.example.com/cb",
        "--organization-name",
        "OrgNeedle",
    ]);
    let bytes = env.store_bytes();
    for needle in [
        "ProjectNeedle",
        "DescriptionNeedle",
        "AppNeedle",
        "urlneedle",
        "callbackneedle",
        "OrgNeedle",
        "alice",
        "SQLite format",
        "CREATE TABLE",
    ] {
        assert!(
            !contains(&bytes, needle.as_bytes()),
            "{needle} appears in the store file"
        );
    }
    for (_, secret) in v["secrets"].as_object().unwrap() {
        assert!(!contains(&bytes, secret.as_str().unwrap().as_bytes()));
    }
}

#[test]
fn wrong_passphrase_exits_5_and_leaves_the_file_byte_for_byte() {
    let env = Env::new();
    env.app("a1");
    let before = env.store_bytes();
    for args in [
        &["app", "list"][..],
        &["app", "create", "a2"],
        &["app", "delete", "a1", "--yes"],
    ] {
        let out = env
            .cmd()
            .env("APPCTL_PASSPHRASE", "wrong")
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(5), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("wrong passphrase"), "{err}");
    }
    assert_eq!(env.store_bytes(), before);
}

fn damaged(env: &Env, bytes: &[u8]) -> String {
    std::fs::write(&env.store, bytes).unwrap();
    let err = env.fails(&["app", "list"], 6);
    let err2 = env.fails(&["app", "create", "zz"], 6);
    assert_eq!(
        env.store_bytes(),
        bytes,
        "a damaged store is never rewritten"
    );
    assert!(err2.contains("damaged"));
    err
}

#[test]
fn flipped_bytes_truncation_and_garbage_exit_6() {
    let env = Env::new();
    env.app("a1");
    let good = env.store_bytes();
    // header: a byte of the salt; payload: a byte in the middle; the tag: last byte.
    for at in [40, good.len() / 2, good.len() - 1] {
        let mut b = good.clone();
        b[at] ^= 0x01;
        damaged(&env, &b);
    }
    for len in [0, 5, 100, 250, good.len() - 1] {
        damaged(&env, &good[..len]);
    }
    let mut longer = good.clone();
    longer.extend_from_slice(b"extra");
    damaged(&env, &longer);
    let err = damaged(&env, b"SQLite format 3\0 this is not a store");
    assert!(err.contains("not an appctl store"), "{err}");
    let mut v2 = good.clone();
    v2[8] = 9;
    let err = damaged(&env, &v2);
    assert!(err.contains("format version 9"), "{err}");
    std::fs::write(&env.store, &good).unwrap();
    env.ok(&["app", "list"]);
}

#[test]
fn every_change_rewrites_the_file_with_a_fresh_nonce() {
    let env = Env::new();
    let a = env.store_bytes();
    env.ok(&["project", "create", "p1"]);
    let b = env.store_bytes();
    assert_ne!(a[27..51], b[27..51], "payload nonce must change");
    assert_eq!(a[10..26], b[10..26], "the store ID stays");
    // Reads do not write.
    env.ok(&["project", "list"]);
    assert_eq!(env.store_bytes(), b);
    let leftovers = env.leftover_temps();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_killed_writers_temp_file_is_cleaned_by_the_next_write_and_never_read() {
    let env = Env::new();
    let dir = env.store.parent().unwrap();
    let temp = dir.join(".store.appctl.tmp-Ab3dE6gH9jK1");
    std::fs::write(&temp, b"half-written").unwrap();
    env.ok(&["app", "list"]);
    env.ok(&["project", "create", "p1"]);
    assert!(!temp.exists());
    assert_eq!(env.leftover_temps(), Vec::<String>::new());
    assert_eq!(env.json(&["project", "list"])[0]["name"], "p1");
}

#[test]
fn a_held_lock_gives_exit_7_not_a_hang() {
    let env = Env::new();
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .open(env.store.with_extension("appctl.lock"))
        .unwrap();
    lock.lock().unwrap();
    let before = env.store_bytes();
    let out = env
        .cmd()
        .env("APPCTL_LOCK_TIMEOUT", "0.3")
        .args(["project", "create", "p1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7));
    assert!(String::from_utf8_lossy(&out.stderr).contains("busy"));
    assert_eq!(env.store_bytes(), before);
    // Readers do not need the lock.
    env.ok(&["project", "list"]);
    drop(lock);
    env.ok(&["project", "create", "p1"]);
}

#[test]
fn concurrent_writers_lose_no_update() {
    let env = Env::new();
    let children: Vec<_> = (0..6)
        .map(|i| env.spawn(&["project", "create", &format!("p{i}")]))
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        succeeded(&out);
    }
    let list = env.json(&["project", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 6);
}

#[test]
fn a_symlinked_store_path_writes_the_real_store_under_its_lock() {
    let env = Env::new();
    let link = env.path("link.appctl");
    std::os::unix::fs::symlink(&env.store, &link).unwrap();
    let out = env
        .cmd()
        .env("APPCTL_STORE", &link)
        .args(["project", "create", "ViaLink"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link stays a link"
    );
    assert!(
        !env.path("link.appctl.lock").exists(),
        "the lock is the real store's"
    );
    let names = env.json(&["project", "list"]);
    assert_eq!(names[0]["name"], "ViaLink");
}

fn mkfifo(path: &std::path::Path) {
    let out = std::process::Command::new("mkfifo")
        .arg(path)
        .output()
        .unwrap();
    assert!(out.status.success());
}

/// Runs `cmd` and fails the test if it takes over 20 s: a command that
/// waits on a FIFO would never end.
fn output_within(mut cmd: std::process::Command) -> std::process::Output {
    let child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(child.wait_with_output().unwrap()));
    rx.recv_timeout(std::time::Duration::from_secs(20))
        .unwrap_or_else(|_| {
            let _ = std::process::Command::new("kill")
                .args(["-9", &pid.to_string()])
                .status();
            panic!("the command hung")
        })
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_store_path_that_is_a_fifo_a_device_or_huge_is_refused_at_once() {
    let env = Env::new();
    let fifo = env.path("fifo.appctl");
    mkfifo(&fifo);
    let huge = env.path("huge.appctl");
    let mut bytes = env.store_bytes();
    bytes.truncate(400);
    std::fs::write(&huge, &bytes).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&huge)
        .unwrap()
        .set_len(8 << 30)
        .unwrap();
    for (store, what) in [
        (&fifo, "not a regular file"),
        (&std::path::PathBuf::from("/dev/zero"), "not a regular file"),
        (&huge, "over 1 GiB"),
    ] {
        for args in [
            &["app", "list"][..],
            &["project", "create", "p"],
            &["check"],
        ] {
            let mut cmd = env.std_cmd();
            cmd.env("APPCTL_STORE", store).args(args);
            let out = output_within(cmd);
            let err = stderr_of(&out);
            assert_eq!(out.status.code(), Some(6), "{store:?} {args:?}: {err}");
            assert!(err.contains(what), "{err}");
        }
    }
}

#[test]
fn a_lock_file_that_is_a_fifo_or_a_link_is_refused_and_followed_nowhere() {
    let env = Env::new();
    let lock = env.store.with_extension("appctl.lock");
    let before = env.store_bytes();
    std::fs::remove_file(&lock).unwrap();
    mkfifo(&lock);
    let mut cmd = env.std_cmd();
    cmd.args(["project", "create", "p"]);
    let out = output_within(cmd);
    assert_eq!(out.status.code(), Some(9), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("is not a regular file (it is a FIFO)"));
    std::fs::remove_file(&lock).unwrap();
    let target = env.path("elsewhere");
    std::os::unix::fs::symlink(&target, &lock).unwrap();
    let out = env.run(&["project", "create", "p"]);
    assert_eq!(out.status.code(), Some(9), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("symbolic link"),
        "{}",
        stderr_of(&out)
    );
    assert!(!target.exists());
    assert_eq!(env.store_bytes(), before);
    std::fs::remove_file(&lock).unwrap();
    env.ok(&["project", "create", "p"]);
}

#[test]
fn a_session_file_that_is_a_fifo_or_huge_is_refused_at_once() {
    let env = Env::new();
    let session = env
        .ok(&["unlock", "--ttl", "1h"])
        .trim()
        .strip_prefix("export APPCTL_SESSION=")
        .unwrap()
        .to_string();
    let id = session.split('.').next().unwrap();
    let file = env.dir.path().join(".local/share/appctl/sessions").join(id);
    assert!(file.is_file(), "{file:?}");
    let with_session = || {
        let mut cmd = env.std_cmd();
        cmd.env_remove("APPCTL_PASSPHRASE")
            .env("APPCTL_SESSION", &session)
            .args(["app", "list"]);
        output_within(cmd)
    };
    std::fs::remove_file(&file).unwrap();
    mkfifo(&file);
    let out = with_session();
    assert_eq!(out.status.code(), Some(9), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("session file"),
        "{}",
        stderr_of(&out)
    );
    std::fs::remove_file(&file).unwrap();
    std::fs::File::create(&file)
        .unwrap()
        .set_len(8 << 30)
        .unwrap();
    let out = with_session();
    assert_eq!(out.status.code(), Some(5), "{}", stderr_of(&out));
}

/// Another program's lock on the store file (a backup tool's, say) makes
/// no command wait: readers take no lock, and writers lock the lock file.
#[test]
fn another_programs_lock_on_the_store_file_holds_up_no_command() {
    let env = Env::new();
    let store = std::fs::File::open(&env.store).unwrap();
    store.lock().unwrap();
    let start = std::time::Instant::now();
    env.ok(&["project", "create", "p"]);
    env.ok(&["project", "list"]);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
}
