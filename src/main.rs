//! The `appctl` binary: all of it lives in the library.

// mimalloc, for Rust and (through its `override` feature) for SQLite too:
// small allocations are cheaper than glibc's (listings make many), and
// large ones come from huge pages, so the buffer SQLite decrypts a large
// store into costs a few page faults instead of thousands.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    appctl::cli::main()
}
