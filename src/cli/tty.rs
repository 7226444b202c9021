//! The controlling terminal, for prompts: a passphrase read without echo
//! and a yes/no question, each read key by key with echo, line editing and
//! the signal keys turned off. So Ctrl-C and Ctrl-D reach appctl as keys and
//! cancel the prompt (exit 130) instead of killing the process with the
//! terminal left silent, or submitting an empty passphrase; and no signal
//! handler is needed to put the terminal back. A guard restores the saved
//! settings on every way out of a prompt, a panic included.

use crate::crypto::SecretBytes;
use crate::error::{Error, Kind, Result};
use rustix::termios::{self, LocalModes, OptionalActions, SpecialCodeIndex, Termios};
use std::fs::File;
use std::io::{Read, Write};
use zeroize::{Zeroize, Zeroizing};

/// The longest passphrase a prompt takes. The buffer is this large from
/// the start, so it never grows and leaves an unwiped copy behind.
pub const MAX_SECRET_BYTES: usize = 4096;

const CTRL_C: u8 = 0x03;
const CTRL_D: u8 = 0x04;
const BACKSPACE: u8 = 0x08;
const CTRL_U: u8 = 0x15;
const DELETE: u8 = 0x7f;

/// The terminal appctl was started from (`/dev/tty`), open for reading and
/// writing: asking there works even when stdin or stderr is redirected.
pub struct Tty {
    file: File,
}

/// Puts the saved terminal settings back when dropped, then ends the
/// prompt's line (nothing typed was echoed, not even Enter).
struct Restore<'a> {
    file: &'a File,
    saved: Termios,
}

impl Drop for Restore<'_> {
    fn drop(&mut self) {
        let _ = termios::tcsetattr(self.file, OptionalActions::Now, &self.saved);
        let mut f = self.file;
        let _ = f.write_all(b"\n");
        let _ = f.flush();
    }
}

/// What a key does to the line being typed.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    /// Keep reading.
    More,
    /// Enter: the line is complete.
    Done,
    /// Ctrl-C or Ctrl-D: the prompt is cancelled.
    Cancel,
}

/// Applies one typed byte to `line`: Enter ends it, Ctrl-C and Ctrl-D
/// cancel, Backspace removes the last character (all its UTF-8 bytes),
/// Ctrl-U clears the line; bytes past [`MAX_SECRET_BYTES`] are dropped.
/// Removed bytes are wiped on the spot.
fn edit(line: &mut Zeroizing<Vec<u8>>, byte: u8) -> Step {
    match byte {
        b'\r' | b'\n' => return Step::Done,
        CTRL_C | CTRL_D => return Step::Cancel,
        DELETE | BACKSPACE => {
            // A character is one lead byte and its continuation bytes
            // (10xxxxxx).
            let start = line.iter().rposition(|b| b & 0xc0 != 0x80).unwrap_or(0);
            line[start..].zeroize();
            line.truncate(start);
        }
        CTRL_U => {
            line.zeroize();
        }
        _ if line.len() < MAX_SECRET_BYTES => line.push(byte),
        _ => {}
    }
    Step::More
}

/// The error for a prompt cancelled with Ctrl-C or Ctrl-D.
pub fn cancelled(at: &str) -> Error {
    Error::new(
        Kind::Cancelled,
        format!("cancelled at the {at}; nothing was changed"),
    )
}

impl Tty {
    /// Opens the controlling terminal.
    pub fn open() -> Result<Tty> {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .map(|file| Tty { file })
            .map_err(|e| {
                Error::new(
                    Kind::NeedsInput,
                    format!("cannot open the terminal: {}", e.kind()),
                )
            })
    }

    /// Writes `text` to the terminal (a failure to show it is not fatal).
    pub fn say(&mut self, text: &str) {
        let _ = self.file.write_all(text.as_bytes());
        let _ = self.file.flush();
    }

    /// Turns echo, line editing and the signal keys off until the guard is
    /// dropped; reads return one byte at a time.
    fn raw(&self) -> Result<Restore<'_>> {
        let fail = |e: rustix::io::Errno| {
            Error::new(
                Kind::NeedsInput,
                format!("cannot set up the terminal for a prompt: {e}"),
            )
        };
        let saved = termios::tcgetattr(&self.file).map_err(fail)?;
        let mut t = saved.clone();
        t.local_modes -=
            LocalModes::ECHO | LocalModes::ICANON | LocalModes::ISIG | LocalModes::IEXTEN;
        t.special_codes[SpecialCodeIndex::VMIN] = 1;
        t.special_codes[SpecialCodeIndex::VTIME] = 0;
        // The guard exists before the settings change, so that whatever
        // happens next puts them back.
        let guard = Restore {
            file: &self.file,
            saved,
        };
        termios::tcsetattr(&self.file, OptionalActions::Now, &t).map_err(fail)?;
        Ok(guard)
    }

    /// One typed byte; `None` when the terminal is gone (hung up).
    fn key(&self) -> Result<Option<u8>> {
        let mut byte = Zeroizing::new([0u8; 1]);
        loop {
            match (&self.file).read(&mut byte[..]) {
                Ok(0) => return Ok(None),
                Ok(_) => return Ok(Some(byte[0])),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) if e.raw_os_error() == Some(rustix::io::Errno::IO.raw_os_error()) => {
                    return Ok(None);
                }
                Err(e) => {
                    return Err(Error::new(
                        Kind::NeedsInput,
                        format!("cannot read from the terminal: {}", e.kind()),
                    ));
                }
            }
        }
    }

    /// Shows `prompt` and reads a line without echo. `at` names the prompt
    /// in the error when it is cancelled ("passphrase prompt").
    pub fn read_secret(&mut self, prompt: &str, at: &str) -> Result<SecretBytes> {
        self.say(prompt);
        let mut line = Zeroizing::new(Vec::with_capacity(MAX_SECRET_BYTES));
        {
            let _restore = self.raw()?;
            loop {
                let Some(byte) = self.key()? else {
                    return Err(cancelled(at));
                };
                match edit(&mut line, byte) {
                    Step::More => {}
                    Step::Done => break,
                    Step::Cancel => return Err(cancelled(at)),
                }
            }
        }
        Ok(SecretBytes::new(std::mem::take(&mut *line)))
    }

    /// Asks `question` with `[y/N]`: y answers yes, n or Enter no, Ctrl-C or
    /// Ctrl-D cancel; other keys are ignored. The answer is shown.
    pub fn confirm(&mut self, question: &str) -> Result<bool> {
        self.say(&format!("{question} [y/N] "));
        let _restore = self.raw()?;
        loop {
            let answer = match self.key()? {
                None | Some(CTRL_C | CTRL_D) => return Err(cancelled("confirmation prompt")),
                Some(b'y' | b'Y') => true,
                Some(b'n' | b'N' | b'\r' | b'\n') => false,
                Some(_) => continue,
            };
            // Echo is off: show the answer taken (the guard ends the line).
            let mut f = &self.file;
            let _ = f.write_all(if answer { b"y" } else { b"n" });
            return Ok(answer);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(keys: &[u8]) -> (Vec<u8>, Step) {
        let mut line = Zeroizing::new(Vec::with_capacity(MAX_SECRET_BYTES));
        for &k in keys {
            let step = edit(&mut line, k);
            if step != Step::More {
                return (line.to_vec(), step);
            }
        }
        (line.to_vec(), Step::More)
    }

    #[test]
    fn enter_ends_the_line_and_control_keys_cancel() {
        assert_eq!(typed(b"secret\r"), (b"secret".to_vec(), Step::Done));
        assert_eq!(typed(b"secret\n"), (b"secret".to_vec(), Step::Done));
        assert_eq!(typed(b"sec\x03ret\r").1, Step::Cancel);
        assert_eq!(typed(b"\x04").1, Step::Cancel);
        assert_eq!(typed(b"sec\x04").1, Step::Cancel);
    }

    #[test]
    fn backspace_removes_one_whole_character() {
        assert_eq!(typed(b"ab\x7f\r").0, b"a");
        assert_eq!(typed(b"ab\x08\r").0, b"a");
        assert_eq!(typed(b"\x7f\x7fa\r").0, b"a");
        // "é" is two bytes, "€" three: one Backspace removes either.
        assert_eq!(typed("aé\x7f\r".as_bytes()).0, b"a");
        assert_eq!(typed("a€\x7f\r".as_bytes()).0, b"a");
        assert_eq!(typed("€é\x7f\r".as_bytes()).0, "€".as_bytes());
    }

    #[test]
    fn ctrl_u_clears_the_line() {
        assert_eq!(typed(b"wrong\x15right\r").0, b"right");
    }

    #[test]
    fn the_line_never_outgrows_its_buffer() {
        let mut keys = vec![b'x'; MAX_SECRET_BYTES + 10];
        keys.push(b'\r');
        let mut line = Zeroizing::new(Vec::with_capacity(MAX_SECRET_BYTES));
        let ptr = line.as_ptr();
        for k in keys {
            edit(&mut line, k);
        }
        assert_eq!(line.len(), MAX_SECRET_BYTES);
        assert_eq!(line.as_ptr(), ptr, "the buffer was not reallocated");
    }
}
