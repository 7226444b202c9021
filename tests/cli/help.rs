//! `--help`: every command's help ends with one to three examples, and each
//! example is a command line that appctl accepts, of that command.

use appctl::cli::Cli;
use clap::CommandFactory;

/// Every command's path, such as `["app", "create"]`; the root is `[]`.
fn paths(cmd: &clap::Command, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(prefix.clone());
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let mut p = prefix.clone();
        p.push(sub.get_name().to_string());
        paths(sub, p, out);
    }
}

/// The appctl command line inside a shell line: from the word `appctl` to
/// the first `|`, `>`, `<`, `)`, `;` or `#` outside quotes, split as a shell
/// would (variables stay as written; they are values, not flags).
fn appctl_words(line: &str) -> Option<Vec<String>> {
    let start = line
        .match_indices("appctl ")
        .map(|(i, _)| i)
        .find(|&i| i == 0 || line[..i].ends_with([' ', '(', '"']))?;
    let mut end = line.len();
    let (mut single, mut double) = (false, false);
    for (i, c) in line[start..].char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '|' | '>' | '<' | ')' | ';' | '#' if !single && !double => {
                end = start + i;
                break;
            }
            _ => {}
        }
    }
    shlex::split(&line[start..end])
}

/// The subcommand path a parsed command line runs.
fn path_of(m: &clap::ArgMatches) -> Vec<String> {
    let mut path = Vec::new();
    let mut m = m;
    while let Some((name, sub)) = m.subcommand() {
        path.push(name.to_string());
        m = sub;
    }
    path
}

#[test]
fn every_help_ends_with_examples_of_that_command_that_parse() {
    let mut all = Vec::new();
    paths(&Cli::command(), Vec::new(), &mut all);
    assert!(all.len() > 30, "{all:?}");
    let bin = assert_cmd::cargo::cargo_bin("appctl");
    for path in all {
        let out = std::process::Command::new(&bin)
            .env_clear()
            .args(&path)
            .arg("--help")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{path:?}");
        let help = String::from_utf8(out.stdout).unwrap();
        let (_, examples) = help
            .rsplit_once("\nExamples:\n")
            .unwrap_or_else(|| panic!("appctl {} --help has no examples:\n{help}", path.join(" ")));
        let lines: Vec<&str> = examples.lines().filter(|l| !l.trim().is_empty()).collect();
        assert!(
            (1..=3).contains(&lines.len()),
            "appctl {} --help: {} examples",
            path.join(" "),
            lines.len()
        );
        for line in lines {
            assert!(line.starts_with("  "), "an example is indented: {line:?}");
            // Fits an 80-column terminal, so clap never wraps it.
            assert!(line.chars().count() <= 78, "example too long: {line:?}");
            let words = appctl_words(line)
                .unwrap_or_else(|| panic!("no appctl command in example {line:?}"));
            let parsed = Cli::command()
                .try_get_matches_from(&words)
                .unwrap_or_else(|e| panic!("example {line:?} does not parse: {e}"));
            let ran = path_of(&parsed);
            assert!(
                ran.starts_with(&path),
                "the example {line:?} in appctl {} --help runs {ran:?}",
                path.join(" ")
            );
        }
    }
}

#[test]
fn the_example_extractor_finds_the_command() {
    let w = |l: &str| appctl_words(l).unwrap();
    assert_eq!(
        w("  eval \"$(appctl unlock --ttl 1h)\""),
        ["appctl", "unlock", "--ttl", "1h"]
    );
    assert_eq!(
        w("  appctl --json dashboard | jq ."),
        ["appctl", "--json", "dashboard"]
    );
    assert_eq!(
        w("  appctl backup \"$HOME/b-$(date +%F).appctl\""),
        ["appctl", "backup", "$HOME/b-$(date +%F).appctl"]
    );
    assert_eq!(
        w("  source <(appctl completion bash)   # in ~/.bashrc"),
        ["appctl", "completion", "bash"]
    );
    assert!(appctl_words("  echo 'pass show appctl'").is_none());
}
