//! OAuth 1.0a signatures (RFC 5849 §3.4): the parameters a request carries,
//! their normalisation into the signature base string, and HMAC-SHA1.

use super::encode::{decode, encode_into};
use super::request::HttpRequest;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use std::borrow::Cow;

/// Where a parameter was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    /// The `Authorization: OAuth` header.
    Header,
    /// The query of the request line.
    Query,
    /// An `application/x-www-form-urlencoded` body.
    Body,
}

/// One decoded parameter, borrowed from the request where it needed no
/// decoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param<'a> {
    /// The name, decoded.
    pub name: Cow<'a, [u8]>,
    /// The value, decoded.
    pub value: Cow<'a, [u8]>,
    /// Where it was found.
    pub source: Source,
}

/// Why a request's parameters could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed(pub String);

impl std::fmt::Display for Malformed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Malformed {}

fn malformed<T>(why: impl Into<String>) -> Result<T, Malformed> {
    Err(Malformed(why.into()))
}

/// Items of a query or form body, `+` read as a space; an item without `=`
/// is a name with an empty value (RFC 5849 §3.4.1.3.1), empty items skipped.
pub fn form_params<'a>(
    s: &'a [u8],
    source: Source,
    what: &str,
) -> Result<Vec<Param<'a>>, Malformed> {
    s.split(|&b| b == b'&')
        .filter(|item| !item.is_empty())
        .map(|item| {
            let (n, v) = match item.iter().position(|&b| b == b'=') {
                Some(i) => (&item[..i], &item[i + 1..]),
                None => (item, &b""[..]),
            };
            let bad = |_| Malformed(format!("the {what} has a % that starts no percent-escape"));
            Ok(Param {
                name: decode(n, true).map_err(bad)?,
                value: decode(v, true).map_err(bad)?,
                source,
            })
        })
        .collect()
}

/// The parameters of an `Authorization: OAuth …` header value (the scheme
/// name already removed): `name="value"` pairs separated by commas, with
/// optional spaces, values percent-encoded. `realm` is left out (§3.4.1.3.1).
pub fn header_params(s: &[u8]) -> Result<Vec<Param<'_>>, Malformed> {
    let mut out = Vec::new();
    let mut rest = s.trim_ascii();
    while !rest.is_empty() {
        let eq = rest
            .iter()
            .position(|&b| b == b'=')
            .ok_or_else(|| Malformed("an Authorization parameter has no =\"value\"".into()))?;
        let name = rest[..eq].trim_ascii();
        if name.is_empty()
            || !name
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || b"_-.~%".contains(b))
        {
            return malformed("an Authorization parameter has a malformed name");
        }
        let after = &rest[eq + 1..];
        let Some(quoted) = after.strip_prefix(b"\"") else {
            return malformed("an Authorization parameter's value is not in double quotes");
        };
        let close = quoted
            .iter()
            .position(|&b| b == b'"')
            .ok_or_else(|| Malformed("an Authorization parameter's quote is not closed".into()))?;
        let bad =
            |_| Malformed("the Authorization header has a % that starts no percent-escape".into());
        let name = decode(name, false).map_err(bad)?;
        let value = decode(&quoted[..close], false).map_err(bad)?;
        if *name != *b"realm" {
            out.push(Param {
                name,
                value,
                source: Source::Header,
            });
        }
        rest = quoted[close + 1..].trim_ascii_start();
        if rest.is_empty() {
            break;
        }
        match rest.strip_prefix(b",") {
            Some(r) => rest = r.trim_ascii_start(),
            None => return malformed("Authorization parameters must be separated by commas"),
        }
    }
    Ok(out)
}

/// The value of an `Authorization` header after `OAuth `, if it is one.
pub fn oauth_scheme(value: &[u8]) -> Option<&[u8]> {
    let v = value.trim_ascii_start();
    let (scheme, rest) = v.split_at(v.iter().position(|&b| b == b' ').unwrap_or(v.len()));
    scheme.eq_ignore_ascii_case(b"OAuth").then_some(rest)
}

/// Every parameter of `req` that RFC 5849 §3.4.1.3.1 signs, in the order
/// found: the `Authorization: OAuth` header's (without `realm`), the
/// query's and a form body's; `oauth_signature` included (the caller takes
/// it out).
pub fn collect(req: &HttpRequest) -> Result<Vec<Param<'_>>, Malformed> {
    let mut out = Vec::new();
    let auth = req.header("Authorization").map_err(|e| Malformed(e.0))?;
    if let Some(rest) = auth.and_then(oauth_scheme) {
        out.extend(header_params(rest)?);
    }
    if let Some(q) = &req.query {
        out.extend(form_params(q.as_bytes(), Source::Query, "query")?);
    }
    if req.has_form_body().map_err(|e| Malformed(e.0))? {
        out.extend(form_params(&req.body, Source::Body, "form body")?);
    }
    Ok(out)
}

/// How parameters and the URL were normalised before signing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Normalisation {
    /// RFC 5849 §3.4.1 exactly.
    Strict,
    /// A (name, value) pair found identically in two sources counts once,
    /// as twitter-api-v2's `login()` signs its `oauth_token`.
    Dedup,
    /// The origin replaced by another one (the platform's, or one given to
    /// `serve --alias-origin`), for clients that rewrite the URL after
    /// signing.
    Alias(String),
}

impl Normalisation {
    /// The name `keys verify` reports: `strict`, `dedup`, `alias:<origin>`.
    pub fn name(&self) -> String {
        match self {
            Normalisation::Strict => "strict".into(),
            Normalisation::Dedup => "dedup".into(),
            Normalisation::Alias(o) => format!("alias:{o}"),
        }
    }
}

/// The platform's API origins, which a rewritten URL may have been signed for.
pub const PLATFORM_ORIGINS: [&str; 2] = ["https://api.twitter.com", "https://api.x.com"];

/// The parameters without identical pairs repeated across sources; `None`
/// when there are none, so the variant need not be tried.
pub fn dedup<'a>(params: &[Param<'a>]) -> Option<Vec<Param<'a>>> {
    let mut keyed: Vec<(usize, &Param)> = params.iter().enumerate().collect();
    keyed.sort_by(|a, b| {
        (&a.1.name, &a.1.value, a.1.source).cmp(&(&b.1.name, &b.1.value, b.1.source))
    });
    let mut drop = vec![false; params.len()];
    let mut any = false;
    for w in keyed.windows(2) {
        let (a, b) = (w[0].1, w[1].1);
        if a.name == b.name && a.value == b.value && a.source != b.source {
            drop[w[1].0] = true;
            any = true;
        }
    }
    any.then(|| {
        params
            .iter()
            .zip(drop)
            .filter(|(_, d)| !d)
            .map(|(p, _)| p.clone())
            .collect()
    })
}

/// The normalised parameter string (§3.4.1.3.2): names and values encoded,
/// sorted by name then value, joined `n=v` with `&`. `oauth_signature`
/// is left out.
pub fn normalised_params(params: &[Param]) -> String {
    // Every name and value encoded into one buffer, sorted as ranges of it.
    let mut encoded = String::new();
    let mut pairs = Vec::with_capacity(params.len());
    for p in params.iter().filter(|p| *p.name != *b"oauth_signature") {
        let start = encoded.len();
        encode_into(&mut encoded, &p.name);
        let mid = encoded.len();
        encode_into(&mut encoded, &p.value);
        pairs.push((start..mid, mid..encoded.len()));
    }
    let part = |r: &std::ops::Range<usize>| &encoded[r.clone()];
    pairs.sort_unstable_by(|(n1, v1), (n2, v2)| (part(n1), part(v1)).cmp(&(part(n2), part(v2))));
    let mut out = String::with_capacity(encoded.len() + 2 * pairs.len());
    for (i, (n, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(part(n));
        out.push('=');
        out.push_str(part(v));
    }
    out
}

/// The signature base string (§3.4.1.1): `METHOD&enc(base URI)&enc(params)`.
pub fn base_string(method: &str, base_uri: &str, params: &[Param]) -> String {
    let params = normalised_params(params);
    // Encoding the parameters again turns each `%`, `=` and `&` into three.
    let mut out = String::with_capacity(method.len() + 3 * (base_uri.len() + params.len()) + 2);
    out.extend(method.chars().map(|c| c.to_ascii_uppercase()));
    out.push('&');
    encode_into(&mut out, base_uri.as_bytes());
    out.push('&');
    encode_into(&mut out, params.as_bytes());
    out
}

/// The HMAC-SHA1 key (§3.4.2): `enc(consumer secret)&enc(token secret)`,
/// the `&` kept when there is no token.
fn mac(consumer_secret: &str, token_secret: &str) -> Hmac<Sha1> {
    let mut key = zeroize::Zeroizing::new(String::with_capacity(
        3 * (consumer_secret.len() + token_secret.len()) + 1,
    ));
    encode_into(&mut key, consumer_secret.as_bytes());
    key.push('&');
    encode_into(&mut key, token_secret.as_bytes());
    Hmac::<Sha1>::new_from_slice(key.as_bytes()).expect("HMAC takes a key of any length")
}

/// The HMAC-SHA1 signature of `base`, base64-encoded (§3.4.2).
pub fn sign(base: &str, consumer_secret: &str, token_secret: &str) -> String {
    let mut m = mac(consumer_secret, token_secret);
    m.update(base.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(m.finalize().into_bytes())
}

/// Whether `signature` (base64, as sent) is the HMAC-SHA1 of `base`,
/// compared in constant time.
pub fn verify(base: &str, consumer_secret: &str, token_secret: &str, signature: &[u8]) -> bool {
    let Ok(sent) = base64::engine::general_purpose::STANDARD.decode(signature) else {
        return false;
    };
    let mut m = mac(consumer_secret, token_secret);
    m.update(base.as_bytes());
    m.verify_slice(&sent).is_ok()
}

#[cfg(test)]
mod tests {
    use super::super::request::{Scheme, parse};
    use super::*;

    /// RFC 5849 §3.4.1.1's request, with the secrets oauthlib's tests use
    /// for it (the RFC's own signature is a placeholder).
    const RFC_3_4_1: &str = "POST /request?b5=%3D%253D&a3=a&c%40=&a2=r%20b HTTP/1.1\r\n\
        Host: example.com\r\n\
        Content-Type: application/x-www-form-urlencoded\r\n\
        Authorization: OAuth realm=\"Example\", oauth_consumer_key=\"9djdj82h48djs9d2\", oauth_token=\"kkk9d7dh3k39sjv7\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"137131201\", oauth_nonce=\"7d8f3e4a\", oauth_signature=\"bYT5CMsGcbgUdFHObYMEfcx6bsw%3D\"\r\n\
        \r\n\
        c2&a3=2+q";

    #[test]
    fn rfc_5849_3_4_1_base_string_and_signature() {
        let req = parse(RFC_3_4_1.as_bytes(), Scheme::Http).unwrap();
        let params = collect(&req).unwrap();
        let base = base_string(&req.method, &req.base_uri(), &params);
        assert_eq!(
            base,
            "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7"
        );
        let sig = sign(
            &base,
            "ECrDNoq1VYzzzzzzzzzyAK7TwZNtPnkqatqZZZZ",
            "just-a-string    asdasd",
        );
        assert_eq!(sig, "wsdNmjGB7lvis0UJuPAmjvX/PXw=");
        assert!(verify(
            &base,
            "ECrDNoq1VYzzzzzzzzzyAK7TwZNtPnkqatqZZZZ",
            "just-a-string    asdasd",
            sig.as_bytes()
        ));
        assert!(!verify(
            &base,
            "ECrDNoq1VYzzzzzzzzzyAK7TwZNtPnkqatqZZZZ",
            "other",
            sig.as_bytes()
        ));
        assert!(!verify(&base, "x", "y", b"not base64!"));
    }

    fn signed(
        method: &str,
        uri: &str,
        oauth: &[(&str, &str)],
        query: &str,
        token_secret: &str,
    ) -> String {
        let mut params = form_params(query.as_bytes(), Source::Query, "query").unwrap();
        params.extend(oauth.iter().map(|(n, v)| Param {
            name: n.as_bytes().into(),
            value: v.as_bytes().into(),
            source: Source::Header,
        }));
        sign(
            &base_string(method, uri, &params),
            "kd94hf93k423kf44",
            token_secret,
        )
    }

    #[test]
    fn rfc_5849_1_2_and_oauth_core_a_5() {
        let consumer = ("oauth_consumer_key", "dpf43f3p2l4k3l03");
        let hmac = ("oauth_signature_method", "HMAC-SHA1");
        assert_eq!(
            signed(
                "POST",
                "https://photos.example.net/initiate",
                &[
                    consumer,
                    hmac,
                    ("oauth_timestamp", "137131200"),
                    ("oauth_nonce", "wIjqoS"),
                    ("oauth_callback", "http://printer.example.com/ready")
                ],
                "",
                ""
            ),
            "74KNZJeDHnMBp0EMJ9ZHt/XKycU="
        );
        assert_eq!(
            signed(
                "POST",
                "https://photos.example.net/token",
                &[
                    consumer,
                    hmac,
                    ("oauth_token", "hh5s93j4hdidpola"),
                    ("oauth_timestamp", "137131201"),
                    ("oauth_nonce", "walatlh"),
                    ("oauth_verifier", "hfdp7dh39dks9884")
                ],
                "",
                "hdhd0244k9j7ao03"
            ),
            "gKgrFCywp7rO0OXSjdot/IHF7IU="
        );
        assert_eq!(
            signed(
                "GET",
                "http://photos.example.net/photos",
                &[
                    consumer,
                    hmac,
                    ("oauth_token", "nnch734d00sl2jdk"),
                    ("oauth_timestamp", "137131202"),
                    ("oauth_nonce", "chapoH")
                ],
                "file=vacation.jpg&size=original",
                "pfkkdhi9sl3r4s00"
            ),
            "MdpQcU8iPSUjWoN/UDMsK2sui9I="
        );
        assert_eq!(
            signed(
                "GET",
                "http://photos.example.net/photos",
                &[
                    consumer,
                    hmac,
                    ("oauth_token", "nnch734d00sl2jdk"),
                    ("oauth_timestamp", "1191242096"),
                    ("oauth_nonce", "kllo9940pd9333jh"),
                    ("oauth_version", "1.0")
                ],
                "file=vacation.jpg&size=original",
                "pfkkdhi9sl3r4s00"
            ),
            "tR3+Ty81lMeYAr/Fid0kMTYa/WM="
        );
    }

    /// The platform's "Creating a signature" page, for each base URL its
    /// versions use.
    #[test]
    fn the_platforms_creating_a_signature_example() {
        let body = "status=Hello%20Ladies%20%2b%20Gentlemen%2c%20a%20signed%20OAuth%20request%21";
        let mut params = form_params(b"include_entities=true", Source::Query, "query").unwrap();
        params.extend(form_params(body.as_bytes(), Source::Body, "body").unwrap());
        for (n, v) in [
            ("oauth_consumer_key", "xvz1evFS4wEEPTGEFPHBog"),
            ("oauth_nonce", "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg"),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "1318622958"),
            (
                "oauth_token",
                "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
            ),
            ("oauth_version", "1.0"),
        ] {
            params.push(Param {
                name: n.as_bytes().into(),
                value: v.as_bytes().into(),
                source: Source::Header,
            });
        }
        let cases = [
            (
                "https://api.x.com/1.1/statuses/update.json",
                "Ls93hJiZbQ3akF3HF3x1Bz8/zU4=",
            ),
            (
                "https://api.twitter.com/1.1/statuses/update.json",
                "hCtSmYh+iHYCEqBWrE7C7hYmtUk=",
            ),
            (
                "https://api.twitter.com/1/statuses/update.json",
                "tnnArxj06cWHq44gCs1OSKk/jLY=",
            ),
        ];
        for (uri, want) in cases {
            let base = base_string("post", uri, &params);
            assert!(base.contains("status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521"));
            let got = sign(
                &base,
                "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
                "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
            );
            assert_eq!(got, want, "{uri}");
            for (other, _) in cases.iter().filter(|(u, _)| *u != uri) {
                let base = base_string("POST", other, &params);
                assert!(!verify(
                    &base,
                    "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
                    "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
                    want.as_bytes()
                ));
            }
        }
    }

    #[test]
    fn log_in_with_x_request_token_has_an_empty_token_secret() {
        let mk = |uri: &str| {
            let params: Vec<Param> = [
                ("oauth_callback", "http://localhost/sign-in-with-twitter/"),
                ("oauth_consumer_key", "cChZNFj6T5R0TigYB9yd1w"),
                ("oauth_nonce", "ea9ec8429b68d6b77cd5600adbbb0456"),
                ("oauth_signature_method", "HMAC-SHA1"),
                ("oauth_timestamp", "1318467427"),
                ("oauth_version", "1.0"),
            ]
            .iter()
            .map(|(n, v)| Param {
                name: n.as_bytes().into(),
                value: v.as_bytes().into(),
                source: Source::Header,
            })
            .collect();
            sign(
                &base_string("POST", uri, &params),
                "L8qq9PZyRg6ieKGEKhZolGC0vJWLw8iEJ88DRdyOg",
                "",
            )
        };
        assert_eq!(
            mk("https://api.twitter.com/oauth/request_token"),
            "F1Li3tvehgcraF8DMJ7OyxO4w9Y="
        );
        assert_eq!(
            mk("https://api.x.com/oauth/request_token"),
            "X9xhcB9d+NxXd/ThJ/n51vPhetM="
        );
    }

    #[test]
    fn header_parameters_parse_with_or_without_spaces_and_refuse_garbage() {
        let p = header_params(br#"realm="x",oauth_a="1%2B",oauth_b="""#).unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(*p[0].value, *b"1+");
        assert_eq!(*p[1].value, *b"");
        for bad in [
            &br#"oauth_a=1"#[..],
            br#"oauth_a="1"#,
            br#"oauth_a="1" oauth_b="2""#,
            br#"="1""#,
            br#"oauth_a="%zz""#,
        ] {
            assert!(
                header_params(bad).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        assert_eq!(oauth_scheme(b"oauth  a=\"b\""), Some(&b"  a=\"b\""[..]));
        assert_eq!(oauth_scheme(b"Bearer x"), None);
    }

    #[test]
    fn dedup_collapses_only_identical_pairs_from_different_sources() {
        let p = |n: &'static str, v: &'static str, s| Param {
            name: n.as_bytes().into(),
            value: v.as_bytes().into(),
            source: s,
        };
        let same_source = [p("a", "1", Source::Query), p("a", "1", Source::Query)];
        assert_eq!(dedup(&same_source), None);
        let different_value = [p("a", "1", Source::Header), p("a", "2", Source::Body)];
        assert_eq!(dedup(&different_value), None);
        let twice = [
            p("oauth_token", "t", Source::Header),
            p("x", "y", Source::Body),
            p("oauth_token", "t", Source::Body),
        ];
        assert_eq!(dedup(&twice).unwrap(), twice[..2]);
    }
}
