//! `appctl project …`

use super::Ctx;
use super::args::{ProjectCommand, ProjectFields};
use super::input::{find_project, optional, text};
use super::output;
use super::render::{self, project_json};
use crate::error::{Error, Kind, Result};
use crate::model::Environment;
use crate::model::validate::{self, TEXT_MAX};
use crate::store::{AppFilter, DeleteMode, ProjectPatch};

struct Fields {
    description: Option<Option<String>>,
    use_case: Option<Option<String>>,
    environment: Option<Environment>,
}

fn fields(f: &ProjectFields) -> Result<Fields> {
    Ok(Fields {
        description: optional("description", f.description.as_deref(), 0, TEXT_MAX)?,
        use_case: optional("use case", f.use_case.as_deref(), 0, TEXT_MAX)?,
        environment: f.environment,
    })
}

pub(super) fn run(ctx: &Ctx, cmd: ProjectCommand) -> Result<()> {
    match cmd {
        ProjectCommand::Create { name, fields: f } => {
            let name = validate::project_name(&text("project name", &name)?)?;
            let f = fields(&f)?;
            let mut store = ctx.open_write()?;
            let p = store.create_project(
                &name,
                f.description.flatten().as_deref(),
                f.use_case.flatten().as_deref(),
                f.environment.unwrap_or(Environment::Development),
            )?;
            store.save()?;
            if ctx.json {
                output::print_json(&project_json(&p, 0, None))
            } else {
                output::note(&format!("Created project {:?} with ID {}.", p.name, p.id));
                output::stdout(&format!("{}\n", p.id))
            }
        }
        ProjectCommand::List => {
            let store = ctx.open_read()?;
            let projects = store.projects()?;
            let counts: Vec<usize> = projects
                .iter()
                .map(|p| store.app_count(AppFilter::Project(p.id)))
                .collect::<Result<_>>()?;
            if ctx.json {
                let v: Vec<_> = projects
                    .iter()
                    .zip(&counts)
                    .map(|(p, n)| project_json(p, *n, None))
                    .collect();
                return output::print_json(&v);
            }
            let mut t =
                output::table(&["ID", "Name", "Environment", "Apps", "Description"]).wrap(&[1, 4]);
            for (p, n) in projects.iter().zip(counts) {
                t.add_row(vec![
                    p.id.to_string(),
                    p.name.clone(),
                    p.environment.to_string(),
                    n.to_string(),
                    p.description.clone().unwrap_or_default(),
                ]);
            }
            output::print_table(&t)
        }
        ProjectCommand::Show { project } => {
            let store = ctx.open_read()?;
            let p = find_project(&store, &project)?;
            if ctx.json {
                let apps = store.apps(AppFilter::Project(p.id))?;
                let apps = render::apps_json(&store, &apps)?;
                return output::print_json(&project_json(&p, apps.len(), Some(apps)));
            }
            let mut t = output::table(&["Field", "Value"]).wrap(&[1]);
            t.add_row(vec!["ID".to_string(), p.id.to_string()]);
            t.add_row(vec!["Name".to_string(), p.name.clone()]);
            t.add_row(vec!["Environment".to_string(), p.environment.to_string()]);
            t.add_row(vec![
                "Description".to_string(),
                p.description.clone().unwrap_or_default(),
            ]);
            t.add_row(vec![
                "Use case".to_string(),
                p.use_case.clone().unwrap_or_default(),
            ]);
            t.add_row(vec!["Created".to_string(), output::time(p.created_at)]);
            t.add_row(vec!["Updated".to_string(), output::time(p.updated_at)]);
            output::print_table(&t)?;
            render::print_app_table(&store.app_summaries(AppFilter::Project(p.id))?)
        }
        ProjectCommand::Update {
            project,
            name,
            fields: f,
        } => {
            let name = name
                .map(|n| validate::project_name(&text("project name", &n)?))
                .transpose()?;
            let f = fields(&f)?;
            let patch = ProjectPatch {
                name,
                description: f.description,
                use_case: f.use_case,
                environment: f.environment,
            };
            if patch.name.is_none()
                && patch.description.is_none()
                && patch.use_case.is_none()
                && patch.environment.is_none()
            {
                return Err(Error::new(Kind::Usage, "nothing to update")
                    .with_hint("pass --name, --description, --use-case or --environment"));
            }
            let mut store = ctx.open_write()?;
            let p = find_project(&store, &project)?;
            let (p, changed) = store.update_project(p.id, &patch)?;
            store.save()?;
            if ctx.json {
                let n = store.app_count(AppFilter::Project(p.id))?;
                output::print_json(&project_json(&p, n, None))
            } else if changed.is_empty() {
                output::stdout(&format!("Project {} is unchanged.\n", p.id))
            } else {
                output::stdout(&format!(
                    "Updated project {} ({}).\n",
                    p.id,
                    changed.join(", ")
                ))
            }
        }
        ProjectCommand::Delete {
            project,
            with_apps,
            detach_apps,
        } => {
            let mode = match (with_apps, detach_apps) {
                (true, _) => DeleteMode::WithApps,
                (_, true) => DeleteMode::DetachApps,
                _ => DeleteMode::Refuse,
            };
            ctx.ensure_can_confirm(&format!("delete project {}", project.to_string_lossy()))?;
            let store = ctx.open_to_confirm()?;
            let p = find_project(&store, &project)?;
            let n = store.app_count(AppFilter::Project(p.id))?;
            if n > 0 && mode == DeleteMode::Refuse {
                // Let the store give the error (it explains the flags).
                store.delete_project(p.id, mode)?;
            }
            let question = match mode {
                DeleteMode::WithApps if n > 0 => format!(
                    "delete project {:?} and its {n} app(s) with all their credentials",
                    p.name
                ),
                _ => format!("delete project {:?}", p.name),
            };
            ctx.confirm(&question)?;
            let mut store = ctx.relock(store)?;
            // Found again: it may have gone, or gained apps no one was asked about.
            let p = store.project(p.id)?;
            if mode == DeleteMode::WithApps && store.app_count(AppFilter::Project(p.id))? != n {
                return Err(Error::conflict(format!(
                    "project {} gained or lost apps while you were asked; nothing was changed",
                    p.id
                ))
                .with_hint("run the command again"));
            }
            let apps = store.delete_project(p.id, mode)?;
            store.save()?;
            if ctx.json {
                let key = if mode == DeleteMode::WithApps {
                    "deleted_apps"
                } else {
                    "detached_apps"
                };
                output::print_json(&serde_json::json!({
                    "deleted": output::Id(p.id),
                    key: apps.into_iter().map(output::Id).collect::<Vec<_>>(),
                }))
            } else {
                let extra = match (mode, apps.len()) {
                    (_, 0) => String::new(),
                    (DeleteMode::WithApps, n) => format!(" with {n} app(s)"),
                    (_, n) => format!("; {n} app(s) are now standalone"),
                };
                output::stdout(&format!(
                    "Deleted project {} ({:?}){extra}.\n",
                    p.id, p.name
                ))
            }
        }
    }
}
