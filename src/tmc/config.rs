//! Settings of a [`TmcClient`](super::TmcClient): its builder, the environment, the
//! endpoints and where the CONNECT's token comes from.

use super::{TmcClient, TmcError};
use crate::Secret;
use crate::time::{Clock, SystemClock};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// TMC's production endpoint (the official SDKs' default).
pub const PRODUCTION_URL: &str = "ws://mc.api.taobao.com/";
/// The sandbox endpoint.
pub const SANDBOX_URL: &str = "ws://mc.api.tbsandbox.com/";

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

/// The default of [`TmcBuilder::read_ahead_bytes`].
pub const DEFAULT_READ_AHEAD_BYTES: usize = 64 * 1024 * 1024;

/// Settings of a [`TmcClient`]; build with [`TmcClient::builder`] or [`TmcClient::from_env`].
#[derive(Clone)]
pub struct TmcConfig {
    pub(crate) url: String,
    pub(crate) app_key: String,
    pub(crate) app_secret: Secret<String>,
    pub(crate) group: String,
    pub(crate) token: ConnectToken,
    pub(crate) gateway: Option<crate::Client>,
    pub(crate) pull_every: Duration,
    pub(crate) heartbeat_after: Duration,
    pub(crate) pong_timeout: Duration,
    pub(crate) pong_check: super::PongCheck,
    pub(crate) frame_timeout: Duration,
    pub(crate) tcp_keepalive: Option<Duration>,
    pub(crate) connect_timeout: Duration,
    pub(crate) backoff_min: Duration,
    pub(crate) backoff_max: Duration,
    pub(crate) max_reconnects: Option<u32>,
    pub(crate) buffer: usize,
    pub(crate) read_ahead_bytes: usize,
    pub(crate) dedup: bool,
    pub(crate) publish_timeout: Duration,
    pub(crate) shutdown_timeout: Duration,
    pub(crate) sdk: String,
    /// Where the CONNECT's timestamp comes from, when the caller set one ([`TmcConfig::now`]).
    pub(crate) clock: Option<Arc<dyn Clock>>,
}

impl TmcConfig {
    /// Now, by the clock the caller set, else the gateway client's (one clock per client),
    /// else the system's.
    pub(crate) fn now(&self) -> std::time::SystemTime {
        match (&self.clock, &self.gateway) {
            (Some(c), _) => c.now(),
            (None, Some(g)) => g.config().clock.now(),
            (None, None) => SystemClock.now(),
        }
    }
}

impl fmt::Debug for TmcConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TmcConfig")
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

/// Builds a [`TmcClient`]: the app's key and secret are required, everything else has the
/// official SDKs' defaults.
#[derive(Clone, Debug)]
pub struct TmcBuilder(TmcConfig);

impl TmcBuilder {
    pub fn new(app_key: impl Into<String>, app_secret: impl Into<String>) -> TmcBuilder {
        TmcBuilder(TmcConfig {
            url: PRODUCTION_URL.to_string(),
            app_key: app_key.into(),
            app_secret: Secret::new(app_secret.into()),
            group: "default".to_string(),
            token: ConnectToken::Auto,
            gateway: None,
            pull_every: Duration::from_secs(15),
            heartbeat_after: Duration::from_secs(45),
            pong_timeout: Duration::from_secs(30),
            pong_check: super::PongCheck::Learned,
            frame_timeout: Duration::from_secs(60),
            tcp_keepalive: Some(Duration::from_secs(30)),
            connect_timeout: Duration::from_secs(5),
            backoff_min: Duration::from_secs(1),
            backoff_max: Duration::from_secs(30),
            max_reconnects: None,
            buffer: 256,
            read_ahead_bytes: DEFAULT_READ_AHEAD_BYTES,
            dedup: false,
            publish_timeout: Duration::from_secs(2),
            shutdown_timeout: Duration::from_secs(30),
            sdk: concat!("topsdk-rust-", env!("CARGO_PKG_VERSION")).to_string(),
            clock: None,
        })
    }

    /// Reads `TOP_APP_KEY` and `TOP_APP_SECRET` (required), `TOP_TMC_URL` (default the
    /// production endpoint), `TOP_TMC_GROUP` (default `default`); the gateway client for the
    /// connect token comes from the same environment ([`crate::ClientBuilder::from_env`]).
    pub fn from_env() -> Result<TmcBuilder, TmcError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// [`TmcBuilder::from_env`] over any source of variables.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<TmcBuilder, TmcError> {
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
        let mut b = TmcBuilder::new(&cfg.app_key, cfg.app_secret.expose());
        if let Some(url) = get("TOP_TMC_URL").filter(|v| !v.is_empty()) {
            b = b.url(url)?;
        }
        if let Some(g) = get("TOP_TMC_GROUP").filter(|v| !v.is_empty()) {
            b = b.group(g);
        }
        Ok(b.gateway(gateway))
    }

    /// The websocket URL (`ws://` or `wss://`).
    pub fn url(mut self, url: impl Into<String>) -> Result<TmcBuilder, TmcError> {
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
    pub fn group(mut self, group: impl Into<String>) -> TmcBuilder {
        self.0.group = group.into();
        self
    }

    /// Where the connect token comes from (default [`ConnectToken::Auto`]).
    pub fn connect_token(mut self, token: ConnectToken) -> TmcBuilder {
        self.0.token = token;
        self
    }

    /// The gateway client used for `taobao.tmc.auth.get` (default: one for the production
    /// gateway with this app key and secret).
    pub fn gateway(mut self, client: crate::Client) -> TmcBuilder {
        self.0.gateway = Some(client);
        self
    }

    /// How often a pull request ("push me the backlog") is sent; default 15 s, as Java.
    pub fn pull_every(mut self, d: Duration) -> TmcBuilder {
        self.0.pull_every = d;
        self
    }

    /// How long the server may send nothing before a websocket ping goes out (again every
    /// this long while it stays silent); default 45 s, the official SDKs' interval. Our own
    /// pulls do not count: silence is measured on what arrives.
    pub fn heartbeat_after(mut self, d: Duration) -> TmcBuilder {
        self.0.heartbeat_after = d.max(Duration::from_millis(1));
        self
    }

    /// How long a ping may go unanswered (by a pong or any frame) when [`TmcBuilder::pong_check`]
    /// holds it against the connection, which is then dropped and reconnected; default 30 s.
    pub fn pong_timeout(mut self, d: Duration) -> TmcBuilder {
        self.0.pong_timeout = d.max(Duration::from_millis(1));
        self
    }

    /// When an unanswered ping counts: default [`super::PongCheck::Learned`] (once the server
    /// has answered one on this connection), since whether TOP's servers answer pings is
    /// UNCONFIRMED; [`super::PongCheck::Required`] for servers known to answer.
    pub fn pong_check(mut self, check: super::PongCheck) -> TmcBuilder {
        self.0.pong_check = check;
        self
    }

    /// How long one websocket message may take from its first byte to its last before the
    /// connection counts as dead (a server trickling bytes); default 60 s.
    pub fn frame_timeout(mut self, d: Duration) -> TmcBuilder {
        self.0.frame_timeout = d.max(Duration::from_millis(1));
        self
    }

    /// TCP keep-alive probes after this long without traffic (then every third of it, three
    /// times), so a server whose host or network path vanished is noticed in about twice this
    /// long rather than the kernel's hours; default 30 s, `None` for the system's setting.
    pub fn tcp_keepalive(mut self, idle: Option<Duration>) -> TmcBuilder {
        self.0.tcp_keepalive = idle.map(|d| d.max(Duration::from_secs(1)));
        self
    }

    /// Time allowed for the websocket handshake and for the CONNECTACK each; default 5 s.
    pub fn connect_timeout(mut self, d: Duration) -> TmcBuilder {
        self.0.connect_timeout = d;
        self
    }

    /// Wait before reconnecting: `min` doubled per failed attempt up to `max`, each with up
    /// to 50 % random jitter; default 1 s to 30 s.
    pub fn reconnect_backoff(mut self, min: Duration, max: Duration) -> TmcBuilder {
        self.0.backoff_min = min;
        self.0.backoff_max = max.max(min);
        self
    }

    /// Give up after this many failed reconnects in a row (the stream then ends with
    /// [`TmcError::Connect`]); default: never.
    pub fn max_reconnects(mut self, n: u32) -> TmcBuilder {
        self.0.max_reconnects = Some(n);
        self
    }

    /// Messages read ahead of the consumer (default 256). When they are waiting, the client
    /// stops reading the socket: a slow consumer holds TMC back instead of growing memory.
    pub fn buffer(mut self, n: usize) -> TmcBuilder {
        self.0.buffer = n.max(1);
        self
    }

    /// The most bytes of messages (contents inflated) read ahead of the consumer, default
    /// 64 MiB: with `buffer`, whichever is reached first stops the client reading the socket.
    /// (Contents may inflate to 16 MiB each: a count alone would let 256 of them hold 4 GiB.)
    /// A message larger than this still goes through, alone.
    pub fn read_ahead_bytes(mut self, n: usize) -> TmcBuilder {
        self.0.read_ahead_bytes = n.max(1);
        self
    }

    /// Drop duplicates by business id, as the Java SDK's `setRemoveDuplicate`: a message of a
    /// trade (`taobao_trade*`, key `tid`), item (`taobao_item*`, `num_iid`) or refund
    /// (`taobao_refund*`, `refund_id`) that another message of the same key is being handled
    /// for is confirmed without being handed over. Default off.
    pub fn dedup(mut self, on: bool) -> TmcBuilder {
        self.0.dedup = on;
        self
    }

    /// How long a publish waits for its SENDACK; default 2 s, as the official SDKs.
    pub fn publish_timeout(mut self, d: Duration) -> TmcBuilder {
        self.0.publish_timeout = d;
        self
    }

    /// How long a shutdown waits for messages being handled to be settled; default 30 s.
    pub fn shutdown_timeout(mut self, d: Duration) -> TmcBuilder {
        self.0.shutdown_timeout = d;
        self
    }

    /// The clock the CONNECT's timestamp is read from (default: the gateway client's,
    /// [`crate::ClientBuilder::clock`], else the system's).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> TmcBuilder {
        self.0.clock = Some(clock);
        self
    }

    pub fn build(self) -> TmcClient {
        TmcClient {
            cfg: Arc::new(self.0),
        }
    }
}
