//! The mock TMC server's queue: messages per group, who holds which, confirms, fails and
//! redelivery, and what it saw ([`TmcStats`]).

use crate::Secret;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::Notify;

/// A message to queue.
#[derive(Clone, Debug)]
pub struct Published {
    pub topic: String,
    pub content: String,
    /// Default: `default`.
    pub group: Option<String>,
    pub user_id: Option<i64>,
    pub user_nick: Option<String>,
    /// Default: the mock's app key.
    pub publisher: Option<String>,
    /// Send the content gzip-compressed (format 7), as TMC does for large contents.
    pub gzip: bool,
    pub data_id: Option<i64>,
}

impl Published {
    pub fn new(topic: impl Into<String>, content: impl Into<String>) -> Published {
        Published {
            topic: topic.into(),
            content: content.into(),
            group: None,
            user_id: None,
            user_nick: None,
            publisher: None,
            gzip: false,
            data_id: None,
        }
    }

    pub fn group(mut self, g: impl Into<String>) -> Published {
        self.group = Some(g.into());
        self
    }

    pub fn user(mut self, id: i64, nick: impl Into<String>) -> Published {
        self.user_id = Some(id);
        self.user_nick = Some(nick.into());
        self
    }

    pub fn gzip(mut self, on: bool) -> Published {
        self.gzip = on;
        self
    }

    pub fn data_id(mut self, id: i64) -> Published {
        self.data_id = Some(id);
        self
    }
}

#[derive(Clone, Debug)]
pub(super) struct Stored {
    pub(super) id: i64,
    pub(super) msg: Arc<Published>,
    pub(super) time_ms: i64,
    pub(super) retried: bool,
}

/// Who holds a message handed out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Owner {
    Session(u64),
    /// Consumed over HTTP: redelivered after the deadline unless confirmed.
    Http(Instant),
}

#[derive(Default)]
pub(super) struct Group {
    pub(super) ready: VecDeque<Stored>,
    pub(super) in_flight: HashMap<i64, (Owner, Stored)>,
    pub(super) delayed: Vec<(Instant, Stored)>,
}

/// What the mock saw, for assertions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TmcStats {
    pub published: u64,
    /// Data frames pushed (redeliveries included).
    pub pushed: u64,
    /// Distinct ids confirmed.
    pub confirmed: u64,
    /// Confirms of an id already confirmed.
    pub duplicate_confirms: u64,
    /// Fails received: `(id, reason)`.
    pub failed: Vec<(i64, String)>,
    /// Connects refused (bad sign, app key or token).
    pub refused: u64,
    pub connects: u64,
}

pub(super) struct Broker {
    pub(super) app_key: String,
    pub(super) app_secret: Secret<String>,
    pub(super) redeliver_after: Mutex<Duration>,
    pub(super) window: Mutex<usize>,
    /// How long a client has for the websocket handshake and its CONNECT, and how long a
    /// connected one may stay silent (the official clients ping after 45 s idle).
    pub(super) timeouts: Mutex<(Duration, Duration)>,
    pub(super) state: Mutex<BrokerState>,
    pub(super) notify: Notify,
}

#[derive(Default)]
pub(super) struct BrokerState {
    pub(super) next_id: i64,
    pub(super) next_session: u64,
    pub(super) groups: HashMap<String, Group>,
    /// session id -> (group, token)
    pub(super) sessions: HashMap<u64, (String, String)>,
    pub(super) tokens_issued: HashSet<String>,
    pub(super) confirmed: HashSet<i64>,
    pub(super) stats: TmcStats,
    /// What ends each connected session (dropped with it).
    pub(super) kill: HashMap<u64, tokio::sync::oneshot::Sender<()>>,
}

pub(super) use crate::sync::lock;

pub(super) fn now_ms() -> i64 {
    crate::time::epoch_millis(SystemTime::now())
}

impl Broker {
    pub(super) fn publish(&self, msg: Published) -> i64 {
        let group = msg.group.clone().unwrap_or_else(|| "default".into());
        let id = {
            let mut st = lock(&self.state);
            // Ids of TMC's size (19 digits, past 2^53), so clients that go through f64 fail.
            // Ids go on from the clock (microseconds), so a listener that outlives a restart
            // of the mock does not take new messages for ones it has seen.
            if st.next_id == 0 {
                st.next_id = SystemTime::now()
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(0));
            }
            st.next_id += 1;
            let id = 2_131_800_080_537_681_920 + st.next_id;
            st.stats.published += 1;
            st.groups.entry(group).or_default().ready.push_back(Stored {
                id,
                msg: Arc::new(msg),
                time_ms: now_ms(),
                retried: false,
            });
            id
        };
        self.notify.notify_waiters();
        id
    }

    /// Moves due redeliveries (and expired HTTP consumes) back to the ready queues.
    pub(super) fn promote(st: &mut BrokerState, now: Instant) -> bool {
        let mut moved = false;
        for g in st.groups.values_mut() {
            let expired: Vec<i64> = g
                .in_flight
                .iter()
                .filter(|(_, (o, _))| matches!(o, Owner::Http(d) if *d <= now))
                .map(|(id, _)| *id)
                .collect();
            for id in expired {
                if let Some((_, mut s)) = g.in_flight.remove(&id) {
                    s.retried = true;
                    g.ready.push_back(s);
                    moved = true;
                }
            }
            let (due, later): (Vec<_>, Vec<_>) = g.delayed.drain(..).partition(|(t, _)| *t <= now);
            g.delayed = later;
            for (_, s) in due {
                g.ready.push_back(s);
                moved = true;
            }
        }
        moved
    }

    pub(super) fn confirm(&self, id: i64) {
        let mut guard = lock(&self.state);
        let st = &mut *guard;
        for g in st.groups.values_mut() {
            if g.in_flight.remove(&id).is_none() {
                g.ready.retain(|s| s.id != id);
                g.delayed.retain(|(_, s)| s.id != id);
            }
        }
        if st.confirmed.insert(id) {
            st.stats.confirmed += 1;
        } else {
            st.stats.duplicate_confirms += 1;
        }
        drop(guard);
        self.notify.notify_waiters();
    }

    pub(super) fn fail(&self, id: i64, reason: String) {
        let delay = *lock(&self.redeliver_after);
        let mut st = lock(&self.state);
        st.stats.failed.push((id, reason));
        if st.confirmed.contains(&id) {
            return;
        }
        for g in st.groups.values_mut() {
            if let Some((_, mut s)) = g.in_flight.remove(&id) {
                s.retried = true;
                g.delayed.push((Instant::now() + delay, s));
            }
        }
        drop(st);
        self.notify.notify_waiters();
    }

    /// A session ended: what it held comes back after the redelivery delay.
    pub(super) fn session_gone(&self, session: u64) {
        let delay = *lock(&self.redeliver_after);
        let mut st = lock(&self.state);
        st.sessions.remove(&session);
        st.kill.remove(&session);
        for g in st.groups.values_mut() {
            let held: Vec<i64> = g
                .in_flight
                .iter()
                .filter(|(_, (o, _))| *o == Owner::Session(session))
                .map(|(id, _)| *id)
                .collect();
            for id in held {
                if let Some((_, mut s)) = g.in_flight.remove(&id) {
                    s.retried = true;
                    g.delayed.push((Instant::now() + delay, s));
                }
            }
        }
    }

    /// Up to `max` messages for `session` of `group`, marked as held by it.
    pub(super) fn take(&self, group: &str, owner: Owner, max: usize) -> Vec<Stored> {
        let window = *lock(&self.window);
        let mut st = lock(&self.state);
        Self::promote(&mut st, Instant::now());
        let Some(g) = st.groups.get_mut(group) else {
            return Vec::new();
        };
        let held = match owner {
            Owner::Session(_) => g.in_flight.values().filter(|(o, _)| *o == owner).count(),
            Owner::Http(_) => 0,
        };
        let room = window.saturating_sub(held).min(max);
        let mut out = Vec::with_capacity(room.min(g.ready.len()));
        while out.len() < room {
            let Some(s) = g.ready.pop_front() else { break };
            g.in_flight.insert(s.id, (owner, s.clone()));
            out.push(s);
        }
        st.stats.pushed += out.len() as u64;
        out
    }
}
