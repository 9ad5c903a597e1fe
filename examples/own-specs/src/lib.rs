//! Bindings for this crate's own APIs (spec/), generated at build time.

pub mod apis {
    #![deny(warnings)]
    include!(concat!(env!("OUT_DIR"), "/own_apis.rs"));
}

use apis::Apis;
use apis::{mycompany_coupon_issue as issue, mycompany_warehouse_stock_query as stock};

/// Calls both APIs against `client` and returns what they answered.
pub async fn run(
    client: &topsdk::Client,
) -> Result<(stock::Response, issue::Response), topsdk::Error> {
    let stock = client
        .mycompany_warehouse_stock_query(
            stock::Request::new(vec![1001, 1002]).warehouse_code("HZ-01"),
        )
        .await?;
    let coupon = client
        .mycompany_coupon_issue(issue::Request::new("buyer-42", 500).reason("welcome"))
        .await?;
    Ok((stock, coupon))
}
