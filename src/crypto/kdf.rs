//! Argon2id key derivation and the rules for its parameters.

use super::Key;
use crate::error::{Error, Kind, Result};

/// Argon2id cost parameters, as stored in a key slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Number of passes.
    pub iterations: u32,
    /// Degree of parallelism (lanes).
    pub parallelism: u32,
}

/// RFC 9106's second recommended option: 64 MiB, 3 passes, 1 lane.
pub const DEFAULT: KdfParams = KdfParams {
    memory_kib: 64 * 1024,
    iterations: 3,
    parallelism: 1,
};

/// The OWASP floor; weaker settings are refused.
pub const FLOOR: KdfParams = KdfParams {
    memory_kib: 19 * 1024,
    iterations: 2,
    parallelism: 1,
};

/// The most a store may ask for. A header that asks for more is refused before
/// any derivation, so a hostile file cannot make appctl allocate gigabytes or
/// spin for hours.
pub const CEILING: KdfParams = KdfParams {
    memory_kib: 2 * 1024 * 1024,
    iterations: 64,
    parallelism: 16,
};

impl KdfParams {
    /// Checks the parameters against [`FLOOR`] and [`CEILING`].
    pub fn check(&self) -> Result<()> {
        let mib = self.memory_kib / 1024;
        if self.memory_kib < FLOOR.memory_kib {
            return Err(Error::invalid(format!(
                "KDF memory {mib} MiB is below the floor of {} MiB",
                FLOOR.memory_kib / 1024
            ))
            .with_hint("use --kdf-memory-mib 19 or more (the default is 64)"));
        }
        if self.memory_kib > CEILING.memory_kib {
            return Err(Error::invalid(format!(
                "KDF memory {mib} MiB is above the limit of {} MiB",
                CEILING.memory_kib / 1024
            )));
        }
        if self.iterations < FLOOR.iterations {
            return Err(Error::invalid(format!(
                "KDF iterations {} is below the floor of {}",
                self.iterations, FLOOR.iterations
            ))
            .with_hint("use --kdf-iterations 2 or more (the default is 3)"));
        }
        if self.iterations > CEILING.iterations {
            return Err(Error::invalid(format!(
                "KDF iterations {} is above the limit of {}",
                self.iterations, CEILING.iterations
            )));
        }
        if self.parallelism == 0 || self.parallelism > CEILING.parallelism {
            return Err(Error::invalid(format!(
                "KDF parallelism {} is outside 1..={}",
                self.parallelism, CEILING.parallelism
            )));
        }
        Ok(())
    }
}

/// Derives a 256-bit key from `secret` and `salt` with Argon2id.
///
/// The parameters are checked first, so a hostile header cannot trigger an
/// expensive derivation.
pub fn derive(secret: &[u8], salt: &[u8], params: KdfParams) -> Result<Key> {
    params
        .check()
        .map_err(|e| Error::new(Kind::Damaged, e.message().to_string()))?;
    let p = argon2::Params::new(
        params.memory_kib,
        params.iterations,
        params.parallelism,
        Some(32),
    )
    .map_err(|e| Error::internal(format!("argon2 parameters: {e}")))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, p);
    let mut out = Key::zeroed();
    argon
        .hash_password_into(secret, salt, &mut out[..])
        .map_err(|e| Error::internal(format!("argon2: {e}")))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_rfc9106_second_option_and_passes_the_floor() {
        assert_eq!(
            (DEFAULT.memory_kib, DEFAULT.iterations, DEFAULT.parallelism),
            (65536, 3, 1)
        );
        DEFAULT.check().unwrap();
        FLOOR.check().unwrap();
    }

    #[test]
    fn below_the_floor_is_invalid() {
        let low_mem = KdfParams {
            memory_kib: 18 * 1024,
            ..FLOOR
        };
        assert_eq!(low_mem.check().unwrap_err().exit_code(), 9);
        let low_t = KdfParams {
            iterations: 1,
            ..FLOOR
        };
        assert_eq!(low_t.check().unwrap_err().exit_code(), 9);
    }

    #[test]
    fn a_hostile_header_asking_for_4_gib_is_refused_before_deriving() {
        let huge = KdfParams {
            memory_kib: 4 * 1024 * 1024,
            ..FLOOR
        };
        let e = derive(b"pw", &[0; 16], huge).unwrap_err();
        assert_eq!(e.kind(), Kind::Damaged);
        let slow = KdfParams {
            iterations: 1_000_000,
            ..FLOOR
        };
        assert_eq!(
            derive(b"pw", &[0; 16], slow).unwrap_err().kind(),
            Kind::Damaged
        );
    }

    #[test]
    fn derivation_is_deterministic_and_depends_on_salt_and_secret() {
        let a = derive(b"pw", &[1; 16], FLOOR).unwrap();
        let b = derive(b"pw", &[1; 16], FLOOR).unwrap();
        let c = derive(b"pw", &[2; 16], FLOOR).unwrap();
        let d = derive(b"pX", &[1; 16], FLOOR).unwrap();
        assert_eq!(*a, *b);
        assert_ne!(*a, *c);
        assert_ne!(*a, *d);
    }
}
