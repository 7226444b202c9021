//! A real OAuth 1.0a client that nobody here wrote, requests-oauthlib from
//! PyPI (pinned in tests/clients/requirements.txt, installed by `.ci/run`
//! into a virtual environment), signs requests with credentials appctl
//! made; `keys verify` checks each.

use crate::util::Env;
use base64::Engine as _;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::Write;

/// Signs `cases` with requests-oauthlib: the raw request of each, by name.
fn sign(python: &str, cases: &[Value]) -> BTreeMap<String, Vec<u8>> {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/clients/sign_requests.py"
    );
    let mut child = std::process::Command::new(python)
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let spec = json!({ "cases": cases }).to_string();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(spec.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let signed: BTreeMap<String, String> = serde_json::from_slice(&out.stdout).unwrap();
    signed
        .into_iter()
        .map(|(k, v)| {
            let raw = base64::engine::general_purpose::STANDARD.decode(v).unwrap();
            (k, raw)
        })
        .collect()
}

struct Creds {
    key: String,
    secret: String,
    token: String,
    token_secret: String,
}

fn case(name: &str, c: &Creds, user: bool, placement: &str, method: &str, url: &str) -> Value {
    let mut v = json!({
        "name": name,
        "key": c.key,
        "secret": c.secret,
        "placement": placement,
        "method": method,
        "url": url,
    });
    if user {
        v["token"] = c.token.clone().into();
        v["token_secret"] = c.token_secret.clone().into();
    }
    if method == "POST" {
        v["body"] =
            json!({ "status": "Hello Ladies + Gentlemen, a signed OAuth request!", "x": "a&b=c" });
    }
    v
}

#[test]
fn requests_oauthlib_signs_what_keys_verify_accepts_and_each_failure_has_its_reason() {
    let Some(python) = crate::util::python_with("requests_oauthlib") else {
        return;
    };
    let env = Env::new();
    let app = env.json(&["app", "create", "client"]);
    let owner = env.json(&["keys", "create", "client", "access"]);
    let bob_id = env.ok(&["users", "add", "bob"]).trim().to_string();
    let bob = env.json(&["keys", "create", "client", "access", "--user", "bob"]);
    let s = |v: &Value, k: &str| v["secrets"][k].as_str().unwrap().to_string();
    let creds = |tokens: &Value| Creds {
        key: s(&app, "api_key"),
        secret: s(&app, "api_secret"),
        token: s(tokens, "access_token"),
        token_secret: s(tokens, "access_token_secret"),
    };
    let (mine, his) = (creds(&owner), creds(&bob));
    let api = "https://api.x.com/1.1/statuses/update.json?include_entities=true";
    let local = "http://127.0.0.1:8080/1.1/statuses/update.json?include_entities=true";
    let mut cases = Vec::new();
    for placement in ["header", "query", "body"] {
        cases.push(case(
            &format!("owner-{placement}"),
            &mine,
            true,
            placement,
            "POST",
            api,
        ));
        cases.push(case(
            &format!("bob-{placement}"),
            &his,
            true,
            placement,
            "POST",
            api,
        ));
    }
    cases.push(case("owner-get", &mine, true, "header", "GET", api));
    cases.push(case("local-http", &mine, true, "header", "POST", local));
    let mut request_token = case(
        "request-token",
        &mine,
        false,
        "header",
        "POST",
        "https://api.x.com/oauth/request_token",
    );
    request_token["callback"] = "http://127.0.0.1:9999/cb".into();
    cases.push(request_token);
    let mut late = case("ten-minutes-off", &mine, true, "header", "POST", api);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    late["timestamp"] = (now - 600).to_string().into();
    cases.push(late);
    let stranger = Creds {
        key: "UnknownKey0123456789abcd".into(),
        ..creds(&owner)
    };
    cases.push(case("unknown-key", &stranger, true, "header", "POST", api));
    let signed = sign(&python, &cases);

    let verify = |name: &str, args: &[&str]| env.verify(args, &signed[name]);
    for placement in ["header", "query", "body"] {
        for (who, id, handle) in [
            ("owner", None, "alice"),
            ("bob", Some(bob_id.as_str()), "bob"),
        ] {
            let (code, v) = verify(&format!("{who}-{placement}"), &[]);
            assert_eq!(code, 0, "{who} {placement}: {v}");
            assert_eq!(v["user"]["screen_name"], handle);
            if let Some(id) = id {
                assert_eq!(v["user"]["id"], id);
            }
            assert_eq!(v["normalisation"], "strict");
            assert_eq!(v["access_level"], "read");
        }
    }
    assert_eq!(verify("owner-get", &[]).0, 0);
    assert_eq!(verify("local-http", &["--scheme", "http"]).0, 0);
    // The same request taken for https has another base URI.
    assert_eq!(verify("local-http", &[]).1["reason"], "bad_signature");
    let (code, v) = verify("request-token", &[]);
    assert_eq!((code, &v["user"]), (0, &Value::Null), "{v}");
    assert_eq!(
        verify("ten-minutes-off", &[]).1["reason"],
        "timestamp_out_of_window"
    );
    assert_eq!(
        verify("unknown-key", &[]).1["reason"],
        "unknown_consumer_key"
    );

    // A body changed after signing (same length, so Content-Length holds).
    let mut tampered = signed["owner-header"].clone();
    let at = tampered.len() - 3;
    tampered[at] = if tampered[at] == b'A' { b'B' } else { b'A' };
    assert_eq!(env.verify(&[], &tampered).1["reason"], "bad_signature");

    // A permission change: the token stays valid at its level, and stale.
    env.ok(&["app", "update", "client", "--permissions", "read-write"]);
    let (code, v) = verify("owner-header", &[]);
    assert_eq!(
        (code, &v["stale"], &v["access_level"]),
        (0, &true.into(), &"read".into()),
        "{v}"
    );
    // Revoked: Bob's token; the owner's still verifies.
    env.ok(&[
        "--yes", "keys", "revoke", "client", "access", "--user", "bob",
    ]);
    assert_eq!(verify("bob-header", &[]).1["reason"], "revoked");
    assert_eq!(verify("owner-header", &[]).0, 0);
    // A suspended app's credentials are refused.
    env.ok(&["app", "suspend", "client", "--reason", "testing"]);
    assert_eq!(verify("owner-query", &[]).1["reason"], "app_suspended");
    assert_eq!(verify("request-token", &[]).1["reason"], "app_suspended");
}
