//! Which store a URL names (`TOP_TOKEN_STORE`): `postgres://...` (or `postgresql://`),
//! `sqlite:PATH`, `memory:`. One parser for the CLI, the examples and an ISV's own workers.

use super::{StoreError, TokenStore};
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// The environment variable naming the token store.
pub const STORE_ENV: &str = "TOP_TOKEN_STORE";

/// A token store's address.
#[derive(Clone, PartialEq, Eq)]
pub enum StoreUrl {
    /// `memory:`: this process only, gone at exit (tests, examples).
    Memory,
    /// `sqlite:PATH`: one machine.
    Sqlite(PathBuf),
    /// `postgres://user:password@host:port/db[?sslmode=require]`: every worker of the app.
    Postgres(String),
}

// The password of a PostgreSQL URL is a secret: never in Debug or Display.
impl fmt::Debug for StoreUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StoreUrl({self})")
    }
}

impl fmt::Display for StoreUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreUrl::Memory => f.write_str("memory:"),
            StoreUrl::Sqlite(path) => write!(f, "sqlite:{}", path.display()),
            StoreUrl::Postgres(url) => f.write_str(&masked(url)),
        }
    }
}

impl std::str::FromStr for StoreUrl {
    type Err = StoreError;
    fn from_str(text: &str) -> Result<StoreUrl, StoreError> {
        StoreUrl::parse(text)
    }
}

/// `url` with its password masked (`user:***@host`, `password=***`).
pub(crate) fn masked(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        // The key=value form: `host=h user=u password=secret`.
        return url
            .split(' ')
            .map(|pair| match pair.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                _ => pair.to_string(),
            })
            .collect::<Vec<_>>()
            .join(" ");
    };
    let (auth_host, query) = rest
        .split_once('?')
        .map_or((rest, None), |(a, q)| (a, Some(q)));
    let auth_host = match auth_host.rsplit_once('@') {
        Some((auth, host)) => match auth.split_once(':') {
            Some((user, _)) => format!("{user}:***@{host}"),
            None => format!("{auth}@{host}"),
        },
        None => auth_host.to_string(),
    };
    let query = query.map(|q| {
        q.split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                _ => pair.to_string(),
            })
            .collect::<Vec<_>>()
            .join("&")
    });
    match query {
        Some(q) => format!("{scheme}://{auth_host}?{q}"),
        None => format!("{scheme}://{auth_host}"),
    }
}

impl StoreUrl {
    /// Reads a store URL; anything else is an error naming the forms accepted.
    pub fn parse(text: &str) -> Result<StoreUrl, StoreError> {
        let text = text.trim();
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return Ok(StoreUrl::Postgres(text.to_string()));
        }
        if let Some(path) = text.strip_prefix("sqlite:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            if path.is_empty() {
                return Err(StoreError(
                    "`sqlite:` needs a path (sqlite:tokens.db)".into(),
                ));
            }
            return Ok(StoreUrl::Sqlite(PathBuf::from(path)));
        }
        if text == "memory:" || text == "memory" {
            return Ok(StoreUrl::Memory);
        }
        Err(StoreError(format!(
            "`{}` is not a store URL: use postgres://user:password@host/db, sqlite:PATH or memory:",
            masked(text)
        )))
    }

    /// The store `TOP_TOKEN_STORE` names, if set.
    pub fn from_env() -> Result<Option<StoreUrl>, StoreError> {
        match std::env::var(STORE_ENV) {
            Ok(text) if !text.trim().is_empty() => StoreUrl::parse(&text).map(Some),
            _ => Ok(None),
        }
    }

    /// Opens the store (creating or migrating its schema). A feature this build lacks is an
    /// error naming it.
    pub async fn open(&self) -> Result<Arc<dyn TokenStore>, StoreError> {
        self.open_inner(
            #[cfg(feature = "token-seal")]
            None,
        )
        .await
    }

    /// Opens the store sealing the tokens it writes with `key` (and opening sealed rows).
    /// Opens the store sealing with `key` (`previous`: the key of a rotation in progress,
    /// see [`super::SqliteStore::with_keys`]). A memory store holds nothing at rest and
    /// ignores the keys.
    #[cfg(feature = "token-seal")]
    pub async fn open_sealed(
        &self,
        key: super::TokenKey,
        previous: Option<super::TokenKey>,
    ) -> Result<Arc<dyn TokenStore>, StoreError> {
        self.open_inner(Some((key, previous))).await
    }

    async fn open_inner(
        &self,
        #[cfg(feature = "token-seal")] key: Option<(super::TokenKey, Option<super::TokenKey>)>,
    ) -> Result<Arc<dyn TokenStore>, StoreError> {
        // A memory store holds nothing at rest: without a database store the keys go unused.
        #[cfg(all(
            feature = "token-seal",
            not(any(feature = "sqlite", feature = "postgres"))
        ))]
        let _ = &key;
        match self {
            StoreUrl::Memory => Ok(Arc::new(super::MemoryStore::new())),
            #[cfg(feature = "sqlite")]
            StoreUrl::Sqlite(path) => {
                let path = path.clone();
                let store = super::blocking(move || {
                    let store = super::SqliteStore::open(path)?;
                    #[cfg(feature = "token-seal")]
                    let store = match key {
                        Some((key, previous)) => store.with_keys(key, previous)?,
                        None => store,
                    };
                    Ok(store)
                })
                .await?;
                Ok(Arc::new(store))
            }
            #[cfg(not(feature = "sqlite"))]
            StoreUrl::Sqlite(_) => Err(StoreError(
                "this build has no SQLite store (feature `sqlite`)".into(),
            )),
            #[cfg(feature = "postgres")]
            StoreUrl::Postgres(url) => {
                let store = super::PgStore::connect(url).await?;
                #[cfg(feature = "token-seal")]
                let store = match key {
                    Some((key, previous)) => store.with_keys(key, previous).await?,
                    None => store,
                };
                Ok(Arc::new(store))
            }
            #[cfg(not(feature = "postgres"))]
            StoreUrl::Postgres(_) => Err(StoreError(
                "this build has no PostgreSQL store (feature `postgres`)".into(),
            )),
        }
    }
}

/// Opens the store `url` names ([`StoreUrl::parse`], then [`StoreUrl::open`]).
pub async fn open(url: &str) -> Result<Arc<dyn TokenStore>, StoreError> {
    StoreUrl::parse(url)?.open().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_read_and_passwords_never_show() {
        let cases = [
            ("sqlite:tokens.db", "sqlite:tokens.db"),
            ("sqlite:///var/t.db", "sqlite:/var/t.db"),
            ("memory:", "memory:"),
            ("postgres://u@h/db", "postgres://u@h/db"),
            (
                "postgres://isv:s3cret@db:5432/top",
                "postgres://isv:***@db:5432/top",
            ),
            (
                "postgresql://isv@db/top?password=s3cret&sslmode=require",
                "postgresql://isv@db/top?password=***&sslmode=require",
            ),
        ];
        for (text, shown) in cases {
            let url = StoreUrl::parse(text).unwrap();
            assert_eq!(url.to_string(), shown, "{text}");
            assert!(!format!("{url:?}").contains("s3cret"));
        }
        for bad in ["", "sqlite:", "mysql://a:b@c/d", "tokens.db"] {
            let e = StoreUrl::parse(bad).unwrap_err().to_string();
            assert!(e.contains("store") || e.contains("sqlite"), "{bad}: {e}");
        }
        assert_eq!(
            masked("host=h user=u password=s3cret"),
            "host=h user=u password=***"
        );
        let e = StoreUrl::parse("mysql://a:pw9@c/d")
            .unwrap_err()
            .to_string();
        assert!(!e.contains("pw9"), "{e}");
    }
}
