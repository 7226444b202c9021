//! One HTTP/1.1 request as `keys verify` reads it: the request line,
//! headers and body, parsed by `httparse`, and the base URI that RFC 5849
//! §3.4.1.2 signs.

use std::fmt;

/// At most this many headers are read.
pub const MAX_HEADERS: usize = 128;

/// The request line and headers together are at most this long, as servers
/// limit them (Node's default is 16 KiB, Apache's 8 KiB a field); the body
/// may be longer.
pub const MAX_HEAD: usize = 64 * 1024;

/// Why a request could not be read at all (exit 9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(pub String);

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParseError {}

fn fail<T>(why: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError(why.into()))
}

/// The scheme a request arrived over, when its request line does not say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `https`, port 443 by default.
    Https,
    /// `http`, port 80 by default.
    Http,
}

impl Scheme {
    fn name(self) -> &'static str {
        match self {
            Scheme::Https => "https",
            Scheme::Http => "http",
        }
    }

    fn default_port(self) -> &'static str {
        match self {
            Scheme::Https => "443",
            Scheme::Http => "80",
        }
    }
}

/// A parsed request. Header names are kept as sent; look them up with
/// [`HttpRequest::header`], which ignores case.
#[derive(Debug, Clone)]
pub struct HttpRequest {
    /// The method as sent, such as `POST`.
    pub method: String,
    /// `scheme://host[:port]`, lower-case, without a default port.
    pub origin: String,
    /// The path as sent (percent-escapes untouched), `/` when empty.
    pub path: String,
    /// The query without its `?`, if any.
    pub query: Option<String>,
    /// Every header in order, values as raw bytes.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The body.
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// Every value of header `name` (case-insensitive), in order.
    pub fn headers_named<'a, 'n>(
        &'a self,
        name: &'n str,
    ) -> impl Iterator<Item = &'a [u8]> + use<'a, 'n> {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }

    /// The one value of header `name`; more than one is an error.
    pub fn header(&self, name: &str) -> Result<Option<&[u8]>, ParseError> {
        let mut it = self.headers_named(name);
        let first = it.next();
        if it.next().is_some() {
            return fail(format!("the request has more than one {name} header"));
        }
        Ok(first)
    }

    /// The base string URI of RFC 5849 §3.4.1.2: origin and path.
    pub fn base_uri(&self) -> String {
        format!("{}{}", self.origin, self.path)
    }

    /// Whether the body is a single-part form (`Content-Type:
    /// application/x-www-form-urlencoded`, parameters such as a charset
    /// allowed), the only body RFC 5849 §3.4.1.3.1 signs.
    pub fn has_form_body(&self) -> Result<bool, ParseError> {
        Ok(self.header("Content-Type")?.is_some_and(|v| {
            let media = v.split(|&b| b == b';').next().unwrap_or_default();
            media
                .trim_ascii()
                .eq_ignore_ascii_case(b"application/x-www-form-urlencoded")
        }))
    }
}

/// A host as URLs write it: a name or IPv4 address, or `[IPv6]`, with an
/// optional port of digits. Returned lower-case, without the default port.
fn authority(s: &str, scheme: Scheme, what: &str) -> Result<String, ParseError> {
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        match rest.split_once(']') {
            Some((h, p))
                if !h.is_empty()
                    && h.bytes()
                        .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.') =>
            {
                (format!("[{h}]"), p)
            }
            _ => return fail(format!("the {what} has a malformed IPv6 host")),
        }
    } else {
        let end = s.find(':').unwrap_or(s.len());
        let h = &s[..end];
        if h.is_empty()
            || !h
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_')
        {
            return fail(format!("the {what} is not a host name"));
        }
        (h.to_string(), &s[end..])
    };
    let port = match port {
        "" => None,
        p => match p.strip_prefix(':') {
            Some(digits)
                if !digits.is_empty()
                    && digits.len() <= 5
                    && digits.bytes().all(|b| b.is_ascii_digit()) =>
            {
                Some(digits)
            }
            _ => return fail(format!("the {what} has a malformed port")),
        },
    };
    let host = host.to_ascii_lowercase();
    Ok(match port {
        Some(p) if p != scheme.default_port() => format!("{}://{host}:{p}", scheme.name()),
        _ => format!("{}://{host}", scheme.name()),
    })
}

/// Parses one request: the request line (origin-form, or an absolute
/// `http://` or `https://` URL, which then gives the scheme and host), the
/// headers and the body. `scheme` and the `Host` header give the origin of
/// an origin-form request. A `Content-Length` must match the body; without
/// one, whatever follows the headers is the body.
pub fn parse(bytes: &[u8], scheme: Scheme) -> Result<HttpRequest, ParseError> {
    let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut slots);
    let too_large = || {
        ParseError(format!(
            "the request line and headers are larger than {} KiB",
            MAX_HEAD / 1024
        ))
    };
    let head_len = match req.parse(bytes) {
        Ok(httparse::Status::Complete(n)) if n > MAX_HEAD => return Err(too_large()),
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) if bytes.len() > MAX_HEAD => return Err(too_large()),
        Ok(httparse::Status::Partial) => {
            return fail("the request ends before its headers do (no blank line after them)");
        }
        Err(httparse::Error::TooManyHeaders) => {
            return fail(format!("the request has more than {MAX_HEADERS} headers"));
        }
        Err(e) => return fail(format!("the request is not HTTP/1.1: {e}")),
    };
    let method = req.method.unwrap_or_default().to_string();
    let target = req.path.unwrap_or_default();
    if req.version != Some(1) {
        return fail("the request is not HTTP/1.1");
    }
    let headers: Vec<(String, Vec<u8>)> = req
        .headers
        .iter()
        .map(|h| (h.name.to_string(), h.value.to_vec()))
        .collect();
    let mut request = HttpRequest {
        method,
        origin: String::new(),
        path: String::new(),
        query: None,
        headers,
        body: Vec::new(),
    };
    let rest = &bytes[head_len..];
    if request.headers_named("Transfer-Encoding").next().is_some() {
        return fail("a Transfer-Encoding body cannot be verified; send it with Content-Length");
    }
    request.body = match request.header("Content-Length")? {
        None => rest.to_vec(),
        Some(v) => {
            let n: usize = std::str::from_utf8(v)
                .ok()
                .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| ParseError("the Content-Length is not a number".into()))?;
            if rest.len() < n {
                return fail(format!(
                    "the body is {} bytes, shorter than its Content-Length {n}",
                    rest.len()
                ));
            }
            if rest.len() > n {
                return fail("bytes follow the body (one request at a time)");
            }
            rest.to_vec()
        }
    };
    let (origin, path_and_query) = if let Some((s, rest)) = target
        .strip_prefix("https://")
        .map(|r| (Scheme::Https, r))
        .or_else(|| target.strip_prefix("http://").map(|r| (Scheme::Http, r)))
    {
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        (
            authority(&rest[..end], s, "request line's URL")?,
            &rest[end..],
        )
    } else if target.starts_with('/') {
        let host = request.header("Host")?.ok_or_else(|| {
            ParseError(
                "the request has no Host header (needed with a path in the request line)".into(),
            )
        })?;
        let host = std::str::from_utf8(host.trim_ascii())
            .map_err(|_| ParseError("the Host header is not text".into()))?;
        (authority(host, scheme, "Host header")?, target)
    } else {
        return fail("the request line's target is neither a path nor an http(s) URL");
    };
    if path_and_query.contains('#') {
        return fail("the request line's target has a fragment");
    }
    let (path, query) = match path_and_query.split_once('?') {
        Some((p, q)) => (p, Some(q.to_string())),
        None => (path_and_query, None),
    };
    request.origin = origin;
    request.path = if path.is_empty() {
        "/".into()
    } else {
        path.into()
    };
    request.query = query;
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(raw: &str, scheme: Scheme) -> String {
        parse(raw.as_bytes(), scheme).unwrap().base_uri()
    }

    #[test]
    fn the_base_uri_follows_rfc_5849() {
        // §3.4.1.2's examples.
        assert_eq!(
            uri(
                "GET /r%20v/X?id=123 HTTP/1.1\r\nHost: EXAMPLE.COM:80\r\n\r\n",
                Scheme::Http
            ),
            "http://example.com/r%20v/X"
        );
        assert_eq!(
            uri(
                "GET https://www.example.net:8080/?q=1 HTTP/1.1\r\n\r\n",
                Scheme::Http
            ),
            "https://www.example.net:8080/"
        );
        assert_eq!(
            uri(
                "GET /x HTTP/1.1\r\nHost: api.x.com:443\r\n\r\n",
                Scheme::Https
            ),
            "https://api.x.com/x"
        );
        assert_eq!(
            uri(
                "GET /x HTTP/1.1\r\nHost: api.x.com:80\r\n\r\n",
                Scheme::Https
            ),
            "https://api.x.com:80/x"
        );
        assert_eq!(
            uri("GET http://Example.COM HTTP/1.1\r\n\r\n", Scheme::Https),
            "http://example.com/"
        );
        assert_eq!(
            uri("GET /a HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", Scheme::Http),
            "http://[::1]:8080/a"
        );
    }

    #[test]
    fn framing_errors_are_parse_errors() {
        for bad in [
            "GET /x HTTP/1.1\r\nHost: a\r\n",
            "GET /x HTTP/1.0\r\nHost: a\r\n\r\n",
            "GET /x HTTP/1.1\r\n\r\n",
            "GET x HTTP/1.1\r\nHost: a\r\n\r\n",
            "GET /x HTTP/1.1\r\nHost: a b\r\n\r\n",
            "GET /x HTTP/1.1\r\nHost: a:\r\n\r\n",
            "GET /x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nabc",
            "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nabc",
            "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n",
            "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "GET /x#f HTTP/1.1\r\nHost: a\r\n\r\n",
            &format!(
                "GET /x HTTP/1.1\r\nHost: a\r\nX: {}\r\n\r\n",
                "a".repeat(MAX_HEAD)
            ),
            &format!("GET /x HTTP/1.1\r\nHost: a\r\nX: {}", "a".repeat(MAX_HEAD)),
        ] {
            assert!(parse(bad.as_bytes(), Scheme::Https).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_body_is_what_content_length_says_or_the_rest() {
        let r = parse(
            b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\ncontent-type: application/x-www-form-urlencoded; charset=UTF-8\r\n\r\na=b",
            Scheme::Https,
        )
        .unwrap();
        assert_eq!(r.body, b"a=b");
        assert!(r.has_form_body().unwrap());
        let r = parse(
            b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n\r\n{}",
            Scheme::Https,
        )
        .unwrap();
        assert_eq!(r.body, b"{}");
        assert!(!r.has_form_body().unwrap());
    }
}
