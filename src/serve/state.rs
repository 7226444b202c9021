//! What the server's threads share: the store as of the last completed
//! write, the stop flag, and the error that stopped it.

use super::nonces::{Nonces, Seen};
use super::oauth1::Flow;
use crate::error::{Error, Kind, Result};
use crate::model::CredentialKind;
use crate::oauth::{Found, Lookup};
use crate::store::{Directory, Stamp, Store};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

struct Current {
    store: Store,
    stamp: Option<Stamp>,
    /// The credentials and people of `store`, read once per read of the
    /// store (a lookup in the store itself reads every credential row);
    /// `None` until the first request after a read needs it.
    directory: Option<Arc<Directory>>,
}

/// The store as a handler sees it: read with [`std::ops::Deref`], and
/// credentials found through the index of this very read.
pub struct View<'a> {
    store: &'a Store,
    directory: &'a Directory,
}

impl std::ops::Deref for View<'_> {
    type Target = Store;

    fn deref(&self) -> &Store {
        self.store
    }
}

impl Lookup for View<'_> {
    fn find(&self, kind: CredentialKind, key: &str) -> Result<Option<Found>> {
        self.directory.find(kind, key)
    }
}

/// The shared state.
pub struct Shared {
    current: Mutex<Current>,
    stop: Arc<AtomicBool>,
    fatal: Mutex<Option<Error>>,
    nonces: Mutex<Nonces>,
    flow: Mutex<Flow>,
    approve_as: Option<String>,
    aliases: Vec<String>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Shared {
    pub fn new(
        store: Store,
        stop: Arc<AtomicBool>,
        approve_as: Option<String>,
        aliases: Vec<String>,
    ) -> Shared {
        let stamp = Stamp::of(store.path()).ok();
        Shared {
            current: Mutex::new(Current {
                store,
                stamp,
                directory: None,
            }),
            stop,
            fatal: Mutex::new(None),
            nonces: Mutex::new(Nonces::default()),
            flow: Mutex::new(Flow::default()),
            approve_as,
            aliases,
        }
    }

    /// `--alias-origin`: the other origins a signature may be made for.
    pub fn aliases(&self) -> &[String] {
        &self.aliases
    }

    /// Remembers a signed request's nonce; see [`Nonces::check`].
    pub fn nonce(&self, app: i64, timestamp: i64, nonce: &[u8], now: i64) -> Seen {
        lock(&self.nonces).check(app, timestamp, nonce, now)
    }

    /// The pending request tokens of the 3-legged flow.
    pub fn flow(&self) -> MutexGuard<'_, Flow> {
        lock(&self.flow)
    }

    /// `--approve-as`: the user who approves every request token at once.
    pub fn approve_as(&self) -> Option<&str> {
        self.approve_as.as_deref()
    }

    /// Whether the server is stopping.
    pub fn stopping(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// The error that stopped the server, if one did.
    pub fn fatal(&self) -> Option<Error> {
        lock(&self.fatal).clone()
    }

    fn stop_with(&self, e: Error) {
        lock(&self.fatal).get_or_insert(e);
        self.stop.store(true, Ordering::SeqCst);
    }

    /// Reads the store again if any command wrote it since (one `stat`);
    /// a store with a new data key stops the server.
    fn refresh(&self, cur: &mut Current) -> Result<()> {
        let now = Stamp::of(cur.store.path())?;
        if cur.stamp == Some(now) {
            return Ok(());
        }
        match cur.store.reread() {
            Ok(store) => {
                cur.store = store;
                cur.stamp = Some(now);
                cur.directory = None;
                Ok(())
            }
            Err(e) if e.kind() == Kind::Auth => {
                let e = Error::new(
                    Kind::Auth,
                    format!(
                        "store {} got a new data key (passwd or recover) while the server ran",
                        cur.store.path().display()
                    ),
                )
                .with_hint("start `appctl serve` again, unlocking with the new passphrase");
                self.stop_with(e.clone());
                Err(e)
            }
            Err(e) => Err(e),
        }
    }

    /// Runs `f` on the store as of the last completed write: one `stat`,
    /// and a read with the held key only when the file changed.
    pub fn with_store<T>(&self, f: impl FnOnce(&View<'_>) -> Result<T>) -> Result<T> {
        let mut cur = lock(&self.current);
        self.refresh(&mut cur)?;
        let directory = Self::read_directory(&mut cur)?;
        f(&View {
            store: &cur.store,
            directory: &directory,
        })
    }

    /// The credentials and people of the store as of the last completed
    /// write, to answer from without holding the store: the store's lock
    /// is held only for the `stat` (and a read when the file changed).
    pub fn directory(&self) -> Result<Arc<Directory>> {
        let mut cur = lock(&self.current);
        self.refresh(&mut cur)?;
        Self::read_directory(&mut cur)
    }

    fn read_directory(cur: &mut Current) -> Result<Arc<Directory>> {
        if let Some(d) = &cur.directory {
            return Ok(Arc::clone(d));
        }
        let d = Arc::new(cur.store.directory()?);
        cur.directory = Some(Arc::clone(&d));
        Ok(d)
    }

    /// Runs `f` on the store under the writers' lock, read as it is now
    /// with the held key, and saves it with the CLI's atomic write. `f`
    /// looks up what it changes again, since another command may have
    /// changed it.
    pub fn write<T>(&self, f: impl FnOnce(&Store) -> Result<T>) -> Result<T> {
        let unlocked = {
            let mut cur = lock(&self.current);
            self.refresh(&mut cur)?;
            cur.store.reread()?
        };
        // The wait for another command's lock (and the disk) holds up no
        // request that only reads: `current` is not held meanwhile. Two
        // writes of the server's wait for each other's lock as commands do.
        let mut w = unlocked.relock(WRITE_LOCK_TIMEOUT)?;
        let out = f(&w)?;
        w.save()?;
        drop(w);
        // The next request reads what was just written.
        lock(&self.current).stamp = None;
        Ok(out)
    }
}

/// How long a write waits for another command's lock.
const WRITE_LOCK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
