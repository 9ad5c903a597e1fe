//! A dead message server is noticed without relying on our own pulls (which used to reset the
//! idle timer, so no ping went out and nothing waited for anything): servers written here
//! answer pings and then go silent, never answer, or trickle a frame a byte at a time; the
//! mock (which, like TOP's servers as far as anyone can tell, answers no ping) keeps its
//! connection.

use futures_util::{SinkExt, StreamExt};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tokio_tungstenite::tungstenite::Message as Ws;
use topsdk::mock::{MockTmc, Published};
use topsdk::tmc::{PongCheck, TmcBuilder};

const KEY: &str = "12345678";
const SECRET: &str = "helloworld";
/// tmc.md §1.10.3: CONNECTACK ok.
const CONNECTACK: &str = "020104000100000005002400000035346537386461382d643633362d343462622d623066652d3831396164323238343739330000";

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// What a server does with a connection once it has acked the CONNECT.
#[derive(Clone, Copy)]
enum After {
    /// Reads (so pings get their pongs) for a while, then neither reads nor writes.
    AnswerThenSilent,
    /// Neither reads nor writes.
    Silent,
    /// Starts a 100-byte binary frame and sends one byte of it every 100 ms.
    Trickle,
}

/// A server that acks every CONNECT and then behaves as told; counts connects.
async fn server(after: After) -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/", listener.local_addr().unwrap());
    let connects = Arc::new(AtomicUsize::new(0));
    let seen = connects.clone();
    tokio::spawn(async move {
        loop {
            let (tcp, _) = listener.accept().await.unwrap();
            let seen = seen.clone();
            tokio::spawn(async move {
                let Ok(mut ws) = tokio_tungstenite::accept_async(tcp).await else {
                    return;
                };
                let Some(Ok(Ws::Binary(_))) = ws.next().await else {
                    return;
                };
                seen.fetch_add(1, Ordering::SeqCst);
                ws.send(Ws::Binary(hex(CONNECTACK).into())).await.unwrap();
                match after {
                    After::AnswerThenSilent => {
                        let until = Instant::now() + Duration::from_millis(800);
                        while let Ok(Some(Ok(_))) =
                            tokio::time::timeout_at(until.into(), ws.next()).await
                        {
                        }
                    }
                    After::Silent => {}
                    After::Trickle => {
                        let tcp = ws.get_mut();
                        let _ = tcp.write_all(&[0x82, 100]).await;
                        for _ in 0..100 {
                            if tcp.write_all(&[0]).await.is_err() {
                                return;
                            }
                            tokio::time::sleep(Duration::from_millis(100)).await;
                        }
                    }
                }
                // Holds the socket open, saying nothing.
                tokio::time::sleep(Duration::from_secs(60)).await;
                drop(ws);
            });
        }
    });
    (url, connects)
}

fn builder(url: &str) -> TmcBuilder {
    TmcBuilder::new(KEY, SECRET)
        .url(url)
        .unwrap()
        .heartbeat_after(Duration::from_millis(200))
        .pong_timeout(Duration::from_millis(300))
        .reconnect_backoff(Duration::from_millis(50), Duration::from_millis(100))
}

/// Waits up to `limit` for a second connect.
async fn reconnected(connects: &AtomicUsize, limit: Duration) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if connects.load(Ordering::SeqCst) >= 2 {
            return Some(start.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    None
}

#[tokio::test]
async fn a_server_that_answered_pings_and_went_silent_is_dropped_and_reconnected() {
    let (url, connects) = server(After::AnswerThenSilent).await;
    // The default check: pongs are required once the server has given one.
    let messages = builder(&url).build().connect().await.unwrap();
    let took = reconnected(&connects, Duration::from_secs(5)).await;
    // Silent from 0.8 s; a ping within 0.2 s of the last frame, 0.3 s for its answer.
    assert!(
        took.is_some(),
        "still on the silent connection after 5 s ({} connects)",
        connects.load(Ordering::SeqCst)
    );
    messages.close().await;
}

#[tokio::test]
async fn a_silent_server_is_dropped_when_pongs_are_required_and_trusted_when_never_seen() {
    let (url, connects) = server(After::Silent).await;
    let messages = builder(&url)
        .pong_check(PongCheck::Required)
        .build()
        .connect()
        .await
        .unwrap();
    let took = reconnected(&connects, Duration::from_secs(3)).await;
    assert!(took.is_some(), "a silent server was not noticed in 3 s");
    messages.close().await;

    // The same server under the default: it never answered a ping, so (like TOP's servers)
    // it is not expected to: the connection stays.
    let (url, connects) = server(After::Silent).await;
    let messages = builder(&url).build().connect().await.unwrap();
    assert_eq!(
        reconnected(&connects, Duration::from_millis(1500)).await,
        None
    );
    messages.close().await;
}

#[tokio::test]
async fn a_frame_trickled_a_byte_at_a_time_hits_the_frame_timeout() {
    let (url, connects) = server(After::Trickle).await;
    // Pings off, so only the frame deadline can notice.
    let messages = builder(&url)
        .pong_check(PongCheck::Off)
        .frame_timeout(Duration::from_millis(700))
        .build()
        .connect()
        .await
        .unwrap();
    let took = reconnected(&connects, Duration::from_secs(5)).await;
    // 100 bytes at 10/s take 10 s: the frame deadline ends it in about 0.7 s.
    let took = took.expect("a trickling server was not noticed in 5 s");
    assert!(took < Duration::from_secs(4), "{took:?}");
    messages.close().await;
}

#[tokio::test]
async fn the_mock_that_answers_no_ping_keeps_its_connection_and_delivers() {
    let mock = MockTmc::start(KEY, SECRET).await.unwrap();
    let client = TmcBuilder::new(KEY, SECRET)
        .url(mock.url())
        .unwrap()
        .heartbeat_after(Duration::from_millis(100))
        .pong_timeout(Duration::from_millis(100))
        .build();
    let mut messages = client.connect().await.unwrap();
    // Twenty heartbeats go unanswered.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let id = mock.publish(Published::new("taobao_trade_TradeCreate", r#"{"tid":1}"#));
    let msg = tokio::time::timeout(Duration::from_secs(5), messages.next())
        .await
        .expect("no message")
        .unwrap()
        .unwrap();
    assert_eq!(msg.id, id);
    msg.confirm().unwrap();
    assert_eq!(mock.stats().connects, 1, "the connection was dropped");
    messages.close().await;
}
