//! A client that behaves like the official Java TMC client, written here: it pings right after
//! the socket opens (its heartbeat timer starts "one period ago"), sends CONNECT, and hands
//! every websocket frame that is not a close frame (pongs included) to a top-link decoder that
//! fails on an empty one, as Java's does (`BufferUnderflowException` on the version byte). The
//! mock message server must send only top-link messages: its first connect succeeds and the
//! first message arrives in under 2 s, 20 times in a row.

use futures_util::{SinkExt, StreamExt};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio_tungstenite::tungstenite::Message;
use topsdk::mock::{MockTmc, Published};
use topsdk::tmc::{Frame, MessageType, Value, connect_sign};

const KEY: &str = "12345678";
const SECRET: &str = "helloworld";

/// Java's decoder: every non-close frame is a top-link message; an empty one cannot be read.
fn java_decode(m: Message) -> Result<Option<Frame>, String> {
    let bytes = match m {
        Message::Close(_) => return Ok(None),
        Message::Binary(b) => b.to_vec(),
        Message::Ping(b) | Message::Pong(b) => b.to_vec(),
        Message::Text(t) => t.as_bytes().to_vec(),
        Message::Frame(f) => f.into_payload().to_vec(),
    };
    if bytes.is_empty() {
        return Err("BufferUnderflowException: an empty frame reached the top-link decoder".into());
    }
    Frame::decode(&bytes)
        .map(Some)
        .map_err(|e| format!("top-link decode: {e}"))
}

#[tokio::test]
async fn an_official_like_client_connects_first_time_and_gets_its_message() {
    let mock = MockTmc::start(KEY, SECRET).await.unwrap();
    // A message handed to the previous run's closing session comes back soon.
    mock.set_redeliver_after(Duration::from_millis(100));
    for run in 0..20 {
        mock.publish(Published::new(
            "taobao_trade_TradeCreate",
            format!("{{\"tid\":{run}}}"),
        ));
        let started = Instant::now();
        let (mut ws, _) = tokio_tungstenite::connect_async(mock.url()).await.unwrap();
        // The heartbeat's first ping, racing the CONNECT.
        ws.send(Message::Ping(Vec::new().into())).await.unwrap();
        let ts = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis()
            .to_string();
        let mut connect = Frame::new(MessageType::Connect)
            .header("app_key", Value::String(KEY.into()))
            .header("group_name", Value::String("default".into()))
            .header("timestamp", Value::String(ts.clone()))
            .header(
                "sign",
                Value::String(connect_sign(SECRET, KEY, "default", &ts)),
            )
            .header("sdk", Value::String("top-sdk-java-20200706".into()))
            .header("intranet_ip", Value::String("127.0.0.1".into()))
            .header("token", Value::Void);
        connect.flag = 1;
        ws.send(Message::Binary(connect.encode().into()))
            .await
            .unwrap();
        let mut session = None::<String>;
        let got = tokio::time::timeout(Duration::from_secs(2), async {
            while let Some(m) = ws.next().await {
                let m = m.map_err(|e| e.to_string())?;
                let Some(f) = java_decode(m)? else {
                    return Err("closed".to_string());
                };
                match f.message_type {
                    MessageType::ConnectAck => {
                        assert_eq!(f.status_code, 0, "{f:?}");
                        session = Some(f.token.clone());
                    }
                    MessageType::Send if session.is_some() => return Ok(f),
                    _ => {}
                }
            }
            Err("the stream ended".to_string())
        })
        .await
        .unwrap_or_else(|_| panic!("run {run}: no message within 2 s"))
        .unwrap_or_else(|e| panic!("run {run}: {e}"));
        assert!(started.elapsed() < Duration::from_secs(2));
        let content = got.headers.iter().find(|(k, _)| k == "content");
        assert!(
            matches!(content, Some((_, Value::String(c))) if c == &format!("{{\"tid\":{run}}}")),
            "run {run}: {got:?}"
        );
        // Confirm it, so the next run gets the next message.
        let id = got
            .headers
            .iter()
            .find(|(k, _)| k == "id")
            .map(|(_, v)| v.clone())
            .unwrap();
        let mut confirm = Frame::new(MessageType::Send)
            // `__kind` 2: a confirm (tmc.md).
            .header("__kind", Value::Byte(2))
            .header("id", id);
        confirm.token = session.clone().unwrap_or_default();
        ws.send(Message::Binary(confirm.encode().into()))
            .await
            .unwrap();
        let _ = ws.close(None).await;
    }
}
