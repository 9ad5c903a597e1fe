//! The runtime client against a real HTTP server on 127.0.0.1 (the mock gateway, which
//! re-computes the signature from what arrives on the wire).

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use topsdk::kongur::alibaba_kongur_token_getosstoken as api;
use topsdk::mock::{MockGateway, Reply};
use topsdk::{ApiError, Client, Error, Format, RetryPolicy, SignMethod};

const KEY: &str = "12345678";
const SECRET: &str = "test_secret_123";

fn fast_retries(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        ..RetryPolicy::default()
    }
}

fn client(mock: &MockGateway) -> topsdk::ClientBuilder {
    Client::builder(KEY, SECRET)
        .gateway_url(mock.url())
        .retry(fast_retries(3))
}

/// A clock one second later at every reading.
#[derive(Debug, Default)]
struct StepClock(AtomicU64);

impl topsdk::Clock for StepClock {
    fn now(&self) -> SystemTime {
        SystemTime::now() + Duration::from_secs(self.0.fetch_add(1, Ordering::SeqCst))
    }
}

fn documented() -> api::Response {
    let xml = api::SCHEMA.get().examples.response_xml.as_deref().unwrap();
    topsdk::test_util::decode(xml.as_bytes(), Format::Xml, false, api::SCHEMA.get()).unwrap()
}

fn seed_request() -> api::Request {
    api::Request::new()
        .kongur_app_key("kak-001")
        .suit_ids("1001,1002")
        .entrust_id("委托-7")
}

#[tokio::test]
async fn every_sign_method_format_and_simplify() {
    let mock = MockGateway::start(topsdk::kongur::APIS, KEY, SECRET)
        .await
        .unwrap();
    let mut n = 0;
    for method in SignMethod::ALL {
        for format in [Format::Json, Format::Xml] {
            for simplify in [false, true] {
                let c = client(&mock)
                    .sign_method(method)
                    .format(format)
                    .simplify(simplify)
                    .session("user-session")
                    .partner_id("top-sdk-test")
                    .build()
                    .unwrap();
                let mut resp = c
                    .execute(&seed_request())
                    .await
                    .unwrap_or_else(|e| panic!("{method} {format} {simplify}: {e}"));
                assert!(resp.request_id.take().is_some_and(|id| !id.is_empty()));
                assert_eq!(resp, documented(), "{method} {format} simplify={simplify}");
                n += 1;
            }
        }
    }
    let reqs = mock.requests();
    assert_eq!(reqs.len(), n, "one attempt per call");
    for r in &reqs {
        assert_eq!(r.http_method, "POST");
        let q: Vec<&str> = r.query.iter().map(|(k, _)| k.as_str()).collect();
        for k in [
            "method",
            "app_key",
            "timestamp",
            "format",
            "v",
            "sign_method",
            "session",
            "partner_id",
            "sign",
        ] {
            assert!(q.contains(&k), "query lacks {k}: {q:?}");
        }
        assert!(!q.contains(&"suit_ids"), "app params belong in the body");
        let body: Vec<(&str, &str)> = r
            .body
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        // In key order, the order they are signed in.
        assert_eq!(
            body,
            [
                ("entrust_id", "委托-7"),
                ("kongur_app_key", "kak-001"),
                ("suit_ids", "1001,1002"),
            ]
        );
        assert_eq!(
            r.content_type.as_deref(),
            Some("application/x-www-form-urlencoded;charset=utf-8")
        );
        assert_eq!(
            r.user_agent.as_deref(),
            Some(concat!("topsdk-rust/", env!("CARGO_PKG_VERSION")))
        );
        assert!(
            r.accept_encoding
                .as_deref()
                .is_some_and(|a| a.contains("gzip"))
        );
    }
}

#[tokio::test]
async fn timestamp_is_gmt8_wall_clock() {
    let mock = MockGateway::start(topsdk::kongur::APIS, KEY, SECRET)
        .await
        .unwrap();
    client(&mock)
        .build()
        .unwrap()
        .execute(&seed_request())
        .await
        .unwrap();
    let req = &mock.requests()[0];
    let ts = &req.query.iter().find(|(k, _)| k == "timestamp").unwrap().1;
    // Independent of the SDK: UTC seconds + 8 h, split by hand.
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 8 * 3600;
    let (h, m) = ((now / 3600) % 24, (now / 60) % 60);
    assert_eq!(ts.len(), 19, "{ts}");
    let sent_h: u64 = ts[11..13].parse().unwrap();
    let sent_m: u64 = ts[14..16].parse().unwrap();
    let diff = ((h * 60 + m) as i64 - (sent_h * 60 + sent_m) as i64).rem_euclid(24 * 60);
    assert!(
        diff <= 1 || diff >= 24 * 60 - 1,
        "sent {ts}, GMT+8 now {h:02}:{m:02}"
    );
}

#[tokio::test]
async fn api_error_is_typed_and_not_retried() {
    let mock = MockGateway::start(topsdk::kongur::APIS, KEY, SECRET)
        .await
        .unwrap();
    let documented = ApiError {
        code: 50,
        msg: "Remote service error".into(),
        sub_code: Some("isv.invalid-parameter".into()),
        sub_msg: Some("非法参数".into()),
        request_id: None,
    };
    mock.set_reply(&api::SCHEMA.get().method, Reply::Error(documented.clone()));
    for format in [Format::Json, Format::Xml] {
        let err = client(&mock)
            .format(format)
            .build()
            .unwrap()
            .execute(&seed_request())
            .await
            .unwrap_err();
        let Error::Api(mut e) = err else {
            panic!("expected Error::Api, got {err:?}")
        };
        assert!(
            e.request_id.take().is_some(),
            "the gateway's request_id is kept"
        );
        assert_eq!(e, documented);
    }
    assert_eq!(mock.requests().len(), 2, "isv.* errors are not retried");
}

#[tokio::test]
async fn isp_errors_of_a_read_are_retried() {
    let mock = MockGateway::start(topsdk::kongur::APIS, KEY, SECRET)
        .await
        .unwrap();
    let isp = ApiError {
        code: 15,
        msg: "Remote service error".into(),
        sub_code: Some("isp.remote-service-timeout".into()),
        ..Default::default()
    };
    // The seed API only reads (`idempotent: true`), so `isp.*` is retried.
    mock.push_reply(&api::SCHEMA.get().method, Reply::Error(isp.clone()));
    mock.push_reply(&api::SCHEMA.get().method, Reply::Error(isp));
    let mut resp = client(&mock)
        .clock(Arc::new(StepClock::default()))
        .build()
        .unwrap()
        .execute(&seed_request())
        .await
        .unwrap();
    resp.request_id = None;
    assert_eq!(resp, documented());
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 3);
    let param = |r: &topsdk::mock::Recorded, k: &str| {
        r.query.iter().find(|(n, _)| n == k).unwrap().1.clone()
    };
    let stamps: BTreeSet<String> = reqs.iter().map(|r| param(r, "timestamp")).collect();
    let signs: BTreeSet<String> = reqs.iter().map(|r| param(r, "sign")).collect();
    assert_eq!(
        (stamps.len(), signs.len()),
        (3, 3),
        "each attempt is re-signed with a fresh timestamp"
    );
}

#[tokio::test]
async fn http_503_is_retried_then_reported() {
    let mock = MockGateway::start(topsdk::kongur::APIS, KEY, SECRET)
        .await
        .unwrap();
    mock.set_reply(
        &api::SCHEMA.get().method,
        Reply::Raw {
            status: 503,
            content_type: "text/plain".into(),
            body: b"Service Unavailable".to_vec(),
        },
    );
    let err = client(&mock)
        .build()
        .unwrap()
        .execute(&seed_request())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Http { status: 503, excerpt } if excerpt == "Service Unavailable"),
        "{err:?}"
    );
    assert_eq!(mock.requests().len(), 3);
}

#[tokio::test]
async fn slow_response_times_out() {
    let mock = MockGateway::start(topsdk::kongur::APIS, KEY, SECRET)
        .await
        .unwrap();
    mock.set_reply(
        &api::SCHEMA.get().method,
        Reply::Slow {
            delay: Duration::from_secs(3),
            then: Box::new(Reply::Sample),
        },
    );
    let c = client(&mock)
        .request_timeout(Duration::from_millis(300))
        .retry(fast_retries(2))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = c.execute(&seed_request()).await.unwrap_err();
    assert!(
        matches!(err, Error::Transport { timeout: true, .. }),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(mock.requests().len(), 2);
}

#[tokio::test]
async fn truncated_body_is_a_transport_error() {
    let mock = MockGateway::start(topsdk::kongur::APIS, KEY, SECRET)
        .await
        .unwrap();
    mock.set_reply(
        &api::SCHEMA.get().method,
        Reply::Truncated {
            declared_len: 500,
            body: br#"{"alibaba_kongur_token_getosstoken_response":{"kongur"#.to_vec(),
        },
    );
    let err = client(&mock)
        .build()
        .unwrap()
        .execute(&seed_request())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Transport { timeout: false, .. }),
        "{err:?}"
    );
    assert_eq!(mock.requests().len(), 3, "transport errors are retried");
}

#[tokio::test]
async fn oversized_body_is_refused() {
    let mock = MockGateway::start(topsdk::kongur::APIS, KEY, SECRET)
        .await
        .unwrap();
    let big = format!(
        "{{\"alibaba_kongur_token_getosstoken_response\":{{\"pad\":\"{}\"}}}}",
        "x".repeat(4096)
    );
    mock.set_reply(
        &api::SCHEMA.get().method,
        Reply::Raw {
            status: 200,
            content_type: "application/json".into(),
            body: big.into_bytes(),
        },
    );
    let err = client(&mock)
        .max_response_bytes(1024)
        .build()
        .unwrap()
        .execute(&seed_request())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::TooLarge { limit: 1024 }), "{err:?}");
    assert_eq!(mock.requests().len(), 1, "not retried");
}

#[tokio::test]
async fn wrong_secret_is_rejected_by_the_gateway() {
    let mock = MockGateway::start(topsdk::kongur::APIS, KEY, SECRET)
        .await
        .unwrap();
    for m in SignMethod::ALL {
        let err = Client::builder(KEY, "not-the-secret")
            .gateway_url(mock.url())
            .sign_method(m)
            .build()
            .unwrap()
            .execute(&seed_request())
            .await
            .unwrap_err();
        assert_eq!(err.api().map(|e| e.code), Some(25), "{m}: {err}");
    }
}

#[test]
fn blocking_client_works_without_a_runtime() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mock = rt
        .block_on(MockGateway::start(topsdk::kongur::APIS, KEY, SECRET))
        .unwrap();
    let c = topsdk::blocking::Client::new(
        Client::builder(KEY, SECRET)
            .gateway_url(mock.url())
            .build()
            .unwrap(),
    )
    .unwrap();
    let std_thread = std::thread::spawn(move || c.execute(&seed_request()));
    let mut resp = std_thread.join().unwrap().unwrap();
    resp.request_id = None;
    assert_eq!(resp, documented());
    drop(mock);
}
