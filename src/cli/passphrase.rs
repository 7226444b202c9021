//! Where the passphrase comes from, first found: `--passphrase-file`,
//! `APPCTL_PASSPHRASE_FILE`, `APPCTL_PASSPHRASE_FD`,
//! `APPCTL_PASSPHRASE_COMMAND`, `APPCTL_PASSPHRASE`, then a prompt when stdin
//! is a terminal. Never from a command-line argument.
//!
//! Errors name the source, never its contents.

use super::Ctx;
use super::tty::Tty;
use crate::crypto::SecretBytes;
use crate::error::{Error, Kind, Result};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use zeroize::Zeroizing;

/// A passphrase, wiped from memory when dropped, redacted in `Debug`.
pub type Passphrase = SecretBytes;

/// Why the passphrase is wanted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// To open an existing store.
    Unlock,
    /// To protect a new store: asked twice at a prompt, must not be empty.
    New,
}

/// The most a passphrase source may hold; more is surely not a passphrase file.
const MAX_SOURCE_BYTES: u64 = 64 * 1024;

/// How many times a prompt asks (as sudo does): for the passphrase of the
/// store when a try is wrong, for a new passphrase when the two do not match.
pub const TRIES: u32 = 3;

/// Reads the passphrase from the first source that is set.
pub fn read(ctx: &Ctx, purpose: Purpose) -> Result<Passphrase> {
    if let Some(pw) = from_sources(ctx)? {
        if purpose == Purpose::New && pw.is_empty() {
            return Err(empty_new());
        }
        return Ok(pw);
    }
    if !super::interactive() {
        return Err(no_source());
    }
    ask(ctx, purpose)
}

/// Asks at the terminal: the passphrase once, a new one twice.
fn ask(ctx: &Ctx, purpose: Purpose) -> Result<Passphrase> {
    match purpose {
        Purpose::New => prompt_new(ctx),
        Purpose::Unlock => Tty::open()?.read_secret(
            &format!("Passphrase for {}: ", ctx.store.display()),
            "passphrase prompt",
        ),
    }
}

/// Runs `attempt` with the passphrase: once with a configured source, or
/// at a prompt up to [`TRIES`] times while it fails as a wrong passphrase
/// ("Sorry, try again."). An empty answer is a wrong try without a key
/// derivation: no store has an empty passphrase.
pub fn unlock<T>(ctx: &Ctx, mut attempt: impl FnMut(&[u8]) -> Result<T>) -> Result<T> {
    if let Some(pw) = from_sources(ctx)? {
        return attempt(&pw);
    }
    if !super::interactive() {
        return Err(no_source());
    }
    for tries in 1..=TRIES {
        let pw = ask(ctx, Purpose::Unlock)?;
        let result = if pw.is_empty() {
            Err(Error::new(Kind::Auth, "empty passphrase"))
        } else {
            attempt(&pw)
        };
        match result {
            Err(e) if e.kind() == Kind::Auth => {
                if tries < TRIES {
                    Tty::open()?.say("Sorry, try again.\n");
                }
            }
            other => return other,
        }
    }
    Err(Error::new(
        Kind::Auth,
        format!(
            "wrong passphrase for store {} ({TRIES} tries)",
            ctx.store.display()
        ),
    )
    .with_hint(
        "the store was not changed; if the passphrase is lost, `appctl recover` sets a new one \
         with the recovery key",
    ))
}

fn empty_new() -> Error {
    Error::invalid("the new passphrase is empty")
        .with_hint("choose a long passphrase; an empty one protects nothing")
}

/// Asks for a new passphrase twice, again while the two differ or it is
/// empty, at most [`TRIES`] times.
fn prompt_new(ctx: &Ctx) -> Result<Passphrase> {
    let mut tty = Tty::open()?;
    for tries in 1..=TRIES {
        let first = tty.read_secret(
            &format!("New passphrase for {}: ", ctx.store.display()),
            "new passphrase prompt",
        )?;
        let again = if tries < TRIES { "; try again" } else { "" };
        if first.is_empty() {
            tty.say(&format!(
                "The passphrase is empty; an empty one protects nothing{again}.\n"
            ));
            continue;
        }
        let second = tty.read_secret("Repeat the passphrase: ", "new passphrase prompt")?;
        if *first == *second {
            return Ok(first);
        }
        tty.say(&format!("The passphrases do not match{again}.\n"));
    }
    Err(Error::invalid(format!(
        "the new passphrase was not the same twice ({TRIES} tries); nothing was changed"
    )))
}

/// A new passphrase for `passwd` and `recover`: from `file`, else asked
/// twice at a terminal, else exit 8.
pub fn read_new(ctx: &Ctx, file: Option<&Path>) -> Result<Passphrase> {
    ensure_new_available(file)?;
    let pw = match file {
        Some(path) => from_file(path, "--new-passphrase-file")?,
        None => prompt_new(ctx)?,
    };
    if pw.is_empty() {
        return Err(empty_new());
    }
    Ok(pw)
}

/// Fails with exit 8 when no new passphrase can be had: called before the
/// store is opened, so nothing is derived for a command bound to fail.
pub fn ensure_new_available(file: Option<&Path>) -> Result<()> {
    if file.is_some() || super::interactive() {
        return Ok(());
    }
    Err(Error::new(
        Kind::NeedsInput,
        "a new passphrase is needed and there is no terminal to ask",
    )
    .with_hint("pass --new-passphrase-file FILE"))
}

/// Reads the first line of a file that holds a secret, such as a recovery key.
pub fn read_secret_file(path: &Path, source: &str) -> Result<Passphrase> {
    from_file(path, source)
}

fn env(name: &str) -> Option<std::ffi::OsString> {
    std::env::var_os(name).filter(|v| !v.is_empty())
}

/// The passphrase from the first configured source, or `None` when no
/// source is set (then only a prompt can give it).
fn from_sources(ctx: &Ctx) -> Result<Option<Passphrase>> {
    if let Some(path) = &ctx.passphrase_file {
        return from_file(path, "--passphrase-file").map(Some);
    }
    if let Some(path) = env("APPCTL_PASSPHRASE_FILE") {
        return from_file(Path::new(&path), "APPCTL_PASSPHRASE_FILE").map(Some);
    }
    if let Some(fd) = env("APPCTL_PASSPHRASE_FD") {
        let fd = fd
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
            .ok_or_else(|| {
                Error::invalid("APPCTL_PASSPHRASE_FD is not a file descriptor number")
                    .with_hint("set it to the number of an inherited descriptor, such as 3")
            })?;
        return from_file(Path::new(&format!("/dev/fd/{fd}")), "APPCTL_PASSPHRASE_FD").map(Some);
    }
    if let Some(cmd) = env("APPCTL_PASSPHRASE_COMMAND") {
        return from_command(&cmd).map(Some);
    }
    if let Some(pw) = std::env::var_os("APPCTL_PASSPHRASE").filter(|v| !v.is_empty()) {
        use std::os::unix::ffi::OsStringExt;
        return Ok(Some(SecretBytes::new(pw.into_vec())));
    }
    Ok(None)
}

fn no_source() -> Error {
    Error::new(
        Kind::NeedsInput,
        "a passphrase is needed and none is available (no terminal to ask)",
    )
    .with_hint(
        "use --passphrase-file FILE, or set APPCTL_PASSPHRASE_FILE, APPCTL_PASSPHRASE_FD, \
         APPCTL_PASSPHRASE_COMMAND or APPCTL_PASSPHRASE",
    )
}

/// The first line of `bytes`, without its line ending.
fn first_line(mut bytes: Zeroizing<Vec<u8>>) -> Passphrase {
    if let Some(i) = bytes.iter().position(|&b| b == b'\n') {
        bytes.truncate(i);
    }
    if bytes.last() == Some(&b'\r') {
        bytes.pop();
    }
    SecretBytes::new(std::mem::take(&mut *bytes))
}

/// Reads up to the first newline and no further: a pipe whose writer stays
/// open (`3< <(pass show x; sleep 60)`) must not make appctl wait for its
/// end. One byte per read, so no buffer holds bytes past the line.
fn read_line(mut r: impl Read) -> std::io::Result<Zeroizing<Vec<u8>>> {
    // Room for any real passphrase up front: growing the buffer would free
    // a copy of its start without wiping it.
    let mut buf = Zeroizing::new(Vec::with_capacity(1024));
    let mut byte = Zeroizing::new([0u8; 1]);
    while (buf.len() as u64) < MAX_SOURCE_BYTES {
        match r.read(&mut byte[..]) {
            Ok(0) => break,
            Ok(_) if byte[0] == b'\n' => break,
            Ok(_) => buf.push(byte[0]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(buf)
}

/// Errors name the source, not the path or program: a user who put the
/// passphrase itself in the wrong variable must not see it echoed.
fn from_file(path: &Path, source: &str) -> Result<Passphrase> {
    let unreadable = |e: std::io::Error| {
        Error::new(
            Kind::NeedsInput,
            format!("cannot read the file named by {source}: {}", e.kind()),
        )
        .with_hint("check that the file exists and is readable")
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    Ok(first_line(read_line(file).map_err(unreadable)?))
}

fn from_command(cmd: &std::ffi::OsStr) -> Result<Passphrase> {
    let source = "APPCTL_PASSPHRASE_COMMAND";
    let words = cmd
        .to_str()
        .and_then(shlex::split)
        .filter(|w| !w.is_empty())
        .ok_or_else(|| {
            Error::invalid(format!("{source} is not a valid command line"))
                .with_hint("write it as a program and its arguments, quoted as in a shell")
        })?;
    let out = Command::new(&words[0])
        .args(&words[1..])
        .stdin(Stdio::inherit())
        .stderr(Stdio::inherit())
        .stdout(Stdio::piped())
        .output()
        .map_err(|e| {
            Error::new(
                Kind::NeedsInput,
                format!("cannot run the program named by {source}: {}", e.kind()),
            )
            .with_hint("set it to a program that prints the passphrase, such as `pass show appctl`")
        })?;
    let stdout = Zeroizing::new(out.stdout);
    if !out.status.success() {
        return Err(Error::new(
            Kind::NeedsInput,
            format!("the program named by {source} failed ({})", out.status),
        ));
    }
    Ok(first_line(stdout))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_line_stops_at_the_newline() {
        let mut r = std::io::Cursor::new(b"secret\nrest".to_vec());
        assert_eq!(read_line(&mut r).unwrap().as_slice(), b"secret");
        assert_eq!(r.position(), 7, "nothing past the newline is consumed");
    }

    #[test]
    fn first_line_strips_crlf_and_rest() {
        let f = |b: &[u8]| first_line(Zeroizing::new(b.to_vec())).to_vec();
        assert_eq!(f(b"secret\nsecond"), b"secret");
        assert_eq!(f(b"secret\r\n"), b"secret");
        assert_eq!(f(b"secret"), b"secret");
        assert_eq!(f(b"with spaces \n"), b"with spaces ");
    }
}
