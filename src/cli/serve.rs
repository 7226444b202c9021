//! `appctl serve`: unlocks the store once and runs the server
//! (`crate::serve`), printing its base URL as the first line on stdout;
//! with `--print-ca`, prints the local CA's certificate instead.

use super::Ctx;
use super::args::ServeArgs;
use super::output;
use crate::crypto::ca::{self, Ca};
use crate::error::Result;
use crate::serve::{self, Config};
use crate::store::now;
use serde_json::json;

pub(super) fn run(ctx: &Ctx, a: &ServeArgs) -> Result<()> {
    let mut cfg = Config {
        listen: a.listen,
        allow_remote: a.allow_remote,
        approve_as: a.approve_as.clone(),
        alias_origins: a
            .alias_origin
            .iter()
            .map(|o| serve::origins::alias_origin(o))
            .collect::<Result<_>>()?,
        tls: None,
    };
    let tls_names = a
        .tls_name
        .iter()
        .map(|n| ca::name(n))
        .collect::<Result<Vec<_>>>()?;
    // Refused, as a bad --alias-origin or --tls-name is, before the
    // passphrase is asked for.
    serve::check_listen(&cfg)?;
    let store = ctx.open_read()?;
    if a.print_ca {
        let (_, ca, made) = store.usable_tls_ca(now(), ctx.lock_timeout)?;
        return print_ca(ctx, &ca, made);
    }
    if let Some(u) = &a.approve_as {
        store.find_user(u)?;
    }
    let store = if a.tls {
        let now = now();
        let (store, ca, made) = store.usable_tls_ca(now, ctx.lock_timeout)?;
        if made {
            made_note(&ca);
        }
        cfg.tls = Some(serve::tls::config(&ca, &tls_names, now)?);
        store
    } else {
        store
    };
    serve::run(store, &cfg, |url| output::stdout(&format!("{url}\n")))
}

/// The notice of a new CA, in lines that fit 80 columns: the fingerprint
/// (95 characters in the colon form browsers and openssl show) in halves.
fn made_note(ca: &Ca) {
    let fp = ca.fingerprint();
    let bytes: Vec<&str> = fp.split(':').collect();
    let (first, second) = bytes.split_at(bytes.len() / 2);
    output::note(&format!(
        "made a new local CA, {}, SHA-256 fingerprint:\n  {}\n  {}\n\
         clients trust it through `appctl serve --print-ca`",
        ca.name,
        first.join(":"),
        second.join(":"),
    ));
}

fn print_ca(ctx: &Ctx, ca: &Ca, made: bool) -> Result<()> {
    if ctx.json {
        return output::print_json(&json!({
            "certificate": ca.pem(),
            "name": ca.name,
            "sha256": ca.fingerprint(),
            "not_before": output::time(ca.not_before),
            "not_after": output::time(ca.not_after),
            "made_now": made,
        }));
    }
    if made {
        made_note(ca);
    }
    output::stdout(&ca.pem())
}
