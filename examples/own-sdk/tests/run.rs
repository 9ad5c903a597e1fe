//! The SDK download's API, called through the bindings build.rs imported, against the mock.

use own_sdk::apis::taobao_tbk_order_details_get as orders;
use topsdk::mock::MockGateway;
use topsdk::{Client, Format};

#[tokio::test]
async fn the_imported_api_is_called_typed_and_its_answer_decoded() {
    let mock = MockGateway::start(own_sdk::apis::APIS, "k", "s")
        .await
        .unwrap();
    for format in [Format::Json, Format::Xml] {
        let client = Client::builder("k", "s")
            .gateway_url(mock.url())
            .format(format)
            .build()
            .unwrap();
        let page = own_sdk::first_page(&client).await.unwrap();
        // The mock answers from the schema (the SDK has no samples): the typed tree is there.
        let data = page.data.expect("data");
        assert_eq!(data.has_next, Some(false), "{format}");
        assert_eq!(data.results.len(), 1, "{format}");
        assert!(data.results[0].trade_id.is_some(), "{format}");
    }
    let sent = mock.requests();
    let call = sent
        .iter()
        .find(|r| {
            r.query
                .iter()
                .any(|(k, v)| k == "method" && v == "taobao.tbk.order.details.get")
        })
        .expect("the call reached the gateway");
    for (k, v) in [
        ("start_time", "2026-12-01 10:00:00"),
        ("end_time", "2026-12-01 11:00:00"),
        ("page_size", "20"),
    ] {
        assert!(
            call.body.contains(&(k.to_string(), v.to_string())),
            "{k}={v} in {:?}",
            call.body
        );
    }
}

#[tokio::test]
async fn the_rules_of_the_sdks_check_are_enforced_before_sending() {
    use own_sdk::apis::Apis;
    let mock = MockGateway::start(own_sdk::apis::APIS, "k", "s")
        .await
        .unwrap();
    let client = Client::builder("k", "s")
        .gateway_url(mock.url())
        .build()
        .unwrap();
    let t: topsdk::DateTime = "2026-12-01 10:00:00".parse().unwrap();
    // `RequestCheckUtils.checkMaxValue(pageSize, 100L, "pageSize")` in the Java source.
    let err = client
        .taobao_tbk_order_details_get(orders::Request::new(t, t).page_size(101))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, topsdk::Error::InvalidRequest { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("page_size"), "{err}");
    assert!(mock.requests().is_empty(), "nothing was sent");
}
