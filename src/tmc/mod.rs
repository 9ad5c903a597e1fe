//! TMC, the Taobao Message Channel (消息服务): the websocket over which TOP pushes messages
//! (orders, refunds, items...) to an app.
//!
//! This module has the channel's wire format, [`Frame`] (top-link version 2, byte for byte
//! what the official SDKs send and read), and the connect signature. The protocol, with its
//! sources, is summarised in the repository's `protocol/tmc.md` notes.

mod frame;

pub use frame::{Frame, FrameError, MessageType, Value};

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
pub mod kind {
    /// Client to server: ready, push the backlog.
    pub const PULL_REQUEST: u8 = 1;
    /// Client to server: message `id` handled.
    pub const CONFIRM: u8 = 2;
    /// A data message (server push) or a publish (client to server).
    pub const DATA: u8 = 3;
    /// Client to server: handling message `id` failed (`msg`, at most 128 chars): redeliver.
    pub const FAILED: u8 = 20;
}
