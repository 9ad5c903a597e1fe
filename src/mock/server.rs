//! The loopback server core both mocks run on: bind, an accept loop that serves each
//! connection on its own task, stop when dropped.
//!
//! Accept errors (a process out of file descriptors, most of all) back off, 5 ms doubling to
//! 1 s, instead of spinning: the connections being served are what frees descriptors.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};

/// A running loopback server; it stops accepting when dropped (connections being served end
/// as their handlers do, or with `on_stop`).
pub(crate) struct Loopback {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Loopback {
    /// Binds `addr` and serves each accepted connection with `serve`; `on_stop` runs once the
    /// accept loop has stopped.
    pub(crate) async fn start<F, Fut>(
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
            let mut pause = BACKOFF_MIN;
            loop {
                tokio::select! {
                    _ = &mut stopped => break,
                    accepted = listener.accept() => match accepted {
                        Ok((stream, _)) => {
                            pause = BACKOFF_MIN;
                            tokio::spawn(serve(stream));
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, pause_ms = pause.as_millis() as u64,
                                "mock server: accept failed; backing off");
                            tokio::select! {
                                _ = &mut stopped => break,
                                _ = tokio::time::sleep(pause) => {}
                            }
                            pause = (pause * 2).min(BACKOFF_MAX);
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

    pub(crate) fn addr(&self) -> SocketAddr {
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
pub(crate) fn ephemeral() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}
