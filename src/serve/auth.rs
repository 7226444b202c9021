//! How an endpoint checks a request: `oauth::verify` over the store, then
//! the server's own memory of nonces. Shared by every endpoint group.

use super::errors::Refusal;
use super::nonces::Seen;
use super::routes::Who;
use super::state::Shared;
use crate::error::{Error, Result};
use crate::oauth::signature::{self, Param};
use crate::oauth::{AuthScheme, HttpRequest, Lookup, Outcome, verify_for};

/// Whom an outcome names, for the access log.
pub fn who(o: &Outcome) -> Who {
    Who {
        app: o.app.as_ref().map(|(id, _)| *id),
        user: o.user.as_ref().map(|u| u.id),
    }
}

/// The verdict on `req`, with a replayed OAuth 1.0a nonce refused. A
/// signature counts when made for the request's own origin (its `Host`) or
/// one given with `--alias-origin`, not for the platform's origins unless
/// they are given. The outer error is the store's; the inner one a refusal
/// for the client.
pub fn check(
    shared: &Shared,
    store: &impl Lookup,
    req: &HttpRequest,
    now: i64,
) -> Result<std::result::Result<Outcome, (Refusal, Who)>> {
    let o = verify_for(req, store, now, shared.aliases())?;
    if let Some(r) = o.reason {
        return Ok(Err((Refusal::Verdict(r), who(&o))));
    }
    if o.scheme == Some(AuthScheme::OAuth1) {
        // An accepted OAuth 1.0a request has both; without them no replay
        // could be told, so the request fails rather than pass unchecked.
        let (Some((app, _)), Some((timestamp, nonce))) = (&o.app, &o.nonce) else {
            return Err(Error::internal(
                "an accepted OAuth 1.0a request without its app or nonce",
            ));
        };
        match shared.nonce(*app, *timestamp, nonce.as_bytes(), now) {
            Seen::New => {}
            Seen::Replayed => return Ok(Err((Refusal::ReplayedNonce, who(&o)))),
            Seen::Full => return Ok(Err((Refusal::Busy, who(&o)))),
        }
    }
    Ok(Ok(o))
}

/// The form parameters of a query or body (`None` when malformed).
pub fn form(bytes: &[u8]) -> Option<Vec<Param<'_>>> {
    signature::form_params(bytes, signature::Source::Body, "form").ok()
}

/// The one value of `name` in `params`.
pub fn value<'a>(params: &'a [Param<'_>], name: &str) -> Option<&'a [u8]> {
    params
        .iter()
        .find(|p| *p.name == *name.as_bytes())
        .map(|p| &*p.value)
}
