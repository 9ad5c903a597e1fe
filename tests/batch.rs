//! Batch calls end to end: three different APIs in one `/router/batch` call through the mock
//! (one failing: 2 `Ok` and its own `Error::Api`, in order), the wire form checked against
//! the protocol notes independently (the signature recomputed here with md5), a custom
//! separator, a batch refused as a whole, and an answer cut short by a server written here.

mod support;

use std::collections::BTreeMap;
use topsdk::kongur::alibaba_kongur_token_getosstoken as getosstoken;
use topsdk::mock::{MockGateway, Reply};
use topsdk::{ApiError, Client, Error, SignMethod};
use topsdk_util::{taobao_time_get as time_get, taobao_top_auth_token_create as token_create};

const KEY: &str = "12345678";
const SECRET: &str = "helloworld";

async fn mock() -> MockGateway {
    MockGateway::start(
        topsdk::kongur::APIS.iter().chain(topsdk_util::APIS),
        KEY,
        SECRET,
    )
    .await
    .unwrap()
}

fn make_client(mock: &MockGateway, secret: &str) -> Client {
    Client::builder(KEY, secret)
        .gateway_url(mock.url())
        .sign_method(SignMethod::Md5)
        .session("shop-a-session")
        .build()
        .unwrap()
}

#[tokio::test]
async fn three_apis_one_failing_come_back_in_order() {
    let mock = mock().await;
    mock.set_reply(
        "alibaba.kongur.token.getosstoken",
        Reply::Error(ApiError {
            code: 15,
            msg: "Remote service error".into(),
            sub_code: Some("isv.entrust-not-found".into()),
            sub_msg: Some("委托不存在".into()),
            request_id: None,
        }),
    );
    let client = make_client(&mock, SECRET);
    let mut batch = client.batch();
    let time = batch.add(&time_get::Request::new()).unwrap();
    let oss = batch
        .add(&getosstoken::Request::new().suit_ids("1001,1002"))
        .unwrap();
    let token = batch
        .add_with_session(&token_create::Request::new("code-7"), "shop-b-session")
        .unwrap();
    assert_eq!((time.index(), oss.index(), token.index()), (0, 1, 2));
    // Debug shows counts, never the params or sessions.
    let debug = format!("{batch:?}");
    assert!(
        debug.contains("calls: 3") && !debug.contains("shop-b"),
        "{debug}"
    );

    let mut answers = batch.send().await.unwrap();
    assert_eq!(answers.len(), 3);
    let t = answers.take(time).unwrap();
    assert!(t.time.is_some(), "{t:?}");
    match answers.take(oss) {
        Err(Error::Api(e)) => {
            assert_eq!(e.sub_code.as_deref(), Some("isv.entrust-not-found"));
            assert_eq!(e.sub_msg.as_deref(), Some("委托不存在"));
        }
        other => panic!("expected the call's own API error, got {other:?}"),
    }
    let tok = answers.take(token).unwrap();
    let json = tok.token_result.expect("token_result");
    assert!(json.expose().as_str().contains("access_token"));

    // The wire form, read back as it arrived and checked against batch.md by hand.
    let requests = mock.requests();
    assert_eq!(requests.len(), 1, "one HTTP call for three API calls");
    let r = &requests[0];
    assert_eq!(r.content_type.as_deref(), Some("text/plain;charset=UTF-8"));
    let query: BTreeMap<&str, &str> = r
        .query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert!(!query.contains_key("method"), "no method in a batch URL");
    assert_eq!(query["session"], "shop-a-session");
    assert_eq!(query["v"], "2.0");
    let body = r.text_body.as_deref().unwrap();
    let lines: Vec<&str> = body.split("\r\n-S-\r\n").collect();
    assert_eq!(
        lines,
        [
            "method=taobao.time.get",
            "method=alibaba.kongur.token.getosstoken&suit_ids=1001%2C1002",
            "code=code-7&method=taobao.top.auth.token.create&session=shop-b-session",
        ]
    );
    assert_eq!(
        query["sign"],
        support::md5_sign_with_body(SECRET, query.iter().map(|(k, v)| (*k, *v)), body)
    );
}

#[tokio::test]
async fn custom_separator_public_params_and_refusals() {
    let mock = mock().await;
    let client = make_client(&mock, SECRET);
    let mut batch = client
        .batch()
        .separator("~~next~~")
        .public_param("partner", "p1");
    let a = batch.add(&time_get::Request::new()).unwrap();
    let b = batch.add(&time_get::Request::new()).unwrap();
    assert!(batch.body().starts_with("#PUBLIC#partner=p1~~next~~"));
    let mut answers = batch.send().await.unwrap();
    assert!(answers.take(a).unwrap().time.is_some());
    assert!(answers.take(b).unwrap().time.is_some());
    let r = mock.requests().pop().unwrap();
    assert_eq!(r.text_body.unwrap().matches("~~next~~").count(), 2);

    // A wrong secret: the batch as a whole is refused, with the gateway's error.
    let wrong = make_client(&mock, "not-the-secret");
    let mut batch = wrong.batch();
    let _ = batch.add(&time_get::Request::new()).unwrap();
    let _ = batch.add(&time_get::Request::new()).unwrap();
    match batch.send().await {
        Err(Error::Api(e)) => assert_eq!(e.code, 25, "{e}"),
        other => panic!("{other:?}"),
    }

    // Nothing to send, an invalid call, a slot of another batch: errors before any I/O.
    let before = mock.requests().len();
    assert!(matches!(
        client.batch().send().await,
        Err(Error::InvalidRequest { .. })
    ));
    let mut batch = client.batch();
    match batch.add(&token_create::Request::new("")) {
        Err(Error::InvalidRequest { param, .. }) => assert_eq!(param, "code"),
        other => panic!("{other:?}"),
    }
    let mut other = client.batch();
    let foreign = other.add(&time_get::Request::new()).unwrap();
    let _ = batch.add(&time_get::Request::new()).unwrap();
    let mut answers = batch.send().await.unwrap();
    assert!(matches!(
        answers.take(foreign),
        Err(Error::InvalidRequest { .. })
    ));
    assert_eq!(mock.requests().len(), before + 1);
}

/// A gateway written for the tests (not the project's mock) answering a batch of two with one
/// part: the client must say the answer is cut short, not hand out fewer answers.
#[tokio::test]
async fn an_answer_cut_short_fails_the_batch_clearly() {
    let gateway = support::Gateway::start(
        vec![support::Answer::json(
            r#"{"time_get_response":{"time":"2026-11-30 12:00:00"}}"#,
        )],
        None,
    )
    .await;
    let client = Client::builder(KEY, SECRET)
        .gateway_url(&gateway.url)
        .build()
        .unwrap();
    let mut batch = client.batch();
    let _ = batch.add(&time_get::Request::new()).unwrap();
    let _ = batch.add(&time_get::Request::new()).unwrap();
    match batch.send().await {
        Err(e @ Error::Decode { .. }) => {
            assert!(e.to_string().contains("1 part(s) for 2 call(s)"), "{e}")
        }
        other => panic!("{other:?}"),
    }
    let seen = gateway.requests();
    assert_eq!(seen.len(), 1, "a decode error is not retried");
    assert!(
        seen[0].target.starts_with("/router/batch?"),
        "{}",
        seen[0].target
    );
    assert_eq!(
        seen[0].body,
        "method=taobao.time.get\r\n-S-\r\nmethod=taobao.time.get"
    );
}
