//! What a message, a handle or a stream asks the connection task to do.

use super::TmcError;
use tokio::sync::oneshot;

/// What a [`Messages`](super::Messages) stream's connection task is asked to do.
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
