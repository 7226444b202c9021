//! The writers' lock: an exclusive `flock` on the lock file beside the store.

use super::{FileId, file_id, open_regular};
use crate::error::{Error, Kind, Result};
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a command waits for another one's lock by default.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(30);

/// The first and the longest pause between two tries for a held lock.
const FIRST_PAUSE: Duration = Duration::from_millis(1);
const LONGEST_PAUSE: Duration = Duration::from_millis(50);

/// The lock file beside `store`: `store.lock`. It is never replaced, so an
/// exclusive lock on it serialises every writer.
pub fn lock_path(store: &Path) -> PathBuf {
    let mut p = store.as_os_str().to_owned();
    p.push(".lock");
    PathBuf::from(p)
}

/// An exclusive lock on the store's lock file, released on drop.
#[derive(Debug)]
pub struct Lock {
    /// Held open: closing it releases the lock.
    _file: File,
    id: FileId,
    path: PathBuf,
}

impl Lock {
    /// Takes the lock, waiting at most `timeout` (exit 7 when it runs out).
    ///
    /// The lock file is opened without following a symbolic link and must
    /// be a regular file. Once locked, its name must still lead to the file
    /// locked: a lock file that was removed (or replaced) while this command
    /// waited for it no longer keeps other writers out, so the lock is taken
    /// again on the file the name now leads to.
    pub fn acquire(store: &Path, timeout: Duration) -> Result<Lock> {
        let path = lock_path(store);
        let deadline = Instant::now() + timeout;
        let mut pause = FIRST_PAUSE;
        loop {
            let file = open_regular(&path, true).map_err(|e| e.into_error("lock file", &path))?;
            loop {
                match file.try_lock() {
                    Ok(()) => break,
                    Err(fs::TryLockError::WouldBlock) => {}
                    Err(fs::TryLockError::Error(e)) => return Err(Error::io("lock", &path, &e)),
                }
                if Instant::now() >= deadline {
                    return Err(busy(store, timeout));
                }
                std::thread::sleep(pause);
                pause = (pause * 2).min(LONGEST_PAUSE);
            }
            let id = file.metadata().map(|m| file_id(&m));
            let id = id.map_err(|e| Error::io("lock", &path, &e))?;
            let lock = Lock {
                _file: file,
                id,
                path: path.clone(),
            };
            if lock.is_named() {
                return Ok(lock);
            }
            if Instant::now() >= deadline {
                return Err(busy(store, timeout));
            }
        }
    }

    /// Whether the lock file's name still leads to the file locked.
    fn is_named(&self) -> bool {
        fs::symlink_metadata(&self.path).is_ok_and(|m| file_id(&m) == self.id)
    }

    /// Fails (exit 7) when the lock file was removed or replaced since the
    /// lock was taken: another writer may then hold a lock of its own on a
    /// new lock file. A write checks this just before and just after it
    /// renames its file over the store, so that it neither replaces a store
    /// another writer may have read since, nor reports a write that
    /// another writer may overwrite.
    pub fn check_held(&self, done: bool) -> Result<()> {
        if self.is_named() {
            return Ok(());
        }
        let what = if done {
            "its change may be lost"
        } else {
            "nothing was saved"
        };
        Err(Error::new(
            Kind::Busy,
            format!(
                "the lock file {} was removed or replaced while this command held it; {what}",
                self.path.display()
            ),
        )
        .with_hint("never remove the lock file while appctl runs; run the command again"))
    }
}

fn busy(store: &Path, timeout: Duration) -> Error {
    Error::new(
        Kind::Busy,
        format!(
            "store {} is busy: another appctl command held its lock for over {}s",
            store.display(),
            timeout.as_secs_f32()
        ),
    )
    .with_hint("try again when it finishes, or raise APPCTL_LOCK_TIMEOUT (seconds)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_lock_times_out_with_busy() {
        let d = tempfile::tempdir().unwrap();
        let store = d.path().join("s.appctl");
        let _held = Lock::acquire(&store, Duration::from_secs(1)).unwrap();
        let start = Instant::now();
        let e = Lock::acquire(&store, Duration::from_millis(300)).unwrap_err();
        assert!(start.elapsed() < Duration::from_secs(2));
        assert_eq!(e.exit_code(), 7);
        assert!(e.message().contains("busy"));
    }

    #[test]
    fn a_lock_file_removed_while_waited_for_is_locked_again_under_its_name() {
        let d = tempfile::tempdir().unwrap();
        let store = d.path().join("s.appctl");
        let held = Lock::acquire(&store, Duration::from_secs(1)).unwrap();
        let lock = std::thread::scope(|s| {
            let waiter = s.spawn(|| Lock::acquire(&store, Duration::from_secs(20)));
            std::thread::sleep(Duration::from_millis(50));
            fs::remove_file(lock_path(&store)).unwrap();
            assert!(held.check_held(false).is_err());
            drop(held);
            waiter.join().unwrap().unwrap()
        });
        // It holds the file its name leads to now.
        lock.check_held(true).unwrap();
        let named = fs::metadata(lock_path(&store)).unwrap();
        assert_eq!(file_id(&named), lock.id);
    }

    #[test]
    fn a_lock_file_that_is_a_link_or_no_regular_file_is_refused() {
        let d = tempfile::tempdir().unwrap();
        let store = d.path().join("s.appctl");
        let target = d.path().join("target");
        std::os::unix::fs::symlink(&target, lock_path(&store)).unwrap();
        let e = Lock::acquire(&store, Duration::from_secs(1)).unwrap_err();
        assert_eq!(e.exit_code(), 9, "{}", e.message());
        assert!(!target.exists(), "the link was followed");
        fs::remove_file(lock_path(&store)).unwrap();
        let mode = rustix::fs::Mode::from_raw_mode(0o600);
        let fifo = rustix::fs::FileType::Fifo;
        rustix::fs::mknodat(rustix::fs::CWD, lock_path(&store), fifo, mode, 0).unwrap();
        let e = Lock::acquire(&store, Duration::from_secs(1)).unwrap_err();
        assert_eq!(e.exit_code(), 9, "{}", e.message());
        assert!(
            e.message().contains("not a regular file"),
            "{}",
            e.message()
        );
    }
}
