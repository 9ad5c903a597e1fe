//! The SQLite token store (feature `sqlite`): one machine, several processes.

use super::row::{Codec, Keys, Raw, SEAL_KEY, read_rows};
use super::{Expect, Listing, Put, StoreError, StoreFuture, Stored, StoredBan, TokenStore};
use crate::oauth::Token;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// The schema's migrations, in order; `PRAGMA user_version` counts those applied.
const MIGRATIONS: [&str; 3] = [
    include_str!("migrations/sqlite/0001_tokens.sql"),
    include_str!("migrations/sqlite/0002_versions_leases_bans.sql"),
    include_str!("migrations/sqlite/0003_meta.sql"),
];

/// Tokens in a SQLite file (bundled SQLite, WAL journal, a busy timeout so several processes
/// can write), every call on a blocking thread (never the runtime's). The token is stored as
/// JSON with its secrets in clear (that is the point of the store): a file the store creates
/// is readable by its owner only (0600 on Unix; SQLite gives its `-wal` and `-shm` files the
/// same mode); protect it as you would the app secret, or seal the tokens with a key the app
/// holds ([`SqliteStore::with_key`], feature `token-seal`).
pub struct SqliteStore {
    conn: Arc<Mutex<rusqlite::Connection>>,
    codec: Arc<Codec>,
}

impl fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStore").finish_non_exhaustive()
    }
}

const COLUMNS: &str = "shop, token, version, revoked";

impl SqliteStore {
    /// Opens (creating when needed, and bringing its schema up to date) the store at `path`.
    /// A file that is not a SQLite database, or whose schema is newer than this code, is an
    /// error and is left as it is.
    pub fn open(path: impl AsRef<std::path::Path>) -> Result<SqliteStore, StoreError> {
        let path = path.as_ref();
        let err = |e: rusqlite::Error| StoreError(format!("{}: {e}", path.display()));
        create_private(path)
            .map_err(|e| StoreError(format!("{}: cannot create: {e}", path.display())))?;
        let mut conn = rusqlite::Connection::open(path).map_err(err)?;
        conn.busy_timeout(Duration::from_secs(10)).map_err(err)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(err)?;
        migrate(&mut conn).map_err(|e| StoreError(format!("{}: {}", path.display(), e.0)))?;
        let codec = settle_keys(&mut conn, Keys::default())
            .map_err(|e| StoreError(format!("{}: {}", path.display(), e.0)))?;
        Ok(SqliteStore {
            conn: Arc::new(Mutex::new(conn)),
            codec: Arc::new(codec),
        })
    }

    /// Seals every token this store writes with `key` (and opens sealed rows with it); rows
    /// written in clear before still read, and are sealed at their next write (the count of
    /// clear rows is logged). The store records the key's fingerprint: a store sealed with
    /// another key is refused (see [`SqliteStore::with_keys`] to rotate).
    #[cfg(feature = "token-seal")]
    pub fn with_key(self, key: super::TokenKey) -> Result<SqliteStore, StoreError> {
        self.with_keys(key, None)
    }

    /// [`SqliteStore::with_key`] during a key rotation: a store sealed with `previous` is
    /// taken over by `key` (rows sealed with `previous` still open).
    #[cfg(feature = "token-seal")]
    pub fn with_keys(
        mut self,
        key: super::TokenKey,
        previous: Option<super::TokenKey>,
    ) -> Result<SqliteStore, StoreError> {
        let keys = Keys {
            key: Some(key),
            previous,
        };
        let codec = {
            let mut c = self.conn.lock().unwrap_or_else(|p| p.into_inner());
            settle_keys(&mut c, keys)?
        };
        self.codec = Arc::new(codec);
        Ok(self)
    }

    /// Runs `f` on the connection, on a blocking thread.
    fn run<'a, T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut rusqlite::Connection, &Codec) -> Result<T, StoreError> + Send + 'static,
    ) -> StoreFuture<'a, T> {
        let (conn, codec) = (self.conn.clone(), self.codec.clone());
        Box::pin(super::blocking(move || {
            let mut c = conn.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut c, &codec)
        }))
    }
}

fn db(e: rusqlite::Error) -> StoreError {
    StoreError(e.to_string())
}

/// The codec for `keys`, after checking them against (and recording) the store's key.
fn settle_keys(conn: &mut rusqlite::Connection, keys: Keys) -> Result<Codec, StoreError> {
    use rusqlite::OptionalExtension as _;
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(db)?;
    let recorded: Option<String> = tx
        .query_row(
            "SELECT value FROM topsdk_meta WHERE name = ?1",
            [SEAL_KEY],
            |r| r.get(0),
        )
        .optional()
        .map_err(db)?;
    let (codec, record) = super::row::settle(keys, recorded.as_deref())?;
    if let Some(fp) = record {
        tx.execute(
            "INSERT INTO topsdk_meta (name, value) VALUES (?1, ?2) \
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            [SEAL_KEY, fp.as_str()],
        )
        .map_err(db)?;
    }
    if codec.seals() {
        let clear: i64 = tx
            .query_row(
                "SELECT count(*) FROM tmc_tokens_v1 WHERE token NOT LIKE 'sealed:%'",
                [],
                |r| r.get(0),
            )
            .map_err(db)?;
        super::row::warn_clear_rows(clear);
    }
    tx.commit().map_err(db)?;
    Ok(codec)
}

/// Applies the migrations not yet applied, each in its own transaction.
fn migrate(conn: &mut rusqlite::Connection) -> Result<(), StoreError> {
    let have: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(db)?;
    let known = MIGRATIONS.len() as i64;
    if have > known {
        return Err(StoreError(format!(
            "the store's schema is version {have}, newer than this topsdk knows ({known}): \
             upgrade topsdk; nothing was written"
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(have.max(0) as usize) {
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(db)?;
        // Another process may have migrated while this one waited for the lock.
        let now: i64 = tx
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(db)?;
        if now > i as i64 {
            continue;
        }
        tx.execute_batch(sql)
            .map_err(|e| StoreError(format!("migration {}: {e}", i + 1)))?;
        tx.pragma_update(None, "user_version", i as i64 + 1)
            .map_err(db)?;
        tx.commit().map_err(db)?;
    }
    Ok(())
}

/// The rows of `sql` (selecting [`COLUMNS`]), read; rows that do not are skipped, located.
fn rows(
    c: &rusqlite::Connection,
    codec: &Codec,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Listing, StoreError> {
    let raw: Vec<Raw> = {
        let mut stmt = c.prepare_cached(sql).map_err(db)?;
        let rows = stmt
            .query_map(params, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .map_err(db)?;
        rows.collect::<rusqlite::Result<_>>().map_err(db)?
    };
    Ok(read_rows(codec, raw))
}

fn current(c: &rusqlite::Connection, shop: i64) -> Result<Option<u64>, StoreError> {
    use rusqlite::OptionalExtension;
    c.prepare_cached("SELECT version FROM tmc_tokens_v1 WHERE shop = ?1")
        .map_err(db)?
        .query_row([shop], |r| r.get::<_, i64>(0))
        .optional()
        .map(|v| v.map(|v| v.max(0) as u64))
        .map_err(db)
}

impl TokenStore for SqliteStore {
    fn get(&self, shop: i64) -> StoreFuture<'_, Option<Stored>> {
        self.run(move |c, codec| {
            let sql = format!("SELECT {COLUMNS} FROM tmc_tokens_v1 WHERE shop = ?1");
            let mut found = rows(c, codec, &sql, [shop])?;
            // The one row asked for does not read: an error, not "no token".
            if let Some((_, why)) = found.unreadable.pop() {
                return Err(StoreError(format!("shop {shop}: {why}")));
            }
            Ok(found.tokens.pop().map(|(_, t)| t))
        })
    }

    fn put<'a>(&'a self, shop: i64, token: &'a Token, expect: Expect) -> StoreFuture<'a, Put> {
        let text = match self.codec.write(shop, token) {
            Ok(t) => t,
            Err(e) => return Box::pin(std::future::ready(Err(e))),
        };
        let (nick, expiry) = (token.taobao_user_nick.clone(), token.expire_time);
        self.run(move |c, _| {
            use rusqlite::OptionalExtension;
            let set = "nick = ?2, expire_time = ?3, token = ?4, version = version + 1, \
                       revoked = NULL, lease_owner = NULL, lease_until = NULL";
            let p = rusqlite::params![shop, nick, expiry, text];
            let written: Option<i64> = match expect {
                Expect::Any => c
                    .prepare_cached(&format!(
                        "INSERT INTO tmc_tokens_v1 (shop, nick, expire_time, token) \
                         VALUES (?1, ?2, ?3, ?4) ON CONFLICT(shop) DO UPDATE SET {set} \
                         RETURNING version"
                    ))
                    .map_err(db)?
                    .query_row(p, |r| r.get(0))
                    .optional(),
                Expect::Absent => c
                    .prepare_cached(
                        "INSERT INTO tmc_tokens_v1 (shop, nick, expire_time, token) \
                         VALUES (?1, ?2, ?3, ?4) ON CONFLICT(shop) DO NOTHING RETURNING version",
                    )
                    .map_err(db)?
                    .query_row(p, |r| r.get(0))
                    .optional(),
                Expect::Version(v) => c
                    .prepare_cached(&format!(
                        "UPDATE tmc_tokens_v1 SET {set} WHERE shop = ?1 AND version = ?5 \
                         RETURNING version"
                    ))
                    .map_err(db)?
                    .query_row(rusqlite::params![shop, nick, expiry, text, v as i64], |r| {
                        r.get(0)
                    })
                    .optional(),
            }
            .map_err(db)?;
            Ok(match written {
                Some(v) => Put::Stored {
                    version: v.max(0) as u64,
                },
                None => Put::Conflict {
                    current: current(c, shop)?,
                },
            })
        })
    }

    fn remove(&self, shop: i64) -> StoreFuture<'_, bool> {
        self.run(move |c, _| {
            c.prepare_cached("DELETE FROM tmc_tokens_v1 WHERE shop = ?1")
                .and_then(|mut s| s.execute([shop]))
                .map(|n| n > 0)
                .map_err(db)
        })
    }

    fn list(&self) -> StoreFuture<'_, Listing> {
        self.run(|c, codec| {
            let sql = format!("SELECT {COLUMNS} FROM tmc_tokens_v1 ORDER BY shop");
            rows(c, codec, &sql, [])
        })
    }

    fn expiring(&self, before: SystemTime) -> StoreFuture<'_, Listing> {
        let before = crate::time::epoch_millis(before);
        self.run(move |c, codec| {
            let sql = format!(
                "SELECT {COLUMNS} FROM tmc_tokens_v1 WHERE expire_time < ?1 \
                 ORDER BY expire_time, shop"
            );
            rows(c, codec, &sql, [before])
        })
    }

    fn claim<'a>(
        &'a self,
        worker: &'a str,
        before: SystemTime,
        lease: Duration,
        limit: usize,
    ) -> StoreFuture<'a, Listing> {
        let worker = worker.to_string();
        let before = crate::time::epoch_millis(before);
        let now = crate::time::epoch_millis(SystemTime::now());
        let until = now.saturating_add(lease.as_millis().min(i64::MAX as u128) as i64);
        let limit = limit.min(i64::MAX as usize) as i64;
        self.run(move |c, codec| {
            // One statement: the rows it picks are leased before any other writer runs.
            let sql = format!(
                "UPDATE tmc_tokens_v1 SET version = version + 1, lease_owner = ?1, \
                 lease_until = ?2 WHERE shop IN (SELECT shop FROM tmc_tokens_v1 \
                 WHERE expire_time < ?3 AND revoked IS NULL \
                 AND (lease_until IS NULL OR lease_until <= ?4) \
                 ORDER BY expire_time, shop LIMIT ?5) RETURNING {COLUMNS}"
            );
            let mut claimed = rows(
                c,
                codec,
                &sql,
                rusqlite::params![worker, until, before, now, limit],
            )?;
            claimed
                .tokens
                .sort_by_key(|(s, t)| (t.token.expire_time, *s));
            Ok(claimed)
        })
    }

    fn revoke<'a>(&'a self, shop: i64, version: u64, why: &'a str) -> StoreFuture<'a, bool> {
        let why = why.to_string();
        self.run(move |c, _| {
            c.prepare_cached(
                "UPDATE tmc_tokens_v1 SET revoked = ?3, version = version + 1, \
                 lease_owner = NULL, lease_until = NULL WHERE shop = ?1 AND version = ?2",
            )
            .and_then(|mut s| s.execute(rusqlite::params![shop, version as i64, why]))
            .map(|n| n > 0)
            .map_err(db)
        })
    }

    fn record_ban<'a>(&'a self, ban: &'a StoredBan) -> StoreFuture<'a, ()> {
        let (scope, until) = (ban.scope.clone(), crate::time::epoch_millis(ban.until));
        let now = crate::time::epoch_millis(SystemTime::now());
        self.run(move |c, _| {
            c.execute("DELETE FROM topsdk_bans WHERE until_ms <= ?1", [now])
                .map_err(db)?;
            c.prepare_cached(
                "INSERT INTO topsdk_bans (scope, until_ms) VALUES (?1, ?2) ON CONFLICT(scope) \
                 DO UPDATE SET until_ms = max(until_ms, ?2)",
            )
            .and_then(|mut s| s.execute(rusqlite::params![scope, until]))
            .map(|_| ())
            .map_err(db)
        })
    }

    fn bans(&self) -> StoreFuture<'_, Vec<StoredBan>> {
        let now = crate::time::epoch_millis(SystemTime::now());
        self.run(move |c, _| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT scope, until_ms FROM topsdk_bans WHERE until_ms > ?1 ORDER BY scope",
                )
                .map_err(db)?;
            let rows = stmt
                .query_map([now], |r| {
                    Ok(StoredBan {
                        scope: r.get(0)?,
                        until: crate::time::from_epoch_millis(r.get(1)?),
                    })
                })
                .map_err(db)?;
            rows.collect::<rusqlite::Result<_>>().map_err(db)
        })
    }
}

/// Creates `path` readable and writable by its owner only, unless it exists.
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
