//! Integration tests: the real `appctl` binary in temporary directories.
//! Each module covers one part of the spec.

mod access;
mod apps;
mod browser;
mod clients;
mod completion;
mod durability;
mod help;
mod hostile;
mod input;
mod json;
mod keys;
mod output;
mod passphrase;
mod performance;
mod projects;
mod pty;
mod rotation;
mod serve;
mod serve_flow;
mod serve_identity;
mod serve_tls;
mod status;
mod store_file;
mod terminal;
mod users;
mod util;
mod vectors;
mod verify;
