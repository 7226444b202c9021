//! `keys import`: credentials made elsewhere (the real portal shows each
//! once), stored as if made here: fingerprinted, logged as an import, never
//! shown again.

use super::Store;
use super::credentials::{Holder, kind_label};
use crate::crypto::token::{self, Secret};
use crate::error::{Error, Result};
use crate::model::{App, CredentialKind, CredentialState};
use rusqlite::params;

/// Shortest value accepted (current and legacy platform shapes are longer).
pub const IMPORT_MIN: usize = 8;
/// Longest value accepted.
pub const IMPORT_MAX: usize = 200;

/// Checks one value to import: printable ASCII without spaces, 8–200
/// characters. The message names the value, never repeats it.
pub fn check_value(label: &str, v: &str) -> Result<()> {
    if !v.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::invalid(format!(
            "the {label} to import has a character that is not printable ASCII, or a space"
        )));
    }
    if !(IMPORT_MIN..=IMPORT_MAX).contains(&v.len()) {
        return Err(Error::invalid(format!(
            "the {label} to import must be {IMPORT_MIN}–{IMPORT_MAX} characters long, got {}",
            v.len()
        )));
    }
    Ok(())
}

impl Store {
    /// Whether `value` is held by an active credential other than the one
    /// of `app`, `kind` and `user_id`, as its key or its secret.
    fn held_elsewhere(
        &self,
        app: &App,
        kind: CredentialKind,
        user_id: u64,
        value: &str,
    ) -> Result<bool> {
        let fingerprint = token::fingerprint(&self.fingerprint_key()?, value);
        let n: i64 = self.conn().query_row(
            "SELECT count(*) FROM credentials
             WHERE state = 'active' AND NOT (app_id = ?1 AND kind = ?2 AND user_id = ?3)
               AND (fingerprint = ?4 OR secret_value = ?5)",
            params![
                app.id,
                kind.as_str(),
                user_id as i64,
                &fingerprint[..],
                value
            ],
            |r| r.get(0),
        )?;
        Ok(n > 0)
    }

    /// Stores `key` (and `secret`, for the kinds that have one) as the
    /// active credential of `kind` for `who`. An active one is refused
    /// unless `replace`; replacing the consumer pair invalidates the bearer
    /// token, as a regeneration does. Returns what else was invalidated.
    pub fn import_credential(
        &self,
        app: &App,
        kind: CredentialKind,
        who: &Holder,
        key: &Secret,
        secret: Option<&Secret>,
        replace: bool,
    ) -> Result<Vec<CredentialKind>> {
        Self::refuse_if_suspended(app, "imported")?;
        if (kind == CredentialKind::Bearer) == secret.is_some() {
            return Err(Error::internal("a secret given for the wrong kind"));
        }
        if kind == CredentialKind::Bearer && !key.expose().starts_with(token::BEARER_PREFIX) {
            return Err(Error::invalid(format!(
                "the bearer token to import does not start with {}, as every bearer token does",
                token::BEARER_PREFIX
            )));
        }
        let existing = self.credential(app.id, kind, who.user_id)?;
        let active = existing.is_some_and(|c| c.state == CredentialState::Active);
        if active && !replace {
            return Err(Error::conflict(format!(
                "app {:?} already has an active {}{}",
                app.name,
                kind_label(kind),
                who.of
            ))
            .with_hint("pass --replace to replace it with the imported one"));
        }
        self.require_active_dependency(app, kind)?;
        for v in std::iter::once(key).chain(secret) {
            if self.held_elsewhere(app, kind, who.user_id, v.expose())? {
                return Err(Error::conflict(format!(
                    "a value to import is already held by another credential; the {} was not imported",
                    kind_label(kind)
                ))
                .with_hint("find it with `appctl keys list` and revoke it first"));
            }
        }
        let invalidated = if active {
            self.invalidate_dependents(app, kind)?
        } else {
            Vec::new()
        };
        self.put_credential(app, kind, who.user_id, key, secret, false)?;
        let mut detail = format!("{kind}{}", who.of);
        if active {
            detail.push_str("; replaced the active one");
        }
        super::credentials::note_invalidated(&mut detail, &invalidated);
        self.record_credential("keys.import", app, detail)?;
        Ok(invalidated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AppPatch;
    use crate::oauth::Lookup;
    use crate::store::tests::new_store;

    fn secret(s: &str) -> Secret {
        Secret::new(s.into())
    }

    #[test]
    fn imported_values_are_kept_findable_and_unique() {
        let d = tempfile::tempdir().unwrap();
        let s = new_store(d.path());
        let (a, made) = s.create_app("a1", None, &AppPatch::default()).unwrap();
        let (b, _) = s.create_app("b1", None, &AppPatch::default()).unwrap();
        let own = |k| Holder::default_for(&s, k).unwrap();
        let (key, sec) = (
            secret("xvz1evFS4wEEPTGEFPHBog"),
            secret("kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw"),
        );
        let consumer = CredentialKind::Consumer;
        let e = s
            .import_credential(&a, consumer, &own(consumer), &key, Some(&sec), false)
            .unwrap_err();
        assert_eq!(e.exit_code(), 4);
        assert_eq!(
            s.import_credential(&a, consumer, &own(consumer), &key, Some(&sec), true)
                .unwrap(),
            [CredentialKind::Bearer]
        );
        assert!(
            s.credential_matches(a.id, consumer, key.expose(), Some(sec.expose()))
                .unwrap()
        );
        let found = s.find(consumer, key.expose()).unwrap().unwrap();
        assert_eq!(
            (found.app.id, found.secret.unwrap().expose()),
            (a.id, sec.expose())
        );
        // Neither the key nor the secret may be another credential's.
        let e = s
            .import_credential(
                &b,
                consumer,
                &own(consumer),
                &key,
                Some(&secret("another-secret")),
                true,
            )
            .unwrap_err();
        assert_eq!(e.exit_code(), 4);
        assert!(!e.message().contains(key.expose()));
        let e = s
            .import_credential(
                &b,
                consumer,
                &own(consumer),
                &secret("another-key"),
                Some(&sec),
                true,
            )
            .unwrap_err();
        assert_eq!(e.exit_code(), 4);
        // A bearer token needs its prefix; an old one is forgotten once replaced.
        let bearer = CredentialKind::Bearer;
        let e = s
            .import_credential(
                &a,
                bearer,
                &own(bearer),
                &secret("AAAAnotabearer"),
                None,
                true,
            )
            .unwrap_err();
        assert_eq!(e.exit_code(), 9);
        let old = made.bearer_token.unwrap();
        assert_eq!(
            s.find(bearer, old.expose()).unwrap().unwrap().state,
            CredentialState::Invalidated
        );
        assert!(check_value("API key", "short").is_err());
        assert!(check_value("API key", "has a space").is_err());
        assert!(check_value("API key", &"x".repeat(201)).is_err());
        assert!(check_value("API key", "Ok-value_123%2B").is_ok());
    }
}
