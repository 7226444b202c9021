//! `appctl status`: where the store is, whose it is, what it holds, and
//! whether this shell's session opens it. A report that never asks for,
//! reads or runs anything for a passphrase: with a valid session it shows
//! everything, without one only what the file's header and size tell.

use super::{Ctx, output, session_dir, session_token};
use crate::error::{Kind, Result};
use crate::store::envelope::{self, Header};
use crate::store::{Access, Counts, Store, Unlock, file, now, session};
use serde_json::{Value, json};

/// What `APPCTL_SESSION` is worth for this store.
enum SessionState {
    /// Not set.
    None,
    /// Opens this store until the time given (Unix seconds).
    Valid(i64),
    /// Expired, ended by `lock` or `passwd`, or its file altered.
    Ended,
    /// Made for another store (or one since replaced).
    OtherStore,
    /// Not a session value at all.
    Malformed,
    /// Set, but there is no store to check it against.
    Unchecked,
}

impl SessionState {
    fn name(&self) -> &'static str {
        match self {
            SessionState::None => "none",
            SessionState::Valid(_) => "valid",
            SessionState::Ended => "ended",
            SessionState::OtherStore => "other_store",
            SessionState::Malformed => "malformed",
            SessionState::Unchecked => "unchecked",
        }
    }

    fn describe(&self) -> String {
        match self {
            SessionState::None => "none in this shell".into(),
            SessionState::Valid(at) => {
                let left = std::time::Duration::from_secs((at - now()).max(0) as u64 / 60 * 60);
                let left = if left.is_zero() {
                    "less than a minute".to_string()
                } else {
                    humantime::format_duration(left).to_string()
                };
                format!("valid until {} ({left} left)", output::time(*at))
            }
            SessionState::Ended => "expired or ended; unset APPCTL_SESSION or unlock again".into(),
            SessionState::OtherStore => "APPCTL_SESSION was made for another store".into(),
            SessionState::Malformed => "APPCTL_SESSION is not a session value".into(),
            SessionState::Unchecked => {
                "APPCTL_SESSION is set; not checked, there is no store".into()
            }
        }
    }
}

/// What needs the data key: known only with a valid session.
struct Inside {
    owner: crate::model::Owner,
    schema_version: u32,
    counts: Counts,
}

pub(super) fn status(ctx: &Ctx) -> Result<()> {
    let path = &ctx.store;
    let token = session_token();
    if !path.exists() {
        let session = match token {
            Ok(None) => SessionState::None,
            Ok(Some(_)) => SessionState::Unchecked,
            Err(_) => SessionState::Malformed,
        };
        return report(ctx, None, &session, None);
    }
    let size = std::fs::metadata(path)
        .map_err(|e| crate::error::Error::io("inspect", path, &e))?
        .len();
    let bytes = file::read_prefix(path, envelope::MAX_HEADER_LEN)?;
    let (header, _) = Header::decode(&bytes).map_err(|e| crate::error::Error::damaged(path, e))?;
    let mut inside = None;
    let session = match token {
        Err(_) => SessionState::Malformed,
        Ok(None) => SessionState::None,
        Ok(Some(token)) => {
            let dir = session_dir()?;
            match session::inspect(&dir, &token) {
                None => SessionState::Ended,
                Some((store_id, _, _)) if store_id != header.store_id => SessionState::OtherStore,
                Some((_, epoch, _)) if epoch != header.epoch => SessionState::Ended,
                Some((_, _, expires_at)) => {
                    let unlock = Unlock::Session {
                        dir: &dir,
                        token: &token,
                    };
                    match Store::open(path, unlock, Access::Read) {
                        Ok(store) => {
                            inside = Some(Inside {
                                owner: store.owner()?,
                                schema_version: store.file_schema_version(),
                                counts: store.counts()?,
                            });
                            SessionState::Valid(expires_at)
                        }
                        // Ended or the store replaced since it was inspected.
                        Err(e) if e.kind() == Kind::Auth => SessionState::Ended,
                        Err(e) => return Err(e),
                    }
                }
            }
        }
    };
    report(ctx, Some((size, &header)), &session, inside.as_ref())
}

fn report(
    ctx: &Ctx,
    file: Option<(u64, &Header)>,
    session: &SessionState,
    inside: Option<&Inside>,
) -> Result<()> {
    let path = ctx.store.display().to_string();
    if ctx.json {
        let expires_at = match session {
            SessionState::Valid(at) => Value::String(output::time(*at)),
            _ => Value::Null,
        };
        return output::print_json(&json!({
            "store": path,
            "exists": file.is_some(),
            "size_bytes": file.map(|(size, _)| size),
            "format_version": file.map(|(_, h)| h.version),
            "unlocked": inside.is_some(),
            "session": { "state": session.name(), "expires_at": expires_at },
            "owner": inside.map(|i| json!({
                "handle": i.owner.handle,
                "user_id": i.owner.user_id.to_string(),
            })),
            "schema_version": inside.map(|i| i.schema_version),
            "counts": inside.map(|i| json!({
                "projects": i.counts.projects,
                "apps": i.counts.apps,
                "credentials": i.counts.credentials,
            })),
        }));
    }
    let mut out = String::new();
    let mut line = |label: &str, value: &str| out.push_str(&format!("{label:<10}{value}\n"));
    match (file, inside) {
        (None, _) => line("Store:", &format!("{path} (no store yet)")),
        (Some((size, h)), Some(i)) => line(
            "Store:",
            &format!(
                "{path} ({size} bytes, format {}, schema {})",
                h.version, i.schema_version
            ),
        ),
        (Some((size, h)), None) => line(
            "Store:",
            &format!("{path} ({size} bytes, format {})", h.version),
        ),
    }
    line("Session:", &session.describe());
    if let Some(i) = inside {
        line(
            "Owner:",
            &format!("@{} (user ID {})", i.owner.handle, i.owner.user_id),
        );
        let c = i.counts;
        line(
            "Contents:",
            &format!(
                "{} project(s), {} app(s), {} credential(s)",
                c.projects, c.apps, c.credentials
            ),
        );
    }
    output::stdout(&out)?;
    match (file, inside) {
        (None, _) => output::note("Create a store with `appctl init`."),
        (Some(_), None) => output::note(
            "The owner and contents are encrypted; unlock to see them: eval \"$(appctl unlock)\"",
        ),
        _ => {}
    }
    Ok(())
}
