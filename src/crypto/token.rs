//! Credential values in the shapes the platform issues, and fingerprints
//! that identify a value without revealing it.
//!
//! Every random character comes from the OS CSPRNG through `rand`'s
//! `Alphanumeric` distribution, which uses rejection sampling and so has no
//! modulo bias.

use base64::Engine as _;
use blake2::digest::Mac;
use rand::Rng;
use rand::distributions::Alphanumeric;
use zeroize::Zeroizing;

/// A secret string that is wiped from memory when dropped and never shown by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps a value that is already secret.
    pub fn new(value: String) -> Self {
        Secret(Zeroizing::new(value))
    }

    /// The secret value. Call only to print it once or to store it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Length of an API key (consumer key).
pub const API_KEY_LEN: usize = 25;
/// Length of an API secret (consumer secret).
pub const API_SECRET_LEN: usize = 50;
/// Length of the random part of an access token.
pub const ACCESS_TOKEN_RANDOM_LEN: usize = 40;
/// Length of an access token secret.
pub const ACCESS_SECRET_LEN: usize = 45;
/// Length of the alphanumeric tail of a bearer token.
pub const BEARER_TAIL_LEN: usize = 50;
/// How every bearer token starts: the base64 of its first 15 zero bytes and
/// the top bits of the 16th. The store keeps bearer tokens without it.
pub const BEARER_PREFIX: &str = "AAAAAAAAAAAAAAAAAAAAA";
/// Length of a fingerprint in bytes (shown as 16 hex digits).
pub const FINGERPRINT_LEN: usize = 8;

/// `n` random ASCII letters and digits.
pub fn alphanumeric(n: usize) -> Secret {
    let mut s = String::with_capacity(n);
    s.extend(
        OsBytes::new()
            .sample_iter(&Alphanumeric)
            .take(n)
            .map(char::from),
    );
    Secret::new(s)
}

/// The OS CSPRNG's bytes, fetched 256 at a time: `Alphanumeric` draws four
/// bytes per character, and one system call per token is cheaper than one
/// per character. Nothing is derived or stretched; the buffer is wiped when
/// dropped.
struct OsBytes {
    buf: Zeroizing<[u8; 256]>,
    used: usize,
}

impl OsBytes {
    fn new() -> Self {
        OsBytes {
            buf: Zeroizing::new([0; 256]),
            used: 256,
        }
    }
}

impl rand::RngCore for OsBytes {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0u8; 4];
        self.fill_bytes(&mut b);
        u32::from_le_bytes(b)
    }

    fn next_u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        self.fill_bytes(&mut b);
        u64::from_le_bytes(b)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for d in dest {
            if self.used == self.buf.len() {
                rand::rngs::OsRng.fill_bytes(&mut self.buf[..]);
                self.used = 0;
            }
            *d = self.buf[self.used];
            self.buf[self.used] = 0;
            self.used += 1;
        }
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

/// A new API key.
pub fn api_key() -> Secret {
    alphanumeric(API_KEY_LEN)
}

/// A new API secret.
pub fn api_secret() -> Secret {
    alphanumeric(API_SECRET_LEN)
}

/// A new access token for the user `owner_id`: `<owner id>-<40 alphanumerics>`.
pub fn access_token(owner_id: u64) -> Secret {
    let tail = alphanumeric(ACCESS_TOKEN_RANDOM_LEN);
    Secret::new(format!("{owner_id}-{}", tail.expose()))
}

/// A new access token secret.
pub fn access_token_secret() -> Secret {
    alphanumeric(ACCESS_SECRET_LEN)
}

/// A new bearer token for app `app_id`, shaped as the platform issues them:
/// the URL-encoded base64 of 16 zero bytes, the app ID (8 bytes little-endian)
/// and 20 random bytes, followed by 50 alphanumerics.
pub fn bearer_token(app_id: u64) -> Secret {
    let mut raw = Zeroizing::new([0u8; 44]);
    raw[16..24].copy_from_slice(&app_id.to_le_bytes());
    super::random_bytes(&mut raw[24..]);
    let b64 = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(&raw[..]));
    let mut out = String::with_capacity(b64.len() + 8 + BEARER_TAIL_LEN);
    for c in b64.chars() {
        match c {
            '+' => out.push_str("%2B"),
            '/' => out.push_str("%2F"),
            '=' => out.push_str("%3D"),
            c => out.push(c),
        }
    }
    out.push_str(alphanumeric(BEARER_TAIL_LEN).expose());
    Secret::new(out)
}

/// Groups of a recovery key.
const RECOVERY_GROUPS: usize = 8;
/// Characters per group of a recovery key.
const RECOVERY_GROUP_LEN: usize = 5;

/// A new recovery key: 8 groups of 5 letters and digits (about 238 bits),
/// such as `AbC12-…`. Dashes and spaces are ignored when it is read back.
pub fn recovery_key() -> Secret {
    let raw = alphanumeric(RECOVERY_GROUPS * RECOVERY_GROUP_LEN);
    let mut s = String::with_capacity(RECOVERY_GROUPS * (RECOVERY_GROUP_LEN + 1));
    for (i, c) in raw.expose().chars().enumerate() {
        if i > 0 && i % RECOVERY_GROUP_LEN == 0 {
            s.push('-');
        }
        s.push(c);
    }
    Secret::new(s)
}

/// The bytes a recovery key stands for: without dashes and white space.
pub fn normalize_recovery_key(s: &str) -> super::SecretBytes {
    super::SecretBytes::new(
        s.bytes()
            .filter(|b| *b != b'-' && !b.is_ascii_whitespace())
            .collect(),
    )
}

/// A short keyed fingerprint of `value`: BLAKE2b-MAC with 8 bytes of output
/// under the store's fingerprint key (shown in hex). Being keyed, it cannot
/// be used to test guesses of the secret without the store's key.
pub fn fingerprint(key: &[u8], value: &str) -> [u8; FINGERPRINT_LEN] {
    let mut mac = blake2::Blake2bMac::<blake2::digest::consts::U8>::new_from_slice(key)
        .expect("a 32-byte key is a valid BLAKE2b key");
    mac.update(value.as_bytes());
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alnum(s: &str) -> bool {
        s.bytes().all(|b| b.is_ascii_alphanumeric())
    }

    #[test]
    fn shapes_follow_the_platform() {
        let k = api_key();
        assert_eq!(k.expose().len(), 25);
        assert!(alnum(k.expose()));
        let s = api_secret();
        assert_eq!(s.expose().len(), 50);
        assert!(alnum(s.expose()));
        let t = access_token(1234567890);
        let (id, tail) = t.expose().split_once('-').unwrap();
        assert_eq!(id, "1234567890");
        assert_eq!(tail.len(), 40);
        assert!(alnum(tail));
        let ts = access_token_secret();
        assert_eq!(ts.expose().len(), 45);
        assert!(alnum(ts.expose()));
    }

    #[test]
    fn bearer_token_encodes_zero_prefix_and_app_id() {
        let b = bearer_token(42);
        let v = b.expose();
        assert!(v.starts_with("AAAAAAAAAAAAAAAAAAAAA"), "{v}");
        let (encoded, tail) = v.split_at(v.len() - 50);
        assert!(alnum(tail));
        let b64 = encoded
            .replace("%2B", "+")
            .replace("%2F", "/")
            .replace("%3D", "=");
        assert!(!b64.contains('%'));
        let raw = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap();
        assert_eq!(raw.len(), 44);
        assert_eq!(&raw[..16], &[0u8; 16]);
        assert_eq!(&raw[16..24], &42u64.to_le_bytes());
        // The prefix the store leaves out is all that every token shares:
        // the character after it carries the top bits of the app ID's
        // lowest byte (so IDs below 16 give more `A`s, but not all IDs do).
        for id in [0, 1, 42, u64::MAX] {
            assert!(bearer_token(id).expose().starts_with(BEARER_PREFIX), "{id}");
        }
        assert_eq!(BEARER_PREFIX.len(), 21);
        assert!(!bearer_token(0xff).expose()[21..].starts_with('A'));
    }

    #[test]
    fn values_are_random() {
        assert_ne!(api_key(), api_key());
        assert_ne!(bearer_token(1), bearer_token(1));
    }

    #[test]
    fn alphabet_is_used_evenly() {
        // 62 symbols over 620,000 draws: each should appear ~10,000 times
        // (standard deviation ~100). A byte-modulo-62 generator would give the
        // first 8 symbols ~12,100; the ±10% bound catches that and is ten
        // standard deviations wide, so it does not fail by chance.
        let s = alphanumeric(620_000);
        let mut counts = std::collections::HashMap::new();
        for c in s.expose().chars() {
            *counts.entry(c).or_insert(0u32) += 1;
        }
        assert_eq!(counts.len(), 62);
        for (c, n) in counts {
            assert!((9_000..=11_000).contains(&n), "{c} drawn {n} times");
        }
    }

    #[test]
    fn fingerprint_is_keyed_short_and_not_a_prefix() {
        let v = "abcdefghijklmnopqrstuvwxy";
        let a = fingerprint(&[1; 32], v);
        assert_eq!(a, fingerprint(&[1; 32], v));
        assert_ne!(a, fingerprint(&[2; 32], v));
        assert_ne!(a, fingerprint(&[1; 32], "abcdefghijklmnopqrstuvwxz"));
        assert!(!v.contains(&crate::crypto::hex(&a)));
    }

    #[test]
    fn recovery_keys_are_grouped_and_normalise() {
        let k = recovery_key();
        let groups: Vec<&str> = k.expose().split('-').collect();
        assert_eq!(groups.len(), 8);
        assert!(groups.iter().all(|g| g.len() == 5 && alnum(g)));
        let n = normalize_recovery_key(k.expose());
        assert_eq!(n.len(), 40);
        let spaced = k.expose().replace('-', " ") + "\n";
        assert_eq!(*normalize_recovery_key(&spaced), *n);
    }

    #[test]
    fn debug_redacts() {
        let s = api_secret();
        let d = format!("{s:?}");
        assert!(!d.contains(s.expose()));
        assert!(d.contains("redacted"));
    }
}
