//! The one error type of the SDK. No variant carries a secret.

use std::fmt;
use std::time::Duration;

/// Everything a call can fail with.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The gateway answered with `error_response`.
    Api(ApiError),
    /// Rate limiting: code 7 or an `accesscontrol.*` sub code. TOP rejected the call without
    /// executing it and bans the app (or the API) for a while; calling again before the ban
    /// ends only extends it, so the client never retries this blindly (see
    /// [`crate::ClientBuilder::wait_on_ban`]).
    RateLimited {
        error: ApiError,
        /// The ban's length, from the message ("This ban will last for 71804 more seconds");
        /// `None` when the message does not say.
        retry_after: Option<Duration>,
    },
    /// Rejected before any I/O: a param breaks the spec (TOP's client-side codes 40/41).
    InvalidRequest {
        /// 40: missing required param; 41: a value breaks a rule.
        code: i64,
        param: String,
        message: String,
    },
    /// The gateway answered with a non-2xx status (and no `error_response`).
    Http { status: u16, excerpt: String },
    /// The gateway answered with a redirect (3xx), which TOP never does: the URL is wrong or
    /// a proxy is in the way. Not followed: that would re-send the signed call elsewhere.
    Redirect {
        status: u16,
        /// The `Location` header without its query string.
        location: String,
    },
    /// Connect, TLS, read or write failure, or a timeout.
    Transport {
        message: String,
        timeout: bool,
        /// The request provably never reached the server (DNS, TCP connect or TLS handshake
        /// failed), so retrying cannot repeat it, even for a write.
        before_send: bool,
    },
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
    /// A QIMEN call answered `<flag>failure</flag>`.
    Qimen(QimenError),
    /// Refused by the client's own quota or a ban it holds, before any I/O (with
    /// [`crate::quota::WhenLimited::Fail`]).
    Throttled {
        /// `app quota`, `API quota`, `session quota`, `app ban`, `API ban` or `session ban`.
        scope: String,
        /// When the call may go.
        retry_after: Duration,
    },
}

/// The failure a QIMEN reply reports (`<response><flag>failure</flag><code>..</code>
/// <message>..</message></response>`). The codes are the target system's own (text, not
/// TOP's numbers).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct QimenError {
    pub code: String,
    pub message: String,
}

impl fmt::Display for QimenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "QIMEN failure {}: {}", self.code, self.message)
    }
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
    /// An `isp.*` sub code: the platform failed, possibly after executing the call.
    pub fn is_platform_failure(&self) -> bool {
        self.sub_code
            .as_deref()
            .is_some_and(|s| s.starts_with("isp."))
    }

    /// Code 7 or an `accesscontrol.*` sub code: a rate-limit ban.
    pub fn is_rate_limit(&self) -> bool {
        self.code == 7
            || self
                .sub_code
                .as_deref()
                .is_some_and(|s| s.starts_with("accesscontrol."))
    }

    /// The ban's length as TOP words it: "This ban will last for 71804 more seconds", in
    /// `msg` or `sub_msg`.
    pub fn ban_length(&self) -> Option<Duration> {
        [Some(self.msg.as_str()), self.sub_msg.as_deref()]
            .into_iter()
            .flatten()
            .find_map(parse_ban_seconds)
            .map(Duration::from_secs)
    }
}

/// The N of "... last for N more second(s)" (case-insensitive).
fn parse_ban_seconds(text: &str) -> Option<u64> {
    let lower = text.to_ascii_lowercase();
    let at = lower.find("last for")? + "last for".len();
    let rest = lower[at..].trim_start();
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let after = rest[digits.len()..].trim_start();
    if digits.is_empty() || !(after.starts_with("more second") || after.starts_with("second")) {
        return None;
    }
    // More seconds than a u64 holds is "forever": the most there is (the client caps it).
    Some(digits.parse().unwrap_or(u64::MAX))
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
            Error::RateLimited { error, retry_after } => {
                write!(f, "rate limited: {error}")?;
                if let Some(d) = retry_after {
                    write!(f, " (banned for {} s more)", d.as_secs())?;
                }
                Ok(())
            }
            Error::Redirect { status, location } => write!(
                f,
                "HTTP {status} redirect to {location} (not followed: TOP does not redirect; \
                 check the gateway URL)"
            ),
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
            Error::Transport {
                message, timeout, ..
            } => {
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
            Error::Qimen(e) => e.fmt(f),
            Error::Throttled { scope, retry_after } => write!(
                f,
                "not sent: the client's {scope} holds calls for {} ms more",
                retry_after.as_millis()
            ),
        }
    }
}

impl std::error::Error for Error {}

/// What a failed attempt says about trying the call again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Retry {
    /// The request never reached the server: repeating it is safe, even for a write.
    NotSent,
    /// The server may have executed the call (timeout, 5xx, `isp.*`): safe to repeat only if
    /// the call is idempotent.
    MaybeExecuted,
    /// A rate-limit ban: wait for it to end (see [`Error::RateLimited`]).
    Banned,
    /// Trying again will fail the same way.
    Never,
}

/// An `error_response` as the error it is: [`Error::RateLimited`] for bans, else
/// [`Error::Api`].
impl From<ApiError> for Error {
    fn from(e: ApiError) -> Error {
        if e.is_rate_limit() {
            let retry_after = e.ban_length();
            Error::RateLimited {
                error: e,
                retry_after,
            }
        } else {
            Error::Api(e)
        }
    }
}

impl Error {
    /// Code 40, before any I/O: `param`, required, is missing (`message` says what to do).
    pub(crate) fn missing_param(param: impl Into<String>, message: impl Into<String>) -> Error {
        Error::InvalidRequest {
            code: 40,
            param: param.into(),
            message: message.into(),
        }
    }

    /// Code 41, before any I/O: the value of `param` breaks a rule.
    pub(crate) fn invalid_param(param: impl Into<String>, message: impl Into<String>) -> Error {
        Error::InvalidRequest {
            code: 41,
            param: param.into(),
            message: message.into(),
        }
    }

    /// Whether and when trying again may succeed.
    pub fn retry(&self) -> Retry {
        match self {
            Error::Api(e) if e.is_platform_failure() => Retry::MaybeExecuted,
            Error::RateLimited { .. } => Retry::Banned,
            Error::Http { status, .. } if *status >= 500 || *status == 429 => Retry::MaybeExecuted,
            Error::Transport {
                before_send: true, ..
            } => Retry::NotSent,
            Error::Transport { .. } => Retry::MaybeExecuted,
            _ => Retry::Never,
        }
    }

    /// Whether trying again (re-signed, after a pause) may succeed for an idempotent call.
    pub fn is_retryable(&self) -> bool {
        matches!(self.retry(), Retry::NotSent | Retry::MaybeExecuted)
    }

    /// The API error, if the gateway sent one (also for rate limiting).
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) | Error::RateLimited { error: e, .. } => Some(e),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: i64, sub: Option<&str>, msg: &str, sub_msg: Option<&str>) -> ApiError {
        ApiError {
            code,
            msg: msg.into(),
            sub_code: sub.map(Into::into),
            sub_msg: sub_msg.map(Into::into),
            request_id: None,
        }
    }

    #[test]
    fn bans_are_typed_with_their_length() {
        let e = Error::from(api(
            7,
            Some("accesscontrol.limited-by-app-access-count"),
            "App Call Limited",
            Some("This ban will last for 71804 more seconds"),
        ));
        match &e {
            Error::RateLimited { retry_after, .. } => {
                assert_eq!(*retry_after, Some(Duration::from_secs(71804)))
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(e.retry(), Retry::Banned);
        assert!(!e.is_retryable());
        assert!(e.to_string().contains("71804 s"), "{e}");
        let e = Error::from(api(7, None, "This ban will last for 1 more second", None));
        assert!(matches!(e, Error::RateLimited { retry_after: Some(d), .. } if d.as_secs() == 1));
        let e = Error::from(api(7, None, "App Call Limited", None));
        assert!(matches!(
            e,
            Error::RateLimited {
                retry_after: None,
                ..
            }
        ));
        let e = Error::from(api(
            15,
            Some("isp.remote-service-timeout"),
            "Remote service error",
            None,
        ));
        assert_eq!(e.retry(), Retry::MaybeExecuted);
        let e = Error::from(api(15, Some("isv.invalid-parameter"), "x", None));
        assert_eq!(e.retry(), Retry::Never);
        assert_eq!(
            parse_ban_seconds("ban will last for many more seconds"),
            None
        );
    }
}
