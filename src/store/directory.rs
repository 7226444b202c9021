//! What a server answers identity requests from: one read of the store's
//! credentials ([`CredentialIndex`]) and of the people tokens act for. It
//! holds no database handle, so the server's threads share it and answer
//! from it at once, instead of queueing for the one connection of the
//! store; a new read of the store makes a new one.

use super::lookup::CredentialIndex;
use super::{Someone, Store};
use crate::error::Result;
use crate::model::CredentialKind;
use crate::oauth::{Found, Lookup};
use std::collections::HashMap;

/// One read of the credentials and the people of a store.
pub struct Directory {
    credentials: CredentialIndex,
    people: HashMap<u64, Someone>,
    created_at: i64,
}

impl Store {
    /// Reads every credential and person into a [`Directory`].
    pub fn directory(&self) -> Result<Directory> {
        let owner = self.owner()?;
        let mut people: HashMap<u64, Someone> = self
            .users()?
            .into_iter()
            .map(|u| (u.id, Someone::User(u)))
            .collect();
        people.insert(owner.user_id, Someone::Owner(owner));
        Ok(Directory {
            credentials: self.credential_index()?,
            people,
            created_at: self.created_at()?,
        })
    }
}

impl Directory {
    /// The owner or local user with this ID, as [`Store::find_someone`]
    /// finds them by ID.
    pub fn person(&self, id: u64) -> Option<&Someone> {
        self.people.get(&id)
    }

    /// When the store was made: the owner's account is as old.
    pub fn created_at(&self) -> i64 {
        self.created_at
    }
}

impl Lookup for Directory {
    fn find(&self, kind: CredentialKind, key: &str) -> Result<Option<Found>> {
        self.credentials.find(kind, key)
    }
}

#[cfg(test)]
mod tests {
    use crate::store::Someone;
    use crate::store::tests::{new_store, owner};

    #[test]
    fn people_are_found_by_id_as_the_store_finds_them() {
        let dir = tempfile::tempdir().unwrap();
        let s = new_store(dir.path());
        let u = s
            .add_user("bob", Some("Bob"), Some("bob@example.com"))
            .unwrap();
        let d = s.directory().unwrap();
        let me = owner();
        assert!(matches!(d.person(me.user_id), Some(Someone::Owner(o)) if o.handle == me.handle));
        assert!(matches!(d.person(u.id), Some(Someone::User(v)) if v == &u));
        assert!(d.person(7).is_none());
        assert_eq!(d.created_at(), s.created_at().unwrap());
        // A read made before a change does not follow it.
        s.remove_user(&Someone::User(u.clone())).unwrap();
        assert!(d.person(u.id).is_some());
        assert!(s.directory().unwrap().person(u.id).is_none());
    }
}
