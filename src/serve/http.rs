//! Reading one request from a connection within the limits, and writing
//! one response. The head is parsed by `httparse` (through
//! [`crate::oauth::request::parse`], the parser `keys verify` uses), so a
//! request is checked by exactly the code that checks one on stdin.

use crate::oauth::request::{self, HttpRequest, MAX_HEADERS, Scheme};
use std::borrow::Cow;
use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

/// The request line and headers together are at most this long (431).
pub const HEAD_MAX: usize = 16 * 1024;
/// A body is at most this long (413).
pub const BODY_MAX: usize = 1024 * 1024;
/// The whole head must arrive within this time of the first byte asked for.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a body may take to arrive once the head has.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(10);

/// Why no request was read.
#[derive(Debug)]
pub enum ReadError {
    /// The peer closed the connection before sending anything: no response.
    Closed,
    /// Nothing arrived within the idle time given: the caller may wait again.
    Idle,
    /// The connection failed or timed out: no response, the connection closes.
    Gone,
    /// A response to send before closing the connection.
    Refuse(u16, &'static str),
}

/// A connection's bytes read but not yet used (the start of a pipelined
/// next request).
#[derive(Default)]
pub struct Buffer {
    bytes: Vec<u8>,
    began: Option<Instant>,
}

impl Buffer {
    /// Whether no byte of a next request is here yet.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// When the first byte of the request last read or refused was here:
    /// the access log's time starts there, not while a kept-alive
    /// connection waited for it.
    pub fn began(&self) -> Option<Instant> {
        self.began
    }
}

/// What the head says about the body and the connection.
struct Framing {
    head_len: usize,
    body_len: usize,
    keep_alive: bool,
}

fn framing(bytes: &[u8]) -> Result<Option<Framing>, ReadError> {
    let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut slots);
    let head_len = match req.parse(bytes) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => {
            return Err(ReadError::Refuse(431, "too many headers"));
        }
        Err(_) => return Err(ReadError::Refuse(400, "malformed request")),
    };
    if head_len > HEAD_MAX {
        return Err(ReadError::Refuse(431, "request head too large"));
    }
    let mut body_len = None;
    let mut keep_alive = req.version == Some(1);
    for h in req.headers.iter() {
        if h.name.eq_ignore_ascii_case("Content-Length") {
            let n = std::str::from_utf8(h.value)
                .ok()
                .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|v| v.parse::<u64>().ok())
                .ok_or(ReadError::Refuse(400, "malformed Content-Length"))?;
            if body_len.is_some_and(|m| m != n) {
                return Err(ReadError::Refuse(400, "conflicting Content-Length"));
            }
            body_len = Some(n);
        } else if h.name.eq_ignore_ascii_case("Transfer-Encoding") {
            // No client of these endpoints streams a form body.
            return Err(ReadError::Refuse(411, "chunked bodies are not accepted"));
        } else if h.name.eq_ignore_ascii_case("Connection") {
            let v = h.value.trim_ascii();
            if v.eq_ignore_ascii_case(b"close") {
                keep_alive = false;
            } else if v.eq_ignore_ascii_case(b"keep-alive") {
                keep_alive = true;
            }
        }
    }
    let body_len = body_len.unwrap_or(0);
    if body_len > BODY_MAX as u64 {
        return Err(ReadError::Refuse(413, "request body too large"));
    }
    Ok(Some(Framing {
        head_len,
        body_len: body_len as usize,
        keep_alive,
    }))
}

/// The length of the first request in `bytes` (head and body) and whether
/// the connection may carry another, once its head is whole.
pub fn framing_of(bytes: &[u8]) -> Result<Option<(usize, bool)>, ReadError> {
    Ok(framing(bytes)?.map(|f| (f.head_len + f.body_len, f.keep_alive)))
}

/// Whether a read with a timeout ran out of time (Linux says `WouldBlock`,
/// other systems `TimedOut`).
pub fn timed_out(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

fn deadline_read(
    conn: &mut (impl Read + Timeouts),
    buf: &mut [u8],
    deadline: Instant,
) -> io::Result<usize> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(io::ErrorKind::TimedOut.into());
    }
    conn.set_read_timeout(Some(left))?;
    conn.read(buf)
}

/// What the server needs of a connection beyond reading and writing.
pub trait Timeouts {
    /// As [`std::net::TcpStream::set_read_timeout`].
    fn set_read_timeout(&mut self, t: Option<Duration>) -> io::Result<()>;
}

/// Reads one request: the head within [`HEAD_MAX`] bytes and
/// [`HEAD_TIMEOUT`], then a body of `Content-Length` within [`BODY_MAX`].
/// Returns the request and whether the connection may carry another.
pub fn read_request(
    conn: &mut (impl Read + Timeouts),
    buf: &mut Buffer,
    scheme: Scheme,
    idle: Duration,
) -> Result<(HttpRequest, bool), ReadError> {
    let mut chunk = [0u8; 8192];
    // Waiting for a next request on a kept-alive connection is bounded by
    // `idle`; once its first byte is here, the head has HEAD_TIMEOUT.
    let mut deadline = Instant::now() + idle;
    let mut started = !buf.bytes.is_empty();
    if started {
        let now = Instant::now();
        buf.began = Some(now);
        deadline = now + HEAD_TIMEOUT;
    }
    let f = loop {
        if started && let Some(f) = framing(&buf.bytes)? {
            break f;
        }
        if buf.bytes.len() > HEAD_MAX {
            return Err(ReadError::Refuse(431, "request head too large"));
        }
        let n = match deadline_read(conn, &mut chunk, deadline) {
            Ok(0) if buf.bytes.is_empty() => return Err(ReadError::Closed),
            Ok(0) => return Err(ReadError::Gone),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if buf.bytes.is_empty() && timed_out(&e) => {
                return Err(ReadError::Idle);
            }
            Err(_) if buf.bytes.is_empty() => return Err(ReadError::Closed),
            Err(_) => return Err(ReadError::Gone),
        };
        if !started {
            started = true;
            let now = Instant::now();
            buf.began = Some(now);
            deadline = now + HEAD_TIMEOUT;
        }
        buf.bytes.extend_from_slice(&chunk[..n]);
    };
    let total = f.head_len + f.body_len;
    let deadline = Instant::now() + BODY_TIMEOUT;
    while buf.bytes.len() < total {
        let want = (total - buf.bytes.len()).min(chunk.len());
        match deadline_read(conn, &mut chunk[..want], deadline) {
            Ok(0) => return Err(ReadError::Gone),
            Ok(n) => buf.bytes.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return Err(ReadError::Gone),
        }
    }
    let rest = buf.bytes.split_off(total);
    let raw = std::mem::replace(&mut buf.bytes, rest);
    let req =
        request::parse(&raw, scheme).map_err(|_| ReadError::Refuse(400, "malformed request"))?;
    Ok((req, f.keep_alive))
}

/// One response.
#[derive(Debug, Clone)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// Headers besides `Content-Length`, `Date` and `Connection`;
    /// `Cache-Control: no-store` unless they have a `Cache-Control`.
    pub headers: Vec<(&'static str, Cow<'static, str>)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Response {
    /// A response of `status` with `body` of `content_type`.
    pub fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Response {
        let mut headers = Vec::with_capacity(4);
        headers.push(("Content-Type", Cow::Borrowed(content_type)));
        Response {
            status,
            headers,
            body: body.into(),
        }
    }

    /// A JSON response.
    pub fn json(status: u16, doc: &impl serde::Serialize) -> Response {
        // Room for a user object, so that the body is not copied as it
        // grows (and under the size glibc's malloc treats as large).
        let mut body = Vec::with_capacity(512);
        match serde_json::to_writer(&mut body, doc) {
            Ok(()) => Response::new(status, "application/json; charset=utf-8", body),
            // Only a type whose Serialize can fail (a map with non-string
            // keys) gets here; the client learns the answer is not whole.
            Err(_) => Response::text(500, "the response could not be written\n"),
        }
    }

    /// A plain-text response.
    pub fn text(status: u16, text: &str) -> Response {
        Response::new(status, "text/plain; charset=utf-8", text)
    }

    /// Adds a header.
    #[must_use]
    pub fn with(mut self, name: &'static str, value: impl Into<Cow<'static, str>>) -> Response {
        self.headers.push((name, value.into()));
        self
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// Writes `resp`; `keep_alive` false adds `Connection: close`. A HEAD
/// request gets the headers only.
pub fn write_response(
    conn: &mut impl Write,
    resp: &Response,
    keep_alive: bool,
    head_only: bool,
) -> io::Result<()> {
    let mut out = Vec::with_capacity(256 + resp.body.len());
    put_response(&mut out, resp, keep_alive, head_only);
    conn.write_all(&out)?;
    conn.flush()
}

/// [`write_response`], appended to `out`.
pub fn put_response(out: &mut Vec<u8>, resp: &Response, keep_alive: bool, head_only: bool) {
    // Writing to a Vec cannot fail.
    let _ = write!(out, "HTTP/1.1 {} ", resp.status);
    out.extend_from_slice(reason(resp.status).as_bytes());
    out.extend_from_slice(b"\r\n");
    for (n, v) in &resp.headers {
        for part in [n, ": ", v, "\r\n"] {
            out.extend_from_slice(part.as_bytes());
        }
    }
    let _ = write!(
        out,
        "Content-Length: {}\r\nDate: {}\r\n",
        resp.body.len(),
        httpdate::HttpDate::from(std::time::SystemTime::now())
    );
    // Nothing is cached but what says it may be (the stylesheet).
    if !resp.headers.iter().any(|(n, _)| *n == "Cache-Control") {
        out.extend_from_slice(b"Cache-Control: no-store\r\n");
    }
    if !keep_alive {
        out.extend_from_slice(b"Connection: close\r\n");
    }
    out.extend_from_slice(b"\r\n");
    if !head_only {
        out.extend_from_slice(&resp.body);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framing_refuses_what_is_too_large_or_malformed() {
        assert!(matches!(
            framing(b"POST / HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n"),
            Err(ReadError::Refuse(413, _))
        ));
        assert!(matches!(
            framing(b"GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"),
            Err(ReadError::Refuse(400, _))
        ));
        assert!(matches!(
            framing(b"GET /\x01 HTTP/1.1\r\n\r\n"),
            Err(ReadError::Refuse(400, _))
        ));
        let f = framing(b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n")
            .unwrap()
            .unwrap();
        assert!(!f.keep_alive);
        assert!(framing(b"GET / HTTP/1.1\r\n").unwrap().is_none());
    }
}
