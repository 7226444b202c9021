//! The encrypted store: one file holding the whole SQLite image, sealed under
//! a random data key that is wrapped by keys derived from the passphrase (and
//! later a recovery key). This module opens, migrates and saves it; the
//! submodules hold the envelope format, the files beside it, the schema and
//! the queries per object.
//!
//! The store is handed a passphrase as bytes; it never prompts.

pub mod envelope;
pub mod file;
pub mod schema;
pub mod session;

mod apps;
mod check;
mod credentials;
mod events;
mod import;
mod lookup;
mod projects;
mod users;
#[cfg(test)]
mod vectors;

pub use apps::AppFilter;
pub use check::CheckReport;
pub use credentials::{Holder, IssuedSecrets};
pub use import::check_value as check_import_value;
pub use projects::{DeleteMode, ProjectPatch};
pub use users::{Someone, email, user_name};

use crate::crypto::kdf::{self, KdfParams};
use crate::crypto::token::Secret;
use crate::crypto::{Key, random_key};
use crate::error::{Error, Kind, Result};
use crate::model::Owner;
use envelope::{EnvelopeError, Header, Slot, SlotKind};
use file::Lock;
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::time::Duration;
use zeroize::Zeroizing;

/// How a store is opened.
#[derive(Debug, Clone, Copy)]
pub enum Access {
    /// Read only: no lock is taken and [`Store::save`] is refused.
    Read,
    /// Read-modify-write: the lock is held from before the read until the
    /// store is dropped, so concurrent commands lose no update.
    Write {
        /// How long to wait for another command's lock.
        lock_timeout: Duration,
    },
}

/// What opens a store. Its `Debug` shows which kind, never the secret.
#[derive(Clone, Copy)]
pub enum Unlock<'a> {
    /// The passphrase: one Argon2id derivation.
    Passphrase(&'a [u8]),
    /// The recovery key as typed (any case, dashes and spaces allowed):
    /// one Argon2id derivation on the recovery slot.
    RecoveryKey(&'a [u8]),
    /// An unlock session: no derivation at all.
    Session {
        /// The session directory.
        dir: &'a Path,
        /// The parsed `APPCTL_SESSION` value.
        token: &'a session::Token,
    },
}

impl std::fmt::Debug for Unlock<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Unlock::Passphrase(_) => "Unlock::Passphrase(<redacted>)",
            Unlock::RecoveryKey(_) => "Unlock::RecoveryKey(<redacted>)",
            Unlock::Session { .. } => "Unlock::Session(<redacted>)",
        })
    }
}

/// What [`Store::rotate`] did beyond the new data key.
#[derive(Debug)]
pub struct Rotated {
    /// A new recovery key, to be shown once after the save.
    pub recovery_key: Option<Secret>,
    /// Whether that key replaces one whose slot (of format 1 or 2) could
    /// not take the new data key.
    pub replaced_old_recovery_slot: bool,
}

/// Debug builds: with `APPCTL_FAULT=pause-<point>:<dir>`, a command that
/// reaches `point` creates `<dir>/<point>.reached` and waits until
/// `<dir>/<point>.go` exists, so that a test can run another command in
/// that very moment. Release builds have no such pause.
#[cfg(debug_assertions)]
pub fn pause(point: &str) {
    let Ok(spec) = std::env::var("APPCTL_FAULT") else {
        return;
    };
    let Some((want, dir)) = spec.split_once(':') else {
        return;
    };
    if want.strip_prefix("pause-") != Some(point) {
        return;
    }
    let dir = Path::new(dir);
    let _ = std::fs::write(dir.join(format!("{point}.reached")), b"");
    let go = dir.join(format!("{point}.go"));
    let start = std::time::Instant::now();
    while !go.exists() && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Release builds: no pause.
#[cfg(not(debug_assertions))]
#[inline(always)]
pub fn pause(_: &str) {}

/// How many objects a store holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Projects.
    pub projects: i64,
    /// Apps, standalone or in a project.
    pub apps: i64,
    /// Credentials in any state.
    pub credentials: i64,
}

/// An open, decrypted store.
pub struct Store {
    path: PathBuf,
    /// The schema version of the file as read, before any migration.
    file_schema: u32,
    conn: Connection,
    data_key: Key,
    header: Header,
    /// The passphrase slot's key, when the store was opened with the
    /// passphrase: it wraps a new data key without a second derivation.
    passphrase_key: Option<Key>,
    lock: Option<Lock>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .field("locked", &self.lock.is_some())
            .finish_non_exhaustive()
    }
}

fn envelope_error(path: &Path, e: EnvelopeError) -> Error {
    match e {
        EnvelopeError::WrongKey => Error::new(
            Kind::Auth,
            format!("wrong passphrase for store {}", path.display()),
        )
        .with_hint("check the passphrase source; the store was not changed"),
        other => Error::damaged(path, other),
    }
}

fn decode(path: &Path, bytes: &[u8]) -> Result<(Header, usize)> {
    Header::decode(bytes).map_err(|e| envelope_error(path, e))
}

fn slot<'h>(path: &Path, header: &'h Header, kind: SlotKind) -> Result<&'h Slot> {
    header.slot(kind).ok_or_else(|| match kind {
        SlotKind::Passphrase => Error::damaged(path, "the header has no passphrase slot"),
        SlotKind::Recovery => Error::new(Kind::NotFound, "this store has no recovery key")
            .with_hint("make one with `appctl recovery-key regenerate`"),
    })
}

/// What the slot key is derived from: the passphrase as given; a recovery
/// key as typed, without dashes and white space, and for a recovery slot
/// sealed to an X25519 key (whose keys have check characters) in capitals
/// once its characters and check characters are right (else exit 9).
fn slot_secret(slot: &Slot, secret: &[u8]) -> Result<crate::crypto::SecretBytes> {
    use crate::crypto::token;
    match slot.kind {
        SlotKind::Passphrase => Ok(crate::crypto::SecretBytes::new(secret.to_vec())),
        SlotKind::Recovery if slot.can_reseal() => token::parse_recovery_key(secret).map_err(|e| {
            if token::looks_like_old_recovery_key(secret) {
                return Error::new(
                    Kind::Auth,
                    "wrong recovery key: it is of the earlier kind, which the store's first \
                     new data key replaced with one shown then",
                )
                .with_hint("use the recovery key passwd, recover or regenerate showed last");
            }
            Error::invalid(e.to_string()).with_hint(
                "compare it with the recovery key as it was shown; the store was not changed",
            )
        }),
        SlotKind::Recovery => Ok(token::normalize_recovery_key(&String::from_utf8_lossy(
            secret,
        ))),
    }
}

/// Derives the slot key for `secret` and unwraps the data key.
fn unwrap_slot(path: &Path, slot: &Slot, secret: &[u8]) -> Result<(Key, Key)> {
    let secret = slot_secret(slot, secret)?;
    let slot_key = kdf::derive(&secret, &slot.salt, slot.kdf)?;
    let data_key = slot.unwrap_key(&slot_key).ok_or_else(|| match slot.kind {
        SlotKind::Passphrase => envelope_error(path, EnvelopeError::WrongKey),
        SlotKind::Recovery => Error::new(Kind::Auth, "wrong recovery key")
            .with_hint("check the recovery key file; the store was not changed"),
    })?;
    Ok((slot_key, data_key))
}

fn slot_kind(unlock: Unlock<'_>) -> SlotKind {
    match unlock {
        Unlock::RecoveryKey(_) => SlotKind::Recovery,
        _ => SlotKind::Passphrase,
    }
}

/// A value read from a row that no writer stores: the column and what it
/// should have held. Rows carry it out of rusqlite's row closures, and
/// [`Store::row_error`] turns it into damage (exit 6).
#[derive(Debug)]
struct BadValue(&'static str);

impl std::fmt::Display for BadValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl std::error::Error for BadValue {}

/// Parses the text of column `col` with `parse`; a value it refuses is a
/// [`BadValue`] named `what`, never read as some default.
fn parsed<T, E>(
    r: &rusqlite::Row<'_>,
    col: usize,
    what: &'static str,
    parse: impl FnOnce(&str) -> std::result::Result<T, E>,
) -> rusqlite::Result<T> {
    let text: String = r.get(col)?;
    parse(&text).map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(
            col,
            rusqlite::types::Type::Text,
            Box::new(BadValue(what)),
        )
    })
}

/// The current time in Unix seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Decrypts the payload of `file` (header bytes `aad`, parsed as `header`)
/// into `conn`'s main database. Format 2 is decrypted straight into the
/// buffer SQLite keeps, chunk by chunk; format 1 is decrypted whole, then
/// copied.
fn read_image(
    conn: &mut Connection,
    path: &Path,
    file: &file::StoreFile,
    header: &Header,
    aad: &[u8],
    data_key: &Key,
) -> Result<()> {
    let not_a_database = || Error::damaged(path, "the decrypted contents are not a database");
    let payload_at = aad.len() as u64;
    let read_at = |at: u64, b: &mut [u8]| file.read_at(payload_at + at, b);
    let envelope_error = |e| envelope_error(path, e);
    let len =
        envelope::plain_len(header.version, file.len() - payload_at).map_err(envelope_error)?;
    if header.version == 1 {
        // One tag for the whole image: read it all, then open it in place
        // (the length was bounded above), and wipe it once SQLite has it.
        let mut payload = Zeroizing::new(vec![0u8; len + 16]);
        read_at(0, &mut payload).map_err(|e| open_error(path, envelope::OpenError::Read(e)))?;
        let len =
            envelope::open_format_1(&mut payload, header, aad, data_key).map_err(envelope_error)?;
        return conn
            .deserialize_read_exact("main", &payload[..len], len, false)
            .map_err(|_| not_a_database());
    }
    envelope::check_last_chunk(len, header, aad, data_key, read_at)
        .map_err(|e| open_error(path, e))?;
    // SQLite's buffer is exactly as large as what it is given, and grows by
    // doubling (a copy of the whole image) when a write needs one more
    // page. Zeroed room after the image avoids that for a command's usual
    // growth: the image's header gives its true size, so SQLite ignores
    // the room until it needs it, and a write's commit cuts the "file"
    // back to the pages in use (see "in-header database size" in SQLite's
    // file format), so a save writes only those.
    let mut reader = ImageReader {
        path,
        read_at: &read_at,
        header,
        aad,
        data_key,
        len,
        done: false,
        failure: None,
    };
    let read = conn.deserialize_read_exact("main", &mut reader, len + GROWTH_ROOM, false);
    match (read, reader.failure) {
        (Ok(()), _) => Ok(()),
        (Err(_), Some(failure)) => Err(failure),
        (Err(_), None) => Err(not_a_database()),
    }
}

/// The error for a payload that could not be read or opened.
fn open_error(path: &Path, e: envelope::OpenError<std::io::Error>) -> Error {
    match e {
        envelope::OpenError::Read(e) => Error::io("read store", path, &e),
        envelope::OpenError::Envelope(e) => envelope_error(path, e),
    }
}

/// Zeroed bytes after the image in SQLite's buffer: room for a command's
/// growth without reallocating the buffer.
const GROWTH_ROOM: usize = 64 * 1024;

/// What SQLite reads a format-2 image through: it asks for the image and
/// the room after it in one read into its own buffer, which
/// [`envelope::open_into`] fills.
struct ImageReader<'a> {
    path: &'a Path,
    /// Fills a buffer from the payload, at an offset into it.
    read_at: &'a dyn Fn(u64, &mut [u8]) -> std::io::Result<()>,
    header: &'a Header,
    aad: &'a [u8],
    data_key: &'a Key,
    len: usize,
    done: bool,
    /// Why the read failed, told apart better than SQLite's error can.
    failure: Option<Error>,
}

impl std::io::Read for ImageReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.done || buf.is_empty() {
            return Ok(0);
        }
        if buf.len() != self.len + GROWTH_ROOM {
            self.failure = Some(Error::internal("SQLite read the image in parts"));
            return Err(std::io::Error::other("partial image read"));
        }
        let (image, room) = buf.split_at_mut(self.len);
        room.fill(0);
        match envelope::open_into(image, self.header, self.aad, self.data_key, self.read_at) {
            Ok(()) => {
                self.done = true;
                Ok(buf.len())
            }
            Err(e) => {
                self.failure = Some(open_error(self.path, e));
                Err(std::io::Error::other("image not read"))
            }
        }
    }
}

impl Store {
    /// Creates a new store at `path`, refusing to overwrite an existing one.
    /// Returns it with its recovery key, to be shown once.
    pub fn init(
        path: &Path,
        passphrase: &[u8],
        params: KdfParams,
        owner: &Owner,
        lock_timeout: Duration,
    ) -> Result<(Store, Secret)> {
        params.check()?;
        file::ensure_dir(path)?;
        let lock = Lock::acquire(path, lock_timeout)?;
        if path.exists() {
            return Err(
                Error::conflict(format!("a store already exists at {}", path.display())).with_hint(
                    "appctl init never overwrites a store; choose another path with --store",
                ),
            );
        }
        let data_key = random_key();
        let conn = Connection::open_in_memory()?;
        schema::create(&conn)?;
        schema::configure(&conn)?;
        schema::migrate(&conn)?;
        let mut fp_key = Zeroizing::new([0u8; 32]);
        crate::crypto::random_bytes(&mut fp_key[..]);
        let fp_hex = Zeroizing::new(crate::crypto::hex(&fp_key[..]));
        conn.execute(
            "INSERT INTO meta (key, value) VALUES
               ('owner_handle', ?1), ('owner_id', ?2), ('fingerprint_key', ?3), ('created_at', ?4)",
            rusqlite::params![
                owner.handle,
                owner.user_id.to_string(),
                fp_hex.as_str(),
                now()
            ],
        )?;
        let mut store = Store {
            path: path.to_path_buf(),
            file_schema: schema::CURRENT,
            conn,
            data_key,
            header: Header::new(Vec::new()),
            passphrase_key: None,
            lock: Some(lock),
        };
        store.set_passphrase_slot(passphrase, params)?;
        let recovery = store.set_recovery_slot()?;
        store.record(
            "store.init",
            "store",
            None,
            None,
            None,
            Some(format!("owner @{}", owner.handle)),
        )?;
        store.save()?;
        Ok((store, recovery))
    }

    /// Opens the store at `path`.
    ///
    /// With a passphrase or recovery key, the key is derived before the lock
    /// is taken, so a slow derivation does not hold up other commands; if the
    /// slot changed meanwhile, the key is derived again under the lock. With a
    /// session no key is derived at all.
    pub fn open(path: &Path, unlock: Unlock<'_>, access: Access) -> Result<Store> {
        // Only the header is needed to derive the key. A reader then reads
        // the rest of the file it has open (a write never changes a file in
        // place); a writer lets it go and opens the store again once it
        // holds the lock, so that it reads the latest store.
        let early = file::StoreFile::open(path)?;
        let first = early.read_prefix(path, envelope::MAX_HEADER_LEN)?;
        let (header, _) = decode(path, &first)?;
        let early = match access {
            Access::Read => Some((early, first)),
            Access::Write { .. } => {
                drop(early);
                None
            }
        };
        let mut first_slot: Option<(Slot, Key, Key)> = None;
        let mut session_key: Option<Key> = None;
        match unlock {
            Unlock::Passphrase(secret) | Unlock::RecoveryKey(secret) => {
                let kind = slot_kind(unlock);
                let s = slot(path, &header, kind)?;
                let (slot_key, data_key) = unwrap_slot(path, s, secret)?;
                first_slot = Some((s.clone(), slot_key, data_key));
            }
            Unlock::Session { dir, token } => {
                session_key = Some(session::open(dir, token, &header.store_id, header.epoch)?);
            }
        }
        pause("derived");
        let lock = match access {
            Access::Read => None,
            Access::Write { lock_timeout } => Some(Lock::acquire(path, lock_timeout)?),
        };
        let (file, first) = match early {
            Some(early) => early,
            None => {
                let file = file::StoreFile::open(path)?;
                let first = file.read_prefix(path, envelope::MAX_HEADER_LEN)?;
                (file, first)
            }
        };
        let (header2, header_len) = decode(path, &first)?;
        let (data_key, slot_key) = match (unlock, first_slot, session_key) {
            (Unlock::Session { .. }, _, Some(key)) => {
                if header2.store_id != header.store_id {
                    return Err(Error::new(
                        Kind::Auth,
                        "the store was replaced since the session began",
                    )
                    .with_hint("unlock again with: eval \"$(appctl unlock)\""));
                }
                // Checked again on what is read now: a rotation or `lock
                // --all` since the session file was read ends the session.
                if header2.epoch != header.epoch {
                    return Err(session::ended());
                }
                (key, None)
            }
            (
                Unlock::Passphrase(secret) | Unlock::RecoveryKey(secret),
                Some((old, slot_key, data_key)),
                _,
            ) => {
                let now_slot = slot(path, &header2, slot_kind(unlock))?;
                if *now_slot == old {
                    (data_key, Some(slot_key))
                } else {
                    let (slot_key, data_key) = unwrap_slot(path, now_slot, secret)?;
                    (data_key, Some(slot_key))
                }
            }
            _ => return Err(Error::internal("inconsistent unlock state")),
        };
        let mut conn = Connection::open_in_memory()?;
        let aad = &first[..header_len];
        read_image(&mut conn, path, &file, &header2, aad, &data_key)?;
        let mut store = Self::load(path, conn, header2, data_key, lock)?;
        if let Unlock::Passphrase(_) = unlock {
            store.passphrase_key = slot_key;
        }
        Ok(store)
    }

    fn load(
        path: &Path,
        conn: Connection,
        header: Header,
        data_key: Key,
        lock: Option<Lock>,
    ) -> Result<Store> {
        schema::configure(&conn)?;
        let file_schema = schema::version(&conn)?;
        schema::migrate(&conn)?;
        Ok(Store {
            path: path.to_path_buf(),
            file_schema,
            conn,
            data_key,
            header,
            passphrase_key: None,
            lock,
        })
    }

    /// Encrypts the database with a fresh nonce and replaces the file
    /// atomically and durably. Only a store opened for writing can be saved.
    pub fn save(&mut self) -> Result<()> {
        let Some(lock) = &self.lock else {
            return Err(Error::internal("save on a store opened read-only"));
        };
        // SQLite hands out its own buffer (no copy, but for a new store,
        // whose database was never deserialized); each chunk is copied
        // once, into a buffer of one chunk, and encrypted there.
        if !self.conn.is_autocommit() {
            return Err(Error::internal("save inside a transaction"));
        }
        let image = self.conn.serialize("main")?;
        // A commit cuts the room for growth off; a save without one (none
        // today) must not write it either.
        let Some(image) = image.get(..self.image_len()?).filter(|i| !i.is_empty()) else {
            return Err(Error::internal(
                "the database's pages are not all in memory",
            ));
        };
        if image.len() > envelope::MAX_IMAGE_LEN {
            return Err(Error::conflict(
                "the store would grow past 1 GiB, more than appctl reads; nothing was saved",
            )
            .with_hint("delete apps or icons you no longer need, then try again"));
        }
        let (header, data_key) = (&mut self.header, &self.data_key);
        let len = envelope::sealed_len(header, image.len());
        file::write_atomic(&self.path, lock, len, |temp| {
            envelope::seal_to(header, data_key, image, |at, bytes| {
                temp.write_at(bytes, at)
            })
            .map(drop)
        })?;
        Ok(())
    }

    /// The bytes of the image that hold pages, without the room for growth
    /// SQLite's buffer may have after them.
    fn image_len(&self) -> Result<usize> {
        let n: i64 = self.conn.query_row(
            "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
            [],
            |r| r.get(0),
        )?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    /// The error for a failed query: damage for a row holding a value no
    /// writer stores (see [`parsed`]), else what SQLite said.
    fn row_error(&self, e: rusqlite::Error) -> Error {
        match &e {
            rusqlite::Error::FromSqlConversionFailure(_, _, why) => {
                match why.downcast_ref::<BadValue>() {
                    Some(BadValue(what)) => {
                        Error::damaged(&self.path, format_args!("a row has {what}"))
                            .with_hint("run `appctl check`, and restore the store from a backup")
                    }
                    None => e.into(),
                }
            }
            _ => e.into(),
        }
    }

    /// The path of the store file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Copies the store file, still encrypted, to `dest`. The copy is taken
    /// under the lock, so it is the same committed state that was opened.
    pub fn backup(&self, dest: &Path) -> Result<u64> {
        if self.lock.is_none() {
            return Err(Error::internal("backup of a store opened without the lock"));
        }
        let bytes = file::StoreFile::open(&self.path)?.read_all(&self.path)?;
        file::write_new(dest, &bytes)?;
        Ok(bytes.len() as u64)
    }

    /// The schema version of the file as it was read (commands migrate it
    /// in memory; the next save writes the current version).
    pub fn file_schema_version(&self) -> u32 {
        self.file_schema
    }

    /// The header as it will be written.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Starts an unlock session valid until `expires_at` (Unix seconds),
    /// bound to this store, its data key and its session epoch.
    pub fn start_session(&self, dir: &Path, expires_at: i64) -> Result<session::Token> {
        session::create(
            dir,
            &self.header.store_id,
            self.header.epoch,
            &self.data_key,
            expires_at,
        )
    }

    /// Ends every session of the store, in every session directory, at the
    /// next save: sessions hold the epoch they were made in, and this
    /// advances it.
    pub fn end_sessions(&mut self) {
        self.header.epoch = self.header.epoch.wrapping_add(1);
    }

    /// Replaces the passphrase slot: a fresh salt, the same data key. Takes
    /// effect at the next save.
    pub fn set_passphrase_slot(&mut self, passphrase: &[u8], params: KdfParams) -> Result<()> {
        params.check()?;
        let salt = Slot::new_salt();
        let slot_key = kdf::derive(passphrase, &salt, params)?;
        self.header.set_slot(Slot::wrap(
            SlotKind::Passphrase,
            params,
            salt,
            &slot_key,
            &self.data_key,
        ));
        self.passphrase_key = Some(slot_key);
        Ok(())
    }

    /// Makes a new recovery key and replaces the recovery slot with one it
    /// opens: the data key sealed to the X25519 public key of the key
    /// derived from it, so that a new data key can be sealed to it again
    /// without the recovery key. The key is random and long, so its
    /// derivation uses the KDF floor. Returns the key, to be shown once
    /// after the save.
    pub fn set_recovery_slot(&mut self) -> Result<Secret> {
        let key = crate::crypto::token::recovery_key();
        let normal = crate::crypto::token::parse_recovery_key(key.expose().as_bytes())
            .map_err(|e| Error::internal(format!("a new recovery key: {e}")))?;
        let salt = Slot::new_salt();
        let slot_key = kdf::derive(&normal, &salt, kdf::FLOOR)?;
        let slot = Slot::seal_to_recovery(kdf::FLOOR, salt, &slot_key, &self.data_key)
            .map_err(|e| Error::internal(format!("sealing the recovery slot: {e}")))?;
        self.header.set_slot(slot);
        Ok(key)
    }

    /// Seals the store under a new random data key at the next save, and
    /// ends every session (they hold the old key). The passphrase slot
    /// takes `new_passphrase` when given, else the new data key under the
    /// key it was opened with. The recovery slot is sealed anew to its
    /// public key, unless `new_recovery_key` asks for a new one, or it is a
    /// slot of format 1 or 2, which cannot take a new data key: then a new
    /// recovery key is made and returned, to be shown once after the save.
    ///
    /// Afterwards nothing from before (a passphrase, a recovery key or a
    /// session, with any copy of an earlier file) opens what is saved: the
    /// old data key seals nothing new.
    pub fn rotate(
        &mut self,
        new_passphrase: Option<(&[u8], KdfParams)>,
        new_recovery_key: bool,
    ) -> Result<Rotated> {
        let old_recovery = self.header.slot(SlotKind::Recovery).cloned();
        let reseal_recovery = old_recovery.as_ref().filter(|s| s.can_reseal());
        let legacy_recovery = old_recovery.is_some() && reseal_recovery.is_none();
        // Everything that can fail before the data key changes is done
        // first, so a failure leaves the store as it was.
        let (params, salt, slot_key) = match new_passphrase {
            Some((passphrase, params)) => {
                params.check()?;
                let salt = Slot::new_salt();
                (params, salt, kdf::derive(passphrase, &salt, params)?)
            }
            None => {
                let old = slot(&self.path, &self.header, SlotKind::Passphrase)?;
                let key = self.passphrase_key.clone().ok_or_else(|| {
                    Error::internal("a new data key needs the store opened with its passphrase")
                })?;
                (old.kdf, old.salt, key)
            }
        };
        self.data_key = random_key();
        self.header.set_slot(Slot::wrap(
            SlotKind::Passphrase,
            params,
            salt,
            &slot_key,
            &self.data_key,
        ));
        self.passphrase_key = Some(slot_key);
        let recovery_key = match reseal_recovery {
            Some(slot) if !new_recovery_key => {
                let slot = slot
                    .reseal(&self.data_key)
                    .map_err(|e| Error::damaged(&self.path, e))?;
                self.header.set_slot(slot);
                None
            }
            _ if new_recovery_key || legacy_recovery => Some(self.set_recovery_slot()?),
            _ => None,
        };
        self.end_sessions();
        Ok(Rotated {
            recovery_key,
            replaced_old_recovery_slot: legacy_recovery && !new_recovery_key,
        })
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    fn meta(&self, key: &str) -> Result<String> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .map_err(|_| Error::damaged(&self.path, format!("the store has no {key}")))
    }

    /// The store's owner.
    pub fn owner(&self) -> Result<Owner> {
        let handle = self.meta("owner_handle")?;
        let user_id = self
            .meta("owner_id")?
            .parse()
            .map_err(|_| Error::damaged(&self.path, "the owner ID is not a number"))?;
        Ok(Owner { handle, user_id })
    }

    /// How many projects, apps and credentials (in any state) it holds.
    pub fn counts(&self) -> Result<Counts> {
        let count = |table: &str| -> Result<i64> {
            Ok(self
                .conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
        };
        Ok(Counts {
            projects: count("projects")?,
            apps: count("apps")?,
            credentials: count("credentials")?,
        })
    }

    /// The key for credential fingerprints.
    fn fingerprint_key(&self) -> Result<Zeroizing<Vec<u8>>> {
        let hex = Zeroizing::new(self.meta("fingerprint_key")?);
        let bytes = crate::crypto::unhex(&hex);
        match bytes {
            Some(b) if b.len() == 32 => Ok(Zeroizing::new(b)),
            _ => Err(Error::damaged(
                &self.path,
                "the fingerprint key is malformed",
            )),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::crypto::kdf::FLOOR;

    pub(crate) const TIMEOUT: Duration = Duration::from_secs(5);

    pub(crate) fn owner() -> Owner {
        Owner {
            handle: "alice".into(),
            user_id: 1234,
        }
    }

    pub(crate) fn new_store(dir: &Path) -> Store {
        Store::init(&dir.join("s.appctl"), b"pw", FLOOR, &owner(), TIMEOUT)
            .unwrap()
            .0
    }

    const PW: Unlock<'static> = Unlock::Passphrase(b"pw");

    fn write() -> Access {
        Access::Write {
            lock_timeout: TIMEOUT,
        }
    }

    #[test]
    fn init_then_open_round_trips_and_refuses_overwrite() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("s.appctl");
        drop(new_store(d.path()));
        let s = Store::open(&path, PW, Access::Read).unwrap();
        assert_eq!(s.owner().unwrap(), owner());
        let e = Store::init(&path, b"pw", FLOOR, &owner(), TIMEOUT)
            .map(|_| ())
            .unwrap_err();
        assert_eq!(e.exit_code(), 4);
    }

    #[test]
    fn wrong_passphrase_is_auth_and_leaves_the_file_alone() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("s.appctl");
        drop(new_store(d.path()));
        let before = std::fs::read(&path).unwrap();
        let e = Store::open(&path, Unlock::Passphrase(b"nope"), write()).unwrap_err();
        assert_eq!(e.exit_code(), 5);
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn every_save_uses_a_fresh_nonce() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("s.appctl");
        drop(new_store(d.path()));
        let a = std::fs::read(&path).unwrap();
        let mut s = Store::open(&path, PW, write()).unwrap();
        s.save().unwrap();
        let b = std::fs::read(&path).unwrap();
        assert_eq!(a.len(), b.len());
        assert_ne!(a, b);
    }

    #[test]
    fn unlock_debug_shows_no_secret() {
        let shown = format!("{:?}", Unlock::Passphrase(b"hunter2"));
        assert!(
            !shown.contains("hunter2") && !shown.contains("104"),
            "{shown}"
        );
    }

    #[test]
    fn read_only_store_cannot_be_saved() {
        let d = tempfile::tempdir().unwrap();
        drop(new_store(d.path()));
        let mut s = Store::open(&d.path().join("s.appctl"), PW, Access::Read).unwrap();
        assert!(s.save().is_err());
    }

    #[test]
    fn missing_store_is_not_found() {
        let d = tempfile::tempdir().unwrap();
        let e = Store::open(&d.path().join("none"), PW, Access::Read).unwrap_err();
        assert_eq!(e.exit_code(), 3);
        assert!(e.hint().unwrap().contains("appctl init"));
    }

    #[test]
    fn passphrase_change_keeps_data_and_refuses_the_old_one() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("s.appctl");
        let s = new_store(d.path());
        s.create_project("kept", None, None, crate::model::Environment::Staging)
            .unwrap();
        let mut s = s;
        s.save().unwrap();
        drop(s);
        let mut s = Store::open(&path, PW, write()).unwrap();
        s.set_passphrase_slot(b"new", FLOOR).unwrap();
        s.save().unwrap();
        drop(s);
        assert_eq!(
            Store::open(&path, PW, Access::Read)
                .unwrap_err()
                .exit_code(),
            5
        );
        let s = Store::open(&path, Unlock::Passphrase(b"new"), Access::Read).unwrap();
        assert_eq!(s.find_project("kept").unwrap().name, "kept");
    }

    #[test]
    fn the_recovery_key_opens_the_store_and_a_new_one_replaces_it() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("s.appctl");
        let (s, rk) = Store::init(&path, b"pw", FLOOR, &owner(), TIMEOUT).unwrap();
        drop(s);
        let normal = crate::crypto::token::normalize_recovery_key(rk.expose());
        let mut s = Store::open(&path, Unlock::RecoveryKey(&normal), write()).unwrap();
        let e = Store::open(&path, Unlock::RecoveryKey(b"wrong"), Access::Read).unwrap_err();
        assert_eq!(e.exit_code(), 9, "not a recovery key at all");
        let other = crate::crypto::token::recovery_key();
        let e = Store::open(
            &path,
            Unlock::RecoveryKey(other.expose().as_bytes()),
            Access::Read,
        )
        .unwrap_err();
        assert_eq!(e.exit_code(), 5, "a well-formed key of no slot here");
        let rk2 = s.set_recovery_slot().unwrap();
        s.save().unwrap();
        drop(s);
        let old = Store::open(&path, Unlock::RecoveryKey(&normal), Access::Read).unwrap_err();
        assert_eq!(old.exit_code(), 5);
        let n2 = crate::crypto::token::normalize_recovery_key(rk2.expose());
        Store::open(&path, Unlock::RecoveryKey(&n2), Access::Read).unwrap();
    }

    #[test]
    fn a_session_opens_without_derivation_and_only_its_store() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("s.appctl");
        let s = new_store(d.path());
        let dir = d.path().join("sessions");
        let token = s.start_session(&dir, now() + 60).unwrap();
        drop(s);
        let unlock = Unlock::Session {
            dir: &dir,
            token: &token,
        };
        let mut s = Store::open(&path, unlock, write()).unwrap();
        s.save().unwrap();
        let other = d.path().join("other");
        std::fs::create_dir(&other).unwrap();
        drop(new_store(&other));
        let e = Store::open(&other.join("s.appctl"), unlock, Access::Read).unwrap_err();
        assert_eq!(e.exit_code(), 5);
    }

    #[test]
    fn a_recovery_slot_of_format_2_works_until_the_first_new_data_key_replaces_it() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("s.appctl");
        let mut s = new_store(d.path());
        // A recovery slot as formats 1 and 2 made it: the data key under
        // the key derived from the recovery key.
        let legacy = crate::crypto::token::normalize_recovery_key(
            "AbCde-12345-fGhIj-KlMno-PqRsT-uVwXy-Z0a1B-c2D3e",
        );
        let salt = Slot::new_salt();
        let slot_key = kdf::derive(&legacy, &salt, FLOOR).unwrap();
        s.header.set_slot(Slot::wrap(
            SlotKind::Recovery,
            FLOOR,
            salt,
            &slot_key,
            &s.data_key,
        ));
        assert!(!s.header.slot(SlotKind::Recovery).unwrap().can_reseal());
        s.save().unwrap();
        drop(s);
        // It opens, and a write that keeps the data key keeps it.
        let mut s = Store::open(&path, Unlock::RecoveryKey(&legacy), write()).unwrap();
        s.save().unwrap();
        drop(s);
        let mut s = Store::open(&path, PW, write()).unwrap();
        let sealed = s.rotate(Some((b"new", FLOOR)), false).unwrap();
        assert!(sealed.replaced_old_recovery_slot);
        let fresh = sealed.recovery_key.expect("a new recovery key");
        s.save().unwrap();
        drop(s);
        let e = Store::open(&path, Unlock::RecoveryKey(&legacy), Access::Read).unwrap_err();
        assert_eq!(e.exit_code(), 5);
        let n = crate::crypto::token::normalize_recovery_key(fresh.expose());
        let s = Store::open(&path, Unlock::RecoveryKey(&n), Access::Read).unwrap();
        assert!(s.header.slot(SlotKind::Recovery).unwrap().can_reseal());
        // The next new data key follows without a new recovery key.
        drop(s);
        let mut s = Store::open(&path, Unlock::Passphrase(b"new"), write()).unwrap();
        let sealed = s.rotate(Some((b"newer", FLOOR)), false).unwrap();
        assert!(sealed.recovery_key.is_none() && !sealed.replaced_old_recovery_slot);
        s.save().unwrap();
        drop(s);
        Store::open(&path, Unlock::RecoveryKey(&n), Access::Read).unwrap();
    }

    #[test]
    fn a_new_data_key_advances_the_epoch_and_ends_sessions() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("s.appctl");
        let s = new_store(d.path());
        let dir = d.path().join("sessions");
        let token = s.start_session(&dir, now() + 60).unwrap();
        drop(s);
        let mut s = Store::open(&path, PW, write()).unwrap();
        let (epoch, key) = (s.header.epoch, s.data_key.clone());
        s.rotate(None, true).unwrap();
        assert_eq!(s.header.epoch, epoch + 1);
        assert_ne!(*s.data_key, *key);
        s.save().unwrap();
        drop(s);
        let unlock = Unlock::Session {
            dir: &dir,
            token: &token,
        };
        let e = Store::open(&path, unlock, Access::Read).unwrap_err();
        assert_eq!(e.exit_code(), 5);
        // The passphrase slot took the new key without a new derivation.
        Store::open(&path, PW, Access::Read).unwrap();
    }

    /// The length of the image in the store file at `path`.
    fn file_image_len(path: &Path) -> usize {
        let bytes = std::fs::read(path).unwrap();
        let (_, hlen) = Header::decode(&bytes).unwrap();
        envelope::plain_len(2, (bytes.len() - hlen) as u64).unwrap()
    }

    #[test]
    fn a_save_inside_a_transaction_is_refused_and_writes_nothing() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("s.appctl");
        drop(new_store(d.path()));
        let before = std::fs::read(&path).unwrap();
        let mut s = Store::open(&path, PW, write()).unwrap();
        s.conn.execute_batch("BEGIN").unwrap();
        s.create_app("uncommitted", None, &crate::model::AppPatch::default())
            .unwrap();
        assert_eq!(s.save().unwrap_err().exit_code(), 1);
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn the_room_for_growth_is_never_saved() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("s.appctl");
        drop(new_store(d.path()));
        // A write that grows the image, one that does not, and a save with
        // no write at all.
        let mut s = Store::open(&path, PW, write()).unwrap();
        s.create_app("grown", None, &crate::model::AppPatch::default())
            .unwrap();
        s.save().unwrap();
        let grown = file_image_len(&path);
        assert_eq!(grown, s.image_len().unwrap());
        drop(s);
        let mut s = Store::open(&path, PW, write()).unwrap();
        s.save().unwrap();
        assert_eq!(file_image_len(&path), grown);
        drop(s);
        let s = Store::open(&path, PW, Access::Read).unwrap();
        assert_eq!(s.image_len().unwrap(), grown);
        assert!(s.check().unwrap().problems.is_empty());
    }

    #[test]
    fn the_store_grows_by_less_than_1_kib_per_app() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("s.appctl");
        drop(new_store(d.path()));
        let empty = std::fs::metadata(&path).unwrap().len();
        let mut s = Store::open(&path, PW, write()).unwrap();
        let n = 700;
        for i in 0..n {
            let patch = crate::model::AppPatch {
                description: Some(Some(format!("Benchmark app number {i}"))),
                website_url: Some(Some(format!("https://app{i}.example.com"))),
                add_callback_urls: vec![format!("https://app{i}.example.com/callback")],
                ..Default::default()
            };
            s.create_app(&format!("app-{i}"), None, &patch).unwrap();
        }
        s.save().unwrap();
        let full = std::fs::metadata(&path).unwrap().len();
        let per_app = (full - empty) / n;
        assert!(per_app <= 1024, "{per_app} bytes per app");
        // The image spans several chunks, read back on several threads.
        assert!(full > 4 * envelope::CHUNK_LEN as u64);
        drop(s);
        let s = Store::open(&path, PW, Access::Read).unwrap();
        assert_eq!(s.app_count(AppFilter::All).unwrap(), n as usize);
        assert_eq!(s.find_app("app-321").unwrap().name, "app-321");
        assert!(s.check().unwrap().problems.is_empty());
    }
}
