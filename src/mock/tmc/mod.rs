//! A TMC message server on loopback (features `mock` + `tmc`): the websocket endpoint TOP's
//! message channel has, with TMC's queue semantics, for tests and the CLI's embedded default.
//!
//! It checks the CONNECT's md5 sign (a wrong one gets a CONNECTACK with status 401 and
//! `invalid sign`), hands out session tokens, pushes queued messages per group (several clients
//! of one group share its stream: each message goes to one of them, at most `window`
//! unconfirmed per client), records confirms and fails, and redelivers failed messages and
//! those of a connection that dropped after a delay. Messages come in through
//! [`MockTmc::publish`], the mock gateway's `taobao.tmc.message.produce` (see
//! [`super::MockGateway::attach_tmc`]), or a publish over the channel; the gateway's
//! `taobao.tmc.messages.consume`/`confirm` read the same queue.

mod broker;
mod ws;

use super::server::{self, Loopback};
use crate::Secret;
use crate::tmc::{Frame, MessageType, Value, kind};
use broker::{Broker, Owner, Stored, lock, now_ms};
pub use broker::{Published, TmcStats};
use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tokio::sync::Notify;

/// A running mock TMC server; stops when dropped.
pub struct MockTmc {
    server: Loopback,
    broker: Arc<Broker>,
}

impl std::fmt::Debug for MockTmc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockTmc")
            .field("addr", &self.server.addr())
            .finish_non_exhaustive()
    }
}

/// A handle on a mock's queue, for the mock gateway (`taobao.tmc.*` calls).
#[derive(Clone)]
pub struct TmcQueue(Arc<Broker>);

impl MockTmc {
    /// Starts on an ephemeral port of 127.0.0.1 for one app.
    pub async fn start(app_key: &str, app_secret: &str) -> std::io::Result<MockTmc> {
        Self::start_with(server::ephemeral(), app_key, app_secret).await
    }

    /// [`MockTmc::start`] on `addr`.
    pub async fn start_with(
        addr: SocketAddr,
        app_key: &str,
        app_secret: &str,
    ) -> std::io::Result<MockTmc> {
        let broker = Arc::new(Broker {
            app_key: app_key.to_string(),
            app_secret: Secret::new(app_secret.to_string()),
            redeliver_after: Mutex::new(Duration::from_secs(1)),
            window: Mutex::new(200),
            timeouts: Mutex::new((CONNECT_TIMEOUT, IDLE_TIMEOUT)),
            state: Mutex::default(),
            notify: Notify::new(),
        });
        let (b, stopped) = (broker.clone(), broker.clone());
        let server = Loopback::start(
            addr,
            move |stream| {
                let b = b.clone();
                async move {
                    let _ = stream.set_nodelay(true);
                    let (connect, _) = *lock(&b.timeouts);
                    // The handshake and the CONNECT within one deadline: a peer that opens
                    // connections and says nothing holds none of them for long.
                    let deadline = tokio::time::Instant::now() + connect;
                    let mut stream = stream;
                    let upgraded = tokio::time::timeout_at(deadline, ws::accept(&mut stream));
                    if let Ok(Ok(())) = upgraded.await {
                        serve(b, stream, deadline).await;
                    }
                }
            },
            // Stopping ends every session too.
            move || {
                for (_, k) in lock(&stopped.state).kill.drain() {
                    let _ = k.send(());
                }
            },
        )
        .await?;
        Ok(MockTmc { server, broker })
    }

    /// `ws://127.0.0.1:PORT/`
    pub fn url(&self) -> String {
        format!("ws://{}/", self.server.addr())
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// Queues a message; returns its id.
    pub fn publish(&self, msg: Published) -> i64 {
        self.broker.publish(msg)
    }

    /// The queue, for [`super::MockGateway::attach_tmc`].
    pub fn queue(&self) -> TmcQueue {
        TmcQueue(self.broker.clone())
    }

    /// Delay before a failed message, or one held by a connection that dropped, is sent
    /// again (default 1 s; TMC's own is minutes and unpublished).
    pub fn set_redeliver_after(&self, d: Duration) {
        *lock(&self.broker.redeliver_after) = d;
    }

    /// How long a client has for the websocket handshake and its CONNECT together (default
    /// 10 s), and how long a connected client may send nothing, not even a ping (default
    /// 180 s): then the connection is closed. Connections accepted later use them.
    pub fn set_timeouts(&self, connect: Duration, idle: Duration) {
        *lock(&self.broker.timeouts) = (connect, idle);
    }

    /// Unconfirmed messages one client may hold (default 200).
    pub fn set_window(&self, n: usize) {
        *lock(&self.broker.window) = n.max(1);
    }

    /// Drops every client connection at once (no close frame), as a network failure would.
    pub fn drop_connections(&self) {
        for (_, k) in lock(&self.broker.state).kill.drain() {
            let _ = k.send(());
        }
    }

    /// Connected clients of `group`.
    pub fn clients(&self, group: &str) -> usize {
        lock(&self.broker.state)
            .sessions
            .values()
            .filter(|(g, _)| g == group)
            .count()
    }

    /// Messages of `group` not yet confirmed (queued, held or waiting for redelivery).
    pub fn unconfirmed(&self, group: &str) -> usize {
        lock(&self.broker.state)
            .groups
            .get(group)
            .map_or(0, |g| g.ready.len() + g.in_flight.len() + g.delayed.len())
    }

    /// Whether `id` was confirmed.
    pub fn is_confirmed(&self, id: i64) -> bool {
        lock(&self.broker.state).confirmed.contains(&id)
    }

    pub fn stats(&self) -> TmcStats {
        lock(&self.broker.state).stats.clone()
    }
}

impl TmcQueue {
    /// `taobao.tmc.message.produce`: queues to `target_group` (default `default`).
    pub(crate) fn produce(&self, topic: &str, content: &str, group: Option<&str>) -> i64 {
        let mut p = Published::new(topic, content);
        p.group = group.map(str::to_string);
        self.0.publish(p)
    }

    /// `taobao.tmc.messages.consume`: up to `quantity` messages, redelivered unless
    /// confirmed within the redelivery delay.
    pub(crate) fn consume(&self, group: &str, quantity: usize) -> Vec<serde_json::Value> {
        let delay = *lock(&self.0.redeliver_after);
        self.0
            .take(group, Owner::Http(Instant::now() + delay), quantity)
            .into_iter()
            .map(|s| {
                serde_json::json!({
                    "id": s.id,
                    "topic": s.msg.topic,
                    "content": s.msg.content,
                    "pub_app_key": s.msg.publisher.clone().unwrap_or_else(|| self.0.app_key.clone()),
                    "pub_time": crate::DateTime::from_epoch_millis(s.time_ms).to_string(),
                    "user_id": s.msg.user_id,
                    "user_nick": s.msg.user_nick,
                })
            })
            .collect()
    }

    /// `taobao.tmc.messages.confirm`.
    pub(crate) fn confirm(&self, ids: impl IntoIterator<Item = i64>) {
        for id in ids {
            self.0.confirm(id);
        }
    }

    /// The response content of a `taobao.tmc.*` call this queue serves; None for other methods.
    pub(crate) fn answer(
        &self,
        method: &str,
        params: &std::collections::BTreeMap<String, String>,
    ) -> Option<serde_json::Value> {
        let p = |k: &str| params.get(k).map(String::as_str).filter(|v| !v.is_empty());
        Some(match method {
            "taobao.tmc.message.produce" => {
                let id = self.produce(
                    p("topic").unwrap_or_default(),
                    p("content").unwrap_or_default(),
                    p("target_group"),
                );
                serde_json::json!({"is_success": true, "total": 1, "msg_ids": [id.to_string()]})
            }
            "taobao.tmc.messages.consume" => {
                let quantity = p("quantity")
                    .and_then(|q| q.parse::<usize>().ok())
                    .unwrap_or(100)
                    .clamp(1, 200);
                let messages = self.consume(p("group_name").unwrap_or("default"), quantity);
                serde_json::json!({ "messages": messages })
            }
            "taobao.tmc.messages.confirm" => {
                let ids = p("s_message_ids").unwrap_or_default();
                self.confirm(ids.split(',').filter_map(|i| i.trim().parse().ok()));
                serde_json::json!({"is_success": true})
            }
            "taobao.tmc.auth.get" => serde_json::json!({ "result": self.issue_token() }),
            _ => return None,
        })
    }

    /// `taobao.tmc.auth.get`: a connect token the mock will accept.
    pub(crate) fn issue_token(&self) -> String {
        let t = uuid_like();
        lock(&self.0.state).tokens_issued.insert(t.clone());
        t
    }
}

fn uuid_like() -> String {
    let mut h = String::with_capacity(32);
    for _ in 0..32 {
        h.push(char::from_digit(fastrand::u32(0..16), 16).unwrap_or('0'));
    }
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

fn reply(message_type: MessageType, flag: i32, token: &str) -> Frame {
    let mut f = Frame::new(message_type).with_token(token);
    f.flag = flag;
    f
}

fn text(f: &Frame, k: &str) -> Option<String> {
    match f.get(k) {
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    }
}

/// Checks a CONNECT: the refusal status and phrase, or the group.
fn check_connect(b: &Broker, f: &Frame) -> Result<String, (i32, &'static str)> {
    let app_key = text(f, "app_key").unwrap_or_default();
    let group = text(f, "group_name").unwrap_or_default();
    let ts = text(f, "timestamp").unwrap_or_default();
    let sign = text(f, "sign").unwrap_or_default();
    if app_key != b.app_key {
        return Err((401, "invalid app_key"));
    }
    if group.is_empty() {
        return Err((400, "missing group_name"));
    }
    let expected = crate::tmc::connect_sign(b.app_secret.expose(), &app_key, &group, &ts);
    if !crate::sign::constant_time_eq(expected.as_bytes(), sign.as_bytes(), true) {
        return Err((401, "invalid sign"));
    }
    // A token is optional (UNCONFIRMED whether TMC requires one); one sent must be issued.
    if let Some(t) = text(f, "token")
        && !lock(&b.state).tokens_issued.contains(&t)
    {
        return Err((401, "invalid token"));
    }
    Ok(group)
}

fn data_frame(b: &Broker, token: &str, s: &Stored) -> Frame {
    let content = if s.msg.gzip {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let _ = gz.write_all(s.msg.content.as_bytes());
        Value::Bytes(gz.finish().unwrap_or_default())
    } else {
        Value::String(s.msg.content.clone())
    };
    let mut f = Frame::new(MessageType::Send)
        .with_token(token)
        .header("topic", Value::String(s.msg.topic.clone()))
        .header("__kind", Value::Byte(kind::DATA))
        .header(
            "publisher",
            Value::String(s.msg.publisher.clone().unwrap_or_else(|| b.app_key.clone())),
        )
        .header("content", content)
        .header("id", Value::Int64(s.id))
        .header("time", Value::Date(s.time_ms))
        .header("outtime", Value::Date(now_ms()));
    if let Some(u) = s.msg.user_id {
        f = f.header("userid", Value::Int64(u));
    }
    if let Some(n) = &s.msg.user_nick {
        f = f.header("nick", Value::String(n.clone()));
    }
    if let Some(d) = s.msg.data_id {
        f = f.header("dataid", Value::Int64(d));
    }
    if s.retried {
        f = f.header("retried", Value::Byte(1));
    }
    f
}

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const IDLE_TIMEOUT: Duration = Duration::from_secs(180);
/// SENDACKs waiting for the writer: a client that sends and never reads is slowed, not
/// buffered for.
const PENDING_REPLIES: usize = 64;

/// One client connection: CONNECT first, then pushes and the client's requests.
async fn serve(b: Arc<Broker>, stream: tokio::net::TcpStream, connect_by: tokio::time::Instant) {
    let (stream, mut sink) = stream.into_split();
    let mut stream = tokio::io::BufReader::new(stream);
    let (_, idle) = *lock(&b.timeouts);
    // One top-link message, framed, written and flushed.
    async fn send(sink: &mut tokio::net::tcp::OwnedWriteHalf, f: &Frame) -> std::io::Result<()> {
        let mut out = Vec::new();
        ws::binary(&mut out, &f.encode());
        sink.write_all(&out).await
    }
    // CONNECT (other frames before it are ignored, as TMC closes nothing for them), by the
    // deadline.
    let (session, group, token) = loop {
        let Ok(Ok(ws::Incoming::Binary(bytes))) =
            tokio::time::timeout_at(connect_by, ws::next(&mut stream)).await
        else {
            return;
        };
        let Ok(f) = Frame::decode(&bytes) else {
            continue;
        };
        if f.message_type != MessageType::Connect {
            continue;
        }
        match check_connect(&b, &f) {
            Ok(group) => {
                let token = uuid_like();
                let session = {
                    let mut st = lock(&b.state);
                    st.next_session += 1;
                    st.stats.connects += 1;
                    let id = st.next_session;
                    st.sessions.insert(id, (group.clone(), token.clone()));
                    id
                };
                let ack = reply(MessageType::ConnectAck, f.flag, &token);
                if send(&mut sink, &ack).await.is_err() {
                    b.session_gone(session);
                    return;
                }
                break (session, group, token);
            }
            Err((code, phrase)) => {
                lock(&b.state).stats.refused += 1;
                let mut ack = reply(MessageType::ConnectAck, f.flag, "");
                ack.status_code = code;
                ack.status_phrase = phrase.to_string();
                let _ = send(&mut sink, &ack).await;
                let _ = sink.write_all(&ws::CLOSE).await;
                let _ = sink.shutdown().await;
                return;
            }
        }
    };
    let (kill_tx, mut kill) = tokio::sync::oneshot::channel();
    lock(&b.state).kill.insert(session, kill_tx);
    // Replies from the reader to the writer (SENDACKs).
    let (reply_tx, mut reply_rx) = tokio::sync::mpsc::channel::<Frame>(PENDING_REPLIES);
    let reader = {
        let b = b.clone();
        let token = token.clone();
        let group = group.clone();
        async move {
            while let Ok(Ok(ws::Incoming::Binary(bytes))) =
                tokio::time::timeout(idle, ws::next(&mut stream)).await
            {
                let Ok(f) = Frame::decode(&bytes) else {
                    continue;
                };
                if f.message_type != MessageType::Send {
                    continue;
                }
                if f.token != token {
                    let mut r = reply(MessageType::SendAck, f.flag, &f.token);
                    r.status_code = 400;
                    r.status_phrase = "unknown token".into();
                    let _ = reply_tx.send(r).await;
                    continue;
                }
                let id = match f.get("id") {
                    Some(Value::Int64(v)) => Some(*v),
                    _ => None,
                };
                match f.get("__kind") {
                    Some(Value::Byte(kind::PULL_REQUEST)) => b.notify.notify_waiters(),
                    Some(Value::Byte(kind::CONFIRM)) => {
                        if let Some(id) = id {
                            b.confirm(id);
                        }
                    }
                    Some(Value::Byte(kind::FAILED)) => {
                        if let Some(id) = id {
                            b.fail(id, text(&f, "msg").unwrap_or_default());
                        }
                    }
                    Some(Value::Byte(kind::DATA)) => {
                        let topic = text(&f, "topic").unwrap_or_default();
                        let content = text(&f, "content").unwrap_or_default();
                        let mut r = reply(MessageType::SendAck, f.flag, &token);
                        if topic.is_empty() {
                            r.status_code = 400;
                            r.status_phrase = "missing topic".into();
                        } else {
                            b.publish(Published::new(topic, content).group(group.clone()));
                        }
                        if f.flag > 0 {
                            let _ = reply_tx.send(r).await;
                        }
                    }
                    _ => {}
                }
            }
        }
    };
    let writer = async {
        loop {
            let notified = b.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let batch = b.take(&group, Owner::Session(session), 256);
            if batch.is_empty() {
                tokio::select! {
                    _ = &mut notified => {}
                    // Redeliveries fall due without a notification.
                    _ = tokio::time::sleep(Duration::from_millis(50)) => {}
                    r = reply_rx.recv() => match r {
                        Some(r) => {
                            if send(&mut sink, &r).await.is_err() {
                                return;
                            }
                        }
                        None => return,
                    },
                }
                continue;
            }
            // The replies and the batch in one write, each its own websocket message.
            let mut out = Vec::new();
            while let Ok(r) = reply_rx.try_recv() {
                ws::binary(&mut out, &r.encode());
            }
            for s in &batch {
                ws::binary(&mut out, &data_frame(&b, &token, s).encode());
            }
            if sink.write_all(&out).await.is_err() {
                return;
            }
        }
    };
    tokio::select! {
        _ = reader => {}
        _ = writer => {}
        _ = &mut kill => {}
    }
    b.session_gone(session);
}
