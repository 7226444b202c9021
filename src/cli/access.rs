//! Getting into the store: `unlock`, `lock`, `passwd`, `recover` and
//! `recovery-key regenerate`.

use super::args::{KdfArgs, LockArgs, PasswdArgs, RecoverArgs, RecoveryKeyCommand, UnlockArgs};
use super::output;
use super::{Ctx, passphrase, session_dir, session_token, with_spinner};
use crate::crypto::SecretBytes;
use crate::crypto::kdf::KdfParams;
use crate::error::{Error, Kind, Result};
use crate::store::envelope::{self, Header, SlotKind};
use crate::store::{IssuedSecrets, Store, Unlock, file, now, session};
use serde_json::json;
use std::io::IsTerminal;
use std::time::Duration;

/// The longest session `unlock` makes.
const MAX_TTL: Duration = Duration::from_secs(24 * 60 * 60);

fn parse_ttl(s: &str) -> Result<Duration> {
    let d = humantime::parse_duration(s).map_err(|e| {
        Error::invalid(format!("--ttl {s:?} is not a duration ({e})"))
            .with_hint("write it like 90s, 15m or 2h")
    })?;
    if d < Duration::from_secs(1) || d > MAX_TTL {
        return Err(Error::invalid(format!(
            "--ttl {s:?} must be between 1s and 24h"
        )));
    }
    Ok(d)
}

/// The command line this process was started with, quoted for a shell,
/// with `appctl` for the program.
fn this_command() -> String {
    let mut words = vec!["appctl".to_string()];
    for arg in std::env::args_os().skip(1) {
        let arg = arg.to_string_lossy().into_owned();
        words.push(match shlex::try_quote(&arg) {
            Ok(q) => q.into_owned(),
            Err(_) => arg,
        });
    }
    words.join(" ")
}

/// `unlock` with stdout at a terminal: the session would only reach the
/// screen, the shell would stay locked, and a live session file would be
/// left for its whole TTL. So none is made, and no passphrase asked.
fn not_through_eval(ctx: &Ctx) -> Error {
    let cmd = this_command();
    let hint = if ctx.json {
        format!("capture the document it prints, such as: doc=\"$({cmd})\"")
    } else {
        format!("run it as: eval \"$({cmd})\"")
    };
    Error::new(
        Kind::Usage,
        "unlock prints a session for the shell to take in, and its output goes to the \
         terminal here; nothing was unlocked",
    )
    .with_hint(hint)
}

pub(super) fn unlock(ctx: &Ctx, a: UnlockArgs) -> Result<()> {
    let ttl = parse_ttl(&a.ttl)?;
    if std::io::stdout().is_terminal() {
        return Err(not_through_eval(ctx));
    }
    // Under the writers' lock, from the key slot as it is now: a `passwd`
    // that commits first makes the old passphrase fail here, and one that
    // comes later waits for this session and then ends it.
    let store = ctx.open_with_passphrase(ctx.write_access())?;
    crate::store::pause("locked");
    let expires_at = now() + ttl.as_secs() as i64;
    let token = store.start_session(&session_dir()?, expires_at)?;
    let value = token.value();
    if ctx.json {
        return output::print_json(&json!({
            "session": value.as_str(),
            "expires_at": output::time(expires_at),
        }));
    }
    output::stdout(&format!("export APPCTL_SESSION={}\n", value.as_str()))?;
    output::note(&format!(
        "Unlocked {} until {}; end it with `appctl lock`.",
        store.path().display(),
        output::time(expires_at)
    ));
    Ok(())
}

pub(super) fn lock(ctx: &Ctx, a: LockArgs) -> Result<()> {
    let dir = session_dir()?;
    let current = session_token()?;
    if a.all {
        return lock_all(ctx, &dir);
    }
    let mut ended = 0;
    if let Some(t) = &current {
        ended += usize::from(session::destroy(&dir, t));
    } else {
        let bytes = file::read_prefix(&ctx.store, envelope::MAX_HEADER_LEN)?;
        let (header, _) = Header::decode(&bytes).map_err(|e| Error::damaged(&ctx.store, e))?;
        ended += session::destroy_all(&dir, &header.store_id, header.epoch);
    }
    if ctx.json {
        return output::print_json(&json!({ "ended_sessions": ended, "everywhere": false }));
    }
    let here = if current.is_some() {
        ""
    } else {
        " in this session directory; `appctl lock --all` ends them everywhere"
    };
    output::stdout(&format!("Ended {ended} session(s){here}.\n"))?;
    if current.is_some() {
        output::note("Run `unset APPCTL_SESSION` to forget the ended session in this shell.");
    }
    Ok(())
}

/// `lock --all`: advances the store's session epoch, which every session
/// must match, so sessions end whatever directory their file is in. That
/// is a write, so it needs this shell's session or the passphrase.
fn lock_all(ctx: &Ctx, dir: &std::path::Path) -> Result<()> {
    let mut store = ctx.open(ctx.write_access())?;
    let epoch = store.header().epoch;
    store.end_sessions();
    store.record_store("store.lock_all", "every unlock session ended".into())?;
    store.save()?;
    let here = session::destroy_all(dir, &store.header().store_id, epoch);
    if ctx.json {
        return output::print_json(&json!({ "ended_sessions": here, "everywhere": true }));
    }
    output::stdout(&format!(
        "Ended every unlock session of {}, in every session directory ({here} live here).\n",
        store.path().display()
    ))?;
    if session_token()?.is_some() {
        output::note("Run `unset APPCTL_SESSION` to forget the ended session in this shell.");
    }
    Ok(())
}

/// The KDF parameters for a new passphrase: the flags, else the current ones.
fn kdf_params(flags: &KdfArgs, current: KdfParams) -> Result<KdfParams> {
    let memory_kib = match flags.kdf_memory_mib {
        Some(m) => m
            .checked_mul(1024)
            .ok_or_else(|| Error::invalid(format!("KDF memory {m} MiB is too large")))?,
        None => current.memory_kib,
    };
    let p = KdfParams {
        memory_kib,
        iterations: flags.kdf_iterations.unwrap_or(current.iterations),
        parallelism: flags.kdf_parallelism.unwrap_or(current.parallelism),
    };
    p.check()?;
    Ok(p)
}

fn current_kdf(store: &Store) -> KdfParams {
    store
        .header()
        .slot(SlotKind::Passphrase)
        .map_or(crate::crypto::kdf::DEFAULT, |s| s.kdf)
}

/// What a rotation tells: what changed, that every session ended, and
/// that earlier copies of the file keep their keys.
fn sealed_anew(ended: usize) -> String {
    format!(
        "It is sealed under a new data key: nothing from before (passphrase, recovery key \
         or session, with any earlier copy of the file) opens it now. Ended every unlock \
         session of the store, in every session directory ({ended} live here). Backups made \
         before keep opening with the passphrase and recovery key they had then."
    )
}

/// Sets a new passphrase (`passwd`, `recover`) under a new data key, and
/// shows a new recovery key if one was made.
fn set_passphrase(
    ctx: &Ctx,
    mut store: Store,
    new: &[u8],
    kdf: &KdfArgs,
    action: &str,
    new_recovery_key: bool,
) -> Result<()> {
    let params = kdf_params(kdf, current_kdf(&store))?;
    let epoch = store.header().epoch;
    let rotated = with_spinner("Deriving the new key", || {
        store.rotate(Some((new, params)), new_recovery_key)
    })?;
    store.record_store(action, "passphrase changed; new data key".into())?;
    if rotated.recovery_key.is_some() {
        store.record_store("store.recovery_key", "recovery key replaced".into())?;
    }
    store.save()?;
    // Every session ended with the epoch; the files here are removed.
    let ended = session::destroy_all(&session_dir()?, &store.header().store_id, epoch);
    let doc = json!({
        "store": store.path().display().to_string(),
        "passphrase_changed": true,
        "new_data_key": true,
        "ended_sessions": ended,
        "ended_sessions_everywhere": true,
        "kdf": {
            "memory_mib": params.memory_kib / 1024,
            "iterations": params.iterations,
            "parallelism": params.parallelism,
        },
    });
    let changed = format!(
        "Changed the passphrase of {}; the old one no longer opens it. {}",
        store.path().display(),
        sealed_anew(ended)
    );
    let Some(key) = rotated.recovery_key else {
        if ctx.json {
            return output::print_json(&doc);
        }
        return output::stdout(&format!("{changed}\n"));
    };
    let why = if rotated.replaced_old_recovery_slot {
        "The recovery key was of an earlier kind, which cannot follow a new data key, so \
         this is a new one; the old one no longer opens the store."
    } else {
        "A recovery key that was used is spent: this is a new one, and the old one no \
         longer opens the store."
    };
    let made = IssuedSecrets {
        recovery_key: Some(key),
        ..IssuedSecrets::default()
    };
    let format = if ctx.json {
        super::render::SecretFormat::Json
    } else {
        super::render::SecretFormat::Lines
    };
    let mut doc = doc;
    doc["recovery_key_replaced"] = json!(why);
    super::render::print_secrets(format, doc, &format!("{changed}\n{why}"), &made)
}

pub(super) fn passwd(ctx: &Ctx, a: PasswdArgs) -> Result<()> {
    // Check the flags before asking for anything.
    kdf_params(&a.kdf, crate::crypto::kdf::DEFAULT)?;
    passphrase::ensure_new_available(a.new_passphrase_file.as_deref())?;
    // The new passphrase is asked before the writers' lock is taken, so
    // that no command waits on a person typing.
    let store = ctx.open_with_passphrase(crate::store::Access::Read)?;
    let new = passphrase::read_new(ctx, a.new_passphrase_file.as_deref())?;
    let store = ctx.relock(store)?;
    set_passphrase(ctx, store, &new, &a.kdf, "store.passwd", false)
}

/// The recovery key from `file`'s first line, else from a prompt at a
/// terminal, else exit 8. A line `NAME=value` whose name ends in
/// `RECOVERY_KEY` (as `init --env` and `recovery-key regenerate --env`
/// write it) gives its value; the store ignores case, dashes and spaces.
fn read_recovery_key(file: Option<&std::path::Path>) -> Result<SecretBytes> {
    let Some(path) = file else {
        if !super::interactive() {
            return Err(Error::new(
                Kind::NeedsInput,
                "the recovery key is needed and there is no terminal to ask",
            )
            .with_hint("pass --recovery-key-file FILE"));
        }
        return super::tty::Tty::open()?.read_secret("Recovery key: ", "recovery key prompt");
    };
    let line = passphrase::read_secret_file(path, "--recovery-key-file")?;
    Ok(env_line_value(&line, "RECOVERY_KEY")
        .map(|v| SecretBytes::new(v.to_vec()))
        .unwrap_or(line))
}

/// The value of `line` when it is `NAME=value` with a variable name ending
/// in `suffix`, without quotes around it.
fn env_line_value<'l>(line: &'l [u8], suffix: &str) -> Option<&'l [u8]> {
    let eq = line.iter().position(|&b| b == b'=')?;
    let (name, value) = (&line[..eq], &line[eq + 1..]);
    let name = name.strip_prefix(b"export ").unwrap_or(name);
    let is_name = name
        .iter()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_');
    if !is_name || !name.ends_with(suffix.as_bytes()) {
        return None;
    }
    let value = value.trim_ascii();
    Some(
        [b'"', b'\'']
            .iter()
            .find_map(|&q| value.strip_prefix(&[q])?.strip_suffix(&[q]))
            .unwrap_or(value),
    )
}

pub(super) fn recover(ctx: &Ctx, a: RecoverArgs) -> Result<()> {
    kdf_params(&a.kdf, crate::crypto::kdf::DEFAULT)?;
    passphrase::ensure_new_available(a.new_passphrase_file.as_deref())?;
    ctx.ensure_exists()?;
    let key = read_recovery_key(a.recovery_key_file.as_deref())?;
    let store = with_spinner("Deriving the key", || {
        Store::open(
            &ctx.store,
            Unlock::RecoveryKey(&key),
            crate::store::Access::Read,
        )
    })?;
    let new = passphrase::read_new(ctx, a.new_passphrase_file.as_deref())?;
    let store = ctx.relock(store)?;
    set_passphrase(ctx, store, &new, &a.kdf, "store.recover", true)
}

pub(super) fn recovery_key(ctx: &Ctx, c: RecoveryKeyCommand) -> Result<()> {
    match c {
        RecoveryKeyCommand::Regenerate { secrets } => {
            let format = super::input::secret_format(ctx.json, &secrets)?;
            let mut store = ctx.open_with_passphrase(ctx.write_access())?;
            let epoch = store.header().epoch;
            let rotated = with_spinner("Deriving the key", || store.rotate(None, true))?;
            let Some(key) = rotated.recovery_key else {
                return Err(Error::internal("no recovery key was made"));
            };
            store.record_store(
                "store.recovery_key",
                "recovery key replaced; new data key".into(),
            )?;
            store.save()?;
            let ended = session::destroy_all(&session_dir()?, &store.header().store_id, epoch);
            let made = IssuedSecrets {
                recovery_key: Some(key),
                ..IssuedSecrets::default()
            };
            super::render::print_secrets(
                format,
                json!({
                    "store": store.path().display().to_string(),
                    "new_data_key": true,
                    "ended_sessions": ended,
                    "ended_sessions_everywhere": true,
                }),
                &format!(
                    "Made a new recovery key; the old one no longer opens the store. {}",
                    sealed_anew(ended)
                ),
                &made,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recovery_key_is_taken_from_an_env_line() {
        let v = |l: &str| env_line_value(l.as_bytes(), "RECOVERY_KEY").map(<[u8]>::to_vec);
        assert_eq!(v("RECOVERY_KEY=AB-CD"), Some(b"AB-CD".to_vec()));
        assert_eq!(v("DEMO_RECOVERY_KEY='AB CD'"), Some(b"AB CD".to_vec()));
        assert_eq!(v("export RECOVERY_KEY=\"AB\" "), Some(b"AB".to_vec()));
        assert_eq!(v("API_KEY=AB"), None);
        assert_eq!(v("AB-CD"), None);
        assert_eq!(v("a b=c RECOVERY_KEY"), None);
    }

    #[test]
    fn ttl_accepts_human_durations_within_bounds() {
        assert_eq!(parse_ttl("90s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_ttl("15m").unwrap(), Duration::from_secs(900));
        assert_eq!(parse_ttl("2h").unwrap(), Duration::from_secs(7200));
        for bad in ["", "soon", "0s", "25h", "-5m"] {
            assert_eq!(parse_ttl(bad).unwrap_err().exit_code(), 9, "{bad}");
        }
    }
}
