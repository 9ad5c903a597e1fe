//! `PgStore` against a private PostgreSQL cluster this test binary starts (Debian's
//! `postgresql`; as root, `initdb` and `pg_ctl` run as the `postgres` user). Versions fence
//! writes, two workers' claims never share a shop, a lapsed lease is claimed again and the
//! first holder's write then conflicts, bans are shared, a schema newer than the code is
//! refused, a ban one worker meets pauses its API in another. Without PostgreSQL the tests say once that they did not run, unless
//! `TOPSDK_REQUIRE_POSTGRES=1` (CI), which makes a missing server a failure.

#[path = "support/postgres.rs"]
mod postgres;

use postgres::cluster as shared_cluster;
use std::time::{Duration, SystemTime};
use topsdk::oauth::Token;
use topsdk::tokens::{Expect, PgStore, Put, StoredBan, TokenStore};

fn cluster() -> Option<&'static postgres::Cluster> {
    shared_cluster("tests/postgres_store.rs")
}

/// A fresh database of the cluster, for one test.
async fn store(name: &str) -> Option<PgStore> {
    let c = cluster()?;
    let (client, conn) = tokio_postgres::connect(&c.url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    // One statement each: neither runs inside a transaction block.
    for sql in [
        format!("DROP DATABASE IF EXISTS {name}"),
        format!("CREATE DATABASE {name}"),
    ] {
        client.batch_execute(&sql).await.unwrap();
    }
    let url = c.url.replace("/postgres", &format!("/{name}"));
    Some(PgStore::connect(&url).await.unwrap())
}

fn token(shop: i64, access: &str, expires_in: i64) -> Token {
    let json = serde_json::json!({
        "access_token": access, "expires_in": expires_in, "refresh_token": format!("r-{access}"),
        "re_expires_in": 86400, "taobao_user_id": shop.to_string(), "taobao_user_nick": "shop",
    });
    Token::parse(&json.to_string(), SystemTime::now()).unwrap()
}

#[tokio::test]
async fn versions_fence_writes() {
    let Some(s) = store("fence").await else {
        return;
    };
    let t1 = token(1, "a1", 600);
    let Put::Stored { version } = s.put(1, &t1, Expect::Absent).await.unwrap() else {
        panic!("first put")
    };
    assert!(matches!(
        s.put(1, &t1, Expect::Absent).await.unwrap(),
        Put::Conflict { current: Some(v) } if v == version
    ));
    let t2 = token(1, "a2", 600);
    let Put::Stored { version: v2 } = s.put(1, &t2, Expect::Version(version)).await.unwrap() else {
        panic!("put over the version read")
    };
    assert!(v2 > version);
    // A writer holding the older version loses: the newer pair stays.
    assert!(matches!(
        s.put(1, &t1, Expect::Version(version)).await.unwrap(),
        Put::Conflict { .. }
    ));
    let got = s.get(1).await.unwrap().unwrap();
    assert_eq!(got.token.access_token.expose(), "a2");
    assert_eq!(got.version, v2);
}

#[tokio::test]
async fn two_workers_never_claim_the_same_shop_and_a_lapsed_lease_is_fenced() {
    let Some(s) = store("claims").await else {
        return;
    };
    for shop in 1..=20 {
        s.put(shop, &token(shop, &format!("a{shop}"), 60), Expect::Any)
            .await
            .unwrap();
    }
    let soon = SystemTime::now() + Duration::from_secs(3600);
    let a = s
        .claim("worker-a", soon, Duration::from_secs(60), 12)
        .await
        .unwrap();
    let b = s
        .claim("worker-b", soon, Duration::from_secs(60), 12)
        .await
        .unwrap();
    assert_eq!(a.tokens.len(), 12);
    assert_eq!(b.tokens.len(), 8);
    let mut shops: Vec<i64> = a.tokens.iter().chain(&b.tokens).map(|(s, _)| *s).collect();
    shops.sort();
    shops.dedup();
    assert_eq!(shops.len(), 20, "no shop claimed twice");
    // A short lease lapses: another worker claims the shop, and the first one's write
    // (conditional on the version it claimed) conflicts.
    s.put(99, &token(99, "x", 60), Expect::Any).await.unwrap();
    let first = s
        .claim("slow", soon, Duration::from_millis(200), 100)
        .await
        .unwrap();
    let (_, claimed) = first.tokens.iter().find(|(s, _)| *s == 99).unwrap().clone();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let second = s
        .claim("fast", soon, Duration::from_secs(60), 100)
        .await
        .unwrap();
    let (_, again) = second
        .tokens
        .iter()
        .find(|(s, _)| *s == 99)
        .unwrap()
        .clone();
    assert!(again.version > claimed.version);
    assert!(matches!(
        s.put(
            99,
            &token(99, "late", 600),
            Expect::Version(claimed.version)
        )
        .await
        .unwrap(),
        Put::Conflict { .. }
    ));
    assert!(matches!(
        s.put(99, &token(99, "fresh", 600), Expect::Version(again.version))
            .await
            .unwrap(),
        Put::Stored { .. }
    ));
}

#[tokio::test]
async fn bans_are_shared_and_a_newer_schema_is_refused() {
    let Some(s) = store("bans").await else { return };
    let until = SystemTime::now() + Duration::from_secs(60);
    let ban = StoredBan {
        scope: "api:taobao.trade.get".into(),
        until,
    };
    s.record_ban(&ban).await.unwrap();
    let bans = s.bans().await.unwrap();
    assert_eq!(bans.len(), 1);
    assert_eq!(bans[0].scope, ban.scope);
    // A schema version this code does not know: refused, with a clear error.
    let c = cluster().unwrap();
    let url = c.url.replace("/postgres", "/bans");
    let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    client
        .batch_execute("INSERT INTO topsdk_schema (version) VALUES (999)")
        .await
        .unwrap();
    let e = PgStore::connect(&url).await.unwrap_err();
    assert!(e.to_string().contains("newer"), "{e}");
}

#[tokio::test]
async fn a_store_remembers_its_sealing_key_and_refuses_another() {
    use topsdk::tokens::TokenKey;
    let Some(s) = store("sealkey").await else {
        return;
    };
    let key = |b: u8| {
        use base64::Engine as _;
        TokenKey::from_base64(&base64::engine::general_purpose::STANDARD.encode([b; 32])).unwrap()
    };
    let url = cluster().unwrap().url.replace("/postgres", "/sealkey");
    // Clear first, then sealed with key 1: the clear row still reads.
    s.put(1, &token(1, "clear", 600), Expect::Any)
        .await
        .unwrap();
    let sealed = s.with_key(key(1)).await.unwrap();
    sealed
        .put(2, &token(2, "sealed", 600), Expect::Any)
        .await
        .unwrap();
    assert_eq!(sealed.list().await.unwrap().tokens.len(), 2);
    // Another key: refused, naming both fingerprints.
    let other = PgStore::connect(&url).await.unwrap().with_key(key(2)).await;
    let e = other.unwrap_err().to_string();
    assert!(
        e.contains(key(1).fingerprint()) && e.contains(key(2).fingerprint()),
        "{e}"
    );
    // No key: reads report the sealed row, writes are refused (nothing in clear).
    let bare = PgStore::connect(&url).await.unwrap();
    let listing = bare.list().await.unwrap();
    assert_eq!((listing.tokens.len(), listing.unreadable.len()), (1, 1));
    let e = bare
        .put(3, &token(3, "x", 600), Expect::Any)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("without a key"), "{e}");
    // Rotation: key 2 with key 1 as previous takes over; then key 1 alone is refused.
    let rotated = PgStore::connect(&url)
        .await
        .unwrap()
        .with_keys(key(2), Some(key(1)))
        .await
        .unwrap();
    assert_eq!(rotated.list().await.unwrap().tokens.len(), 2);
    assert!(
        PgStore::connect(&url)
            .await
            .unwrap()
            .with_key(key(1))
            .await
            .is_err()
    );
}

/// No cluster needed: a database nobody answers for is a clear error naming the address,
/// never the password.
#[tokio::test]
async fn an_unreachable_database_is_a_clear_error_without_the_password() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let url = format!("postgres://app:s3cret-pw@127.0.0.1:{port}/tokens");
    let e = PgStore::connect(&url).await.unwrap_err().to_string();
    assert!(!e.contains("s3cret-pw"), "{e}");
    assert!(e.contains("app:***@127.0.0.1"), "{e}");
}

/// Two workers, each with its own connection pool to the store (as two processes would): a
/// code 7 ban of one API that worker 1 meets pauses that API in worker 2 (nothing sent),
/// other APIs go, and the ban ends when its length has passed.
#[tokio::test]
async fn a_ban_one_worker_meets_pauses_that_api_in_another_sharing_the_store() {
    use std::sync::Arc;
    use topsdk::mock::{MockGateway, Reply};
    use topsdk::quota::{Quotas, WhenLimited};
    use topsdk::tokens::StoreBans;
    const SEED: &str = "alibaba.kongur.token.getosstoken";
    const TIME: &str = "taobao.time.get";
    if store("sharedbans").await.is_none() {
        return;
    }
    let url = cluster().unwrap().url.replace("/postgres", "/sharedbans");
    let mock = MockGateway::start(
        topsdk::kongur::APIS.iter().chain(topsdk_util::APIS),
        "12345678",
        "helloworld",
    )
    .await
    .unwrap();
    let mut workers = Vec::new();
    for _ in 0..2 {
        let store: Arc<dyn TokenStore> = Arc::new(PgStore::connect(&url).await.unwrap());
        let quotas = Quotas::new()
            .when_limited(WhenLimited::Fail)
            .share_bans(Arc::new(StoreBans::new(store)), Duration::from_millis(50));
        workers.push(
            topsdk::Client::builder("12345678", "helloworld")
                .gateway_url(mock.url())
                .quotas(quotas)
                .build()
                .unwrap(),
        );
    }
    let (one, two) = (&workers[0], &workers[1]);
    two.execute_raw(TIME, []).await.unwrap();
    mock.push_reply(
        SEED,
        Reply::Error(topsdk::ApiError {
            code: 7,
            msg: "App Call Limited".into(),
            sub_code: Some("accesscontrol.limited-by-api-access-count".into()),
            sub_msg: Some("This ban will last for 3 more seconds".into()),
            request_id: None,
        }),
    );
    one.execute_raw(SEED, []).await.unwrap_err();
    let banned_at = std::time::Instant::now();
    // Worker 2 learns it from the store: refused, nothing sent.
    loop {
        let sent = mock.request_count();
        match two.execute_raw(SEED, []).await {
            Err(topsdk::Error::Throttled { scope, .. }) => {
                assert_eq!(scope, "API ban");
                assert_eq!(mock.request_count(), sent, "nothing sent into the ban");
                break;
            }
            other => {
                assert!(banned_at.elapsed() < Duration::from_secs(2), "{other:?}");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
    // Other APIs go.
    two.execute_raw(TIME, []).await.unwrap();
    // Once its length has passed, the API goes again in both.
    tokio::time::sleep(
        Duration::from_secs(3).saturating_sub(banned_at.elapsed()) + Duration::from_millis(300),
    )
    .await;
    two.execute_raw(SEED, []).await.unwrap();
    one.execute_raw(SEED, []).await.unwrap();
}

#[tokio::test]
async fn a_wrong_password_is_a_clear_error_that_does_not_show_it() {
    let Some(c) = cluster() else { return };
    let url = c.url.replace(postgres::PASSWORD, "wrong-pw-123");
    let e = PgStore::connect(&url).await.unwrap_err().to_string();
    assert!(!e.contains("wrong-pw-123"), "{e}");
    assert!(e.contains("password"), "{e}");
}
