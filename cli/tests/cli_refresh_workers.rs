//! `topsdk auth refresh` run by several processes at once on one store: every due shop is
//! refreshed exactly once (the mock gateway, run inside this test, counts refreshes per shop
//! and knows the refresh token it issued last), every stored pair is the latest, nothing is
//! lost, and a second round finds nothing due. On PostgreSQL (a private cluster this test
//! starts) with 1,000 shops, and on one SQLite file against a gateway that accepts a spent
//! refresh token again within a grace period (where a second refresh of a shop would store a
//! superseded pair). A worker killed with SIGKILL while holding leases: another takes its
//! shops once the leases lapse.

#[path = "../../tests/support/postgres.rs"]
mod postgres;
mod support;

use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::{Duration, Instant, SystemTime};
use support::BIN;
use topsdk::mock::{MockGateway, Reply};
use topsdk::oauth;
use topsdk::tokens::{Expect, StoreUrl, TokenStore};

const KEY: &str = "workers-key";
const SECRET: &str = "workers-secret";

async fn mock() -> (MockGateway, topsdk::Client) {
    let mock = MockGateway::start(topsdk_util::APIS, KEY, SECRET)
        .await
        .unwrap();
    let client = topsdk::Client::builder(KEY, SECRET)
        .gateway_url(mock.url())
        .build()
        .unwrap();
    (mock, client)
}

/// `n` shops authorized at the mock, stored expiring in a minute.
async fn seed(store: &dyn TokenStore, client: &topsdk::Client, n: usize) -> Vec<i64> {
    let soon = ms(SystemTime::now()) + 60_000;
    let mut shops = Vec::with_capacity(n);
    for i in 0..n {
        let mut t = oauth::create_token(client, &format!("worker-shop-{i}"))
            .await
            .unwrap();
        t.expire_time = Some(soon);
        let shop = t.taobao_user_id.unwrap();
        store.put(shop, &t, Expect::Any).await.unwrap();
        shops.push(shop);
    }
    shops.sort_unstable();
    shops
}

fn worker(gateway: &str, store: &str, lease_secs: &str) -> tokio::process::Command {
    let mut c = tokio::process::Command::new(BIN);
    c.args([
        "auth",
        "refresh",
        "--margin-secs",
        "3600",
        "--lease-secs",
        lease_secs,
    ])
    .env("TOP_APP_KEY", KEY)
    .env("TOP_APP_SECRET", SECRET)
    .env("TOP_GATEWAY_URL", gateway)
    .env("TOP_TOKEN_STORE", store)
    .env_remove("TOP_TOKEN_DB")
    .env_remove("TOP_TOKEN_KEY")
    .env_remove("TOP_TOKEN_KEY_PREVIOUS")
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .kill_on_drop(true);
    c
}

/// Runs `n` workers at once; each one's report.
async fn round(gateway: &str, store: &str, n: usize) -> Vec<serde_json::Value> {
    let children: Vec<_> = (0..n)
        .map(|_| worker(gateway, store, "60").spawn().unwrap())
        .collect();
    let mut reports = Vec::new();
    for c in children {
        let out = c.wait_with_output().await.unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "a worker failed: {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        reports.push(serde_json::from_str(stdout.trim()).unwrap());
    }
    reports
}

fn refreshed(reports: &[serde_json::Value]) -> Vec<i64> {
    let mut all: Vec<i64> = reports
        .iter()
        .flat_map(|r| r["refreshed"].as_array().unwrap().iter())
        .map(|v| v.as_i64().unwrap())
        .collect();
    all.sort_unstable();
    all
}

/// Every shop refreshed exactly once at the mock, and stored holding the latest pair.
async fn check_once_and_latest(mock: &MockGateway, store: &dyn TokenStore, shops: &[i64]) {
    let stats = mock.refresh_stats();
    let counts: BTreeMap<i64, u32> = shops
        .iter()
        .map(|s| (*s, stats.per_shop.get(s).copied().unwrap_or(0)))
        .collect();
    let wrong: Vec<_> = counts.iter().filter(|(_, n)| **n != 1).collect();
    assert!(
        wrong.is_empty(),
        "shops not refreshed exactly once: {wrong:?}"
    );
    assert_eq!(stats.refused, 0, "spent refresh tokens were sent");
    assert_eq!(stats.regranted, 0, "a spent refresh token was used again");
    let listing = store.list().await.unwrap();
    assert!(listing.unreadable.is_empty());
    assert_eq!(listing.tokens.len(), shops.len(), "tokens lost");
    for (shop, stored) in &listing.tokens {
        assert_eq!(stored.revoked, None, "shop {shop}");
        assert_eq!(
            stored.token.refresh_token.as_ref().unwrap().expose(),
            &stats.latest[shop],
            "shop {shop} holds a superseded pair"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_workers_on_postgres_refresh_each_of_1000_shops_once() {
    let Some(cluster) = postgres::cluster("cli/tests/cli_refresh_workers.rs") else {
        return;
    };
    let url = cluster.url.clone();
    let (mock, client) = mock().await;
    let store = StoreUrl::parse(&url).unwrap().open().await.unwrap();
    let shops = seed(&*store, &client, 1000).await;
    let reports = round(&mock.url(), &url, 4).await;
    assert_eq!(
        refreshed(&reports),
        shops,
        "every shop once, across the workers"
    );
    check_once_and_latest(&mock, &*store, &shops).await;
    // A second round finds nothing due.
    let again = round(&mock.url(), &url, 4).await;
    assert!(refreshed(&again).is_empty(), "{again:?}");
    assert_eq!(mock.refresh_stats().accepted, 1000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_workers_on_one_sqlite_file_store_no_superseded_pair() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("tokens.sqlite").display());
    let (mock, client) = mock().await;
    // A gateway that forgives a second use of a refresh token for a minute: were two workers
    // to refresh one shop, both would succeed and one would store a superseded pair.
    mock.set_refresh_grace(Duration::from_secs(60));
    let store = StoreUrl::parse(&url).unwrap().open().await.unwrap();
    let shops = seed(&*store, &client, 200).await;
    let reports = round(&mock.url(), &url, 4).await;
    assert_eq!(refreshed(&reports), shops);
    check_once_and_latest(&mock, &*store, &shops).await;
    assert!(refreshed(&round(&mock.url(), &url, 4).await).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_holding_leases_loses_them_to_another_after_the_lease() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("tokens.sqlite").display());
    let (mock, client) = mock().await;
    let store = StoreUrl::parse(&url).unwrap().open().await.unwrap();
    let shops = seed(&*store, &client, 20).await;
    // The first worker's refreshes hang: it claims every shop (leases of 3 s) and is killed.
    mock.set_reply(
        "taobao.top.auth.token.refresh",
        Reply::Slow {
            delay: Duration::from_secs(30),
            then: Box::new(Reply::Sample),
        },
    );
    let mut first = worker(&mock.url(), &url, "3").spawn().unwrap();
    let claimed = Instant::now();
    // Until its claims are in: every row leased.
    loop {
        let held = rusqlite_leased(dir.path().join("tokens.sqlite"));
        if held == shops.len() {
            break;
        }
        assert!(claimed.elapsed() < Duration::from_secs(20), "no claims");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    first.start_kill().unwrap();
    first.wait().await.unwrap();
    let killed = Instant::now();
    mock.set_reply("taobao.top.auth.token.refresh", Reply::Sample);
    // Workers started now and then: each takes what is no longer held.
    let mut done = Vec::new();
    while done.len() < shops.len() {
        assert!(
            killed.elapsed() < Duration::from_secs(3 + 5),
            "after {:?}, {} of {} shops refreshed",
            killed.elapsed(),
            done.len(),
            shops.len()
        );
        let out = worker(&mock.url(), &url, "60").output().await.unwrap();
        let report: serde_json::Value =
            serde_json::from_str(String::from_utf8_lossy(&out.stdout).trim()).unwrap();
        done.extend(refreshed(&[report]));
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    done.sort_unstable();
    assert_eq!(done, shops);
    check_once_and_latest(&mock, &*store, &shops).await;
}

/// Rows of the SQLite store under a lease now.
fn rusqlite_leased(path: std::path::PathBuf) -> usize {
    let Ok(c) = rusqlite::Connection::open(path) else {
        return 0;
    };
    let now = ms(SystemTime::now());
    c.query_row(
        "SELECT count(*) FROM tmc_tokens_v1 WHERE lease_owner IS NOT NULL AND lease_until > ?1",
        [now],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n as usize)
    .unwrap_or(0)
}

fn ms(t: SystemTime) -> i64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// A store that cannot be used is exit 3 with a clear line: a refused password (never shown),
/// a file that is not a SQLite database (left as it was).
#[test]
fn a_refused_password_or_a_file_that_is_no_database_exits_3() {
    if let Some(cluster) = postgres::cluster("cli/tests/cli_refresh_workers.rs") {
        let url = cluster.url.replace(postgres::PASSWORD, "wrong-pw-123");
        let out = std::process::Command::new(BIN)
            .args(["auth", "list", "--store", &url])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{err}");
        assert!(
            err.contains("password") && !err.contains("wrong-pw-123"),
            "{err}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.sqlite");
    let garbage = b"this is not a SQLite database, just bytes\n".repeat(200);
    std::fs::write(&file, &garbage).unwrap();
    let out = std::process::Command::new(BIN)
        .args(["auth", "refresh", "--db"])
        .arg(&file)
        .env_remove("TOP_APP_KEY")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("not a database"), "{err}");
    assert_eq!(
        std::fs::read(&file).unwrap(),
        garbage,
        "the file was changed"
    );
}
