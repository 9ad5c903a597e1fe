//! Tokens in memory (lost at exit): one process's store, and the reference the database
//! stores are tested against.

use super::{Expect, Listing, Put, StoreFuture, Stored, StoredBan, TokenStore};
use crate::oauth::Token;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// Tokens in memory (lost at exit).
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    rows: HashMap<i64, Row>,
    bans: HashMap<String, SystemTime>,
}

#[derive(Debug)]
struct Row {
    stored: Stored,
    lease: Option<(String, SystemTime)>,
}

/// Bans kept at most (a peer's sub codes name scopes; ended ones are dropped first).
const BANS_KEPT: usize = 4096;

impl MemoryStore {
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

fn ready<'a, T: Send + 'a>(v: T) -> StoreFuture<'a, T> {
    Box::pin(std::future::ready(Ok(v)))
}

fn sorted(mut tokens: Vec<(i64, Stored)>, by_expiry: bool) -> Listing {
    if by_expiry {
        tokens.sort_by_key(|(s, t)| (t.token.expire_time, *s));
    } else {
        tokens.sort_by_key(|(s, _)| *s);
    }
    Listing {
        tokens,
        unreadable: Vec::new(),
    }
}

impl TokenStore for MemoryStore {
    fn get(&self, shop: i64) -> StoreFuture<'_, Option<Stored>> {
        ready(self.with(|st| st.rows.get(&shop).map(|r| r.stored.clone())))
    }

    fn put<'a>(&'a self, shop: i64, token: &'a Token, expect: Expect) -> StoreFuture<'a, Put> {
        ready(self.with(|st| {
            let current = st.rows.get(&shop).map(|r| r.stored.version);
            let ok = match expect {
                Expect::Any => true,
                Expect::Absent => current.is_none(),
                Expect::Version(v) => current == Some(v),
            };
            if !ok {
                return Put::Conflict { current };
            }
            let version = current.unwrap_or(0) + 1;
            st.rows.insert(
                shop,
                Row {
                    stored: Stored {
                        token: token.clone(),
                        version,
                        revoked: None,
                    },
                    lease: None,
                },
            );
            Put::Stored { version }
        }))
    }

    fn remove(&self, shop: i64) -> StoreFuture<'_, bool> {
        ready(self.with(|st| st.rows.remove(&shop).is_some()))
    }

    fn list(&self) -> StoreFuture<'_, Listing> {
        let all = self.with(|st| {
            st.rows
                .iter()
                .map(|(k, r)| (*k, r.stored.clone()))
                .collect()
        });
        ready(sorted(all, false))
    }

    fn expiring(&self, before: SystemTime) -> StoreFuture<'_, Listing> {
        let limit = crate::time::epoch_millis(before);
        let due = self.with(|st| {
            st.rows
                .iter()
                .filter(|(_, r)| r.stored.token.expire_time.is_some_and(|e| e < limit))
                .map(|(k, r)| (*k, r.stored.clone()))
                .collect()
        });
        ready(sorted(due, true))
    }

    fn claim<'a>(
        &'a self,
        worker: &'a str,
        before: SystemTime,
        lease: Duration,
        limit: usize,
    ) -> StoreFuture<'a, Listing> {
        let horizon = crate::time::epoch_millis(before);
        let now = SystemTime::now();
        let claimed = self.with(|st| {
            let mut due: Vec<(i64, Option<i64>)> = st
                .rows
                .iter()
                .filter(|(_, r)| {
                    r.stored.revoked.is_none()
                        && r.stored.token.expire_time.is_some_and(|e| e < horizon)
                        && r.lease.as_ref().is_none_or(|(_, until)| *until <= now)
                })
                .map(|(k, r)| (*k, r.stored.token.expire_time))
                .collect();
            due.sort_by_key(|(s, e)| (*e, *s));
            due.truncate(limit);
            due.into_iter()
                .filter_map(|(shop, _)| {
                    let r = st.rows.get_mut(&shop)?;
                    r.stored.version += 1;
                    r.lease = Some((worker.to_string(), now + lease));
                    Some((shop, r.stored.clone()))
                })
                .collect()
        });
        ready(Listing {
            tokens: claimed,
            unreadable: Vec::new(),
        })
    }

    fn revoke<'a>(&'a self, shop: i64, version: u64, why: &'a str) -> StoreFuture<'a, bool> {
        ready(self.with(|st| match st.rows.get_mut(&shop) {
            Some(r) if r.stored.version == version => {
                r.stored.revoked = Some(why.to_string());
                r.stored.version += 1;
                r.lease = None;
                true
            }
            _ => false,
        }))
    }

    fn record_ban<'a>(&'a self, ban: &'a StoredBan) -> StoreFuture<'a, ()> {
        self.with(|st| {
            if st.bans.len() >= BANS_KEPT {
                let now = SystemTime::now();
                st.bans.retain(|_, until| *until > now);
            }
            if st.bans.len() < BANS_KEPT || st.bans.contains_key(&ban.scope) {
                let until = st.bans.entry(ban.scope.clone()).or_insert(ban.until);
                *until = (*until).max(ban.until);
            }
        });
        ready(())
    }

    fn bans(&self) -> StoreFuture<'_, Vec<StoredBan>> {
        let now = SystemTime::now();
        let mut out: Vec<StoredBan> = self.with(|st| {
            st.bans
                .iter()
                .filter(|(_, u)| **u > now)
                .map(|(scope, until)| StoredBan {
                    scope: scope.clone(),
                    until: *until,
                })
                .collect()
        });
        out.sort_by(|a, b| a.scope.cmp(&b.scope));
        ready(out)
    }
}
