//! The primitives of everything appctl prints: stdout that handles a
//! closed pipe, JSON documents, notes and errors on stderr, times and IDs as
//! the spec writes them, and tables that fit a terminal or become
//! tab-separated lines for scripts.

use crate::error::{Error, Result};
use comfy_table::{ColumnConstraint, ContentArrangement, TableComponent, presets};
use serde::Serialize;
use serde_json::{Value, json};
use std::io::{IsTerminal, Write};

/// An RFC 3339 UTC time for Unix seconds.
pub fn time(secs: i64) -> String {
    Time(secs).to_string()
}

/// Unix seconds that serialize (and display) as an RFC 3339 UTC time.
#[derive(Clone, Copy)]
pub struct Time(pub i64);

impl std::fmt::Display for Time {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(self.0.max(0) as u64);
        humantime::format_rfc3339_seconds(t).fmt(f)
    }
}

impl Serialize for Time {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// An ID, which JSON holds as a string of decimal digits.
#[derive(Clone, Copy)]
pub struct Id(pub i64);

impl Serialize for Id {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

/// Writes `text` to stdout. A closed pipe (`appctl … | head`) ends the
/// process quietly, as other command-line tools do.
pub fn stdout(text: &str) -> Result<()> {
    match write_stdout(text) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        other => other.map_err(|e| Error::io("write", std::path::Path::new("standard output"), &e)),
    }
}

fn write_stdout(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|()| out.flush())
}

/// Writes newly made secrets to stdout. Unlike [`stdout`], a closed pipe
/// is an error (exit 7): the values are committed and can never be shown
/// again, so a script must not take the command for a success.
pub(super) fn secret_stdout(text: &str) -> Result<()> {
    write_stdout(text).map_err(|e| {
        Error::new(
            crate::error::Kind::Io,
            format!(
                "the new secrets were stored but could not be shown: cannot write to standard output ({})",
                e.kind()
            ),
        )
        .with_hint(
            "no command can show them again; make new ones with `appctl keys regenerate` \
             (a recovery key with `appctl recovery-key regenerate`)",
        )
    })
}

/// Prints one JSON document.
pub fn print_json<T: Serialize + ?Sized>(v: &T) -> Result<()> {
    let mut s = serde_json::to_string_pretty(v).expect("JSON values serialise");
    s.push('\n');
    stdout(&s)
}

/// Prints a line for people on stderr (kept off stdout so scripts can read it).
pub fn note(text: &str) {
    let _ = writeln!(std::io::stderr(), "{text}");
}
/// A table for people at a terminal, or tab-separated lines for scripts.
///
/// At a terminal it is drawn without vertical rules, as wide as the
/// terminal allows; only the columns marked with [`Table::wrap`] (free
/// text such as names and descriptions) may wrap, so an ID, a time, a
/// fingerprint or a state is never broken. When stdout is not a terminal,
/// the header and each row are one line of tab-separated cells (as gh
/// prints when piped), so `cut -f` and `awk -F'\t'` work. appctl never
/// prints colour, so `NO_COLOR` is always honoured.
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    wrap: Vec<usize>,
}

impl Table {
    /// Adds a row of cells, one per column.
    pub fn add_row(&mut self, row: Vec<String>) -> &mut Self {
        self.rows.push(row);
        self
    }

    /// Lets the columns at `columns` (counted from 0) wrap at a terminal.
    #[must_use]
    pub fn wrap(mut self, columns: &[usize]) -> Self {
        self.wrap.extend_from_slice(columns);
        self
    }

    /// The table as a person sees it at a terminal.
    fn drawn(&self) -> String {
        let mut t = comfy_table::Table::new();
        // Columns apart by their padding, one rule under the header.
        t.load_preset(presets::NOTHING)
            .remove_style(TableComponent::VerticalLines)
            .remove_style(TableComponent::LeftBorder)
            .remove_style(TableComponent::RightBorder)
            .remove_style(TableComponent::LeftHeaderIntersection)
            .remove_style(TableComponent::RightHeaderIntersection)
            .remove_style(TableComponent::MiddleHeaderIntersections)
            .set_style(TableComponent::HeaderLines, '─')
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_header(self.header.clone());
        for row in &self.rows {
            t.add_row(row.clone());
        }
        for (i, column) in t.column_iter_mut().enumerate() {
            if !self.wrap.contains(&i) {
                column.set_constraint(ColumnConstraint::ContentWidth);
            }
        }
        // Cells are padded on both sides; without vertical rules the
        // padding at the ends of a line only costs width.
        let mut text: String = t.lines().map(|l| l.trim_end().to_string() + "\n").collect();
        text.truncate(text.trim_end().len());
        text.push('\n');
        text
    }

    /// The table as tab-separated lines: a tab or line break inside a cell
    /// becomes a space, so every record stays one line of as many fields.
    fn separated(&self) -> String {
        let line = |cells: &[String]| -> String {
            let cells: Vec<String> = cells
                .iter()
                .map(|c| c.replace(['\t', '\n', '\r'], " "))
                .collect();
            cells.join("\t") + "\n"
        };
        let mut text = line(&self.header);
        for row in &self.rows {
            text.push_str(&line(row));
        }
        text
    }
}

/// A table with these column headings.
pub fn table(header: &[&str]) -> Table {
    Table {
        header: header.iter().map(|h| h.to_string()).collect(),
        rows: Vec::new(),
        wrap: Vec::new(),
    }
}

/// Whether stdout is a terminal (a person reads it) rather than a pipe or
/// a file (a script does).
pub fn to_terminal() -> bool {
    std::io::stdout().is_terminal()
}

/// Prints a table: drawn at a terminal, tab-separated otherwise.
pub fn print_table(t: &Table) -> Result<()> {
    if to_terminal() {
        stdout(&t.drawn())
    } else {
        stdout(&t.separated())
    }
}

/// Prints an error: one line (and a hint) on stderr, or a JSON document.
pub fn print_error(e: &Error, json: bool) {
    let mut err = std::io::stderr().lock();
    if json {
        let mut body = json!({"kind": e.kind().as_str(), "message": e.message()});
        if let Some(h) = e.hint() {
            body["hint"] = Value::String(h.to_string());
        }
        let _ = writeln!(err, "{}", json!({ "error": body }));
    } else {
        let _ = writeln!(err, "error: {}", e.message());
        if let Some(h) = e.hint() {
            let _ = writeln!(err, "hint: {h}");
        }
    }
}
