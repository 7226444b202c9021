//! The real binary under a pseudo-terminal, as a person at a terminal runs
//! it: a fixed width, keys typed one after another, the screen read back,
//! and the terminal's settings checked once the program has exited.
// Each helper serves some of the topic modules that use it.
#![allow(dead_code)]

use crate::util::Env;
use std::io::{Read, Write};
use std::os::fd::AsFd;
use std::process::{Child, ExitStatus};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a test waits for text to appear or the program to exit.
const PATIENCE: Duration = Duration::from_secs(30);

/// A running `appctl` whose stdin, stdout and stderr are one terminal.
pub struct Term {
    pty: pty_process::blocking::Pty,
    child: Child,
    seen: Arc<Mutex<Vec<u8>>>,
    /// How much of the screen the prompts waited for so far have used.
    mark: usize,
}

impl Term {
    /// Starts `appctl args` in `env` on a terminal of 24 rows and `cols`
    /// columns. `vars` are set on top of the test environment (PATH, HOME,
    /// the store, a lock timeout); no passphrase source is set unless given.
    pub fn spawn(env: &Env, cols: u16, args: &[&str], vars: &[(&str, &str)]) -> Term {
        Term::start(
            env,
            cols,
            assert_cmd::cargo::cargo_bin("appctl"),
            args,
            vars,
        )
    }

    /// Runs `script` with `dash -c` (a shell that, unlike bash, does not
    /// reset the terminal before its next command) on the terminal, with
    /// `appctl` on its PATH; otherwise as [`Term::spawn`].
    pub fn spawn_dash(env: &Env, cols: u16, script: &str, vars: &[(&str, &str)]) -> Term {
        Term::start(env, cols, "dash".into(), &["-c", script], vars)
    }

    fn start(
        env: &Env,
        cols: u16,
        program: std::path::PathBuf,
        args: &[&str],
        vars: &[(&str, &str)],
    ) -> Term {
        let (pty, pts) = pty_process::blocking::open().unwrap();
        pty.resize(pty_process::Size::new(24, cols)).unwrap();
        let bin = assert_cmd::cargo::cargo_bin("appctl");
        let mut path = std::ffi::OsString::from(bin.parent().unwrap());
        path.push(":");
        path.push(std::env::var_os("PATH").unwrap_or_default());
        let mut cmd = pty_process::blocking::Command::new(program)
            .env_clear()
            .env("PATH", path)
            .env("HOME", env.dir.path())
            .env("TERM", "xterm-256color")
            .env("APPCTL_STORE", &env.store)
            .env("APPCTL_LOCK_TIMEOUT", "60")
            .args(args);
        for (k, v) in vars {
            cmd = cmd.env(k, v);
        }
        let child = cmd.spawn(pts).unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let mut reader = std::fs::File::from(pty.as_fd().try_clone_to_owned().unwrap());
        let sink = Arc::clone(&seen);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            // Once the program has exited, reading gives EIO: the end.
            while let Ok(n @ 1..) = reader.read(&mut buf) {
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Term {
            pty,
            child,
            seen,
            mark: 0,
        }
    }

    /// Everything the program has written to the terminal so far.
    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.seen.lock().unwrap()).into_owned()
    }

    /// Waits until the terminal shows `text`.
    pub fn expect(&self, text: &str) {
        let start = Instant::now();
        while !self.screen().contains(text) {
            assert!(
                start.elapsed() < PATIENCE,
                "the terminal never showed {text:?}; it shows:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for a prompt: `text` shown anew (after the text of the last
    /// prompt waited for) and the program reading keys one by one (line
    /// mode off). Keys typed before that reach the line discipline
    /// instead: Ctrl-C would raise SIGINT and a passphrase would echo.
    pub fn prompt(&mut self, text: &str) {
        let start = Instant::now();
        loop {
            let at = {
                let seen = self.seen.lock().unwrap();
                seen[self.mark..]
                    .windows(text.len())
                    .position(|w| w == text.as_bytes())
            };
            if let Some(at) = at
                && !self.line_mode()
            {
                self.mark += at + text.len();
                return;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "the terminal never prompted with {text:?}; it shows:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Types `keys` (raw bytes: "\r" is Enter, "\x03" Ctrl-C, "\x04" Ctrl-D).
    pub fn send(&mut self, keys: &str) {
        self.pty.write_all(keys.as_bytes()).unwrap();
        self.pty.flush().unwrap();
    }

    /// Waits for the program to exit; returns its status and all it showed.
    pub fn wait(&mut self) -> (ExitStatus, String) {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader drain what is still buffered.
                std::thread::sleep(Duration::from_millis(50));
                return (status, self.screen());
            }
            if start.elapsed() > PATIENCE {
                let _ = self.child.kill();
                panic!(
                    "appctl did not exit; the terminal shows:\n{}",
                    self.screen()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Whether the terminal echoes what is typed (its settings as the
    /// program left them).
    pub fn echo_on(&self) -> bool {
        let t = rustix::termios::tcgetattr(&self.pty).unwrap();
        t.local_modes.contains(rustix::termios::LocalModes::ECHO)
    }

    /// Whether the terminal is back in line mode with Ctrl-C and Ctrl-D
    /// as signal and end-of-file keys (canonical, signals on).
    pub fn line_mode(&self) -> bool {
        use rustix::termios::LocalModes;
        let t = rustix::termios::tcgetattr(&self.pty).unwrap();
        t.local_modes
            .contains(LocalModes::ICANON | LocalModes::ISIG)
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `text` without its terminal escape sequences (colours, cursor moves):
/// what a person sees.
pub fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            out.push(c);
            continue;
        }
        // CSI: ESC [ parameters, then one final byte in @..~.
        if chars.next() == Some('[') {
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        }
    }
    out
}

/// Whether the cursor was left visible: the last hide (`ESC [?25l`), if
/// any, was followed by a show (`ESC [?25h`).
pub fn cursor_visible(screen: &str) -> bool {
    match screen.rfind("\x1b[?25l") {
        None => true,
        Some(hide) => screen[hide..].contains("\x1b[?25h"),
    }
}

#[test]
fn a_program_under_the_terminal_sees_its_width() {
    let env = Env::new();
    let mut t = Term::spawn(&env, 80, &["--help"], &[]);
    let (status, screen) = t.wait();
    assert!(status.success(), "{screen}");
    // Help wraps to the terminal (at most 100 columns): no line is wider than 80.
    for line in plain(&screen).lines() {
        assert!(line.trim_end().chars().count() <= 80, "{line:?}");
    }
    assert!(t.echo_on());
}
