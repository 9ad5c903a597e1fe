//! The loopback server core both mocks run on, and any other local server (the explorer):
//! bind, an accept loop that serves each connection on its own task, stop when dropped;
//! [`Loopback::http`] serves HTTP/1.1 over it with hyper, each request to one handler, a
//! client that stalls before its headers cut off after a read timeout.
//!
//! Accept errors (a process out of file descriptors, most of all) back off, 5 ms doubling to
//! 1 s, instead of spinning: the connections being served are what frees descriptors.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};

/// The body of a response of [`Loopback::http`].
pub type HttpBody = http_body_util::combinators::BoxBody<bytes::Bytes, std::io::Error>;

/// A running loopback server; it stops accepting when dropped (connections being served end
/// as their handlers do, or with `on_stop`).
pub struct Loopback {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Loopback {
    /// Binds `addr` and serves each accepted connection with `serve`; `on_stop` runs once the
    /// accept loop has stopped.
    pub async fn start<F, Fut>(
        addr: SocketAddr,
        serve: F,
        on_stop: impl FnOnce() + Send + 'static,
    ) -> std::io::Result<Loopback>
    where
        F: Fn(TcpStream) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            // Accept errors in a row.
            let mut failures = 0u32;
            loop {
                tokio::select! {
                    _ = &mut stopped => break,
                    accepted = listener.accept() => match accepted {
                        Ok((stream, _)) => {
                            failures = 0;
                            tokio::spawn(serve(stream));
                        }
                        Err(e) => {
                            failures = failures.saturating_add(1);
                            let pause = crate::backoff::delay(
                                BACKOFF_MIN,
                                BACKOFF_MAX,
                                failures,
                                crate::backoff::Jitter::None,
                            );
                            tracing::warn!(error = %e, pause_ms = pause.as_millis() as u64,
                                "mock server: accept failed; backing off");
                            tokio::select! {
                                _ = &mut stopped => break,
                                _ = tokio::time::sleep(pause) => {}
                            }
                        }
                    },
                }
            }
            on_stop();
        });
        Ok(Loopback {
            addr,
            stop: Some(stop),
        })
    }

    /// Serves HTTP/1.1 on `addr`: each request to `handler`; a connection whose request
    /// headers do not arrive within `header_timeout` (read each time a connection asks) is
    /// closed.
    pub async fn http<H, Fut>(
        addr: SocketAddr,
        header_timeout: impl Fn() -> Duration + Send + Sync + 'static,
        handler: H,
    ) -> std::io::Result<Loopback>
    where
        H: Fn(hyper::Request<hyper::body::Incoming>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = hyper::Response<HttpBody>> + Send + 'static,
    {
        let shared = std::sync::Arc::new((handler, header_timeout));
        Loopback::start(
            addr,
            move |stream| {
                let shared = shared.clone();
                async move {
                    let timeout = (shared.1)();
                    let service = hyper::service::service_fn(move |req| {
                        let shared = shared.clone();
                        async move { Ok::<_, std::convert::Infallible>((shared.0)(req).await) }
                    });
                    // A client that hangs up mid-request is not the server's problem; one
                    // that stalls is cut off after the read timeout.
                    let _ = hyper::server::conn::http1::Builder::new()
                        .timer(hyper_util::rt::TokioTimer::new())
                        .header_read_timeout(timeout)
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                }
            },
            || {},
        )
        .await
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

const BACKOFF_MIN: Duration = Duration::from_millis(5);
const BACKOFF_MAX: Duration = Duration::from_secs(1);

impl Drop for Loopback {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// `127.0.0.1:0`: an ephemeral port of the loopback address.
pub fn ephemeral() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}
