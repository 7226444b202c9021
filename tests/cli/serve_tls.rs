//! `appctl serve --tls` and `--alias-origin`: HTTPS from a local CA kept in
//! the store, and signatures made for another origin than the server's.

use crate::serve::{Server, app_with_token, code, run_client, signed_for};
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

/// The local CA's certificate as `serve --print-ca` prints it, written to
/// a file in the test's directory.
fn ca_file(env: &Env) -> String {
    let pem = env.ok(&["serve", "--print-ca"]);
    let path = env.path("ca.pem");
    std::fs::write(&path, &pem).unwrap();
    path.to_str().unwrap().to_string()
}

/// The port of a server's base URL.
fn port(s: &Server) -> u16 {
    s.addr.rsplit(':').next().unwrap().parse().unwrap()
}

/// Runs tests/clients/tls_probe.py: one connection per probe, each a
/// (dialled address, server_hostname) pair, trusting `ca` if given.
fn probe(s: &Server, ca: Option<&str>, probes: &[serde_json::Value]) -> Vec<serde_json::Value> {
    let python = crate::util::python_with("ssl").expect("python3 with ssl");
    let spec = serde_json::json!({"port": port(s), "ca": ca, "probes": probes});
    let v = run_client(&python, "tls_probe.py", &spec, s);
    v.as_array().unwrap().clone()
}

fn at(connect: &str, name: &str) -> serde_json::Value {
    serde_json::json!({"connect": connect, "name": name})
}

fn raw_at(raw: &str) -> serde_json::Value {
    serde_json::json!({"connect": "127.0.0.1", "name": "localhost", "raw": raw})
}

fn ipv6_loopback() -> bool {
    std::net::TcpListener::bind("[::1]:0").is_ok()
}

#[test]
fn the_ca_is_made_once_kept_across_restarts_and_print_ca_is_stable() {
    let env = Env::new();
    let out = env.run(&["serve", "--print-ca"]);
    assert!(out.status.success());
    let first = String::from_utf8(out.stdout).unwrap();
    assert!(
        first.starts_with("-----BEGIN CERTIFICATE-----\n"),
        "{first}"
    );
    // The notice of the new CA fits 80 columns and shows its whole
    // fingerprint, in halves.
    let note = String::from_utf8(out.stderr).unwrap();
    assert!(note.lines().all(|l| l.chars().count() <= 80), "{note}");
    let halves: Vec<&str> = note.lines().filter_map(|l| l.strip_prefix("  ")).collect();
    assert!(first.ends_with("-----END CERTIFICATE-----\n"), "{first}");
    let stored = env.store_bytes();
    assert_eq!(env.ok(&["serve", "--print-ca"]), first);
    // Printing a CA that exists writes nothing.
    assert_eq!(env.store_bytes(), stored);
    let json = env.json(&["serve", "--print-ca"]);
    assert_eq!(json["certificate"], first);
    assert_eq!(json["made_now"], false);
    assert_eq!(json["sha256"], halves.join(":"), "{note}");
    let ca = ca_file(&env);
    let mut seen = Vec::new();
    for _ in 0..2 {
        let s = Server::start(&env, &["--tls"]);
        assert!(s.url.starts_with("https://127.0.0.1:"), "{}", s.url);
        let got = probe(&s, Some(&ca), &[at("127.0.0.1", "127.0.0.1")]);
        assert_eq!(got[0]["status"], 404, "{got:?}");
        assert_eq!(got[0]["version"], "TLSv1.3");
        seen.push(got[0]["cert_sha256"].clone());
    }
    // The server's certificate is made anew at each start; the CA stays.
    assert_ne!(seen[0], seen[1]);
    assert_eq!(env.ok(&["serve", "--print-ca"]), first);
    let log = env.json(&["log"]);
    let made: Vec<_> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "serve.tls_ca")
        .collect();
    assert_eq!(made.len(), 1, "{log}");
    let check = env.json(&["check"]);
    assert_eq!(check["sound"], true);
    assert_eq!(check["tls_ca"]["sha256"], json["sha256"]);
}

#[test]
fn a_client_that_trusts_the_ca_connects_by_each_name_with_hostname_checks_on() {
    let env = Env::new();
    let ca = ca_file(&env);
    let s = Server::start(
        &env,
        &[
            "--tls",
            "--tls-name",
            "API.twitter.com",
            "--tls-name",
            "192.0.2.7",
        ],
    );
    let got = probe(
        &s,
        Some(&ca),
        &[
            at("127.0.0.1", "127.0.0.1"),
            at("127.0.0.1", "localhost"),
            at("127.0.0.1", "api.twitter.com"),
            at("127.0.0.1", "192.0.2.7"),
            at("127.0.0.1", "api.x.com"),
        ],
    );
    for g in &got[..4] {
        assert_eq!(g["status"], 404, "{got:?}");
    }
    // A name the certificate is not for fails hostname checking.
    assert_eq!(got[4]["error"], "verify", "{got:?}");
    assert!(
        got[4]["message"].as_str().unwrap().contains("ostname"),
        "{got:?}"
    );
    // Without the CA, verification fails.
    let untrusted = probe(&s, None, &[at("127.0.0.1", "localhost")]);
    assert_eq!(untrusted[0]["error"], "verify", "{untrusted:?}");
    s.wait_log("TLS handshake failed");
    if ipv6_loopback() {
        let s6 = Server::start(&env, &["--tls", "--listen", "[::1]:0"]);
        assert!(s6.url.starts_with("https://[::1]:"), "{}", s6.url);
        let got = probe(&s6, Some(&ca), &[at("::1", "::1"), at("::1", "localhost")]);
        assert_eq!(got[0]["status"], 404, "{got:?}");
        assert_eq!(got[1]["status"], 404, "{got:?}");
    } else {
        eprintln!("skipped the ::1 part: no IPv6 loopback here");
    }
}

#[test]
fn tls_names_and_print_ca_are_checked_before_the_store_is_opened() {
    let env = Env::new();
    let before = env.store_bytes();
    let err = env.fails(&["serve", "--tls", "--tls-name", "*.example.com"], 9);
    assert!(err.contains("wildcard"), "{err}");
    env.fails(&["serve", "--tls", "--tls-name", "not a name"], 9);
    // --tls-name needs --tls; --print-ca serves nothing.
    env.fails(&["serve", "--tls-name", "example.com"], 2);
    env.fails(&["serve", "--print-ca", "--listen", "127.0.0.1:0"], 2);
    assert_eq!(env.store_bytes(), before);
}

#[test]
fn the_plain_servers_limits_hold_over_tls() {
    let env = Env::new();
    let ca = ca_file(&env);
    let s = Server::start(&env, &["--tls"]);
    let big = format!(
        "GET / HTTP/1.1\r\nHost: localhost\r\nX-Filler: {}\r\n\r\n",
        "a".repeat(17 * 1024)
    );
    let got = probe(
        &s,
        Some(&ca),
        &[
            raw_at(&big),
            raw_at(
                "POST /oauth2/token HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1048577\r\n\r\n",
            ),
            raw_at("GARBAGE\x01\r\n\r\n"),
            raw_at(
                "GET /a HTTP/1.1\r\nHost: localhost\r\n\r\nGET /b HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
            ),
        ],
    );
    let statuses: Vec<_> = got.iter().map(|g| g["status"].clone()).collect();
    assert_eq!(statuses, [431, 413, 400, 404], "{got:?}");
    assert_eq!(
        got[3]["response"]
            .as_str()
            .unwrap()
            .matches("HTTP/1.1 404")
            .count(),
        2
    );
    // The origin signed is https with the Host sent.
    let c = app_with_token(&env, "over-tls", &[], None);
    let path = "/1.1/account/verify_credentials.json";
    let token = Some((c.token.as_str(), c.token_secret.as_str()));
    let h = signed_for(&s.url, "GET", path, &[], &c, token, &[]);
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: {}\r\n{h}\r\nConnection: close\r\n\r\n",
        s.addr
    );
    let h_http = signed_for(
        &s.url.replace("https", "http"),
        "GET",
        path,
        &[],
        &c,
        token,
        &[],
    );
    let req_http = format!(
        "GET {path} HTTP/1.1\r\nHost: {}\r\n{h_http}\r\nConnection: close\r\n\r\n",
        s.addr
    );
    let got = probe(&s, Some(&ca), &[raw_at(&req), raw_at(&req_http)]);
    assert_eq!(got[0]["status"], 200, "{got:?}");
    assert_eq!(got[1]["status"], 401, "{got:?}");
}

#[test]
fn plain_http_garbage_and_stalled_handshakes_at_the_tls_port_do_not_stop_it() {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::time::{Duration, Instant};
    let env = Env::new();
    let ca = ca_file(&env);
    let s = Server::start(&env, &["--tls"]);
    // A plain HTTP request: a plain 400 that says where to go.
    let resp = s.raw(b"GET /x HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assert!(resp.starts_with("HTTP/1.1 400 "), "{resp}");
    assert!(resp.contains(&s.url), "{resp}");
    // Garbage, binary or a TLS record that is not a handshake: closed.
    for junk in [
        &b"\x00\x01\x02garbage"[..],
        b"\x16\x03\x01\x00\x05hello",
        b"\x17\x03\x03\xff\xffxx",
    ] {
        let mut c = TcpStream::connect(&s.addr).unwrap();
        c.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
        let _ = c.write_all(junk);
        let started = Instant::now();
        let mut got = Vec::new();
        let _ = c.read_to_end(&mut got);
        assert!(started.elapsed() < Duration::from_secs(12), "{junk:?}");
        assert!(
            !String::from_utf8_lossy(&got).contains("HTTP/1.1"),
            "{got:?}"
        );
    }
    // Half a ClientHello, then nothing: closed at the head timeout.
    let mut stalled = TcpStream::connect(&s.addr).unwrap();
    stalled
        .write_all(b"\x16\x03\x01\x02\x00\x01\x00\x01")
        .unwrap();
    stalled
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let started = Instant::now();
    let mut sink = Vec::new();
    let _ = stalled.read_to_end(&mut sink);
    let waited = started.elapsed();
    assert!(
        waited > Duration::from_secs(8) && waited < Duration::from_secs(15),
        "{waited:?}"
    );
    let got = probe(&s, Some(&ca), &[at("127.0.0.1", "localhost")]);
    assert_eq!(got[0]["status"], 404, "{got:?}");
    s.wait_log("- - 400 app=- user=-");
    s.wait_log("no handshake within the head timeout");
}

#[test]
fn over_tls_the_connection_bound_closes_one_connection_too_many() {
    use std::io::Read;
    use std::time::{Duration, Instant};
    let env = Env::new();
    let ca = ca_file(&env);
    let s = Server::start(&env, &["--tls"]);
    let (held, mut extra) = s.hold_every_connection();
    let started = Instant::now();
    let mut got = Vec::new();
    let n = extra.read_to_end(&mut got);
    assert!(n.is_ok() && got.is_empty(), "{n:?} {got:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
    drop(held);
    // Once they are gone, a client gets in again.
    let until = Instant::now() + Duration::from_secs(10);
    loop {
        let got = probe(&s, Some(&ca), &[at("127.0.0.1", "localhost")]);
        if got[0]["status"] == 404 {
            break;
        }
        assert!(Instant::now() < until, "{got:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The CA's private key as the store keeps it (PKCS#8 DER), read with the
/// library, and its 32-byte private scalar.
fn ca_key(env: &Env) -> (Vec<u8>, Vec<u8>) {
    use appctl::store::{Access, Store, Unlock};
    let pass = crate::util::PASSPHRASE.as_bytes();
    let store = Store::open(&env.store, Unlock::Passphrase(pass), Access::Read).unwrap();
    let der = store.tls_ca().unwrap().unwrap().key.to_vec();
    // ECPrivateKey's version 1, then the key as a 32-byte octet string.
    let at = der
        .windows(5)
        .position(|w| w == [0x02, 0x01, 0x01, 0x04, 0x20])
        .unwrap();
    let scalar = der[at + 5..at + 37].to_vec();
    (der, scalar)
}

#[test]
fn the_ca_key_is_in_no_output_and_the_store_holds_it_only_encrypted() {
    use base64::Engine as _;
    let env = Env::new();
    let c = app_with_token(&env, "secretive", &[], None);
    let mut outputs = vec![env.ok(&["serve", "--print-ca"])];
    outputs.push(env.json(&["serve", "--print-ca"]).to_string());
    let (der, scalar) = ca_key(&env);
    let s = Server::start(&env, &["--tls"]);
    let ca = ca_file(&env);
    let path = "/1.1/account/verify_credentials.json";
    let h = signed_for(
        &s.url,
        "GET",
        path,
        &[],
        &c,
        Some((&c.token, &c.token_secret)),
        &[],
    );
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: {}\r\n{h}\r\nConnection: close\r\n\r\n",
        s.addr
    );
    let got = probe(&s, Some(&ca), &[raw_at(&req)]);
    assert_eq!(got[0]["status"], 200, "{got:?}");
    outputs.push(serde_json::Value::Array(got).to_string());
    s.wait_log(&format!("GET {path} 200"));
    outputs.push(s.log());
    drop(s);
    for args in [
        &["log"][..],
        &["--json", "log"],
        &["--json", "check"],
        &["--json", "status"],
    ] {
        let out = env.run(args);
        outputs.push(String::from_utf8_lossy(&out.stdout).into_owned());
        outputs.push(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let backup = env.path("backup.appctl");
    env.ok(&["backup", backup.to_str().unwrap()]);
    let b64 = base64::engine::general_purpose::STANDARD;
    let forms = [
        hex::encode(&scalar),
        hex::encode_upper(&scalar),
        b64.encode(&der)[..40].to_string(),
        b64.encode(&scalar),
        "PRIVATE KEY".to_string(),
    ];
    for out in &outputs {
        for f in &forms {
            assert!(!out.contains(f.as_str()), "{f} in {out}");
        }
    }
    for file in [env.store_bytes(), std::fs::read(&backup).unwrap()] {
        assert!(!crate::util::contains(&file, &scalar));
    }
}

#[test]
fn an_old_store_gets_its_ca_at_the_first_print_ca_and_reaches_the_current_schema() {
    let env = Env::bare();
    let run = crate::vectors::old_store(&env, "sound-schema-2.appctl");
    assert_eq!(run(&["--json", "check"])["schema_version"], 2);
    let made = run(&["--json", "serve", "--print-ca"]);
    assert_eq!(made["made_now"], true);
    let check = run(&["--json", "check"]);
    assert_eq!(check["schema_version"], appctl::store::schema::CURRENT);
    assert_eq!(check["sound"], true);
    assert_eq!(check["tls_ca"]["sha256"], made["sha256"]);
    assert_eq!(
        run(&["--json", "serve", "--print-ca"])["certificate"],
        made["certificate"]
    );
}

#[test]
fn commands_that_make_the_ca_at_once_make_one_between_them() {
    let env = Env::new();
    let runs: Vec<_> = (0..4)
        .map(|_| {
            let mut c = env.std_cmd();
            c.args(["serve", "--print-ca"]);
            c.stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let pems: Vec<String> = runs
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().unwrap();
            crate::util::succeeded(&out);
            String::from_utf8(out.stdout).unwrap()
        })
        .collect();
    assert!(pems.iter().all(|p| p == &pems[0]), "{pems:?}");
    let log = env.json(&["log"]);
    let made = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "serve.tls_ca")
        .count();
    assert_eq!(made, 1, "{log}");
}

#[test]
fn tweepy_runs_the_3_legged_flow_and_gets_a_bearer_token_over_tls_with_an_alias_origin() {
    let Some(python) = crate::util::python_with("tweepy") else {
        return;
    };
    let env = Env::new();
    env.ok(&["users", "add", "tweepy_user", "--name", "Tweepy User"]);
    let cb = "http://127.0.0.1:9/tweepy-cb";
    let c = app_with_token(
        &env,
        "tweepy-app",
        &["--callback-url", cb, "--three-legged-oauth", "on"],
        None,
    );
    let ca = ca_file(&env);
    let run = |extra: &[&str]| {
        let mut args = vec!["--tls", "--approve-as", "tweepy_user"];
        args.extend_from_slice(extra);
        let s = Server::start(&env, &args);
        let spec = serde_json::json!({
            "port": port(&s), "ca": ca, "key": c.key, "secret": c.secret, "callback": cb,
        });
        (run_client(&python, "tweepy_flow.py", &spec, &s), s)
    };
    // Signed for https://api.twitter.com, sent to loopback: refused
    // unless that origin is given.
    let (v, _) = run(&[]);
    assert_eq!(v["request_token"]["type"], "TweepyException", "{v}");
    let (v, s) = run(&["--alias-origin", "https://api.twitter.com"]);
    assert_eq!(v["tweepy"], "4.17.0");
    assert_eq!(
        v["authorize_url"], "https://api.twitter.com/oauth/authorize",
        "{v}"
    );
    assert_eq!(v["authorize_status"], 302, "{v}");
    assert_eq!(v["callback"], cb);
    let users = env.json(&["users", "list"]);
    let id = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["screen_name"] == "tweepy_user")
        .unwrap()["id"]
        .clone();
    assert_eq!(v["user"]["screen_name"], "tweepy_user", "{v}");
    assert_eq!(v["user"]["id_str"], id);
    assert_eq!(v["access_token_prefix"], id);
    assert_eq!(v["bearer_starts"], "AAAAAAAAAAAAAAAAAAAAA");
    assert_eq!(v["bearer_on_user_context"]["codes"][0], 220, "{v}");
    let called: Vec<&str> = v["called"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(
        called,
        [
            "POST https://api.twitter.com/oauth/request_token",
            "GET https://api.twitter.com/oauth/authorize",
            "POST https://api.twitter.com/oauth/access_token",
            "GET https://api.twitter.com/1.1/account/verify_credentials.json",
            "POST https://api.twitter.com/oauth2/token",
            "GET https://api.twitter.com/1.1/account/verify_credentials.json",
        ]
    );
    let log = s.log();
    assert!(log.contains("POST /oauth/access_token 200"), "{log}");
    assert!(
        log.contains("GET /1.1/account/verify_credentials.json 200"),
        "{log}"
    );
}
