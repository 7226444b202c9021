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

mod apps;
mod credentials;
mod events;
mod projects;

pub use apps::AppFilter;
pub use credentials::IssuedSecrets;
pub use projects::{DeleteMode, ProjectPatch};

use crate::crypto::kdf::{self, KdfParams};
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

/// An open, decrypted store.
pub struct Store {
    path: PathBuf,
    conn: Connection,
    data_key: Key,
    header: Header,
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

fn passphrase_slot<'h>(path: &Path, header: &'h Header) -> Result<&'h Slot> {
    header
        .slot(SlotKind::Passphrase)
        .ok_or_else(|| Error::damaged(path, "the header has no passphrase slot"))
}

/// The current time in Unix seconds.
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

impl Store {
    /// Creates a new store at `path`, refusing to overwrite an existing one.
    pub fn init(
        path: &Path,
        passphrase: &[u8],
        params: KdfParams,
        owner: &Owner,
        lock_timeout: Duration,
    ) -> Result<Store> {
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
        let salt = Slot::new_salt();
        let slot_key = kdf::derive(passphrase, &salt, params)?;
        let data_key = random_key();
        let header = Header::new(vec![Slot::wrap(
            SlotKind::Passphrase,
            params,
            salt,
            &slot_key,
            &data_key,
        )]);
        let conn = Connection::open_in_memory()?;
        schema::configure(&conn)?;
        schema::migrate(&conn)?;
        let mut fp_key = Zeroizing::new([0u8; 32]);
        crate::crypto::random_bytes(&mut fp_key[..]);
        let fp_hex = Zeroizing::new(
            fp_key
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>(),
        );
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
            conn,
            data_key,
            header,
            lock: Some(lock),
        };
        store.record(
            "store.init",
            "store",
            None,
            None,
            None,
            Some(format!("owner @{}", owner.handle)),
        )?;
        store.save()?;
        Ok(store)
    }

    /// Opens the store at `path` with `passphrase`.
    ///
    /// The key is derived before the lock is taken, so a slow derivation does
    /// not hold up other commands; if the passphrase slot changed meanwhile,
    /// the key is derived again under the lock.
    pub fn open(path: &Path, passphrase: &[u8], access: Access) -> Result<Store> {
        let first = file::read(path)?;
        let (header, _) = decode(path, &first)?;
        let slot = passphrase_slot(path, &header)?;
        let slot_key = kdf::derive(passphrase, &slot.salt, slot.kdf)?;
        if slot.unwrap_key(&slot_key).is_none() {
            return Err(envelope_error(path, EnvelopeError::WrongKey));
        }
        let (bytes, lock) = match access {
            Access::Read => (first, None),
            Access::Write { lock_timeout } => {
                let lock = Lock::acquire(path, lock_timeout)?;
                (file::read(path)?, Some(lock))
            }
        };
        let (header2, header_len) = decode(path, &bytes)?;
        let slot2 = passphrase_slot(path, &header2)?;
        let slot_key = if slot2.salt == slot.salt && slot2.kdf == slot.kdf {
            slot_key
        } else {
            kdf::derive(passphrase, &slot2.salt, slot2.kdf)?
        };
        let data_key = slot2
            .unwrap_key(&slot_key)
            .ok_or_else(|| envelope_error(path, EnvelopeError::WrongKey))?;
        Self::load(path, bytes, header2, header_len, data_key, lock)
    }

    fn load(
        path: &Path,
        bytes: Vec<u8>,
        header: Header,
        header_len: usize,
        data_key: Key,
        lock: Option<Lock>,
    ) -> Result<Store> {
        let plain = envelope::open(&bytes, &header, header_len, &data_key)
            .map_err(|e| envelope_error(path, e))?;
        let mut conn = Connection::open_in_memory()?;
        conn.deserialize_read_exact("main", &plain[..], plain.len(), false)
            .map_err(|_| Error::damaged(path, "the decrypted contents are not a database"))?;
        drop(plain);
        schema::configure(&conn)?;
        schema::migrate(&conn)?;
        Ok(Store {
            path: path.to_path_buf(),
            conn,
            data_key,
            header,
            lock,
        })
    }

    /// Encrypts the database with a fresh nonce and replaces the file
    /// atomically and durably. Only a store opened for writing can be saved.
    pub fn save(&mut self) -> Result<()> {
        if self.lock.is_none() {
            return Err(Error::internal("save on a store opened read-only"));
        }
        let image = {
            let data = self.conn.serialize("main")?;
            Zeroizing::new(data.to_vec())
        };
        let bytes = envelope::seal(&mut self.header, &self.data_key, &image);
        file::remove_stale_temps(&self.path);
        file::write_atomic(&self.path, &bytes)
    }

    /// The path of the store file.
    pub fn path(&self) -> &Path {
        &self.path
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

    /// The key for credential fingerprints.
    fn fingerprint_key(&self) -> Result<Zeroizing<Vec<u8>>> {
        let hex = Zeroizing::new(self.meta("fingerprint_key")?);
        let bytes: Option<Vec<u8>> = (0..hex.len())
            .step_by(2)
            .map(|i| {
                hex.get(i..i + 2)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            })
            .collect();
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
        Store::init(&dir.join("s.appctl"), b"pw", FLOOR, &owner(), TIMEOUT).unwrap()
    }

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
        let s = Store::open(&path, b"pw", Access::Read).unwrap();
        assert_eq!(s.owner().unwrap(), owner());
        let e = Store::init(&path, b"pw", FLOOR, &owner(), TIMEOUT).unwrap_err();
        assert_eq!(e.exit_code(), 4);
    }

    #[test]
    fn wrong_passphrase_is_auth_and_leaves_the_file_alone() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("s.appctl");
        drop(new_store(d.path()));
        let before = std::fs::read(&path).unwrap();
        let e = Store::open(&path, b"nope", write()).unwrap_err();
        assert_eq!(e.exit_code(), 5);
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn every_save_uses_a_fresh_nonce() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("s.appctl");
        drop(new_store(d.path()));
        let a = std::fs::read(&path).unwrap();
        let mut s = Store::open(&path, b"pw", write()).unwrap();
        s.save().unwrap();
        let b = std::fs::read(&path).unwrap();
        assert_eq!(a.len(), b.len());
        assert_ne!(a, b);
    }

    #[test]
    fn read_only_store_cannot_be_saved() {
        let d = tempfile::tempdir().unwrap();
        drop(new_store(d.path()));
        let mut s = Store::open(&d.path().join("s.appctl"), b"pw", Access::Read).unwrap();
        assert!(s.save().is_err());
    }

    #[test]
    fn missing_store_is_not_found() {
        let d = tempfile::tempdir().unwrap();
        let e = Store::open(&d.path().join("none"), b"pw", Access::Read).unwrap_err();
        assert_eq!(e.exit_code(), 3);
        assert!(e.hint().unwrap().contains("appctl init"));
    }
}
