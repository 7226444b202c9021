//! The verdict on one request: which credentials it presents, whether they
//! are known, active and proven, and what the app's settings make of them.

use super::encode::decode;
use super::request::HttpRequest;
use super::signature::{self, Normalisation, PLATFORM_ORIGINS, Param};
use crate::crypto::token::Secret;
use crate::error::Result;
pub use crate::model::UserRef;
use crate::model::{CredentialKind, CredentialState, Permissions, Status};
use base64::Engine as _;
use subtle::ConstantTimeEq;

/// How far a request's `oauth_timestamp` may be from the time it is
/// verified at, in seconds, either way.
pub const TIMESTAMP_WINDOW: i64 = 300;

/// Why a request does not authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Credentials missing, unreadable, repeated with different values.
    Malformed,
    /// No app has this API key.
    UnknownConsumerKey,
    /// No app has this access or bearer token (or not this app).
    UnknownToken,
    /// The signature, or Basic's secret, is not the right one.
    BadSignature,
    /// The credential was revoked.
    Revoked,
    /// The credential was invalidated by a regeneration of the consumer pair.
    Invalidated,
    /// The app is suspended.
    AppSuspended,
    /// `oauth_timestamp` is more than [`TIMESTAMP_WINDOW`] seconds off.
    TimestampOutOfWindow,
    /// `oauth_signature_method` is not `HMAC-SHA1`.
    UnsupportedSignatureMethod,
}

impl Reason {
    /// The name `keys verify` reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Malformed => "malformed",
            Reason::UnknownConsumerKey => "unknown_consumer_key",
            Reason::UnknownToken => "unknown_token",
            Reason::BadSignature => "bad_signature",
            Reason::Revoked => "revoked",
            Reason::Invalidated => "invalidated",
            Reason::AppSuspended => "app_suspended",
            Reason::TimestampOutOfWindow => "timestamp_out_of_window",
            Reason::UnsupportedSignatureMethod => "unsupported_signature_method",
        }
    }
}

/// How a request authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthScheme {
    /// OAuth 1.0a HMAC-SHA1.
    OAuth1,
    /// `Authorization: Bearer` with the app's bearer token.
    Bearer,
    /// `Authorization: Basic` with the consumer key and secret.
    Basic,
}

impl AuthScheme {
    /// The name `keys verify` reports.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthScheme::OAuth1 => "oauth1",
            AuthScheme::Bearer => "bearer",
            AuthScheme::Basic => "basic",
        }
    }
}

/// The access level in the platform's words (its `x-access-level` header).
pub fn access_level(p: Permissions) -> &'static str {
    match p {
        Permissions::Read => "read",
        Permissions::ReadWrite => "read-write",
        Permissions::ReadWriteDm => "read-write-directmessages",
    }
}

/// The app a credential belongs to, as much as verification needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppRef {
    /// Its ID.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Active or suspended.
    pub status: Status,
}

/// A credential found by its key value, in whatever state it is.
#[derive(Debug, Clone)]
pub struct Found {
    /// Its app.
    pub app: AppRef,
    /// Its stored state.
    pub state: CredentialState,
    /// The secret that goes with the key (none for a bearer token, or once wiped).
    pub secret: Option<Secret>,
    /// For an access token: whom it acts for.
    pub user: Option<UserRef>,
    /// For an access token: the permission level in force when it was made.
    pub permissions: Option<Permissions>,
    /// For an access token: the app's permissions changed since.
    pub stale: bool,
    /// For an access token: granted email addresses when it was made.
    pub grants_email: bool,
}

/// What verification reads from the store.
pub trait Lookup {
    /// The credential of `kind` whose key value (API key, access token or
    /// bearer token) is `key`, in any state; `None` when there is none.
    fn find(&self, kind: CredentialKind, key: &str) -> Result<Option<Found>>;
}

/// The verdict on a request. It never holds a secret; the base string it
/// may hold has only the request's own parameters.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcome {
    /// `None` when the request authenticates.
    pub reason: Option<Reason>,
    /// What the request presented, when it presented anything.
    pub scheme: Option<AuthScheme>,
    /// The app the credentials belong to, when known.
    pub app: Option<(i64, String)>,
    /// The user an access token acts for.
    pub user: Option<UserRef>,
    /// For an access token: the level it was made with.
    pub access_level: Option<Permissions>,
    /// For an access token: made before the app's permissions changed.
    pub stale: bool,
    /// For an access token: granted email addresses when it was made.
    pub grants_email: bool,
    /// For OAuth 1.0a: `oauth_timestamp` and `oauth_nonce`, which a
    /// server remembers to refuse a replay.
    pub nonce: Option<(i64, String)>,
    /// For OAuth 1.0a: the normalisation whose signature matched.
    pub normalisation: Option<String>,
    /// For OAuth 1.0a: the strict signature base string the request's
    /// signature should have been made over.
    pub base_string: Option<String>,
    /// A short explanation of a malformed request.
    pub detail: Option<String>,
}

impl Outcome {
    /// Whether the request authenticates.
    pub fn valid(&self) -> bool {
        self.reason.is_none()
    }

    fn fail(mut self, reason: Reason) -> Outcome {
        self.reason = Some(reason);
        self
    }

    fn malformed(mut self, why: impl Into<String>) -> Outcome {
        self.reason = Some(Reason::Malformed);
        self.detail = Some(why.into());
        self
    }
}

/// Whether two secrets are equal, in time that depends only on their lengths.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// Verifies `req` against the credentials `lookup` finds, at Unix time `now`,
/// an OAuth 1.0a signature made for one of the platform's origins counting
/// too ([`verify_for`] with [`PLATFORM_ORIGINS`]). Errors are the store's;
/// every verdict on the request is an [`Outcome`].
pub fn verify(req: &HttpRequest, lookup: &impl Lookup, now: i64) -> Result<Outcome> {
    verify_for(req, lookup, now, &PLATFORM_ORIGINS)
}

/// [`verify`], with an OAuth 1.0a signature made for one of `aliases`
/// (origins as `scheme://host[:port]`, lower-case, no default port) in
/// place of the request's own origin counting too, unless the request went
/// to one of them: then only its own origin counts, so that a signature
/// made for one alias never passes for a request sent to another.
pub fn verify_for(
    req: &HttpRequest,
    lookup: &impl Lookup,
    now: i64,
    aliases: &[impl AsRef<str>],
) -> Result<Outcome> {
    let out = Outcome::default();
    let auth = match req.header("Authorization") {
        Ok(a) => a,
        Err(e) => return Ok(out.malformed(e.0)),
    };
    let Some(auth) = auth else {
        // Parameters may travel in the query or body alone.
        return match signature::collect(req) {
            Ok(p) if p.iter().any(|p| p.name.starts_with(b"oauth_")) => {
                oauth1(req, p, lookup, now, aliases)
            }
            Ok(_) => Ok(out.malformed("the request carries no credentials")),
            Err(e) => Ok(Outcome {
                scheme: Some(AuthScheme::OAuth1),
                ..out
            }
            .malformed(e.0)),
        };
    };
    let v = auth.trim_ascii();
    let (word, rest) = v.split_at(v.iter().position(|&b| b == b' ').unwrap_or(v.len()));
    let rest = rest.trim_ascii();
    if word.eq_ignore_ascii_case(b"OAuth") {
        return match signature::collect(req) {
            Ok(p) => oauth1(req, p, lookup, now, aliases),
            Err(e) => Ok(Outcome {
                scheme: Some(AuthScheme::OAuth1),
                ..out
            }
            .malformed(e.0)),
        };
    }
    if word.eq_ignore_ascii_case(b"Bearer") {
        return bearer(rest, lookup);
    }
    if word.eq_ignore_ascii_case(b"Basic") {
        return basic(rest, lookup);
    }
    Ok(out.malformed("the Authorization header is not OAuth, Bearer or Basic"))
}

/// What verification goes on with once a credential is found usable.
struct Usable {
    /// Its app's status.
    status: Status,
    /// The secret that goes with the key, if any.
    secret: Option<Secret>,
}

/// The credential found for `kind` and `key`, or the reason it is unusable.
/// Sets the app (and user) on `out` as soon as they are known.
fn usable(
    out: &mut Outcome,
    lookup: &impl Lookup,
    kind: CredentialKind,
    key: &str,
    unknown: Reason,
) -> Result<std::result::Result<Usable, Reason>> {
    let Some(found) = lookup.find(kind, key)? else {
        return Ok(Err(unknown));
    };
    match &out.app {
        // A token of another app is no token of this one.
        Some((id, _)) if *id != found.app.id => return Ok(Err(unknown)),
        Some(_) => {}
        None => out.app = Some((found.app.id, found.app.name)),
    }
    if found.user.is_some() {
        out.user = found.user;
        out.access_level = found.permissions;
        out.stale = found.stale;
        out.grants_email = found.grants_email;
    }
    Ok(match found.state {
        CredentialState::Active => Ok(Usable {
            status: found.app.status,
            secret: found.secret,
        }),
        CredentialState::Revoked => Err(Reason::Revoked),
        CredentialState::Invalidated => Err(Reason::Invalidated),
    })
}

/// The one value of protocol parameter `name`: identical repeats count
/// once; different values are malformed.
fn protocol<'p>(params: &'p [Param], name: &str) -> std::result::Result<Option<&'p [u8]>, String> {
    let mut found: Option<&[u8]> = None;
    for p in params.iter().filter(|p| p.name == name.as_bytes()) {
        match found {
            Some(v) if *v != *p.value => {
                return Err(format!("{name} is given twice with different values"));
            }
            _ => found = Some(&p.value),
        }
    }
    Ok(found)
}

fn text<'a>(v: &'a [u8], name: &str) -> std::result::Result<&'a str, String> {
    std::str::from_utf8(v)
        .ok()
        .filter(|s| s.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(|| format!("{name} is not printable ASCII"))
}

struct Protocol<'p> {
    consumer_key: &'p str,
    token: Option<&'p str>,
    signature: &'p [u8],
    timestamp: i64,
    nonce: &'p str,
}

fn read_protocol<'p>(
    params: &'p [Param<'_>],
) -> std::result::Result<std::result::Result<Protocol<'p>, Reason>, String> {
    let required = |name: &str| -> std::result::Result<&[u8], String> {
        protocol(params, name)?.ok_or_else(|| format!("{name} is missing"))
    };
    let consumer_key = text(required("oauth_consumer_key")?, "oauth_consumer_key")?;
    let method = required("oauth_signature_method")?;
    let signature = required("oauth_signature")?;
    let timestamp = required("oauth_timestamp")?;
    let nonce = text(required("oauth_nonce")?, "oauth_nonce")?;
    let token = protocol(params, "oauth_token")?
        .filter(|t| !t.is_empty())
        .map(|t| text(t, "oauth_token"))
        .transpose()?;
    if let Some(v) = protocol(params, "oauth_version")?
        && v != b"1.0"
    {
        return Err("oauth_version is not 1.0".into());
    }
    let timestamp = std::str::from_utf8(timestamp)
        .ok()
        .filter(|t| !t.is_empty() && t.len() <= 12 && t.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|t| t.parse().ok())
        .ok_or_else(|| "oauth_timestamp is not a number of seconds".to_string())?;
    if method != b"HMAC-SHA1" {
        return Ok(Err(Reason::UnsupportedSignatureMethod));
    }
    Ok(Ok(Protocol {
        consumer_key,
        token,
        signature,
        timestamp,
        nonce,
    }))
}

fn oauth1(
    req: &HttpRequest,
    params: Vec<Param>,
    lookup: &impl Lookup,
    now: i64,
    aliases: &[impl AsRef<str>],
) -> Result<Outcome> {
    let mut out = Outcome {
        scheme: Some(AuthScheme::OAuth1),
        ..Outcome::default()
    };
    out.base_string = Some(signature::base_string(
        &req.method,
        &req.base_uri(),
        &params,
    ));
    let p = match read_protocol(&params) {
        Err(why) => return Ok(out.malformed(why)),
        Ok(Err(reason)) => return Ok(out.fail(reason)),
        Ok(Ok(p)) => p,
    };
    out.nonce = Some((p.timestamp, p.nonce.to_string()));
    let consumer = match usable(
        &mut out,
        lookup,
        CredentialKind::Consumer,
        p.consumer_key,
        Reason::UnknownConsumerKey,
    )? {
        Ok(c) => c,
        Err(r) => return Ok(out.fail(r)),
    };
    let token = match p.token {
        None => None,
        Some(t) => match usable(
            &mut out,
            lookup,
            CredentialKind::Access,
            t,
            Reason::UnknownToken,
        )? {
            Ok(t) => Some(t),
            Err(r) => return Ok(out.fail(r)),
        },
    };
    let consumer_secret = consumer
        .secret
        .as_ref()
        .map(Secret::expose)
        .unwrap_or_default();
    let token_secret = token
        .as_ref()
        .and_then(|t| t.secret.as_ref())
        .map(Secret::expose)
        .unwrap_or_default();
    let matches = |base: &str| signature::verify(base, consumer_secret, token_secret, p.signature);
    let strict = out.base_string.as_deref().unwrap_or_default();
    let Some(normalisation) = normalisation(req, &params, aliases, strict, matches) else {
        return Ok(out.fail(Reason::BadSignature));
    };
    out.normalisation = Some(normalisation.name());
    if consumer.status == Status::Suspended {
        return Ok(out.fail(Reason::AppSuspended));
    }
    let skew = now - p.timestamp;
    if skew.abs() > TIMESTAMP_WINDOW {
        let mut out = out.fail(Reason::TimestampOutOfWindow);
        out.detail = Some(format!(
            "oauth_timestamp is {} s {}, more than the {TIMESTAMP_WINDOW} s allowed",
            skew.abs(),
            if skew > 0 {
                "in the past"
            } else {
                "in the future"
            }
        ));
        return Ok(out);
    }
    Ok(out)
}

/// The first normalisation whose base string `matches` takes: `strict`,
/// then without repeated pairs, then each alias origin. The others are
/// built only when the strict one fails, as it does for few clients.
fn normalisation(
    req: &HttpRequest,
    params: &[Param],
    aliases: &[impl AsRef<str>],
    strict: &str,
    matches: impl Fn(&str) -> bool,
) -> Option<Normalisation> {
    if matches(strict) {
        return Some(Normalisation::Strict);
    }
    let uri = req.base_uri();
    let deduped = signature::dedup(params);
    if let Some(d) = &deduped
        && matches(&signature::base_string(&req.method, &uri, d))
    {
        return Some(Normalisation::Dedup);
    }
    // A URL rewritten after signing: only for a request that did not go to
    // one of the aliases, so that a signature made for one of them never
    // passes for another.
    if aliases.iter().any(|a| a.as_ref() == req.origin) {
        return None;
    }
    let params = deduped.as_deref().unwrap_or(params);
    aliases.iter().map(AsRef::as_ref).find_map(|origin| {
        let aliased = format!("{origin}{}", req.path);
        matches(&signature::base_string(&req.method, &aliased, params))
            .then(|| Normalisation::Alias(origin.to_string()))
    })
}

fn bearer(token: &[u8], lookup: &impl Lookup) -> Result<Outcome> {
    let mut out = Outcome {
        scheme: Some(AuthScheme::Bearer),
        ..Outcome::default()
    };
    let token = match text(token, "the bearer token") {
        Ok(t) if !t.is_empty() => t,
        _ => return Ok(out.malformed("the bearer token is empty or not printable ASCII")),
    };
    let found = match usable(
        &mut out,
        lookup,
        CredentialKind::Bearer,
        token,
        Reason::UnknownToken,
    )? {
        Ok(f) => f,
        Err(r) => return Ok(out.fail(r)),
    };
    if found.status == Status::Suspended {
        return Ok(out.fail(Reason::AppSuspended));
    }
    Ok(out)
}

fn basic(credentials: &[u8], lookup: &impl Lookup) -> Result<Outcome> {
    let mut out = Outcome {
        scheme: Some(AuthScheme::Basic),
        ..Outcome::default()
    };
    let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(credentials) else {
        return Ok(out.malformed("the Basic credentials are not base64"));
    };
    let raw = zeroize::Zeroizing::new(raw);
    let Some(colon) = raw.iter().position(|&b| b == b':') else {
        return Ok(out.malformed("the Basic credentials are not key:secret"));
    };
    // Each half is RFC 1738-encoded, as POST /oauth2/token sends it.
    let (Ok(key), Ok(secret)) = (decode(&raw[..colon], true), decode(&raw[colon + 1..], true))
    else {
        return Ok(out.malformed("the Basic credentials have a % that starts no percent-escape"));
    };
    let secret = zeroize::Zeroizing::new(secret.into_owned());
    let Ok(key) = text(&key, "the API key") else {
        return Ok(out.fail(Reason::UnknownConsumerKey));
    };
    let found = match usable(
        &mut out,
        lookup,
        CredentialKind::Consumer,
        key,
        Reason::UnknownConsumerKey,
    )? {
        Ok(f) => f,
        Err(r) => return Ok(out.fail(r)),
    };
    let kept = found
        .secret
        .as_ref()
        .map(Secret::expose)
        .unwrap_or_default();
    if !same(kept.as_bytes(), &secret) {
        return Ok(out.fail(Reason::BadSignature));
    }
    if found.status == Status::Suspended {
        return Ok(out.fail(Reason::AppSuspended));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::request::{Scheme, parse};
    use super::*;
    use std::cell::RefCell;

    const KEY: &str = "xvz1evFS4wEEPTGEFPHBog";
    const SECRET: &str = "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw";
    const TOKEN: &str = "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb";
    const TOKEN_SECRET: &str = "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE";
    const TS: i64 = 1318622958;

    struct Fake {
        rows: RefCell<Vec<(CredentialKind, &'static str, Found)>>,
    }

    impl Lookup for Fake {
        fn find(&self, kind: CredentialKind, key: &str) -> Result<Option<Found>> {
            Ok(self
                .rows
                .borrow()
                .iter()
                .find(|(k, v, _)| *k == kind && *v == key)
                .map(|(_, _, f)| f.clone()))
        }
    }

    fn found(secret: Option<&str>, user: bool) -> Found {
        Found {
            app: AppRef {
                id: 7,
                name: "demo".into(),
                status: Status::Active,
            },
            state: CredentialState::Active,
            secret: secret.map(|s| Secret::new(s.into())),
            user: user.then(|| UserRef {
                id: 370773112,
                screen_name: Some("alice".into()),
            }),
            permissions: user.then_some(Permissions::ReadWrite),
            stale: false,
            grants_email: false,
        }
    }

    fn store() -> Fake {
        Fake {
            rows: RefCell::new(vec![
                (CredentialKind::Consumer, KEY, found(Some(SECRET), false)),
                (
                    CredentialKind::Access,
                    TOKEN,
                    found(Some(TOKEN_SECRET), true),
                ),
                (CredentialKind::Bearer, "AAAA%2Fbearer", found(None, false)),
            ]),
        }
    }

    fn request(host: &str, signature: &str, extra_header: &str) -> String {
        let body = "status=Hello%20Ladies%20%2b%20Gentlemen%2c%20a%20signed%20OAuth%20request%21";
        format!(
            "POST /1.1/statuses/update.json?include_entities=true HTTP/1.1\r\n\
             Host: {host}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\n\
             Authorization: OAuth oauth_consumer_key=\"{KEY}\", oauth_nonce=\"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg\", oauth_signature=\"{}\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"{TS}\", oauth_token=\"{TOKEN}\", oauth_version=\"1.0\"{extra_header}\r\n\
             Content-Length: {}\r\n\r\n{body}",
            super::super::encode::encode(signature.as_bytes()),
            body.len()
        )
    }

    fn check(raw: &str, scheme: Scheme, lookup: &Fake, now: i64) -> Outcome {
        verify(&parse(raw.as_bytes(), scheme).unwrap(), lookup, now).unwrap()
    }

    #[test]
    fn the_platform_example_verifies_and_reports_app_user_and_level() {
        let o = check(
            &request("api.x.com", "Ls93hJiZbQ3akF3HF3x1Bz8/zU4=", ""),
            Scheme::Https,
            &store(),
            TS + 10,
        );
        assert_eq!(o.reason, None, "{o:?}");
        assert_eq!(o.scheme, Some(AuthScheme::OAuth1));
        assert_eq!(o.app, Some((7, "demo".into())));
        assert_eq!(o.user.as_ref().unwrap().id, 370773112);
        assert_eq!(o.access_level, Some(Permissions::ReadWrite));
        assert_eq!(o.normalisation.as_deref(), Some("strict"));
        // Signed for another origin of the platform: no alias applies.
        let o = check(
            &request("api.x.com", "hCtSmYh+iHYCEqBWrE7C7hYmtUk=", ""),
            Scheme::Https,
            &store(),
            TS,
        );
        assert_eq!(o.reason, Some(Reason::BadSignature));
        // Sent to a local origin after signing: the alias is found and named.
        let o = check(
            &request("127.0.0.1:8080", "hCtSmYh+iHYCEqBWrE7C7hYmtUk=", ""),
            Scheme::Http,
            &store(),
            TS,
        );
        assert_eq!(
            o.normalisation.as_deref(),
            Some("alias:https://api.twitter.com"),
            "{o:?}"
        );
    }

    #[test]
    fn verify_for_accepts_only_the_aliases_it_is_given() {
        // Signed for https://api.twitter.com, sent to a local origin.
        let local = request("127.0.0.1:8443", "hCtSmYh+iHYCEqBWrE7C7hYmtUk=", "");
        let at = |aliases: &[&str]| {
            let req = parse(local.as_bytes(), Scheme::Https).unwrap();
            verify_for(&req, &store(), TS, aliases).unwrap()
        };
        assert_eq!(at(&[]).reason, Some(Reason::BadSignature));
        assert_eq!(
            at(&["https://api.x.com"]).reason,
            Some(Reason::BadSignature)
        );
        let o = at(&["https://api.x.com", "https://api.twitter.com"]);
        assert_eq!(o.reason, None, "{o:?}");
        assert_eq!(
            o.normalisation.as_deref(),
            Some("alias:https://api.twitter.com")
        );
        // A request that went to one alias is checked against its own origin only.
        let sent = request("api.x.com", "hCtSmYh+iHYCEqBWrE7C7hYmtUk=", "");
        let req = parse(sent.as_bytes(), Scheme::Https).unwrap();
        let o = verify_for(
            &req,
            &store(),
            TS,
            &["https://api.twitter.com", "https://api.x.com"],
        );
        assert_eq!(o.unwrap().reason, Some(Reason::BadSignature));
    }

    #[test]
    fn every_reason_has_its_case() {
        let good = request("api.x.com", "Ls93hJiZbQ3akF3HF3x1Bz8/zU4=", "");
        let s = store();
        assert_eq!(
            check(&good, Scheme::Https, &s, TS + 301).reason,
            Some(Reason::TimestampOutOfWindow)
        );
        assert_eq!(check(&good, Scheme::Https, &s, TS - 300).reason, None);
        let tampered = good.replace("signed%20OAuth", "signed%20OAuTH");
        assert_eq!(
            check(&tampered, Scheme::Https, &s, TS).reason,
            Some(Reason::BadSignature)
        );
        let other_key = good.replace(KEY, "unknownkey123");
        assert_eq!(
            check(&other_key, Scheme::Https, &s, TS).reason,
            Some(Reason::UnknownConsumerKey)
        );
        let other_token = good.replace(TOKEN, "1-unknown");
        let o = check(&other_token, Scheme::Https, &s, TS);
        assert_eq!(
            (o.reason, o.app.map(|a| a.0)),
            (Some(Reason::UnknownToken), Some(7))
        );
        let sha256 = good.replace("HMAC-SHA1", "HMAC-SHA256");
        assert_eq!(
            check(&sha256, Scheme::Https, &s, TS).reason,
            Some(Reason::UnsupportedSignatureMethod)
        );
        let v2 = good.replace("oauth_version=\"1.0\"", "oauth_version=\"2.0\"");
        assert_eq!(
            check(&v2, Scheme::Https, &s, TS).reason,
            Some(Reason::Malformed)
        );
        let twice = request(
            "api.x.com",
            "Ls93hJiZbQ3akF3HF3x1Bz8/zU4=",
            ", oauth_token=\"1-other\"",
        );
        assert_eq!(
            check(&twice, Scheme::Https, &s, TS).reason,
            Some(Reason::Malformed)
        );
        s.rows.borrow_mut()[1].2.state = CredentialState::Revoked;
        assert_eq!(
            check(&good, Scheme::Https, &s, TS).reason,
            Some(Reason::Revoked)
        );
        s.rows.borrow_mut()[1].2.state = CredentialState::Active;
        s.rows.borrow_mut()[1].2.stale = true;
        let o = check(&good, Scheme::Https, &s, TS);
        assert!(o.valid() && o.stale);
        s.rows.borrow_mut()[0].2.app.status = Status::Suspended;
        assert_eq!(
            check(&good, Scheme::Https, &s, TS).reason,
            Some(Reason::AppSuspended)
        );
        let none = "GET /x HTTP/1.1\r\nHost: a\r\n\r\n";
        assert_eq!(
            check(none, Scheme::Https, &s, TS).reason,
            Some(Reason::Malformed)
        );
    }

    #[test]
    fn a_token_repeated_identically_in_the_body_verifies_as_dedup() {
        // twitter-api-v2's login(): oauth_token in the header and the body,
        // signed once.
        let s = store();
        let params = [
            ("oauth_consumer_key", KEY),
            ("oauth_nonce", "n1"),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "1318622958"),
            ("oauth_token", TOKEN),
            ("oauth_version", "1.0"),
            ("oauth_verifier", "v"),
        ];
        let ps: Vec<Param> = params
            .iter()
            .map(|(n, v)| Param {
                name: n.as_bytes().into(),
                value: v.as_bytes().into(),
                source: signature::Source::Header,
            })
            .collect();
        let sig = signature::sign(
            &signature::base_string("POST", "https://api.x.com/oauth/access_token", &ps),
            SECRET,
            TOKEN_SECRET,
        );
        let header: Vec<String> = params[..6]
            .iter()
            .map(|(n, v)| format!("{n}=\"{v}\""))
            .collect();
        let body = format!("oauth_token={TOKEN}&oauth_verifier=v");
        let raw = format!(
            "POST /oauth/access_token HTTP/1.1\r\nHost: api.x.com\r\nContent-Type: application/x-www-form-urlencoded\r\nAuthorization: OAuth {}, oauth_signature=\"{}\"\r\n\r\n{body}",
            header.join(","),
            super::super::encode::encode(sig.as_bytes())
        );
        let o = check(&raw, Scheme::Https, &s, TS);
        assert_eq!(
            (o.reason, o.normalisation.as_deref()),
            (None, Some("dedup")),
            "{o:?}"
        );
    }

    #[test]
    fn basic_and_bearer() {
        let s = store();
        s.rows.borrow_mut()[0].1 = "xvz1evFS4wEEPTGEFPHBog";
        s.rows.borrow_mut()[0].2.secret = Some(Secret::new(
            "L8qq9PZyRg6ieKGEKhZolGC0vJWLw8iEJ88DRdyOg".into(),
        ));
        let basic = |v: &str| {
            format!(
                "POST /oauth2/token HTTP/1.1\r\nHost: api.x.com\r\nAuthorization: Basic {v}\r\n\r\n"
            )
        };
        let o = check(
            &basic(
                "eHZ6MWV2RlM0d0VFUFRHRUZQSEJvZzpMOHFxOVBaeVJnNmllS0dFS2hab2xHQzB2SldMdzhpRUo4OERSZHlPZw==",
            ),
            Scheme::Https,
            &s,
            0,
        );
        assert_eq!((o.reason, o.scheme), (None, Some(AuthScheme::Basic)));
        let wrong = base64::engine::general_purpose::STANDARD.encode("xvz1evFS4wEEPTGEFPHBog:nope");
        assert_eq!(
            check(&basic(&wrong), Scheme::Https, &s, 0).reason,
            Some(Reason::BadSignature)
        );
        assert_eq!(
            check(&basic("!!"), Scheme::Https, &s, 0).reason,
            Some(Reason::Malformed)
        );
        let bearer = |t: &str| {
            format!("GET /2/x HTTP/1.1\r\nHost: api.x.com\r\nAuthorization: Bearer {t}\r\n\r\n")
        };
        let o = check(&bearer("AAAA%2Fbearer"), Scheme::Https, &s, 0);
        assert_eq!(
            (o.reason, o.scheme, o.app.map(|a| a.0)),
            (None, Some(AuthScheme::Bearer), Some(7))
        );
        assert_eq!(
            check(&bearer("AAAA%2Fother"), Scheme::Https, &s, 0).reason,
            Some(Reason::UnknownToken)
        );
        s.rows.borrow_mut()[2].2.state = CredentialState::Invalidated;
        assert_eq!(
            check(&bearer("AAAA%2Fbearer"), Scheme::Https, &s, 0).reason,
            Some(Reason::Invalidated)
        );
    }
}
