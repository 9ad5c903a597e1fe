//! The system params each route sends (router/rest, batch, QIMEN), read off the wire by a
//! server written here: one list with one rule each (`client/prepare.rs`
//! `fixed_system_params`): `simplify=true` only with JSON, `target_app_key` and `partner_id`
//! whenever set, on every route.

mod support;

use support::{Answer, Gateway};
use topsdk::{Client, Format, RetryPolicy};

/// A client of every system param set, in `format`, against `g` (all routes go there).
fn client(g: &Gateway, format: Format) -> Client {
    Client::builder("k", "s")
        .gateway_url(&g.url)
        .batch_url(&g.url)
        .qimen_url(&g.url)
        .format(format)
        .simplify(true)
        .target_app_key("T-APP")
        .partner_id("P-1")
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

/// The query params of the only request `g` saw.
fn sent(
    g: &Gateway,
) -> (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
) {
    let seen = g.requests();
    assert_eq!(seen.len(), 1, "one request per call");
    let s = &seen[0];
    (
        s.query("format"),
        s.query("simplify"),
        s.query("target_app_key"),
        s.query("partner_id"),
    )
}

fn expected(
    format: &str,
) -> (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
) {
    (
        Some(format.into()),
        (format == "json").then(|| "true".into()),
        Some("T-APP".into()),
        Some("P-1".into()),
    )
}

async fn gateway() -> Gateway {
    // What the answer says does not matter here: only what arrived.
    Gateway::start(vec![], Some(Answer::json("{}"))).await
}

#[tokio::test]
async fn rest_sends_simplify_with_json_only_and_target_app_key_always() {
    for (format, name) in [(Format::Json, "json"), (Format::Xml, "xml")] {
        let g = gateway().await;
        let _ = client(&g, format)
            .execute_raw("taobao.time.get", Vec::<(String, String)>::new())
            .await;
        assert_eq!(sent(&g), expected(name), "router/rest in {name}");
    }
}

#[tokio::test]
async fn batch_sends_simplify_with_json_only_and_target_app_key_always() {
    for (format, name) in [(Format::Json, "json"), (Format::Xml, "xml")] {
        let g = gateway().await;
        let c = client(&g, format);
        let mut b = c.batch();
        b.add_raw("taobao.time.get", Vec::<(String, String)>::new(), None);
        let _ = b.send().await;
        assert_eq!(sent(&g), expected(name), "batch in {name}");
    }
}

#[tokio::test]
async fn qimen_sends_xml_without_simplify_and_target_app_key_always() {
    use topsdk_qimen::taobao_qimen_entryorder_create as entry;
    // QIMEN's format is XML whatever the client's: no simplify in either case.
    for format in [Format::Json, Format::Xml] {
        let g = gateway().await;
        let c = client(&g, format).with_customer_id("cust");
        let _ = c.execute(&entry::Request::new()).await;
        assert_eq!(sent(&g), expected("xml"), "QIMEN, client in {format:?}");
    }
}
