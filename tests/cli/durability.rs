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

/// A store large enough to be sealed and opened on more than one thread
/// (an image of 2 MiB or more): a write failing part way, in whichever
/// thread it strikes, keeps the old store, and the store stays sound.
#[test]
fn a_large_store_sealed_on_several_threads_survives_failing_writes_and_syncs() {
    use appctl::store::{Access, Store, Unlock};
    const APPS: usize = 5000;
    let env = Env::new();
    {
        let lock_timeout = std::time::Duration::from_secs(30);
        let unlock = Unlock::Passphrase(crate::util::PASSPHRASE.as_bytes());
        let mut s = Store::open(&env.store, unlock, Access::Write { lock_timeout }).unwrap();
        let patch = appctl::model::AppPatch {
            description: Some(Some("An app that makes the store large enough".into())),
            ..Default::default()
        };
        for i in 0..APPS {
            s.create_app(&format!("big-{i}"), None, &patch).unwrap();
        }
        s.save().unwrap();
    }
    let before = env.store_bytes();
    assert!(
        before.len() > 2 * 1024 * 1024 + 100_000,
        "{} bytes",
        before.len()
    );
    let len = before.len();
    let faults = [len / 5, len / 2, len - 100].map(|n| format!("write:{n}"));
    // "writeback": the helper thread that syncs the file as it is filled
    // fails; the final fsync, which would not report that again, succeeds.
    for fault in faults.iter().map(String::as_str).chain(["writeback"]) {
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
            .cmd()
            .env("APPCTL_STORE", &copy)
            .args([
                "recover",
                "--recovery-key-file",
                rk_file,
                "--new-passphrase-file",
                new_file,
            ])
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
