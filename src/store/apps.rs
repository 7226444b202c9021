//! Queries on apps: create, find, list, update, move, delete, suspend.

use super::{IssuedSecrets, Store, now, parsed};
use crate::error::{Error, Result};
use crate::model::{
    App, AppDetails, AppPatch, AppSummary, CredentialKind, Icon, IconFormat, Permissions, Status,
    suggest,
};
use rusqlite::{OptionalExtension, Row, params};

/// Which apps to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppFilter {
    /// Every app.
    All,
    /// The apps of one project.
    Project(i64),
    /// Apps without a project.
    Standalone,
}

const COLUMNS: &str = "id, project_id, name, description, icon_format, icon, website_url,
    callback_urls, terms_url, privacy_url, organization_name, organization_url, use_case,
    three_legged_oauth, permissions, request_email, status, suspended_reason, suspended_at,
    created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<App> {
    let icon_bytes: Option<Vec<u8>> = r.get(5)?;
    let icon = match (r.get_ref(4)?.as_str_or_null()?, icon_bytes) {
        (Some(_), Some(bytes)) => Some(Icon {
            format: parsed(r, 4, "an unknown icon format", IconFormat::parse)?,
            bytes,
        }),
        _ => None,
    };
    Ok(App {
        id: r.get(0)?,
        project_id: r.get(1)?,
        name: r.get(2)?,
        details: AppDetails {
            description: r.get(3)?,
            icon,
            website_url: r.get(6)?,
            callback_urls: parsed(r, 7, "callback URLs that are not a list", |s| {
                serde_json::from_str(s)
            })?,
            terms_url: r.get(8)?,
            privacy_url: r.get(9)?,
            organization_name: r.get(10)?,
            organization_url: r.get(11)?,
            use_case: r.get(12)?,
            three_legged_oauth: r.get(13)?,
            permissions: parsed(r, 14, "an unknown permission level", Permissions::parse)?,
            request_email: r.get(15)?,
        },
        status: parsed(r, 16, "an unknown app status", Status::parse)?,
        suspended_reason: r.get(17)?,
        suspended_at: r.get(18)?,
        created_at: r.get(19)?,
        updated_at: r.get(20)?,
    })
}

impl AppFilter {
    /// The WHERE condition and its one parameter (`?1`).
    fn sql(self) -> (&'static str, Option<i64>) {
        match self {
            AppFilter::All => ("?1 IS NULL", None),
            AppFilter::Project(p) => ("project_id = ?1", Some(p)),
            AppFilter::Standalone => ("project_id IS NULL AND ?1 IS NULL", None),
        }
    }
}

impl Store {
    fn app_name_taken(&self, name: &str, except: Option<i64>) -> Result<()> {
        let existing: Option<i64> = self
            .conn()
            .query_row("SELECT id FROM apps WHERE name = ?1", [name], |r| r.get(0))
            .optional()?;
        match existing {
            Some(id) if Some(id) != except => Err(Error::conflict(format!(
                "an app named {name:?} already exists (ID {id})"
            ))
            .with_hint("app names are unique across all projects; choose another name")),
            _ => Ok(()),
        }
    }

    fn write_app(&self, app: &App) -> Result<()> {
        let d = &app.details;
        self.conn().execute(
            "UPDATE apps SET project_id = ?2, name = ?3, description = ?4, icon_format = ?5,
               icon = ?6, website_url = ?7, callback_urls = ?8, terms_url = ?9, privacy_url = ?10,
               organization_name = ?11, organization_url = ?12, use_case = ?13,
               three_legged_oauth = ?14, permissions = ?15, request_email = ?16, status = ?17,
               suspended_reason = ?18, suspended_at = ?19, updated_at = ?20
             WHERE id = ?1",
            params![
                app.id,
                app.project_id,
                app.name,
                d.description,
                d.icon.as_ref().map(|i| i.format.as_str()),
                d.icon.as_ref().map(|i| &i.bytes),
                d.website_url,
                serde_json::to_string(&d.callback_urls).expect("strings serialise"),
                d.terms_url,
                d.privacy_url,
                d.organization_name,
                d.organization_url,
                d.use_case,
                d.three_legged_oauth,
                d.permissions.as_str(),
                d.request_email,
                app.status.as_str(),
                app.suspended_reason,
                app.suspended_at,
                app.updated_at,
            ],
        )?;
        Ok(())
    }

    /// Creates an app with `name` in `project_id` (or standalone), applies
    /// `patch` for its details, and issues its consumer pair and bearer
    /// token. Returns the app and the secrets, to be shown once after save.
    pub fn create_app(
        &self,
        name: &str,
        project_id: Option<i64>,
        patch: &AppPatch,
    ) -> Result<(App, IssuedSecrets)> {
        self.app_name_taken(name, None)?;
        if let Some(p) = project_id {
            self.project(p)?;
        }
        let t = now();
        self.conn().execute(
            "INSERT INTO apps (project_id, name, permissions, status, created_at, updated_at)
             VALUES (?1, ?2, 'read', 'active', ?3, ?3)",
            params![project_id, name, t],
        )?;
        let id = self.conn().last_insert_rowid();
        let mut app = self.app(id)?;
        patch.apply(&mut app)?;
        self.write_app(&app)?;
        // One event for the app and the credentials made with it (its
        // consumer pair and bearer token, which every app gets): a second
        // event per app would be a fifth of a large store, which every
        // command decrypts and every write encrypts and writes.
        let project = project_id.map(|p| format!("in project {p}"));
        self.record("app.create", "app", Some(id), Some(id), Some(name), project)?;
        let mut secrets = self.issue_credential(&app, CredentialKind::Consumer, false)?;
        secrets.merge(self.issue_credential(&app, CredentialKind::Bearer, false)?);
        Ok((app, secrets))
    }

    /// The app with `id`.
    pub fn app(&self, id: i64) -> Result<App> {
        self.conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM apps WHERE id = ?1"),
                [id],
                from_row,
            )
            .optional()
            .map_err(|e| self.row_error(e))?
            .ok_or_else(|| {
                Error::not_found(format!("no app with ID {id}"))
                    .with_hint("list apps with `appctl app list`")
            })
    }

    /// The app named by `key`: a numeric ID or an exact name.
    pub fn find_app(&self, key: &str) -> Result<App> {
        if !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit()) {
            return match key.parse() {
                Ok(id) => self.app(id),
                Err(_) => Err(Error::not_found(format!("no app with ID {key}"))
                    .with_hint("list apps with `appctl app list`")),
            };
        }
        self.conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM apps WHERE name = ?1"),
                [key],
                from_row,
            )
            .optional()
            .map_err(|e| self.row_error(e))?
            .map_or_else(|| Err(self.unknown_app(key)), Ok)
    }

    /// The error for an app name that matches none: one query of every name
    /// to find the one most likely meant.
    fn unknown_app(&self, key: &str) -> Error {
        match self.app_names() {
            Ok(known) => suggest::unknown_name("app", key, &known, "appctl app list"),
            Err(e) => e,
        }
    }

    /// The ID and name of every app.
    fn app_names(&self) -> Result<Vec<(i64, String)>> {
        let mut stmt = self.conn().prepare("SELECT id, name FROM apps")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Apps matching `filter`, by ID.
    pub fn apps(&self, filter: AppFilter) -> Result<Vec<App>> {
        let (cond, arg) = filter.sql();
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {COLUMNS} FROM apps WHERE {cond} ORDER BY id"
        ))?;
        let rows = stmt.query_map([arg], from_row)?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.row_error(e))
    }

    /// What a listing shows of the apps matching `filter`, by ID.
    pub fn app_summaries(&self, filter: AppFilter) -> Result<Vec<AppSummary>> {
        let (cond, arg) = filter.sql();
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT id, project_id, name, status, permissions FROM apps WHERE {cond} ORDER BY id"
        ))?;
        let rows = stmt.query_map([arg], |r| {
            Ok(AppSummary {
                id: r.get(0)?,
                project_id: r.get(1)?,
                name: r.get(2)?,
                status: parsed(r, 3, "an unknown app status", Status::parse)?,
                permissions: parsed(r, 4, "an unknown permission level", Permissions::parse)?,
            })
        })?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.row_error(e))
    }

    /// How many apps match `filter`.
    pub fn app_count(&self, filter: AppFilter) -> Result<usize> {
        let (cond, arg) = filter.sql();
        let n: i64 = self.conn().query_row(
            &format!("SELECT count(*) FROM apps WHERE {cond}"),
            [arg],
            |r| r.get(0),
        )?;
        Ok(n as usize)
    }

    /// Applies `patch` to `app`; returns the app and the changed field names.
    pub fn update_app(&self, app: &App, patch: &AppPatch) -> Result<(App, Vec<&'static str>)> {
        let mut new = app.clone();
        let changed = patch.apply(&mut new)?;
        if changed.contains(&"name") {
            self.app_name_taken(&new.name, Some(app.id))?;
        }
        if !changed.is_empty() {
            new.updated_at = now();
            self.write_app(&new)?;
            let mut detail = format!("changed {}", changed.join(", "));
            if changed.contains(&"permissions") {
                self.mark_access_stale(app.id)?;
                detail.push_str(&format!(
                    "; permissions {} -> {}",
                    app.details.permissions, new.details.permissions
                ));
            }
            self.record(
                "app.update",
                "app",
                Some(app.id),
                Some(app.id),
                Some(&new.name),
                Some(detail),
            )?;
        }
        Ok((new, changed))
    }

    /// Moves app `id` into `project` or, with `None`, makes it standalone.
    pub fn move_app(&self, id: i64, project: Option<i64>) -> Result<App> {
        let mut app = self.app(id)?;
        if let Some(p) = project {
            self.project(p)?;
        }
        if app.project_id == project {
            return Ok(app);
        }
        let from = app.project_id;
        app.project_id = project;
        app.updated_at = now();
        self.write_app(&app)?;
        let where_ =
            |p: Option<i64>| p.map_or("standalone".to_string(), |p| format!("project {p}"));
        self.record(
            "app.move",
            "app",
            Some(id),
            Some(id),
            Some(&app.name),
            Some(format!("{} -> {}", where_(from), where_(project))),
        )?;
        Ok(app)
    }

    /// Deletes app `id` and, through the foreign key, all its credentials.
    pub fn delete_app(&self, id: i64) -> Result<App> {
        let app = self.app(id)?;
        self.conn()
            .execute("DELETE FROM credentials WHERE app_id = ?1", [id])?;
        self.conn()
            .execute("DELETE FROM apps WHERE id = ?1", [id])?;
        self.record(
            "app.delete",
            "app",
            Some(id),
            Some(id),
            Some(&app.name),
            None,
        )?;
        Ok(app)
    }

    /// Suspends an active app.
    pub fn suspend_app(&self, app: &App, reason: &str) -> Result<App> {
        if app.status == Status::Suspended {
            return Err(
                Error::conflict(format!("app {:?} is already suspended", app.name))
                    .with_hint("reinstate it first with `appctl app reinstate`"),
            );
        }
        let mut new = app.clone();
        new.status = Status::Suspended;
        new.suspended_reason = Some(reason.to_string());
        new.suspended_at = Some(now());
        new.updated_at = now();
        self.write_app(&new)?;
        self.record(
            "app.suspend",
            "app",
            Some(app.id),
            Some(app.id),
            Some(&app.name),
            Some(format!("reason: {reason}")),
        )?;
        Ok(new)
    }

    /// Reinstates a suspended app.
    pub fn reinstate_app(&self, app: &App) -> Result<App> {
        if app.status == Status::Active {
            return Err(Error::conflict(format!(
                "app {:?} is not suspended",
                app.name
            )));
        }
        let mut new = app.clone();
        new.status = Status::Active;
        new.suspended_reason = None;
        new.suspended_at = None;
        new.updated_at = now();
        self.write_app(&new)?;
        self.record(
            "app.reinstate",
            "app",
            Some(app.id),
            Some(app.id),
            Some(&app.name),
            None,
        )?;
        Ok(new)
    }
}
