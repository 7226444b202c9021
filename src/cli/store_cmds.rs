//! Commands about the store as a whole: `init`, `dashboard`, `log`.

use super::Ctx;
use super::args::{BackupArgs, InitArgs, LogArgs};
use super::input::{self, text};
use super::output;
use super::passphrase::{self, Purpose};
use super::render::{self, SecretFormat, apps_json, event_json, project_json, status_tag};
use crate::crypto::kdf::{self, KdfParams};
use crate::error::Kind;
use crate::error::{Error, Result};
use crate::model::{Owner, validate};
use crate::store::{AppFilter, IssuedSecrets, Store, envelope, file, schema};
use rand::Rng;
use serde_json::json;

fn default_handle() -> String {
    std::env::var("USER")
        .ok()
        .and_then(|u| validate::handle(&u).ok())
        .unwrap_or_else(|| "owner".to_string())
}

pub(super) fn init(ctx: &Ctx, a: InitArgs) -> Result<()> {
    let format = input::secret_format(ctx.json, &a.secrets)?;
    let handle = match &a.owner {
        Some(h) => validate::handle(&text("owner handle", h)?)?,
        None => default_handle(),
    };
    let mut calibrated = None;
    let params = match a.kdf_target_ms {
        Some(ms) => {
            if !(1..=60_000).contains(&ms) {
                return Err(Error::invalid(format!(
                    "--kdf-target-ms {ms} is outside 1..=60000"
                )));
            }
            let target = std::time::Duration::from_millis(ms);
            let (p, took) = super::with_spinner("Calibrating the key derivation", || {
                kdf::calibrate(target, a.kdf_parallelism)
            })?;
            calibrated = Some(took);
            p
        }
        None => {
            let memory_kib = a.kdf_memory_mib.checked_mul(1024).ok_or_else(|| {
                Error::invalid(format!("KDF memory {} MiB is too large", a.kdf_memory_mib))
            })?;
            KdfParams {
                memory_kib,
                iterations: a.kdf_iterations,
                parallelism: a.kdf_parallelism,
            }
        }
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
    let (store, recovery_key) = super::with_spinner("Deriving the key", || {
        Store::init(&ctx.store, &pw, params, &owner, ctx.lock_timeout)
    })?;
    let made = IssuedSecrets {
        recovery_key: Some(recovery_key),
        ..IssuedSecrets::default()
    };
    if ctx.json {
        let doc = json!({
            "store": store.path().display().to_string(),
            "owner": { "handle": owner.handle, "user_id": owner.user_id.to_string() },
            "format_version": envelope::FORMAT_VERSION,
            "schema_version": schema::CURRENT,
            "kdf": {
                "algorithm": "argon2id",
                "memory_mib": params.memory_kib / 1024,
                "iterations": params.iterations,
                "parallelism": params.parallelism,
                "calibrated_ms": calibrated.map(|d| d.as_millis() as u64),
            },
        });
        return render::print_secrets(SecretFormat::Json, doc, "", &made);
    }
    let measured = calibrated.map_or(String::new(), |d| {
        format!(" (about {} ms here)", d.as_millis())
    });
    let heading = format!(
        "Created store {} for @{} (user ID {}); Argon2id {} MiB, {} iterations, {} lane(s){measured}.\n\
         Its recovery key sets a new passphrase if you forget yours (`appctl recover`):",
        store.path().display(),
        owner.handle,
        owner.user_id,
        params.memory_kib / 1024,
        params.iterations,
        params.parallelism
    );
    if format != SecretFormat::Lines {
        output::note(&heading);
    }
    render::print_secrets(format, json!({}), &heading, &made)
}

pub(super) fn dashboard(ctx: &Ctx) -> Result<()> {
    let store = ctx.open_read()?;
    let projects = store.projects()?;
    let standalone = store.apps(AppFilter::Standalone)?;
    if ctx.json {
        #[derive(serde::Serialize)]
        struct Dashboard<'a> {
            projects: Vec<render::ProjectJson<'a>>,
            standalone_apps: Vec<render::AppJson<'a>>,
        }
        let project_apps = projects
            .iter()
            .map(|p| store.apps(AppFilter::Project(p.id)))
            .collect::<Result<Vec<_>>>()?;
        let mut ps = Vec::with_capacity(projects.len());
        for (p, apps) in projects.iter().zip(&project_apps) {
            ps.push(project_json(p, apps.len(), Some(apps_json(&store, apps)?)));
        }
        let standalone_apps = apps_json(&store, &standalone)?;
        return output::print_json(&Dashboard {
            projects: ps,
            standalone_apps,
        });
    }
    // A heading for people; a script reading the rows wants only the table.
    let owner = store.owner()?;
    if output::to_terminal() {
        output::stdout(&format!(
            "@{} · {} project(s) · store {}\n",
            owner.handle,
            projects.len(),
            store.path().display()
        ))?;
    }
    // One table: a project's apps below it, standalone apps last. The
    // credentials are in `keys list` and `app show`: a column of them would
    // not leave room at 80 columns for the names.
    let mut t = output::table(&["Project", "App ID", "App", "Status", "Permissions"]).wrap(&[0, 2]);
    let mut add = |project: String, apps: Vec<crate::model::App>| {
        if apps.is_empty() {
            t.add_row(vec![
                project.clone(),
                String::new(),
                "(no apps)".into(),
                String::new(),
                String::new(),
            ]);
        }
        for a in apps {
            t.add_row(vec![
                project.clone(),
                a.id.to_string(),
                a.name.clone(),
                status_tag(a.status),
                a.details.permissions.to_string(),
            ]);
        }
    };
    for p in &projects {
        add(
            format!("{} ({})", p.name, p.id),
            store.apps(AppFilter::Project(p.id))?,
        );
    }
    if !standalone.is_empty() {
        add("(standalone)".into(), standalone);
    }
    output::print_table(&t)
}

pub(super) fn log(ctx: &Ctx, a: LogArgs) -> Result<()> {
    let store = ctx.open_read()?;
    let app_id = match &a.app {
        None => None,
        Some(key) => {
            let key = text("app name or ID", key)?;
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
        return output::print_json(&v);
    }
    let mut t = output::table(&["#", "Time", "Action", "Target", "Detail"]).wrap(&[3, 4]);
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

pub(super) fn check(ctx: &Ctx) -> Result<()> {
    let store = ctx.open_read()?;
    let r = store.check()?;
    // What one unlock with each slot costs on this machine.
    let costs: Vec<u128> = super::with_spinner("Measuring the key derivation", || {
        r.slots
            .iter()
            .map(|(_, p)| kdf::measure(*p).map(|d| d.as_millis()))
            .collect::<Result<_>>()
    })?;
    let dir = file::dir_of(store.path());
    let lock = file::lock_path(store.path());
    let modes = [
        ("store file", file::mode(store.path()), 0o600),
        ("lock file", file::mode(&lock), 0o600),
        ("directory", file::mode(dir), 0o700),
    ];
    let warnings: Vec<String> = modes
        .iter()
        .filter_map(|(what, mode, want)| match mode {
            Some(m) if m & 0o077 != 0 => Some(format!(
                "the {what} is mode {m:04o}: others may read it (expected {want:04o}; chmod it)"
            )),
            _ => None,
        })
        .collect();
    let slot_name = |k: envelope::SlotKind| match k {
        envelope::SlotKind::Passphrase => "passphrase",
        envelope::SlotKind::Recovery => "recovery key",
    };
    if ctx.json {
        output::print_json(&json!({
            "sound": r.problems.is_empty(),
            "store": store.path().display().to_string(),
            "format_version": r.format_version,
            "schema_version": r.schema_version,
            "key_slots": r.slots.iter().zip(&costs).map(|((k, p), ms)| json!({
                "slot": slot_name(*k),
                "kdf": "argon2id",
                "memory_mib": p.memory_kib / 1024,
                "iterations": p.iterations,
                "parallelism": p.parallelism,
                "measured_ms": ms,
            })).collect::<Vec<_>>(),
            "counts": {
                "projects": r.projects,
                "apps": r.apps,
                "credentials": r.credentials,
                "events": r.events,
            },
            "tls_ca": r.tls_ca.as_ref().map(|(name, until, sha256)| json!({
                "name": name,
                "not_after": output::time(*until),
                "sha256": sha256,
            })),
            "modes": modes.iter().map(|(what, m, _)| (what.replace(' ', "_"), json!(m.map(|m| format!("{m:04o}"))))).collect::<serde_json::Map<_, _>>(),
            "problems": r.problems,
            "warnings": warnings,
        }))?;
    } else {
        let mut t = output::table(&["Check", "Result"]).wrap(&[1]);
        t.add_row(vec![
            "Store".to_string(),
            store.path().display().to_string(),
        ]);
        t.add_row(vec![
            "Authentication".to_string(),
            "every byte authenticated".to_string(),
        ]);
        t.add_row(vec![
            "Format version".to_string(),
            r.format_version.to_string(),
        ]);
        t.add_row(vec![
            "Schema version".to_string(),
            r.schema_version.to_string(),
        ]);
        for ((k, p), ms) in r.slots.iter().zip(&costs) {
            t.add_row(vec![
                format!("Key slot: {}", slot_name(*k)),
                format!(
                    "Argon2id {} MiB, {} iterations, {} lane(s): {ms} ms here",
                    p.memory_kib / 1024,
                    p.iterations,
                    p.parallelism
                ),
            ]);
        }
        t.add_row(vec![
            "Contents".to_string(),
            format!(
                "{} project(s), {} app(s), {} credential(s), {} event(s)",
                r.projects, r.apps, r.credentials, r.events
            ),
        ]);
        t.add_row(vec![
            "Local CA (serve --tls)".to_string(),
            r.tls_ca
                .as_ref()
                .map_or("none yet".to_string(), |(name, until, sha256)| {
                    format!(
                        "{name}, valid until {}, SHA-256 {sha256}",
                        output::time(*until)
                    )
                }),
        ]);
        for (what, m, _) in &modes {
            t.add_row(vec![
                format!("Mode of {what}"),
                m.map_or("missing".to_string(), |m| format!("{m:04o}")),
            ]);
        }
        let verdict = if r.problems.is_empty() {
            "sound".to_string()
        } else {
            r.problems.join("\n")
        };
        t.add_row(vec!["Integrity and invariants".to_string(), verdict]);
        output::print_table(&t)?;
        for w in &warnings {
            output::note(&format!("warning: {w}"));
        }
    }
    if r.problems.is_empty() {
        Ok(())
    } else {
        Err(Error::new(
            Kind::Damaged,
            format!("store check found {} problem(s)", r.problems.len()),
        )
        .with_hint("restore the store from a backup"))
    }
}

pub(super) fn backup(ctx: &Ctx, a: BackupArgs) -> Result<()> {
    // Refuse an existing destination before any key is derived (the copy
    // itself is created exclusively, so this check is only a courtesy).
    if std::fs::symlink_metadata(&a.path).is_ok() {
        return Err(
            Error::conflict(format!("{} already exists", a.path.display()))
                .with_hint("a backup never overwrites a file; choose a new path"),
        );
    }
    let store = ctx.open_write()?;
    let bytes = store.backup(&a.path)?;
    if ctx.json {
        return output::print_json(&json!({
            "backup": a.path.display().to_string(),
            "bytes": bytes,
        }));
    }
    output::stdout(&format!(
        "Backed up {} to {} ({bytes} bytes, encrypted as the store is).\n",
        store.path().display(),
        a.path.display()
    ))
}
