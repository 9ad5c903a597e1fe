//! QIMEN calls (`gateway: qimen`): a typed request sent as the XML `<request>` body with
//! `customerId`, signed with the body (checked here with md5 written in the test, and by the
//! receiving side's `topsdk::spi::Verifier`, as a WMS would), the `<response><flag>` reply
//! decoded or turned into `Error::Qimen`, and bad replies as clear errors.

mod support;

use std::collections::BTreeMap;
use std::time::SystemTime;
use topsdk::mock::{MockGateway, Reply};
use topsdk::{ApiError, Client, Error, SignMethod};
use topsdk_qimen::taobao_qimen_entryorder_create::{self as entry, request as req};

const KEY: &str = "12345678";
const SECRET: &str = "helloworld";
const METHOD: &str = "taobao.qimen.entryorder.create";

async fn mock() -> MockGateway {
    MockGateway::start(topsdk_qimen::APIS, KEY, SECRET)
        .await
        .unwrap()
}

fn make_client(mock: &MockGateway, secret: &str) -> Client {
    Client::builder(KEY, secret)
        .gateway_url(mock.url())
        .sign_method(SignMethod::Md5)
        .build()
        .unwrap()
}

fn entry_order() -> entry::Request {
    let order = req::EntryOrder {
        entry_order_code: "E1".into(),
        owner_code: "OWNER-1".into(),
        warehouse_code: "WH <north> & co".into(),
        ..Default::default()
    };
    let line = |n: &str| req::OrderLine {
        order_line_no: Some(n.into()),
        owner_code: "OWNER-1".into(),
        item_code: format!("SKU-{n}"),
        plan_qty: 3,
        ..Default::default()
    };
    entry::Request::new().request(req::EntryOrderCreateRequest {
        entry_order: Some(order),
        order_lines: Some(vec![line("1"), line("2")]),
        ..Default::default()
    })
}

#[tokio::test]
async fn round_trip_with_the_body_signed() {
    let mock = mock().await;
    let client = make_client(&mock, SECRET).with_customer_id("stub-cust-code");
    let resp = client.execute(&entry_order()).await.unwrap();
    let r = resp.response.expect("response");
    assert_eq!(r.flag.as_deref(), Some("success"));
    assert_eq!(r.code.as_deref(), Some("0"));
    assert!(r.entry_order_id.is_some(), "{r:?}");

    let sent = mock.requests().pop().unwrap();
    assert_eq!(sent.content_type.as_deref(), Some("text/xml;charset=utf-8"));
    let query: BTreeMap<&str, &str> = sent
        .query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(query["method"], METHOD);
    assert_eq!(query["customerId"], "stub-cust-code");
    assert_eq!(query["format"], "xml");
    let body = sent.text_body.clone().unwrap();
    assert_eq!(
        body,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><request><entryOrder>\
         <entryOrderCode>E1</entryOrderCode><ownerCode>OWNER-1</ownerCode>\
         <warehouseCode>WH &lt;north&gt; &amp; co</warehouseCode></entryOrder>\
         <orderLines><orderLine><orderLineNo>1</orderLineNo><ownerCode>OWNER-1</ownerCode>\
         <itemCode>SKU-1</itemCode><planQty>3</planQty></orderLine>\
         <orderLine><orderLineNo>2</orderLineNo><ownerCode>OWNER-1</ownerCode>\
         <itemCode>SKU-2</itemCode><planQty>3</planQty></orderLine></orderLines></request>"
    );
    // spi-qimen.md §3.2: the TOP sign over the query with the body appended.
    assert_eq!(
        query["sign"],
        support::md5_sign_with_body(SECRET, query.iter().map(|(k, v)| (*k, *v)), &body)
    );
    // What the WMS receiving the forwarded call checks (§3.3): it verifies.
    let raw_query: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(sent.query.iter())
        .finish();
    let headers = [("content-type", "text/xml;charset=utf-8")];
    let incoming = topsdk::spi::Request {
        query: &raw_query,
        headers: &headers,
        body: body.as_bytes(),
    };
    topsdk::spi::Verifier::new(SECRET)
        .verify(&incoming, SystemTime::now())
        .unwrap();
}

#[tokio::test]
async fn failures_are_typed() {
    let mock = mock().await;
    let client = make_client(&mock, SECRET).with_customer_id("c1");
    mock.push_reply(
        METHOD,
        Reply::Error(ApiError {
            sub_code: Some("STOCK_SHORTAGE".into()),
            sub_msg: Some("库存不足".into()),
            ..Default::default()
        }),
    );
    match client.execute(&entry_order()).await {
        Err(Error::Qimen(e)) => {
            assert_eq!(
                (e.code.as_str(), e.message.as_str()),
                ("STOCK_SHORTAGE", "库存不足")
            );
        }
        other => panic!("{other:?}"),
    }
    // The gateway refuses a wrong signature in QIMEN's own shape.
    match make_client(&mock, "wrong")
        .with_customer_id("c1")
        .execute(&entry_order())
        .await
    {
        Err(Error::Qimen(e)) => assert_eq!(e.code, "sign-check-failure"),
        other => panic!("{other:?}"),
    }
    // No customerId: refused before any I/O.
    let before = mock.requests().len();
    match make_client(&mock, SECRET).execute(&entry_order()).await {
        Err(Error::InvalidRequest { param, .. }) => assert_eq!(param, "customerId"),
        other => panic!("{other:?}"),
    }
    assert_eq!(mock.requests().len(), before);
}

/// Replies written here, as a QIMEN target sends them, and broken ones.
#[tokio::test]
async fn replies_decode_or_fail_clearly() {
    let mock = mock().await;
    let client = make_client(&mock, SECRET).with_customer_id("c1");
    let raw = |body: &str| Reply::Raw {
        status: 200,
        content_type: "text/xml".into(),
        body: body.as_bytes().to_vec(),
    };
    mock.push_reply(
        METHOD,
        raw("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<response>\n  <flag>success</flag>\n  \
             <code>0</code>\n  <message>ok</message>\n  <entryOrderId>W-9001</entryOrderId>\n</response>"),
    );
    let r = client
        .execute(&entry_order())
        .await
        .unwrap()
        .response
        .unwrap();
    assert_eq!(r.entry_order_id.as_deref(), Some("W-9001"));
    assert_eq!(r.message.as_deref(), Some("ok"));

    for (body, says) in [
        ("<response><code>0</code></response>", "no <flag>"),
        (
            "<response><flag>maybe</flag></response>",
            "neither success nor failure",
        ),
        (
            "<other><flag>success</flag></other>",
            "expected a QIMEN <response>",
        ),
        ("<response><flag>success</fl", "XML"),
        ("", "no root element"),
    ] {
        mock.push_reply(METHOD, raw(body));
        match client.execute(&entry_order()).await {
            Err(e @ Error::Decode { .. }) => {
                assert!(e.to_string().contains(says), "{body:?}: {e}")
            }
            other => panic!("{body:?}: {other:?}"),
        }
    }
    // A gateway error_response is the API error it is.
    mock.push_reply(
        METHOD,
        raw("<error_response><code>11</code><msg>Insufficient isv permissions</msg></error_response>"),
    );
    assert!(matches!(
        client.execute(&entry_order()).await,
        Err(Error::Api(ApiError { code: 11, .. }))
    ));
}
