//! What goes wrong with TMC.

use std::fmt;

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
