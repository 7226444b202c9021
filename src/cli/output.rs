//! Everything appctl prints: JSON documents with the spec's field names,
//! comfy-table tables for people, errors, and the one-time display of secrets.

use crate::error::{Error, Result};
use crate::model::{App, CredentialMeta, Event, Project};
use crate::store::IssuedSecrets;
use comfy_table::{ContentArrangement, Table, presets};
use serde_json::{Value, json};
use std::io::{IsTerminal, Write};

/// An RFC 3339 UTC time for Unix seconds.
pub fn time(secs: i64) -> String {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs.max(0) as u64);
    humantime::format_rfc3339_seconds(t).to_string()
}

fn opt_time(secs: Option<i64>) -> Value {
    secs.map_or(Value::Null, |s| Value::String(time(s)))
}

/// IDs are strings of decimal digits in JSON.
pub fn id(n: i64) -> Value {
    Value::String(n.to_string())
}

/// A project object.
pub fn project_json(p: &Project, apps: Option<Vec<Value>>) -> Value {
    let mut v = json!({
        "id": id(p.id),
        "name": p.name,
        "description": p.description,
        "use_case": p.use_case,
        "environment": p.environment.as_str(),
        "created_at": time(p.created_at),
        "updated_at": time(p.updated_at),
    });
    if let Some(apps) = apps {
        v["apps"] = Value::Array(apps);
    }
    v
}

/// A credential metadata object: never a secret value.
pub fn credential_json(c: &CredentialMeta, app: &App) -> Value {
    json!({
        "kind": c.kind.as_str(),
        "state": c.display_state(),
        "created_at": time(c.created_at),
        "regenerated_at": opt_time(c.regenerated_at),
        "revoked_at": opt_time(c.revoked_at),
        "permissions": c.permissions.map(|p| p.as_str()),
        "fingerprint": c.fingerprint,
        "app_suspended": app.status == crate::model::Status::Suspended,
        "note": c.note(app.status),
    })
}

/// An app object with its credential metadata.
pub fn app_json(a: &App, creds: &[CredentialMeta]) -> Value {
    let d = &a.details;
    json!({
        "id": id(a.id),
        "name": a.name,
        "project_id": a.project_id.map(id),
        "status": a.status.as_str(),
        "suspended_reason": a.suspended_reason,
        "suspended_at": opt_time(a.suspended_at),
        "permissions": d.permissions.as_str(),
        "three_legged_oauth": d.three_legged_oauth,
        "request_email": d.request_email,
        "callback_urls": d.callback_urls,
        "description": d.description,
        "icon": d.icon.as_ref().map(|i| json!({"format": i.format.as_str(), "bytes": i.bytes.len()})),
        "website_url": d.website_url,
        "terms_url": d.terms_url,
        "privacy_url": d.privacy_url,
        "organization_name": d.organization_name,
        "organization_url": d.organization_url,
        "use_case": d.use_case,
        "created_at": time(a.created_at),
        "updated_at": time(a.updated_at),
        "credentials": creds.iter().map(|c| credential_json(c, a)).collect::<Vec<_>>(),
    })
}

/// An event object.
pub fn event_json(e: &Event) -> Value {
    json!({
        "id": id(e.id),
        "at": time(e.at),
        "action": e.action,
        "target_kind": e.target_kind,
        "target_id": e.target_id.map(id),
        "app_id": e.app_id.map(id),
        "target_name": e.target_name,
        "detail": e.detail,
    })
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
pub fn print_json(v: &Value) -> Result<()> {
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
    mut doc: Value,
    heading: &str,
    secrets: &IssuedSecrets,
) -> Result<()> {
    use zeroize::Zeroize;
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
