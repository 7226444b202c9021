//! What the server's threads share: the store as of the last completed
//! write, the stop flag, and the error that stopped it.

use crate::error::{Error, Kind, Result};
use crate::store::{Stamp, Store};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

struct Current {
    store: Store,
    stamp: Option<Stamp>,
}

/// The shared state.
pub struct Shared {
    current: Mutex<Current>,
    stop: Arc<AtomicBool>,
    fatal: Mutex<Option<Error>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Shared {
    pub fn new(store: Store, stop: Arc<AtomicBool>) -> Shared {
        let stamp = Stamp::of(store.path()).ok();
        Shared {
            current: Mutex::new(Current { store, stamp }),
            stop,
            fatal: Mutex::new(None),
        }
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

    /// Runs `f` on the store as of the last completed write: one `stat`,
    /// and a read with the held key only when the file changed.
    pub fn with_store<T>(&self, f: impl FnOnce(&Store) -> Result<T>) -> Result<T> {
        let mut cur = lock(&self.current);
        let now = Stamp::of(cur.store.path())?;
        if cur.stamp != Some(now) {
            match cur.store.reread() {
                Ok(store) => {
                    cur.store = store;
                    cur.stamp = Some(now);
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
                    return Err(e);
                }
                Err(e) => return Err(e),
            }
        }
        f(&cur.store)
    }
}
