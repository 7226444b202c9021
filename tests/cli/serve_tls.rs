//! `appctl serve --tls` and `--alias-origin`: HTTPS from a local CA kept in
//! the store, and signatures made for another origin than the server's.

use crate::serve::{Server, app_with_token, code, signed_for};
use crate::util::Env;

#[test]
fn a_signature_for_an_alias_origin_passes_only_when_that_alias_is_given() {
    let env = Env::new();
    let c = app_with_token(&env, "aliased", &[], None);
    let path = "/1.1/account/verify_credentials.json";
    let token = Some((c.token.as_str(), c.token_secret.as_str()));
    let call = |s: &Server, signed_for_origin: &str| {
        let h = signed_for(signed_for_origin, "GET", path, &[], &c, token, &[]);
        s.get("GET", path, &[&h], "")
    };
    let twitter = "https://api.twitter.com";
    let plain = Server::start(&env, &[]);
    let (st, resp) = call(&plain, twitter);
    assert_eq!((st, code(&resp)), (401, 32), "{resp}");
    // The server's own origin is always accepted.
    assert_eq!(call(&plain, &plain.url).0, 200);
    drop(plain);
    let other = Server::start(&env, &["--alias-origin", "https://api.x.com"]);
    assert_eq!(call(&other, twitter).0, 401);
    drop(other);
    let s = Server::start(
        &env,
        &[
            "--alias-origin",
            "https://api.x.com",
            "--alias-origin",
            "HTTPS://API.TWITTER.COM:443/",
        ],
    );
    let (st, resp) = call(&s, twitter);
    assert_eq!(st, 200, "{resp}");
    assert_eq!(call(&s, "https://api.x.com").0, 200);
    assert_eq!(call(&s, &s.url).0, 200);
    // Another port is another origin.
    assert_eq!(call(&s, "https://api.twitter.com:8443").0, 401);
}

#[test]
fn an_alias_origin_with_a_path_query_or_user_info_is_refused_with_exit_9() {
    let env = Env::new();
    let before = env.store_bytes();
    for bad in [
        "https://api.twitter.com/1.1",
        "https://api.twitter.com?x=1",
        "https://me:hunter2@api.twitter.com",
        "api.twitter.com",
        "ftp://api.twitter.com",
    ] {
        let err = env.fails(&["serve", "--alias-origin", bad], 9);
        let first = err.lines().next().unwrap_or_default();
        assert!(first.contains("--alias-origin"), "{bad}: {err}");
        assert!(!err.contains("hunter2"), "{err}");
    }
    assert_eq!(env.store_bytes(), before);
}
