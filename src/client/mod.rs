//! The async client: handles, routing by gateway, and the calls of each kind, all driven by
//! one orchestrator ([`operation`]: sign each attempt, send, read, decode, retry).

mod config;
mod operation;
mod prepare;
pub mod quota;

pub use config::{
    ClientBuilder, Config, DEFAULT_GATEWAY, DEFAULT_MAX_RESPONSE_BYTES, HTTP_GATEWAY,
    QIMEN_GATEWAY, QIMEN_SANDBOX_GATEWAY, RetryPolicy, SANDBOX_GATEWAY,
};
pub(crate) use operation::Operation;
#[cfg(feature = "oauth")]
pub(crate) use operation::{read_capped, transport};
pub use prepare::{Body, Multipart, PreparedRequest};
use prepare::{Method, SessionParam};

use crate::error::Error;
use crate::schema::{ApiSchema, Gateway};
use crate::{TopRequest, TopResponse};
use serde::de::DeserializeOwned;
use std::sync::Arc;

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
    /// Quotas and bans, shared by every handle.
    limiter: quota::Limiter,
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
        // Every endpoint checked here, so a bad one is a configuration error at once, not a
        // transport error (retried) at the first call.
        check_url("gateway_url", &config.gateway_url)?;
        check_url("batch_url", &config.batch_url())?;
        check_url("qimen_url", &config.qimen_url())?;
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
        let limiter = quota::Limiter::new(config.quotas.clone(), config.clock.clone());
        Ok(Client {
            inner: Arc::new(Inner {
                config,
                signer,
                system,
                http,
                limiter,
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
        let route = self.route(R::schema(), &w)?;
        Ok(self.prepare_attempt(&route, const { Method::new(R::METHOD) }, &w))
    }

    /// A call of an API by its schema, signed and encoded now, not sent (what the explorer
    /// shows of a call).
    pub(crate) fn prepare_schema(
        &self,
        schema: &'static ApiSchema,
        w: &crate::params::ParamWriter<'_>,
    ) -> Result<PreparedRequest, Error> {
        let route = self.route(schema, w)?;
        Ok(self.prepare_attempt(&route, Method::new(&schema.method), w))
    }

    /// A call of `method` with text params, signed and encoded now, not sent.
    pub(crate) fn prepare_raw(
        &self,
        method: &str,
        w: &crate::params::ParamWriter<'_>,
    ) -> PreparedRequest {
        self.prepare_rest(Method::new(method), w)
    }

    /// Calls the API: validated before any I/O, re-signed on each attempt, and retried per
    /// the [`RetryPolicy`]: after connect failures always, after timeouts, HTTP 5xx/429 and
    /// `isp.*` only when the API is idempotent (`R::IDEMPOTENT`); bans never (see
    /// [`ClientBuilder::wait_on_ban`]). An API of the QIMEN gateway goes there.
    pub async fn execute<R: TopRequest>(&self, request: &R) -> Result<R::Response, Error> {
        let mut w = crate::params::ParamWriter::new();
        write_checked_params(request, &mut w)?;
        self.call_api::<R::Response>(
            R::schema(),
            const { Method::new(R::METHOD) },
            R::IDEMPOTENT,
            &w,
            |r| r.request_id().map(str::to_string),
            crate::decode::decode::<R::Response>,
        )
        .await
    }

    /// A call of an API known by its schema alone, its params written and checked: the
    /// answer as a JSON tree (calls by name, [`crate::by_name`]).
    pub(crate) async fn call_schema(
        &self,
        schema: &'static ApiSchema,
        w: &crate::params::ParamWriter<'_>,
    ) -> Result<serde_json::Value, Error> {
        self.call_api::<serde_json::Value>(
            schema,
            Method::new(&schema.method),
            schema.idempotent,
            w,
            value_request_id,
            crate::decode::decode_value,
        )
        .await
    }

    /// Calls any method by name with text params, without typed bindings or a schema. Returns
    /// the response content (inside `<method>_response`) as JSON. Nothing is validated or
    /// masked locally. Counts as not idempotent (see [`Client::with_idempotent`]).
    pub async fn execute_raw(
        &self,
        method: &str,
        params: impl IntoIterator<Item = (String, String)>,
    ) -> Result<serde_json::Value, Error> {
        let mut w = crate::params::ParamWriter::new();
        for (k, v) in params {
            w.put_text(k, v);
        }
        let key = crate::schema::response_key(method);
        let cfg = &self.inner.config;
        let method = Method::new(method);
        self.run(&Operation {
            method: method.name,
            idempotent: false,
            prepare: &|| self.prepare_rest(method, &w),
            excerpt: &|body| crate::error::excerpt(body, 200),
            decode: &|body| crate::decode::decode_raw(body, cfg.format, cfg.simplify, &key),
            request_id: value_request_id,
        })
        .await
    }

    /// A call of an API by its schema: routed by the schema's gateway (TOP's router/rest, or
    /// QIMEN with the handle's `customerId`) and decoded into `T` by that gateway's rules
    /// (`decode` for router/rest's envelopes: typed, or as a tree).
    async fn call_api<T: DeserializeOwned + Send>(
        &self,
        schema: &'static ApiSchema,
        method: Method<'_>,
        idempotent: bool,
        w: &crate::params::ParamWriter<'_>,
        request_id: fn(&T) -> Option<String>,
        decode: fn(&[u8], crate::Format, bool, &ApiSchema) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let route = self.route(schema, w)?;
        let cfg = &self.inner.config;
        self.run(&Operation {
            method: method.name,
            idempotent,
            prepare: &|| self.prepare_attempt(&route, method, w),
            excerpt: &|body| crate::mask::redacted_excerpt(body, schema),
            decode: &|body| match route {
                Route::Rest => decode(body, cfg.format, cfg.simplify, schema),
                Route::Qimen { .. } => crate::qimen::decode::<T>(body, schema),
            },
            request_id,
        })
        .await
    }

    /// Where a call of `schema` goes, by its gateway (the one match on it): TOP's
    /// router/rest, or QIMEN with its XML body and this handle's `customerId` (both made
    /// before any I/O).
    fn route(
        &self,
        schema: &ApiSchema,
        w: &crate::params::ParamWriter<'_>,
    ) -> Result<Route<'_>, Error> {
        Ok(match schema.gateway {
            Gateway::Rest => Route::Rest,
            Gateway::Qimen => Route::Qimen {
                body: crate::qimen::request_xml(schema, w)?,
                customer_id: self.qimen_customer_id()?,
            },
        })
    }

    /// One attempt of a call on its route, signed now.
    fn prepare_attempt(
        &self,
        route: &Route<'_>,
        method: Method<'_>,
        w: &crate::params::ParamWriter<'_>,
    ) -> PreparedRequest {
        match route {
            Route::Rest => self.prepare_rest(method, w),
            Route::Qimen { body, customer_id } => {
                self.prepare_qimen(method.name, customer_id, body)
            }
        }
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

    /// One attempt of a QIMEN call: `customerId` and the method in the query, the XML body
    /// signed with the params (format `xml`, the SDKs' default: the reply in the body's own
    /// format).
    fn prepare_qimen(&self, method: &str, customer_id: &str, body: &str) -> PreparedRequest {
        self.prepare_signed(
            &self.inner.config.qimen_url(),
            crate::Format::Xml,
            &[("customerId", customer_id), ("method", method)],
            body.as_bytes().to_vec(),
            crate::qimen::CONTENT_TYPE,
            Vec::new(),
        )
    }

    /// The `customerId` a QIMEN call needs, before any I/O.
    fn qimen_customer_id(&self) -> Result<&str, Error> {
        self.customer_id().ok_or_else(|| {
            Error::missing_param(
                "customerId",
                "a QIMEN call needs the target's customerId: client.with_customer_id(..)",
            )
        })
    }

    /// One attempt of a call whose body is signed with its params (a batch, a QIMEN call):
    /// the system params of every route ([`prepare::fixed_system_params`] in `format`),
    /// `timestamp` (now, by the client's clock) and this handle's `session` when set, then
    /// `extra`, form the query of `url`, signed with `body` appended as the SDKs'
    /// `signTopRequestWithBody` does.
    pub(crate) fn prepare_signed(
        &self,
        url: &str,
        format: crate::Format,
        extra: &[(&str, &str)],
        body: Vec<u8>,
        content_type: &'static str,
        headers: Vec<(&'static str, String)>,
    ) -> PreparedRequest {
        let cfg = &self.inner.config;
        let timestamp = crate::time::gmt8_timestamp(cfg.clock.now());
        let mut params: Vec<(&str, &str)> = prepare::fixed_system_params(cfg, format)
            .into_iter()
            .filter_map(|(k, v)| Some((k, v?)))
            .collect();
        params.push(("timestamp", timestamp.as_str()));
        if let Some(s) = self.session.as_deref() {
            params.push(("session", s.value()));
        }
        params.extend_from_slice(extra);
        prepare::prepare_signed_body(
            url,
            &self.inner.signer,
            &mut params,
            body,
            content_type,
            headers,
        )
    }

    /// What the client's quotas did so far: waits, time waited, calls refused.
    pub fn quota_stats(&self) -> quota::QuotaStats {
        self.inner.limiter.stats()
    }

    /// The bans in force now for a call of `method` on this handle (app, API, its session),
    /// each with how long it lasts yet.
    pub fn ban_state(&self, method: &str) -> quota::BanState {
        self.inner.limiter.ban_state(method, self.session_key())
    }

    pub(crate) fn limiter(&self) -> &quota::Limiter {
        &self.inner.limiter
    }

    /// The handle's session, as the limiter keys it.
    pub(crate) fn session_key(&self) -> Option<u64> {
        self.session.as_ref().map(|s| s.key())
    }

    /// The handle's session, as sent.
    pub(crate) fn session_value(&self) -> Option<&str> {
        self.session.as_ref().map(|s| s.value())
    }

    /// The connection pool (the orchestrator's, and the OAuth endpoint's, which is not a
    /// gateway call).
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// This handle's retry policy (its own, else the config's).
    pub(crate) fn retry_policy(&self) -> &RetryPolicy {
        self.retry.as_deref().unwrap_or(&self.inner.config.retry)
    }

    /// Whether this handle says its calls are idempotent or not, whatever their spec says.
    pub(crate) fn idempotent_override(&self) -> Option<bool> {
        self.idempotent
    }
}

/// Where a call goes ([`Client::route`]).
enum Route<'a> {
    Rest,
    Qimen { body: String, customer_id: &'a str },
}

/// The request id of an answer read as JSON.
fn value_request_id(v: &serde_json::Value) -> Option<String> {
    v.get("request_id")
        .and_then(|r| r.as_str())
        .map(str::to_string)
}

/// Writes the request's params, checked against its spec before any I/O. (The writer is
/// filled in place: it holds a few params inline and is not cheap to move.)
fn write_checked_params<'a, R: TopRequest>(
    request: &'a R,
    w: &mut crate::params::ParamWriter<'a>,
) -> Result<(), Error> {
    request.write_params(w);
    crate::rules::check(R::schema(), w).map_err(Error::from)
}

/// An http(s) URL with a host, as the HTTP client will take it.
fn check_url(setting: &str, url: &str) -> Result<(), Error> {
    let bad = |why: String| Error::Config {
        setting: setting.into(),
        message: format!("`{}` {why}", url.escape_debug()),
    };
    let parsed = reqwest::Url::parse(url).map_err(|e| bad(format!("is not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(bad("is not an http(s) URL".into()));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(bad("has no host".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// spi-qimen.md §3.5 vector 1 is also `DefaultQimenClient`'s sign for that call (no
    /// `partner_id`): the client's query params and signature reproduce it.
    #[test]
    fn qimen_golden_vector_1_is_the_clients_sign() {
        let at = crate::DateTime::parse("2016-01-01 12:00:00")
            .unwrap()
            .to_system_time();
        let client = Client::builder("12345678", "helloworld")
            .sign_method(crate::SignMethod::Md5)
            .clock(Arc::new(crate::FixedClock(at)))
            .build()
            .unwrap();
        let body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><request><entryOrder>\
                    <entryOrderCode>E1</entryOrderCode></entryOrder></request>";
        assert_eq!(client.config().qimen_url(), QIMEN_GATEWAY);
        let p = client.prepare_qimen("taobao.qimen.entryorder.create", "stub-cust-code", body);
        assert_eq!(
            p.url(),
            "http://qimen.api.taobao.com/router/qimen/service?app_key=12345678&\
             customerId=stub-cust-code&format=xml&method=taobao.qimen.entryorder.create&\
             sign_method=md5&timestamp=2016-01-01+12%3A00%3A00&v=2.0&\
             sign=0915043459612FB6D3D2649B1FF09A7D"
        );
        match p.body() {
            Body::Text {
                content_type,
                bytes,
            } => assert_eq!(
                (content_type, bytes),
                (crate::qimen::CONTENT_TYPE, body.as_bytes())
            ),
            _ => panic!("a QIMEN body is text"),
        }
    }
}
