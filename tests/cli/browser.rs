//! The pages `appctl serve` shows a person, as plain HTTP sees them: the
//! one stylesheet they load, and the policy that allows only it.

use crate::serve::{Server, body, status};
use crate::util::Env;

#[test]
fn the_stylesheet_is_cacheable_nosniff_and_the_only_style_the_csp_allows() {
    let env = Env::new();
    let s = Server::start(&env, &[]);
    let (st, page) = s.get("GET", "/oauth/authorize?oauth_token=nope", &[], "");
    assert_eq!(st, 400);
    let href = page
        .split("<link rel=\"stylesheet\" href=\"")
        .nth(1)
        .and_then(|h| h.split('"').next())
        .unwrap_or_else(|| panic!("no stylesheet: {page}"));
    assert!(
        href.starts_with("/assets/page-") && href.ends_with(".css"),
        "{href}"
    );
    let csp = page
        .lines()
        .find_map(|l| l.strip_prefix("Content-Security-Policy: "))
        .unwrap();
    assert!(csp.contains("style-src 'self'"), "{csp}");
    assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"));
    assert!(
        !csp.contains("unsafe") && !csp.contains("script-src"),
        "{csp}"
    );
    // Pages themselves are never cached.
    assert!(page.contains("Cache-Control: no-store\r\n"), "{page}");
    for method in ["GET", "HEAD"] {
        let (st, css) = s.get(method, href, &[], "");
        assert_eq!(st, 200, "{css}");
        for h in [
            "Content-Type: text/css; charset=utf-8\r\n",
            "Cache-Control: public, max-age=31536000, immutable\r\n",
            "X-Content-Type-Options: nosniff\r\n",
        ] {
            assert!(css.contains(h), "{h}: {css}");
        }
        assert!(!css.contains("no-store"), "{css}");
        assert_eq!(body(&css).is_empty(), method == "HEAD", "{css}");
    }
    let (_, css) = s.get("GET", href, &[], "");
    assert!(body(&css).contains(".card"), "{css}");
    // Another name, or another method, is not the stylesheet.
    assert_eq!(
        s.get("GET", "/assets/page-0000000000000000.css", &[], "").0,
        404
    );
    let resp = s.raw(
        format!(
            "POST {href} HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        .as_bytes(),
    );
    assert_eq!(status(&resp), 404, "{resp}");
}
