//! The command line: clap definitions (their doc comments are the help
//! text), the context every command runs in, and the mapping of results to
//! output and exit codes. Only this module prints or prompts.

mod access;
mod app;
mod args;
pub mod complete;
pub mod generate;
mod input;
mod keys;
mod output;
mod passphrase;
mod project;
mod render;
mod serve;
mod status;
mod store_cmds;
mod tty;
mod users;
mod verify;

pub use args::{Cli, Command};

use crate::error::{Error, Kind, Result};
use crate::store::session::Token;
use crate::store::{Access, Store, Unlock};
use clap::Parser;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Runs appctl with the process's arguments and returns its exit code.
pub fn main() -> ExitCode {
    disable_core_dumps();
    complete::answer_if_asked();
    let json = wants_json(std::env::args_os());
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_error(e, json),
    };
    let json = cli.json;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            output::print_error(&e, json);
            ExitCode::from(e.exit_code())
        }
    }
}

/// Keeps secrets out of core dumps: the core size limit is set to zero and
/// the process is marked not dumpable (which also keeps other processes of
/// the same user from attaching a debugger). Done first, before any
/// passphrase is read. Failure is not fatal: some sandboxes forbid it.
fn disable_core_dumps() {
    use rustix::process::{Resource, Rlimit, setrlimit};
    let _ = setrlimit(
        Resource::Core,
        Rlimit {
            current: Some(0),
            maximum: Some(0),
        },
    );
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let _ = rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable);
}

/// Whether `--json` is among the arguments, looked for before parsing so
/// that usage errors can be reported as JSON too.
fn wants_json(args: impl Iterator<Item = std::ffi::OsString>) -> bool {
    args.take_while(|a| a != "--").any(|a| a == "--json")
}

fn clap_error(e: clap::Error, json: bool) -> ExitCode {
    use clap::error::ErrorKind;
    let informational = matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion);
    if informational || !json {
        let _ = e.print();
        return ExitCode::from(if informational { 0 } else { 2 });
    }
    let text = e.render().to_string();
    let first = text
        .lines()
        .next()
        .unwrap_or("invalid usage")
        .trim_start_matches("error: ");
    let err = Error::new(Kind::Usage, first.to_string()).with_hint("see `appctl --help`");
    output::print_error(&err, true);
    ExitCode::from(err.exit_code())
}

/// What every command needs: where the store is, how to unlock it and how to
/// talk to the user.
pub struct Ctx {
    /// The store file.
    pub store: PathBuf,
    /// Print JSON instead of tables.
    pub json: bool,
    /// Confirm destructive actions without asking.
    pub yes: bool,
    passphrase_file: Option<PathBuf>,
    lock_timeout: Duration,
}

impl Ctx {
    fn from_cli(cli: &Cli) -> Result<Ctx> {
        let store = match (&cli.store, std::env::var_os("APPCTL_STORE")) {
            (Some(p), _) => p.clone(),
            (None, Some(p)) if !p.is_empty() => PathBuf::from(p),
            _ => default_store()?,
        };
        let store = crate::store::file::resolve(&store)?;
        let lock_timeout = match std::env::var("APPCTL_LOCK_TIMEOUT") {
            Ok(v) if !v.is_empty() => v
                .parse::<f64>()
                .ok()
                .filter(|s| s.is_finite() && *s >= 0.0 && *s <= 86_400.0)
                .map(Duration::from_secs_f64)
                .ok_or_else(|| {
                    Error::invalid(format!(
                        "APPCTL_LOCK_TIMEOUT {v:?} is not a number of seconds"
                    ))
                    .with_hint("set it to a number such as 30 or 0.5")
                })?,
            _ => crate::store::file::DEFAULT_LOCK_TIMEOUT,
        };
        Ok(Ctx {
            store,
            json: cli.json,
            yes: cli.yes,
            passphrase_file: cli.passphrase_file.clone(),
            lock_timeout,
        })
    }

    /// Opens the store for reading.
    pub fn open_read(&self) -> Result<Store> {
        self.open(Access::Read)
    }

    /// Opens the store for a read-modify-write under its lock.
    pub fn open_write(&self) -> Result<Store> {
        self.open(self.write_access())
    }

    /// Opens the store for a destructive command: for reading when it will
    /// ask (the question is asked without the writers' lock held; then
    /// [`Ctx::relock`]), for writing at once with `--yes`.
    pub fn open_to_confirm(&self) -> Result<Store> {
        if self.yes {
            self.open_write()
        } else {
            self.open_read()
        }
    }

    /// Takes the writers' lock for a store opened for reading and reads it
    /// again as it is now, with the key already held; the command then
    /// finds its target again, which may have gone meanwhile.
    pub fn relock(&self, store: Store) -> Result<Store> {
        store.relock(self.lock_timeout)
    }

    fn write_access(&self) -> Access {
        Access::Write {
            lock_timeout: self.lock_timeout,
        }
    }

    /// Opens the store with `APPCTL_SESSION` when it is set (no passphrase is
    /// read then), else with the passphrase.
    fn open(&self, access: Access) -> Result<Store> {
        match session_token()? {
            Some(token) => {
                self.ensure_exists()?;
                let dir = session_dir()?;
                Store::open(
                    &self.store,
                    Unlock::Session {
                        dir: &dir,
                        token: &token,
                    },
                    access,
                )
            }
            None => self.open_with_passphrase(access),
        }
    }

    /// Opens the store with the passphrase itself, never a session (for
    /// `unlock`, `passwd` and `recovery-key regenerate`).
    pub fn open_with_passphrase(&self, access: Access) -> Result<Store> {
        self.ensure_exists()?;
        passphrase::unlock(self, |pw| {
            with_spinner("Deriving the key", || {
                Store::open(&self.store, Unlock::Passphrase(pw), access)
            })
        })
    }

    /// Fails early, before asking for a passphrase, when there is no store.
    fn ensure_exists(&self) -> Result<()> {
        if self.store.exists() {
            return Ok(());
        }
        Err(crate::store::file::missing_store(&self.store))
    }

    /// Fails with exit 8 when a confirmation for `action` will be needed
    /// and cannot be had: called before the store is opened, so that no
    /// passphrase is read and no key derived for a command bound to fail.
    pub fn ensure_can_confirm(&self, action: &str) -> Result<()> {
        if self.yes || interactive() {
            return Ok(());
        }
        Err(Error::new(
            Kind::NeedsInput,
            format!("refusing to {action} without confirmation (no terminal to ask)"),
        )
        .with_hint("pass --yes to confirm"))
    }

    /// Asks to confirm a destructive `action` (such as `delete app "x"`):
    /// `--yes` confirms; a terminal asks; otherwise it is refused with exit 8.
    /// Ctrl-C or Ctrl-D at the question cancels (exit 130).
    pub fn confirm(&self, action: &str) -> Result<()> {
        self.ensure_can_confirm(action)?;
        if self.yes {
            return Ok(());
        }
        let ok = tty::Tty::open()?.confirm(&format!("Really {action}?"))?;
        if ok {
            Ok(())
        } else {
            Err(Error::new(
                Kind::NeedsInput,
                "not confirmed; nothing was changed",
            ))
        }
    }
}

/// Whether the user can be asked: stdin is a terminal.
pub(crate) fn interactive() -> bool {
    std::io::stdin().is_terminal()
}

/// Shows a spinner on stderr while `f` runs, when stderr is a terminal.
pub(crate) fn with_spinner<T>(message: &str, f: impl FnOnce() -> T) -> T {
    if !std::io::stderr().is_terminal() {
        return f();
    }
    let bar = indicatif::ProgressBar::new_spinner().with_message(format!("{message}…"));
    bar.enable_steady_tick(Duration::from_millis(80));
    let out = f();
    bar.finish_and_clear();
    out
}

/// The parsed `APPCTL_SESSION`, when it is set.
fn session_token() -> Result<Option<Token>> {
    match std::env::var_os("APPCTL_SESSION").filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => Token::parse(&v.to_string_lossy()).map(Some),
    }
}

/// Where session files live: `$XDG_RUNTIME_DIR/appctl`, or without a
/// runtime directory `~/.local/share/appctl/sessions` (made 0700).
fn session_dir() -> Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "appctl").ok_or_else(|| {
        Error::new(
            Kind::NeedsInput,
            "cannot find a home or runtime directory for sessions",
        )
    })?;
    Ok(match dirs.runtime_dir() {
        Some(d) => d.to_path_buf(),
        None => dirs.data_local_dir().join("sessions"),
    })
}

fn default_store() -> Result<PathBuf> {
    directories::ProjectDirs::from("", "", "appctl")
        .map(|d| d.data_dir().join("store.appctl"))
        .ok_or_else(|| {
            Error::new(
                Kind::NeedsInput,
                "cannot find a home directory for the default store",
            )
            .with_hint("pass --store PATH or set APPCTL_STORE")
        })
}

fn run(cli: Cli) -> Result<()> {
    // Needs no store, so no store path, lock timeout or home directory.
    if let Command::Completion(a) = &cli.command {
        return complete::print(a.shell, cli.json);
    }
    let ctx = Ctx::from_cli(&cli)?;
    match cli.command {
        Command::Init(a) => store_cmds::init(&ctx, a),
        Command::Dashboard => store_cmds::dashboard(&ctx),
        Command::Log(a) => store_cmds::log(&ctx, a),
        Command::Project(c) => project::run(&ctx, c),
        Command::App(c) => app::run(&ctx, c),
        Command::Keys(args::KeysCommand::Verify {
            scheme,
            at,
            explain,
        }) => verify::run(&ctx, scheme, at.as_deref(), explain),
        Command::Keys(c) => keys::run(&ctx, c),
        Command::Users(c) => users::run(&ctx, c),
        Command::Unlock(a) => access::unlock(&ctx, a),
        Command::Lock(a) => access::lock(&ctx, a),
        Command::Passwd(a) => access::passwd(&ctx, a),
        Command::Recover(a) => access::recover(&ctx, a),
        Command::RecoveryKey(c) => access::recovery_key(&ctx, c),
        Command::Check => store_cmds::check(&ctx),
        Command::Backup(a) => store_cmds::backup(&ctx, a),
        Command::Serve(a) => serve::run(&ctx, &a),
        Command::Status => status::status(&ctx),
        Command::Completion(_) => unreachable!("handled above"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn json_flag_is_found_before_double_dash_only() {
        let args = |v: &[&str]| {
            v.iter()
                .map(std::ffi::OsString::from)
                .collect::<Vec<_>>()
                .into_iter()
        };
        assert!(wants_json(args(&["appctl", "app", "list", "--json"])));
        assert!(!wants_json(args(&[
            "appctl", "app", "create", "--", "--json"
        ])));
    }
}
