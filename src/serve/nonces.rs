//! The nonces seen in signed requests, so that a replay is refused. A
//! nonce is remembered, with its app and timestamp, until its
//! timestamp leaves the window `oauth::verify` accepts; at most
//! [`MAX_NONCES`] at once (a few dozen bytes each; docs/performance.md).

use crate::oauth::verify::TIMESTAMP_WINDOW;
use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, RandomState};

/// At most this many nonces are remembered; when full, a new signed
/// request is refused until old ones expire.
pub const MAX_NONCES: usize = 1 << 20;

/// What [`Nonces::check`] says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// First use: now remembered.
    New,
    /// Used before within the window.
    Replayed,
    /// The memory is full.
    Full,
}

/// The memory.
#[derive(Default)]
pub struct Nonces {
    hasher: RandomState,
    /// The hash of (app, timestamp, nonce) → when it may be forgotten.
    seen: HashMap<u64, i64>,
    /// In order of arrival, to forget the oldest first.
    order: VecDeque<(i64, u64)>,
}

impl Nonces {
    /// Remembers `nonce` of app `app` at `timestamp`, seen at `now`. An
    /// app has one consumer key at a time, so its ID stands for the key.
    pub fn check(&mut self, app: i64, timestamp: i64, nonce: &[u8], now: i64) -> Seen {
        while let Some(&(until, h)) = self.order.front() {
            if until >= now {
                break;
            }
            self.order.pop_front();
            if self.seen.get(&h) == Some(&until) {
                self.seen.remove(&h);
            }
        }
        let h = self.hasher.hash_one((app, timestamp, nonce));
        if self.seen.contains_key(&h) {
            return Seen::Replayed;
        }
        if self.seen.len() >= MAX_NONCES {
            return Seen::Full;
        }
        // Forgotten once no request with this timestamp verifies any more,
        // and at least a whole window from now.
        let until = timestamp.max(now) + TIMESTAMP_WINDOW;
        self.seen.insert(h, until);
        self.order.push_back((until, h));
        Seen::New
    }

    /// How many nonces are remembered.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nonce_is_refused_again_until_its_window_passed() {
        let mut n = Nonces::default();
        assert_eq!(n.check(1, 1000, b"a", 1000), Seen::New);
        assert_eq!(n.check(1, 1000, b"a", 1001), Seen::Replayed);
        assert_eq!(n.check(2, 1000, b"a", 1001), Seen::New);
        assert_eq!(n.check(1, 1001, b"a", 1001), Seen::New);
        assert_eq!(n.len(), 3);
        assert_eq!(n.check(9, 0, b"z", 1000 + TIMESTAMP_WINDOW + 2), Seen::New);
        assert_eq!(n.len(), 1);
    }
}
