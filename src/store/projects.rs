//! Queries on projects.

use super::{Store, now, parsed};
use crate::error::{Error, Result};
use crate::model::{Environment, Project, suggest};
use rusqlite::{OptionalExtension, Row, params};

/// What to do with a project's apps when it is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteMode {
    /// Refuse while the project holds apps.
    Refuse,
    /// Delete the apps and their credentials too.
    WithApps,
    /// Make the apps standalone.
    DetachApps,
}

/// A change to a project. `None` leaves a field as it is; `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct ProjectPatch {
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<Option<String>>,
    /// New use case.
    pub use_case: Option<Option<String>>,
    /// New environment.
    pub environment: Option<Environment>,
}

const COLUMNS: &str = "id, name, description, use_case, environment, created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Project> {
    Ok(Project {
        id: r.get(0)?,
        name: r.get(1)?,
        description: r.get(2)?,
        use_case: r.get(3)?,
        environment: parsed(r, 4, "an unknown environment", Environment::parse)?,
        created_at: r.get(5)?,
        updated_at: r.get(6)?,
    })
}

impl Store {
    fn project_name_taken(&self, name: &str, except: Option<i64>) -> Result<()> {
        let existing: Option<i64> = self
            .conn()
            .query_row("SELECT id FROM projects WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .optional()?;
        match existing {
            Some(id) if Some(id) != except => Err(Error::conflict(format!(
                "a project named {name:?} already exists (ID {id})"
            ))
            .with_hint("project names are unique; choose another name")),
            _ => Ok(()),
        }
    }

    /// Creates a project.
    pub fn create_project(
        &self,
        name: &str,
        description: Option<&str>,
        use_case: Option<&str>,
        environment: Environment,
    ) -> Result<Project> {
        self.project_name_taken(name, None)?;
        let t = now();
        self.conn().execute(
            "INSERT INTO projects (name, description, use_case, environment, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            params![name, description, use_case, environment.as_str(), t],
        )?;
        let id = self.conn().last_insert_rowid();
        self.record(
            "project.create",
            "project",
            Some(id),
            None,
            Some(name),
            None,
        )?;
        self.project(id)
    }

    /// The project with `id`.
    pub fn project(&self, id: i64) -> Result<Project> {
        self.conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM projects WHERE id = ?1"),
                [id],
                from_row,
            )
            .optional()
            .map_err(|e| self.row_error(e))?
            .ok_or_else(|| {
                Error::not_found(format!("no project with ID {id}"))
                    .with_hint("list projects with `appctl project list`")
            })
    }

    /// The project named by `key`: a numeric ID or an exact name.
    pub fn find_project(&self, key: &str) -> Result<Project> {
        if !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit()) {
            return match key.parse() {
                Ok(id) => self.project(id),
                Err(_) => Err(Error::not_found(format!("no project with ID {key}"))
                    .with_hint("list projects with `appctl project list`")),
            };
        }
        self.conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM projects WHERE name = ?1"),
                [key],
                from_row,
            )
            .optional()
            .map_err(|e| self.row_error(e))?
            .map_or_else(|| Err(self.unknown_project(key)), Ok)
    }

    /// The error for a project name that matches none, with the one most
    /// likely meant.
    fn unknown_project(&self, key: &str) -> Error {
        let known = || -> Result<Vec<(i64, String)>> {
            let mut stmt = self.conn().prepare("SELECT id, name FROM projects")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        };
        match known() {
            Ok(known) => suggest::unknown_name("project", key, &known, "appctl project list"),
            Err(e) => e,
        }
    }

    /// All projects, by ID.
    pub fn projects(&self) -> Result<Vec<Project>> {
        let mut stmt = self
            .conn()
            .prepare(&format!("SELECT {COLUMNS} FROM projects ORDER BY id"))?;
        let rows = stmt.query_map([], from_row)?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.row_error(e))
    }

    /// Applies `patch` to project `id`; returns it and the changed field names.
    pub fn update_project(
        &self,
        id: i64,
        patch: &ProjectPatch,
    ) -> Result<(Project, Vec<&'static str>)> {
        let mut p = self.project(id)?;
        let mut changed = Vec::new();
        if let Some(name) = &patch.name
            && *name != p.name
        {
            self.project_name_taken(name, Some(id))?;
            p.name = name.clone();
            changed.push("name");
        }
        if let Some(d) = &patch.description
            && *d != p.description
        {
            p.description = d.clone();
            changed.push("description");
        }
        if let Some(u) = &patch.use_case
            && *u != p.use_case
        {
            p.use_case = u.clone();
            changed.push("use_case");
        }
        if let Some(e) = patch.environment
            && e != p.environment
        {
            p.environment = e;
            changed.push("environment");
        }
        if !changed.is_empty() {
            p.updated_at = now();
            self.conn().execute(
                "UPDATE projects SET name = ?2, description = ?3, use_case = ?4, environment = ?5,
                 updated_at = ?6 WHERE id = ?1",
                params![
                    id,
                    p.name,
                    p.description,
                    p.use_case,
                    p.environment.as_str(),
                    p.updated_at
                ],
            )?;
            self.record(
                "project.update",
                "project",
                Some(id),
                None,
                Some(&p.name),
                Some(format!("changed {}", changed.join(", "))),
            )?;
        }
        Ok((p, changed))
    }

    /// Deletes project `id`. Returns the IDs of the apps it held.
    pub fn delete_project(&self, id: i64, mode: DeleteMode) -> Result<Vec<i64>> {
        let p = self.project(id)?;
        let apps: Vec<i64> = {
            let mut stmt = self
                .conn()
                .prepare("SELECT id FROM apps WHERE project_id = ?1 ORDER BY id")?;
            stmt.query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        if !apps.is_empty() {
            match mode {
                DeleteMode::Refuse => {
                    return Err(Error::conflict(format!(
                        "project {:?} still holds {} app(s)",
                        p.name,
                        apps.len()
                    ))
                    .with_hint("pass --with-apps to delete them too, or --detach-apps to keep them as standalone apps"));
                }
                DeleteMode::WithApps => {
                    for app in &apps {
                        self.delete_app(*app)?;
                    }
                }
                DeleteMode::DetachApps => {
                    for app in &apps {
                        self.move_app(*app, None)?;
                    }
                }
            }
        }
        self.conn()
            .execute("DELETE FROM projects WHERE id = ?1", [id])?;
        let detail = match (mode, apps.len()) {
            (_, 0) => None,
            (DeleteMode::WithApps, n) => Some(format!("deleted with {n} app(s)")),
            (_, n) => Some(format!("{n} app(s) made standalone")),
        };
        self.record(
            "project.delete",
            "project",
            Some(id),
            None,
            Some(&p.name),
            detail,
        )?;
        Ok(apps)
    }
}
