//! Bans shared beyond one client: a [`BanBoard`] every worker of an app reaches (the
//! PostgreSQL store, or [`MemoryBans`] for clients of one process). A client publishes each
//! ban TOP hands it and reads the board in the background, every `poll_every` while calls are
//! made; a ban read there pauses exactly its scope here, as if TOP had banned this client. No
//! call waits on the board: calls read the limiter's own state, as without one.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

/// What a ban stops, as workers name it to each other.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum BanTarget {
    /// Every call of the app.
    App,
    /// Calls of one API.
    Api(String),
    /// Calls with one session, by the client's hash of it (a board never sees a session).
    Session(u64),
}

impl BanTarget {
    /// `app`, `api:<method>` or `session:<16 hex digits>`: a board's key for it.
    pub fn key(&self) -> String {
        match self {
            BanTarget::App => "app".into(),
            BanTarget::Api(m) => format!("api:{m}"),
            BanTarget::Session(h) => format!("session:{h:016x}"),
        }
    }

    /// The target of a [`BanTarget::key`]; `None` for any other text.
    pub fn from_key(key: &str) -> Option<BanTarget> {
        if key == "app" {
            return Some(BanTarget::App);
        }
        if let Some(m) = key.strip_prefix("api:").filter(|m| !m.is_empty()) {
            return Some(BanTarget::Api(m.to_string()));
        }
        let h = key.strip_prefix("session:")?;
        if h.len() != 16 {
            return None;
        }
        u64::from_str_radix(h, 16).ok().map(BanTarget::Session)
    }
}

/// What a board's calls return: their own error, shown in a warning (a board that fails
/// leaves each client with the bans it met itself).
pub type BoardResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// A boxed future of a board call.
pub type BoardFuture<'a, T> = Pin<Box<dyn Future<Output = BoardResult<T>> + Send + 'a>>;

/// Where the bans of every worker of an app meet. Times are wall-clock (workers share no
/// monotonic clock), read from each client's [`crate::Clock`].
pub trait BanBoard: Send + Sync + fmt::Debug {
    /// TOP banned `target` until `until` (a later end than one already there wins).
    fn publish(&self, target: BanTarget, until: SystemTime) -> BoardFuture<'_, ()>;
    /// The bans that end after `now`.
    fn active(&self, now: SystemTime) -> BoardFuture<'_, Vec<(BanTarget, SystemTime)>>;
}

/// A board in memory: for the clients of one process (and tests); share it with `Arc`.
#[derive(Debug, Default)]
pub struct MemoryBans {
    bans: Mutex<std::collections::HashMap<BanTarget, SystemTime>>,
}

impl MemoryBans {
    pub fn new() -> MemoryBans {
        MemoryBans::default()
    }
}

impl BanBoard for MemoryBans {
    fn publish(&self, target: BanTarget, until: SystemTime) -> BoardFuture<'_, ()> {
        let mut bans = crate::sync::lock(&self.bans);
        let end = bans.entry(target).or_insert(until);
        *end = (*end).max(until);
        Box::pin(std::future::ready(Ok(())))
    }

    fn active(&self, now: SystemTime) -> BoardFuture<'_, Vec<(BanTarget, SystemTime)>> {
        let mut bans = crate::sync::lock(&self.bans);
        bans.retain(|_, until| *until > now);
        let live = bans.iter().map(|(t, u)| (t.clone(), *u)).collect();
        Box::pin(std::future::ready(Ok(live)))
    }
}

/// A client's link to its board: what was read and not yet applied, and when to read again.
pub(super) struct Shared {
    pub(super) board: std::sync::Arc<dyn BanBoard>,
    poll_every: Duration,
    /// Nanoseconds after `epoch` of the next read.
    next_poll: AtomicU64,
    epoch: Instant,
    polling: AtomicBool,
    /// Bans read from the board, for the next call to apply.
    pub(super) inbox: Mutex<Vec<(BanTarget, SystemTime)>>,
    pub(super) inbox_full: AtomicBool,
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shared")
            .field("board", &self.board)
            .field("poll_every", &self.poll_every)
            .finish_non_exhaustive()
    }
}

impl Shared {
    pub(super) fn new(board: std::sync::Arc<dyn BanBoard>, poll_every: Duration) -> Shared {
        Shared {
            board,
            poll_every,
            next_poll: AtomicU64::new(0),
            epoch: Instant::now(),
            polling: AtomicBool::new(false),
            inbox: Mutex::default(),
            inbox_full: AtomicBool::new(false),
        }
    }

    fn now_ns(&self) -> u64 {
        self.epoch.elapsed().as_nanos().min(u128::from(u64::MAX)) as u64
    }

    /// Whether a read of the board is due and nobody is reading it: then the caller reads.
    pub(super) fn poll_due(&self) -> bool {
        self.now_ns() >= self.next_poll.load(Ordering::Relaxed)
            && !self.polling.swap(true, Ordering::AcqRel)
    }

    /// A read is over (whatever it gave): the next one after `poll_every`.
    pub(super) fn polled(&self, read: Option<Vec<(BanTarget, SystemTime)>>) {
        if let Some(bans) = read.filter(|b| !b.is_empty()) {
            crate::sync::lock(&self.inbox).extend(bans);
            self.inbox_full.store(true, Ordering::Release);
        }
        let next = self
            .now_ns()
            .saturating_add(self.poll_every.as_nanos().min(u128::from(u64::MAX)) as u64);
        self.next_poll.store(next, Ordering::Relaxed);
        self.polling.store(false, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_strangers_are_refused() {
        for t in [
            BanTarget::App,
            BanTarget::Api("taobao.trade.get".into()),
            BanTarget::Session(0x00ab_cdef_0123_4567),
        ] {
            assert_eq!(BanTarget::from_key(&t.key()), Some(t));
        }
        for bad in ["", "apps", "api:", "session:12", "session:zzzzzzzzzzzzzzzz"] {
            assert_eq!(BanTarget::from_key(bad), None, "{bad}");
        }
    }
}
