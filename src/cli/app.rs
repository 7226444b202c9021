//! `appctl app …`

use super::Ctx;
use super::args::AppCommand;
use super::input::{self, find_app, find_project, text};
use super::output;
use super::render::{self, app_json, apps_json};
use crate::error::{Error, Kind, Result};
use crate::model::validate::{self, TEXT_MAX};
use crate::store::AppFilter;

pub(super) fn run(ctx: &Ctx, cmd: AppCommand) -> Result<()> {
    match cmd {
        AppCommand::Create {
            name,
            project,
            details,
            secrets,
        } => {
            let format = input::secret_format(ctx.json, &secrets)?;
            let name = validate::app_name(&text("app name", &name)?)?;
            let patch = input::app_patch(&details)?;
            let mut store = ctx.open_write()?;
            let project_id = project
                .map(|p| find_project(&store, &p).map(|p| p.id))
                .transpose()?;
            let (app, made) = store.create_app(&name, project_id, &patch)?;
            let creds = store.credentials(app.id)?;
            store.save()?;
            render::print_secrets(
                format,
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
                (Some(p), _) => AppFilter::Project(find_project(&store, &p)?.id),
                (None, true) => AppFilter::Standalone,
                (None, false) => AppFilter::All,
            };
            if ctx.json {
                let apps = store.apps(filter)?;
                return output::print_json(&apps_json(&store, &apps)?);
            }
            render::print_app_table(&store.app_summaries(filter)?)
        }
        AppCommand::Show { app } => {
            let store = ctx.open_read()?;
            let a = find_app(&store, &app)?;
            if ctx.json {
                return output::print_json(&app_json(&a, &store.credentials(a.id)?));
            }
            render::print_app(&store, &a)
        }
        AppCommand::Update {
            app,
            name,
            clear_callback_urls,
            remove_callback_urls,
            details,
        } => {
            let mut p = input::app_patch(&details)?;
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
            let a = find_app(&store, &app)?;
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
            let a = find_app(&store, &app)?;
            let target = project
                .map(|p| find_project(&store, &p).map(|p| p.id))
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
            let store = ctx.open_to_confirm()?;
            let a = find_app(&store, &app)?;
            ctx.confirm(&format!("delete app {:?} and all its credentials", a.name))?;
            let mut store = ctx.relock(store)?;
            // The app asked about, by its ID: still there, whatever its name now.
            let a = store.app(a.id)?;
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
            let a = find_app(&store, &app)?;
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
            let a = find_app(&store, &app)?;
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
