//! Atomic, durable replacement of the store. Each write fills a new
//! temporary file beside the store, fsyncs it, renames it over the store
//! and fsyncs the directory: the name of the store always leads to a whole
//! store, the old one or the new one, for a crash and for any program that
//! copies it.

use super::lock::Lock;
use super::{fault, parent_dir, sync_dir};
use crate::error::{Error, Result};
use std::fs::{self, File};
use std::path::Path;

/// How many random letters and digits follow the temporary files' prefix.
const RANDOM_LEN: usize = 12;

/// The start of the names of temporary files beside the store:
/// `.<name>.tmp-`, then [`RANDOM_LEN`] random letters and digits.
fn temp_prefix(store: &Path) -> std::ffi::OsString {
    hidden_name(store, ".tmp-")
}

/// `.<name><suffix>`: the name of a hidden file beside the store.
fn hidden_name(store: &Path, suffix: &str) -> std::ffi::OsString {
    let mut name = std::ffi::OsString::from(".");
    name.push(store.file_name().unwrap_or_default());
    name.push(suffix);
    name
}

/// Removes what killed writers left beside the store: temporary files
/// (names of the exact form `.<name>.tmp-` and [`RANDOM_LEN`] letters and
/// digits, or `<pid>-<16 hex digits>` as earlier versions named them, so
/// that the temporary files of a store named, say, `<name>.tmp-old` are
/// kept), and the `.<name>.spare` file that earlier versions kept there
/// (the store file a write replaced). Runs under the lock, so no live
/// writer's file is touched.
fn sweep(store: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let prefix = temp_prefix(store);
    let digits = |b: &[u8]| !b.is_empty() && b.iter().all(u8::is_ascii_digit);
    let hex16 =
        |b: &[u8]| b.len() == 16 && b.iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'));
    let is_temp = |name: &[u8]| {
        let Some(rest) = name.strip_prefix(prefix.as_bytes()) else {
            return false;
        };
        let ours = rest.len() == RANDOM_LEN && rest.iter().all(u8::is_ascii_alphanumeric);
        let earlier = rest.iter().position(|&b| b == b'-').is_some_and(|dash| {
            let (pid, hex) = rest.split_at(dash);
            digits(pid) && hex16(&hex[1..])
        });
        ours || earlier
    };
    let Ok(entries) = fs::read_dir(parent_dir(store)) else {
        return;
    };
    for entry in entries.flatten() {
        if is_temp(entry.file_name().as_bytes()) {
            let _ = fs::remove_file(entry.path());
        }
    }
    let spare = parent_dir(store).join(hidden_name(store, ".spare"));
    if fs::symlink_metadata(&spare).is_ok_and(|m| m.is_file()) {
        let _ = fs::remove_file(spare);
    }
}

/// The new file a save fills, front to back.
#[derive(Debug)]
pub struct TempFile<'a> {
    file: &'a File,
    /// Whether an injected write failure struck.
    fault_fired: bool,
}

impl TempFile<'_> {
    /// Writes all of `bytes` at `offset`.
    pub fn write_at(&mut self, bytes: &[u8], offset: u64) -> std::io::Result<()> {
        use std::os::unix::fs::FileExt;
        if let Some((keep, e)) = fault::write_cut(offset, bytes.len()) {
            self.fault_fired = true;
            self.file.write_all_at(&bytes[..keep], offset)?;
            return Err(e);
        }
        self.file.write_all_at(bytes, offset)
    }
}

/// Replaces the store atomically and durably with the `len` bytes that
/// `fill` writes into a new file beside it: a new temporary file (created
/// exclusively, mode 0600, so never through a link or into someone else's
/// file), then fsync it, rename it over the store, fsync the directory. A
/// crash at any point leaves the old or the new store, and at most a
/// temporary file that the next write removes. Must be called with `lock`
/// held; a lock file removed meanwhile fails the write (see
/// [`Lock::check_held`]).
///
/// The file system is asked to allocate the file's blocks at once; that
/// changes only when the disk writes them, not what is written.
pub fn write_atomic(
    store: &Path,
    lock: &Lock,
    len: u64,
    fill: impl FnOnce(&mut TempFile<'_>) -> std::io::Result<()>,
) -> Result<()> {
    sweep(store);
    let dir = parent_dir(store);
    // Removed when dropped: on every failure below, and should `fill`
    // panic.
    let temp = tempfile::Builder::new()
        .prefix(&temp_prefix(store))
        .rand_bytes(RANDOM_LEN)
        .tempfile_in(dir)
        .map_err(|e| Error::io("create a temporary file in", dir, &e))?;
    let name = temp.path().to_path_buf();
    let file = temp.as_file();
    // Only a hint: without it the file system allocates as it writes.
    #[cfg(target_os = "linux")]
    let _ = rustix::fs::fallocate(file, rustix::fs::FallocateFlags::KEEP_SIZE, 0, len);
    #[cfg(not(target_os = "linux"))]
    let _ = len;
    let mut filling = TempFile {
        file,
        fault_fired: false,
    };
    fill(&mut filling)
        .and_then(|()| fault::write_end(filling.fault_fired))
        .map_err(|e| Error::io("write temporary file", &name, &e))?;
    fault::inject(fault::Step::Fsync)
        .and_then(|()| file.sync_all())
        .map_err(|e| Error::io("sync temporary file", &name, &e))?;
    lock.check_held(false)?;
    fault::inject(fault::Step::Rename).map_err(|e| Error::io("replace store", store, &e))?;
    temp.persist(store)
        .map_err(|e| Error::io("replace store", store, &e.error))?;
    lock.check_held(true)?;
    fault::inject(fault::Step::DirSync)
        .and_then(|()| sync_dir(dir))
        .map_err(|e| Error::io("sync directory", dir, &e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;
    use std::time::Duration;

    fn write(store: &Path, bytes: &[u8]) {
        let lock = Lock::acquire(store, Duration::from_secs(5)).unwrap();
        write_atomic(store, &lock, bytes.len() as u64, |t| t.write_at(bytes, 0)).unwrap();
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    fn ino(path: &Path) -> u64 {
        use std::os::unix::fs::MetadataExt;
        fs::metadata(path).unwrap().ino()
    }

    #[test]
    fn each_write_is_a_new_0600_file_and_leaves_only_store_and_lock() {
        let d = tempfile::tempdir().unwrap();
        let store = d.path().join("s.appctl");
        write(&store, b"first");
        // Open copies of old stores keep what they had (and their inode
        // numbers, so a new file cannot get one of them).
        let mut old = vec![(File::open(&store).unwrap(), b"first".to_vec())];
        for contents in [&b"second, longer"[..], b"3", b"fourth"] {
            write(&store, contents);
            assert_eq!(fs::read(&store).unwrap(), contents);
            let inode = ino(&store);
            assert!(
                old.iter().all(|(f, _)| std::os::unix::fs::MetadataExt::ino(
                    &f.metadata().unwrap()
                ) != inode),
                "a file was reused"
            );
            let mode = fs::metadata(&store).unwrap().permissions().mode() & 0o7777;
            assert_eq!(mode, 0o600);
            old.push((File::open(&store).unwrap(), contents.to_vec()));
        }
        for (file, contents) in &old {
            let mut kept = Vec::new();
            std::io::Read::read_to_end(&mut &*file, &mut kept).unwrap();
            assert_eq!(&kept, contents);
        }
        assert_eq!(names(d.path()), ["s.appctl", "s.appctl.lock"]);
    }

    #[test]
    fn a_hard_link_or_a_symbolic_link_beside_the_store_is_never_written_through() {
        let d = tempfile::tempdir().unwrap();
        let store = d.path().join("s.appctl");
        write(&store, b"one");
        let backup = d.path().join("backup");
        fs::hard_link(&store, &backup).unwrap();
        write(&store, b"two");
        assert_eq!(fs::read(&backup).unwrap(), b"one");
        // A link by a temporary file's name is swept, never followed.
        let target = d.path().join("target");
        fs::write(&target, b"keep").unwrap();
        let mut name = temp_prefix(&store);
        name.push("a".repeat(RANDOM_LEN));
        std::os::unix::fs::symlink(&target, d.path().join(&name)).unwrap();
        write(&store, b"three");
        assert_eq!(fs::read(&target).unwrap(), b"keep");
        assert!(!d.path().join(&name).exists());
    }

    #[test]
    fn a_write_removes_stale_temporary_files_and_the_old_spare_and_keeps_other_files() {
        let d = tempfile::tempdir().unwrap();
        let store = d.path().join("s.appctl");
        for stale in [
            format!(".s.appctl.tmp-{}", "aZ09".repeat(3)),
            ".s.appctl.tmp-123-00112233aabbccdd".into(),
        ] {
            fs::write(d.path().join(&stale), b"partial").unwrap();
        }
        fs::write(d.path().join(".s.appctl.spare"), b"an old version").unwrap();
        fs::write(d.path().join("other"), b"keep").unwrap();
        // Another store's temporary file, and names that only look alike.
        let others = [
            format!(".s.appctl.tmp-old.tmp-{}", "a".repeat(RANDOM_LEN)),
            format!(".s.appctl.tmp-{}", "a".repeat(RANDOM_LEN - 1)),
            format!(".s.appctl.tmp-{}", "a".repeat(RANDOM_LEN + 1)),
            format!(".s.appctl.tmp-{}-", "a".repeat(RANDOM_LEN - 1)),
            ".s.appctl.tmp-123-abcd".into(),
            ".s.appctl.tmp-x-00112233aabbccdd".into(),
            ".s.appctl.tmp-1-2-00112233aabbccdd".into(),
        ];
        for o in &others {
            fs::write(d.path().join(o), b"keep").unwrap();
        }
        write(&store, b"new");
        assert_eq!(fs::read(&store).unwrap(), b"new");
        let mut expected: Vec<String> =
            vec!["other".into(), "s.appctl".into(), "s.appctl.lock".into()];
        expected.extend(others);
        expected.sort();
        assert_eq!(names(d.path()), expected);
    }

    #[test]
    fn a_fill_that_fails_or_panics_leaves_the_store_and_no_temporary_file() {
        let d = tempfile::tempdir().unwrap();
        let store = d.path().join("s.appctl");
        write(&store, b"old");
        let lock = Lock::acquire(&store, Duration::from_secs(5)).unwrap();
        let e = write_atomic(&store, &lock, 3, |t| {
            t.write_at(b"ne", 0)?;
            Err(std::io::Error::other("disk"))
        })
        .unwrap_err();
        assert_eq!(e.exit_code(), 7);
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            write_atomic(&store, &lock, 3, |t| {
                t.write_at(b"ne", 0)?;
                panic!("a bug while sealing")
            })
        }));
        assert!(panicked.is_err());
        assert_eq!(fs::read(&store).unwrap(), b"old");
        assert_eq!(names(d.path()), ["s.appctl", "s.appctl.lock"]);
    }

    #[test]
    fn a_write_whose_lock_file_was_removed_fails_and_keeps_the_store() {
        let d = tempfile::tempdir().unwrap();
        let store = d.path().join("s.appctl");
        write(&store, b"old");
        let lock = Lock::acquire(&store, Duration::from_secs(5)).unwrap();
        fs::remove_file(super::super::lock_path(&store)).unwrap();
        let e = write_atomic(&store, &lock, 3, |t| t.write_at(b"new", 0)).unwrap_err();
        assert_eq!(e.exit_code(), 7);
        assert!(e.message().contains("nothing was saved"), "{}", e.message());
        assert_eq!(fs::read(&store).unwrap(), b"old");
        assert_eq!(names(d.path()), ["s.appctl"]);
    }
}
