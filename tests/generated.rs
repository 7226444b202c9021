//! `completions/` and `man/` are generated from the clap definitions and
//! committed. This test fails when a committed file is stale; regenerate
//! them all with:
//!
//! ```sh
//! APPCTL_REGENERATE=1 cargo test --test generated
//! ```
//!
//! It also holds the pages to what `appctl(1)` promises: every variable the
//! code reads is documented, every page refers only to pages that exist,
//! and `mandoc -Tlint` finds nothing to report.

use appctl::cli::Cli;
use appctl::cli::complete::{self, Shell};
use appctl::cli::generate;
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
    for (name, page) in generate::man_pages() {
        files.push((Path::new("man").join(name), page));
    }
    files
}

fn page(name: &str) -> String {
    let files = expected();
    let (_, bytes) = files
        .iter()
        .find(|(p, _)| p.ends_with(name))
        .unwrap_or_else(|| panic!("no page {name}"));
    String::from_utf8(bytes.clone()).unwrap()
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
    assert!(!files.iter().any(|(p, _)| p.ends_with("appctl-help.1")));
    let store5 = std::fs::read_to_string(root().join("man/appctl-store.5")).unwrap();
    let schema = format!("(currently {})", appctl::store::schema::CURRENT);
    for fact in [
        "XChaCha20-Poly1305",
        "Argon2id",
        "BLAKE2b",
        "APPCTL",
        ".TH",
        &schema,
    ] {
        assert!(
            store5.contains(fact),
            "appctl-store.5 should mention {fact}"
        );
    }
}

#[test]
fn every_page_carries_the_version_and_the_date() {
    for (name, page) in generate::man_pages() {
        let page = String::from_utf8(page).unwrap();
        let th = page.lines().find(|l| l.starts_with(".TH ")).unwrap();
        let version = format!("appctl {}", env!("CARGO_PKG_VERSION"));
        assert!(th.contains(generate::DATE), "{name}: {th}");
        assert!(th.contains(&version), "{name}: {th}");
    }
}

/// Text of the section `title` of a page, up to the next `.SH`.
fn section<'a>(page: &'a str, title: &str) -> &'a str {
    let head = format!(".SH {title}\n");
    let head2 = format!(".SH \"{title}\"\n");
    let start = page
        .find(&head)
        .map(|i| i + head.len())
        .or_else(|| page.find(&head2).map(|i| i + head2.len()))
        .unwrap_or_else(|| panic!("no section {title}"));
    let rest = &page[start..];
    &rest[..rest.find("\n.SH ").unwrap_or(rest.len())]
}

/// Every `APPCTL_*` name in the source, except what only tests use: the
/// hooks that only debug builds read, and the variable that regenerates
/// the test vectors.
fn variables_in_source() -> Vec<String> {
    let mut found = Vec::new();
    let mut dirs = vec![root().join("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let mut rest = text.as_str();
            while let Some(i) = rest.find("APPCTL_") {
                let name: String = rest[i..]
                    .chars()
                    .take_while(|c| c.is_ascii_uppercase() || *c == '_')
                    .collect();
                let name = name.trim_end_matches('_').to_string();
                if !found.contains(&name) {
                    found.push(name);
                }
                rest = &rest[i + 7..];
            }
        }
    }
    found
        .retain(|n| !["APPCTL_FAULT", "APPCTL_KDF_LOG", "APPCTL_REGENERATE"].contains(&n.as_str()));
    found.sort();
    found
}

#[test]
fn appctl_1_documents_environment_exit_status_files_and_examples() {
    let page = page("man/appctl.1");
    let env = section(&page, "ENVIRONMENT");
    let mut wanted = variables_in_source();
    wanted.push("NO_COLOR".into());
    assert!(wanted.contains(&"APPCTL_PASSPHRASE_COMMAND".to_string()));
    for var in &wanted {
        assert!(
            env.contains(&format!("\\fB{var}\\fR")),
            "ENVIRONMENT should describe {var}:\n{env}"
        );
    }
    let status = section(&page, "EXIT STATUS");
    for code in (0..=9).chain([130]) {
        assert!(
            status.contains(&format!(".TP\n\\fB{code}\\fR\n")),
            "EXIT STATUS should list {code}:\n{status}"
        );
    }
    let files = section(&page, "FILES");
    for f in ["store.appctl", ".lock", "XDG_RUNTIME_DIR"] {
        assert!(files.contains(f), "FILES should name {f}:\n{files}");
    }
    assert!(section(&page, "EXAMPLES").contains("appctl unlock"));
}

/// The `appctl-app(1)`-style references in a page, as file names
/// (`appctl-app.1`).
fn references(page: &str) -> Vec<String> {
    let plain = page
        .replace("\\fB", "")
        .replace("\\fI", "")
        .replace("\\fR", "")
        .replace("\\-", "-");
    let mut refs = Vec::new();
    for (i, _) in plain.match_indices('(') {
        let section = &plain[i + 1..];
        let Some(s) = ["1)", "5)"].into_iter().find(|s| section.starts_with(s)) else {
            continue;
        };
        let name: String = plain[..i]
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if name.starts_with("appctl") {
            refs.push(format!("{name}.{}", &s[..1]));
        }
    }
    refs
}

#[test]
fn no_page_refers_to_a_page_that_does_not_exist() {
    let files = expected();
    let mut pages: Vec<String> = files
        .iter()
        .filter(|(p, _)| p.starts_with("man"))
        .map(|(p, _)| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    pages.push(generate::FORMAT_PAGE.to_string());
    let store5 = std::fs::read(root().join("man").join(generate::FORMAT_PAGE)).unwrap();
    let mut checked = 0;
    for (name, text) in files
        .iter()
        .filter(|(p, _)| p.starts_with("man"))
        .map(|(p, t)| (p.display().to_string(), t.clone()))
        .chain([(generate::FORMAT_PAGE.to_string(), store5)])
    {
        let text = String::from_utf8(text).unwrap();
        assert!(
            text.contains(".SH SEE ALSO") || text.contains(".SH \"SEE ALSO\""),
            "{name} has no SEE ALSO"
        );
        for r in references(&text) {
            assert!(
                pages.contains(&r),
                "{name} refers to {r}, which does not exist"
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} references found");
}

#[test]
fn mandoc_finds_nothing_to_report() {
    if std::process::Command::new("mandoc")
        .arg("-V")
        .output()
        .is_err()
    {
        eprintln!("skipped: mandoc is not installed (Debian: apt-get install mandoc)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut paths = vec![root().join("man").join(generate::FORMAT_PAGE)];
    for (name, page) in generate::man_pages() {
        let path = dir.path().join(&name);
        std::fs::write(&path, page).unwrap();
        paths.push(path);
    }
    for path in paths {
        let out = std::process::Command::new("mandoc")
            .arg("-Tlint")
            .arg(&path)
            .output()
            .unwrap();
        let report = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && report.trim().is_empty(),
            "mandoc -Tlint {}:\n{report}",
            path.display()
        );
    }
}

#[test]
fn clap_definitions_are_consistent() {
    Cli::command().debug_assert();
}
