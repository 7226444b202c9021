//! What `keys verify` reads: a credential found by its key value, in any
//! state, with its app and user. Found through the fingerprint, which is
//! kept when a credential is revoked or invalidated (its values are wiped),
//! so that such a credential is told apart from one never made.

use super::Store;
use super::credentials::stored_key;
use crate::crypto::token::{self, Secret};
use crate::error::{Error, Result};
use crate::model::{CredentialKind, CredentialState, Permissions, Status, UserRef};
use crate::oauth::verify::{AppRef, Found, Lookup};
use rusqlite::params;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

impl Lookup for Store {
    fn find(&self, kind: CredentialKind, key: &str) -> Result<Option<Found>> {
        let fp_key = self.fingerprint_key()?;
        let fingerprint = token::fingerprint(&fp_key, key);
        let mut stmt = self.conn().prepare_cached(
            "SELECT c.state, c.key_value, c.secret_value, c.permissions, c.stale, c.user_id,
                    CASE WHEN c.user_id = (SELECT CAST(value AS INTEGER) FROM meta
                                            WHERE key = 'owner_id')
                         THEN (SELECT value FROM meta WHERE key = 'owner_handle')
                         ELSE u.handle END,
                    a.id, a.name, a.status
             FROM credentials c JOIN apps a ON a.id = c.app_id
                  LEFT JOIN users u ON u.id = c.user_id
             WHERE c.kind = ?1 AND c.fingerprint = ?2",
        )?;
        let mut rows = stmt.query(params![kind.as_str(), &fingerprint[..]])?;
        let Ok(want) = stored_key(kind, key) else {
            // A bearer token without the prefix every one has: none of ours.
            return Ok(None);
        };
        while let Some(r) = rows.next()? {
            let damaged = || Error::damaged(self.path(), "a credential row is malformed");
            let state = CredentialState::parse(&r.get::<_, String>(0)?).map_err(|_| damaged())?;
            let kept: Zeroizing<Option<String>> = Zeroizing::new(r.get(1)?);
            // Fingerprints are 8 bytes: an active credential must also hold
            // this very value. A wiped one is known by its fingerprint alone.
            if state == CredentialState::Active {
                let same = kept
                    .as_deref()
                    .is_some_and(|k| bool::from(k.as_bytes().ct_eq(want.as_bytes())));
                if !same {
                    continue;
                }
            }
            let secret: Option<String> = r.get(2)?;
            let permissions = r
                .get::<_, Option<String>>(3)?
                .map(|p| Permissions::parse(&p))
                .transpose()
                .map_err(|_| damaged())?;
            let user_id: i64 = r.get(5)?;
            return Ok(Some(Found {
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
            }));
        }
        Ok(None)
    }
}
