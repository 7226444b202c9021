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
mod directory;
mod events;
mod image;
mod import;
mod keys;
mod lookup;
mod projects;
mod tls_ca;
mod users;
#[cfg(test)]
mod vectors;

pub use apps::AppFilter;
pub use check::CheckReport;
pub use credentials::{Holder, IssuedSecrets};
pub use directory::Directory;
pub use import::check_value as check_import_value;
pub use keys::Rotated;
pub use lookup::CredentialIndex;
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

/// What a cheap check of whether the store file changed compares: its
/// device, inode, length and modification time. Every write replaces the
/// file by a rename, so a completed write always gives a new inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    dev: u64,
    ino: u64,
    len: u64,
    mtime_ns: i128,
}

impl Stamp {
    /// The stamp of the file at `path` now (one `stat`, no read).
    pub fn of(path: &Path) -> Result<Stamp> {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(path).map_err(|e| Error::io("read", path, &e))?;
        Ok(Stamp {
            dev: m.dev(),
            ino: m.ino(),
            len: m.len(),
            mtime_ns: i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec()),
        })
    }
}

/// The current time in Unix seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
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
        store.record_store("store.init", format!("owner @{}", owner.handle))?;
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
        image::read_image(&mut conn, path, &file, &header2, aad, &data_key)?;
        let mut store = Self::load(path, conn, header2, data_key, lock)?;
        if let Unlock::Passphrase(_) = unlock {
            store.passphrase_key = slot_key;
        }
        Ok(store)
    }

    /// The store opened for reading, now for a read-modify-write: takes the
    /// writers' lock and reads the store again as it is now, with the data
    /// key already held (no key is derived). So a command can ask its
    /// questions (a confirmation, a new passphrase) before it holds the
    /// lock, then act on the latest store. If the store got a new data key
    /// meanwhile (`passwd`), it cannot be read with the old one: exit 5,
    /// nothing changed.
    pub fn relock(self, lock_timeout: Duration) -> Result<Store> {
        if self.lock.is_some() {
            return Ok(self);
        }
        let lock = Lock::acquire(&self.path, lock_timeout)?;
        self.read_again(Some(lock))
    }

    /// The store read again as it is now, with the data key already held
    /// (no key is derived) and no lock taken: what a long-running reader
    /// such as `serve` does when [`Stamp`] says the file changed. A store
    /// that got a new data key meanwhile cannot be read with the old one:
    /// exit 5.
    pub fn reread(&self) -> Result<Store> {
        self.read_again(None)
    }

    fn read_again(&self, lock: Option<Lock>) -> Result<Store> {
        let path = self.path.clone();
        let file = file::StoreFile::open(&path)?;
        let first = file.read_prefix(&path, envelope::MAX_HEADER_LEN)?;
        let (header, header_len) = decode(&path, &first)?;
        let rekeyed = || {
            Error::new(
                Kind::Auth,
                format!(
                    "store {} got a new data key while this command waited; nothing was changed",
                    path.display()
                ),
            )
            .with_hint("run the command again (with the new passphrase if it changed)")
        };
        if header.store_id != self.header.store_id {
            return Err(rekeyed());
        }
        let mut conn = Connection::open_in_memory()?;
        image::read_image(
            &mut conn,
            &path,
            &file,
            &header,
            &first[..header_len],
            &self.data_key,
        )
        .map_err(|e| {
            // A new data key always comes with a new session epoch; with
            // the same epoch, a payload that fails is damage.
            if e.kind() == Kind::Damaged && header.epoch != self.header.epoch {
                rekeyed()
            } else {
                e
            }
        })?;
        let same_slot = header.slot(SlotKind::Passphrase) == self.header.slot(SlotKind::Passphrase);
        let passphrase_key = if same_slot {
            self.passphrase_key.clone()
        } else {
            None
        };
        let mut store = Self::load(&path, conn, header, self.data_key.clone(), lock)?;
        store.passphrase_key = passphrase_key;
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

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    fn meta(&self, key: &str) -> Result<String> {
        // Cached: the server reads the owner's two entries for every
        // identity request, and parsing the statement costs more than the
        // lookup.
        self.conn
            .prepare_cached("SELECT value FROM meta WHERE key = ?1")
            .and_then(|mut s| s.query_row([key], |r| r.get(0)))
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

    /// When the store was made (Unix seconds): the owner's account age.
    pub fn created_at(&self) -> Result<i64> {
        self.meta("created_at")?
            .parse()
            .map_err(|_| Error::damaged(&self.path, "the creation time is not a number"))
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
pub(crate) mod tests;
