//! The async client: sign, send, read, decode, retry.

mod config;
mod prepare;

pub use config::{
    ClientBuilder, Config, DEFAULT_GATEWAY, DEFAULT_MAX_RESPONSE_BYTES, HTTP_GATEWAY, RetryPolicy,
    SANDBOX_GATEWAY,
};
pub use prepare::{Body, Multipart, PreparedRequest};
use prepare::{Method, OwnedBody};

use crate::error::Error;
use crate::{TopRequest, TopResponse};
use std::sync::Arc;
use std::time::Instant;
use tracing::Instrument;

/// A TOP client. Cheap to clone (shares its connection pool).
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
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
        Ok(Client {
            inner: Arc::new(Inner {
                config,
                signer,
                system,
                http,
            }),
        })
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Validates, signs and encodes a request without sending it (one attempt's worth).
    pub fn prepare<R: TopRequest>(&self, request: &R) -> Result<PreparedRequest, Error> {
        let mut w = crate::params::ParamWriter::new();
        write_checked_params(request, &mut w)?;
        Ok(prepare::prepare(
            &self.inner.config,
            &self.inner.system,
            &self.inner.signer,
            const { Method::new(R::METHOD) },
            &w,
        ))
    }

    /// Calls the API: validated before any I/O, re-signed on each attempt, retried per the
    /// policy for transport errors, HTTP 5xx/429, `isp.*` sub codes and code 7.
    pub async fn execute<R: TopRequest>(&self, request: &R) -> Result<R::Response, Error> {
        let mut w = crate::params::ParamWriter::new();
        write_checked_params(request, &mut w)?;
        let schema = R::schema();
        let cfg = &self.inner.config;
        self.call(
            const { Method::new(R::METHOD) },
            &w,
            &|body| crate::decode::redacted_excerpt(body, schema),
            &|body| crate::decode::decode::<R::Response>(body, cfg.format, cfg.simplify, schema),
            &|r| r.request_id().map(str::to_string),
        )
        .await
    }

    /// Calls any method by name with text params, without typed bindings. Returns the response
    /// content (inside `<method>_response`) as JSON. Nothing is validated or masked locally.
    pub async fn execute_raw(
        &self,
        method: &str,
        params: impl IntoIterator<Item = (String, String)>,
    ) -> Result<serde_json::Value, Error> {
        let mut w = crate::params::ParamWriter::new();
        for (k, v) in params {
            w.put_text(k, v);
        }
        let key = crate::decode::response_key(method);
        let cfg = &self.inner.config;
        self.call(
            Method::new(method),
            &w,
            &|body| crate::error::excerpt(body, 200),
            &|body| crate::decode::decode_raw(body, cfg.format, &key),
            &|v| {
                v.get("request_id")
                    .and_then(|r| r.as_str())
                    .map(str::to_string)
            },
        )
        .await
    }

    async fn call<T>(
        &self,
        method: Method<'_>,
        w: &crate::params::ParamWriter<'_>,
        excerpt: &(dyn Fn(&[u8]) -> String + Sync),
        decode: &(dyn Fn(&[u8]) -> Result<T, Error> + Sync),
        request_id: &(dyn Fn(&T) -> Option<String> + Sync),
    ) -> Result<T, Error> {
        let cfg = &self.inner.config;
        let max = cfg.retry.max_attempts.max(1);
        let mut attempt = 1;
        loop {
            let span = tracing::info_span!(
                "top_call",
                method = method.name,
                attempt,
                request_id = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
                outcome = tracing::field::Empty,
            );
            let started = Instant::now();
            let prepared = prepare::prepare(cfg, &self.inner.system, &self.inner.signer, method, w);
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
                Ok(r) => request_id(r),
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
            match result {
                Err(e) if e.is_retryable() && attempt < max => {
                    let pause = cfg.retry.delay(attempt);
                    span.in_scope(|| {
                        tracing::info!(pause_ms = pause.as_millis() as u64, "retrying")
                    });
                    tokio::time::sleep(pause).await;
                    attempt += 1;
                }
                other => return other,
            }
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
        let body = read_capped(resp, cfg.max_response_bytes).await?;
        if !status.is_success() {
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

fn outcome_name(e: &Error) -> &'static str {
    match e {
        Error::Api(_) => "api_error",
        Error::InvalidRequest { .. } => "invalid_request",
        Error::Http { .. } => "http_error",
        Error::Transport { timeout: true, .. } => "timeout",
        Error::Transport { .. } => "transport_error",
        Error::Decode { .. } => "decode_error",
        Error::TooLarge { .. } => "too_large",
        _ => "error",
    }
}

/// reqwest errors without the URL: the query string holds the session.
fn transport(e: reqwest::Error) -> Error {
    let timeout = e.is_timeout();
    let e = e.without_url();
    let mut message = e.to_string();
    let mut src = std::error::Error::source(&e);
    while let Some(s) = src {
        message.push_str(": ");
        message.push_str(&s.to_string());
        src = s.source();
    }
    Error::Transport { message, timeout }
}

/// Reads the body, refusing (without buffering it) one larger than `cap`.
async fn read_capped(mut resp: reqwest::Response, cap: usize) -> Result<Vec<u8>, Error> {
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
