//! The one place where a verdict becomes the platform's error body
//! (PLATFORM.md §7): v1.1 `{"errors":[{"code","message"}]}`, the token
//! endpoint's code 99, and the v2 problem JSON under `/2/`.

use super::http::Response;
use crate::oauth::Reason;
use serde_json::json;

/// A v1.1 error body.
pub fn v1(status: u16, code: u32, message: &str) -> Response {
    Response::json(
        status,
        &json!({"errors": [{"code": code, "message": message}]}),
    )
}

/// Why a request to an endpoint is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The verdict of `oauth::verify`.
    Verdict(Reason),
    /// A nonce already seen within the timestamp window.
    ReplayedNonce,
    /// App-only credentials on a user-context endpoint.
    AppOnlyOnUserContext,
    /// Credentials of a kind the endpoint does not take.
    WrongScheme,
    /// The nonce memory is full (503 until old nonces expire).
    Busy,
}

/// The v1.1 body for `r`.
pub fn v1_refusal(r: Refusal) -> Response {
    match r {
        Refusal::Verdict(Reason::Malformed) | Refusal::WrongScheme => {
            v1(400, 215, "Bad Authentication data.")
        }
        Refusal::Verdict(
            Reason::UnknownConsumerKey | Reason::BadSignature | Reason::UnsupportedSignatureMethod,
        )
        | Refusal::ReplayedNonce => v1(401, 32, "Could not authenticate you."),
        Refusal::Verdict(Reason::UnknownToken | Reason::Revoked | Reason::Invalidated) => {
            v1(401, 89, "Invalid or expired token.")
        }
        Refusal::Verdict(Reason::AppSuspended) => v1(401, 416, "Invalid / suspended App."),
        Refusal::Verdict(Reason::TimestampOutOfWindow) => v1(401, 135, "Timestamp out of bounds."),
        Refusal::Busy => unavailable(),
        Refusal::AppOnlyOnUserContext => v1(
            403,
            220,
            "Your credentials do not allow access to this resource.",
        ),
    }
}

/// The token endpoints' one failure: 403 code 99.
pub fn token_failure() -> Response {
    Response::json(
        403,
        &json!({"errors": [{
            "code": 99,
            "label": "authenticity_token_error",
            "message": "Unable to verify your credentials",
        }]}),
    )
}

fn problem(status: u16, doc: serde_json::Value) -> Response {
    Response::new(status, "application/problem+json", doc.to_string())
}

/// The v2 problem JSON for `r`.
pub fn v2_refusal(r: Refusal) -> Response {
    match r {
        Refusal::AppOnlyOnUserContext => problem(
            403,
            json!({
                "title": "Unsupported Authentication",
                "detail": "Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].",
                "type": "https://api.twitter.com/2/problems/unsupported-authentication",
                "status": 403,
            }),
        ),
        Refusal::Busy => unavailable(),
        _ => problem(
            401,
            json!({"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}),
        ),
    }
}

/// A request the server could not answer (the store could not be read).
pub fn unavailable() -> Response {
    Response::text(503, "the store cannot be read now\n")
}
