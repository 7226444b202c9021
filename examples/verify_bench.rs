//! How fast `keys verify`'s core checks a signed request in-process, next
//! to the one HMAC-SHA1 of the base string that any verifier must compute.
//! Usage: `verify_bench [APPS [ITERATIONS]]` (defaults 1,000 and 20,000).
//! Builds a store of APPS apps in a temporary directory (at the KDF floor;
//! the key derivation is not timed), gives the last app an access token,
//! signs one request like the platform's "Creating a signature" example
//! and verifies it again and again: parsing, parameter collection, the
//! base string, two lookups in the store and the HMAC. Prints the rates and
//! their ratio; docs/performance.md keeps the figures.

use appctl::crypto::kdf::FLOOR;
use appctl::model::{AppPatch, CredentialKind, Owner};
use appctl::oauth::encode::encode;
use appctl::oauth::signature::{self, Param, Source};
use appctl::oauth::{Scheme, request, verify};
use appctl::store::{Holder, Store};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Runs `f` `n` times; returns the rate per second.
fn rate(n: u32, mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..n {
        f();
    }
    f64::from(n) / start.elapsed().as_secs_f64()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let apps: usize = args.get(1).map_or(Ok(1_000), |a| a.parse())?;
    let n: u32 = args.get(2).map_or(Ok(20_000), |a| a.parse())?;
    let dir = tempfile::tempdir()?;
    let owner = Owner {
        handle: "bench".into(),
        user_id: 1_234_567_890_123_456_789,
    };
    let (store, _) = Store::init(
        &dir.path().join("s.appctl"),
        b"bench",
        FLOOR,
        &owner,
        Duration::from_secs(5),
    )?;
    let mut last = None;
    for i in 0..apps.max(1) {
        last = Some(store.create_app(&format!("bench-{i}"), None, &AppPatch::default())?);
    }
    let (app, consumer) = last.expect("at least one app");
    let who = Holder::default_for(&store, CredentialKind::Access)?;
    let access = store.create_credential(&app, CredentialKind::Access, &who)?;
    let key = consumer.api_key.as_ref().unwrap().expose();
    let secret = consumer.api_secret.as_ref().unwrap().expose();
    let token = access.access_token.as_ref().unwrap().expose();
    let token_secret = access.access_token_secret.as_ref().unwrap().expose();

    let now = 1_318_622_958_i64;
    let body = "status=Hello%20Ladies%20%2b%20Gentlemen%2c%20a%20signed%20OAuth%20request%21";
    let oauth = [
        ("oauth_consumer_key", key),
        ("oauth_nonce", "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg"),
        ("oauth_signature_method", "HMAC-SHA1"),
        ("oauth_timestamp", "1318622958"),
        ("oauth_token", token),
        ("oauth_version", "1.0"),
    ];
    let mut params = signature::form_params(b"include_entities=true", Source::Query, "query")?;
    params.extend(signature::form_params(
        body.as_bytes(),
        Source::Body,
        "body",
    )?);
    params.extend(oauth.iter().map(|(n, v)| Param {
        name: n.as_bytes().into(),
        value: v.as_bytes().into(),
        source: Source::Header,
    }));
    let base = signature::base_string(
        "POST",
        "https://api.x.com/1.1/statuses/update.json",
        &params,
    );
    let sig = signature::sign(&base, secret, token_secret);
    let header: Vec<String> = oauth
        .iter()
        .map(|(n, v)| format!("{n}=\"{}\"", encode(v.as_bytes())))
        .collect();
    let raw = format!(
        "POST /1.1/statuses/update.json?include_entities=true HTTP/1.1\r\n\
         Host: api.x.com\r\n\
         Content-Type: application/x-www-form-urlencoded\r\n\
         Authorization: OAuth {}, oauth_signature=\"{}\"\r\n\
         Content-Length: {}\r\n\r\n{body}",
        header.join(", "),
        encode(sig.as_bytes()),
        body.len()
    );
    let check = || {
        let req = request::parse(raw.as_bytes(), Scheme::Https).expect("parses");
        let o = verify(&req, &store, now).expect("store reads");
        assert!(o.valid(), "{o:?}");
        black_box(o);
    };
    check();
    // Warm up, then measure each in turn.
    rate(n / 10, check);
    rate(n / 10, || {
        black_box(signature::sign(black_box(&base), secret, token_secret));
    });
    let verifications = rate(n, check);
    let hmacs = rate(n * 5, || {
        black_box(signature::sign(black_box(&base), secret, token_secret));
    });
    let parses = rate(n, || {
        let req = request::parse(raw.as_bytes(), Scheme::Https).expect("parses");
        let p = signature::collect(&req).expect("collects");
        black_box(signature::base_string(&req.method, &req.base_uri(), &p));
    });
    println!("store: {apps} apps; base string {} bytes", base.len());
    println!("verifications per second (parse, lookups, HMAC): {verifications:.0}");
    println!("parse, collect and base string per second:       {parses:.0}");
    println!("HMAC-SHA1 of the base string per second:         {hmacs:.0}");
    println!(
        "one verification costs {:.1} HMAC-SHA1s",
        hmacs / verifications
    );
    Ok(())
}
