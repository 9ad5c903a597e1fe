//! Data keys from `taobao.top.secret.get`, cached by (scope, version) (security.md §2, §11).
//!
//! Unlike the official Java cache, which keeps one app-level key per app whatever its version
//! (so decrypting an old-version value swaps the key that later encryptions use), an entry here
//! is one scope's one version: the current key, the previous key and each version read from a
//! ciphertext are separate entries, and the current key is also filed under its own version
//! (decrypting what was just encrypted fetches nothing). An entry is used as it is until
//! `interval` has passed, then used while one background task refreshes it, until
//! `max_interval`; after that it is fetched before use. Concurrent callers of a cold entry wait
//! for one fetch. The cache holds at most `capacity` entries (expired ones go first, then the
//! least recently used).

use super::SecurityError;
use super::api::taobao_top_secret_get as secret_get;
use super::config::AppConfig;
use super::crypto::Key;
use crate::sync::lock;
use crate::{Clock, Error};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

/// Whose key: the app's, a shop's (its session), or an account of the ISV's own registered
/// with `taobao.top.secret.register` (its user id; the official client's session `"_<id>"`).
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The app-level key; its ciphertexts carry a negative version.
    App,
    /// The key of the shop whose session this is.
    Session(String),
    /// The key of a customer account (sent as `customer_user_id`, without a session).
    Customer(u64),
}

impl std::fmt::Debug for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scope::App => f.write_str("App"),
            Scope::Session(_) => f.write_str("Session(***)"),
            Scope::Customer(id) => write!(f, "Customer({id})"),
        }
    }
}

impl Scope {
    /// The official client's `session` argument: none is the app, `"_<digits>"` a customer
    /// account, anything else a shop's session.
    pub fn from_session(session: Option<&str>) -> Result<Scope, SecurityError> {
        match session {
            None => Ok(Scope::App),
            Some(s) => match s.strip_prefix('_') {
                Some(id) => id
                    .parse()
                    .ok()
                    .filter(|_| id.bytes().all(|b| b.is_ascii_digit()))
                    .map(Scope::Customer)
                    .ok_or(SecurityError::CustomerSession),
                None => Ok(Scope::Session(s.to_string())),
            },
        }
    }

    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Scope::App => "app",
            Scope::Session(_) => "session",
            Scope::Customer(_) => "customer",
        }
    }
}

/// Which version of a scope's key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Want {
    Current,
    /// The one before the current (`secret_version=-1`), for migrations.
    Previous,
    /// The version a ciphertext names (positive).
    Version(i64),
}

/// A key ready for use, with its version (positive).
#[derive(Clone, Debug)]
pub(crate) struct Resolved {
    pub key: Arc<Key>,
    pub version: i64,
}

#[derive(Clone)]
struct Entry {
    /// `None`: the platform has no key here (20005, a beta app, an answer without `secret`).
    key: Option<Resolved>,
    fresh_until: SystemTime,
    usable_until: SystemTime,
}

struct Slot {
    entry: Mutex<Option<Entry>>,
    /// Held by whoever fetches the entry: waiters find it fetched when they get it.
    fetch: tokio::sync::Mutex<()>,
    refreshing: AtomicBool,
    last_used: AtomicU64,
}

type CacheKey = (Scope, Want);
/// One scope's entries, a version each (a scope holds one or two).
type Versions = Vec<(Want, Arc<Slot>)>;

/// The cache: each scope's entries by version. A lookup borrows the caller's scope (a hit
/// allocates nothing); `len` counts the entries of all scopes.
#[derive(Default)]
struct Slots {
    by_scope: crate::fnv::FnvMap<Scope, Versions>,
    len: usize,
}

impl Slots {
    fn get(&self, scope: &Scope, want: Want) -> Option<&Arc<Slot>> {
        let v = self.by_scope.get(scope)?;
        v.iter().find(|(w, _)| *w == want).map(|(_, s)| s)
    }

    fn insert(&mut self, scope: &Scope, want: Want, slot: Arc<Slot>) {
        self.by_scope
            .entry(scope.clone())
            .or_default()
            .push((want, slot));
        self.len += 1;
    }

    fn retain(&mut self, mut keep: impl FnMut(&Arc<Slot>) -> bool) {
        let mut len = 0;
        self.by_scope.retain(|_, v| {
            v.retain(|(_, s)| keep(s));
            len += v.len();
            !v.is_empty()
        });
        self.len = len;
    }

    /// Drops the least recently used entry.
    fn evict_oldest(&mut self) -> bool {
        let Some(oldest) = self
            .by_scope
            .values()
            .flatten()
            .map(|(_, s)| s.last_used.load(Ordering::Relaxed))
            .min()
        else {
            return false;
        };
        let mut dropped = false;
        self.retain(|s| {
            let drop = !dropped && s.last_used.load(Ordering::Relaxed) == oldest;
            dropped |= drop;
            !drop
        });
        dropped
    }
}

/// What the key fetches need: the client and the `random_num` the app was given.
pub(crate) struct Keys {
    pub client: crate::Client,
    pub random_num: crate::Secret<String>,
    pub clock: Arc<dyn Clock>,
    pub capacity: usize,
    slots: Mutex<Slots>,
    uses: AtomicU64,
    /// The app's `app_config`, as the last answer that had one gave it.
    config: RwLock<Arc<AppConfig>>,
    fetches: AtomicU64,
}

/// How long an empty entry (no key) is kept, as the official client does.
const EMPTY_FRESH: Duration = Duration::from_secs(300);
const EMPTY_USABLE: Duration = Duration::from_secs(600);

impl Keys {
    pub fn new(
        client: crate::Client,
        random_num: String,
        clock: Arc<dyn Clock>,
        capacity: usize,
    ) -> Keys {
        Keys {
            client,
            random_num: crate::Secret::new(random_num),
            clock,
            capacity: capacity.max(1),
            slots: Mutex::default(),
            uses: AtomicU64::new(0),
            config: RwLock::default(),
            fetches: AtomicU64::new(0),
        }
    }

    /// `taobao.top.secret.get` calls made so far.
    pub fn fetches(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    fn slot(&self, scope: &Scope, want: Want) -> Arc<Slot> {
        let mut slots = lock(&self.slots);
        let tick = self.uses.fetch_add(1, Ordering::Relaxed);
        if let Some(s) = slots.get(scope, want) {
            s.last_used.store(tick, Ordering::Relaxed);
            return s.clone();
        }
        if slots.len >= self.capacity {
            let now = self.clock.now();
            slots.retain(|s| {
                Arc::strong_count(s) > 1
                    || lock(&s.entry)
                        .as_ref()
                        .is_some_and(|e| e.usable_until > now)
            });
            while slots.len >= self.capacity && slots.evict_oldest() {}
        }
        let s = Arc::new(Slot {
            entry: Mutex::new(None),
            fetch: tokio::sync::Mutex::new(()),
            refreshing: AtomicBool::new(false),
            last_used: AtomicU64::new(tick),
        });
        slots.insert(scope, want, s.clone());
        s
    }

    /// The key of `scope` at `want`: cached, refreshed in the background after `interval`,
    /// fetched (once for all concurrent callers) when absent or past `max_interval`.
    pub async fn get(
        self: &Arc<Self>,
        scope: &Scope,
        want: Want,
    ) -> Result<Resolved, SecurityError> {
        let slot = self.slot(scope, want);
        let now = self.clock.now();
        let cached = lock(&slot.entry).clone();
        if let Some(e) = cached.filter(|e| e.usable_until > now) {
            if e.fresh_until <= now && !slot.refreshing.swap(true, Ordering::AcqRel) {
                let ck = (scope.clone(), want);
                let keys = self.clone();
                let slot = slot.clone();
                tokio::spawn(async move {
                    let _g = slot.fetch.lock().await;
                    let stale = lock(&slot.entry)
                        .as_ref()
                        .is_none_or(|e| e.fresh_until <= keys.clock.now());
                    if stale {
                        match keys.fetch(&ck.0, ck.1).await {
                            Ok(e) => keys.store(&ck, &slot, e),
                            // The stale key serves until max_interval; then a fetch in the
                            // caller's path reports what fails.
                            Err(err) => tracing::warn!(
                                scope = ck.0.kind(),
                                error = %err,
                                "refreshing a data key failed"
                            ),
                        }
                    }
                    slot.refreshing.store(false, Ordering::Release);
                });
            }
            return resolve(e, want);
        }
        let _g = slot.fetch.lock().await;
        let now = self.clock.now();
        if let Some(e) = lock(&slot.entry).clone().filter(|e| e.usable_until > now) {
            return resolve(e, want);
        }
        let e = self.fetch(scope, want).await?;
        self.store(&(scope.clone(), want), &slot, e.clone());
        resolve(e, want)
    }

    fn store(&self, ck: &CacheKey, slot: &Slot, e: Entry) {
        *lock(&slot.entry) = Some(e.clone());
        // The current key is also that version's key: a value just encrypted decrypts
        // without a fetch.
        if let (Want::Current, Some(r)) = (ck.1, &e.key) {
            let other = self.slot(&ck.0, Want::Version(r.version));
            let mut entry = lock(&other.entry);
            if entry
                .as_ref()
                .is_none_or(|o| o.usable_until < e.usable_until)
            {
                *entry = Some(e);
            }
        }
    }

    async fn fetch(&self, scope: &Scope, want: Want) -> Result<Entry, SecurityError> {
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let mut req = secret_get::Request::new(self.random_num.expose().clone());
        match want {
            Want::Current => {}
            Want::Previous => req = req.secret_version(-1),
            Want::Version(v) => req = req.secret_version(v),
        }
        let answer = match scope {
            Scope::App => self.client.execute(&req).await,
            Scope::Session(s) => self.client.with_session(s.as_str()).execute(&req).await,
            Scope::Customer(id) => {
                let id = i64::try_from(*id).map_err(|_| SecurityError::CustomerSession)?;
                self.client.execute(&req.customer_user_id(id)).await
            }
        };
        let now = self.clock.now();
        let empty = |fresh, usable| Entry {
            key: None,
            fresh_until: now + fresh,
            usable_until: now + usable,
        };
        let resp = match answer {
            Ok(r) => r,
            // "No such version": nothing to fetch again for a while (as the official client).
            Err(Error::Api(e)) if e.sub_code.as_deref() == Some("20005") => {
                return Ok(empty(EMPTY_FRESH, EMPTY_USABLE));
            }
            Err(e) => return Err(SecurityError::Fetch(Box::new(e))),
        };
        if let Some(text) = resp.app_config.as_deref().filter(|t| !t.trim().is_empty()) {
            let parsed =
                AppConfig::parse(text).map_err(|what| SecurityError::BadAnswer { what })?;
            *crate::sync::write(&self.config) = Arc::new(parsed);
        }
        let Some(secret) = resp.secret.as_ref().filter(|s| !s.expose().is_empty()) else {
            return Ok(if self.config_now().beta {
                empty(EMPTY_FRESH, EMPTY_USABLE)
            } else {
                // Asked again at every use, as the official client does.
                empty(Duration::ZERO, Duration::ZERO)
            });
        };
        let key = Key::from_base64(secret.expose())?;
        let version = resp
            .secret_version
            .as_ref()
            .map(|v| *v.expose())
            .filter(|v| *v > 0)
            .ok_or(SecurityError::BadAnswer {
                what: "secret_version missing or not positive",
            })?;
        let secs = |v: Option<i64>, what| {
            v.filter(|s| *s >= 0)
                .map(|s| Duration::from_secs(s.unsigned_abs()))
                .ok_or(SecurityError::BadAnswer { what })
        };
        let interval = secs(resp.interval, "interval missing or negative")?;
        let max_interval = secs(resp.max_interval, "max_interval missing or negative")?;
        Ok(Entry {
            key: Some(Resolved {
                key: Arc::new(key),
                version,
            }),
            fresh_until: now.checked_add(interval).unwrap_or(now),
            usable_until: now.checked_add(max_interval.max(interval)).unwrap_or(now),
        })
    }

    pub fn config_now(&self) -> Arc<AppConfig> {
        crate::sync::read(&self.config).clone()
    }
}

fn resolve(e: Entry, want: Want) -> Result<Resolved, SecurityError> {
    e.key.ok_or(SecurityError::NoKey {
        version: match want {
            Want::Version(v) => Some(v),
            _ => None,
        },
    })
}
