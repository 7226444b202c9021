//! Everything appctl prints: JSON documents with the spec's field names,
//! comfy-table tables for people, errors, and the one-time display of secrets.

use crate::error::{Error, Result};
use crate::model::{App, CredentialMeta, Event, Project};
use crate::store::IssuedSecrets;
use comfy_table::{ContentArrangement, Table, presets};
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

// The objects below serialize straight from the model (field order as
// written): listings of thousands of apps build no tree of JSON values.

/// A project object, with its apps where listed with them.
#[derive(Serialize)]
pub struct ProjectJson<'a> {
    id: Id,
    name: &'a str,
    description: Option<&'a str>,
    use_case: Option<&'a str>,
    environment: &'static str,
    created_at: Time,
    updated_at: Time,
    #[serde(skip_serializing_if = "Option::is_none")]
    apps: Option<Vec<AppJson<'a>>>,
}

/// A project object.
pub fn project_json<'a>(p: &'a Project, apps: Option<Vec<AppJson<'a>>>) -> ProjectJson<'a> {
    ProjectJson {
        id: Id(p.id),
        name: &p.name,
        description: p.description.as_deref(),
        use_case: p.use_case.as_deref(),
        environment: p.environment.as_str(),
        created_at: Time(p.created_at),
        updated_at: Time(p.updated_at),
        apps,
    }
}

/// A credential metadata object: never a secret value.
#[derive(Serialize)]
pub struct CredentialJson {
    kind: &'static str,
    state: &'static str,
    created_at: Time,
    regenerated_at: Option<Time>,
    revoked_at: Option<Time>,
    permissions: Option<&'static str>,
    fingerprint: String,
    app_suspended: bool,
    note: Option<String>,
}

/// A credential metadata object: never a secret value.
pub fn credential_json(c: &CredentialMeta, app: &App) -> CredentialJson {
    CredentialJson {
        kind: c.kind.as_str(),
        state: c.display_state(),
        created_at: Time(c.created_at),
        regenerated_at: c.regenerated_at.map(Time),
        revoked_at: c.revoked_at.map(Time),
        permissions: c.permissions.map(|p| p.as_str()),
        fingerprint: c.fingerprint.clone(),
        app_suspended: app.status == crate::model::Status::Suspended,
        note: c.note(app.status),
    }
}

/// An app's icon: its format and size, not its bytes.
#[derive(Serialize)]
pub struct IconJson {
    format: &'static str,
    bytes: usize,
}

/// An app object with its credential metadata.
#[derive(Serialize)]
pub struct AppJson<'a> {
    id: Id,
    name: &'a str,
    project_id: Option<Id>,
    status: &'static str,
    suspended_reason: Option<&'a str>,
    suspended_at: Option<Time>,
    permissions: &'static str,
    three_legged_oauth: bool,
    request_email: bool,
    callback_urls: &'a [String],
    description: Option<&'a str>,
    icon: Option<IconJson>,
    website_url: Option<&'a str>,
    terms_url: Option<&'a str>,
    privacy_url: Option<&'a str>,
    organization_name: Option<&'a str>,
    organization_url: Option<&'a str>,
    use_case: Option<&'a str>,
    created_at: Time,
    updated_at: Time,
    credentials: Vec<CredentialJson>,
}

/// An app object with its credential metadata.
pub fn app_json<'a>(a: &'a App, creds: &[CredentialMeta]) -> AppJson<'a> {
    let d = &a.details;
    AppJson {
        id: Id(a.id),
        name: &a.name,
        project_id: a.project_id.map(Id),
        status: a.status.as_str(),
        suspended_reason: a.suspended_reason.as_deref(),
        suspended_at: a.suspended_at.map(Time),
        permissions: d.permissions.as_str(),
        three_legged_oauth: d.three_legged_oauth,
        request_email: d.request_email,
        callback_urls: &d.callback_urls,
        description: d.description.as_deref(),
        icon: d.icon.as_ref().map(|i| IconJson {
            format: i.format.as_str(),
            bytes: i.bytes.len(),
        }),
        website_url: d.website_url.as_deref(),
        terms_url: d.terms_url.as_deref(),
        privacy_url: d.privacy_url.as_deref(),
        organization_name: d.organization_name.as_deref(),
        organization_url: d.organization_url.as_deref(),
        use_case: d.use_case.as_deref(),
        created_at: Time(a.created_at),
        updated_at: Time(a.updated_at),
        credentials: creds.iter().map(|c| credential_json(c, a)).collect(),
    }
}

/// An event object.
#[derive(Serialize)]
pub struct EventJson<'a> {
    id: Id,
    at: Time,
    action: &'a str,
    target_kind: &'a str,
    target_id: Option<Id>,
    app_id: Option<Id>,
    target_name: Option<&'a str>,
    detail: Option<&'a str>,
}

/// An event object.
pub fn event_json(e: &Event) -> EventJson<'_> {
    EventJson {
        id: Id(e.id),
        at: Time(e.at),
        action: &e.action,
        target_kind: &e.target_kind,
        target_id: e.target_id.map(Id),
        app_id: e.app_id.map(Id),
        target_name: e.target_name.as_deref(),
        detail: e.detail.as_deref(),
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
fn secret_stdout(text: &str) -> Result<()> {
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

/// A table styled for where stdout goes: box drawing on a terminal, plain
/// ASCII otherwise. appctl never prints colour, so `NO_COLOR` is always honoured.
pub fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    if std::io::stdout().is_terminal() {
        t.load_preset(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic);
    } else {
        t.load_preset(presets::ASCII_FULL_CONDENSED);
    }
    t.set_header(header.to_vec());
    t
}

/// Prints a table followed by a newline.
pub fn print_table(t: &Table) -> Result<()> {
    stdout(&format!("{t}\n"))
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

/// The secrets' names in `KEY=value` output.
fn env_name(json_name: &str) -> String {
    json_name.to_ascii_uppercase()
}

/// Shows newly made secrets once: in the `secrets` object of `doc` with
/// `--json`, as `KEY=value` lines with `--env`, or as a table with a warning
/// on stderr. Call only after the store has been saved.
pub fn print_secrets(
    json: bool,
    env: bool,
    doc: impl Serialize,
    heading: &str,
    secrets: &IssuedSecrets,
) -> Result<()> {
    use zeroize::Zeroize;
    let mut doc = serde_json::to_value(doc).expect("JSON values serialise");
    let named = secrets.named();
    if json {
        let mut obj = serde_json::Map::new();
        for (name, v) in &named {
            obj.insert((*name).to_string(), Value::String(v.expose().to_string()));
        }
        doc["secrets"] = Value::Object(obj);
        let mut text = serde_json::to_string_pretty(&doc).expect("JSON values serialise");
        text.push('\n');
        let out = secret_stdout(&text);
        // Wipe the copies this function made.
        text.zeroize();
        if let Some(Value::Object(obj)) = doc.get_mut("secrets") {
            for v in obj.values_mut() {
                if let Value::String(s) = v {
                    s.zeroize();
                }
            }
        }
        return out;
    }
    let mut text = String::new();
    if env {
        // The app the values belong to, so a script that appends them to a
        // .env file knows which app they are for.
        if let Some(Value::String(id)) = doc.get("app_id").or_else(|| doc.get("id")) {
            text.push_str(&format!("APP_ID={id}\n"));
        }
        for (name, v) in &named {
            text.push_str(&format!("{}={}\n", env_name(name), v.expose()));
        }
    } else {
        // Heading and table in one write, so that a closed pipe is caught
        // before anything counts as shown.
        let mut t = table(&["Credential", "Value"]);
        for (name, v) in &named {
            t.add_row(vec![name.replace('_', " "), v.expose().to_string()]);
        }
        text = format!("{heading}\n{t}\n");
    }
    let out = secret_stdout(&text);
    text.zeroize();
    out?;
    if env {
        return Ok(());
    }
    note("warning: these secrets are shown only this once; copy them somewhere safe now");
    Ok(())
}
