//! The man pages, generated from the clap definitions: `appctl(1)` and one
//! page per command, named as git names its pages (`appctl-app-create(1)`).
//! The committed copies in `man/` are checked against this by
//! `tests/generated.rs`, which also regenerates them.
//!
//! clap_mangen renders the sections it knows (NAME, SYNOPSIS, DESCRIPTION,
//! OPTIONS, SUBCOMMANDS); this module adds EXAMPLES (from each command's
//! `after_help`), SEE ALSO, and on `appctl(1)` ENVIRONMENT, EXIT STATUS and
//! FILES, and tidies the result so that `mandoc -Tlint` has nothing to say.

use super::Cli;
use clap::CommandFactory;
use roff::{Roff, bold, roman};

/// The date the pages carry: the release date of [`VERSION`]. It is fixed,
/// not today's date, so that generating the pages twice gives the same
/// bytes; change it together with the version in `Cargo.toml`.
pub const DATE: &str = "2026-12-01";

/// The version the pages carry.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The name of the manual, in the centre of each page's header.
const MANUAL: &str = "appctl Manual";

/// The hand-written page on the store's format, which every generated page
/// may refer to.
pub const FORMAT_PAGE: &str = "appctl-store.5";

/// The heading `after_help` opens with; what follows are the examples.
const EXAMPLES: &str = "Examples:\n";

/// The lines the roff crate opens every rendering with: they define
/// `\*(Aq`, an apostrophe that no formatter turns into a quote.
const PREAMBLE: &str = ".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n";

/// Every environment variable appctl reads, with what it does, for
/// ENVIRONMENT in `appctl(1)`.
pub const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "APPCTL_STORE",
        "The store file, when --store is not given. Default: \
         $XDG_DATA_HOME/appctl/store.appctl, which is \
         ~/.local/share/appctl/store.appctl when XDG_DATA_HOME is not set.",
    ),
    (
        "APPCTL_SESSION",
        "An unlock session, as printed by appctl unlock. While it is set, \
         commands open the store with it and read no passphrase; an expired or \
         ended session fails with exit status 5. unlock, passwd and \
         recovery-key regenerate ignore it and always read the passphrase.",
    ),
    (
        "APPCTL_PASSPHRASE_FILE",
        "A file whose first line is the passphrase, when --passphrase-file is \
         not given.",
    ),
    (
        "APPCTL_PASSPHRASE_FD",
        "The number of an open file descriptor, inherited from the caller, \
         whose first line is the passphrase.",
    ),
    (
        "APPCTL_PASSPHRASE_COMMAND",
        "A program and its arguments, split as a shell splits words but run \
         without a shell, whose first line of output is the passphrase (such \
         as pass show appctl). It is run only when a passphrase is needed: \
         never for --help, --version, completion or with a session.",
    ),
    (
        "APPCTL_PASSPHRASE_COMMAND_TIMEOUT",
        "How many seconds APPCTL_PASSPHRASE_COMMAND may take to print the \
         passphrase (default 30); past it the program is stopped and appctl \
         exits with status 8. It is run without APPCTL_SESSION, and at most \
         64 KiB of its output is read.",
    ),
    (
        "APPCTL_PASSPHRASE",
        "The passphrase itself, the last source tried before a prompt. Other \
         programs of the same user may be able to read a process's \
         environment; prefer the other sources.",
    ),
    (
        "APPCTL_LOCK_TIMEOUT",
        "How many seconds a command that changes the store waits for another \
         command's lock before it fails with exit status 7, such as 30 or 0.5 \
         (default 30).",
    ),
    (
        "APPCTL_COMPLETE",
        "Set by the scripts of appctl completion when they ask appctl for \
         completions; not for setting by hand.",
    ),
    (
        "NO_COLOR",
        "appctl prints no colour, so NO_COLOR is honoured whether it is set \
         or not.",
    ),
    (
        "XDG_RUNTIME_DIR",
        "Where session files are kept: $XDG_RUNTIME_DIR/appctl.",
    ),
    (
        "USER",
        "The owner's handle that init records when --owner is not given.",
    ),
];

/// Exit statuses, for EXIT STATUS in `appctl(1)`.
pub const EXIT_STATUS: &[(&str, &str)] = &[
    ("0", "Success."),
    ("1", "Internal error."),
    (
        "2",
        "Usage error: an unknown command or flag, or a missing argument.",
    ),
    ("3", "Not found: no such store, project, app or credential."),
    (
        "4",
        "Conflict or unmet precondition: a name already taken, a project that \
         still holds apps, the email toggle without both URLs, a suspended app.",
    ),
    (
        "5",
        "Wrong passphrase or recovery key, or an expired or ended session.",
    ),
    (
        "6",
        "The store is damaged, tampered with, or of an unknown version.",
    ),
    (
        "7",
        "The store is busy (its lock was not obtained in time), or an I/O \
         failure.",
    ),
    (
        "8",
        "Input is needed that is not available: no passphrase source, or no \
         terminal to confirm a destructive command (pass --yes).",
    ),
    (
        "9",
        "An invalid value: a bad URL, a name too long, a bad icon, KDF \
         parameters below the floor.",
    ),
    ("130", "A prompt was cancelled with Ctrl-C or Ctrl-D."),
];

/// Files, for FILES in `appctl(1)`.
const FILES: &[(&str, &str)] = &[
    (
        "~/.local/share/appctl/store.appctl",
        "The default store (under $XDG_DATA_HOME when it is set). Its format \
         is described in appctl-store(5).",
    ),
    (
        "STORE.lock",
        "The lock file beside the store, which serialises commands that \
         change it.",
    ),
    (
        "$XDG_RUNTIME_DIR/appctl/",
        "Session files of appctl unlock; without XDG_RUNTIME_DIR, \
         ~/.local/share/appctl/sessions/.",
    ),
];

/// Examples for `appctl(1)` beyond those in its `--help`.
const ROOT_EXAMPLES: &str = "\
# Where no terminal can ask, a script names a passphrase source:
APPCTL_PASSPHRASE_COMMAND='pass show appctl' appctl app list
# Every command prints one JSON document with --json:
appctl --json dashboard | jq '.standalone_apps[].name'";

/// Commands whose pages also point to the store's format.
const ABOUT_THE_STORE: &[&str] = &[
    "appctl-init",
    "appctl-unlock",
    "appctl-lock",
    "appctl-passwd",
    "appctl-recover",
    "appctl-recovery-key",
    "appctl-recovery-key-regenerate",
    "appctl-check",
    "appctl-backup",
];

/// Every man page: its file name (such as `appctl-app-create.1`) and its
/// contents. `appctl-store.5` is hand-written and not among them.
pub fn man_pages() -> Vec<(String, Vec<u8>)> {
    let mut cmd = without_help_command(Cli::command());
    cmd.build();
    let mut pages = Vec::new();
    collect(&cmd, None, &mut pages);
    pages
}

/// The `help` subcommand is not a command of its own; leaving it out keeps
/// the pages from naming an `appctl-help(1)` that does not exist.
fn without_help_command(cmd: clap::Command) -> clap::Command {
    cmd.disable_help_subcommand(true)
        .mut_subcommands(without_help_command)
}

fn collect(cmd: &clap::Command, parent: Option<&str>, pages: &mut Vec<(String, Vec<u8>)>) {
    let name = page_name(cmd);
    pages.push((format!("{name}.1"), page(cmd, parent).into_bytes()));
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect(sub, Some(&name), pages);
    }
}

/// `appctl`, `appctl-app`, `appctl-app-create`: clap sets the display name
/// of a built subcommand so.
fn page_name(cmd: &clap::Command) -> String {
    cmd.get_display_name()
        .unwrap_or_else(|| cmd.get_name())
        .to_string()
}

fn page(cmd: &clap::Command, parent: Option<&str>) -> String {
    let name = page_name(cmd);
    let man = clap_mangen::Man::new(cmd.clone())
        .title(name.to_uppercase())
        .date(DATE)
        .source(format!("appctl {VERSION}"))
        .manual(MANUAL);
    let mut out = String::from(PREAMBLE);
    out.push_str(&piece(|w| man.render_title(w)));
    // No hyphenation: a path or a flag broken at a hyphen that is not its
    // own reads as something else.
    out.push_str(".nh\n");
    out.push_str(&piece(|w| man.render_name_section(w)));
    out.push_str(&piece(|w| man.render_synopsis_section(w)));
    out.push_str(&piece(|w| man.render_description_section(w)));
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        out.push_str(&piece(|w| man.render_options_section(w)));
    }
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        out.push_str(&piece(|w| man.render_subcommands_section(w)));
    }
    let mut roff = Roff::new();
    let mut examples = examples(cmd);
    if parent.is_none() {
        examples.extend(ROOT_EXAMPLES.lines().map(str::to_string));
    }
    if !examples.is_empty() {
        roff.control("SH", ["EXAMPLES"]);
        // Comments become the text, commands are set apart verbatim. A
        // paragraph break right after the heading would be one too many.
        let mut in_code = false;
        for (i, line) in examples.iter().enumerate() {
            match line.strip_prefix("# ") {
                Some(comment) => {
                    if in_code {
                        roff.control("fi", []).control("RE", []);
                        in_code = false;
                    }
                    if i > 0 {
                        roff.control("PP", []);
                    }
                    roff.text([roman(comment)]);
                }
                None => {
                    if !in_code {
                        if i > 0 {
                            roff.control("PP", []);
                        }
                        roff.control("RS", ["4"]).control("nf", []);
                        in_code = true;
                    }
                    roff.text([roman(line.as_str())]);
                }
            }
        }
        if in_code {
            roff.control("fi", []).control("RE", []);
        }
    }
    if parent.is_none() {
        list_section(&mut roff, "ENVIRONMENT", ENVIRONMENT);
        list_section(&mut roff, "EXIT STATUS", EXIT_STATUS);
        list_section(&mut roff, "FILES", FILES);
    }
    roff.control("SH", ["SEE ALSO"]);
    let mut see_also: Vec<&str> = Vec::new();
    match parent {
        None => see_also.extend(["appctl-store.5", "appctl-unlock.1", "appctl-completion.1"]),
        Some(p) => {
            if p != "appctl" {
                see_also.push("appctl.1");
            }
            see_also.push(p);
            if ABOUT_THE_STORE.contains(&name.as_str()) {
                see_also.push(FORMAT_PAGE);
            }
        }
    }
    let mut refs = Vec::new();
    for (i, r) in see_also.iter().enumerate() {
        let (page, section) = r.rsplit_once('.').unwrap_or((r, "1"));
        if i > 0 {
            refs.push(roman(", "));
        }
        refs.push(bold(page));
        refs.push(roman(format!("({section})")));
    }
    roff.text(refs);
    out.push_str(&piece(|w| roff.to_writer(w)));
    tidy(&out)
}

/// One rendered piece of a page, without the preamble each rendering
/// opens with (the page has it once, at its top).
fn piece(render: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut buf = Vec::new();
    render(&mut buf).expect("writing to a Vec cannot fail");
    let text = String::from_utf8(buf).expect("roff is written as UTF-8");
    match text.strip_prefix(PREAMBLE) {
        Some(rest) => rest.to_string(),
        None => text,
    }
}

/// The lines of `after_help` after its `Examples:` heading: commands, and
/// comments that start with `# `.
fn examples(cmd: &clap::Command) -> Vec<String> {
    let Some(help) = cmd.get_after_help() else {
        return Vec::new();
    };
    let help = help.to_string();
    let Some(body) = help.strip_prefix(EXAMPLES) else {
        return Vec::new();
    };
    body.lines().map(|l| l.trim().to_string()).collect()
}

/// A section of `.TP` items: a bold term, then its text.
fn list_section(roff: &mut Roff, title: &str, items: &[(&str, &str)]) {
    roff.control("SH", [title]);
    for (term, text) in items {
        roff.control("TP", [])
            .text([bold(*term)])
            .text([roman(*text)]);
    }
}

/// Makes clap_mangen's output pass `mandoc -Tlint`: no blank lines (a
/// blank line is a paragraph break, and clap_mangen puts one between two
/// `.br`), no trailing whitespace, and text lines of at most 80 bytes,
/// broken at spaces (filled text reads the same however its lines break;
/// lines between `.nf` and `.fi` are kept as they are).
fn tidy(page: &str) -> String {
    let mut out = String::with_capacity(page.len());
    let mut fill = true;
    let mut lines = page.lines().peekable();
    while let Some(line) = lines.next() {
        let line = line.trim_end();
        if line == ".br" && lines.peek() == Some(&"") {
            // `.br`, blank, `.br`: one paragraph break.
            lines.next();
            if lines.peek() == Some(&".br") {
                lines.next();
            }
            out.push_str(".sp\n");
            continue;
        }
        if line.is_empty() {
            continue;
        }
        match line {
            ".nf" => fill = false,
            ".fi" => fill = true,
            _ => {}
        }
        if !fill || line.starts_with('.') || line.len() <= 80 {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        for l in wrap(line, 80) {
            // A broken line must not start with a control character.
            if l.starts_with('.') || l.starts_with('\'') {
                out.push_str("\\&");
            }
            out.push_str(&l);
            out.push('\n');
        }
    }
    out
}

/// Breaks `line` at spaces that are not escaped (`\ ` is a space that does
/// not break) into lines of at most `width` bytes where the words allow.
fn wrap(line: &str, width: usize) -> Vec<String> {
    let mut words: Vec<&str> = Vec::new();
    let mut start = 0;
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b' ' && (i == 0 || bytes[i - 1] != b'\\') {
            words.push(&line[start..i]);
            start = i + 1;
        }
    }
    words.push(&line[start..]);
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for w in words.into_iter().filter(|w| !w.is_empty()) {
        if !cur.is_empty() && cur.len() + 1 + w.len() > width {
            out.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(w);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_every_word_and_escaped_spaces() {
        let line = "a ".repeat(60) + "x\\ y " + &"bb ".repeat(20);
        let lines = wrap(line.trim_end(), 80);
        assert!(lines.len() > 1 && lines.iter().all(|l| l.len() <= 80));
        assert_eq!(lines.join(" "), line.trim_end());
        assert!(lines.iter().any(|l| l.contains("x\\ y")));
    }

    #[test]
    fn tidy_merges_breaks_and_leaves_no_fill_alone() {
        let long = "word ".repeat(30);
        let page = format!(".TP\ntext \n.br\n\n.br\nmore\n.nf\n{long}\n.fi\n{long}\n");
        let t = tidy(&page);
        assert!(t.contains("text\n.sp\nmore\n"), "{t}");
        assert!(t.contains(&format!("\n{}\n", long.trim_end())), "{t}");
        assert!(
            t.lines().filter(|l| l.starts_with("word")).count() > 2,
            "{t}"
        );
        assert!(!t.lines().any(|l| l.is_empty() || l.ends_with(' ')), "{t}");
    }
}
