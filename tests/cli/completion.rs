//! Shell completion: the script of `appctl completion bash`, sourced in a
//! real bash with bash-completion, completes app and project names from the
//! store only through an unlock session, and credential kinds in their
//! place; it never reads a passphrase. Fish gets a smoke test where it is
//! installed.

use crate::util::{Env, PASSPHRASE};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

const BASH_COMPLETION: &str = "/usr/share/bash-completion/bash_completion";

/// Sources bash-completion and the script, finds the function the script
/// registered for `appctl` (as bash would at a Tab), sets the COMP_*
/// variables for the words given (the last is the one being completed),
/// calls it and prints COMPREPLY, one candidate a line.
const DRIVER: &str = r#"
set -u
source /usr/share/bash-completion/bash_completion
source "$1"
shift
spec=$(complete -p appctl) || { echo "no completion registered for appctl" >&2; exit 90; }
func=${spec##*-F }
func=${func%% *}
COMP_WORDS=("$@")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
COMP_TYPE=9
COMPREPLY=()
"$func" appctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
for c in "${COMPREPLY[@]}"; do printf '%s\n' "$c"; done
"#;

fn have(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Whether bash with bash-completion is here; says so on stderr when not.
fn bash_ready() -> bool {
    if have("bash") && Path::new(BASH_COMPLETION).exists() {
        return true;
    }
    eprintln!(
        "skipped: bash or bash-completion is not installed (Debian: apt-get install bash-completion)"
    );
    false
}

/// A store with a project and three apps, and what the shells need.
struct Setup {
    env: Env,
    script: PathBuf,
    marker: PathBuf,
    passphrase_command: PathBuf,
}

impl Setup {
    fn new() -> Setup {
        let env = Env::new();
        env.ok(&["project", "create", "Demo"]);
        env.ok(&["project", "create", "Billing"]);
        env.ok(&["app", "create", "my-bot", "--project", "Demo"]);
        env.ok(&["app", "create", "my-other"]);
        env.ok(&["app", "create", "zeta"]);
        let script = env.path("appctl.bash");
        std::fs::write(&script, env.ok(&["completion", "bash"])).unwrap();
        // A passphrase command that leaves a trace when it is run.
        let marker = env.path("passphrase-command-ran");
        let passphrase_command = env.path("passphrase-command");
        std::fs::write(
            &passphrase_command,
            format!(
                "#!/bin/sh\ntouch '{}'\necho '{PASSPHRASE}'\n",
                marker.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&passphrase_command, std::fs::Permissions::from_mode(0o755))
            .unwrap();
        Setup {
            env,
            script,
            marker,
            passphrase_command,
        }
    }

    /// A session from `appctl unlock`, run with stdout not a terminal.
    fn unlock(&self) -> String {
        let out = self.env.ok(&["unlock"]);
        out.trim()
            .strip_prefix("export APPCTL_SESSION=")
            .unwrap_or_else(|| panic!("unexpected unlock output: {out}"))
            .to_string()
    }

    /// The environment of a shell in which completion runs: `appctl` on
    /// PATH, the store named, every passphrase source set (a correct
    /// passphrase in APPCTL_PASSPHRASE, the tracing command), and the
    /// session when there is one.
    fn shell(&self, program: &str, session: Option<&str>) -> Command {
        let bin = assert_cmd::cargo::cargo_bin("appctl");
        let path = format!(
            "{}:{}",
            bin.parent().unwrap().display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut c = Command::new(program);
        c.env_clear()
            .env("PATH", path)
            .env("HOME", self.env.dir.path())
            .env("APPCTL_STORE", &self.env.store)
            .env("APPCTL_PASSPHRASE", PASSPHRASE)
            .env("APPCTL_PASSPHRASE_COMMAND", &self.passphrase_command)
            .stdin(std::process::Stdio::null());
        if let Some(s) = session {
            c.env("APPCTL_SESSION", s);
        }
        c
    }

    /// COMPREPLY for `words` in bash (the last word is being completed).
    fn bash(&self, session: Option<&str>, words: &[&str]) -> Vec<String> {
        self.bash_with(self.shell("bash", session), words)
    }

    fn bash_with(&self, mut c: Command, words: &[&str]) -> Vec<String> {
        let out = c
            .args(["--norc", "--noprofile", "-c", DRIVER, "bash"])
            .arg(&self.script)
            .args(words)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "bash {words:?}: {stderr}");
        assert!(stderr.is_empty(), "completion wrote to stderr: {stderr}");
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect()
    }

    fn assert_no_passphrase_was_read(&self) {
        assert!(
            !self.marker.exists(),
            "completion ran APPCTL_PASSPHRASE_COMMAND"
        );
    }
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn has_all(reply: &[String], want: &[&str]) -> bool {
    want.iter().all(|w| reply.iter().any(|r| r == w))
}

const APPS: [&str; 3] = ["my-bot", "my-other", "zeta"];

#[test]
fn bash_completes_app_and_project_names_with_a_session() {
    if !bash_ready() {
        return;
    }
    let s = Setup::new();
    let session = s.unlock();
    let reply = s.bash(Some(&session), &["appctl", "app", "show", ""]);
    assert!(has_all(&reply, &APPS), "{reply:?}");
    assert!(!reply.iter().any(|r| r == "Demo"), "{reply:?}");
    assert_eq!(
        s.bash(Some(&session), &["appctl", "app", "show", "my-"]),
        ["my-bot", "my-other"]
    );
    assert_eq!(
        s.bash(Some(&session), &["appctl", "keys", "list", "z"]),
        ["zeta"]
    );
    assert_eq!(
        s.bash(Some(&session), &["appctl", "log", "--app", "my-b"]),
        ["my-bot"]
    );
    // An ID completes to the IDs that start with it.
    assert_eq!(
        s.bash(Some(&session), &["appctl", "app", "delete", "3"]),
        ["3"]
    );
    // Projects, positional and as --project.
    let reply = s.bash(Some(&session), &["appctl", "project", "show", ""]);
    assert!(has_all(&reply, &["Demo", "Billing"]), "{reply:?}");
    assert!(!reply.iter().any(|r| r == "zeta"), "{reply:?}");
    assert_eq!(
        s.bash(
            Some(&session),
            &["appctl", "app", "create", "new", "--project", "D"]
        ),
        ["Demo"]
    );
    assert_eq!(
        s.bash(
            Some(&session),
            &["appctl", "app", "move", "zeta", "--project", "B"]
        ),
        ["Billing"]
    );
    assert_eq!(
        s.bash(
            Some(&session),
            &["appctl", "app", "list", "--project", "Bi"]
        ),
        ["Billing"]
    );
    s.assert_no_passphrase_was_read();
}

#[test]
fn bash_completes_the_kind_after_the_app() {
    if !bash_ready() {
        return;
    }
    let s = Setup::new();
    let session = s.unlock();
    for verb in ["create", "regenerate", "revoke"] {
        let reply = s.bash(Some(&session), &["appctl", "keys", verb, "my-bot", ""]);
        assert!(
            has_all(&reply, &["consumer", "bearer", "access"]),
            "keys {verb}: {reply:?}"
        );
        assert!(
            !reply.iter().any(|r| APPS.contains(&r.as_str())),
            "{reply:?}"
        );
    }
    assert_eq!(
        s.bash(Some(&session), &["appctl", "keys", "create", "my-bot", "b"]),
        ["bearer"]
    );
    // The kinds are not secret: they complete without a session too.
    let reply = s.bash(None, &["appctl", "keys", "create", "my-bot", ""]);
    assert!(
        has_all(&reply, &["consumer", "bearer", "access"]),
        "{reply:?}"
    );
    s.assert_no_passphrase_was_read();
}

#[test]
fn bash_completes_no_names_without_a_session_and_reads_no_passphrase() {
    if !bash_ready() {
        return;
    }
    let s = Setup::new();
    // Every passphrase source is set, and none may be used.
    let reply = s.bash(None, &["appctl", "app", "show", ""]);
    assert!(
        !reply.iter().any(|r| APPS.contains(&r.as_str())),
        "{reply:?}"
    );
    assert!(s.bash(None, &["appctl", "app", "show", "my-"]).is_empty());
    assert!(s.bash(None, &["appctl", "project", "show", "D"]).is_empty());
    s.assert_no_passphrase_was_read();

    // A session that was ended, or is not a session at all.
    let session = s.unlock();
    s.env.ok(&["lock", "--all"]);
    assert!(
        s.bash(Some(&session), &["appctl", "app", "show", "my-"])
            .is_empty()
    );
    assert!(
        s.bash(Some("garbage"), &["appctl", "app", "show", "my-"])
            .is_empty()
    );
    s.assert_no_passphrase_was_read();
    // The store is unchanged by all this: still one app named zeta.
    assert_eq!(s.env.json(&["app", "show", "zeta"])["name"], "zeta");
}

#[test]
fn bash_completion_follows_the_store_on_the_line_and_is_quiet_without_one() {
    if !bash_ready() {
        return;
    }
    let s = Setup::new();
    let session = s.unlock();
    let store = s.env.store.to_str().unwrap().to_string();
    // APPCTL_STORE names no store; --store on the line names the real one.
    let mut c = s.shell("bash", Some(&session));
    c.env("APPCTL_STORE", s.env.path("nowhere.appctl"));
    assert!(s.bash_with(c, &["appctl", "app", "show", "my-"]).is_empty());
    for words in [
        &["appctl", "--store", &store, "app", "show", "my-"][..],
        &["appctl", &format!("--store={store}"), "app", "show", "my-"],
    ] {
        let mut c = s.shell("bash", Some(&session));
        c.env("APPCTL_STORE", s.env.path("nowhere.appctl"));
        assert_eq!(s.bash_with(c, words), ["my-bot", "my-other"], "{words:?}");
    }
    s.assert_no_passphrase_was_read();
}

#[test]
fn fish_completes_app_names_with_a_session() {
    if !have("fish") {
        eprintln!("skipped: fish is not installed (Debian: apt-get install fish)");
        return;
    }
    let s = Setup::new();
    let script = s.env.path("appctl.fish");
    std::fs::write(&script, s.env.ok(&["completion", "fish"])).unwrap();
    let run = |session: Option<&str>, line: &str| {
        let out = s
            .shell("fish", session)
            .args(["--no-config", "-c"])
            .arg(format!(
                "source '{}'; complete --do-complete '{line}'",
                script.display()
            ))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success() && stderr.is_empty(), "fish: {stderr}");
        // Each line is a candidate, a tab, and its description.
        let names: Vec<String> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| l.split('\t').next().unwrap().to_string())
            .collect();
        sorted(names)
    };
    let session = s.unlock();
    assert_eq!(
        run(Some(&session), "appctl app show my-"),
        ["my-bot", "my-other"]
    );
    assert_eq!(run(Some(&session), "appctl keys create zeta b"), ["bearer"]);
    assert!(run(None, "appctl app show my-").is_empty());
    s.assert_no_passphrase_was_read();
}

#[test]
fn zsh_registers_the_completer_sourced_or_from_fpath_and_gets_names() {
    if !have("zsh") {
        eprintln!("skipped: zsh is not installed (Debian: apt-get install zsh)");
        return;
    }
    let s = Setup::new();
    let fpath = s.env.path("zfunc");
    std::fs::create_dir(&fpath).unwrap();
    std::fs::write(fpath.join("_appctl"), s.env.ok(&["completion", "zsh"])).unwrap();
    let zsh = |setup: &str| {
        let out = s
            .shell("zsh", None)
            .args(["-f", "-c"])
            .arg(format!(
                "autoload -U compinit && compinit -u -d '{}'; {setup}; print -r -- ${{_comps[appctl]}}",
                s.env.path("zcompdump").display()
            ))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success() && stderr.is_empty(), "zsh: {stderr}");
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    assert_eq!(
        zsh(&format!("source '{}'", fpath.join("_appctl").display())),
        "_clap_dynamic_completer_appctl"
    );
    assert_eq!(
        zsh(&format!(
            "fpath=('{}' $fpath); compinit -u -d '{}'",
            fpath.display(),
            s.env.path("zcompdump2").display()
        )),
        "_appctl"
    );
    // What the zsh function asks appctl, and the `name:help` lines it reads.
    let session = s.unlock();
    let ask = |session: Option<&str>| {
        let mut c = s.shell("appctl", session);
        let out = c
            .env("APPCTL_COMPLETE", "zsh")
            .env("_CLAP_COMPLETE_INDEX", "3")
            .env("_CLAP_IFS", "\n")
            .args(["--", "appctl", "app", "show", "my-"])
            .output()
            .unwrap();
        assert!(out.status.success() && out.stderr.is_empty());
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(ask(Some(&session)), "my-bot:app 1\nmy-other:app 2");
    assert_eq!(ask(None), "");
    s.assert_no_passphrase_was_read();
}

#[test]
fn completion_prints_the_script_and_with_json_one_document() {
    let env = Env::bare();
    let script = env.ok(&["completion", "bash"]);
    assert!(script.contains("complete -o nospace"), "{script}");
    let v = env.json(&["completion", "bash"]);
    assert_eq!(v["shell"], "bash");
    assert_eq!(v["script"], script.as_str());
    // No store is needed, and an unknown shell is a usage error.
    assert!(!env.store.exists());
    env.fails(&["completion", "tcsh"], 2);
}
