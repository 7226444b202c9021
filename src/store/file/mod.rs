//! Files beside the store: where they are, reading the store, and files
//! that must be regular files. The writers' lock ([`Lock`]) is in `lock.rs`,
//! the atomic replacement of the store ([`write_atomic`]) in `replace.rs`,
//! and the fault injection of tests in `fault.rs`.

mod fault;
mod lock;
mod replace;

pub use lock::{DEFAULT_LOCK_TIMEOUT, Lock, lock_path};
pub use replace::{TempFile, write_atomic};

use crate::error::{Error, Kind, Result};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// A file's identity: device and inode numbers.
type FileId = (u64, u64);

fn file_id(meta: &fs::Metadata) -> FileId {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

/// Why a file that must be a regular file could not be opened.
#[derive(Debug)]
pub(crate) enum OpenFailure {
    /// Nothing by that name.
    Missing,
    /// Something that is not a regular file: what it is.
    NotRegular(&'static str),
    /// The system refused (a symbolic link where none may be is `ELOOP`).
    Io(std::io::Error),
}

impl OpenFailure {
    /// The error for `what` at `path` (exit 9 for a file of the wrong
    /// type or a symbolic link, 7 for an I/O failure, 3 when missing).
    pub(crate) fn into_error(self, what: &str, path: &Path) -> Error {
        match self {
            OpenFailure::Missing => Error::not_found(format!("no {what} at {}", path.display())),
            OpenFailure::NotRegular(kind) => Error::invalid(format!(
                "the {what} {} is not a regular file (it is {kind})",
                path.display()
            ))
            .with_hint("remove or rename it; appctl reads and writes only regular files there"),
            OpenFailure::Io(e)
                if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) =>
            {
                Error::invalid(format!(
                    "the {what} {} is a symbolic link, which appctl does not follow there",
                    path.display()
                ))
                .with_hint("remove the link")
            }
            OpenFailure::Io(e) => Error::io(&format!("open {what}"), path, &e),
        }
    }
}

/// What a file that is not a regular file is, in words.
fn describe(kind: fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else {
        "not a file"
    }
}

/// Opens `path`, which must be a regular file, without ever waiting: a
/// FIFO or a device is opened non-blocking and then refused, so no command
/// hangs on one. `lock_file`: open it for writing, create it (0600) when
/// missing, and never follow a symbolic link; else open it for reading,
/// following links.
pub(crate) fn open_regular(path: &Path, lock_file: bool) -> std::result::Result<File, OpenFailure> {
    use rustix::fs::{Mode, OFlags};
    let mut flags = OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
    if lock_file {
        flags |= OFlags::RDWR | OFlags::CREATE | OFlags::NOFOLLOW;
    } else {
        flags |= OFlags::RDONLY;
    }
    let file = match rustix::fs::open(path, flags, Mode::from_raw_mode(0o600)) {
        Ok(fd) => File::from(fd),
        Err(rustix::io::Errno::NOENT) => return Err(OpenFailure::Missing),
        Err(e) => return Err(OpenFailure::Io(e.into())),
    };
    let meta = file.metadata().map_err(OpenFailure::Io)?;
    if !meta.is_file() {
        return Err(OpenFailure::NotRegular(describe(meta.file_type())));
    }
    Ok(file)
}

/// Reads at most `limit` bytes of the regular file at `path` (see
/// [`open_regular`]); `Ok(None)` when there is no such file.
pub(crate) fn read_regular(path: &Path, limit: u64, what: &str) -> Result<Option<Vec<u8>>> {
    use std::io::Read;
    let file = match open_regular(path, false) {
        Ok(file) => file,
        Err(OpenFailure::Missing) => return Ok(None),
        Err(e) => return Err(e.into_error(what, path)),
    };
    let mut bytes = Vec::new();
    file.take(limit)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(&format!("read {what}"), path, &e))?;
    Ok(Some(bytes))
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// The real path of the store: symbolic links are resolved, so that the
/// lock file and the atomic rename act on the real store, not on a link
/// (renaming over a link would replace the link with a copy). A path that
/// does not exist yet keeps its name under its resolved directory.
pub fn resolve(path: &Path) -> Result<PathBuf> {
    if path.as_os_str().as_encoded_bytes().ends_with(b"/") {
        return Err(Error::invalid(format!(
            "store path {} ends with a slash; it must name a file",
            path.display()
        )));
    }
    match fs::symlink_metadata(path) {
        Ok(_) => fs::canonicalize(path).map_err(|e| {
            Error::new(
                Kind::Invalid,
                format!("store path {} leads nowhere: {}", path.display(), e.kind()),
            )
            .with_hint("point --store at the store file itself")
        }),
        Err(_) => {
            let dir = parent_dir(path);
            match (fs::canonicalize(dir), path.file_name()) {
                (Ok(dir), Some(name)) => Ok(dir.join(name)),
                _ => Ok(path.to_path_buf()),
            }
        }
    }
}

/// Creates the store's directory (and its parents) with mode 0700 when it
/// does not exist. Existing directories keep their mode.
pub fn ensure_dir(store: &Path) -> Result<()> {
    let dir = parent_dir(store);
    if dir.is_dir() {
        return Ok(());
    }
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| Error::io("create directory", dir, &e))
}

/// The store file, open for reading. A write never changes a file in
/// place: it renames a new file over the store, so an open store file keeps
/// the bytes it had when it was opened, and the name always leads to a
/// whole store.
#[derive(Debug)]
pub struct StoreFile {
    file: File,
    len: u64,
}

impl StoreFile {
    /// Opens the store file. Anything but a regular file there (a FIFO, a
    /// device, a directory) is not a store: exit 6 at once, never a wait.
    pub fn open(store: &Path) -> Result<StoreFile> {
        let file = open_regular(store, false).map_err(|e| match e {
            OpenFailure::Missing => missing_store(store),
            OpenFailure::NotRegular(kind) => {
                Error::damaged(store, format_args!("it is not a regular file but {kind}"))
            }
            OpenFailure::Io(e) => Error::io("read store", store, &e),
        })?;
        let len = file
            .metadata()
            .map_err(|e| Error::io("read store", store, &e))?
            .len();
        Ok(StoreFile { file, len })
    }

    /// The file's length when it was opened.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Fills `buf` from `offset`.
    pub fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
        use std::os::unix::fs::FileExt;
        self.file.read_exact_at(buf, offset)
    }

    /// The first `limit` bytes, or the whole file when it is shorter.
    pub fn read_prefix(&self, store: &Path, limit: usize) -> Result<Vec<u8>> {
        let n = usize::try_from(self.len).map_or(limit, |len| len.min(limit));
        let mut buf = vec![0u8; n];
        self.read_at(0, &mut buf)
            .map_err(|e| Error::io("read store", store, &e))?;
        Ok(buf)
    }

    /// The whole file.
    pub fn read_all(&self, store: &Path) -> Result<Vec<u8>> {
        self.read_prefix(store, usize::MAX)
    }
}

/// Reads at most the first `limit` bytes of the store file.
pub fn read_prefix(store: &Path, limit: usize) -> Result<Vec<u8>> {
    StoreFile::open(store)?.read_prefix(store, limit)
}

/// The error for a store that does not exist, with how to make one.
pub fn missing_store(store: &Path) -> Error {
    Error::not_found(format!("no store at {}", store.display()))
        .with_hint("create one with `appctl init`, or point --store / APPCTL_STORE at yours")
}

/// Syncs the directory `dir`.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir).and_then(|d| d.sync_all())
}

/// Writes `bytes` to a new 0600 file at `dest`, refusing to overwrite
/// anything, and makes it durable.
pub fn write_new(dest: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(dest)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Error::conflict(format!("{} already exists", dest.display()))
                    .with_hint("a backup never overwrites a file; choose a new path")
            } else {
                Error::io("create", dest, &e)
            }
        })?;
    let written = f
        .write_all(bytes)
        .and_then(|()| f.sync_all())
        .map_err(|e| Error::io("write", dest, &e));
    if written.is_err() {
        let _ = fs::remove_file(dest);
        return written;
    }
    let dir = parent_dir(dest);
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io("sync directory", dir, &e))
}

/// The permission bits of `path`, if it exists.
pub fn mode(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path)
        .ok()
        .map(|m| m.permissions().mode() & 0o7777)
}

/// The directory that holds `path`.
pub fn dir_of(path: &Path) -> &Path {
    parent_dir(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn fifo(path: &Path) {
        let mode = rustix::fs::Mode::from_raw_mode(0o600);
        rustix::fs::mknodat(rustix::fs::CWD, path, rustix::fs::FileType::Fifo, mode, 0).unwrap();
    }

    #[test]
    fn a_fifo_device_or_directory_is_no_store_and_is_refused_at_once() {
        let d = tempfile::tempdir().unwrap();
        let store = d.path().join("s.appctl");
        fifo(&store);
        for path in [&store, Path::new("/dev/zero"), d.path()] {
            let e = StoreFile::open(path).unwrap_err();
            assert_eq!(e.exit_code(), 6, "{}", e.message());
            assert!(
                e.message().contains("not a regular file"),
                "{}",
                e.message()
            );
        }
        let e = read_regular(&store, 10, "session file").unwrap_err();
        assert_eq!(e.exit_code(), 9, "{}", e.message());
        assert!(e.message().contains("a FIFO"), "{}", e.message());
        assert!(
            read_regular(&d.path().join("none"), 10, "x")
                .unwrap()
                .is_none()
        );
        // A long file is read only as far as asked.
        let long = d.path().join("long");
        fs::write(&long, [7u8; 100]).unwrap();
        assert_eq!(read_regular(&long, 10, "x").unwrap().unwrap(), [7u8; 10]);
    }

    #[test]
    fn symlinks_resolve_to_the_real_store() {
        let d = tempfile::tempdir().unwrap();
        let real = d.path().join("real.appctl");
        fs::write(&real, b"x").unwrap();
        let link = d.path().join("link.appctl");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert_eq!(resolve(&link).unwrap(), fs::canonicalize(&real).unwrap());
        let missing = d.path().join("new.appctl");
        assert_eq!(
            resolve(&missing).unwrap(),
            fs::canonicalize(d.path()).unwrap().join("new.appctl")
        );
        assert_eq!(resolve(Path::new("dir/")).unwrap_err().exit_code(), 9);
        let dangling = d.path().join("dangling.appctl");
        std::os::unix::fs::symlink(d.path().join("gone"), &dangling).unwrap();
        assert_eq!(resolve(&dangling).unwrap_err().exit_code(), 9);
    }

    #[test]
    fn new_directories_are_0700() {
        let d = tempfile::tempdir().unwrap();
        let store = d.path().join("a/b/s.appctl");
        ensure_dir(&store).unwrap();
        for sub in ["a", "a/b"] {
            let mode = fs::metadata(d.path().join(sub))
                .unwrap()
                .permissions()
                .mode()
                & 0o777;
            assert_eq!(mode, 0o700, "{sub}");
        }
    }
}
