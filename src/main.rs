//! The `appctl` binary: all of it lives in the library.

// mimalloc, for Rust and (through its `override` feature) for SQLite too:
// small allocations are cheaper than glibc's (listings make many), and
// large ones come from huge pages, so the buffer SQLite decrypts a large
// store into costs a few page faults instead of thousands. Its version 2
// (the `v2` feature) touches fewer huge pages than version 3 for a short
// process like ours: each command is a little faster, and listings use a
// fifth less memory.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    appctl::cli::main()
}
