//! The value rules of the spec: lengths, characters, URLs and icons.
//! Every function returns the accepted value or an [`Error`] of kind
//! `Invalid` (exit 9) whose message names the field and the rule.

use crate::error::{Error, Result};
use icu_properties::CodePointMapData;
use icu_properties::props::GeneralCategory;
use std::ffi::OsStr;
use url::Url;

/// Longest project name.
pub const PROJECT_NAME_MAX: usize = 64;
/// Longest app name.
pub const APP_NAME_MAX: usize = 32;
/// Shortest app description, when one is set.
pub const APP_DESCRIPTION_MIN: usize = 10;
/// Longest app description, use case, project description and suspension reason.
pub const TEXT_MAX: usize = 200;
/// Longest organization name.
pub const ORGANIZATION_NAME_MAX: usize = 100;
/// Longest URL.
pub const URL_MAX: usize = 2048;
/// Most callback URLs an app may have.
pub const CALLBACK_URLS_MAX: usize = 10;
/// Largest icon in bytes (700 KiB).
pub const ICON_MAX_BYTES: usize = 700 * 1024;
/// Longest owner handle.
pub const HANDLE_MAX: usize = 15;

/// Schemes that cannot be OAuth callbacks: they run code, name local files,
/// or belong to other protocols.
const FORBIDDEN_CALLBACK_SCHEMES: &[&str] = &[
    "about",
    "blob",
    "chrome",
    "data",
    "file",
    "ftp",
    "ftps",
    "gopher",
    "imap",
    "irc",
    "jar",
    "javascript",
    "ldap",
    "ldaps",
    "mailto",
    "news",
    "nntp",
    "pop",
    "sftp",
    "sip",
    "sips",
    "sms",
    "smb",
    "ssh",
    "tel",
    "telnet",
    "urn",
    "vbscript",
    "view-source",
    "ws",
    "wss",
];

/// Converts a command-line value to text, refusing invalid UTF-8 and
/// characters that cannot be seen or that change the text's direction.
pub fn text(field: &str, value: &OsStr) -> Result<String> {
    let Some(s) = value.to_str() else {
        return Err(Error::invalid(format!("the {field} is not valid UTF-8")));
    };
    check_chars(field, s)?;
    Ok(s.to_string())
}

/// The first character of `s` that a reader cannot see or that changes the
/// direction of what follows: general category Cc (controls), Cf (format:
/// zero-width characters, bidi embeddings, overrides and isolates, the byte
/// order mark, the soft hyphen), Zl or Zp (line and paragraph separators).
/// Two names differing only in such characters look the same, and a bidi
/// override makes text read differently from how it is stored.
fn hidden_char(s: &str) -> Option<(char, GeneralCategory)> {
    if s.is_ascii() {
        return s
            .chars()
            .find(char::is_ascii_control)
            .map(|c| (c, GeneralCategory::Control));
    }
    let categories = CodePointMapData::<GeneralCategory>::new();
    s.chars().find_map(|c| {
        let gc = categories.get(c);
        matches!(
            gc,
            GeneralCategory::Control
                | GeneralCategory::Format
                | GeneralCategory::LineSeparator
                | GeneralCategory::ParagraphSeparator
        )
        .then_some((c, gc))
    })
}

/// Names of the hidden characters most often met, to say which one it was;
/// the others are shown by code point alone.
fn char_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\0' => "NULL",
        '\t' => "CHARACTER TABULATION",
        '\n' => "LINE FEED",
        '\r' => "CARRIAGE RETURN",
        '\u{1b}' => "ESCAPE",
        '\u{7f}' => "DELETE",
        '\u{85}' => "NEXT LINE",
        '\u{ad}' => "SOFT HYPHEN",
        '\u{61c}' => "ARABIC LETTER MARK",
        '\u{180e}' => "MONGOLIAN VOWEL SEPARATOR",
        '\u{200b}' => "ZERO WIDTH SPACE",
        '\u{200c}' => "ZERO WIDTH NON-JOINER",
        '\u{200d}' => "ZERO WIDTH JOINER",
        '\u{200e}' => "LEFT-TO-RIGHT MARK",
        '\u{200f}' => "RIGHT-TO-LEFT MARK",
        '\u{2028}' => "LINE SEPARATOR",
        '\u{2029}' => "PARAGRAPH SEPARATOR",
        '\u{202a}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202b}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202c}' => "POP DIRECTIONAL FORMATTING",
        '\u{202d}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202e}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2060}' => "WORD JOINER",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        '\u{feff}' => "ZERO WIDTH NO-BREAK SPACE",
        _ => return None,
    })
}

fn check_chars(field: &str, s: &str) -> Result<()> {
    let Some((c, gc)) = hidden_char(s) else {
        return Ok(());
    };
    let mut point = format!("U+{:04X}", u32::from(c));
    if let Some(name) = char_name(c) {
        point.push_str(&format!(" ({name})"));
    }
    Err(if gc == GeneralCategory::Control {
        Error::invalid(format!("the {field} contains {point}, a control character"))
            .with_hint("use plain single-line text")
    } else {
        Error::invalid(format!(
            "the {field} contains {point}, an invisible or direction-changing character"
        ))
        .with_hint("retype the value without it")
    })
}

fn check_len(field: &str, s: &str, min: usize, max: usize) -> Result<()> {
    let n = s.chars().count();
    if n < min || n > max {
        let range = if min == max {
            format!("{min}")
        } else if min == 0 {
            format!("at most {max}")
        } else {
            format!("{min}–{max}")
        };
        return Err(Error::invalid(format!(
            "the {field} must be {range} characters long, got {n}"
        )));
    }
    Ok(())
}

/// A name: `max` characters at most, not empty, no surrounding spaces, and not
/// all digits (a number on the command line always means an ID).
pub fn name(field: &str, s: &str, max: usize) -> Result<String> {
    check_chars(field, s)?;
    check_len(field, s, 1, max)?;
    if s.trim() != s {
        return Err(Error::invalid(format!(
            "the {field} {s:?} starts or ends with a space"
        )));
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid(format!(
            "the {field} {s:?} is all digits, which would read as an ID"
        ))
        .with_hint("add a letter to the name"));
    }
    Ok(s.to_string())
}

/// A project name.
pub fn project_name(s: &str) -> Result<String> {
    name("project name", s, PROJECT_NAME_MAX)
}

/// An app name.
pub fn app_name(s: &str) -> Result<String> {
    name("app name", s, APP_NAME_MAX)
}

/// Optional free text of at most `max` characters; empty means "not set".
pub fn optional_text(field: &str, s: &str, min: usize, max: usize) -> Result<Option<String>> {
    if s.is_empty() {
        return Ok(None);
    }
    check_chars(field, s)?;
    check_len(field, s, min, max)?;
    Ok(Some(s.to_string()))
}

/// Required free text of 1..=`max` characters.
pub fn required_text(field: &str, s: &str, max: usize) -> Result<String> {
    check_chars(field, s)?;
    if s.trim().is_empty() {
        return Err(Error::invalid(format!("the {field} must not be empty")));
    }
    check_len(field, s, 1, max)?;
    Ok(s.to_string())
}

/// An owner handle: 1–15 letters, digits or underscores.
pub fn handle(s: &str) -> Result<String> {
    if s.is_empty()
        || s.len() > HANDLE_MAX
        || !s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return Err(Error::invalid(format!(
            "the owner handle {s:?} must be 1–{HANDLE_MAX} letters, digits or underscores"
        )));
    }
    Ok(s.to_string())
}

/// The scheme of `s` as typed and what follows its colon, when `s` starts
/// with a scheme (a letter, then letters, digits, `+`, `-` or `.`).
fn split_scheme(s: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = s.split_once(':')?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some((scheme, rest))
}

/// Schemes whose URLs always have a host, however few slashes are typed:
/// the url crate reads `http:example.com` as `http://example.com/`.
fn special_scheme(scheme: &str) -> bool {
    ["http", "https", "ws", "wss", "ftp", "file"]
        .iter()
        .any(|s| scheme.eq_ignore_ascii_case(s))
}

/// Whether the authority of `s`, as typed, carries a user name or password
/// (`user:password@host`), in any of the forms the url crate accepts.
fn has_userinfo(s: &str) -> bool {
    let Some((scheme, rest)) = split_scheme(s) else {
        return false;
    };
    if !(rest.starts_with(['/', '\\']) || special_scheme(scheme)) {
        return false;
    }
    let authority = rest.trim_start_matches(['/', '\\']);
    let end = authority
        .find(['/', '\\', '?', '#'])
        .unwrap_or(authority.len());
    authority[..end].contains('@')
}

/// The first `%` of `s` that does not start a percent-escape (`%` and two
/// hex digits), with what follows it.
fn bad_percent_escape(s: &str) -> Option<&str> {
    let b = s.as_bytes();
    let i = (0..b.len()).find(|&i| {
        b[i] == b'%'
            && !(b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    })?;
    let end = s[i + 1..]
        .char_indices()
        .nth(2)
        .map_or(s.len(), |(j, _)| i + 1 + j);
    Some(&s[i..end])
}

fn parse_url(field: &str, s: &str) -> Result<Url> {
    check_chars(field, s)?;
    if s.len() > URL_MAX {
        return Err(Error::invalid(format!(
            "the {field} is longer than {URL_MAX} characters"
        )));
    }
    // Before any message that shows the URL: it would show the password.
    if has_userinfo(s) {
        return Err(Error::invalid(format!(
            "the {field} carries a user name or password (a user:password@ before the host)"
        ))
        .with_hint("remove it: a URL here is shown in listings and logs"));
    }
    if s.chars().any(char::is_whitespace) {
        return Err(
            Error::invalid(format!("the {field} {s:?} contains a space"))
                .with_hint("percent-encode spaces as %20"),
        );
    }
    if s.contains('\\') {
        return Err(
            Error::invalid(format!("the {field} {s:?} contains a backslash"))
                .with_hint("separate the parts of a URL with /"),
        );
    }
    if let Some(bad) = bad_percent_escape(s) {
        return Err(Error::invalid(format!(
            "the {field} {s:?} has {bad:?}, which is not a percent-escape"
        ))
        .with_hint("a % starts two hex digits, such as %20; write a % itself as %25"));
    }
    Url::parse(s).map_err(|e| match e {
        url::ParseError::EmptyHost => empty_host(
            field,
            s,
            split_scheme(s).map_or("https", |(scheme, _)| scheme),
        ),
        e => Error::invalid(format!("the {field} {s:?} is not an absolute URL ({e})"))
            .with_hint("write the full URL, such as https://example.com/page"),
    })
}

fn empty_host(field: &str, s: &str, scheme: &str) -> Error {
    let example = if special_scheme(scheme) {
        "https://example.com/page"
    } else {
        "myapp://callback"
    };
    Error::invalid(format!("the {field} {s:?} has an empty host")).with_hint(format!(
        "write it as {scheme}://host/path, such as {example}"
    ))
}

/// The rules on the form of a URL as typed, where the url crate is
/// lenient: `//` after the scheme, a host, and a port that is not empty
/// or 0. The parsed `url` is checked too, for what typing cannot show.
fn check_authority(field: &str, s: &str, url: &Url) -> Result<()> {
    let (scheme, rest) = split_scheme(s).unwrap_or((url.scheme(), ""));
    let Some(after) = rest.strip_prefix("//") else {
        return Err(
            Error::invalid(format!("the {field} {s:?} has no // after \"{scheme}:\"")).with_hint(
                format!("write it as {scheme}://{}", rest.trim_start_matches('/')),
            ),
        );
    };
    let authority = &after[..after.find(['/', '?', '#']).unwrap_or(after.len())];
    // The host ends at the port's colon, outside an IPv6 literal's brackets.
    let host_end = if authority.starts_with('[') {
        authority.find(']').map_or(authority.len(), |i| i + 1)
    } else {
        authority.find(':').unwrap_or(authority.len())
    };
    let (host, port) = authority.split_at(host_end);
    if host.is_empty() || url.host_str().is_none_or(str::is_empty) {
        return Err(empty_host(field, s, scheme));
    }
    if let Some(port) = port.strip_prefix(':') {
        if port.is_empty() {
            return Err(
                Error::invalid(format!("the {field} {s:?} has an empty port after \":\""))
                    .with_hint("give a port after the colon, or remove the colon"),
            );
        }
        if port.bytes().all(|b| b == b'0') || url.port() == Some(0) {
            return Err(Error::invalid(format!(
                "the {field} {s:?} has port 0, which no server listens on"
            ))
            .with_hint("give the server's port, or leave it out for the scheme's default"));
        }
    }
    Ok(())
}

/// An optional web URL (absolute http or https); empty means "not set".
pub fn web_url(field: &str, s: &str) -> Result<Option<String>> {
    if s.is_empty() {
        return Ok(None);
    }
    let url = parse_url(field, s)?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::invalid(format!(
            "the {field} {s:?} must be an http or https URL with a host"
        ))
        .with_hint("write the full URL, such as https://example.com/page"));
    }
    check_authority(field, s, &url)?;
    Ok(Some(s.to_string()))
}

/// A callback URL, kept exactly as written.
pub fn callback_url(s: &str) -> Result<String> {
    let field = "callback URL";
    let url = parse_url(field, s)?;
    let scheme = url.scheme();
    if FORBIDDEN_CALLBACK_SCHEMES.contains(&scheme) {
        return Err(Error::invalid(format!(
            "the {field} {s:?} uses the scheme {scheme:?}, which cannot be a callback"
        ))
        .with_hint("use http, https or your app's own scheme such as myapp://callback"));
    }
    check_authority(field, s, &url)?;
    if s.contains('#') {
        return Err(Error::invalid(format!(
            "the {field} {s:?} has a fragment (#…), which callbacks cannot carry"
        )));
    }
    let host = url.host_str().unwrap_or("");
    let bare = host.trim_end_matches('.');
    if bare.eq_ignore_ascii_case("localhost") || bare.to_ascii_lowercase().ends_with(".localhost") {
        return Err(
            Error::invalid(format!("the {field} {s:?} uses the host localhost"))
                .with_hint("use 127.0.0.1 instead of localhost"),
        );
    }
    Ok(s.to_string())
}

/// A list of callback URLs: at most ten, each valid, no duplicates.
pub fn callback_urls(urls: &[String]) -> Result<()> {
    if urls.len() > CALLBACK_URLS_MAX {
        return Err(Error::invalid(format!(
            "an app may have at most {CALLBACK_URLS_MAX} callback URLs, this would make {}",
            urls.len()
        ))
        .with_hint("remove some with --remove-callback-url or --clear-callback-urls"));
    }
    for (i, u) in urls.iter().enumerate() {
        callback_url(u)?;
        if urls[..i].contains(u) {
            return Err(Error::invalid(format!(
                "the callback URL {u:?} is listed twice"
            )));
        }
    }
    Ok(())
}

/// Image formats accepted as icons, recognised by their magic numbers.
pub fn icon_format(bytes: &[u8]) -> Result<super::IconFormat> {
    use super::IconFormat;
    if bytes.is_empty() {
        return Err(Error::invalid("icon file is empty").with_hint("use a PNG, JPEG or GIF image"));
    }
    if bytes.len() > ICON_MAX_BYTES {
        return Err(Error::invalid(format!(
            "icon is {} KiB, more than the limit of {} KiB",
            bytes.len().div_ceil(1024),
            ICON_MAX_BYTES / 1024
        )));
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Ok(IconFormat::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok(IconFormat::Jpeg)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Ok(IconFormat::Gif)
    } else {
        Err(Error::invalid("icon is not a PNG, JPEG or GIF image")
            .with_hint("convert the image to PNG, JPEG or GIF"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn names_obey_length_digits_spaces_and_control_rules() {
        assert!(app_name("My App").is_ok());
        assert!(app_name(&"x".repeat(32)).is_ok());
        assert!(app_name(&"é".repeat(32)).is_ok(), "characters, not bytes");
        for bad in [
            "",
            &"x".repeat(33),
            "12345",
            " lead",
            "trail ",
            "a\nb",
            "a\u{7}b",
        ] {
            assert_eq!(app_name(bad).unwrap_err().exit_code(), 9, "{bad:?}");
        }
        assert!(project_name(&"p".repeat(64)).is_ok());
        assert!(project_name(&"p".repeat(65)).is_err());
    }

    #[test]
    fn invisible_and_direction_changing_characters_are_refused_in_every_text() {
        let hidden = [
            ('\u{0}', "U+0000 (NULL), a control character"),
            ('\u{85}', "U+0085 (NEXT LINE), a control character"),
            ('\u{9f}', "U+009F, a control character"),
            ('\u{ad}', "U+00AD (SOFT HYPHEN), an invisible"),
            ('\u{200b}', "U+200B (ZERO WIDTH SPACE), an invisible"),
            ('\u{200d}', "U+200D (ZERO WIDTH JOINER), an invisible"),
            ('\u{200e}', "U+200E (LEFT-TO-RIGHT MARK), an invisible"),
            ('\u{202a}', "U+202A (LEFT-TO-RIGHT EMBEDDING), an invisible"),
            ('\u{202e}', "U+202E (RIGHT-TO-LEFT OVERRIDE), an invisible"),
            ('\u{2066}', "U+2066 (LEFT-TO-RIGHT ISOLATE), an invisible"),
            ('\u{2069}', "U+2069 (POP DIRECTIONAL ISOLATE), an invisible"),
            ('\u{2028}', "U+2028 (LINE SEPARATOR), an invisible"),
            ('\u{2029}', "U+2029 (PARAGRAPH SEPARATOR), an invisible"),
            (
                '\u{feff}',
                "U+FEFF (ZERO WIDTH NO-BREAK SPACE), an invisible",
            ),
            ('\u{2064}', "U+2064, an invisible"),
            ('\u{e0001}', "U+E0001, an invisible"),
        ];
        type Check = fn(&str) -> Result<()>;
        let checks: [(&str, Check); 7] = [
            ("app name", |v| app_name(v).map(drop)),
            ("project name", |v| project_name(v).map(drop)),
            ("description", |v| {
                optional_text("description", v, 10, 200).map(drop)
            }),
            ("reason", |v| required_text("reason", v, 200).map(drop)),
            ("website URL", |v| web_url("website URL", v).map(drop)),
            ("callback URL", |v| callback_url(v).map(drop)),
            ("use case", |v| text("use case", OsStr::new(v)).map(drop)),
        ];
        for (c, said) in hidden {
            for (field, check) in checks {
                let value = if field.ends_with("URL") {
                    format!("https://example.com/a{c}b")
                } else {
                    format!("a good value{c}x")
                };
                let e = check(&value).unwrap_err();
                assert_eq!(e.exit_code(), 9, "{field} {c:?}");
                assert!(
                    e.message()
                        .starts_with(&format!("the {field} contains {said}")),
                    "{field}: {e}"
                );
                assert!(e.hint().is_some(), "{field} {c:?}");
            }
        }
        let e = app_name("demo\u{202e}ppa").unwrap_err();
        assert_eq!(
            e.message(),
            "the app name contains U+202E (RIGHT-TO-LEFT OVERRIDE), \
             an invisible or direction-changing character"
        );
        assert_eq!(e.hint(), Some("retype the value without it"));
    }

    #[test]
    fn visible_text_of_any_script_passes() {
        for good in [
            "café crème",
            "日本語のアプリ",
            "مرحبا بالعالم",
            "שלום עולם",
            "Привет, мир",
            "🚀 launch 👍🏽 ❤️",
            "e\u{301}tude",
            "a\u{a0}b",
        ] {
            assert_eq!(
                optional_text("description", good, 0, 200)
                    .unwrap()
                    .as_deref(),
                Some(good)
            );
            assert!(app_name(&good.chars().take(32).collect::<String>()).is_ok());
        }
        assert!(web_url("website URL", "https://bücher.example/ü").is_ok());
    }

    #[test]
    fn invalid_utf8_is_refused() {
        let e = text("description", OsStr::from_bytes(b"ab\xffcd")).unwrap_err();
        assert_eq!(e.exit_code(), 9);
        assert!(e.message().contains("UTF-8"));
    }

    #[test]
    fn app_description_is_10_to_200_when_set() {
        assert_eq!(optional_text("d", "", 10, 200).unwrap(), None);
        assert!(optional_text("d", "too short", 10, 200).is_err());
        assert!(optional_text("d", "long enough", 10, 200).is_ok());
        assert!(optional_text("d", &"x".repeat(201), 10, 200).is_err());
    }

    #[test]
    fn web_urls_must_be_absolute_http() {
        assert!(
            web_url("website URL", "https://example.com")
                .unwrap()
                .is_some()
        );
        assert!(web_url("website URL", "").unwrap().is_none());
        for bad in [
            "example.com",
            "ftp://example.com",
            "/path",
            "https://",
            "javascript:alert(1)",
        ] {
            assert!(web_url("website URL", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn callback_urls_follow_the_spec() {
        for good in [
            "https://example.com/cb",
            "https://example.com/cb/",
            "http://127.0.0.1:8080/cb",
            "myapp://callback/path",
            "com.example.app://oauth",
        ] {
            assert_eq!(callback_url(good).unwrap(), good);
        }
        for bad in [
            "https://example.com/cb#frag",
            "http://localhost/cb",
            "http://LOCALHOST:3000/",
            "javascript://x/alert(1)",
            "data://text/plain",
            "file:///etc/passwd",
            "ftp://example.com/",
            "mailto:a@example.com",
            "myapp:/no-host",
            "not a url",
            "/relative",
        ] {
            assert_eq!(callback_url(bad).unwrap_err().exit_code(), 9, "{bad}");
        }
    }

    #[test]
    fn malformed_url_forms_are_refused_with_what_is_wrong() {
        // (URL, part of the message, part of the hint)
        let cases = [
            (
                "http:example.com",
                "has no // after \"http:\"",
                "http://example.com",
            ),
            (
                "https:example.com/cb",
                "has no // after \"https:\"",
                "https://example.com/cb",
            ),
            (
                "http:/example.com/cb",
                "has no // after \"http:\"",
                "http://example.com/cb",
            ),
            (
                "HTTPS:/example.com",
                "has no // after \"HTTPS:\"",
                "HTTPS://example.com",
            ),
            ("https:///cb", "has an empty host", "https://host/path"),
            ("http:///", "has an empty host", "https://example.com/page"),
            ("https://:8080/cb", "has an empty host", "host/path"),
            (
                "https://example.com/%zz",
                "has \"%zz\", which is not a percent-escape",
                "%25",
            ),
            (
                "https://example.com/100%",
                "has \"%\", which is not a percent-escape",
                "%25",
            ),
            (
                "https://example.com/a%2",
                "has \"%2\", which is not a percent-escape",
                "%25",
            ),
            (
                "https://example.com/?q=%g1",
                "has \"%g1\"",
                "two hex digits",
            ),
            ("https://example.com/%é1", "has \"%é1\"", "two hex digits"),
            (
                "https://user:pw@example.com/cb",
                "carries a user name or password",
                "remove it",
            ),
            (
                "https://user@example.com/cb",
                "carries a user name or password",
                "remove it",
            ),
            (
                "https://@example.com/cb",
                "carries a user name or password",
                "remove it",
            ),
            (
                "http:user:pw@example.com",
                "carries a user name or password",
                "remove it",
            ),
            (
                "http:/user:pw@example.com",
                "carries a user name or password",
                "remove it",
            ),
            ("https://example.com:0/cb", "has port 0", "leave it out"),
            ("http://127.0.0.1:00/cb", "has port 0", "leave it out"),
            ("http://[::1]:0/cb", "has port 0", "leave it out"),
            (
                "https://example.com:/cb",
                "has an empty port after \":\"",
                "remove the colon",
            ),
            (
                "https:\\\\example.com\\cb",
                "contains a backslash",
                "with /",
            ),
            ("https://example.com\\cb", "contains a backslash", "with /"),
        ];
        for (url, said, hint) in cases {
            for (field, r) in [
                ("callback URL", callback_url(url).map(drop)),
                ("website URL", web_url("website URL", url).map(drop)),
                (
                    "terms of service URL",
                    web_url("terms of service URL", url).map(drop),
                ),
            ] {
                let e = r.unwrap_err();
                assert_eq!(e.exit_code(), 9, "{field} {url}");
                assert!(e.message().starts_with(&format!("the {field} ")), "{e}");
                assert!(e.message().contains(said), "{url}: {e}");
                assert!(e.hint().unwrap().contains(hint), "{url}: {:?}", e.hint());
            }
        }
        // Custom schemes keep their own rules and messages.
        for (url, said) in [
            ("myapp:callback", "has no // after \"myapp:\""),
            ("myapp:///cb", "has an empty host"),
            ("myapp://cb:0/x", "has port 0"),
            ("myapp://u:p@cb/x", "user name or password"),
            ("myapp://cb/%x", "not a percent-escape"),
        ] {
            let e = callback_url(url).unwrap_err();
            assert!(e.message().contains(said), "{url}: {e}");
        }
    }

    #[test]
    fn a_password_in_a_url_is_never_repeated_in_the_error() {
        for url in [
            "https://u:hunter2@example.com/cb",
            "http:u:hunter2@example.com/ cb",
            "https://u:hunter2@example.com/%zz",
        ] {
            let e = callback_url(url).unwrap_err();
            assert!(!e.message().contains("hunter2"), "{e}");
            assert!(!e.hint().unwrap_or("").contains("hunter2"), "{e:?}");
        }
    }

    #[test]
    fn well_formed_urls_still_pass_as_typed() {
        for good in [
            "https://example.com",
            "https://example.com/",
            "http://127.0.0.1:8080/cb?x=1",
            "https://example.com/a%20b%2Fc",
            "https://example.com:443/cb",
            "http://[::1]:8080/cb",
            "https://bücher.example/ü",
            "https://example.com/@user",
            "https://example.com/cb?email=a@b.example",
        ] {
            assert_eq!(callback_url(good).unwrap(), good);
            assert_eq!(web_url("website URL", good).unwrap().unwrap(), good);
        }
        for good in [
            "myapp://callback/path",
            "com.example.app://oauth",
            "myapp://callback:8080/x",
        ] {
            assert_eq!(callback_url(good).unwrap(), good);
        }
    }

    #[test]
    fn callback_lists_are_limited_and_unique() {
        let ten: Vec<String> = (0..10).map(|i| format!("https://e.com/{i}")).collect();
        assert!(callback_urls(&ten).is_ok());
        let mut eleven = ten.clone();
        eleven.push("https://e.com/x".into());
        assert!(callback_urls(&eleven).is_err());
        let dup = vec!["https://e.com/a".to_string(), "https://e.com/a".to_string()];
        assert!(callback_urls(&dup).is_err());
        let slash = vec![
            "https://e.com/a".to_string(),
            "https://e.com/a/".to_string(),
        ];
        assert!(
            callback_urls(&slash).is_ok(),
            "trailing slash makes a different URL"
        );
    }

    #[test]
    fn icons_are_checked_by_magic_and_size() {
        use crate::model::IconFormat;
        assert_eq!(
            icon_format(b"\x89PNG\r\n\x1a\nrest").unwrap(),
            IconFormat::Png
        );
        assert_eq!(
            icon_format(&[0xFF, 0xD8, 0xFF, 0xE0]).unwrap(),
            IconFormat::Jpeg
        );
        assert_eq!(icon_format(b"GIF89a...").unwrap(), IconFormat::Gif);
        assert!(icon_format(b"").is_err());
        assert!(icon_format(b"BM bitmap").is_err());
        let mut big = b"\x89PNG\r\n\x1a\n".to_vec();
        big.resize(ICON_MAX_BYTES, 0);
        assert!(icon_format(&big).is_ok());
        big.push(0);
        assert!(icon_format(&big).is_err());
    }

    #[test]
    fn handles() {
        assert!(handle("alice_dev").is_ok());
        assert!(handle("").is_err());
        assert!(handle("way_too_long_handle").is_err());
        assert!(handle("bad-char").is_err());
    }
}
