//! Unlock sessions: the data key wrapped under a random session key, in a
//! 0600 file in the user's runtime directory. The session key itself lives
//! only in the `APPCTL_SESSION` value, so neither the file nor the variable
//! alone opens the store.
//!
//! ```text
//! session file <dir>/<session id>:
//! 0   8   magic "APPCTLSS"
//! 8   1   version = 2
//! 9   16  store ID (from the store's header)
//! 25  8   expiry, Unix seconds (i64 LE)
//! 33  8   the store's session epoch when the session was made (u64 LE)
//! 41  24  nonce
//! 65  48  data key sealed with XChaCha20-Poly1305 under the session key;
//!         associated data: bytes 0..41 and the session ID, so the expiry
//!         and the bindings cannot be changed without detection
//! ```
//!
//! A session opens its store only while the store's header (which the
//! payload authenticates) holds the same epoch. A new data key or
//! `lock --all` advances the epoch, so every session ends, whichever
//! directory its file is in; a session file of version 1 (no epoch) has
//! ended too.

use super::envelope::STORE_ID_LEN;
use crate::crypto::{Key, aead, hex, random_bytes, random_key, unhex};
use crate::error::{Error, Kind, Result};
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

const MAGIC: &[u8; 8] = b"APPCTLSS";
const VERSION: u8 = 2;
const HEAD_LEN: usize = 8 + 1 + STORE_ID_LEN + 8 + 8;
const FILE_LEN: usize = HEAD_LEN + aead::NONCE_LEN + 32 + aead::TAG_LEN;
const ID_LEN: usize = 16;

/// A parsed `APPCTL_SESSION` value: `<session id hex>.<session key hex>`.
pub struct Token {
    id: String,
    key: Key,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Token({}, <redacted>)", self.id)
    }
}

fn expired() -> Error {
    Error::new(Kind::Auth, "the session has expired or was locked")
        .with_hint("unlock again with: eval \"$(appctl unlock)\"")
}

/// The error for a session that a new data key or `lock --all` ended.
pub fn ended() -> Error {
    Error::new(
        Kind::Auth,
        "the session was ended by a passphrase change, a recovery or `lock --all`",
    )
    .with_hint("unlock again with: eval \"$(appctl unlock)\"")
}

impl Token {
    /// Parses an `APPCTL_SESSION` value.
    pub fn parse(value: &str) -> Result<Token> {
        let bad = || {
            Error::new(Kind::Auth, "APPCTL_SESSION is not a valid session")
                .with_hint("unlock again with: eval \"$(appctl unlock)\"")
        };
        let (id, key_hex) = value.trim().split_once('.').ok_or_else(bad)?;
        let id_ok = id.len() == ID_LEN * 2 && id.bytes().all(|b| b.is_ascii_hexdigit());
        let key_bytes = Zeroizing::new(unhex(key_hex).ok_or_else(bad)?);
        if !id_ok || key_bytes.len() != 32 {
            return Err(bad());
        }
        let mut key = Key::zeroed();
        key.copy_from_slice(&key_bytes);
        Ok(Token {
            id: id.to_ascii_lowercase(),
            key,
        })
    }

    /// The value to put in `APPCTL_SESSION`. It is a secret.
    pub fn value(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("{}.{}", self.id, hex(&self.key[..])))
    }
}

/// Makes sure the session directory exists, is ours and is private.
pub fn prepare_dir(dir: &Path) -> Result<()> {
    if !dir.exists() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| Error::io("create session directory", dir, &e))?;
    }
    let meta = fs::metadata(dir).map_err(|e| Error::io("inspect session directory", dir, &e))?;
    let me = fs::metadata("/proc/self").map(|m| m.uid()).ok();
    let foreign = me.is_some_and(|uid| meta.uid() != uid);
    if !meta.is_dir() || foreign || meta.permissions().mode() & 0o077 != 0 {
        return Err(Error::new(
            Kind::Io,
            format!(
                "session directory {} is not a private directory of this user",
                dir.display()
            ),
        )
        .with_hint("remove it or make it mode 0700; appctl will not keep keys there"));
    }
    Ok(())
}

fn aad(head: &[u8], id: &str) -> Vec<u8> {
    let mut a = head.to_vec();
    a.extend_from_slice(id.as_bytes());
    a
}

/// Creates a session for the store `store_id` whose data key is `data_key`,
/// valid until `expires_at` (Unix seconds). Returns the token for `APPCTL_SESSION`.
pub fn create(
    dir: &Path,
    store_id: &[u8; STORE_ID_LEN],
    epoch: u64,
    data_key: &Key,
    expires_at: i64,
) -> Result<Token> {
    prepare_dir(dir)?;
    remove_expired(dir);
    let mut id_bytes = [0u8; ID_LEN];
    random_bytes(&mut id_bytes);
    let token = Token {
        id: hex(&id_bytes),
        key: random_key(),
    };
    let mut head = Vec::with_capacity(FILE_LEN);
    head.extend_from_slice(MAGIC);
    head.push(VERSION);
    head.extend_from_slice(store_id);
    head.extend_from_slice(&expires_at.to_le_bytes());
    head.extend_from_slice(&epoch.to_le_bytes());
    let nonce = aead::random_nonce();
    let sealed = aead::seal(&token.key, &nonce, &data_key[..], &aad(&head, &token.id));
    let mut bytes = head;
    bytes.extend_from_slice(&nonce);
    bytes.extend_from_slice(&sealed);
    let path = dir.join(&token.id);
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .map_err(|e| Error::io("create session file", &path, &e))?;
    f.write_all(&bytes)
        .map_err(|e| Error::io("write session file", &path, &e))?;
    Ok(token)
}

/// A session file of an earlier version: its store ID and expiry, read
/// only to find the files of a store (their sessions have ended).
const OLD_FILE_LEN: usize = FILE_LEN - 8;

fn parse_file(bytes: &[u8]) -> Option<([u8; STORE_ID_LEN], i64)> {
    let known = match bytes.get(8) {
        Some(&VERSION) => bytes.len() == FILE_LEN,
        Some(1) => bytes.len() == OLD_FILE_LEN,
        _ => false,
    };
    if !known || &bytes[..8] != MAGIC {
        return None;
    }
    let mut store_id = [0u8; STORE_ID_LEN];
    store_id.copy_from_slice(&bytes[9..9 + STORE_ID_LEN]);
    let mut exp = [0u8; 8];
    exp.copy_from_slice(&bytes[9 + STORE_ID_LEN..9 + STORE_ID_LEN + 8]);
    Some((store_id, i64::from_le_bytes(exp)))
}

/// The epoch of a session file of this version.
fn epoch_of(bytes: &[u8]) -> u64 {
    let mut e = [0u8; 8];
    e.copy_from_slice(&bytes[HEAD_LEN - 8..HEAD_LEN]);
    u64::from_le_bytes(e)
}

/// What an authenticated session file holds: store ID, expiry, epoch and
/// data key.
type Opened = ([u8; STORE_ID_LEN], i64, u64, Zeroizing<Vec<u8>>);

/// The store ID, expiry, epoch and data key of the session file `bytes`,
/// once authenticated with `token`'s key; `None` when it is not such a
/// file (or one of an earlier version) or the key does not open it.
fn authenticate(bytes: &[u8], token: &Token) -> Option<Opened> {
    let (file_store, expires_at) = parse_file(bytes)?;
    if bytes[8] != VERSION {
        return None;
    }
    let mut nonce = [0u8; aead::NONCE_LEN];
    nonce.copy_from_slice(&bytes[HEAD_LEN..HEAD_LEN + aead::NONCE_LEN]);
    // Authenticate before trusting the expiry or the store ID in the file.
    let plain = aead::open(
        &token.key,
        &nonce,
        &bytes[HEAD_LEN + aead::NONCE_LEN..],
        &aad(&bytes[..HEAD_LEN], &token.id),
    )
    .map(Zeroizing::new)?;
    Some((file_store, expires_at, epoch_of(bytes), plain))
}

/// What the session `token` is, read without changing anything: the store
/// it was made for, its epoch and until when it lasts (all authenticated),
/// or `None` when it has ended (no file, expired, altered).
pub fn inspect(dir: &Path, token: &Token) -> Option<([u8; STORE_ID_LEN], u64, i64)> {
    let path = dir.join(&token.id);
    let bytes = super::file::read_regular(&path, FILE_LEN as u64 + 1, "session file").ok()??;
    let (store_id, expires_at, epoch, _) = authenticate(&bytes, token)?;
    (expires_at > super::now()).then_some((store_id, epoch, expires_at))
}

/// Opens the session `token` for the store `store_id` at session epoch
/// `epoch`: returns its data key, or exit 5 when it is expired, destroyed,
/// altered, for another store or of another epoch (ended by a new data key
/// or `lock --all`).
pub fn open(dir: &Path, token: &Token, store_id: &[u8; STORE_ID_LEN], epoch: u64) -> Result<Key> {
    let path = dir.join(&token.id);
    // A FIFO, device or huge file there is refused at once: at most one
    // byte more than a session file is read.
    let bytes = super::file::read_regular(&path, FILE_LEN as u64 + 1, "session file")?
        .ok_or_else(expired)?;
    let (file_store, expires_at, file_epoch, plain) =
        authenticate(&bytes, token).ok_or_else(expired)?;
    if expires_at <= super::now() {
        let _ = fs::remove_file(&path);
        return Err(expired());
    }
    if &file_store != store_id {
        return Err(
            Error::new(Kind::Auth, "this session was made for another store")
                .with_hint("unlock this store with: eval \"$(appctl --store PATH unlock)\""),
        );
    }
    if file_epoch != epoch {
        let _ = fs::remove_file(&path);
        return Err(ended());
    }
    let mut key = Key::zeroed();
    key.copy_from_slice(&plain);
    Ok(key)
}

/// Destroys the session `token`. Returns whether it existed.
pub fn destroy(dir: &Path, token: &Token) -> bool {
    fs::remove_file(dir.join(&token.id)).is_ok()
}

/// Removes every session file of the store `store_id`; returns how many
/// of them were live: unexpired and of session epoch `epoch` (the others
/// had ended already). The store IDs and epochs read here are not
/// authenticated (that needs each session's key), but only a process of
/// the same user can write this 0700 directory.
pub fn destroy_all(dir: &Path, store_id: &[u8; STORE_ID_LEN], epoch: u64) -> usize {
    let now = super::now();
    session_files(dir)
        .into_iter()
        .filter(|(_, sid, _, _)| sid == store_id)
        .filter(|(p, _, _, _)| fs::remove_file(p).is_ok())
        .filter(|(_, _, exp, e)| *exp > now && *e == Some(epoch))
        .count()
}

/// The session files in `dir`: path, store ID, expiry and epoch (`None`
/// for a file of version 1, whose session has ended).
fn session_files(dir: &Path) -> Vec<(PathBuf, [u8; STORE_ID_LEN], i64, Option<u64>)> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| {
            let bytes = super::file::read_regular(&e.path(), FILE_LEN as u64 + 1, "").ok()??;
            let (sid, exp) = parse_file(&bytes)?;
            let epoch = (bytes[8] == VERSION).then(|| epoch_of(&bytes));
            Some((e.path(), sid, exp, epoch))
        })
        .collect()
}

/// Removes session files whose expiry has passed.
fn remove_expired(dir: &Path) {
    let now = super::now();
    for (p, _, exp, _) in session_files(dir) {
        if exp <= now {
            let _ = fs::remove_file(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_binding() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("s");
        let dk = random_key();
        let t = create(&dir, &[1; 16], 0, &dk, super::super::now() + 60).unwrap();
        assert_eq!(
            fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
            0o700
        );
        let parsed = Token::parse(&t.value()).unwrap();
        assert_eq!(*open(&dir, &parsed, &[1; 16], 0).unwrap(), *dk);
        let e = open(&dir, &parsed, &[2; 16], 0).unwrap_err();
        assert!(e.message().contains("another store"));
        assert!(destroy(&dir, &parsed));
        assert_eq!(open(&dir, &parsed, &[1; 16], 0).unwrap_err().exit_code(), 5);
    }

    #[test]
    fn expiry_is_authenticated_not_taken_from_the_file_alone() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("s");
        let dk = random_key();
        let t = create(&dir, &[1; 16], 0, &dk, super::super::now() - 1).unwrap();
        // Pushing the expiry forward by editing the file breaks authentication.
        let path = dir.join(&t.id);
        let mut bytes = fs::read(&path).unwrap();
        bytes[9 + 16..9 + 16 + 8].copy_from_slice(&i64::MAX.to_le_bytes());
        fs::write(&path, &bytes).unwrap();
        assert_eq!(open(&dir, &t, &[1; 16], 0).unwrap_err().exit_code(), 5);
    }

    #[test]
    fn inspect_reports_a_live_session_and_changes_nothing() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("s");
        let exp = super::super::now() + 60;
        let live = create(&dir, &[1; 16], 0, &random_key(), exp).unwrap();
        assert_eq!(inspect(&dir, &live), Some(([1; 16], 0, exp)));
        let old = create(&dir, &[1; 16], 0, &random_key(), super::super::now() - 1).unwrap();
        assert_eq!(inspect(&dir, &old), None);
        assert!(dir.join(&old.id).exists(), "inspect removes nothing");
        // Another key does not open the file: the expiry is not trusted.
        let forged = Token {
            id: live.id.clone(),
            key: random_key(),
        };
        assert_eq!(inspect(&dir, &forged), None);
        assert!(destroy(&dir, &live));
        assert_eq!(inspect(&dir, &live), None);
    }

    #[test]
    fn expired_sessions_fail_and_are_removed() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("s");
        let t = create(&dir, &[1; 16], 0, &random_key(), super::super::now() - 1).unwrap();
        assert_eq!(open(&dir, &t, &[1; 16], 0).unwrap_err().exit_code(), 5);
        assert!(!dir.join(&t.id).exists());
    }

    #[test]
    fn malformed_tokens_are_refused() {
        for bad in [
            "",
            "abc",
            "zz.zz",
            &format!("{}.{}", "0".repeat(32), "0".repeat(10)),
        ] {
            assert_eq!(Token::parse(bad).unwrap_err().exit_code(), 5, "{bad}");
        }
    }

    #[test]
    fn a_shared_directory_is_refused() {
        let d = tempfile::tempdir().unwrap();
        fs::set_permissions(d.path(), fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(prepare_dir(d.path()).unwrap_err().exit_code(), 7);
    }
}
