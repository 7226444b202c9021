//! Credentials of an app and the rules of their life cycle: kinds, states,
//! staleness of access tokens and what a regeneration invalidates.

use super::{Permissions, Status, UserRef};

super::string_enum! {
    /// The kinds of credential an app has.
    CredentialKind {
        /// API key and API secret (consumer key and secret).
        Consumer = "consumer",
        /// App-only bearer token, derived from the consumer pair.
        Bearer = "bearer",
        /// Access token and secret acting for a user: the store's owner or a
        /// local test user.
        Access = "access",
    }
}

super::string_enum! {
    /// The stored state of a credential.
    CredentialState {
        /// Usable.
        Active = "active",
        /// Revoked by the owner.
        Revoked = "revoked",
        /// Made unusable by the regeneration or revocation of the consumer pair.
        Invalidated = "invalidated",
    }
}

impl CredentialKind {
    /// All kinds, in display order.
    pub const ALL: [CredentialKind; 3] = [
        CredentialKind::Consumer,
        CredentialKind::Bearer,
        CredentialKind::Access,
    ];

    /// What else stops working when this kind is regenerated or revoked:
    /// the bearer token is derived from the consumer pair.
    pub fn dependents(self) -> &'static [CredentialKind] {
        match self {
            CredentialKind::Consumer => &[CredentialKind::Bearer],
            CredentialKind::Bearer | CredentialKind::Access => &[],
        }
    }

    /// What must be active before this kind can be made.
    pub fn requires(self) -> Option<CredentialKind> {
        match self {
            CredentialKind::Bearer => Some(CredentialKind::Consumer),
            CredentialKind::Consumer | CredentialKind::Access => None,
        }
    }
}

/// What may be shown of a credential: never its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialMeta {
    /// Which credential.
    pub kind: CredentialKind,
    /// Stored state.
    pub state: CredentialState,
    /// When first made (Unix seconds).
    pub created_at: i64,
    /// When last regenerated (Unix seconds).
    pub regenerated_at: Option<i64>,
    /// When revoked or invalidated (Unix seconds).
    pub revoked_at: Option<i64>,
    /// For access tokens: the permission level in force when made.
    pub permissions: Option<Permissions>,
    /// A keyed hash of the value that identifies it without revealing it.
    pub fingerprint: String,
    /// For access tokens: the user the token acts for.
    pub user: Option<UserRef>,
    /// For access tokens: the app's permissions changed after it was made.
    /// It stays set, even if they change back, until the token is
    /// regenerated.
    pub stale: bool,
}

impl CredentialMeta {
    /// The state to show: an active access token whose app's permissions
    /// changed since it was made is `stale`.
    pub fn display_state(&self) -> &'static str {
        match self.state {
            CredentialState::Active if self.stale => "stale",
            s => s.as_str(),
        }
    }

    /// A note for the owner, if any.
    pub fn note(&self, app_status: Status) -> Option<String> {
        if self.state != CredentialState::Active {
            return None;
        }
        if app_status == Status::Suspended {
            return Some("app suspended: cannot be used until reinstated".into());
        }
        if self.stale {
            return Some("regenerate to apply the new permissions".into());
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access(stale: bool) -> CredentialMeta {
        CredentialMeta {
            kind: CredentialKind::Access,
            state: CredentialState::Active,
            created_at: 0,
            regenerated_at: None,
            revoked_at: None,
            permissions: Some(Permissions::Read),
            fingerprint: "00".into(),
            user: None,
            stale,
        }
    }

    #[test]
    fn stale_access_tokens_show_as_stale_until_revoked() {
        assert_eq!(access(false).display_state(), "active");
        let t = access(true);
        assert_eq!(t.display_state(), "stale");
        assert!(t.note(Status::Active).unwrap().contains("regenerate"));
        assert!(t.note(Status::Suspended).unwrap().contains("suspended"));
        let revoked = CredentialMeta {
            state: CredentialState::Revoked,
            ..t
        };
        assert_eq!(revoked.display_state(), "revoked");
        assert_eq!(revoked.note(Status::Active), None);
    }

    #[test]
    fn consumer_regeneration_invalidates_bearer() {
        assert_eq!(
            CredentialKind::Consumer.dependents(),
            [CredentialKind::Bearer]
        );
        assert_eq!(
            CredentialKind::Bearer.requires(),
            Some(CredentialKind::Consumer)
        );
    }
}
