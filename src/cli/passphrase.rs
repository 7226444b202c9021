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
use std::time::Duration;
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
    let Some(path) = file else {
        return prompt_new(ctx);
    };
    let source = "--new-passphrase-file";
    let pw = from_file(path, source)?;
    if pw.is_empty() {
        return Err(Error::new(
            Kind::NeedsInput,
            format!("the passphrase from {source} is empty"),
        )
        .with_hint("choose a long passphrase and put it on the first line of the file"));
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
/// source is set (then only a prompt can give it). Every source follows one
/// rule: the passphrase is its first line, without a UTF-8 byte-order mark;
/// an empty one is refused here, naming the source, before any key is
/// derived.
fn from_sources(ctx: &Ctx) -> Result<Option<Passphrase>> {
    let Some((pw, source)) = configured(ctx)? else {
        return Ok(None);
    };
    if pw.is_empty() {
        return Err(Error::new(
            Kind::NeedsInput,
            format!("the passphrase from {source} is empty"),
        )
        .with_hint("put the passphrase on the first line of what it gives"));
    }
    Ok(Some(pw))
}

/// The first configured source's passphrase, and the source's name.
fn configured(ctx: &Ctx) -> Result<Option<(Passphrase, &'static str)>> {
    if let Some(path) = &ctx.passphrase_file {
        let source = "--passphrase-file";
        return from_file(path, source).map(|pw| Some((pw, source)));
    }
    if let Some(path) = env("APPCTL_PASSPHRASE_FILE") {
        let source = "APPCTL_PASSPHRASE_FILE";
        return from_file(Path::new(&path), source).map(|pw| Some((pw, source)));
    }
    if let Some(fd) = env("APPCTL_PASSPHRASE_FD") {
        let source = "APPCTL_PASSPHRASE_FD";
        let fd = fd
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
            .ok_or_else(|| {
                Error::invalid("APPCTL_PASSPHRASE_FD is not a file descriptor number")
                    .with_hint("set it to the number of an inherited descriptor, such as 3")
            })?;
        let path = format!("/dev/fd/{fd}");
        return from_file(Path::new(&path), source).map(|pw| Some((pw, source)));
    }
    if let Some(cmd) = env("APPCTL_PASSPHRASE_COMMAND") {
        return from_command(&cmd).map(|pw| Some((pw, "APPCTL_PASSPHRASE_COMMAND")));
    }
    if let Some(pw) = std::env::var_os("APPCTL_PASSPHRASE").filter(|v| !v.is_empty()) {
        use std::os::unix::ffi::OsStringExt;
        let pw = first_line(Zeroizing::new(pw.into_vec()));
        return Ok(Some((pw, "APPCTL_PASSPHRASE")));
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

/// The first line of `bytes`, without its line ending or a UTF-8
/// byte-order mark before it.
fn first_line(mut bytes: Zeroizing<Vec<u8>>) -> Passphrase {
    if let Some(i) = bytes.iter().position(|&b| b == b'\n') {
        bytes.truncate(i);
    }
    if bytes.last() == Some(&b'\r') {
        bytes.pop();
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        // Shifted in place: no second buffer holds the passphrase.
        bytes.drain(..3);
    }
    SecretBytes::new(std::mem::take(&mut *bytes))
}

/// What reading a source's first line found.
enum Line {
    /// The line (without its ending), complete or ended by the source's end.
    Read(Zeroizing<Vec<u8>>),
    /// [`MAX_SOURCE_BYTES`] without a line ending: not a passphrase.
    TooLong,
}

/// Reads up to the first newline and no further: a pipe whose writer stays
/// open (`3< <(pass show x; sleep 60)`) must not make appctl wait for its
/// end. One byte per read, so no buffer holds bytes past the line.
fn read_line(mut r: impl Read) -> std::io::Result<Line> {
    // Room for any real passphrase up front: growing the buffer would free
    // a copy of its start without wiping it.
    let mut buf = Zeroizing::new(Vec::with_capacity(1024));
    let mut byte = Zeroizing::new([0u8; 1]);
    loop {
        if buf.len() as u64 >= MAX_SOURCE_BYTES {
            return Ok(Line::TooLong);
        }
        match r.read(&mut byte[..]) {
            Ok(0) => break,
            Ok(_) if byte[0] == b'\n' => break,
            Ok(_) => buf.push(byte[0]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(Line::Read(buf))
}

/// The passphrase in a source's first line, or the error for a source
/// that holds no line of a passphrase's size.
fn line_of(line: Line, source: &str) -> Result<Passphrase> {
    match line {
        Line::Read(bytes) => Ok(first_line(bytes)),
        Line::TooLong => Err(Error::invalid(format!(
            "{source} gives more than {} KiB without a line ending: not a passphrase",
            MAX_SOURCE_BYTES / 1024
        ))
        .with_hint("put the passphrase alone on the first line")),
    }
}

/// Reads a passphrase file's first line. The file is opened without
/// waiting (a FIFO nobody writes to would block the open forever) and must
/// be a regular file or a pipe (process substitution, an inherited
/// descriptor); a device or a directory is refused at once. A pipe without
/// a writer reads as empty.
///
/// Errors name the source, not the path or program: a user who put the
/// passphrase itself in the wrong variable must not see it echoed.
fn from_file(path: &Path, source: &str) -> Result<Passphrase> {
    use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
    let unreadable = |e: std::io::Error| {
        Error::new(
            Kind::NeedsInput,
            format!("cannot read the file named by {source}: {}", e.kind()),
        )
        .with_hint("check that the file exists and is readable")
    };
    let nonblocking = rustix::fs::OFlags::NONBLOCK.bits() as i32;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(nonblocking)
        .open(path)
        .map_err(unreadable)?;
    let kind = file.metadata().map_err(unreadable)?.file_type();
    if !(kind.is_file() || kind.is_fifo() || kind.is_socket()) {
        return Err(Error::invalid(format!(
            "the file named by {source} is a device or a directory, not a file"
        ))
        .with_hint("name a file that holds the passphrase on its first line"));
    }
    // Reads wait for a pipe's writer from here on.
    rustix::fs::fcntl_setfl(&file, rustix::fs::OFlags::empty())
        .map_err(|e| unreadable(e.into()))?;
    line_of(read_line(file).map_err(unreadable)?, source)
}

/// How long `APPCTL_PASSPHRASE_COMMAND` may take to print its line, unless
/// `APPCTL_PASSPHRASE_COMMAND_TIMEOUT` says otherwise (seconds).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a program that has printed its line is given to exit, so that
/// its exit status can still refuse the line; one that keeps running (and
/// its stdout open) is not waited for.
const COMMAND_GRACE: Duration = Duration::from_millis(200);

fn command_timeout() -> Result<Duration> {
    let name = "APPCTL_PASSPHRASE_COMMAND_TIMEOUT";
    match env(name) {
        None => Ok(COMMAND_TIMEOUT),
        Some(v) => v
            .to_str()
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s > 0.0 && *s <= 86_400.0)
            .map(Duration::from_secs_f64)
            .ok_or_else(|| {
                Error::invalid(format!("{name} is not a number of seconds"))
                    .with_hint("set it to a number such as 30 or 2.5")
            }),
    }
}

/// Runs the passphrase command (without a shell, and without this shell's
/// `APPCTL_SESSION`) and takes the first line of its stdout, read as it
/// comes: at most [`MAX_SOURCE_BYTES`], within the timeout, after which the
/// program is killed.
fn from_command(cmd: &std::ffi::OsStr) -> Result<Passphrase> {
    let source = "APPCTL_PASSPHRASE_COMMAND";
    let timeout = command_timeout()?;
    let words = cmd
        .to_str()
        .and_then(shlex::split)
        .filter(|w| !w.is_empty())
        .ok_or_else(|| {
            Error::invalid(format!("{source} is not a valid command line"))
                .with_hint("write it as a program and its arguments, quoted as in a shell")
        })?;
    let mut child = Command::new(&words[0])
        .args(&words[1..])
        .env_remove("APPCTL_SESSION")
        .stdin(Stdio::inherit())
        .stderr(Stdio::inherit())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| {
            Error::new(
                Kind::NeedsInput,
                format!("cannot run the program named by {source}: {}", e.kind()),
            )
            .with_hint("set it to a program that prints the passphrase, such as `pass show appctl`")
        })?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let (send, receive) = std::sync::mpsc::channel();
    // A reader of its own, so that the wait can end: a program that never
    // prints a line would keep a read blocked.
    std::thread::spawn(move || {
        let _ = send.send(read_line(stdout));
    });
    let line = match receive.recv_timeout(timeout) {
        Ok(line) => line,
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Error::new(
                Kind::NeedsInput,
                format!(
                    "the program named by {source} gave no passphrase within {}s and was stopped",
                    timeout.as_secs_f32()
                ),
            )
            .with_hint("check that it runs without waiting for input, or raise APPCTL_PASSPHRASE_COMMAND_TIMEOUT (seconds)"));
        }
    };
    let line = line.map_err(|e| {
        Error::new(
            Kind::NeedsInput,
            format!(
                "cannot read the output of the program named by {source}: {}",
                e.kind()
            ),
        )
    })?;
    use wait_timeout::ChildExt;
    match child.wait_timeout(COMMAND_GRACE) {
        Ok(Some(status)) if !status.success() => {
            return Err(Error::new(
                Kind::NeedsInput,
                format!("the program named by {source} failed ({status})"),
            ));
        }
        // Exited, or still running with its line printed: go on.
        _ => {}
    }
    line_of(line, source)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_without_a_line_ending_in_64_kib_is_not_a_passphrase() {
        let long = vec![b'x'; MAX_SOURCE_BYTES as usize + 10];
        assert!(matches!(
            read_line(std::io::Cursor::new(long)).unwrap(),
            Line::TooLong
        ));
        let err = line_of(Line::TooLong, "APPCTL_PASSPHRASE_FILE").unwrap_err();
        assert_eq!(err.exit_code(), 9);
    }

    #[test]
    fn read_line_stops_at_the_newline() {
        let mut r = std::io::Cursor::new(b"secret\nrest".to_vec());
        let Line::Read(line) = read_line(&mut r).unwrap() else {
            panic!("a short line is read");
        };
        assert_eq!(line.as_slice(), b"secret");
        assert_eq!(r.position(), 7, "nothing past the newline is consumed");
    }

    #[test]
    fn first_line_strips_crlf_and_rest() {
        let f = |b: &[u8]| first_line(Zeroizing::new(b.to_vec())).to_vec();
        assert_eq!(f(b"secret\nsecond"), b"secret");
        assert_eq!(f(b"secret\r\n"), b"secret");
        assert_eq!(f(b"secret"), b"secret");
        assert_eq!(f(b"with spaces \n"), b"with spaces ");
        assert_eq!(
            f(b"\xEF\xBB\xBFsecret\r\n"),
            b"secret",
            "a byte-order mark is dropped"
        );
        assert_eq!(f(b"\xEF\xBB\xBF"), b"");
    }
}
