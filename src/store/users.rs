//! Local test users: the people other than the owner whom access tokens can
//! act for, so that a developer can test a multi-user app before the
//! 3-legged flow exists. The owner lives in `meta`; these in `users`.

use super::credentials::Holder;
use super::{Store, now};
use crate::error::{Error, Result};
use crate::model::{CredentialKind, User, validate};
use rand::Rng;
use rusqlite::{OptionalExtension, params};

/// The range user IDs are drawn from: 18–19 digits, as the owner's.
const ID_RANGE: std::ops::RangeInclusive<u64> = 100_000_000_000_000_000..=u64::MAX / 2;

/// Longest display name, as the platform's profile name.
pub const USER_NAME_MAX: usize = 50;

/// Longest email address (RFC 5321's path limit).
pub const EMAIL_MAX: usize = 254;

/// Whom a USER argument names.
#[derive(Debug, Clone)]
pub enum Someone {
    /// The store's owner.
    Owner(crate::model::Owner),
    /// A local test user.
    User(User),
}

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: r.get::<_, i64>(0)? as u64,
        handle: r.get(1)?,
        name: r.get(2)?,
        email: r.get(3)?,
        created_at: r.get(4)?,
    })
}

/// A handle as the platform allows them.
fn handle(s: &str) -> Result<String> {
    validate::handle(s).map_err(|_| {
        Error::invalid(format!(
            "the handle {s:?} must be 1–{} letters, digits or underscores",
            validate::HANDLE_MAX
        ))
    })
}

/// A display name of 1–50 characters.
pub fn user_name(s: &str) -> Result<String> {
    validate::required_text("user name", s, USER_NAME_MAX)
}

/// An email address: one `@` with text either side, no spaces.
pub fn email(s: &str) -> Result<String> {
    let e = validate::required_text("email address", s, EMAIL_MAX)?;
    let ok = match e.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !e.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if !ok {
        return Err(Error::invalid(format!(
            "the email address {e:?} is not of the form name@domain"
        )));
    }
    Ok(e)
}

impl Store {
    /// `users add`: a new local user with a fresh numeric ID.
    pub fn add_user(
        &self,
        handle_text: &str,
        name: Option<&str>,
        email: Option<&str>,
    ) -> Result<User> {
        let handle = handle(handle_text)?;
        if self.find_someone(&handle)?.is_some() {
            return Err(Error::conflict(format!(
                "the handle @{handle} is taken (handles are unique ignoring case)"
            ))
            .with_hint("list users with `appctl users list`"));
        }
        let owner = self.owner()?.user_id;
        let id = loop {
            let id = rand::rngs::OsRng.gen_range(ID_RANGE);
            if id != owner && self.user_by_id(id)?.is_none() {
                break id;
            }
        };
        let created_at = now();
        self.conn().execute(
            "INSERT INTO users (id, handle, name, email, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id as i64, handle, name, email, created_at],
        )?;
        self.record(
            "users.add",
            "user",
            Some(id as i64),
            None,
            Some(&handle),
            None,
        )?;
        Ok(User {
            id,
            handle,
            name: name.map(str::to_string),
            email: email.map(str::to_string),
            created_at,
        })
    }

    fn user_by_id(&self, id: u64) -> Result<Option<User>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT id, handle, name, email, created_at FROM users WHERE id = ?1",
                [id as i64],
                from_row,
            )
            .optional()?)
    }

    /// Every local user, in order of handle.
    pub fn users(&self) -> Result<Vec<User>> {
        let mut stmt = self.conn().prepare(
            "SELECT id, handle, name, email, created_at FROM users ORDER BY handle COLLATE NOCASE",
        )?;
        let rows = stmt.query_map([], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The owner or local user that `key` (a handle, any case, with or
    /// without `@`, or a numeric ID) names, if any.
    pub fn find_someone(&self, key: &str) -> Result<Option<Someone>> {
        let key = key.strip_prefix('@').unwrap_or(key);
        let owner = self.owner()?;
        let id: Option<u64> = key
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| key.parse().ok())
            .flatten();
        if owner.handle.eq_ignore_ascii_case(key) || id == Some(owner.user_id) {
            return Ok(Some(Someone::Owner(owner)));
        }
        if let Some(id) = id
            && let Some(u) = self.user_by_id(id)?
        {
            return Ok(Some(Someone::User(u)));
        }
        Ok(self
            .conn()
            .query_row(
                "SELECT id, handle, name, email, created_at FROM users
                 WHERE handle = ?1 COLLATE NOCASE",
                [key],
                from_row,
            )
            .optional()?
            .map(Someone::User))
    }

    /// Like [`Store::find_someone`], but not finding anyone is an error (exit 3).
    pub fn find_user(&self, key: &str) -> Result<Someone> {
        self.find_someone(key)?.ok_or_else(|| {
            Error::not_found(format!("no user with handle or ID {key:?}"))
                .with_hint("list users with `appctl users list`")
        })
    }

    /// Whose access token `--user key` means.
    pub fn holder(&self, key: Option<&str>) -> Result<Holder> {
        match key.map(|k| self.find_user(k)).transpose()? {
            None | Some(Someone::Owner(_)) => Holder::default_for(self, CredentialKind::Access),
            Some(Someone::User(u)) => Ok(Holder::user(&u)),
        }
    }

    /// `users remove`: revokes the user's active access tokens and forgets
    /// the user. Returns how many tokens were revoked.
    pub fn remove_user(&self, someone: &Someone) -> Result<usize> {
        let user = match someone {
            Someone::Owner(o) => {
                return Err(Error::conflict(format!(
                    "@{} is the store's owner and cannot be removed",
                    o.handle
                )));
            }
            Someone::User(u) => u,
        };
        let revoked = self.conn().execute(
            "UPDATE credentials SET state = 'revoked', key_value = NULL, secret_value = NULL,
               revoked_at = ?2, stale = 0
             WHERE kind = 'access' AND user_id = ?1 AND state = 'active'",
            params![user.id as i64, now()],
        )?;
        self.conn()
            .execute("DELETE FROM users WHERE id = ?1", [user.id as i64])?;
        self.record(
            "users.remove",
            "user",
            Some(user.id as i64),
            None,
            Some(&user.handle),
            (revoked > 0).then(|| format!("revoked {revoked} access token(s)")),
        )?;
        Ok(revoked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AppPatch, CredentialState};
    use crate::store::tests::new_store;

    #[test]
    fn users_have_unique_handles_ignoring_case_and_long_ids() {
        let d = tempfile::tempdir().unwrap();
        let s = new_store(d.path());
        let bob = s
            .add_user("Bob_1", Some("Bob"), Some("bob@example.com"))
            .unwrap();
        assert!((18..=19).contains(&bob.id.to_string().len()));
        for taken in ["bob_1", "BOB_1", "ALICE"] {
            assert_eq!(s.add_user(taken, None, None).unwrap_err().exit_code(), 4);
        }
        for bad in ["", "sixteen_chars_xx", "b-ob", "b ob"] {
            assert_eq!(
                s.add_user(bad, None, None).unwrap_err().exit_code(),
                9,
                "{bad}"
            );
        }
        assert!(matches!(s.find_user("@bob_1").unwrap(), Someone::User(u) if u == bob));
        assert!(matches!(
            s.find_user(&bob.id.to_string()).unwrap(),
            Someone::User(_)
        ));
        assert!(matches!(s.find_user("alice").unwrap(), Someone::Owner(_)));
        assert_eq!(s.find_user("carol").unwrap_err().exit_code(), 3);
        assert!(email("a b@c").is_err() && email("abc").is_err() && email("a@b@c").is_err());
    }

    #[test]
    fn each_user_has_one_access_token_per_app_and_removing_revokes_it() {
        let d = tempfile::tempdir().unwrap();
        let s = new_store(d.path());
        let (app, _) = s.create_app("a1", None, &AppPatch::default()).unwrap();
        let bob = s.add_user("bob", None, None).unwrap();
        let owner = s.holder(None).unwrap();
        let as_bob = s.holder(Some("bob")).unwrap();
        let mine = s
            .create_credential(&app, CredentialKind::Access, &owner)
            .unwrap();
        let his = s
            .create_credential(&app, CredentialKind::Access, &as_bob)
            .unwrap();
        assert!(mine.access_token.unwrap().expose().starts_with("1234-"));
        assert!(
            his.access_token
                .unwrap()
                .expose()
                .starts_with(&format!("{}-", bob.id))
        );
        let e = s
            .create_credential(&app, CredentialKind::Access, &as_bob)
            .unwrap_err();
        assert_eq!(e.exit_code(), 4);
        assert!(e.hint().unwrap().contains("--user bob"), "{e:?}");
        let creds = s.credentials(app.id).unwrap();
        let users: Vec<_> = creds
            .iter()
            .filter_map(|c| c.user.as_ref())
            .map(|u| (u.id, u.screen_name.clone()))
            .collect();
        assert_eq!(
            users,
            [(1234, Some("alice".into())), (bob.id, Some("bob".into()))]
        );
        let Someone::User(_) = s.find_user("bob").unwrap() else {
            panic!()
        };
        assert_eq!(s.remove_user(&s.find_user("bob").unwrap()).unwrap(), 1);
        assert_eq!(
            s.remove_user(&s.find_user("alice").unwrap())
                .unwrap_err()
                .exit_code(),
            4
        );
        let creds = s.credentials(app.id).unwrap();
        assert_eq!(creds[3].state, CredentialState::Revoked);
        assert_eq!(creds[3].user.as_ref().unwrap().screen_name, None);
        assert_eq!(creds[2].state, CredentialState::Active);
    }
}
