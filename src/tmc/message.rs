//! A data message pushed by TMC, read from its frame, and typed topics.

use super::{Frame, Value};
use crate::DateTime;
use std::fmt;
use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Largest inflated gzip content accepted (a bomb is refused, not expanded).
const MAX_INFLATED_BYTES: u64 = 16 * 1024 * 1024;

/// One message TMC pushed: its envelope fields and its content (inflated when it came gzipped).
///
/// A message from [`Messages`](super::Messages) is confirmed with [`Message::confirm`] or
/// handed back with [`Message::fail`]; one dropped without either is left to TMC, which
/// redelivers it later.
pub struct Message {
    /// The id to confirm (19 digits at most; exact).
    pub id: i64,
    /// e.g. `taobao_trade_TradeCreate`.
    pub topic: String,
    /// The content, JSON as the topic defines it (text as sent, gzip already inflated).
    pub content: String,
    /// The publisher's app key (`12497914` for Taobao's own topics).
    pub pub_app_key: Option<String>,
    pub user_id: Option<i64>,
    pub user_nick: Option<String>,
    /// Publish time, epoch milliseconds.
    pub pub_time: Option<i64>,
    /// When TMC pushed it out, epoch milliseconds.
    pub outgoing_time: Option<i64>,
    /// The business id (e.g. the `tid`), where TMC says it.
    pub data_id: Option<i64>,
    /// TMC sent it before (`retried`).
    pub redelivered: bool,
    /// The content came gzip-compressed (format 7).
    pub gzipped: bool,
    pub(crate) ack: Option<Ack>,
}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Content can carry buyer data; its size says enough in a log.
        f.debug_struct("Message")
            .field("id", &self.id)
            .field("topic", &self.topic)
            .field("content_bytes", &self.content.len())
            .field("pub_app_key", &self.pub_app_key)
            .field("user_id", &self.user_id)
            .field("pub_time", &self.pub_time)
            .field("redelivered", &self.redelivered)
            .finish_non_exhaustive()
    }
}

/// What a message still owes its connection: one confirm or fail, or a release on drop.
pub(crate) struct Ack {
    pub(crate) tx: tokio::sync::mpsc::UnboundedSender<super::command::Command>,
    pub(crate) done: AtomicBool,
}

/// A message that cannot be read from its frame (the frame itself decoded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageError {
    /// The message id when the frame had one.
    pub id: Option<i64>,
    pub message: String,
}

impl fmt::Display for MessageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.id {
            Some(id) => write!(f, "TMC message {id}: {}", self.message),
            None => write!(f, "TMC message: {}", self.message),
        }
    }
}

impl std::error::Error for MessageError {}

impl Message {
    /// Reads a data message (`SEND` with `__kind` 3) from its frame: `id` and `topic` are
    /// required, `content` a string or gzip bytes; the other fields are optional (and read as
    /// the official SDKs read them: `dataid` from an integer or decimal text).
    pub fn from_frame(frame: &Frame) -> Result<Message, MessageError> {
        let id = match frame.get("id") {
            Some(Value::Int64(v)) => Some(*v),
            Some(Value::Int32(v)) => Some(i64::from(*v)),
            Some(Value::String(s)) => s.parse().ok(),
            _ => None,
        };
        let fail = |message: String| MessageError { id, message };
        let id = id.ok_or_else(|| fail("no `id` (an Int64)".into()))?;
        let topic = match frame.get("topic") {
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            _ => return Err(fail("no `topic`".into())),
        };
        let (content, gzipped) = match frame.get("content") {
            Some(Value::String(s)) => (s.clone(), false),
            Some(Value::Void) | None => (String::new(), false),
            Some(Value::Bytes(b)) => (inflate(b).map_err(fail)?, true),
            Some(other) => return Err(fail(format!("`content` is {}", format_name(other)))),
        };
        let text = |k: &str| match frame.get(k) {
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            _ => None,
        };
        let int = |k: &str| match frame.get(k) {
            Some(Value::Int64(v) | Value::Date(v)) => Some(*v),
            Some(Value::Int32(v)) => Some(i64::from(*v)),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        };
        Ok(Message {
            id,
            topic,
            content,
            pub_app_key: text("publisher"),
            user_id: int("userid"),
            user_nick: text("nick"),
            pub_time: int("time"),
            outgoing_time: int("outtime"),
            data_id: int("dataid").or_else(|| int("data_id")),
            redelivered: matches!(frame.get("retried"), Some(Value::Byte(n)) if *n > 0),
            gzipped,
            ack: None,
        })
    }

    /// The content decoded into a set of typed topics (`topsdk_topics::Topic`: a variant per
    /// known topic, raw JSON for the rest).
    pub fn typed<T: Topics>(&self) -> Result<T, TopicError> {
        T::decode(&self.topic, &self.content)
    }

    /// The content parsed as JSON (whatever the topic).
    pub fn json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_str(&self.content)
    }

    /// [`Message::pub_time`] as a GMT+8 date-time.
    pub fn pub_time_gmt8(&self) -> Option<DateTime> {
        self.pub_time.map(DateTime::from_epoch_millis)
    }

    /// [`Message::outgoing_time`] as a GMT+8 date-time.
    pub fn outgoing_time_gmt8(&self) -> Option<DateTime> {
        self.outgoing_time.map(DateTime::from_epoch_millis)
    }

    /// Tells TMC the message was handled (`__kind` 2). Only the first confirm or fail of a
    /// message is sent. Sent on whichever connection is up: a message received before a
    /// reconnect is confirmed after it. An error means the client has shut down; the message
    /// is then redelivered.
    pub fn confirm(&self) -> Result<(), super::TmcError> {
        self.settle(super::command::Command::Confirm(self.id))
    }

    /// Tells TMC handling failed (`__kind` 20) with `reason` (cut to 128 characters, as the
    /// official SDKs do); TMC redelivers it later.
    pub fn fail(&self, reason: &str) -> Result<(), super::TmcError> {
        let reason: String = reason.chars().take(128).collect();
        self.settle(super::command::Command::Fail(self.id, reason))
    }

    fn settle(&self, cmd: super::command::Command) -> Result<(), super::TmcError> {
        let Some(ack) = &self.ack else {
            return Err(super::TmcError::Closed(
                "this message was not received by a client".into(),
            ));
        };
        if ack.done.swap(true, Ordering::AcqRel) {
            return Ok(());
        }
        ack.tx
            .send(cmd)
            .map_err(|_| super::TmcError::Closed("the client has shut down".into()))
    }
}

impl Drop for Message {
    fn drop(&mut self) {
        if let Some(ack) = &self.ack
            && !ack.done.load(Ordering::Acquire)
        {
            // Neither confirmed nor failed: the connection forgets it; TMC redelivers it.
            let _ = ack.tx.send(super::command::Command::Release(self.id));
        }
    }
}

fn inflate(bytes: &[u8]) -> Result<String, String> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .take(MAX_INFLATED_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("gzip content does not inflate: {e}"))?;
    if out.len() as u64 > MAX_INFLATED_BYTES {
        return Err(format!(
            "gzip content inflates past {MAX_INFLATED_BYTES} bytes"
        ));
    }
    String::from_utf8(out).map_err(|e| {
        format!(
            "gzip content is not UTF-8 (byte {})",
            e.utf8_error().valid_up_to()
        )
    })
}

fn format_name(v: &Value) -> &'static str {
    match v {
        Value::Void => "void",
        Value::String(_) => "a string",
        Value::Byte(_) => "a byte",
        Value::Int16(_) => "an int16",
        Value::Int32(_) => "an int32",
        Value::Int64(_) => "an int64",
        Value::Date(_) => "a date",
        Value::Bytes(_) => "a byte array",
    }
}

/// A set of typed topics, as generated by topgen (`topsdk_topics::Topic`).
pub trait Topics: Sized {
    /// The typed content of `topic`; an unknown topic gives the set's raw variant, a known one
    /// whose content does not fit its type an error.
    fn decode(topic: &str, content: &str) -> Result<Self, TopicError>;
}

/// A known topic's content that does not decode into its type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopicError {
    pub topic: String,
    /// Where in the content (`tid`, `orders[0].oid`) and what.
    pub message: String,
}

impl fmt::Display for TopicError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "content of topic `{}`: {}", self.topic, self.message)
    }
}

impl std::error::Error for TopicError {}

/// Decodes `content` as topic `topic`'s type `T` (what generated [`Topics`] impls call).
#[doc(hidden)]
pub fn decode_topic<T: serde::de::DeserializeOwned>(
    topic: &str,
    content: &str,
) -> Result<T, TopicError> {
    let de = &mut serde_json::Deserializer::from_str(content);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        TopicError {
            topic: topic.to_string(),
            message: if path == "." {
                inner.to_string()
            } else {
                format!("{path}: {inner}")
            },
        }
    })
}

/// The content of a topic outside the set: its name and JSON text (or plain text).
#[derive(Clone, Debug, PartialEq)]
pub struct RawTopic {
    pub topic: String,
    pub content: Arc<str>,
}

impl RawTopic {
    /// The content parsed as JSON.
    pub fn json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_str(&self.content)
    }
}

impl serde::Serialize for RawTopic {
    /// As the JSON it holds, or as a string when it is not JSON.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match serde_json::from_str::<&serde_json::value::RawValue>(&self.content) {
            Ok(raw) => raw.serialize(s),
            Err(_) => s.serialize_str(&self.content),
        }
    }
}
