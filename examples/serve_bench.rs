//! The load generator of `benches/serve.sh`: CONNECTIONS keep-alive
//! connections to a running `appctl serve`, sending requests back to back
//! for SECONDS of each KIND (or N requests of one kind), the kinds taking
//! turns of `--slice` seconds (1 by default); then one line of figures a
//! kind: requests per second, p50/p99/max latency, the statuses seen, and
//! the CPU time of this process and of the server (`--server-pid`) during
//! the kind's turns.
//!
//! All connections share one thread and one event loop (mio), so that the
//! generator takes as little as it can of the cores it shares with the
//! server: a thread per connection cost it most of a core in switches.
//!
//! Usage: `serve_bench ADDR KIND[,KIND...] CONNECTIONS (--seconds S |
//! --requests N) [--slice S] [--server-pid PID] [--expect STATUS,...]
//! SECRETS.json...`, or `serve_bench kdf RUNS`: the
//! median of RUNS key derivations at the default cost, in-process (the one
//! derivation `appctl serve` does when it starts with a passphrase).
//!
//! KIND is one of
//! - `signed`: `GET /1.1/account/verify_credentials.json` signed with OAuth
//!   1.0a HMAC-SHA1 (the crate's own signing code) with an access token, a
//!   new nonce each time (expects 200);
//! - `token`: `POST /oauth2/token` with Basic `key:secret`, which returns the
//!   app's bearer token (expects 200);
//! - `bearer`: that bearer token presented to `verify_credentials`, which
//!   checks it and refuses app-only auth on a user-context endpoint (403);
//! - `notfound`: `GET /nope`, the plain 404.
//!
//! The secrets come from files (the JSON that `appctl app create --json` and
//! `appctl keys create … access --json` print), never from the command line.
//! Latency is from the first byte written to the last byte of the response
//! read, on the client's clock; it includes the time the loop took to come
//! to the connection, so it errs on the slow side.

use appctl::crypto::kdf;
use appctl::oauth::encode::encode;
use appctl::oauth::signature::{self, Param, Source};
use base64::Engine as _;
use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Token};
use std::collections::BTreeMap;
use std::io::{ErrorKind, Read, Write};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

type Fallible<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Signed,
    Token,
    Bearer,
    NotFound,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Signed => "signed",
            Kind::Token => "token",
            Kind::Bearer => "bearer",
            Kind::NotFound => "notfound",
        }
    }
}

/// The four secrets the kinds need, from `app create` and `keys create`.
#[derive(Default)]
struct Secrets {
    api_key: String,
    api_secret: String,
    bearer_token: String,
    access_token: String,
    access_token_secret: String,
}

fn read_secrets(files: &[String]) -> Fallible<Secrets> {
    let mut s = Secrets::default();
    for f in files {
        let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(f)?)?;
        let Some(made) = doc.get("secrets").and_then(|v| v.as_object()) else {
            return Err(format!("{f}: no \"secrets\" object").into());
        };
        for (name, slot) in [
            ("api_key", &mut s.api_key),
            ("api_secret", &mut s.api_secret),
            ("bearer_token", &mut s.bearer_token),
            ("access_token", &mut s.access_token),
            ("access_token_secret", &mut s.access_token_secret),
        ] {
            if let Some(v) = made.get(name).and_then(|v| v.as_str()) {
                *slot = v.to_string();
            }
        }
    }
    Ok(s)
}

/// When the run stops: at a time, or after a number of requests in all.
enum Until {
    Time(Instant),
    Count(u64),
}

impl Until {
    /// Whether one more request may be sent (counting it if so).
    fn more(&mut self, now: Instant) -> bool {
        match self {
            Until::Time(t) => now < *t,
            Until::Count(0) => false,
            Until::Count(left) => {
                *left -= 1;
                true
            }
        }
    }
}

/// What the connections saw of one kind of request, and the time and CPU
/// its turns took.
#[derive(Default)]
struct Tally {
    latencies_ns: Vec<u64>,
    statuses: BTreeMap<u16, u64>,
    reconnects: u64,
    seconds: f64,
    cpu_s: f64,
    server_cpu_s: f64,
}

/// The kinds' turns: each kind in turn for a slice of time, so that a
/// machine whose speed drifts (a shared one) slows every kind alike. At
/// the end of a slice no connection sends until every answer has come, so
/// that a turn's time and CPU are its own kind's alone.
struct Turns {
    kinds: Vec<Kind>,
    current: usize,
    slice: Duration,
    began: Instant,
    /// The server's process, whose CPU time each turn is charged with.
    server: Option<u32>,
    cpu_at: (f64, f64),
}

impl Turns {
    /// CPU seconds of this process and of the server so far.
    fn cpu(&self) -> (f64, f64) {
        (
            cpu_seconds("self"),
            self.server.map_or(0.0, |p| cpu_seconds(&p.to_string())),
        )
    }

    /// Charges the turn that ends at `now` to its kind's tally.
    fn close(&mut self, now: Instant, tallies: &mut [Tally]) {
        let cpu = self.cpu();
        let t = &mut tallies[self.current];
        t.seconds += (now - self.began).as_secs_f64();
        t.cpu_s += cpu.0 - self.cpu_at.0;
        t.server_cpu_s += cpu.1 - self.cpu_at.1;
        self.cpu_at = cpu;
        self.began = now;
    }

    /// Whether the current kind's slice is over at `now`.
    fn over(&self, now: Instant) -> bool {
        self.kinds.len() > 1 && now >= self.began + self.slice
    }

    /// Ends the current turn at `now` and starts the next kind's.
    fn pass(&mut self, now: Instant, tallies: &mut [Tally]) {
        self.close(now, tallies);
        self.current = (self.current + 1) % self.kinds.len();
    }
}

/// The request bytes of one `kind` request; `seq` makes the nonce unique.
fn request(kind: Kind, addr: &str, s: &Secrets, nonce_prefix: &str, seq: u64) -> Vec<u8> {
    match kind {
        Kind::NotFound => format!("GET /nope HTTP/1.1\r\nHost: {addr}\r\n\r\n").into_bytes(),
        Kind::Bearer => format!(
            "GET /1.1/account/verify_credentials.json HTTP/1.1\r\nHost: {addr}\r\n\
             Authorization: Bearer {}\r\n\r\n",
            s.bearer_token
        )
        .into_bytes(),
        Kind::Token => {
            let pair = format!(
                "{}:{}",
                encode(s.api_key.as_bytes()),
                encode(s.api_secret.as_bytes())
            );
            let body = "grant_type=client_credentials";
            format!(
                "POST /oauth2/token HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Basic {}\r\n\
                 Content-Type: application/x-www-form-urlencoded;charset=UTF-8\r\n\
                 Content-Length: {}\r\n\r\n{body}",
                base64::engine::general_purpose::STANDARD.encode(pair),
                body.len()
            )
            .into_bytes()
        }
        Kind::Signed => {
            let path = "/1.1/account/verify_credentials.json";
            let timestamp = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
                .to_string();
            let nonce = format!("{nonce_prefix}{seq:012}");
            let oauth = [
                ("oauth_consumer_key", s.api_key.as_str()),
                ("oauth_nonce", nonce.as_str()),
                ("oauth_signature_method", "HMAC-SHA1"),
                ("oauth_timestamp", timestamp.as_str()),
                ("oauth_token", s.access_token.as_str()),
                ("oauth_version", "1.0"),
            ];
            let params: Vec<Param> = oauth
                .iter()
                .map(|(n, v)| Param {
                    name: n.as_bytes().into(),
                    value: v.as_bytes().into(),
                    source: Source::Header,
                })
                .collect();
            let base = signature::base_string("GET", &format!("http://{addr}{path}"), &params);
            let sig = signature::sign(&base, &s.api_secret, &s.access_token_secret);
            let mut header: Vec<String> = oauth
                .iter()
                .map(|(n, v)| format!("{n}=\"{}\"", encode(v.as_bytes())))
                .collect();
            header.push(format!("oauth_signature=\"{}\"", encode(sig.as_bytes())));
            format!(
                "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: OAuth {}\r\n\r\n",
                header.join(", ")
            )
            .into_bytes()
        }
    }
}

/// One response parsed from the front of `buf`, if it is all there: its
/// status, its length in bytes and whether the server will close the
/// connection after it.
fn response(buf: &[u8]) -> Fallible<Option<(u16, usize, bool)>> {
    let mut slots = [httparse::EMPTY_HEADER; 32];
    let mut r = httparse::Response::new(&mut slots);
    let httparse::Status::Complete(head) = r.parse(buf)? else {
        return Ok(None);
    };
    let mut len = 0usize;
    let mut close = false;
    for h in r.headers.iter() {
        if h.name.eq_ignore_ascii_case("Content-Length") {
            len = std::str::from_utf8(h.value)?.trim().parse()?;
        } else if h.name.eq_ignore_ascii_case("Connection") {
            close = h.value.eq_ignore_ascii_case(b"close");
        }
    }
    let status = r.code.unwrap_or(0);
    Ok((buf.len() >= head + len).then_some((status, head + len, close)))
}

fn connect(addr: &str) -> Fallible<TcpStream> {
    let c = std::net::TcpStream::connect(addr)?;
    c.set_nodelay(true)?;
    c.set_nonblocking(true)?;
    Ok(TcpStream::from_std(c))
}

/// One connection: the request being written, what has come back so far,
/// and when the request began.
struct Conn {
    stream: TcpStream,
    prefix: String,
    seq: u64,
    out: Vec<u8>,
    written: usize,
    input: Vec<u8>,
    began: Instant,
    /// The kind of the request sent (an index into the turns' kinds).
    kind: usize,
    /// A request was sent and its response is not all read yet.
    waiting: bool,
    /// Waiting for the next turn to send.
    parked: bool,
    /// Closed by the server while idle: no longer used.
    closed: bool,
}

/// What the loop shares between connections.
struct Run<'a> {
    addr: &'a str,
    secrets: &'a Secrets,
    until: Until,
    turns: Turns,
    tallies: Vec<Tally>,
}

impl Run<'_> {
    /// Starts the connection's next request, if the run goes on.
    fn next(&mut self, c: &mut Conn) -> Fallible<()> {
        let now = Instant::now();
        if self.turns.over(now) && !matches!(self.until, Until::Time(t) if now >= t) {
            c.parked = true;
            return Ok(());
        }
        if !self.until.more(now) {
            return Ok(());
        }
        c.kind = self.turns.current;
        let kind = self.turns.kinds[c.kind];
        c.out = request(kind, self.addr, self.secrets, &c.prefix, c.seq);
        c.seq += 1;
        c.written = 0;
        c.waiting = true;
        c.began = Instant::now();
        self.write(c)
    }

    /// Writes what the socket takes of the request.
    fn write(&mut self, c: &mut Conn) -> Fallible<()> {
        while c.written < c.out.len() {
            match c.stream.write(&c.out[c.written..]) {
                Ok(0) => return Err("the server closed the connection".into()),
                Ok(n) => c.written += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(()),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    /// Reads what has come, counts a finished response and starts the next
    /// request; reconnects (under the same token) if the server closes.
    fn read(&mut self, c: &mut Conn, poll: &Poll, token: Token) -> Fallible<()> {
        let mut chunk = [0u8; 16 * 1024];
        let mut ended = false;
        loop {
            match c.stream.read(&mut chunk) {
                Ok(0) => {
                    ended = true;
                    break;
                }
                Ok(n) => c.input.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e.into()),
            }
        }
        if ended && !c.waiting && c.input.is_empty() {
            // An idle connection the server closed: the others go on.
            poll.registry().deregister(&mut c.stream)?;
            c.closed = true;
            return Ok(());
        }
        let Some((status, len, close)) = response(&c.input)? else {
            return match ended {
                true => Err("the server closed the connection mid-response".into()),
                false => Ok(()),
            };
        };
        if ended && !close {
            return Err("the server closed the connection".into());
        }
        if !c.waiting {
            return Err("a response to no request".into());
        }
        c.waiting = false;
        let tally = &mut self.tallies[c.kind];
        tally.latencies_ns.push(c.began.elapsed().as_nanos() as u64);
        *tally.statuses.entry(status).or_default() += 1;
        c.input.drain(..len);
        if close {
            poll.registry().deregister(&mut c.stream)?;
            c.stream = connect(self.addr)?;
            poll.registry().register(
                &mut c.stream,
                token,
                Interest::READABLE | Interest::WRITABLE,
            )?;
            c.input.clear();
            self.tallies[c.kind].reconnects += 1;
        }
        self.next(c)
    }
}

/// Runs `conns` connections on one event loop, the kinds taking turns of
/// `slice`, until `until` says stop and every response sent for has come:
/// a tally for each kind.
fn drive(
    addr: &str,
    secrets: &Secrets,
    conns: usize,
    until: Until,
    mut turns: Turns,
    run_id: u64,
) -> Fallible<Vec<Tally>> {
    let mut poll = Poll::new()?;
    let mut all = Vec::with_capacity(conns);
    for i in 0..conns {
        let mut stream = connect(addr)?;
        poll.registry().register(
            &mut stream,
            Token(i),
            Interest::READABLE | Interest::WRITABLE,
        )?;
        all.push(Conn {
            stream,
            // Unique across runs against the same server: its nonce memory
            // remembers every earlier run's nonces for the timestamp window.
            prefix: format!("{run_id:016x}{i:04}"),
            seq: 0,
            out: Vec::new(),
            written: 0,
            input: Vec::new(),
            began: Instant::now(),
            kind: 0,
            waiting: false,
            parked: false,
            closed: false,
        });
    }
    turns.began = Instant::now();
    turns.cpu_at = turns.cpu();
    let mut run = Run {
        addr,
        secrets,
        until,
        tallies: turns.kinds.iter().map(|_| Tally::default()).collect(),
        turns,
    };
    for c in &mut all {
        run.next(c)?;
    }
    let mut events = Events::with_capacity(1024);
    loop {
        if !all.iter().any(|c| c.waiting) {
            if !all.iter().any(|c| c.parked) {
                break;
            }
            // Every answer of the turn is in: the next kind's turn.
            run.turns.pass(Instant::now(), &mut run.tallies);
            for c in all.iter_mut().filter(|c| c.parked && !c.closed) {
                c.parked = false;
                run.next(c)?;
            }
            continue;
        }
        poll.poll(&mut events, Some(Duration::from_secs(30)))
            .or_else(|e| match e.kind() {
                ErrorKind::Interrupted => Ok(()),
                _ => Err(e),
            })?;
        if events.is_empty() {
            return Err("no answer in 30 s".into());
        }
        for e in &events {
            let c = &mut all[e.token().0];
            if c.closed {
                continue;
            }
            if e.is_writable() {
                run.write(c)?;
            }
            if e.is_readable() || e.is_read_closed() {
                run.read(c, &poll, e.token())?;
            }
        }
    }
    run.turns.close(Instant::now(), &mut run.tallies);
    Ok(run.tallies)
}

/// A process's user and system CPU time so far, from /proc/PID/stat
/// (`self` for this one).
fn cpu_seconds(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name, which is in parentheses.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of stat(5), in USER_HZ (100).
    (ticks(11) + ticks(12)) / 100.0
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[i.clamp(1, sorted.len()) - 1] as f64 / 1e6
}

/// A positive number of seconds or requests.
fn positive(v: &str) -> Fallible<f64> {
    match v.parse::<f64>() {
        Ok(n) if n.is_finite() && n > 0.0 => Ok(n),
        _ => Err(format!("not a positive number: {v}").into()),
    }
}

fn kdf_median(runs: &str) -> Fallible<()> {
    let runs: usize = runs.parse()?;
    let mut ms: Vec<f64> = (0..runs.max(1))
        .map(|_| kdf::measure(kdf::DEFAULT).map(|d| d.as_secs_f64() * 1e3))
        .collect::<Result<_, _>>()?;
    ms.sort_by(f64::total_cmp);
    println!("kdf_ms={:.1} runs={}", ms[ms.len() / 2], ms.len());
    Ok(())
}

fn main() -> Fallible<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [mode, runs] = &args[..]
        && mode == "kdf"
    {
        return kdf_median(runs);
    }
    let usage = "usage: serve_bench ADDR KIND[,KIND...] CONNECTIONS (--seconds S | --requests N) \
                 [--slice S] [--server-pid PID] [--expect STATUS,...] SECRETS.json... \
                 (KIND: signed, token, bearer, notfound)";
    let [addr, kinds, conns, mode, amount, rest @ ..] = &args[..] else {
        return Err(usage.into());
    };
    let kinds = kinds
        .split(',')
        .map(|k| {
            [Kind::Signed, Kind::Token, Kind::Bearer, Kind::NotFound]
                .into_iter()
                .find(|kind| kind.name() == k)
                .ok_or(usage)
        })
        .collect::<Result<Vec<Kind>, _>>()?;
    let conns: usize = conns.parse()?;
    let mut rest = rest;
    let (mut slice, mut server, mut expect) = (Duration::from_secs(1), None, None);
    while let [flag, v, more @ ..] = rest {
        match flag.as_str() {
            "--slice" => slice = Duration::from_secs_f64(positive(v)?),
            "--server-pid" => server = Some(v.parse()?),
            "--expect" => {
                expect = Some(
                    v.split(',')
                        .map(str::parse)
                        .collect::<Result<Vec<u16>, _>>()?,
                )
            }
            _ => break,
        }
        rest = more;
    }
    let secrets = read_secrets(rest)?;
    for kind in &kinds {
        let needs = match kind {
            Kind::Signed => !secrets.access_token.is_empty() && !secrets.api_secret.is_empty(),
            Kind::Token => !secrets.api_key.is_empty() && !secrets.api_secret.is_empty(),
            Kind::Bearer => !secrets.bearer_token.is_empty(),
            Kind::NotFound => true,
        };
        if !needs {
            return Err("the secrets files lack what a kind of request needs".into());
        }
    }
    let start = Instant::now();
    let until = match mode.as_str() {
        // Each kind gets S seconds in all.
        "--seconds" => {
            Until::Time(start + Duration::from_secs_f64(positive(amount)? * kinds.len() as f64))
        }
        "--requests" if kinds.len() == 1 => Until::Count(positive(amount)? as u64),
        _ => return Err(usage.into()),
    };
    let turns = Turns {
        kinds: kinds.clone(),
        current: 0,
        slice,
        began: start,
        server,
        cpu_at: (0.0, 0.0),
    };
    let tallies = drive(addr, &secrets, conns, until, turns, rand::random())?;
    let mut unexpected = 0;
    for (kind, mut t) in kinds.iter().zip(tallies) {
        let expect = expect.clone().unwrap_or_else(|| {
            vec![match kind {
                Kind::Signed | Kind::Token => 200,
                Kind::Bearer => 403,
                Kind::NotFound => 404,
            }]
        });
        t.latencies_ns.sort_unstable();
        let n = t.latencies_ns.len();
        let statuses: Vec<String> = t.statuses.iter().map(|(s, n)| format!("{s}:{n}")).collect();
        unexpected += t
            .statuses
            .iter()
            .filter(|(s, _)| !expect.contains(s))
            .map(|(_, n)| n)
            .sum::<u64>();
        println!(
            "kind={} requests={n} seconds={:.2} rate={:.0} p50_ms={:.3} p99_ms={:.3} \
             max_ms={:.3} statuses={} reconnects={} cpu_s={:.2} server_cpu_s={:.2}",
            kind.name(),
            t.seconds,
            n as f64 / t.seconds,
            percentile(&t.latencies_ns, 50.0),
            percentile(&t.latencies_ns, 99.0),
            percentile(&t.latencies_ns, 100.0),
            statuses.join(","),
            t.reconnects,
            t.cpu_s,
            t.server_cpu_s,
        );
    }
    if unexpected > 0 {
        return Err(format!("{unexpected} responses had an unexpected status").into());
    }
    Ok(())
}
