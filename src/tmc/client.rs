//! The TMC client: configuration, the message stream and the handler loop. The connection
//! itself (connect, reconnect, frames both ways) is [`super::conn`].

use super::message::Message;
use crate::Secret;
use futures_util::Stream;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// TMC's production endpoint (the official SDKs' default).
pub const PRODUCTION_URL: &str = "ws://mc.api.taobao.com/";
/// The sandbox endpoint.
pub const SANDBOX_URL: &str = "ws://mc.api.tbsandbox.com/";

/// What goes wrong with TMC.
#[derive(Debug)]
#[non_exhaustive]
pub enum TmcError {
    /// A setting is missing or invalid.
    Config { setting: String, message: String },
    /// TMC refused the connect (CONNECTACK with a status: a wrong sign, app key or token).
    /// Not retried: the same credentials would be refused again.
    Refused { code: i32, phrase: String },
    /// The websocket could not be opened or the CONNECT was not answered in time (after
    /// the configured reconnect attempts, when there is a limit).
    Connect(String),
    /// Fetching the connect token (`taobao.tmc.auth.get`) failed.
    Token(crate::Error),
    /// One message could not be read from its frame (the stream goes on; the message was
    /// failed back to TMC with the reason).
    Message(super::MessageError),
    /// A publish was refused (SENDACK with a status) or not acknowledged in time.
    Publish(String),
    /// The client has shut down or the connection is not up.
    Closed(String),
}

impl TmcError {
    /// Whether the stream ends with this error (all but [`TmcError::Message`]).
    pub fn is_fatal(&self) -> bool {
        !matches!(self, TmcError::Message(_) | TmcError::Publish(_))
    }
}

impl fmt::Display for TmcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TmcError::Config { setting, message } => write!(f, "TMC setting {setting} {message}"),
            TmcError::Refused { code, phrase } => {
                write!(f, "TMC refused the connect: status {code} `{phrase}`")
            }
            TmcError::Connect(m) => write!(f, "TMC connect failed: {m}"),
            TmcError::Token(e) => write!(f, "TMC token (taobao.tmc.auth.get) failed: {e}"),
            TmcError::Message(e) => e.fmt(f),
            TmcError::Publish(m) => write!(f, "TMC publish failed: {m}"),
            TmcError::Closed(m) => write!(f, "TMC client closed: {m}"),
        }
    }
}

impl std::error::Error for TmcError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TmcError::Token(e) => Some(e),
            TmcError::Message(e) => Some(e),
            _ => None,
        }
    }
}

/// Where the CONNECT's `token` comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConnectToken {
    /// Fetched with `taobao.tmc.auth.get` before each connect when the URL is the production
    /// endpoint (`mc.api.taobao.com`), as the Java SDK does; none elsewhere.
    Auto,
    /// Always fetched with `taobao.tmc.auth.get` (through the gateway client).
    Api,
    /// Never sent (a void value).
    Omit,
}

/// Settings of a [`Client`]; build with [`Client::builder`] or [`Client::from_env`].
#[derive(Clone)]
pub struct Config {
    pub(crate) url: String,
    pub(crate) app_key: String,
    pub(crate) app_secret: Secret<String>,
    pub(crate) group: String,
    pub(crate) token: ConnectToken,
    pub(crate) gateway: Option<crate::Client>,
    pub(crate) pull_every: Duration,
    pub(crate) heartbeat_after: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) backoff_min: Duration,
    pub(crate) backoff_max: Duration,
    pub(crate) max_reconnects: Option<u32>,
    pub(crate) buffer: usize,
    pub(crate) dedup: bool,
    pub(crate) publish_timeout: Duration,
    pub(crate) shutdown_timeout: Duration,
    pub(crate) sdk: String,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("url", &self.url)
            .field("app_key", &self.app_key)
            .field("app_secret", &self.app_secret)
            .field("group", &self.group)
            .field("token", &self.token)
            .field("buffer", &self.buffer)
            .field("dedup", &self.dedup)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`]: the app's key and secret are required, everything else has the
/// official SDKs' defaults.
#[derive(Clone, Debug)]
pub struct ClientBuilder(Config);

impl ClientBuilder {
    pub fn new(app_key: impl Into<String>, app_secret: impl Into<String>) -> ClientBuilder {
        ClientBuilder(Config {
            url: PRODUCTION_URL.to_string(),
            app_key: app_key.into(),
            app_secret: Secret::new(app_secret.into()),
            group: "default".to_string(),
            token: ConnectToken::Auto,
            gateway: None,
            pull_every: Duration::from_secs(15),
            heartbeat_after: Duration::from_secs(45),
            connect_timeout: Duration::from_secs(5),
            backoff_min: Duration::from_secs(1),
            backoff_max: Duration::from_secs(30),
            max_reconnects: None,
            buffer: 256,
            dedup: false,
            publish_timeout: Duration::from_secs(2),
            shutdown_timeout: Duration::from_secs(30),
            sdk: concat!("topsdk-rust-", env!("CARGO_PKG_VERSION")).to_string(),
        })
    }

    /// Reads `TOP_APP_KEY` and `TOP_APP_SECRET` (required), `TOP_TMC_URL` (default the
    /// production endpoint), `TOP_TMC_GROUP` (default `default`); the gateway client for the
    /// connect token comes from the same environment ([`crate::ClientBuilder::from_env`]).
    pub fn from_env() -> Result<ClientBuilder, TmcError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// [`ClientBuilder::from_env`] over any source of variables.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<ClientBuilder, TmcError> {
        let gateway = crate::ClientBuilder::from_lookup(&get)
            .and_then(crate::ClientBuilder::build)
            .map_err(|e| match e {
                crate::Error::Config { setting, message } => TmcError::Config { setting, message },
                other => TmcError::Config {
                    setting: "TOP_*".into(),
                    message: other.to_string(),
                },
            })?;
        let cfg = gateway.config();
        let mut b = ClientBuilder::new(&cfg.app_key, cfg.app_secret.expose());
        if let Some(url) = get("TOP_TMC_URL").filter(|v| !v.is_empty()) {
            b = b.url(url)?;
        }
        if let Some(g) = get("TOP_TMC_GROUP").filter(|v| !v.is_empty()) {
            b = b.group(g);
        }
        Ok(b.gateway(gateway))
    }

    /// The websocket URL (`ws://` or `wss://`).
    pub fn url(mut self, url: impl Into<String>) -> Result<ClientBuilder, TmcError> {
        let url = url.into();
        if !(url.starts_with("ws://") || url.starts_with("wss://")) {
            return Err(TmcError::Config {
                setting: "TOP_TMC_URL".into(),
                message: format!("`{url}` is not a ws:// or wss:// URL"),
            });
        }
        self.0.url = url;
        Ok(self)
    }

    /// The message group (default `default`); clients of one group share its messages.
    pub fn group(mut self, group: impl Into<String>) -> ClientBuilder {
        self.0.group = group.into();
        self
    }

    /// Where the connect token comes from (default [`ConnectToken::Auto`]).
    pub fn connect_token(mut self, token: ConnectToken) -> ClientBuilder {
        self.0.token = token;
        self
    }

    /// The gateway client used for `taobao.tmc.auth.get` (default: one for the production
    /// gateway with this app key and secret).
    pub fn gateway(mut self, client: crate::Client) -> ClientBuilder {
        self.0.gateway = Some(client);
        self
    }

    /// How often a pull request ("push me the backlog") is sent; default 15 s, as Java.
    pub fn pull_every(mut self, d: Duration) -> ClientBuilder {
        self.0.pull_every = d;
        self
    }

    /// Idle time after which a websocket ping is sent; default 45 s, as the official SDKs.
    pub fn heartbeat_after(mut self, d: Duration) -> ClientBuilder {
        self.0.heartbeat_after = d;
        self
    }

    /// Time allowed for the websocket handshake and for the CONNECTACK each; default 5 s.
    pub fn connect_timeout(mut self, d: Duration) -> ClientBuilder {
        self.0.connect_timeout = d;
        self
    }

    /// Wait before reconnecting: `min` doubled per failed attempt up to `max`, each with up
    /// to 50 % random jitter; default 1 s to 30 s.
    pub fn reconnect_backoff(mut self, min: Duration, max: Duration) -> ClientBuilder {
        self.0.backoff_min = min;
        self.0.backoff_max = max.max(min);
        self
    }

    /// Give up after this many failed reconnects in a row (the stream then ends with
    /// [`TmcError::Connect`]); default: never.
    pub fn max_reconnects(mut self, n: u32) -> ClientBuilder {
        self.0.max_reconnects = Some(n);
        self
    }

    /// Messages read ahead of the consumer (default 256). When they are waiting, the client
    /// stops reading the socket: a slow consumer holds TMC back instead of growing memory.
    pub fn buffer(mut self, n: usize) -> ClientBuilder {
        self.0.buffer = n.max(1);
        self
    }

    /// Drop duplicates by business id, as the Java SDK's `setRemoveDuplicate`: a message of a
    /// trade (`taobao_trade*`, key `tid`), item (`taobao_item*`, `num_iid`) or refund
    /// (`taobao_refund*`, `refund_id`) that another message of the same key is being handled
    /// for is confirmed without being handed over. Default off.
    pub fn dedup(mut self, on: bool) -> ClientBuilder {
        self.0.dedup = on;
        self
    }

    /// How long a publish waits for its SENDACK; default 2 s, as the official SDKs.
    pub fn publish_timeout(mut self, d: Duration) -> ClientBuilder {
        self.0.publish_timeout = d;
        self
    }

    /// How long a shutdown waits for messages being handled to be settled; default 30 s.
    pub fn shutdown_timeout(mut self, d: Duration) -> ClientBuilder {
        self.0.shutdown_timeout = d;
        self
    }

    pub fn build(self) -> Client {
        Client {
            cfg: Arc::new(self.0),
        }
    }
}

/// A TMC consumer of one app and group.
///
/// ```no_run
/// # async fn run() -> Result<(), topsdk::tmc::TmcError> {
/// use futures_util::StreamExt;
/// let mut messages = topsdk::tmc::Client::from_env()?.connect().await?;
/// while let Some(msg) = messages.next().await {
///     let msg = msg?;
///     println!("{} {}", msg.topic, msg.content);
///     msg.confirm()?;
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Client {
    cfg: Arc<Config>,
}

impl Client {
    pub fn builder(app_key: impl Into<String>, app_secret: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(app_key, app_secret)
    }

    /// A client from the `TOP_*` environment (see [`ClientBuilder::from_env`]).
    pub fn from_env() -> Result<Client, TmcError> {
        Ok(ClientBuilder::from_env()?.build())
    }

    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Connects (a refused or failed first connect is returned here) and gives the messages
    /// as a stream; the connection is kept up in a background task, reconnecting with a fresh
    /// timestamp and sign when it drops.
    pub async fn connect(&self) -> Result<Messages, TmcError> {
        let (tx, rx) = mpsc::channel(self.cfg.buffer);
        let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
        let closing = Arc::new(AtomicBool::new(false));
        let (first_tx, first_rx) = oneshot::channel();
        let conn = super::conn::Connection::new(self.cfg.clone(), tx, cmd_tx.clone(), cmd_rx);
        let task = tokio::spawn(conn.run(first_tx));
        match first_rx.await {
            Ok(Ok(())) => Ok(Messages {
                rx,
                handle: Handle {
                    cmd: cmd_tx,
                    closing,
                },
                task: Some(task),
            }),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(TmcError::Closed("the connection task ended".into())),
        }
    }

    /// Connects and hands each message to `handler`, at most `concurrency` at a time; a
    /// message is confirmed when its handler returns `Ok`, failed with the error's text when
    /// it returns `Err` (TMC redelivers it), and left unconfirmed when it panics. Returns
    /// after [`Handle::shutdown`] (messages being handled are settled first) or with the
    /// error that ended the stream.
    pub async fn run<H, F, E>(&self, concurrency: usize, handler: H) -> Result<(), TmcError>
    where
        H: Fn(Arc<Message>) -> F + Send + Sync + 'static,
        F: Future<Output = Result<(), E>> + Send + 'static,
        E: fmt::Display,
    {
        self.connect().await?.run(concurrency, handler).await
    }
}

/// What a [`Messages`] stream's connection task is asked to do.
pub(crate) enum Command {
    Confirm(i64),
    Fail(i64, String),
    /// A message dropped without confirm or fail.
    Release(i64),
    Publish {
        topic: String,
        content: String,
        session: Option<String>,
        reply: oneshot::Sender<Result<(), TmcError>>,
    },
    Shutdown,
}

/// Controls a connection from anywhere: publish, shut down.
#[derive(Clone, Debug)]
pub struct Handle {
    cmd: mpsc::UnboundedSender<Command>,
    closing: Arc<AtomicBool>,
}

impl Handle {
    /// Publishes a message of `topic` (a topic your app may publish) and waits for TMC's
    /// acknowledgement (SENDACK).
    pub async fn publish(&self, topic: &str, content: &str) -> Result<(), TmcError> {
        self.publish_as(topic, content, None).await
    }

    /// Publishes a user-scoped message: `session` is the user's session key.
    pub async fn publish_as(
        &self,
        topic: &str,
        content: &str,
        session: Option<&str>,
    ) -> Result<(), TmcError> {
        let (reply, rx) = oneshot::channel();
        self.cmd
            .send(Command::Publish {
                topic: topic.to_string(),
                content: content.to_string(),
                session: session.map(str::to_string),
                reply,
            })
            .map_err(|_| TmcError::Closed("the client has shut down".into()))?;
        rx.await
            .unwrap_or_else(|_| Err(TmcError::Closed("the connection dropped".into())))
    }

    /// Graceful shutdown: no further message is handed out (those read ahead are left for
    /// redelivery), messages already handed out are waited for (up to the shutdown timeout)
    /// so their confirms go out, then the websocket is closed.
    pub fn shutdown(&self) {
        self.closing.store(true, Ordering::Release);
        let _ = self.cmd.send(Command::Shutdown);
    }
}

/// The messages of a connected [`Client`], as a [`Stream`]. An `Err` item is fatal (the
/// stream ends after it) unless [`TmcError::is_fatal`] says otherwise.
pub struct Messages {
    rx: mpsc::Receiver<Result<Message, TmcError>>,
    handle: Handle,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl fmt::Debug for Messages {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Messages").finish_non_exhaustive()
    }
}

impl Messages {
    pub fn handle(&self) -> Handle {
        self.handle.clone()
    }

    /// [`Client::run`] on this stream.
    pub async fn run<H, F, E>(mut self, concurrency: usize, handler: H) -> Result<(), TmcError>
    where
        H: Fn(Arc<Message>) -> F + Send + Sync + 'static,
        F: Future<Output = Result<(), E>> + Send + 'static,
        E: fmt::Display,
    {
        use futures_util::StreamExt;
        let handler = Arc::new(handler);
        let permits = Arc::new(tokio::sync::Semaphore::new(concurrency.max(1)));
        let mut tasks = tokio::task::JoinSet::new();
        let mut result = Ok(());
        loop {
            // A permit first: no message is taken off the stream without a handler slot, so
            // memory is bounded by `concurrency` plus the read-ahead buffer.
            let Ok(permit) = permits.clone().acquire_owned().await else {
                break;
            };
            while tasks.try_join_next().is_some() {}
            match self.next().await {
                Some(Ok(msg)) => {
                    let handler = handler.clone();
                    tasks.spawn(async move {
                        let msg = Arc::new(msg);
                        let outcome = handler(msg.clone()).await;
                        // An error here means the client is gone: TMC redelivers.
                        let _ = match outcome {
                            Ok(()) => msg.confirm(),
                            Err(e) => msg.fail(&e.to_string()),
                        };
                        drop(permit);
                    });
                }
                Some(Err(e)) if !e.is_fatal() => {
                    tracing::warn!(error = %e, "TMC message skipped");
                }
                Some(Err(e)) => {
                    result = Err(e);
                    break;
                }
                None => break,
            }
        }
        while tasks.join_next().await.is_some() {}
        // Handlers are done: let the connection send their confirms and close. Messages read
        // ahead are released first, or the connection would wait for them.
        self.handle.shutdown();
        self.rx.close();
        while self.rx.try_recv().is_ok() {}
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        result
    }

    /// Shuts down gracefully and waits for the connection to close.
    pub async fn close(mut self) {
        self.handle.shutdown();
        self.rx.close();
        while self.rx.try_recv().is_ok() {}
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Stream for Messages {
    type Item = Result<Message, TmcError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.handle.closing.load(Ordering::Acquire) {
            // Read-ahead messages are dropped unconfirmed (released): TMC redelivers them.
            self.rx.close();
            while self.rx.try_recv().is_ok() {}
            return Poll::Ready(None);
        }
        self.rx.poll_recv(cx)
    }
}

impl Drop for Messages {
    fn drop(&mut self) {
        if self.task.is_some() {
            self.handle.shutdown();
        }
    }
}
