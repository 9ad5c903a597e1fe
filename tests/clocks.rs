//! One clock per client: what a `Client` builds (the buyer-data `SecurityClient`, OAuth's
//! token dates, the token refresher) reads the client's clock unless the caller sets another.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};
use topsdk::mock::{MockGateway, Reply};
use topsdk::security::{DataType, Scope, SecurityClient};
use topsdk::tokens::{Expect, MemoryStore, RefreshOptions, TokenStore, refresh_expiring};
use topsdk::{Client, Clock, FixedClock, oauth};

const KEY: &str = "12345678";
const SECRET: &str = "test_secret_123";

/// A clock the test moves, starting `ahead` of the system's.
#[derive(Debug)]
struct TestClock {
    start: SystemTime,
    moved: AtomicU64,
}

impl TestClock {
    fn ahead(secs: u64) -> Arc<TestClock> {
        Arc::new(TestClock {
            start: SystemTime::now() + Duration::from_secs(secs),
            moved: AtomicU64::new(0),
        })
    }
    fn advance(&self, secs: u64) {
        self.moved.fetch_add(secs, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now(&self) -> SystemTime {
        self.start + Duration::from_secs(self.moved.load(Ordering::SeqCst))
    }
}

fn client(mock: &MockGateway, clock: Arc<dyn Clock>) -> Client {
    Client::builder(KEY, SECRET)
        .gateway_url(mock.url())
        .clock(clock)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_security_client_follows_its_gateway_clients_clock() {
    let mock = MockGateway::start(std::iter::empty(), KEY, SECRET)
        .await
        .unwrap();
    let clock = TestClock::ahead(0);
    // No clock given to the security client: it is the gateway client's.
    let sec = SecurityClient::new(client(&mock, clock.clone() as Arc<dyn Clock>), "rn");
    let shop = Scope::Session("shop-session".into());
    let old = sec.encrypt(&shop, DataType::Simple, "王五").await.unwrap();
    assert!(old.ends_with("~2~"), "{old}");
    assert_eq!(mock.rotate_secret(), 3);
    // The key's interval (300 s) passes on the client's clock, not the system's: the rotated
    // version is fetched (in the background) and used.
    clock.advance(301);
    let mut newer = String::new();
    for _ in 0..250 {
        newer = sec.encrypt(&shop, DataType::Simple, "王五").await.unwrap();
        if newer != old {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        newer.ends_with("~3~"),
        "key lifetimes by the client's clock: {newer}"
    );
}

fn token_reply(method_key: &str, access: &str, refresh: &str, expires_in: i64) -> Reply {
    let token = serde_json::json!({
        "access_token": access, "token_type": "Bearer", "expires_in": expires_in,
        "refresh_token": refresh, "re_expires_in": 86400, "taobao_user_id": "42",
        "taobao_user_nick": "shop",
    });
    Reply::Raw {
        status: 200,
        content_type: "application/json;charset=utf-8".into(),
        body: serde_json::json!({ method_key: {"token_result": token.to_string(), "request_id": "r1"} })
            .to_string()
            .into_bytes(),
    }
}

#[tokio::test]
async fn tokens_are_dated_and_refreshed_by_the_clients_clock() {
    let mock = MockGateway::start(topsdk_util::APIS, KEY, SECRET)
        .await
        .unwrap();
    // The client's clock is fixed two days ahead (so is the mock gateway's, which checks
    // timestamps).
    let two_days = 2 * 86_400;
    mock.set_clock_offset_secs(two_days as i64);
    let clock = Arc::new(FixedClock(
        SystemTime::now() + Duration::from_secs(two_days),
    ));
    let client = client(&mock, clock.clone());
    mock.push_reply(
        "taobao.top.auth.token.create",
        token_reply(
            "top_auth_token_create_response",
            "access-1",
            "refresh-1",
            600,
        ),
    );
    let token = oauth::create_token(&client, "code").await.unwrap();
    let expires = token.expires_at().unwrap();
    let want = clock.now() + Duration::from_secs(600);
    assert!(
        expires <= want && expires + Duration::from_secs(5) >= want,
        "dated by the client's clock: {expires:?} vs {want:?}"
    );
    let store = MemoryStore::new();
    store.put(42, &token, Expect::Any).await.unwrap();
    mock.push_reply(
        "taobao.top.auth.token.refresh",
        token_reply(
            "top_auth_token_refresh_response",
            "access-2",
            "refresh-2",
            86_400,
        ),
    );
    // Due within the hour by the client's clock (two days away by the system's).
    let options = RefreshOptions::new(Duration::from_secs(3600)).concurrency(1);
    let report = refresh_expiring(&store, &client, &options).await.unwrap();
    assert_eq!(report.refreshed, [42], "{report:?}");
    assert_eq!(
        store
            .get(42)
            .await
            .unwrap()
            .unwrap()
            .token
            .access_token
            .expose(),
        "access-2"
    );
}
