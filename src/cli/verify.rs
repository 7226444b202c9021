//! `appctl keys verify`: one HTTP request from stdin, checked against the
//! store, and the verdict as one line or one JSON document. The verdict
//! never holds a secret.

use super::Ctx;
use super::args::SchemeArg;
use super::output::{self, Id};
use super::render::user_ref_json;
use crate::error::{Error, Kind, Result};
use crate::oauth::verify::access_level;
use crate::oauth::{Outcome, Reason, Scheme, request, verify};
use std::io::Read;

/// The most bytes of a request read from stdin.
const REQUEST_MAX: u64 = 16 * 1024 * 1024;

/// `--at`: Unix seconds, or RFC 3339 in UTC.
fn parse_at(at: &str) -> Result<i64> {
    if !at.is_empty() && at.bytes().all(|b| b.is_ascii_digit()) {
        return at.parse().map_err(|_| Error::invalid("--at is too large"));
    }
    let t = humantime::parse_rfc3339_weak(at).map_err(|_| {
        Error::invalid(format!("--at {at:?} is neither RFC 3339 nor Unix seconds"))
            .with_hint("give a time such as 2011-10-14T20:09:18Z or 1318622958")
    })?;
    Ok(t.duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0))
}

fn read_request() -> Result<Vec<u8>> {
    let mut raw = Vec::new();
    std::io::stdin()
        .lock()
        .take(REQUEST_MAX + 1)
        .read_to_end(&mut raw)
        .map_err(|e| Error::invalid(format!("cannot read the request from stdin: {}", e.kind())))?;
    if raw.len() as u64 > REQUEST_MAX {
        return Err(Error::invalid(format!(
            "the request is larger than {} MiB",
            REQUEST_MAX >> 20
        )));
    }
    if raw.is_empty() {
        return Err(Error::invalid("no request on stdin")
            .with_hint("pipe one HTTP/1.1 request into `appctl keys verify`"));
    }
    Ok(raw)
}

/// The verdict as one line for a person.
fn line(o: &Outcome) -> String {
    let scheme = o.scheme.map_or("no credentials", |s| s.as_str());
    let mut parts = Vec::new();
    if let Some((id, name)) = &o.app {
        parts.push(format!("app {id} ({name:?})"));
    }
    if let Some(u) = &o.user {
        parts.push(format!("user {}", super::render::user_cell(u)));
    }
    if let Some(p) = o.access_level {
        parts.push(format!("access level {}", access_level(p)));
    }
    if o.stale {
        parts.push("stale: regenerate the token to apply the app's new permissions".into());
    }
    let what = if parts.is_empty() {
        String::new()
    } else {
        format!(": {}", parts.join(", "))
    };
    match o.reason {
        None => match &o.normalisation {
            Some(n) => format!("valid {scheme} ({n}){what}"),
            None => format!("valid {scheme}{what}"),
        },
        Some(r) => {
            let detail = o
                .detail
                .as_ref()
                .map_or(String::new(), |d| format!(" ({d})"));
            format!("invalid {scheme}: {}{detail}{what}", r.as_str())
        }
    }
}

pub(super) fn run(ctx: &Ctx, scheme: SchemeArg, at: Option<&str>, explain: bool) -> Result<()> {
    let now = at
        .map(parse_at)
        .transpose()?
        .unwrap_or_else(crate::store::now);
    let scheme = match scheme {
        SchemeArg::Https => Scheme::Https,
        SchemeArg::Http => Scheme::Http,
    };
    let raw = read_request()?;
    let req = request::parse(&raw, scheme).map_err(|e| {
        Error::invalid(format!("cannot parse the request: {e}"))
            .with_hint("give one HTTP/1.1 request: request line, headers, a blank line, the body")
    })?;
    drop(raw);
    let store = ctx.open_read()?;
    let o = verify(&req, &store, now)?;
    if ctx.json {
        let mut doc = serde_json::json!({
            "valid": o.valid(),
            "reason": o.reason.map(|r| r.as_str()),
            "scheme": o.scheme.map(|s| s.as_str()),
            "app": o.app.as_ref().map(|(id, name)| serde_json::json!({"id": Id(*id), "name": name})),
            "user": o.user.as_ref().map(user_ref_json),
            "access_level": o.access_level.map(access_level),
            "stale": o.stale,
            "normalisation": o.normalisation,
            "detail": o.detail,
        });
        if explain {
            doc["base_string"] = o.base_string.clone().into();
        }
        output::print_json(&doc)?;
    } else {
        let mut text = line(&o);
        text.push('\n');
        if explain && let Some(b) = &o.base_string {
            text.push_str(&format!("signature base string: {b}\n"));
        }
        output::stdout(&text)?;
    }
    match o.reason {
        None => Ok(()),
        Some(r) => {
            let e = Error::new(
                Kind::Auth,
                format!("the request does not verify: {}", r.as_str()),
            );
            Err(match r {
                Reason::BadSignature if !explain && o.base_string.is_some() => e.with_hint(
                    "rerun with --explain to print the base string the signature should cover",
                ),
                Reason::TimestampOutOfWindow => e.with_hint(
                    "check the client's clock, or verify at the request's time with --at",
                ),
                _ => e,
            })
        }
    }
}
