//! Token stores with 10,000 shops: lookups per second (memory, SQLite), and refresh
//! throughput through the mock gateway (`cargo bench -p topsdk --bench tokens`).

use std::time::{Duration, Instant, SystemTime};
use topsdk::oauth::Token;
use topsdk::tokens::{
    Expect, MemoryStore, RefreshOptions, SqliteStore, TokenStore, refresh_expiring,
};

const SHOPS: i64 = 10_000;

fn token(shop: i64, expires_in: i64) -> Token {
    let json = serde_json::json!({
        "access_token": format!("6201{shop:016}"), "refresh_token": format!("63{shop}-x"),
        "expires_in": expires_in, "re_expires_in": 2_592_000,
        "taobao_user_id": shop.to_string(), "taobao_user_nick": format!("shop{shop}"),
    });
    Token::parse(&json.to_string(), SystemTime::now()).expect("token")
}

async fn lookups(name: &str, store: &dyn TokenStore) {
    let started = Instant::now();
    for shop in 1..=SHOPS {
        store
            .put(shop, &token(shop, 86_400), Expect::Any)
            .await
            .expect("put");
    }
    let put = started.elapsed();
    let started = Instant::now();
    let rounds = 5;
    for _ in 0..rounds {
        for shop in 1..=SHOPS {
            assert!(store.get(shop).await.expect("get").is_some());
        }
    }
    let get = started.elapsed();
    println!(
        "{name}: {SHOPS} puts in {:.2} s ({:.0}/s); {} lookups in {:.2} s = {:.0} lookups/s",
        put.as_secs_f64(),
        SHOPS as f64 / put.as_secs_f64(),
        SHOPS * rounds,
        get.as_secs_f64(),
        (SHOPS * rounds) as f64 / get.as_secs_f64()
    );
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("tokens.sqlite");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        lookups("memory", &MemoryStore::new()).await;
        lookups("sqlite", &SqliteStore::open(&db).expect("open")).await;
        let mock = topsdk::mock::MockGateway::start(topsdk_util::APIS, "k", "s")
            .await
            .expect("mock");
        let client = topsdk::Client::builder("k", "s")
            .gateway_url(mock.url())
            .build()
            .expect("client");
        let store = SqliteStore::open(dir.path().join("refresh.sqlite")).expect("open");
        for shop in 1..=SHOPS {
            store
                .put(shop, &token(shop, 60), Expect::Any)
                .await
                .expect("put");
        }
        let started = Instant::now();
        let options = RefreshOptions::new(Duration::from_secs(3600)).concurrency(32);
        let report = refresh_expiring(&store, &client, &options)
            .await
            .expect("refresh");
        let secs = started.elapsed().as_secs_f64();
        assert_eq!(report.refreshed.len() as i64, SHOPS, "{:?}", report.failed.first());
        println!(
            "refresh: {SHOPS} tokens refreshed and stored (SQLite) through the mock gateway in {secs:.2} s = {:.0}/s (concurrency 32)",
            SHOPS as f64 / secs
        );
    });
}
