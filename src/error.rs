//! The one error type of appctl. Every failure carries a [`Kind`], and
//! [`Error::exit_code`] is the only place where a kind becomes an exit code.

use std::fmt;
use std::path::Path;

/// What went wrong, in the terms the exit codes speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A bug or an unexpected failure of a library (exit 1).
    Internal,
    /// The command line could not be parsed, or a command was run where it
    /// cannot do its job, such as `unlock` outside `eval "$(…)"` (exit 2).
    Usage,
    /// A project, app or credential does not exist (exit 3).
    NotFound,
    /// A name is taken, a precondition does not hold, the app is suspended (exit 4).
    Conflict,
    /// Wrong passphrase, or an expired or destroyed session (exit 5).
    Auth,
    /// The store is damaged, tampered with or of an unknown version (exit 6).
    Damaged,
    /// Another command holds the store's lock for too long (exit 7).
    Busy,
    /// Reading or writing a file failed (exit 7).
    Io,
    /// Input is needed that is not available: no passphrase source, no confirmation (exit 8).
    NeedsInput,
    /// A value is not acceptable: bad URL, name too long, bad icon (exit 9).
    Invalid,
    /// The user cancelled a prompt with Ctrl-C or Ctrl-D (exit 130, as a
    /// shell reports a command ended by Ctrl-C).
    Cancelled,
}

impl Kind {
    /// The name used for this kind in JSON error documents.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Internal => "internal",
            Kind::Usage => "usage",
            Kind::NotFound => "not_found",
            Kind::Conflict => "conflict",
            Kind::Auth => "auth",
            Kind::Damaged => "damaged",
            Kind::Busy => "busy",
            Kind::Io => "io",
            Kind::NeedsInput => "needs_input",
            Kind::Invalid => "invalid",
            Kind::Cancelled => "cancelled",
        }
    }
}

/// An error with a kind, a one-line message and an optional hint on how to fix it.
///
/// Messages never contain secret values: they are built only from names,
/// paths and fixed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: Kind,
    message: String,
    hint: Option<String>,
}

/// The result type used across appctl.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error of `kind` with `message`.
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            hint: None,
        }
    }

    /// Adds a hint that tells the user how to fix the problem.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Shorthand for [`Kind::Invalid`].
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::new(Kind::Invalid, message)
    }

    /// Shorthand for [`Kind::Conflict`].
    pub fn conflict(message: impl Into<String>) -> Self {
        Error::new(Kind::Conflict, message)
    }

    /// Shorthand for [`Kind::NotFound`].
    pub fn not_found(message: impl Into<String>) -> Self {
        Error::new(Kind::NotFound, message)
    }

    /// Shorthand for [`Kind::Damaged`].
    pub fn damaged(path: &Path, why: impl fmt::Display) -> Self {
        Error::new(
            Kind::Damaged,
            format!(
                "store {} is damaged or not an appctl store: {why}",
                path.display()
            ),
        )
        .with_hint("restore the store from a backup; the file was left as it is")
    }

    /// Shorthand for [`Kind::Internal`].
    pub fn internal(message: impl Into<String>) -> Self {
        Error::new(Kind::Internal, message)
    }

    /// An I/O failure while doing `what` on `path`.
    pub fn io(what: &str, path: &Path, source: &std::io::Error) -> Self {
        Error::new(
            Kind::Io,
            format!("cannot {what} {}: {}", path.display(), io_reason(source)),
        )
    }

    /// The kind of this error.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The one-line message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The hint, if any.
    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }

    /// The process exit code for this error, as the README lists them.
    pub fn exit_code(&self) -> u8 {
        match self.kind {
            Kind::Internal => 1,
            Kind::Usage => 2,
            Kind::NotFound => 3,
            Kind::Conflict => 4,
            Kind::Auth => 5,
            Kind::Damaged => 6,
            Kind::Busy | Kind::Io => 7,
            Kind::NeedsInput => 8,
            Kind::Invalid => 9,
            Kind::Cancelled => 130,
        }
    }
}

/// The OS's description of an I/O error without the "(os error N)" suffix.
fn io_reason(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        // SQLite errors never contain bound parameter values, only statement
        // text and codes, so they cannot leak a secret.
        Error::internal(format!("database error: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_the_exit_code_the_readme_lists() {
        let table = [
            (Kind::Internal, 1),
            (Kind::Usage, 2),
            (Kind::NotFound, 3),
            (Kind::Conflict, 4),
            (Kind::Auth, 5),
            (Kind::Damaged, 6),
            (Kind::Busy, 7),
            (Kind::Io, 7),
            (Kind::NeedsInput, 8),
            (Kind::Invalid, 9),
            (Kind::Cancelled, 130),
        ];
        for (kind, code) in table {
            assert_eq!(Error::new(kind, "x").exit_code(), code, "{kind:?}");
        }
    }

    #[test]
    fn io_errors_name_the_file_and_drop_the_os_error_number() {
        let e = Error::io(
            "read",
            Path::new("/x/y"),
            &std::io::Error::from_raw_os_error(2),
        );
        assert_eq!(e.message(), "cannot read /x/y: No such file or directory");
        assert_eq!(e.exit_code(), 7);
    }
}
