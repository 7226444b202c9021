//! Checking how a request authenticates, as the platform does: OAuth 1.0a
//! HMAC-SHA1 signatures (RFC 5849), bearer tokens and Basic `key:secret`,
//! against the credentials and app settings in the store. Pure functions
//! over the store's read API: no I/O, no printing.

pub mod encode;
pub mod request;
pub mod signature;
pub mod verify;

pub use request::{HttpRequest, ParseError, Scheme};
pub use verify::{AuthScheme, Found, Lookup, Outcome, Reason, verify, verify_for};
