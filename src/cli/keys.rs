//! `appctl keys …`: credential metadata, and the commands that make
//! secrets and show them once.

use super::Ctx;
use super::args::{KeysCommand, SecretOutput, UserArg};
use super::input::{self, find_app};
use super::output;
use super::render::{self, credential_json, invalidated_note};
use crate::error::{Error, Kind, Result};
use crate::model::{CredentialKind, Status};
use crate::store::{Holder, Store};
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
        KeysCommand::Create {
            app,
            kind,
            user,
            secrets,
        } => make(ctx, &app, kind, &user, &secrets, false),
        KeysCommand::Regenerate {
            app,
            kind,
            user,
            secrets,
        } => make(ctx, &app, kind, &user, &secrets, true),
        KeysCommand::Revoke { app, kind, user } => {
            let user_text = user_arg(kind, &user)?;
            ctx.ensure_can_confirm(&format!(
                "revoke the {kind} credential of app {}",
                app.to_string_lossy()
            ))?;
            let store = ctx.open_to_confirm()?;
            let a = find_app(&store, &app)?;
            let who = holder(&store, kind, user_text.as_deref())?;
            ctx.confirm(&format!(
                "revoke the {kind} credential of app {:?}{}",
                a.name, who.of
            ))?;
            let mut store = ctx.relock(store)?;
            // Found again: the app or the user may have gone meanwhile.
            let a = store.app(a.id)?;
            let who = holder(&store, kind, user_text.as_deref())?;
            let invalidated = store.revoke_credential(&a, kind, &who)?;
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
            output::stdout(&format!(
                "Revoked the {kind} credential of app {}{}.\n",
                a.id, who.of
            ))?;
            if let Some(n) = invalidated_note(&a, &invalidated) {
                output::note(&n);
            }
            Ok(())
        }
        KeysCommand::Import {
            app,
            kind,
            user,
            file,
            replace,
            env_prefix,
        } => import(ctx, &app, kind, &user, file.as_deref(), replace, env_prefix),
        KeysCommand::Verify { .. } => Err(Error::internal("keys verify runs in its own module")),
    }
}

/// The `--user` text, refused for the kinds that belong to the app itself.
/// Checked before the store is opened.
fn user_arg(kind: CredentialKind, user: &UserArg) -> Result<Option<String>> {
    match &user.user {
        None => Ok(None),
        Some(_) if kind != CredentialKind::Access => Err(Error::new(
            Kind::Usage,
            format!("--user applies to access tokens only, not to the {kind} credential"),
        )
        .with_hint("the consumer pair and the bearer token belong to the app")),
        Some(u) => input::text("user handle or ID", u).map(Some),
    }
}

/// Whose credential of `kind` a command acts on.
fn holder(store: &Store, kind: CredentialKind, user: Option<&str>) -> Result<Holder> {
    match kind {
        CredentialKind::Access => store.holder(user),
        _ => Holder::default_for(store, kind),
    }
}

/// `keys import`: the values are read (and checked) before the store is
/// opened, so bad input costs no key derivation and changes nothing.
fn import(
    ctx: &Ctx,
    app: &OsStr,
    kind: CredentialKind,
    user: &UserArg,
    file: Option<&std::path::Path>,
    replace: bool,
    env_prefix: Option<String>,
) -> Result<()> {
    let user_text = user_arg(kind, user)?;
    let names: &[&str] = match kind {
        CredentialKind::Consumer => &["api_key", "api_secret"],
        CredentialKind::Bearer => &["bearer_token"],
        CredentialKind::Access => &["access_token", "access_token_secret"],
    };
    let values = input::import_values(file, names, env_prefix.as_deref())?;
    let mut store = ctx.open_write()?;
    let a = find_app(&store, app)?;
    let who = holder(&store, kind, user_text.as_deref())?;
    let invalidated =
        store.import_credential(&a, kind, &who, &values[0], values.get(1), replace)?;
    let creds = store.credentials(a.id)?;
    store.save()?;
    if ctx.json {
        return output::print_json(&json!({
            "app_id": output::Id(a.id),
            "kind": kind.as_str(),
            "action": "import",
            "invalidated": invalidated.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
            "credentials": creds.iter().map(|c| credential_json(c, &a)).collect::<Vec<_>>(),
        }));
    }
    output::stdout(&format!(
        "Imported the {kind} credential of app {} ({:?}){}.\n",
        a.id, a.name, who.of
    ))?;
    if let Some(n) = invalidated_note(&a, &invalidated) {
        output::note(&n);
    }
    Ok(())
}

/// `keys create` and `keys regenerate`: the new values are printed only after
/// the store has been saved, so a failed save shows nothing.
fn make(
    ctx: &Ctx,
    app: &OsStr,
    kind: CredentialKind,
    user: &UserArg,
    out: &SecretOutput,
    regenerate: bool,
) -> Result<()> {
    let format = input::secret_format(ctx.json, out)?;
    let user_text = user_arg(kind, user)?;
    let mut store = ctx.open_write()?;
    let a = find_app(&store, app)?;
    let who = holder(&store, kind, user_text.as_deref())?;
    let made = if regenerate {
        store.regenerate_credential(&a, kind, &who)?
    } else {
        store.create_credential(&a, kind, &who)?
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
        "{verb} the {kind} credential of app {} ({:?}){}.",
        a.id, a.name, who.of
    );
    render::print_secrets(format, doc, &heading, &made)?;
    if !ctx.json
        && let Some(n) = invalidated_note(&a, &made.invalidated)
    {
        output::note(&n);
    }
    Ok(())
}
