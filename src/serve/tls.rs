//! `serve --tls`: the rustls configuration (TLS 1.3 on ring, the server
//! certificate the local CA issued at start) and a TLS connection that
//! [`super::http::read_request`] reads requests from, with a thread a
//! connection. The handshake has the head timeout; after it, one read of
//! the socket per call, so that every deadline of [`super::http`] holds.

use super::http::{self, HEAD_TIMEOUT, Response, Timeouts};
use crate::crypto::ca::{Ca, Name};
use crate::error::{Error, Result};
use rustls::{ServerConfig, ServerConnection};
use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The names every server certificate is for, before any `--tls-name`.
pub fn loopback_names() -> Vec<Name> {
    vec![
        Name::Ip(IpAddr::V4(Ipv4Addr::LOCALHOST)),
        Name::Ip(IpAddr::V6(Ipv6Addr::LOCALHOST)),
        Name::Dns("localhost".into()),
    ]
}

/// The server's TLS configuration: a certificate from `ca` for the
/// loopback names and `extra`, with a key made now and held in memory only.
pub fn config(ca: &Ca, extra: &[Name], now: i64) -> Result<Arc<ServerConfig>> {
    let mut names = loopback_names();
    for n in extra {
        if !names.contains(n) {
            names.push(n.clone());
        }
    }
    let (cert, key) = ca.issue(&names, now)?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let failed = |e: rustls::Error| Error::internal(format!("cannot set up TLS: {e}"));
    let mut cfg = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])
        .map_err(failed)?
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .map_err(failed)?;
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    // No resumption: nothing about a client is kept after its connection.
    cfg.send_tls13_tickets = 0;
    cfg.session_storage = Arc::new(rustls::server::NoServerSessionStorage {});
    Ok(Arc::new(cfg))
}

/// A TLS connection after its handshake.
pub struct TlsConn {
    tls: ServerConnection,
    sock: TcpStream,
}

/// Why a connection never became a [`TlsConn`].
#[derive(Debug)]
pub enum Refused {
    /// A plain HTTP request, answered with a plain 400.
    PlainHttp,
    /// The handshake failed or did not finish within the head timeout.
    Handshake(String),
    /// The client closed the connection before sending anything.
    Closed,
}

fn send_all(tls: &mut ServerConnection, sock: &mut TcpStream) -> io::Result<()> {
    while tls.wants_write() {
        tls.write_tls(sock)?;
    }
    Ok(())
}

/// Makes `sock` a TLS connection within [`HEAD_TIMEOUT`]. A plain HTTP
/// request gets a plain-text 400 that names `base`, the https URL to use.
pub fn accept(
    mut sock: TcpStream,
    cfg: &Arc<ServerConfig>,
    base: &str,
) -> std::result::Result<TlsConn, Refused> {
    let deadline = Instant::now() + HEAD_TIMEOUT;
    let left = |d: Instant| {
        let l = d.saturating_duration_since(Instant::now());
        (!l.is_zero()).then_some(l)
    };
    let too_slow = || Refused::Handshake("no handshake within the head timeout".into());
    let mut first = [0u8; 1];
    sock.set_read_timeout(Some(HEAD_TIMEOUT))
        .map_err(|_| Refused::Closed)?;
    match sock.peek(&mut first) {
        Ok(0) => return Err(Refused::Closed),
        Ok(_) => {}
        Err(e) if http::timed_out(&e) => return Err(too_slow()),
        Err(_) => return Err(Refused::Closed),
    }
    // A TLS connection starts with a handshake record (22); a request line
    // starts with a method in capitals.
    if first[0].is_ascii_uppercase() {
        plain_refusal(sock, base);
        return Err(Refused::PlainHttp);
    }
    let mut tls =
        ServerConnection::new(Arc::clone(cfg)).map_err(|e| Refused::Handshake(e.to_string()))?;
    let failed = |e: io::Error| Refused::Handshake(e.kind().to_string());
    while tls.is_handshaking() {
        send_all(&mut tls, &mut sock).map_err(failed)?;
        if !tls.is_handshaking() {
            break;
        }
        let l = left(deadline).ok_or_else(too_slow)?;
        sock.set_read_timeout(Some(l)).map_err(failed)?;
        match tls.read_tls(&mut sock) {
            Ok(0) => {
                return Err(Refused::Handshake(
                    "the client closed the connection".into(),
                ));
            }
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if http::timed_out(&e) => return Err(too_slow()),
            Err(e) => return Err(failed(e)),
        }
        if let Err(e) = tls.process_new_packets() {
            // The alert that says why goes out before the connection closes.
            let _ = send_all(&mut tls, &mut sock);
            return Err(Refused::Handshake(e.to_string()));
        }
    }
    send_all(&mut tls, &mut sock).map_err(failed)?;
    Ok(TlsConn { tls, sock })
}

/// Answers a plain HTTP request at the TLS port, then reads (and drops)
/// what the client sent for at most a second, so that closing the socket
/// with its request unread does not reset the answer away.
fn plain_refusal(mut sock: TcpStream, base: &str) {
    let resp = Response::text(400, &format!("this server speaks HTTPS only: use {base}\n"));
    let _ = http::write_response(&mut sock, &resp, false, false);
    let _ = sock.shutdown(Shutdown::Write);
    let until = Instant::now() + Duration::from_secs(1);
    let mut sink = [0u8; 4096];
    let mut drained = 0;
    while drained < http::HEAD_MAX {
        let Some(l) = until.checked_duration_since(Instant::now()) else {
            break;
        };
        if l.is_zero() || sock.set_read_timeout(Some(l)).is_err() {
            break;
        }
        match sock.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => drained += n,
        }
    }
}

impl Read for TlsConn {
    /// Plaintext already decrypted, or else one read of the socket: when
    /// that completes no record, `Interrupted`, so that the caller looks at
    /// its deadline before reading again.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.tls.reader().read(buf) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            done => return done,
        }
        self.tls.read_tls(&mut self.sock)?;
        if let Err(e) = self.tls.process_new_packets() {
            let _ = send_all(&mut self.tls, &mut self.sock);
            return Err(io::Error::new(io::ErrorKind::InvalidData, e));
        }
        send_all(&mut self.tls, &mut self.sock)?;
        match self.tls.reader().read(buf) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                Err(io::ErrorKind::Interrupted.into())
            }
            done => done,
        }
    }
}

impl Write for TlsConn {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.tls.writer().write(buf)?;
        send_all(&mut self.tls, &mut self.sock)?;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.tls.writer().flush()?;
        send_all(&mut self.tls, &mut self.sock)
    }
}

impl Timeouts for TlsConn {
    fn set_read_timeout(&mut self, t: Option<Duration>) -> io::Result<()> {
        self.sock.set_read_timeout(t)
    }
}

impl TlsConn {
    /// Says that nothing more will be written: close_notify, then the
    /// socket's write side is shut.
    pub fn close_write(&mut self) {
        self.tls.send_close_notify();
        let _ = send_all(&mut self.tls, &mut self.sock);
        let _ = self.sock.shutdown(Shutdown::Write);
    }
}

impl Drop for TlsConn {
    /// A closed connection says so (close_notify), as TLS asks.
    fn drop(&mut self) {
        self.tls.send_close_notify();
        let _ = send_all(&mut self.tls, &mut self.sock);
    }
}
