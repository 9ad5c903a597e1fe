//! Tokens of many shops (feature `oauth`): a [`TokenStore`] keyed by the shop's user id, kept
//! in memory ([`MemoryStore`]) or in a SQLite file ([`SqliteStore`], feature `sqlite`) that
//! survives restarts and concurrent writers, and [`refresh_expiring`], which refreshes the
//! tokens about to expire with bounded concurrency.

use crate::oauth::{OAuthError, Token};
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
        Ok(self
            .tokens
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&shop)
            .cloned())
    }

    fn put(&self, shop: i64, token: &Token) -> Result<(), StoreError> {
        self.tokens
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(shop, token.clone());
        Ok(())
    }

    fn remove(&self, shop: i64) -> Result<bool, StoreError> {
        Ok(self
            .tokens
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&shop)
            .is_some())
    }

    fn list(&self) -> Result<Listing, StoreError> {
        let mut out: Vec<(i64, Token)> = self
            .tokens
            .read()
            .unwrap_or_else(|p| p.into_inner())
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
        let mut out: Vec<(i64, Token)> = self
            .tokens
            .read()
            .unwrap_or_else(|p| p.into_inner())
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

/// Tokens in a SQLite file (bundled SQLite, WAL journal, a busy timeout so several processes
/// can write). The token is stored as JSON with its secrets in clear (that is the point of
/// the store): a file the store creates is readable by its owner only (0600 on Unix; SQLite
/// gives its `-wal` and `-shm` files the same mode); protect it as you would the app secret.
#[cfg(feature = "sqlite")]
pub struct SqliteStore {
    conn: std::sync::Mutex<rusqlite::Connection>,
}

#[cfg(feature = "sqlite")]
impl fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStore").finish_non_exhaustive()
    }
}

#[cfg(feature = "sqlite")]
impl SqliteStore {
    /// Opens (creating when needed) the store at `path`.
    pub fn open(path: impl AsRef<std::path::Path>) -> Result<SqliteStore, StoreError> {
        let path = path.as_ref();
        let err = |e: rusqlite::Error| StoreError(format!("{}: {e}", path.display()));
        create_private(path)
            .map_err(|e| StoreError(format!("{}: cannot create: {e}", path.display())))?;
        let conn = rusqlite::Connection::open(path).map_err(err)?;
        conn.busy_timeout(Duration::from_secs(10)).map_err(err)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(err)?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS tmc_tokens_v1 (
                shop INTEGER PRIMARY KEY,
                nick TEXT,
                expire_time INTEGER,
                token TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS tmc_tokens_v1_expiry ON tmc_tokens_v1 (expire_time);",
        )
        .map_err(err)?;
        Ok(SqliteStore {
            conn: std::sync::Mutex::new(conn),
        })
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T>,
    ) -> Result<T, StoreError> {
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        f(&conn).map_err(|e| StoreError(e.to_string()))
    }

    fn rows(&self, sql: &str, params: impl rusqlite::Params) -> Result<Listing, StoreError> {
        let raw: Vec<(i64, String)> = self.with(|c| {
            let mut stmt = c.prepare_cached(sql)?;
            let rows = stmt.query_map(params, |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect()
        })?;
        let mut out = Listing::default();
        for (shop, json) in raw {
            match serde_json::from_str::<Token>(&json) {
                Ok(t) => out.tokens.push((shop, t)),
                Err(e) => {
                    // Located, without the row's text (it may hold the tokens).
                    let why = format!("the stored token does not read: {e}");
                    tracing::warn!(shop, %why, "token store: row skipped");
                    out.unreadable.push((shop, why));
                }
            }
        }
        Ok(out)
    }
}

#[cfg(feature = "sqlite")]
impl TokenStore for SqliteStore {
    fn get(&self, shop: i64) -> Result<Option<Token>, StoreError> {
        Ok(self
            .rows(
                "SELECT shop, token FROM tmc_tokens_v1 WHERE shop = ?1",
                [shop],
            )?
            .tokens
            .pop()
            .map(|(_, t)| t))
    }

    fn put(&self, shop: i64, token: &Token) -> Result<(), StoreError> {
        let json =
            serde_json::to_string(&crate::Reveal(token)).map_err(|e| StoreError(e.to_string()))?;
        self.with(|c| {
            c.prepare_cached(
                "INSERT INTO tmc_tokens_v1 (shop, nick, expire_time, token) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(shop) DO UPDATE SET nick = ?2, expire_time = ?3, token = ?4",
            )?
            .execute(rusqlite::params![
                shop,
                token.taobao_user_nick,
                token.expire_time,
                json
            ])
            .map(|_| ())
        })
    }

    fn remove(&self, shop: i64) -> Result<bool, StoreError> {
        self.with(|c| {
            c.prepare_cached("DELETE FROM tmc_tokens_v1 WHERE shop = ?1")?
                .execute([shop])
                .map(|n| n > 0)
        })
    }

    fn list(&self) -> Result<Listing, StoreError> {
        self.rows("SELECT shop, token FROM tmc_tokens_v1 ORDER BY shop", [])
    }

    fn expiring(&self, before: SystemTime) -> Result<Listing, StoreError> {
        self.rows(
            "SELECT shop, token FROM tmc_tokens_v1 WHERE expire_time < ?1 ORDER BY expire_time",
            [crate::time::epoch_millis(before)],
        )
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
    let now = SystemTime::now();
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

/// Creates `path` readable and writable by its owner only, unless it exists.
#[cfg(feature = "sqlite")]
fn create_private(path: &std::path::Path) -> std::io::Result<()> {
    // SQLite's names for what is not a plain file.
    if path.as_os_str() == ":memory:" || path.to_string_lossy().starts_with("file:") {
        return Ok(());
    }
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    match o.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
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
