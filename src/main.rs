//! The `appctl` binary: all of it lives in the library.

// mimalloc: most of a listing's time went to glibc's malloc and free.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    appctl::cli::main()
}
