//! Quotas held by the client, against the mock gateway: a code 7 ban of one API pauses that
//! API for every handle (clones, other sessions) and not the others; a session's ban pauses
//! that session only; an app-wide rate holds over 10 s with 16 tasks calling; fail-fast
//! refuses before any I/O; waits and refusals are counted.

use std::sync::Arc;
use std::time::{Duration, Instant};
use topsdk::mock::{MockGateway, Reply};
use topsdk::quota::{Quotas, Rate, WhenLimited};
use topsdk::{ApiError, Client, Error};

const KEY: &str = "12345678";
const SECRET: &str = "helloworld";
const SEED: &str = "alibaba.kongur.token.getosstoken";
const TIME: &str = "taobao.time.get";

async fn mock() -> MockGateway {
    MockGateway::start(
        topsdk::kongur::APIS.iter().chain(topsdk_util::APIS),
        KEY,
        SECRET,
    )
    .await
    .unwrap()
}

fn client(mock: &MockGateway, quotas: Quotas) -> Client {
    Client::builder(KEY, SECRET)
        .gateway_url(mock.url())
        .quotas(quotas)
        .build()
        .unwrap()
}

fn ban(sub_code: &str, secs: u64) -> Reply {
    Reply::Error(ApiError {
        code: 7,
        msg: "App Call Limited".into(),
        sub_code: Some(sub_code.into()),
        sub_msg: Some(format!("This ban will last for {secs} more seconds")),
        request_id: None,
    })
}

#[tokio::test]
async fn an_api_ban_pauses_that_api_for_every_handle_and_no_other() {
    let mock = mock().await;
    let c = client(&mock, Quotas::new().when_limited(WhenLimited::Fail));
    mock.push_reply(SEED, ban("accesscontrol.limited-by-api-access-count", 60));
    let e = c.execute_raw(SEED, []).await.unwrap_err();
    assert!(matches!(e, Error::RateLimited { .. }), "{e}");
    let sent = mock.request_count();
    // Another handle of the client, another shop: refused here, nothing sent.
    for h in [c.clone(), c.with_session("6201other")] {
        let e = h.execute_raw(SEED, []).await.unwrap_err();
        match &e {
            Error::Throttled { scope, retry_after } => {
                assert_eq!(scope, "API ban");
                assert!(*retry_after > Duration::from_secs(58), "{retry_after:?}");
            }
            other => panic!("not throttled: {other}"),
        }
    }
    assert_eq!(mock.request_count(), sent, "a banned call went out");
    // Other APIs go on.
    c.execute_raw(TIME, []).await.unwrap();
    assert_eq!(mock.request_count(), sent + 1);
    assert_eq!(c.quota_stats().refused, 2);
    // What a tool shows of it: this API paused about a minute, the app and the shop not.
    let state = c.ban_state(SEED);
    assert!(
        state.api.is_some_and(|d| d > Duration::from_secs(55)),
        "{state:?}"
    );
    assert_eq!((state.app, state.session), (None, None));
    assert_eq!(c.ban_state(TIME), topsdk::quota::BanState::default());
}

#[tokio::test]
async fn a_session_ban_pauses_that_shop_only_and_an_app_ban_everything() {
    let mock = mock().await;
    let c = client(&mock, Quotas::new().when_limited(WhenLimited::Fail));
    let a = c.with_session("6201shop-a");
    let b = c.with_session("6201shop-b");
    mock.push_reply(
        SEED,
        ban("accesscontrol.limited-by-session-access-count", 30),
    );
    a.execute_raw(SEED, []).await.unwrap_err();
    assert!(matches!(
        a.execute_raw(TIME, []).await,
        Err(Error::Throttled { .. })
    ));
    b.execute_raw(SEED, []).await.unwrap();
    c.execute_raw(SEED, []).await.unwrap();
    mock.push_reply(TIME, ban("accesscontrol.limited-by-app-access-count", 30));
    c.execute_raw(TIME, []).await.unwrap_err();
    for h in [&b, &c] {
        match h.execute_raw(SEED, []).await {
            Err(Error::Throttled { scope, .. }) => assert_eq!(scope, "app ban"),
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test]
async fn a_short_ban_is_waited_out_by_every_handle() {
    let mock = mock().await;
    let c = client(&mock, Quotas::new());
    mock.push_reply(SEED, ban("accesscontrol.limited-by-api-access-count", 1));
    c.execute_raw(SEED, []).await.unwrap_err();
    let started = Instant::now();
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let h = c.with_session(format!("6201shop-{i}"));
            tokio::spawn(async move { h.execute_raw(SEED, []).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    let stats = c.quota_stats();
    assert_eq!(stats.waits, 8);
    assert!(stats.waited >= Duration::from_secs(7), "{stats:?}");
}

/// 16 tasks calling as fast as they can for 10 s under an app rate of 40/s (burst 2): the mock
/// sees 400 calls, within 5 %.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_rate_holds_with_16_tasks_calling() {
    let mock = Arc::new(mock().await);
    let c = client(&mock, Quotas::new().app(Rate::per_second(40.0).burst(2)));
    let before = mock.request_count();
    let started = Instant::now();
    let window = Duration::from_secs(10);
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let h = c.with_session(format!("6201shop-{i}"));
            tokio::spawn(async move {
                while started.elapsed() < window {
                    h.execute_raw(TIME, []).await.unwrap();
                }
            })
        })
        .collect();
    // What the mock got within the window (calls waiting at its end arrive after it).
    tokio::time::sleep_until(tokio::time::Instant::from_std(started + window)).await;
    let calls = mock.request_count() - before;
    let seconds = started.elapsed().as_secs_f64();
    for t in tasks {
        t.await.unwrap();
    }
    let want = 40.0 * seconds;
    assert!(
        (calls as f64 - want).abs() <= want * 0.05,
        "{calls} calls in {seconds:.2} s, want {want:.0} ± 5 %"
    );
    assert!(c.quota_stats().waits > 0);
}

/// Two workers (two clients, as two processes would have) share one board: a ban the first
/// meets pauses exactly its scope in the second, which sends nothing into it; a worker on
/// another board goes on calling.
#[tokio::test]
async fn a_ban_one_worker_meets_pauses_its_scope_in_every_worker_of_the_board() {
    use topsdk::quota::{BanBoard, BanTarget, MemoryBans};
    let mock = mock().await;
    let board = Arc::new(MemoryBans::new());
    let every = Duration::from_millis(20);
    let worker = |board: Arc<MemoryBans>| {
        client(
            &mock,
            Quotas::new()
                .when_limited(WhenLimited::Fail)
                .share_bans(board, every),
        )
    };
    let (a, b) = (worker(board.clone()), worker(board.clone()));
    let elsewhere = worker(Arc::new(MemoryBans::new()));
    // b reads the board (empty) before the ban.
    b.execute_raw(TIME, []).await.unwrap();
    mock.push_reply(SEED, ban("accesscontrol.limited-by-api-access-count", 60));
    let e = a.execute_raw(SEED, []).await.unwrap_err();
    assert!(matches!(e, Error::RateLimited { .. }), "{e}");
    // Published under the API's name, for about 60 s.
    let mut published = Vec::new();
    for _ in 0..100 {
        published = board.active(std::time::SystemTime::now()).await.unwrap();
        if !published.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(published.len(), 1, "{published:?}");
    assert_eq!(published[0].0, BanTarget::Api(SEED.into()));
    // b learns it within a few reads: then refused here, nothing sent; other APIs go.
    let started = Instant::now();
    let refused = loop {
        let sent = mock.request_count();
        match b.execute_raw(SEED, []).await {
            Err(Error::Throttled { scope, retry_after }) => {
                assert_eq!(mock.request_count(), sent, "nothing sent into the ban");
                break (scope, retry_after);
            }
            other => {
                assert!(started.elapsed() < Duration::from_secs(5), "{other:?}");
                tokio::time::sleep(every).await;
            }
        }
    };
    assert_eq!(refused.0, "API ban");
    assert!(refused.1 > Duration::from_secs(55), "{:?}", refused.1);
    b.execute_raw(TIME, []).await.unwrap();
    // Sending into the ban from b took at most the calls before its first read came in.
    let seed_calls = mock
        .requests()
        .iter()
        .filter(|r| r.query.iter().any(|(k, v)| k == "method" && v == SEED))
        .count();
    assert!(
        seed_calls <= 3,
        "{seed_calls} calls of the banned API reached the gateway"
    );
    // A worker on another board is not paused.
    mock.push_reply(
        SEED,
        Reply::Error(ApiError {
            code: 15,
            msg: "Remote service error".into(),
            sub_code: Some("isv.x".into()),
            sub_msg: None,
            request_id: None,
        }),
    );
    let e = elsewhere.execute_raw(SEED, []).await.unwrap_err();
    assert!(matches!(e, Error::Api(_)), "{e}");
}

/// A gateway's absurd ban lengths neither panic nor stop a client for good: the pause is
/// capped (`Quotas::max_ban`, one day by default), and a client that will not wait that long
/// (`Quotas::max_wait`) fails at once with the ban's scope; a short ban still pauses for
/// exactly its length.
#[tokio::test]
async fn absurd_ban_lengths_are_capped_and_never_panic() {
    let mock = mock().await;
    let day = topsdk::quota::DEFAULT_MAX_BAN;
    for (said, paused) in [
        ("18446744073709551615", day),   // 2^64 - 1
        ("1844674407370955161500", day), // more than a u64 holds
        ("1000000000000", day),          // 10^12
        ("5", Duration::from_secs(5)),
    ] {
        let c = client(&mock, Quotas::new().max_wait(Duration::from_secs(60)));
        mock.push_reply(
            SEED,
            Reply::Error(ApiError {
                code: 7,
                msg: "App Call Limited".into(),
                sub_code: Some("accesscontrol.limited-by-api-access-count".into()),
                sub_msg: Some(format!("This ban will last for {said} more seconds")),
                request_id: None,
            }),
        );
        let e = c.execute_raw(SEED, []).await.unwrap_err();
        assert!(matches!(e, Error::RateLimited { .. }), "{said}: {e}");
        let started = Instant::now();
        let next = c.execute_raw(SEED, []).await;
        if paused > Duration::from_secs(60) {
            // Longer than the client waits: refused at once, the capped length said.
            match next.unwrap_err() {
                Error::Throttled { scope, retry_after } => {
                    assert_eq!(scope, "API ban");
                    assert!(retry_after <= paused && retry_after > paused - Duration::from_secs(5));
                }
                other => panic!("{said}: {other}"),
            }
            assert!(started.elapsed() < Duration::from_secs(1));
        } else {
            // Waited out (5 s), then sent.
            next.unwrap();
            assert!(started.elapsed() >= Duration::from_secs(4), "{said}");
        }
        // Other APIs are not paused.
        c.execute_raw(TIME, []).await.unwrap();
    }
    // A cap set lower holds too.
    let c = client(&mock, Quotas::new().max_ban(Duration::from_secs(2)));
    mock.push_reply(
        SEED,
        ban("accesscontrol.limited-by-api-access-count", 1_000_000),
    );
    c.execute_raw(SEED, []).await.unwrap_err();
    let started = Instant::now();
    c.execute_raw(SEED, []).await.unwrap();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(1500) && waited < Duration::from_secs(5),
        "{waited:?}"
    );
}
