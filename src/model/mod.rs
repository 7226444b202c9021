//! The domain: projects, apps, credentials and the rules their values obey.
//! No I/O and no printing happens here; the store persists these types and
//! the command line shows them.

pub mod app;
pub mod credential;
pub mod suggest;
pub mod user;
pub mod validate;

pub use app::{App, AppDetails, AppPatch, AppSummary, Icon, IconFormat};
pub use credential::{CredentialKind, CredentialMeta, CredentialState};
pub use user::{User, UserRef};

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
        pub enum $name {
            $($(#[$vm])* #[value(name = $s)] $variant),+
        }

        impl $name {
            /// The name used on the command line, in JSON and in the store.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }

            /// Parses the name used on the command line, in JSON and in the store.
            pub fn parse(s: &str) -> $crate::error::Result<Self> {
                match s {
                    $($s => Ok($name::$variant),)+
                    other => Err($crate::error::Error::invalid(format!(
                        "unknown {} {other:?}; expected one of: {}",
                        stringify!($name).to_lowercase(),
                        [$($s),+].join(", ")
                    ))),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use string_enum;

string_enum! {
    /// The environment a project serves.
    Environment {
        /// Development (the default).
        Development = "development",
        /// Staging.
        Staging = "staging",
        /// Production.
        Production = "production",
    }
}

string_enum! {
    /// What an app's access tokens may do.
    Permissions {
        /// Read only (the default).
        Read = "read",
        /// Read and write.
        ReadWrite = "read-write",
        /// Read, write and direct messages.
        ReadWriteDm = "read-write-dm",
    }
}

string_enum! {
    /// Whether an app may use its credentials.
    Status {
        /// In good standing.
        Active = "active",
        /// Suspended: no credential can be created, regenerated or verified.
        Suspended = "suspended",
    }
}

/// A project: a named group of apps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// Assigned numeric ID, never reused.
    pub id: i64,
    /// Unique among projects, 1–64 characters.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// Free text.
    pub use_case: Option<String>,
    /// Development, staging or production.
    pub environment: Environment,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
}

/// The owner of a store: access tokens act for this user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    /// A handle such as `alice_dev`.
    pub handle: String,
    /// The numeric user ID, assigned at `init`.
    pub user_id: u64,
}

/// One entry of the event log. Never holds a secret value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Sequence number.
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    /// What happened, e.g. `app.create`.
    pub action: String,
    /// `project`, `app`, `credential` or `store`.
    pub target_kind: String,
    /// The ID of the target, when it has one.
    pub target_id: Option<i64>,
    /// The app concerned, if any (kept after the app is deleted).
    pub app_id: Option<i64>,
    /// The name of the target at the time.
    pub target_name: Option<String>,
    /// A short human description of the change.
    pub detail: Option<String>,
}
