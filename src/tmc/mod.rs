//! TMC, the Taobao Message Channel (消息服务): the websocket over which TOP pushes messages
//! (orders, refunds, items...) to an app.
//!
//! - [`TmcClient`]: connects (CONNECT with the md5 sign), keeps the connection up (pull requests,
//!   pings, a dead connection noticed by TCP keep-alive, a frame deadline and, where the
//!   server answers pings, a pong deadline; reconnects with a fresh sign), and gives the messages as a bounded [`Messages`]
//!   stream or to a handler ([`TmcClient::run`]) with a concurrency limit; each [`Message`] is
//!   confirmed or failed back to TMC, never confirmed before its handler finished.
//! - [`Message::typed`]: the content as a typed topic (`topsdk_topics::Topic`, generated from
//!   the topic specs).
//! - [`Frame`]: the wire format (top-link version 2, byte for byte what the official SDKs send
//!   and read), and [`connect_sign`].
//!
//! The protocol, with its sources, is summarised in the repository's `protocol/tmc.md` notes.
//!
//! ```no_run
//! # async fn run() -> Result<(), topsdk::tmc::TmcError> {
//! use std::sync::Arc;
//! use topsdk::tmc::{Message, TmcClient};
//! let client = TmcClient::from_env()?; // TOP_APP_KEY, TOP_APP_SECRET, TOP_TMC_URL, TOP_TMC_GROUP
//! client
//!     .run(16, |msg: Arc<Message>| async move {
//!         println!("{} {}", msg.topic, msg.content);
//!         Ok::<(), std::io::Error>(()) // Ok confirms; Err fails it back for redelivery
//!     })
//!     .await
//! # }
//! ```

mod client;
mod command;
mod config;
mod connect;
mod error;
mod frame;
mod liveness;
mod message;
mod session;

pub use client::{Handle, Messages, TmcClient};
pub use config::{
    ConnectToken, DEFAULT_READ_AHEAD_BYTES, PRODUCTION_URL, SANDBOX_URL, TmcBuilder, TmcConfig,
};
pub use error::TmcError;
pub use frame::{Frame, FrameError, MessageType, Value};
pub use liveness::PongCheck;
pub use message::{Message, MessageError, RawTopic, TopicError, Topics, decode_topic};

/// The `sign` of a CONNECT: TOP's md5 signature over `app_key`, `group_name` and `timestamp`
/// (epoch milliseconds, as sent) only, uppercase hex.
pub fn connect_sign(app_secret: &str, app_key: &str, group_name: &str, timestamp: &str) -> String {
    let mut pairs = vec![
        ("app_key", app_key),
        ("group_name", group_name),
        ("timestamp", timestamp),
    ];
    crate::sign::sign(crate::SignMethod::Md5, app_secret, &mut pairs)
}

/// Message kinds (the `__kind` custom header, a byte).
pub(crate) mod kind {
    /// Client to server: ready, push the backlog.
    pub const PULL_REQUEST: u8 = 1;
    /// Client to server: message `id` handled.
    pub const CONFIRM: u8 = 2;
    /// A data message (server push) or a publish (client to server).
    pub const DATA: u8 = 3;
    /// Client to server: handling message `id` failed (`msg`, at most 128 chars): redeliver.
    pub const FAILED: u8 = 20;
}
