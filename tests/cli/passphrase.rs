//! Section 2: where the passphrase comes from, in order, and exit 8 when
//! there is none.

use crate::util::{Env, PASSPHRASE, succeeded};
use std::io::Write;

fn env_without_passphrase() -> Env {
    let env = Env::new();
    env.app("a1");
    env
}

/// `appctl` without any passphrase source.
fn no_pw(env: &Env) -> assert_cmd::Command {
    let mut c = env.cmd();
    c.env_remove("APPCTL_PASSPHRASE");
    c
}

fn list(env: &Env, cmd: &mut assert_cmd::Command) -> std::process::Output {
    cmd.args(["--store", env.store.to_str().unwrap(), "app", "list"])
        .output()
        .unwrap()
}

#[test]
fn no_source_and_no_terminal_exits_8_naming_the_options() {
    let env = env_without_passphrase();
    let out = list(&env, &mut no_pw(&env));
    assert_eq!(out.status.code(), Some(8));
    let err = String::from_utf8_lossy(&out.stderr);
    for option in [
        "--passphrase-file",
        "APPCTL_PASSPHRASE_FILE",
        "APPCTL_PASSPHRASE_FD",
        "APPCTL_PASSPHRASE_COMMAND",
        "APPCTL_PASSPHRASE",
    ] {
        assert!(err.contains(option), "{option} missing from: {err}");
    }
}

#[test]
fn each_source_works_alone() {
    let env = env_without_passphrase();
    let file = env.path("pw");
    std::fs::write(&file, format!("{PASSPHRASE}\nsecond line ignored\n")).unwrap();
    let ok = |out: std::process::Output| {
        succeeded(&out);
    };
    ok(list(&env, no_pw(&env).arg("--passphrase-file").arg(&file)));
    ok(list(&env, no_pw(&env).env("APPCTL_PASSPHRASE_FILE", &file)));
    // fd 0 is inherited: feed the passphrase on stdin.
    ok(list(
        &env,
        no_pw(&env)
            .env("APPCTL_PASSPHRASE_FD", "0")
            .write_stdin(format!("{PASSPHRASE}\n")),
    ));
    ok(list(
        &env,
        no_pw(&env).env(
            "APPCTL_PASSPHRASE_COMMAND",
            format!("cat '{}'", file.display()),
        ),
    ));
    ok(list(&env, no_pw(&env).env("APPCTL_PASSPHRASE", PASSPHRASE)));
}

#[test]
fn sources_are_taken_in_the_spec_order() {
    let env = env_without_passphrase();
    let good = env.path("good");
    let bad = env.path("bad");
    std::fs::write(&good, PASSPHRASE).unwrap();
    std::fs::write(&bad, "wrong").unwrap();
    let code = |cmd: &mut assert_cmd::Command| list(&env, cmd).status.code();
    // --passphrase-file beats everything after it.
    assert_eq!(
        code(
            no_pw(&env)
                .arg("--passphrase-file")
                .arg(&good)
                .env("APPCTL_PASSPHRASE_FILE", &bad)
                .env("APPCTL_PASSPHRASE_COMMAND", "echo wrong")
                .env("APPCTL_PASSPHRASE", "wrong")
        ),
        Some(0)
    );
    // APPCTL_PASSPHRASE_FILE beats FD, COMMAND and PASSPHRASE.
    assert_eq!(
        code(
            no_pw(&env)
                .env("APPCTL_PASSPHRASE_FILE", &good)
                .env("APPCTL_PASSPHRASE_FD", "0")
                .env("APPCTL_PASSPHRASE_COMMAND", "echo wrong")
                .env("APPCTL_PASSPHRASE", "wrong")
        ),
        Some(0)
    );
    // FD beats COMMAND.
    assert_eq!(
        code(
            no_pw(&env)
                .env("APPCTL_PASSPHRASE_FD", "0")
                .write_stdin(PASSPHRASE)
                .env("APPCTL_PASSPHRASE_COMMAND", "echo wrong")
        ),
        Some(0)
    );
    // COMMAND beats APPCTL_PASSPHRASE.
    assert_eq!(
        code(
            no_pw(&env)
                .env(
                    "APPCTL_PASSPHRASE_COMMAND",
                    format!("cat {}", good.display())
                )
                .env("APPCTL_PASSPHRASE", "wrong")
        ),
        Some(0)
    );
    // And a wrong earlier source is not rescued by a right later one.
    assert_eq!(
        code(
            no_pw(&env)
                .env("APPCTL_PASSPHRASE_FILE", &bad)
                .env("APPCTL_PASSPHRASE", PASSPHRASE)
        ),
        Some(5)
    );
}

#[test]
fn failing_sources_explain_without_quoting_secrets() {
    let env = env_without_passphrase();
    let out = list(
        &env,
        no_pw(&env)
            .arg("--passphrase-file")
            .arg(env.path("missing")),
    );
    assert_eq!(out.status.code(), Some(8));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--passphrase-file"));

    let script = env.path("fail.sh");
    let mut f = std::fs::File::create(&script).unwrap();
    writeln!(f, "echo leakedsecretvalue; exit 3").unwrap();
    let out = list(
        &env,
        no_pw(&env).env(
            "APPCTL_PASSPHRASE_COMMAND",
            format!("sh {}", script.display()),
        ),
    );
    assert_eq!(out.status.code(), Some(8));
    let all = [out.stdout, out.stderr].concat();
    let text = String::from_utf8_lossy(&all);
    assert!(text.contains("APPCTL_PASSPHRASE_COMMAND"), "{text}");
    assert!(!text.contains("leakedsecretvalue"), "{text}");

    let out = list(
        &env,
        no_pw(&env).env("APPCTL_PASSPHRASE_FD", "not-a-number"),
    );
    assert_eq!(out.status.code(), Some(9));
}

#[test]
fn the_command_is_run_without_a_shell() {
    let env = env_without_passphrase();
    // In a shell this would succeed through `;`; without one, `echo` prints it all.
    let out = list(
        &env,
        no_pw(&env).env(
            "APPCTL_PASSPHRASE_COMMAND",
            format!("echo wrong; echo {PASSPHRASE}"),
        ),
    );
    assert_eq!(out.status.code(), Some(5));
}

#[test]
fn help_and_version_never_run_the_passphrase_command() {
    let env = Env::bare();
    let marker = env.path("ran");
    let cmd = format!("touch {}", marker.display());
    for args in [&["--help"][..], &["--version"], &["app", "--help"]] {
        let out = env
            .cmd()
            .env_remove("APPCTL_PASSPHRASE")
            .env("APPCTL_PASSPHRASE_COMMAND", &cmd)
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
    }
    assert!(!marker.exists());
}

#[test]
fn init_refuses_an_empty_passphrase() {
    let env = Env::bare();
    let empty = env.path("empty");
    std::fs::write(&empty, "\n").unwrap();
    let out = env
        .cmd()
        .env_remove("APPCTL_PASSPHRASE")
        .arg("--passphrase-file")
        .arg(&empty)
        .args(["init", "--kdf-memory-mib", "19", "--kdf-iterations", "2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(8));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the passphrase from --passphrase-file is empty"),
        "{stderr}"
    );
    assert!(!env.store.exists());
}

#[test]
fn core_dumps_are_off_before_the_passphrase_is_read() {
    let env = env_without_passphrase();
    let report = env.path("limits");
    let script = env.path("pw.sh");
    std::fs::write(
        &script,
        format!(
            "grep 'Max core file size' /proc/$PPID/limits > '{}'\necho '{PASSPHRASE}'\n",
            report.display()
        ),
    )
    .unwrap();
    let out = list(
        &env,
        no_pw(&env).env(
            "APPCTL_PASSPHRASE_COMMAND",
            format!("sh {}", script.display()),
        ),
    );
    succeeded(&out);
    let limits = std::fs::read_to_string(&report).unwrap();
    let fields: Vec<&str> = limits.split_whitespace().collect();
    assert_eq!(
        &fields[4..6],
        ["0", "0"],
        "soft and hard core limits: {limits}"
    );
}

#[test]
fn a_whole_failing_scenario_never_shows_the_passphrase_or_a_secret() {
    let env = Env::new();
    let made = env.json(&["app", "create", "A"]);
    let mut secrets: Vec<String> = made["secrets"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    secrets.push(PASSPHRASE.to_string());
    let wrong = "wrong-but-secret-passphrase";
    secrets.push(wrong.to_string());
    let pw_file = env.path("pw");
    std::fs::write(&pw_file, wrong).unwrap();
    let leaky = env.path("leaky.sh");
    std::fs::write(
        &leaky,
        format!("echo '{PASSPHRASE}'; echo '{PASSPHRASE}' >&2; exit 1\n"),
    )
    .unwrap();

    let mut outputs = Vec::new();
    let mut run = |cmd: &mut assert_cmd::Command| {
        let out = cmd.output().unwrap();
        assert_ne!(out.status.code(), Some(0));
        outputs.push(out.stdout);
        outputs.push(out.stderr);
    };
    run(no_pw(&env)
        .args(["app", "list"])
        .env("APPCTL_PASSPHRASE", wrong));
    run(no_pw(&env)
        .args(["--json", "app", "list"])
        .env("APPCTL_PASSPHRASE", wrong));
    run(no_pw(&env)
        .args(["app", "list", "--passphrase-file"])
        .arg(&pw_file));
    run(no_pw(&env)
        .args(["keys", "regenerate", "A", "consumer"])
        .env("APPCTL_FAULT", "rename"));
    run(no_pw(&env)
        .args(["--json", "keys", "create", "A", "access"])
        .env("APPCTL_FAULT", "fsync"));
    run(no_pw(&env)
        .args(["keys", "create", "A", "consumer"])
        .env("APPCTL_PASSPHRASE", PASSPHRASE));
    run(no_pw(&env)
        .args(["app", "create", "B", "--env", "--json"])
        .env("APPCTL_PASSPHRASE", PASSPHRASE));
    let mut bytes = env.store_bytes();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    std::fs::write(&env.store, &bytes).unwrap();
    run(env.cmd().args(["app", "show", "A"]));
    run(env.cmd().args(["--json", "check"]));
    // The passphrase command's stderr is the user's terminal's; only appctl's own words are checked.
    let out = no_pw(&env)
        .args(["app", "list"])
        .env(
            "APPCTL_PASSPHRASE_COMMAND",
            format!("sh {}", leaky.display()),
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(8));
    outputs.push(out.stdout);
    let appctl_lines: Vec<u8> = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.starts_with("error:") || l.starts_with("hint:"))
        .flat_map(|l| l.bytes().chain(Some(b'\n')))
        .collect();
    outputs.push(appctl_lines);

    let all = outputs.concat();
    for s in &secrets {
        assert!(
            !crate::util::contains(&all, s.as_bytes()),
            "a secret or passphrase leaked"
        );
    }
}

#[test]
fn no_spinner_when_stderr_is_not_a_terminal() {
    let env = Env::new();
    for args in [
        &["app", "list"][..],
        &["project", "create", "P"],
        &["check"],
    ] {
        let out = env.run(args);
        assert_eq!(out.status.code(), Some(0));
        assert!(
            out.stderr.iter().all(|b| *b != b'\r' && *b != 0x1b),
            "{args:?}"
        );
    }
    let out = env.run(&["app", "list"]);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn nothing_is_unlocked_for_a_command_bound_to_need_input_it_cannot_get() {
    let env = env_without_passphrase();
    let marker = env.path("ran");
    let script = env.path("pw.sh");
    std::fs::write(
        &script,
        format!("touch '{}'\necho '{PASSPHRASE}'\n", marker.display()),
    )
    .unwrap();
    let cmd = format!("sh {}", script.display());
    for args in [
        &["app", "delete", "a1"][..],
        &["project", "delete", "1"],
        &["keys", "revoke", "a1", "consumer"],
        &["passwd"],
    ] {
        let out = no_pw(&env)
            .env("APPCTL_PASSPHRASE_COMMAND", &cmd)
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(8), "{args:?}");
        assert!(!marker.exists(), "{args:?} ran the passphrase command");
    }
    let rk = env.path("rk");
    std::fs::write(&rk, "AAAAA").unwrap();
    let out = no_pw(&env)
        .args(["recover", "--recovery-key-file", rk.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(8),
        "recover without a new passphrase source"
    );
}

#[test]
fn a_passphrase_fd_is_read_to_its_first_newline_only() {
    let env = env_without_passphrase();
    // The writer keeps the pipe open for 30 s after the passphrase (its
    // stderr goes elsewhere so that only the pipe to appctl stays open).
    let start = std::time::Instant::now();
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "APPCTL_PASSPHRASE_FD=3 exec {} --store '{}' app list 3< <(exec 2>/dev/null; echo '{PASSPHRASE}'; sleep 30)",
            assert_cmd::cargo::cargo_bin("appctl").display(),
            env.store.display()
        ))
        .env_remove("APPCTL_PASSPHRASE")
        .env("HOME", env.dir.path())
        .output()
        .unwrap();
    succeeded(&out);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(20),
        "waited for the writer to close"
    );
}

#[test]
fn a_passphrase_put_in_the_wrong_variable_is_not_echoed() {
    let env = env_without_passphrase();
    for (var, value) in [
        ("APPCTL_PASSPHRASE_COMMAND", "hunter2-my-passphrase"),
        ("APPCTL_PASSPHRASE_FILE", "hunter2-my-passphrase"),
    ] {
        let out = no_pw(&env)
            .env(var, value)
            .args(["app", "list"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(8));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(var) && !err.contains("hunter2"), "{err}");
    }
}

/// Runs `app list` with the passphrase from `APPCTL_PASSPHRASE_COMMAND`
/// (through sh, so a test can say what the program does) and `vars`;
/// returns the output and how long it took.
fn with_command(
    env: &Env,
    script: &str,
    vars: &[(&str, &str)],
) -> (std::process::Output, std::time::Duration) {
    let path = env.path("passphrase-command");
    std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o700)).unwrap();
    let mut cmd = no_pw(env);
    cmd.env("APPCTL_PASSPHRASE_COMMAND", &path);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let start = std::time::Instant::now();
    let out = list(env, &mut cmd);
    (out, start.elapsed())
}

#[test]
fn a_passphrase_command_that_hangs_is_stopped_at_its_timeout() {
    let env = env_without_passphrase();
    let (out, took) = with_command(
        &env,
        // exec: the program killed is the one holding the test's stderr.
        "exec sleep 30",
        &[("APPCTL_PASSPHRASE_COMMAND_TIMEOUT", "1")],
    );
    assert_eq!(out.status.code(), Some(8));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("APPCTL_PASSPHRASE_COMMAND") && stderr.contains("within 1s"),
        "{stderr}"
    );
    assert!(took < std::time::Duration::from_secs(10), "{took:?}");
    // A timeout that is not a number is refused before anything runs.
    let (out, _) = with_command(
        &env,
        "echo x",
        &[("APPCTL_PASSPHRASE_COMMAND_TIMEOUT", "soon")],
    );
    assert_eq!(out.status.code(), Some(9));
}

#[test]
fn a_passphrase_command_that_keeps_its_stdout_open_does_not_hang_appctl() {
    let env = env_without_passphrase();
    let (out, took) = with_command(
        &env,
        // Its stderr away from the test's pipe, which it would hold open.
        &format!("echo '{PASSPHRASE}'; exec sleep 30 2>/dev/null"),
        &[],
    );
    succeeded(&out);
    assert!(String::from_utf8_lossy(&out.stdout).contains("a1"));
    assert!(took < std::time::Duration::from_secs(10), "{took:?}");
}

#[test]
fn a_passphrase_command_gets_no_session_and_no_more_than_64_kib_is_read() {
    let env = env_without_passphrase();
    // unlock always needs the passphrase itself, so the command runs even
    // with a session set in the environment: it must not see that session.
    let marker = env.path("seen-session");
    let script = format!(
        "printf '%s' \"${{APPCTL_SESSION-unset}}\" > '{}'; echo '{PASSPHRASE}'",
        marker.display()
    );
    let path = env.path("cmd");
    std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o700)).unwrap();
    let out = no_pw(&env)
        .env("APPCTL_PASSPHRASE_COMMAND", &path)
        .env("APPCTL_SESSION", "not-a-real-session-but-secret")
        .args(["unlock", "--ttl", "1m"])
        .output()
        .unwrap();
    succeeded(&out);
    assert_eq!(std::fs::read_to_string(&marker).unwrap(), "unset");

    let (out, _) = with_command(&env, "head -c 70000 /dev/zero | tr '\\0' x", &[]);
    assert_eq!(
        out.status.code(),
        Some(9),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_source_ends_the_passphrase_at_its_first_line_ending_and_drops_a_bom() {
    let env = env_without_passphrase();
    // A store made from `$(cat file)` of a CRLF file opens from the file, and back.
    let ok = |cmd: &mut assert_cmd::Command| succeeded(&list(&env, cmd));
    ok(no_pw(&env).env("APPCTL_PASSPHRASE", format!("{PASSPHRASE}\r\n")));
    ok(no_pw(&env).env("APPCTL_PASSPHRASE", format!("{PASSPHRASE}\nsecond line")));
    let file = env.path("pw-bom");
    std::fs::write(&file, format!("\u{FEFF}{PASSPHRASE}\r\n")).unwrap();
    ok(no_pw(&env).arg("--passphrase-file").arg(&file));
    ok(no_pw(&env).env("APPCTL_PASSPHRASE", format!("\u{FEFF}{PASSPHRASE}")));
}

#[test]
fn an_empty_passphrase_from_any_source_exits_8_naming_it_before_a_key_is_derived() {
    let env = env_without_passphrase();
    let before = env.store_bytes();
    let empty = env.path("empty");
    std::fs::write(&empty, "\r\nrest").unwrap();
    type SetSource<'a> = Box<dyn Fn(&mut assert_cmd::Command) + 'a>;
    let cases: Vec<(&str, SetSource)> = vec![
        (
            "--passphrase-file",
            Box::new(|c: &mut assert_cmd::Command| {
                c.arg("--passphrase-file").arg(&empty);
            }),
        ),
        (
            "APPCTL_PASSPHRASE_FILE",
            Box::new(|c: &mut assert_cmd::Command| {
                c.env("APPCTL_PASSPHRASE_FILE", &empty);
            }),
        ),
        (
            "APPCTL_PASSPHRASE_COMMAND",
            Box::new(|c: &mut assert_cmd::Command| {
                c.env("APPCTL_PASSPHRASE_COMMAND", "echo");
            }),
        ),
        (
            "APPCTL_PASSPHRASE",
            Box::new(|c: &mut assert_cmd::Command| {
                c.env("APPCTL_PASSPHRASE", "\n");
            }),
        ),
    ];
    for (source, set) in cases {
        let mut cmd = no_pw(&env);
        set(&mut cmd);
        let out = list(&env, &mut cmd);
        assert_eq!(out.status.code(), Some(8), "{source}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("the passphrase from {source} is empty")),
            "{stderr}"
        );
    }
    assert_eq!(env.store_bytes(), before);
}

#[test]
fn a_passphrase_file_that_is_a_fifo_device_or_directory_never_hangs() {
    let env = env_without_passphrase();
    let fifo = env.path("fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    for (path, code) in [
        (fifo.clone(), 8),
        (std::path::PathBuf::from("/dev/zero"), 9),
        (env.dir.path().to_path_buf(), 9),
    ] {
        let start = std::time::Instant::now();
        let out = list(&env, no_pw(&env).arg("--passphrase-file").arg(&path));
        assert_eq!(
            out.status.code(),
            Some(code),
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            start.elapsed() < std::time::Duration::from_secs(5),
            "{}",
            path.display()
        );
    }
    // A pipe with a writer (process substitution) still works.
    let out = std::process::Command::new("bash")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap())
        .env("HOME", env.dir.path())
        .env("APPCTL_STORE", &env.store)
        .args([
            "-c",
            &format!(
                "{} --passphrase-file <(echo '{PASSPHRASE}') app list",
                assert_cmd::cargo::cargo_bin("appctl").display()
            ),
        ])
        .output()
        .unwrap();
    succeeded(&out);
}
