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
    count_for_tests();
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

/// In debug builds (the ones the test suite runs), appends a line to the file
/// named by `APPCTL_KDF_LOG` for every derivation, so tests can assert how
/// many a command does. Release builds compile it to nothing.
fn count_for_tests() {
    #[cfg(debug_assertions)]
    if let Some(path) = std::env::var_os("APPCTL_KDF_LOG") {
        use std::io::Write;
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            let _ = f.write_all(b"derive\n");
        }
    }
}

/// The most memory calibration will choose (1 GiB).
pub const CALIBRATION_MAX_MEMORY_KIB: u32 = 1024 * 1024;

/// How long one derivation with `params` takes here.
pub fn measure(params: KdfParams) -> Result<std::time::Duration> {
    let mut salt = [0u8; 16];
    super::random_bytes(&mut salt);
    let start = std::time::Instant::now();
    derive(b"calibration", &salt, params)?;
    Ok(start.elapsed())
}

/// Picks Argon2id parameters whose derivation takes about `target` here:
/// memory first (from the floor up to 1 GiB), then iterations, never below
/// the floor. Returns the parameters and their measured time. Derivation
/// time grows linearly with memory × iterations, so each step scales by
/// the ratio of the target to the last measurement.
pub fn calibrate(
    target: std::time::Duration,
    parallelism: u32,
) -> Result<(KdfParams, std::time::Duration)> {
    search(target, parallelism, measure)
}

/// The search behind [`calibrate`], with the measurement passed in so that
/// its rules can be checked against a fixed cost model rather than a clock.
fn search(
    target: std::time::Duration,
    parallelism: u32,
    mut measure: impl FnMut(KdfParams) -> Result<std::time::Duration>,
) -> Result<(KdfParams, std::time::Duration)> {
    let mut p = KdfParams {
        parallelism,
        ..FLOOR
    };
    p.check()?;
    let mut took = measure(p)?;
    // Memory first, two refinements.
    for _ in 0..2 {
        let scale = target.as_secs_f64() / took.as_secs_f64().max(1e-6);
        let want = (f64::from(p.memory_kib) * scale / 1024.0).round() * 1024.0;
        let memory_kib = want.clamp(
            f64::from(FLOOR.memory_kib),
            f64::from(CALIBRATION_MAX_MEMORY_KIB),
        ) as u32;
        if memory_kib == p.memory_kib {
            break;
        }
        p.memory_kib = memory_kib;
        took = measure(p)?;
    }
    // Then iterations, when memory alone is not enough.
    if took < target && p.memory_kib == CALIBRATION_MAX_MEMORY_KIB {
        let scale = target.as_secs_f64() / took.as_secs_f64().max(1e-6);
        let iterations = (f64::from(p.iterations) * scale).round();
        p.iterations =
            iterations.clamp(f64::from(FLOOR.iterations), f64::from(CEILING.iterations)) as u32;
        took = measure(p)?;
    }
    Ok((p, took))
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

    /// A machine where a derivation costs `ns_per_kib_pass` for each KiB
    /// and pass, counting the measurements it is asked for.
    fn model(
        ns_per_kib_pass: u64,
        calls: &std::cell::Cell<u32>,
    ) -> impl FnMut(KdfParams) -> Result<std::time::Duration> + '_ {
        move |p| {
            calls.set(calls.get() + 1);
            Ok(std::time::Duration::from_nanos(
                u64::from(p.memory_kib) * u64::from(p.iterations) * ns_per_kib_pass,
            ))
        }
    }

    #[test]
    fn calibration_grows_memory_first_then_iterations_and_never_goes_below_the_floor() {
        use std::time::Duration;
        let calls = std::cell::Cell::new(0);
        // 1 µs per KiB and pass: the floor (19 MiB, 2 passes) costs ~40 ms.
        let floor = model(1000, &calls)(FLOOR).unwrap();
        assert_eq!(floor, Duration::from_nanos(19 * 1024 * 2 * 1000));

        // A target below what the floor costs keeps the floor.
        let (p, took) = search(Duration::from_millis(1), 1, model(1000, &calls)).unwrap();
        assert_eq!((p, took), (FLOOR, floor));

        // Four floors' worth raises memory to four times the floor, not passes.
        let (p, took) = search(floor * 4, 1, model(1000, &calls)).unwrap();
        assert_eq!((p.memory_kib, p.iterations), (4 * FLOOR.memory_kib, 2));
        assert_eq!(took, floor * 4);

        // A target that 1 GiB cannot reach keeps 1 GiB and adds passes.
        let one_gib_two_passes = Duration::from_nanos(1024 * 1024 * 2 * 1000);
        let (p, took) = search(one_gib_two_passes * 3, 2, model(1000, &calls)).unwrap();
        assert_eq!(
            (p.memory_kib, p.iterations, p.parallelism),
            (CALIBRATION_MAX_MEMORY_KIB, 6, 2)
        );
        assert_eq!(took, one_gib_two_passes * 3);

        // Passes stop at the ceiling however slow the target.
        let (p, _) = search(Duration::from_secs(1_000_000), 1, model(1000, &calls)).unwrap();
        assert_eq!(p.iterations, CEILING.iterations);
        p.check().unwrap();

        // Parallelism outside the rules is refused before anything is measured.
        calls.set(0);
        let e = search(floor, 0, model(1000, &calls)).unwrap_err();
        assert_eq!(e.exit_code(), 9);
        assert_eq!(calls.get(), 0);
    }

    #[test]
    fn calibration_measures_real_derivations() {
        // The clock on a busy test machine is no reference for the figures,
        // only for their shape: what comes back passes the rules and its
        // time is one that was measured.
        let (p, took) = calibrate(std::time::Duration::from_millis(1), 1).unwrap();
        assert_eq!(p, FLOOR);
        assert!(took > std::time::Duration::ZERO);
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
