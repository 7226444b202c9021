//! A temporary store and a command runner with a cleared environment.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;
use tempfile::TempDir;

/// The passphrase of every test store.
pub const PASSPHRASE: &str = "correct horse battery staple";

/// `init` of a store owned by alice at the cheapest allowed KDF settings.
pub const INIT: [&str; 7] = [
    "init",
    "--owner",
    "alice",
    "--kdf-memory-mib",
    "19",
    "--kdf-iterations",
    "2",
];

/// A temporary directory with a store path inside it.
pub struct Env {
    pub dir: TempDir,
    pub store: PathBuf,
}

impl Env {
    /// A directory without a store yet.
    pub fn bare() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("data").join("store.appctl");
        Env { dir, store }
    }

    /// A new store at the cheapest allowed KDF settings.
    pub fn new() -> Env {
        let env = Env::bare();
        env.ok(&INIT);
        env
    }

    /// `appctl` with only PATH kept, HOME in the temp dir, the store and the passphrase set.
    pub fn std_cmd(&self) -> std::process::Command {
        let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("appctl"));
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("APPCTL_STORE", &self.store)
            .env("APPCTL_PASSPHRASE", PASSPHRASE)
            .env("APPCTL_LOCK_TIMEOUT", "60")
            .stdin(std::process::Stdio::null());
        c
    }

    /// The same, as an assert_cmd command.
    pub fn cmd(&self) -> Command {
        Command::from_std(self.std_cmd())
    }

    /// `recover` with the recovery key in `key_file` and the new passphrase
    /// in `new_file`, with no passphrase source (recover needs none).
    pub fn recover(&self, key_file: &Path, new_file: &Path) -> Command {
        let mut c = self.cmd();
        c.env_remove("APPCTL_PASSPHRASE")
            .arg("recover")
            .arg("--recovery-key-file")
            .arg(key_file)
            .arg("--new-passphrase-file")
            .arg(new_file);
        c
    }

    /// Starts `appctl args` without waiting for it.
    pub fn spawn(&self, args: &[&str]) -> std::process::Child {
        self.std_cmd()
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    }

    /// Runs with `args` and returns the whole output.
    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }

    /// Runs, asserts exit 0, returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "appctl {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        no_panic(&out);
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs with `--json`, asserts exit 0, parses stdout.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        serde_json::from_str(&self.ok(&a)).unwrap()
    }

    /// Runs, asserts exit `code`, returns stderr; checks the error is one line plus an optional hint.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let out = self.run(args);
        let stderr = String::from_utf8(out.stderr.clone()).unwrap();
        assert_eq!(out.status.code(), Some(code), "appctl {args:?}: {stderr}");
        no_panic(&out);
        if code != 2 {
            let lines: Vec<&str> = stderr.lines().collect();
            assert!(lines[0].starts_with("error: "), "{stderr}");
            assert!(lines.len() <= 2, "error is one line plus a hint: {stderr}");
            if lines.len() == 2 {
                assert!(lines[1].starts_with("hint: "), "{stderr}");
            }
        }
        stderr
    }

    /// The raw bytes of the store file.
    pub fn store_bytes(&self) -> Vec<u8> {
        std::fs::read(&self.store).unwrap()
    }

    /// Creates a standalone app and returns its ID.
    pub fn app(&self, name: &str) -> String {
        self.json(&["app", "create", name])["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Names of the files in the store's directory.
    pub fn store_dir_files(&self) -> Vec<String> {
        std::fs::read_dir(self.store.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect()
    }

    /// Temporary files a save left beside the store.
    pub fn leftover_temps(&self) -> Vec<String> {
        self.store_dir_files()
            .into_iter()
            .filter(|n| n.starts_with('.') && n.contains(".tmp"))
            .collect()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// Asserts that a command exited 0, showing its stderr if not.
pub fn succeeded(out: &Output) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn no_panic(out: &Output) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Whether `haystack` contains `needle` anywhere.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

impl Env {
    /// Runs with `args` and `input` on stdin.
    pub fn run_with_stdin(&self, args: &[&str], input: &[u8]) -> Output {
        let mut c = self.cmd();
        c.args(args).write_stdin(input.to_vec());
        c.output().unwrap()
    }

    /// Runs `keys verify --json args` on `request`: the exit code and the verdict.
    pub fn verify(&self, args: &[&str], request: &[u8]) -> (i32, Value) {
        let mut a = vec!["--json", "keys", "verify"];
        a.extend_from_slice(args);
        let out = self.run_with_stdin(&a, request);
        no_panic(&out);
        let code = out.status.code().unwrap();
        let doc = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        (code, doc)
    }

    /// `keys import APP KIND extra…` with `input` on stdin; asserts exit 0.
    pub fn import(&self, app: &str, kind: &str, extra: &[&str], input: &str) {
        let mut a = vec!["keys", "import", app, kind];
        a.extend_from_slice(extra);
        let out = self.run_with_stdin(&a, input.as_bytes());
        succeeded(&out);
    }
}

/// The interpreter of a Python that can import `module` (a library pinned
/// in tests/clients/requirements.txt): `$APPCTL_TEST_PYTHON`, which
/// `.ci/run` sets to its virtual environment's, else `python3` when it has
/// the library. None, with a note, where neither does; under CI that is a
/// failure.
pub fn python_with(module: &str) -> Option<String> {
    let python = std::env::var("APPCTL_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let ok = std::process::Command::new(&python)
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return Some(python);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "the Python module {module} is missing: .ci/run installs it (tests/clients/requirements.txt)"
    );
    eprintln!("skipped: no python with {module} (pip install -r tests/clients/requirements.txt)");
    None
}
