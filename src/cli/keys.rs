//! `appctl keys …`: credential metadata, and the commands that make
//! secrets and show them once.

use super::Ctx;
use super::app::find;
use super::args::{KeysCommand, SecretOutput};
use super::output::{self, credential_json};
use crate::error::{Error, Kind, Result};
use crate::model::{App, CredentialKind, CredentialMeta, Status};
use serde_json::json;
use std::ffi::OsStr;

/// `--env` and `--json` both choose the output; only one may be given.
pub(super) fn check_secret_flags(ctx: &Ctx, s: &SecretOutput) -> Result<()> {
    if ctx.json && s.env {
        return Err(
            Error::new(Kind::Usage, "--env and --json cannot be used together")
                .with_hint("choose one output format"),
        );
    }
    Ok(())
}

/// Prints the metadata table of an app's credentials.
/// The columns of a credential's metadata, as `keys list`, `app show` and
/// `dashboard` show them.
pub(super) const CREDENTIAL_COLUMNS: [&str; 7] = [
    "Credential",
    "State",
    "Created",
    "Regenerated",
    "Permissions",
    "Fingerprint",
    "Note",
];

/// One credential's metadata as table cells (never its value).
pub(super) fn credential_cells(app: &App, c: &CredentialMeta) -> Vec<String> {
    vec![
        c.kind.to_string(),
        c.display_state().to_string(),
        output::time(c.created_at),
        c.regenerated_at.map(output::time).unwrap_or_default(),
        c.permissions.map(|p| p.to_string()).unwrap_or_default(),
        c.fingerprint.clone(),
        c.note(app.status).unwrap_or_default(),
    ]
}

/// Prints the metadata table of an app's credentials.
pub(super) fn print_credentials(app: &App, creds: &[CredentialMeta]) -> Result<()> {
    let mut t = output::table(&CREDENTIAL_COLUMNS);
    for c in creds {
        t.add_row(credential_cells(app, c));
    }
    output::print_table(&t)
}

fn invalidated_note(app: &App, kinds: &[CredentialKind]) -> Option<String> {
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

pub(super) fn run(ctx: &Ctx, cmd: KeysCommand) -> Result<()> {
    match cmd {
        KeysCommand::List { app } => {
            let store = ctx.open_read()?;
            let a = find(&store, &app)?;
            let creds = store.credentials(a.id)?;
            if ctx.json {
                let v: Vec<_> = creds.iter().map(|c| credential_json(c, &a)).collect();
                return output::print_json(&v);
            }
            if a.status == Status::Suspended {
                output::note(&format!(
                    "app {} is SUSPENDED: its credentials cannot be used",
                    a.id
                ));
            }
            print_credentials(&a, &creds)
        }
        KeysCommand::Create { app, kind, secrets } => make(ctx, &app, kind, &secrets, false),
        KeysCommand::Regenerate { app, kind, secrets } => make(ctx, &app, kind, &secrets, true),
        KeysCommand::Revoke { app, kind } => {
            ctx.ensure_can_confirm(&format!(
                "revoke the {kind} credential of app {}",
                app.to_string_lossy()
            ))?;
            let mut store = ctx.open_write()?;
            let a = find(&store, &app)?;
            ctx.confirm(&format!("revoke the {kind} credential of app {:?}", a.name))?;
            let invalidated = store.revoke_credential(&a, kind)?;
            let creds = store.credentials(a.id)?;
            store.save()?;
            if ctx.json {
                return output::print_json(&json!({
                    "app_id": output::Id(a.id),
                    "revoked": kind.as_str(),
                    "invalidated": invalidated.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
                    "credentials": creds.iter().map(|c| credential_json(c, &a)).collect::<Vec<_>>(),
                }));
            }
            output::stdout(&format!("Revoked the {kind} credential of app {}.\n", a.id))?;
            if let Some(n) = invalidated_note(&a, &invalidated) {
                output::note(&n);
            }
            Ok(())
        }
    }
}

/// `keys create` and `keys regenerate`: the new values are printed only after
/// the store has been saved, so a failed save shows nothing.
fn make(
    ctx: &Ctx,
    app: &OsStr,
    kind: CredentialKind,
    out: &SecretOutput,
    regenerate: bool,
) -> Result<()> {
    check_secret_flags(ctx, out)?;
    let mut store = ctx.open_write()?;
    let a = find(&store, app)?;
    let made = if regenerate {
        store.regenerate_credential(&a, kind)?
    } else {
        store.create_credential(&a, kind)?
    };
    let creds = store.credentials(a.id)?;
    store.save()?;
    let doc = json!({
        "app_id": output::Id(a.id),
        "kind": kind.as_str(),
        "action": if regenerate { "regenerate" } else { "create" },
        "invalidated": made.invalidated.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        "credentials": creds.iter().map(|c| credential_json(c, &a)).collect::<Vec<_>>(),
    });
    let verb = if regenerate { "Regenerated" } else { "Created" };
    let heading = format!(
        "{verb} the {kind} credential of app {} ({:?}).",
        a.id, a.name
    );
    output::print_secrets(ctx.json, out.env, doc, &heading, &made)?;
    if !ctx.json
        && let Some(n) = invalidated_note(&a, &made.invalidated)
    {
        output::note(&n);
    }
    Ok(())
}
