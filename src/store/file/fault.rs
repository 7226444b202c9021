//! Fault injection for tests of the save path. In debug builds (the ones
//! the test suite runs), `APPCTL_FAULT=write|enospc|fsync|rename|dirsync`
//! makes that step of a save fail as the OS would. `write:N` and
//! `enospc:N` fail the write that reaches byte N (default 4096) after
//! writing the bytes before it; a save whose file is shorter than N fails
//! at the end, its file unchanged. Release builds compile it to nothing.

/// A step of a save that can be made to fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
    Fsync,
    Rename,
    DirSync,
}

/// The write failure asked for, and the byte it strikes at.
#[cfg(debug_assertions)]
fn write_fault() -> Option<(u64, std::io::Error)> {
    let spec = std::env::var("APPCTL_FAULT").ok()?;
    let (want, at) = spec.split_once(':').unwrap_or((spec.as_str(), ""));
    let at = at.parse().unwrap_or(4096);
    match want {
        "write" => Some((at, std::io::Error::other("injected write failure"))),
        "enospc" => Some((at, std::io::Error::from_raw_os_error(28))),
        _ => None,
    }
}

/// For a write of `len` bytes at `offset`: when it reaches the faulty
/// byte, how many of its bytes to write before failing, and the error.
#[cfg(debug_assertions)]
pub(super) fn write_cut(offset: u64, len: usize) -> Option<(usize, std::io::Error)> {
    let (at, e) = write_fault()?;
    (offset + len as u64 > at).then(|| ((at.saturating_sub(offset) as usize).min(len), e))
}

#[cfg(not(debug_assertions))]
#[inline(always)]
pub(super) fn write_cut(_: u64, _: usize) -> Option<(usize, std::io::Error)> {
    None
}

/// After the file was filled: a write failure that no write reached (the
/// file is shorter than N) strikes now.
#[cfg(debug_assertions)]
pub(super) fn write_end(fired: bool) -> std::io::Result<()> {
    if fired {
        return Ok(());
    }
    write_fault().map_or(Ok(()), |(_, e)| Err(e))
}

#[cfg(not(debug_assertions))]
#[inline(always)]
pub(super) fn write_end(_: bool) -> std::io::Result<()> {
    Ok(())
}

/// Fails `step` when `APPCTL_FAULT` asks for it.
#[cfg(debug_assertions)]
pub(super) fn inject(step: Step) -> std::io::Result<()> {
    use std::io::Error;
    let Ok(spec) = std::env::var("APPCTL_FAULT") else {
        return Ok(());
    };
    let want = spec.split_once(':').map_or(spec.as_str(), |(w, _)| w);
    match (want, step) {
        ("fsync", Step::Fsync) | ("dirsync", Step::DirSync) => Err(Error::from_raw_os_error(5)),
        ("rename", Step::Rename) => Err(Error::from_raw_os_error(18)),
        _ => Ok(()),
    }
}

#[cfg(not(debug_assertions))]
#[inline(always)]
pub(super) fn inject(_: Step) -> std::io::Result<()> {
    Ok(())
}
