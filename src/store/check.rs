//! `appctl check`: SQLite's own integrity check plus the invariants of the
//! schema that SQL constraints do not express.

use super::Store;
use super::envelope::SlotKind;
use crate::crypto::kdf::KdfParams;
use crate::error::Result;
use crate::model::{
    CredentialKind, CredentialState, Environment, IconFormat, Permissions, Status, validate,
};

/// What `check` found.
#[derive(Debug, Clone)]
pub struct CheckReport {
    /// Envelope format version.
    pub format_version: u16,
    /// Schema version of the file as read (before any migration in memory).
    pub schema_version: u32,
    /// Key slots and their KDF parameters.
    pub slots: Vec<(SlotKind, KdfParams)>,
    /// Number of projects.
    pub projects: i64,
    /// Number of apps.
    pub apps: i64,
    /// Number of credentials (all states).
    pub credentials: i64,
    /// Number of event log entries.
    pub events: i64,
    /// The local CA of `serve --tls`, if one was made: its name, end
    /// (Unix seconds) and SHA-256 fingerprint.
    pub tls_ca: Option<(String, i64, String)>,
    /// Broken invariants; empty when the store is sound.
    pub problems: Vec<String>,
}

impl Store {
    fn count(&self, table: &str) -> Result<i64> {
        Ok(self
            .conn()
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
    }

    /// Checks the open store. Decryption has already authenticated every byte.
    pub fn check(&self) -> Result<CheckReport> {
        let mut problems = Vec::new();
        let c = self.conn();
        let integrity: Vec<String> = c
            .prepare("PRAGMA integrity_check")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if integrity != ["ok"] {
            problems.extend(integrity.into_iter().map(|m| format!("SQLite: {m}")));
        }
        let fk: i64 = c.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })?;
        if fk > 0 {
            problems.push(format!("{fk} row(s) point at a missing project or app"));
        }
        if self.owner().is_err() {
            problems.push("the owner is missing or malformed".into());
        }
        if self.fingerprint_key().is_err() {
            problems.push("the fingerprint key is missing or malformed".into());
        }

        let mut stmt = c.prepare("SELECT id, name, environment FROM projects")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (id, name, env) = row?;
            if validate::project_name(&name).is_err() {
                problems.push(format!("project {id} has an invalid name"));
            }
            if Environment::parse(&env).is_err() {
                problems.push(format!("project {id} has an unknown environment"));
            }
        }

        let mut stmt = c.prepare(
            "SELECT id, name, callback_urls, terms_url, privacy_url, three_legged_oauth,
                    request_email, permissions, status, suspended_reason, suspended_at,
                    icon_format
             FROM apps",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, bool>(5)?,
                r.get::<_, bool>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, Option<String>>(9)?,
                r.get::<_, Option<i64>>(10)?,
                r.get::<_, Option<String>>(11)?,
            ))
        })?;
        for row in rows {
            let (id, name, urls, terms, privacy, three, email, perms, status, reason, at, icon) =
                row?;
            let mut bad = |what: &str| problems.push(format!("app {id}: {what}"));
            if validate::app_name(&name).is_err() {
                bad("invalid name");
            }
            match serde_json::from_str::<Vec<String>>(&urls) {
                Ok(list) => {
                    if validate::callback_urls(&list).is_err() {
                        bad("invalid callback URLs");
                    }
                    if three && list.is_empty() {
                        bad("3-legged OAuth is on without a callback URL");
                    }
                }
                Err(_) => bad("callback URLs are not a list"),
            }
            if email && (terms.is_none() || privacy.is_none()) {
                bad("request email is on without terms and privacy URLs");
            }
            if Permissions::parse(&perms).is_err() {
                bad("unknown permission level");
            }
            if icon.is_some_and(|f| IconFormat::parse(&f).is_err()) {
                bad("unknown icon format");
            }
            match Status::parse(&status) {
                Ok(Status::Suspended) if reason.is_none() || at.is_none() => {
                    bad("suspended without a reason and date")
                }
                Ok(Status::Active) if reason.is_some() || at.is_some() => {
                    bad("active but carries a suspension")
                }
                Ok(_) => {}
                Err(_) => bad("unknown status"),
            }
        }

        let mut stmt = c.prepare(
            "SELECT app_id, kind, state, key_value IS NOT NULL, secret_value IS NOT NULL, permissions,
                    stale, typeof(fingerprint) = 'blob' AND length(fingerprint) = ?1,
                    grants_email IS NOT NULL, grants_email IN (0, 1)
             FROM credentials",
        )?;
        let rows = stmt.query_map([crate::crypto::token::FINGERPRINT_LEN], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, bool>(3)?,
                r.get::<_, bool>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, bool>(6)?,
                r.get::<_, bool>(7)?,
                r.get::<_, bool>(8)?,
                r.get::<_, Option<bool>>(9)?,
            ))
        })?;
        for row in rows {
            let (app, kind, state, has_key, has_secret, perms, stale, fingerprint_ok, email, flag) =
                row?;
            let mut bad =
                |what: &str| problems.push(format!("app {app} {kind} credential: {what}"));
            let (Ok(kind), Ok(state)) =
                (CredentialKind::parse(&kind), CredentialState::parse(&state))
            else {
                bad("unknown kind or state");
                continue;
            };
            let needs_secret = kind != CredentialKind::Bearer;
            match state {
                CredentialState::Active if !has_key || has_secret != needs_secret => {
                    bad("active without its values")
                }
                CredentialState::Revoked | CredentialState::Invalidated
                    if has_key || has_secret =>
                {
                    bad("not active but still holds values")
                }
                _ => {}
            }
            if (kind == CredentialKind::Access) != perms.is_some() {
                bad("permission level present on the wrong kind");
            }
            if (kind == CredentialKind::Access) != email {
                bad("email grant present on the wrong kind");
            } else if flag == Some(false) {
                bad("email grant is neither 0 nor 1");
            }
            // Only an access token can be stale (a revoked one may keep the
            // mark; it is shown as revoked).
            if stale && kind != CredentialKind::Access {
                bad("marked stale but is not an access token");
            }
            if !fingerprint_ok {
                bad("malformed fingerprint");
            }
        }

        // An access token belongs to the owner or a local user (removing a
        // user revokes its tokens); the app's own credentials to no user.
        let mut stmt = c.prepare(
            "SELECT app_id, kind, kind = 'access' FROM credentials
             WHERE (kind = 'access') != (user_id != 0)
                OR (kind = 'access' AND state = 'active'
                    AND user_id NOT IN (SELECT id FROM users)
                    AND user_id IS NOT (SELECT CAST(value AS INTEGER) FROM meta
                                         WHERE key = 'owner_id'))",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
            ))
        })?;
        for row in rows {
            let (app, kind, access) = row?;
            problems.push(format!(
                "app {app} {kind} credential: {}",
                if access {
                    "active for a user who is neither the owner nor a local user"
                } else {
                    "belongs to a user, but only access tokens do"
                }
            ));
        }

        // IDs are never reused: the sequence must be at or past every ID.
        for table in ["projects", "apps", "events"] {
            let ok: bool = c.query_row(
                &format!(
                    "SELECT coalesce((SELECT max(id) FROM {table}), 0)
                         <= coalesce((SELECT seq FROM sqlite_sequence WHERE name = '{table}'), 0)"
                ),
                [],
                |r| r.get(0),
            )?;
            if !ok {
                problems.push(format!("the ID sequence of {table} is behind its rows"));
            }
        }

        // The CA's key must be the one its certificate vouches for: a
        // server certificate it issues is verified as a client would.
        let tls_ca = match self.tls_ca() {
            Ok(Some(ca)) => {
                problems.extend(ca.problems(super::now()));
                Some((ca.name.clone(), ca.not_after, ca.fingerprint()))
            }
            Ok(None) => None,
            Err(_) => {
                problems.push("the local CA's row is malformed".into());
                None
            }
        };

        Ok(CheckReport {
            format_version: self.header().version,
            schema_version: self.file_schema_version(),
            slots: self
                .header()
                .slots
                .iter()
                .map(|s| (s.kind, s.kdf))
                .collect(),
            projects: self.count("projects")?,
            apps: self.count("apps")?,
            credentials: self.count("credentials")?,
            events: self.count("events")?,
            tls_ca,
            problems,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::model::AppPatch;
    use crate::store::tests::new_store;

    #[test]
    fn a_sound_store_has_no_problems() {
        let d = tempfile::tempdir().unwrap();
        let s = new_store(d.path());
        s.create_app("a", None, &AppPatch::default()).unwrap();
        let r = s.check().unwrap();
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        // Events: store.init, and app.create for the app with its pair and
        // bearer token.
        assert_eq!((r.apps, r.credentials, r.events), (1, 2, 2));
        assert_eq!(r.slots.len(), 2);
    }

    #[test]
    fn a_local_ca_is_checked_against_its_certificate() {
        let d = tempfile::tempdir().unwrap();
        let s = new_store(d.path());
        assert!(s.check().unwrap().tls_ca.is_none());
        let now = crate::store::now();
        let (s, ca, made) = s
            .usable_tls_ca(now, std::time::Duration::from_secs(1))
            .unwrap();
        assert!(made);
        let r = s.check().unwrap();
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        assert_eq!(
            r.tls_ca,
            Some((ca.name.clone(), ca.not_after, ca.fingerprint()))
        );
        // Another key under the same certificate.
        let other = crate::crypto::ca::Ca::make(now).unwrap();
        s.conn()
            .execute("UPDATE tls_ca SET key_pkcs8 = ?1", [&other.key[..]])
            .unwrap();
        assert_eq!(
            s.check().unwrap().problems,
            ["the local CA's key does not match its certificate"]
        );
        s.conn()
            .execute_batch("UPDATE tls_ca SET key_pkcs8 = 'text, not a key'")
            .unwrap();
        assert_eq!(
            s.check().unwrap().problems,
            ["the local CA's row is malformed"]
        );
    }

    #[test]
    fn broken_invariants_are_reported() {
        let d = tempfile::tempdir().unwrap();
        let s = new_store(d.path());
        s.create_app("a", None, &AppPatch::default()).unwrap();
        s.conn()
            .execute_batch(
                "UPDATE apps SET request_email = 1;
                 UPDATE credentials SET key_value = NULL WHERE kind = 'bearer';
                 UPDATE credentials SET fingerprint = hex(fingerprint) WHERE kind = 'consumer';
                 PRAGMA foreign_keys = OFF;
                 INSERT INTO apps (id, project_id, name, permissions, status, created_at, updated_at)
                   VALUES (50, 999, 'orphan', 'read', 'active', 0, 0);",
            )
            .unwrap();
        let r = s.check().unwrap();
        let all = r.problems.join("\n");
        assert!(all.contains("request email"), "{all}");
        assert!(all.contains("active without its values"), "{all}");
        assert!(all.contains("missing project"), "{all}");
        assert!(
            all.contains("consumer credential: malformed fingerprint"),
            "{all}"
        );
    }

    #[test]
    fn an_email_grant_off_an_access_token_or_not_a_flag_is_reported() {
        use crate::model::CredentialKind;
        let d = tempfile::tempdir().unwrap();
        let s = new_store(d.path());
        let (app, _) = s.create_app("a", None, &AppPatch::default()).unwrap();
        let owner = s.holder(None).unwrap();
        s.create_credential(&app, CredentialKind::Access, &owner)
            .unwrap();
        assert!(s.check().unwrap().problems.is_empty());
        s.conn()
            .execute_batch(
                "UPDATE credentials SET grants_email = 2 WHERE kind = 'access';
                 UPDATE credentials SET grants_email = 0 WHERE kind = 'consumer';",
            )
            .unwrap();
        let all = s.check().unwrap().problems.join("\n");
        assert!(
            all.contains("access credential: email grant is neither 0 nor 1"),
            "{all}"
        );
        assert!(
            all.contains("consumer credential: email grant present on the wrong kind"),
            "{all}"
        );
    }

    #[test]
    fn an_access_token_of_nobody_is_reported() {
        use crate::model::CredentialKind;
        let d = tempfile::tempdir().unwrap();
        let s = new_store(d.path());
        let (app, _) = s.create_app("a", None, &AppPatch::default()).unwrap();
        s.add_user("bob", None, None).unwrap();
        let bob = s.holder(Some("bob")).unwrap();
        s.create_credential(&app, CredentialKind::Access, &bob)
            .unwrap();
        assert!(s.check().unwrap().problems.is_empty());
        s.conn()
            .execute_batch(
                "DELETE FROM users;
                 UPDATE credentials SET user_id = 7 WHERE kind = 'bearer';",
            )
            .unwrap();
        let all = s.check().unwrap().problems.join("\n");
        assert!(
            all.contains("access credential: active for a user who is neither"),
            "{all}"
        );
        assert!(
            all.contains("bearer credential: belongs to a user"),
            "{all}"
        );
    }

    #[test]
    fn a_value_no_writer_stores_is_damage_and_never_read_as_a_default() {
        use crate::model::Environment;
        use crate::store::AppFilter;
        let d = tempfile::tempdir().unwrap();
        let s = new_store(d.path());
        s.create_project("p", None, None, Environment::Staging)
            .unwrap();
        s.create_app("a", None, &AppPatch::default()).unwrap();
        for (sql, shown) in [
            ("UPDATE apps SET status = 'frozen'", "unknown app status"),
            (
                "UPDATE apps SET permissions = 'admin'",
                "unknown permission level",
            ),
            (
                "UPDATE apps SET icon_format = 'bmp', icon = x'00'",
                "unknown icon format",
            ),
            (
                "UPDATE apps SET callback_urls = 'none'",
                "callback URLs that are not a list",
            ),
        ] {
            let save = "SAVEPOINT bad";
            s.conn().execute_batch(&format!("{save}; {sql}")).unwrap();
            for e in [
                s.find_app("a").unwrap_err(),
                s.app(1).unwrap_err(),
                s.apps(AppFilter::All).unwrap_err(),
            ] {
                assert_eq!(e.exit_code(), 6, "{sql}: {}", e.message());
                assert!(e.message().contains(shown), "{sql}: {}", e.message());
            }
            if !sql.contains("icon") && !sql.contains("callback") {
                let e = s.app_summaries(AppFilter::All).unwrap_err();
                assert_eq!(e.exit_code(), 6, "{sql}");
            }
            assert!(!s.check().unwrap().problems.is_empty(), "{sql}");
            s.conn()
                .execute_batch("ROLLBACK TO bad; RELEASE bad")
                .unwrap();
        }
        s.conn()
            .execute_batch("UPDATE projects SET environment = 'moon'")
            .unwrap();
        for e in [s.find_project("p").unwrap_err(), s.projects().unwrap_err()] {
            assert_eq!(e.exit_code(), 6, "{}", e.message());
            assert!(
                e.message().contains("unknown environment"),
                "{}",
                e.message()
            );
        }
        let all = s.check().unwrap().problems.join("\n");
        assert!(all.contains("unknown environment"), "{all}");
    }
}
