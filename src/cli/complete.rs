//! Shell completion: the scripts `appctl completion SHELL` prints, and the
//! candidates for APP and PROJECT arguments, read from the store.
//!
//! The scripts call `APPCTL_COMPLETE=SHELL appctl -- WORDS…` at each Tab
//! (clap_complete's dynamic completion). Names come from the store only
//! through a valid `APPCTL_SESSION`: completion never prompts and never
//! reads a passphrase source (a Tab must not run `APPCTL_PASSPHRASE_COMMAND`
//! or wait for a key derivation), so without a session, or with a missing
//! store, it offers no names and says nothing.

use super::{Cli, default_store, session_dir, session_token};
use crate::model::{AppSummary, Status};
use crate::store::{Access, AppFilter, Store, Unlock};
use clap::CommandFactory;
use clap_complete::engine::CompletionCandidate;
use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};
use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

/// The variable that turns a run of appctl into a completion request.
pub const VAR: &str = "APPCTL_COMPLETE";

/// The program the scripts run to complete: `appctl`, found on `PATH`
/// (a fixed name, so that the committed scripts are the same everywhere).
const COMPLETER: &str = "appctl";

/// Answers a completion request and exits, when `APPCTL_COMPLETE` is set;
/// otherwise returns at once. Called before anything else is printed.
pub fn answer_if_asked() {
    clap_complete::CompleteEnv::with_factory(Cli::command)
        .var(VAR)
        .bin("appctl")
        .completer(COMPLETER)
        .complete();
}

/// The shells `appctl completion` writes scripts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    /// Bash
    Bash,
    /// Zsh
    Zsh,
    /// Fish
    Fish,
    /// Elvish
    Elvish,
    /// PowerShell
    Powershell,
}

impl Shell {
    /// Every shell, in the order the committed scripts are listed.
    pub const ALL: [Shell; 5] = [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::Elvish,
        Shell::Powershell,
    ];

    /// The file name of the script where shells look for it: `appctl.bash`
    /// in bash-completion's directory, `_appctl` in zsh's `fpath`, …
    pub fn file_name(self) -> &'static str {
        match self {
            Shell::Bash => "appctl.bash",
            Shell::Zsh => "_appctl",
            Shell::Fish => "appctl.fish",
            Shell::Elvish => "appctl.elv",
            Shell::Powershell => "_appctl.ps1",
        }
    }

    fn completer(self) -> &'static dyn EnvCompleter {
        match self {
            Shell::Bash => &Bash,
            Shell::Zsh => &Zsh,
            Shell::Fish => &Fish,
            Shell::Elvish => &Elvish,
            Shell::Powershell => &Powershell,
        }
    }
}

/// `appctl completion SHELL`: prints the script, or with `--json` an object
/// `{"shell": …, "script": …}`.
pub fn print(shell: Shell, json: bool) -> crate::error::Result<()> {
    let script = script(shell);
    if json {
        let name = clap::ValueEnum::to_possible_value(&shell)
            .map(|v| v.get_name().to_string())
            .unwrap_or_default();
        return super::output::print_json(&serde_json::json!({
            "shell": name,
            "script": script,
        }));
    }
    super::output::stdout(&script)
}

/// The completion script for `shell`, as `appctl completion SHELL` prints it.
pub fn script(shell: Shell) -> String {
    let mut buf = Vec::new();
    shell
        .completer()
        .write_registration(VAR, "appctl", "appctl", COMPLETER, &mut buf)
        .expect("writing to a Vec cannot fail");
    let mut script = String::from_utf8(buf).expect("the scripts are UTF-8");
    if shell == Shell::Zsh {
        // Installed as `_appctl` in $fpath, the file is autoloaded as the
        // body of `_appctl` at the first Tab, which then only registers the
        // completer; calling it too completes that first Tab as well.
        script.push_str(
            "if [ \"${funcstack[1]-}\" = \"_appctl\" ]; then\n    \
             _clap_dynamic_completer_appctl \"$@\"\nfi\n",
        );
    }
    script
}

/// Candidates for an APP argument: the names of the store's apps that
/// start with `current`, with the ID as help; when `current` is digits,
/// the IDs that start with it, with the name as help.
pub fn apps(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(store) = open() else {
        return Vec::new();
    };
    let Ok(apps) = store.app_summaries(AppFilter::All) else {
        return Vec::new();
    };
    let help = |a: &AppSummary| match a.status {
        Status::Active => format!("app {}", a.id),
        Status::Suspended => format!("app {} (suspended)", a.id),
    };
    candidates(
        current,
        apps.iter().map(|a| (a.id, a.name.as_str(), help(a))),
    )
}

/// Candidates for a PROJECT argument, like [`apps`].
pub fn projects(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(store) = open() else {
        return Vec::new();
    };
    let Ok(projects) = store.projects() else {
        return Vec::new();
    };
    candidates(
        current,
        projects
            .iter()
            .map(|p| (p.id, p.name.as_str(), format!("project {}", p.id))),
    )
}

/// The names (or, for a word of digits, the IDs) that start with `current`.
fn candidates<'a>(
    current: &OsStr,
    items: impl Iterator<Item = (i64, &'a str, String)>,
) -> Vec<CompletionCandidate> {
    let current = current.to_string_lossy();
    let by_id = !current.is_empty() && current.bytes().all(|b| b.is_ascii_digit());
    items
        // A control character would split or garble a shell's list.
        .filter(|(_, name, _)| !name.chars().any(char::is_control))
        .filter_map(|(id, name, help)| {
            if by_id {
                let id = id.to_string();
                id.starts_with(&*current)
                    .then(|| CompletionCandidate::new(id).help(Some(name.to_string().into())))
            } else {
                name.starts_with(&*current)
                    .then(|| CompletionCandidate::new(name).help(Some(help.into())))
            }
        })
        .collect()
}

/// Opens the store with `APPCTL_SESSION` for reading, or gives up quietly:
/// no session, a bad or expired one, no store, a damaged store.
fn open() -> Option<Store> {
    let token = session_token().ok()??;
    let path = crate::store::file::resolve(&store_path()?).ok()?;
    if !path.exists() {
        return None;
    }
    let dir = session_dir().ok()?;
    Store::open(
        &path,
        Unlock::Session {
            dir: &dir,
            token: &token,
        },
        Access::Read,
    )
    .ok()
}

/// The words of the command line being completed: the arguments after the
/// first `--` of `appctl -- appctl WORDS…`.
fn words() -> Vec<OsString> {
    std::env::args_os()
        .skip(1)
        .skip_while(|a| a != "--")
        .skip(1)
        .collect()
}

/// The store the completed command line names: its `--store PATH` (or
/// `--store=PATH`) before any `--`, else `APPCTL_STORE`, else the default.
fn store_path() -> Option<PathBuf> {
    let words = words();
    let mut found = None;
    let mut it = words.iter().skip(1).take_while(|w| *w != "--");
    while let Some(w) = it.next() {
        if w == "--store" {
            found = it.next().cloned();
        } else if let Some(v) = w.to_str().and_then(|s| s.strip_prefix("--store=")) {
            found = Some(OsString::from(v));
        }
    }
    match (found, std::env::var_os("APPCTL_STORE")) {
        (Some(p), _) if !p.is_empty() => Some(PathBuf::from(p)),
        (_, Some(p)) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => default_store().ok(),
    }
}
