//! Client configuration: builder, environment, retry policy. Secrets never reach `Debug`.

use crate::Secret;
use crate::decode::Format;
use crate::error::Error;
use crate::sign::SignMethod;
use crate::time::{Clock, SystemClock};
use std::sync::Arc;
use std::time::Duration;

/// TOP's production gateway (HTTPS).
pub const DEFAULT_GATEWAY: &str = "https://eco.taobao.com/router/rest";
/// TOP's plain-HTTP gateway.
pub const HTTP_GATEWAY: &str = "http://gw.api.taobao.com/router/rest";
/// TOP's sandbox gateway (HTTPS).
pub const SANDBOX_GATEWAY: &str = "https://gw.api.tbsandbox.com/router/rest";
/// The QIMEN gateway (production; the SDKs and docs give it as plain HTTP).
pub const QIMEN_GATEWAY: &str = "http://qimen.api.taobao.com/router/qimen/service";
/// The QIMEN sandbox gateway.
pub const QIMEN_SANDBOX_GATEWAY: &str = "http://qimenapi.tbsandbox.com/router/qimen/service";
/// Default cap on a response body.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// When and how often to try a call again.
///
/// A call is retried only when repeating it cannot do harm: always when the request provably
/// never reached the server (DNS, connect or TLS failed); after errors where TOP may already
/// have executed it (timeouts, HTTP 5xx/429, `isp.*` sub codes) only when the API is
/// idempotent (it only reads; the spec's `idempotent:`). Rate-limit bans are never retried
/// here (see [`ClientBuilder::wait_on_ban`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, including the first (1 = no retry).
    pub max_attempts: u32,
    /// Pause before the first retry; doubles each time, with jitter, up to `max_delay`.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// Also retry calls that are not idempotent after errors where TOP may have executed
    /// them, as the Java SDK's `AutoRetryTaobaoClient` does. A retried shipment, refund or
    /// memo may then happen twice. Off by default.
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Whether a failed attempt may be tried again under this policy.
    pub fn allows(&self, retry: crate::error::Retry, idempotent: bool) -> bool {
        use crate::error::Retry;
        match retry {
            Retry::NotSent => true,
            Retry::MaybeExecuted => idempotent || self.retry_non_idempotent,
            _ => false,
        }
    }

    /// Pause before retry number `retry` (1-based): exponential, with jitter in [d/2, d].
    pub fn delay(&self, retry: u32) -> Duration {
        use crate::backoff::{Jitter, delay};
        delay(self.base_delay, self.max_delay, retry, Jitter::Below)
    }
}

/// Everything a [`crate::Client`] needs.
#[derive(Clone)]
pub struct Config {
    pub gateway_url: String,
    /// Where batch calls go, when set ([`ClientBuilder::batch_url`]); see [`Config::batch_url`].
    pub(crate) batch_url: Option<String>,
    /// Where QIMEN calls go, when set ([`ClientBuilder::qimen_url`]); see [`Config::qimen_url`].
    pub(crate) qimen_url: Option<String>,
    pub app_key: String,
    pub(crate) app_secret: Secret<String>,
    pub sign_method: SignMethod,
    pub format: Format,
    pub simplify: bool,
    pub(crate) session: Option<Secret<String>>,
    pub target_app_key: Option<String>,
    pub partner_id: Option<String>,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
    /// Longest rate-limit ban to sleep through (once) before trying the call again; `None`
    /// (the default) returns [`Error::RateLimited`] at once.
    pub wait_on_ban: Option<Duration>,
    /// Call rates and ban handling held by the client ([`ClientBuilder::quotas`]).
    pub quotas: super::quota::Quotas,
    pub max_response_bytes: usize,
    pub clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("gateway_url", &self.gateway_url)
            .field("batch_url", &self.batch_url)
            .field("qimen_url", &self.qimen_url)
            .field("app_key", &self.app_key)
            .field("app_secret", &self.app_secret)
            .field("sign_method", &self.sign_method)
            .field("format", &self.format)
            .field("simplify", &self.simplify)
            .field("session", &self.session)
            .field("target_app_key", &self.target_app_key)
            .field("partner_id", &self.partner_id)
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("retry", &self.retry)
            .field("wait_on_ban", &self.wait_on_ban)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish_non_exhaustive()
    }
}

impl Config {
    /// The URL batch calls go to: the one set, else the gateway URL with `/router/rest`
    /// replaced by `/router/batch` (as the Java SDK derives one from the other).
    pub fn batch_url(&self) -> String {
        match &self.batch_url {
            Some(u) => u.clone(),
            None => replace_router(&self.gateway_url, "/router/batch"),
        }
    }

    /// The URL QIMEN calls go to: the one set, else [`QIMEN_GATEWAY`] for TOP's production
    /// gateways, [`QIMEN_SANDBOX_GATEWAY`] for the sandbox, else the gateway URL with
    /// `/router/rest` replaced by `/router/qimen/service` (a mock's).
    pub fn qimen_url(&self) -> String {
        match &self.qimen_url {
            Some(u) => u.clone(),
            None if self.gateway_url == SANDBOX_GATEWAY => QIMEN_SANDBOX_GATEWAY.into(),
            None if [DEFAULT_GATEWAY, HTTP_GATEWAY].contains(&self.gateway_url.as_str()) => {
                QIMEN_GATEWAY.into()
            }
            None => replace_router(&self.gateway_url, "/router/qimen/service"),
        }
    }
}

/// `url` with its `/router/rest` path replaced by `path` (appended when it has none).
fn replace_router(url: &str, path: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let base = base.strip_suffix('/').unwrap_or(base);
    let base = base.strip_suffix("/router/rest").unwrap_or(base);
    let mut out = format!("{base}{path}");
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// Builds a [`crate::Client`]: `Client::builder(app_key, app_secret).build()?`.
#[derive(Clone, Debug)]
pub struct ClientBuilder {
    config: Config,
}

impl ClientBuilder {
    pub fn new(app_key: impl Into<String>, app_secret: impl Into<String>) -> Self {
        ClientBuilder {
            config: Config {
                gateway_url: DEFAULT_GATEWAY.into(),
                batch_url: None,
                qimen_url: None,
                app_key: app_key.into(),
                app_secret: Secret::new(app_secret.into()),
                sign_method: SignMethod::default(),
                format: Format::default(),
                simplify: false,
                session: None,
                target_app_key: None,
                partner_id: None,
                connect_timeout: Duration::from_secs(15),
                request_timeout: Duration::from_secs(30),
                retry: RetryPolicy::default(),
                wait_on_ban: None,
                quotas: super::quota::Quotas::default(),
                max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
                clock: Arc::new(SystemClock),
            },
        }
    }

    pub fn gateway_url(mut self, url: impl Into<String>) -> Self {
        self.config.gateway_url = url.into();
        self
    }
    /// Where batch calls go (default: derived from the gateway URL).
    pub fn batch_url(mut self, url: impl Into<String>) -> Self {
        self.config.batch_url = Some(url.into());
        self
    }
    /// Where QIMEN calls go (default: see [`Config::qimen_url`]).
    pub fn qimen_url(mut self, url: impl Into<String>) -> Self {
        self.config.qimen_url = Some(url.into());
        self
    }
    pub fn sign_method(mut self, m: SignMethod) -> Self {
        self.config.sign_method = m;
        self
    }
    pub fn format(mut self, f: Format) -> Self {
        self.config.format = f;
        self
    }
    pub fn simplify(mut self, on: bool) -> Self {
        self.config.simplify = on;
        self
    }
    /// The user's authorization (`session`), for APIs that need one.
    pub fn session(mut self, session: impl Into<String>) -> Self {
        self.config.session = Some(Secret::new(session.into()));
        self
    }
    pub fn target_app_key(mut self, key: impl Into<String>) -> Self {
        self.config.target_app_key = Some(key.into());
        self
    }
    pub fn partner_id(mut self, id: impl Into<String>) -> Self {
        self.config.partner_id = Some(id.into());
        self
    }
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.config.connect_timeout = d;
        self
    }
    pub fn request_timeout(mut self, d: Duration) -> Self {
        self.config.request_timeout = d;
        self
    }
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.config.retry = policy;
        self
    }
    /// When TOP bans the app for at most `max` (code 7, "This ban will last for N more
    /// seconds"), sleep through the ban and try once more instead of failing. Longer bans,
    /// and bans whose length TOP does not state, fail at once with [`Error::RateLimited`].
    /// Call rates per app, API and session, held by the client for every handle, and how a
    /// call waits (or fails fast) for them; a code 7 ban pauses the scope it names for every
    /// handle in any case (see [`crate::quota`]).
    pub fn quotas(mut self, quotas: super::quota::Quotas) -> Self {
        self.config.quotas = quotas;
        self
    }

    pub fn wait_on_ban(mut self, max: Duration) -> Self {
        self.config.wait_on_ban = Some(max);
        self
    }
    pub fn max_response_bytes(mut self, n: usize) -> Self {
        self.config.max_response_bytes = n;
        self
    }
    /// Where "now" comes from for timestamps (tests inject a fixed clock).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.config.clock = clock;
        self
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn build(self) -> Result<crate::Client, Error> {
        crate::Client::from_config(self.config)
    }

    /// Reads `TOP_GATEWAY_URL TOP_APP_KEY TOP_APP_SECRET TOP_SESSION TOP_SIGN_METHOD TOP_FORMAT
    /// TOP_SIMPLIFY TOP_TARGET_APP_KEY TOP_PARTNER_ID`; `TOP_APP_KEY` and `TOP_APP_SECRET` are
    /// required. An invalid value names its variable.
    pub fn from_env() -> Result<ClientBuilder, Error> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// [`ClientBuilder::from_env`] over any source of variables.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<ClientBuilder, Error> {
        let need = |k: &str| {
            get(k)
                .filter(|v| !v.is_empty())
                .ok_or_else(|| Error::Config {
                    setting: k.to_string(),
                    message: "is not set".into(),
                })
        };
        let mut b = ClientBuilder::new(need("TOP_APP_KEY")?, need("TOP_APP_SECRET")?);
        let bad = |k: &str, m: String| Error::Config {
            setting: k.to_string(),
            message: m,
        };
        if let Some(url) = get("TOP_GATEWAY_URL").filter(|v| !v.is_empty()) {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(bad(
                    "TOP_GATEWAY_URL",
                    format!("`{url}` is not an http(s) URL"),
                ));
            }
            b = b.gateway_url(url);
        }
        if let Some(s) = get("TOP_SESSION").filter(|v| !v.is_empty()) {
            b = b.session(s);
        }
        if let Some(m) = get("TOP_SIGN_METHOD").filter(|v| !v.is_empty()) {
            b = b.sign_method(m.parse().map_err(|e| bad("TOP_SIGN_METHOD", e))?);
        }
        if let Some(f) = get("TOP_FORMAT").filter(|v| !v.is_empty()) {
            b = b.format(f.parse().map_err(|e| bad("TOP_FORMAT", e))?);
        }
        if let Some(s) = get("TOP_SIMPLIFY").filter(|v| !v.is_empty()) {
            let on = match s.to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" => true,
                "0" | "false" | "no" => false,
                _ => return Err(bad("TOP_SIMPLIFY", format!("`{s}` is not true or false"))),
            };
            b = b.simplify(on);
        }
        if let Some(k) = get("TOP_TARGET_APP_KEY").filter(|v| !v.is_empty()) {
            b = b.target_app_key(k);
        }
        if let Some(p) = get("TOP_PARTNER_ID").filter(|v| !v.is_empty()) {
            b = b.partner_id(p);
        }
        b.call_settings_from_lookup(get)
    }

    /// How calls are made, from `TOP_REQUEST_TIMEOUT_SECS` (each attempt's timeout, default
    /// 30), `TOP_MAX_ATTEMPTS` (attempts of a call, retries included, default 3) and
    /// `TOP_MAX_WAIT_SECS` (the longest a call waits for a ban or quota before it fails with
    /// `Error::Throttled`, default: as long as it takes); part of [`ClientBuilder::from_env`],
    /// and for a builder made otherwise (a tool's built-in mock).
    pub fn call_settings_from_lookup(
        mut self,
        get: impl Fn(&str) -> Option<String>,
    ) -> Result<ClientBuilder, Error> {
        let number = |k: &str, max: u64| -> Result<Option<u64>, Error> {
            let Some(v) = get(k).filter(|v| !v.trim().is_empty()) else {
                return Ok(None);
            };
            match v.trim().parse::<u64>() {
                Ok(n) if (1..=max).contains(&n) => Ok(Some(n)),
                _ => Err(Error::Config {
                    setting: k.to_string(),
                    message: format!(
                        "`{}` is not a whole number from 1 to {max}",
                        v.escape_debug()
                    ),
                }),
            }
        };
        if let Some(s) = number("TOP_REQUEST_TIMEOUT_SECS", 86_400)? {
            self = self.request_timeout(Duration::from_secs(s));
        }
        if let Some(n) = number("TOP_MAX_ATTEMPTS", 100)? {
            let retry = RetryPolicy {
                max_attempts: n as u32,
                ..self.config.retry.clone()
            };
            self = self.retry(retry);
        }
        if let Some(s) = number("TOP_MAX_WAIT_SECS", 86_400)? {
            let quotas = self.config.quotas.clone().max_wait(Duration::from_secs(s));
            self = self.quotas(quotas);
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_and_qimen_urls_follow_the_gateway() {
        let cfg = |url: &str| ClientBuilder::new("k", "s").gateway_url(url).config;
        let c = cfg(DEFAULT_GATEWAY);
        assert_eq!(c.batch_url(), "https://eco.taobao.com/router/batch");
        assert_eq!(c.qimen_url(), QIMEN_GATEWAY);
        assert_eq!(cfg(SANDBOX_GATEWAY).qimen_url(), QIMEN_SANDBOX_GATEWAY);
        let m = cfg("http://127.0.0.1:9/router/rest");
        assert_eq!(m.batch_url(), "http://127.0.0.1:9/router/batch");
        assert_eq!(m.qimen_url(), "http://127.0.0.1:9/router/qimen/service");
        assert_eq!(
            cfg("http://h/router/rest/?x=1").batch_url(),
            "http://h/router/batch?x=1"
        );
        let own = ClientBuilder::new("k", "s")
            .batch_url("http://b/x")
            .qimen_url("http://q/y")
            .config;
        assert_eq!(
            (own.batch_url(), own.qimen_url()),
            ("http://b/x".into(), "http://q/y".into())
        );
    }
    use std::collections::HashMap;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn env_values_and_errors_name_the_variable() {
        let b = ClientBuilder::from_lookup(lookup(&[
            ("TOP_APP_KEY", "k"),
            ("TOP_APP_SECRET", "s3cr3t"),
            ("TOP_SIGN_METHOD", "md5"),
            ("TOP_FORMAT", "xml"),
            ("TOP_SIMPLIFY", "true"),
            ("TOP_SESSION", "sess-value"),
        ]))
        .unwrap();
        assert_eq!(b.config().sign_method, SignMethod::Md5);
        assert_eq!(b.config().format, Format::Xml);
        assert!(b.config().simplify);
        let dbg = format!("{:?}", b);
        assert!(
            !dbg.contains("s3cr3t") && !dbg.contains("sess-value"),
            "{dbg}"
        );

        let e = ClientBuilder::from_lookup(lookup(&[
            ("TOP_APP_KEY", "k"),
            ("TOP_APP_SECRET", "s"),
            ("TOP_SIGN_METHOD", "sha1"),
        ]))
        .unwrap_err();
        assert!(e.to_string().contains("TOP_SIGN_METHOD"), "{e}");
        let e = ClientBuilder::from_lookup(lookup(&[("TOP_APP_KEY", "k")])).unwrap_err();
        assert!(e.to_string().contains("TOP_APP_SECRET"), "{e}");
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(300),
            ..RetryPolicy::default()
        };
        let d1 = p.delay(1);
        assert!(d1 >= Duration::from_millis(50) && d1 <= Duration::from_millis(100));
        let d3 = p.delay(3);
        assert!(d3 >= Duration::from_millis(150) && d3 <= Duration::from_millis(300));
        assert!(p.delay(60) <= Duration::from_millis(300));
    }
}
