//! The TMC client: the message stream and the handler loop. The connection behind it
//! (connect, reconnect, frames both ways) is [`super::connect`] and [`super::session`].

use super::command::Command;
use super::message::Message;
use super::{TmcBuilder, TmcConfig, TmcError};
use futures_util::Stream;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use tokio::sync::{mpsc, oneshot};

/// A TMC consumer of one app and group.
///
/// ```no_run
/// # async fn run() -> Result<(), topsdk::tmc::TmcError> {
/// use futures_util::StreamExt;
/// let mut messages = topsdk::tmc::TmcClient::from_env()?.connect().await?;
/// while let Some(msg) = messages.next().await {
///     let msg = msg?;
///     println!("{} {}", msg.topic, msg.content);
///     msg.confirm()?;
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct TmcClient {
    pub(super) cfg: Arc<TmcConfig>,
}

impl TmcClient {
    pub fn builder(app_key: impl Into<String>, app_secret: impl Into<String>) -> TmcBuilder {
        TmcBuilder::new(app_key, app_secret)
    }

    /// A client from the `TOP_*` environment (see [`TmcBuilder::from_env`]).
    pub fn from_env() -> Result<TmcClient, TmcError> {
        Ok(TmcBuilder::from_env()?.build())
    }

    pub fn config(&self) -> &TmcConfig {
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
        let conn = super::connect::Connection::new(self.cfg.clone(), tx, cmd_tx.clone(), cmd_rx);
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

/// The messages of a connected [`TmcClient`], as a [`Stream`]. An `Err` item is fatal (the
/// stream ends after it) unless [`TmcError::is_fatal`] says otherwise.
pub struct Messages {
    /// Items with their bytes of the read-ahead budget, released when taken.
    rx: mpsc::Receiver<super::connect::Slot>,
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

    /// [`TmcClient::run`] on this stream.
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
        self.rx
            .poll_recv(cx)
            .map(|slot| slot.map(|(item, _budget)| item))
    }
}

impl Drop for Messages {
    fn drop(&mut self) {
        if self.task.is_some() {
            self.handle.shutdown();
        }
    }
}
