//! The connection task behind a [`Messages`](super::Messages) stream, from its side that
//! connects: the reconnect loop with its backoff, the connect token, and the CONNECT (md5
//! sign, CONNECTACK). A connected session is [`super::session`].

use super::command::Command;
use super::liveness::{Progress, Watched};
use super::message::Message;
use super::{ConnectToken, Frame, MessageType, TmcConfig, TmcError, Value};
use futures_util::{SinkExt, StreamExt};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub(super) type Ws = WebSocketStream<MaybeTlsStream<Watched<tokio::net::TcpStream>>>;
pub(super) type Item = Result<Message, TmcError>;

/// An item on its way to the consumer, holding its bytes of the read-ahead budget until the
/// consumer takes it.
pub(super) type Slot = (Item, Option<tokio::sync::OwnedSemaphorePermit>);

/// Ids of recently confirmed messages kept to recognise a redelivery that crossed the confirm.
const RECENT_IDS: usize = 65_536;
/// A session that lasted this long resets the failure count when it drops.
const STABLE_SESSION: Duration = Duration::from_secs(10);
/// Commands written per flush when many are waiting.
pub(super) const WRITE_BATCH: usize = 512;

/// Confirmed ids, oldest forgotten first.
#[derive(Default)]
pub(super) struct Recent {
    pub(super) set: HashSet<i64>,
    order: VecDeque<i64>,
}

impl Recent {
    pub(super) fn insert(&mut self, id: i64) {
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
    pub(super) cfg: Arc<TmcConfig>,
    /// None once shutting down: the stream ends.
    pub(super) tx: Option<mpsc::Sender<Slot>>,
    /// The read-ahead budget in bytes ([`super::TmcBuilder::read_ahead_bytes`]).
    pub(super) budget: Arc<tokio::sync::Semaphore>,
    pub(super) cmd_tx: mpsc::UnboundedSender<Command>,
    pub(super) cmd_rx: mpsc::UnboundedReceiver<Command>,
    /// Handed out, not yet confirmed, failed or dropped: id -> business key (dedup).
    pub(super) in_flight: HashMap<i64, Option<String>>,
    pub(super) keys: HashSet<String>,
    pub(super) recent: Recent,
    /// Confirms and fails to send once connected again.
    pub(super) outbox: Vec<Frame>,
    pub(super) publishes: HashMap<i32, oneshot::Sender<Result<(), TmcError>>>,
    pub(super) next_flag: i32,
    pub(super) closing: bool,
    pub(super) shutdown_deadline: Option<Instant>,
    /// Frames skipped (unreadable, another session's), warned of at most once per
    /// `SKIP_WARN_EVERY`: a peer flooding bad frames gets a line now and then, with counts.
    pub(super) skipped: SkipLog,
}

/// The longest a run of skipped frames goes without a warning.
pub(super) const SKIP_WARN_EVERY: Duration = Duration::from_secs(10);

/// Skipped frames, counted between warnings.
#[derive(Default)]
pub(super) struct SkipLog {
    /// Skipped since the last warning.
    pub(super) since: u64,
    /// Skipped in all.
    pub(super) total: u64,
    pub(super) warned_at: Option<Instant>,
}

impl SkipLog {
    /// Counts one skipped frame; `true` when it is time to warn (the first, then at most one
    /// every `SKIP_WARN_EVERY`), and then how many were skipped since the last warning.
    pub(super) fn skip(&mut self) -> Option<(u64, u64)> {
        self.since += 1;
        self.total += 1;
        let due = self
            .warned_at
            .is_none_or(|at| at.elapsed() >= SKIP_WARN_EVERY);
        if !due {
            return None;
        }
        self.warned_at = Some(Instant::now());
        Some((std::mem::take(&mut self.since), self.total))
    }
}

/// Why a session ended.
pub(super) enum End {
    Shutdown,
    Lost(String),
}

impl Connection {
    pub(crate) fn new(
        cfg: Arc<TmcConfig>,
        tx: mpsc::Sender<Slot>,
        cmd_tx: mpsc::UnboundedSender<Command>,
        cmd_rx: mpsc::UnboundedReceiver<Command>,
    ) -> Connection {
        Connection {
            budget: Arc::new(tokio::sync::Semaphore::new(
                cfg.read_ahead_bytes
                    .min(tokio::sync::Semaphore::MAX_PERMITS),
            )),
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
            skipped: SkipLog::default(),
        }
    }

    pub(super) fn flag(&mut self) -> i32 {
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
            // What went wrong (the error that ends the stream when it is given up on), whether
            // trying again is pointless, and, for a session that dropped, why and after how long.
            let (failed, fatal, lost) = match outcome {
                Ok((ws, token)) => {
                    if let Some(f) = first.take() {
                        let _ = f.send(Ok(()));
                    }
                    let since = Instant::now();
                    let span = tracing::info_span!("tmc_session", group = %self.cfg.group);
                    let why = match tracing::Instrument::instrument(self.session(ws, token), span)
                        .await
                    {
                        End::Shutdown => break,
                        End::Lost(why) => why,
                    };
                    // A session that drops soon after its CONNECTACK is a failure too: a
                    // server that acks and hangs up gets the back-off, not a reconnect a
                    // second forever.
                    let lasted = since.elapsed();
                    failures = if lasted >= STABLE_SESSION {
                        0
                    } else {
                        failures + 1
                    };
                    let e = TmcError::Closed(format!("the connection keeps dropping: {why}"));
                    (e, false, Some((why, lasted)))
                }
                Err(e) => {
                    if let Some(f) = first.take() {
                        let _ = f.send(Err(e));
                        return;
                    }
                    failures += 1;
                    let fatal = matches!(e, TmcError::Refused { .. } | TmcError::Token(_));
                    (e, fatal, None)
                }
            };
            if fatal || self.cfg.max_reconnects.is_some_and(|m| failures > m) {
                tracing::error!(error = %failed, "TMC reconnect abandoned");
                if let Some(tx) = &self.tx {
                    let _ = tx.send((Err(failed), None)).await;
                }
                break;
            }
            let wait = self.backoff(failures.max(1));
            let wait_ms = wait.as_millis() as u64;
            match lost {
                Some((why, lasted)) => tracing::warn!(
                    reason = %why,
                    lasted_ms = lasted.as_millis() as u64,
                    failures,
                    reconnect_in_ms = wait_ms,
                    "TMC connection lost; reconnecting"
                ),
                None => tracing::warn!(
                    error = %failed,
                    failures,
                    reconnect_in_ms = wait_ms,
                    "TMC reconnect failed"
                ),
            }
            if self.offline_wait(wait).await {
                break;
            }
        }
        // Waiters on a publish learn the connection is gone (their senders drop here).
        self.publishes.clear();
    }

    pub(super) fn done_closing(&self) -> bool {
        self.closing
            && (self.in_flight.is_empty()
                || self.shutdown_deadline.is_some_and(|d| Instant::now() >= d))
    }

    /// The wait before reconnect attempt `failures` (1 = the first after a failure).
    fn backoff(&self, failures: u32) -> Duration {
        use crate::backoff::{Jitter, delay};
        delay(
            self.cfg.backoff_min,
            self.cfg.backoff_max,
            failures,
            Jitter::Above,
        )
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
        let (mut ws, _) = tokio::time::timeout(self.cfg.connect_timeout, async {
            let tcp = super::liveness::tcp_connect(&self.cfg.url, self.cfg.tcp_keepalive)
                .await
                .map_err(TmcError::Connect)?;
            tokio_tungstenite::client_async_tls(self.cfg.url.as_str(), tcp)
                .await
                .map_err(|e| TmcError::Connect(format!("{}: {e}", self.cfg.url)))
        })
        .await
        .map_err(|_| {
            TmcError::Connect(format!("{}: websocket handshake timed out", self.cfg.url))
        })??;
        let ip = local_ip(&ws);
        let timestamp = crate::time::epoch_millis(self.cfg.now()).to_string();
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
}

/// The socket under the websocket (and TLS).
fn watched(ws: &Ws) -> Option<&Watched<tokio::net::TcpStream>> {
    match ws.get_ref() {
        MaybeTlsStream::Plain(s) => Some(s),
        MaybeTlsStream::Rustls(s) => Some(s.get_ref().0),
        _ => None,
    }
}

/// What the socket under the websocket saw arriving ([`super::liveness`]).
pub(super) fn progress(ws: &Ws) -> Arc<Progress> {
    watched(ws).map_or_else(Progress::new, |w| w.progress().clone())
}

fn local_ip(ws: &Ws) -> String {
    watched(ws)
        .and_then(|s| s.get_ref().local_addr().ok())
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "127.0.0.1".to_string())
}
