//! The async client: sign, send, read, decode, retry.

mod config;
mod prepare;

pub use config::{
    ClientBuilder, Config, DEFAULT_GATEWAY, DEFAULT_MAX_RESPONSE_BYTES, HTTP_GATEWAY,
    QIMEN_GATEWAY, QIMEN_SANDBOX_GATEWAY, RetryPolicy, SANDBOX_GATEWAY,
};
pub(crate) use prepare::prepare_signed_body;
pub use prepare::{Body, Multipart, PreparedRequest};
use prepare::{Method, OwnedBody, SessionParam};

use crate::error::{Error, Retry};
use crate::{TopRequest, TopResponse};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::Instrument;

/// A TOP client. Cheap to clone: clones, and the handles [`Client::with_session`] and
/// [`Client::with_retry`] return, share one connection pool, TLS set-up and signer.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    /// The shop's `session` this handle calls with (the builder's by default).
    session: Option<Arc<SessionParam>>,
    /// This handle's retry policy, where it differs from the config's.
    retry: Option<Arc<RetryPolicy>>,
    /// Whether this handle's calls are idempotent, where the caller says so.
    idempotent: Option<bool>,
    /// The `customerId` of QIMEN calls (the owner or target system's code).
    customer_id: Option<Arc<str>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .field("session", &self.session.as_ref().map(|_| "***"))
            .field("retry", &self.retry)
            .field("idempotent", &self.idempotent)
            .field("customer_id", &self.customer_id)
            .finish_non_exhaustive()
    }
}

#[derive(Debug)]
struct Inner {
    config: Config,
    /// Keyed once from the config's secret and sign method.
    signer: crate::sign::Signer,
    /// The config's system params, encoded once.
    system: prepare::SystemParams,
    http: reqwest::Client,
}

/// A decoder that keeps what it decoded and returns the call's request id (`call_erased`).
type DecodeInto<'a> = dyn Fn(&[u8]) -> Result<Option<String>, Error> + Sync + 'a;

impl Client {
    pub fn builder(app_key: impl Into<String>, app_secret: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(app_key, app_secret)
    }

    /// A client configured from the `TOP_*` environment variables (see [`ClientBuilder::from_env`]).
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env()?.build()
    }

    pub fn from_config(config: Config) -> Result<Client, Error> {
        let http = reqwest::Client::builder()
            // TOP never redirects; following one would re-send the signed call elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .user_agent(concat!("topsdk-rust/", env!("CARGO_PKG_VERSION")))
            .gzip(true)
            .build()
            .map_err(|e| Error::Config {
                setting: "http client".into(),
                message: e.without_url().to_string(),
            })?;
        let signer = crate::sign::Signer::new(config.sign_method, config.app_secret.expose());
        let system = prepare::SystemParams::new(&config);
        let session = config
            .session
            .as_ref()
            .and_then(|s| SessionParam::new(s.expose()))
            .map(Arc::new);
        Ok(Client {
            inner: Arc::new(Inner {
                config,
                signer,
                system,
                http,
            }),
            session,
            retry: None,
            idempotent: None,
            customer_id: None,
        })
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// A handle that calls with `session`, one shop's authorization (a blank one means none).
    /// It shares this client's connection pool, TLS set-up and signer: an ISV keeps one
    /// `Client` and makes a handle per shop, per call if need be (one small allocation).
    pub fn with_session(&self, session: impl AsRef<str>) -> Client {
        Client {
            session: SessionParam::new(session.as_ref()).map(Arc::new),
            ..self.clone()
        }
    }

    /// A handle that calls without a session.
    pub fn without_session(&self) -> Client {
        Client {
            session: None,
            ..self.clone()
        }
    }

    /// A handle with its own retry policy: `client.with_retry(RetryPolicy::none()).execute(&req)`
    /// for one call that must not be repeated.
    pub fn with_retry(&self, policy: RetryPolicy) -> Client {
        Client {
            retry: Some(Arc::new(policy)),
            ..self.clone()
        }
    }

    /// A handle whose calls count as idempotent (`true`: safe to repeat after TOP may have
    /// executed them) or not, whatever their spec says. Untyped calls
    /// ([`Client::execute_raw`]) count as not idempotent unless a handle says otherwise.
    pub fn with_idempotent(&self, idempotent: bool) -> Client {
        Client {
            idempotent: Some(idempotent),
            ..self.clone()
        }
    }

    /// A handle whose QIMEN calls go to `customer_id` (the `customerId` of the QIMEN gateway:
    /// the owner's or target system's code). QIMEN APIs fail before any I/O without one.
    pub fn with_customer_id(&self, customer_id: impl AsRef<str>) -> Client {
        Client {
            customer_id: Some(Arc::from(customer_id.as_ref())),
            ..self.clone()
        }
    }

    /// This handle's QIMEN `customerId`.
    pub fn customer_id(&self) -> Option<&str> {
        self.customer_id.as_deref()
    }

    /// Whether this handle has a session.
    pub fn has_session(&self) -> bool {
        self.session.is_some()
    }

    /// Validates, signs and encodes a request without sending it (one attempt's worth).
    pub fn prepare<R: TopRequest>(&self, request: &R) -> Result<PreparedRequest, Error> {
        let mut w = crate::params::ParamWriter::new();
        write_checked_params(request, &mut w)?;
        if R::schema().gateway == crate::schema::Gateway::Qimen {
            return crate::qimen::prepare_request::<R>(self, &w);
        }
        Ok(self.prepare_rest(const { Method::new(R::METHOD) }, &w))
    }

    /// Calls the API: validated before any I/O, re-signed on each attempt, and retried per
    /// the [`RetryPolicy`]: after connect failures always, after timeouts, HTTP 5xx/429 and
    /// `isp.*` only when the API is idempotent (`R::IDEMPOTENT`); bans never (see
    /// [`ClientBuilder::wait_on_ban`]).
    pub async fn execute<R: TopRequest>(&self, request: &R) -> Result<R::Response, Error> {
        let mut w = crate::params::ParamWriter::new();
        write_checked_params(request, &mut w)?;
        let schema = R::schema();
        let cfg = &self.inner.config;
        if schema.gateway == crate::schema::Gateway::Qimen {
            return crate::qimen::execute::<R>(self, &w).await;
        }
        let method = const { Method::new(R::METHOD) };
        self.call(
            R::METHOD,
            R::IDEMPOTENT,
            &|| self.prepare_rest(method, &w),
            &|body| crate::mask::redacted_excerpt(body, schema),
            &|body| crate::decode::decode::<R::Response>(body, cfg.format, cfg.simplify, schema),
            &|r| r.request_id().map(str::to_string),
        )
        .await
    }

    /// Calls any method by name with text params, without typed bindings. Returns the response
    /// content (inside `<method>_response`) as JSON. Nothing is validated or masked locally.
    /// Counts as not idempotent (see [`Client::with_idempotent`]).
    pub async fn execute_raw(
        &self,
        method: &str,
        params: impl IntoIterator<Item = (String, String)>,
    ) -> Result<serde_json::Value, Error> {
        let mut w = crate::params::ParamWriter::new();
        for (k, v) in params {
            w.put_text(k, v);
        }
        self.execute_untyped(method, false, &w).await
    }

    /// A router/rest call of written params without typed bindings: the response content as
    /// JSON (`execute_raw`, and calls by schema).
    pub(crate) async fn execute_untyped(
        &self,
        method: &str,
        idempotent: bool,
        w: &crate::params::ParamWriter<'_>,
    ) -> Result<serde_json::Value, Error> {
        let key = crate::decode::response_key(method);
        let cfg = &self.inner.config;
        self.call(
            method,
            idempotent,
            &|| self.prepare_rest(Method::new(method), w),
            &|body| crate::error::excerpt(body, 200),
            &|body| crate::decode::decode_raw(body, cfg.format, cfg.simplify, &key),
            &|v| {
                v.get("request_id")
                    .and_then(|r| r.as_str())
                    .map(str::to_string)
            },
        )
        .await
    }

    fn prepare_rest(
        &self,
        method: Method<'_>,
        w: &crate::params::ParamWriter<'_>,
    ) -> PreparedRequest {
        prepare::prepare(
            &self.inner.config,
            &self.inner.system,
            &self.inner.signer,
            self.session.as_deref(),
            method,
            w,
        )
    }

    /// The connection pool (for the OAuth endpoint, which is not a gateway call).
    #[cfg(feature = "oauth")]
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// The signer, keyed once for the client.
    pub(crate) fn signer(&self) -> &crate::sign::Signer {
        &self.inner.signer
    }

    /// The system params of a call whose body is signed too (a batch, a QIMEN call), for
    /// [`prepare_signed_body`]: `app_key`, `format`, `sign_method`, `timestamp`, `v`, and
    /// `partner_id` and this handle's `session` when set. Each caller adds its own.
    pub(crate) fn body_signed_params<'a>(
        &'a self,
        format: &'a str,
        timestamp: &'a str,
    ) -> Vec<(&'a str, &'a str)> {
        let cfg = &self.inner.config;
        let mut params = vec![
            ("app_key", cfg.app_key.as_str()),
            ("format", format),
            ("sign_method", cfg.sign_method.as_str()),
            ("timestamp", timestamp),
            ("v", "2.0"),
        ];
        if let Some(p) = cfg.partner_id.as_deref() {
            params.push(("partner_id", p));
        }
        if let Some(s) = self.session.as_deref() {
            params.push(("session", s.value()));
        }
        params
    }

    /// One call with retries, tracing and error mapping: `prepare` gives each attempt's
    /// signed request (re-signed, fresh timestamp), `decode` reads a 2xx body.
    ///
    /// Generic only in this thin shell: the retry loop ([`Client::call_erased`]) is compiled
    /// once, not once per response type (which made every API's typed call, and so the CLI's
    /// dispatch table, slow to compile, in release most of all).
    pub(crate) async fn call<T: Send>(
        &self,
        method: &str,
        idempotent: bool,
        prepare: &(dyn Fn() -> PreparedRequest + Sync),
        excerpt: &(dyn Fn(&[u8]) -> String + Sync),
        decode: &(dyn Fn(&[u8]) -> Result<T, Error> + Sync),
        request_id: &(dyn Fn(&T) -> Option<String> + Sync),
    ) -> Result<T, Error> {
        let slot: std::sync::Mutex<Option<T>> = std::sync::Mutex::new(None);
        let decode_into = |body: &[u8]| -> Result<Option<String>, Error> {
            let value = decode(body)?;
            let id = request_id(&value);
            *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(value);
            Ok(id)
        };
        self.call_erased(method, idempotent, prepare, excerpt, &decode_into)
            .await?;
        slot.into_inner()
            .unwrap_or_else(|p| p.into_inner())
            .ok_or_else(|| Error::Decode {
                path: String::new(),
                message: "internal: a successful call left no decoded value".into(),
                excerpt: String::new(),
            })
    }

    /// [`Client::call`]'s loop; `decode` keeps the decoded value and returns its request id.
    async fn call_erased(
        &self,
        method: &str,
        idempotent: bool,
        prepare: &(dyn Fn() -> PreparedRequest + Sync),
        excerpt: &(dyn Fn(&[u8]) -> String + Sync),
        decode: &DecodeInto<'_>,
    ) -> Result<(), Error> {
        let cfg = &self.inner.config;
        let policy = self.retry.as_deref().unwrap_or(&cfg.retry);
        let idempotent = self.idempotent.unwrap_or(idempotent);
        let max = policy.max_attempts.max(1);
        // Attempts under the retry policy; a ban waited out is one more attempt besides.
        let mut retries = 1;
        let mut waited_out_ban = false;
        loop {
            let attempt = retries + u32::from(waited_out_ban);
            let span = tracing::info_span!(
                "top_call",
                method,
                attempt,
                request_id = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
                outcome = tracing::field::Empty,
            );
            let started = Instant::now();
            let prepared = prepare();
            let result = match self
                .send_once(prepared, excerpt)
                .instrument(span.clone())
                .await
            {
                Ok(body) => decode(&body),
                Err(e) => Err(e),
            };
            span.record("latency_ms", started.elapsed().as_millis() as u64);
            let rid = match &result {
                Ok(id) => id.clone(),
                Err(e) => e.api().and_then(|a| a.request_id.clone()),
            };
            if let Some(id) = &rid {
                span.record("request_id", id.as_str());
            }
            span.record(
                "outcome",
                result.as_ref().map_or_else(outcome_name, |_| "ok"),
            );
            span.in_scope(|| match &result {
                Ok(_) => tracing::debug!("call succeeded"),
                Err(e) => tracing::warn!(error = %e, "call failed"),
            });
            let error = match result {
                Ok(_) => return Ok(()),
                Err(e) => e,
            };
            let retry = error.retry();
            if retry == Retry::Banned
                && !waited_out_ban
                && let Some(ban) = ban_to_wait_out(&error, cfg.wait_on_ban)
            {
                waited_out_ban = true;
                span.in_scope(|| {
                    tracing::info!(
                        ban_ms = ban.as_millis() as u64,
                        "waiting out a rate-limit ban"
                    )
                });
                tokio::time::sleep(ban).await;
                continue;
            }
            if retries < max && policy.allows(retry, idempotent) {
                let pause = policy.delay(retries);
                span.in_scope(|| tracing::info!(pause_ms = pause.as_millis() as u64, "retrying"));
                tokio::time::sleep(pause).await;
                retries += 1;
                continue;
            }
            if retry == Retry::MaybeExecuted && !policy.allows(retry, idempotent) {
                span.in_scope(|| {
                    tracing::debug!("not retried: the call is not idempotent and may have run")
                });
            }
            return Err(error);
        }
    }

    /// One HTTP exchange; returns the body of a 2xx answer.
    async fn send_once(
        &self,
        prepared: PreparedRequest,
        excerpt: &(dyn Fn(&[u8]) -> String + Sync),
    ) -> Result<Vec<u8>, Error> {
        let cfg = &self.inner.config;
        let mut req = self.inner.http.post(prepared.url());
        req = match prepared.into_body() {
            OwnedBody::Text {
                content_type,
                headers,
                bytes,
            } => {
                for (k, v) in headers {
                    req = req.header(k, v);
                }
                req.header(reqwest::header::CONTENT_TYPE, content_type)
                    .body(bytes)
            }
            OwnedBody::Form(body) => req
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded;charset=utf-8",
                )
                .body(body),
            OwnedBody::Multipart(Multipart { text, files }) => {
                // Names and file names as raw UTF-8 (RFC 7578), not percent-encoded.
                let mut form = reqwest::multipart::Form::new().percent_encode_noop();
                for (k, v) in text {
                    form = form.text(k, v);
                }
                for (k, f) in files {
                    let part = reqwest::multipart::Part::bytes(f.bytes)
                        .file_name(f.file_name)
                        .mime_str(&f.mime_type)
                        .map_err(|e| Error::InvalidRequest {
                            code: 41,
                            param: k.clone(),
                            message: format!("bad MIME type: {}", e.without_url()),
                        })?;
                    form = form.part(k, part);
                }
                req.multipart(form)
            }
        };
        let resp = req.send().await.map_err(transport)?;
        let status = resp.status();
        if status.is_redirection() {
            let location = resp
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .unwrap_or("(no Location header)");
            // The query of a redirect may echo the session.
            let location = location.split(['?', '#']).next().unwrap_or_default();
            return Err(Error::Redirect {
                status: status.as_u16(),
                location: location.to_string(),
            });
        }
        let body = read_capped(resp, cfg.max_response_bytes).await?;
        if !status.is_success() {
            // Gateways and proxies answer some errors with a 4xx/5xx that still holds TOP's
            // `error_response`: it says more than the status.
            if let Some(api) = crate::decode::error_response(&body) {
                return Err(Error::from_api(api));
            }
            return Err(Error::Http {
                status: status.as_u16(),
                excerpt: excerpt(&body),
            });
        }
        Ok(body)
    }
}

/// Writes the request's params, checked against its spec before any I/O. (The writer is
/// filled in place: it holds a few params inline and is not cheap to move.)
fn write_checked_params<'a, R: TopRequest>(
    request: &'a R,
    w: &mut crate::params::ParamWriter<'a>,
) -> Result<(), Error> {
    request.write_params(w);
    crate::params::validate(R::schema(), w)
}

/// How long to sleep before trying a banned call again, when the ban is short enough to wait.
fn ban_to_wait_out(error: &Error, max: Option<Duration>) -> Option<Duration> {
    match (error, max) {
        (
            Error::RateLimited {
                retry_after: Some(ban),
                ..
            },
            Some(max),
        ) if *ban <= max => {
            // TOP counts whole seconds; a little more makes sure the ban is over.
            Some(*ban + Duration::from_millis(100))
        }
        _ => None,
    }
}

fn outcome_name(e: &Error) -> &'static str {
    match e {
        Error::Api(_) => "api_error",
        Error::RateLimited { .. } => "rate_limited",
        Error::Redirect { .. } => "redirect",
        Error::InvalidRequest { .. } => "invalid_request",
        Error::Http { .. } => "http_error",
        Error::Transport { timeout: true, .. } => "timeout",
        Error::Transport { .. } => "transport_error",
        Error::Decode { .. } => "decode_error",
        Error::TooLarge { .. } => "too_large",
        Error::Qimen(_) => "qimen_failure",
        _ => "error",
    }
}

/// reqwest errors without the URL: the query string holds the session.
pub(crate) fn transport(e: reqwest::Error) -> Error {
    let timeout = e.is_timeout();
    // Connect errors (DNS, TCP, TLS handshake) come before any byte of the request is sent.
    let before_send = e.is_connect();
    let e = e.without_url();
    let mut message = e.to_string();
    let mut src = std::error::Error::source(&e);
    while let Some(s) = src {
        message.push_str(": ");
        message.push_str(&s.to_string());
        src = s.source();
    }
    Error::Transport {
        message,
        timeout,
        before_send,
    }
}

/// Reads the body, refusing (without buffering it) one larger than `cap`.
pub(crate) async fn read_capped(mut resp: reqwest::Response, cap: usize) -> Result<Vec<u8>, Error> {
    if resp.content_length().is_some_and(|n| n > cap as u64) {
        return Err(Error::TooLarge { limit: cap });
    }
    let mut body = Vec::with_capacity(resp.content_length().unwrap_or(0).min(cap as u64) as usize);
    while let Some(chunk) = resp.chunk().await.map_err(transport)? {
        if body.len() + chunk.len() > cap {
            return Err(Error::TooLarge { limit: cap });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
