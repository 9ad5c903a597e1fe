//! Refreshes in one process against the mock gateway, which rotates refresh tokens and counts
//! refreshes: concurrent callers of an expiring shop share one refresh (`shop_client`), and a
//! refresh refused because another worker already spent the refresh token is not taken for
//! a revocation (the row is re-read: the other worker's newer token stands).

use std::sync::Arc;
use std::time::{Duration, SystemTime};
use topsdk::mock::MockGateway;
use topsdk::oauth::{self, Token};
use topsdk::tokens::{
    Expect, Listing, MemoryStore, Put, RefreshOptions, StoreFuture, Stored, StoredBan, TokenStore,
    refresh_expiring, shop_client,
};

const KEY: &str = "12345678";
const SECRET: &str = "helloworld";

async fn util_mock() -> (MockGateway, topsdk::Client) {
    let mock = MockGateway::start(topsdk_util::APIS, KEY, SECRET)
        .await
        .unwrap();
    let client = topsdk::Client::builder(KEY, SECRET)
        .gateway_url(mock.url())
        .build()
        .unwrap();
    (mock, client)
}

/// A token of the mock's for `code`, made to expire in `secs`.
async fn expiring(client: &topsdk::Client, code: &str, secs: i64) -> (i64, Token) {
    let mut t = oauth::create_token(client, code).await.unwrap();
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    t.expire_time = Some(now + secs * 1000);
    (t.taobao_user_id.unwrap(), t)
}

#[tokio::test]
async fn concurrent_callers_of_an_expiring_shop_share_one_refresh() {
    let (mock, client) = util_mock().await;
    let store = Arc::new(MemoryStore::new());
    let (shop, token) = expiring(&client, "code-single-flight", 30).await;
    store.put(shop, &token, Expect::Any).await.unwrap();
    let before = mock.refresh_stats().accepted;
    let calls: Vec<_> = (0..32)
        .map(|_| {
            let (store, client) = (store.clone(), client.clone());
            tokio::spawn(async move { shop_client(&*store, &client, shop).await.map(|_| ()) })
        })
        .collect();
    for c in calls {
        c.await.unwrap().unwrap();
    }
    let stats = mock.refresh_stats();
    assert_eq!(stats.accepted - before, 1, "32 callers, one refresh");
    assert_eq!(stats.refused, 0);
    let stored = store.get(shop).await.unwrap().unwrap();
    assert_ne!(
        stored.token.access_token.expose(),
        token.access_token.expose()
    );
    assert_eq!(
        stored.token.refresh_token.as_ref().unwrap().expose(),
        &stats.latest[&shop]
    );
    // A token far from its expiry is handed out as stored: no refresh.
    shop_client(&*store, &client, shop).await.unwrap();
    assert_eq!(mock.refresh_stats().accepted - before, 1);
}

/// A store that, right after each claim, lets "another worker" refresh and store the claimed
/// shops first: the claimer's refresh token is then spent.
struct Racing {
    inner: MemoryStore,
    client: topsdk::Client,
}

impl TokenStore for Racing {
    fn get(&self, shop: i64) -> StoreFuture<'_, Option<Stored>> {
        self.inner.get(shop)
    }
    fn put<'a>(&'a self, shop: i64, token: &'a Token, expect: Expect) -> StoreFuture<'a, Put> {
        self.inner.put(shop, token, expect)
    }
    fn remove(&self, shop: i64) -> StoreFuture<'_, bool> {
        self.inner.remove(shop)
    }
    fn list(&self) -> StoreFuture<'_, Listing> {
        self.inner.list()
    }
    fn expiring(&self, before: SystemTime) -> StoreFuture<'_, Listing> {
        self.inner.expiring(before)
    }
    fn claim<'a>(
        &'a self,
        worker: &'a str,
        before: SystemTime,
        lease: Duration,
        limit: usize,
    ) -> StoreFuture<'a, Listing> {
        Box::pin(async move {
            let claimed = self.inner.claim(worker, before, lease, limit).await?;
            for (shop, stored) in &claimed.tokens {
                let r = stored.token.refresh_token.as_ref().unwrap().expose();
                let newer = oauth::refresh_token(&self.client, r).await.unwrap();
                self.inner.put(*shop, &newer, Expect::Any).await?;
            }
            Ok(claimed)
        })
    }
    fn revoke<'a>(&'a self, shop: i64, version: u64, why: &'a str) -> StoreFuture<'a, bool> {
        self.inner.revoke(shop, version, why)
    }
    fn record_ban<'a>(&'a self, ban: &'a StoredBan) -> StoreFuture<'a, ()> {
        self.inner.record_ban(ban)
    }
    fn bans(&self) -> StoreFuture<'_, Vec<StoredBan>> {
        self.inner.bans()
    }
}

#[tokio::test]
async fn a_refresh_refused_because_another_worker_spent_the_token_is_not_a_revocation() {
    let (mock, client) = util_mock().await;
    let store = Racing {
        inner: MemoryStore::new(),
        client: client.clone(),
    };
    let (shop, token) = expiring(&client, "code-race", 30).await;
    store.inner.put(shop, &token, Expect::Any).await.unwrap();
    let report = refresh_expiring(
        &store,
        &client,
        &RefreshOptions::new(Duration::from_secs(600)),
    )
    .await
    .unwrap();
    // TOP refused the spent refresh token; the row had changed, so it is not marked revoked.
    assert_eq!(mock.refresh_stats().refused, 1);
    assert!(report.revoked.is_empty(), "{report:?}");
    assert_eq!(report.superseded, [shop]);
    let stored = store.get(shop).await.unwrap().unwrap();
    assert_eq!(stored.revoked, None);
    assert_eq!(
        stored.token.refresh_token.as_ref().unwrap().expose(),
        &mock.refresh_stats().latest[&shop]
    );
}
