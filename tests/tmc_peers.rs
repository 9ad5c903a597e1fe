//! The TMC client against peers written here that misbehave: a message whose text is not
//! UTF-8 is delivered (read lossily, as the official Java client does) and confirmed, not
//! skipped; a server that acks CONNECT and hangs up gets an exponential back-off and one
//! warning per reconnect with its reason, not a reconnect a second in silence.

use futures_util::{SinkExt, StreamExt};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message as Ws;
use topsdk::tmc::TmcBuilder;

const KEY: &str = "12345678";
const SECRET: &str = "helloworld";
/// tmc.md §1.10.3: CONNECTACK ok, token 54e78da8-….
const CONNECTACK: &str = "020104000100000005002400000035346537386461382d643633362d343462622d623066652d3831396164323238343739330000";
/// §1.10.3: the data message, with the session token of that CONNECTACK.
const DATA: &str = "020205002400000035346537386461382d643633362d343462622d623066652d383139616432323834373933010005000000746f706963011700000074616f62616f5f74726164655f5472616465436c6f7365010006000000757365726964057f43f92a000000000100060000005f5f6b696e6402030100090000007075626c697368657201080000003132343937393134010007000000726574726965640201010007000000636f6e74656e7401860000007b2262757965725f6e69636b223a22627579657231222c227061796d656e74223a22313239392e3030222c226f6964223a3536383733363237303831393131362c22746964223a3536383733363237303831393131362c2274797065223a2267756172616e7465655f7472616465222c2273656c6c65725f6e69636b223a2273686f7031227d010002000000696405090099e4e0ac951d010007000000646174615f6964052c9f643b4305020001000400000074696d6506d90965c4440100000100040000006e69636b010500000073686f7031010006000000646174616964052c9f643b43050200010009000000626f726e5f74696d6505d90965c4440100000100070000006f757474696d6506b3bf98ce440100000000";
/// §1.10.2: CONFIRM id=2131800080537681929 on that token.
const CONFIRM: &str = "020205002400000035346537386461382d643633362d343462622d623066652d3831396164323238343739330100060000005f5f6b696e640202010002000000696405090099e4e0ac951d0000";

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[tokio::test]
async fn text_that_is_not_utf8_is_delivered_lossily_and_confirmed() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/", listener.local_addr().unwrap());
    // The `nick` header: "shop1" -> "shop\xff".
    let data = DATA.replace(
        "6e69636b010500000073686f7031",
        "6e69636b010500000073686f70ff",
    );
    assert_ne!(data, DATA);
    let server = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let mut ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
        let Some(Ok(Ws::Binary(_connect))) = ws.next().await else {
            panic!("no CONNECT")
        };
        ws.send(Ws::Binary(hex(CONNECTACK).into())).await.unwrap();
        ws.send(Ws::Binary(hex(&data).into())).await.unwrap();
        // The client's frames until the CONFIRM (a PULL comes first).
        loop {
            match ws.next().await {
                Some(Ok(Ws::Binary(f))) if f.to_vec() == hex(CONFIRM) => break,
                Some(Ok(_)) => continue,
                other => panic!("no CONFIRM: {other:?}"),
            }
        }
    });
    let client = TmcBuilder::new(KEY, SECRET).url(&url).unwrap().build();
    let mut messages = client.connect().await.unwrap();
    let msg = tokio::time::timeout(Duration::from_secs(5), messages.next())
        .await
        .expect("the message was not delivered")
        .unwrap()
        .unwrap();
    assert_eq!(msg.id, 2131800080537681929);
    assert_eq!(msg.user_nick.as_deref(), Some("shop\u{fffd}"));
    msg.confirm().unwrap();
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("the confirm did not arrive")
        .unwrap();
    messages.close().await;
}

/// What the client logged, as text.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_server_that_acks_and_hangs_up_gets_a_backoff_and_a_warning_each_time() {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::WARN)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

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
                if let Some(Ok(Ws::Binary(_))) = ws.next().await {
                    seen.fetch_add(1, Ordering::SeqCst);
                    let _ = ws.send(Ws::Binary(hex(CONNECTACK).into())).await;
                }
                // Hung up without a close frame.
                drop(ws);
            });
        }
    });
    let client = TmcBuilder::new(KEY, SECRET)
        .url(&url)
        .unwrap()
        .reconnect_backoff(Duration::from_millis(50), Duration::from_secs(5))
        .build();
    let messages = client.connect().await.unwrap();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let n = connects.load(Ordering::SeqCst);
    // Waits of 50, 100, 200, 400, 800 ms (+ up to half of each): at most 6 connects in
    // 2.5 s. Reset by each CONNECTACK, it was one every 50-75 ms: 30 or more.
    assert!((3..=7).contains(&n), "{n} connects in 2.5 s");
    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let warnings = text
        .lines()
        .filter(|l| l.contains("TMC connection lost; reconnecting"))
        .count();
    assert!(
        warnings + 1 >= n,
        "{n} connects, {warnings} warnings:\n{text}"
    );
    assert!(text.contains("reason="), "{text}");
    assert!(text.contains("reconnect_in_ms="), "{text}");
    drop(messages);
}

/// A server that floods 50,000 frames the client cannot read (then one good message) gets a
/// warning now and then with counts, not one line per frame; the good message still arrives.
#[tokio::test]
async fn a_flood_of_bad_frames_is_warned_of_with_counts_not_line_by_line() {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::WARN)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let mut ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
        let Some(Ok(Ws::Binary(_connect))) = ws.next().await else {
            panic!("no CONNECT")
        };
        ws.send(Ws::Binary(hex(CONNECTACK).into())).await.unwrap();
        for i in 0..50_000u32 {
            // Version 9 frames: unreadable.
            let mut bad = vec![9u8, 2];
            bad.extend_from_slice(&i.to_le_bytes());
            ws.feed(Ws::Binary(bad.into())).await.unwrap();
        }
        ws.send(Ws::Binary(hex(DATA).into())).await.unwrap();
        // Keep the connection until the client is done.
        while let Some(Ok(_)) = ws.next().await {}
    });
    let client = TmcBuilder::new(KEY, SECRET).url(&url).unwrap().build();
    let mut messages = client.connect().await.unwrap();
    let msg = tokio::time::timeout(Duration::from_secs(20), messages.next())
        .await
        .expect("the good message did not arrive")
        .unwrap()
        .unwrap();
    assert_eq!(msg.id, 2131800080537681929);
    msg.confirm().unwrap();
    messages.close().await;
    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let warnings: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("TMC frames skipped"))
        .collect();
    assert!(
        (1..=3).contains(&warnings.len()),
        "{} warnings:\n{}",
        warnings.len(),
        warnings.join("\n")
    );
    assert!(warnings[0].contains("skipped=1"), "{}", warnings[0]);
}
