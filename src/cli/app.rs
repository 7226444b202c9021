//! `appctl app …`

use super::Ctx;
use super::args::{AppCommand, DetailArgs, Toggle};
use super::output::{self, app_json};
use super::project::{self, optional, text};
use crate::error::{Error, Kind, Result};
use crate::model::validate::{self, APP_DESCRIPTION_MIN, ORGANIZATION_NAME_MAX, TEXT_MAX};
use crate::model::{App, AppPatch, AppSummary, Icon, Status};
use crate::store::{AppFilter, Store};
use std::ffi::OsStr;
use std::io::Read;
use std::path::Path;

pub(super) fn find(store: &Store, key: &OsStr) -> Result<App> {
    store.find_app(&text("app", key)?)
}

fn url(field: &str, v: Option<&OsStr>) -> Result<Option<Option<String>>> {
    v.map(|v| validate::web_url(field, &text(field, v)?))
        .transpose()
}

fn read_icon(path: &Path) -> Result<Option<Icon>> {
    if path.as_os_str().is_empty() {
        return Ok(None);
    }
    let unreadable = |e: std::io::Error| {
        Error::new(
            Kind::Invalid,
            format!("cannot read icon {}: {}", path.display(), e.kind()),
        )
        .with_hint("give the path of a PNG, JPEG or GIF file")
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mut bytes = Vec::new();
    // Read one byte past the limit so an oversized file is refused without
    // reading all of it.
    file.take(validate::ICON_MAX_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    Icon::from_bytes(bytes).map(Some)
}

fn toggle(t: Option<Toggle>) -> Option<bool> {
    t.map(|t| t == Toggle::On)
}

/// Turns the detail flags into a patch, checking every value on the way.
fn patch(d: &DetailArgs) -> Result<AppPatch> {
    Ok(AppPatch {
        description: optional(
            "description",
            d.description.as_deref(),
            APP_DESCRIPTION_MIN,
            TEXT_MAX,
        )?,
        icon: d
            .icon
            .as_deref()
            .map(|p| read_icon(Path::new(p)))
            .transpose()?,
        website_url: url("website URL", d.website_url.as_deref())?,
        add_callback_urls: d
            .callback_urls
            .iter()
            .map(|u| validate::callback_url(&text("callback URL", u)?))
            .collect::<Result<_>>()?,
        terms_url: url("terms of service URL", d.terms_url.as_deref())?,
        privacy_url: url("privacy policy URL", d.privacy_url.as_deref())?,
        organization_name: optional(
            "organization name",
            d.organization_name.as_deref(),
            0,
            ORGANIZATION_NAME_MAX,
        )?,
        organization_url: url("organization URL", d.organization_url.as_deref())?,
        use_case: optional("use case", d.use_case.as_deref(), 0, TEXT_MAX)?,
        three_legged_oauth: toggle(d.three_legged_oauth),
        request_email: toggle(d.request_email),
        permissions: d.permissions,
        ..AppPatch::default()
    })
}

/// App objects with their credential metadata, for JSON lists.
pub(super) fn apps_json<'a>(store: &Store, apps: &'a [App]) -> Result<Vec<output::AppJson<'a>>> {
    apps.iter()
        .map(|a| Ok(app_json(a, &store.credentials(a.id)?)))
        .collect()
}

/// The status as listings show it: suspended apps stand out.
pub(super) fn status_tag(status: Status) -> String {
    match status {
        Status::Active => "active".into(),
        Status::Suspended => "SUSPENDED".into(),
    }
}

/// Prints a table of apps (used by `app list` and `project show`).
/// The columns are those of the dashboard; the toggles and details are in
/// `app show` and `--json`, which keeps long listings narrow and fast.
pub(super) fn print_app_table(apps: &[AppSummary]) -> Result<()> {
    let mut t = output::table(&["ID", "Name", "Project", "Status", "Permissions"]);
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
pub(super) fn print_app(store: &Store, a: &App) -> Result<()> {
    let d = &a.details;
    let mut t = output::table(&["Field", "Value"]);
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
    row("Website URL", d.website_url.clone().unwrap_or_default());
    row(
        "Terms of service URL",
        d.terms_url.clone().unwrap_or_default(),
    );
    row(
        "Privacy policy URL",
        d.privacy_url.clone().unwrap_or_default(),
    );
    row(
        "Organization",
        d.organization_name.clone().unwrap_or_default(),
    );
    row(
        "Organization URL",
        d.organization_url.clone().unwrap_or_default(),
    );
    row("Use case", d.use_case.clone().unwrap_or_default());
    row("Created", output::time(a.created_at));
    row("Updated", output::time(a.updated_at));
    output::print_table(&t)?;
    super::keys::print_credentials(a, &store.credentials(a.id)?)
}

pub(super) fn run(ctx: &Ctx, cmd: AppCommand) -> Result<()> {
    match cmd {
        AppCommand::Create {
            name,
            project,
            details,
            secrets,
        } => {
            super::keys::check_secret_flags(ctx, &secrets)?;
            let name = validate::app_name(&text("app name", &name)?)?;
            let patch = patch(&details)?;
            let mut store = ctx.open_write()?;
            let project_id = project
                .map(|p| project::find(&store, &p).map(|p| p.id))
                .transpose()?;
            let (app, made) = store.create_app(&name, project_id, &patch)?;
            let creds = store.credentials(app.id)?;
            store.save()?;
            output::print_secrets(
                ctx.json,
                secrets.env,
                app_json(&app, &creds),
                &format!("Created app {:?} with ID {}.", app.name, app.id),
                &made,
            )
        }
        AppCommand::List {
            project,
            standalone,
        } => {
            let store = ctx.open_read()?;
            let filter = match (project, standalone) {
                (Some(p), _) => AppFilter::Project(project::find(&store, &p)?.id),
                (None, true) => AppFilter::Standalone,
                (None, false) => AppFilter::All,
            };
            if ctx.json {
                let apps = store.apps(filter)?;
                return output::print_json(&apps_json(&store, &apps)?);
            }
            print_app_table(&store.app_summaries(filter)?)
        }
        AppCommand::Show { app } => {
            let store = ctx.open_read()?;
            let a = find(&store, &app)?;
            if ctx.json {
                return output::print_json(&app_json(&a, &store.credentials(a.id)?));
            }
            print_app(&store, &a)
        }
        AppCommand::Update {
            app,
            name,
            clear_callback_urls,
            remove_callback_urls,
            details,
        } => {
            let mut p = patch(&details)?;
            p.name = name
                .map(|n| validate::app_name(&text("app name", &n)?))
                .transpose()?;
            p.clear_callback_urls = clear_callback_urls;
            p.remove_callback_urls = remove_callback_urls
                .iter()
                .map(|u| text("callback URL", u))
                .collect::<Result<_>>()?;
            if p.is_empty() {
                return Err(Error::new(Kind::Usage, "nothing to update")
                    .with_hint("pass at least one detail flag; see `appctl app update --help`"));
            }
            let mut store = ctx.open_write()?;
            let a = find(&store, &app)?;
            let (a, changed) = store.update_app(&a, &p)?;
            let creds = store.credentials(a.id)?;
            store.save()?;
            if ctx.json {
                return output::print_json(&app_json(&a, &creds));
            }
            if changed.is_empty() {
                return output::stdout(&format!("App {} is unchanged.\n", a.id));
            }
            output::stdout(&format!("Updated app {} ({}).\n", a.id, changed.join(", ")))?;
            if changed.contains(&"permissions") {
                let stale = creds.iter().any(|c| c.display_state() == "stale");
                if stale {
                    output::note(&format!(
                        "note: the permissions of app {} changed since its access token was made; \
                         regenerate it to apply them (`appctl keys regenerate {} access`)",
                        a.id, a.id
                    ));
                }
            }
            Ok(())
        }
        AppCommand::Move {
            app,
            project,
            standalone: _,
        } => {
            let mut store = ctx.open_write()?;
            let a = find(&store, &app)?;
            let target = project
                .map(|p| project::find(&store, &p).map(|p| p.id))
                .transpose()?;
            let a = store.move_app(a.id, target)?;
            let creds = store.credentials(a.id)?;
            store.save()?;
            if ctx.json {
                return output::print_json(&app_json(&a, &creds));
            }
            let place = target.map_or("standalone".to_string(), |p| format!("in project {p}"));
            output::stdout(&format!("App {} is now {place}.\n", a.id))
        }
        AppCommand::Delete { app } => {
            ctx.ensure_can_confirm(&format!("delete app {}", app.to_string_lossy()))?;
            let mut store = ctx.open_write()?;
            let a = find(&store, &app)?;
            ctx.confirm(&format!("delete app {:?} and all its credentials", a.name))?;
            store.delete_app(a.id)?;
            store.save()?;
            if ctx.json {
                return output::print_json(&serde_json::json!({ "deleted": output::Id(a.id) }));
            }
            output::stdout(&format!(
                "Deleted app {} ({:?}) and its credentials.\n",
                a.id, a.name
            ))
        }
        AppCommand::Suspend { app, reason } => {
            let reason = validate::required_text("reason", &text("reason", &reason)?, TEXT_MAX)?;
            let mut store = ctx.open_write()?;
            let a = find(&store, &app)?;
            let a = store.suspend_app(&a, &reason)?;
            let creds = store.credentials(a.id)?;
            store.save()?;
            if ctx.json {
                return output::print_json(&app_json(&a, &creds));
            }
            output::stdout(&format!("Suspended app {} ({:?}).\n", a.id, a.name))
        }
        AppCommand::Reinstate { app } => {
            let mut store = ctx.open_write()?;
            let a = find(&store, &app)?;
            let a = store.reinstate_app(&a)?;
            let creds = store.credentials(a.id)?;
            store.save()?;
            if ctx.json {
                return output::print_json(&app_json(&a, &creds));
            }
            output::stdout(&format!("Reinstated app {} ({:?}).\n", a.id, a.name))
        }
    }
}
