//! `keys import` and `keys verify`: the known answers of RFC 5849 and of
//! the platform's pages through the real binary, every reason, and hostile
//! requests.

use crate::util::{Env, contains};
use std::time::{Duration, Instant};

/// The platform's "Creating a signature" credentials.
const KEY: &str = "xvz1evFS4wEEPTGEFPHBog";
const SECRET: &str = "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw";
const TOKEN: &str = "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb";
const TOKEN_SECRET: &str = "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE";
const TS: &str = "1318622958";

/// The three base URLs the pages use, each with its own signature.
const SIGNED: [(&str, &str, &str); 3] = [
    (
        "api.x.com",
        "/1.1/statuses/update.json",
        "Ls93hJiZbQ3akF3HF3x1Bz8/zU4=",
    ),
    (
        "api.twitter.com",
        "/1.1/statuses/update.json",
        "hCtSmYh+iHYCEqBWrE7C7hYmtUk=",
    ),
    (
        "api.twitter.com",
        "/1/statuses/update.json",
        "tnnArxj06cWHq44gCs1OSKk/jLY=",
    ),
];

fn enc(s: &str) -> String {
    s.replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D")
}

/// The request of "Creating a signature", to `host` and `path`, with `signature`.
fn platform_request(host: &str, path: &str, signature: &str) -> String {
    let body = "status=Hello%20Ladies%20%2b%20Gentlemen%2c%20a%20signed%20OAuth%20request%21";
    format!(
        "POST {path}?include_entities=true HTTP/1.1\r\n\
         Accept: */*\r\n\
         Connection: close\r\n\
         User-Agent: OAuth gem v0.4.4\r\n\
         Content-Type: application/x-www-form-urlencoded\r\n\
         Authorization: OAuth oauth_consumer_key=\"{KEY}\", oauth_nonce=\"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg\", oauth_signature=\"{}\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"{TS}\", oauth_token=\"{TOKEN}\", oauth_version=\"1.0\"\r\n\
         Content-Length: {}\r\n\
         Host: {host}\r\n\
         \r\n{body}",
        enc(signature),
        body.len()
    )
}

/// A store with one app holding the platform example's credentials, imported.
fn platform_store() -> Env {
    let env = Env::new();
    env.app("demo");
    env.import(
        "demo",
        "consumer",
        &["--replace"],
        &format!(r#"{{"secrets": {{"api_key": "{KEY}", "api_secret": "{SECRET}"}}}}"#),
    );
    env.import(
        "demo",
        "access",
        &[],
        &format!("# from the password manager\nDEMO_ACCESS_TOKEN={TOKEN}\nDEMO_ACCESS_TOKEN_SECRET=\"{TOKEN_SECRET}\"\n"),
    );
    env
}

#[test]
fn each_published_signature_verifies_against_its_own_url_and_fails_against_the_others() {
    let env = platform_store();
    for (host, path, sig) in SIGNED {
        for (other_host, other_path, _) in SIGNED {
            let req = platform_request(other_host, other_path, sig);
            let (code, v) = env.verify(&["--at", "2011-10-14T20:09:18Z"], req.as_bytes());
            if (other_host, other_path) == (host, path) {
                assert_eq!(code, 0, "{host}{path}: {v}");
                assert_eq!(v["valid"], true);
                assert_eq!(v["reason"], serde_json::Value::Null);
                assert_eq!(v["scheme"], "oauth1");
                assert_eq!(v["app"]["name"], "demo");
                assert_eq!(v["user"]["screen_name"], "alice");
                assert_eq!(v["access_level"], "read");
                assert_eq!(v["stale"], false);
                assert_eq!(v["normalisation"], "strict");
            } else {
                assert_eq!(
                    (code, &v["reason"]),
                    (5, &"bad_signature".into()),
                    "{sig} at {other_host}{other_path}"
                );
            }
        }
        // The same request with an absolute URL in the request line.
        let req = platform_request(host, path, sig).replacen(
            &format!("POST {path}"),
            &format!("POST https://{host}{path}"),
            1,
        );
        assert_eq!(env.verify(&["--at", TS], req.as_bytes()).0, 0);
    }
    // The base string the page prints, shown on --explain, has no secret.
    let (host, path, sig) = SIGNED[0];
    let out = env.run_with_stdin(
        &["keys", "verify", "--at", TS, "--explain"],
        platform_request(host, path, sig).as_bytes(),
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("valid oauth1 (strict)"), "{text}");
    assert!(text.contains("signature base string: POST&https%3A%2F%2Fapi.x.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521\n"), "{text}");
    assert!(!text.contains(SECRET) && !text.contains(TOKEN_SECRET));
}

#[test]
fn rfc_5849_and_log_in_with_x_examples_verify_through_the_binary() {
    let env = Env::new();
    env.app("photos");
    env.import(
        "photos",
        "consumer",
        &["--replace"],
        "API_KEY=dpf43f3p2l4k3l03\nAPI_SECRET=kd94hf93k423kf44\n",
    );
    env.import(
        "photos",
        "access",
        &[],
        "ACCESS_TOKEN=nnch734d00sl2jdk\nACCESS_TOKEN_SECRET=pfkkdhi9sl3r4s00\n",
    );
    let req = "GET /photos?file=vacation.jpg&size=original HTTP/1.1\r\n\
        Host: photos.example.net\r\n\
        Authorization: OAuth realm=\"Photos\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", oauth_token=\"nnch734d00sl2jdk\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"137131202\", oauth_nonce=\"chapoH\", oauth_signature=\"MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D\"\r\n\r\n";
    let (code, v) = env.verify(&["--scheme", "http", "--at", "137131202"], req.as_bytes());
    assert_eq!(code, 0, "{v}");
    // Over https the base URI differs, and so must the signature.
    assert_eq!(
        env.verify(&["--at", "137131202"], req.as_bytes()).1["reason"],
        "bad_signature"
    );

    // The request_token step of "Log in with X": no token, app-level.
    env.app("login");
    env.import(
        "login",
        "consumer",
        &["--replace"],
        "API_KEY=cChZNFj6T5R0TigYB9yd1w\nAPI_SECRET=L8qq9PZyRg6ieKGEKhZolGC0vJWLw8iEJ88DRdyOg\n",
    );
    for (host, sig) in [
        ("api.twitter.com", "F1Li3tvehgcraF8DMJ7OyxO4w9Y="),
        ("api.x.com", "X9xhcB9d+NxXd/ThJ/n51vPhetM="),
    ] {
        let req = format!(
            "POST /oauth/request_token HTTP/1.1\r\nHost: {host}\r\nAuthorization: OAuth oauth_callback=\"http%3A%2F%2Flocalhost%2Fsign-in-with-twitter%2F\", oauth_consumer_key=\"cChZNFj6T5R0TigYB9yd1w\", oauth_nonce=\"ea9ec8429b68d6b77cd5600adbbb0456\", oauth_signature=\"{}\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1318467427\", oauth_version=\"1.0\"\r\n\r\n",
            enc(sig)
        );
        let (code, v) = env.verify(&["--at", "1318467427"], req.as_bytes());
        assert_eq!(code, 0, "{host}: {v}");
        assert_eq!(v["user"], serde_json::Value::Null);
        assert_eq!(v["app"]["name"], "login");
    }
}

#[test]
fn basic_and_bearer_credentials_verify() {
    let env = Env::new();
    let made = env.json(&["app", "create", "app_only"]);
    let bearer = made["secrets"]["bearer_token"]
        .as_str()
        .unwrap()
        .to_string();
    let key = made["secrets"]["api_key"].as_str().unwrap().to_string();
    let req = |auth: &str| {
        format!("GET /2/tweets HTTP/1.1\r\nHost: api.x.com\r\nAuthorization: {auth}\r\n\r\n")
    };
    let (code, v) = env.verify(&[], req(&format!("Bearer {bearer}")).as_bytes());
    assert_eq!(
        (code, &v["scheme"], &v["app"]["name"]),
        (0, &"bearer".into(), &"app_only".into()),
        "{v}"
    );
    assert_eq!(v["access_level"], serde_json::Value::Null);
    let line = env.run_with_stdin(
        &["keys", "verify"],
        req(&format!("Bearer {bearer}")).as_bytes(),
    );
    assert_eq!(
        String::from_utf8_lossy(&line.stdout),
        format!(
            "valid bearer: app {} (\"app_only\")\n",
            made["id"].as_str().unwrap()
        )
    );
    // The platform's Basic example: its key with the other page's secret.
    env.app("basic");
    env.import(
        "basic",
        "consumer",
        &["--replace"],
        "API_KEY=xvz1evFS4wEEPTGEFPHBog\nAPI_SECRET=L8qq9PZyRg6ieKGEKhZolGC0vJWLw8iEJ88DRdyOg\n",
    );
    let basic = "Basic eHZ6MWV2RlM0d0VFUFRHRUZQSEJvZzpMOHFxOVBaeVJnNmllS0dFS2hab2xHQzB2SldMdzhpRUo4OERSZHlPZw==";
    let (code, v) = env.verify(&[], req(basic).as_bytes());
    assert_eq!((code, &v["scheme"]), (0, &"basic".into()), "{v}");
    // Regenerating the pair invalidates the bearer token.
    env.ok(&["keys", "regenerate", "app_only", "consumer"]);
    let (code, v) = env.verify(&[], req(&format!("Bearer {bearer}")).as_bytes());
    assert_eq!((code, &v["reason"]), (5, &"invalidated".into()));
    let old = format!("{key}:whatever");
    let b64 = base64_encode(old.as_bytes());
    assert_eq!(
        env.verify(&[], req(&format!("Basic {b64}")).as_bytes()).1["reason"],
        "unknown_consumer_key"
    );
}

fn base64_encode(b: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(b)
}

#[test]
fn every_reason_through_the_binary() {
    let env = platform_store();
    let (host, path, sig) = SIGNED[0];
    let good = platform_request(host, path, sig);
    let at = |d: i64| (TS.parse::<i64>().unwrap() + d).to_string();
    let reason = |req: &str, t: &str| {
        let (code, v) = env.verify(&["--at", t], req.as_bytes());
        assert_eq!(code, if v["valid"] == true { 0 } else { 5 }, "{v}");
        v["reason"].as_str().map(str::to_string)
    };
    assert_eq!(reason(&good, &at(300)), None);
    assert_eq!(
        reason(&good, &at(-301)).as_deref(),
        Some("timestamp_out_of_window")
    );
    assert_eq!(
        reason(&good, &at(600)).as_deref(),
        Some("timestamp_out_of_window")
    );
    let (_, v) = env.verify(&["--at", &at(-600)], good.as_bytes());
    assert_eq!(
        v["detail"],
        "oauth_timestamp is 600 s in the future, more than the 300 s allowed"
    );
    let tampered = env.run_with_stdin(
        &["keys", "verify", "--at", TS],
        good.replace("Ladies", "Ladiez").as_bytes(),
    );
    let stderr = String::from_utf8_lossy(&tampered.stderr);
    assert!(stderr.contains("hint: rerun with --explain"), "{stderr}");
    // --at takes Unix seconds or RFC 3339; anything else is refused.
    for bad in ["yesterday", "2011-10-14", "1318622958.5", ""] {
        let out = env.run_with_stdin(&["keys", "verify", "--at", bad], good.as_bytes());
        assert_eq!(out.status.code(), Some(9), "{bad}");
    }
    let out = env.run_with_stdin(&["keys", "verify", "--scheme", "ftp"], good.as_bytes());
    assert_eq!(out.status.code(), Some(2));
    // A tampered body (of the same length, so Content-Length still holds).
    assert_eq!(
        reason(&good.replace("Ladies", "Ladiez"), TS).as_deref(),
        Some("bad_signature")
    );
    assert_eq!(
        reason(&good.replace(KEY, "xvz1evFS4wEEPTGEFPHBoX"), TS).as_deref(),
        Some("unknown_consumer_key")
    );
    assert_eq!(
        reason(
            &good.replace(TOKEN, "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEX"),
            TS
        )
        .as_deref(),
        Some("unknown_token")
    );
    assert_eq!(
        reason(&good.replace("HMAC-SHA1", "PLAINTEXT"), TS).as_deref(),
        Some("unsupported_signature_method")
    );
    assert_eq!(
        reason(
            &good.replace("oauth_version=\"1.0\"", "oauth_version=\"1.1\""),
            TS
        )
        .as_deref(),
        Some("malformed")
    );
    // A permission change makes the token stale: still valid, at the level it was made with.
    env.ok(&["app", "update", "demo", "--permissions", "read-write-dm"]);
    let (code, v) = env.verify(&["--at", TS], good.as_bytes());
    assert_eq!(
        (code, &v["stale"], &v["access_level"]),
        (0, &true.into(), &"read".into()),
        "{v}"
    );
    let line = env.run_with_stdin(&["keys", "verify", "--at", TS], good.as_bytes());
    assert!(String::from_utf8_lossy(&line.stdout).contains("stale"));
    // Suspended app, then revoked token.
    env.ok(&["app", "suspend", "demo", "--reason", "testing"]);
    assert_eq!(reason(&good, TS).as_deref(), Some("app_suspended"));
    env.ok(&["app", "reinstate", "demo"]);
    env.ok(&["--yes", "keys", "revoke", "demo", "access"]);
    assert_eq!(reason(&good, TS).as_deref(), Some("revoked"));
    // Nothing printed holds a secret, valid or not, with or without --explain.
    for args in [
        &["keys", "verify", "--explain"][..],
        &["--json", "keys", "verify", "--explain"],
    ] {
        let out = env.run_with_stdin(args, good.as_bytes());
        for s in [SECRET, TOKEN_SECRET] {
            assert!(!contains(&out.stdout, s.as_bytes()) && !contains(&out.stderr, s.as_bytes()));
        }
    }
}

#[test]
fn import_refuses_bad_values_and_duplicates_and_leaves_the_store_alone() {
    let env = platform_store();
    env.app("other");
    let before = env.store_bytes();
    let run = |args: &[&str], input: &str| env.run_with_stdin(args, input.as_bytes());
    let cases: [(&[&str], String, i32); 8] = [
        // Already active, without --replace.
        (&["keys", "import", "demo", "consumer"], format!("API_KEY={KEY}2\nAPI_SECRET={SECRET}2"), 4),
        // Held by another credential.
        (&["keys", "import", "other", "consumer", "--replace"], format!("API_KEY={KEY}\nAPI_SECRET=another-secret"), 4),
        (&["keys", "import", "other", "access"], format!("ACCESS_TOKEN=1-fresh-token\nACCESS_TOKEN_SECRET={TOKEN_SECRET}"), 4),
        // Too short, a space, not ASCII, missing.
        (&["keys", "import", "other", "consumer", "--replace"], "API_KEY=short\nAPI_SECRET=long-enough-secret".into(), 9),
        (&["keys", "import", "other", "consumer", "--replace"], "API_KEY=has a space\nAPI_SECRET=long-enough-secret".into(), 9),
        (&["keys", "import", "other", "consumer", "--replace"], r#"{"api_key": "ünïcödé-key", "api_secret": "long-enough-secret"}"#.into(), 9),
        (&["keys", "import", "other", "consumer", "--replace"], r#"{"api_key": "long-enough-key"}"#.into(), 9),
        // Two prefixes for one name.
        (&["keys", "import", "other", "consumer", "--replace"], "A_API_KEY=long-enough-key\nA_API_SECRET=long-enough-secret\nB_API_KEY=other-enough-key\n".into(), 9),
    ];
    for (args, input, code) in cases {
        let out = run(args, &input);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?} {input:?}: {stderr}"
        );
        assert!(stderr.lines().count() <= 2, "{stderr}");
        for v in input.split(['\n', '=', '"']).filter(|v| v.len() >= 8) {
            assert!(!stderr.contains(v), "the error repeats a value: {stderr}");
        }
    }
    assert_eq!(env.store_bytes(), before);
    // An access token for a local user, and --env-prefix picking one of two apps' lines.
    let bob = env.ok(&["users", "add", "bob"]).trim().to_string();
    env.import("other", "access", &["--user", "bob", "--env-prefix", "B_"], "A_ACCESS_TOKEN=1-aaaaaaaaaa\nA_ACCESS_TOKEN_SECRET=aaaaaaaaaa\nB_ACCESS_TOKEN=2-bbbbbbbbbb\nB_ACCESS_TOKEN_SECRET=bbbbbbbbbb\n");
    let list = env.json(&["keys", "list", "other"]);
    let access = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "access")
        .unwrap();
    assert_eq!(access["user"]["id"], bob.as_str());
    assert_eq!(access["user"]["screen_name"], "bob");
    let log = env.json(&["log", "--app", "other"]);
    assert_eq!(log[0]["action"], "keys.import");
    assert!(!env.ok(&["log"]).contains("bbbbbbbbbb"));
    // From a file, as well as stdin.
    let f = env.path("keys.json");
    std::fs::write(
        &f,
        r#"{"api_key": "file-key-123", "api_secret": "file-secret-123"}"#,
    )
    .unwrap();
    env.ok(&[
        "keys",
        "import",
        "other",
        "consumer",
        "--replace",
        "--file",
        f.to_str().unwrap(),
    ]);
}

/// Runs one hostile request: exit 5 or 9, no panic, within a second.
fn hostile(env: &Env, what: &str, req: &[u8]) -> i32 {
    let start = Instant::now();
    let out = env.run_with_stdin(&["keys", "verify", "--at", TS], req);
    let took = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    let code = out.status.code().unwrap();
    assert!(code == 5 || code == 9, "{what}: exit {code}: {stderr}");
    assert!(stderr.lines().count() <= 2, "{what}: {stderr}");
    assert!(took < Duration::from_secs(1), "{what}: took {took:?}");
    code
}

#[test]
fn hostile_requests_exit_5_or_9_quickly_and_never_panic() {
    let env = platform_store();
    let (host, path, sig) = SIGNED[0];
    let good = platform_request(host, path, sig);
    // Truncated anywhere.
    for cut in (0..good.len()).step_by(7) {
        hostile(&env, &format!("cut at {cut}"), &good.as_bytes()[..cut]);
    }
    let mb = "a".repeat(1 << 20);
    let head_end = good.find("\r\n\r\n").unwrap();
    let with_header = |h: &str| format!("{}\r\n{h}{}", &good[..head_end], &good[head_end..]);
    hostile(
        &env,
        "1 MB header",
        with_header(&format!("X-Big: {mb}")).as_bytes(),
    );
    hostile(
        &env,
        "1 MB header name",
        with_header(&format!("{mb}: x")).as_bytes(),
    );
    let big_auth = good.replace(
        "oauth_version=\"1.0\"",
        &format!("oauth_version=\"1.0\", x=\"{mb}\""),
    );
    hostile(&env, "1 MB Authorization", big_auth.as_bytes());
    let big_query = good.replacen(
        "include_entities=true",
        &format!("include_entities=true&q={mb}"),
        1,
    );
    assert_eq!(hostile(&env, "1 MB query", big_query.as_bytes()), 9);
    // Invalid UTF-8 in each part.
    for (what, from, to) in [
        ("path", "/1.1/statuses", "/1.1/st\u{fffd}tuses"),
        ("Host", "Host: api.x.com", "Host: api.\u{fffd}.com"),
        ("Content-Type", "x-www-form", "x-www-f\u{fffd}rm"),
        ("token", TOKEN, "370773112-\u{fffd}"),
        ("body", "Ladies", "L\u{fffd}dies"),
    ] {
        let bytes = good.replacen(from, to, 1).into_bytes();
        let bytes: Vec<u8> = String::from_utf8(bytes)
            .unwrap()
            .replace('\u{fffd}', "\u{1}")
            .into_bytes()
            .into_iter()
            .map(|b| if b == 1 { 0xff } else { b })
            .collect();
        hostile(&env, what, &bytes);
    }
    // Parameters repeated 10,000 times: the same, and different values.
    let same = "&a=1".repeat(10_000);
    let rep = good.replacen(
        "include_entities=true",
        &format!("include_entities=true{same}"),
        1,
    );
    assert_eq!(
        hostile(&env, "10,000 identical query pairs", rep.as_bytes()),
        5
    );
    let nonces: String = (0..10_000)
        .map(|i| format!(", oauth_nonce=\"n{i}\""))
        .collect();
    let rep = good.replace(
        "oauth_version=\"1.0\"",
        &format!("oauth_version=\"1.0\"{nonces}"),
    );
    hostile(&env, "10,000 different nonces", rep.as_bytes());
    let same_token: String = (0..10_000)
        .map(|_| format!(", oauth_token=\"{TOKEN}\""))
        .collect();
    let rep = good.replace(
        "oauth_version=\"1.0\"",
        &format!("oauth_version=\"1.0\"{same_token}"),
    );
    hostile(&env, "10,000 identical tokens", rep.as_bytes());
    let form: String = "&status=x".repeat(10_000);
    let rep = good.replace(
        "signed%20OAuth%20request%21",
        &format!("signed%20OAuth%20request%21{form}"),
    );
    let rep = rep.replace(
        &format!("Content-Length: {}", 76),
        &format!("Content-Length: {}", 76 + form.len()),
    );
    assert_eq!(hostile(&env, "10,000 body pairs", rep.as_bytes()), 5);
    // 10,000 different nonces in the body reach the parameter check.
    let nonces: String = (0..10_000).map(|i| format!("&oauth_nonce=n{i}")).collect();
    let rep = good
        .replace(
            "signed%20OAuth%20request%21",
            &format!("signed%20OAuth%20request%21{nonces}"),
        )
        .replace(
            "Content-Length: 76",
            &format!("Content-Length: {}", 76 + nonces.len()),
        );
    let (code, v) = env.verify(&["--at", TS], rep.as_bytes());
    assert_eq!((code, &v["reason"]), (5, &"malformed".into()), "{v}");
    // Bad percent-escapes.
    for (what, from, to) in [
        ("query", "include_entities=true", "include_entities=%zz"),
        ("header", "oauth_nonce=\"", "oauth_nonce=\"%"),
        ("body", "%2b", "%zb"),
        ("signature", "oauth_signature=\"", "oauth_signature=\"%G0"),
    ] {
        let (code, v) = env.verify(&["--at", TS], good.replacen(from, to, 1).as_bytes());
        assert_eq!(
            (code, &v["reason"]),
            (5, &"malformed".into()),
            "{what}: {v}"
        );
        hostile(&env, what, good.replacen(from, to, 1).as_bytes());
    }
    // Nothing at all, and binary noise.
    hostile(&env, "empty", b"");
    hostile(
        &env,
        "noise",
        &(0..=255u8).cycle().take(70_000).collect::<Vec<_>>(),
    );
}
