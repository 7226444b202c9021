//! The event log: every change, with time and target, never a secret.

use super::{Store, now};
use crate::error::Result;
use crate::model::Event;

impl Store {
    /// Appends an event. `detail` must never hold a secret value; callers
    /// pass names, field names and states only.
    pub(crate) fn record(
        &self,
        action: &str,
        target_kind: &str,
        target_id: Option<i64>,
        app_id: Option<i64>,
        target_name: Option<&str>,
        detail: Option<String>,
    ) -> Result<()> {
        self.conn().execute(
            "INSERT INTO events (at, action, target_kind, target_id, app_id, target_name, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            rusqlite::params![
                now(),
                action,
                target_kind,
                target_id,
                app_id,
                target_name,
                detail
            ],
        )?;
        Ok(())
    }

    /// Appends an event about the store as a whole (no app): init, a new
    /// passphrase or recovery key, sessions ended.
    pub(crate) fn record_store(&self, action: &str, detail: String) -> Result<()> {
        self.record(action, "store", None, None, None, Some(detail))
    }

    /// Appends an event about a credential of `app`: the target is the app,
    /// `detail` names the kind and holder (never a value).
    pub(crate) fn record_credential(
        &self,
        action: &str,
        app: &crate::model::App,
        detail: String,
    ) -> Result<()> {
        self.record(
            action,
            "credential",
            Some(app.id),
            Some(app.id),
            Some(&app.name),
            Some(detail),
        )
    }

    /// The newest `limit` events, newest first, optionally only those of one app.
    pub fn events(&self, app_id: Option<i64>, limit: u32) -> Result<Vec<Event>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, at, action, target_kind, target_id, app_id, target_name, detail
             FROM events WHERE (?1 IS NULL OR app_id = ?1) ORDER BY id DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(rusqlite::params![app_id, limit], |r| {
            Ok(Event {
                id: r.get(0)?,
                at: r.get(1)?,
                action: r.get(2)?,
                target_kind: r.get(3)?,
                target_id: r.get(4)?,
                app_id: r.get(5)?,
                target_name: r.get(6)?,
                detail: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
