//! appctl: a developer portal for API apps that lives on your own machine.
//!
//! Projects, apps, app settings and credentials are kept in one encrypted
//! SQLite file; every newly generated secret is printed exactly once.
//!
//! - [`model`]: the objects and the rules their values obey
//! - [`crypto`]: key derivation, authenticated encryption, token generation
//! - [`oauth`]: verifying signed requests, bearer tokens and Basic credentials
//! - [`store`]: the encrypted file, its lock, schema and queries
//! - [`cli`]: the command line: parsing, passphrases, prompts and output
//! - [`error`]: the one error type, which alone decides exit codes
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod cli;
pub mod crypto;
pub mod error;
pub mod model;
pub mod oauth;
pub mod serve;
pub mod store;
