//! The one orchestrator every kind of call goes through (REST, QIMEN, batch, by schema), as
//! smithy's keeps serializing, sending, retrying and deserializing apart: an [`Operation`]
//! says how each attempt is prepared (signed afresh) and how a 2xx body is decoded;
//! [`Client::run`] sends it under the retry policy, with tracing and error mapping.

use super::prepare::{Multipart, OwnedBody, PreparedRequest};
use super::{Client, RetryPolicy};
use crate::error::{Error, Retry};
use std::time::{Duration, Instant};
use tracing::Instrument;

/// One call, as the orchestrator drives it.
pub(crate) struct Operation<'a, T> {
    /// The TOP method (or `batch of N`), for tracing.
    pub method: &'a str,
    /// Whether repeating it is harmless after TOP may have run it (a handle may override).
    pub idempotent: bool,
    /// One attempt's signed request (called again for each retry: a fresh timestamp).
    pub prepare: &'a (dyn Fn() -> PreparedRequest + Sync),
    /// A 2xx body: the value, or the error it holds.
    pub decode: &'a (dyn Fn(&[u8]) -> Result<T, Error> + Sync),
    /// A body for an error message (sensitive values masked).
    pub excerpt: &'a (dyn Fn(&[u8]) -> String + Sync),
    /// The gateway's id of the call, from the decoded value.
    pub request_id: fn(&T) -> Option<String>,
}

/// A decoder that keeps what it decoded and returns the call's request id (`run_erased`).
type DecodeInto<'a> = dyn Fn(&[u8]) -> Result<Option<String>, Error> + Sync + 'a;

impl Client {
    /// Runs an operation: attempts under the retry policy, each traced (`top_call` span with
    /// method, attempt, request id, latency and outcome).
    ///
    /// Generic only in this thin shell: the retry loop ([`Client::run_erased`]) is compiled
    /// once, not once per response type (which made every API's typed call slow to compile,
    /// in release most of all).
    pub(crate) async fn run<T: Send>(&self, op: &Operation<'_, T>) -> Result<T, Error> {
        let slot: std::sync::Mutex<Option<T>> = std::sync::Mutex::new(None);
        let decode_into = |body: &[u8]| -> Result<Option<String>, Error> {
            let value = (op.decode)(body)?;
            let id = (op.request_id)(&value);
            *crate::sync::lock(&slot) = Some(value);
            Ok(id)
        };
        self.run_erased(
            op.method,
            op.idempotent,
            op.prepare,
            op.excerpt,
            &decode_into,
        )
        .await?;
        slot.into_inner()
            .unwrap_or_else(|p| p.into_inner())
            .ok_or_else(|| Error::Decode {
                path: String::new(),
                message: "internal: a successful call left no decoded value".into(),
                excerpt: String::new(),
            })
    }

    /// [`Client::run`]'s loop; `decode` keeps the decoded value and returns its request id.
    async fn run_erased(
        &self,
        method: &str,
        idempotent: bool,
        prepare: &(dyn Fn() -> PreparedRequest + Sync),
        excerpt: &(dyn Fn(&[u8]) -> String + Sync),
        decode: &DecodeInto<'_>,
    ) -> Result<(), Error> {
        let cfg = self.config();
        let policy: &RetryPolicy = self.retry_policy();
        let idempotent = self.idempotent_override().unwrap_or(idempotent);
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
            // The client's quota (and any ban it holds) before each attempt.
            self.limiter().acquire(method, self.session_key()).await?;
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
            if let Error::RateLimited { error, retry_after } = &error {
                self.limiter().ban(
                    method,
                    self.session_key(),
                    error.sub_code.as_deref(),
                    *retry_after,
                );
            }
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
        let cfg = self.config();
        let mut req = self.http().post(prepared.url());
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
                        .map_err(|e| {
                            Error::invalid_param(&k, format!("bad MIME type: {}", e.without_url()))
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
                return Err(Error::from(api));
            }
            return Err(Error::Http {
                status: status.as_u16(),
                // An error page may echo the request URL, which holds the session.
                excerpt: mask_session(excerpt(&body), self.session_value()),
            });
        }
        Ok(body)
    }
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
            Some(ban.saturating_add(Duration::from_millis(100)))
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

/// `text` with the session, as it is and as it rides in a URL, replaced by `***`.
fn mask_session(text: String, session: Option<&str>) -> String {
    let Some(s) = session else { return text };
    let encoded: String = form_urlencoded::byte_serialize(s.as_bytes()).collect();
    let mut out = text.replace(s, "***");
    if encoded != s {
        out = out.replace(&encoded, "***");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::mask_session;

    #[test]
    fn an_echoed_session_is_masked() {
        let s = Some("6201+ab/c");
        let page = "<p>GET /router/rest?session=6201%2Bab%2Fc failed; session 6201+ab/c</p>";
        assert_eq!(
            mask_session(page.into(), s),
            "<p>GET /router/rest?session=*** failed; session ***</p>"
        );
        assert_eq!(mask_session(page.into(), None), page);
    }
}
