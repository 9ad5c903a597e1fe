//! The one error type of the SDK. No variant carries a secret.

use std::fmt;

/// Everything a call can fail with.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The gateway answered with `error_response`.
    Api(ApiError),
    /// Rejected before any I/O: a param breaks the spec (TOP's client-side codes 40/41).
    InvalidRequest {
        /// 40: missing required param; 41: a value breaks a rule.
        code: i64,
        param: String,
        message: String,
    },
    /// The gateway answered with a non-2xx status.
    Http { status: u16, excerpt: String },
    /// Connect, TLS, read or write failure, or a timeout.
    Transport { message: String, timeout: bool },
    /// The body did not fit the expected shape.
    Decode {
        /// Field path inside the response, e.g. `kongur_oss_result_do.datas[0].success`.
        path: String,
        message: String,
        excerpt: String,
    },
    /// The body was larger than the configured cap.
    TooLarge { limit: usize },
    /// Invalid configuration (names the setting or environment variable).
    Config { setting: String, message: String },
}

/// TOP's `error_response`.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ApiError {
    pub code: i64,
    pub msg: String,
    pub sub_code: Option<String>,
    pub sub_msg: Option<String>,
    pub request_id: Option<String>,
}

impl ApiError {
    /// `isp.*` sub codes are the platform's fault, and rate limiting (7) passes: both retryable.
    pub fn is_retryable(&self) -> bool {
        self.code == 7
            || self
                .sub_code
                .as_deref()
                .is_some_and(|s| s.starts_with("isp."))
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TOP error {} ({})", self.code, self.msg)?;
        if let Some(s) = &self.sub_code {
            write!(f, " {s}")?;
        }
        if let Some(s) = &self.sub_msg {
            write!(f, ": {s}")?;
        }
        if let Some(r) = &self.request_id {
            write!(f, " [request_id {r}]")?;
        }
        Ok(())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => e.fmt(f),
            Error::InvalidRequest {
                code,
                param,
                message,
            } => {
                write!(
                    f,
                    "invalid request (code {code}): param `{param}`: {message}"
                )
            }
            Error::Http { status, excerpt } => write!(f, "HTTP {status} from gateway: {excerpt}"),
            Error::Transport { message, timeout } => {
                if *timeout {
                    write!(f, "timed out: {message}")
                } else {
                    write!(f, "transport error: {message}")
                }
            }
            Error::Decode {
                path,
                message,
                excerpt,
            } => {
                if path.is_empty() {
                    write!(
                        f,
                        "cannot decode response: {message}; body starts: {excerpt}"
                    )
                } else {
                    write!(
                        f,
                        "cannot decode response at `{path}`: {message}; body starts: {excerpt}"
                    )
                }
            }
            Error::TooLarge { limit } => write!(f, "response larger than the {limit}-byte limit"),
            Error::Config { setting, message } => write!(f, "invalid {setting}: {message}"),
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    /// Whether trying again (re-signed, after a pause) may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => e.is_retryable(),
            Error::Http { status, .. } => *status >= 500 || *status == 429,
            Error::Transport { .. } => true,
            _ => false,
        }
    }

    /// The API error, if the gateway sent one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }
}

/// At most `max` chars of `body`, for error messages.
pub(crate) fn excerpt(body: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(max * 4)]);
    let mut out: String = text.chars().take(max).collect();
    if text.chars().count() > max || body.len() > max * 4 {
        out.push('…');
    }
    out
}
