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

/// `n` random ASCII letters and digits, drawn from the OS CSPRNG.
pub fn alphanumeric(n: usize) -> Secret {
    let mut s = String::with_capacity(n);
    s.extend(
        rand::rngs::OsRng
            .sample_iter(&Alphanumeric)
            .take(n)
            .map(char::from),
    );
    Secret::new(s)
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
/// Characters of a recovery key, its two check characters included.
pub const RECOVERY_KEY_LEN: usize = RECOVERY_GROUPS * RECOVERY_GROUP_LEN;
/// What a recovery key is written in: digits and capital letters without
/// the look-alikes 0, O, 1, I and L. Read in either case. There are 31,
/// a prime, which the check characters rely on.
pub const RECOVERY_ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const BASE: u32 = 31;

/// The value of a recovery key character (either case), if it is one.
fn recovery_value(c: u8) -> Option<u32> {
    let c = c.to_ascii_uppercase();
    RECOVERY_ALPHABET
        .iter()
        .position(|&a| a == c)
        .map(|v| v as u32)
}

/// The two sums the check characters set to zero (mod 31): of the values,
/// and of each value times its position plus one. The first changes with
/// any one wrong character, the second with any two swapped characters
/// fewer than 31 apart, since 31 is prime.
fn recovery_sums(values: &[u32]) -> (u32, u32) {
    values.iter().zip(1u32..).fold((0, 0), |(s, w), (&v, i)| {
        ((s + v) % BASE, (w + i * v) % BASE)
    })
}

/// A new recovery key: 8 groups of 5 characters of [`RECOVERY_ALPHABET`]
/// joined by dashes, 38 random (about 188 bits) and 2 check characters
/// last, such as `7KQ2M-…`. Case, dashes and spaces are ignored when it is
/// read back.
pub fn recovery_key() -> Secret {
    use rand::seq::SliceRandom;
    let mut values = Zeroizing::new(Vec::with_capacity(RECOVERY_KEY_LEN));
    let mut rng = rand::rngs::OsRng;
    for _ in 0..RECOVERY_KEY_LEN - 2 {
        // choose draws an index with rand's unbiased range sampling.
        let c = *RECOVERY_ALPHABET
            .choose(&mut rng)
            .expect("a non-empty alphabet");
        values.push(recovery_value(c).expect("a character of the alphabet"));
    }
    // x + y = -s and (n+1)x + (n+2)y = -w, with n = 38: solved mod 31.
    let (s, w) = recovery_sums(&values);
    let n = (RECOVERY_KEY_LEN - 2) as u32;
    let (neg_s, neg_w) = ((BASE - s) % BASE, (BASE - w) % BASE);
    // y = -w - (n+1)(-s), since (n+2) - (n+1) = 1.
    let y = (neg_w + BASE * BASE - ((n + 1) % BASE) * neg_s) % BASE;
    let x = (neg_s + BASE - y) % BASE;
    values.push(x);
    values.push(y);
    debug_assert_eq!(recovery_sums(&values), (0, 0));
    let mut s = String::with_capacity(RECOVERY_GROUPS * (RECOVERY_GROUP_LEN + 1));
    for (i, &v) in values.iter().enumerate() {
        if i > 0 && i % RECOVERY_GROUP_LEN == 0 {
            s.push('-');
        }
        s.push(char::from(RECOVERY_ALPHABET[v as usize]));
    }
    Secret::new(s)
}

/// Why a typed recovery key is not one that appctl makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecoveryKeyError {
    /// The character at this position (from 1, dashes and spaces not
    /// counted) is not in the alphabet.
    Character(usize),
    /// The key has this many characters, not [`RECOVERY_KEY_LEN`].
    Length(usize),
    /// Every character is in the alphabet but the check characters do not
    /// match: one (or more) is wrong.
    Check,
}

impl std::fmt::Display for RecoveryKeyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecoveryKeyError::Character(at) => write!(
                f,
                "a character is wrong: character {at} of the recovery key is not one a \
                 recovery key has (2-9 and A-Z without I, L and O)"
            ),
            RecoveryKeyError::Length(n) => write!(
                f,
                "the recovery key has {n} characters, not {RECOVERY_KEY_LEN} \
                 (dashes and spaces aside)"
            ),
            RecoveryKeyError::Check => f.write_str(
                "a character is wrong: the recovery key's check characters do not match",
            ),
        }
    }
}

/// The recovery key `typed` as derivation input: its 40 characters in
/// capitals, without dashes and white space, once they are all in the
/// alphabet and the check characters match.
pub fn parse_recovery_key(typed: &[u8]) -> Result<super::SecretBytes, RecoveryKeyError> {
    let normal = normalize_recovery_key(&String::from_utf8_lossy(typed));
    let mut values = Zeroizing::new(Vec::with_capacity(RECOVERY_KEY_LEN));
    for (i, &c) in normal.iter().enumerate() {
        values.push(recovery_value(c).ok_or(RecoveryKeyError::Character(i + 1))?);
    }
    if values.len() != RECOVERY_KEY_LEN {
        return Err(RecoveryKeyError::Length(values.len()));
    }
    if recovery_sums(&values) != (0, 0) {
        return Err(RecoveryKeyError::Check);
    }
    Ok(super::SecretBytes::new(
        values
            .iter()
            .map(|&v| RECOVERY_ALPHABET[v as usize])
            .collect(),
    ))
}

/// Whether `typed` has the shape of a recovery key of formats 1 and 2:
/// 40 letters and digits (dashes and spaces aside) in both cases, which
/// keys of today's kind, read in either case, are not typed in.
pub fn looks_like_old_recovery_key(typed: &[u8]) -> bool {
    let n = normalize_recovery_key(&String::from_utf8_lossy(typed));
    n.len() == RECOVERY_KEY_LEN
        && n.iter().all(u8::is_ascii_alphanumeric)
        && n.iter().any(u8::is_ascii_lowercase)
        && n.iter().any(u8::is_ascii_uppercase)
}

/// The bytes a recovery key stands for as formats 1 and 2 made it (40
/// letters and digits, case kept): without dashes and white space.
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
    fn recovery_keys_are_grouped_and_read_back_in_any_case_and_spacing() {
        let k = recovery_key();
        let groups: Vec<&str> = k.expose().split('-').collect();
        assert_eq!(groups.len(), 8);
        assert!(groups.iter().all(|g| g.len() == 5 && alnum(g)));
        assert!(
            k.expose()
                .bytes()
                .all(|b| b == b'-' || RECOVERY_ALPHABET.contains(&b))
        );
        let n = parse_recovery_key(k.expose().as_bytes()).unwrap();
        assert_eq!(n.len(), 40);
        let spaced = k.expose().to_ascii_lowercase().replace('-', " ") + "\n";
        assert_eq!(*parse_recovery_key(spaced.as_bytes()).unwrap(), *n);
        assert_eq!(*normalize_recovery_key(k.expose()), *n);
    }

    #[test]
    fn every_wrong_character_and_every_swap_is_caught() {
        for _ in 0..20 {
            let k = recovery_key();
            let key: Vec<u8> = normalize_recovery_key(k.expose()).to_vec();
            for i in 0..key.len() {
                for &c in RECOVERY_ALPHABET.iter().filter(|&&c| c != key[i]) {
                    let mut typo = key.clone();
                    typo[i] = c;
                    assert_eq!(
                        parse_recovery_key(&typo).unwrap_err(),
                        RecoveryKeyError::Check
                    );
                }
                for j in i + 1..key.len() {
                    if key[i] != key[j] {
                        let mut swapped = key.clone();
                        swapped.swap(i, j);
                        let e = parse_recovery_key(&swapped);
                        assert!(j - i >= 31 || e.is_err(), "{i} and {j} swapped");
                    }
                }
            }
        }
    }

    #[test]
    fn look_alikes_and_wrong_lengths_are_named() {
        let k = recovery_key();
        let mut key: Vec<u8> = normalize_recovery_key(k.expose()).to_vec();
        for bad in [b'0', b'O', b'o', b'1', b'I', b'l', b'L', b'i', b'!'] {
            key[6] = bad;
            assert_eq!(
                parse_recovery_key(&key).unwrap_err(),
                RecoveryKeyError::Character(7)
            );
        }
        assert_eq!(
            parse_recovery_key(&key[..10]).unwrap_err(),
            RecoveryKeyError::Character(7)
        );
        assert_eq!(
            parse_recovery_key(b"ABCDE-ABCDE").unwrap_err(),
            RecoveryKeyError::Length(10)
        );
        let shown = RecoveryKeyError::Check.to_string();
        assert!(shown.contains("a character is wrong"), "{shown}");
    }

    #[test]
    fn debug_redacts() {
        let s = api_secret();
        let d = format!("{s:?}");
        assert!(!d.contains(s.expose()));
        assert!(d.contains("redacted"));
    }
}
