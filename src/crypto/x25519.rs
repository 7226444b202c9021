//! Sealing a key to an X25519 public key, so that a holder of the public
//! key alone can wrap a new key that only the private key's holder opens
//! (as age's X25519 recipients do). The recovery slot is built on it: the
//! private key comes from the recovery key, the public key sits in the
//! header, and `passwd` reseals each new data key to it.
//!
//! ```text
//! e        a fresh random X25519 private key, E = X25519(e, basepoint)
//! shared   X25519(e, R), refused when all zero (R of small order)
//! wrap key BLAKE2b-256(LABEL || shared || E || R)
//! sealed   XChaCha20-Poly1305(wrap key, random nonce, key, aad)
//! ```
//!
//! The key derivation hashes the shared secret with both public keys, as
//! libsodium's `crypto_kx` does with BLAKE2b; the label keeps it apart from
//! every other use of BLAKE2b in appctl.

use super::{Key, aead};
use blake2::Digest;
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

/// Length of an X25519 public key.
pub const PUBLIC_LEN: usize = 32;
/// Domain separation for the wrap key.
const LABEL: &[u8] = b"appctl-store x25519 recovery slot\0";

/// The public key of the X25519 private key `secret` (clamped as RFC 7748
/// says, so any 32 bytes are a private key).
pub fn public_key(secret: &Key) -> [u8; PUBLIC_LEN] {
    PublicKey::from(&StaticSecret::from(**secret)).to_bytes()
}

/// What [`seal`] makes: the ephemeral public key, the nonce and the sealed key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    /// The ephemeral public key E.
    pub ephemeral: [u8; PUBLIC_LEN],
    /// The AEAD nonce.
    pub nonce: [u8; aead::NONCE_LEN],
    /// The key, sealed (32 bytes and a tag).
    pub sealed: [u8; 32 + aead::TAG_LEN],
}

fn wrap_key(
    shared: &x25519_dalek::SharedSecret,
    ephemeral: &[u8; PUBLIC_LEN],
    recipient: &[u8; PUBLIC_LEN],
) -> Option<Key> {
    if !shared.was_contributory() {
        return None;
    }
    let mut h = blake2::Blake2b::<blake2::digest::consts::U32>::new();
    h.update(LABEL);
    h.update(shared.as_bytes());
    h.update(ephemeral);
    h.update(recipient);
    let mut key = Key::zeroed();
    key.copy_from_slice(&h.finalize());
    Some(key)
}

/// Seals `key` to `recipient`, binding `aad`. `None` when `recipient` is a
/// point of small order, to which nothing can be sealed secretly.
pub fn seal(recipient: &[u8; PUBLIC_LEN], key: &Key, aad: &[u8]) -> Option<Sealed> {
    let mut e = Zeroizing::new([0u8; 32]);
    super::random_bytes(&mut e[..]);
    let e = StaticSecret::from(*e);
    let ephemeral = PublicKey::from(&e).to_bytes();
    let shared = e.diffie_hellman(&PublicKey::from(*recipient));
    let wrap = wrap_key(&shared, &ephemeral, recipient)?;
    let nonce = aead::random_nonce();
    let mut sealed = [0u8; 32 + aead::TAG_LEN];
    sealed.copy_from_slice(&aead::seal(&wrap, &nonce, &key[..], aad));
    Some(Sealed {
        ephemeral,
        nonce,
        sealed,
    })
}

/// Opens what [`seal`] made for the public key of `secret`; `None` when
/// `secret` is not the recipient's or anything was altered.
pub fn open(secret: &Key, s: &Sealed, aad: &[u8]) -> Option<Key> {
    let secret = StaticSecret::from(**secret);
    let recipient = PublicKey::from(&secret).to_bytes();
    let shared = secret.diffie_hellman(&PublicKey::from(s.ephemeral));
    let wrap = wrap_key(&shared, &s.ephemeral, &recipient)?;
    let plain = Zeroizing::new(aead::open(&wrap, &s.nonce, &s.sealed, aad)?);
    let mut key = Key::zeroed();
    key.copy_from_slice(&plain);
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::random_key;

    #[test]
    fn only_the_recipients_secret_opens_and_the_aad_is_bound() {
        let secret = random_key();
        let recipient = public_key(&secret);
        let key = random_key();
        let s = seal(&recipient, &key, b"aad").unwrap();
        assert_eq!(*open(&secret, &s, b"aad").unwrap(), *key);
        assert!(open(&random_key(), &s, b"aad").is_none());
        assert!(open(&secret, &s, b"other").is_none());
        let mut bad = s.clone();
        bad.ephemeral[3] ^= 1;
        assert!(open(&secret, &bad, b"aad").is_none());
        // Each seal uses a new ephemeral key.
        assert_ne!(
            seal(&recipient, &key, b"aad").unwrap().ephemeral,
            s.ephemeral
        );
    }

    #[test]
    fn points_of_small_order_are_refused() {
        // The identity and a point of order 8 give an all-zero shared secret.
        let order8: [u8; 32] = crate::crypto::unhex(
            "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
        )
        .unwrap()
        .try_into()
        .unwrap();
        for low in [[0u8; 32], order8] {
            assert!(seal(&low, &random_key(), b"").is_none());
            let s = Sealed {
                ephemeral: low,
                nonce: [0; aead::NONCE_LEN],
                sealed: [0; 48],
            };
            assert!(open(&random_key(), &s, b"").is_none());
        }
    }
}
