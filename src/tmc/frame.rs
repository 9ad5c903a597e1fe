//! The top-link v2 frame: one websocket binary message of the TMC channel.
//!
//! ```text
//! Frame    := version:u8 type:u8 Header* 0x0000
//! Header   := kind:i16 ... (1 custom: name value, 2 status code i32, 3 status phrase,
//!             4 flag i32, 5 token)
//! String   := len:i32 utf8[len]            (len <= 0: empty)
//! Value    := format:u8 payload            (0 void, 1 string, 2 u8, 3 i16, 4 i32, 5 i64,
//!                                           6 date i64 epoch ms, 7 bytes len:i32 [len])
//! ```
//!
//! Little-endian throughout. Decoding never panics: a truncated or malformed frame, an unknown
//! header kind or value format, is an error naming the byte offset.

use std::fmt;

/// The four message types of top-link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageType {
    Connect,
    ConnectAck,
    Send,
    SendAck,
}

impl MessageType {
    fn code(self) -> u8 {
        match self {
            MessageType::Connect => 0,
            MessageType::ConnectAck => 1,
            MessageType::Send => 2,
            MessageType::SendAck => 3,
        }
    }

    fn from_code(code: u8) -> Option<MessageType> {
        Some(match code {
            0 => MessageType::Connect,
            1 => MessageType::ConnectAck,
            2 => MessageType::Send,
            3 => MessageType::SendAck,
            _ => return None,
        })
    }

    /// `CONNECT`, `CONNECTACK`, `SEND`, `SENDACK`.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageType::Connect => "CONNECT",
            MessageType::ConnectAck => "CONNECTACK",
            MessageType::Send => "SEND",
            MessageType::SendAck => "SENDACK",
        }
    }
}

/// A custom header's value, in the wire format it has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// Format 0: null.
    Void,
    /// Format 1 (an empty string is sent with length 0, which Java reads as null).
    String(String),
    /// Format 2 (`__kind` is one).
    Byte(u8),
    /// Format 3.
    Int16(i16),
    /// Format 4.
    Int32(i32),
    /// Format 5 (message ids, user ids).
    Int64(i64),
    /// Format 6: milliseconds since the Unix epoch.
    Date(i64),
    /// Format 7 (gzip content).
    Bytes(Vec<u8>),
}

/// One top-link message. Custom headers keep their order (the encoder writes them as given;
/// a decoder must not rely on any order, since Java's comes from a `HashMap`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// 2; other versions are refused by [`Frame::decode`].
    pub version: u8,
    pub message_type: MessageType,
    /// Present when > 0 (an error reply).
    pub status_code: i32,
    /// Present when non-empty.
    pub status_phrase: String,
    /// The request id a reply echoes; present when > 0.
    pub flag: i32,
    /// The session token from CONNECTACK; present when non-empty.
    pub token: String,
    pub headers: Vec<(String, Value)>,
}

impl Frame {
    /// A version-2 frame of `message_type` with no headers.
    pub fn new(message_type: MessageType) -> Frame {
        Frame {
            version: 2,
            message_type,
            status_code: 0,
            status_phrase: String::new(),
            flag: 0,
            token: String::new(),
            headers: Vec::new(),
        }
    }

    /// Adds a custom header (builder style).
    pub fn header(mut self, name: impl Into<String>, value: Value) -> Frame {
        self.headers.push((name.into(), value));
        self
    }

    /// Sets the session token (builder style).
    pub fn with_token(mut self, token: &str) -> Frame {
        self.token = token.to_string();
        self
    }

    /// The first custom header of that name.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// The wire bytes, in the official encoder's order: status code, status phrase, flag,
    /// token (each only when set), then the custom headers, then the end marker.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + self.headers.len() * 24);
        out.push(self.version);
        out.push(self.message_type.code());
        if self.status_code > 0 {
            out.extend_from_slice(&2i16.to_le_bytes());
            out.extend_from_slice(&self.status_code.to_le_bytes());
        }
        if !self.status_phrase.is_empty() {
            out.extend_from_slice(&3i16.to_le_bytes());
            put_string(&mut out, &self.status_phrase);
        }
        if self.flag > 0 {
            out.extend_from_slice(&4i16.to_le_bytes());
            out.extend_from_slice(&self.flag.to_le_bytes());
        }
        if !self.token.is_empty() {
            out.extend_from_slice(&5i16.to_le_bytes());
            put_string(&mut out, &self.token);
        }
        for (name, value) in &self.headers {
            out.extend_from_slice(&1i16.to_le_bytes());
            put_string(&mut out, name);
            put_value(&mut out, value);
        }
        out.extend_from_slice(&0i16.to_le_bytes());
        out
    }

    /// Reads one frame; the whole input must be that frame.
    pub fn decode(bytes: &[u8]) -> Result<Frame, FrameError> {
        let mut r = Reader { bytes, at: 0 };
        let version = r.u8("the version")?;
        if version != 2 {
            return Err(r.error_at(
                0,
                format!("version {version}: only top-link version 2 is supported"),
            ));
        }
        let code = r.u8("the message type")?;
        let message_type = MessageType::from_code(code)
            .ok_or_else(|| r.error_at(1, format!("unknown message type {code}")))?;
        let mut frame = Frame::new(message_type);
        loop {
            let at = r.at;
            match r.i16("a header kind")? {
                0 => break,
                1 => {
                    let name = r.string("a custom header's name")?;
                    let value = r.value()?;
                    frame.headers.push((name, value));
                }
                2 => frame.status_code = r.i32("the status code")?,
                3 => frame.status_phrase = r.string("the status phrase")?,
                4 => frame.flag = r.i32("the flag")?,
                5 => frame.token = r.string("the token")?,
                other => return Err(r.error_at(at, format!("unknown header kind {other}"))),
            }
        }
        if r.at != bytes.len() {
            return Err(r.error_at(
                r.at,
                format!(
                    "{} byte(s) after the end of the headers",
                    bytes.len() - r.at
                ),
            ));
        }
        Ok(frame)
    }
}

fn put_string(out: &mut Vec<u8>, s: &str) {
    // A frame is one websocket message: far below 2 GiB, so the length fits.
    out.extend_from_slice(&(s.len() as i32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

fn put_value(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Void => out.push(0),
        Value::String(s) => {
            out.push(1);
            put_string(out, s);
        }
        Value::Byte(b) => out.extend_from_slice(&[2, *b]),
        Value::Int16(n) => {
            out.push(3);
            out.extend_from_slice(&n.to_le_bytes());
        }
        Value::Int32(n) => {
            out.push(4);
            out.extend_from_slice(&n.to_le_bytes());
        }
        Value::Int64(n) => {
            out.push(5);
            out.extend_from_slice(&n.to_le_bytes());
        }
        Value::Date(ms) => {
            out.push(6);
            out.extend_from_slice(&ms.to_le_bytes());
        }
        Value::Bytes(b) => {
            out.push(7);
            out.extend_from_slice(&(b.len() as i32).to_le_bytes());
            out.extend_from_slice(b);
        }
    }
}

/// A frame that does not decode: what was wrong and at which byte.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameError {
    /// Offset of the first byte of the element that failed.
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TMC frame, byte {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for FrameError {}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn error_at(&self, offset: usize, message: String) -> FrameError {
        FrameError { offset, message }
    }

    fn take(&mut self, n: usize, what: &str) -> Result<&[u8], FrameError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        match end {
            Some(end) => {
                let s = &self.bytes[self.at..end];
                self.at = end;
                Ok(s)
            }
            None => Err(self.error_at(
                self.at,
                format!(
                    "truncated in {what}: {n} byte(s) needed, {} left",
                    self.bytes.len() - self.at
                ),
            )),
        }
    }

    fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], FrameError> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N, what)?);
        Ok(a)
    }

    fn u8(&mut self, what: &str) -> Result<u8, FrameError> {
        Ok(self.array::<1>(what)?[0])
    }

    fn i16(&mut self, what: &str) -> Result<i16, FrameError> {
        Ok(i16::from_le_bytes(self.array(what)?))
    }

    fn i32(&mut self, what: &str) -> Result<i32, FrameError> {
        Ok(i32::from_le_bytes(self.array(what)?))
    }

    fn i64(&mut self, what: &str) -> Result<i64, FrameError> {
        Ok(i64::from_le_bytes(self.array(what)?))
    }

    /// A length-prefixed run of bytes; a negative length is malformed.
    fn counted(&mut self, what: &str) -> Result<&[u8], FrameError> {
        let at = self.at;
        let len = self.i32(what)?;
        if len < 0 {
            return Err(self.error_at(at, format!("negative length {len} in {what}")));
        }
        self.take(len as usize, what)
    }

    /// Text as the official Java client reads it (`new String(bytes, "UTF-8")`): bytes that
    /// are not UTF-8 become U+FFFD, so such a message is delivered (and confirmed or failed by
    /// its handler) instead of being skipped and redelivered forever.
    fn string(&mut self, what: &str) -> Result<String, FrameError> {
        let at = self.at;
        let bytes = self.counted(what)?;
        Ok(match std::str::from_utf8(bytes) {
            Ok(s) => s.to_string(),
            Err(e) => {
                tracing::warn!(
                    what,
                    byte = at + 4 + e.valid_up_to(),
                    "TMC frame text is not UTF-8; read lossily"
                );
                String::from_utf8_lossy(bytes).into_owned()
            }
        })
    }

    fn value(&mut self) -> Result<Value, FrameError> {
        let at = self.at;
        Ok(match self.u8("a value format")? {
            0 => Value::Void,
            1 => Value::String(self.string("a string value")?),
            2 => Value::Byte(self.u8("a byte value")?),
            3 => Value::Int16(self.i16("an int16 value")?),
            4 => Value::Int32(self.i32("an int32 value")?),
            5 => Value::Int64(self.i64("an int64 value")?),
            6 => Value::Date(self.i64("a date value")?),
            7 => Value::Bytes(self.counted("a byte-array value")?.to_vec()),
            other => return Err(self.error_at(at, format!("unknown value format {other}"))),
        })
    }
}
