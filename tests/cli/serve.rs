//! `appctl serve`: the server itself. It listens on loopback only unless
//! told otherwise, prints its base URL first, logs one line per request
//! without any query value, holds its limits, stops gracefully on SIGINT
//! and SIGTERM, and stops with exit 5 once the store has a new data key.
//! Also the helpers the other `serve_*` tests share: [`Server`], signed
//! requests, and running the Python clients of tests/clients/.

use crate::util::{Env, PASSPHRASE};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ExitStatus};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running `appctl serve`, its base URL and its stderr as it comes.
pub struct Server {
    child: Child,
    pub url: String,
    pub addr: String,
    log: Arc<Mutex<String>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    pub fn start(env: &Env, extra: &[&str]) -> Server {
        let mut args = vec!["serve"];
        args.extend_from_slice(extra);
        let mut child = env.spawn(&args);
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut url = String::new();
        out.read_line(&mut url).unwrap();
        let url = url.trim_end().to_string();
        let addr = url
            .strip_prefix("http://")
            .or_else(|| url.strip_prefix("https://"))
            .unwrap_or_else(|| panic!("first line {url:?}"))
            .to_string();
        let log = Arc::new(Mutex::new(String::new()));
        let mut err = child.stderr.take().unwrap();
        let sink = Arc::clone(&log);
        let reader = std::thread::spawn(move || {
            let mut chunk = [0u8; 4096];
            while let Ok(n) = err.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&chunk[..n]));
            }
        });
        Server {
            child,
            url,
            addr,
            log,
            reader: Some(reader),
        }
    }

    /// Sends `raw` as is on a new connection and reads until it closes.
    pub fn raw(&self, raw: &[u8]) -> String {
        let mut c = TcpStream::connect(&self.addr).unwrap();
        c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let _ = c.write_all(raw);
        let mut got = Vec::new();
        let _ = c.read_to_end(&mut got);
        String::from_utf8_lossy(&got).into_owned()
    }

    /// A request with `Connection: close`; the status and whole response.
    pub fn get(&self, method: &str, target: &str, headers: &[&str], body: &str) -> (u16, String) {
        let mut req = format!("{method} {target} HTTP/1.1\r\nHost: {}\r\n", self.addr);
        for h in headers {
            req.push_str(h);
            req.push_str("\r\n");
        }
        req.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ));
        let resp = self.raw(req.as_bytes());
        (status(&resp), resp)
    }

    /// Takes every connection the server serves at once, then opens one
    /// more (reading from it waits at most 5 s).
    pub fn hold_every_connection(&self) -> (Vec<TcpStream>, TcpStream) {
        let held = (0..appctl::serve::MAX_CONNECTIONS)
            .map(|_| TcpStream::connect(&self.addr).unwrap())
            .collect();
        std::thread::sleep(Duration::from_millis(300));
        let extra = TcpStream::connect(&self.addr).unwrap();
        extra
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        (held, extra)
    }

    /// stderr so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Waits until stderr holds `needle`.
    pub fn wait_log(&self, needle: &str) {
        let until = Instant::now() + Duration::from_secs(10);
        while !self.log().contains(needle) {
            assert!(Instant::now() < until, "no {needle:?} in {:?}", self.log());
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn signal(&self, sig: &str) {
        let ok = std::process::Command::new("kill")
            .args([&format!("-{sig}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(ok.success());
    }

    /// Waits for the exit (at most 10 s), then for the last of stderr.
    pub fn wait(&mut self) -> ExitStatus {
        let until = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                if let Some(r) = self.reader.take() {
                    r.join().unwrap();
                }
                return s;
            }
            assert!(Instant::now() < until, "serve did not stop");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The status code of a raw response (0 for none).
pub fn status(resp: &str) -> u16 {
    resp.split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .filter(|_| resp.starts_with("HTTP/1.1 "))
        .unwrap_or(0)
}

/// The body of a raw response.
pub fn body(resp: &str) -> &str {
    resp.split_once("\r\n\r\n").map_or("", |(_, b)| b)
}

#[test]
fn prints_its_base_url_answers_404_and_logs_no_query_value() {
    let env = Env::new();
    let s = Server::start(&env, &[]);
    assert!(s.url.starts_with("http://127.0.0.1:"), "{}", s.url);
    assert_ne!(s.url, "http://127.0.0.1:0");
    let (code, resp) = s.get("GET", "/nope?password=hunter2", &[], "");
    assert_eq!(code, 404, "{resp}");
    let v: serde_json::Value = serde_json::from_str(body(&resp)).unwrap();
    assert_eq!(v["errors"][0]["code"], 34);
    let (code, resp) = s.get("GET", "/2/nope", &[], "");
    assert_eq!(code, 404);
    assert!(resp.contains("application/problem+json"), "{resp}");
    s.wait_log("GET /2/nope 404");
    let log = s.log();
    assert!(log.contains("GET /nope 404 app=- user=- "), "{log}");
    assert!(
        !log.contains("hunter2") && !log.contains("password"),
        "{log}"
    );
}

#[test]
fn the_access_log_times_a_request_from_its_first_byte_not_from_the_idle_wait() {
    let env = Env::new();
    let s = Server::start(&env, &[]);
    let mut c = TcpStream::connect(&s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut exchange = |path: &str| {
        let req = format!("GET {path} HTTP/1.1\r\nHost: {}\r\n\r\n", s.addr);
        c.write_all(req.as_bytes()).unwrap();
        let mut got = Vec::new();
        let mut byte = [0u8; 4096];
        // A 404's body is JSON: the response ends with its closing brace.
        while !got.ends_with(b"}") {
            let n = c.read(&mut byte).unwrap();
            assert!(n > 0, "closed after {:?}", String::from_utf8_lossy(&got));
            got.extend_from_slice(&byte[..n]);
        }
    };
    exchange("/first");
    // The kept-alive connection waits; the next request is quick.
    std::thread::sleep(Duration::from_millis(150));
    exchange("/second");
    // So is a refusal after a wait.
    std::thread::sleep(Duration::from_millis(150));
    let refused = format!(
        "POST /x HTTP/1.1\r\nHost: {}\r\nTransfer-Encoding: chunked\r\n\r\n",
        s.addr
    );
    c.write_all(refused.as_bytes()).unwrap();
    let mut rest = String::new();
    c.read_to_string(&mut rest).unwrap();
    assert!(rest.starts_with("HTTP/1.1 411 "), "{rest}");
    s.wait_log(" 411 ");
    let log = s.log();
    for start in ["GET /second 404 ", "- - 411 "] {
        let line = log.lines().find(|l| l.starts_with(start)).unwrap();
        let ms: u64 = line
            .rsplit(' ')
            .next()
            .and_then(|t| t.strip_suffix("ms"))
            .and_then(|t| t.parse().ok())
            .unwrap_or_else(|| panic!("no time in {line:?}"));
        assert!(ms < 100, "{line}");
    }
}

#[test]
fn a_non_loopback_address_is_refused_unless_allowed() {
    let env = Env::new();
    let out = env.run(&["serve", "--listen", "0.0.0.0:0"]);
    assert_eq!(out.status.code(), Some(9));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--allow-remote"));
    let mut s = Server::start(&env, &["--listen", "0.0.0.0:0", "--allow-remote"]);
    assert!(s.url.starts_with("http://0.0.0.0:"), "{}", s.url);
    s.signal("TERM");
    assert_eq!(s.wait().code(), Some(0));
}

#[test]
fn sigint_and_sigterm_stop_it_with_exit_0_after_the_request_in_flight() {
    let env = Env::new();
    for sig in ["INT", "TERM"] {
        let mut s = Server::start(&env, &[]);
        // A request whose head is half sent when the signal comes.
        let mut c = TcpStream::connect(&s.addr).unwrap();
        c.write_all(b"GET /x HTTP/1.1\r\nHost: a\r\n").unwrap();
        std::thread::sleep(Duration::from_millis(100));
        s.signal(sig);
        std::thread::sleep(Duration::from_millis(100));
        c.write_all(b"\r\n").unwrap();
        let mut got = String::new();
        c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let _ = c.read_to_string(&mut got);
        assert_eq!(status(&got), 404, "{got}");
        assert!(got.contains("Connection: close"), "{got}");
        assert_eq!(s.wait().code(), Some(0), "{sig}: {}", s.log());
    }
}

#[test]
fn limits_head_431_body_413_malformed_400_and_it_keeps_serving() {
    let env = Env::new();
    let s = Server::start(&env, &[]);
    let big = format!("X-Filler: {}", "a".repeat(17 * 1024));
    assert_eq!(s.get("GET", "/", &[&big], "").0, 431);
    let resp = s.raw(b"POST /oauth2/token HTTP/1.1\r\nHost: a\r\nContent-Length: 1048577\r\n\r\n");
    assert_eq!(status(&resp), 413, "{resp}");
    assert_eq!(status(&s.raw(b"GARBAGE\x01\r\n\r\n")), 400);
    assert_eq!(
        status(&s.raw(b"GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n")),
        400
    );
    assert_eq!(status(&s.raw(b"GET /%zz HTTP/1.1\r\n\r\n")), 400);
    // A connection cut in the middle of its head gets nothing.
    drop({
        let mut c = TcpStream::connect(&s.addr).unwrap();
        c.write_all(b"GET / HT").unwrap();
        c
    });
    // Two pipelined requests on one kept-alive connection.
    let resp = s.raw(
        b"GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(resp.matches("HTTP/1.1 404").count(), 2, "{resp}");
    assert_eq!(s.get("GET", "/still", &[], "").0, 404);
    s.wait_log("GET /still 404");
}

#[test]
fn a_new_data_key_stops_it_with_exit_5() {
    let env = Env::new();
    let mut s = Server::start(&env, &[]);
    assert_eq!(s.get("GET", "/x", &[], "").0, 404);
    let f = env.path("new-passphrase");
    std::fs::write(&f, "a much better passphrase\n").unwrap();
    let out = env
        .cmd()
        .env("APPCTL_PASSPHRASE", PASSPHRASE)
        .args(["passwd", "--new-passphrase-file", f.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(s.get("GET", "/x", &[], "").0, 503);
    assert_eq!(s.wait().code(), Some(5));
    assert!(
        s.log().contains("start `appctl serve` again"),
        "{}",
        s.log()
    );
}

/// An app's consumer pair and one access token.
pub struct Creds {
    pub key: String,
    pub secret: String,
    pub token: String,
    pub token_secret: String,
}

/// The app `name` made with `extra` settings, with an access token for
/// `user` (the owner when `None`).
pub fn app_with_token(env: &Env, name: &str, extra: &[&str], user: Option<&str>) -> Creds {
    let mut args = vec!["app", "create", name];
    args.extend_from_slice(extra);
    let app = env.json(&args);
    let mut args = vec!["keys", "create", name, "access"];
    if let Some(u) = user {
        args.extend_from_slice(&["--user", u]);
    }
    let tok = env.json(&args);
    let s = |v: &serde_json::Value, k: &str| v["secrets"][k].as_str().unwrap().to_string();
    Creds {
        key: s(&app, "api_key"),
        secret: s(&app, "api_secret"),
        token: s(&tok, "access_token"),
        token_secret: s(&tok, "access_token_secret"),
    }
}

/// `Authorization: OAuth …` for a GET of `path` (no query) at `s`,
/// signed with appctl's own HMAC-SHA1, with a fresh nonce.
pub fn oauth_header(s: &Server, path: &str, c: &Creds) -> String {
    signed(s, "GET", path, c, Some((&c.token, &c.token_secret)), &[])
}

/// `Authorization: OAuth …` for `method` `path`, with `token` (key and
/// secret) if any and `extra` protocol parameters such as `oauth_callback`.
pub fn signed(
    s: &Server,
    method: &str,
    path: &str,
    c: &Creds,
    token: Option<(&str, &str)>,
    extra: &[(&str, &str)],
) -> String {
    signed_query(s, method, path, &[], c, token, extra)
}

/// As [`signed`], for a request whose URL carries `query` (signed too,
/// but not sent in the header).
pub fn signed_query(
    s: &Server,
    method: &str,
    path: &str,
    query: &[(&str, &str)],
    c: &Creds,
    token: Option<(&str, &str)>,
    extra: &[(&str, &str)],
) -> String {
    signed_for(&s.url, method, path, query, c, token, extra)
}

/// As [`signed_query`], signed for `base` (`scheme://host[:port]`)
/// whatever the request is sent to.
pub fn signed_for(
    base: &str,
    method: &str,
    path: &str,
    query: &[(&str, &str)],
    c: &Creds,
    token: Option<(&str, &str)>,
    extra: &[(&str, &str)],
) -> String {
    use appctl::oauth::encode::encode;
    use appctl::oauth::signature::{Param, Source, base_string, sign};
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nonce = format!(
        "n{}x{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    );
    let ts = appctl::store::now().to_string();
    let mut pairs = vec![
        ("oauth_consumer_key", c.key.as_str()),
        ("oauth_nonce", &nonce),
        ("oauth_signature_method", "HMAC-SHA1"),
        ("oauth_timestamp", &ts),
        ("oauth_version", "1.0"),
    ];
    if let Some((t, _)) = token {
        pairs.push(("oauth_token", t));
    }
    pairs.extend_from_slice(extra);
    let param = |(n, v): &(&str, &str), source| Param {
        name: n.as_bytes().to_vec().into(),
        value: v.as_bytes().to_vec().into(),
        source,
    };
    let params: Vec<Param> = pairs
        .iter()
        .map(|p| param(p, Source::Header))
        .chain(query.iter().map(|p| param(p, Source::Query)))
        .collect();
    let base = base_string(method, &format!("{base}{path}"), &params);
    let sig = sign(&base, &c.secret, token.map_or("", |t| t.1));
    let mut h = String::from("Authorization: OAuth ");
    for (n, v) in pairs {
        h.push_str(&format!("{n}=\"{}\", ", encode(v.as_bytes())));
    }
    h.push_str(&format!("oauth_signature=\"{}\"", encode(sig.as_bytes())));
    h
}

pub fn basic(c: &Creds) -> String {
    use base64::Engine as _;
    let v = base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", c.key, c.secret));
    format!("Authorization: Basic {v}")
}

pub const FORM: &str = "Content-Type: application/x-www-form-urlencoded;charset=UTF-8";

/// `POST /oauth2/token` with Basic auth of `c`'s consumer pair and `body`.
pub fn token_request(s: &Server, c: &Creds, body: &str) -> (u16, String) {
    s.get("POST", "/oauth2/token", &[&basic(c), FORM], body)
}

pub fn json_body(resp: &str) -> serde_json::Value {
    serde_json::from_str(body(resp)).unwrap_or_else(|_| panic!("not JSON: {resp}"))
}

/// The v1.1 error code of a response.
pub fn code(resp: &str) -> i64 {
    json_body(resp)["errors"][0]["code"].as_i64().unwrap_or(0)
}

/// Runs the client `script` of tests/clients/ with `spec` on its stdin;
/// asserts it succeeded (showing its stderr and the server's log) and
/// returns the JSON it printed.
pub fn run_client(
    python: &str,
    script: &str,
    spec: &serde_json::Value,
    s: &Server,
) -> serde_json::Value {
    converse(python, script, spec, s, None)
}

/// The same, for a client that asks a question: `spec` is the first line
/// of its stdin, its first line of stdout is a JSON question, and what
/// `answer` makes of it the second line of its stdin.
pub fn converse(
    python: &str,
    script: &str,
    spec: &serde_json::Value,
    s: &Server,
    answer: Option<&dyn Fn(&serde_json::Value) -> serde_json::Value>,
) -> serde_json::Value {
    let path = format!("{}/tests/clients/{script}", env!("CARGO_MANIFEST_DIR"));
    let mut child = std::process::Command::new(python)
        .arg(path)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read as it comes, so that a client writing much there never blocks.
    let mut err = child.stderr.take().unwrap();
    let stderr = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = err.read_to_string(&mut text);
        text
    });
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    writeln!(stdin, "{spec}").unwrap();
    let mut asked = String::new();
    if let Some(answer) = answer {
        stdout.read_line(&mut asked).unwrap();
        // A client that failed before asking says why on stderr.
        if let Ok(q) = serde_json::from_str(&asked) {
            writeln!(stdin, "{}", answer(&q)).unwrap();
        }
    }
    drop(stdin);
    let mut out = Vec::new();
    stdout.read_to_end(&mut out).unwrap();
    let status = child.wait().unwrap();
    let stderr = stderr.join().unwrap();
    assert!(status.success(), "{asked}{stderr}\n{}", s.log());
    serde_json::from_slice(&out)
        .unwrap_or_else(|e| panic!("{e}: {}\n{stderr}", String::from_utf8_lossy(&out)))
}

pub fn resp_ok((st, resp): (u16, String)) -> String {
    assert_eq!(st, 200, "{resp}");
    resp
}

#[test]
fn a_thousand_hostile_requests_each_get_a_4xx_or_a_closed_connection() {
    use rand::{Rng, SeedableRng};
    let env = Env::new();
    let s = Server::start(&env, &[]);
    let mut rng = rand::rngs::StdRng::seed_from_u64(16);
    let paths = [
        "/oauth2/token",
        "/oauth/request_token",
        "/oauth/authorize",
        "/2/users/me",
        "/x",
    ];
    for i in 0..1000 {
        let path = paths[i % paths.len()];
        let raw: Vec<u8> = match i % 8 {
            // Random bytes.
            0 => (0..rng.gen_range(1..400)).map(|_| rng.r#gen()).collect(),
            // Bad percent-escapes in the target and the body.
            1 => format!("POST {path}?a=%zz HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 5\r\n\r\nb=%z%").into_bytes(),
            // A header line without a colon, or a bad name.
            2 => format!("GET {path} HTTP/1.1\r\nHost a\r\n\r\n").into_bytes(),
            // A body larger than it says, or a length it never sends.
            3 => format!("POST {path} HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcdefgh").into_bytes(),
            // A huge declared body.
            4 => format!("POST {path} HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999\r\n\r\n").into_bytes(),
            // Broken credentials.
            5 => format!("GET {path} HTTP/1.1\r\nHost: a\r\nAuthorization: OAuth oauth_consumer_key=\"%\", oauth_nonce\r\n\r\n").into_bytes(),
            6 => format!("POST {path} HTTP/1.1\r\nHost: a\r\nAuthorization: Basic ////\r\nAuthorization: Bearer x\r\n\r\n").into_bytes(),
            // A cut-off head.
            _ => format!("GET {path} HTTP/1.1\r\nHost: a\r\nX-A: ").into_bytes(),
        };
        let mut c = TcpStream::connect(&s.addr).unwrap();
        c.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
        let _ = c.write_all(&raw);
        let _ = c.shutdown(std::net::Shutdown::Write);
        let mut got = Vec::new();
        let _ = c.read_to_end(&mut got);
        let resp = String::from_utf8_lossy(&got);
        let st = status(&resp);
        assert!(
            got.is_empty() || (400..500).contains(&st),
            "request {i} {:?} got {resp}",
            String::from_utf8_lossy(&raw)
        );
    }
    assert_eq!(s.get("GET", "/still", &[], "").0, 404);
}

#[test]
fn a_client_that_does_not_read_holds_up_no_one_and_gets_every_answer_later() {
    let env = Env::new();
    let s = Server::start(&env, &[]);
    let n = 300;
    let mut burst = String::new();
    for i in 0..n {
        let close = if i == n - 1 {
            "Connection: close\r\n"
        } else {
            ""
        };
        burst.push_str(&format!("GET /p{i} HTTP/1.1\r\nHost: a\r\n{close}\r\n"));
    }
    let mut c = TcpStream::connect(&s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    c.write_all(burst.as_bytes()).unwrap();
    // While it reads nothing, others are answered.
    std::thread::sleep(Duration::from_millis(300));
    for _ in 0..5 {
        assert_eq!(s.get("GET", "/other", &[], "").0, 404);
    }
    let mut got = String::new();
    c.read_to_string(&mut got).unwrap();
    assert_eq!(got.matches("HTTP/1.1 404 ").count(), n, "{}", &got[..200]);
}

#[test]
fn a_stalled_head_and_idle_connections_are_closed_after_10_s_and_others_served() {
    let env = Env::new();
    let s = Server::start(&env, &[]);
    let open = |first: &[u8]| {
        let mut c = TcpStream::connect(&s.addr).unwrap();
        c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        c.write_all(first).unwrap();
        c
    };
    let started = Instant::now();
    let mut stalled = open(b"GET / HTTP/1.1\r\nHost: a\r\nX-Half: ");
    let mut silent = open(b"");
    let mut idle = open(b"GET /once HTTP/1.1\r\nHost: a\r\n\r\n");
    // The kept-alive one gets its answer, then nothing more is sent.
    let mut answer = [0u8; 4096];
    assert!(idle.read(&mut answer).unwrap() > 0);
    assert_eq!(s.get("GET", "/meanwhile", &[], "").0, 404);
    for c in [&mut stalled, &mut silent, &mut idle] {
        let mut rest = Vec::new();
        let closed = c.read_to_end(&mut rest);
        // Closed without an answer (a reset counts as closed too).
        assert!(closed.is_err() || rest.is_empty(), "{rest:?}");
    }
    let took = started.elapsed();
    assert!(
        took >= Duration::from_secs(9) && took < Duration::from_secs(15),
        "{took:?}"
    );
    assert_eq!(s.get("GET", "/after", &[], "").0, 404);
}

#[test]
fn one_connection_over_the_bound_gets_503_and_then_clients_get_in_again() {
    let env = Env::new();
    let s = Server::start(&env, &[]);
    let (held, mut extra) = s.hold_every_connection();
    let mut got = String::new();
    let _ = extra.read_to_string(&mut got);
    assert!(got.starts_with("HTTP/1.1 503 "), "{got}");
    drop(held);
    let until = Instant::now() + Duration::from_secs(10);
    while s.get("GET", "/again", &[], "").0 != 404 {
        assert!(Instant::now() < until, "no client got in again");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_write_waiting_for_another_commands_lock_holds_up_no_reader() {
    let env = Env::new();
    let c = app_with_token(&env, "held", &[], None);
    let s = Server::start(&env, &[]);
    let (st, resp) = token_request(&s, &c, "grant_type=client_credentials");
    assert_eq!(st, 200, "{resp}");
    let bearer = json_body(&resp)["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    // Another process holds the writers' lock for 3 s.
    let mut lock = env.store.clone().into_os_string();
    lock.push(".lock");
    let mut holder = std::process::Command::new("flock")
        .arg("-x")
        .arg(&lock)
        .args(["-c", "echo held; sleep 3"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(holder.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line, "held\n");
    let started = Instant::now();
    let invalidate = {
        let (addr, auth) = (s.addr.clone(), basic(&c));
        std::thread::spawn(move || {
            let body = format!(
                "access_token={}",
                appctl::oauth::encode::encode(bearer.as_bytes())
            );
            let req = format!(
                "POST /oauth2/invalidate_token HTTP/1.1\r\nHost: {addr}\r\n{auth}\r\n{FORM}\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let mut c = TcpStream::connect(&addr).unwrap();
            c.write_all(req.as_bytes()).unwrap();
            let mut got = String::new();
            c.read_to_string(&mut got).unwrap();
            got
        })
    };
    std::thread::sleep(Duration::from_millis(300));
    // Requests that only read are answered meanwhile.
    for path in ["/nope", "/2/users/me"] {
        let t = Instant::now();
        let (st, _) = s.get("GET", path, &[], "");
        assert!(st == 404 || st == 401, "{path}: {st}");
        assert!(
            t.elapsed() < Duration::from_secs(1),
            "{path}: {:?}",
            t.elapsed()
        );
    }
    let got = invalidate.join().unwrap();
    assert!(got.starts_with("HTTP/1.1 200 "), "{got}");
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "the lock was not waited for"
    );
    holder.wait().unwrap();
}

#[test]
fn a_client_pipelining_without_end_shares_the_server_with_the_others() {
    let env = Env::new();
    let s = Server::start(&env, &[]);
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut floods = Vec::new();
    // Two of them, so that each of two loops (one a core) has one.
    for _ in 0..2 {
        let c = TcpStream::connect(&s.addr).unwrap();
        let mut reader = c.try_clone().unwrap();
        std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
        let stop = Arc::clone(&stop);
        floods.push(std::thread::spawn(move || {
            let mut c = c;
            let burst = "GET /flood HTTP/1.1\r\nHost: a\r\n\r\n".repeat(64);
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                if c.write_all(burst.as_bytes()).is_err() {
                    break;
                }
            }
        }));
    }
    std::thread::sleep(Duration::from_millis(300));
    for _ in 0..10 {
        let t = Instant::now();
        assert_eq!(s.get("GET", "/other", &[], "").0, 404);
        assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for f in floods {
        f.join().unwrap();
    }
}
