//! The SQLite token store (feature `sqlite`).

use super::{Listing, StoreError, TokenStore};
use crate::oauth::Token;
use std::fmt;
use std::time::{Duration, SystemTime};

/// Tokens in a SQLite file (bundled SQLite, WAL journal, a busy timeout so several processes
/// can write). The token is stored as JSON with its secrets in clear (that is the point of
/// the store): a file the store creates is readable by its owner only (0600 on Unix; SQLite
/// gives its `-wal` and `-shm` files the same mode); protect it as you would the app secret,
/// or seal the tokens with a key the app holds ([`SqliteStore::with_key`], feature
/// `token-seal`).
pub struct SqliteStore {
    conn: std::sync::Mutex<rusqlite::Connection>,
    #[cfg(feature = "token-seal")]
    key: Option<super::TokenKey>,
}

impl fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStore").finish_non_exhaustive()
    }
}

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
            #[cfg(feature = "token-seal")]
            key: None,
        })
    }

    /// Seals every token this store writes with `key` (and opens sealed rows with it); rows
    /// written in clear before still read, and are sealed at their next write.
    #[cfg(feature = "token-seal")]
    pub fn with_key(mut self, key: super::TokenKey) -> SqliteStore {
        self.key = Some(key);
        self
    }

    /// A row's token: sealed rows opened with the key.
    fn read(&self, shop: i64, text: &str) -> Result<Token, String> {
        #[cfg(feature = "token-seal")]
        let opened;
        #[cfg(feature = "token-seal")]
        let text = if super::seal::is_sealed(text) {
            let Some(key) = &self.key else {
                return Err("the token is sealed; this store was given no key".into());
            };
            opened = key.open(shop, text)?;
            opened.as_str()
        } else {
            text
        };
        #[cfg(not(feature = "token-seal"))]
        if text.starts_with("sealed:") {
            return Err(format!(
                "the token of shop {shop} is sealed; open the store with its key (feature token-seal)"
            ));
        }
        serde_json::from_str::<Token>(text)
            .map_err(|e| format!("the stored token does not read: {e}"))
    }

    /// A token as the row holds it.
    fn write(&self, shop: i64, token: &Token) -> Result<String, StoreError> {
        let json =
            serde_json::to_string(&crate::Reveal(token)).map_err(|e| StoreError(e.to_string()))?;
        #[cfg(feature = "token-seal")]
        if let Some(key) = &self.key {
            return key.seal(shop, &json);
        }
        let _ = shop;
        Ok(json)
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T>,
    ) -> Result<T, StoreError> {
        let conn = crate::sync::lock(&self.conn);
        f(&conn).map_err(|e| StoreError(e.to_string()))
    }

    fn rows(&self, sql: &str, params: impl rusqlite::Params) -> Result<Listing, StoreError> {
        let raw: Vec<(i64, String)> = self.with(|c| {
            let mut stmt = c.prepare_cached(sql)?;
            let rows = stmt.query_map(params, |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect()
        })?;
        let mut out = Listing::default();
        for (shop, text) in raw {
            match self.read(shop, &text) {
                Ok(t) => out.tokens.push((shop, t)),
                Err(why) => {
                    // Located, without the row's text (it may hold the tokens).
                    tracing::warn!(shop, %why, "token store: row skipped");
                    out.unreadable.push((shop, why));
                }
            }
        }
        Ok(out)
    }
}

impl TokenStore for SqliteStore {
    fn get(&self, shop: i64) -> Result<Option<Token>, StoreError> {
        let mut found = self.rows(
            "SELECT shop, token FROM tmc_tokens_v1 WHERE shop = ?1",
            [shop],
        )?;
        // The one row asked for does not read: an error, not "no token".
        if let Some((_, why)) = found.unreadable.pop() {
            return Err(StoreError(format!("shop {shop}: {why}")));
        }
        Ok(found.tokens.pop().map(|(_, t)| t))
    }

    fn put(&self, shop: i64, token: &Token) -> Result<(), StoreError> {
        let json = self.write(shop, token)?;
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
