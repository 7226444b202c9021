//! The clap definitions of every command and flag. The doc comments here are
//! the `--help` text, the man pages and the completions.

use super::complete;
use crate::model::{CredentialKind, Environment, Permissions};
use clap::{Args, Parser, Subcommand, ValueEnum, ValueHint};
use clap_complete::engine::ArgValueCompleter;
use std::ffi::OsString;
use std::path::PathBuf;

/// A developer portal for API apps that lives on your own machine.
///
/// Keeps projects, apps, app settings and credentials in one encrypted file
/// and prints every newly generated secret exactly once.
#[derive(Debug, Parser)]
#[command(
    name = "appctl",
    version,
    max_term_width = 100,
    after_help = "\
Examples:
  appctl init --owner alice
  eval \"$(appctl unlock --ttl 1h)\"
  appctl app create my-bot --project Demo --permissions read-write"
)]
pub struct Cli {
    /// The store file [default: $APPCTL_STORE, else ~/.local/share/appctl/store.appctl]
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        help_heading = "Global options"
    )]
    pub store: Option<PathBuf>,

    /// Print one JSON document on stdout (errors as JSON on stderr)
    #[arg(long, global = true, help_heading = "Global options")]
    pub json: bool,

    /// Read the passphrase from the first line of FILE
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        help_heading = "Global options"
    )]
    pub passphrase_file: Option<PathBuf>,

    /// Confirm destructive actions without asking
    #[arg(long, short = 'y', global = true, help_heading = "Global options")]
    pub yes: bool,

    /// The command to run
    #[command(subcommand)]
    pub command: Command,
}

/// The commands of appctl.
// Parsed once per process: the size of the largest variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new store (never overwrites one)
    #[command(after_help = "\
Examples:
  appctl init --owner alice
  appctl --store ./dev.appctl init --kdf-target-ms 500
  appctl init --passphrase-file ~/.appctl-pass --env > recovery.env")]
    Init(InitArgs),
    /// Show projects with their apps, then standalone apps
    #[command(after_help = "\
Examples:
  appctl dashboard
  appctl --json dashboard")]
    Dashboard,
    /// Manage projects
    #[command(
        subcommand,
        after_help = "\
Examples:
  appctl project create Demo --environment staging
  appctl project list
  appctl project show Demo"
    )]
    Project(ProjectCommand),
    /// Manage apps and their settings
    #[command(
        subcommand,
        after_help = "\
Examples:
  appctl app create my-bot --project Demo
  appctl app list --standalone
  appctl app update my-bot --permissions read-write"
    )]
    App(AppCommand),
    /// List, create, regenerate, revoke, import and verify an app's credentials
    #[command(
        subcommand,
        after_help = "\
Examples:
  appctl keys list my-bot
  appctl keys create my-bot access --user bob
  appctl keys regenerate my-bot consumer --env >> .env"
    )]
    Keys(KeysCommand),
    /// Manage local test users, whom access tokens can act for
    #[command(
        subcommand,
        after_help = "\
Examples:
  appctl users add bob --name \"Bob Tester\" --email bob@example.com
  appctl users list
  appctl users remove bob"
    )]
    Users(UsersCommand),
    /// Show the event log, newest first
    #[command(after_help = "\
Examples:
  appctl log --limit 10
  appctl log --app my-bot
  appctl --json log --app 3")]
    Log(LogArgs),
    /// Unlock the store for a while: prints `export APPCTL_SESSION=…` for eval
    #[command(after_help = "\
Examples:
  eval \"$(appctl unlock)\"
  eval \"$(appctl unlock --ttl 2h)\"
  appctl --json unlock --ttl 90s")]
    Unlock(UnlockArgs),
    /// End unlock sessions (the current one, or all of this store's)
    #[command(after_help = "\
Examples:
  appctl lock
  appctl lock --all")]
    Lock(LockArgs),
    /// Change the passphrase (and optionally the KDF parameters)
    #[command(after_help = "\
Examples:
  appctl passwd
  appctl passwd --new-passphrase-file ./new-pass --kdf-memory-mib 256")]
    Passwd(PasswdArgs),
    /// Set a new passphrase with the recovery key
    #[command(after_help = "\
Examples:
  appctl recover
  appctl recover --recovery-key-file ./recovery.env --new-passphrase-file ./pw")]
    Recover(RecoverArgs),
    /// Manage the recovery key
    #[command(
        subcommand,
        after_help = "\
Examples:
  appctl recovery-key regenerate
  appctl recovery-key regenerate --env > recovery.env"
    )]
    RecoveryKey(RecoveryKeyCommand),
    /// Verify the whole store: authentication, integrity, invariants, modes
    #[command(after_help = "\
Examples:
  appctl check
  appctl --store ./backup.appctl check")]
    Check,
    /// Copy the store (still encrypted) to PATH, taken under the lock
    #[command(after_help = "\
Examples:
  appctl backup ./backup.appctl
  appctl backup \"$HOME/backups/appctl-$(date +%F).appctl\"")]
    Backup(BackupArgs),
    /// Serve the platform's sign-in, token and identity endpoints on loopback, from the store
    ///
    /// Unlocks the store once and holds its key until stopped (Ctrl-C or
    /// SIGTERM: requests in flight get up to 5 s, then exit 0). The first
    /// line on stdout is the base URL; each request is one line on stderr
    /// (method, path without query, status, app, user, milliseconds). Each
    /// request sees the store as the last command left it; if `passwd`
    /// gives the store a new data key, the server stops with exit 5.
    ///
    /// With --tls it serves HTTPS (TLS 1.3) and the first line is an
    /// https:// URL. The store keeps one local CA (ECDSA P-256, valid for
    /// ten years, made on first use and logged); the server's own
    /// certificate is made anew at each start and never stored. Clients
    /// trust the CA through the file `appctl serve --print-ca` writes.
    #[command(after_help = "\
Examples:
  appctl serve --listen 127.0.0.1:8080 --approve-as alice_test
  appctl serve --print-ca > appctl-ca.pem
  appctl serve --tls --alias-origin https://api.twitter.com")]
    Serve(ServeArgs),
    /// Show the store's path, owner, contents and this shell's session; never asks for the passphrase
    #[command(after_help = "\
Examples:
  appctl status
  appctl --json status | jq -r .session.expires_at")]
    Status,
    /// Print the completion script for SHELL, to source from the shell's startup file
    ///
    /// Besides commands and flags, the script completes app and project
    /// names (and credential kinds) from the store, but only while this
    /// shell holds an unlock session (`eval "$(appctl unlock)"`): completing
    /// never asks for or reads the passphrase. The script runs `appctl`
    /// from PATH.
    #[command(after_help = "\
Examples:
  source <(appctl completion bash)      # in ~/.bashrc
  source <(appctl completion zsh)       # in ~/.zshrc, after compinit
  appctl completion fish > ~/.config/fish/completions/appctl.fish")]
    Completion(CompletionArgs),
}

/// Arguments of `completion`.
#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// The shell to complete in
    pub shell: complete::Shell,
}

/// Arguments of `unlock`.
#[derive(Debug, Args)]
pub struct UnlockArgs {
    /// How long the session lasts, such as 90s, 15m or 2h (at most 24h)
    #[arg(long, value_name = "DURATION", default_value = "15m")]
    pub ttl: String,
}

/// Arguments of `lock`.
#[derive(Debug, Args)]
pub struct LockArgs {
    /// End every session of this store, not only $APPCTL_SESSION's
    #[arg(long)]
    pub all: bool,
}

/// Optional KDF parameters for a new passphrase.
#[derive(Debug, Args)]
pub struct KdfArgs {
    /// Argon2id memory in MiB (at least 19) [default: unchanged]
    #[arg(long, value_name = "N")]
    pub kdf_memory_mib: Option<u32>,
    /// Argon2id iterations (at least 2) [default: unchanged]
    #[arg(long, value_name = "N")]
    pub kdf_iterations: Option<u32>,
    /// Argon2id lanes [default: unchanged]
    #[arg(long, value_name = "N")]
    pub kdf_parallelism: Option<u32>,
}

/// Arguments of `passwd`.
#[derive(Debug, Args)]
pub struct PasswdArgs {
    /// Read the new passphrase from the first line of FILE [default: ask twice at a terminal]
    #[arg(long, value_name = "FILE")]
    pub new_passphrase_file: Option<PathBuf>,
    #[command(flatten)]
    pub kdf: KdfArgs,
}

/// Arguments of `recover`.
#[derive(Debug, Args)]
pub struct RecoverArgs {
    /// Read the recovery key from the first line of FILE, which may be a line
    /// RECOVERY_KEY=… as `init --env` writes it [default: ask at a terminal]
    #[arg(long, value_name = "FILE")]
    pub recovery_key_file: Option<PathBuf>,
    /// Read the new passphrase from the first line of FILE [default: ask twice at a terminal]
    #[arg(long, value_name = "FILE")]
    pub new_passphrase_file: Option<PathBuf>,
    #[command(flatten)]
    pub kdf: KdfArgs,
}

/// `recovery-key` subcommands.
#[derive(Debug, Subcommand)]
pub enum RecoveryKeyCommand {
    /// Replace the recovery key; prints the new one once
    #[command(after_help = "\
Examples:
  appctl recovery-key regenerate
  appctl recovery-key regenerate --env > recovery.env")]
    Regenerate {
        #[command(flatten)]
        secrets: SecretOutput,
    },
}

/// Arguments of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address and port to listen on (port 0 picks a free one)
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:0")]
    pub listen: std::net::SocketAddr,
    /// Allow an address other machines can reach
    #[arg(long)]
    pub allow_remote: bool,
    /// Approve every request token at once as USER (handle or ID), without showing the page
    #[arg(long, value_name = "USER")]
    pub approve_as: Option<String>,
    /// Also accept OAuth 1.0a signatures made for this origin (scheme://host[:port]), for
    /// clients that sign for the real host and are sent here (repeatable)
    #[arg(long, value_name = "URL")]
    pub alias_origin: Vec<String>,
    /// Serve HTTPS, with a certificate made at start by the store's local CA (made on first use)
    /// for 127.0.0.1, ::1, localhost and each --tls-name
    #[arg(long)]
    pub tls: bool,
    /// Also make the certificate for NAME, a DNS name or an IP address (repeatable)
    #[arg(long, value_name = "NAME", requires = "tls")]
    pub tls_name: Vec<String>,
    /// Print the local CA's certificate (PEM) and exit, making the CA if there is none; for
    /// REQUESTS_CA_BUNDLE or NODE_EXTRA_CA_CERTS
    #[arg(long, conflicts_with_all = ["listen", "allow_remote", "approve_as", "alias_origin", "tls_name"])]
    pub print_ca: bool,
}

/// Arguments of `backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where to write the copy (must not exist)
    pub path: PathBuf,
}

/// Arguments of `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The owner's handle (letters, digits, underscores) [default: $USER]
    #[arg(long, value_name = "HANDLE")]
    pub owner: Option<OsString>,
    /// Argon2id memory in MiB (at least 19)
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub kdf_memory_mib: u32,
    /// Argon2id iterations (at least 2)
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub kdf_iterations: u32,
    /// Argon2id lanes
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub kdf_parallelism: u32,
    /// Choose memory (then iterations) so that unlocking takes about N ms on this machine
    #[arg(long, value_name = "N", conflicts_with_all = ["kdf_memory_mib", "kdf_iterations"])]
    pub kdf_target_ms: Option<u64>,
    #[command(flatten)]
    pub secrets: SecretOutput,
}

/// Arguments of `log`.
#[derive(Debug, Args)]
pub struct LogArgs {
    /// Only events of this app (ID or name; an ID also finds deleted apps)
    #[arg(long, value_name = "APP", add = ArgValueCompleter::new(complete::apps))]
    pub app: Option<OsString>,
    /// Show at most N events
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub limit: u32,
}

/// `project` subcommands.
#[derive(Debug, Subcommand)]
pub enum ProjectCommand {
    /// Create a project and print its ID
    #[command(after_help = "\
Examples:
  appctl project create Demo
  appctl project create Billing --environment production
  appctl project create Ads --description \"Campaign tools and reports\"")]
    Create {
        /// Unique name, 1–64 characters
        name: OsString,
        #[command(flatten)]
        fields: ProjectFields,
    },
    /// List projects
    #[command(after_help = "\
Examples:
  appctl project list
  appctl --json project list")]
    List,
    /// Show a project and its apps
    #[command(after_help = "\
Examples:
  appctl project show Demo
  appctl --json project show 1")]
    Show {
        /// Project ID or name
        #[arg(add = ArgValueCompleter::new(complete::projects))]
        project: OsString,
    },
    /// Change a project's name or details (an empty value clears a field)
    #[command(after_help = "\
Examples:
  appctl project update Demo --name Sandbox
  appctl project update Demo --environment production --use-case \"\"")]
    Update {
        /// Project ID or name
        #[arg(add = ArgValueCompleter::new(complete::projects))]
        project: OsString,
        /// New name
        #[arg(long, value_name = "NAME")]
        name: Option<OsString>,
        #[command(flatten)]
        fields: ProjectFields,
    },
    /// Delete a project
    #[command(after_help = "\
Examples:
  appctl project delete Demo
  appctl project delete Demo --detach-apps
  appctl --yes project delete Demo --with-apps")]
    Delete {
        /// Project ID or name
        #[arg(add = ArgValueCompleter::new(complete::projects))]
        project: OsString,
        /// Also delete its apps and their credentials
        #[arg(long, conflicts_with = "detach_apps")]
        with_apps: bool,
        /// Keep its apps as standalone apps
        #[arg(long)]
        detach_apps: bool,
    },
}

/// Project detail flags.
#[derive(Debug, Args)]
pub struct ProjectFields {
    /// Description, at most 200 characters
    #[arg(long, value_name = "TEXT")]
    pub description: Option<OsString>,
    /// Use case, at most 200 characters
    #[arg(long, value_name = "TEXT")]
    pub use_case: Option<OsString>,
    /// Environment [default on create: development]
    #[arg(long, value_name = "ENV")]
    pub environment: Option<Environment>,
}

/// `app` subcommands.
#[derive(Debug, Subcommand)]
pub enum AppCommand {
    /// Create an app; prints its ID and, once, its API key, API secret and bearer token
    #[command(after_help = "\
Examples:
  appctl app create my-bot
  appctl app create my-bot --project Demo --permissions read-write
  appctl app create my-worker --env-prefix WORKER_ >> .env")]
    Create {
        /// Unique name, 1–32 characters
        name: OsString,
        /// The project to create it in (ID or name) [default: standalone]
        #[arg(long, value_name = "PROJECT", add = ArgValueCompleter::new(complete::projects))]
        project: Option<OsString>,
        #[command(flatten)]
        details: DetailArgs,
        #[command(flatten)]
        secrets: SecretOutput,
    },
    /// List apps
    #[command(after_help = "\
Examples:
  appctl app list
  appctl app list --project Demo
  appctl --json app list --standalone")]
    List {
        /// Only the apps of this project (ID or name)
        #[arg(
            long,
            value_name = "PROJECT",
            conflicts_with = "standalone",
            add = ArgValueCompleter::new(complete::projects)
        )]
        project: Option<OsString>,
        /// Only apps without a project
        #[arg(long)]
        standalone: bool,
    },
    /// Show an app's details and credential metadata (never secrets)
    #[command(after_help = "\
Examples:
  appctl app show my-bot
  appctl --json app show 3")]
    Show {
        /// App ID or name
        #[arg(add = ArgValueCompleter::new(complete::apps))]
        app: OsString,
    },
    /// Change an app's name or details (an empty value clears a field)
    #[command(after_help = "\
Examples:
  appctl app update my-bot --callback-url https://example.com/cb
  appctl app update my-bot --three-legged-oauth on --permissions read-write
  appctl app update my-bot --website-url \"\"")]
    Update {
        /// App ID or name
        #[arg(add = ArgValueCompleter::new(complete::apps))]
        app: OsString,
        /// New name
        #[arg(long, value_name = "NAME")]
        name: Option<OsString>,
        /// Remove every callback URL (before adding any --callback-url)
        #[arg(long)]
        clear_callback_urls: bool,
        /// Remove this callback URL (repeatable)
        #[arg(long = "remove-callback-url", value_name = "URL")]
        remove_callback_urls: Vec<OsString>,
        #[command(flatten)]
        details: DetailArgs,
    },
    /// Move an app into a project, or make it standalone
    #[command(after_help = "\
Examples:
  appctl app move my-bot --project Demo
  appctl app move my-bot --standalone")]
    Move {
        /// App ID or name
        #[arg(add = ArgValueCompleter::new(complete::apps))]
        app: OsString,
        /// The project to move it to (ID or name)
        #[arg(
            long,
            value_name = "PROJECT",
            add = ArgValueCompleter::new(complete::projects),
            required_unless_present = "standalone",
            conflicts_with = "standalone"
        )]
        project: Option<OsString>,
        /// Make it standalone
        #[arg(long)]
        standalone: bool,
    },
    /// Delete an app and all its credentials
    #[command(after_help = "\
Examples:
  appctl app delete my-bot
  appctl --yes app delete 3")]
    Delete {
        /// App ID or name
        #[arg(add = ArgValueCompleter::new(complete::apps))]
        app: OsString,
    },
    /// Suspend an app: its credentials cannot be created or regenerated
    #[command(after_help = "\
Examples:
  appctl app suspend my-bot --reason \"leaked API secret\"")]
    Suspend {
        /// App ID or name
        #[arg(add = ArgValueCompleter::new(complete::apps))]
        app: OsString,
        /// Why (shown in listings)
        #[arg(long, value_name = "TEXT")]
        reason: OsString,
    },
    /// Lift an app's suspension
    #[command(after_help = "\
Examples:
  appctl app reinstate my-bot")]
    Reinstate {
        /// App ID or name
        #[arg(add = ArgValueCompleter::new(complete::apps))]
        app: OsString,
    },
}

/// on or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Toggle {
    /// Turn on.
    On,
    /// Turn off.
    Off,
}

/// App detail flags shared by `app create` and `app update`.
#[derive(Debug, Args)]
pub struct DetailArgs {
    /// Description, 10–200 characters
    #[arg(long, value_name = "TEXT")]
    pub description: Option<OsString>,
    /// Icon: a PNG, JPEG or GIF file of at most 700 KiB ("" removes it)
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub icon: Option<OsString>,
    /// Website URL (http or https)
    #[arg(long, value_name = "URL")]
    pub website_url: Option<OsString>,
    /// Add a callback URL (repeatable; at most 10 in all)
    #[arg(long = "callback-url", value_name = "URL")]
    pub callback_urls: Vec<OsString>,
    /// Terms of service URL
    #[arg(long, value_name = "URL")]
    pub terms_url: Option<OsString>,
    /// Privacy policy URL
    #[arg(long, value_name = "URL")]
    pub privacy_url: Option<OsString>,
    /// Organization name
    #[arg(long, value_name = "NAME")]
    pub organization_name: Option<OsString>,
    /// Organization URL
    #[arg(long, value_name = "URL")]
    pub organization_url: Option<OsString>,
    /// Use case, at most 200 characters
    #[arg(long, value_name = "TEXT")]
    pub use_case: Option<OsString>,
    /// 3-legged OAuth ("sign in with"): needs a callback URL
    #[arg(long, value_name = "on|off")]
    pub three_legged_oauth: Option<Toggle>,
    /// Request the user's email: needs terms and privacy URLs
    #[arg(long, value_name = "on|off")]
    pub request_email: Option<Toggle>,
    /// Permission level of access tokens
    #[arg(long, value_name = "LEVEL")]
    pub permissions: Option<Permissions>,
}

/// How a command that makes secrets prints them.
#[derive(Debug, Args)]
pub struct SecretOutput {
    /// Print the new secrets as KEY=value lines, for `source` or a .env file
    #[arg(long)]
    pub env: bool,
    /// With --env, start every variable's name with PREFIX (such as DEMO_), so
    /// that several apps fit in one .env file; implies --env
    #[arg(long, value_name = "PREFIX")]
    pub env_prefix: Option<String>,
}

/// `keys` subcommands.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Metadata of every credential of an app (never the values)
    #[command(after_help = "\
Examples:
  appctl keys list my-bot
  appctl --json keys list 3")]
    List {
        /// App ID or name
        #[arg(add = ArgValueCompleter::new(complete::apps))]
        app: OsString,
    },
    /// Make a credential where none is active; prints it once
    #[command(after_help = "\
Examples:
  appctl keys create my-bot access
  appctl keys create my-bot access --env >> .env
  appctl --json keys create 3 access")]
    Create {
        /// App ID or name
        #[arg(add = ArgValueCompleter::new(complete::apps))]
        app: OsString,
        /// consumer, bearer or access
        kind: CredentialKind,
        #[command(flatten)]
        user: UserArg,
        #[command(flatten)]
        secrets: SecretOutput,
    },
    /// Replace a credential; prints the new one once and says what else became invalid
    #[command(after_help = "\
Examples:
  appctl keys regenerate my-bot consumer
  appctl --json keys regenerate my-bot access")]
    Regenerate {
        /// App ID or name
        #[arg(add = ArgValueCompleter::new(complete::apps))]
        app: OsString,
        /// consumer, bearer or access
        kind: CredentialKind,
        #[command(flatten)]
        user: UserArg,
        #[command(flatten)]
        secrets: SecretOutput,
    },
    /// Revoke a credential (asks for confirmation, or --yes)
    #[command(after_help = "\
Examples:
  appctl keys revoke my-bot access
  appctl --yes keys revoke my-bot bearer")]
    Revoke {
        /// App ID or name
        #[arg(add = ArgValueCompleter::new(complete::apps))]
        app: OsString,
        /// consumer, bearer or access
        kind: CredentialKind,
        #[command(flatten)]
        user: UserArg,
    },
    /// Store credentials made elsewhere, read from stdin or --file (never
    /// from the command line)
    ///
    /// The input is either a JSON object with the names appctl prints
    /// (`api_key`, `api_secret`, `bearer_token`, `access_token`,
    /// `access_token_secret`), at its top or in its `secrets` object, or
    /// `NAME=value` lines as `--env` writes them (API_KEY=…, with or without
    /// a prefix). Values are printable ASCII without spaces, 8–200
    /// characters. The values are never shown again.
    #[command(after_help = "\
Examples:
  appctl keys import my-bot consumer < keys.json
  appctl keys import my-bot access --user bob --file bob.env
  appctl keys import my-bot consumer --replace --env-prefix BOT_ < .env")]
    Import {
        /// App ID or name
        app: OsString,
        /// consumer, bearer or access
        kind: CredentialKind,
        #[command(flatten)]
        user: UserArg,
        /// Read the values from FILE instead of stdin
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
        /// Replace an active credential of this kind
        #[arg(long)]
        replace: bool,
        /// In NAME=value input, read only the names that start with PREFIX
        /// (needed when the input holds several apps' values)
        #[arg(long, value_name = "PREFIX")]
        env_prefix: Option<String>,
    },
    /// Check one HTTP/1.1 request, read from stdin, against the store
    ///
    /// The request is a request line (a path, or an absolute URL), headers,
    /// a blank line and the body. It verifies an OAuth 1.0a HMAC-SHA1
    /// signature (parameters from the Authorization header, the query and a
    /// form body), a Bearer token, or Basic key:secret; and reports the app,
    /// the user, the access level in force for the token and whether it is
    /// stale. Exit 0 valid, 5 invalid (with a reason), 9 when the request
    /// cannot be parsed.
    ///
    /// It keeps no state, so it cannot see a nonce used twice: a replayed
    /// request verifies here (only a server that remembers nonces can
    /// refuse one).
    #[command(after_help = "\
Examples:
  appctl keys verify < request.http
  appctl --json keys verify --at 2011-10-14T20:09:18Z < request.http
  appctl keys verify --scheme http --explain < request.http")]
    Verify {
        /// The scheme the request arrived over, when its request line is a path
        #[arg(long, value_name = "SCHEME", default_value = "https")]
        scheme: SchemeArg,
        /// Verify at TIME (RFC 3339 such as 2011-10-14T20:09:18Z, or Unix
        /// seconds) instead of now
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
        /// Also print the signature base string the request should be
        /// signed over (it holds no secret)
        #[arg(long)]
        explain: bool,
    },
}

/// The scheme of a request whose request line is a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemeArg {
    /// https (port 443 by default)
    Https,
    /// http (port 80 by default)
    Http,
}

/// Whose access token a command means.
#[derive(Debug, Args)]
pub struct UserArg {
    /// For an access token: the user (handle or ID) it acts for [default: the owner]
    #[arg(long, value_name = "USER")]
    pub user: Option<OsString>,
}

/// `users` subcommands.
#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Add a local test user; prints the new user's numeric ID
    #[command(after_help = "\
Examples:
  appctl users add bob
  appctl users add bob_test --name \"Bob Tester\" --email bob@example.com")]
    Add {
        /// 1–15 letters, digits or underscores, unique ignoring case
        handle: OsString,
        /// Display name, 1–50 characters
        #[arg(long, value_name = "NAME")]
        name: Option<OsString>,
        /// Email address
        #[arg(long, value_name = "EMAIL")]
        email: Option<OsString>,
    },
    /// List the owner and the local users
    #[command(after_help = "\
Examples:
  appctl users list
  appctl --json users list")]
    List,
    /// Show a user and the apps it holds access tokens for
    #[command(after_help = "\
Examples:
  appctl users show bob
  appctl users show @bob")]
    Show {
        /// Handle or numeric ID
        user: OsString,
    },
    /// Remove a local user and revoke its access tokens (the owner cannot be removed)
    #[command(after_help = "\
Examples:
  appctl users remove bob
  appctl --yes users remove bob_test")]
    Remove {
        /// Handle or numeric ID
        user: OsString,
    },
}
