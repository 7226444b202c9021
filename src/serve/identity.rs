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
use crate::store::{Directory, Someone};
use serde::Serialize;
use serde_json::json;

/// Which of the two endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `/1.1/account/verify_credentials.json`.
    VerifyCredentials,
    /// `/2/users/me`.
    UsersMe,
}

/// A user as the endpoints show one: ID, name, handle, email, since when.
struct Profile<'a> {
    id: u64,
    name: &'a str,
    screen_name: &'a str,
    email: Option<&'a str>,
    created_at: i64,
}

/// The v1.1 user object, its fields in the order this server has always
/// written them.
#[derive(Serialize)]
struct V1User<'a> {
    id: u64,
    id_str: String,
    name: &'a str,
    screen_name: &'a str,
    description: &'static str,
    url: Option<&'static str>,
    protected: bool,
    followers_count: u32,
    friends_count: u32,
    statuses_count: u32,
    created_at: String,
    verified: bool,
    profile_image_url_https: &'static str,
    default_profile: bool,
    default_profile_image: bool,
    /// Dropped by `include_entities=false`.
    #[serde(skip_serializing_if = "Option::is_none")]
    entities: Option<Entities>,
    /// Present (null when the user has none) only when asked for and granted.
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<Option<&'a str>>,
}

/// `{"description": {"urls": []}}`: a local user's description is empty.
#[derive(Serialize)]
struct Entities {
    description: Urls,
}

#[derive(Serialize)]
struct Urls {
    urls: [(); 0],
}

/// The platform's default profile picture: local users have none of their
/// own, and clients that show one expect an https URL.
const DEFAULT_IMAGE: &str =
    "https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png";

/// Unix seconds as v1.1 writes times: `Wed Oct 21 23:53:04 +0000 2015`,
/// rearranged from the HTTP date of the same instant
/// (`Wed, 21 Oct 2015 23:53:04 GMT`).
fn v1_time(at: i64) -> String {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(at.max(0) as u64);
    let http = httpdate::fmt_http_date(t);
    // IMF-fixdate is fixed-width: `Www, DD Mmm YYYY HH:MM:SS GMT`.
    let part = |r: std::ops::Range<usize>| http.get(r).unwrap_or_default();
    let mut out = String::with_capacity(30);
    for p in [
        part(0..3),
        " ",
        part(8..11),
        " ",
        part(5..7),
        " ",
        part(17..25),
        " +0000 ",
        part(12..16),
    ] {
        out.push_str(p);
    }
    out
}

fn profile(d: &Directory, id: u64) -> Option<Profile<'_>> {
    Some(match d.person(id)? {
        Someone::Owner(o) => Profile {
            id: o.user_id,
            name: &o.handle,
            screen_name: &o.handle,
            email: None,
            created_at: d.created_at(),
        },
        Someone::User(u) => Profile {
            id: u.id,
            name: u.name.as_deref().unwrap_or(&u.handle),
            screen_name: &u.handle,
            email: u.email.as_deref(),
            created_at: u.created_at,
        },
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

/// Answers `ep` from the store's [`Directory`], without holding the store.
pub fn get(shared: &Shared, req: &HttpRequest, ep: Endpoint, now: i64) -> Result<(Response, Who)> {
    let d = shared.directory()?;
    let o = match auth::check(shared, &*d, req, now)? {
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
    let Some(p) = profile(&d, uid) else {
        return Ok((
            refuse(ep, Refusal::Verdict(crate::oauth::Reason::Revoked)),
            who,
        ));
    };
    let resp = match ep {
        Endpoint::UsersMe => Response::json(
            200,
            &json!({"data": {"id": p.id.to_string(), "name": p.name, "username": p.screen_name}}),
        ),
        Endpoint::VerifyCredentials => {
            let q = form(req.query.as_deref().unwrap_or_default().as_bytes()).unwrap_or_default();
            // By the token's grant: the app's toggle when it was made.
            let email = (flag(value(&q, "include_email")) && o.grants_email).then_some(p.email);
            // No statuses are kept, so `skip_status` changes nothing.
            Response::json(
                200,
                &V1User {
                    id: p.id,
                    id_str: p.id.to_string(),
                    name: p.name,
                    screen_name: p.screen_name,
                    description: "",
                    url: None,
                    protected: false,
                    followers_count: 0,
                    friends_count: 0,
                    statuses_count: 0,
                    created_at: v1_time(p.created_at),
                    verified: false,
                    profile_image_url_https: DEFAULT_IMAGE,
                    default_profile: true,
                    default_profile_image: true,
                    entities: (value(&q, "include_entities") != Some(b"false")).then_some(
                        Entities {
                            description: Urls { urls: [] },
                        },
                    ),
                    email,
                },
            )
        }
    };
    Ok((resp.with("x-access-level", level), who))
}

#[cfg(test)]
mod tests {
    use super::v1_time;

    #[test]
    fn times_are_written_as_v1_1_writes_them() {
        // PLATFORM.md §5's example, and a day of one digit.
        assert_eq!(v1_time(1_445_471_584), "Wed Oct 21 23:53:04 +0000 2015");
        assert_eq!(v1_time(0), "Thu Jan 01 00:00:00 +0000 1970");
    }
}
