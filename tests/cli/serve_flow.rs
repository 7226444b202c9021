//! `appctl serve`'s OAuth 1.0a 3-legged flow: request token, the
//! authorize page (its escaping, picker and Cancel), access token, and
//! eight flows at once while the CLI writes.

use super::serve::*;
use crate::util::Env;

/// Runs tests/clients/serve_flow.py against `s`.
fn flow(
    python: &str,
    s: &Server,
    c: &Creds,
    callback: &str,
    mode: &str,
    user: &str,
) -> serde_json::Value {
    flow_with(python, s, c, callback, mode, user, false)
}

/// The same; with `keep` the access token is returned, not invalidated.
fn flow_with(
    python: &str,
    s: &Server,
    c: &Creds,
    callback: &str,
    mode: &str,
    user: &str,
    keep: bool,
) -> serde_json::Value {
    let spec = serde_json::json!({
        "base": s.url, "key": c.key, "secret": c.secret,
        "callback": callback, "mode": mode, "user": user, "keep": keep,
    });
    run_client(python, "serve_flow.py", &spec, s)
}

const CB: &str = "http://127.0.0.1:9/cb?from=app";

fn flow_app(env: &Env, name: &str, extra: &[&str]) -> Creds {
    let mut args = vec![
        "--callback-url",
        CB,
        "--three-legged-oauth",
        "on",
        "--permissions",
        "read-write",
    ];
    args.extend_from_slice(extra);
    app_with_token(env, name, &args, None)
}

#[test]
fn requests_oauthlib_runs_the_3_legged_flow_with_approve_as() {
    let Some(python) = crate::util::python_with("requests_oauthlib") else {
        return;
    };
    let env = Env::new();
    let bob = env.ok(&["users", "add", "bob"]).trim().to_string();
    let c = flow_app(&env, "signin", &[]);
    let s = Server::start(&env, &["--approve-as", "bob"]);
    let v = flow(&python, &s, &c, CB, "approve-as", "");
    assert_eq!(v["confirmed"], "true");
    assert_eq!(v["redirect_status"], 302);
    let loc = v["location"].as_str().unwrap();
    assert!(
        loc.starts_with("http://127.0.0.1:9/cb?from=app&oauth_token="),
        "{loc}"
    );
    assert!(loc.contains("&oauth_verifier="), "{loc}");
    assert_eq!(v["screen_name"], "bob");
    assert_eq!(v["user_id"].as_str(), Some(bob.as_str()));
    assert_eq!(v["v1"]["status"], 200);
    assert_eq!(v["v1"]["level"], "read-write");
    assert_eq!(v["v1"]["body"]["screen_name"], "bob");
    assert_eq!(v["me"]["body"]["data"]["username"], "bob");
    assert_eq!(v["reuse"], "TokenRequestDenied");
    assert_eq!(v["invalidate"], 200);
    assert_eq!(v["after_invalidate"]["status"], 401);
    assert_eq!(v["after_invalidate"]["body"]["errors"][0]["code"], 89);
    let log = env.ok(&["log"]);
    assert!(log.contains("serve.access_token"), "{log}");
    // --approve-as names someone who exists.
    assert_eq!(
        env.run(&["serve", "--approve-as", "nobody"]).status.code(),
        Some(3)
    );
}

#[test]
fn the_authorize_page_escapes_the_app_allows_a_picked_user_and_cancels() {
    let Some(python) = crate::util::python_with("requests_oauthlib") else {
        return;
    };
    let env = Env::new();
    env.ok(&["users", "add", "amy"]);
    let carl = env.ok(&["users", "add", "carl"]).trim().to_string();
    let c = flow_app(
        &env,
        "evil",
        &["--description", "<script>alert(1)</script> & <b>bold</b>"],
    );
    let s = Server::start(&env, &[]);
    let v = flow(&python, &s, &c, CB, "allow", &carl);
    assert_eq!(v["page_status"], 200);
    let page = v["page"].as_str().unwrap();
    assert!(
        !page.contains("<script>") && !page.contains("<b>"),
        "{page}"
    );
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt; &amp; &lt;b&gt;"),
        "{page}"
    );
    assert!(
        page.contains("id=\"allow\"") && page.contains("id=\"cancel\""),
        "{page}"
    );
    assert!(page.contains("Authorize app"), "{page}");
    // The owner first, and preselected.
    let owner_at = page.find("(owner)").unwrap();
    assert!(owner_at < page.find("@amy").unwrap(), "{page}");
    let h = &v["page_headers"];
    assert_eq!(h["X-Frame-Options"], "DENY");
    assert_eq!(h["Referrer-Policy"], "no-referrer");
    let csp = h["Content-Security-Policy"].as_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'none'"));
    assert!(!csp.contains("script-src"), "{csp}");
    assert_eq!(v["redirect_status"], 302);
    assert_eq!(v["again_status"], 400);
    assert_eq!(v["screen_name"], "carl");
    assert_eq!(v["v1"]["body"]["screen_name"], "carl");
    let v = flow(&python, &s, &c, CB, "cancel", &carl);
    let loc = v["location"].as_str().unwrap();
    assert!(
        loc.starts_with("http://127.0.0.1:9/cb?from=app&denied="),
        "{loc}"
    );
    assert!(!loc.contains("oauth_verifier"), "{loc}");
}

/// The value of `name` in a form-encoded response body.
fn form_value(resp: &str, name: &str) -> String {
    url::form_urlencoded::parse(body(resp).as_bytes())
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

#[test]
fn request_token_holds_the_apps_settings_and_oob_gives_a_pin() {
    let env = Env::new();
    let c = flow_app(&env, "desk", &[]);
    let s = Server::start(&env, &[]);
    let rt = |cb: &str| {
        let h = signed(
            &s,
            "POST",
            "/oauth/request_token",
            &c,
            None,
            &[("oauth_callback", cb)],
        );
        s.get("POST", "/oauth/request_token", &[&h], "")
    };
    // Exact match only.
    let (st, resp) = rt("http://127.0.0.1:9/cb");
    assert_eq!((st, code(&resp)), (403, 415), "{resp}");
    let (st, resp) = rt(CB);
    assert_eq!(st, 200, "{resp}");
    assert_eq!(form_value(&resp, "oauth_callback_confirmed"), "true");
    // An unknown token, and a form without the page's anti-forgery token.
    let (st, resp) = s.get("GET", "/oauth/authorize?oauth_token=nope", &[], "");
    assert_eq!(st, 400);
    assert!(resp.contains("Whoa there!"), "{resp}");
    let tok = form_value(&resp_ok(rt(CB)), "oauth_token");
    let forged = format!("oauth_token={tok}&authenticity_token=guess&allow=1&user=1");
    let (st, _) = s.get("POST", "/oauth/authorize", &[FORM], &forged);
    assert_eq!(st, 403);
    // oob: a PIN of 7 digits on the page, which then is the verifier.
    let resp = resp_ok(rt("oob"));
    let (tok, secret) = (
        form_value(&resp, "oauth_token"),
        form_value(&resp, "oauth_token_secret"),
    );
    let (_, page) = s.get(
        "GET",
        &format!("/oauth/authorize?oauth_token={tok}"),
        &[],
        "",
    );
    let csrf = page
        .split("name=\"authenticity_token\" value=\"")
        .nth(1)
        .unwrap();
    let csrf = &csrf[..csrf.find('"').unwrap()];
    let f = format!("oauth_token={tok}&authenticity_token={csrf}&allow=1&user=alice");
    let (st, resp) = s.get("POST", "/oauth/authorize", &[FORM], &f);
    assert_eq!(st, 200, "{resp}");
    let pin = resp.split("<code id=\"oauth_pin\">").nth(1).unwrap();
    let pin = &pin[..7];
    assert!(pin.bytes().all(|b| b.is_ascii_digit()), "{resp}");
    let wrong = signed(
        &s,
        "POST",
        "/oauth/access_token",
        &c,
        Some((&tok, &secret)),
        &[("oauth_verifier", "0000000x")],
    );
    let (st, resp) = s.get("POST", "/oauth/access_token", &[&wrong], "");
    assert_eq!(st, 401);
    assert!(resp.contains("Invalid oauth_verifier parameter"), "{resp}");
    let h = signed(
        &s,
        "POST",
        "/oauth/access_token",
        &c,
        Some((&tok, &secret)),
        &[("oauth_verifier", pin)],
    );
    let (st, resp) = s.get("POST", "/oauth/access_token", &[&h], "");
    assert_eq!(st, 200, "{resp}");
    assert_eq!(form_value(&resp, "screen_name"), "alice");
    // 3-legged OAuth off: no request tokens.
    env.ok(&["app", "update", "desk", "--three-legged-oauth", "off"]);
    let (st, resp) = rt(CB);
    assert_eq!((st, code(&resp)), (403, 87), "{resp}");
}

#[test]
fn eight_flows_at_once_while_the_cli_writes_lose_nothing() {
    let Some(python) = crate::util::python_with("requests_oauthlib") else {
        return;
    };
    let env = Env::new();
    let users: Vec<String> = (0..8)
        .map(|i| {
            env.ok(&["users", "add", &format!("u{i}")])
                .trim()
                .to_string()
        })
        .collect();
    let c = flow_app(&env, "busy", &[]);
    let s = Server::start(&env, &[]);
    let results = std::thread::scope(|scope| {
        let writer = scope.spawn(|| {
            for i in 0..8 {
                env.ok(&["app", "create", &format!("w{i}")]);
            }
        });
        let flows: Vec<_> = users
            .iter()
            .map(|u| scope.spawn(|| flow_with(&python, &s, &c, CB, "allow", u, true)))
            .collect();
        writer.join().unwrap();
        flows
            .into_iter()
            .map(|f| f.join().unwrap())
            .collect::<Vec<_>>()
    });
    // Every app the CLI made is there, and every token the flows made works.
    let apps = env.ok(&["app", "list"]);
    for i in 0..8 {
        assert!(apps.contains(&format!("w{i}")), "{apps}");
    }
    let path = "/1.1/account/verify_credentials.json";
    for (i, v) in results.iter().enumerate() {
        assert_eq!(v["screen_name"], format!("u{i}"), "{v}");
        let t = Creds {
            key: c.key.clone(),
            secret: c.secret.clone(),
            token: v["token"].as_str().unwrap().to_string(),
            token_secret: v["token_secret"].as_str().unwrap().to_string(),
        };
        let (st, resp) = s.get("GET", path, &[&oauth_header(&s, path, &t)], "");
        assert_eq!(st, 200, "{resp}");
        assert_eq!(json_body(&resp)["screen_name"], format!("u{i}"));
    }
}
