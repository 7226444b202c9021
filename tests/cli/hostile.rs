//! A table of hostile arguments: each gets its documented exit code, a
//! one-line error, no panic, and leaves the store as it was.

use crate::util::{Env, no_panic};
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

fn s(v: &str) -> OsString {
    OsString::from(v)
}

fn bad_utf8() -> OsString {
    OsString::from_vec(b"caf\xe9 \xff\xfe".to_vec())
}

#[test]
fn hostile_arguments_get_the_right_exit_code_and_never_panic() {
    let env = Env::new();
    env.ok(&["project", "create", "P"]);
    env.app("A");
    let dir_icon = env.dir.path().to_str().unwrap().to_string();
    let empty_icon = env.path("empty.png");
    std::fs::write(&empty_icon, b"").unwrap();
    let big_icon = env.path("big.png");
    let mut big = b"\x89PNG\r\n\x1a\n".to_vec();
    big.resize(2 * 1024 * 1024, 7);
    std::fs::write(&big_icon, &big).unwrap();
    let text_icon = env.path("text.png");
    std::fs::write(&text_icon, b"<svg>not accepted</svg>").unwrap();
    let long = |n: usize| "x".repeat(n);
    let long_url = format!("https://e.com/{}", "a".repeat(2100));

    let mut cases: Vec<(Vec<OsString>, i32)> = Vec::new();
    let mut add = |args: Vec<OsString>, code: i32| cases.push((args, code));

    // Every text field: too long, control characters, invalid UTF-8.
    let app_fields = [
        ("--description", 201),
        ("--use-case", 201),
        ("--organization-name", 101),
        ("--website-url", 0),
        ("--terms-url", 0),
        ("--privacy-url", 0),
        ("--organization-url", 0),
        ("--callback-url", 0),
        ("--name", 33),
    ];
    for (flag, max) in app_fields {
        let too_long = if max > 0 { long(max) } else { long_url.clone() };
        for value in [
            s(&too_long),
            s("bell\u{7}"),
            s("new\nline"),
            s("\u{1b}[31mred"),
            bad_utf8(),
        ] {
            add(vec![s("app"), s("update"), s("A"), s(flag), value], 9);
        }
    }
    for flag in ["--description", "--use-case", "--name"] {
        let max = if flag == "--name" { 65 } else { 201 };
        for value in [s(&long(max)), s("tab\there"), bad_utf8()] {
            add(vec![s("project"), s("update"), s("P"), s(flag), value], 9);
        }
    }
    for value in [
        s(&long(33)),
        s(""),
        s("ctl\u{1}"),
        bad_utf8(),
        s("123"),
        s(" padded"),
    ] {
        add(vec![s("app"), s("create"), value], 9);
    }
    for value in [s(&long(65)), s(""), bad_utf8()] {
        add(vec![s("project"), s("create"), value], 9);
    }
    add(
        vec![s("app"), s("suspend"), s("A"), s("--reason"), s(&long(201))],
        9,
    );
    add(
        vec![s("app"), s("suspend"), s("A"), s("--reason"), bad_utf8()],
        9,
    );
    // Icons.
    for icon in [
        empty_icon.as_os_str(),
        big_icon.as_os_str(),
        text_icon.as_os_str(),
    ] {
        add(
            vec![s("app"), s("update"), s("A"), s("--icon"), icon.to_owned()],
            9,
        );
    }
    add(
        vec![s("app"), s("update"), s("A"), s("--icon"), s(&dir_icon)],
        9,
    );
    add(
        vec![
            s("app"),
            s("update"),
            s("A"),
            s("--icon"),
            s("/nonexistent/icon.png"),
        ],
        9,
    );
    // Unknown IDs and names.
    for args in [
        vec!["app", "show", "999"],
        vec!["app", "show", "99999999999999999999999999"],
        vec!["app", "show", "no such app"],
        vec!["project", "show", "404"],
        vec!["keys", "list", "42"],
        vec!["keys", "create", "42", "access"],
        vec!["log", "--app", "nope"],
        vec!["app", "move", "A", "--project", "77"],
        vec!["app", "create", "x", "--project", "88"],
        vec!["app", "list", "--project", "nope"],
        vec!["project", "delete", "9", "--yes"],
        vec!["app", "delete", "9", "--yes"],
    ] {
        add(args.into_iter().map(s).collect(), 3);
    }
    add(vec![s("app"), s("show"), bad_utf8()], 9);
    // Numbers and enums out of range.
    for args in [
        vec!["log", "--limit", "-1"],
        vec!["log", "--limit", "99999999999999"],
        vec!["app", "update", "A", "--permissions", "admin"],
        vec!["app", "update", "A", "--three-legged-oauth", "maybe"],
        vec!["keys", "create", "A", "root"],
        vec!["app", "create"],
        vec!["app", "update", "A"],
        vec!["--no-such-flag"],
    ] {
        add(args.into_iter().map(s).collect(), 2);
    }
    for args in [
        vec!["unlock", "--ttl", "99999999999999999h"],
        vec!["unlock", "--ttl=-1s"],
    ] {
        add(args.into_iter().map(s).collect(), 9);
    }

    let before = env.store_bytes();
    for (args, code) in &cases {
        let out = env.cmd().args(args).output().unwrap();
        no_panic(&out);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(*code), "{args:?}: {err}");
        if *code != 2 {
            assert!(
                err.starts_with("error: ") && err.lines().count() <= 2,
                "{args:?}: {err}"
            );
        }
        assert_eq!(env.store_bytes(), before, "{args:?} changed the store");
    }
}

#[test]
fn hostile_init_values_and_environment() {
    let env = Env::bare();
    for args in [
        vec!["init", "--owner", "has space"],
        vec!["init", "--owner", "waytoolonghandle_x"],
        vec!["init", "--kdf-memory-mib", "4194304"],
        vec!["init", "--kdf-memory-mib", "999999"],
        vec!["init", "--kdf-iterations", "1000000"],
        vec!["init", "--kdf-parallelism", "0"],
        vec!["init", "--kdf-parallelism", "1000"],
    ] {
        let out = env.run(&args);
        no_panic(&out);
        assert_eq!(out.status.code(), Some(9), "{args:?}");
    }
    assert!(!env.store.exists());
    let out = env
        .cmd()
        .env("APPCTL_LOCK_TIMEOUT", "soon")
        .args(["app", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(9));
    let out = env
        .cmd()
        .env("APPCTL_PASSPHRASE_COMMAND", "'unbalanced")
        .args(["app", "list"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "no store yet: found before the passphrase is read"
    );
}
