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
const SEALED_CHUNK_LEN: usize = CHUNK_LEN + aead::TAG_LEN;
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

/// Seals `plaintext` (a non-empty image) under `data_key` with a fresh
/// payload nonce, in format 2, and hands the file to `write_at(offset,
/// bytes)` piece by piece, front to back: the header at 0, then each sealed
/// chunk at its place. Each chunk is sealed in a buffer of one chunk, so no
/// copy of the whole image is made. Returns the file's length.
pub fn seal_to<E>(
    header: &mut Header,
    data_key: &Key,
    plaintext: &[u8],
    mut write_at: impl FnMut(u64, &[u8]) -> Result<(), E>,
) -> Result<u64, E> {
    debug_assert!(!plaintext.is_empty(), "a SQLite image is never empty");
    header.version = FORMAT_VERSION;
    header.payload_nonce = aead::random_nonce();
    let aad = header.encode();
    write_at(0, &aad)?;
    let chunks = plaintext.len().div_ceil(CHUNK_LEN);
    // Encrypted in place, so the buffer holds ciphertext between chunks.
    let mut sealed = Vec::with_capacity(SEALED_CHUNK_LEN);
    for (i, chunk) in plaintext.chunks(CHUNK_LEN).enumerate() {
        sealed.clear();
        sealed.extend_from_slice(chunk);
        let nonce = chunk_nonce(&header.payload_nonce, i, i + 1 == chunks);
        let tag = aead::seal_in_place(data_key, &nonce, &mut sealed, &aad);
        sealed.extend_from_slice(&tag);
        write_at((aad.len() + i * SEALED_CHUNK_LEN) as u64, &sealed)?;
    }
    Ok(sealed_len(header, plaintext.len()))
}

/// The length of the file [`seal_to`] writes for an image of `plain_len`
/// bytes under `header`.
pub fn sealed_len(header: &Header, plain_len: usize) -> u64 {
    (header.encoded_len() + plain_len + plain_len.div_ceil(CHUNK_LEN) * aead::TAG_LEN) as u64
}

/// [`seal_to`] into memory: returns the whole file.
pub fn seal(header: &mut Header, data_key: &Key, plaintext: &[u8]) -> Vec<u8> {
    let mut file = Vec::new();
    let sealed: Result<u64, std::convert::Infallible> =
        seal_to(header, data_key, plaintext, |at, bytes| {
            debug_assert_eq!(at as usize, file.len(), "written front to back");
            file.extend_from_slice(bytes);
            Ok(())
        });
    let Ok(_) = sealed;
    file
}

/// The nonce of chunk `index`: the payload nonce with the index and the
/// last-chunk flag XORed into its final five bytes. (Chunk 0 of a longer
/// image uses the payload nonce itself, as format 1 used it for the whole
/// image; that is safe because every save draws a new random payload
/// nonce, and the format version is in the associated data.)
fn chunk_nonce(base: &[u8; aead::NONCE_LEN], index: usize, last: bool) -> [u8; aead::NONCE_LEN] {
    let mut nonce = *base;
    // plain_len refuses payloads of 2^32 chunks or more, and seal never
    // meets one (that would be a 256 TiB image).
    let index = u32::try_from(index).expect("fewer than 2^32 chunks");
    for (b, x) in nonce[19..23].iter_mut().zip(index.to_be_bytes()) {
        *b ^= x;
    }
    nonce[23] ^= u8::from(last);
    nonce
}

/// The length of the image in a payload of `sealed_len` bytes (everything
/// after the header) of format `version`, or why no writer makes that
/// payload. Images over [`MAX_IMAGE_LEN`] are refused.
pub fn plain_len(version: u16, sealed_len: u64) -> Result<usize, EnvelopeError> {
    let sealed = usize::try_from(sealed_len).map_err(|_| EnvelopeError::TooLarge)?;
    let image = if version == 1 {
        sealed
            .checked_sub(aead::TAG_LEN)
            .ok_or(EnvelopeError::Truncated)?
    } else {
        let chunks = sealed.div_ceil(SEALED_CHUNK_LEN);
        // Every chunk holds at least one byte, so the last one is longer
        // than a tag: a shorter tail was cut short (in a first chunk) or
        // cut or added (after whole chunks).
        let last = sealed - chunks.saturating_sub(1) * SEALED_CHUNK_LEN;
        match chunks {
            0 => return Err(EnvelopeError::Truncated),
            1 if last <= aead::TAG_LEN => return Err(EnvelopeError::Truncated),
            _ if last <= aead::TAG_LEN => return Err(EnvelopeError::Length),
            _ => sealed - chunks * aead::TAG_LEN,
        }
    };
    if image > MAX_IMAGE_LEN {
        return Err(EnvelopeError::TooLarge);
    }
    Ok(image)
}

/// Why a format-2 payload could not be opened.
#[derive(Debug)]
pub enum OpenError<E> {
    /// Reading the sealed bytes failed.
    Read(E),
    /// The payload is damaged or does not match the key.
    Envelope(EnvelopeError),
}

/// Opens a format-2 payload straight into `image`, whose length is
/// [`plain_len`] of the payload. `read_at(offset, buf)` fills `buf` from
/// the payload (offsets count from the end of the header, whose bytes
/// `aad` are). Chunks are read, authenticated and decrypted one by one;
/// each is decrypted only once its tag checks. On any failure `image` is
/// wiped, so no part of a payload that failed is left behind.
pub fn open_into<E>(
    image: &mut [u8],
    header: &Header,
    aad: &[u8],
    data_key: &Key,
    read_at: impl Fn(u64, &mut [u8]) -> Result<(), E>,
) -> Result<(), OpenError<E>> {
    let chunks = image.len().div_ceil(CHUNK_LEN);
    let opened = image
        .chunks_mut(CHUNK_LEN)
        .enumerate()
        .try_for_each(|(i, chunk)| open_chunk(i, chunks, chunk, header, aad, data_key, &read_at));
    if opened.is_err() {
        zeroize::Zeroize::zeroize(image);
    }
    opened
}

/// Reads chunk `index` of `chunks` into `chunk` (its plaintext length) and
/// opens it there; the chunk is decrypted only once its tag checks.
fn open_chunk<E>(
    index: usize,
    chunks: usize,
    chunk: &mut [u8],
    header: &Header,
    aad: &[u8],
    data_key: &Key,
    read_at: &impl Fn(u64, &mut [u8]) -> Result<(), E>,
) -> Result<(), OpenError<E>> {
    let at = (index * SEALED_CHUNK_LEN) as u64;
    let mut tag = [0u8; aead::TAG_LEN];
    read_at(at, chunk).map_err(OpenError::Read)?;
    read_at(at + chunk.len() as u64, &mut tag).map_err(OpenError::Read)?;
    let nonce = chunk_nonce(&header.payload_nonce, index, index + 1 == chunks);
    if aead::open_in_place(data_key, &nonce, chunk, &tag, aad) {
        Ok(())
    } else {
        Err(OpenError::Envelope(EnvelopeError::Payload))
    }
}

/// Authenticates the last chunk of a format-2 payload holding an image of
/// `image_len` bytes, and wipes it: a payload that was cut, extended or
/// forged fails here, before memory for the whole image is allocated.
pub fn check_last_chunk<E>(
    image_len: usize,
    header: &Header,
    aad: &[u8],
    data_key: &Key,
    read_at: impl Fn(u64, &mut [u8]) -> Result<(), E>,
) -> Result<(), OpenError<E>> {
    let chunks = image_len.div_ceil(CHUNK_LEN);
    let last = chunks.saturating_sub(1);
    let mut chunk = Zeroizing::new(vec![0u8; image_len - last * CHUNK_LEN]);
    open_chunk(last, chunks, &mut chunk, header, aad, data_key, &read_at)
}

/// Authenticates and decrypts the payload of `file` (either format), whose
/// header `header` of length `header_len` was read by [`Header::decode`],
/// and returns the image. For tests and tools that hold a whole file in
/// memory; the store streams format 2 with [`open_into`].
pub fn open(
    file: &[u8],
    header: &Header,
    header_len: usize,
    data_key: &Key,
) -> Result<Zeroizing<Vec<u8>>, EnvelopeError> {
    let (aad, payload) = file.split_at(header_len.min(file.len()));
    if header.version == 1 {
        let mut payload = Zeroizing::new(payload.to_vec());
        let len = open_format_1(&mut payload, header, aad, data_key)?;
        payload.truncate(len);
        return Ok(payload);
    }
    let mut image = Zeroizing::new(vec![0u8; plain_len(2, payload.len() as u64)?]);
    match open_into(&mut image, header, aad, data_key, reader(payload)) {
        Ok(()) => Ok(image),
        Err(OpenError::Read(e) | OpenError::Envelope(e)) => Err(e),
    }
}

/// A `read_at` for a payload held in memory.
fn reader(payload: &[u8]) -> impl Fn(u64, &mut [u8]) -> Result<(), EnvelopeError> + '_ {
    move |at, buf| {
        let at = usize::try_from(at).map_err(|_| EnvelopeError::Truncated)?;
        let bytes = payload
            .get(at..at + buf.len())
            .ok_or(EnvelopeError::Truncated)?;
        buf.copy_from_slice(bytes);
        Ok(())
    }
}

/// Opens a format-1 payload (the image sealed as one message, then its
/// tag) in place; returns the image's length at the start of `payload`.
/// There is only one tag, so the whole payload is in memory before it is
/// checked; on failure `payload` is unchanged.
pub fn open_format_1(
    payload: &mut [u8],
    header: &Header,
    aad: &[u8],
    data_key: &Key,
) -> Result<usize, EnvelopeError> {
    let len = plain_len(1, payload.len() as u64)?;
    let (image, tag) = payload.split_at_mut(len);
    let tag: &[u8; aead::TAG_LEN] = (&*tag).try_into().expect("TAG_LEN bytes");
    if aead::open_in_place(data_key, &header.payload_nonce, image, tag, aad) {
        Ok(len)
    } else {
        Err(EnvelopeError::Payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::kdf::FLOOR;
    use crate::crypto::random_key;

    fn header() -> (Header, Key, Key) {
        let slot_key = random_key();
        let data_key = random_key();
        let slot = Slot::wrap(
            SlotKind::Passphrase,
            FLOOR,
            Slot::new_salt(),
            &slot_key,
            &data_key,
        );
        (Header::new(vec![slot]), slot_key, data_key)
    }

    fn sample() -> (Vec<u8>, Key, Key) {
        let (mut h, slot_key, data_key) = header();
        (seal(&mut h, &data_key, b"sqlite image"), slot_key, data_key)
    }

    /// An image of `len` bytes that differ from chunk to chunk.
    fn image(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i / 7 % 251) as u8).collect()
    }

    /// Opens `file` after decoding its header.
    fn open_file(file: &[u8], data_key: &Key) -> Result<Zeroizing<Vec<u8>>, EnvelopeError> {
        let (h, len) = Header::decode(file)?;
        open(file, &h, len, data_key)
    }

    #[test]
    fn round_trip() {
        let (file, slot_key, data_key) = sample();
        let (h, len) = Header::decode(&file).unwrap();
        assert_eq!(len, FIXED_LEN + SLOT_LEN + CHECKSUM_LEN);
        assert_eq!(h.version, FORMAT_VERSION);
        let dk = h
            .slot(SlotKind::Passphrase)
            .unwrap()
            .unwrap_key(&slot_key)
            .unwrap();
        assert_eq!(*dk, *data_key);
        assert_eq!(&open(&file, &h, len, &dk).unwrap()[..], b"sqlite image");
    }

    #[test]
    fn images_of_every_chunk_count_round_trip() {
        let (mut h, _, data_key) = header();
        for len in [
            1,
            CHUNK_LEN - 1,
            CHUNK_LEN,
            CHUNK_LEN + 1,
            5 * CHUNK_LEN + 3,
        ] {
            let plain = image(len);
            let file = seal(&mut h, &data_key, &plain);
            let chunks = len.div_ceil(CHUNK_LEN);
            let (_, hlen) = Header::decode(&file).unwrap();
            assert_eq!(file.len(), hlen + len + chunks * aead::TAG_LEN, "{len}");
            assert_eq!(sealed_len(&h, len), file.len() as u64, "{len}");
            assert_eq!(plain_len(2, (file.len() - hlen) as u64), Ok(len));
            assert_eq!(
                &open_file(&file, &data_key).unwrap()[..],
                &plain[..],
                "{len}"
            );
        }
    }

    #[test]
    fn reordered_repeated_or_dropped_chunks_fail() {
        let (mut h, _, data_key) = header();
        let file = seal(&mut h, &data_key, &image(3 * CHUNK_LEN + 100));
        let (_, hlen) = Header::decode(&file).unwrap();
        let chunk = |i: usize| {
            let at = hlen + i * SEALED_CHUNK_LEN;
            file[at..(at + SEALED_CHUNK_LEN).min(file.len())].to_vec()
        };
        let with = |order: &[usize]| {
            let mut f = file[..hlen].to_vec();
            for &i in order {
                f.extend_from_slice(&chunk(i));
            }
            f
        };
        assert!(open_file(&with(&[0, 1, 2, 3]), &data_key).is_ok());
        for order in [
            &[1, 0, 2, 3][..],
            &[0, 0, 2, 3],
            &[0, 2, 3],
            &[0, 1, 2],
            &[0, 1, 2, 2, 3],
        ] {
            let err = open_file(&with(order), &data_key).unwrap_err();
            assert_eq!(err, EnvelopeError::Payload, "{order:?}");
        }
        // A chunk of another file with the same key does not fit either.
        let other = seal(&mut h, &data_key, &image(3 * CHUNK_LEN + 100));
        let mut mixed = file.clone();
        let at = hlen + SEALED_CHUNK_LEN;
        mixed[at..at + SEALED_CHUNK_LEN].copy_from_slice(&other[at..at + SEALED_CHUNK_LEN]);
        assert_eq!(
            open_file(&mixed, &data_key).unwrap_err(),
            EnvelopeError::Payload
        );
    }

    #[test]
    fn a_failed_open_into_leaves_no_plaintext() {
        let (mut h, _, data_key) = header();
        let plain = image(4 * CHUNK_LEN);
        let mut file = seal(&mut h, &data_key, &plain);
        let (h, hlen) = Header::decode(&file).unwrap();
        *file.last_mut().unwrap() ^= 1; // the last chunk's tag
        let (aad, payload) = file.split_at(hlen);
        let mut out = vec![0u8; plain.len()];
        let err = open_into(&mut out, &h, aad, &data_key, reader(payload)).unwrap_err();
        assert!(matches!(err, OpenError::Envelope(EnvelopeError::Payload)));
        assert!(
            out.iter().all(|&b| b == 0),
            "the chunks that did open were wiped"
        );
        let err = open_into(&mut out, &h, aad, &data_key, |_, _| Err("disk")).unwrap_err();
        assert!(matches!(err, OpenError::Read("disk")));
    }

    #[test]
    fn payload_lengths_no_writer_makes_are_refused() {
        use EnvelopeError::{Length, TooLarge, Truncated};
        let tag = aead::TAG_LEN as u64;
        let full = SEALED_CHUNK_LEN as u64;
        assert_eq!(plain_len(2, 0), Err(Truncated));
        assert_eq!(plain_len(2, tag), Err(Truncated));
        assert_eq!(plain_len(2, tag + 1), Ok(1));
        assert_eq!(plain_len(2, full), Ok(CHUNK_LEN));
        // After a whole chunk, 1 to 16 more bytes are a cut or an addition.
        assert_eq!(plain_len(2, full + 1), Err(Length));
        assert_eq!(plain_len(2, full + tag), Err(Length));
        assert_eq!(plain_len(2, full + tag + 1), Ok(CHUNK_LEN + 1));
        assert_eq!(plain_len(1, tag - 1), Err(Truncated));
        assert_eq!(plain_len(1, tag + 5), Ok(5));
        // Images over 1 GiB are refused from the length alone.
        let max_chunks = (MAX_IMAGE_LEN / CHUNK_LEN) as u64;
        assert_eq!(plain_len(2, max_chunks * full), Ok(MAX_IMAGE_LEN));
        assert_eq!(plain_len(2, max_chunks * full + tag + 1), Err(TooLarge));
        assert_eq!(plain_len(1, MAX_IMAGE_LEN as u64 + tag + 1), Err(TooLarge));
        assert_eq!(plain_len(2, u64::MAX), Err(TooLarge));
    }

    #[test]
    fn the_last_chunk_is_checked_alone() {
        let (mut h, _, data_key) = header();
        let plain = image(3 * CHUNK_LEN + 7);
        let file = seal(&mut h, &data_key, &plain);
        let (h, hlen) = Header::decode(&file).unwrap();
        let (aad, payload) = file.split_at(hlen);
        assert!(check_last_chunk(plain.len(), &h, aad, &data_key, reader(payload)).is_ok());
        // Cut after the third chunk: the third is not marked last.
        let cut = &payload[..3 * SEALED_CHUNK_LEN];
        let err = check_last_chunk(3 * CHUNK_LEN, &h, aad, &data_key, reader(cut)).unwrap_err();
        assert!(matches!(err, OpenError::Envelope(EnvelopeError::Payload)));
        let err = check_last_chunk(plain.len(), &h, aad, &random_key(), reader(payload));
        assert!(matches!(
            err,
            Err(OpenError::Envelope(EnvelopeError::Payload))
        ));
    }

    #[test]
    fn format_1_files_still_open() {
        let (mut h, _, data_key) = header();
        h.version = 1;
        h.payload_nonce = aead::random_nonce();
        let mut file = h.encode();
        let hlen = file.len();
        file.extend_from_slice(b"an image from format 1");
        let (aad, body) = file.split_at_mut(hlen);
        let tag = aead::seal_in_place(&data_key, &h.payload_nonce, body, aad);
        file.extend_from_slice(&tag);
        let (decoded, _) = Header::decode(&file).unwrap();
        assert_eq!(decoded.version, 1);
        assert_eq!(
            &open_file(&file, &data_key).unwrap()[..],
            b"an image from format 1"
        );
        let mut bad = file.clone();
        bad[hlen] ^= 1;
        assert_eq!(
            open_file(&bad, &data_key).unwrap_err(),
            EnvelopeError::Payload
        );
        // Saving writes format 2, and the old slot still opens.
        let mut h = decoded;
        let again = seal(&mut h, &data_key, b"now format 2");
        assert_eq!(Header::decode(&again).unwrap().0.version, FORMAT_VERSION);
        assert_eq!(&open_file(&again, &data_key).unwrap()[..], b"now format 2");
    }

    #[test]
    fn wrong_key_is_told_apart_from_damage() {
        let (file, _, _) = sample();
        let (h, _) = Header::decode(&file).unwrap();
        assert!(h.slots[0].unwrap_key(&random_key()).is_none());
    }

    #[test]
    fn every_header_bit_flip_is_caught_before_any_key_is_used() {
        let (file, slot_key, data_key) = sample();
        let (_, len) = Header::decode(&file).unwrap();
        for bit in 0..len * 8 {
            let mut f = file.clone();
            f[bit / 8] ^= 1 << (bit % 8);
            match Header::decode(&f) {
                Err(_) => {}
                Ok((h, l)) => {
                    // Only reachable if the checksum collided; then the AEADs must catch it.
                    let dk = h.slots[0].unwrap_key(&slot_key);
                    assert!(
                        dk.is_none() || open(&f, &h, l, &data_key).is_err(),
                        "bit {bit}"
                    );
                }
            }
        }
    }

    #[test]
    fn payload_damage_truncation_and_garbage() {
        let (file, _, data_key) = sample();
        let (_, len) = Header::decode(&file).unwrap();
        let mut f = file.clone();
        *f.last_mut().unwrap() ^= 0x80;
        assert_eq!(
            open_file(&f, &data_key).unwrap_err(),
            EnvelopeError::Payload
        );
        let mut longer = file.clone();
        longer.push(0);
        assert_eq!(
            open_file(&longer, &data_key).unwrap_err(),
            EnvelopeError::Payload
        );
        assert_eq!(
            open_file(&file[..len + 3], &data_key).unwrap_err(),
            EnvelopeError::Truncated
        );
        assert_eq!(
            Header::decode(&file[..len - 1]).unwrap_err(),
            EnvelopeError::Truncated
        );
        assert_eq!(Header::decode(b"").unwrap_err(), EnvelopeError::NotAStore);
        assert_eq!(
            Header::decode(b"SQLite format 3\0").unwrap_err(),
            EnvelopeError::NotAStore
        );
        let mut v4 = file.clone();
        v4[8] = 4;
        assert_eq!(
            Header::decode(&v4).unwrap_err(),
            EnvelopeError::UnknownVersion(4)
        );
    }

    #[test]
    fn a_recovery_slot_sealed_to_x25519_round_trips_reseals_and_binds_its_keys() {
        let (mut h, _, data_key) = header();
        let rk_key = random_key();
        let slot = Slot::seal_to_recovery(FLOOR, Slot::new_salt(), &rk_key, &data_key).unwrap();
        assert!(slot.can_reseal());
        h.set_slot(slot);
        let file = seal(&mut h, &data_key, b"image");
        let (d, len) = Header::decode(&file).unwrap();
        assert_eq!(len, MAX_HEADER_LEN);
        assert_eq!(d.epoch, 0);
        let rec = d.slot(SlotKind::Recovery).unwrap();
        assert_eq!(*rec, *h.slot(SlotKind::Recovery).unwrap());
        assert_eq!(*rec.unwrap_key(&rk_key).unwrap(), *data_key);
        assert!(rec.unwrap_key(&random_key()).is_none());
        // A new data key is sealed to the same public key, without the
        // recovery key; a fresh ephemeral key each time.
        let new_key = random_key();
        let again = rec.reseal(&new_key).unwrap();
        assert_ne!(again, *rec);
        assert_eq!(*again.unwrap_key(&rk_key).unwrap(), *new_key);
        // A passphrase slot cannot be resealed.
        assert!(
            d.slot(SlotKind::Passphrase)
                .unwrap()
                .reseal(&new_key)
                .is_err()
        );
        // Every byte of the slot, changed with the checksum recomputed,
        // fails the slot or the payload (the header is its associated data).
        let at = FIXED_LEN + SLOT_LEN;
        for i in at..at + X25519_SLOT_LEN {
            let mut f = file.clone();
            f[i] ^= 0x10;
            let sum = checksum(&f[..len - CHECKSUM_LEN]);
            f[len - CHECKSUM_LEN..len].copy_from_slice(&sum);
            let Ok((h2, l2)) = Header::decode(&f) else {
                continue;
            };
            let opened = h2.slot(SlotKind::Recovery).unwrap().unwrap_key(&rk_key);
            assert!(
                opened.is_none() || open(&f, &h2, l2, &data_key).is_err(),
                "byte {i}"
            );
        }
    }

    #[test]
    fn the_epoch_is_in_the_header_and_formats_before_3_have_none() {
        let (mut h, _, data_key) = header();
        h.epoch = 0x0102_0304_0506_0708;
        let file = seal(&mut h, &data_key, b"image");
        assert_eq!(&file[26..34], &0x0102_0304_0506_0708u64.to_le_bytes());
        assert_eq!(Header::decode(&file).unwrap().0.epoch, h.epoch);
        h.version = 2;
        let v2 = h.encode();
        assert_eq!(v2.len(), FIXED_LEN_2 + SLOT_LEN + CHECKSUM_LEN);
        let (d, _) = Header::decode(&v2).unwrap();
        assert_eq!((d.version, d.epoch), (2, 0));
        // A kind-3 slot in a format-2 header is not one a writer made.
        let mut v2 = v2;
        v2[FIXED_LEN_2] = 3;
        let sum = checksum(&v2[..v2.len() - CHECKSUM_LEN]);
        let n = v2.len();
        v2[n - CHECKSUM_LEN..].copy_from_slice(&sum);
        assert_eq!(
            Header::decode(&v2).unwrap_err(),
            EnvelopeError::BadField("key slot kind")
        );
    }

    #[test]
    fn kdf_parameters_are_bounded_when_read() {
        let slot_key = random_key();
        let data_key = random_key();
        let huge = KdfParams {
            memory_kib: 4 * 1024 * 1024,
            ..FLOOR
        };
        let slot = Slot::wrap(
            SlotKind::Passphrase,
            huge,
            Slot::new_salt(),
            &slot_key,
            &data_key,
        );
        let file = seal(&mut Header::new(vec![slot]), &data_key, b"x");
        assert!(matches!(
            Header::decode(&file),
            Err(EnvelopeError::KdfBounds(_))
        ));
    }
}
