//! What `keys verify` reads: a credential found by its key value, in any
//! state, with its app and user. Found through the fingerprint, which is
//! kept when a credential is revoked or invalidated (its values are wiped),
//! so that such a credential is told apart from one never made.
//!
//! The credentials table has no index on the fingerprint (it would grow
//! every store), so a lookup reads every row: right for one request per
//! process. A server answering many requests from one read of the store
//! takes a [`CredentialIndex`] instead, built by one such read.

use super::Store;
use super::credentials::stored_key;
use crate::crypto::token::{self, FINGERPRINT_LEN, Secret};
use crate::error::{Error, Result};
use crate::model::{CredentialKind, CredentialState, Permissions, Status, UserRef};
use crate::oauth::verify::{AppRef, Found, Lookup};
use rusqlite::params;
use std::collections::HashMap;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// The columns [`row`] reads, and where they come from.
const SELECT: &str =
    "SELECT c.state, c.key_value, c.secret_value, c.permissions, c.stale, c.user_id,
        CASE WHEN c.user_id = (SELECT CAST(value AS INTEGER) FROM meta
                                WHERE key = 'owner_id')
             THEN (SELECT value FROM meta WHERE key = 'owner_handle')
             ELSE u.handle END,
        a.id, a.name, a.status, c.kind, c.fingerprint,
        c.grants_email
 FROM credentials c JOIN apps a ON a.id = c.app_id
      LEFT JOIN users u ON u.id = c.user_id";

/// One credential row: the key value kept (none once wiped) and what a
/// lookup returns for it.
struct Row {
    kind: CredentialKind,
    kept: Zeroizing<Option<String>>,
    found: Found,
}

fn row(store: &Store, r: &rusqlite::Row<'_>) -> Result<Row> {
    let damaged = || Error::damaged(store.path(), "a credential row is malformed");
    let kind = CredentialKind::parse(&r.get::<_, String>(10)?).map_err(|_| damaged())?;
    let state = CredentialState::parse(&r.get::<_, String>(0)?).map_err(|_| damaged())?;
    let kept: Zeroizing<Option<String>> = Zeroizing::new(r.get(1)?);
    let secret: Option<String> = r.get(2)?;
    let permissions = r
        .get::<_, Option<String>>(3)?
        .map(|p| Permissions::parse(&p))
        .transpose()
        .map_err(|_| damaged())?;
    let user_id: i64 = r.get(5)?;
    Ok(Row {
        kind,
        kept,
        found: Found {
            app: AppRef {
                id: r.get(7)?,
                name: r.get(8)?,
                status: Status::parse(&r.get::<_, String>(9)?).map_err(|_| damaged())?,
            },
            state,
            secret: secret.map(Secret::new),
            user: (kind == CredentialKind::Access).then(|| UserRef {
                id: user_id as u64,
                screen_name: r.get(6).ok().flatten(),
            }),
            permissions,
            stale: r.get(4)?,
            grants_email: r.get::<_, Option<bool>>(12)?.unwrap_or(false),
        },
    })
}

/// Whether `row`, found by the fingerprint of `key`, is the credential
/// `key` names. Fingerprints are 8 bytes: an active credential must also
/// hold this very value. A wiped one is known by its fingerprint alone.
fn names(row: &Row, kind: CredentialKind, key: &str) -> Result<bool> {
    if row.kind != kind {
        return Ok(false);
    }
    if row.found.state != CredentialState::Active {
        return Ok(true);
    }
    let want = stored_key(kind, key)?;
    Ok(row
        .kept
        .as_deref()
        .is_some_and(|k| bool::from(k.as_bytes().ct_eq(want.as_bytes()))))
}

/// Whether `key` can be one of ours at all: every bearer token carries the
/// same prefix.
fn plausible(kind: CredentialKind, key: &str) -> bool {
    stored_key(kind, key).is_ok()
}

impl Lookup for Store {
    fn find(&self, kind: CredentialKind, key: &str) -> Result<Option<Found>> {
        if !plausible(kind, key) {
            return Ok(None);
        }
        let fp_key = self.fingerprint_key()?;
        let fingerprint = token::fingerprint(&fp_key, key);
        let mut stmt = self.conn().prepare_cached(&format!(
            "{SELECT} WHERE c.kind = ?1 AND c.fingerprint = ?2"
        ))?;
        let mut rows = stmt.query(params![kind.as_str(), &fingerprint[..]])?;
        while let Some(r) = rows.next()? {
            let r = row(self, r)?;
            if names(&r, kind, key)? {
                return Ok(Some(r.found));
            }
        }
        Ok(None)
    }
}

/// Every credential of a store, by fingerprint: the same answers as the
/// store's own [`Lookup`], from one read of its credentials table. It holds
/// the secrets as the decrypted store does, wiped when dropped; it does not
/// follow later changes, so build a new one from each new read.
pub struct CredentialIndex {
    fingerprint_key: Zeroizing<Vec<u8>>,
    rows: HashMap<[u8; FINGERPRINT_LEN], Vec<Row>>,
}

impl Store {
    /// Reads every credential into a [`CredentialIndex`].
    pub fn credential_index(&self) -> Result<CredentialIndex> {
        let damaged = || Error::damaged(self.path(), "a credential fingerprint is malformed");
        let mut stmt = self
            .conn()
            .prepare(&format!("{SELECT} ORDER BY c.app_id, c.kind, c.user_id"))?;
        let mut rows = stmt.query([])?;
        let mut index: HashMap<[u8; FINGERPRINT_LEN], Vec<Row>> = HashMap::new();
        while let Some(r) = rows.next()? {
            let fingerprint: Vec<u8> = r.get(11)?;
            let fingerprint = fingerprint.try_into().map_err(|_| damaged())?;
            index.entry(fingerprint).or_default().push(row(self, r)?);
        }
        Ok(CredentialIndex {
            fingerprint_key: self.fingerprint_key()?,
            rows: index,
        })
    }
}

impl Lookup for CredentialIndex {
    fn find(&self, kind: CredentialKind, key: &str) -> Result<Option<Found>> {
        if !plausible(kind, key) {
            return Ok(None);
        }
        let fingerprint = token::fingerprint(&self.fingerprint_key, key);
        for r in self.rows.get(&fingerprint).into_iter().flatten() {
            if names(r, kind, key)? {
                return Ok(Some(r.found.clone()));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AppPatch;
    use crate::store::Holder;

    /// Every key of `kind` a test asks about, with what each lookup says.
    fn both(s: &Store, kind: CredentialKind, key: &str) -> (Option<Found>, Option<Found>) {
        let index = s.credential_index().unwrap();
        (s.find(kind, key).unwrap(), index.find(kind, key).unwrap())
    }

    fn same(a: &Option<Found>, b: &Option<Found>) -> bool {
        match (a, b) {
            (None, None) => true,
            (Some(a), Some(b)) => {
                a.app == b.app
                    && a.state == b.state
                    && a.secret == b.secret
                    && a.user == b.user
                    && a.permissions == b.permissions
                    && a.stale == b.stale
                    && a.grants_email == b.grants_email
            }
            _ => false,
        }
    }

    #[test]
    fn the_index_answers_as_the_store_does() {
        let dir = tempfile::tempdir().unwrap();
        let s = crate::store::tests::new_store(dir.path());
        let (app, consumer) = s.create_app("one", None, &AppPatch::default()).unwrap();
        s.create_app("two", None, &AppPatch::default()).unwrap();
        let who = Holder::default_for(&s, CredentialKind::Access).unwrap();
        let access = s
            .create_credential(&app, CredentialKind::Access, &who)
            .unwrap();
        let key = consumer.api_key.unwrap();
        let bearer = consumer.bearer_token.unwrap();
        let token = access.access_token.unwrap();
        let cases = [
            (CredentialKind::Consumer, key.expose()),
            (CredentialKind::Bearer, bearer.expose()),
            (CredentialKind::Access, token.expose()),
            // The wrong kind, a value never made, a bearer without its prefix.
            (CredentialKind::Access, key.expose()),
            (CredentialKind::Consumer, "never-made"),
            (CredentialKind::Bearer, "no-prefix"),
        ];
        for (kind, value) in cases {
            let (a, b) = both(&s, kind, value);
            assert!(same(&a, &b), "{kind:?}: {a:?} against {b:?}");
        }
        assert!(both(&s, CredentialKind::Access, token.expose()).1.is_some());
        // The email grant is the token's own, made with the app's toggle.
        let asks = AppPatch {
            terms_url: Some(Some("https://example.com/terms".into())),
            privacy_url: Some(Some("https://example.com/privacy".into())),
            request_email: Some(true),
            ..AppPatch::default()
        };
        let (three, _) = s.create_app("three", None, &asks).unwrap();
        let granted = s
            .create_credential(&three, CredentialKind::Access, &who)
            .unwrap()
            .access_token
            .unwrap();
        let grant = |t: &str| both(&s, CredentialKind::Access, t).1.unwrap().grants_email;
        assert!(grant(granted.expose()));
        assert!(!grant(token.expose()));
        assert!(both(&s, CredentialKind::Consumer, "never-made").1.is_none());
        // Revoked: the values are wiped, the fingerprint still finds it.
        let bearer_holder = Holder::default_for(&s, CredentialKind::Bearer).unwrap();
        s.revoke_credential(&app, CredentialKind::Bearer, &bearer_holder)
            .unwrap();
        s.revoke_credential(&app, CredentialKind::Access, &who)
            .unwrap();
        for (kind, value) in [
            (CredentialKind::Bearer, bearer.expose()),
            (CredentialKind::Access, token.expose()),
        ] {
            let (a, b) = both(&s, kind, value);
            assert!(same(&a, &b), "{kind:?}: {a:?} against {b:?}");
            assert_eq!(b.map(|f| f.state), Some(CredentialState::Revoked));
        }
    }
}
