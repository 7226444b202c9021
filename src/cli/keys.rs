//! `appctl keys …`: credential metadata, and the commands that make
//! secrets and show them once.

use super::Ctx;
use super::args::{KeysCommand, SecretOutput};
use super::input::{self, find_app};
use super::output;
use super::render::{self, credential_json, invalidated_note};
use crate::error::Result;
use crate::model::{CredentialKind, Status};
use serde_json::json;
use std::ffi::OsStr;

pub(super) fn run(ctx: &Ctx, cmd: KeysCommand) -> Result<()> {
    match cmd {
        KeysCommand::List { app } => {
            let store = ctx.open_read()?;
            let a = find_app(&store, &app)?;
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
            render::print_credentials(&a, &creds)
        }
        KeysCommand::Create { app, kind, secrets } => make(ctx, &app, kind, &secrets, false),
        KeysCommand::Regenerate { app, kind, secrets } => make(ctx, &app, kind, &secrets, true),
        KeysCommand::Revoke { app, kind } => {
            ctx.ensure_can_confirm(&format!(
                "revoke the {kind} credential of app {}",
                app.to_string_lossy()
            ))?;
            let mut store = ctx.open_write()?;
            let a = find_app(&store, &app)?;
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
    let format = input::secret_format(ctx.json, out)?;
    let mut store = ctx.open_write()?;
    let a = find_app(&store, app)?;
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
    render::print_secrets(format, doc, &heading, &made)?;
    if !ctx.json
        && let Some(n) = invalidated_note(&a, &made.invalidated)
    {
        output::note(&n);
    }
    Ok(())
}
