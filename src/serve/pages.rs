//! The HTML pages: the authorize page and the pages that end the flow
//! (PIN, cancelled, invalid token), and the one stylesheet they share.
//! Rendered by minijinja from `templates/`, every value escaped for HTML
//! (the templates' `.html` names turn auto-escaping on); sent with
//! headers that forbid framing, script and referrers.

use super::http::Response;
use crate::model::{App, Permissions};
use minijinja::{Environment, Value};
use std::sync::OnceLock;

/// `Content-Security-Policy`: styles only from the server's own stylesheet
/// (no inline style), `data:` images (the app's icon), no script at all,
/// no framing. No `form-action`: browsers apply it to the redirect that
/// follows the form, and the callback is on another origin.
const CSP: &str =
    "default-src 'none'; style-src 'self'; img-src data:; base-uri 'none'; frame-ancestors 'none'";

/// The stylesheet, built into the binary.
const STYLESHEET: &str = include_str!("../../templates/page.css");

/// The stylesheet's path, named by a hash of its content: a browser may
/// keep it for good, and another build's stylesheet has another name.
pub fn stylesheet_path() -> &'static str {
    static PATH: OnceLock<String> = OnceLock::new();
    PATH.get_or_init(|| {
        use blake2::Digest as _;
        let digest = blake2::Blake2s256::digest(STYLESHEET.as_bytes());
        format!("/assets/page-{}.css", hex::encode(&digest[..8]))
    })
}

/// `GET` [`stylesheet_path`].
pub fn stylesheet() -> Response {
    Response::new(200, "text/css; charset=utf-8", STYLESHEET)
        .with("Cache-Control", "public, max-age=31536000, immutable")
        .with("X-Content-Type-Options", "nosniff")
}

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

/// Renders template `name` with `ctx` and the stylesheet's path.
pub fn render(name: &str, ctx: Value) -> Response {
    // A constant of hex digits and slashes: nothing to escape.
    let css = Value::from_safe_string(stylesheet_path().to_string());
    let ctx = minijinja::context! { stylesheet => css, ..ctx };
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

/// Someone the authorize page's picker offers.
pub struct Person {
    /// The user ID, which the form sends.
    pub id: u64,
    /// The handle, shown as `@handle`.
    pub handle: String,
    /// The display name, shown before the handle.
    pub name: Option<String>,
    /// Whether this is the store's owner.
    pub owner: bool,
}

/// What a level lets an app do and not do, in words.
fn describe(p: Permissions) -> (Vec<&'static str>, Vec<&'static str>) {
    let mut can = vec!["See your posts, your profile and your account settings."];
    let mut cannot = vec!["See your password."];
    match p {
        Permissions::Read => {
            cannot.push("Post, follow, or change anything for you.");
            cannot.push("Read or send your Direct Messages.");
        }
        Permissions::ReadWrite => {
            can.push("Post and delete posts, follow and unfollow, and update your profile.");
            cannot.push("Read or send your Direct Messages.");
        }
        Permissions::ReadWriteDm => {
            can.push("Post and delete posts, follow and unfollow, and update your profile.");
            can.push("Read and send your Direct Messages.");
        }
    }
    (can, cannot)
}

/// The request an authorize page asks the person about.
pub struct Authorize<'a> {
    /// The app asking.
    pub app: &'a App,
    /// The level the request token asks for.
    pub access: Permissions,
    /// Whether it asks for email addresses (the app's toggle when it was made).
    pub email: bool,
    /// The picker's choices, the owner first.
    pub people: &'a [Person],
    /// Which of them is preselected.
    pub preselect: usize,
    /// The form's anti-forgery token.
    pub csrf: &'a str,
    /// The request token.
    pub token: &'a str,
}

/// The authorize page.
pub fn authorize(a: &Authorize<'_>) -> Response {
    let d = &a.app.details;
    let (can, cannot) = describe(a.access);
    let users: Vec<_> = a
        .people
        .iter()
        .enumerate()
        .map(|(i, p)| {
            minijinja::context! {
                id => p.id.to_string(), screen_name => p.handle, name => p.name,
                owner => p.owner, selected => i == a.preselect,
            }
        })
        .collect();
    let icon = d.icon.as_ref().map(|i| {
        use base64::Engine as _;
        format!(
            "data:image/{};base64,{}",
            i.format.as_str(),
            base64::engine::general_purpose::STANDARD.encode(&i.bytes)
        )
    });
    let initial: String = a
        .app
        .name
        .chars()
        .take(1)
        .flat_map(char::to_uppercase)
        .collect();
    let ctx = minijinja::context! {
        app => minijinja::context! {
            name => a.app.name,
            initial => initial,
            description => d.description,
            website => d.website_url,
            organization => d.organization_name,
            terms => d.terms_url,
            privacy => d.privacy_url,
            icon => icon,
        },
        can => can,
        cannot => cannot,
        email => a.email,
        csrf => a.csrf,
        token => a.token,
        users => users,
    };
    render("authorize.html", ctx)
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

    #[test]
    fn pages_link_the_stylesheet_the_csp_allows() {
        let html = String::from_utf8(invalid_token().body).unwrap();
        let path = stylesheet_path();
        assert!(path.starts_with("/assets/page-") && path.ends_with(".css"));
        assert!(
            html.contains(&format!("<link rel=\"stylesheet\" href=\"{path}\">")),
            "{html}"
        );
        assert!(CSP.contains("style-src 'self'") && !CSP.contains("unsafe-inline"));
        let css = stylesheet();
        assert_eq!(css.body, STYLESHEET.as_bytes());
        assert!(
            css.headers
                .iter()
                .any(|(n, v)| *n == "Content-Type" && v.starts_with("text/css"))
        );
    }
}
