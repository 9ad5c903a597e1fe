//! Tokens of many shops (feature `oauth`): a [`TokenStore`] keyed by the shop's user id, kept
//! in memory ([`MemoryStore`]) or in a SQLite file ([`SqliteStore`], feature `sqlite`) that
//! survives restarts and concurrent writers, and [`refresh_expiring`], which refreshes the
//! tokens about to expire with bounded concurrency.

use crate::oauth::{OAuthError, Token};

#[cfg(feature = "token-seal")]
mod seal;
#[cfg(feature = "token-seal")]
pub use seal::TokenKey;
#[cfg(feature = "sqlite")]
mod sqlite;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;
use std::collections::HashMap;
use std::fmt;
use std::sync::RwLock;
use std::time::{Duration, SystemTime};

/// A store failed (the database, or a stored token that no longer reads).
#[derive(Debug)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "token store: {}", self.0)
    }
}

impl std::error::Error for StoreError {}

/// The tokens of a store, and the rows that did not read (each skipped, never blocking the
/// others).
#[derive(Debug, Default)]
pub struct Listing {
    pub tokens: Vec<(i64, Token)>,
    /// Shop and why its row does not read as a token.
    pub unreadable: Vec<(i64, String)>,
}

/// Tokens by shop (the shop's `taobao_user_id`). Implementations are shared between tasks.
pub trait TokenStore: Send + Sync {
    fn get(&self, shop: i64) -> Result<Option<Token>, StoreError>;
    /// Inserts or replaces the shop's token.
    fn put(&self, shop: i64, token: &Token) -> Result<(), StoreError>;
    /// Whether there was one.
    fn remove(&self, shop: i64) -> Result<bool, StoreError>;
    /// Every shop's token, by shop id.
    fn list(&self) -> Result<Listing, StoreError>;
    /// Tokens whose access token expires before `before` (expired ones included), soonest
    /// first.
    fn expiring(&self, before: SystemTime) -> Result<Listing, StoreError>;
}

/// Tokens in memory (lost at exit).
#[derive(Debug, Default)]
pub struct MemoryStore {
    tokens: RwLock<HashMap<i64, Token>>,
}

impl MemoryStore {
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }
}

impl TokenStore for MemoryStore {
    fn get(&self, shop: i64) -> Result<Option<Token>, StoreError> {
        Ok(crate::sync::read(&self.tokens).get(&shop).cloned())
    }

    fn put(&self, shop: i64, token: &Token) -> Result<(), StoreError> {
        crate::sync::write(&self.tokens).insert(shop, token.clone());
        Ok(())
    }

    fn remove(&self, shop: i64) -> Result<bool, StoreError> {
        Ok(crate::sync::write(&self.tokens).remove(&shop).is_some())
    }

    fn list(&self) -> Result<Listing, StoreError> {
        let mut out: Vec<(i64, Token)> = crate::sync::read(&self.tokens)
            .iter()
            .map(|(k, v)| (*k, v.clone()))
            .collect();
        out.sort_by_key(|(k, _)| *k);
        Ok(Listing {
            tokens: out,
            unreadable: Vec::new(),
        })
    }

    fn expiring(&self, before: SystemTime) -> Result<Listing, StoreError> {
        let limit = crate::time::epoch_millis(before);
        let mut out: Vec<(i64, Token)> = crate::sync::read(&self.tokens)
            .iter()
            .filter(|(_, t)| t.expire_time.is_some_and(|e| e < limit))
            .map(|(k, v)| (*k, v.clone()))
            .collect();
        out.sort_by_key(|(_, t)| t.expire_time);
        Ok(Listing {
            tokens: out,
            unreadable: Vec::new(),
        })
    }
}

/// What [`refresh_expiring`] did.
#[derive(Debug, Default)]
pub struct RefreshReport {
    /// Shops whose token was refreshed and stored.
    pub refreshed: Vec<i64>,
    /// Shops whose token could not be refreshed (no refresh token, or it expired: the shop
    /// must authorize again), or whose refresh failed.
    pub failed: Vec<(i64, String)>,
    /// Tokens TOP issued that the store did not take: TOP has rotated the refresh token, so
    /// these are the shop's only valid tokens now. Save them somewhere.
    pub unsaved: Vec<Unsaved>,
    /// Rows of the store that did not read (shop, why): skipped.
    pub unreadable: Vec<(i64, String)>,
}

/// A token refreshed but not stored (see [`RefreshReport::unsaved`]).
#[derive(Debug)]
pub struct Unsaved {
    pub shop: i64,
    pub token: Token,
    pub error: StoreError,
}

/// Refreshes every token expiring within `margin` of now, at most `concurrency` calls at a
/// time, storing each new token under its shop.
pub async fn refresh_expiring(
    store: &dyn TokenStore,
    client: &crate::Client,
    margin: Duration,
    concurrency: usize,
) -> Result<RefreshReport, StoreError> {
    use futures_util::StreamExt;
    // The client's clock: the one its calls are signed and its tokens dated by.
    let now = client.config().clock.now();
    let Listing {
        tokens: due,
        unreadable,
    } = store.expiring(now + margin)?;
    let results: Vec<(i64, Result<Token, String>)> = futures_util::stream::iter(due)
        .map(|(shop, token)| async move {
            if !token.can_refresh(now) {
                return (
                    shop,
                    Err("no usable refresh token: authorize again".to_string()),
                );
            }
            let Some(refresh) = &token.refresh_token else {
                return (shop, Err("no refresh token".to_string()));
            };
            let r = crate::oauth::refresh_token(client, refresh.expose())
                .await
                .map_err(|e: OAuthError| e.to_string());
            (shop, r)
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    let mut report = RefreshReport {
        unreadable,
        ..RefreshReport::default()
    };
    // Every write is tried: one that fails keeps its token in the report, not lost.
    for (shop, r) in results {
        match r {
            Ok(token) => match store.put(shop, &token) {
                Ok(()) => report.refreshed.push(shop),
                Err(error) => report.unsaved.push(Unsaved { shop, token, error }),
            },
            Err(e) => report.failed.push((shop, e)),
        }
    }
    report.refreshed.sort_unstable();
    report.failed.sort_by_key(|(s, _)| *s);
    Ok(report)
}

/// A client handle calling as `shop` (its stored token's session), when the store has one.
pub fn shop_client(
    store: &dyn TokenStore,
    client: &crate::Client,
    shop: i64,
) -> Result<Option<crate::Client>, StoreError> {
    Ok(store
        .get(shop)?
        .map(|t| client.with_session(t.access_token.expose())))
}
