//! The `appctl` binary: all of it lives in the library.

fn main() -> std::process::ExitCode {
    appctl::cli::main()
}
