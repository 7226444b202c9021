//! Files beside the store: the lock file, atomic durable replacement of the
//! store (through the spare, filled in place), reading it whole while it is
//! replaced, permissions, and the cleanup of temporary files left by a crash.

use super::envelope::MAX_HEADER_LEN;
use crate::error::{Error, Kind, Result};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a command waits for another one's lock by default.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(30);

/// The lock file beside `store`: `store.lock`. It is never replaced, so an
/// exclusive lock on it serialises every writer.
pub fn lock_path(store: &Path) -> PathBuf {
    let mut p = store.as_os_str().to_owned();
    p.push(".lock");
    PathBuf::from(p)
}

/// The start of the names of temporary files beside the store:
/// `.<name>.tmp-`, then the writer's process ID and random hex digits.
/// Each write has a file of its own: if two writers ever ran at once (a
/// lock that does not hold, say on a network file system), the second
/// could only lose the first one's update, never rename a half-written
/// file over the store.
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

/// Removes temporary files that a killed writer left beside the store. Runs
/// under the lock, so no live writer's file is touched. Only names of the
/// exact form `.<name>.tmp-<digits>-<16 hex digits>` are removed, so the
/// temporary files of a store named, say, `<name>.tmp-old` are not.
fn remove_stale_temps(store: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let prefix = temp_prefix(store);
    let Ok(entries) = fs::read_dir(parent_dir(store)) else {
        return;
    };
    let is_ours = |file: &[u8]| {
        let Some(rest) = file.strip_prefix(prefix.as_bytes()) else {
            return false;
        };
        let Some(dash) = rest.iter().position(|&b| b == b'-') else {
            return false;
        };
        let (pid, hex) = (&rest[..dash], &rest[dash + 1..]);
        !pid.is_empty()
            && pid.iter().all(u8::is_ascii_digit)
            && hex.len() == 16
            && hex
                .iter()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
    };
    for entry in entries.flatten() {
        if is_ours(entry.file_name().as_bytes()) {
            let _ = fs::remove_file(entry.path());
        }
    }
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

/// An exclusive lock on the store's lock file, released on drop.
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

impl Lock {
    /// Takes the lock, waiting at most `timeout` (exit 7 when it runs out).
    pub fn acquire(store: &Path, timeout: Duration) -> Result<Lock> {
        let path = lock_path(store);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(&path)
            .map_err(|e| Error::io("open lock file", &path, &e))?;
        let start = Instant::now();
        let mut pause = Duration::from_millis(2);
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Lock { _file: file }),
                Err(fs::TryLockError::WouldBlock) => {}
                Err(fs::TryLockError::Error(e)) => {
                    return Err(Error::io("lock", &path, &e));
                }
            }
            if start.elapsed() >= timeout {
                return Err(Error::new(
                    Kind::Busy,
                    format!(
                        "store {} is busy: another appctl command held its lock for over {}s",
                        store.display(),
                        timeout.as_secs_f32()
                    ),
                )
                .with_hint("try again when it finishes, or raise APPCTL_LOCK_TIMEOUT (seconds)"));
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(50));
        }
    }
}

/// The store file, open for reading. Writers fill only the spare in
/// place, never the store, and never a file a command reads: the reader
/// holds a shared lock on it (see [`StoreFile::open`]), so an open store
/// file keeps the bytes it had when it was opened, whatever writers do
/// meanwhile.
#[derive(Debug)]
pub struct StoreFile {
    file: File,
    len: u64,
}

impl StoreFile {
    /// Opens the store file and takes a shared lock on it, then checks that
    /// the file is still the store: a file that has meanwhile become the
    /// spare is let go and the store opened again. Under the lock no writer
    /// fills the file in place, and a file the store's name leads to is
    /// whole (it was synced before it got the name).
    pub fn open(store: &Path) -> Result<StoreFile> {
        let start = Instant::now();
        loop {
            let file = File::open(store).map_err(|e| read_error(store, &e))?;
            let locked = match file.try_lock_shared() {
                Ok(()) => true,
                Err(fs::TryLockError::WouldBlock) => false,
                // Where locks are not supported, no writer can take the
                // store's lock either, so nothing fills a file in place.
                Err(fs::TryLockError::Error(_)) => true,
            };
            let meta = file.metadata().map_err(|e| read_error(store, &e))?;
            let now = fs::metadata(store).map_err(|e| read_error(store, &e))?;
            let same = file_id(&meta) == file_id(&now);
            if locked && same {
                return Ok(StoreFile {
                    file,
                    len: meta.len(),
                });
            }
            if start.elapsed() >= DEFAULT_LOCK_TIMEOUT {
                return Err(Error::new(
                    Kind::Busy,
                    format!("store {} stayed locked by a writer", store.display()),
                )
                .with_hint("try again when the other appctl command finishes"));
            }
            // Not locked but still the store: the writer that just put it
            // in place lets it go in a moment. Replaced: open the store
            // again at once.
            if same {
                std::thread::sleep(Duration::from_micros(100));
            }
        }
    }

    /// The file's length when it was opened.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Fills `buf` from `offset`; callable from several threads at once.
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

fn read_error(store: &Path, e: &std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::NotFound {
        missing_store(store)
    } else {
        Error::io("read store", store, e)
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

/// The temporary file a save fills, at any offsets, from any thread.
#[derive(Debug)]
pub struct TempFile {
    file: File,
    fault_fired: std::sync::atomic::AtomicBool,
    writeback: Writeback,
    /// The end of the furthest write: the file's length once filled (a
    /// reused spare may be longer before).
    end: std::sync::atomic::AtomicU64,
}

impl TempFile {
    /// Writes all of `bytes` at `offset`.
    pub fn write_at(&self, bytes: &[u8], offset: u64) -> std::io::Result<()> {
        use std::os::unix::fs::FileExt;
        if let Some((keep, e)) = fault::write_cut(offset, bytes.len()) {
            self.fault_fired
                .store(true, std::sync::atomic::Ordering::Relaxed);
            self.file.write_all_at(&bytes[..keep], offset)?;
            return Err(e);
        }
        self.file.write_all_at(bytes, offset)?;
        self.end.fetch_max(
            offset + bytes.len() as u64,
            std::sync::atomic::Ordering::Relaxed,
        );
        self.writeback.wrote(bytes.len() as u64);
        Ok(())
    }
}

/// How many bytes of a large temporary file are written between two syncs
/// of its data on a helper thread: the disk writes the file while the rest
/// of it is still being sealed, and the final fsync waits only for the
/// last step.
const WRITEBACK_STEP: u64 = 1 << 20;

/// Files shorter than this are synced once, at the end: for them a helper
/// thread costs more than it saves.
const LARGE_FILE: u64 = 2 * WRITEBACK_STEP;

/// How far a temporary file has been filled, shared with the helper thread
/// that syncs it as it grows.
#[derive(Debug, Default)]
struct Writeback {
    state: std::sync::Mutex<WritebackState>,
    grown: std::sync::Condvar,
}

#[derive(Debug, Default)]
struct WritebackState {
    /// Bytes written so far.
    written: u64,
    /// Bytes that had been written when the last sync began.
    synced: u64,
    /// The filling is over: the helper stops.
    done: bool,
    /// The helper waits for the next step.
    waiting: bool,
    /// Syncs the helper made.
    syncs: u32,
    /// The first sync that failed. A failed sync reports a lost write once
    /// per open file, so the final fsync would not report it again.
    failed: Option<std::io::Error>,
}

impl Writeback {
    fn state(&self) -> std::sync::MutexGuard<'_, WritebackState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn wrote(&self, n: u64) {
        let mut state = self.state();
        state.written += n;
        // Only a helper that waits is woken: once per step, and never
        // without a helper.
        if state.waiting && state.written >= state.synced + WRITEBACK_STEP {
            state.waiting = false;
            self.grown.notify_one();
            drop(state);
            // With every CPU sealing, the woken helper would otherwise
            // wait a millisecond or more before it starts the disk: give
            // it this thread's CPU now (paired runs of create at 10,000
            // apps: 0.3 to 1.1 ms faster).
            std::thread::yield_now();
        }
    }

    /// Ends the filling: the helper stops once its sync in progress is over.
    fn finish(&self) {
        self.state().done = true;
        self.grown.notify_one();
    }

    /// The helper thread: syncs the file's data each time another step of
    /// it has been written, until the filling is over or a sync fails.
    fn run(&self, file: &File) {
        let mut state = self.state();
        if let Err(e) = fault::inject(fault::Step::Writeback) {
            state.failed = Some(e);
            return;
        }
        loop {
            while !state.done && state.written < state.synced + WRITEBACK_STEP {
                state.waiting = true;
                state = self
                    .grown
                    .wait(state)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                state.waiting = false;
            }
            if state.done {
                return;
            }
            state.synced = state.written;
            drop(state);
            let synced = file.sync_data();
            state = self.state();
            if let Err(e) = synced {
                state.failed = Some(e);
                return;
            }
            state.syncs += 1;
        }
    }

    /// Why a sync of the helper failed, if one did.
    fn failure(&self) -> Option<std::io::Error> {
        self.state().failed.take()
    }
}

/// Calls [`Writeback::finish`] when dropped.
struct Finishing<'a>(&'a Writeback);

impl Drop for Finishing<'_> {
    fn drop(&mut self) {
        self.0.finish();
    }
}

/// The spare file beside the store: `.<name>.spare`. Each write leaves the
/// replaced store file under this name, its header wiped, and the next
/// write fills it in place and exchanges it with the store: the file
/// system neither allocates a new file nor frees the old one on every
/// write, which is most of the cost of a rename over a large file.
pub fn spare_path(store: &Path) -> PathBuf {
    parent_dir(store).join(hidden_name(store, ".spare"))
}

/// A file's identity: device and inode numbers.
type FileId = (u64, u64);

fn file_id(meta: &fs::Metadata) -> FileId {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

/// What a write knows of the store it replaces.
#[derive(Debug, Clone, Copy)]
pub struct Replacing<'a> {
    /// The store's ID. A file by the spare's name is filled in place only
    /// if it is a spare: wiped, or a copy of this store (left by a writer
    /// killed before its wipe). Any other file there, say another store
    /// someone named so, is never written, wiped or removed.
    pub store_id: &'a [u8],
    /// Whether the key slots change with this write. The wipe of the
    /// replaced store file is then synced, so that no old slot (an old
    /// passphrase's) outlives a power cut in the spare.
    pub slots_changed: bool,
}

/// What is by the spare's name.
#[derive(Debug)]
enum Spare {
    /// A spare that can be filled in place, its identity, and whether its
    /// header is wiped.
    Usable(File, FileId, bool),
    /// Nothing.
    Missing,
    /// A spare of this store that cannot be filled now (a command reads
    /// it, it has another name, or its file system does not allow it): a
    /// new file is filled, and then takes its name.
    Busy,
    /// Something that is not a spare of this store: it is left alone, and
    /// the store is renamed over as if there were no spare at all.
    Foreign,
}

/// Opens the file by the spare's name for `access` (read, write or both),
/// without following a symbolic link and without waiting, should it be a
/// FIFO.
fn open_spare_name(spare: &Path, access: rustix::fs::OFlags) -> rustix::io::Result<File> {
    use rustix::fs::{Mode, OFlags};
    let flags = access | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
    rustix::fs::open(spare, flags, Mode::empty()).map(File::from)
}

/// Opens the spare for filling in place when it is safe to: a spare of
/// this store (see [`Replacing::store_id`]) that is a regular file of ours
/// with mode 0600 and no other name (a hard link someone made to an old
/// store is never overwritten), not a symbolic link (opened without
/// following one, and without waiting, should it be a FIFO), not the
/// store's own file (as a torn exchange could leave it on a file system
/// without a journal), on a local file system, and not being read (a
/// reader holds a shared lock on the file it reads; the exclusive lock
/// taken here is held until the file is in place).
fn open_spare(spare: &Path, store: &Path, store_id: &[u8]) -> Spare {
    use std::os::unix::fs::{FileExt, MetadataExt};
    let file = match open_spare_name(spare, rustix::fs::OFlags::RDWR) {
        Ok(file) => file,
        Err(rustix::io::Errno::NOENT) => return Spare::Missing,
        Err(_) => return Spare::Foreign,
    };
    let Ok(meta) = file.metadata() else {
        return Spare::Foreign;
    };
    let id = file_id(&meta);
    if !meta.is_file() || meta.uid() != rustix::process::geteuid().as_raw() {
        return Spare::Foreign;
    }
    // A spare of this store is wiped, or holds a header of this store.
    let mut header = vec![0u8; meta.len().min(MAX_HEADER_LEN as u64) as usize];
    if file.read_exact_at(&mut header, 0).is_err() {
        return Spare::Foreign;
    }
    let wiped = header.iter().all(|&b| b == 0);
    let ours = |(h, _): (super::envelope::Header, usize)| h.store_id[..] == *store_id;
    if !wiped && !super::envelope::Header::decode(&header).is_ok_and(ours) {
        return Spare::Foreign;
    }
    let usable = meta.nlink() == 1
        && meta.mode() & 0o7777 == 0o600
        && fs::metadata(store).map_or(true, |m| file_id(&m) != id)
        && local_fs(&file)
        && file.try_lock().is_ok();
    if usable {
        Spare::Usable(file, id, wiped)
    } else {
        Spare::Busy
    }
}

/// Overwrites the header of `file` (at most its first [`MAX_HEADER_LEN`]
/// bytes) with zeros: without its payload nonce and key slots, what the
/// file holds cannot be decrypted, even with the passphrase.
fn wipe_header(file: &File) -> std::io::Result<()> {
    use std::os::unix::fs::FileExt;
    let len = file.metadata()?.len();
    let header = usize::try_from(len).map_or(MAX_HEADER_LEN, |l| l.min(MAX_HEADER_LEN));
    file.write_all_at(&[0u8; MAX_HEADER_LEN][..header], 0)
}

/// Whether `file` is on a local file system known to exchange names and to
/// hold `flock` locks: only there is the spare filled in place. Where locks
/// may not hold (a network file system shared by several machines), two
/// writers could fill the spare at once and exchange a mix of both with the
/// store; a new temporary file for each write can only lose an update.
fn local_fs(file: &File) -> bool {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        const LOCAL: [u32; 7] = [
            0xEF53,      // ext2, ext3, ext4
            0x5846_5342, // xfs
            0x9123_683E, // btrfs
            0x0102_1994, // tmpfs
            0xF2F5_2010, // f2fs
            0x2FC1_2FC1, // zfs
            0xCA45_1A4E, // bcachefs
        ];
        rustix::fs::fstatfs(file).is_ok_and(|st| LOCAL.contains(&(st.f_type as u32)))
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let _ = file;
        false
    }
}

/// Swaps the names of `a` and `b` in one step (`renameat2` with
/// `RENAME_EXCHANGE`). `Ok(false)` where the system or file system cannot,
/// or `b` does not exist.
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        use rustix::io::Errno;
        match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
            Ok(()) => Ok(true),
            Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP | Errno::NOENT) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let _ = (a, b);
        Ok(false)
    }
}

/// Makes the filled file at `from` the store. Where the store exists,
/// names can be exchanged and `spare` is not taken by a file that is not a
/// spare, the replaced store file becomes the spare (from a new temporary
/// file, by a second rename over the spare); otherwise `from` is renamed
/// over the store, as the spare then is, if it was the one filled. Returns
/// whether the replaced store file was left as the spare.
fn install(
    from: &Path,
    store: &Path,
    spare: &Path,
    foreign: bool,
    filled_spare: bool,
) -> std::io::Result<bool> {
    if foreign || !exchange(from, store)? {
        fs::rename(from, store)?;
        return Ok(false);
    }
    if !filled_spare && fs::rename(from, spare).is_err() {
        let _ = fs::remove_file(from);
        return Ok(false);
    }
    Ok(true)
}

/// Wipes the header of the replaced store file, now the spare, once the new
/// store is durably in place: the previous contents (secrets since
/// replaced, apps since deleted) can no longer be decrypted. `replaced` is
/// that file's identity: a file that has meanwhile taken the spare's name
/// is left alone. A replaced store file that cannot be wiped (a command
/// still reads it, or it has another name, such as a hard link made as a
/// backup, which keeps it) loses the spare's name instead; a reader keeps
/// the file it has open. With `sync`, the wipe is on disk before the
/// write returns.
fn wipe_replaced(spare: &Path, replaced: FileId, sync: bool) {
    use std::os::unix::fs::MetadataExt;
    let Ok(file) = open_spare_name(spare, rustix::fs::OFlags::WRONLY) else {
        return;
    };
    let Ok(meta) = file.metadata() else {
        return;
    };
    if file_id(&meta) != replaced {
        return;
    }
    let wiped = meta.nlink() == 1
        && file.try_lock().is_ok()
        && wipe_header(&file).is_ok()
        && (!sync
            || fault::inject(fault::Step::WipeSync)
                .and_then(|()| file.sync_data())
                .is_ok());
    if !wiped {
        let _ = fs::remove_file(spare);
    }
}

/// Syncs the directory that holds the store.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir).and_then(|d| d.sync_all())
}

/// Replaces the store atomically and durably with the `len` bytes that
/// `fill` writes into a file beside it: then fsync that file, rename it over
/// the store, fsync the directory. A crash at any point leaves the old or
/// the new store. Must be called with the lock held.
///
/// The file filled is the spare (see [`spare_path`]) when it can be written
/// in place, else a new 0600 temporary file; the rename exchanges it with
/// the store where the file system can, so the replaced store file becomes
/// the next spare, its header wiped once the new store is durable.
///
/// The file system is asked to allocate the file's blocks at once, and a
/// large file is synced in steps while it is filled (one sync per MiB
/// written); neither changes what is written, only when the disk writes it.
pub fn write_atomic(
    store: &Path,
    len: u64,
    replacing: Replacing<'_>,
    fill: impl FnOnce(&TempFile) -> std::io::Result<()>,
) -> Result<()> {
    remove_stale_temps(store);
    let dir = parent_dir(store);
    let spare = spare_path(store);
    let found = open_spare(&spare, store, replacing.store_id);
    if let Spare::Usable(_, _, false) = found {
        // The spare is the replaced store only once the directory says so
        // on disk: a writer killed between its exchange and its directory
        // sync may have left the exchange in memory alone. Filling the
        // spare before that could change the file the disk still calls the
        // store. A wiped header tells that the sync was done: the wipe
        // comes after it (and a failed sync removes the spare); any other
        // spare is made sure of here.
        fault::inject(fault::Step::SpareSync)
            .and_then(|()| sync_dir(dir))
            .map_err(|e| Error::io("sync directory", dir, &e))?;
    }
    let foreign = matches!(found, Spare::Foreign);
    let (file, tmp, filled_spare) = match found {
        Spare::Usable(file, id, _) => (file, spare.clone(), Some(id)),
        Spare::Missing | Spare::Busy | Spare::Foreign => {
            let mut suffix = [0u8; 8];
            crate::crypto::random_bytes(&mut suffix);
            let mut name = temp_prefix(store);
            name.push(format!(
                "{}-{}",
                std::process::id(),
                crate::crypto::hex(&suffix)
            ));
            let tmp = dir.join(name);
            let file = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&tmp)
                .map_err(|e| Error::io("create temporary file", &tmp, &e))?;
            (file, tmp, None)
        }
    };
    let replaced = fs::metadata(store).map(|m| file_id(&m)).ok();
    let result = fill_and_install(file, &tmp, len, filled_spare.is_some(), fill, || {
        // The file filled must still be the one by the spare's name.
        if let Some(id) = filled_spare
            && !fs::symlink_metadata(&spare).is_ok_and(|m| file_id(&m) == id)
        {
            let replaced = std::io::Error::other("the spare was replaced while in use");
            return Err(Error::io("replace store", store, &replaced));
        }
        fault::inject(fault::Step::Rename)
            .and_then(|()| install(&tmp, store, &spare, foreign, filled_spare.is_some()))
            .map_err(|e| Error::io("replace store", store, &e))
    });
    let spare_left = match result {
        Ok(left) => left,
        Err(e) => {
            if filled_spare.is_none() {
                let _ = fs::remove_file(&tmp);
            }
            return Err(e);
        }
    };
    if let Err(e) = fault::inject(fault::Step::DirSync).and_then(|()| sync_dir(dir)) {
        // The exchange may not be on disk, where the spare can still be the
        // store: no later write may fill it.
        if spare_left {
            let _ = fs::remove_file(&spare);
        }
        return Err(Error::io("sync directory", dir, &e));
    }
    if let (true, Some(replaced)) = (spare_left, replaced) {
        wipe_replaced(&spare, replaced, replacing.slots_changed);
    }
    Ok(())
}

/// Fills `file` (named `name`) with what `fill` writes, cuts and syncs it,
/// then calls `install`. Should any of it fail, the header of a spare
/// (`is_spare`) is wiped, so that nothing written to it stays readable.
/// The file closes when this returns, and with it the lock on a spare:
/// readers waiting for the new store go on before the directory is synced.
fn fill_and_install(
    file: File,
    name: &Path,
    len: u64,
    is_spare: bool,
    fill: impl FnOnce(&TempFile) -> std::io::Result<()>,
    install: impl FnOnce() -> Result<bool>,
) -> Result<bool> {
    // A spare's length before it is filled (unknown: cut it anyway).
    let old_len = file.metadata().map_or(u64::MAX, |m| m.len());
    // Only a hint: without it the file system allocates as it writes.
    #[cfg(target_os = "linux")]
    let _ = rustix::fs::fallocate(&file, rustix::fs::FallocateFlags::KEEP_SIZE, 0, len);
    let temp = TempFile {
        file,
        fault_fired: false.into(),
        writeback: Writeback::default(),
        end: 0.into(),
    };
    let synced = std::thread::scope(|scope| {
        let temp = &temp;
        // Without a helper (none could be started), the file is synced
        // once, at the end.
        let helper = (len >= LARGE_FILE)
            .then(|| {
                std::thread::Builder::new()
                    .spawn_scoped(scope, || temp.writeback.run(&temp.file))
                    .ok()
            })
            .flatten();
        // Ends the filling however `fill` returns: should it panic, the
        // helper must stop, or the scope would wait for it forever.
        let finishing = Finishing(&temp.writeback);
        let filled = fill(temp)
            .and_then(|()| fault::write_end(&temp.fault_fired))
            // A spare longer than the new contents loses its tail (a
            // truncation to the same length is not free: not called).
            .and_then(|()| {
                let end = temp.end.load(std::sync::atomic::Ordering::Relaxed);
                if old_len > end {
                    temp.file.set_len(end)
                } else {
                    Ok(())
                }
            });
        drop(finishing);
        let filled = filled.map_err(|e| Error::io("write temporary file", name, &e));
        // Started while a sync of the helper may still be running: it
        // waits for all the data either way.
        let synced = filled.and_then(|()| {
            fault::inject(fault::Step::Fsync)
                .and_then(|()| temp.file.sync_all())
                .map_err(|e| Error::io("sync temporary file", name, &e))
        });
        if let Some(helper) = helper {
            helper
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        }
        synced?;
        match temp.writeback.failure() {
            Some(e) => Err(Error::io("sync temporary file", name, &e)),
            None => Ok(()),
        }
    });
    let result = synced.and_then(|()| install());
    if result.is_err() && is_spare {
        let _ = wipe_header(&temp.file);
    }
    result
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

/// Fault injection for tests of the save path. In debug builds (the ones
/// the test suite runs),
/// `APPCTL_FAULT=write|enospc|writeback|fsync|rename|dirsync|sparesync|wipesync`
/// makes that step of a save fail as the OS would (`writeback`: the first
/// sync of the helper thread that syncs a large file as it is filled;
/// `sparesync`: the directory sync before a spare that is not wiped is
/// reused; `wipesync`:
/// the sync of the spare's wiped header when the key slots changed). `write:N` and
/// `enospc:N` fail the write that reaches byte N (default 4096) after
/// writing the bytes before it, in whichever thread makes it; a save
/// whose file is shorter than N fails at the end, its file unchanged.
/// Release builds compile it to nothing.
mod fault {
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(super) enum Step {
        Writeback,
        Fsync,
        Rename,
        DirSync,
        SpareSync,
        WipeSync,
    }

    /// The write failure asked for, and the byte it strikes at.
    #[cfg(debug_assertions)]
    fn write_fault() -> Option<(u64, std::io::Error)> {
        let spec = std::env::var("APPCTL_FAULT").ok()?;
        let (want, at) = spec.split_once(':').unwrap_or((spec.as_str(), ""));
        let at = at.parse().unwrap_or(4096);
        match want {
            "write" => Some((at, std::io::Error::other("injected write failure"))),
            "enospc" => Some((at, std::io::Error::from_raw_os_error(28))),
            _ => None,
        }
    }

    /// For a write of `len` bytes at `offset`: when it reaches the faulty
    /// byte, how many of its bytes to write before failing, and the error.
    #[cfg(debug_assertions)]
    pub(super) fn write_cut(offset: u64, len: usize) -> Option<(usize, std::io::Error)> {
        let (at, e) = write_fault()?;
        (offset + len as u64 > at).then(|| ((at.saturating_sub(offset) as usize).min(len), e))
    }

    #[cfg(not(debug_assertions))]
    #[inline(always)]
    pub(super) fn write_cut(_: u64, _: usize) -> Option<(usize, std::io::Error)> {
        None
    }

    /// After the file was filled: a write failure that no write reached
    /// (the file is shorter than N) strikes now.
    #[cfg(debug_assertions)]
    pub(super) fn write_end(fired: &std::sync::atomic::AtomicBool) -> std::io::Result<()> {
        if fired.load(std::sync::atomic::Ordering::Relaxed) {
            return Ok(());
        }
        write_fault().map_or(Ok(()), |(_, e)| Err(e))
    }

    #[cfg(not(debug_assertions))]
    #[inline(always)]
    pub(super) fn write_end(_: &std::sync::atomic::AtomicBool) -> std::io::Result<()> {
        Ok(())
    }

    #[cfg(debug_assertions)]
    pub(super) fn inject(step: Step) -> std::io::Result<()> {
        use std::io::Error;
        let Ok(spec) = std::env::var("APPCTL_FAULT") else {
            return Ok(());
        };
        let want = spec.split_once(':').map_or(spec.as_str(), |(w, _)| w);
        match (want, step) {
            ("writeback", Step::Writeback) => Err(Error::from_raw_os_error(5)),
            ("fsync", Step::Fsync) => Err(Error::from_raw_os_error(5)),
            ("rename", Step::Rename) => Err(Error::from_raw_os_error(18)),
            ("dirsync", Step::DirSync) => Err(Error::from_raw_os_error(5)),
            ("sparesync", Step::SpareSync) => Err(Error::from_raw_os_error(5)),
            ("wipesync", Step::WipeSync) => Err(Error::from_raw_os_error(5)),
            _ => Ok(()),
        }
    }

    #[cfg(not(debug_assertions))]
    #[inline(always)]
    pub(super) fn inject(_: Step) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// What the tests' writes replace: a store with this ID.
    const REPLACING: Replacing<'static> = Replacing {
        store_id: b"a test store ID!",
        slots_changed: false,
    };

    fn write(store: &Path, bytes: &[u8]) {
        write_atomic(store, bytes.len() as u64, REPLACING, |t| {
            t.write_at(bytes, 0)
        })
        .unwrap();
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

    /// Whether the file system under `dir` exchanges names and is one
    /// where the spare is filled in place.
    fn exchanges(dir: &Path) -> bool {
        let (a, b) = (dir.join("probe-a"), dir.join("probe-b"));
        fs::write(&a, b"a").unwrap();
        fs::write(&b, b"b").unwrap();
        let local = local_fs(&File::open(&a).unwrap());
        let works = local && matches!(exchange(&a, &b), Ok(true));
        fs::remove_file(a).unwrap();
        fs::remove_file(b).unwrap();
        works
    }

    #[test]
    fn each_write_fills_the_spare_in_place_and_leaves_the_old_store_unreadable() {
        let d = tempfile::tempdir().unwrap();
        let store = d.path().join("s.appctl");
        let spare = spare_path(&store);
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o7777;
        write(&store, b"first");
        assert_eq!(names(d.path()), ["s.appctl"]);
        write(&store, b"second, longer");
        assert_eq!(fs::read(&store).unwrap(), b"second, longer");
        if !exchanges(d.path()) {
            // No spare is filled in place on this file system.
            return;
        }
        // The replaced store is the spare now, its header wiped.
        assert_eq!(fs::read(&spare).unwrap(), [0; 5]);
        let long: Vec<u8> = (1..=255).cycle().take(MAX_HEADER_LEN + 100).collect();
        for contents in [&b"third"[..], &long, b"5", b"sixth"] {
            let (spare_ino, store_ino) = (ino(&spare), ino(&store));
            let replaced = fs::read(&store).unwrap();
            write(&store, contents);
            assert_eq!(fs::read(&store).unwrap(), contents);
            assert_eq!(ino(&store), spare_ino, "the spare was filled in place");
            assert_eq!(ino(&spare), store_ino, "the old store is the spare");
            // Its header is wiped, the rest kept.
            let old = fs::read(&spare).unwrap();
            let header = replaced.len().min(MAX_HEADER_LEN);
            assert_eq!(old.len(), replaced.len());
            assert!(old[..header].iter().all(|&b| b == 0), "{old:?}");
            assert_eq!(old[header..], replaced[header..]);
            assert_eq!((mode(&store), mode(&spare)), (0o600, 0o600));
        }
        assert_eq!(names(d.path()), [".s.appctl.spare", "s.appctl"]);
    }

    #[test]
    fn a_file_being_read_is_never_filled_in_place() {
        let d = tempfile::tempdir().unwrap();
        let store = d.path().join("s.appctl");
        let spare = spare_path(&store);
        write(&store, b"one");
        write(&store, b"two");
        // A store file still read when it is replaced loses the spare's
        // name instead of being wiped.
        let reader = StoreFile::open(&store).unwrap();
        write(&store, b"three");
        assert!(!spare.exists());
        assert_eq!(reader.read_all(&store).unwrap(), b"two");
        drop(reader);
        write(&store, b"four");
        // A spare read (locked as readers lock) is not filled either: a new
        // file is, and the spare keeps its bytes.
        if exchanges(d.path()) {
            let held = File::open(&spare).unwrap();
            held.lock_shared().unwrap();
            let before = fs::read(&spare).unwrap();
            write(&store, b"five");
            assert_ne!(ino(&store), file_id(&held.metadata().unwrap()).1);
            let mut now = Vec::new();
            std::io::Read::read_to_end(&mut &held, &mut now).unwrap();
            assert_eq!(now, before);
        }
        write(&store, b"six");
        assert_eq!(fs::read(&store).unwrap(), b"six");
        let left = names(d.path());
        assert!(left.iter().all(|n| !n.contains(".tmp-")), "{left:?}");
    }

    #[test]
    fn a_file_by_the_spares_name_that_is_no_spare_is_left_alone() {
        let d = tempfile::tempdir().unwrap();
        let store = d.path().join("s.appctl");
        let spare = spare_path(&store);
        write(&store, b"one");
        // Someone's own file (another store, say), 0600 and ours.
        fs::write(&spare, b"not a spare of this store").unwrap();
        fs::set_permissions(&spare, fs::Permissions::from_mode(0o600)).unwrap();
        for contents in ["two", "three"] {
            write(&store, contents.as_bytes());
            assert_eq!(fs::read(&store).unwrap(), contents.as_bytes());
            assert_eq!(fs::read(&spare).unwrap(), b"not a spare of this store");
        }
        // A header of another store is no spare of this one either.
        let other = Replacing {
            store_id: b"another store ID",
            ..REPLACING
        };
        fs::remove_file(&spare).unwrap();
        write(&store, b"four");
        write_atomic(&store, 4, other, |t| t.write_at(b"five", 0)).unwrap();
        if exchanges(d.path()) {
            // The spare (wiped) was the other store's to fill: it was.
            assert!(fs::read(&spare).unwrap().iter().all(|&b| b == 0));
        }
    }

    #[test]
    fn a_spare_with_another_name_is_never_written_through() {
        let d = tempfile::tempdir().unwrap();
        let store = d.path().join("s.appctl");
        let spare = spare_path(&store);
        // A hard link someone made to the store keeps what it had.
        write(&store, b"one");
        let backup = d.path().join("backup");
        fs::hard_link(&store, &backup).unwrap();
        for contents in ["two", "three", "four"] {
            write(&store, contents.as_bytes());
        }
        assert_eq!(fs::read(&backup).unwrap(), b"one");
        // A symbolic link in the spare's place is not followed.
        let target = d.path().join("target");
        fs::write(&target, [0u8; 4]).unwrap();
        fs::set_permissions(&target, fs::Permissions::from_mode(0o600)).unwrap();
        let _ = fs::remove_file(&spare);
        std::os::unix::fs::symlink(&target, &spare).unwrap();
        write(&store, b"five");
        write(&store, b"six");
        assert_eq!(fs::read(&target).unwrap(), [0u8; 4]);
        assert_eq!(fs::read(&store).unwrap(), b"six");
        // Nor does a FIFO in its place make a write wait for a reader.
        fs::remove_file(&spare).unwrap();
        let mode = rustix::fs::Mode::from_raw_mode(0o600);
        rustix::fs::mknodat(rustix::fs::CWD, &spare, rustix::fs::FileType::Fifo, mode, 0).unwrap();
        let (done, wrote) = std::sync::mpsc::channel();
        let writer = store.clone();
        std::thread::spawn(move || {
            write(&writer, b"seven");
            done.send(()).unwrap();
        });
        wrote
            .recv_timeout(Duration::from_secs(20))
            .expect("a write blocked on a FIFO");
        assert_eq!(fs::read(&store).unwrap(), b"seven");
    }

    #[test]
    fn a_reader_waits_out_a_file_being_filled_and_opens_the_store_it_becomes() {
        let d = tempfile::tempdir().unwrap();
        let store = d.path().join("s.appctl");
        fs::write(&store, b"half-filled").unwrap();
        let whole = d.path().join("whole");
        fs::write(&whole, b"whole").unwrap();
        // Locked as a writer holds the file it fills.
        let filling = File::open(&store).unwrap();
        filling.lock().unwrap();
        let read = std::thread::scope(|s| {
            let reader = s.spawn(|| StoreFile::open(&store)?.read_all(&store));
            std::thread::sleep(Duration::from_millis(30));
            fs::rename(&whole, &store).unwrap();
            reader.join().unwrap()
        });
        assert_eq!(read.unwrap(), b"whole");
    }

    #[test]
    fn a_write_removes_stale_temporary_files_and_keeps_other_files() {
        let d = tempfile::tempdir().unwrap();
        let store = d.path().join("s.appctl");
        fs::write(
            d.path().join(".s.appctl.tmp-123-00112233aabbccdd"),
            b"partial",
        )
        .unwrap();
        fs::write(d.path().join("other"), b"keep").unwrap();
        // Another store's temporary file, and names that only look alike.
        let others = [
            ".s.appctl.tmp-old.tmp-123-00112233aabbccdd",
            ".s.appctl.tmp-123-abcd",
            ".s.appctl.tmp-x-00112233aabbccdd",
        ];
        for o in others {
            fs::write(d.path().join(o), b"keep").unwrap();
        }
        write_atomic(&store, 3, REPLACING, |t| t.write_at(b"new", 0)).unwrap();
        assert_eq!(fs::read(&store).unwrap(), b"new");
        let mut names: Vec<_> = fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        let mut expected = vec!["other", "s.appctl"];
        expected.extend(others);
        expected.sort();
        assert_eq!(names, expected);
    }

    #[test]
    fn a_large_file_written_from_two_threads_while_the_helper_runs_is_whole() {
        let d = tempfile::tempdir().unwrap();
        let store = d.path().join("s.appctl");
        let piece = 64 * 1024 + 16;
        let len = 5 * LARGE_FILE as usize / 2 + 1234;
        let bytes: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        write_atomic(&store, len as u64, REPLACING, |t| {
            // From two threads, as sealing writes it.
            let pieces: Vec<_> = bytes.chunks(piece).enumerate().collect();
            let (even, odd): (Vec<_>, Vec<_>) = pieces.into_iter().partition(|(i, _)| i % 2 == 0);
            let write = |part: Vec<(usize, &[u8])>| {
                part.into_iter()
                    .try_for_each(|(i, p)| t.write_at(p, (i * piece) as u64))
            };
            std::thread::scope(|s| {
                let other = s.spawn(|| write(odd));
                write(even).and(other.join().unwrap())
            })
        })
        .unwrap();
        assert!(fs::read(&store).unwrap() == bytes);
        // The length given only allocates: the file is as long as what
        // was written.
        write_atomic(&store, 2 * LARGE_FILE, REPLACING, |t| {
            t.write_at(b"small", 0)
        })
        .unwrap();
        assert_eq!(fs::read(&store).unwrap(), b"small");
    }

    #[test]
    fn a_fill_that_panics_stops_the_helper_and_the_next_write_cleans_up() {
        let d = tempfile::tempdir().unwrap();
        let store = d.path().join("s.appctl");
        let (done, returned) = std::sync::mpsc::channel();
        let writer = store.clone();
        std::thread::spawn(move || {
            let panicked = std::panic::catch_unwind(|| {
                write_atomic(&writer, 2 * LARGE_FILE, REPLACING, |t| {
                    t.write_at(&[1; 1000], 0)?;
                    panic!("a bug while sealing")
                })
            });
            done.send(panicked.is_err()).unwrap();
        });
        let panicked = returned
            .recv_timeout(Duration::from_secs(60))
            .expect("the save hangs: its helper thread was never stopped");
        assert!(panicked, "the panic reaches the caller");
        // The temporary file is left for the next write's cleanup.
        write_atomic(&store, 3, REPLACING, |t| t.write_at(b"new", 0)).unwrap();
        assert_eq!(fs::read_dir(d.path()).unwrap().count(), 1);
    }

    #[test]
    fn the_helper_syncs_once_a_step_is_written_and_stops_when_told() {
        let d = tempfile::tempdir().unwrap();
        let file = File::create(d.path().join("f")).unwrap();
        let writeback = Writeback::default();
        let syncs = || writeback.state().syncs;
        std::thread::scope(|s| {
            let helper = s.spawn(|| writeback.run(&file));
            writeback.wrote(WRITEBACK_STEP - 1);
            std::thread::sleep(Duration::from_millis(50));
            assert_eq!(syncs(), 0, "less than a step: no sync yet");
            writeback.wrote(1);
            let deadline = Instant::now() + Duration::from_secs(20);
            while syncs() != 1 {
                assert!(Instant::now() < deadline, "the helper never synced");
                std::thread::sleep(Duration::from_millis(1));
            }
            assert_eq!(writeback.state().synced, WRITEBACK_STEP);
            // Less than another step: still one sync.
            writeback.wrote(WRITEBACK_STEP - 1);
            std::thread::sleep(Duration::from_millis(50));
            assert_eq!(syncs(), 1);
            writeback.finish();
            helper.join().unwrap();
        });
        assert!(writeback.failure().is_none());
    }

    #[test]
    fn a_held_lock_times_out_with_busy() {
        let d = tempfile::tempdir().unwrap();
        let store = d.path().join("s.appctl");
        let _held = Lock::acquire(&store, Duration::from_secs(1)).unwrap();
        let e = Lock::acquire(&store, Duration::from_millis(100)).unwrap_err();
        assert_eq!(e.exit_code(), 7);
        assert!(e.message().contains("busy"));
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
