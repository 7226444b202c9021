//! How appctl shows its objects: the JSON objects of projects, apps,
//! credentials and events with the spec's field names, the tables people
//! read, and the one-time display of newly made secrets.

use super::output::{self, Id, Time, note, secret_stdout};
use crate::error::Result;
use crate::model::{App, AppSummary, CredentialKind, CredentialMeta, Event, Project, Status};
use crate::store::{IssuedSecrets, Store};
use serde::Serialize;
use serde_json::Value;

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
    app_count: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    apps: Option<Vec<AppJson<'a>>>,
}

/// A project object with how many apps it holds, and the apps themselves
/// where listed with them.
pub fn project_json<'a>(
    p: &'a Project,
    app_count: usize,
    apps: Option<Vec<AppJson<'a>>>,
) -> ProjectJson<'a> {
    ProjectJson {
        id: Id(p.id),
        name: &p.name,
        description: p.description.as_deref(),
        use_case: p.use_case.as_deref(),
        environment: p.environment.as_str(),
        created_at: Time(p.created_at),
        updated_at: Time(p.updated_at),
        app_count,
        apps,
    }
}

/// The user an access token acts for: `screen_name` is null once a local
/// user was removed.
#[derive(Serialize)]
pub struct UserRefJson {
    id: Id,
    screen_name: Option<String>,
}

/// A user reference as JSON.
pub fn user_ref_json(u: &crate::model::UserRef) -> UserRefJson {
    UserRefJson {
        // IDs of users reach 19 digits, within i64.
        id: Id(u.id as i64),
        screen_name: u.screen_name.clone(),
    }
}

/// A credential metadata object: never a secret value.
#[derive(Serialize)]
pub struct CredentialJson {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    user: Option<UserRefJson>,
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
        user: c.user.as_ref().map(user_ref_json),
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
    created_at: Time,
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
        created_at: Time(e.at),
        action: &e.action,
        target_kind: &e.target_kind,
        target_id: e.target_id.map(Id),
        app_id: e.app_id.map(Id),
        target_name: e.target_name.as_deref(),
        detail: e.detail.as_deref(),
    }
}

/// App objects with their credential metadata, for JSON lists.
pub fn apps_json<'a>(store: &Store, apps: &'a [App]) -> Result<Vec<AppJson<'a>>> {
    apps.iter()
        .map(|a| Ok(app_json(a, &store.credentials(a.id)?)))
        .collect()
}

/// The status as listings show it: suspended apps stand out.
pub fn status_tag(status: Status) -> String {
    match status {
        Status::Active => "active".into(),
        Status::Suspended => "SUSPENDED".into(),
    }
}

/// Prints a table of apps (used by `app list` and `project show`).
/// The columns are those of the dashboard; the toggles and details are in
/// `app show` and `--json`, which keeps long listings narrow and fast.
pub fn print_app_table(apps: &[AppSummary]) -> Result<()> {
    let mut t = output::table(&["ID", "Name", "Project", "Status", "Permissions"]).wrap(&[1]);
    for a in apps {
        t.add_row(vec![
            a.id.to_string(),
            a.name.clone(),
            a.project_id.map_or("standalone".into(), |p| p.to_string()),
            status_tag(a.status),
            a.permissions.to_string(),
        ]);
    }
    output::print_table(&t)
}

fn on_off(b: bool) -> String {
    if b { "on" } else { "off" }.to_string()
}

/// Prints an app's details and its credentials' metadata.
pub fn print_app(store: &Store, a: &App) -> Result<()> {
    let d = &a.details;
    let mut t = output::table(&["Field", "Value"]).wrap(&[1]);
    let mut row = |k: &str, v: String| {
        t.add_row(vec![k.to_string(), v]);
    };
    row("ID", a.id.to_string());
    row("Name", a.name.clone());
    let project = match a.project_id {
        Some(p) => format!("{} ({})", p, store.project(p)?.name),
        None => "standalone".into(),
    };
    row("Project", project);
    let status = match (&a.status, &a.suspended_reason, a.suspended_at) {
        (Status::Suspended, reason, at) => format!(
            "SUSPENDED since {}: {}",
            at.map(output::time).unwrap_or_default(),
            reason.clone().unwrap_or_default()
        ),
        _ => "active".into(),
    };
    row("Status", status);
    row("Permissions", d.permissions.to_string());
    row("3-legged OAuth", on_off(d.three_legged_oauth));
    row("Request email", on_off(d.request_email));
    row("Callback URLs", d.callback_urls.join("\n"));
    row("Description", d.description.clone().unwrap_or_default());
    row(
        "Icon",
        d.icon
            .as_ref()
            .map(|i| {
                format!(
                    "{}, {} bytes",
                    i.format.as_str().to_uppercase(),
                    i.bytes.len()
                )
            })
            .unwrap_or_default(),
    );
    let optional = |v: &Option<String>| v.clone().unwrap_or_default();
    row("Website URL", optional(&d.website_url));
    row("Terms of service URL", optional(&d.terms_url));
    row("Privacy policy URL", optional(&d.privacy_url));
    row("Organization", optional(&d.organization_name));
    row("Organization URL", optional(&d.organization_url));
    row("Use case", optional(&d.use_case));
    row("Created", output::time(a.created_at));
    row("Updated", output::time(a.updated_at));
    output::print_table(&t)?;
    output::stdout("\n")?;
    print_credentials(a, &store.credentials(a.id)?)
}

/// The columns of a credential's metadata, as `keys list` and `app show`
/// show them. "Issued" is when the value in force was made (created, or
/// last regenerated); `--json` has both times.
const CREDENTIAL_COLUMNS: [&str; 6] = [
    "Kind",
    "User",
    "State",
    "Permissions",
    "Fingerprint",
    "Issued",
];

/// Who an access token acts for, as a cell: `@handle`, or the ID of a
/// removed user.
pub fn user_cell(u: &crate::model::UserRef) -> String {
    match &u.screen_name {
        Some(h) => format!("@{h}"),
        None => u.id.to_string(),
    }
}

/// One credential's metadata as table cells (never its value).
fn credential_cells(c: &CredentialMeta) -> Vec<String> {
    vec![
        c.kind.to_string(),
        c.user.as_ref().map(user_cell).unwrap_or_default(),
        c.display_state().to_string(),
        c.permissions.map(|p| p.to_string()).unwrap_or_default(),
        c.fingerprint.clone(),
        output::time(c.regenerated_at.unwrap_or(c.created_at)),
    ]
}

/// Prints the metadata table of an app's credentials. At a terminal the
/// notes (stale, revoked, suspended) follow it as lines of their own, whole;
/// for scripts they are a column, so that every line is a record.
pub fn print_credentials(app: &App, creds: &[CredentialMeta]) -> Result<()> {
    if !output::to_terminal() {
        let mut t = output::table(&[&CREDENTIAL_COLUMNS[..], &["Note"]].concat());
        for c in creds {
            let mut row = credential_cells(c);
            row.push(c.note(app.status).unwrap_or_default());
            t.add_row(row);
        }
        return output::print_table(&t);
    }
    let mut t = output::table(&CREDENTIAL_COLUMNS).wrap(&[1]);
    let mut notes = String::new();
    for c in creds {
        t.add_row(credential_cells(c));
        if let Some(n) = c.note(app.status) {
            match &c.user {
                Some(u) => notes.push_str(&format!("{} {}: {n}\n", c.kind, user_cell(u))),
                None => notes.push_str(&format!("{}: {n}\n", c.kind)),
            }
        }
    }
    output::print_table(&t)?;
    output::stdout(&notes)
}

/// Says which other credentials a change invalidated, and how to make new ones.
pub fn invalidated_note(app: &App, kinds: &[CredentialKind]) -> Option<String> {
    if kinds.is_empty() {
        return None;
    }
    let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    Some(format!(
        "note: this invalidated the {} credential(s) of app {}; make new ones with `appctl keys create {} {}`",
        names.join(", "),
        app.id,
        app.id,
        names[0]
    ))
}

/// How newly made secrets are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretFormat<'a> {
    /// In the `secrets` object of the command's JSON document.
    Json,
    /// `NAME=value` lines for `source` or a `.env` file, each name
    /// starting with the prefix (empty for none).
    Env {
        /// Put before every variable's name, such as `DEMO_`.
        prefix: &'a str,
    },
    /// `Label: value` lines for a person, one secret per line.
    Lines,
}

/// What a person reads before each secret's value.
fn label(json_name: &str) -> &'static str {
    match json_name {
        "api_key" => "API key",
        "api_secret" => "API secret",
        "bearer_token" => "Bearer token",
        "access_token" => "Access token",
        "access_token_secret" => "Access token secret",
        "recovery_key" => "Recovery key",
        _ => "Secret",
    }
}

/// Shows newly made secrets once, as `format` says, after `heading` (for
/// people only; a warning follows on stderr). Each value is written whole on
/// a line of its own, never in a table cell that could wrap it: it is shown
/// only this once, so what is copied must be all of it. Call only after the
/// store has been saved.
pub fn print_secrets(
    format: SecretFormat<'_>,
    doc: impl Serialize,
    heading: &str,
    secrets: &IssuedSecrets,
) -> Result<()> {
    use zeroize::{Zeroize, Zeroizing};
    let mut doc = serde_json::to_value(doc).expect("JSON values serialise");
    let named = secrets.named();
    if format == SecretFormat::Json {
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
    // Room for everything up front: growing would free an unwiped copy.
    let room = heading.len()
        + named
            .iter()
            .map(|(_, v)| v.expose().len() + 64)
            .sum::<usize>();
    let mut text = Zeroizing::new(String::with_capacity(room + 64));
    match format {
        SecretFormat::Env { prefix } => {
            // The app the values belong to, so a script that appends them
            // to a .env file knows which app they are for.
            if let Some(Value::String(id)) = doc.get("app_id").or_else(|| doc.get("id")) {
                text.push_str(&format!("{prefix}APP_ID={id}\n"));
            }
            for (name, v) in &named {
                text.push_str(prefix);
                text.push_str(&name.to_ascii_uppercase());
                text.push('=');
                text.push_str(v.expose());
                text.push('\n');
            }
        }
        _ => {
            // Heading and values in one write, so that a closed pipe is
            // caught before anything counts as shown.
            text.push_str(heading);
            text.push('\n');
            let width = named.iter().map(|(n, _)| label(n).len()).max().unwrap_or(0);
            for (name, v) in &named {
                let l = label(name);
                text.push_str(l);
                text.push(':');
                text.push_str(&" ".repeat(width - l.len() + 2));
                text.push_str(v.expose());
                text.push('\n');
            }
        }
    }
    secret_stdout(&text)?;
    if matches!(format, SecretFormat::Lines) {
        note("warning: these secrets are shown only this once; copy them somewhere safe now");
    }
    Ok(())
}
