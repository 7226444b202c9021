//! Cryptographic building blocks: key derivation ([`kdf`]), authenticated
//! encryption ([`aead`]) and the generation of credential values ([`token`]).
//! Nothing here knows about SQLite or files.

pub mod aead;
pub mod kdf;
pub mod token;

use zeroize::Zeroizing;

/// A 256-bit symmetric key that is wiped from memory when dropped.
pub type Key = Zeroizing<[u8; 32]>;

/// A fresh random key from the operating system's CSPRNG.
pub fn random_key() -> Key {
    let mut key = Zeroizing::new([0u8; 32]);
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
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The bytes of a hex string; `None` when it is not hex.
pub fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
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
