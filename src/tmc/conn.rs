//! The connection task behind a [`Messages`](super::Messages) stream: connect (CONNECT with
//! the md5 sign, CONNECTACK), read data messages into the bounded stream, write confirms,
//! fails, pulls, pings and publishes, reconnect after a drop.

use super::client::{Command, Config, ConnectToken, TmcError};
use super::message::{Ack, Message};
use super::{Frame, MessageType, Value, kind};
use futures_util::{SinkExt, StreamExt};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;
type Item = Result<Message, TmcError>;

/// Ids of recently confirmed messages kept to recognise a redelivery that crossed the confirm.
const RECENT_IDS: usize = 65_536;
/// Commands written per flush when many are waiting.
const WRITE_BATCH: usize = 512;

/// Confirmed ids, oldest forgotten first.
#[derive(Default)]
struct Recent {
    set: HashSet<i64>,
    order: VecDeque<i64>,
}

impl Recent {
    fn insert(&mut self, id: i64) {
        if self.set.insert(id) {
            self.order.push_back(id);
            if self.order.len() > RECENT_IDS
                && let Some(old) = self.order.pop_front()
            {
                self.set.remove(&old);
            }
        }
    }
}

pub(crate) struct Connection {
    cfg: Arc<Config>,
    /// None once shutting down: the stream ends.
    tx: Option<mpsc::Sender<Item>>,
    cmd_tx: mpsc::UnboundedSender<Command>,
    cmd_rx: mpsc::UnboundedReceiver<Command>,
    /// Handed out, not yet confirmed, failed or dropped: id -> business key (dedup).
    in_flight: HashMap<i64, Option<String>>,
    keys: HashSet<String>,
    recent: Recent,
    /// Confirms and fails to send once connected again.
    outbox: Vec<Frame>,
    publishes: HashMap<i32, oneshot::Sender<Result<(), TmcError>>>,
    next_flag: i32,
    closing: bool,
    shutdown_deadline: Option<Instant>,
}

/// Why a session ended.
enum End {
    Shutdown,
    Lost(String),
}

impl Connection {
    pub(crate) fn new(
        cfg: Arc<Config>,
        tx: mpsc::Sender<Item>,
        cmd_tx: mpsc::UnboundedSender<Command>,
        cmd_rx: mpsc::UnboundedReceiver<Command>,
    ) -> Connection {
        Connection {
            cfg,
            tx: Some(tx),
            cmd_tx,
            cmd_rx,
            in_flight: HashMap::new(),
            keys: HashSet::new(),
            recent: Recent::default(),
            outbox: Vec::new(),
            publishes: HashMap::new(),
            next_flag: 0,
            closing: false,
            shutdown_deadline: None,
        }
    }

    fn flag(&mut self) -> i32 {
        self.next_flag = self.next_flag.checked_add(1).unwrap_or(1);
        self.next_flag
    }

    pub(crate) async fn run(mut self, first: oneshot::Sender<Result<(), TmcError>>) {
        let mut first = Some(first);
        let mut failures: u32 = 0;
        loop {
            if self.done_closing() {
                break;
            }
            let span = tracing::info_span!("tmc_connect", group = %self.cfg.group, failures);
            let attempt = tokio::time::timeout(
                self.cfg.connect_timeout * 2 + Duration::from_secs(1),
                self.connect(),
            );
            let outcome = tracing::Instrument::instrument(attempt, span)
                .await
                .unwrap_or_else(|_| Err(TmcError::Connect("timed out".into())));
            match outcome {
                Ok((ws, token)) => {
                    failures = 0;
                    if let Some(f) = first.take() {
                        let _ = f.send(Ok(()));
                    }
                    let span = tracing::info_span!("tmc_session", group = %self.cfg.group);
                    match tracing::Instrument::instrument(self.session(ws, token), span).await {
                        End::Shutdown => break,
                        End::Lost(why) => tracing::warn!(reason = %why, "TMC connection lost"),
                    }
                }
                Err(e) => {
                    if let Some(f) = first.take() {
                        let _ = f.send(Err(e));
                        return;
                    }
                    failures += 1;
                    let give_up = matches!(e, TmcError::Refused { .. } | TmcError::Token(_))
                        || self.cfg.max_reconnects.is_some_and(|m| failures > m);
                    if give_up {
                        tracing::error!(error = %e, "TMC reconnect abandoned");
                        if let Some(tx) = &self.tx {
                            let _ = tx.send(Err(e)).await;
                        }
                        break;
                    }
                    tracing::warn!(error = %e, failures, "TMC reconnect failed");
                }
            }
            if self.offline_wait(self.backoff(failures)).await {
                break;
            }
        }
        // Waiters on a publish learn the connection is gone (their senders drop here).
        self.publishes.clear();
    }

    fn done_closing(&self) -> bool {
        self.closing
            && (self.in_flight.is_empty()
                || self.shutdown_deadline.is_some_and(|d| Instant::now() >= d))
    }

    fn backoff(&self, failures: u32) -> Duration {
        let base = self
            .cfg
            .backoff_min
            .saturating_mul(1u32 << failures.saturating_sub(1).min(16))
            .min(self.cfg.backoff_max);
        base + base.mul_f64(fastrand::f64() * 0.5)
    }

    /// Waits while disconnected, still taking commands; true when shut down meanwhile.
    async fn offline_wait(&mut self, wait: Duration) -> bool {
        let until = tokio::time::Instant::now() + wait;
        loop {
            if self.done_closing() {
                return true;
            }
            tokio::select! {
                _ = tokio::time::sleep_until(until) => return false,
                cmd = self.cmd_rx.recv() => match cmd {
                    Some(cmd) => {
                        if let Some(frame) = self.command(cmd, "") {
                            self.outbox.push(frame);
                        }
                    }
                    None => return true,
                },
            }
        }
    }

    async fn token(&self) -> Result<Option<String>, TmcError> {
        let fetch = match self.cfg.token {
            ConnectToken::Omit => false,
            ConnectToken::Api => true,
            ConnectToken::Auto => self.cfg.url.contains("mc.api.taobao.com"),
        };
        if !fetch {
            return Ok(None);
        }
        let gateway = match &self.cfg.gateway {
            Some(g) => g.clone(),
            None => crate::Client::builder(&self.cfg.app_key, self.cfg.app_secret.expose())
                .build()
                .map_err(TmcError::Token)?,
        };
        let v = gateway
            .with_idempotent(true)
            .execute_raw(
                "taobao.tmc.auth.get",
                [("group".to_string(), self.cfg.group.clone())],
            )
            .await
            .map_err(TmcError::Token)?;
        match v.get("result").and_then(|r| r.as_str()) {
            Some(t) if !t.is_empty() => Ok(Some(t.to_string())),
            _ => Err(TmcError::Token(crate::Error::Decode {
                path: "result".into(),
                message: "taobao.tmc.auth.get answered without a token".into(),
                excerpt: String::new(),
            })),
        }
    }

    /// Opens the websocket and exchanges CONNECT/CONNECTACK.
    async fn connect(&mut self) -> Result<(Ws, String), TmcError> {
        let token = self.token().await?;
        let (mut ws, _) = tokio::time::timeout(
            self.cfg.connect_timeout,
            tokio_tungstenite::connect_async(self.cfg.url.as_str()),
        )
        .await
        .map_err(|_| TmcError::Connect(format!("{}: websocket handshake timed out", self.cfg.url)))?
        .map_err(|e| TmcError::Connect(format!("{}: {e}", self.cfg.url)))?;
        let ip = local_ip(&ws);
        let timestamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default()
            .to_string();
        let sign = super::connect_sign(
            self.cfg.app_secret.expose(),
            &self.cfg.app_key,
            &self.cfg.group,
            &timestamp,
        );
        let flag = self.flag();
        let mut connect = Frame::new(MessageType::Connect)
            .header("app_key", Value::String(self.cfg.app_key.clone()))
            .header("group_name", Value::String(self.cfg.group.clone()))
            .header("timestamp", Value::String(timestamp))
            .header("sign", Value::String(sign))
            .header("sdk", Value::String(self.cfg.sdk.clone()))
            .header("intranet_ip", Value::String(ip))
            .header("token", token.map_or(Value::Void, Value::String));
        connect.flag = flag;
        ws.send(WsMessage::Binary(connect.encode().into()))
            .await
            .map_err(|e| TmcError::Connect(format!("sending CONNECT: {e}")))?;
        let ack = tokio::time::timeout(self.cfg.connect_timeout, async {
            while let Some(m) = ws.next().await {
                match m {
                    Ok(WsMessage::Binary(b)) => {
                        let f = Frame::decode(&b)
                            .map_err(|e| TmcError::Connect(format!("CONNECTACK: {e}")))?;
                        if f.message_type == MessageType::ConnectAck {
                            return Ok(f);
                        }
                    }
                    Ok(WsMessage::Close(c)) => {
                        return Err(TmcError::Connect(format!(
                            "closed before CONNECTACK{}",
                            c.map(|c| format!(": {} {}", c.code, c.reason))
                                .unwrap_or_default()
                        )));
                    }
                    Ok(_) => {}
                    Err(e) => return Err(TmcError::Connect(format!("before CONNECTACK: {e}"))),
                }
            }
            Err(TmcError::Connect("closed before CONNECTACK".into()))
        })
        .await
        .map_err(|_| TmcError::Connect("no CONNECTACK in time".into()))??;
        if ack.status_code > 0 || !ack.status_phrase.is_empty() {
            let _ = ws.close(None).await;
            return Err(TmcError::Refused {
                code: ack.status_code,
                phrase: ack.status_phrase,
            });
        }
        if ack.token.is_empty() {
            return Err(TmcError::Connect("CONNECTACK without a token".into()));
        }
        tracing::info!(url = %self.cfg.url, "TMC connected");
        Ok((ws, ack.token))
    }

    /// One connected session, until it drops or the client shuts down.
    async fn session(&mut self, ws: Ws, token: String) -> End {
        let (mut sink, mut stream) = ws.split();
        let mut pending: Option<Item> = None;
        let mut last_sent = Instant::now();
        let mut first = std::mem::take(&mut self.outbox);
        for f in &mut first {
            f.token = token.clone();
        }
        first.push(pull(&token));
        for f in first {
            if let Err(e) = sink.feed(WsMessage::Binary(f.encode().into())).await {
                return End::Lost(e.to_string());
            }
        }
        if let Err(e) = sink.flush().await {
            return End::Lost(e.to_string());
        }
        let mut pull_timer = tokio::time::interval_at(
            tokio::time::Instant::now() + self.cfg.pull_every,
            self.cfg.pull_every,
        );
        loop {
            if self.done_closing() {
                let _ = sink
                    .send(WsMessage::Close(Some(
                        tokio_tungstenite::tungstenite::protocol::CloseFrame {
                            code: tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode::Normal,
                            reason: "tmc client closed".into(),
                        },
                    )))
                    .await;
                return End::Shutdown;
            }
            let deadline = self
                .shutdown_deadline
                .map(tokio::time::Instant::from_std)
                .unwrap_or_else(|| tokio::time::Instant::now() + Duration::from_secs(3600));
            let idle = tokio::time::Instant::from_std(last_sent + self.cfg.heartbeat_after);
            let tx = self.tx.clone();
            tokio::select! {
                biased;
                cmd = self.cmd_rx.recv() => {
                    let Some(cmd) = cmd else { return End::Shutdown };
                    let mut frames = Vec::new();
                    frames.extend(self.command(cmd, &token));
                    while frames.len() < WRITE_BATCH {
                        match self.cmd_rx.try_recv() {
                            Ok(cmd) => frames.extend(self.command(cmd, &token)),
                            Err(_) => break,
                        }
                    }
                    if !frames.is_empty() {
                        for f in &frames {
                            if let Err(e) = sink.feed(WsMessage::Binary(f.encode().into())).await {
                                self.requeue(frames);
                                return End::Lost(e.to_string());
                            }
                        }
                        if let Err(e) = sink.flush().await {
                            self.requeue(frames);
                            return End::Lost(e.to_string());
                        }
                        last_sent = Instant::now();
                    }
                }
                permit = reserve(&tx), if pending.is_some() => {
                    match (permit, pending.take()) {
                        (Some(p), Some(item)) => p.send(item),
                        // The stream is gone: release what was read.
                        (None, Some(Ok(msg))) => drop(msg),
                        _ => {}
                    }
                }
                inbound = stream.next(), if pending.is_none() && !self.closing => {
                    match inbound {
                        Some(Ok(WsMessage::Binary(b))) => {
                            match self.inbound(&b, &token) {
                                Inbound::Deliver(item) => pending = Some(item),
                                Inbound::Reply(frames) => {
                                    for f in frames {
                                        let _ = sink.feed(WsMessage::Binary(f.encode().into())).await;
                                    }
                                    if let Err(e) = sink.flush().await {
                                        return End::Lost(e.to_string());
                                    }
                                }
                                Inbound::Nothing => {}
                            }
                        }
                        Some(Ok(WsMessage::Ping(_))) => {
                            // tungstenite queued the pong; it leaves with the next flush.
                            if let Err(e) = sink.flush().await {
                                return End::Lost(e.to_string());
                            }
                        }
                        Some(Ok(WsMessage::Close(c))) => {
                            return End::Lost(format!(
                                "closed by TMC{}",
                                c.map(|c| format!(": {} {}", c.code, c.reason)).unwrap_or_default()
                            ));
                        }
                        Some(Ok(_)) => {}
                        Some(Err(e)) => return End::Lost(e.to_string()),
                        None => return End::Lost("connection closed".into()),
                    }
                }
                _ = pull_timer.tick(), if !self.closing => {
                    if let Err(e) = sink.send(WsMessage::Binary(pull(&token).encode().into())).await {
                        return End::Lost(e.to_string());
                    }
                    last_sent = Instant::now();
                }
                _ = tokio::time::sleep_until(idle) => {
                    if let Err(e) = sink.send(WsMessage::Ping(Default::default())).await {
                        return End::Lost(e.to_string());
                    }
                    last_sent = Instant::now();
                }
                _ = tokio::time::sleep_until(deadline), if self.closing => {}
            }
        }
    }

    /// Confirms and fails not written because the connection dropped go out after reconnect.
    fn requeue(&mut self, frames: Vec<Frame>) {
        self.outbox.extend(
            frames
                .into_iter()
                .filter(|f| matches!(f.get("__kind"), Some(Value::Byte(k)) if *k == kind::CONFIRM || *k == kind::FAILED)),
        );
    }

    /// Bookkeeping of one command; the frame to send, if any.
    fn command(&mut self, cmd: Command, token: &str) -> Option<Frame> {
        match cmd {
            Command::Confirm(id) => {
                self.settle(id);
                self.recent.insert(id);
                Some(confirm(token, id))
            }
            Command::Fail(id, reason) => {
                self.settle(id);
                Some(
                    Frame::new(MessageType::Send)
                        .with_token(token)
                        .header("__kind", Value::Byte(kind::FAILED))
                        .header("id", Value::Int64(id))
                        .header("msg", Value::String(reason)),
                )
            }
            Command::Release(id) => {
                self.settle(id);
                None
            }
            Command::Publish {
                topic,
                content,
                session,
                reply,
            } => {
                if token.is_empty() {
                    let _ = reply.send(Err(TmcError::Closed("not connected".into())));
                    return None;
                }
                let flag = self.flag();
                let mut f = Frame::new(MessageType::Send)
                    .with_token(token)
                    .header("__kind", Value::Byte(kind::DATA))
                    .header("topic", Value::String(topic))
                    .header("content", Value::String(content));
                if let Some(s) = session {
                    f = f.header("session", Value::String(s));
                }
                f.flag = flag;
                let timeout = self.cfg.publish_timeout;
                let (inner_tx, inner_rx) = oneshot::channel();
                self.publishes.insert(flag, inner_tx);
                tokio::spawn(async move {
                    let r = match tokio::time::timeout(timeout, inner_rx).await {
                        Ok(Ok(r)) => r,
                        Ok(Err(_)) => Err(TmcError::Closed("the connection dropped".into())),
                        Err(_) => Err(TmcError::Publish(format!(
                            "no SENDACK within {} ms",
                            timeout.as_millis()
                        ))),
                    };
                    let _ = reply.send(r);
                });
                Some(f)
            }
            Command::Shutdown => {
                self.closing = true;
                self.tx = None;
                self.shutdown_deadline
                    .get_or_insert_with(|| Instant::now() + self.cfg.shutdown_timeout);
                None
            }
        }
    }

    fn settle(&mut self, id: i64) {
        if let Some(Some(key)) = self.in_flight.remove(&id) {
            self.keys.remove(&key);
        }
    }

    /// One inbound binary frame.
    fn inbound(&mut self, bytes: &[u8], token: &str) -> Inbound {
        let frame = match Frame::decode(bytes) {
            Ok(f) => f,
            Err(e) => {
                tracing::warn!(error = %e, "TMC frame skipped");
                return Inbound::Nothing;
            }
        };
        if frame.token != token {
            tracing::warn!(
                message_type = frame.message_type.as_str(),
                "TMC frame with an unknown token skipped"
            );
            return Inbound::Nothing;
        }
        match frame.message_type {
            MessageType::SendAck => {
                if let Some(waiter) = self.publishes.remove(&frame.flag) {
                    let _ = waiter.send(
                        if frame.status_code > 0 || !frame.status_phrase.is_empty() {
                            Err(TmcError::Publish(format!(
                                "status {} `{}`",
                                frame.status_code, frame.status_phrase
                            )))
                        } else {
                            Ok(())
                        },
                    );
                } else if frame.status_code > 0 {
                    tracing::warn!(code = frame.status_code, phrase = %frame.status_phrase, "TMC error reply");
                }
                Inbound::Nothing
            }
            MessageType::Send => match frame.get("__kind") {
                Some(Value::Byte(k)) if *k != kind::DATA => Inbound::Nothing,
                _ => self.data(&frame, token),
            },
            _ => Inbound::Nothing,
        }
    }

    fn data(&mut self, frame: &Frame, token: &str) -> Inbound {
        let mut msg = match Message::from_frame(frame) {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(error = %e, "TMC message unreadable");
                // The consumer hears of it; TMC gets the fail (with the next writes).
                if let Some(id) = e.id {
                    let reason = e.message.chars().take(128).collect();
                    let _ = self.cmd_tx.send(Command::Fail(id, reason));
                }
                return Inbound::Deliver(Err(TmcError::Message(e)));
            }
        };
        if self.in_flight.contains_key(&msg.id) {
            tracing::debug!(
                id = msg.id,
                "TMC redelivery of a message being handled skipped"
            );
            return Inbound::Nothing;
        }
        if self.recent.set.contains(&msg.id) {
            // The confirm crossed this redelivery: say it again, do not hand it out again.
            return Inbound::Reply(vec![confirm(token, msg.id)]);
        }
        let key = if self.cfg.dedup {
            business_key(&msg.topic, &msg.content)
        } else {
            None
        };
        if let Some(k) = &key
            && self.keys.contains(k)
        {
            tracing::debug!(id = msg.id, key = %k, "TMC duplicate confirmed unhandled");
            self.recent.insert(msg.id);
            return Inbound::Reply(vec![confirm(token, msg.id)]);
        }
        if let Some(k) = &key {
            self.keys.insert(k.clone());
        }
        self.in_flight.insert(msg.id, key);
        msg.ack = Some(Ack {
            tx: self.cmd_tx.clone(),
            done: AtomicBool::new(false),
        });
        Inbound::Deliver(Ok(msg))
    }
}

enum Inbound {
    Deliver(Item),
    Reply(Vec<Frame>),
    Nothing,
}

async fn reserve(tx: &Option<mpsc::Sender<Item>>) -> Option<mpsc::Permit<'_, Item>> {
    match tx {
        Some(tx) => tx.reserve().await.ok(),
        None => None,
    }
}

fn pull(token: &str) -> Frame {
    Frame::new(MessageType::Send)
        .with_token(token)
        .header("__kind", Value::Byte(kind::PULL_REQUEST))
}

fn confirm(token: &str, id: i64) -> Frame {
    Frame::new(MessageType::Send)
        .with_token(token)
        .header("__kind", Value::Byte(kind::CONFIRM))
        .header("id", Value::Int64(id))
}

fn local_ip(ws: &Ws) -> String {
    let tcp = match ws.get_ref() {
        MaybeTlsStream::Plain(s) => Some(s),
        MaybeTlsStream::Rustls(s) => Some(s.get_ref().0),
        _ => None,
    };
    tcp.and_then(|s| s.local_addr().ok())
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "127.0.0.1".to_string())
}

/// The Java SDK's de-duplication key: `trade_<tid>`, `item_<num_iid>`, `refund_<refund_id>`.
pub(crate) fn business_key(topic: &str, content: &str) -> Option<String> {
    let (prefix, field) =
        if topic.starts_with("taobao_trade") || topic == "taobao_datapush_SynTrade" {
            ("trade_", "tid")
        } else if topic.starts_with("taobao_item") || topic == "taobao_datapush_SynItem" {
            ("item_", "num_iid")
        } else if topic.starts_with("taobao_refund") {
            ("refund_", "refund_id")
        } else {
            return None;
        };
    let map: HashMap<&str, &serde_json::value::RawValue> = serde_json::from_str(content).ok()?;
    let raw = map.get(field)?.get();
    Some(format!("{prefix}{}", raw.trim_matches('"')))
}

#[cfg(test)]
mod tests {
    use super::business_key;

    #[test]
    fn business_keys_follow_the_java_sdk() {
        let cases = [
            (
                "taobao_trade_TradeCreate",
                r#"{"tid":1234567890123456789}"#,
                Some("trade_1234567890123456789"),
            ),
            (
                "taobao_trade_TradeCreate",
                r#"{"tid":"77"}"#,
                Some("trade_77"),
            ),
            ("taobao_datapush_SynTrade", r#"{"tid":5}"#, Some("trade_5")),
            ("taobao_item_ItemAdd", r#"{"num_iid":9}"#, Some("item_9")),
            (
                "taobao_refund_RefundCreate",
                r#"{"refund_id":3}"#,
                Some("refund_3"),
            ),
            ("taobao_fenxiao_X", r#"{"tid":3}"#, None),
            ("taobao_trade_TradeCreate", r#"{"oid":3}"#, None),
            ("taobao_trade_TradeCreate", "not json", None),
        ];
        for (topic, content, want) in cases {
            assert_eq!(
                business_key(topic, content).as_deref(),
                want,
                "{topic} {content}"
            );
        }
    }
}
