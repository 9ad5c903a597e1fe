//! Calls by schema alone (`by_name::call_untyped`: the CLI's way to call catalogue APIs it has
//! no bindings for), against a gateway written for the tests: values checked by their
//! documented types and rules before any I/O, the QIMEN gateway chosen by the schema, the
//! answer flattened like a typed one, writes never retried.

mod support;

use support::{Answer, Gateway, isp_timeout};
use topsdk::by_name::Args;
use topsdk::schema::{ApiSchema, LazySchema};
use topsdk::{Client, Error, RetryPolicy};

/// A schema as the catalogue carries it (one JSON line), for the life of the test binary.
fn schema(json: &'static str) -> &'static ApiSchema {
    let lazy: &'static LazySchema = Box::leak(Box::new(LazySchema::new(json)));
    assert_eq!(
        lazy.method(),
        lazy.get().method,
        "method read without parsing"
    );
    lazy.get()
}

const ORDERS: &str = r#"{"method":"test.orders.get","response_key":"test_orders_get_response","idempotent":true,
"request":[
 {"name":"tid","ty":"Number","kind":"Number","required":true},
 {"name":"status","ty":"String","constraints":{"max_length":5}},
 {"name":"tids","ty":"Number[]","kind":"Number","list":true,"constraints":{"max_list_size":2}},
 {"name":"when","ty":"Date","kind":"Date"},
 {"name":"page","ty":"Number","kind":"Number","constraints":{"min_value":1,"max_value":100}},
 {"name":"flag","ty":"Boolean","kind":"Boolean"},
 {"name":"filter","ty":"Filter","kind":"Object","fields":[{"name":"a","ty":"String"}]}],
"response":[{"name":"orders","ty":"Order[]","kind":"Object","list":true,"item_name":"order",
 "fields":[{"name":"oid","ty":"Number","kind":"Number"},{"name":"token","ty":"String","sensitive":true}]}]}"#;

fn client(g: &Gateway) -> Client {
    Client::builder("12345678", "helloworld")
        .gateway_url(&g.url)
        .retry(RetryPolicy {
            base_delay: std::time::Duration::from_millis(1),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
}

fn args(s: &'static ApiSchema, pairs: &[(&str, &str)]) -> Args {
    Args::new(s, pairs.iter().map(|(k, v)| (k.to_string(), v.to_string()))).unwrap()
}

fn refused(e: Error) -> (i64, String, String) {
    match e {
        Error::InvalidRequest {
            code,
            param,
            message,
        } => (code, param, message),
        other => panic!("expected a refusal before I/O, got {other:?}"),
    }
}

#[tokio::test]
async fn values_are_checked_by_type_and_rule_before_anything_is_sent() {
    let s = schema(ORDERS);
    let g = Gateway::start(vec![], None).await;
    let c = client(&g);
    for (pairs, code, param, says) in [
        (vec![("status", "x")], 40, "tid", "is required"),
        (vec![("tid", "12x")], 41, "tid", "not a Number"),
        (
            vec![("tid", "1"), ("status", "toolong")],
            41,
            "status",
            "at most 5",
        ),
        (
            vec![("tid", "1"), ("tids", "1,2,3")],
            41,
            "tids",
            "at most 2",
        ),
        (
            vec![("tid", "1"), ("tids", "1,x")],
            41,
            "tids",
            "not a Number",
        ),
        (
            vec![("tid", "1"), ("when", "2026-13-01")],
            41,
            "when",
            "expected Date",
        ),
        (
            vec![("tid", "1"), ("page", "0")],
            41,
            "page",
            "the minimum is 1",
        ),
        (
            vec![("tid", "1"), ("flag", "yes")],
            41,
            "flag",
            "not a Boolean",
        ),
        (
            vec![("tid", "1"), ("filter", "{a:")],
            41,
            "filter",
            "not JSON",
        ),
    ] {
        // A value not of its type is refused when the args are made; a broken rule by
        // `check` and by the call alike.
        let made = Args::new(s, pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let (c1, p1, m1) = match made {
            Err(e) => refused(e),
            Ok(a) => {
                let by_check = refused(a.check().unwrap_err());
                let by_call = refused(c.execute_by_schema(&a).await.unwrap_err());
                assert_eq!(by_check, by_call);
                by_check
            }
        };
        assert_eq!((c1, p1.as_str()), (code, param), "{pairs:?}: {m1}");
        assert!(m1.contains(says), "{pairs:?}: {m1}");
    }
    assert!(g.requests().is_empty(), "nothing was sent");
    // A name the API does not have is refused when the args are made.
    let e = Args::new(s, [("nope".to_string(), "1".to_string())]).unwrap_err();
    assert_eq!(refused(e).0, 41);
}

#[tokio::test]
async fn the_answer_is_flattened_and_the_values_sent_as_given() {
    let s = schema(ORDERS);
    let body = r#"{"test_orders_get_response":{"orders":{"order":[{"oid":7,"token":"t1"}]},"request_id":"r1"}}"#;
    let g = Gateway::start(vec![], Some(Answer::json(body))).await;
    let a = args(
        s,
        &[
            ("tid", "9007199254740993"),
            ("tids", "1,2"),
            ("when", "2026-01-02 03:04:05"),
            ("filter", r#"{"a":"b"}"#),
        ],
    );
    let mut v = client(&g).execute_by_schema(&a).await.unwrap();
    assert_eq!(v["orders"][0]["oid"], 7, "{v}");
    assert_eq!(v["orders"][0]["token"], "t1", "in clear until masked");
    topsdk::shape::mask(&mut v, &s.response);
    assert_eq!(v["orders"][0]["token"], "***");
    let seen = &g.requests()[0];
    assert_eq!(seen.query("method").as_deref(), Some("test.orders.get"));
    // Beyond 2^53, as typed: never through a float.
    assert_eq!(seen.form("tid").as_deref(), Some("9007199254740993"));
    assert_eq!(seen.form("when").as_deref(), Some("2026-01-02 03:04:05"));
    assert_eq!(seen.form("filter").as_deref(), Some(r#"{"a":"b"}"#));
}

#[tokio::test]
async fn retries_follow_the_schema() {
    let read = schema(ORDERS);
    let write = schema(
        r#"{"method":"test.order.ship","response_key":"test_order_ship_response","idempotent":false,
        "request":[{"name":"tid","ty":"Number","kind":"Number","required":true}]}"#,
    );
    let g = Gateway::start(vec![], Some(isp_timeout())).await;
    let c = client(&g);
    c.execute_by_schema(&args(write, &[("tid", "1")]))
        .await
        .unwrap_err();
    assert_eq!(g.requests().len(), 1, "a write is sent once");
    let g = Gateway::start(vec![], Some(isp_timeout())).await;
    let c = client(&g);
    c.execute_by_schema(&args(read, &[("tid", "1")]))
        .await
        .unwrap_err();
    assert!(g.requests().len() > 1, "a read is retried");
}

#[tokio::test]
async fn a_qimen_schema_goes_to_the_qimen_gateway_as_xml() {
    let s = schema(
        r#"{"method":"taobao.qimen.test.create","response_key":"response","gateway":"qimen",
        "request":[{"name":"request","ty":"Req","kind":"Object","required":true,"fields":[
          {"name":"orderCode","ty":"String","required":true},
          {"name":"lines","ty":"Line[]","kind":"Object","list":true,"item_name":"line","fields":[{"name":"sku","ty":"String"}]}]}],
        "response":[{"name":"response","ty":"Resp","kind":"Object","fields":[
          {"name":"flag","ty":"String"},{"name":"items","ty":"Item[]","kind":"Object","list":true,"item_name":"item",
           "fields":[{"name":"id","ty":"String"}]}]}]}"#,
    );
    let reply = "<response><flag>success</flag><items><item><id>A</id></item></items></response>";
    let g = Gateway::start(vec![], Some(Answer::json(reply))).await;
    let a = args(
        s,
        &[(
            "request",
            r#"{"orderCode":"O-1","lines":[{"sku":"S<1>"},{"sku":"S2"}]}"#,
        )],
    );
    // Without a customerId: refused before it is sent.
    let e = client(&g).execute_by_schema(&a).await.unwrap_err();
    assert_eq!(refused(e).1, "customerId");
    let c = client(&g).with_customer_id("C1");
    let v = c.execute_by_schema(&a).await.unwrap();
    // One item from XML, flattened to a list as the schema says.
    assert_eq!(v["response"]["items"][0]["id"], "A", "{v}");
    let seen = &g.requests()[0];
    assert!(
        seen.target.starts_with("/router/qimen/service?"),
        "{}",
        seen.target
    );
    assert_eq!(seen.query("customerId").as_deref(), Some("C1"));
    assert_eq!(
        seen.body,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><request><orderCode>O-1</orderCode>\
         <lines><line><sku>S&lt;1&gt;</sku></line><line><sku>S2</sku></line></lines></request>"
    );
    // A failure flag is the QIMEN error.
    let g = Gateway::start(
        vec![],
        Some(Answer::json(
            "<response><flag>failure</flag><code>E1</code><message>no</message></response>",
        )),
    )
    .await;
    let c = client(&g).with_customer_id("C1");
    match c.execute_by_schema(&a).await.unwrap_err() {
        Error::Qimen(q) => assert_eq!((q.code.as_str(), q.message.as_str()), ("E1", "no")),
        other => panic!("{other:?}"),
    }
}
