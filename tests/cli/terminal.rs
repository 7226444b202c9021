//! A person at a terminal: prompts that Ctrl-C and Ctrl-D cancel with the
//! terminal as it was, a wrong passphrase asked again, and `unlock` typed
//! without `eval`.

use crate::pty::{Term, cursor_visible, plain};
use crate::util::{Env, PASSPHRASE, succeeded};
use std::path::Path;

const CTRL_C: &str = "\x03";
const CTRL_D: &str = "\x04";

/// Checks that the program exited `code` and left the terminal as a shell
/// expects it: echo on, line mode, cursor visible.
fn exited(t: &mut Term, code: i32) -> String {
    let (status, screen) = t.wait();
    assert_eq!(status.code(), Some(code), "{screen}");
    assert!(t.echo_on(), "echo left off:\n{screen}");
    assert!(t.line_mode(), "line mode left off:\n{screen}");
    assert!(cursor_visible(&screen), "cursor left hidden:\n{screen}");
    assert!(!screen.contains("panicked"), "{screen}");
    plain(&screen)
}

fn app_names(env: &Env) -> Vec<String> {
    env.json(&["app", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn ctrl_c_at_the_passphrase_prompt_cancels_with_130_and_changes_nothing() {
    let env = Env::new();
    let before = env.store_bytes();
    let mut t = Term::spawn(&env, 80, &["app", "create", "A"], &[]);
    t.prompt("Passphrase for");
    t.send("half-typed");
    t.send(CTRL_C);
    let screen = exited(&mut t, 130);
    assert!(
        screen.contains("error: cancelled at the passphrase prompt; nothing was changed"),
        "{screen}"
    );
    assert_eq!(env.store_bytes(), before);
    assert!(app_names(&env).is_empty());
}

#[test]
fn ctrl_d_at_the_passphrase_prompt_cancels_without_trying_a_passphrase() {
    let env = Env::new();
    let mut t = Term::spawn(&env, 80, &["app", "list"], &[]);
    t.prompt("Passphrase for");
    t.send(CTRL_D);
    let screen = exited(&mut t, 130);
    assert!(
        screen.contains("cancelled at the passphrase prompt"),
        "{screen}"
    );
    // No key was derived: no spinner, no verdict on a passphrase.
    assert!(!screen.contains("Deriving"), "{screen}");
    assert!(!screen.contains("wrong passphrase"), "{screen}");
    assert!(!screen.contains("try again"), "{screen}");
}

#[test]
fn a_wrong_passphrase_at_the_prompt_is_asked_again() {
    let env = Env::new();
    let mut t = Term::spawn(&env, 80, &["app", "create", "A"], &[]);
    t.prompt("Passphrase for");
    t.send("not it\r");
    t.expect("Sorry, try again.");
    t.prompt("Passphrase for");
    // Backspace and Ctrl-U edit the line: a typo fixed is the passphrase.
    t.send("garbage\x15");
    t.send(&PASSPHRASE.replace("staple", "staplx\x7fe"));
    t.send("\r");
    let screen = exited(&mut t, 0);
    // The wrong try was derived and refused: the spinner ran for it.
    assert!(screen.contains("Deriving"), "{screen}");
    assert!(!screen.contains("error:"), "{screen}");
    assert_eq!(app_names(&env), ["A"]);
}

#[test]
fn three_wrong_passphrases_at_the_prompt_exit_5() {
    let env = Env::new();
    let before = env.store_bytes();
    let mut t = Term::spawn(&env, 80, &["app", "create", "A"], &[]);
    for _ in 0..2 {
        t.prompt("Passphrase for");
        t.send("not it\r");
        t.expect("Sorry, try again.");
    }
    // An empty answer is a wrong try too.
    t.prompt("Passphrase for");
    t.send("\r");
    let screen = exited(&mut t, 5);
    assert_eq!(screen.matches("Sorry, try again.").count(), 2, "{screen}");
    assert!(
        screen.contains("error: wrong passphrase for store"),
        "{screen}"
    );
    assert!(screen.contains("(3 tries)"), "{screen}");
    assert_eq!(env.store_bytes(), before);
}

#[test]
fn a_wrong_passphrase_from_a_source_is_not_asked_again() {
    let env = Env::new();
    let mut t = Term::spawn(
        &env,
        80,
        &["app", "list"],
        &[("APPCTL_PASSPHRASE", "wrong")],
    );
    let screen = exited(&mut t, 5);
    assert!(!screen.contains("Passphrase for"), "{screen}");
    assert!(!screen.contains("try again"), "{screen}");
}

/// `app delete A` at an 80-column terminal, the passphrase given.
fn delete_a(env: &Env) -> Term {
    Term::spawn(
        env,
        80,
        &["app", "delete", "A"],
        &[("APPCTL_PASSPHRASE", PASSPHRASE)],
    )
}

#[test]
fn ctrl_c_and_ctrl_d_at_a_confirmation_cancel_with_130_and_keep_the_app() {
    let env = Env::new();
    env.app("A");
    for key in [CTRL_C, CTRL_D] {
        let mut t = delete_a(&env);
        t.prompt("Really delete app");
        t.send(key);
        let screen = exited(&mut t, 130);
        assert!(
            screen.contains("error: cancelled at the confirmation prompt; nothing was changed"),
            "{screen}"
        );
        assert_eq!(app_names(&env), ["A"]);
    }
    // The same question answered: n keeps the app, y deletes it.
    let mut t = delete_a(&env);
    t.prompt("[y/N]");
    t.send("n");
    exited(&mut t, 8);
    assert_eq!(app_names(&env), ["A"]);
    let mut t = delete_a(&env);
    t.prompt("[y/N]");
    t.send("y");
    exited(&mut t, 0);
    assert!(app_names(&env).is_empty());
}

#[test]
fn ctrl_c_at_the_new_passphrase_prompts_of_init_creates_no_store() {
    let env = Env::bare();
    let init = ["init", "--kdf-memory-mib", "19", "--kdf-iterations", "2"];
    // At the first prompt, then at the repeat prompt.
    for typed in ["", "a new passphrase\r"] {
        let mut t = Term::spawn(&env, 80, &init, &[]);
        t.prompt("New passphrase for");
        t.send(typed);
        if !typed.is_empty() {
            t.prompt("Repeat the passphrase");
        }
        t.send(CTRL_C);
        let screen = exited(&mut t, 130);
        assert!(
            screen.contains("cancelled at the new passphrase prompt"),
            "{screen}"
        );
        assert!(!env.store.exists());
    }
    // Typed the same twice, after a mismatch, it makes the store.
    let mut t = Term::spawn(&env, 200, &init, &[]);
    t.prompt("New passphrase for");
    t.send("one\r");
    t.prompt("Repeat the passphrase");
    t.send("two\r");
    t.expect("do not match; try again");
    t.prompt("New passphrase for");
    t.send("same one\r");
    t.prompt("Repeat the passphrase: ");
    t.send("same one\r");
    exited(&mut t, 0);
    assert!(env.store.exists());
    let out = env
        .cmd()
        .env("APPCTL_PASSPHRASE", "same one")
        .args(["app", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn ctrl_c_at_the_new_passphrase_prompt_of_passwd_keeps_the_old_one() {
    let env = Env::new();
    let before = env.store_bytes();
    let mut t = Term::spawn(&env, 80, &["passwd"], &[]);
    t.prompt("Passphrase for");
    t.send(PASSPHRASE);
    t.send("\r");
    t.prompt("New passphrase for");
    t.send("something else\r");
    t.prompt("Repeat the passphrase");
    t.send(CTRL_C);
    let screen = exited(&mut t, 130);
    assert!(screen.contains("nothing was changed"), "{screen}");
    assert_eq!(env.store_bytes(), before);
    env.ok(&["app", "list"]);
}

/// `stty -a`'s flags: `echo` when on, `-echo` when off.
fn stty_flags(screen: &str) -> Vec<String> {
    screen.split_whitespace().map(str::to_string).collect()
}

#[test]
fn under_dash_the_next_command_finds_the_terminal_as_it_was() {
    let env = Env::new();
    env.app("A");
    let script = "appctl app list; echo \"exit=$?\"; \
                  APPCTL_PASSPHRASE=\"$PW\" appctl app delete A; echo \"exit=$?\"; stty -a";
    let mut t = Term::spawn_dash(&env, 80, script, &[("PW", PASSPHRASE)]);
    t.prompt("Passphrase for");
    t.send(CTRL_C);
    t.expect("exit=130");
    t.prompt("Really delete app");
    t.send(CTRL_C);
    let screen = exited(&mut t, 0);
    assert_eq!(screen.matches("exit=130").count(), 2, "{screen}");
    let after = &screen[screen.rfind("exit=130").unwrap()..];
    let flags = stty_flags(after);
    for on in ["echo", "icanon", "isig"] {
        assert!(flags.iter().any(|f| f == on), "{on} is off:\n{after}");
    }
    assert_eq!(app_names(&env), ["A"]);
}

/// A private runtime directory, as a login session has.
fn runtime_dir(env: &Env) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let dir = env.path("run");
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    dir
}

fn session_files(runtime: &Path) -> usize {
    std::fs::read_dir(runtime.join("appctl")).map_or(0, |d| d.count())
}

#[test]
fn unlock_typed_at_a_terminal_makes_no_session_and_says_how() {
    let env = Env::new();
    let run = runtime_dir(&env);
    let xdg = ("XDG_RUNTIME_DIR", run.to_str().unwrap());
    for (args, says) in [
        (
            &["unlock", "--ttl", "2h"][..],
            "hint: run it as: eval \"$(appctl unlock --ttl 2h)\"",
        ),
        (
            &["--json", "unlock"][..],
            "capture the document it prints, such as: doc=\\\"$(appctl --json unlock)\\\"",
        ),
    ] {
        let mut t = Term::spawn(&env, 200, args, &[xdg]);
        let screen = exited(&mut t, 2);
        assert!(screen.contains(says), "{screen}");
        assert!(screen.contains("nothing was unlocked"), "{screen}");
        assert!(!screen.contains("Passphrase for"), "{screen}");
        assert!(!screen.contains("APPCTL_SESSION="), "{screen}");
        assert_eq!(session_files(&run), 0);
    }
}

#[test]
fn unlock_through_eval_at_a_terminal_unlocks_the_shell() {
    let env = Env::new();
    let run = runtime_dir(&env);
    let script = "eval \"$(appctl unlock)\" && appctl app create A >/dev/null && appctl status";
    let mut t = Term::spawn_dash(
        &env,
        200,
        script,
        &[("XDG_RUNTIME_DIR", run.to_str().unwrap())],
    );
    t.prompt("Passphrase for");
    t.send(PASSPHRASE);
    t.send("\r");
    let screen = exited(&mut t, 0);
    // Asked once: `app create` and `status` used the session.
    assert_eq!(screen.matches("Passphrase for").count(), 1, "{screen}");
    assert!(screen.contains("valid until"), "{screen}");
    assert!(screen.contains("1 app(s)"), "{screen}");
    assert!(!screen.contains("APPCTL_SESSION="), "{screen}");
    assert_eq!(session_files(&run), 1);
}

/// Runs `args` beside a command that waits at a prompt, with a short lock
/// timeout: it succeeds only if the prompt holds no lock.
fn meanwhile(env: &Env, args: &[&str]) -> std::process::Output {
    env.cmd()
        .env("APPCTL_LOCK_TIMEOUT", "2")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn a_confirmation_holds_no_lock_and_acts_on_the_store_as_it_is_then() {
    let env = Env::new();
    env.app("A");
    let mut t = delete_a(&env);
    t.prompt("[y/N]");
    // While the question waits, other commands write.
    let out = meanwhile(&env, &["app", "create", "B"]);
    succeeded(&out);
    t.send("y");
    exited(&mut t, 0);
    // A's deletion did not undo B's creation.
    assert_eq!(app_names(&env), ["B"]);

    // The app asked about is deleted meanwhile: not found, nothing else changes.
    env.app("C");
    let mut t = Term::spawn(
        &env,
        80,
        &["app", "delete", "C"],
        &[("APPCTL_PASSPHRASE", PASSPHRASE)],
    );
    t.prompt("[y/N]");
    let out = meanwhile(&env, &["--yes", "app", "delete", "C"]);
    assert_eq!(out.status.code(), Some(0));
    env.app("D");
    t.send("y");
    exited(&mut t, 3);
    assert_eq!(app_names(&env), ["B", "D"]);
}

#[test]
fn a_confirmation_that_outlives_a_new_data_key_changes_nothing() {
    let env = Env::new();
    env.app("A");
    let mut t = delete_a(&env);
    t.prompt("[y/N]");
    let new = env.path("new-passphrase");
    std::fs::write(&new, "another passphrase\n").unwrap();
    let out = meanwhile(
        &env,
        &["passwd", "--new-passphrase-file", new.to_str().unwrap()],
    );
    succeeded(&out);
    t.send("y");
    let screen = exited(&mut t, 5);
    assert!(plain(&screen).contains("got a new data key"), "{screen}");
    let names = env
        .cmd()
        .env("APPCTL_PASSPHRASE", "another passphrase")
        .args(["--json", "app", "list"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&names.stdout).contains("\"A\""));
}

#[test]
fn the_new_passphrase_prompt_of_passwd_holds_no_lock() {
    let env = Env::new();
    let mut t = Term::spawn(&env, 80, &["passwd"], &[("APPCTL_PASSPHRASE", PASSPHRASE)]);
    t.expect("New passphrase");
    let out = meanwhile(&env, &["app", "create", "B"]);
    succeeded(&out);
    t.send("a new passphrase\r");
    t.expect("Repeat");
    t.send("a new passphrase\r");
    exited(&mut t, 0);
    // B, made while passwd waited, is in the store passwd wrote.
    let out = env
        .cmd()
        .env("APPCTL_PASSPHRASE", "a new passphrase")
        .args(["--json", "app", "list"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("\"B\""),
        "{out:?}"
    );
}
