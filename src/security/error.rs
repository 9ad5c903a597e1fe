//! What buyer-data security fails with. No variant carries a key, a session, a plaintext or
//! a ciphertext: errors get logged.

use std::fmt;

/// Every failure of [`SecurityClient`](super::SecurityClient) and its parts.
#[derive(Debug)]
#[non_exhaustive]
pub enum SecurityError {
    /// A type name other than the six the official client knows.
    UnknownType(String),
    /// The text is not a stored value of the type (the official client would return it as it
    /// is, taking it for plaintext).
    NotCiphertext { reason: &'static str },
    /// A stored value whose layout is right but a part of it is not readable.
    Malformed {
        /// `version`, `AES field`, ...
        part: &'static str,
        reason: &'static str,
    },
    /// The AES field did not decrypt under the key of the version it names: its PKCS#7
    /// padding is not right. TOP's format has no MAC, so this is all that is detected: most
    /// values sealed under another key or damaged are caught, not all (a wrong key gives
    /// valid padding for about one value in 256, and damage before the last block leaves the
    /// padding intact); those decrypt without an error to other text (invalid UTF-8 read
    /// lossily, as the official client does). Check decrypted values where their shape is
    /// known (a phone's digits, a nick's length).
    WrongKey,
    /// A phone shorter than 11 characters: the official client leaves it in plaintext.
    PhoneTooShort { len: usize },
    /// A phone search wants exactly the last 4 digits.
    PhoneQuery { len: usize },
    /// A key of another length than 16, 24 or 32 bytes.
    KeyLength { len: usize },
    /// A key that is not standard base64.
    KeyEncoding,
    /// The platform has no key here: `taobao.top.secret.get` answered 20005 (no such
    /// version), the app is in beta, or the answer had no secret. (The official client
    /// returns the plaintext from `encrypt` then.)
    NoKey {
        /// The version asked for, when one was (a ciphertext's).
        version: Option<i64>,
    },
    /// A shop-level value (positive version) read without the shop's session or account.
    SessionRequired { version: i64 },
    /// A customer session that is not `"_"` followed by digits.
    CustomerSession,
    /// `taobao.top.secret.get` failed.
    Fetch(Box<crate::Error>),
    /// `taobao.top.secret.get` answered something unusable.
    BadAnswer { what: &'static str },
    /// The failure of one value in a response, with the field's path.
    At {
        path: String,
        error: Box<SecurityError>,
    },
    /// The same failure, met again by another value of one batch.
    Again(String),
}

impl SecurityError {
    /// Whether the session is invalid (codes 26, 27 or 53 with `invalid-sessionkey`, as the
    /// official `ErrorUtil.isInvalidSession`): stop using it until the shop authorizes again.
    pub fn is_invalid_session(&self) -> bool {
        match self {
            SecurityError::Fetch(e) => match e.as_ref() {
                crate::Error::Api(a) => {
                    matches!(a.code, 26 | 27 | 53)
                        && a.sub_code.as_deref() == Some("invalid-sessionkey")
                }
                _ => false,
            },
            SecurityError::At { error, .. } => error.is_invalid_session(),
            _ => false,
        }
    }

    /// A copy of a batch's shared failure for each value it stopped.
    pub(crate) fn again(e: &SecurityError) -> SecurityError {
        SecurityError::Again(e.to_string())
    }
}

impl fmt::Display for SecurityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecurityError::UnknownType(t) => write!(
                f,
                "unknown data type `{}` (nick, receiver_name, phone, simple, search, normal)",
                t.escape_debug()
            ),
            SecurityError::NotCiphertext { reason } => write!(f, "not ciphertext: {reason}"),
            SecurityError::Malformed { part, reason } => {
                write!(f, "malformed ciphertext: the {part} {reason}")
            }
            SecurityError::WrongKey => f.write_str(
                "the ciphertext does not decrypt under the key of its version (another key's value, or corrupted)",
            ),
            SecurityError::PhoneTooShort { len } => write!(
                f,
                "a phone of {len} characters is not encrypted (11 or more are; the official client would store it in plaintext)"
            ),
            SecurityError::PhoneQuery { len } => write!(
                f,
                "a phone search takes the last 4 digits, not {len} characters"
            ),
            SecurityError::KeyLength { len } => {
                write!(f, "a data key has 16, 24 or 32 bytes, not {len}")
            }
            SecurityError::KeyEncoding => f.write_str("the data key is not standard base64"),
            SecurityError::NoKey { version: Some(v) } => write!(
                f,
                "the platform has no data key of version {v} (taobao.top.secret.get: 20005, beta, or no secret)"
            ),
            SecurityError::NoKey { version: None } => f.write_str(
                "the platform has no data key (taobao.top.secret.get: 20005, beta, or no secret); nothing was encrypted",
            ),
            SecurityError::SessionRequired { version } => write!(
                f,
                "a shop-level ciphertext (version {version}) needs the session or customer account it was encrypted for"
            ),
            SecurityError::CustomerSession => {
                f.write_str("a customer session is `_` followed by the account's digits")
            }
            SecurityError::Fetch(e) => write!(f, "taobao.top.secret.get failed: {e}"),
            SecurityError::BadAnswer { what } => {
                write!(f, "taobao.top.secret.get answered badly: {what}")
            }
            SecurityError::At { path, error } => write!(f, "{path}: {error}"),
            SecurityError::Again(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for SecurityError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SecurityError::Fetch(e) => Some(e.as_ref()),
            SecurityError::At { error, .. } => Some(error.as_ref()),
            _ => None,
        }
    }
}
