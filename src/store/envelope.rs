//! The store file's envelope: an authenticated header with key slots, and the
//! encrypted SQLite image after it. See `appctl-store(5)` for the layout.
//!
//! ```text
//! offset  size  field
//! 0       8     magic "\x89APPCTL\n"
//! 8       2     format version (u16 LE) = 1
//! 10      16    store ID (random, fixed at init; binds sessions to this store)
//! 26      1     number of key slots n (1..=2, at most one of each kind)
//! 27      24    payload nonce
//! 51      101n  key slots, each:
//!                 1   kind (1 passphrase, 2 recovery key)
//!                 4   Argon2id memory KiB (u32 LE)
//!                 4   Argon2id iterations (u32 LE)
//!                 4   Argon2id lanes (u32 LE)
//!                 16  salt
//!                 24  wrap nonce
//!                 48  data key sealed with XChaCha20-Poly1305 under the slot key
//! 51+101n 32    BLAKE2b-256 of all bytes above (unkeyed: tells damage from a wrong key)
//! then          SQLite image sealed with XChaCha20-Poly1305 under the data key,
//!               the whole header above as associated data
//! ```

use crate::crypto::kdf::KdfParams;
use crate::crypto::{Key, aead, checksum};
use zeroize::Zeroizing;

/// The first bytes of every store file. The high bit and the newline catch
/// transfers that strip bits or convert line endings, as PNG's magic does.
pub const MAGIC: [u8; 8] = *b"\x89APPCTL\n";
/// The envelope format this code reads and writes.
pub const FORMAT_VERSION: u16 = 1;
/// Most key slots a header may hold: one of each kind.
pub const MAX_SLOTS: usize = 2;
const FIXED_LEN: usize = 8 + 2 + STORE_ID_LEN + 1 + aead::NONCE_LEN;
/// Length of the store ID.
pub const STORE_ID_LEN: usize = 16;
const SLOTS_AT: usize = 8 + 2 + STORE_ID_LEN;
const SLOT_LEN: usize = 1 + 12 + 16 + aead::NONCE_LEN + 32 + aead::TAG_LEN;
const CHECKSUM_LEN: usize = 32;
/// The longest header a store can have.
pub const MAX_HEADER_LEN: usize = FIXED_LEN + SLOT_LEN * MAX_SLOTS + CHECKSUM_LEN;

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
                "its format version {v} is not one this appctl reads (version {FORMAT_VERSION})"
            ),
            EnvelopeError::Truncated => f.write_str("the file is truncated"),
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

/// One wrapped copy of the data key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// What opens it.
    pub kind: SlotKind,
    /// Argon2id parameters for the slot key.
    pub kdf: KdfParams,
    /// Argon2id salt.
    pub salt: [u8; 16],
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
            nonce: aead::random_nonce(),
            wrapped: [0; 48],
        };
        let sealed = aead::seal(slot_key, &slot.nonce, &data_key[..], &slot.aad());
        slot.wrapped.copy_from_slice(&sealed);
        slot
    }

    /// Unwraps the data key; `None` when `slot_key` is wrong.
    pub fn unwrap_key(&self, slot_key: &Key) -> Option<Key> {
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

    /// The slot's own fields, bound to the wrapped key so that its KDF
    /// parameters cannot be swapped without detection.
    fn aad(&self) -> Vec<u8> {
        let mut a = Vec::with_capacity(8 + 2 + 1 + 12 + 16);
        a.extend_from_slice(&MAGIC);
        a.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        a.push(self.kind as u8);
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
    /// A random identifier of this store, fixed at init.
    pub store_id: [u8; STORE_ID_LEN],
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
            store_id,
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

    fn encode(&self) -> Vec<u8> {
        let mut h = Vec::with_capacity(FIXED_LEN + SLOT_LEN * self.slots.len() + CHECKSUM_LEN);
        h.extend_from_slice(&MAGIC);
        h.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        h.extend_from_slice(&self.store_id);
        h.push(u8::try_from(self.slots.len()).expect("at most MAX_SLOTS slots"));
        h.extend_from_slice(&self.payload_nonce);
        for s in &self.slots {
            h.push(s.kind as u8);
            h.extend_from_slice(&s.kdf.memory_kib.to_le_bytes());
            h.extend_from_slice(&s.kdf.iterations.to_le_bytes());
            h.extend_from_slice(&s.kdf.parallelism.to_le_bytes());
            h.extend_from_slice(&s.salt);
            h.extend_from_slice(&s.nonce);
            h.extend_from_slice(&s.wrapped);
        }
        let sum = checksum(&h);
        h.extend_from_slice(&sum);
        h
    }

    /// Parses the header at the start of `file`; returns it and its length.
    /// Checks, in this order: magic, minimum length, version, full length,
    /// checksum, slot count, then each slot's kind and KDF bounds, and that a
    /// passphrase slot exists. It never derives a key.
    pub fn decode(file: &[u8]) -> Result<(Header, usize), EnvelopeError> {
        if file.len() < MAGIC.len() || file[..MAGIC.len()] != MAGIC {
            return Err(EnvelopeError::NotAStore);
        }
        if file.len() < FIXED_LEN {
            return Err(EnvelopeError::Truncated);
        }
        let version = u16::from_le_bytes([file[8], file[9]]);
        if version != FORMAT_VERSION {
            return Err(EnvelopeError::UnknownVersion(version));
        }
        let n = usize::from(file[SLOTS_AT]);
        let len = FIXED_LEN + SLOT_LEN * n + CHECKSUM_LEN;
        if file.len() < len {
            return Err(EnvelopeError::Truncated);
        }
        if checksum(&file[..len - CHECKSUM_LEN])[..] != file[len - CHECKSUM_LEN..len] {
            return Err(EnvelopeError::HeaderChecksum);
        }
        if n == 0 || n > MAX_SLOTS {
            return Err(EnvelopeError::BadField("number of key slots"));
        }
        let mut store_id = [0u8; STORE_ID_LEN];
        store_id.copy_from_slice(&file[10..SLOTS_AT]);
        let mut payload_nonce = [0u8; aead::NONCE_LEN];
        payload_nonce.copy_from_slice(&file[SLOTS_AT + 1..FIXED_LEN]);
        let mut slots: Vec<Slot> = Vec::with_capacity(n);
        for i in 0..n {
            let b = &file[FIXED_LEN + i * SLOT_LEN..FIXED_LEN + (i + 1) * SLOT_LEN];
            let kind = match b[0] {
                1 => SlotKind::Passphrase,
                2 => SlotKind::Recovery,
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
            let mut slot = Slot {
                kind,
                kdf,
                salt: [0; 16],
                nonce: [0; aead::NONCE_LEN],
                wrapped: [0; 48],
            };
            slot.salt.copy_from_slice(&b[13..29]);
            slot.nonce.copy_from_slice(&b[29..53]);
            slot.wrapped.copy_from_slice(&b[53..101]);
            slots.push(slot);
        }
        if !slots.iter().any(|s| s.kind == SlotKind::Passphrase) {
            return Err(EnvelopeError::BadField(
                "key slot list (no passphrase slot)",
            ));
        }
        Ok((
            Header {
                store_id,
                slots,
                payload_nonce,
            },
            len,
        ))
    }
}

/// Seals `plaintext` under `data_key` with a fresh nonce and returns the
/// whole file: header then payload. The plaintext is copied once, into the
/// output, and encrypted there.
pub fn seal(header: &mut Header, data_key: &Key, plaintext: &[u8]) -> Vec<u8> {
    header.payload_nonce = aead::random_nonce();
    let mut file = header.encode();
    let header_len = file.len();
    file.reserve_exact(plaintext.len() + aead::TAG_LEN);
    file.extend_from_slice(plaintext);
    let (aad, body) = file.split_at_mut(header_len);
    let tag = aead::seal_in_place(data_key, &header.payload_nonce, body, aad);
    file.extend_from_slice(&tag);
    file
}

/// Authenticates and decrypts, in place, the payload of `file`, whose
/// header `header` of length `header_len` was read by [`Header::decode`].
/// Returns the range of `file` that now holds the plaintext; on failure
/// `file` is unchanged.
pub fn open(
    file: &mut [u8],
    header: &Header,
    header_len: usize,
    data_key: &Key,
) -> Result<std::ops::Range<usize>, EnvelopeError> {
    let Some(body_len) = file.len().checked_sub(header_len + aead::TAG_LEN) else {
        return Err(EnvelopeError::Truncated);
    };
    let end = header_len + body_len;
    let (aad, rest) = file.split_at_mut(header_len);
    let (body, tag) = rest.split_at_mut(body_len);
    let tag: &[u8; aead::TAG_LEN] = (&*tag).try_into().expect("the tag is TAG_LEN bytes");
    if aead::open_in_place(data_key, &header.payload_nonce, body, tag, aad) {
        Ok(header_len..end)
    } else {
        Err(EnvelopeError::Payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::kdf::FLOOR;
    use crate::crypto::random_key;

    fn sample() -> (Vec<u8>, Key, Key) {
        let slot_key = random_key();
        let data_key = random_key();
        let slot = Slot::wrap(
            SlotKind::Passphrase,
            FLOOR,
            Slot::new_salt(),
            &slot_key,
            &data_key,
        );
        let mut h = Header::new(vec![slot]);
        (seal(&mut h, &data_key, b"sqlite image"), slot_key, data_key)
    }

    #[test]
    fn round_trip() {
        let (file, slot_key, data_key) = sample();
        let (h, len) = Header::decode(&file).unwrap();
        assert_eq!(len, FIXED_LEN + SLOT_LEN + CHECKSUM_LEN);
        let dk = h
            .slot(SlotKind::Passphrase)
            .unwrap()
            .unwrap_key(&slot_key)
            .unwrap();
        assert_eq!(*dk, *data_key);
        let mut file = file;
        let range = open(&mut file, &h, len, &dk).unwrap();
        assert_eq!(&file[range], b"sqlite image");
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
                        dk.is_none() || open(&mut f, &h, l, &data_key).is_err(),
                        "bit {bit}"
                    );
                }
            }
        }
    }

    #[test]
    fn payload_damage_truncation_and_garbage() {
        let (file, _, data_key) = sample();
        let (h, len) = Header::decode(&file).unwrap();
        let mut f = file.clone();
        *f.last_mut().unwrap() ^= 0x80;
        let before = f.clone();
        assert_eq!(
            open(&mut f, &h, len, &data_key).unwrap_err(),
            EnvelopeError::Payload
        );
        assert_eq!(f, before, "a failed open leaves the buffer as it was");
        let mut longer = file.clone();
        longer.push(0);
        assert_eq!(
            open(&mut longer, &h, len, &data_key).unwrap_err(),
            EnvelopeError::Payload
        );
        let mut short = file[..len + 3].to_vec();
        assert_eq!(
            open(&mut short, &h, len, &data_key).unwrap_err(),
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
        let mut v2 = file.clone();
        v2[8] = 2;
        assert_eq!(
            Header::decode(&v2).unwrap_err(),
            EnvelopeError::UnknownVersion(2)
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
