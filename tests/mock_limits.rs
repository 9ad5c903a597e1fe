//! Both mocks under peers that misbehave: the gateway's journal stays bounded however many and
//! however large the requests; a peer that stalls in its headers, its body, the websocket
//! handshake, before CONNECT or after it is cut off; message ids go on across a restart.

use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use topsdk::Client;
use topsdk::mock::{MockGateway, MockTmc, Published};

const KEY: &str = "12345678";
const SECRET: &str = "helloworld";

async fn gateway() -> MockGateway {
    MockGateway::start(topsdk::kongur::APIS, KEY, SECRET)
        .await
        .unwrap()
}

/// Reads until the peer closes; what it sent, and how long that took. Fails after 5 s.
async fn until_closed(s: &mut TcpStream) -> (Vec<u8>, Duration) {
    let start = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (got, start.elapsed()),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Err(_) => panic!("the server kept a stalled connection open for 5 s"),
        }
    }
}

#[tokio::test]
async fn the_journal_keeps_the_last_requests_with_their_values_cut() {
    let mock = gateway().await;
    mock.set_journal_limits(50, 256);
    let client = Client::builder(KEY, SECRET)
        .gateway_url(mock.url())
        .build()
        .unwrap();
    let big = "x".repeat(100_000);
    for i in 0..120 {
        let params = vec![
            ("n".to_string(), i.to_string()),
            ("big".into(), big.clone()),
        ];
        client
            .execute_raw("alibaba.kongur.token.getosstoken", params)
            .await
            .unwrap();
    }
    let seen = mock.requests();
    assert_eq!(seen.len(), 50);
    assert_eq!(mock.request_count(), 120);
    let value = |r: &topsdk::mock::Recorded, k: &str| {
        r.query
            .iter()
            .chain(&r.body)
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(value(&seen[0], "n").as_deref(), Some("70"));
    assert_eq!(value(&seen[49], "n").as_deref(), Some("119"));
    let cut = value(&seen[49], "big").unwrap();
    assert!(cut.len() < 300, "{}", cut.len());
    assert!(cut.ends_with("…[cut 100000 bytes]"), "{cut}");
    // Bad signatures are journaled the same way, bounded the same way.
    let wrong = Client::builder(KEY, "wrong")
        .gateway_url(mock.url())
        .build()
        .unwrap();
    for _ in 0..60 {
        wrong
            .execute_raw("alibaba.kongur.token.getosstoken", Vec::new())
            .await
            .unwrap_err();
    }
    assert_eq!(mock.requests().len(), 50);
    assert_eq!(mock.request_count(), 180);
}

#[tokio::test]
async fn a_peer_stalling_in_its_headers_or_body_is_cut_off() {
    let mock = gateway().await;
    mock.set_read_timeout(Duration::from_millis(300));
    // Headers never finished.
    let mut s = TcpStream::connect(mock.addr()).await.unwrap();
    s.write_all(b"POST /router/rest HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .await
        .unwrap();
    let (_, took) = until_closed(&mut s).await;
    assert!(took < Duration::from_secs(3), "{took:?}");
    // Nothing sent at all.
    let mut s = TcpStream::connect(mock.addr()).await.unwrap();
    let (got, _) = until_closed(&mut s).await;
    assert!(got.is_empty() || String::from_utf8_lossy(&got).contains("408"));
    // A body shorter than declared: 408, then closed.
    let mut s = TcpStream::connect(mock.addr()).await.unwrap();
    s.write_all(
        b"POST /router/rest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nmethod=a",
    )
    .await
    .unwrap();
    let (got, _) = until_closed(&mut s).await;
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    // 200 stalled connections at once: all cut off, and the mock still answers.
    let mut stalled = Vec::new();
    for _ in 0..200 {
        let mut s = TcpStream::connect(mock.addr()).await.unwrap();
        s.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
        stalled.push(s);
    }
    for s in &mut stalled {
        until_closed(s).await;
    }
    let client = Client::builder(KEY, SECRET)
        .gateway_url(mock.url())
        .build()
        .unwrap();
    client
        .execute_raw("alibaba.kongur.token.getosstoken", Vec::new())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_tmc_peer_that_never_connects_or_goes_silent_is_cut_off() {
    let tmc = MockTmc::start(KEY, SECRET).await.unwrap();
    tmc.set_timeouts(Duration::from_millis(300), Duration::from_millis(600));
    // No websocket handshake.
    let mut s = TcpStream::connect(tmc.addr()).await.unwrap();
    let (_, took) = until_closed(&mut s).await;
    assert!(took < Duration::from_secs(3), "{took:?}");
    // A websocket, but no CONNECT.
    let (mut ws, _) = tokio_tungstenite::connect_async(tmc.url()).await.unwrap();
    let start = Instant::now();
    let end = tokio::time::timeout(Duration::from_secs(5), async {
        use futures_util::StreamExt;
        while let Some(Ok(_)) = ws.next().await {}
    })
    .await;
    assert!(end.is_ok(), "a websocket without CONNECT stayed open");
    assert!(start.elapsed() < Duration::from_secs(3));
    // A connected client that goes silent (its pings held off for an hour): the mock closes
    // it after the idle timeout, so the client connects again.
    let client = topsdk::tmc::TmcBuilder::new(KEY, SECRET)
        .url(tmc.url())
        .unwrap()
        .heartbeat_after(Duration::from_secs(3600))
        .build();
    let messages = client.connect().await.unwrap();
    let waited = Instant::now();
    while tmc.stats().connects < 2 && waited.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        tmc.stats().connects >= 2,
        "a silent client kept its session: {:?}",
        tmc.stats()
    );
    messages.close().await;
}

#[tokio::test]
async fn message_ids_go_on_across_a_restart() {
    let first = MockTmc::start(KEY, SECRET).await.unwrap();
    let a = first.publish(Published::new("taobao_trade_TradeCreate", "{}"));
    let b = first.publish(Published::new("taobao_trade_TradeCreate", "{}"));
    assert!(b > a);
    drop(first);
    let second = MockTmc::start(KEY, SECRET).await.unwrap();
    let c = second.publish(Published::new("taobao_trade_TradeCreate", "{}"));
    assert!(c > b, "{c} after {b}: ids restart with the mock");
    // 19 digits, as TMC's ids.
    assert_eq!(c.to_string().len(), 19);
}
