//! Percent-encoding as RFC 5849 §3.6 wants it for signatures, and the
//! decoding of queries, form bodies and `Authorization` header values.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode, percent_encode};
use std::borrow::Cow;

/// Everything but the unreserved characters `A-Za-z0-9-._~` is encoded,
/// as `%XX` with upper-case hex (RFC 5849 §3.6).
const RESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A `%` that does not start a `%XX` escape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadEscape;

/// `bytes` encoded per RFC 5849 §3.6 (UTF-8 text is encoded byte by byte).
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    encode_into(&mut out, bytes);
    out
}

/// [`encode`], appended to `out`: the encoder's pieces are copied as they
/// come, without the formatting machinery of `to_string`.
pub fn encode_into(out: &mut String, bytes: &[u8]) {
    out.extend(percent_encode(bytes, RESERVED));
}

/// Decodes `%XX` escapes (either case of hex). With `plus_is_space`, as in
/// `application/x-www-form-urlencoded` queries and bodies, `+` is a space.
/// A `%` not followed by two hex digits is refused rather than kept, so that
/// no two spellings of a request decode alike by accident.
pub fn decode(s: &[u8], plus_is_space: bool) -> Result<Cow<'_, [u8]>, BadEscape> {
    if !(s.contains(&b'%') || plus_is_space && s.contains(&b'+')) {
        // Nothing to decode, as in most names and values: borrowed.
        return Ok(Cow::Borrowed(s));
    }
    let mut i = 0;
    while let Some(p) = s[i..].iter().position(|&b| b == b'%') {
        let at = i + p;
        let ok =
            s.len() >= at + 3 && s[at + 1].is_ascii_hexdigit() && s[at + 2].is_ascii_hexdigit();
        if !ok {
            return Err(BadEscape);
        }
        i = at + 3;
    }
    if plus_is_space && s.contains(&b'+') {
        let spaced: Vec<u8> = s
            .iter()
            .map(|&b| if b == b'+' { b' ' } else { b })
            .collect();
        return Ok(Cow::Owned(Cow::from(percent_decode(&spaced)).into_owned()));
    }
    Ok(Cow::from(percent_decode(s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_all_but_unreserved_with_upper_case_hex() {
        // The platform's percent-encoding page.
        assert_eq!(encode(b"Ladies + Gentlemen"), "Ladies%20%2B%20Gentlemen");
        assert_eq!(encode(b"An encoded string!"), "An%20encoded%20string%21");
        assert_eq!(encode(b"Dogs, Cats & Mice"), "Dogs%2C%20Cats%20%26%20Mice");
        assert_eq!(encode("☃".as_bytes()), "%E2%98%83");
        assert_eq!(encode(b"-._~azAZ09"), "-._~azAZ09");
        assert_eq!(encode(b"%=&/"), "%25%3D%26%2F");
    }

    #[test]
    fn decodes_either_case_and_refuses_a_broken_escape() {
        assert_eq!(*decode(b"%2b%2C", false).unwrap(), *b"+,");
        assert_eq!(*decode(b"2+q", true).unwrap(), *b"2 q");
        assert_eq!(*decode(b"2+q", false).unwrap(), *b"2+q");
        for bad in [&b"%"[..], b"%2", b"a%zz", b"%2g", b"ok%"] {
            assert_eq!(decode(bad, true), Err(BadEscape), "{bad:?}");
        }
    }
}
