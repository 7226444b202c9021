//! Section 3's promises under stress: killed writers, failing writes and
//! concurrent commands. Nothing committed is ever lost.

use crate::util::{Env, succeeded};
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// A small deterministic generator; the seed is printed so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn new() -> Rng {
        let seed = std::env::var("APPCTL_TEST_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
            });
        eprintln!("seed: APPCTL_TEST_SEED={seed}");
        Rng(seed | 1)
    }

    fn below(&mut self, n: u64) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

fn unlock(env: &Env) -> String {
    env.ok(&["unlock", "--ttl", "1h"])
        .trim()
        .strip_prefix("export APPCTL_SESSION=")
        .unwrap()
        .to_string()
}

fn project_names(env: &Env) -> HashSet<String> {
    env.json(&["project", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn sigkilled_writers_leave_the_old_or_new_store_and_lose_nothing_committed() {
    let env = Env::new();
    let session = unlock(&env);
    let mut rng = Rng::new();
    let deadline = Instant::now() + Duration::from_secs(40);
    let (mut committed, mut killed) = (Vec::new(), 0);
    let mut round = 0;
    while round < 400 && Instant::now() < deadline {
        let name = format!("p{round}");
        // Half the writers derive a key (tens of ms), half use the session
        // (a few ms), so kills land in every phase of a command.
        let with_session = round % 2 == 0;
        let mut cmd = env.std_cmd();
        if with_session {
            cmd.env_remove("APPCTL_PASSPHRASE")
                .env("APPCTL_SESSION", &session);
        }
        let mut child = cmd
            .args(["project", "create", &name])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let window = if with_session { 30_000 } else { 150_000 };
        std::thread::sleep(Duration::from_micros(rng.below(window)));
        let _ = child.kill();
        let status = child.wait().unwrap();
        if status.success() {
            committed.push(name);
        } else {
            killed += 1;
        }
        round += 1;
        if round % 50 == 0 {
            env.ok(&["app", "list"]);
        }
    }
    eprintln!(
        "{round} rounds: {} committed, {killed} killed",
        committed.len()
    );
    assert!(round >= 100, "too few rounds ran: {round}");
    assert!(
        killed > 0 && !committed.is_empty(),
        "kills should land both before and after commits"
    );
    let v = env.json(&["check"]);
    assert_eq!(v["sound"], true, "{v}");
    let names = project_names(&env);
    for name in &committed {
        assert!(names.contains(name), "{name} exited 0 but is missing");
    }
    // The next write removes any temporary file a killed writer left.
    env.ok(&["project", "create", "after"]);
    let leftovers = env.leftover_temps();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn sixteen_writers_and_concurrent_readers_lose_nothing() {
    let env = Env::new();
    let session = unlock(&env);
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        let readers: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    let mut last = 0;
                    let mut reads = 0;
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        let out = env
                            .std_cmd()
                            .env("APPCTL_SESSION", &session)
                            .args(["--json", "app", "list"])
                            .output()
                            .unwrap();
                        succeeded(&out);
                        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                        let n = v.as_array().unwrap().len();
                        assert!(
                            n >= last,
                            "a reader saw the app count go from {last} to {n}"
                        );
                        last = n;
                        reads += 1;
                    }
                    reads
                })
            })
            .collect();
        let writers: Vec<_> = (0..16)
            .map(|w| {
                let env = &env;
                let session = &session;
                s.spawn(move || {
                    let mut codes = Vec::new();
                    for i in 0..20 {
                        let out = env
                            .std_cmd()
                            .env("APPCTL_SESSION", session)
                            .args(["app", "create", &format!("w{w}-a{i}")])
                            .output()
                            .unwrap();
                        codes.push(out.status.code());
                    }
                    codes
                })
            })
            .collect();
        let codes: Vec<Option<i32>> = writers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let reads: usize = readers.into_iter().map(|r| r.join().unwrap()).sum();
        assert_eq!(codes.len(), 320);
        assert!(codes.iter().all(|c| *c == Some(0)), "{codes:?}");
        assert!(reads > 0);
    });
    assert_eq!(env.json(&["app", "list"]).as_array().unwrap().len(), 320);
    assert_eq!(env.json(&["check"])["sound"], true);
}

#[test]
fn a_write_failing_at_any_byte_keeps_the_old_store() {
    let env = Env::new();
    env.app("A");
    let before = env.store_bytes();
    let len = before.len();
    for n in [0, 1, 8, 100, 284, 285, 286, len / 3, len - 17, len - 1] {
        for kind in ["write", "enospc"] {
            let out = env
                .cmd()
                .env("APPCTL_FAULT", format!("{kind}:{n}"))
                .args(["--json", "keys", "regenerate", "A", "consumer"])
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(7), "{kind}:{n}");
            assert!(out.stdout.is_empty(), "nothing may be printed");
            let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
            assert_eq!(err["error"]["kind"], "io");
            if kind == "enospc" {
                assert!(
                    err["error"]["message"]
                        .as_str()
                        .unwrap()
                        .contains("No space left"),
                    "{err}"
                );
            }
            assert_eq!(env.store_bytes(), before, "{kind}:{n}");
        }
    }
    let leftovers = env.leftover_temps();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A large store (an image of over 2 MiB, 32 chunks and more): a write
/// failing part way or at its sync keeps the old store, and the store stays
/// sound.
#[test]
fn a_large_store_survives_failing_writes_and_syncs() {
    const APPS: usize = 5000;
    let env = Env::new();
    fill(&env, APPS);
    let before = env.store_bytes();
    assert!(
        before.len() > 2 * 1024 * 1024 + 100_000,
        "{} bytes",
        before.len()
    );
    let len = before.len();
    let faults = [len / 5, len / 2, len - 100].map(|n| format!("write:{n}"));
    for fault in faults.iter().map(String::as_str).chain(["fsync", "rename"]) {
        let out = env
            .cmd()
            .env("APPCTL_FAULT", fault)
            .args(["keys", "regenerate", "big-7", "consumer"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(7), "{fault}");
        assert!(out.stdout.is_empty(), "nothing may be printed");
        assert_eq!(env.store_bytes(), before, "{fault}");
    }
    assert!(env.leftover_temps().is_empty());
    env.ok(&["keys", "regenerate", "big-7", "consumer"]);
    assert_eq!(env.json(&["check"])["sound"], true);
    assert_eq!(env.json(&["app", "list"]).as_array().unwrap().len(), APPS);
}

/// Adds `n` apps named `big-<i>` to the store in one save, through the
/// library (a command per app would take minutes).
fn fill(env: &Env, n: usize) {
    use appctl::store::{Access, Store, Unlock};
    let lock_timeout = Duration::from_secs(30);
    let unlock = Unlock::Passphrase(crate::util::PASSPHRASE.as_bytes());
    let mut s = Store::open(&env.store, unlock, Access::Write { lock_timeout }).unwrap();
    let patch = appctl::model::AppPatch {
        description: Some(Some("An app that makes the store large enough".into())),
        ..Default::default()
    };
    for i in 0..n {
        s.create_app(&format!("big-{i}"), None, &patch).unwrap();
    }
    s.save().unwrap();
}

/// `appctl check` on a copy of the store, with `session`: whether it is a
/// sound store.
fn copy_is_sound(env: &Env, copy: &std::path::Path, session: &str) -> bool {
    let out = env
        .std_cmd()
        .env_remove("APPCTL_PASSPHRASE")
        .env("APPCTL_SESSION", session)
        .env("APPCTL_STORE", copy)
        .args(["--json", "check"])
        .output()
        .unwrap();
    out.status.success()
        && serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["sound"] == true
}

/// A copier that reads the store slowly, as a backup tool does, and spans
/// writes: what it reads is one whole store, the one it opened.
#[test]
fn a_copy_read_across_two_writes_is_a_sound_store() {
    use std::io::Read;
    let env = Env::new();
    fill(&env, 300);
    let session = unlock(&env);
    let mut file = std::fs::File::open(&env.store).unwrap();
    assert!(file.metadata().unwrap().len() > 2 * 64 * 1024);
    let mut copy = vec![0u8; 64 * 1024];
    file.read_exact(&mut copy).unwrap();
    env.ok(&["project", "create", "during-1"]);
    env.ok(&["project", "create", "during-2"]);
    file.read_to_end(&mut copy).unwrap();
    let path = env.path("copy.appctl");
    std::fs::write(&path, &copy).unwrap();
    assert!(copy_is_sound(&env, &path, &session));
    // It is the store as it was before the two writes.
    let out = env
        .std_cmd()
        .env("APPCTL_STORE", &path)
        .args(["--json", "project", "list"])
        .output()
        .unwrap();
    succeeded(&out);
    assert_eq!(out.stdout, b"[]\n");
    assert_eq!(project_names(&env).len(), 2);
}

/// `rsync` copies taken while writers run are all sound stores.
#[test]
fn rsync_copies_taken_while_writers_run_are_all_sound() {
    const COPIES: usize = 200;
    let rsync = std::process::Command::new("rsync")
        .arg("--version")
        .output();
    assert!(
        rsync.is_ok_and(|o| o.status.success()),
        "this test needs rsync (apt-get install rsync)"
    );
    let env = Env::new();
    fill(&env, 300);
    let session = unlock(&env);
    let stop = std::sync::atomic::AtomicBool::new(false);
    let copies = env.path("copies");
    std::fs::create_dir(&copies).unwrap();
    let writes = std::thread::scope(|s| {
        let writers: Vec<_> = (0..2)
            .map(|w| {
                let (env, session, stop) = (&env, &session, &stop);
                s.spawn(move || {
                    let mut n = 0;
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        let out = env
                            .std_cmd()
                            .env("APPCTL_SESSION", session)
                            .args(["project", "create", &format!("w{w}-{n}")])
                            .output()
                            .unwrap();
                        succeeded(&out);
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        for i in 0..COPIES {
            // Slowed down (the store is about 200 KB) so that a copy spans
            // writes.
            let out = std::process::Command::new("rsync")
                .arg("--bwlimit=20000")
                .arg(&env.store)
                .arg(copies.join(format!("{i}.appctl")))
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        writers
            .into_iter()
            .map(|w| w.join().unwrap())
            .sum::<usize>()
    });
    eprintln!("{COPIES} copies during {writes} writes");
    assert!(writes > 10, "too few writes ran: {writes}");
    let mut versions = HashSet::new();
    for i in 0..COPIES {
        let copy = copies.join(format!("{i}.appctl"));
        assert!(
            copy_is_sound(&env, &copy, &session),
            "copy {i} is not sound"
        );
        versions.insert(std::fs::read(&copy).unwrap());
    }
    assert!(versions.len() > 1, "every copy was of the same version");
}

/// Removing the lock file again and again while writers run loses no
/// change whose command exited 0. The lock file is removed as soon as
/// another create has exited 0 since the last removal (or 100 ms have
/// passed), so that removals strike while writers hold or wait for the
/// lock, however slow the machine is.
#[test]
fn a_lock_file_removed_while_writers_run_loses_nothing_committed() {
    let env = Env::new();
    let session = unlock(&env);
    let lock = env.store.with_extension("appctl.lock");
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
    let stop = AtomicBool::new(false);
    let done = AtomicUsize::new(0);
    let (committed, failed, removed) = std::thread::scope(|s| {
        let remover = s.spawn(|| {
            let mut removed = 0;
            while !stop.load(Relaxed) {
                if std::fs::remove_file(&lock).is_ok() {
                    removed += 1;
                }
                let (seen, since) = (done.load(Relaxed), Instant::now());
                while done.load(Relaxed) == seen
                    && since.elapsed() < Duration::from_millis(100)
                    && !stop.load(Relaxed)
                {
                    std::thread::sleep(Duration::from_millis(1));
                }
            }
            removed
        });
        let writers: Vec<_> = (0..8)
            .map(|w| {
                let (env, session, done) = (&env, &session, &done);
                s.spawn(move || {
                    let (mut ok, mut failed) = (Vec::new(), 0);
                    for i in 0..30 {
                        let name = format!("w{w}-{i}");
                        let out = env
                            .std_cmd()
                            .env("APPCTL_SESSION", session)
                            .args(["project", "create", &name])
                            .output()
                            .unwrap();
                        match out.status.code() {
                            Some(0) => {
                                ok.push(name);
                                done.fetch_add(1, Relaxed);
                            }
                            Some(7) => failed += 1,
                            code => panic!(
                                "{name}: exit {code:?}: {}",
                                String::from_utf8_lossy(&out.stderr)
                            ),
                        }
                    }
                    (ok, failed)
                })
            })
            .collect();
        let (mut committed, mut failed) = (Vec::new(), 0);
        for w in writers {
            let (ok, f) = w.join().unwrap();
            committed.extend(ok);
            failed += f;
        }
        stop.store(true, Relaxed);
        (committed, failed, remover.join().unwrap())
    });
    eprintln!(
        "{} committed, {failed} failed, lock file removed {removed} times",
        committed.len()
    );
    assert!(
        removed > 10,
        "the lock file was removed only {removed} times"
    );
    assert!(committed.len() > 60, "only {} committed", committed.len());
    let names = project_names(&env);
    let lost: Vec<_> = committed.iter().filter(|n| !names.contains(*n)).collect();
    assert!(lost.is_empty(), "exited 0 but missing: {lost:?}");
    assert_eq!(env.json(&["check"])["sound"], true);
}

/// Exit code of `app list` on the store with `passphrase`.
fn opens_with(env: &Env, store: &std::path::Path, passphrase: &str) -> Option<i32> {
    env.cmd()
        .env("APPCTL_STORE", store)
        .env("APPCTL_PASSPHRASE", passphrase)
        .args(["app", "list"])
        .output()
        .unwrap()
        .status
        .code()
}

/// The recovery key in a command's JSON output, if it finished.
fn recovery_key_of(out: &std::process::Output) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    Some(v["secrets"]["recovery_key"].as_str()?.to_string())
}

/// `passwd`, `recover` and `recovery-key regenerate` killed at random
/// moments: the store always opens with exactly one of the old and the
/// new passphrase (or recovery key), and every app made before is there.
#[test]
fn sigkilled_key_changes_leave_a_store_that_opens_with_exactly_one_key() {
    let env = Env::bare();
    let v = env.json(&["init", "--kdf-memory-mib", "19", "--kdf-iterations", "2"]);
    let mut rk = v["secrets"]["recovery_key"].as_str().unwrap().to_string();
    let mut rng = Rng::new();
    let (mut cur, mut apps) = (crate::util::PASSPHRASE.to_string(), 0);
    let deadline = Instant::now() + Duration::from_secs(45);
    let (mut rounds, mut committed, mut killed) = (0, 0, 0);
    let rk_file = env.path("rk");
    let new_file = env.path("new");
    let copy = env.path("copy.appctl");
    while rounds < 90 && Instant::now() < deadline {
        let alt = format!("passphrase {rounds}");
        std::fs::write(&new_file, format!("{alt}\n")).unwrap();
        std::fs::write(&rk_file, format!("{rk}\n")).unwrap();
        let (new_file, rk_file) = (new_file.to_str().unwrap(), rk_file.to_str().unwrap());
        let what = rounds % 3;
        let args: Vec<&str> = match what {
            0 => vec!["passwd", "--new-passphrase-file", new_file],
            1 => vec![
                "--json",
                "recover",
                "--recovery-key-file",
                rk_file,
                "--new-passphrase-file",
                new_file,
            ],
            _ => vec!["--json", "recovery-key", "regenerate"],
        };
        let child = env
            .std_cmd()
            .env("APPCTL_PASSPHRASE", &cur)
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Two derivations take some 100 ms in a test build.
        std::thread::sleep(Duration::from_micros(rng.below(250_000)));
        let mut child = child;
        let _ = child.kill();
        let out = child.wait_with_output().unwrap();
        if out.status.success() {
            committed += 1;
        } else {
            killed += 1;
        }
        // Exactly one of the old and the new passphrase opens it.
        let (old_ok, new_ok) = (
            opens_with(&env, &env.store, &cur),
            opens_with(&env, &env.store, &alt),
        );
        match what {
            2 => assert_eq!(old_ok, Some(0), "regenerate keeps the passphrase"),
            _ => assert!(
                matches!((old_ok, new_ok), (Some(0), Some(5)) | (Some(5), Some(0))),
                "round {rounds}: old {old_ok:?}, new {new_ok:?}"
            ),
        }
        let changed = new_ok == Some(0);
        if out.status.success() {
            assert!(
                what == 2 || changed,
                "round {rounds} exited 0 but did not change it"
            );
        }
        if changed {
            cur = alt.clone();
        }
        // The recovery key: the old one works unless the command
        // committed (on a copy, which a recovery changes).
        std::fs::copy(&env.store, &copy).unwrap();
        let old_rk = env
            .recover(
                std::path::Path::new(rk_file),
                std::path::Path::new(new_file),
            )
            .env("APPCTL_STORE", &copy)
            .output()
            .unwrap()
            .status
            .code();
        let spent = match what {
            0 => false,
            1 => changed,
            _ => old_rk == Some(5),
        };
        assert_eq!(old_rk, Some(if spent { 5 } else { 0 }), "round {rounds}");
        if spent {
            rk = match recovery_key_of(&out) {
                Some(k) => k,
                // Killed after the commit, before the key was shown: make
                // one that is known.
                None => {
                    let v = env
                        .cmd()
                        .env("APPCTL_PASSPHRASE", &cur)
                        .args(["--json", "recovery-key", "regenerate"])
                        .output()
                        .unwrap();
                    recovery_key_of(&v).unwrap()
                }
            };
        }
        if rounds % 10 == 0 {
            let made = env
                .cmd()
                .env("APPCTL_PASSPHRASE", &cur)
                .args(["app", "create", &format!("app{rounds}")])
                .output()
                .unwrap();
            succeeded(&made);
            apps += 1;
        }
        rounds += 1;
    }
    eprintln!("{rounds} rounds: {committed} committed, {killed} killed");
    assert!(rounds >= 30, "too few rounds ran: {rounds}");
    assert!(
        committed > 0 && killed > 0,
        "kills land before and after commits"
    );
    let list = env
        .cmd()
        .env("APPCTL_PASSPHRASE", &cur)
        .args(["--json", "app", "list"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), apps, "no app was lost");
    let check = env
        .cmd()
        .env("APPCTL_PASSPHRASE", &cur)
        .args(["--json", "check"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(v["sound"], true, "{v}");
}
