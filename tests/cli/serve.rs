//! `appctl serve`: the server itself. It listens on loopback only unless
//! told otherwise, prints its base URL first, logs one line per request
//! without any query value, holds its limits, stops gracefully on SIGINT
//! and SIGTERM, and stops with exit 5 once the store has a new data key.

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
        assert!(url.starts_with("http://"), "first line {url:?}");
        let addr = url.trim_start_matches("http://").to_string();
        let log = Arc::new(Mutex::new(String::new()));
        let mut err = child.stderr.take().unwrap();
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
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

    /// Waits for the exit (at most 10 s).
    pub fn wait(&mut self) -> ExitStatus {
        let until = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
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
