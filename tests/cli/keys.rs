//! Credentials made by `app create`: shown once, never again.

use crate::util::{Env, contains};

#[test]
fn app_create_shows_the_three_secrets_once_in_their_shapes() {
    let env = Env::new();
    let v = env.json(&["app", "create", "A"]);
    let s = v["secrets"].as_object().unwrap();
    let keys: Vec<&str> = s.keys().map(String::as_str).collect();
    assert_eq!(keys, ["api_key", "api_secret", "bearer_token"]);
    let api_key = s["api_key"].as_str().unwrap();
    assert_eq!(api_key.len(), 25);
    assert!(api_key.bytes().all(|b| b.is_ascii_alphanumeric()));
    assert_eq!(s["api_secret"].as_str().unwrap().len(), 50);
    assert!(
        s["bearer_token"]
            .as_str()
            .unwrap()
            .starts_with("AAAAAAAAAAAAAAAAAAAAA")
    );

    let mut later = Vec::new();
    for args in [
        &["app", "show", "A"][..],
        &["--json", "app", "show", "A"],
        &["app", "list"],
        &["--json", "app", "list"],
        &["dashboard"],
        &["--json", "dashboard"],
        &["log"],
        &["--json", "log"],
    ] {
        let out = env.run(args);
        later.extend(out.stdout);
        later.extend(out.stderr);
    }
    later.extend(env.store_bytes());
    for (name, secret) in s {
        assert!(
            !contains(&later, secret.as_str().unwrap().as_bytes()),
            "{name} shown again"
        );
    }
}

#[test]
fn human_output_warns_on_stderr_that_secrets_are_shown_once() {
    let env = Env::new();
    let out = env.run(&["app", "create", "A"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stdout.contains("api key") && stdout.contains("bearer token"),
        "{stdout}"
    );
    assert!(stderr.contains("only this once"), "{stderr}");
}
