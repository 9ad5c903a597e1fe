//! The refresher: claims each due token with a lease, refreshes it once, and writes the new
//! pair over the version it claimed; safe to run on several machines against one store.

use super::{Expect, Listing, Put, StoreError, TokenStore};
use crate::oauth::{OAuthError, Token};
use std::collections::HashSet;
use std::time::{Duration, SystemTime};

/// How [`refresh_expiring`] runs.
#[derive(Debug, Clone)]
pub struct RefreshOptions {
    margin: Duration,
    concurrency: usize,
    lease: Duration,
    batch: usize,
    worker: String,
}

impl RefreshOptions {
    /// Refresh what expires within `margin`: 8 calls at a time, tokens claimed 64 at a time
    /// for 120 s each, as a worker named after this host and process.
    pub fn new(margin: Duration) -> RefreshOptions {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "host".into());
        RefreshOptions {
            margin,
            concurrency: 8,
            lease: Duration::from_secs(120),
            batch: 64,
            worker: format!("{host}-{}-{:08x}", std::process::id(), fastrand::u32(..)),
        }
    }

    /// Refresh calls at a time (at least 1).
    pub fn concurrency(mut self, n: usize) -> RefreshOptions {
        self.concurrency = n.max(1);
        self
    }

    /// How long a claimed token stays this worker's: after that (the worker died, or hangs)
    /// another worker may claim it. Keep it well above a refresh call's timeout (at least 1 s:
    /// a lease that lapses as it is taken would let two workers refresh one token).
    pub fn lease(mut self, d: Duration) -> RefreshOptions {
        self.lease = d.max(Duration::from_secs(1));
        self
    }

    /// Tokens claimed at a time (at least 1).
    pub fn batch(mut self, n: usize) -> RefreshOptions {
        self.batch = n.max(1);
        self
    }

    /// The name leases are taken under.
    pub fn worker(mut self, name: impl Into<String>) -> RefreshOptions {
        self.worker = name.into();
        self
    }
}

/// What [`refresh_expiring`] did, shop by shop.
#[derive(Debug, Default)]
pub struct RefreshReport {
    /// Shops whose token was refreshed and stored.
    pub refreshed: Vec<i64>,
    /// Shops TOP refused a refresh for (or whose refresh token expired): marked revoked in the
    /// store, so callers get [`super::ShopError::Revoked`]; the shop must authorize again.
    pub revoked: Vec<(i64, String)>,
    /// Shops whose refresh failed for now (transport, TOP's side): their lease lapses and a
    /// later run tries again.
    pub failed: Vec<(i64, String)>,
    /// Tokens TOP issued that the store did not take: TOP has rotated the refresh token, so
    /// these are the shop's only valid tokens now. Save them somewhere.
    pub unsaved: Vec<Unsaved>,
    /// Rows of the store that did not read (shop, why): skipped.
    pub unreadable: Vec<(i64, String)>,
    /// Shops whose token another worker replaced while this one held it (its refresh was
    /// refused because the other had already spent the refresh token): the newer token
    /// stands, nothing is marked revoked.
    pub superseded: Vec<i64>,
    /// Shops due that another worker held (its lease) when this run ended: theirs to refresh.
    pub held_elsewhere: Vec<i64>,
}

/// A token refreshed but not stored (see [`RefreshReport::unsaved`]).
#[derive(Debug)]
pub struct Unsaved {
    pub shop: i64,
    pub token: Token,
    pub error: StoreError,
}

enum Outcome {
    Refreshed,
    Superseded,
    Revoked(String),
    Failed(String),
    Unsaved(Box<Token>, StoreError),
}

/// Whether TOP's answer to a refresh means the refresh token is no good (an `isv.*` sub code,
/// e.g. `isv.refresh-token-invalid`): anything else (transport, `isp.*`, a ban) may pass.
fn is_revocation(e: &OAuthError) -> bool {
    match e {
        OAuthError::Call(crate::Error::Api(api)) => api
            .sub_code
            .as_deref()
            .is_some_and(|s| s.starts_with("isv.")),
        _ => false,
    }
}

/// Refreshes every token expiring within the options' margin that no other worker holds:
/// claimed in batches, each refreshed once and written over the version it was claimed at
/// (a token whose lease lapsed and was claimed elsewhere is reported unsaved, never written
/// over the newer one).
pub async fn refresh_expiring(
    store: &dyn TokenStore,
    client: &crate::Client,
    options: &RefreshOptions,
) -> Result<RefreshReport, StoreError> {
    use futures_util::StreamExt;
    let mut report = RefreshReport::default();
    let mut seen = HashSet::new();
    loop {
        // The client's clock (one clock per client).
        let now = client.config().clock.now();
        let Listing { tokens, unreadable } = store
            .claim(
                &options.worker,
                now + options.margin,
                options.lease,
                options.batch,
            )
            .await?;
        let fresh: Vec<_> = tokens
            .into_iter()
            .filter(|(shop, _)| seen.insert(*shop))
            .collect();
        let new_unreadable: Vec<_> = unreadable
            .into_iter()
            .filter(|(shop, _)| seen.insert(*shop))
            .collect();
        if fresh.is_empty() && new_unreadable.is_empty() {
            break;
        }
        report.unreadable.extend(new_unreadable);
        let outcomes: Vec<(i64, Outcome)> = futures_util::stream::iter(fresh)
            .map(|(shop, stored)| async move {
                (shop, refresh_one(store, client, shop, stored, now).await)
            })
            .buffer_unordered(options.concurrency)
            .collect()
            .await;
        for (shop, o) in outcomes {
            match o {
                Outcome::Refreshed => report.refreshed.push(shop),
                Outcome::Superseded => report.superseded.push(shop),
                Outcome::Revoked(why) => report.revoked.push((shop, why)),
                Outcome::Failed(why) => report.failed.push((shop, why)),
                Outcome::Unsaved(token, error) => report.unsaved.push(Unsaved {
                    shop,
                    token: *token,
                    error,
                }),
            }
        }
    }
    // What is still due and was never ours: another worker's lease holds it.
    let due = store
        .expiring(client.config().clock.now() + options.margin)
        .await?;
    report.held_elsewhere = due
        .tokens
        .iter()
        .map(|(shop, _)| *shop)
        .filter(|shop| !seen.contains(shop))
        .collect();
    report.refreshed.sort_unstable();
    report.superseded.sort_unstable();
    report.held_elsewhere.sort_unstable();
    report.revoked.sort_by_key(|(s, _)| *s);
    report.failed.sort_by_key(|(s, _)| *s);
    report.unreadable.sort_by_key(|(s, _)| *s);
    Ok(report)
}

async fn refresh_one(
    store: &dyn TokenStore,
    client: &crate::Client,
    shop: i64,
    stored: super::Stored,
    now: SystemTime,
) -> Outcome {
    // Marked dead only over the version this worker holds: when another worker stored a
    // newer token meanwhile (and so spent the refresh token TOP now refuses), that stands.
    let revoke = |why: String| async move {
        match store.revoke(shop, stored.version, &why).await {
            Ok(true) => Outcome::Revoked(why),
            Ok(false) => Outcome::Superseded,
            Err(e) => Outcome::Failed(format!("{why}; marking it revoked failed: {e}")),
        }
    };
    let refresh = match &stored.token.refresh_token {
        Some(r) if stored.token.can_refresh(now) => r,
        _ => return revoke("no usable refresh token: authorize again".into()).await,
    };
    match crate::oauth::refresh_token(client, refresh.expose()).await {
        Ok(token) => match store
            .put(shop, &token, Expect::Version(stored.version))
            .await
        {
            Ok(Put::Stored { .. }) => Outcome::Refreshed,
            Ok(Put::Conflict { current }) => Outcome::Unsaved(
                Box::new(token),
                StoreError(format!(
                    "shop {shop}: the lease lapsed and the token changed (version {} claimed, \
                     {current:?} stored)",
                    stored.version
                )),
            ),
            Err(e) => Outcome::Unsaved(Box::new(token), e),
        },
        Err(e) if is_revocation(&e) => revoke(e.to_string()).await,
        Err(e) => {
            tracing::warn!(shop, error = %e, "token refresh failed; tried again once the lease lapses");
            Outcome::Failed(e.to_string())
        }
    }
}

/// How close to its expiry a token [`super::shop_client`] hands out is refreshed first.
pub(super) const REFRESH_AHEAD: Duration = Duration::from_secs(60);

/// One refresh per (app, shop) in this process at a time: later callers wait for it and
/// then find the new token stored.
fn flight(app_key: &str, shop: i64) -> std::sync::Arc<tokio::sync::Mutex<()>> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    type Flights = Mutex<HashMap<(String, i64), Arc<tokio::sync::Mutex<()>>>>;
    static FLIGHTS: OnceLock<Flights> = OnceLock::new();
    let mut map = crate::sync::lock(FLIGHTS.get_or_init(Default::default));
    // Flights nobody holds or waits for are forgotten: the map stays as large as the number
    // of shops being refreshed right now.
    map.retain(|_, f| Arc::strong_count(f) > 1);
    map.entry((app_key.to_string(), shop)).or_default().clone()
}

/// The shop's token, refreshed first when it expires within [`REFRESH_AHEAD`]: one refresh
/// per (app, shop) in this process (concurrent callers await it), written over the version
/// read (a worker elsewhere that got there first wins, and its token is used).
pub(super) async fn fresh_token(
    store: &dyn TokenStore,
    client: &crate::Client,
    shop: i64,
) -> Result<super::Stored, super::ShopError> {
    use super::ShopError;
    let get = || async {
        match store.get(shop).await.map_err(ShopError::Store)? {
            None => Err(ShopError::NotStored),
            Some(super::Stored {
                revoked: Some(why), ..
            }) => Err(ShopError::Revoked(why)),
            Some(s) => Ok(s),
        }
    };
    let now = client.config().clock.now();
    let stored = get().await?;
    if !stored.token.needs_refresh(REFRESH_AHEAD, now) {
        return Ok(stored);
    }
    let flight = flight(&client.config().app_key, shop);
    let _turn = flight.lock().await;
    // Whoever held the turn before may have refreshed it.
    let stored = get().await?;
    if !stored
        .token
        .needs_refresh(REFRESH_AHEAD, client.config().clock.now())
    {
        return Ok(stored);
    }
    let still_valid = !stored.token.needs_refresh(Duration::ZERO, now);
    match refresh_one(store, client, shop, stored.clone(), now).await {
        Outcome::Refreshed | Outcome::Superseded => get().await,
        Outcome::Revoked(why) => Err(ShopError::Revoked(why)),
        // TOP's side failed for now: the old token serves while it lasts.
        Outcome::Failed(_) if still_valid => Ok(stored),
        Outcome::Failed(why) => Err(ShopError::RefreshFailed(why)),
        Outcome::Unsaved(token, error) => Err(ShopError::Unsaved { token, error }),
    }
}
