//! What unlocks the store and what replaces its keys: unlock sessions, the
//! passphrase and recovery slots, and a new data key (see
//! `appctl-store(5)`).

use super::*;

/// What [`Store::rotate`] did beyond the new data key.
#[derive(Debug)]
pub struct Rotated {
    /// A new recovery key, to be shown once after the save.
    pub recovery_key: Option<Secret>,
    /// Whether that key replaces one whose slot (of format 1 or 2) could
    /// not take the new data key.
    pub replaced_old_recovery_slot: bool,
}

impl Store {
    /// Starts an unlock session valid until `expires_at` (Unix seconds),
    /// bound to this store, its data key and its session epoch.
    pub fn start_session(&self, dir: &Path, expires_at: i64) -> Result<session::Token> {
        session::create(
            dir,
            &self.header.store_id,
            self.header.epoch,
            &self.data_key,
            expires_at,
        )
    }

    /// Ends every session of the store, in every session directory, at the
    /// next save: sessions hold the epoch they were made in, and this
    /// advances it.
    pub fn end_sessions(&mut self) {
        self.header.epoch = self.header.epoch.wrapping_add(1);
    }

    /// Replaces the passphrase slot: a fresh salt, the same data key. Takes
    /// effect at the next save.
    pub fn set_passphrase_slot(&mut self, passphrase: &[u8], params: KdfParams) -> Result<()> {
        params.check()?;
        let salt = Slot::new_salt();
        let slot_key = kdf::derive(passphrase, &salt, params)?;
        self.put_passphrase_slot(params, salt, slot_key);
        Ok(())
    }

    /// The passphrase slot wraps the data key in force under `slot_key`
    /// (derived with `params` and `salt`), which is kept for a later new
    /// data key.
    fn put_passphrase_slot(&mut self, params: KdfParams, salt: [u8; 16], slot_key: Key) {
        self.header.set_slot(Slot::wrap(
            SlotKind::Passphrase,
            params,
            salt,
            &slot_key,
            &self.data_key,
        ));
        self.passphrase_key = Some(slot_key);
    }

    /// Makes a new recovery key and replaces the recovery slot with one it
    /// opens: the data key sealed to the X25519 public key of the key
    /// derived from it, so that a new data key can be sealed to it again
    /// without the recovery key. The key is random and long, so its
    /// derivation uses the KDF floor. Returns the key, to be shown once
    /// after the save.
    pub fn set_recovery_slot(&mut self) -> Result<Secret> {
        let key = crate::crypto::token::recovery_key();
        let normal = crate::crypto::token::parse_recovery_key(key.expose().as_bytes())
            .map_err(|e| Error::internal(format!("a new recovery key: {e}")))?;
        let salt = Slot::new_salt();
        let slot_key = kdf::derive(&normal, &salt, kdf::FLOOR)?;
        let slot = Slot::seal_to_recovery(kdf::FLOOR, salt, &slot_key, &self.data_key)
            .map_err(|e| Error::internal(format!("sealing the recovery slot: {e}")))?;
        self.header.set_slot(slot);
        Ok(key)
    }

    /// Seals the store under a new random data key at the next save, and
    /// ends every session (they hold the old key). The passphrase slot
    /// takes `new_passphrase` when given, else the new data key under the
    /// key it was opened with. The recovery slot is sealed anew to its
    /// public key, unless `new_recovery_key` asks for a new one, or it is a
    /// slot of format 1 or 2, which cannot take a new data key: then a new
    /// recovery key is made and returned, to be shown once after the save.
    ///
    /// Afterwards nothing from before (a passphrase, a recovery key or a
    /// session, with any copy of an earlier file) opens what is saved: the
    /// old data key seals nothing new.
    pub fn rotate(
        &mut self,
        new_passphrase: Option<(&[u8], KdfParams)>,
        new_recovery_key: bool,
    ) -> Result<Rotated> {
        let old_recovery = self.header.slot(SlotKind::Recovery).cloned();
        let reseal_recovery = old_recovery.as_ref().filter(|s| s.can_reseal());
        let legacy_recovery = old_recovery.is_some() && reseal_recovery.is_none();
        // Everything that can fail before the data key changes is done
        // first, so a failure leaves the store as it was.
        let (params, salt, slot_key) = match new_passphrase {
            Some((passphrase, params)) => {
                params.check()?;
                let salt = Slot::new_salt();
                (params, salt, kdf::derive(passphrase, &salt, params)?)
            }
            None => {
                let old = slot(&self.path, &self.header, SlotKind::Passphrase)?;
                let key = self.passphrase_key.clone().ok_or_else(|| {
                    Error::internal("a new data key needs the store opened with its passphrase")
                })?;
                (old.kdf, old.salt, key)
            }
        };
        self.data_key = random_key();
        self.put_passphrase_slot(params, salt, slot_key);
        let recovery_key = match reseal_recovery {
            Some(slot) if !new_recovery_key => {
                let slot = slot
                    .reseal(&self.data_key)
                    .map_err(|e| Error::damaged(&self.path, e))?;
                self.header.set_slot(slot);
                None
            }
            _ if new_recovery_key || legacy_recovery => Some(self.set_recovery_slot()?),
            _ => None,
        };
        self.end_sessions();
        Ok(Rotated {
            recovery_key,
            replaced_old_recovery_slot: legacy_recovery && !new_recovery_key,
        })
    }
}
