//! Cryptographic building blocks: key derivation ([`kdf`]), authenticated
//! encryption ([`aead`]), the generation of credential values ([`token`])
//! and the local certificate authority of `serve --tls` ([`ca`]).
//! Nothing here knows about SQLite or files.

pub mod aead;
pub mod ca;
pub mod kdf;
pub mod token;
pub mod x25519;

use zeroize::Zeroizing;

/// A 256-bit symmetric key that is wiped from memory when dropped and that
/// `Debug` never shows.
#[derive(Clone, PartialEq, Eq)]
pub struct Key(Zeroizing<[u8; 32]>);

impl Key {
    /// An all-zero key, to be filled in place.
    pub fn zeroed() -> Key {
        Key(Zeroizing::new([0u8; 32]))
    }
}

impl std::ops::Deref for Key {
    type Target = [u8; 32];
    fn deref(&self) -> &[u8; 32] {
        &self.0
    }
}

impl std::ops::DerefMut for Key {
    fn deref_mut(&mut self) -> &mut [u8; 32] {
        &mut self.0
    }
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(<redacted>)")
    }
}

/// Secret bytes (a passphrase, a recovery key) wiped from memory when
/// dropped and never shown by `Debug`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretBytes(Zeroizing<Vec<u8>>);

impl SecretBytes {
    /// Takes ownership of `bytes`.
    pub fn new(bytes: Vec<u8>) -> SecretBytes {
        SecretBytes(Zeroizing::new(bytes))
    }
}

impl std::ops::Deref for SecretBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBytes(<redacted>)")
    }
}

/// A fresh random key from the operating system's CSPRNG.
pub fn random_key() -> Key {
    let mut key = Key::zeroed();
    random_bytes(&mut key[..]);
    key
}

/// Fills `buf` from the operating system's CSPRNG.
pub fn random_bytes(buf: &mut [u8]) {
    use rand::RngCore;
    rand::rngs::OsRng.fill_bytes(buf);
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    ::hex::encode(bytes)
}

/// The bytes of a hex string (either case); `None` when it is not hex.
pub fn unhex(s: &str) -> Option<Vec<u8>> {
    ::hex::decode(s).ok()
}

/// An unkeyed BLAKE2b-256 checksum. Used to tell header damage from a wrong
/// passphrase; it is not an authenticator (the AEAD is).
pub fn checksum(data: &[u8]) -> [u8; 32] {
    use blake2::Digest;
    let mut out = [0u8; 32];
    out.copy_from_slice(&blake2::Blake2b::<blake2::digest::consts::U32>::digest(
        data,
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_never_show_in_debug_output() {
        let k = random_key();
        let shown = format!("{k:?} {:?}", Some(&k));
        assert_eq!(shown, "Key(<redacted>) Some(Key(<redacted>))");
        let pw = SecretBytes::new(b"hunter2".to_vec());
        assert_eq!(format!("{pw:?}"), "SecretBytes(<redacted>)");
        assert_eq!(&*pw, b"hunter2");
    }

    #[test]
    fn hex_round_trips_and_rejects_non_hex() {
        assert_eq!(hex(&[0, 0xab, 0xff]), "00abff");
        assert_eq!(unhex("00abff").unwrap(), [0, 0xab, 0xff]);
        assert!(unhex("abc").is_none());
        assert!(unhex("zz").is_none());
        assert!(unhex("+1").is_none());
        assert_eq!(unhex("ABff").unwrap(), [0xab, 0xff]);
    }
}
