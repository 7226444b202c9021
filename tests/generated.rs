//! `completions/` and `man/` are generated from the clap definitions and
//! committed. This test fails when a committed file is stale; regenerate
//! them all with:
//!
//! ```sh
//! APPCTL_REGENERATE=1 cargo test --test generated
//! ```

use appctl::cli::Cli;
use appctl::cli::complete::{self, Shell};
use clap::CommandFactory;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every generated file with the contents it should have.
fn expected() -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    for shell in Shell::ALL {
        files.push((
            Path::new("completions").join(shell.file_name()),
            complete::script(shell).into_bytes(),
        ));
    }
    let mut cmd = Cli::command();
    cmd.build();
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut buf).unwrap();
    files.push((PathBuf::from("man/appctl.1"), buf));
    pages(&cmd, "appctl", &mut files);
    files
}

/// One page per subcommand, named like git's: `appctl-project-create.1`.
fn pages(cmd: &clap::Command, prefix: &str, files: &mut Vec<(PathBuf, Vec<u8>)>) {
    for sub in cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        let name = format!("{prefix}-{}", sub.get_name());
        // clap names are &'static; a test may leak a few short strings.
        let page = sub
            .clone()
            .name(&*name.clone().leak())
            .bin_name(name.replace('-', " "));
        let mut buf = Vec::new();
        clap_mangen::Man::new(page.clone())
            .render(&mut buf)
            .unwrap();
        files.push((PathBuf::from(format!("man/{name}.1")), buf));
        pages(sub, &name, files);
    }
}

#[test]
fn completions_and_man_pages_are_up_to_date() {
    let files = expected();
    let regenerate = std::env::var_os("APPCTL_REGENERATE").is_some();
    let mut stale = Vec::new();
    for (rel, want) in &files {
        let path = root().join(rel);
        if regenerate {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, want).unwrap();
        } else if std::fs::read(&path).ok().as_ref() != Some(want) {
            stale.push(rel.display().to_string());
        }
    }
    // Generated pages that no longer have a command.
    for entry in std::fs::read_dir(root().join("man")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let rel = PathBuf::from("man").join(&name);
        if name.ends_with(".1") && !files.iter().any(|(p, _)| *p == rel) {
            if regenerate {
                std::fs::remove_file(root().join(&rel)).unwrap();
            } else {
                stale.push(format!("{} (no such command)", rel.display()));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated files: {stale:?}\nregenerate with: APPCTL_REGENERATE=1 cargo test --test generated"
    );
}

#[test]
fn the_committed_scripts_are_what_appctl_completion_prints() {
    for shell in Shell::ALL {
        let name = format!("{shell:?}").to_lowercase();
        let out = assert_cmd::Command::cargo_bin("appctl")
            .unwrap()
            .env_clear()
            .args(["completion", &name])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "appctl completion {name}");
        assert!(out.stderr.is_empty());
        let committed = std::fs::read(root().join("completions").join(shell.file_name())).unwrap();
        assert!(
            out.stdout == committed,
            "completions/{} differs from `appctl completion {name}`",
            shell.file_name()
        );
        // The script asks appctl itself, through APPCTL_COMPLETE.
        assert!(
            String::from_utf8(out.stdout)
                .unwrap()
                .contains("APPCTL_COMPLETE")
        );
    }
}

#[test]
fn every_command_has_a_man_page_and_the_format_page_exists() {
    let files = expected();
    for name in [
        "appctl.1",
        "appctl-unlock.1",
        "appctl-app-create.1",
        "appctl-keys-regenerate.1",
        "appctl-recovery-key-regenerate.1",
        "appctl-completion.1",
    ] {
        assert!(files.iter().any(|(p, _)| p.ends_with(name)), "{name}");
    }
    let store5 = std::fs::read_to_string(root().join("man/appctl-store.5")).unwrap();
    for fact in ["XChaCha20-Poly1305", "Argon2id", "BLAKE2b", "APPCTL", ".TH"] {
        assert!(
            store5.contains(fact),
            "appctl-store.5 should mention {fact}"
        );
    }
}

#[test]
fn clap_definitions_are_consistent() {
    Cli::command().debug_assert();
}
