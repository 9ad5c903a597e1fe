//! The example's own APIs, called through their generated bindings against the mock.

use own_specs::apis::{mycompany_coupon_issue as issue, mycompany_warehouse_stock_query as stock};
use topsdk::mock::MockGateway;
use topsdk::{Client, Format};

#[tokio::test]
async fn both_own_apis_answer_with_their_documented_samples() {
    let mock = MockGateway::start(own_specs::apis::APIS, "k", "s")
        .await
        .unwrap();
    for format in [Format::Json, Format::Xml] {
        let client = Client::builder("k", "s")
            .gateway_url(mock.url())
            .format(format)
            .build()
            .unwrap();
        let (stock, coupon) = own_specs::run(&client).await.unwrap();
        assert_eq!(stock.stocks.len(), 2, "{format}");
        assert_eq!(stock.stocks[1].quantity, Some(0));
        assert_eq!(stock.stocks[0].sku_id, Some(1001));
        let c = coupon.coupon.unwrap();
        assert_eq!(c.code.as_ref().unwrap().expose(), "CPN-7F3A");
        assert!(
            !format!("{c:?}").contains("CPN-7F3A"),
            "the coupon code is sensitive"
        );
        assert_eq!(c.amount.unwrap().to_cents(), Some(500));
    }
    let sent = mock.requests();
    let issue_call = sent
        .iter()
        .find(|r| {
            r.query
                .iter()
                .any(|(k, v)| k == "method" && v == "mycompany.coupon.issue")
        })
        .unwrap();
    assert!(
        issue_call
            .body
            .contains(&("buyer_id".to_string(), "buyer-42".to_string()))
    );
}

#[test]
fn the_schema_is_this_crates_own() {
    assert_eq!(stock::SCHEMA.get().category_pkg, "mycompany");
    assert!(
        issue::SCHEMA
            .get()
            .request
            .iter()
            .any(|f| f.name == "amount_cents" && f.required)
    );
}
