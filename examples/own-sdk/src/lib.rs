//! Bindings for the APIs of this crate's SDK download (`sdk/`), generated at build time.

pub mod apis {
    #![deny(warnings)]
    include!(concat!(env!("OUT_DIR"), "/sdk_apis.rs"));
}

use apis::Apis;
use apis::taobao_tbk_order_details_get as orders;

/// The affiliate orders of one hour, first page: `taobao.tbk.order.details.get`, an API in no
/// public documentation dump, typed from the SDK's Java sources.
pub async fn first_page(client: &topsdk::Client) -> Result<orders::Response, topsdk::Error> {
    let start: topsdk::DateTime = "2026-12-01 10:00:00".parse().expect("a valid time");
    let end: topsdk::DateTime = "2026-12-01 11:00:00".parse().expect("a valid time");
    client
        .taobao_tbk_order_details_get(orders::Request::new(end, start).page_size(20).query_type(1))
        .await
}
