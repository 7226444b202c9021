//! Credentials: issuing, regenerating and revoking them, and listing their
//! metadata. Secret values go into the database and come back out of this
//! module only as the [`IssuedSecrets`] of the command that made them.

use super::{Store, now};
use crate::crypto::token::{self, Secret};
use crate::error::{Error, Result};
use crate::model::{
    App, CredentialKind, CredentialMeta, CredentialState, Permissions, Status, UserRef,
};
use rusqlite::{OptionalExtension, params};
use zeroize::Zeroizing;

/// The secret values made by one command, to be printed once after the
/// store has been saved, and what else stopped working.
#[derive(Debug, Default)]
pub struct IssuedSecrets {
    /// API key (consumer key).
    pub api_key: Option<Secret>,
    /// API secret (consumer secret).
    pub api_secret: Option<Secret>,
    /// Bearer token.
    pub bearer_token: Option<Secret>,
    /// Access token.
    pub access_token: Option<Secret>,
    /// Access token secret.
    pub access_token_secret: Option<Secret>,
    /// Recovery key of the store.
    pub recovery_key: Option<Secret>,
    /// Credentials that became unusable as a consequence.
    pub invalidated: Vec<CredentialKind>,
}

impl IssuedSecrets {
    /// Takes the values of `other` into `self`.
    pub fn merge(&mut self, other: IssuedSecrets) {
        self.api_key = self.api_key.take().or(other.api_key);
        self.api_secret = self.api_secret.take().or(other.api_secret);
        self.bearer_token = self.bearer_token.take().or(other.bearer_token);
        self.access_token = self.access_token.take().or(other.access_token);
        self.access_token_secret = self
            .access_token_secret
            .take()
            .or(other.access_token_secret);
        self.invalidated.extend(other.invalidated);
    }

    /// The values with their JSON names, in a fixed order.
    pub fn named(&self) -> Vec<(&'static str, &Secret)> {
        [
            ("api_key", &self.api_key),
            ("api_secret", &self.api_secret),
            ("bearer_token", &self.bearer_token),
            ("access_token", &self.access_token),
            ("access_token_secret", &self.access_token_secret),
            ("recovery_key", &self.recovery_key),
        ]
        .into_iter()
        .filter_map(|(n, v)| v.as_ref().map(|v| (n, v)))
        .collect()
    }
}

/// The form a credential's key value is kept in: a bearer token without
/// the [`token::BEARER_PREFIX`] that every bearer token starts with (21
/// bytes of every app, which each command decrypts and each write seals).
pub(super) fn stored_key(kind: CredentialKind, key: &str) -> Result<&str> {
    match kind {
        CredentialKind::Bearer => key
            .strip_prefix(token::BEARER_PREFIX)
            .ok_or_else(|| Error::internal("a bearer token without its prefix")),
        CredentialKind::Consumer | CredentialKind::Access => Ok(key),
    }
}

pub(super) fn kind_label(kind: CredentialKind) -> &'static str {
    match kind {
        CredentialKind::Consumer => "API key and secret",
        CredentialKind::Bearer => "bearer token",
        CredentialKind::Access => "access token and secret",
    }
}

/// The error for a credential that was never made: `keys regenerate` and
/// `keys revoke` both say it the same way, as not found (exit 3).
fn never_made(app: &App, kind: CredentialKind, who: &Holder, verb: &str) -> Error {
    Error::not_found(format!(
        "app {} ({:?}) has no {kind} credential{} to {verb}",
        app.id, app.name, who.of
    ))
    .with_hint(format!(
        "make one with `appctl keys create {} {kind}{}`",
        app.id, who.flag
    ))
}

/// Whose credential a command means: the app's own (consumer pair, bearer
/// token: user 0), or an access token's user, the owner unless `--user`
/// named a local user. `of` and `flag` say so in messages and hints.
#[derive(Debug, Clone)]
pub struct Holder {
    /// The user ID kept with the credential (0 for the app's own).
    pub user_id: u64,
    /// " for @handle", or empty for the owner and the app's own.
    pub of: String,
    /// " --user handle", or empty.
    pub flag: String,
}

impl Holder {
    /// The app's own credential, or the owner's access token.
    pub fn default_for(store: &Store, kind: CredentialKind) -> Result<Holder> {
        Ok(Holder {
            user_id: match kind {
                CredentialKind::Access => store.owner()?.user_id,
                _ => 0,
            },
            of: String::new(),
            flag: String::new(),
        })
    }

    /// A local user's access token.
    pub fn user(user: &crate::model::User) -> Holder {
        Holder {
            user_id: user.id,
            of: format!(" for @{}", user.handle),
            flag: format!(" --user {}", user.handle),
        }
    }
}

impl Store {
    /// Marks the app's active access token stale: its permissions changed.
    pub(crate) fn mark_access_stale(&self, app_id: i64) -> Result<()> {
        self.conn().execute(
            "UPDATE credentials SET stale = 1
             WHERE app_id = ?1 AND kind = 'access' AND state = 'active'",
            [app_id],
        )?;
        Ok(())
    }

    /// Metadata of every credential of app `app_id`, in kind order.
    pub fn credentials(&self, app_id: i64) -> Result<Vec<CredentialMeta>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT c.kind, c.state, c.created_at, c.regenerated_at, c.revoked_at, c.permissions,
                    c.fingerprint, c.stale, c.user_id,
                    CASE WHEN o.id IS NOT NULL THEN o.handle ELSE u.handle END,
                    o.id IS NOT NULL
             FROM credentials c LEFT JOIN users u ON u.id = c.user_id
                  LEFT JOIN (SELECT CAST((SELECT value FROM meta WHERE key = 'owner_id')
                                         AS INTEGER) AS id,
                                    (SELECT value FROM meta WHERE key = 'owner_handle')
                                         AS handle) o
                         ON o.id = c.user_id AND c.kind = 'access'
             WHERE c.app_id = ?1",
        )?;
        let rows = stmt.query_map([app_id], |r| {
            let kind: String = r.get(0)?;
            let state: String = r.get(1)?;
            let perms: Option<String> = r.get(5)?;
            // Bytes since schema 4; anything else is a damaged row.
            let fingerprint = match r.get_ref(6)? {
                rusqlite::types::ValueRef::Blob(b) => Some(crate::crypto::hex(b)),
                _ => None,
            };
            Ok((
                kind,
                state,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                perms,
                fingerprint,
                r.get(7)?,
                r.get::<_, i64>(8)?,
                r.get::<_, Option<String>>(9)?,
                r.get::<_, bool>(10)?,
            ))
        })?;
        let mut out = Vec::new();
        let mut owners = Vec::new();
        for row in rows {
            let (
                kind,
                state,
                created_at,
                regenerated_at,
                revoked_at,
                perms,
                fingerprint,
                stale,
                user_id,
                screen_name,
                is_owner,
            ) = row?;
            let damaged =
                || Error::damaged(self.path(), "a credential row has an unknown kind or state");
            let fingerprint = fingerprint.ok_or_else(|| {
                Error::damaged(self.path(), "a credential row has a malformed fingerprint")
            })?;
            let kind = CredentialKind::parse(&kind).map_err(|_| damaged())?;
            out.push(CredentialMeta {
                kind,
                state: CredentialState::parse(&state).map_err(|_| damaged())?,
                created_at,
                regenerated_at,
                revoked_at,
                permissions: perms
                    .as_deref()
                    .map(Permissions::parse)
                    .transpose()
                    .map_err(|_| damaged())?,
                fingerprint,
                user: (kind == CredentialKind::Access).then_some(UserRef {
                    id: user_id as u64,
                    screen_name,
                }),
                stale,
            });
            owners.push(is_owner);
        }
        // Kind order; the owner's access token first, then local users'.
        let mut keyed: Vec<_> = out.into_iter().zip(owners).collect();
        keyed.sort_by_key(|(m, is_owner)| {
            (
                CredentialKind::ALL.iter().position(|k| *k == m.kind),
                !is_owner,
                m.user.as_ref().map(|u| u.id),
            )
        });
        Ok(keyed.into_iter().map(|(m, _)| m).collect())
    }

    pub(super) fn credential(
        &self,
        app_id: i64,
        kind: CredentialKind,
        user_id: u64,
    ) -> Result<Option<CredentialMeta>> {
        Ok(self
            .credentials(app_id)?
            .into_iter()
            .find(|c| c.kind == kind && c.user.as_ref().map_or(0, |u| u.id) == user_id))
    }

    /// Makes new values for `kind` and stores them as active. With
    /// `regenerate`, the creation time is kept and the regeneration time set.
    pub(crate) fn issue_credential(
        &self,
        app: &App,
        kind: CredentialKind,
        regenerate: bool,
    ) -> Result<IssuedSecrets> {
        let who = Holder::default_for(self, kind)?;
        self.issue_credential_for(app, kind, &who, regenerate)
    }

    /// [`Store::issue_credential`] for the credential of `who`.
    fn issue_credential_for(
        &self,
        app: &App,
        kind: CredentialKind,
        who: &Holder,
        regenerate: bool,
    ) -> Result<IssuedSecrets> {
        let mut s = IssuedSecrets::default();
        let (key, secret) = match kind {
            CredentialKind::Consumer => {
                s.api_key = Some(token::api_key());
                s.api_secret = Some(token::api_secret());
                (s.api_key.as_ref(), s.api_secret.as_ref())
            }
            CredentialKind::Bearer => {
                s.bearer_token = Some(token::bearer_token(app.id as u64));
                (s.bearer_token.as_ref(), None)
            }
            CredentialKind::Access => {
                s.access_token = Some(token::access_token(who.user_id));
                s.access_token_secret = Some(token::access_token_secret());
                (s.access_token.as_ref(), s.access_token_secret.as_ref())
            }
        };
        let key = key.expect("every kind has a key value");
        self.put_credential(app, kind, who.user_id, key, secret, regenerate)?;
        Ok(s)
    }

    /// Stores `key` and `secret` as the active credential of `kind` and
    /// user `user_id` (0 for the app's own), with the app's permission level
    /// and email request for an access token. With `regenerate`, the
    /// creation time is kept and the regeneration time set.
    pub(super) fn put_credential(
        &self,
        app: &App,
        kind: CredentialKind,
        user_id: u64,
        key: &Secret,
        secret: Option<&Secret>,
        regenerate: bool,
    ) -> Result<()> {
        let access = kind == CredentialKind::Access;
        let permissions = access.then(|| app.details.permissions.as_str());
        let grants_email = access.then_some(app.details.request_email);
        let fp_key = self.fingerprint_key()?;
        let fingerprint = token::fingerprint(&fp_key, key.expose());
        let t = now();
        self.conn().execute(
            "INSERT INTO credentials (app_id, kind, user_id, state, key_value, secret_value,
                                      permissions, fingerprint, created_at, regenerated_at,
                                      revoked_at, grants_email)
             VALUES (?1, ?2, ?9, 'active', ?3, ?4, ?5, ?6, ?7, NULL, NULL, ?10)
             ON CONFLICT (app_id, kind, user_id) DO UPDATE SET
               state = 'active', key_value = ?3, secret_value = ?4, permissions = ?5,
               fingerprint = ?6, revoked_at = NULL, stale = 0, grants_email = ?10,
               created_at = CASE WHEN ?8 THEN created_at ELSE ?7 END,
               regenerated_at = CASE WHEN ?8 THEN ?7 ELSE NULL END",
            params![
                app.id,
                kind.as_str(),
                stored_key(kind, key.expose())?,
                secret.map(Secret::expose),
                permissions,
                &fingerprint[..],
                t,
                regenerate,
                user_id as i64,
                grants_email
            ],
        )?;
        Ok(())
    }

    pub(super) fn refuse_if_suspended(app: &App, what: &str) -> Result<()> {
        if app.status == Status::Suspended {
            return Err(Error::conflict(format!(
                "app {:?} is suspended; its credentials cannot be {what}",
                app.name
            ))
            .with_hint("reinstate it first with `appctl app reinstate`"));
        }
        Ok(())
    }

    pub(super) fn require_active_dependency(&self, app: &App, kind: CredentialKind) -> Result<()> {
        if let Some(dep) = kind.requires() {
            let active = self
                .credential(app.id, dep, 0)?
                .is_some_and(|c| c.state == CredentialState::Active);
            if !active {
                return Err(Error::conflict(format!(
                    "the {} of app {:?} needs an active {}",
                    kind_label(kind),
                    app.name,
                    kind_label(dep)
                ))
                .with_hint(format!(
                    "make one first with `appctl keys create {} {}`",
                    app.id, dep
                )));
            }
        }
        Ok(())
    }

    /// Marks active dependents of `kind` invalidated and wipes their values.
    pub(super) fn invalidate_dependents(
        &self,
        app: &App,
        kind: CredentialKind,
    ) -> Result<Vec<CredentialKind>> {
        let mut out = Vec::new();
        for dep in kind.dependents() {
            let n = self.conn().execute(
                "UPDATE credentials SET state = 'invalidated', key_value = NULL,
                   secret_value = NULL, revoked_at = ?3, stale = 0
                 WHERE app_id = ?1 AND kind = ?2 AND state = 'active'",
                params![app.id, dep.as_str(), now()],
            )?;
            if n > 0 {
                out.push(*dep);
            }
        }
        Ok(out)
    }

    /// The app's active bearer token as issued, if it has one.
    pub fn active_bearer(&self, app_id: i64) -> Result<Option<Secret>> {
        let kept: Option<Zeroizing<String>> = self
            .conn()
            .query_row(
                "SELECT key_value FROM credentials
                 WHERE app_id = ?1 AND kind = 'bearer' AND state = 'active' AND user_id = 0",
                params![app_id],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten()
            .map(Zeroizing::new);
        Ok(kept.map(|k| Secret::new(format!("{}{}", token::BEARER_PREFIX, k.as_str()))))
    }

    /// The 3-legged flow's access token for user `user_id` (the owner or a
    /// local user), at `permissions` (the app's, or less when the request
    /// asked for less) and granted email addresses if `email` (the app
    /// asked for them on the page the user approved, and still does): made
    /// new, replacing one the user had for this app.
    pub fn issue_flow_token(
        &self,
        app: &App,
        user_id: u64,
        screen_name: &str,
        permissions: Permissions,
        email: bool,
    ) -> Result<IssuedSecrets> {
        Self::refuse_if_suspended(app, "created")?;
        let who = Holder {
            user_id,
            of: format!(" of @{screen_name}"),
            flag: String::new(),
        };
        let mut at = app.clone();
        at.details.permissions = permissions;
        at.details.request_email = email && app.details.request_email;
        let s = self.issue_credential_for(&at, CredentialKind::Access, &who, false)?;
        self.record_credential(
            "serve.access_token",
            app,
            format!("access{} ({})", who.of, permissions.as_str()),
        )?;
        Ok(s)
    }

    /// `keys create`: makes a credential of `kind` where none is active.
    pub fn create_credential(
        &self,
        app: &App,
        kind: CredentialKind,
        who: &Holder,
    ) -> Result<IssuedSecrets> {
        Self::refuse_if_suspended(app, "created")?;
        self.refuse_if_active(app, kind, who, "regenerate")?;
        self.require_active_dependency(app, kind)?;
        let s = self.issue_credential_for(app, kind, who, false)?;
        self.record_credential("keys.create", app, format!("{kind}{}", who.of))?;
        Ok(s)
    }

    /// Refuses (exit 4) when `who` already has an active credential of
    /// `kind`, with a hint to `keys <verb>` it instead.
    pub(super) fn refuse_if_active(
        &self,
        app: &App,
        kind: CredentialKind,
        who: &Holder,
        verb: &str,
    ) -> Result<()> {
        if let Some(c) = self.credential(app.id, kind, who.user_id)?
            && c.state == CredentialState::Active
        {
            return Err(Error::conflict(format!(
                "app {:?} already has an active {}{}",
                app.name,
                kind_label(kind),
                who.of
            ))
            .with_hint(format!(
                "replace it with `appctl keys {verb} {} {kind}{}`",
                app.id, who.flag
            )));
        }
        Ok(())
    }

    /// `keys regenerate`: replaces the values of `kind`; what depends on it
    /// is invalidated.
    pub fn regenerate_credential(
        &self,
        app: &App,
        kind: CredentialKind,
        who: &Holder,
    ) -> Result<IssuedSecrets> {
        Self::refuse_if_suspended(app, "regenerated")?;
        if self.credential(app.id, kind, who.user_id)?.is_none() {
            return Err(never_made(app, kind, who, "regenerate"));
        }
        self.require_active_dependency(app, kind)?;
        let invalidated = self.invalidate_dependents(app, kind)?;
        let mut s = self.issue_credential_for(app, kind, who, true)?;
        s.invalidated = invalidated;
        let mut detail = format!("{kind}{}", who.of);
        note_invalidated(&mut detail, &s.invalidated);
        self.record_credential("keys.regenerate", app, detail)?;
        Ok(s)
    }

    /// `keys revoke`: makes an active credential unusable and wipes its values.
    /// Returns what else was invalidated with it.
    pub fn revoke_credential(
        &self,
        app: &App,
        kind: CredentialKind,
        who: &Holder,
    ) -> Result<Vec<CredentialKind>> {
        match self.credential(app.id, kind, who.user_id)?.map(|c| c.state) {
            None => return Err(never_made(app, kind, who, "revoke")),
            Some(CredentialState::Active) => {}
            // It exists but is already unusable: a precondition, not a
            // missing object, as `keys create` of an active one is.
            Some(state) => {
                return Err(Error::conflict(format!(
                    "the {kind} credential of app {} ({:?}){} is already {state}",
                    app.id, app.name, who.of
                ))
                .with_hint(format!(
                    "make a new one with `appctl keys create {} {kind}{}`",
                    app.id, who.flag
                )));
            }
        }
        let invalidated = self.invalidate_dependents(app, kind)?;
        self.conn().execute(
            "UPDATE credentials SET state = 'revoked', key_value = NULL, secret_value = NULL,
               revoked_at = ?3, stale = 0 WHERE app_id = ?1 AND kind = ?2 AND user_id = ?4",
            params![app.id, kind.as_str(), now(), who.user_id as i64],
        )?;
        let mut detail = format!("{kind}{}", who.of);
        note_invalidated(&mut detail, &invalidated);
        self.record_credential("keys.revoke", app, detail)?;
        Ok(invalidated)
    }

    /// Whether the stored values of an active credential equal `key` and
    /// `secret`. Used by tests to check that what was printed is what was kept.
    pub fn credential_matches(
        &self,
        app_id: i64,
        kind: CredentialKind,
        key: &str,
        secret: Option<&str>,
    ) -> Result<bool> {
        let row: Option<(Option<String>, Option<String>)> = self
            .conn()
            .query_row(
                "SELECT key_value, secret_value FROM credentials
                 WHERE app_id = ?1 AND kind = ?2 AND state = 'active'",
                params![app_id, kind.as_str()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(match row {
            Some((k, s)) => {
                let k = zeroize::Zeroizing::new(k);
                let s = zeroize::Zeroizing::new(s);
                // Compared in the form kept: no copy of the secret is made.
                k.as_deref()
                    .is_some_and(|k| stored_key(kind, key).is_ok_and(|want| want == k))
                    && s.as_deref() == secret
            }
            None => false,
        })
    }
}

/// Adds to an event's detail which other credentials a change invalidated.
pub(super) fn note_invalidated(detail: &mut String, invalidated: &[CredentialKind]) {
    if !invalidated.is_empty() {
        let names: Vec<&str> = invalidated.iter().map(|k| k.as_str()).collect();
        detail.push_str(&format!("; invalidated {}", names.join(", ")));
    }
}

#[cfg(test)]
mod tests;
