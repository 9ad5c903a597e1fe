//! The TMC client end to end: against a websocket server written here from the protocol notes'
//! golden frames (independent of the project's mock), and against the mock message server
//! (1,000 messages, dropped connections, failing handlers, a bad secret, groups shared by
//! three clients, the HTTP alternative, publish, graceful shutdown).

use futures_util::{SinkExt, StreamExt};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message as Ws;
use topsdk::mock::{MockGateway, MockTmc, Published};
use topsdk::tmc::{ConnectToken, Message, TmcBuilder, TmcClient, TmcError, Topics};
use topsdk_topics::Topic;

const KEY: &str = "12345678";
const SECRET: &str = "helloworld";

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// tmc.md §1.10.3: CONNECTACK ok (the production capture), token 54e78da8-….
const CONNECTACK: &str = "020104000100000005002400000035346537386461382d643633362d343462622d623066652d3831396164323238343739330000";
/// §1.10.2: PULL with that token.
const PULL: &str = "020205002400000035346537386461382d643633362d343462622d623066652d3831396164323238343739330100060000005f5f6b696e6402010000";
/// §1.10.2: CONFIRM id=2131800080537681929.
const CONFIRM: &str = "020205002400000035346537386461382d643633362d343462622d623066652d3831396164323238343739330100060000005f5f6b696e640202010002000000696405090099e4e0ac951d0000";
/// §1.10.3: the data message (460 bytes, the production capture's layout), session token
/// d2c3e864-….
const DATA: &str = "020205002400000064326333653836342d636636642d343838382d386662332d356262393537313962303162010005000000746f706963011700000074616f62616f5f74726164655f5472616465436c6f7365010006000000757365726964057f43f92a000000000100060000005f5f6b696e6402030100090000007075626c697368657201080000003132343937393134010007000000726574726965640201010007000000636f6e74656e7401860000007b2262757965725f6e69636b223a22627579657231222c227061796d656e74223a22313239392e3030222c226f6964223a3536383733363237303831393131362c22746964223a3536383733363237303831393131362c2274797065223a2267756172616e7465655f7472616465222c2273656c6c65725f6e69636b223a2273686f7031227d010002000000696405090099e4e0ac951d010007000000646174615f6964052c9f643b4305020001000400000074696d6506d90965c4440100000100040000006e69636b010500000073686f7031010006000000646174616964052c9f643b43050200010009000000626f726e5f74696d6505d90965c4440100000100070000006f757474696d6506b3bf98ce440100000000";

fn md5_upper(s: &str) -> String {
    use md5::Digest;
    md5::Md5::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}

/// The custom string header `name` of a CONNECT, read straight from the bytes (not with the
/// project's decoder).
fn connect_field(bytes: &[u8], name: &str) -> Option<String> {
    let mut key = (name.len() as i32).to_le_bytes().to_vec();
    key.extend_from_slice(name.as_bytes());
    let at = bytes.windows(key.len()).position(|w| w == key)? + key.len();
    if bytes[at] != 1 {
        return None;
    }
    let len = i32::from_le_bytes(bytes[at + 1..at + 5].try_into().ok()?) as usize;
    String::from_utf8(bytes[at + 5..at + 5 + len].to_vec()).ok()
}

#[tokio::test]
async fn the_client_speaks_the_golden_frames() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let mut ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
        // CONNECT: type 0, flag 1, the md5 sign over app_key, group_name and timestamp.
        let Some(Ok(Ws::Binary(connect))) = ws.next().await else {
            panic!("no CONNECT")
        };
        assert_eq!(
            &connect[..8],
            &hex("0200040001000000")[..],
            "version 2, CONNECT, flag 1"
        );
        let ts = connect_field(&connect, "timestamp").unwrap();
        assert_eq!(connect_field(&connect, "app_key").as_deref(), Some(KEY));
        assert_eq!(
            connect_field(&connect, "group_name").as_deref(),
            Some("default")
        );
        let want = md5_upper(&format!(
            "{SECRET}app_key{KEY}group_namedefaulttimestamp{ts}{SECRET}"
        ));
        assert_eq!(connect_field(&connect, "sign"), Some(want));
        let sdk = connect_field(&connect, "sdk").unwrap();
        assert!(sdk.starts_with("topsdk-rust-"), "{sdk}");
        ws.send(Ws::Binary(hex(CONNECTACK).into())).await.unwrap();
        // The pull request right after connecting, byte for byte.
        let Some(Ok(Ws::Binary(pull))) = ws.next().await else {
            panic!("no PULL")
        };
        assert_eq!(pull.to_vec(), hex(PULL));
        // Push the golden data message, on this session's token (same length).
        let data = DATA.replace(
            &hex_of("d2c3e864-cf6d-4888-8fb3-5bb95719b01b"),
            &hex_of("54e78da8-d636-44bb-b0fe-819ad2284793"),
        );
        ws.send(Ws::Binary(hex(&data).into())).await.unwrap();
        let Some(Ok(Ws::Binary(confirm))) = ws.next().await else {
            panic!("no CONFIRM")
        };
        assert_eq!(confirm.to_vec(), hex(CONFIRM));
        // The client closes with 1000 on shutdown.
        loop {
            match ws.next().await {
                Some(Ok(Ws::Close(Some(c)))) => {
                    assert_eq!(u16::from(c.code), 1000);
                    break;
                }
                Some(Ok(_)) => continue,
                other => panic!("expected a close frame, got {other:?}"),
            }
        }
    });
    let client = TmcBuilder::new(KEY, SECRET).url(&url).unwrap().build();
    let mut messages = client.connect().await.unwrap();
    let msg = messages.next().await.unwrap().unwrap();
    assert_eq!(msg.id, 2131800080537681929);
    assert_eq!(msg.topic, "taobao_trade_TradeClose");
    assert_eq!(msg.pub_app_key.as_deref(), Some("12497914"));
    assert_eq!(msg.user_nick.as_deref(), Some("shop1"));
    assert_eq!(msg.user_id, Some(720978815));
    assert_eq!(msg.data_id, Some(568736270819116));
    assert!(msg.redelivered);
    assert_eq!(msg.pub_time, Some(1_394_864_359_897));
    let Topic::TaobaoTradeTradeClose(c) = msg.typed::<Topic>().unwrap() else {
        panic!("typed")
    };
    assert_eq!(c.tid, Some(568736270819116));
    assert_eq!(c.seller_nick.as_deref(), Some("shop1"));
    msg.confirm().unwrap();
    messages.close().await;
    server.await.unwrap();
}

fn hex_of(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}

/// A mock TMC and a mock gateway serving TMC's APIs on its queue.
async fn mocks() -> (MockTmc, MockGateway) {
    let tmc = MockTmc::start(KEY, SECRET).await.unwrap();
    tmc.set_redeliver_after(Duration::from_millis(150));
    let gateway = MockGateway::start(
        topsdk_tmc::APIS.iter().chain(topsdk_util::APIS),
        KEY,
        SECRET,
    )
    .await
    .unwrap();
    gateway.attach_tmc(tmc.queue());
    (tmc, gateway)
}

fn client(tmc: &MockTmc, gateway: &MockGateway) -> TmcClient {
    let api = topsdk::Client::builder(KEY, SECRET)
        .gateway_url(gateway.url())
        .build()
        .unwrap();
    TmcBuilder::new(KEY, SECRET)
        .url(tmc.url())
        .unwrap()
        .gateway(api)
        .connect_token(ConnectToken::Api)
        .reconnect_backoff(Duration::from_millis(20), Duration::from_millis(200))
        .build()
}

const TOPICS: [&str; 5] = [
    "taobao_trade_TradeCreate",
    "taobao_trade_TradeBuyerPay",
    "taobao_refund_RefundCreated",
    "taobao_item_ItemUpdate",
    "example_custom_Event",
];

fn content(topic: &str, n: i64) -> String {
    let id = 4_345_678_901_234_500_000 + n;
    match topic {
        "taobao_refund_RefundCreated" => {
            format!(r#"{{"refund_id":{id},"tid":{id},"refund_fee":"9.90","seller_nick":"shop1"}}"#)
        }
        "taobao_item_ItemUpdate" => format!(r#"{{"num_iid":{id},"nick":"shop1"}}"#),
        "example_custom_Event" => format!(r#"{{"n":{n}}}"#),
        _ => format!(r#"{{"tid":"{id}","payment":"12.00","seller_nick":"shop1"}}"#),
    }
}

/// The business id each typed content carries, checking the variant fits the topic.
fn typed_id(msg: &Message) -> Option<i64> {
    match msg.typed::<Topic>().unwrap() {
        Topic::TaobaoTradeTradeCreate(c) => c.tid,
        Topic::TaobaoTradeTradeBuyerPay(c) => c.tid,
        Topic::TaobaoRefundRefundCreated(c) => c.refund_id,
        Topic::TaobaoItemItemUpdate(c) => c.num_iid,
        Topic::Unknown(raw) => {
            assert_eq!(raw.topic, "example_custom_Event");
            None
        }
        other => panic!("unexpected topic {}", other.name()),
    }
}

async fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = std::time::Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

type Seen = Arc<Mutex<HashMap<i64, u32>>>;

fn handler(
    seen: Seen,
    fail_first: Option<fn(i64) -> bool>,
    pause: Duration,
) -> impl Fn(Arc<Message>) -> futures_util::future::BoxFuture<'static, Result<(), String>> {
    move |msg: Arc<Message>| {
        let seen = seen.clone();
        Box::pin(async move {
            if !pause.is_zero() {
                tokio::time::sleep(pause).await;
            }
            let business = typed_id(&msg);
            if let Some(b) = business {
                assert!(b >= 4_345_678_901_234_500_000, "id exact: {b}");
            }
            let count = {
                let mut s = seen.lock().unwrap();
                let c = s.entry(msg.id).or_default();
                *c += 1;
                *c
            };
            match fail_first {
                Some(f) if f(msg.id) && count == 1 => Err("db down".to_string()),
                _ => Ok(()),
            }
        })
    }
}

/// Publishes 1,000 messages across the topics, every fourth gzipped, 50 of them through the
/// gateway's `taobao.tmc.message.produce`; returns their ids.
async fn publish_thousand(tmc: &MockTmc, gateway: &MockGateway) -> HashSet<i64> {
    let api = topsdk::Client::builder(KEY, SECRET)
        .gateway_url(gateway.url())
        .build()
        .unwrap();
    let mut ids = HashSet::new();
    for n in 0..1000i64 {
        let topic = TOPICS[n as usize % TOPICS.len()];
        if n % 20 == 7 {
            let v = api
                .execute_raw(
                    "taobao.tmc.message.produce",
                    [
                        ("topic".to_string(), topic.to_string()),
                        ("content".to_string(), content(topic, n)),
                    ],
                )
                .await
                .unwrap();
            let id = v["msg_ids"]["string"][0].as_str().unwrap().parse().unwrap();
            ids.insert(id);
        } else {
            ids.insert(tmc.publish(Published::new(topic, content(topic, n)).gzip(n % 4 == 0)));
        }
    }
    assert_eq!(ids.len(), 1000);
    ids
}

#[tokio::test]
async fn a_thousand_messages_arrive_typed_and_are_confirmed_once() {
    let (tmc, gateway) = mocks().await;
    let ids = publish_thousand(&tmc, &gateway).await;
    let seen: Seen = Arc::default();
    let messages = client(&tmc, &gateway).connect().await.unwrap();
    let stop = messages.handle();
    let run = tokio::spawn(messages.run(8, handler(seen.clone(), None, Duration::ZERO)));
    wait_for("1,000 confirms", || tmc.stats().confirmed == 1000).await;
    stop.shutdown();
    run.await.unwrap().unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.keys().copied().collect::<HashSet<_>>(), ids);
    assert!(seen.values().all(|&c| c == 1), "each handled once");
    let stats = tmc.stats();
    assert_eq!(stats.duplicate_confirms, 0);
    assert_eq!(stats.pushed, 1000);
    assert!(stats.failed.is_empty());
    assert_eq!(tmc.unconfirmed("default"), 0);
    assert!(ids.iter().all(|id| tmc.is_confirmed(*id)));
}

#[tokio::test]
async fn a_dropped_connection_loses_nothing() {
    let (tmc, gateway) = mocks().await;
    tmc.set_window(50);
    let ids = publish_thousand(&tmc, &gateway).await;
    let seen: Seen = Arc::default();
    let messages = client(&tmc, &gateway).connect().await.unwrap();
    let stop = messages.handle();
    let run =
        tokio::spawn(messages.run(4, handler(seen.clone(), None, Duration::from_micros(300))));
    wait_for("300 handled", || seen.lock().unwrap().len() >= 300).await;
    tmc.drop_connections();
    wait_for("1,000 confirms", || tmc.stats().confirmed == 1000).await;
    stop.shutdown();
    run.await.unwrap().unwrap();
    let stats = tmc.stats();
    assert!(stats.connects >= 2, "reconnected: {stats:?}");
    // Messages the client held across the drop are confirmed on the new connection (the mock
    // then cancels their redelivery); any it never read are pushed again.
    assert!(stats.pushed >= 1000, "{stats:?}");
    let seen = seen.lock().unwrap();
    assert_eq!(seen.keys().copied().collect::<HashSet<_>>(), ids);
    // Redeliveries of messages being handled, or already confirmed, never reach the handler.
    assert!(seen.values().all(|&c| c == 1), "each handled once");
    assert_eq!(tmc.unconfirmed("default"), 0);
}

#[tokio::test]
async fn a_failing_handler_fails_the_message_and_gets_it_again() {
    let (tmc, gateway) = mocks().await;
    let ids = publish_thousand(&tmc, &gateway).await;
    let seen: Seen = Arc::default();
    let messages = client(&tmc, &gateway).connect().await.unwrap();
    let stop = messages.handle();
    let fails = |id: i64| id % 10 == 0;
    let run = tokio::spawn(messages.run(8, handler(seen.clone(), Some(fails), Duration::ZERO)));
    wait_for("1,000 confirms", || tmc.stats().confirmed == 1000).await;
    stop.shutdown();
    run.await.unwrap().unwrap();
    let failing: HashSet<i64> = ids.iter().copied().filter(|id| fails(*id)).collect();
    assert!(!failing.is_empty());
    let stats = tmc.stats();
    let failed: HashSet<i64> = stats.failed.iter().map(|(id, _)| *id).collect();
    assert_eq!(failed, failing);
    assert!(stats.failed.iter().all(|(_, why)| why == "db down"));
    let seen = seen.lock().unwrap();
    for id in &ids {
        let want = if failing.contains(id) { 2 } else { 1 };
        assert_eq!(seen.get(id), Some(&want), "message {id}");
    }
}

#[tokio::test]
async fn a_bad_secret_gets_the_connect_error_not_a_hang() {
    let (tmc, _gateway) = mocks().await;
    let started = std::time::Instant::now();
    let err = TmcBuilder::new(KEY, "wrong-secret")
        .url(tmc.url())
        .unwrap()
        .connect_token(ConnectToken::Omit)
        .build()
        .connect()
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3));
    match &err {
        TmcError::Refused { code, phrase } => {
            assert_eq!((*code, phrase.as_str()), (401, "invalid sign"));
        }
        other => panic!("expected Refused, got {other:?}"),
    }
    assert!(err.to_string().contains("invalid sign"), "{err}");
    assert!(!format!("{err:?}").contains("wrong-secret"));
    // A token this TMC never issued (from a gateway not attached to it) is refused too.
    let other = MockGateway::start(topsdk_util::APIS, KEY, SECRET)
        .await
        .unwrap();
    let api = topsdk::Client::builder(KEY, SECRET)
        .gateway_url(other.url())
        .build()
        .unwrap();
    let err = TmcBuilder::new(KEY, SECRET)
        .url(tmc.url())
        .unwrap()
        .gateway(api)
        .connect_token(ConnectToken::Api)
        .build()
        .connect()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TmcError::Refused { code: 401, phrase } if phrase == "invalid token"),
        "{err:?}"
    );
    assert_eq!(tmc.stats().refused, 2);
}

#[tokio::test]
async fn three_clients_of_a_group_share_its_messages() {
    let (tmc, gateway) = mocks().await;
    tmc.set_window(10);
    let mut runs = Vec::new();
    let mut stops = Vec::new();
    let mut seen_by = Vec::new();
    for _ in 0..3 {
        let seen: Seen = Arc::default();
        let messages = client(&tmc, &gateway).connect().await.unwrap();
        stops.push(messages.handle());
        runs.push(tokio::spawn(
            messages.run(2, handler(seen.clone(), None, Duration::from_millis(1))),
        ));
        seen_by.push(seen);
    }
    wait_for("3 clients", || tmc.clients("default") == 3).await;
    let ids = publish_thousand(&tmc, &gateway).await;
    wait_for("1,000 confirms", || tmc.stats().confirmed == 1000).await;
    for s in &stops {
        s.shutdown();
    }
    for r in runs {
        r.await.unwrap().unwrap();
    }
    let mut all = HashSet::new();
    for seen in &seen_by {
        let seen = seen.lock().unwrap();
        assert!(seen.len() > 50, "each client gets a share: {}", seen.len());
        for id in seen.keys() {
            assert!(all.insert(*id), "message {id} went to two clients");
        }
    }
    assert_eq!(all, ids);
}

#[tokio::test]
async fn consume_and_confirm_over_http_read_the_same_queue() {
    let (tmc, gateway) = mocks().await;
    let ids: Vec<i64> = (0..5)
        .map(|n| tmc.publish(Published::new("taobao_trade_TradeCreate", content("x", n))))
        .collect();
    let api = topsdk::Client::builder(KEY, SECRET)
        .gateway_url(gateway.url())
        .build()
        .unwrap();
    let v = api
        .execute_raw(
            "taobao.tmc.messages.consume",
            [("quantity".to_string(), "10".to_string())],
        )
        .await
        .unwrap();
    let got = v["messages"]["tmc_message"].as_array().unwrap();
    assert_eq!(got.len(), 5, "{v}");
    assert_eq!(got[0]["id"].as_i64(), Some(ids[0]), "exact 19-digit id");
    assert_eq!(got[0]["topic"], "taobao_trade_TradeCreate");
    let confirm: Vec<String> = ids[..3].iter().map(i64::to_string).collect();
    let v = api
        .execute_raw(
            "taobao.tmc.messages.confirm",
            [("s_message_ids".to_string(), confirm.join(","))],
        )
        .await
        .unwrap();
    assert_eq!(v["is_success"], true);
    assert!(ids[..3].iter().all(|id| tmc.is_confirmed(*id)));
    assert_eq!(tmc.unconfirmed("default"), 2);
    // The two left come back to a websocket client after the redelivery delay.
    let mut messages = client(&tmc, &gateway).connect().await.unwrap();
    let mut back = HashSet::new();
    while back.len() < 2 {
        let m = messages.next().await.unwrap().unwrap();
        assert!(m.redelivered);
        m.confirm().unwrap();
        back.insert(m.id);
    }
    assert_eq!(back, ids[3..].iter().copied().collect());
    messages.close().await;
}

#[tokio::test]
async fn publish_waits_for_the_ack_and_the_message_arrives() {
    let (tmc, gateway) = mocks().await;
    let mut messages = client(&tmc, &gateway).connect().await.unwrap();
    messages
        .handle()
        .publish("taobao_trade_TradeCreate", r#"{"tid":9007199254740993}"#)
        .await
        .unwrap();
    let m = messages.next().await.unwrap().unwrap();
    let Topic::TaobaoTradeTradeCreate(c) = m.typed::<Topic>().unwrap() else {
        panic!()
    };
    assert_eq!(c.tid, Some(9_007_199_254_740_993), "past 2^53, exact");
    m.confirm().unwrap();
    let err = messages.handle().publish("", "{}").await.unwrap_err();
    assert!(err.to_string().contains("missing topic"), "{err}");
    messages.close().await;
}

#[tokio::test]
async fn shutdown_confirms_what_finished_and_leaves_the_rest() {
    let (tmc, gateway) = mocks().await;
    for n in 0..200 {
        tmc.publish(Published::new("taobao_trade_TradeCreate", content("x", n)));
    }
    let seen: Seen = Arc::default();
    let messages = client(&tmc, &gateway).connect().await.unwrap();
    let stop = messages.handle();
    let run = tokio::spawn(messages.run(4, handler(seen.clone(), None, Duration::from_millis(20))));
    wait_for("some handled", || seen.lock().unwrap().len() >= 8).await;
    stop.shutdown();
    run.await.unwrap().unwrap();
    let handled = seen.lock().unwrap().len() as u64;
    // Every handler that started finished and was confirmed; nothing else was.
    wait_for("confirms of the finished", || {
        tmc.stats().confirmed == handled
    })
    .await;
    assert!(handled < 200);
    assert_eq!(tmc.unconfirmed("default") as u64, 200 - handled);
    assert!(tmc.stats().failed.is_empty());
}

#[tokio::test]
async fn dedup_confirms_a_duplicate_business_id_unhandled() {
    let (tmc, gateway) = mocks().await;
    // Same trade twice, while the first is being handled.
    let a = tmc.publish(Published::new("taobao_trade_TradeCreate", r#"{"tid":77}"#));
    let b = tmc.publish(Published::new(
        "taobao_trade_TradeBuyerPay",
        r#"{"tid":77}"#,
    ));
    let c = tmc.publish(Published::new("taobao_trade_TradeCreate", r#"{"tid":78}"#));
    let api = topsdk::Client::builder(KEY, SECRET)
        .gateway_url(gateway.url())
        .build()
        .unwrap();
    let mut messages = TmcBuilder::new(KEY, SECRET)
        .url(tmc.url())
        .unwrap()
        .gateway(api)
        .connect_token(ConnectToken::Api)
        .dedup(true)
        .build()
        .connect()
        .await
        .unwrap();
    let first = messages.next().await.unwrap().unwrap();
    let second = messages.next().await.unwrap().unwrap();
    assert_eq!((first.id, second.id), (a, c));
    wait_for("the duplicate confirmed", || tmc.is_confirmed(b)).await;
    assert!(!tmc.is_confirmed(a));
    first.confirm().unwrap();
    second.confirm().unwrap();
    wait_for("all confirmed", || tmc.stats().confirmed == 3).await;
    messages.close().await;
}

#[tokio::test]
async fn a_message_dropped_unconfirmed_comes_back() {
    let (tmc, gateway) = mocks().await;
    let id = tmc.publish(Published::new("taobao_trade_TradeCreate", r#"{"tid":1}"#));
    let mut messages = client(&tmc, &gateway).connect().await.unwrap();
    let m = messages.next().await.unwrap().unwrap();
    assert_eq!(m.id, id);
    drop(m); // neither confirmed nor failed
    messages.close().await;
    assert!(!tmc.is_confirmed(id));
    let mut again = client(&tmc, &gateway).connect().await.unwrap();
    let m = again.next().await.unwrap().unwrap();
    assert_eq!((m.id, m.redelivered), (id, true));
    m.confirm().unwrap();
    again.close().await;
    wait_for("confirm", || tmc.is_confirmed(id)).await;
}

#[test]
fn unknown_and_undecodable_contents() {
    let t = Topic::decode("nobody_knows_This", "not json at all").unwrap();
    let Topic::Unknown(raw) = &t else { panic!() };
    assert_eq!(serde_json::to_string(&t).unwrap(), r#""not json at all""#);
    assert!(raw.json().is_err());
    let err = Topic::decode("taobao_trade_TradeCreate", r#"{"tid":"abc"}"#).unwrap_err();
    assert_eq!(err.topic, "taobao_trade_TradeCreate");
    assert!(err.message.starts_with("tid:"), "{err}");
    let err = Topic::decode("taobao_trade_TradeCreate", r#"{"tid":1.5}"#).unwrap_err();
    assert!(err.message.contains("tid"), "{err}");
}
