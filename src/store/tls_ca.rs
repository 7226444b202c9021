//! The local CA of `serve --tls` (table `tls_ca`, one row at most): made
//! on first use under the writers' lock, kept until it nears its end, and
//! shown by no command but as its certificate.

use super::Store;
use crate::crypto::SecretBytes;
use crate::crypto::ca::Ca;
use crate::error::Result;
use rusqlite::OptionalExtension;
use std::time::Duration;

fn date(unix: i64) -> String {
    let t = std::time::UNIX_EPOCH + Duration::from_secs(u64::try_from(unix).unwrap_or(0));
    humantime::format_rfc3339_seconds(t).to_string()
}

impl Store {
    /// The local CA, if one was made.
    pub fn tls_ca(&self) -> Result<Option<Ca>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT name, key_pkcs8, cert_der, not_before, not_after FROM tls_ca WHERE id = 1",
                [],
                |r| {
                    Ok(Ca {
                        name: r.get(0)?,
                        key: SecretBytes::new(r.get(1)?),
                        cert: r.get(2)?,
                        not_before: r.get(3)?,
                        not_after: r.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    /// The local CA that can issue a certificate at `now`: the one kept,
    /// or else a new one, kept in the store under the writers' lock (found
    /// again there, since another command may have made one meanwhile),
    /// saved with the atomic write and logged as `serve.tls_ca`. Returns
    /// the store as it is then (unlocked) and whether the CA is new.
    pub fn usable_tls_ca(self, now: i64, lock_timeout: Duration) -> Result<(Store, Ca, bool)> {
        if let Some(ca) = self.tls_ca()?.filter(|ca| ca.usable(now)) {
            return Ok((self, ca, false));
        }
        let mut w = self.relock(lock_timeout)?;
        let old = match w.tls_ca()? {
            Some(ca) if ca.usable(now) => return Ok((w.reread()?, ca, false)),
            other => other,
        };
        let ca = Ca::make(now)?;
        w.conn().execute(
            "INSERT OR REPLACE INTO tls_ca (id, name, key_pkcs8, cert_der, not_before, not_after, created_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
            rusqlite::params![ca.name, &ca.key[..], ca.cert, ca.not_before, ca.not_after, now],
        )?;
        let mut detail = format!(
            "ECDSA P-256, valid until {}, SHA-256 {}",
            date(ca.not_after),
            ca.fingerprint()
        );
        if let Some(o) = &old {
            detail.push_str(&format!(
                "; replaces {}, which ends {}",
                o.name,
                date(o.not_after)
            ));
        }
        w.record(
            "serve.tls_ca",
            "tls_ca",
            None,
            None,
            Some(&ca.name),
            Some(detail),
        )?;
        w.save()?;
        Ok((w.reread()?, ca, true))
    }
}
