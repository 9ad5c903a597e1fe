//! Telling a live TMC connection from a dead one without relying on our own traffic: the
//! socket (TCP keep-alive, for a peer whose host or network path is gone), frames that stop
//! arriving half-way (a server trickling bytes), and, where the server answers pings, a pong
//! deadline.
//!
//! Whether TOP's message servers answer websocket pings is UNCONFIRMED, and the evidence says
//! they do not: the official Java client hands a pong to its top-link decoder, which fails on
//! an empty one, and it works against production. So by default a missing pong is held against
//! a connection only once its server has answered a ping ([`PongCheck::Learned`]).

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// When a ping that got no answer counts against a connection ([`super::TmcBuilder::pong_check`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PongCheck {
    /// Never: pings keep NATs and proxies open, nothing more.
    Off,
    /// Once the server has answered a ping on this connection, every later ping must be
    /// answered (by a pong or any other frame) within the pong timeout. The default.
    #[default]
    Learned,
    /// Every ping must be answered within the pong timeout (for servers known to answer).
    Required,
}

/// A socket that notes when a frame started arriving: bytes read since the last whole
/// websocket message mean one is on its way.
pub(super) struct Watched<S> {
    inner: S,
    progress: Arc<Progress>,
}

/// Shared between the socket (which sets it) and the session (which clears it on each whole
/// message and checks its age).
#[derive(Debug)]
pub(super) struct Progress {
    epoch: Instant,
    /// Milliseconds since `epoch` plus one when the first byte of a message not yet whole was
    /// read; 0 when none is on its way.
    started: AtomicU64,
}

impl Progress {
    pub(super) fn new() -> Arc<Progress> {
        Arc::new(Progress {
            epoch: Instant::now(),
            started: AtomicU64::new(0),
        })
    }

    fn mark(&self) {
        let now = self.epoch.elapsed().as_millis() as u64 + 1;
        let _ = self
            .started
            .compare_exchange(0, now, Ordering::Relaxed, Ordering::Relaxed);
    }

    /// A whole message arrived (or the session was not reading): nothing is half-way.
    pub(super) fn clear(&self) {
        self.started.store(0, Ordering::Relaxed);
    }

    /// How long the message now on its way has been arriving.
    pub(super) fn arriving_for(&self) -> Option<Duration> {
        match self.started.load(Ordering::Relaxed) {
            0 => None,
            at => Some(
                self.epoch
                    .elapsed()
                    .saturating_sub(Duration::from_millis(at - 1)),
            ),
        }
    }
}

impl<S> Watched<S> {
    pub(super) fn new(inner: S) -> Watched<S> {
        Watched {
            inner,
            progress: Progress::new(),
        }
    }

    pub(super) fn get_ref(&self) -> &S {
        &self.inner
    }

    pub(super) fn progress(&self) -> &Arc<Progress> {
        &self.progress
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.progress.mark();
        }
        r
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// Opens the TCP connection of a `ws://`/`wss://` URL with keep-alive probes on (when asked):
/// a peer that vanished is then noticed in about `idle + 3 × interval`, not the kernel's
/// default of hours.
pub(super) async fn tcp_connect(
    url: &str,
    keepalive: Option<Duration>,
) -> Result<Watched<tokio::net::TcpStream>, String> {
    let uri: tokio_tungstenite::tungstenite::http::Uri =
        url.parse().map_err(|e| format!("{url}: {e}"))?;
    let host = uri
        .host()
        .ok_or_else(|| format!("{url}: no host"))?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let port = uri.port_u16().unwrap_or(match uri.scheme_str() {
        Some("wss") => 443,
        _ => 80,
    });
    let tcp = tokio::net::TcpStream::connect((host.as_str(), port))
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    let _ = tcp.set_nodelay(true);
    if let Some(idle) = keepalive {
        let interval = (idle / 3).max(Duration::from_secs(1));
        let ka = socket2::TcpKeepalive::new()
            .with_time(idle)
            .with_interval(interval)
            .with_retries(3);
        socket2::SockRef::from(&tcp)
            .set_tcp_keepalive(&ka)
            .map_err(|e| format!("{url}: setting TCP keep-alive: {e}"))?;
    }
    Ok(Watched::new(tcp))
}

/// What the session should do about liveness now.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Verdict {
    Fine,
    Ping,
    Dead(String),
}

/// A session's view of its server: when it last heard from it, the ping it is waiting on.
#[derive(Debug)]
pub(super) struct Liveness {
    last_heard: Instant,
    /// The first ping sent since the server was last heard from.
    pinged_at: Option<Instant>,
    /// The latest ping (pings repeat every heartbeat while the server stays silent).
    last_ping: Option<Instant>,
    /// The server answered a ping on this connection ([`PongCheck::Learned`]).
    answers_pings: bool,
    heartbeat_after: Duration,
    pong_timeout: Duration,
    check: PongCheck,
    frame_timeout: Duration,
}

impl Liveness {
    pub(super) fn new(cfg: &super::TmcConfig) -> Liveness {
        Liveness {
            last_heard: Instant::now(),
            pinged_at: None,
            last_ping: None,
            answers_pings: false,
            heartbeat_after: cfg.heartbeat_after,
            pong_timeout: cfg.pong_timeout,
            check: cfg.pong_check,
            frame_timeout: cfg.frame_timeout,
        }
    }

    /// How often [`Liveness::verdict`] should be asked: a fraction of the shortest deadline.
    pub(super) fn period(&self) -> Duration {
        (self
            .heartbeat_after
            .min(self.pong_timeout)
            .min(self.frame_timeout)
            / 4)
        .clamp(Duration::from_millis(10), Duration::from_secs(1))
    }

    /// A whole websocket message arrived; `pong` when it was a pong.
    pub(super) fn heard(&mut self, pong: bool) {
        if pong && self.pinged_at.is_some() {
            self.answers_pings = true;
        }
        self.last_heard = Instant::now();
        self.pinged_at = None;
        self.last_ping = None;
    }

    /// The session did not read for a while (its consumer was slow): what arrived meanwhile
    /// was not late, so every clock starts again.
    pub(super) fn resumed(&mut self, progress: &Progress) {
        self.last_heard = Instant::now();
        if self.pinged_at.is_some() {
            self.pinged_at = Some(self.last_heard);
            self.last_ping = Some(self.last_heard);
        }
        if progress.arriving_for().is_some() {
            progress.clear();
            progress.mark();
        }
    }

    pub(super) fn pinged(&mut self) {
        let now = Instant::now();
        self.pinged_at.get_or_insert(now);
        self.last_ping = Some(now);
    }

    /// Judged while the session is reading.
    pub(super) fn verdict(&self, progress: &Progress) -> Verdict {
        if let Some(t) = progress.arriving_for()
            && t > self.frame_timeout
        {
            return Verdict::Dead(format!(
                "a frame has been arriving for over {} ms (frame timeout)",
                self.frame_timeout.as_millis()
            ));
        }
        let enforced = match self.check {
            PongCheck::Off => false,
            PongCheck::Learned => self.answers_pings,
            PongCheck::Required => true,
        };
        if let Some(at) = self.pinged_at
            && enforced
            && at.elapsed() > self.pong_timeout
        {
            return Verdict::Dead(format!(
                "nothing from TMC within {} ms of a ping (pong timeout)",
                self.pong_timeout.as_millis()
            ));
        }
        // While the server stays silent, a ping every heartbeat.
        let since = self.last_ping.unwrap_or(self.last_heard);
        if since.elapsed() >= self.heartbeat_after {
            Verdict::Ping
        } else {
            Verdict::Fine
        }
    }
}
