//! `topsdk::security` on the project's mock gateway, which serves `taobao.top.secret.get`
//! (keys per app, shop and customer account, a current and a previous version) and the OAID
//! APIs: the whole path offline, the key fetches counted by the mock.

use futures_util::StreamExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};
use topsdk::mock::MockGateway;
use topsdk::security::oaid::{self, Outcome, Query, Scene};
use topsdk::security::{DataType, Scope, SecurityClient, SecurityError};
use topsdk::{Client, Clock};

const KEY: &str = "12345678";
const SECRET: &str = "test_secret_123";

/// A clock the test moves.
#[derive(Debug, Default)]
struct TestClock(AtomicU64);

impl TestClock {
    fn advance(&self, secs: u64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now(&self) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000 + self.0.load(Ordering::SeqCst))
    }
}

async fn mock() -> MockGateway {
    MockGateway::start(std::iter::empty(), KEY, SECRET)
        .await
        .unwrap()
}

fn client(mock: &MockGateway) -> Client {
    Client::builder(KEY, SECRET)
        .gateway_url(mock.url())
        .build()
        .unwrap()
}

fn key_fetches(mock: &MockGateway) -> Vec<Option<String>> {
    mock.requests()
        .into_iter()
        .filter(|r| {
            r.query
                .iter()
                .any(|(k, v)| k == "method" && v == "taobao.top.secret.get")
        })
        .map(|r| {
            r.query
                .iter()
                .find(|(k, _)| k == "session")
                .map(|(_, v)| v.clone())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_cold_callers_fetch_once_per_scope() {
    let mock = mock().await;
    let writer = SecurityClient::new(client(&mock), "rn");
    let shop = Scope::Session("shop-session-1".into());
    let app_value = writer
        .encrypt(&Scope::App, DataType::Simple, "张三")
        .await
        .unwrap();
    let shop_value = writer
        .encrypt(&shop, DataType::Simple, "李四")
        .await
        .unwrap();
    let before = key_fetches(&mock).len();
    assert_eq!(before, 2);

    let reader = SecurityClient::new(client(&mock), "rn");
    let tasks: Vec<_> = (0..64)
        .map(|i| {
            let (reader, shop) = (reader.clone(), shop.clone());
            let (app_value, shop_value) = (app_value.clone(), shop_value.clone());
            tokio::spawn(async move {
                if i % 2 == 0 {
                    reader
                        .decrypt(&Scope::App, DataType::Simple, &app_value)
                        .await
                } else {
                    reader.decrypt(&shop, DataType::Simple, &shop_value).await
                }
                .unwrap()
                .expose()
                .clone()
            })
        })
        .collect();
    let mut names = Vec::new();
    for t in tasks {
        names.push(t.await.unwrap());
    }
    assert_eq!(names.iter().filter(|n| *n == "张三").count(), 32);
    assert_eq!(names.iter().filter(|n| *n == "李四").count(), 32);
    let fetched = &key_fetches(&mock)[before..];
    assert_eq!(fetched.len(), 2, "one secret.get per scope: {fetched:?}");
    assert_eq!(fetched.iter().filter(|s| s.is_none()).count(), 1);
    assert_eq!(reader.key_fetches(), 2);
}

#[tokio::test]
async fn a_rotated_version_is_used_after_interval_and_old_values_still_decrypt() {
    let mock = mock().await;
    let clock = Arc::new(TestClock::default());
    let sec = SecurityClient::builder(client(&mock), "rn")
        .clock(clock.clone())
        .build();
    let shop = Scope::Session("shop-session-2".into());
    let old = sec.encrypt(&shop, DataType::Simple, "王五").await.unwrap();
    assert!(old.ends_with("~2~"), "{old}");

    assert_eq!(mock.rotate_secret(), 3);
    // Within `interval` (300 s) the cached key serves.
    clock.advance(299);
    assert_eq!(
        sec.encrypt(&shop, DataType::Simple, "王五").await.unwrap(),
        old
    );
    // After it, one refresh in the background; the value of the moment still uses v2.
    clock.advance(2);
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
        "the rotated version is picked up: {newer}"
    );

    // Long after, every cached key expired: the old value's version is fetched and decrypts.
    clock.advance(10_000);
    let before = key_fetches(&mock).len();
    assert_eq!(
        sec.decrypt(&shop, DataType::Simple, &old)
            .await
            .unwrap()
            .expose(),
        "王五"
    );
    assert_eq!(
        sec.decrypt(&shop, DataType::Simple, &newer)
            .await
            .unwrap()
            .expose(),
        "王五"
    );
    assert_eq!(
        key_fetches(&mock).len() - before,
        2,
        "v2 and v3 fetched once each"
    );

    // A version the platform does not have is a typed error, asked once.
    let unknown = old.replace("~2~", "~9~");
    for _ in 0..2 {
        let e = sec
            .decrypt(&shop, DataType::Simple, &unknown)
            .await
            .unwrap_err();
        assert!(
            matches!(e, SecurityError::NoKey { version: Some(9) }),
            "{e:?}"
        );
    }
    assert_eq!(key_fetches(&mock).len() - before, 3);
    // Sessions stay out of errors and Debug.
    assert!(!format!("{shop:?} {sec:?}").contains("shop-session-2"));
}

#[tokio::test]
async fn searchable_forms_from_the_mocks_app_config() {
    let mock = mock().await;
    let sec = SecurityClient::new(client(&mock), "rn");
    let phone = sec
        .encrypt(&Scope::App, DataType::Phone, "13800138000")
        .await
        .unwrap();
    let token = sec
        .search(&Scope::App, DataType::Phone, "8000")
        .await
        .unwrap();
    // The searchable phone: `$prefix$...` as a prefix search (`LIKE 'token%'`).
    assert!(
        phone.starts_with(token.trim_end_matches('$')),
        "{phone} {token}"
    );
    let nick = sec
        .encrypt(&Scope::App, DataType::Nick, "浙江省杭州市")
        .await
        .unwrap();
    let part = sec
        .search(&Scope::App, DataType::Nick, "杭州")
        .await
        .unwrap();
    assert!(nick.contains(&part), "{nick} {part}");
    assert_eq!(
        sec.decrypt(&Scope::App, DataType::Nick, &nick)
            .await
            .unwrap()
            .expose(),
        "浙江省杭州市"
    );
}

#[tokio::test]
async fn oaid_merge_and_decrypt_stream_in_chunks() {
    let mock = mock().await;
    let c = client(&mock);
    // 250 orders of 130 receivers: groups by oaid, at most 100 orders a call.
    let orders: Vec<(String, String)> = (0..250)
        .map(|i| {
            (
                format!("{}", 1_000_000_000_000_000_000u64 + i),
                format!("oaid-{}", i % 130),
            )
        })
        .collect();
    let groups: Vec<Vec<String>> = oaid::merge(&c, orders.clone())
        .map(|g| g.unwrap())
        .collect()
        .await;
    assert_eq!(groups.len(), 130);
    assert_eq!(groups.iter().map(Vec::len).sum::<usize>(), 250);
    let merges = mock
        .requests()
        .iter()
        .filter(|r| {
            r.query
                .iter()
                .any(|(k, v)| k == "method" && v == "taobao.top.oaid.merge")
        })
        .count();
    assert_eq!(merges, 3);

    mock.set_current_oaid(&orders[7].0, "oaid-newer");
    let queries: Vec<Query> = orders[..45]
        .iter()
        .map(|(tid, oaid)| Query::new(tid.clone(), oaid.clone(), Scene::from_code("1001")))
        .collect();
    let outcomes: Vec<Outcome> = oaid::decrypt(&c, queries)
        .map(|o| o.unwrap())
        .collect()
        .await;
    assert_eq!(outcomes.len(), 45);
    for (i, o) in outcomes.iter().enumerate() {
        match o {
            Outcome::Refetch { tid, .. } => assert_eq!((i, tid), (7, &orders[7].0)),
            Outcome::Decrypted { tid, receiver, .. } => {
                assert_eq!(tid, &orders[i].0);
                assert!(
                    !format!("{receiver:?}").contains("name"),
                    "receivers are masked in Debug"
                );
            }
            Outcome::Missing { .. } => panic!("{i}: {o:?}"),
        }
    }
    let decrypts = mock
        .requests()
        .iter()
        .filter(|r| {
            r.query
                .iter()
                .any(|(k, v)| k == "method" && v == "taobao.top.oaid.decrypt")
        })
        .count();
    assert_eq!(decrypts, 3, "20 a call");
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Trade {
    tid: i64,
    buyer_nick: String,
    receiver_name: String,
    receiver_mobile: String,
    title: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Page {
    trades: Vec<Trade>,
    total_results: i64,
}

#[tokio::test]
async fn a_page_of_100_trades_decrypted_in_place_with_one_key_lookup() {
    let mock = mock().await;
    let writer = SecurityClient::new(client(&mock), "rn");
    let shop = Scope::Session("shop-session-3".into());
    let mut page = Page {
        trades: Vec::new(),
        total_results: 100,
    };
    for i in 0..100 {
        page.trades.push(Trade {
            tid: 4_000_000_000_000_000_000 + i,
            buyer_nick: writer
                .encrypt(&shop, DataType::Nick, &format!("买家{i}"))
                .await
                .unwrap(),
            receiver_name: writer
                .encrypt(&shop, DataType::ReceiverName, &format!("收货人{i}"))
                .await
                .unwrap(),
            receiver_mobile: writer
                .encrypt(&shop, DataType::Phone, &format!("1380013{i:04}"))
                .await
                .unwrap(),
            title: format!("plain title {i}"),
        });
    }
    let reader = SecurityClient::new(client(&mock), "rn");
    let before = key_fetches(&mock).len();
    let done = reader.decrypt_response(&shop, page.clone()).await.unwrap();
    assert_eq!(
        key_fetches(&mock).len() - before,
        1,
        "one key lookup for the page"
    );
    assert_eq!(done.trades.len(), 100);
    for (i, t) in done.trades.iter().enumerate() {
        assert_eq!(t.buyer_nick, format!("买家{i}"));
        assert_eq!(t.receiver_name, format!("收货人{i}"));
        assert_eq!(t.receiver_mobile, format!("1380013{i:04}"));
        assert_eq!(t.title, page.trades[i].title, "plain fields untouched");
        assert_eq!(t.tid, page.trades[i].tid);
    }
    assert_eq!(done.decrypted_fields().len(), 300);
    assert!(
        done.decrypted_fields()
            .contains(&"trades[3].receiver_mobile".to_string())
    );
    // The plaintexts stay out of Debug and serialized output.
    let shown = format!("{done:?} {}", serde_json::to_string(&done).unwrap());
    assert!(
        !shown.contains("收货人7") && !shown.contains("13800130007"),
        "{shown}"
    );
    assert!(shown.contains("plain title 7"));
}
