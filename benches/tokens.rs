//! Token stores with 10,000 shops: lookups per second (memory, SQLite, PostgreSQL: one task
//! and 16 tasks), refresh throughput through the mock gateway (one worker on SQLite, four on
//! PostgreSQL), and the per-call cost of bans shared through a PostgreSQL store on the
//! client's hot path (`cargo bench -p topsdk --bench tokens`). PostgreSQL is a private
//! cluster the bench starts (tests/support/postgres.rs); without one its lines say NOT RUN.

#[path = "../tests/support/postgres.rs"]
mod postgres;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use topsdk::oauth::Token;
use topsdk::tokens::{
    Expect, MemoryStore, PgStore, RefreshOptions, SqliteStore, TokenStore, refresh_expiring,
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
    println!(
        "{name}: latency {:.1} us a put, {:.1} us a get (one task)",
        put.as_secs_f64() * 1e6 / SHOPS as f64,
        get.as_secs_f64() * 1e6 / (SHOPS * rounds) as f64
    );
}

/// `SHOPS` tokens the mock issued (its refresh tokens rotate: made-up ones are refused),
/// made to expire in a minute.
async fn issued(client: &topsdk::Client, tag: &str) -> Vec<(i64, Token)> {
    let soon = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .expect("clock")
        .as_millis() as i64
        + 60_000;
    let mut out = Vec::with_capacity(SHOPS as usize);
    for i in 0..SHOPS {
        let mut t = topsdk::oauth::create_token(client, &format!("bench-{tag}-{i}"))
            .await
            .expect("token");
        t.expire_time = Some(soon);
        out.push((t.taobao_user_id.expect("shop"), t));
    }
    out
}

/// Lookups from 16 tasks at once over the shops `lookups` stored.
async fn lookups_16(name: &str, store: Arc<dyn TokenStore>) {
    let started = Instant::now();
    let per_task = SHOPS * 2 / 16;
    let tasks: Vec<_> = (0..16i64)
        .map(|k| {
            let store = store.clone();
            tokio::spawn(async move {
                for i in 0..per_task {
                    let shop = (k * per_task + i) % SHOPS + 1;
                    assert!(store.get(shop).await.expect("get").is_some());
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("task");
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{name}: {} lookups from 16 tasks in {secs:.2} s = {:.0} lookups/s",
        per_task * 16,
        (per_task * 16) as f64 / secs
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
        let memory = Arc::new(MemoryStore::new());
        lookups("memory", &*memory).await;
        lookups_16("memory", memory).await;
        let sqlite = Arc::new(SqliteStore::open(&db).expect("open"));
        lookups("sqlite", &*sqlite).await;
        lookups_16("sqlite", sqlite).await;
        let pg = match postgres::cluster("benches/tokens.rs") {
            Some(c) => Some(c.url.clone()),
            None => {
                println!("postgres: NOT RUN (no PostgreSQL cluster could start)");
                None
            }
        };
        if let Some(url) = &pg {
            let store = Arc::new(PgStore::connect(url).await.expect("connect"));
            lookups("postgres", &*store).await;
            lookups_16("postgres", store).await;
        }
        let mock = topsdk::mock::MockGateway::start(topsdk_util::APIS, "k", "s")
            .await
            .expect("mock");
        let client = topsdk::Client::builder("k", "s")
            .gateway_url(mock.url())
            .build()
            .expect("client");
        let store = SqliteStore::open(dir.path().join("refresh.sqlite")).expect("open");
        for (shop, t) in issued(&client, "sqlite").await {
            store.put(shop, &t, Expect::Any).await.expect("put");
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
        if let Some(url) = &pg {
            postgres_workers(url, &client).await;
            shared_bans(url).await;
        }
    });
}

/// Four refreshers (as four processes would) on one PostgreSQL store of 10,000 due shops.
async fn postgres_workers(url: &str, client: &topsdk::Client) {
    let store = Arc::new(PgStore::connect(url).await.expect("connect"));
    for (shop, t) in issued(client, "postgres").await {
        store.put(shop, &t, Expect::Any).await.expect("put");
    }
    let started = Instant::now();
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let (store, client) = (store.clone(), client.clone());
            tokio::spawn(async move {
                let options = RefreshOptions::new(Duration::from_secs(3600))
                    .concurrency(8)
                    .worker(format!("bench-{w}"));
                refresh_expiring(&*store, &client, &options)
                    .await
                    .expect("refresh")
                    .refreshed
                    .len()
            })
        })
        .collect();
    let mut total = 0;
    for w in workers {
        total += w.await.expect("worker");
    }
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(total as i64, SHOPS);
    println!(
        "refresh: {SHOPS} tokens refreshed by 4 workers on PostgreSQL (8 calls each at a time) in {secs:.2} s = {:.0}/s",
        SHOPS as f64 / secs
    );
}

/// A call's quota check with bans shared through the PostgreSQL store and none active.
async fn shared_bans(url: &str) {
    use topsdk::quota::Quotas;
    use topsdk::test_util::Limiter;
    let store: Arc<dyn TokenStore> = Arc::new(PgStore::connect(url).await.expect("connect"));
    let board = Arc::new(topsdk::tokens::StoreBans::new(store));
    let limiter = Limiter::new(Quotas::new().share_bans(board, Duration::from_secs(1)));
    const CALLS: u64 = 2_000_000;
    let mut rounds = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        for i in 0..CALLS {
            limiter
                .acquire("taobao.trades.sold.get", Some(i % 64))
                .await
                .expect("no ban");
        }
        rounds.push(t.elapsed().as_nanos() as f64 / CALLS as f64);
    }
    rounds.sort_by(f64::total_cmp);
    println!(
        "shared bans (PostgreSQL board, polled every 1 s, none active): {:.1} ns a call's check (median of 5 x {CALLS})",
        rounds[2]
    );
}
