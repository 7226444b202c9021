//! The store file's envelope: an authenticated header with key slots, and the
//! encrypted SQLite image after it. See `appctl-store(5)` for the layout.
//!
//! ```text
//! offset  size  field
//! 0       8     magic "\x89APPCTL\n"
//! 8       2     format version (u16 LE) = 3 (1 and 2 are still read)
//! 10      16    store ID (random, fixed at init; binds sessions to this store)
//! 26      8     session epoch (u64 LE; sessions of another epoch have ended)
//! 34      1     number of key slots n (1..=2, at most one of each kind)
//! 35      24    payload nonce
//! 59      ...   key slots, each:
//!                 1   kind (1 passphrase, 3 recovery key; 2 recovery key
//!                     of formats 1 and 2, still read)
//!                 4   Argon2id memory KiB (u32 LE)
//!                 4   Argon2id iterations (u32 LE)
//!                 4   Argon2id lanes (u32 LE)
//!                 16  salt
//!                 32  kind 3 only: X25519 public key R of the recovery key
//!                 32  kind 3 only: ephemeral X25519 public key E
//!                 24  wrap nonce
//!                 48  data key sealed with XChaCha20-Poly1305: kinds 1
//!                     and 2 under the Argon2id output, kind 3 under
//!                     BLAKE2b-256(label, X25519(e, R), E, R) (see
//!                     crate::crypto::x25519)
//! then    32    BLAKE2b-256 of all bytes above (unkeyed: tells damage from a wrong key)
//! then          the SQLite image in chunks of 64 KiB (the last one shorter,
//!               never empty), each sealed with XChaCha20-Poly1305 under the
//!               data key with the whole header above as associated data and
//!               followed by its 16-byte tag
//! ```
//!
//! A kind-3 slot's private key is the Argon2id output of the recovery key
//! (clamped as X25519 does), so the public key R alone lets `passwd` seal
//! a new data key that the recovery key opens. Formats 1 and 2 have no
//! epoch (bytes 26..34 are the slot count and the nonce's start) and only
//! kinds 1 and 2.
//!
//! Chunk i's nonce is the payload nonce with i (u32 big-endian) XORed into
//! bytes 19..23 and, for the last chunk, 1 XORed into byte 23: the STREAM
//! construction's counter and last-chunk flag (as in age), applied to a
//! random nonce as TLS 1.3 applies its record counter. Reordered, repeated
//! or dropped chunks, and a payload cut at a chunk boundary, fail to
//! authenticate. Chunks are sealed and opened one by one, each in a buffer
//! of one chunk, and a chunk is decrypted straight into SQLite's buffer.
//!
//! Format 1 sealed the whole image as one message with the payload nonce
//! and one tag at the end; it is still read. Files of formats 1 and 2 are
//! rewritten as format 3 at the next save, a recovery slot of kind 2 kept
//! until the first new data key.

mod payload;

pub use payload::{
    OpenError, check_last_chunk, open, open_format_1, open_into, plain_len, seal, seal_to,
    sealed_len,
};

use crate::crypto::kdf::KdfParams;
use crate::crypto::{Key, aead, checksum, x25519};
use zeroize::Zeroizing;

/// The first bytes of every store file. The high bit and the newline catch
/// transfers that strip bits or convert line endings, as PNG's magic does.
pub const MAGIC: [u8; 8] = *b"\x89APPCTL\n";
/// The envelope format this code writes.
pub const FORMAT_VERSION: u16 = 3;
/// The oldest envelope format this code reads.
pub const OLDEST_READ_VERSION: u16 = 1;
/// The version number key slots bind: slots are laid out as format 1 laid
/// them out, so a slot wrapped then still opens after the upgrade.
const SLOT_FORMAT: u16 = 1;
/// The version number a recovery slot sealed to an X25519 key binds.
const X25519_SLOT_FORMAT: u16 = 3;
/// Plaintext bytes per payload chunk (format 2).
pub const CHUNK_LEN: usize = 64 * 1024;
/// The largest image read: SQLite's own limit for an in-memory database.
/// A longer payload is refused before anything is allocated for it.
pub const MAX_IMAGE_LEN: usize = 1 << 30;
/// Most key slots a header may hold: one of each kind.
pub const MAX_SLOTS: usize = 2;
/// The fixed part of a header: magic, version, store ID, epoch, slot
/// count, payload nonce (format 3).
const FIXED_LEN: usize = 8 + 2 + STORE_ID_LEN + 8 + 1 + aead::NONCE_LEN;
/// The same in formats 1 and 2, which have no epoch.
const FIXED_LEN_2: usize = FIXED_LEN - 8;
/// Length of the store ID.
pub const STORE_ID_LEN: usize = 16;
/// A passphrase slot, or a recovery slot of formats 1 and 2.
const SLOT_LEN: usize = 1 + 12 + 16 + aead::NONCE_LEN + 32 + aead::TAG_LEN;
/// A recovery slot sealed to an X25519 public key: two public keys more.
const X25519_SLOT_LEN: usize = SLOT_LEN + 2 * x25519::PUBLIC_LEN;
const CHECKSUM_LEN: usize = 32;
/// The longest header a store can have.
pub const MAX_HEADER_LEN: usize = FIXED_LEN + SLOT_LEN + X25519_SLOT_LEN + CHECKSUM_LEN;

/// Why a file could not be read as a store. Every variant but `WrongKey`
/// means the file is damaged, tampered with or not a store (exit 6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvelopeError {
    /// Not an appctl store at all (empty, or wrong magic).
    NotAStore,
    /// A format version this code does not know.
    UnknownVersion(u16),
    /// The file is shorter than its header says.
    Truncated,
    /// The payload has a length no writer makes: bytes were cut off or
    /// added after a whole chunk.
    Length,
    /// The image would be larger than [`MAX_IMAGE_LEN`].
    TooLarge,
    /// The header's checksum does not match: the header was damaged.
    HeaderChecksum,
    /// A field of the header has a value no writer produces.
    BadField(&'static str),
    /// The KDF parameters in a slot are outside the accepted bounds.
    KdfBounds(String),
    /// The payload did not authenticate under the data key.
    Payload,
    /// The key does not open the slot: wrong passphrase or recovery key.
    WrongKey,
}

impl std::fmt::Display for EnvelopeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EnvelopeError::NotAStore => f.write_str("it is not an appctl store (bad magic)"),
            EnvelopeError::UnknownVersion(v) => write!(
                f,
                "its format version {v} is not one this appctl reads \
                 (versions {OLDEST_READ_VERSION} to {FORMAT_VERSION})"
            ),
            EnvelopeError::Truncated => f.write_str("the file is truncated"),
            EnvelopeError::Length => {
                f.write_str("its length is not one appctl writes (bytes were cut off or added)")
            }
            EnvelopeError::TooLarge => {
                f.write_str("its contents would be over 1 GiB, more than appctl reads")
            }
            EnvelopeError::HeaderChecksum => f.write_str("the header checksum does not match"),
            EnvelopeError::BadField(what) => write!(f, "the header has an invalid {what}"),
            EnvelopeError::KdfBounds(why) => write!(f, "the header's KDF parameters: {why}"),
            EnvelopeError::Payload => f.write_str("the encrypted contents failed authentication"),
            EnvelopeError::WrongKey => f.write_str("wrong passphrase"),
        }
    }
}

/// What a key slot is opened with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotKind {
    /// The owner's passphrase.
    Passphrase = 1,
    /// The recovery key.
    Recovery = 2,
}

/// The kind byte of a recovery slot sealed to an X25519 public key
/// (format 3); kind 2 is a recovery slot of formats 1 and 2, whose key is
/// derived from the recovery key like a passphrase slot's.
const KIND_RECOVERY_X25519: u8 = 3;

/// How a slot holds the data key.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Sealing {
    /// Sealed under the key derived from the secret (kinds 1 and 2).
    Derived,
    /// Sealed to the public key `recipient` of the X25519 private key
    /// derived from the secret, with the ephemeral public key `ephemeral`
    /// (kind 3).
    X25519 {
        recipient: [u8; x25519::PUBLIC_LEN],
        ephemeral: [u8; x25519::PUBLIC_LEN],
    },
}

/// One wrapped copy of the data key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// What opens it.
    pub kind: SlotKind,
    /// Argon2id parameters for the slot key.
    pub kdf: KdfParams,
    /// Argon2id salt.
    pub salt: [u8; 16],
    sealing: Sealing,
    nonce: [u8; aead::NONCE_LEN],
    wrapped: [u8; 32 + aead::TAG_LEN],
}

impl Slot {
    /// A fresh random salt for a new slot.
    pub fn new_salt() -> [u8; 16] {
        let mut s = [0u8; 16];
        crate::crypto::random_bytes(&mut s);
        s
    }

    /// Wraps `data_key` under `slot_key` (derived from `kdf` and `salt`).
    pub fn wrap(
        kind: SlotKind,
        kdf: KdfParams,
        salt: [u8; 16],
        slot_key: &Key,
        data_key: &Key,
    ) -> Slot {
        let mut slot = Slot {
            kind,
            kdf,
            salt,
            sealing: Sealing::Derived,
            nonce: aead::random_nonce(),
            wrapped: [0; 48],
        };
        let sealed = aead::seal(slot_key, &slot.nonce, &data_key[..], &slot.aad());
        slot.wrapped.copy_from_slice(&sealed);
        slot
    }

    /// A recovery slot that seals `data_key` to the X25519 public key of
    /// `slot_key` (derived from the recovery key with `kdf` and `salt`).
    pub fn seal_to_recovery(
        kdf: KdfParams,
        salt: [u8; 16],
        slot_key: &Key,
        data_key: &Key,
    ) -> Result<Slot, EnvelopeError> {
        let recipient = x25519::public_key(slot_key);
        let slot = Slot {
            kind: SlotKind::Recovery,
            kdf,
            salt,
            sealing: Sealing::X25519 {
                recipient,
                ephemeral: [0; x25519::PUBLIC_LEN],
            },
            nonce: [0; aead::NONCE_LEN],
            wrapped: [0; 48],
        };
        slot.reseal(data_key)
    }

    /// This slot with `data_key` sealed anew to the same public key: a new
    /// data key follows without the recovery key. Refused for a slot whose
    /// key only its secret yields (kinds 1 and 2).
    pub fn reseal(&self, data_key: &Key) -> Result<Slot, EnvelopeError> {
        let Sealing::X25519 { recipient, .. } = self.sealing else {
            return Err(EnvelopeError::BadField(
                "key slot kind (it cannot be resealed)",
            ));
        };
        let mut slot = self.clone();
        let sealed = x25519::seal(&recipient, data_key, &self.aad())
            .ok_or(EnvelopeError::BadField("recovery public key"))?;
        slot.sealing = Sealing::X25519 {
            recipient,
            ephemeral: sealed.ephemeral,
        };
        slot.nonce = sealed.nonce;
        slot.wrapped = sealed.sealed;
        Ok(slot)
    }

    /// Whether this slot can take a new data key without its secret.
    pub fn can_reseal(&self) -> bool {
        matches!(self.sealing, Sealing::X25519 { .. })
    }

    /// Unwraps the data key; `None` when `slot_key` is wrong.
    pub fn unwrap_key(&self, slot_key: &Key) -> Option<Key> {
        match self.sealing {
            Sealing::Derived => {
                let plain = Zeroizing::new(aead::open(
                    slot_key,
                    &self.nonce,
                    &self.wrapped,
                    &self.aad(),
                )?);
                let mut key = Key::zeroed();
                key.copy_from_slice(&plain);
                Some(key)
            }
            Sealing::X25519 {
                recipient,
                ephemeral,
            } => {
                // A wrong recovery key is told by its public key, before
                // any AEAD is tried.
                if x25519::public_key(slot_key) != recipient {
                    return None;
                }
                let sealed = x25519::Sealed {
                    ephemeral,
                    nonce: self.nonce,
                    sealed: self.wrapped,
                };
                x25519::open(slot_key, &sealed, &self.aad())
            }
        }
    }

    fn kind_byte(&self) -> u8 {
        match self.sealing {
            Sealing::Derived => self.kind as u8,
            Sealing::X25519 { .. } => KIND_RECOVERY_X25519,
        }
    }

    fn encoded_len(&self) -> usize {
        match self.sealing {
            Sealing::Derived => SLOT_LEN,
            Sealing::X25519 { .. } => X25519_SLOT_LEN,
        }
    }

    fn encode_into(&self, h: &mut Vec<u8>) {
        h.push(self.kind_byte());
        h.extend_from_slice(&self.kdf.memory_kib.to_le_bytes());
        h.extend_from_slice(&self.kdf.iterations.to_le_bytes());
        h.extend_from_slice(&self.kdf.parallelism.to_le_bytes());
        h.extend_from_slice(&self.salt);
        if let Sealing::X25519 {
            recipient,
            ephemeral,
        } = &self.sealing
        {
            h.extend_from_slice(recipient);
            h.extend_from_slice(ephemeral);
        }
        h.extend_from_slice(&self.nonce);
        h.extend_from_slice(&self.wrapped);
    }

    /// The slot's own fields, bound to the wrapped key so that its KDF
    /// parameters cannot be swapped without detection. (The public keys of
    /// a kind-3 slot are bound through the wrap key, which hashes both.)
    fn aad(&self) -> Vec<u8> {
        let mut a = Vec::with_capacity(8 + 2 + 1 + 12 + 16);
        a.extend_from_slice(&MAGIC);
        let format = match self.sealing {
            Sealing::Derived => SLOT_FORMAT,
            Sealing::X25519 { .. } => X25519_SLOT_FORMAT,
        };
        a.extend_from_slice(&format.to_le_bytes());
        a.push(self.kind_byte());
        a.extend_from_slice(&self.kdf.memory_kib.to_le_bytes());
        a.extend_from_slice(&self.kdf.iterations.to_le_bytes());
        a.extend_from_slice(&self.kdf.parallelism.to_le_bytes());
        a.extend_from_slice(&self.salt);
        a
    }
}

/// The parsed header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The envelope format the file was written in.
    pub version: u16,
    /// A random identifier of this store, fixed at init.
    pub store_id: [u8; STORE_ID_LEN],
    /// The session epoch (format 3; 0 before): sessions hold the epoch
    /// they were made in and open the store only while it is the same.
    /// `passwd`, `recover`, `recovery-key regenerate` and `lock --all`
    /// advance it.
    pub epoch: u64,
    /// The key slots (at least one passphrase slot).
    pub slots: Vec<Slot>,
    payload_nonce: [u8; aead::NONCE_LEN],
}

impl Header {
    /// A header for a new store, with a fresh store ID and the given slots.
    pub fn new(slots: Vec<Slot>) -> Header {
        let mut store_id = [0u8; STORE_ID_LEN];
        crate::crypto::random_bytes(&mut store_id);
        Header {
            version: FORMAT_VERSION,
            store_id,
            epoch: 0,
            slots,
            payload_nonce: [0; aead::NONCE_LEN],
        }
    }

    /// The slot of `kind`, if the header has one.
    pub fn slot(&self, kind: SlotKind) -> Option<&Slot> {
        self.slots.iter().find(|s| s.kind == kind)
    }

    /// Replaces the slot of the same kind, or adds it.
    pub fn set_slot(&mut self, slot: Slot) {
        self.slots.retain(|s| s.kind != slot.kind);
        self.slots.push(slot);
        self.slots.sort_by_key(|s| s.kind as u8);
    }

    /// Where the slots begin in a header of `version`.
    fn slots_at(version: u16) -> usize {
        if version >= 3 { FIXED_LEN } else { FIXED_LEN_2 }
    }

    /// The length of the encoded header.
    fn encoded_len(&self) -> usize {
        Self::slots_at(self.version)
            + self.slots.iter().map(Slot::encoded_len).sum::<usize>()
            + CHECKSUM_LEN
    }

    /// The header's bytes in its version's layout.
    fn encode(&self) -> Vec<u8> {
        let mut h = Vec::with_capacity(self.encoded_len());
        h.extend_from_slice(&MAGIC);
        h.extend_from_slice(&self.version.to_le_bytes());
        h.extend_from_slice(&self.store_id);
        if self.version >= 3 {
            h.extend_from_slice(&self.epoch.to_le_bytes());
        }
        h.push(u8::try_from(self.slots.len()).expect("at most MAX_SLOTS slots"));
        h.extend_from_slice(&self.payload_nonce);
        for s in &self.slots {
            s.encode_into(&mut h);
        }
        let sum = checksum(&h);
        h.extend_from_slice(&sum);
        h
    }

    /// Parses the header at the start of `file`; returns it and its length.
    /// Checks, in this order: magic, minimum length, version, slot count,
    /// full length, checksum, then each slot's kind and KDF bounds, and that
    /// a passphrase slot exists. It never derives a key.
    pub fn decode(file: &[u8]) -> Result<(Header, usize), EnvelopeError> {
        if file.len() < MAGIC.len() || file[..MAGIC.len()] != MAGIC {
            return Err(EnvelopeError::NotAStore);
        }
        if file.len() < 10 {
            return Err(EnvelopeError::Truncated);
        }
        let version = u16::from_le_bytes([file[8], file[9]]);
        if !(OLDEST_READ_VERSION..=FORMAT_VERSION).contains(&version) {
            return Err(EnvelopeError::UnknownVersion(version));
        }
        let slots_at = Self::slots_at(version);
        if file.len() < slots_at {
            return Err(EnvelopeError::Truncated);
        }
        let count_at = slots_at - aead::NONCE_LEN - 1;
        let n = usize::from(file[count_at]);
        if n == 0 || n > MAX_SLOTS {
            return Err(EnvelopeError::BadField("number of key slots"));
        }
        // Each slot's length follows from its kind byte.
        let mut len = slots_at;
        for _ in 0..n {
            let Some(&kind) = file.get(len) else {
                return Err(EnvelopeError::Truncated);
            };
            len += match kind {
                KIND_RECOVERY_X25519 if version >= 3 => X25519_SLOT_LEN,
                _ => SLOT_LEN,
            };
        }
        len += CHECKSUM_LEN;
        if file.len() < len {
            return Err(EnvelopeError::Truncated);
        }
        if checksum(&file[..len - CHECKSUM_LEN])[..] != file[len - CHECKSUM_LEN..len] {
            return Err(EnvelopeError::HeaderChecksum);
        }
        let mut store_id = [0u8; STORE_ID_LEN];
        store_id.copy_from_slice(&file[10..10 + STORE_ID_LEN]);
        let epoch = if version >= 3 {
            let mut e = [0u8; 8];
            e.copy_from_slice(&file[10 + STORE_ID_LEN..count_at]);
            u64::from_le_bytes(e)
        } else {
            0
        };
        let mut payload_nonce = [0u8; aead::NONCE_LEN];
        payload_nonce.copy_from_slice(&file[count_at + 1..slots_at]);
        let mut slots: Vec<Slot> = Vec::with_capacity(n);
        let mut at = slots_at;
        for _ in 0..n {
            let b = &file[at..];
            let (kind, x25519) = match b[0] {
                1 => (SlotKind::Passphrase, false),
                2 => (SlotKind::Recovery, false),
                KIND_RECOVERY_X25519 if version >= 3 => (SlotKind::Recovery, true),
                _ => return Err(EnvelopeError::BadField("key slot kind")),
            };
            if slots.iter().any(|s| s.kind == kind) {
                return Err(EnvelopeError::BadField(
                    "key slot list (a kind is repeated)",
                ));
            }
            let u32_at = |o: usize| u32::from_le_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]]);
            let kdf = KdfParams {
                memory_kib: u32_at(1),
                iterations: u32_at(5),
                parallelism: u32_at(9),
            };
            kdf.check()
                .map_err(|e| EnvelopeError::KdfBounds(e.message().to_string()))?;
            let mut salt = [0u8; 16];
            salt.copy_from_slice(&b[13..29]);
            let mut o = 29;
            let sealing = if x25519 {
                let mut recipient = [0u8; x25519::PUBLIC_LEN];
                let mut ephemeral = [0u8; x25519::PUBLIC_LEN];
                recipient.copy_from_slice(&b[o..o + 32]);
                ephemeral.copy_from_slice(&b[o + 32..o + 64]);
                o += 64;
                Sealing::X25519 {
                    recipient,
                    ephemeral,
                }
            } else {
                Sealing::Derived
            };
            let mut slot = Slot {
                kind,
                kdf,
                salt,
                sealing,
                nonce: [0; aead::NONCE_LEN],
                wrapped: [0; 48],
            };
            slot.nonce.copy_from_slice(&b[o..o + aead::NONCE_LEN]);
            o += aead::NONCE_LEN;
            slot.wrapped.copy_from_slice(&b[o..o + 48]);
            at += slot.encoded_len();
            slots.push(slot);
        }
        if !slots.iter().any(|s| s.kind == SlotKind::Passphrase) {
            return Err(EnvelopeError::BadField(
                "key slot list (no passphrase slot)",
            ));
        }
        Ok((
            Header {
                version,
                store_id,
                epoch,
                slots,
                payload_nonce,
            },
            len,
        ))
    }
}

#[cfg(test)]
mod tests;
