//! XChaCha20-Poly1305 sealing and opening. Every seal draws a fresh random
//! 192-bit nonce, which is large enough that random nonces never repeat.

use chacha20poly1305::aead::{Aead, AeadInOut, KeyInit, Payload};
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
    let cipher = XChaCha20Poly1305::new(&(*key).into());
    cipher
        .encrypt(
            &XNonce::from(*nonce),
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
    let cipher = XChaCha20Poly1305::new(&(*key).into());
    cipher
        .decrypt(
            &XNonce::from(*nonce),
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
    let cipher = XChaCha20Poly1305::new(&(*key).into());
    cipher
        .encrypt_inout_detached(&XNonce::from(*nonce), aad, buf.into())
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
    let cipher = XChaCha20Poly1305::new(&(*key).into());
    cipher
        .decrypt_inout_detached(&XNonce::from(*nonce), aad, buf.into(), &Tag::from(*tag))
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

    fn unhex(s: &str) -> Vec<u8> {
        crate::crypto::unhex(s).unwrap()
    }

    /// The XChaCha20-Poly1305 test vector of draft-irtf-cfrg-xchacha-03,
    /// appendix A.3.1.
    #[test]
    fn the_draft_test_vector() {
        let key: [u8; 32] =
            unhex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f")
                .try_into()
                .unwrap();
        let nonce: [u8; NONCE_LEN] = unhex("404142434445464748494a4b4c4d4e4f5051525354555657")
            .try_into()
            .unwrap();
        let aad = unhex("50515253c0c1c2c3c4c5c6c7");
        let plaintext = b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";
        let expected = unhex(concat!(
            "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb",
            "731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452",
            "2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9",
            "21f9664c97637da9768812f615c68b13b52e",
            "c0875924c1c7987947deafd8780acf49",
        ));
        assert_eq!(seal(&key, &nonce, plaintext, &aad), expected);
        assert_eq!(open(&key, &nonce, &expected, &aad).unwrap(), plaintext);
    }

    /// A long message, which the vectorised code paths (several blocks at
    /// once) handle: the digest of its seal was computed by an independent
    /// implementation (the RustCrypto crates' AVX2 code, chacha20 0.9).
    #[test]
    fn a_long_message_seals_as_before() {
        let key = [0x42u8; 32];
        let nonce: [u8; NONCE_LEN] = std::array::from_fn(|i| i as u8);
        let mut buf: Vec<u8> = (0..100_003u32).map(|i| (i * 31 % 253) as u8).collect();
        let tag = seal_in_place(&key, &nonce, &mut buf, b"header");
        buf.extend_from_slice(&tag);
        let digest = crate::crypto::hex(&crate::crypto::checksum(&buf));
        assert_eq!(
            digest,
            "9db5bf485fa96132556533ec8fc508feb01f317aa79563e8babf42e2c2edc96b"
        );
    }

    #[test]
    fn nonces_are_fresh() {
        assert_ne!(random_nonce(), random_nonce());
    }
}
