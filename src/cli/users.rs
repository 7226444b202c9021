//! `appctl users …`: local test users, whom access tokens can act for.

use super::Ctx;
use super::args::UsersCommand;
use super::input::text;
use super::output::{self, Id, Time};
use super::render::user_cell;
use crate::error::Result;
use crate::model::{Owner, User, UserRef};
use crate::store::{Someone, Store, email, user_name};
use serde::Serialize;

/// A user object: the owner or a local user.
#[derive(Serialize)]
struct UserJson<'a> {
    id: Id,
    screen_name: &'a str,
    name: Option<&'a str>,
    email: Option<&'a str>,
    owner: bool,
    created_at: Option<Time>,
}

fn user_json(u: &User) -> UserJson<'_> {
    UserJson {
        id: Id(u.id as i64),
        screen_name: &u.handle,
        name: u.name.as_deref(),
        email: u.email.as_deref(),
        owner: false,
        created_at: Some(Time(u.created_at)),
    }
}

fn owner_json(o: &Owner) -> UserJson<'_> {
    UserJson {
        id: Id(o.user_id as i64),
        screen_name: &o.handle,
        name: None,
        email: None,
        owner: true,
        created_at: None,
    }
}

fn someone_json(s: &Someone) -> UserJson<'_> {
    match s {
        Someone::Owner(o) => owner_json(o),
        Someone::User(u) => user_json(u),
    }
}

fn find(store: &Store, key: &std::ffi::OsStr) -> Result<Someone> {
    store.find_user(&text("user handle or ID", key)?)
}

/// The apps where `id` holds an access token, with the token's state.
fn tokens_of(store: &Store, id: u64) -> Result<Vec<(i64, String, &'static str)>> {
    let mut out = Vec::new();
    for a in store.apps(crate::store::AppFilter::All)? {
        for c in store.credentials(a.id)? {
            if c.user.as_ref().is_some_and(|u| u.id == id) {
                out.push((a.id, a.name.clone(), c.display_state()));
            }
        }
    }
    Ok(out)
}

pub(super) fn run(ctx: &Ctx, cmd: UsersCommand) -> Result<()> {
    match cmd {
        UsersCommand::Add {
            handle,
            name,
            email: mail,
        } => {
            let handle = text("handle", &handle)?;
            let name = name
                .map(|n| user_name(&text("user name", &n)?))
                .transpose()?;
            let mail = mail
                .map(|e| email(&text("email address", &e)?))
                .transpose()?;
            let mut store = ctx.open_write()?;
            let u = store.add_user(&handle, name.as_deref(), mail.as_deref())?;
            store.save()?;
            if ctx.json {
                return output::print_json(&user_json(&u));
            }
            output::note(&format!("Added user @{} with ID {}.", u.handle, u.id));
            output::stdout(&format!("{}\n", u.id))
        }
        UsersCommand::List => {
            let store = ctx.open_read()?;
            let owner = store.owner()?;
            let users = store.users()?;
            if ctx.json {
                let mut v = vec![owner_json(&owner)];
                v.extend(users.iter().map(user_json));
                return output::print_json(&v);
            }
            let mut t = output::table(&["ID", "Handle", "Name", "Email", "Created"]).wrap(&[2, 3]);
            t.add_row(vec![
                owner.user_id.to_string(),
                format!("@{} (owner)", owner.handle),
                String::new(),
                String::new(),
                String::new(),
            ]);
            for u in &users {
                t.add_row(vec![
                    u.id.to_string(),
                    format!("@{}", u.handle),
                    u.name.clone().unwrap_or_default(),
                    u.email.clone().unwrap_or_default(),
                    output::time(u.created_at),
                ]);
            }
            output::print_table(&t)
        }
        UsersCommand::Show { user } => {
            let store = ctx.open_read()?;
            let someone = find(&store, &user)?;
            let id = match &someone {
                Someone::Owner(o) => o.user_id,
                Someone::User(u) => u.id,
            };
            let tokens = tokens_of(&store, id)?;
            if ctx.json {
                let mut v = serde_json::to_value(someone_json(&someone))
                    .map_err(|e| crate::error::Error::internal(e.to_string()))?;
                v["access_tokens"] = tokens
                    .iter()
                    .map(|(app, name, state)| {
                        serde_json::json!({ "app": { "id": Id(*app), "name": name }, "state": state })
                    })
                    .collect();
                return output::print_json(&v);
            }
            let j = someone_json(&someone);
            let mut t = output::table(&["Field", "Value"]).wrap(&[1]);
            let handle = user_cell(&UserRef {
                id,
                screen_name: Some(j.screen_name.to_string()),
            });
            t.add_row(vec!["ID".into(), id.to_string()]);
            t.add_row(vec![
                "Handle".into(),
                if j.owner {
                    format!("{handle} (owner)")
                } else {
                    handle
                },
            ]);
            t.add_row(vec!["Name".into(), j.name.unwrap_or_default().into()]);
            t.add_row(vec!["Email".into(), j.email.unwrap_or_default().into()]);
            let list: Vec<String> = tokens
                .iter()
                .map(|(app, name, state)| format!("{app} ({name}): {state}"))
                .collect();
            t.add_row(vec!["Access tokens".into(), list.join("\n")]);
            output::print_table(&t)
        }
        UsersCommand::Remove { user } => {
            ctx.ensure_can_confirm(&format!(
                "remove user {} and revoke its access tokens",
                user.to_string_lossy()
            ))?;
            let store = ctx.open_to_confirm()?;
            let someone = find(&store, &user)?;
            let handle = someone_json(&someone).screen_name.to_string();
            if let Someone::User(_) = someone {
                ctx.confirm(&format!(
                    "remove user @{handle} and revoke its access tokens"
                ))?;
            }
            let mut store = ctx.relock(store)?;
            // Found again: the user may have gone meanwhile.
            let someone = find(&store, &user)?;
            let revoked = store.remove_user(&someone)?;
            store.save()?;
            if ctx.json {
                return output::print_json(&serde_json::json!({
                    "removed": someone_json(&someone),
                    "revoked_access_tokens": revoked,
                }));
            }
            output::stdout(&format!(
                "Removed user @{handle}; revoked {revoked} access token(s).\n"
            ))
        }
    }
}
