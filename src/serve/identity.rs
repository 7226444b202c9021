//! The identity endpoints (PLATFORM.md §5): `GET
//! /1.1/account/verify_credentials.json` and `GET /2/users/me`, for an
//! access token signed with OAuth 1.0a. Every answer to an authenticated
//! request carries `x-access-level`.

use super::auth::{self, form, value};
use super::errors::{self, Refusal};
use super::http::Response;
use super::routes::Who;
use super::state::Shared;
use crate::error::Result;
use crate::oauth::verify::access_level;
use crate::oauth::{AuthScheme, HttpRequest, Outcome};
use crate::store::{Someone, Store};
use serde_json::{Value, json};

/// Which of the two endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `/1.1/account/verify_credentials.json`.
    VerifyCredentials,
    /// `/2/users/me`.
    UsersMe,
}

/// A user as the endpoints show one: ID, name, handle, email.
struct Profile {
    id: u64,
    name: String,
    screen_name: String,
    email: Option<String>,
}

fn profile(s: &Store, id: u64) -> Result<Option<Profile>> {
    Ok(match s.find_someone(&id.to_string())? {
        Some(Someone::Owner(o)) => Some(Profile {
            id: o.user_id,
            name: o.handle.clone(),
            screen_name: o.handle,
            email: None,
        }),
        Some(Someone::User(u)) => Some(Profile {
            id: u.id,
            name: u.name.unwrap_or_else(|| u.handle.clone()),
            screen_name: u.handle,
            email: u.email,
        }),
        None => None,
    })
}

fn refuse(ep: Endpoint, r: Refusal) -> Response {
    match ep {
        Endpoint::VerifyCredentials => errors::v1_refusal(r),
        Endpoint::UsersMe => errors::v2_refusal(r),
    }
}

/// Whether a query flag is on as the platform reads it (`true`, `t`, `1`).
fn flag(v: Option<&[u8]>) -> bool {
    matches!(v, Some(b"true" | b"t" | b"1" | b"True"))
}

fn user_context(o: &Outcome) -> Option<Refusal> {
    match o.scheme {
        Some(AuthScheme::Bearer) => Some(Refusal::AppOnlyOnUserContext),
        Some(AuthScheme::OAuth1) if o.user.is_some() => None,
        _ => Some(Refusal::WrongScheme),
    }
}

/// Answers `ep`.
pub fn get(shared: &Shared, req: &HttpRequest, ep: Endpoint, now: i64) -> Result<(Response, Who)> {
    shared.with_store(|s| {
        let o = match auth::check(shared, s, req, now)? {
            Ok(o) => o,
            Err((r, who)) => return Ok((refuse(ep, r), who)),
        };
        let who = auth::who(&o);
        if let Some(r) = user_context(&o) {
            return Ok((refuse(ep, r), who));
        }
        let level = access_level(o.access_level.unwrap_or_default());
        let uid = o.user.as_ref().map_or(0, |u| u.id);
        // A user removed since the token was made: its tokens are refused.
        let Some(p) = profile(s, uid)? else {
            return Ok((refuse(ep, Refusal::Verdict(crate::oauth::Reason::Revoked)), who));
        };
        let resp = match ep {
            Endpoint::UsersMe => Response::json(
                200,
                &json!({"data": {"id": p.id.to_string(), "name": p.name, "username": p.screen_name}}),
            ),
            Endpoint::VerifyCredentials => {
                let q = form(req.query.as_deref().unwrap_or_default().as_bytes()).unwrap_or_default();
                let mut doc = json!({
                    "id": p.id,
                    "id_str": p.id.to_string(),
                    "name": p.name,
                    "screen_name": p.screen_name,
                    "description": "",
                    "url": Value::Null,
                    "protected": false,
                    "followers_count": 0,
                    "verified": false,
                });
                if flag(value(&q, "include_email")) {
                    let app = s.app(who.app.unwrap_or_default())?;
                    if app.details.request_email {
                        doc["email"] = p.email.map_or(Value::Null, Value::String);
                    }
                }
                // No statuses are kept, so `skip_status` changes nothing.
                let _ = flag(value(&q, "skip_status"));
                Response::json(200, &doc)
            }
        };
        Ok((resp.with("x-access-level", level), who))
    })
}
