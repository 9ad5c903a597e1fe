//! Calls a shop can trust, against a gateway written in the test (`support`), not the
//! project's mock: writes are not repeated, bans are typed and never retried blindly, foreign
//! bodies are errors, redirects are not followed, many shops share one connection pool.

mod support;

use std::time::Duration;
use support::{Answer, Gateway, SEED_OK, ban, error_json, isp_timeout};
use topsdk::__private::LazySchema;
use topsdk::__private::ParamWriter;
use topsdk::kongur::alibaba_kongur_token_getosstoken as seed;
use topsdk::schema::ApiSchema;
use topsdk::{Client, Error, Retry, RetryPolicy, TopRequest, TopResponse};

fn fast() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        ..RetryPolicy::default()
    }
}

fn client(g: &Gateway) -> topsdk::ClientBuilder {
    Client::builder("12345678", "s3cret")
        .gateway_url(&g.url)
        .retry(fast())
}

/// The seed API called once through a default client, expected to fail.
async fn seed_error(g: &Gateway) -> Error {
    client(g)
        .build()
        .unwrap()
        .execute(&seed::Request::new())
        .await
        .unwrap_err()
}

/// A write, as topgen emits it for `taobao.logistics.offline.send` (`idempotent: false`).
static SEND: LazySchema = LazySchema::new(
    r#"{"method":"taobao.logistics.offline.send","response_key":"logistics_offline_send_response",
        "request":[{"name":"tid","ty":"Number","kind":"Number","required":true},
                   {"name":"out_sid","ty":"String","required":true},
                   {"name":"company_code","ty":"String","required":true},
                   {"name":"memo","ty":"String"}],
        "response":[{"name":"shipping","ty":"Shipping","kind":"Object",
                     "fields":[{"name":"is_success","ty":"Boolean","kind":"Boolean"}]}]}"#,
);

struct OfflineSend {
    tid: i64,
    out_sid: String,
    company_code: String,
    memo: Option<String>,
}

#[derive(Debug, Default, PartialEq, serde::Deserialize, serde::Serialize)]
struct Shipping {
    #[serde(default, deserialize_with = "topsdk::__private::de::opt")]
    is_success: Option<bool>,
}

#[derive(Debug, Default, PartialEq, serde::Deserialize, serde::Serialize)]
struct OfflineSendResponse {
    #[serde(default, deserialize_with = "topsdk::__private::de::object")]
    shipping: Option<Shipping>,
    #[serde(default, deserialize_with = "topsdk::__private::de::opt")]
    request_id: Option<String>,
}

impl TopResponse for OfflineSendResponse {
    fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

impl TopRequest for OfflineSend {
    type Response = OfflineSendResponse;
    const METHOD: &'static str = "taobao.logistics.offline.send";
    const IDEMPOTENT: bool = false;
    fn schema() -> &'static ApiSchema {
        SEND.get()
    }
    fn write_params<'a>(&'a self, w: &mut ParamWriter<'a>) {
        w.put("company_code", &self.company_code);
        w.put_opt("memo", &self.memo);
        w.put("out_sid", &self.out_sid);
        w.put("tid", &self.tid);
    }
}

fn shipment() -> OfflineSend {
    OfflineSend {
        tid: 4_123_456_789_012_345_678,
        out_sid: "SF123".into(),
        company_code: "SF".into(),
        memo: Some("   ".into()),
    }
}

#[tokio::test]
async fn a_write_answered_with_isp_timeout_is_sent_exactly_once() {
    let g = Gateway::start(vec![], Some(isp_timeout())).await;
    let c = client(&g).build().unwrap();
    let e = c.execute(&shipment()).await.unwrap_err();
    assert!(
        matches!(&e, Error::Api(a) if a.sub_code.as_deref() == Some("isp.remote-service-timeout")),
        "{e}"
    );
    assert_eq!(e.retry(), Retry::MaybeExecuted);
    let reqs = g.requests();
    assert_eq!(reqs.len(), 1, "a write that may have run is not repeated");
    // 19-digit ids go exactly; a blank optional value is neither sent nor signed.
    assert_eq!(reqs[0].form("tid").as_deref(), Some("4123456789012345678"));
    assert_eq!(reqs[0].form("memo"), None);

    // The same by name, untyped (what `topsdk call` does for an API not compiled in).
    let e = c
        .execute_raw(
            "taobao.logistics.offline.send",
            [("tid".to_string(), "1".to_string())],
        )
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Api(_)), "{e}");
    assert_eq!(g.requests().len(), 2, "untyped calls count as writes");

    // Opting in, as Java's AutoRetryTaobaoClient does, repeats it.
    let opted = c.with_retry(RetryPolicy {
        retry_non_idempotent: true,
        ..fast()
    });
    opted.execute(&shipment()).await.unwrap_err();
    assert_eq!(g.requests().len(), 2 + 3);
}

#[tokio::test]
async fn a_read_is_retried_per_policy() {
    let g = Gateway::start(
        vec![isp_timeout(), Answer::json("oops").status(503)],
        Some(Answer::json(SEED_OK)),
    )
    .await;
    let c = client(&g).build().unwrap();
    let resp = c.execute(&seed::Request::new()).await.unwrap();
    assert_eq!(resp.request_id.as_deref(), Some("rid-1"));
    assert_eq!(g.requests().len(), 3, "isp.* and 503 retried for a read");

    // Per call: no retry at all.
    let g = Gateway::start(vec![isp_timeout()], Some(Answer::json(SEED_OK))).await;
    let c = client(&g).build().unwrap();
    let e = c
        .with_retry(RetryPolicy::none())
        .execute(&seed::Request::new())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Api(_)), "{e}");
    assert_eq!(g.requests().len(), 1);
    // The client's own policy is unchanged.
    c.execute(&seed::Request::new()).await.unwrap();
}

#[tokio::test]
async fn a_connect_failure_is_retried_even_for_a_write() {
    // A port nobody listens on: the request never leaves, so repeating it is safe.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let c = Client::builder("k", "s")
        .gateway_url(format!("http://127.0.0.1:{port}/router/rest"))
        .retry(fast())
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let e = c.execute(&shipment()).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Transport {
                before_send: true,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.retry(), Retry::NotSent);
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn a_long_ban_is_sent_once_and_carries_its_length() {
    let g = Gateway::start(vec![], Some(ban(71804))).await;
    let c = client(&g)
        .wait_on_ban(Duration::from_secs(2))
        .build()
        .unwrap();
    let e = c.execute(&seed::Request::new()).await.unwrap_err();
    match &e {
        Error::RateLimited { error, retry_after } => {
            assert_eq!(*retry_after, Some(Duration::from_secs(71804)));
            assert_eq!(error.code, 7);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(e.retry(), Retry::Banned);
    assert_eq!(g.requests().len(), 1, "a ban is never retried blindly");
}

#[tokio::test]
async fn a_short_ban_is_waited_out_once_when_asked() {
    let g = Gateway::start(vec![ban(1)], Some(Answer::json(SEED_OK))).await;
    let c = client(&g)
        .wait_on_ban(Duration::from_secs(2))
        .build()
        .unwrap();
    let resp = c.execute(&seed::Request::new()).await.unwrap();
    assert_eq!(resp.request_id.as_deref(), Some("rid-1"));
    let reqs = g.requests();
    assert_eq!(reqs.len(), 2);
    assert!(
        reqs[1].at - reqs[0].at >= Duration::from_secs(1),
        "slept through the ban"
    );

    // Without wait_on_ban (the default) the same ban fails at once.
    let g = Gateway::start(vec![ban(1)], Some(Answer::json(SEED_OK))).await;
    let e = seed_error(&g).await;
    assert!(matches!(e, Error::RateLimited { .. }), "{e}");
    assert_eq!(g.requests().len(), 1);
}

#[tokio::test]
async fn a_wrapped_body_under_simplify_decodes_in_full() {
    let g = Gateway::start(vec![], Some(Answer::json(SEED_OK))).await;
    let c = client(&g).simplify(true).build().unwrap();
    let resp = c.execute(&seed::Request::new()).await.unwrap();
    assert_eq!(g.requests()[0].query("simplify").as_deref(), Some("true"));
    let result = resp
        .kongur_oss_result_do
        .expect("the content, not an empty response");
    assert_eq!(result.success, Some(true));
    assert_eq!(result.datas[0].access_key_id.as_deref(), Some("AK1"));
    assert_eq!(resp.request_id.as_deref(), Some("rid-1"));
    // The untyped path too.
    let v = c
        .execute_raw("alibaba.kongur.token.getosstoken", [])
        .await
        .unwrap();
    assert_eq!(v["kongur_oss_result_do"]["success"], true);
}

#[tokio::test]
async fn foreign_html_and_empty_bodies_are_decode_errors() {
    let foreign = Answer::json(r#"{"message":"blocked by proxy"}"#);
    let html =
        Answer::json("<html><body>502 Bad Gateway</body></html>").header("X-Note", "sent as 200");
    let empty = Answer::json("");
    for simplify in [false, true] {
        for (answer, want) in [
            (&foreign, "found keys `message`"),
            (&html, "markup"),
            (&empty, "empty"),
            (&Answer::json("{}"), "an empty object"),
            (&Answer::json("[1]"), "found a list"),
        ] {
            let g = Gateway::start(vec![], Some(answer.clone())).await;
            let c = client(&g).simplify(simplify).build().unwrap();
            let e = c.execute(&seed::Request::new()).await.unwrap_err();
            assert!(
                matches!(&e, Error::Decode { message, .. } if message.contains(want)),
                "simplify={simplify} {:?}: {e}",
                answer.body
            );
            let e = c
                .execute_raw("alibaba.kongur.token.getosstoken", [])
                .await
                .unwrap_err();
            assert!(matches!(e, Error::Decode { .. }), "raw: {e}");
            assert_eq!(g.requests().len(), 2, "a decode error is not retried");
        }
    }
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let g = Gateway::start(
        vec![Answer::json("").status(302).header(
            "Location",
            "http://127.0.0.1:9/elsewhere?session=SESSION-VALUE",
        )],
        Some(Answer::json(SEED_OK)),
    )
    .await;
    let c = client(&g).session("SESSION-VALUE").build().unwrap();
    let e = c.execute(&seed::Request::new()).await.unwrap_err();
    match &e {
        Error::Redirect { status, location } => {
            assert_eq!(*status, 302);
            assert_eq!(location, "http://127.0.0.1:9/elsewhere");
        }
        other => panic!("{other:?}"),
    }
    assert!(!e.to_string().contains("SESSION-VALUE"), "{e}");
    assert_eq!(g.requests().len(), 1);
}

#[tokio::test]
async fn a_4xx_with_error_response_is_the_api_error() {
    let body = error_json(
        27,
        "Invalid session",
        "invalid-sessionkey",
        "SessionKey非法",
    );
    let g = Gateway::start(vec![], Some(Answer::json(body).status(400))).await;
    let e = seed_error(&g).await;
    match e {
        Error::Api(a) => {
            assert_eq!(a.code, 27);
            assert_eq!(a.request_id.as_deref(), Some("rid-err"));
        }
        other => panic!("{other:?}"),
    }
    // XML too; and a 400 without one stays an HTTP error.
    let xml = "<error_response><code>7</code><msg>This ban will last for 9 more seconds</msg></error_response>";
    let g = Gateway::start(
        vec![
            Answer::json(xml).status(403),
            Answer::json("nope").status(400),
        ],
        None,
    )
    .await;
    let c = client(&g).build().unwrap();
    let e = c.execute(&seed::Request::new()).await.unwrap_err();
    assert!(
        matches!(e, Error::RateLimited { retry_after: Some(d), .. } if d.as_secs() == 9),
        "{e:?}"
    );
    let e = c.execute(&seed::Request::new()).await.unwrap_err();
    assert!(matches!(e, Error::Http { status: 400, .. }), "{e:?}");
}

#[tokio::test]
async fn ten_thousand_session_handles_share_one_pool() {
    let g = Gateway::start(vec![], Some(Answer::json(SEED_OK))).await;
    let client = client(&g).build().unwrap();
    let shops: Vec<Client> = (0..10_000)
        .map(|i| client.with_session(format!("session-of-shop-{i}")))
        .collect();
    for shop in &shops {
        shop.execute(&seed::Request::new()).await.unwrap();
    }
    assert_eq!(
        g.connections(),
        1,
        "one keep-alive connection for every shop"
    );
    let reqs = g.requests();
    assert_eq!(reqs.len(), 10_000);
    for (i, r) in reqs.iter().enumerate() {
        assert_eq!(r.query("session"), Some(format!("session-of-shop-{i}")));
    }
    // The client itself has none; a handle's session stays out of Debug.
    assert!(!client.has_session() && shops[7].has_session());
    assert!(!format!("{:?}", shops[7]).contains("session-of-shop"));
    // Sessions are signed: the signature differs from one shop to the next even within a
    // second (same timestamp, same params).
    let signs: std::collections::BTreeSet<_> = reqs[..50].iter().map(|r| r.query("sign")).collect();
    assert_eq!(signs.len(), 50);
}

#[test]
fn responses_serialize_without_secrets_unless_revealed() {
    let resp: seed::Response = topsdk::test_util::decode(
        SEED_OK.as_bytes(),
        topsdk::Format::Json,
        false,
        seed::SCHEMA.get(),
    )
    .unwrap();
    let masked = serde_json::to_string(&resp).unwrap();
    assert!(
        !masked.contains("OSS-T0KEN") && masked.contains("***"),
        "{masked}"
    );
    let clear = serde_json::to_string(&topsdk::Reveal(&resp)).unwrap();
    assert!(clear.contains("OSS-T0KEN"), "{clear}");
}

#[cfg(feature = "blocking")]
#[tokio::test]
async fn the_blocking_client_inside_a_runtime_is_an_error_not_a_panic() {
    let c = topsdk::blocking::Client::new(Client::builder("k", "s").build().unwrap()).unwrap();
    let e = c.execute(&seed::Request::new()).unwrap_err();
    assert!(
        matches!(&e, Error::Config { message, .. } if message.contains("async runtime")),
        "{e}"
    );
    drop(c); // dropping its runtime here must not panic either
}

#[cfg(feature = "blocking")]
#[test]
fn the_blocking_client_shares_its_pool_across_sessions() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let g = rt.block_on(Gateway::start(vec![], Some(Answer::json(SEED_OK))));
    let c = topsdk::blocking::Client::new(client(&g).build().unwrap()).unwrap();
    for i in 0..20 {
        c.with_session(format!("shop-{i}"))
            .execute(&seed::Request::new())
            .unwrap();
    }
    assert_eq!(g.connections(), 1);
    assert_eq!(
        g.requests()[19].query("session").as_deref(),
        Some("shop-19")
    );
}
