//! Users an access token can act for: the store's owner and local test users.

/// A local test user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The numeric user ID (18–19 digits, like the owner's).
    pub id: u64,
    /// The handle (screen name): 1–15 letters, digits or underscores,
    /// unique ignoring case.
    pub handle: String,
    /// A display name.
    pub name: Option<String>,
    /// An email address.
    pub email: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
}

/// Whom an access token acts for, as listings show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRef {
    /// The numeric user ID.
    pub id: u64,
    /// The handle; `None` once a local user was removed.
    pub screen_name: Option<String>,
}
