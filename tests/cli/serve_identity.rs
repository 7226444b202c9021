//! `appctl serve`'s app-only and identity endpoints: bearer tokens from
//! the consumer pair, the user objects of both identity endpoints, and
//! every dashboard setting taking effect on the next request.

use super::serve::*;
use crate::util::Env;

/// The settings of an app that asks for email addresses (which needs its
/// terms and privacy URLs).
const ASKS_EMAIL: &[&str] = &[
    "--terms-url",
    "https://example.com/terms",
    "--privacy-url",
    "https://example.com/privacy",
    "--request-email",
    "on",
];
#[test]
fn requests_oauthlib_gets_a_bearer_token_and_calls_both_identity_endpoints() {
    let Some(python) = crate::util::python_with("requests_oauthlib") else {
        return;
    };
    let env = Env::new();
    env.ok(&[
        "users",
        "add",
        "bob",
        "--name",
        "Bob B",
        "--email",
        "bob@example.com",
    ]);
    let c = app_with_token(
        &env,
        "client",
        &[ASKS_EMAIL, &["--permissions", "read-write"]].concat(),
        Some("bob"),
    );
    let s = Server::start(&env, &[]);
    let spec = serde_json::json!({
        "base": s.url, "key": c.key, "secret": c.secret,
        "token": c.token, "token_secret": c.token_secret,
    });
    let v = run_client(&python, "serve_client.py", &spec, &s);
    assert_eq!(v["bearer_type"], "bearer");
    assert_eq!(v["bearer_same"], true);
    assert_eq!(v["bearer_me"]["status"], 403);
    assert_eq!(
        v["bearer_me"]["body"]["title"],
        "Unsupported Authentication"
    );
    assert_eq!(v["bearer_v1"]["status"], 403);
    assert_eq!(v["bearer_v1"]["body"]["errors"][0]["code"], 220);
    assert_eq!(v["invalidate"]["status"], 200);
    assert_eq!(v["invalidated_v1"]["status"], 401);
    assert_eq!(v["invalidated_v1"]["body"]["errors"][0]["code"], 89);
    assert_eq!(v["bearer_new"], true);
    assert_eq!(v["bad_secret"]["status"], 403);
    assert_eq!(v["bad_secret"]["body"]["errors"][0]["code"], 99);
    assert_eq!(v["v1"]["status"], 200, "{v}");
    assert_eq!(v["v1"]["level"], "read-write");
    assert_eq!(v["v1"]["body"]["screen_name"], "bob");
    assert_eq!(v["v1"]["body"]["name"], "Bob B");
    assert_eq!(v["v1"]["body"]["email"], "bob@example.com");
    assert_eq!(v["me"]["status"], 200);
    assert_eq!(v["me"]["level"], "read-write");
    assert_eq!(v["me"]["body"]["data"]["username"], "bob");
    assert_eq!(v["once"]["status"], 200);
    assert_eq!(v["replayed"]["status"], 401);
    assert_eq!(v["replayed"]["body"]["errors"][0]["code"], 32);
    // Bearer tokens made and invalidated are events; no secret is logged.
    let log = env.ok(&["log"]);
    assert!(
        log.contains("keys.create") && log.contains("keys.revoke"),
        "{log}"
    );
    let access_log = s.log();
    assert!(
        access_log.contains("POST /oauth2/token 200 app="),
        "{access_log}"
    );
    for secret in [&c.secret, &c.token, &c.token_secret] {
        assert!(!access_log.contains(secret.as_str()));
    }
}

#[test]
fn a_signed_request_sent_twice_is_refused_the_second_time_at_both_endpoints() {
    let env = Env::new();
    let c = app_with_token(&env, "replay", &[], None);
    let s = Server::start(&env, &[]);
    for path in ["/1.1/account/verify_credentials.json", "/2/users/me"] {
        let auth = oauth_header(&s, path, &c);
        let (st, resp) = s.get("GET", path, &[&auth], "");
        assert_eq!(st, 200, "{resp}");
        // A write by the CLI in between makes the server read the store
        // again; the nonces it remembers are its own.
        env.ok(&[
            "app",
            "update",
            "replay",
            "--description",
            "changed in between",
        ]);
        let (st, resp) = s.get("GET", path, &[&auth], "");
        assert_eq!(st, 401, "{path}: {resp}");
        if path.starts_with("/1.1/") {
            assert_eq!(code(&resp), 32, "{resp}");
        } else {
            assert!(resp.contains("application/problem+json"), "{resp}");
        }
        // The same request with a new nonce is answered.
        let (st, resp) = s.get("GET", path, &[&oauth_header(&s, path, &c)], "");
        assert_eq!(st, 200, "{resp}");
    }
}

#[test]
fn settings_changed_by_the_cli_take_effect_on_the_next_request() {
    let env = Env::new();
    env.ok(&["users", "add", "carol"]);
    let c = app_with_token(&env, "levels", &["--permissions", "read"], None);
    let s = Server::start(&env, &[]);
    let path = "/1.1/account/verify_credentials.json";
    let v1 = |c: &Creds| s.get("GET", path, &[&oauth_header(&s, path, c)], "");
    let (st, resp) = v1(&c);
    assert_eq!(st, 200, "{resp}");
    assert!(resp.contains("x-access-level: read\r\n"), "{resp}");
    assert!(!json_body(&resp).as_object().unwrap().contains_key("email"));
    // A token made before a permission change keeps its level.
    env.ok(&["app", "update", "levels", "--permissions", "read-write-dm"]);
    let (_, resp) = v1(&c);
    assert!(resp.contains("x-access-level: read\r\n"), "{resp}");
    // A bearer token, then a new consumer pair: the old Basic is refused.
    let (st, resp) = token_request(&s, &c, "grant_type=client_credentials");
    assert_eq!(st, 200, "{resp}");
    let (st, resp) = token_request(&s, &c, "grant_type=password");
    assert_eq!((st, code(&resp)), (403, 99));
    env.ok(&["keys", "regenerate", "levels", "consumer"]);
    let (st, resp) = token_request(&s, &c, "grant_type=client_credentials");
    assert_eq!((st, code(&resp)), (403, 99), "{resp}");
    let (st, resp) = v1(&c);
    assert_eq!((st, code(&resp)), (401, 32), "{resp}");
    // A suspended app.
    let d = app_with_token(&env, "other", &[], Some("carol"));
    assert_eq!(v1(&d).0, 200);
    env.ok(&["app", "suspend", "other", "--reason", "test"]);
    let (st, resp) = v1(&d);
    assert_eq!((st, code(&resp)), (401, 416), "{resp}");
    env.ok(&["app", "reinstate", "other"]);
    assert_eq!(v1(&d).0, 200);
    // A removed user: its tokens are refused.
    env.ok(&["--yes", "users", "remove", "carol"]);
    let (st, resp) = v1(&d);
    assert_eq!((st, code(&resp)), (401, 89), "{resp}");
    // No credentials, and a bearer token on /2/users/me.
    let (st, resp) = s.get("GET", path, &[], "");
    assert_eq!((st, code(&resp)), (400, 215), "{resp}");
    let (st, resp) = s.get(
        "GET",
        "/2/users/me",
        &["Authorization: Bearer AAAAnope"],
        "",
    );
    assert_eq!(st, 401, "{resp}");
    assert!(resp.contains("application/problem+json"), "{resp}");
}

#[test]
fn email_goes_by_the_grant_a_token_was_made_with_and_the_user_object_is_whole() {
    let env = Env::new();
    env.ok(&["users", "add", "bob", "--email", "bob@example.com"]);
    let c = app_with_token(&env, "mail", ASKS_EMAIL, Some("bob"));
    let s = Server::start(&env, &[]);
    let path = "/1.1/account/verify_credentials.json";
    let get = |c: &Creds, query: &[(&str, &str)]| {
        let q: Vec<String> = query.iter().map(|(n, v)| format!("{n}={v}")).collect();
        let auth = signed_query(
            &s,
            "GET",
            path,
            query,
            c,
            Some((&c.token, &c.token_secret)),
            &[],
        );
        json_body(&resp_ok(s.get(
            "GET",
            &format!("{path}?{}", q.join("&")),
            &[&auth],
            "",
        )))
    };
    let email = [("include_email", "true")];
    let v = get(&c, &email);
    assert_eq!(v["email"], "bob@example.com", "{v}");
    assert!(!get(&c, &[]).as_object().unwrap().contains_key("email"));
    // The app stops asking: the token made while it asked keeps the grant.
    env.ok(&["app", "update", "mail", "--request-email", "off"]);
    assert_eq!(get(&c, &email)["email"], "bob@example.com");
    // A token made now has none, even once the app asks again.
    let tok = env.json(&["keys", "regenerate", "mail", "access", "--user", "bob"]);
    let c = Creds {
        token: tok["secrets"]["access_token"].as_str().unwrap().into(),
        token_secret: tok["secrets"]["access_token_secret"]
            .as_str()
            .unwrap()
            .into(),
        ..c
    };
    assert!(!get(&c, &email).as_object().unwrap().contains_key("email"));
    env.ok(&["app", "update", "mail", "--request-email", "on"]);
    let v = get(&c, &email);
    assert!(!v.as_object().unwrap().contains_key("email"), "{v}");
    // The v1.1 user object: the platform's fields and time format.
    assert_eq!(v["screen_name"], "bob");
    assert_eq!(v["id_str"], v["id"].as_u64().unwrap().to_string());
    assert!(
        v["profile_image_url_https"]
            .as_str()
            .unwrap()
            .starts_with("https://"),
        "{v}"
    );
    assert_eq!(v["entities"]["description"]["urls"], serde_json::json!([]));
    let when = v["created_at"].as_str().unwrap();
    let parts: Vec<&str> = when.split(' ').collect();
    assert_eq!(parts.len(), 6, "{when}");
    assert_eq!(
        (parts[4], parts[0].len(), parts[1].len()),
        ("+0000", 3, 3),
        "{when}"
    );
    assert!(parts[5].parse::<u32>().unwrap() >= 2024, "{when}");
    let lean = get(
        &c,
        &[("include_entities", "false"), ("skip_status", "true")],
    );
    assert!(
        !lean.as_object().unwrap().contains_key("entities"),
        "{lean}"
    );
}
