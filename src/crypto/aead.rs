//! XChaCha20-Poly1305 sealing and opening. Every seal draws a fresh random
//! 192-bit nonce, which is large enough that random nonces never repeat.

use chacha20poly1305::aead::{Aead, AeadInPlace, KeyInit, Payload};
use chacha20poly1305::{Tag, XChaCha20Poly1305, XNonce};

/// Length of a nonce in bytes.
pub const NONCE_LEN: usize = 24;
/// Length of the authentication tag in bytes.
pub const TAG_LEN: usize = 16;

/// A fresh random nonce.
pub fn random_nonce() -> [u8; NONCE_LEN] {
    let mut n = [0u8; NONCE_LEN];
    super::random_bytes(&mut n);
    n
}

/// Encrypts and authenticates `plaintext`, binding `aad` to it.
pub fn seal(key: &[u8; 32], nonce: &[u8; NONCE_LEN], plaintext: &[u8], aad: &[u8]) -> Vec<u8> {
    let cipher = XChaCha20Poly1305::new(key.into());
    cipher
        .encrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        // Encryption fails only for inputs over 256 GiB, which a store never reaches.
        .expect("XChaCha20-Poly1305 encryption of a bounded buffer")
}

/// Decrypts `ciphertext`; `None` when the key is wrong or anything was altered.
pub fn open(
    key: &[u8; 32],
    nonce: &[u8; NONCE_LEN],
    ciphertext: &[u8],
    aad: &[u8],
) -> Option<Vec<u8>> {
    let cipher = XChaCha20Poly1305::new(key.into());
    cipher
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .ok()
}

/// Encrypts `buf` in place and returns the tag. Used for the store image,
/// so that no second copy of a large plaintext is made.
pub fn seal_in_place(
    key: &[u8; 32],
    nonce: &[u8; NONCE_LEN],
    buf: &mut [u8],
    aad: &[u8],
) -> [u8; TAG_LEN] {
    let cipher = XChaCha20Poly1305::new(key.into());
    cipher
        .encrypt_in_place_detached(XNonce::from_slice(nonce), aad, buf)
        .expect("XChaCha20-Poly1305 encryption of a bounded buffer")
        .into()
}

/// Authenticates `buf` against `tag` and only then decrypts it in place.
/// Returns false, leaving `buf` as it was, when anything was altered.
pub fn open_in_place(
    key: &[u8; 32],
    nonce: &[u8; NONCE_LEN],
    buf: &mut [u8],
    tag: &[u8; TAG_LEN],
    aad: &[u8],
) -> bool {
    let cipher = XChaCha20Poly1305::new(key.into());
    cipher
        .decrypt_in_place_detached(XNonce::from_slice(nonce), aad, buf, Tag::from_slice(tag))
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_any_change_is_detected() {
        let key = [7u8; 32];
        let nonce = random_nonce();
        let ct = seal(&key, &nonce, b"hello", b"hdr");
        assert_eq!(ct.len(), 5 + TAG_LEN);
        assert_eq!(open(&key, &nonce, &ct, b"hdr").unwrap(), b"hello");
        assert!(open(&key, &nonce, &ct, b"hdX").is_none());
        assert!(open(&[8u8; 32], &nonce, &ct, b"hdr").is_none());
        let mut bad = ct.clone();
        bad[0] ^= 1;
        assert!(open(&key, &nonce, &bad, b"hdr").is_none());
    }

    #[test]
    fn in_place_matches_and_a_failed_open_leaves_the_buffer() {
        let key = [3u8; 32];
        let nonce = random_nonce();
        let mut buf = b"in place".to_vec();
        let tag = seal_in_place(&key, &nonce, &mut buf, b"a");
        let mut joined = buf.clone();
        joined.extend_from_slice(&tag);
        assert_eq!(open(&key, &nonce, &joined, b"a").unwrap(), b"in place");
        let before = buf.clone();
        assert!(!open_in_place(&key, &nonce, &mut buf, &tag, b"b"));
        assert_eq!(buf, before);
        assert!(open_in_place(&key, &nonce, &mut buf, &tag, b"a"));
        assert_eq!(buf, b"in place");
    }

    #[test]
    fn nonces_are_fresh() {
        assert_ne!(random_nonce(), random_nonce());
    }
}
