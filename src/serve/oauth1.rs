//! The OAuth 1.0a 3-legged flow (PLATFORM.md §3): `request_token`, the
//! authorize page and its form, `access_token`, and
//! `/1.1/oauth/invalidate_token`. Request tokens and verifiers live in
//! memory only, at most [`MAX_PENDING`], for [`REQUEST_TOKEN_TTL`] seconds.

use super::auth::{self, form, value};
use super::errors::{self, Refusal};
use super::http::Response;
use super::pages;
use super::routes::Who;
use super::state::Shared;
use crate::crypto::token::{self, Secret};
use crate::error::{Error, Result};
use crate::model::{CredentialKind, CredentialState, Permissions};
use crate::oauth::signature;
use crate::oauth::verify::{AppRef, Found, Lookup};
use crate::oauth::{AuthScheme, HttpRequest};
use crate::store::{Holder, Someone, Store};
use std::collections::HashMap;
use subtle::ConstantTimeEq;

/// How long a request token (and its verifier) lasts, in seconds: the
/// platform documents none; a quarter of an hour.
pub const REQUEST_TOKEN_TTL: i64 = 15 * 60;
/// At most this many request tokens are pending at once.
pub const MAX_PENDING: usize = 10_000;

/// A user's approval of a request token.
#[derive(Clone)]
struct Approval {
    verifier: String,
    user_id: u64,
}

/// A request token between `request_token` and `access_token`.
#[derive(Clone)]
struct Pending {
    app_id: i64,
    secret: String,
    callback: String,
    access: Permissions,
    /// Whether the app asked for email addresses when the token was made:
    /// what the page shows is what the user grants.
    email: bool,
    made: i64,
    csrf: String,
    approved: Option<Approval>,
}

/// The pending request tokens.
#[derive(Default)]
pub struct Flow {
    pending: HashMap<String, Pending>,
}

impl Flow {
    fn live(&self, token: &str, now: i64) -> Option<&Pending> {
        self.pending
            .get(token)
            .filter(|p| now - p.made <= REQUEST_TOKEN_TTL)
    }
}

fn same(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

fn form_response(pairs: &[(&str, &str)]) -> Response {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    Response::new(200, "text/html; charset=utf-8", body)
}

fn param(req: &HttpRequest, name: &str) -> Option<Vec<u8>> {
    signature::collect(req)
        .ok()?
        .into_iter()
        .find(|p| *p.name == *name.as_bytes())
        .map(|p| p.value.into_owned())
}

/// The level a request token asks for: `x_auth_access_type` may only lower
/// the app's.
fn access_for(app: Permissions, asked: Option<&[u8]>) -> Permissions {
    match asked {
        Some(b"read") => Permissions::Read,
        Some(b"write") if app == Permissions::ReadWriteDm => Permissions::ReadWrite,
        _ => app,
    }
}

/// The lower of two access levels.
fn lesser(a: Permissions, b: Permissions) -> Permissions {
    let rank = |p| match p {
        Permissions::Read => 0,
        Permissions::ReadWrite => 1,
        Permissions::ReadWriteDm => 2,
    };
    if rank(a) <= rank(b) { a } else { b }
}

/// `POST` (or `GET`) `/oauth/request_token`.
pub fn request_token(shared: &Shared, req: &HttpRequest, now: i64) -> Result<(Response, Who)> {
    let found = shared.with_store(|s| {
        Ok(match auth::check(shared, s, req, now)? {
            Err(e) => Err(e),
            Ok(o) if o.scheme != Some(AuthScheme::OAuth1) => {
                Err((Refusal::WrongScheme, auth::who(&o)))
            }
            Ok(o) => {
                let who = auth::who(&o);
                Ok((s.app(who.app.unwrap_or_default())?, who))
            }
        })
    })?;
    let (app, who) = match found {
        Ok(f) => f,
        Err((r, who)) => return Ok((errors::v1_refusal(r), who)),
    };
    if !app.details.three_legged_oauth {
        return Ok((
            errors::v1(403, 87, "Client is not permitted to perform this action."),
            who,
        ));
    }
    let Some(callback) = param(req, "oauth_callback").and_then(|c| String::from_utf8(c).ok())
    else {
        return Ok((errors::v1(400, 215, "Bad Authentication data."), who));
    };
    if callback != "oob" {
        if app.details.callback_urls.is_empty() {
            return Ok((
                errors::v1(
                    401,
                    417,
                    "Desktop applications only support the oauth_callback value 'oob'",
                ),
                who,
            ));
        }
        if !app.details.callback_urls.contains(&callback) {
            return Ok((
                errors::v1(
                    403,
                    415,
                    "Callback URL not approved for this client application. Approved callback URLs can be adjusted in your application settings.",
                ),
                who,
            ));
        }
    }
    let access = access_for(
        app.details.permissions,
        param(req, "x_auth_access_type").as_deref(),
    );
    let tok = token::alphanumeric(32);
    let secret = token::alphanumeric(32);
    {
        let mut flow = shared.flow();
        flow.pending
            .retain(|_, p| now - p.made <= REQUEST_TOKEN_TTL);
        if flow.pending.len() >= MAX_PENDING {
            return Ok((errors::unavailable(), who));
        }
        flow.pending.insert(
            tok.expose().to_string(),
            Pending {
                app_id: app.id,
                secret: secret.expose().to_string(),
                callback,
                access,
                email: app.details.request_email,
                made: now,
                csrf: token::alphanumeric(32).expose().to_string(),
                approved: None,
            },
        );
    }
    let resp = form_response(&[
        ("oauth_token", tok.expose()),
        ("oauth_token_secret", secret.expose()),
        ("oauth_callback_confirmed", "true"),
    ]);
    Ok((resp, who))
}

/// Everyone the picker shows: the owner first, then the local users.
fn people(s: &Store) -> Result<Vec<pages::Person>> {
    let owner = s.owner()?;
    let mut out = vec![pages::Person {
        id: owner.user_id,
        handle: owner.handle,
        name: None,
        owner: true,
    }];
    out.extend(s.users()?.into_iter().map(|u| pages::Person {
        id: u.id,
        handle: u.handle,
        name: u.name,
        owner: false,
    }));
    Ok(out)
}

fn redirect(location: &str) -> Response {
    pages::secure(Response::text(302, "").with("Location", location.to_string()))
}

fn with_query(callback: &str, pairs: &[(&str, &str)]) -> String {
    match url::Url::parse(callback) {
        Ok(mut u) => {
            u.query_pairs_mut().extend_pairs(pairs);
            u.to_string()
        }
        Err(_) => callback.to_string(),
    }
}

/// Approves `tok` as `user_id`: the redirect to the callback, or the PIN.
fn approve(shared: &Shared, tok: &str, user_id: u64, app_name: &str, now: i64) -> Response {
    let verifier = {
        let mut flow = shared.flow();
        let Some(p) = flow
            .pending
            .get_mut(tok)
            .filter(|p| now - p.made <= REQUEST_TOKEN_TTL && p.approved.is_none())
        else {
            return pages::invalid_token();
        };
        let oob = p.callback == "oob";
        let verifier = if oob {
            // Seven digits (PLATFORM.md §8 #13).
            use rand::Rng as _;
            format!("{:07}", rand::thread_rng().gen_range(0..10_000_000u32))
        } else {
            token::alphanumeric(32).expose().to_string()
        };
        p.approved = Some(Approval {
            verifier: verifier.clone(),
            user_id,
        });
        (verifier, (!oob).then(|| p.callback.clone()))
    };
    match verifier {
        (v, Some(cb)) => redirect(&with_query(
            &cb,
            &[("oauth_token", tok), ("oauth_verifier", &v)],
        )),
        (v, None) => {
            let mut r = pages::render(
                "message.html",
                minijinja::context! {
                    title => "You have authorized the app",
                    message => format!("{app_name} can now use your account."),
                    pin => v,
                    app_name => app_name,
                },
            );
            r.status = 200;
            r
        }
    }
}

/// The request token `tok` while it waits for the person's answer (live
/// and not yet approved), and whom the request concerns for the access log.
fn waiting(shared: &Shared, tok: &str, now: i64) -> Option<(Pending, Who)> {
    let p = shared
        .flow()
        .live(tok, now)
        .filter(|p| p.approved.is_none())
        .cloned()?;
    let who = Who {
        app: Some(p.app_id),
        user: None,
    };
    Some((p, who))
}

/// `GET /oauth/authorize` and `/oauth/authenticate`: the page, or with
/// `--approve-as` the approval at once.
pub fn authorize_page(shared: &Shared, req: &HttpRequest, now: i64) -> Result<(Response, Who)> {
    let q = form(req.query.as_deref().unwrap_or_default().as_bytes()).unwrap_or_default();
    let tok = value(&q, "oauth_token")
        .and_then(|t| std::str::from_utf8(t).ok())
        .unwrap_or_default()
        .to_string();
    let want = value(&q, "screen_name")
        .and_then(|t| std::str::from_utf8(t).ok())
        .map(|s| s.trim_start_matches('@').to_ascii_lowercase());
    let Some((p, who)) = waiting(shared, &tok, now) else {
        return Ok((pages::invalid_token(), Who::default()));
    };
    let approve_as = shared.approve_as().map(str::to_string);
    let (app, people, chosen) = shared.with_store(|s| {
        let chosen = match &approve_as {
            None => None,
            Some(u) => Some(match s.find_user(u)? {
                Someone::Owner(o) => o.user_id,
                Someone::User(u) => u.id,
            }),
        };
        Ok((s.app(p.app_id)?, people(s)?, chosen))
    })?;
    if let Some(uid) = chosen {
        let who = Who {
            user: Some(uid),
            ..who
        };
        return Ok((approve(shared, &tok, uid, &app.name, now), who));
    }
    let preselect = want
        .as_deref()
        .and_then(|w| {
            people
                .iter()
                .position(|p| p.handle.to_ascii_lowercase() == w)
        })
        .unwrap_or(0);
    let page = pages::authorize(&pages::Authorize {
        app: &app,
        access: p.access,
        email: p.email,
        people: &people,
        preselect,
        csrf: &p.csrf,
        token: &tok,
    });
    Ok((page, who))
}

/// `POST /oauth/authorize`: the form's Authorize or Cancel.
pub fn authorize_submit(shared: &Shared, req: &HttpRequest, now: i64) -> Result<(Response, Who)> {
    let f = form(&req.body).unwrap_or_default();
    let text = |n: &str| {
        value(&f, n)
            .and_then(|v| std::str::from_utf8(v).ok())
            .unwrap_or_default()
            .to_string()
    };
    let tok = text("oauth_token");
    let Some((p, who)) = waiting(shared, &tok, now) else {
        return Ok((pages::invalid_token(), Who::default()));
    };
    if !same(text("authenticity_token").as_bytes(), p.csrf.as_bytes()) {
        return Ok((
            pages::message(
                403,
                "Something went wrong",
                "The form has expired or was not sent by this page. Go back and try again.",
            ),
            who,
        ));
    }
    if value(&f, "cancel").is_some() {
        shared.flow().pending.remove(&tok);
        if p.callback == "oob" {
            return Ok((
                pages::message(
                    200,
                    "You did not authorize the app",
                    "No access was granted.",
                ),
                who,
            ));
        }
        return Ok((redirect(&with_query(&p.callback, &[("denied", &tok)])), who));
    }
    let (app, uid) = shared.with_store(|s| {
        let uid = match s.find_someone(&text("user"))? {
            Some(Someone::Owner(o)) => Some(o.user_id),
            Some(Someone::User(u)) => Some(u.id),
            None => None,
        };
        Ok((s.app(p.app_id)?, uid))
    })?;
    let Some(uid) = uid else {
        return Ok((
            pages::message(400, "Something went wrong", "That user does not exist."),
            who,
        ));
    };
    let who = Who {
        user: Some(uid),
        ..who
    };
    Ok((approve(shared, &tok, uid, &app.name, now), who))
}

/// The store's credentials, with a pending request token found as an
/// access token whose secret is the request token's: so `oauth::verify`
/// checks the signature of an `access_token` request as of any other.
struct WithRequestToken<'a> {
    credentials: &'a dyn Lookup,
    token: &'a str,
    pending: Option<&'a Pending>,
    app: Option<AppRef>,
}

impl Lookup for WithRequestToken<'_> {
    fn find(&self, kind: CredentialKind, key: &str) -> Result<Option<Found>> {
        if kind == CredentialKind::Access
            && let (Some(p), Some(app)) = (self.pending, &self.app)
            && same(key.as_bytes(), self.token.as_bytes())
        {
            return Ok(Some(Found {
                app: app.clone(),
                state: CredentialState::Active,
                secret: Some(Secret::new(p.secret.clone())),
                user: None,
                permissions: Some(p.access),
                stale: false,
                grants_email: false,
            }));
        }
        self.credentials.find(kind, key)
    }
}

fn bad_verifier() -> Response {
    Response::text(
        401,
        "Error processing your OAuth request: Invalid oauth_verifier parameter",
    )
}

/// `POST` (or `GET`) `/oauth/access_token`.
pub fn access_token(shared: &Shared, req: &HttpRequest, now: i64) -> Result<(Response, Who)> {
    let tok = param(req, "oauth_token")
        .and_then(|t| String::from_utf8(t).ok())
        .unwrap_or_default();
    let pending = shared.flow().live(&tok, now).cloned();
    let checked = shared.with_store(|s| {
        let app = match &pending {
            Some(p) => Some(s.app(p.app_id)?),
            None => None,
        };
        let lookup = WithRequestToken {
            credentials: s,
            token: &tok,
            pending: pending.as_ref(),
            app: app.as_ref().map(|a| AppRef {
                id: a.id,
                name: a.name.clone(),
                status: a.status,
            }),
        };
        Ok((auth::check(shared, &lookup, req, now)?, app))
    })?;
    let (o, app) = match checked {
        (Ok(o), Some(app)) => (o, app),
        // A token-less request (twurl's xAuth probe) gets a 4xx too.
        (Ok(o), None) => return Ok((bad_verifier(), auth::who(&o))),
        (Err((r, who)), _) => return Ok((errors::v1_refusal(r), who)),
    };
    let who = auth::who(&o);
    let p = pending.unwrap_or_else(|| unreachable!("an app was read for it"));
    let given = param(req, "oauth_verifier").unwrap_or_default();
    let Some(approval) = p
        .approved
        .as_ref()
        .filter(|a| same(a.verifier.as_bytes(), &given))
    else {
        return Ok((bad_verifier(), who));
    };
    // Single use: gone before the token is made.
    if shared.flow().pending.remove(&tok).is_none() {
        return Ok((bad_verifier(), who));
    }
    let user_id = approval.user_id;
    let made = shared.write(|s| {
        let handle = match s.find_someone(&user_id.to_string())? {
            Some(Someone::Owner(o)) => o.handle,
            Some(Someone::User(u)) => u.handle,
            None => return Ok(None),
        };
        let app = s.app(app.id)?;
        // Never more than the page showed, nor than the app has now.
        let access = lesser(p.access, app.details.permissions);
        let issued = s.issue_flow_token(&app, user_id, &handle, access, p.email)?;
        Ok(Some((issued, handle)))
    })?;
    let Some((issued, handle)) = made else {
        return Ok((bad_verifier(), who));
    };
    let (Some(at), Some(ats)) = (&issued.access_token, &issued.access_token_secret) else {
        return Err(Error::internal("no access token was made"));
    };
    let uid = user_id.to_string();
    let resp = form_response(&[
        ("oauth_token", at.expose()),
        ("oauth_token_secret", ats.expose()),
        ("user_id", &uid),
        ("screen_name", &handle),
    ]);
    Ok((
        resp,
        Who {
            app: Some(app.id),
            user: Some(user_id),
        },
    ))
}

/// `POST /1.1/oauth/invalidate_token` (and `.json`): revokes the access
/// token the request is signed with.
pub fn invalidate(shared: &Shared, req: &HttpRequest, now: i64) -> Result<(Response, Who)> {
    let checked = shared.with_store(|s| auth::check(shared, s, req, now))?;
    let o = match checked {
        Ok(o) if o.scheme == Some(AuthScheme::OAuth1) && o.user.is_some() => o,
        Ok(o) => return Ok((errors::v1_refusal(Refusal::WrongScheme), auth::who(&o))),
        Err((r, who)) => return Ok((errors::v1_refusal(r), who)),
    };
    let who = auth::who(&o);
    let tok = param(req, "oauth_token")
        .and_then(|t| String::from_utf8(t).ok())
        .unwrap_or_default();
    let (app_id, user_id) = (who.app.unwrap_or_default(), who.user.unwrap_or_default());
    let revoked = shared.write(|s| {
        let app = s.app(app_id)?;
        let holder = Holder {
            user_id,
            of: String::new(),
            flag: String::new(),
        };
        Ok(s.revoke_credential(&app, CredentialKind::Access, &holder)
            .is_ok())
    })?;
    if !revoked {
        return Ok((errors::v1(401, 89, "Invalid or expired token."), who));
    }
    Ok((
        Response::json(200, &serde_json::json!({"access_token": tok})),
        who,
    ))
}
