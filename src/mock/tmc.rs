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

use crate::Secret;
use crate::tmc::{Frame, MessageType, Value, kind};
use futures_util::{SinkExt, StreamExt};
use std::collections::{HashMap, HashSet, VecDeque};
use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// A message to queue.
#[derive(Clone, Debug)]
pub struct Published {
    pub topic: String,
    pub content: String,
    /// Default: `default`.
    pub group: Option<String>,
    pub user_id: Option<i64>,
    pub user_nick: Option<String>,
    /// Default: the mock's app key.
    pub publisher: Option<String>,
    /// Send the content gzip-compressed (format 7), as TMC does for large contents.
    pub gzip: bool,
    pub data_id: Option<i64>,
}

impl Published {
    pub fn new(topic: impl Into<String>, content: impl Into<String>) -> Published {
        Published {
            topic: topic.into(),
            content: content.into(),
            group: None,
            user_id: None,
            user_nick: None,
            publisher: None,
            gzip: false,
            data_id: None,
        }
    }

    pub fn group(mut self, g: impl Into<String>) -> Published {
        self.group = Some(g.into());
        self
    }

    pub fn user(mut self, id: i64, nick: impl Into<String>) -> Published {
        self.user_id = Some(id);
        self.user_nick = Some(nick.into());
        self
    }

    pub fn gzip(mut self, on: bool) -> Published {
        self.gzip = on;
        self
    }

    pub fn data_id(mut self, id: i64) -> Published {
        self.data_id = Some(id);
        self
    }
}

#[derive(Clone, Debug)]
struct Stored {
    id: i64,
    msg: Arc<Published>,
    time_ms: i64,
    retried: bool,
}

/// Who holds a message handed out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Owner {
    Session(u64),
    /// Consumed over HTTP: redelivered after the deadline unless confirmed.
    Http(Instant),
}

#[derive(Default)]
struct Group {
    ready: VecDeque<Stored>,
    in_flight: HashMap<i64, (Owner, Stored)>,
    delayed: Vec<(Instant, Stored)>,
}

/// What the mock saw, for assertions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TmcStats {
    pub published: u64,
    /// Data frames pushed (redeliveries included).
    pub pushed: u64,
    /// Distinct ids confirmed.
    pub confirmed: u64,
    /// Confirms of an id already confirmed.
    pub duplicate_confirms: u64,
    /// Fails received: `(id, reason)`.
    pub failed: Vec<(i64, String)>,
    /// Connects refused (bad sign, app key or token).
    pub refused: u64,
    pub connects: u64,
}

struct Broker {
    app_key: String,
    app_secret: Secret<String>,
    redeliver_after: Mutex<Duration>,
    window: Mutex<usize>,
    state: Mutex<BrokerState>,
    notify: Notify,
}

#[derive(Default)]
struct BrokerState {
    next_id: i64,
    next_session: u64,
    groups: HashMap<String, Group>,
    /// session id -> (group, token)
    sessions: HashMap<u64, (String, String)>,
    tokens_issued: HashSet<String>,
    confirmed: HashSet<i64>,
    stats: TmcStats,
    kill: Vec<tokio::sync::oneshot::Sender<()>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

impl Broker {
    fn publish(&self, msg: Published) -> i64 {
        let group = msg.group.clone().unwrap_or_else(|| "default".into());
        let id = {
            let mut st = lock(&self.state);
            // Ids of TMC's size (19 digits, past 2^53), so clients that go through f64 fail.
            st.next_id += 1;
            let id = 2_131_800_080_537_681_920 + st.next_id;
            st.stats.published += 1;
            st.groups.entry(group).or_default().ready.push_back(Stored {
                id,
                msg: Arc::new(msg),
                time_ms: now_ms(),
                retried: false,
            });
            id
        };
        self.notify.notify_waiters();
        id
    }

    /// Moves due redeliveries (and expired HTTP consumes) back to the ready queues.
    fn promote(st: &mut BrokerState, now: Instant) -> bool {
        let mut moved = false;
        for g in st.groups.values_mut() {
            let expired: Vec<i64> = g
                .in_flight
                .iter()
                .filter(|(_, (o, _))| matches!(o, Owner::Http(d) if *d <= now))
                .map(|(id, _)| *id)
                .collect();
            for id in expired {
                if let Some((_, mut s)) = g.in_flight.remove(&id) {
                    s.retried = true;
                    g.ready.push_back(s);
                    moved = true;
                }
            }
            let (due, later): (Vec<_>, Vec<_>) = g.delayed.drain(..).partition(|(t, _)| *t <= now);
            g.delayed = later;
            for (_, s) in due {
                g.ready.push_back(s);
                moved = true;
            }
        }
        moved
    }

    fn confirm(&self, id: i64) {
        let mut guard = lock(&self.state);
        let st = &mut *guard;
        for g in st.groups.values_mut() {
            if g.in_flight.remove(&id).is_none() {
                g.ready.retain(|s| s.id != id);
                g.delayed.retain(|(_, s)| s.id != id);
            }
        }
        if st.confirmed.insert(id) {
            st.stats.confirmed += 1;
        } else {
            st.stats.duplicate_confirms += 1;
        }
        drop(guard);
        self.notify.notify_waiters();
    }

    fn fail(&self, id: i64, reason: String) {
        let delay = *lock(&self.redeliver_after);
        let mut st = lock(&self.state);
        st.stats.failed.push((id, reason));
        if st.confirmed.contains(&id) {
            return;
        }
        for g in st.groups.values_mut() {
            if let Some((_, mut s)) = g.in_flight.remove(&id) {
                s.retried = true;
                g.delayed.push((Instant::now() + delay, s));
            }
        }
        drop(st);
        self.notify.notify_waiters();
    }

    /// A session ended: what it held comes back after the redelivery delay.
    fn session_gone(&self, session: u64) {
        let delay = *lock(&self.redeliver_after);
        let mut st = lock(&self.state);
        st.sessions.remove(&session);
        for g in st.groups.values_mut() {
            let held: Vec<i64> = g
                .in_flight
                .iter()
                .filter(|(_, (o, _))| *o == Owner::Session(session))
                .map(|(id, _)| *id)
                .collect();
            for id in held {
                if let Some((_, mut s)) = g.in_flight.remove(&id) {
                    s.retried = true;
                    g.delayed.push((Instant::now() + delay, s));
                }
            }
        }
    }

    /// Up to `max` messages for `session` of `group`, marked as held by it.
    fn take(&self, group: &str, owner: Owner, max: usize) -> Vec<Stored> {
        let window = *lock(&self.window);
        let mut st = lock(&self.state);
        Self::promote(&mut st, Instant::now());
        let Some(g) = st.groups.get_mut(group) else {
            return Vec::new();
        };
        let held = match owner {
            Owner::Session(_) => g.in_flight.values().filter(|(o, _)| *o == owner).count(),
            Owner::Http(_) => 0,
        };
        let room = window.saturating_sub(held).min(max);
        let mut out = Vec::with_capacity(room.min(g.ready.len()));
        while out.len() < room {
            let Some(s) = g.ready.pop_front() else { break };
            g.in_flight.insert(s.id, (owner, s.clone()));
            out.push(s);
        }
        st.stats.pushed += out.len() as u64;
        out
    }
}

/// A running mock TMC server; stops when dropped.
pub struct MockTmc {
    addr: SocketAddr,
    broker: Arc<Broker>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl std::fmt::Debug for MockTmc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockTmc")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// A handle on a mock's queue, for the mock gateway (`taobao.tmc.*` calls).
#[derive(Clone)]
pub struct TmcQueue(Arc<Broker>);

impl MockTmc {
    /// Starts on an ephemeral port of 127.0.0.1 for one app.
    pub async fn start(app_key: &str, app_secret: &str) -> std::io::Result<MockTmc> {
        Self::start_with(
            "127.0.0.1:0".parse().map_err(std::io::Error::other)?,
            app_key,
            app_secret,
        )
        .await
    }

    /// [`MockTmc::start`] on `addr`.
    pub async fn start_with(
        addr: SocketAddr,
        app_key: &str,
        app_secret: &str,
    ) -> std::io::Result<MockTmc> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let broker = Arc::new(Broker {
            app_key: app_key.to_string(),
            app_secret: Secret::new(app_secret.to_string()),
            redeliver_after: Mutex::new(Duration::from_secs(1)),
            window: Mutex::new(200),
            state: Mutex::default(),
            notify: Notify::new(),
        });
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        let b = broker.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = &mut stopped => break,
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        let _ = stream.set_nodelay(true);
                        let b = b.clone();
                        tokio::spawn(async move {
                            if let Ok(ws) = tokio_tungstenite::accept_async(stream).await {
                                serve(b, ws).await;
                            }
                        });
                    }
                }
            }
            // Stopping ends every session too.
            for k in lock(&b.state).kill.drain(..) {
                let _ = k.send(());
            }
        });
        Ok(MockTmc {
            addr,
            broker,
            stop: Some(stop),
        })
    }

    /// `ws://127.0.0.1:PORT/`
    pub fn url(&self) -> String {
        format!("ws://{}/", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
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

    /// Unconfirmed messages one client may hold (default 200).
    pub fn set_window(&self, n: usize) {
        *lock(&self.broker.window) = n.max(1);
    }

    /// Drops every client connection at once (no close frame), as a network failure would.
    pub fn drop_connections(&self) {
        for k in lock(&self.broker.state).kill.drain(..) {
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

impl Drop for MockTmc {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
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
                    "pub_time": crate::tmc::millis_gmt8(s.time_ms).to_string(),
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
    if !sign.eq_ignore_ascii_case(&expected) {
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

type WsStream = tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>;

/// One client connection: CONNECT first, then pushes and the client's requests.
async fn serve(b: Arc<Broker>, ws: WsStream) {
    let (mut sink, mut stream) = ws.split();
    // CONNECT (other frames before it are ignored, as TMC closes nothing for them).
    let (session, group, token) = loop {
        let Some(Ok(m)) = stream.next().await else {
            return;
        };
        let WsMessage::Binary(bytes) = m else {
            continue;
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
                if sink
                    .send(WsMessage::Binary(ack.encode().into()))
                    .await
                    .is_err()
                {
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
                let _ = sink.send(WsMessage::Binary(ack.encode().into())).await;
                let _ = sink.close().await;
                return;
            }
        }
    };
    let (kill_tx, mut kill) = tokio::sync::oneshot::channel();
    lock(&b.state).kill.push(kill_tx);
    // Replies from the reader to the writer (SENDACKs).
    let (reply_tx, mut reply_rx) = tokio::sync::mpsc::unbounded_channel::<Frame>();
    let reader = {
        let b = b.clone();
        let token = token.clone();
        let group = group.clone();
        async move {
            while let Some(Ok(m)) = stream.next().await {
                let bytes = match m {
                    WsMessage::Binary(bytes) => bytes,
                    WsMessage::Close(_) => break,
                    _ => continue,
                };
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
                    let _ = reply_tx.send(r);
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
                            let _ = reply_tx.send(r);
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
                            if sink.send(WsMessage::Binary(r.encode().into())).await.is_err() {
                                return;
                            }
                        }
                        None => return,
                    },
                }
                continue;
            }
            while let Ok(r) = reply_rx.try_recv() {
                if sink
                    .feed(WsMessage::Binary(r.encode().into()))
                    .await
                    .is_err()
                {
                    return;
                }
            }
            for s in &batch {
                let f = data_frame(&b, &token, s);
                if sink
                    .feed(WsMessage::Binary(f.encode().into()))
                    .await
                    .is_err()
                {
                    return;
                }
            }
            if sink.flush().await.is_err() {
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
