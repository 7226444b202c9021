//! The HTML pages: the authorize page and the pages that end the flow
//! (PIN, cancelled, invalid token). Rendered by minijinja from
//! `templates/`, every value escaped for HTML (the templates' `.html`
//! names turn auto-escaping on); sent with headers that forbid framing,
//! inline script and referrers.

use super::http::Response;
use minijinja::{Environment, Value};
use std::sync::OnceLock;

/// `Content-Security-Policy`: nothing but the page itself and `data:`
/// images (the app's icon); no script at all; no framing.
const CSP: &str = "default-src 'none'; img-src data:; base-uri 'none'; frame-ancestors 'none'";

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut e = Environment::new();
        e.add_template(
            "authorize.html",
            include_str!("../../templates/authorize.html"),
        )
        .expect("the authorize template parses");
        e.add_template("message.html", include_str!("../../templates/message.html"))
            .expect("the message template parses");
        e
    })
}

/// A page of `status` with the security headers.
pub fn page(status: u16, html: String) -> Response {
    secure(Response::new(status, "text/html; charset=utf-8", html))
}

/// Adds the headers every page and redirect of the flow sends.
pub fn secure(r: Response) -> Response {
    r.with("X-Frame-Options", "DENY")
        .with("Content-Security-Policy", CSP)
        .with("Referrer-Policy", "no-referrer")
        .with("X-Content-Type-Options", "nosniff")
}

/// Renders template `name` with `ctx`.
pub fn render(name: &str, ctx: Value) -> Response {
    match env().get_template(name).and_then(|t| t.render(ctx)) {
        Ok(html) => page(200, html),
        Err(_) => Response::text(500, "the page could not be rendered\n"),
    }
}

/// A message page of `status`.
pub fn message(status: u16, title: &str, message: &str) -> Response {
    let mut r = render(
        "message.html",
        minijinja::context! { title => title, message => message },
    );
    r.status = status;
    r
}

/// The page for an unknown, used or expired request token (PLATFORM.md §3).
pub fn invalid_token() -> Response {
    message(
        400,
        "Whoa there!",
        "The request token for this page is invalid. It may have already been used, or expired because it is too old. Please go back to the site or application that sent you here and try again; it was probably just a mistake.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_shown_is_escaped() {
        let r = message(200, "<script>alert(1)</script>", "a \"b\" & 'c'");
        let html = String::from_utf8(r.body).unwrap();
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(html.contains("&quot;b&quot; &amp;"), "{html}");
        assert!(
            r.headers
                .iter()
                .any(|(n, v)| *n == "X-Frame-Options" && v == "DENY")
        );
    }
}
