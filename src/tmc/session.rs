//! One connected TMC session: frames both ways until the connection drops or the client
//! shuts down. Data messages go to the bounded stream (deduplicated by business key); confirms,
//! fails, pulls, pings and publishes go out.

use super::command::Command;
use super::connect::{Connection, End, Item, Slot, WRITE_BATCH, Ws};
use super::liveness::{Liveness, Verdict};
use super::message::{Ack, Message};
use super::{Frame, MessageType, TmcError, Value, kind};
use futures_util::{SinkExt, StreamExt};
use std::collections::HashMap;

use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message as WsMessage;

impl Connection {
    /// One connected session, until it drops or the client shuts down.
    pub(super) async fn session(&mut self, ws: Ws, token: String) -> End {
        let progress = super::connect::progress(&ws);
        let mut live = Liveness::new(&self.cfg);
        let mut live_timer = tokio::time::interval(live.period());
        live_timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let (mut sink, mut stream) = ws.split();
        let mut pending: Option<Item> = None;
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
            let tx = self.tx.clone();
            let budget = self.budget.clone();
            let bytes = pending.as_ref().map_or(0, item_bytes);
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
                    }
                }
                permit = reserve(&tx, &budget, bytes, self.cfg.read_ahead_bytes), if pending.is_some() => {
                    // Not reading while it waited: what arrived meanwhile was not late.
                    live.resumed(&progress);
                    match (permit, pending.take()) {
                        (Some((p, held)), Some(item)) => p.send((item, held)),
                        // The stream is gone: release what was read.
                        (None, Some(Ok(msg))) => drop(msg),
                        _ => {}
                    }
                }
                inbound = stream.next(), if pending.is_none() && !self.closing => {
                    if let Some(Ok(m)) = &inbound {
                        progress.clear();
                        live.heard(matches!(m, WsMessage::Pong(_)));
                    }
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
                }
                // Judged only while reading: a session held back by its consumer hears nothing.
                _ = live_timer.tick(), if pending.is_none() && !self.closing => {
                    match live.verdict(&progress) {
                        Verdict::Fine => {}
                        Verdict::Ping => {
                            if let Err(e) = sink.send(WsMessage::Ping(Default::default())).await {
                                return End::Lost(e.to_string());
                            }
                            live.pinged();
                        }
                        Verdict::Dead(why) => return End::Lost(why),
                    }
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
    pub(super) fn command(&mut self, cmd: Command, token: &str) -> Option<Frame> {
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
                if let Some((since, total)) = self.skipped.skip() {
                    tracing::warn!(error = %e, skipped = since, skipped_total = total,
                        "TMC frames skipped (this one unreadable)");
                }
                return Inbound::Nothing;
            }
        };
        if frame.token != token {
            if let Some((since, total)) = self.skipped.skip() {
                tracing::warn!(
                    message_type = frame.message_type.as_str(),
                    skipped = since,
                    skipped_total = total,
                    "TMC frames skipped (this one with an unknown token)"
                );
            }
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

/// Room for one item: its bytes of the read-ahead budget (at most all of it: a message larger
/// than the budget goes alone), then a place in the channel. Cancel-safe (a select! may drop
/// it): nothing is taken until both are there.
async fn reserve<'a>(
    tx: &'a Option<mpsc::Sender<Slot>>,
    budget: &std::sync::Arc<tokio::sync::Semaphore>,
    bytes: usize,
    max: usize,
) -> Option<(
    mpsc::Permit<'a, Slot>,
    Option<tokio::sync::OwnedSemaphorePermit>,
)> {
    let tx = tx.as_ref()?;
    let n = bytes
        .min(max)
        .min(tokio::sync::Semaphore::MAX_PERMITS)
        .min(u32::MAX as usize) as u32;
    let held = match n {
        0 => None,
        n => Some(budget.clone().acquire_many_owned(n).await.ok()?),
    };
    let slot = tx.reserve().await.ok()?;
    Some((slot, held))
}

/// What an item weighs against the read-ahead budget: its text.
fn item_bytes(item: &Item) -> usize {
    match item {
        Ok(m) => m.content.len() + m.topic.len(),
        Err(_) => 0,
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

    #[tokio::test]
    async fn read_ahead_is_bounded_in_bytes_and_a_big_message_goes_alone() {
        use std::time::Duration;
        let (tx, mut rx) = tokio::sync::mpsc::channel::<super::Slot>(256);
        let tx = Some(tx);
        let budget = std::sync::Arc::new(tokio::sync::Semaphore::new(1000));
        let item = || Err(super::TmcError::Closed("x".into()));
        // 600 of 1000 bytes: room.
        let (slot, held) = super::reserve(&tx, &budget, 600, 1000).await.unwrap();
        slot.send((item(), held));
        // Another 600 waits while the first is unread, though the channel has room.
        let second = super::reserve(&tx, &budget, 600, 1000);
        tokio::pin!(second);
        assert!(
            tokio::time::timeout(Duration::from_millis(100), second.as_mut())
                .await
                .is_err()
        );
        // The consumer takes the first: its bytes come back.
        drop(rx.recv().await.unwrap());
        let (slot, held) = tokio::time::timeout(Duration::from_secs(1), second)
            .await
            .unwrap()
            .unwrap();
        slot.send((item(), held));
        drop(rx.recv().await.unwrap());
        // Larger than the budget: it takes all of it, and goes alone.
        let (slot, held) = super::reserve(&tx, &budget, 5000, 1000).await.unwrap();
        assert_eq!(budget.available_permits(), 0);
        slot.send((item(), held));
        drop(rx.recv().await.unwrap());
        assert_eq!(budget.available_permits(), 1000);
    }

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
