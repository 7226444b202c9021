//! App-only authentication (PLATFORM.md §4): `POST /oauth2/token` gives
//! the app's one bearer token, made when none is active and the same until
//! invalidated; `POST /oauth2/invalidate_token` revokes it.

use super::auth::{self, form, value};
use super::errors::{self, Refusal};
use super::http::Response;
use super::routes::Who;
use super::state::Shared;
use crate::error::Result;
use crate::model::CredentialKind;
use crate::oauth::{AuthScheme, HttpRequest, Reason};
use crate::store::Holder;
use serde_json::json;

fn refusal(r: Refusal) -> Response {
    match r {
        Refusal::Verdict(Reason::AppSuspended) | Refusal::Busy => errors::v1_refusal(r),
        _ => errors::token_failure(),
    }
}

/// `POST /oauth2/token`.
pub fn token(shared: &Shared, req: &HttpRequest, now: i64) -> Result<(Response, Who)> {
    let checked = shared.with_store(|s| auth::check(shared, s, req, now))?;
    let o = match checked {
        Ok(o) if o.scheme == Some(AuthScheme::Basic) => o,
        Ok(o) => return Ok((errors::token_failure(), auth::who(&o))),
        Err((r, who)) => return Ok((refusal(r), who)),
    };
    let who = auth::who(&o);
    let grant = form(&req.body);
    let grant = grant.as_deref().and_then(|g| value(g, "grant_type"));
    if grant != Some(b"client_credentials") {
        return Ok((errors::token_failure(), who));
    }
    let app_id = who.app.unwrap_or_default();
    let token = match shared.with_store(|s| s.active_bearer(app_id))? {
        Some(t) => t,
        None => shared.write(|s| {
            // Another command may have made one meanwhile.
            if let Some(t) = s.active_bearer(app_id)? {
                return Ok(t);
            }
            let app = s.app(app_id)?;
            let holder = Holder::default_for(s, CredentialKind::Bearer)?;
            let made = s.create_credential(&app, CredentialKind::Bearer, &holder)?;
            made.bearer_token
                .ok_or_else(|| crate::error::Error::internal("no bearer token was made"))
        })?,
    };
    let body = json!({"token_type": "bearer", "access_token": token.expose()});
    Ok((Response::json(200, &body), who))
}

/// `POST /oauth2/invalidate_token`: Basic with `access_token` in the body,
/// or OAuth 1.0a (consumer pair and the owner's token) with it in the query.
pub fn invalidate(shared: &Shared, req: &HttpRequest, now: i64) -> Result<(Response, Who)> {
    let checked = shared.with_store(|s| auth::check(shared, s, req, now))?;
    let o = match checked {
        Ok(o) => o,
        Err((r, who)) => return Ok((refusal(r), who)),
    };
    let who = auth::who(&o);
    let params = match o.scheme {
        Some(AuthScheme::Basic) => form(&req.body),
        Some(AuthScheme::OAuth1) if o.user.is_some() => {
            form(req.query.as_deref().unwrap_or_default().as_bytes())
        }
        _ => None,
    };
    let Some(given) = params
        .as_deref()
        .and_then(|p| value(p, "access_token"))
        .map(<[u8]>::to_vec)
    else {
        return Ok((errors::token_failure(), who));
    };
    let app_id = who.app.unwrap_or_default();
    let done = shared.write(|s| {
        let Some(active) = s.active_bearer(app_id)? else {
            return Ok(false);
        };
        if !bool::from(subtle::ConstantTimeEq::ct_eq(
            active.expose().as_bytes(),
            &given[..],
        )) {
            return Ok(false);
        }
        let app = s.app(app_id)?;
        let holder = Holder::default_for(s, CredentialKind::Bearer)?;
        s.revoke_credential(&app, CredentialKind::Bearer, &holder)?;
        Ok(true)
    });
    match done {
        Ok(true) => {
            let token = String::from_utf8_lossy(&given).into_owned();
            Ok((Response::json(200, &json!({"access_token": token})), who))
        }
        Ok(false) => Ok((errors::token_failure(), who)),
        Err(e) => Err(e),
    }
}
