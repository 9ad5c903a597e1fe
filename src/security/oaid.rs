//! The OAID flow: receiver data of orders comes masked, with an `oaid` (Open Addressee ID).
//! Orders of one receiver are merged by oaid ([`merge`], `taobao.top.oaid.merge`, at most 100
//! orders a call), and the receiver is decrypted for one shipping scene ([`decrypt`],
//! `taobao.top.oaid.decrypt`, at most 20 a call). Both chunk their input and stream the
//! results.
//!
//! **What may not be stored:** the decrypted receiver (name, phone, address) is for the
//! scene it was asked for — printing a waybill, a call of after-sales service — and the
//! platform's rules forbid keeping it; store the `oaid` and decrypt again when needed. So
//! receivers come as [`Secret`]s: not in `Debug`, logs or serialized output unless you
//! `expose()` them. A `matched: false` answer means the order's oaid changed (the buyer edited
//! the address): [`Outcome::Refetch`] says to read the trade again
//! (`taobao.trade.fullinfo.get`) for its current oaid.

use super::api::{taobao_top_oaid_decrypt as oaid_decrypt, taobao_top_oaid_merge as oaid_merge};
use crate::{Client, Error, Secret};
use futures_util::Stream;
use std::collections::{BTreeMap, VecDeque};

/// The most orders `taobao.top.oaid.merge` takes in one call.
pub const MERGE_CHUNK: usize = 100;
/// The most queries `taobao.top.oaid.decrypt` takes in one call.
pub const DECRYPT_CHUNK: usize = 20;

/// Why a receiver is decrypted: the documented scene codes (the strategy differs by scene).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Scene {
    /// 1001: a SF Express (顺丰) electronic waybill.
    SfWaybill,
    /// 1002: a waybill of the "four Tongs and one Da" (4通一达) carriers.
    TongdaWaybill,
    /// 1003: an EMS electronic waybill.
    EmsWaybill,
    /// 1004: another carrier's electronic waybill.
    OtherWaybill,
    /// 1005: shipping from an offline store.
    OfflineStore,
    /// 1006: a hand-written waybill.
    ManualWaybill,
    /// 1007: drop shipping (代发货).
    DropShipping,
    /// 2001: after-sales service.
    AfterSales,
    /// 2002: customer care.
    CustomerCare,
    /// A code not listed here, sent as given.
    Other(String),
}

impl Scene {
    pub fn code(&self) -> &str {
        match self {
            Scene::SfWaybill => "1001",
            Scene::TongdaWaybill => "1002",
            Scene::EmsWaybill => "1003",
            Scene::OtherWaybill => "1004",
            Scene::OfflineStore => "1005",
            Scene::ManualWaybill => "1006",
            Scene::DropShipping => "1007",
            Scene::AfterSales => "2001",
            Scene::CustomerCare => "2002",
            Scene::Other(c) => c,
        }
    }

    /// The scene of a code (a listed one, or [`Scene::Other`]).
    pub fn from_code(code: &str) -> Scene {
        const LISTED: [Scene; 9] = [
            Scene::SfWaybill,
            Scene::TongdaWaybill,
            Scene::EmsWaybill,
            Scene::OtherWaybill,
            Scene::OfflineStore,
            Scene::ManualWaybill,
            Scene::DropShipping,
            Scene::AfterSales,
            Scene::CustomerCare,
        ];
        LISTED
            .into_iter()
            .find(|s| s.code() == code)
            .unwrap_or_else(|| Scene::Other(code.to_string()))
    }
}

/// One order to decrypt the receiver of.
#[derive(Clone, Debug)]
pub struct Query {
    pub tid: String,
    pub oaid: String,
    pub scene: Scene,
    /// How many days a privacy number (隐私号) stays bound, where one is issued.
    pub secret_no_days: Option<i64>,
}

impl Query {
    pub fn new(tid: impl Into<String>, oaid: impl Into<String>, scene: Scene) -> Query {
        Query {
            tid: tid.into(),
            oaid: oaid.into(),
            scene,
            secret_no_days: None,
        }
    }
}

/// The receiver as `taobao.top.oaid.decrypt` returns it.
pub type Receiver = oaid_decrypt::response::Receiver;

/// What became of one [`Query`].
#[derive(Debug)]
pub enum Outcome {
    /// The receiver, in plaintext: use it for the scene, do not store it.
    Decrypted {
        tid: String,
        oaid: String,
        receiver: Secret<Box<Receiver>>,
    },
    /// The oaid is no longer the order's (`matched: false`): read the trade again for its
    /// current oaid, then decrypt that.
    Refetch { tid: String, oaid: String },
    /// The answer had no receiver for this order.
    Missing { tid: String, oaid: String },
}

/// Decrypts the receivers of `queries`, 20 a call, in order: one [`Outcome`] per query, or
/// the error of the call that would have answered it (then the next chunk goes on).
pub fn decrypt(
    client: &Client,
    queries: impl IntoIterator<Item = Query>,
) -> impl Stream<Item = Result<Outcome, Error>> + '_ {
    let chunks: VecDeque<Vec<Query>> = chunked(queries.into_iter().collect(), DECRYPT_CHUNK);
    let state = (chunks, VecDeque::<Result<Outcome, Error>>::new());
    futures_util::stream::unfold(state, move |(mut chunks, mut ready)| async move {
        loop {
            if let Some(item) = ready.pop_front() {
                return Some((item, (chunks, ready)));
            }
            let chunk = chunks.pop_front()?;
            ready = decrypt_chunk(client, chunk).await;
        }
    })
}

async fn decrypt_chunk(client: &Client, chunk: Vec<Query>) -> VecDeque<Result<Outcome, Error>> {
    let list = chunk
        .iter()
        .map(|q| oaid_decrypt::request::ReceiverQuery {
            oaid: q.oaid.clone(),
            tid: q.tid.clone(),
            scene: q.scene.code().to_string(),
            secret_no_days: q.secret_no_days.map(Secret::new),
        })
        .collect();
    let resp = match client.execute(&oaid_decrypt::Request::new(list)).await {
        Ok(r) => r,
        Err(e) => return VecDeque::from([Err(e)]),
    };
    // Answers by (tid, oaid); the order of the answer is not documented.
    let mut by_order: BTreeMap<(String, String), Receiver> = BTreeMap::new();
    for r in resp.receiver_list {
        let key = (
            r.tid.clone().unwrap_or_default(),
            r.oaid.clone().unwrap_or_default(),
        );
        by_order.entry(key).or_insert(r);
    }
    chunk
        .into_iter()
        .map(|q| {
            let Query { tid, oaid, .. } = q;
            Ok(match by_order.remove(&(tid.clone(), oaid.clone())) {
                None => Outcome::Missing { tid, oaid },
                Some(r) if r.matched == Some(false) => Outcome::Refetch { tid, oaid },
                Some(r) => Outcome::Decrypted {
                    tid,
                    oaid,
                    receiver: Secret::new(Box::new(r)),
                },
            })
        })
        .collect()
}

/// Groups of orders that may ship together, by `taobao.top.oaid.merge`: each item one group of
/// order ids (`tid`s). Orders are grouped by oaid before the calls, so a receiver's orders
/// share a call of at most 100 (a receiver with more than 100 is split over calls).
pub fn merge(
    client: &Client,
    orders: impl IntoIterator<Item = (String, String)>,
) -> impl Stream<Item = Result<Vec<String>, Error>> + '_ {
    let mut by_oaid: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (tid, oaid) in orders {
        by_oaid.entry(oaid).or_default().push(tid);
    }
    let mut chunks: VecDeque<Vec<(String, String)>> = VecDeque::new();
    let mut cur: Vec<(String, String)> = Vec::new();
    for (oaid, tids) in by_oaid {
        if cur.len() + tids.len().min(MERGE_CHUNK) > MERGE_CHUNK {
            chunks.push_back(std::mem::take(&mut cur));
        }
        for tid in tids {
            if cur.len() == MERGE_CHUNK {
                chunks.push_back(std::mem::take(&mut cur));
            }
            cur.push((tid, oaid.clone()));
        }
    }
    if !cur.is_empty() {
        chunks.push_back(cur);
    }
    let state = (chunks, VecDeque::<Result<Vec<String>, Error>>::new());
    futures_util::stream::unfold(state, move |(mut chunks, mut ready)| async move {
        loop {
            if let Some(item) = ready.pop_front() {
                return Some((item, (chunks, ready)));
            }
            let chunk = chunks.pop_front()?;
            let list = chunk
                .into_iter()
                .map(|(tid, oaid)| oaid_merge::request::OrderMerge { oaid, tid })
                .collect();
            ready = match client.execute(&oaid_merge::Request::new(list)).await {
                Ok(r) => r
                    .tid_list
                    .iter()
                    .map(|g| {
                        Ok(g.split(',')
                            .map(str::trim)
                            .filter(|t| !t.is_empty())
                            .map(String::from)
                            .collect())
                    })
                    .collect(),
                Err(e) => VecDeque::from([Err(e)]),
            };
        }
    })
}

fn chunked<T>(items: Vec<T>, n: usize) -> VecDeque<Vec<T>> {
    let mut out = VecDeque::new();
    let mut it = items.into_iter().peekable();
    while it.peek().is_some() {
        out.push_back(it.by_ref().take(n).collect());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenes_round_trip() {
        for c in [
            "1001", "1002", "1003", "1004", "1005", "1006", "1007", "2001", "2002",
        ] {
            let s = Scene::from_code(c);
            assert!(!matches!(s, Scene::Other(_)), "{c}");
            assert_eq!(s.code(), c);
        }
        assert_eq!(Scene::from_code("3001"), Scene::Other("3001".into()));
    }

    #[test]
    fn chunks_of_n() {
        let c = chunked((0..45).collect(), 20);
        assert_eq!(c.iter().map(Vec::len).collect::<Vec<_>>(), [20, 20, 5]);
        assert!(chunked(Vec::<u8>::new(), 20).is_empty());
    }
}
