//! `--alias-origin`: other origins an OAuth 1.0a signature may have been
//! made for, written as the request parser writes a request's own origin
//! (`scheme://host[:port]`, lower-case, no default port), so that
//! `oauth::verify_for` can compare them as strings.

use crate::error::{Error, Result};

/// The origin `given` names, or exit 9 when it is not an origin. The
/// message never repeats what follows the host, which may hold a secret
/// (a password, a token in the query).
pub fn alias_origin(given: &str) -> Result<String> {
    let hint = "give only scheme://host[:port], such as https://api.twitter.com";
    let url = url::Url::parse(given).map_err(|e| {
        Error::invalid(format!("--alias-origin is not a URL ({e})")).with_hint(hint)
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::invalid(format!(
            "--alias-origin must be an http or https URL, not {}:",
            url.scheme()
        ))
        .with_hint(hint));
    }
    let Some(host) = url.host_str() else {
        return Err(Error::invalid("--alias-origin has no host").with_hint(hint));
    };
    let origin = match url.port() {
        Some(p) => format!("{}://{host}:{p}", url.scheme()),
        None => format!("{}://{host}", url.scheme()),
    };
    let wrong = if !url.username().is_empty() || url.password().is_some() {
        Some("user info")
    } else if url.path() != "/" {
        Some("a path")
    } else if url.query().is_some() {
        Some("a query")
    } else if url.fragment().is_some() {
        Some("a fragment")
    } else {
        None
    };
    match wrong {
        Some(what) => Err(Error::invalid(format!(
            "--alias-origin {origin} has {what}; an origin is only scheme://host[:port]"
        ))
        .with_hint(hint)),
        None => Ok(origin),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_origin_is_normalised_as_requests_are() {
        for (given, want) in [
            ("https://api.twitter.com", "https://api.twitter.com"),
            ("https://API.Twitter.com/", "https://api.twitter.com"),
            ("https://api.x.com:443", "https://api.x.com"),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("http://example.com:80", "http://example.com"),
            ("https://[::1]:8443", "https://[::1]:8443"),
        ] {
            assert_eq!(alias_origin(given).unwrap(), want, "{given}");
        }
    }

    #[test]
    fn anything_more_than_an_origin_is_refused_without_repeating_it() {
        for bad in [
            "https://api.twitter.com/1.1",
            "https://api.twitter.com/?a=b",
            "https://api.twitter.com/?",
            "https://api.twitter.com/#f",
            "https://user:hunter2@api.twitter.com",
            "https://user@api.twitter.com",
            "ftp://api.twitter.com",
            "api.twitter.com",
            "https://",
            "",
        ] {
            let e = alias_origin(bad).unwrap_err();
            assert_eq!(e.exit_code(), 9, "{bad}");
            let text = e.to_string();
            assert!(!text.contains("hunter2") && !text.contains("a=b"), "{text}");
            assert!(!text.contains('\n'), "{text}");
        }
    }
}
