//! The PostgreSQL token store (feature `postgres`): tokio-postgres, pooled by
//! deadpool-postgres, TLS by rustls when the URL asks for it (`sslmode=require`). Several
//! machines share one database: leases lapse by the database's clock, claims skip the rows
//! another worker has locked (`FOR UPDATE SKIP LOCKED`).

use super::row::{Codec, Keys, Raw, SEAL_KEY, read_rows};
use super::url::masked;
use super::{Expect, Listing, Put, StoreError, StoreFuture, Stored, StoredBan, TokenStore};
use crate::oauth::Token;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

mod tls;

/// The schema's migrations, in order; `topsdk_schema` holds the versions applied.
const MIGRATIONS: [&str; 2] = [
    include_str!("../migrations/postgres/0001_tokens.sql"),
    include_str!("../migrations/postgres/0002_meta.sql"),
];

/// The advisory lock migrations are taken under (one migrating process at a time).
const MIGRATION_LOCK: i64 = 0x746f_7073_646b_0001;

/// Tokens in PostgreSQL, for every worker of an app. Connections come from a pool (16 by
/// default); every query has the pool's wait and the connection's timeouts.
pub struct PgStore {
    pool: deadpool_postgres::Pool,
    codec: Arc<Codec>,
    /// The URL without its password, for messages.
    shown: String,
}

impl fmt::Debug for PgStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgStore")
            .field("url", &self.shown)
            .finish_non_exhaustive()
    }
}

const COLUMNS: &str = "shop, token, version, revoked";

impl PgStore {
    /// Connects to the database at `url` (`postgres://user:password@host:port/db`, with
    /// `?sslmode=require` for TLS), creating or migrating the schema. An unreachable
    /// database, a refused password or a schema newer than this code is an error, and
    /// nothing is written.
    pub async fn connect(url: &str) -> Result<PgStore, StoreError> {
        Self::connect_with(url, 16).await
    }

    /// [`PgStore::connect`] with at most `pool_size` connections.
    pub async fn connect_with(url: &str, pool_size: usize) -> Result<PgStore, StoreError> {
        let shown = masked(url);
        let fail = |what: String| StoreError(format!("{shown}: {what}"));
        let mut config: tokio_postgres::Config = url
            .parse()
            .map_err(|e: tokio_postgres::Error| fail(format!("not a PostgreSQL URL: {e}")))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        let manager = deadpool_postgres::Manager::from_config(
            config,
            tls::MakeRustls::new().map_err(fail)?,
            deadpool_postgres::ManagerConfig {
                recycling_method: deadpool_postgres::RecyclingMethod::Fast,
            },
        );
        let pool = deadpool_postgres::Pool::builder(manager)
            .max_size(pool_size.max(1))
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .wait_timeout(Some(Duration::from_secs(30)))
            .create_timeout(Some(Duration::from_secs(15)))
            .build()
            .map_err(|e| fail(e.to_string()))?;
        let mut store = PgStore {
            pool,
            codec: Arc::new(Codec::default()),
            shown,
        };
        store.migrate().await?;
        store.codec = Arc::new(store.settle_keys(Keys::default()).await?);
        Ok(store)
    }

    /// Seals every token this store writes with `key` (and opens sealed rows with it); rows
    /// in clear are sealed at their next write. The store records the key's fingerprint: a
    /// store sealed with another key is refused (see [`PgStore::with_keys`] to rotate).
    #[cfg(feature = "token-seal")]
    pub async fn with_key(self, key: super::TokenKey) -> Result<PgStore, StoreError> {
        self.with_keys(key, None).await
    }

    /// [`PgStore::with_key`] during a key rotation: a store sealed with `previous` is taken
    /// over by `key` (rows sealed with `previous` still open).
    #[cfg(feature = "token-seal")]
    pub async fn with_keys(
        mut self,
        key: super::TokenKey,
        previous: Option<super::TokenKey>,
    ) -> Result<PgStore, StoreError> {
        let keys = Keys {
            key: Some(key),
            previous,
        };
        self.codec = Arc::new(self.settle_keys(keys).await?);
        Ok(self)
    }

    /// The codec for `keys`, after checking them against (and recording) the store's key.
    async fn settle_keys(&self, keys: Keys) -> Result<Codec, StoreError> {
        let mut c = self.conn().await?;
        let tx = c.transaction().await.map_err(|e| self.db(e))?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await
            .map_err(|e| self.db(e))?;
        let recorded: Option<String> = tx
            .query_opt(
                "SELECT value FROM topsdk_meta WHERE name = $1",
                &[&SEAL_KEY],
            )
            .await
            .map_err(|e| self.db(e))?
            .map(|r| r.try_get(0))
            .transpose()
            .map_err(|e| self.db(e))?;
        let (codec, record) = super::row::settle(keys, recorded.as_deref())?;
        if let Some(fp) = record {
            tx.execute(
                "INSERT INTO topsdk_meta (name, value) VALUES ($1, $2) \
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                &[&SEAL_KEY, &fp],
            )
            .await
            .map_err(|e| self.db(e))?;
        }
        if codec.seals() {
            let clear: i64 = tx
                .query_one(
                    "SELECT count(*) FROM topsdk_tokens WHERE token NOT LIKE 'sealed:%'",
                    &[],
                )
                .await
                .and_then(|r| r.try_get(0))
                .map_err(|e| self.db(e))?;
            super::row::warn_clear_rows(clear);
        }
        tx.commit().await.map_err(|e| self.db(e))?;
        Ok(codec)
    }

    fn fail(&self, e: impl fmt::Display) -> StoreError {
        StoreError(format!("{}: {e}", self.shown))
    }

    /// A database error with its causes: tokio-postgres says only "db error" and keeps the
    /// server's words (`password authentication failed ...`) in its source.
    fn db(&self, e: impl std::error::Error) -> StoreError {
        self.fail(chain(&e))
    }

    async fn conn(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.pool.get().await.map_err(|e| self.fail(pool_error(e)))
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let mut c = self.conn().await?;
        let tx = c.transaction().await.map_err(|e| self.db(e))?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await
            .map_err(|e| self.db(e))?;
        tx.batch_execute("CREATE TABLE IF NOT EXISTS topsdk_schema (version INTEGER NOT NULL)")
            .await
            .map_err(|e| self.db(e))?;
        let have: i32 = tx
            .query_one("SELECT coalesce(max(version), 0) FROM topsdk_schema", &[])
            .await
            .and_then(|r| r.try_get(0))
            .map_err(|e| self.db(e))?;
        let known = MIGRATIONS.len() as i32;
        if have > known {
            return Err(self.fail(format!(
                "the store's schema is version {have}, newer than this topsdk knows ({known}): \
                 upgrade topsdk; nothing was written"
            )));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(have.max(0) as usize) {
            tx.batch_execute(sql)
                .await
                .map_err(|e| self.fail(format!("migration {}: {}", i + 1, chain(&e))))?;
            tx.execute(
                "INSERT INTO topsdk_schema (version) VALUES ($1)",
                &[&(i as i32 + 1)],
            )
            .await
            .map_err(|e| self.db(e))?;
        }
        tx.commit().await.map_err(|e| self.db(e))
    }

    async fn rows(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<Listing, StoreError> {
        let c = self.conn().await?;
        let stmt = c.prepare_cached(sql).await.map_err(|e| self.db(e))?;
        let rows = c.query(&stmt, params).await.map_err(|e| self.db(e))?;
        let raw = rows
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)))
            .collect::<Result<Vec<Raw>, tokio_postgres::Error>>()
            .map_err(|e| self.db(e))?;
        Ok(read_rows(&self.codec, raw))
    }

    /// The first column of the rows of `sql` (versions, counts).
    async fn column<T: for<'r> tokio_postgres::types::FromSql<'r>>(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<Vec<T>, StoreError> {
        let c = self.conn().await?;
        let stmt = c.prepare_cached(sql).await.map_err(|e| self.db(e))?;
        let rows = c.query(&stmt, params).await.map_err(|e| self.db(e))?;
        rows.iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()
            .map_err(|e| self.db(e))
    }
}

/// An error and its sources, `: `-separated.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let more = s.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = s.source();
    }
    text
}

fn pool_error(e: deadpool_postgres::PoolError) -> String {
    match e {
        deadpool_postgres::PoolError::Backend(e) => chain(&e),
        deadpool_postgres::PoolError::Timeout(_) => {
            "no connection within the pool's timeout (the database is unreachable or busy)".into()
        }
        other => other.to_string(),
    }
}

fn version(v: i64) -> u64 {
    v.max(0) as u64
}

impl TokenStore for PgStore {
    fn get(&self, shop: i64) -> StoreFuture<'_, Option<Stored>> {
        Box::pin(async move {
            let sql = format!("SELECT {COLUMNS} FROM topsdk_tokens WHERE shop = $1");
            let mut found = self.rows(&sql, &[&shop]).await?;
            if let Some((_, why)) = found.unreadable.pop() {
                return Err(StoreError(format!("shop {shop}: {why}")));
            }
            Ok(found.tokens.pop().map(|(_, t)| t))
        })
    }

    fn put<'a>(&'a self, shop: i64, token: &'a Token, expect: Expect) -> StoreFuture<'a, Put> {
        Box::pin(async move {
            let text = self.codec.write(shop, token)?;
            let (nick, expiry) = (&token.taobao_user_nick, &token.expire_time);
            let set = "nick = $2, expire_time = $3, token = $4, version = topsdk_tokens.version + 1, \
                       revoked = NULL, lease_owner = NULL, lease_until = NULL";
            let insert = "INSERT INTO topsdk_tokens (shop, nick, expire_time, token) \
                          VALUES ($1, $2, $3, $4) ON CONFLICT (shop)";
            let written: Vec<i64> = match expect {
                Expect::Any => {
                    let sql = format!("{insert} DO UPDATE SET {set} RETURNING version");
                    self.column(&sql, &[&shop, nick, expiry, &text]).await?
                }
                Expect::Absent => {
                    let sql = format!("{insert} DO NOTHING RETURNING version");
                    self.column(&sql, &[&shop, nick, expiry, &text]).await?
                }
                Expect::Version(v) => {
                    let sql = format!(
                        "UPDATE topsdk_tokens SET {set} WHERE shop = $1 AND version = $5 \
                         RETURNING version"
                    );
                    let v = v.min(i64::MAX as u64) as i64;
                    self.column(&sql, &[&shop, nick, expiry, &text, &v]).await?
                }
            };
            Ok(match written.first() {
                Some(v) => Put::Stored {
                    version: version(*v),
                },
                None => {
                    let now: Vec<i64> = self
                        .column(
                            "SELECT version FROM topsdk_tokens WHERE shop = $1",
                            &[&shop],
                        )
                        .await?;
                    Put::Conflict {
                        current: now.first().map(|v| version(*v)),
                    }
                }
            })
        })
    }

    fn remove(&self, shop: i64) -> StoreFuture<'_, bool> {
        Box::pin(async move {
            let gone: Vec<i64> = self
                .column(
                    "DELETE FROM topsdk_tokens WHERE shop = $1 RETURNING shop",
                    &[&shop],
                )
                .await?;
            Ok(!gone.is_empty())
        })
    }

    fn list(&self) -> StoreFuture<'_, Listing> {
        Box::pin(async move {
            let sql = format!("SELECT {COLUMNS} FROM topsdk_tokens ORDER BY shop");
            self.rows(&sql, &[]).await
        })
    }

    fn expiring(&self, before: SystemTime) -> StoreFuture<'_, Listing> {
        Box::pin(async move {
            let before = crate::time::epoch_millis(before);
            let sql = format!(
                "SELECT {COLUMNS} FROM topsdk_tokens WHERE expire_time < $1 \
                 ORDER BY expire_time, shop"
            );
            self.rows(&sql, &[&before]).await
        })
    }

    fn claim<'a>(
        &'a self,
        worker: &'a str,
        before: SystemTime,
        lease: Duration,
        limit: usize,
    ) -> StoreFuture<'a, Listing> {
        Box::pin(async move {
            let before = crate::time::epoch_millis(before);
            let lease = lease.as_secs_f64();
            let limit = limit.min(i64::MAX as usize) as i64;
            // The rows picked are locked, skipping those another claim holds; the lease lapses
            // by the database's clock, the same for every machine.
            let sql = "UPDATE topsdk_tokens t SET version = t.version + 1, lease_owner = $1, \
                       lease_until = clock_timestamp() + make_interval(secs => $2) \
                       FROM (SELECT shop FROM topsdk_tokens WHERE expire_time < $3 \
                       AND revoked IS NULL \
                       AND (lease_until IS NULL OR lease_until <= clock_timestamp()) \
                       ORDER BY expire_time, shop LIMIT $4 FOR UPDATE SKIP LOCKED) due \
                       WHERE t.shop = due.shop \
                       RETURNING t.shop, t.token, t.version, t.revoked";
            let mut claimed = self.rows(sql, &[&worker, &lease, &before, &limit]).await?;
            claimed
                .tokens
                .sort_by_key(|(s, t)| (t.token.expire_time, *s));
            Ok(claimed)
        })
    }

    fn revoke<'a>(&'a self, shop: i64, version: u64, why: &'a str) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let v = version.min(i64::MAX as u64) as i64;
            let marked: Vec<i64> = self
                .column(
                    "UPDATE topsdk_tokens SET revoked = $3, version = version + 1, \
                     lease_owner = NULL, lease_until = NULL WHERE shop = $1 AND version = $2 \
                     RETURNING shop",
                    &[&shop, &v, &why],
                )
                .await?;
            Ok(!marked.is_empty())
        })
    }

    fn record_ban<'a>(&'a self, ban: &'a StoredBan) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let until = crate::time::epoch_millis(ban.until);
            let now = crate::time::epoch_millis(SystemTime::now());
            let c = self.conn().await?;
            c.execute("DELETE FROM topsdk_bans WHERE until_ms <= $1", &[&now])
                .await
                .map_err(|e| self.db(e))?;
            c.execute(
                "INSERT INTO topsdk_bans (scope, until_ms) VALUES ($1, $2) ON CONFLICT (scope) \
                 DO UPDATE SET until_ms = GREATEST(topsdk_bans.until_ms, EXCLUDED.until_ms)",
                &[&ban.scope, &until],
            )
            .await
            .map_err(|e| self.db(e))?;
            Ok(())
        })
    }

    fn bans(&self) -> StoreFuture<'_, Vec<StoredBan>> {
        Box::pin(async move {
            let now = crate::time::epoch_millis(SystemTime::now());
            let c = self.conn().await?;
            let stmt = c
                .prepare_cached(
                    "SELECT scope, until_ms FROM topsdk_bans WHERE until_ms > $1 ORDER BY scope",
                )
                .await
                .map_err(|e| self.db(e))?;
            let rows = c.query(&stmt, &[&now]).await.map_err(|e| self.db(e))?;
            rows.iter()
                .map(|r| {
                    Ok(StoredBan {
                        scope: r.try_get(0)?,
                        until: crate::time::from_epoch_millis(r.try_get(1)?),
                    })
                })
                .collect::<Result<_, tokio_postgres::Error>>()
                .map_err(|e| self.db(e))
        })
    }
}
