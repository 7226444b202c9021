//! `appctl serve`: the platform's auth endpoints over HTTP on loopback,
//! answered from the store. Plain HTTP is served by an event loop a core
//! but one (`evented.rs`), TLS by a thread a connection; at most
//! [`MAX_CONNECTIONS`] at once, every limit of [`http`] held per request
//! by both. It calls `src/oauth/` and `src/store/`, never the CLI.
//!
//! The store is opened once (the CLI unlocks it) and its data key held
//! until the server stops. Before each request a `stat` of the file tells
//! whether any command wrote it since ([`crate::store::Stamp`]); if so it
//! is read again with the held key. If it cannot be, because `passwd` gave
//! it a new data key, the server stops with exit 5.

mod app_only;
mod auth;
mod errors;
mod evented;
pub mod http;
mod identity;
pub mod nonces;
mod oauth1;
pub mod origins;
mod pages;
mod routes;
mod state;
pub mod tls;

use crate::error::{Error, Kind, Result};
use crate::oauth::Scheme;
use crate::store::Store;
use http::{ReadError, Response};
use state::Shared;
use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// At most this many connections are served at once; one more gets 503.
pub const MAX_CONNECTIONS: usize = 128;
/// How long a stop waits for requests in flight.
pub const STOP_GRACE: Duration = Duration::from_secs(5);
/// How long a kept-alive connection may wait for its next request.
const IDLE_MAX: Duration = Duration::from_secs(10);
/// How often an idle connection looks whether the server is stopping.
const IDLE_SLICE: Duration = Duration::from_millis(200);

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// The address to listen on; port 0 picks a free one.
    pub listen: SocketAddr,
    /// Whether a non-loopback address is allowed.
    pub allow_remote: bool,
    /// `--approve-as`: approve every request token at once as this user.
    pub approve_as: Option<String>,
    /// `--alias-origin`: other origins an OAuth 1.0a signature may have
    /// been made for, as [`origins::alias_origin`] writes them.
    pub alias_origins: Vec<String>,
    /// `--tls`: serve HTTPS with this configuration ([`tls::config`]).
    pub tls: Option<Arc<rustls::ServerConfig>>,
}

/// The base URL a client uses for `addr`.
pub fn base_url(addr: SocketAddr, tls: bool) -> String {
    format!("{}://{addr}", if tls { "https" } else { "http" })
}

/// Refuses a non-loopback address unless allowed (exit 9).
pub fn check_listen(cfg: &Config) -> Result<()> {
    if !cfg.listen.ip().is_loopback() && !cfg.allow_remote {
        return Err(Error::invalid(format!(
            "{} is not a loopback address: other machines could reach the server",
            cfg.listen.ip()
        ))
        .with_hint("listen on 127.0.0.1 or ::1, or pass --allow-remote if that is intended"));
    }
    Ok(())
}

/// Serves until SIGINT or SIGTERM (then `Ok`) or until the store can no
/// longer be read with the key held (exit 5). `ready` gets the base URL
/// once the server listens.
pub fn run(store: Store, cfg: &Config, ready: impl FnOnce(&str) -> Result<()>) -> Result<()> {
    check_listen(cfg)?;
    let listener = TcpListener::bind(cfg.listen).map_err(|e| {
        Error::new(
            Kind::Io,
            format!("cannot listen on {}: {}", cfg.listen, e.kind()),
        )
        .with_hint("choose another address or port with --listen (port 0 picks a free one)")
    })?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::internal(format!("no local address: {e}")))?;
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(sig, Arc::clone(&stop))
            .map_err(|e| Error::internal(format!("cannot handle signals: {e}")))?;
    }
    let shared = Arc::new(Shared::new(
        store,
        Arc::clone(&stop),
        cfg.approve_as.clone(),
        cfg.alias_origins.clone(),
    ));
    let base = base_url(addr, cfg.tls.is_some());
    ready(&base)?;
    // A blocking accept is woken for a stop by a connection to itself.
    {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = TcpStream::connect_timeout(&addr, Duration::from_secs(1));
        });
    }
    let active = Arc::new(AtomicUsize::new(0));
    // Plain HTTP is served by event loops, TLS by a thread a connection.
    // The clients of a loopback server run on the same machine: one core
    // is left to them, so that a loop does not share its core with a
    // client and keep all its connections waiting out the other's turn.
    let serving = match &cfg.tls {
        None => {
            let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
            Serving::Loops(
                evented::Loops::start(cores.saturating_sub(1).max(1), &shared, &active)
                    .map_err(|e| Error::internal(format!("cannot start the event loops: {e}")))?,
            )
        }
        Some(tls) => Serving::Tls(Arc::clone(tls)),
    };
    for conn in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(mut conn) = conn else {
            continue;
        };
        if active.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            active.fetch_sub(1, Ordering::SeqCst);
            // Over TLS a plain 503 would be garbage to the client: it is
            // only closed.
            if matches!(serving, Serving::Loops(_)) {
                let resp = Response::text(503, "too many connections\n");
                let _ = conn.set_write_timeout(Some(Duration::from_secs(1)));
                let _ = http::write_response(&mut conn, &resp, false, false);
            }
            continue;
        }
        let _ = conn.set_nodelay(true);
        let tls = match &serving {
            Serving::Loops(loops) => {
                loops.give(conn);
                continue;
            }
            Serving::Tls(tls) => Arc::clone(tls),
        };
        let shared = Arc::clone(&shared);
        let active = Arc::clone(&active);
        let base = base.clone();
        std::thread::spawn(move || {
            let _ = conn.set_write_timeout(Some(Duration::from_secs(10)));
            let started = Instant::now();
            match tls::accept(conn, &tls, &base) {
                Ok(c) => serve_tls(c, &shared),
                Err(tls::Refused::PlainHttp) => {
                    log("-", "-", 400, &routes::Who::default(), started);
                }
                Err(tls::Refused::Handshake(why)) => {
                    let line = format!("TLS handshake failed: {why}\n");
                    let _ = std::io::stderr().lock().write_all(line.as_bytes());
                }
                Err(tls::Refused::Closed) => {}
            }
            active.fetch_sub(1, Ordering::SeqCst);
        });
    }
    drop(listener);
    let until = Instant::now() + STOP_GRACE;
    while active.load(Ordering::SeqCst) > 0 && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(10));
    }
    match shared.fatal() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// One access-log line: never a query, a header or a body value.
fn log(method: &str, path: &str, status: u16, who: &routes::Who, started: Instant) {
    use std::fmt::Write as _;
    let mut line = String::with_capacity(method.len() + path.len() + 64);
    for part in [method, " ", path, " "] {
        line.push_str(part);
    }
    let _ = write!(line, "{status} app=");
    let _ = match who.app {
        Some(a) => write!(line, "{a}"),
        None => line.write_str("-"),
    };
    line.push_str(" user=");
    let _ = match who.user {
        Some(u) => write!(line, "{u}"),
        None => line.write_str("-"),
    };
    let _ = writeln!(line, " {}ms", started.elapsed().as_millis());
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

/// When the request just read or refused began: a request is read or
/// refused only once its first byte is here.
fn began(buf: &http::Buffer) -> Instant {
    buf.began().unwrap_or_else(Instant::now)
}

/// How connections are served.
enum Serving {
    /// Plain HTTP, by the event loops.
    Loops(evented::Loops),
    /// HTTPS, by a thread a connection with this configuration.
    Tls(Arc<rustls::ServerConfig>),
}

/// Serves one TLS connection's requests until it closes or idles out.
fn serve_tls(mut conn: tls::TlsConn, shared: &Shared) {
    let mut buf = http::Buffer::default();
    let mut idle = Duration::ZERO;
    loop {
        if shared.stopping() && buf.is_empty() {
            return;
        }
        match http::read_request(&mut conn, &mut buf, Scheme::Https, IDLE_SLICE) {
            Ok((req, keep_alive)) => {
                idle = Duration::ZERO;
                let (resp, who) = routes::handle(shared, &req);
                let keep_alive = keep_alive && !shared.stopping();
                let head_only = req.method == "HEAD";
                let sent = http::write_response(&mut conn, &resp, keep_alive, head_only);
                log(&req.method, &req.path, resp.status, &who, began(&buf));
                if sent.is_err() || !keep_alive {
                    return;
                }
            }
            Err(ReadError::Idle) => {
                idle += IDLE_SLICE;
                if idle >= IDLE_MAX {
                    return;
                }
            }
            Err(ReadError::Closed | ReadError::Gone) => return,
            Err(ReadError::Refuse(status, why)) => {
                let resp = Response::text(status, &format!("{why}\n"));
                let _ = http::write_response(&mut conn, &resp, false, false);
                log("-", "-", status, &routes::Who::default(), began(&buf));
                conn.close_write();
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_without_allow_remote() {
        let cfg = |a: &str, allow_remote| Config {
            listen: a.parse().unwrap(),
            allow_remote,
            approve_as: None,
            alias_origins: Vec::new(),
            tls: None,
        };
        assert!(check_listen(&cfg("127.0.0.1:0", false)).is_ok());
        assert!(check_listen(&cfg("[::1]:0", false)).is_ok());
        let e = check_listen(&cfg("0.0.0.0:0", false)).unwrap_err();
        assert_eq!(e.kind(), Kind::Invalid);
        assert!(check_listen(&cfg("0.0.0.0:0", true)).is_ok());
        assert_eq!(
            base_url("[::1]:8080".parse().unwrap(), false),
            "http://[::1]:8080"
        );
        assert_eq!(
            base_url("127.0.0.1:8443".parse().unwrap(), true),
            "https://127.0.0.1:8443"
        );
    }
}
