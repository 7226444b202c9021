//! The labelled store files of `tests/vectors/` (see `vectors.txt` there),
//! and bit flips over a whole header and a sample of a payload: every
//! damaged file exits 5 or 6, never 0, never a panic, and is never changed.

use crate::util::{Env, no_panic};
use std::path::Path;

struct Vector {
    file: String,
    passphrase: String,
    code: i32,
    fragment: Option<String>,
}

fn manifest() -> Vec<Vector> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let text = std::fs::read_to_string(dir.join("vectors.txt")).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            // Columns are separated by two or more spaces (passphrases hold one).
            let cols: Vec<&str> = l
                .split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect();
            assert_eq!(cols.len(), 4, "bad manifest line: {l}");
            let code = match cols[2] {
                "success" => 0,
                "wrong-passphrase" => 5,
                "damaged" => 6,
                other => panic!("unknown outcome {other}"),
            };
            Vector {
                file: dir.join(cols[0]).to_str().unwrap().to_string(),
                passphrase: cols[1].to_string(),
                code,
                fragment: (cols[3] != "-").then(|| cols[3].to_string()),
            }
        })
        .collect()
}

#[test]
fn every_labelled_vector_gives_its_outcome_and_is_left_unchanged() {
    let env = Env::bare();
    let vectors = manifest();
    assert!(vectors.len() >= 15);
    for v in vectors {
        // Work on a copy so that a wrongly written vector cannot be "fixed" by the test.
        let copy = env.path("copy.appctl");
        std::fs::copy(&v.file, &copy).unwrap();
        let before = std::fs::read(&copy).unwrap();
        for args in [
            &["--json", "app", "list"][..],
            &["project", "create", "new"],
        ] {
            let out = env
                .cmd()
                .env("APPCTL_STORE", &copy)
                .env("APPCTL_PASSPHRASE", &v.passphrase)
                .args(args)
                .output()
                .unwrap();
            no_panic(&out);
            let err = String::from_utf8_lossy(&out.stderr);
            if v.code == 0 {
                assert_eq!(out.status.code(), Some(0), "{}: {err}", v.file);
                continue;
            }
            assert_eq!(
                out.status.code(),
                Some(v.code),
                "{} {args:?}: {err}",
                v.file
            );
            if let Some(f) = &v.fragment {
                assert!(err.contains(f.as_str()), "{}: {err:?} lacks {f:?}", v.file);
            }
            assert_eq!(
                std::fs::read(&copy).unwrap(),
                before,
                "{} was changed",
                v.file
            );
        }
        if v.code == 0 {
            let list = env
                .cmd()
                .env("APPCTL_STORE", &copy)
                .env("APPCTL_PASSPHRASE", &v.passphrase)
                .args(["--json", "app", "show", "vector-app"])
                .output()
                .unwrap();
            assert_eq!(list.status.code(), Some(0));
        }
    }
}

/// Runs `app list` on each of `files` in parallel and returns the exit codes.
fn exit_codes(env: &Env, files: Vec<Vec<u8>>) -> Vec<Option<i32>> {
    let dir = env.path("flips");
    std::fs::create_dir_all(&dir).unwrap();
    let chunks: Vec<Vec<(usize, Vec<u8>)>> = {
        let mut c = vec![Vec::new(), Vec::new(), Vec::new(), Vec::new()];
        for (i, f) in files.into_iter().enumerate() {
            c[i % 4].push((i, f));
        }
        c
    };
    let mut codes: Vec<(usize, Option<i32>)> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let dir = &dir;
                s.spawn(move || {
                    chunk
                        .into_iter()
                        .map(|(i, bytes)| {
                            let path = dir.join(format!("{i}.appctl"));
                            std::fs::write(&path, &bytes).unwrap();
                            let out = env
                                .std_cmd()
                                .env("APPCTL_STORE", &path)
                                .args(["app", "list"])
                                .output()
                                .unwrap();
                            no_panic(&out);
                            assert_eq!(std::fs::read(&path).unwrap(), bytes, "file {i} changed");
                            std::fs::remove_file(&path).unwrap();
                            (i, out.status.code())
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    codes.sort();
    codes.into_iter().map(|(_, c)| c).collect()
}

#[test]
fn every_header_bit_flip_and_sampled_payload_flips_exit_5_or_6() {
    let env = Env::new();
    env.app("A");
    let good = env.store_bytes();
    let header_len = 83 + 101 * usize::from(good[26]);
    let mut files = Vec::new();
    let mut labels = Vec::new();
    for bit in 0..header_len * 8 {
        let mut b = good.clone();
        b[bit / 8] ^= 1 << (bit % 8);
        files.push(b);
        labels.push(format!("header bit {bit}"));
    }
    // 64 payload bits spread over the whole payload, tag included.
    let payload_bits = (good.len() - header_len) * 8;
    for k in 0..64 {
        let bit = header_len * 8 + (k * 7919 * 8 + k) % payload_bits;
        let mut b = good.clone();
        b[bit / 8] ^= 1 << (bit % 8);
        files.push(b);
        labels.push(format!("payload bit {bit}"));
    }
    let codes = exit_codes(&env, files);
    for (label, code) in labels.iter().zip(codes) {
        assert!(matches!(code, Some(5) | Some(6)), "{label}: exit {code:?}");
    }
}

/// A copy of the vector `name` as a store, and a function that runs a
/// command on it with the vectors' passphrase and returns its JSON output.
pub fn old_store<'e>(env: &'e Env, name: &str) -> impl Fn(&[&str]) -> serde_json::Value + 'e {
    let store = env.path("old.appctl");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    std::fs::copy(dir.join(name), &store).unwrap();
    move |args: &[&str]| {
        let out = env
            .cmd()
            .env("APPCTL_STORE", &store)
            .env("APPCTL_PASSPHRASE", "vector passphrase")
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    }
}

#[test]
fn a_schema_2_store_reaches_the_current_schema_at_its_next_write_and_keeps_its_log() {
    let env = Env::bare();
    let run = old_store(&env, "sound-schema-2.appctl");
    assert_eq!(run(&["--json", "check"])["schema_version"], 2);
    let log = run(&["--json", "log", "--app", "vector-app"]);
    assert!(!log.as_array().unwrap().is_empty());
    run(&["--json", "app", "create", "after-upgrade"]);
    let check = run(&["--json", "check"]);
    assert_eq!(check["schema_version"], appctl::store::schema::CURRENT);
    assert_eq!(check["sound"], true);
    assert_eq!(run(&["--json", "log", "--app", "vector-app"]), log);
    let all = run(&["--json", "log"]);
    assert_eq!(all[0]["target_name"], "after-upgrade", "{all}");
}

#[test]
fn a_schema_3_store_keeps_its_credentials_fingerprints_through_the_upgrade() {
    let env = Env::bare();
    let run = old_store(&env, "sound-schema-3.appctl");
    assert_eq!(run(&["--json", "check"])["schema_version"], 3);
    let fingerprints = |run: &dyn Fn(&[&str]) -> serde_json::Value| -> Vec<String> {
        run(&["--json", "keys", "list", "vector-app"])
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["fingerprint"].as_str().unwrap().to_string())
            .collect()
    };
    // What appctl showed for this store while it kept schema 3.
    let shown = ["43d4c967d2304f90", "46e2bdc1281828b1"];
    assert_eq!(fingerprints(&run), shown);
    run(&["--json", "app", "create", "after-upgrade"]);
    let check = run(&["--json", "check"]);
    assert_eq!(check["schema_version"], appctl::store::schema::CURRENT);
    assert_eq!(check["sound"], true);
    assert_eq!(fingerprints(&run), shown);
}

#[test]
fn a_format_1_store_opens_and_is_rewritten_in_the_current_format_by_its_next_write() {
    let env = Env::bare();
    let run = old_store(&env, "sound-format-1.appctl");
    assert_eq!(run(&["--json", "check"])["format_version"], 1);
    run(&["--json", "app", "create", "after-upgrade"]);
    let check = run(&["--json", "check"]);
    assert_eq!(
        check["format_version"],
        appctl::store::envelope::FORMAT_VERSION
    );
    assert_eq!(check["sound"], true);
    assert_eq!(run(&["--json", "app", "list"]).as_array().unwrap().len(), 2);
    assert_eq!(
        run(&["--json", "app", "show", "vector-app"])["project_id"],
        "1"
    );
}

/// Payloads of hostile lengths fail from their length or their last chunk,
/// before memory for the whole image is allocated: a sparse file of
/// 2.1 GB and one of 900 MB (under the 1 GiB limit) both exit 6 at once,
/// with a small peak memory.
#[test]
fn huge_hostile_payloads_fail_before_anything_is_allocated_for_them() {
    let env = Env::new();
    env.app("A");
    let good = env.store_bytes();
    for (len, fragment) in [
        (2_100_000_000u64, "over 1 GiB"),
        (900_000_000, "failed authentication"),
    ] {
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open(&env.store)
            .unwrap();
        f.set_len(len).unwrap();
        drop(f);
        let err = env.fails(&["app", "list"], 6);
        assert!(err.contains(fragment), "{len}: {err}");
        std::fs::write(&env.store, &good).unwrap();
    }
    let rss = |out: &std::process::Output| {
        String::from_utf8_lossy(&out.stderr)
            .lines()
            .find_map(|l| l.strip_prefix("maxrss="))
            .and_then(|v| v.trim().parse::<u64>().ok())
    };
    // With GNU time, also check the peak memory (it is absent on some machines).
    if std::path::Path::new("/usr/bin/time").exists() {
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open(&env.store)
            .unwrap();
        f.set_len(900_000_000).unwrap();
        drop(f);
        let out = std::process::Command::new("/usr/bin/time")
            .args(["-f", "maxrss=%M"])
            .arg(env!("CARGO_BIN_EXE_appctl"))
            .args(["app", "list"])
            .envs(env.std_cmd().get_envs().filter_map(|(k, v)| Some((k, v?))))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(6));
        if let Some(kib) = rss(&out) {
            assert!(
                kib < 200 * 1024,
                "peak memory {kib} KiB for a 900 MB hostile file"
            );
        }
    }
}

/// A store of format 2 (before the session epoch and the X25519 recovery
/// slot) opens, is written as format 3 by its next write, and keeps its
/// recovery slot until its first new data key; that `passwd` makes a new
/// recovery key, shows it once and says why, and the new key recovers.
#[test]
fn a_format_2_store_is_rewritten_as_format_3_and_its_first_passwd_makes_a_new_recovery_key() {
    let env = Env::bare();
    let run = old_store(&env, "sound-format-2.appctl");
    assert_eq!(run(&["--json", "check"])["format_version"], 2);
    run(&["--json", "app", "create", "after-upgrade"]);
    let check = run(&["--json", "check"]);
    assert_eq!(check["format_version"], 3);
    assert_eq!(check["sound"], true);
    let new = env.path("new");
    std::fs::write(&new, "the new passphrase\n").unwrap();
    let v = run(&[
        "--json",
        "passwd",
        "--new-passphrase-file",
        new.to_str().unwrap(),
    ]);
    let why = v["recovery_key_replaced"].as_str().unwrap();
    assert!(why.contains("earlier kind"), "{v}");
    let rk = v["secrets"]["recovery_key"].as_str().unwrap();
    let rk_file = env.path("rk");
    std::fs::write(&rk_file, rk).unwrap();
    let out = env
        .recover(&rk_file, &new)
        .env("APPCTL_STORE", env.path("old.appctl"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}
