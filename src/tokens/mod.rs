//! Tokens of many shops (feature `oauth`): an async [`TokenStore`] keyed by the shop's user
//! id, kept in memory ([`MemoryStore`]), in a SQLite file (`SqliteStore`, feature `sqlite`)
//! or in PostgreSQL shared by several machines (`PgStore`, feature `postgres`); [`open`]
//! picks one from a URL (`TOP_TOKEN_STORE`).
//!
//! Every stored token carries a version: a [`TokenStore::put`] can be conditional on the
//! version read ([`Expect`]), so no writer overwrites a newer token. [`refresh_expiring`]
//! claims each due token with a lease before refreshing it, so workers sharing a store refresh
//! each token once; a worker that dies loses its leases when they lapse. Bans TOP answered
//! (code 7) can be recorded in the store and shared by every worker ([`StoreBans`], a `quota::BanBoard`).

use crate::oauth::Token;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

mod bans;
mod memory;
#[cfg(feature = "postgres")]
mod postgres;
mod refresh;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod row;
#[cfg(feature = "token-seal")]
// Without a database store, a key seals nothing at rest: only `TokenKey` itself is used.
#[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
mod seal;
#[cfg(feature = "sqlite")]
mod sqlite;
mod url;

pub use bans::StoreBans;
pub use memory::MemoryStore;
#[cfg(feature = "postgres")]
pub use postgres::PgStore;
pub use refresh::{RefreshOptions, RefreshReport, Unsaved, refresh_expiring};
#[cfg(feature = "token-seal")]
pub use seal::{KEY_ENV, PREVIOUS_KEY_ENV, TokenKey};
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;
pub use url::{StoreUrl, open};

/// A store failed (the database, or a stored token that no longer reads). The message names
/// what failed and never holds a token.
#[derive(Debug)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "token store: {}", self.0)
    }
}

impl std::error::Error for StoreError {}

/// What a store method returns: boxed, so `dyn TokenStore` works.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// A shop's stored token with its version (and, once TOP refused its refresh token, why: the
/// shop must authorize again).
#[derive(Debug, Clone)]
pub struct Stored {
    pub token: Token,
    /// Raised by every write and every refresh claim.
    pub version: u64,
    /// Set when a refresh was refused for good; cleared by the next put (a new
    /// authorization).
    pub revoked: Option<String>,
}

/// The condition of a [`TokenStore::put`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Write whatever is stored (a new authorization).
    Any,
    /// Write only when the shop has no token.
    Absent,
    /// Write only over this version (the one read or claimed).
    Version(u64),
}

/// What a [`TokenStore::put`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Put {
    /// Written; the token's version now.
    Stored { version: u64 },
    /// Not written: the stored version (None: no token) is not the one expected.
    Conflict { current: Option<u64> },
}

/// The tokens of a store, and the rows that did not read (each skipped, never blocking the
/// others).
#[derive(Debug, Default)]
pub struct Listing {
    pub tokens: Vec<(i64, Stored)>,
    /// Shop and why its row does not read as a token.
    pub unreadable: Vec<(i64, String)>,
}

/// A ban recorded in a store: its scope's key (`app`, `api:<method>`, `session:<hash>`) and
/// until when it lasts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBan {
    pub scope: String,
    pub until: SystemTime,
}

/// Tokens by shop (the shop's `taobao_user_id`), shared between tasks and, for a database,
/// between processes. Every method is async: none blocks the runtime's threads.
pub trait TokenStore: Send + Sync {
    /// The shop's token, when stored. A row that does not read is an error, not "no token".
    fn get(&self, shop: i64) -> StoreFuture<'_, Option<Stored>>;
    /// Writes the shop's token if `expect` holds; a write clears the shop's lease and its
    /// revocation (a new token is a new authorization).
    fn put<'a>(&'a self, shop: i64, token: &'a Token, expect: Expect) -> StoreFuture<'a, Put>;
    /// Whether there was one.
    fn remove(&self, shop: i64) -> StoreFuture<'_, bool>;
    /// Every shop's token, by shop id.
    fn list(&self) -> StoreFuture<'_, Listing>;
    /// Tokens whose access token expires before `before` (expired ones included), soonest
    /// first.
    fn expiring(&self, before: SystemTime) -> StoreFuture<'_, Listing>;
    /// Leases to `worker`, for `lease`, up to `limit` tokens that expire before `before`, are
    /// not revoked and are not leased to anyone (or their lease lapsed), soonest first; each
    /// claim raises the version, so a put conditional on the claimed version fails once the
    /// lease has lapsed and another worker claimed the token.
    fn claim<'a>(
        &'a self,
        worker: &'a str,
        before: SystemTime,
        lease: Duration,
        limit: usize,
    ) -> StoreFuture<'a, Listing>;
    /// Marks the shop's token revoked (TOP refused its refresh token), if its version is
    /// still `version`; whether it was marked.
    fn revoke<'a>(&'a self, shop: i64, version: u64, why: &'a str) -> StoreFuture<'a, bool>;
    /// Records a ban (kept until it ends; a later end wins).
    fn record_ban<'a>(&'a self, ban: &'a StoredBan) -> StoreFuture<'a, ()>;
    /// The bans that have not ended.
    fn bans(&self) -> StoreFuture<'_, Vec<StoredBan>>;
}

/// Why [`shop_client`] has no handle for a shop.
#[derive(Debug)]
pub enum ShopError {
    /// The store holds no token of the shop.
    NotStored,
    /// TOP refused the shop's refresh token: the shop must authorize again.
    Revoked(String),
    /// The token has expired and refreshing it failed for now (transport, TOP's side).
    RefreshFailed(String),
    /// TOP issued a new token that the store did not take: it is here, and is the shop's
    /// only valid one now (the refresh token rotated): save it.
    Unsaved {
        token: Box<Token>,
        error: StoreError,
    },
    Store(StoreError),
}

impl fmt::Display for ShopError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShopError::NotStored => f.write_str("the store holds no token of this shop"),
            ShopError::Revoked(why) => {
                write!(
                    f,
                    "the shop's authorization was revoked ({why}): authorize again"
                )
            }
            ShopError::RefreshFailed(why) => {
                write!(
                    f,
                    "the shop's token expired and refreshing it failed: {why}"
                )
            }
            ShopError::Unsaved { error, .. } => write!(
                f,
                "the shop's token was refreshed but not stored ({error}): save the token this \
                 error holds"
            ),
            ShopError::Store(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ShopError {}

/// A client handle calling as `shop` (its stored token's session). A token that expires
/// within a minute is refreshed first, once per (app, shop) in this process however many
/// callers ask at once, and written over the version read (a worker elsewhere that refreshed
/// it first wins; its token is used).
pub async fn shop_client(
    store: &dyn TokenStore,
    client: &crate::Client,
    shop: i64,
) -> Result<crate::Client, ShopError> {
    let stored = refresh::fresh_token(store, client, shop).await?;
    Ok(client.with_session(stored.token.access_token.expose()))
}

/// Runs blocking store work off the runtime's threads (a SQLite call).
#[cfg(feature = "sqlite")]
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| StoreError(format!("the store's worker thread failed: {e}")))?
}
