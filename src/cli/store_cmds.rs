//! Commands about the store as a whole: `init`, `dashboard`, `log`.

use super::Ctx;
use super::args::{InitArgs, LogArgs};
use super::output::{self, app_json, event_json, project_json};
use super::passphrase::{self, Purpose};
use super::project::text;
use crate::crypto::kdf::KdfParams;
use crate::error::{Error, Result};
use crate::model::{Owner, validate};
use crate::store::{AppFilter, Store, envelope, schema};
use rand::Rng;
use serde_json::json;

fn default_handle() -> String {
    std::env::var("USER")
        .ok()
        .and_then(|u| validate::handle(&u).ok())
        .unwrap_or_else(|| "owner".to_string())
}

pub(super) fn init(ctx: &Ctx, a: InitArgs) -> Result<()> {
    let handle = match &a.owner {
        Some(h) => validate::handle(&text("owner handle", h)?)?,
        None => default_handle(),
    };
    let memory_kib = a.kdf_memory_mib.checked_mul(1024).ok_or_else(|| {
        Error::invalid(format!("KDF memory {} MiB is too large", a.kdf_memory_mib))
    })?;
    let params = KdfParams {
        memory_kib,
        iterations: a.kdf_iterations,
        parallelism: a.kdf_parallelism,
    };
    params.check()?;
    if ctx.store.exists() {
        return Err(
            Error::conflict(format!("a store already exists at {}", ctx.store.display()))
                .with_hint(
                    "appctl init never overwrites a store; choose another path with --store",
                ),
        );
    }
    // A platform-style user ID: 18–19 digits.
    let user_id = rand::rngs::OsRng.gen_range(100_000_000_000_000_000..=u64::MAX / 2);
    let owner = Owner { handle, user_id };
    let pw = passphrase::read(ctx, Purpose::New)?;
    let store = Store::init(&ctx.store, &pw, params, &owner, ctx.lock_timeout)?;
    if ctx.json {
        return output::print_json(&json!({
            "store": store.path().display().to_string(),
            "owner": { "handle": owner.handle, "user_id": owner.user_id.to_string() },
            "format_version": envelope::FORMAT_VERSION,
            "schema_version": schema::CURRENT,
            "kdf": {
                "algorithm": "argon2id",
                "memory_mib": a.kdf_memory_mib,
                "iterations": params.iterations,
                "parallelism": params.parallelism,
            },
        }));
    }
    output::stdout(&format!(
        "Created store {} for @{} (user ID {}); Argon2id {} MiB, {} iterations, {} lane(s).\n",
        store.path().display(),
        owner.handle,
        owner.user_id,
        a.kdf_memory_mib,
        params.iterations,
        params.parallelism
    ))
}

pub(super) fn dashboard(ctx: &Ctx) -> Result<()> {
    let store = ctx.open_read()?;
    let projects = store.projects()?;
    let standalone = store.apps(AppFilter::Standalone)?;
    if ctx.json {
        let mut ps = Vec::new();
        for p in &projects {
            let apps = store
                .apps(AppFilter::Project(p.id))?
                .iter()
                .map(|a| Ok(app_json(a, &store.credentials(a.id)?)))
                .collect::<Result<Vec<_>>>()?;
            ps.push(project_json(p, Some(apps)));
        }
        let sa = standalone
            .iter()
            .map(|a| Ok(app_json(a, &store.credentials(a.id)?)))
            .collect::<Result<Vec<_>>>()?;
        return output::print_json(&json!({ "projects": ps, "standalone_apps": sa }));
    }
    let owner = store.owner()?;
    output::stdout(&format!(
        "@{} · {} project(s) · store {}\n",
        owner.handle,
        projects.len(),
        store.path().display()
    ))?;
    let mut t = output::table(&[
        "Project",
        "App ID",
        "App",
        "Status",
        "Permissions",
        "Credentials",
    ]);
    let mut add = |project: String, apps: Vec<crate::model::App>| -> Result<()> {
        if apps.is_empty() {
            t.add_row(vec![
                project.clone(),
                String::new(),
                "(no apps)".into(),
                String::new(),
                String::new(),
                String::new(),
            ]);
        }
        for a in apps {
            let creds = store.credentials(a.id)?;
            let summary: Vec<String> = creds
                .iter()
                .map(|c| format!("{} {}", c.kind, c.display_state(a.details.permissions)))
                .collect();
            t.add_row(vec![
                project.clone(),
                a.id.to_string(),
                a.name.clone(),
                if a.status == crate::model::Status::Suspended {
                    "SUSPENDED".into()
                } else {
                    "active".into()
                },
                a.details.permissions.to_string(),
                summary.join(", "),
            ]);
        }
        Ok(())
    };
    for p in &projects {
        add(
            format!("{} ({}, {})", p.name, p.id, p.environment),
            store.apps(AppFilter::Project(p.id))?,
        )?;
    }
    if !standalone.is_empty() {
        add("(standalone)".into(), standalone)?;
    }
    output::print_table(&t)
}

pub(super) fn log(ctx: &Ctx, a: LogArgs) -> Result<()> {
    let store = ctx.open_read()?;
    let app_id = match &a.app {
        None => None,
        Some(key) => {
            let key = text("app", key)?;
            match key.parse::<i64>() {
                // An ID also finds the events of a deleted app.
                Ok(id) if key.bytes().all(|b| b.is_ascii_digit()) => Some(id),
                _ => Some(store.find_app(&key)?.id),
            }
        }
    };
    let events = store.events(app_id, a.limit)?;
    if ctx.json {
        let v: Vec<_> = events.iter().map(event_json).collect();
        return output::print_json(&serde_json::Value::Array(v));
    }
    let mut t = output::table(&["#", "Time", "Action", "Target", "Detail"]);
    for e in &events {
        let target = match (&e.target_id, &e.target_name) {
            (Some(id), Some(n)) => format!("{} {id} ({n})", e.target_kind),
            (Some(id), None) => format!("{} {id}", e.target_kind),
            (None, Some(n)) => format!("{} {n}", e.target_kind),
            (None, None) => e.target_kind.clone(),
        };
        t.add_row(vec![
            e.id.to_string(),
            output::time(e.at),
            e.action.clone(),
            target,
            e.detail.clone().unwrap_or_default(),
        ]);
    }
    output::print_table(&t)
}
