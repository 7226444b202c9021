//! The authorize page as a person sees it: Debian's chromium, driven by
//! Selenium through Debian's chromedriver (tests/clients/browser_*.py),
//! runs the 3-legged flow to a callback listener, cancels, and looks at
//! the pages at 1280 and 400 CSS pixels wide; and the stylesheet those
//! pages load, as plain HTTP sees it.

use crate::serve::{Server, body, converse, run_client, status};
use crate::util::Env;
use serde_json::{Value, json};
use std::path::Path;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// A callback URL for apps whose flow ends in the browser (oob).
const CB: &str = "http://127.0.0.1:9/cb";

/// A Python with Selenium and requests-oauthlib, where chromium and
/// chromedriver are installed. Without them the test is skipped, saying
/// so, unless this runs as root: then .ci/run installed them, and their
/// absence is a failure.
fn browser() -> Option<String> {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .collect();
    if !missing.is_empty() {
        assert!(
            !rustix::process::geteuid().is_root(),
            "{} missing: as root, .ci/run installs chromium and chromium-driver",
            missing.join(" and ")
        );
        eprintln!(
            "skipped: {} missing (Debian: apt-get install chromium chromium-driver)",
            missing.join(" and ")
        );
        return None;
    }
    crate::util::python_with("requests_oauthlib")?;
    crate::util::python_with("selenium")
}

/// The consumer pair of the app `name`, made with `extra` settings.
fn app(env: &Env, name: &str, extra: &[&str]) -> Value {
    let mut args = vec!["app", "create", name, "--three-legged-oauth", "on"];
    args.extend_from_slice(extra);
    let a = env.json(&args);
    json!({"key": a["secrets"]["api_key"], "secret": a["secrets"]["api_secret"]})
}

#[test]
fn chromium_authorizes_as_the_user_picked_and_cancels() {
    let Some(python) = browser() else {
        return;
    };
    let env = Env::new();
    env.ok(&["users", "add", "amy"]);
    let bob = env
        .ok(&["users", "add", "bob", "--name", "Bob B"])
        .trim()
        .to_string();
    let s = Server::start(&env, &[]);
    let spec = json!({"base": s.url, "chromium": CHROMIUM, "chromedriver": CHROMEDRIVER});
    // The script's listener is on a port of its choosing: it asks for its
    // callback URL to be registered on the app before the flow starts.
    let register = |q: &Value| {
        let cb = q["callback"].as_str().unwrap();
        let mut a = app(
            &env,
            "photos",
            &["--callback-url", cb, "--permissions", "read-write"],
        );
        a["user"] = json!(bob);
        a
    };
    let v = converse(&python, "browser_flow.py", &spec, &s, Some(&register));
    let callback = v["callback"].as_str().unwrap();
    assert!(callback.starts_with("http://127.0.0.1:"), "{v}");
    // The owner first and preselected, then the users by name and handle.
    let choices = v["choices"].as_array().unwrap();
    assert!(
        choices[0].as_str().unwrap().ends_with("@alice (owner)"),
        "{v}"
    );
    assert!(choices.contains(&json!("Bob B @bob")), "{v}");
    assert_ne!(v["preselected"], json!(bob), "{v}");
    // Authorize: the callback, its own query kept, with the request token
    // and a verifier; the access token it is traded for is bob's.
    let allow = &v["allow"];
    assert!(
        allow["path"]
            .as_str()
            .unwrap()
            .starts_with("/cb?from=browser&oauth_token="),
        "{v}"
    );
    assert_eq!(allow["query"]["oauth_token"], allow["token"], "{v}");
    assert!(
        allow["query"]["oauth_verifier"].as_str().unwrap().len() >= 20,
        "{v}"
    );
    assert_eq!(v["access"]["user_id"], json!(bob), "{v}");
    assert_eq!(v["access"]["screen_name"], "bob");
    assert_eq!(v["verify"]["status"], 200, "{v}");
    assert_eq!(v["verify"]["body"]["screen_name"], "bob");
    assert_eq!(v["verify"]["body"]["id_str"], json!(bob));
    // Cancel: the callback with denied=<the request token> and nothing else.
    let cancel = &v["cancel"];
    assert_eq!(
        cancel["query"],
        json!({"from": "browser", "denied": cancel["token"]}),
        "{v}"
    );
    assert_eq!(v["console_errors"], json!([]), "{v}");
    let log = s.log();
    assert!(
        log.lines()
            .any(|l| l.starts_with("POST /oauth/authorize 302 app=")
                && l.contains(&format!(" user={bob} "))),
        "{log}"
    );
}

#[test]
fn chromium_shows_the_pages_styled_at_1280_and_400_px_and_runs_no_app_script() {
    let Some(python) = browser() else {
        return;
    };
    let env = Env::new();
    let icon = format!("{}/tests/clients/icon.png", env!("CARGO_MANIFEST_DIR"));
    let site = "https://photos.example.com";
    let plain = app(
        &env,
        "Photo Sorter",
        &[
            "--callback-url",
            CB,
            "--icon",
            &icon,
            "--description",
            "Sorts the photos you post into albums.",
            "--website-url",
            site,
            "--terms-url",
            &format!("{site}/terms"),
            "--privacy-url",
            &format!("{site}/privacy"),
            "--request-email",
            "on",
            "--permissions",
            "read-write",
        ],
    );
    let evil_name = "<script>window.pwned=1</script>";
    let evil_description = "<img src=x onerror=\"window.pwned2=1;alert(2)\"><script>window.pwned3=1;alert(1)</script> & <b>b</b>";
    let evil = app(
        &env,
        evil_name,
        &["--callback-url", CB, "--description", evil_description],
    );
    // As long as each field may be, in words no line can break.
    let long_name = "W".repeat(32);
    let long_description = format!("{} and some words after it", "x".repeat(170));
    let long_site = format!("https://example.com/{}", "a".repeat(2000));
    let long = app(
        &env,
        &long_name,
        &[
            "--callback-url",
            CB,
            "--description",
            &long_description,
            "--website-url",
            &long_site,
            "--organization-name",
            &"O".repeat(60),
        ],
    );
    let s = Server::start(&env, &[]);
    let spec = json!({
        "base": s.url, "chromium": CHROMIUM, "chromedriver": CHROMEDRIVER,
        "shots": std::env::var("APPCTL_TEST_SCREENSHOTS").ok(),
        "apps": {"plain": plain, "evil": evil, "long": long},
        "approve": "plain",
    });
    let v = run_client(&python, "browser_page.py", &spec, &s);
    let sheet = format!("{}/assets/page-", s.url);
    for page in ["plain", "evil", "long", "pin", "invalid"] {
        let p = &v[page];
        for width in [1280, 400] {
            let f = &p[width.to_string()];
            let at = format!("{page} at {width} px: {f}");
            assert_eq!(p[format!("alert_{width}")], false, "{at}");
            assert_eq!(
                f["markers"],
                json!(["undefined", "undefined", "undefined"]),
                "{at}"
            );
            assert_eq!(
                (&f["scripts"], &f["foreign"]),
                (&json!(0), &json!(0)),
                "{at}"
            );
            // The viewport meta tag is honoured: a phone lays it out 400 px
            // wide, and nothing is wider than the window.
            assert_eq!(f["inner_width"], width, "{at}");
            assert!(
                f["scroll_width"].as_i64() <= f["inner_width"].as_i64(),
                "{at}"
            );
            // One stylesheet, the server's, loaded and applied: the page
            // is a card, at most 520 px wide.
            let sheets = f["stylesheets"].as_array().unwrap();
            assert_eq!(sheets.len(), 1, "{at}");
            assert!(sheets[0].as_str().unwrap().starts_with(&sheet), "{at}");
            assert!(f["rules"].as_i64().unwrap() > 10, "{at}");
            assert!(f["card"]["width"].as_f64().unwrap() <= 520.0, "{at}");
            if matches!(page, "pin" | "invalid") {
                continue;
            }
            // Authorize stands out from Cancel, both whole on screen and
            // large enough to tap; side by side, or stacked on a phone.
            let (a, c) = (&f["allow"], &f["cancel"]);
            assert_eq!(f["allow_on_top"], true, "{at}");
            assert_ne!(f["allow_bg"], f["cancel_bg"], "{at}");
            assert_ne!(f["allow_bg"], "rgba(0, 0, 0, 0)", "{at}");
            let n = |v: &Value, k: &str| v[k].as_f64().unwrap();
            assert!(
                n(a, "left") >= 0.0 && n(c, "right") <= f64::from(width),
                "{at}"
            );
            assert!(n(a, "height") >= 44.0, "{at}");
            if width == 400 {
                assert!(n(a, "top") < n(c, "top") && n(a, "width") >= 300.0, "{at}");
            } else {
                assert_eq!(a["top"], c["top"], "{at}");
            }
        }
        let errors = p["console_errors"].as_array().unwrap();
        if page == "invalid" {
            // Only the page's own status: 400.
            assert!(
                errors.iter().all(|e| e
                    .as_str()
                    .unwrap()
                    .contains("oauth_token=unknown - Failed to load resource: the server responded with a status of 400")),
                "{errors:?}"
            );
        } else {
            assert!(errors.is_empty(), "{page}: {errors:?}");
        }
    }
    let text = |page: &str| v[page]["400"]["text"].as_str().unwrap().to_string();
    // What the app's owner typed is shown as text, as typed.
    let evil_text = text("evil");
    assert!(evil_text.contains(evil_name), "{evil_text}");
    assert!(evil_text.contains(evil_description), "{evil_text}");
    assert_eq!(v["evil"]["400"]["title"], format!("Authorize {evil_name}"));
    // The page says what the app may do, in words, and shows its icon.
    let plain_text = text("plain");
    for words in [
        "Authorize Photo Sorter to use your account?",
        "Post and delete posts",
        "Read or send your Direct Messages.",
        "This app asks for the email address of your account.",
        "terms of service",
        site,
    ] {
        assert!(plain_text.contains(words), "{words}: {plain_text}");
    }
    assert_eq!(v["plain"]["1280"]["icon_loaded"], true);
    assert!(text("long").contains(&long_name));
    let pin = text("pin");
    assert!(pin.contains("Enter this PIN in Photo Sorter"), "{pin}");
    assert!(text("invalid").contains("Whoa there!"));
}

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
