//! A TOP gateway on loopback, for tests and the CLI's embedded default.
//!
//! It checks what TOP checks (app key, method, version, timestamp within 10 minutes of GMT+8,
//! signature with md5/hmac/hmac-sha256, required params) and answers with each API's
//! documented sample in the requested format, or with TOP's error codes.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! // Serves the APIs you pass: a category package's `APIS` (here the seed's, in `topsdk`).
//! let mock = topsdk::mock::MockGateway::start(topsdk::kongur::APIS, "test-key", "test-secret").await?;
//! let client = topsdk::Client::builder("test-key", "test-secret").gateway_url(mock.url()).build();
//! # Ok(()) }
//! ```

mod auth;
mod batch;
mod gateway;
mod journal;
mod multipart;
mod qimen;
mod render;
#[cfg(feature = "security")]
mod security;
mod server;
#[cfg(feature = "tmc")]
mod tmc;

pub use auth::RefreshStats;
pub use gateway::TIMESTAMP_TOLERANCE_SECS;
pub use journal::Recorded;
#[cfg(feature = "tmc")]
pub use tmc::{MockTmc, Published, TmcQueue, TmcStats};

use crate::schema::{ApiSchema, LazySchema};
use crate::sync::lock;
use crate::{ApiError, Format, Secret};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming as HyperBody};
use hyper::{Request, Response, StatusCode};
pub use server::{HttpBody, Loopback, ephemeral};
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// Largest request body the mock reads.
const MAX_REQUEST_BYTES: usize = 64 * 1024 * 1024;

/// A reply the mock gives instead of the sample (after the request passed the gateway checks).
#[derive(Clone, Debug)]
pub enum Reply {
    /// The documented sample (the default).
    Sample,
    /// An `error_response` in the requested format.
    Error(ApiError),
    /// A raw HTTP answer.
    Raw {
        status: u16,
        content_type: String,
        body: Vec<u8>,
    },
    /// `then`, after a pause.
    Slow { delay: Duration, then: Box<Reply> },
    /// Declares `declared_len` bytes, sends `body`, then drops the connection.
    Truncated { declared_len: usize, body: Vec<u8> },
}

struct State {
    apis: Vec<&'static LazySchema>,
    app_key: String,
    app_secret: Secret<String>,
    once: Mutex<HashMap<String, VecDeque<Reply>>>,
    always: Mutex<HashMap<String, Reply>>,
    recorded: journal::Journal,
    /// Seconds added to the gateway's clock (to test clients against a skewed gateway).
    clock_offset_secs: std::sync::atomic::AtomicI64,
    /// Milliseconds a peer has to send a request's headers (also: to start the next request
    /// on a kept-alive connection) and, again, its body.
    read_timeout_ms: std::sync::atomic::AtomicU64,
    /// Refresh tokens issued by the mock's `taobao.top.auth.token.*`, with their shop.
    refresh_tokens: Mutex<auth::RefreshTokens>,
    /// The message queue `taobao.tmc.*` calls work on, when attached.
    #[cfg(feature = "tmc")]
    tmc: Mutex<Option<TmcQueue>>,
    /// Keys and OAID answers of `taobao.top.secret.get` / `taobao.top.oaid.*`.
    #[cfg(feature = "security")]
    secrets: security::Secrets,
}

/// A running mock gateway; stops when dropped.
pub struct MockGateway {
    server: Loopback,
    state: Arc<State>,
}

impl std::fmt::Debug for MockGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockGateway")
            .field("addr", &self.server.addr())
            .finish_non_exhaustive()
    }
}

/// How long a peer may take over a request's headers, and over its body, by default.
const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(30);

impl State {
    fn read_timeout(&self) -> Duration {
        Duration::from_millis(
            self.read_timeout_ms
                .load(std::sync::atomic::Ordering::Relaxed),
        )
    }

    fn schema(&self, method: &str) -> Option<&'static ApiSchema> {
        crate::by_name::find(&self.apis, method)
    }
}

impl MockGateway {
    /// Starts on an ephemeral port of 127.0.0.1, serving `apis`: a category package's `APIS`
    /// table, or several chained (`topsdk_tbtrade::APIS.iter().chain(topsdk_fenxiao::APIS)`).
    pub async fn start(
        apis: impl IntoIterator<Item = &'static &'static LazySchema>,
        app_key: &str,
        app_secret: &str,
    ) -> std::io::Result<MockGateway> {
        Self::start_with(apis, server::ephemeral(), app_key, app_secret).await
    }

    /// [`MockGateway::start`] on `addr`.
    pub async fn start_with(
        apis: impl IntoIterator<Item = &'static &'static LazySchema>,
        addr: SocketAddr,
        app_key: &str,
        app_secret: &str,
    ) -> std::io::Result<MockGateway> {
        #[allow(unused_mut)]
        let mut apis: Vec<&'static LazySchema> = apis.into_iter().copied().collect();
        // The APIs `topsdk::security` calls are always served with the feature.
        #[cfg(feature = "security")]
        apis.extend(crate::security::api::APIS.iter().copied());
        let state = Arc::new(State {
            apis,
            app_key: app_key.to_string(),
            app_secret: Secret::new(app_secret.to_string()),
            once: Mutex::default(),
            always: Mutex::default(),
            recorded: journal::Journal::default(),
            clock_offset_secs: Default::default(),
            read_timeout_ms: std::sync::atomic::AtomicU64::new(
                DEFAULT_READ_TIMEOUT.as_millis() as u64
            ),
            refresh_tokens: Mutex::default(),
            #[cfg(feature = "tmc")]
            tmc: Mutex::default(),
            #[cfg(feature = "security")]
            secrets: security::Secrets::default(),
        });
        let (st, timeout_of) = (state.clone(), state.clone());
        let server = Loopback::http(
            addr,
            move || timeout_of.read_timeout(),
            move |req| {
                let st = st.clone();
                async move { serve(&st, req).await }
            },
        )
        .await?;
        Ok(MockGateway { server, state })
    }

    /// The content the mock answers `method` with (its documented sample in the typed form,
    /// values that are not of their documented types replaced by plain ones), if it serves
    /// `method`: what a typed response decoded from the mock holds.
    pub fn sample(&self, method: &str) -> Option<serde_json::Value> {
        self.state.schema(method).map(render::canonical_sample)
    }

    /// `http://127.0.0.1:PORT/router/rest`
    pub fn url(&self) -> String {
        format!("http://{}/router/rest", self.server.addr())
    }

    /// `http://127.0.0.1:PORT`, the OAuth host: `/authorize` is not served (a shop owner's
    /// browser page), `/token` is (see `topsdk::oauth::exchange_code`, feature `oauth`).
    pub fn oauth_url(&self) -> String {
        format!("http://{}", self.server.addr())
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// What `taobao.top.auth.token.refresh` did so far: accepted and refused refreshes,
    /// per shop, and the refresh token issued last per shop.
    pub fn refresh_stats(&self) -> RefreshStats {
        lock(&self.state.refresh_tokens).stats.clone()
    }

    /// Accept a spent refresh token again for `grace` after its first use (default zero, as
    /// TOP): a gateway that forgives a lost answer, where two workers refreshing one shop
    /// both succeed and the slower one can store a superseded pair.
    pub fn set_refresh_grace(&self, grace: Duration) {
        lock(&self.state.refresh_tokens).grace = grace;
    }

    /// Answer every call of `method` with `reply` (after the gateway checks pass).
    pub fn set_reply(&self, method: &str, reply: Reply) {
        lock(&self.state.always).insert(method.to_string(), reply);
    }

    /// Answer the next call of `method` with `reply`; queued replies are used in order.
    pub fn push_reply(&self, method: &str, reply: Reply) {
        lock(&self.state.once)
            .entry(method.to_string())
            .or_default()
            .push_back(reply);
    }

    /// How long a peer may take to send a request's headers (or to start its next request on
    /// a kept-alive connection: then the connection is closed) and its body (then 408);
    /// default 30 s. Connections accepted later use it.
    pub fn set_read_timeout(&self, timeout: Duration) {
        let ms = u64::try_from(timeout.as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        self.state
            .read_timeout_ms
            .store(ms, std::sync::atomic::Ordering::Relaxed);
    }

    /// Moves the gateway's clock by `secs` (negative: back), e.g. to see code 31 for stale
    /// timestamps.
    pub fn set_clock_offset_secs(&self, secs: i64) {
        self.state
            .clock_offset_secs
            .store(secs, std::sync::atomic::Ordering::Relaxed);
    }

    /// Serves `taobao.tmc.message.produce` (queues into the mock TMC server),
    /// `taobao.tmc.messages.consume`/`confirm` (read its queue) and `taobao.tmc.auth.get` (a
    /// connect token it accepts) from `queue` instead of the documented samples. The APIs must
    /// be among those served (`topsdk_tmc::APIS`, `topsdk_util::APIS`).
    #[cfg(feature = "tmc")]
    pub fn attach_tmc(&self, queue: TmcQueue) {
        *lock(&self.state.tmc) = Some(queue);
    }

    /// Makes a new key version current for every scope (the old current one becomes the
    /// previous), as the platform's rotation does; returns the new version.
    #[cfg(feature = "security")]
    pub fn rotate_secret(&self) -> i64 {
        self.state
            .secrets
            .current
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            + 1
    }

    /// The `interval` and `max_interval` (seconds) `taobao.top.secret.get` answers with
    /// (default 300 and 600).
    #[cfg(feature = "security")]
    pub fn set_secret_intervals(&self, interval: i64, max_interval: i64) {
        use std::sync::atomic::Ordering::Relaxed;
        self.state.secrets.interval.store(interval, Relaxed);
        self.state.secrets.max_interval.store(max_interval, Relaxed);
    }

    /// Says that order `tid`'s oaid is now `oaid`: `taobao.top.oaid.decrypt` of any other
    /// oaid for it answers `matched: false`.
    #[cfg(feature = "security")]
    pub fn set_current_oaid(&self, tid: &str, oaid: &str) {
        lock(&self.state.secrets.oaids).insert(tid.to_string(), oaid.to_string());
    }

    /// The requests received, oldest first: the last 1,024 (see [`set_journal_limits`]).
    ///
    /// [`set_journal_limits`]: MockGateway::set_journal_limits
    pub fn requests(&self) -> Vec<Recorded> {
        self.state.recorded.entries()
    }

    /// How many requests arrived since the start (those the journal no longer holds too).
    pub fn request_count(&self) -> u64 {
        self.state.recorded.total()
    }

    /// Keeps the last `capacity` requests (0: none), each value cut to `max_value` bytes
    /// (defaults 1,024 and 4 KiB): what a long-running mock holds stays bounded.
    pub fn set_journal_limits(&self, capacity: usize, max_value: usize) {
        self.state.recorded.set_limits(capacity, max_value);
    }
}

type Body = server::HttpBody;

fn full(status: StatusCode, content_type: &str, body: impl Into<Bytes>) -> Response<Body> {
    let mut r = Response::new(
        Full::new(body.into())
            .map_err(|never| match never {})
            .boxed(),
    );
    *r.status_mut() = status;
    if let Ok(v) = content_type.parse() {
        r.headers_mut().insert(hyper::header::CONTENT_TYPE, v);
    }
    r
}

fn content_type(f: Format) -> &'static str {
    match f {
        Format::Json => "application/json;charset=utf-8",
        Format::Xml => "text/xml;charset=utf-8",
    }
}

fn request_id() -> String {
    let mut s = String::with_capacity(13);
    for _ in 0..13 {
        s.push(fastrand::alphanumeric().to_ascii_lowercase());
    }
    s
}

async fn serve(state: &State, req: Request<HyperBody>) -> Response<Body> {
    let header = |name: hyper::header::HeaderName| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let ct = header(hyper::header::CONTENT_TYPE);
    let user_agent = header(hyper::header::USER_AGENT);
    let accept_encoding = header(hyper::header::ACCEPT_ENCODING);
    let http_method = req.method().to_string();
    let req_path = req.uri().path().to_string();
    let separator = req
        .headers()
        .get("top-api-separator")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let query: Vec<(String, String)> = req
        .uri()
        .query()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    let body = http_body_util::Limited::new(req.into_body(), MAX_REQUEST_BYTES).collect();
    let body_bytes = match tokio::time::timeout(state.read_timeout(), body).await {
        Ok(Ok(b)) => b.to_bytes(),
        Err(_) => {
            return full(
                StatusCode::REQUEST_TIMEOUT,
                "text/plain",
                "request body too slow",
            );
        }
        Ok(Err(_)) => {
            return full(
                StatusCode::PAYLOAD_TOO_LARGE,
                "text/plain",
                "request body too large",
            );
        }
    };
    let path = req_path;
    if path.ends_with("/router/batch") || path.ends_with("/router/qimen/service") {
        state.recorded.push(journal::Arrived {
            http_method: &http_method,
            query: &query,
            body: &[],
            text_body: Some(&body_bytes),
            files: &[],
            content_type: ct.as_deref(),
            user_agent: user_agent.as_deref(),
            accept_encoding: accept_encoding.as_deref(),
        });
        let now = now(state);
        return if path.ends_with("/router/batch") {
            batch::serve(state, now, query, &body_bytes, separator.as_deref()).await
        } else {
            qimen::serve(state, now, query, &body_bytes).await
        };
    }
    let (body, files) = match parse_body(ct.as_deref(), body_bytes).await {
        Ok(v) => v,
        Err(msg) => return full(StatusCode::BAD_REQUEST, "text/plain", msg),
    };
    if path == "/token" {
        return auth::oauth_token(state, &body);
    }
    state.recorded.push(journal::Arrived {
        http_method: &http_method,
        query: &query,
        body: &body,
        text_body: None,
        files: &files,
        content_type: ct.as_deref(),
        user_agent: user_agent.as_deref(),
        accept_encoding: accept_encoding.as_deref(),
    });
    let mut incoming = gateway::Incoming {
        params: query.into_iter().collect(),
        files,
    };
    incoming.params.extend(body);
    let rid = request_id();
    let format = gateway::reply_format(&incoming.params);
    let now = now(state);
    let accepted = match gateway::check(
        &state.apis,
        &state.app_key,
        state.app_secret.expose(),
        now,
        &incoming,
    ) {
        Ok(a) => a,
        Err(mut e) => {
            e.request_id = Some(rid);
            return full(
                StatusCode::OK,
                content_type(format),
                render::error_body(&e, format),
            );
        }
    };
    let reply = next_reply(state, &accepted.schema.method);
    match reply_text(state, reply, &accepted, &incoming.params, &rid).await {
        Ok(body) => full(StatusCode::OK, content_type(accepted.format), body),
        Err(raw) => respond(raw, content_type(accepted.format)),
    }
}

/// The gateway's clock (with the offset a test set).
fn now(state: &State) -> SystemTime {
    let offset = state
        .clock_offset_secs
        .load(std::sync::atomic::Ordering::Relaxed);
    crate::time::shift_secs(SystemTime::now(), offset)
}

/// The reply set for `method`'s next call: queued first, then the standing one, else the sample.
fn next_reply(state: &State, method: &str) -> Reply {
    let queued = lock(&state.once)
        .get_mut(method)
        .and_then(VecDeque::pop_front);
    queued
        .or_else(|| lock(&state.always).get(method).cloned())
        .unwrap_or(Reply::Sample)
}

/// The body answering a call that passed the checks (after a `Slow` reply's pause): the
/// sample (or what the mock's token and message services compute), or the error set. A raw
/// or truncated reply comes back as `Err` for the caller to answer as HTTP.
async fn reply_text(
    state: &State,
    mut reply: Reply,
    accepted: &gateway::Accepted,
    params: &std::collections::BTreeMap<String, String>,
    rid: &str,
) -> Result<String, Reply> {
    while let Reply::Slow { delay, then } = reply {
        tokio::time::sleep(delay).await;
        reply = *then;
    }
    let method = accepted.schema.method.as_str();
    match reply {
        Reply::Sample => {
            let answer = auth::auth_answer(state, method, params);
            #[cfg(feature = "security")]
            let answer = answer.or_else(|| security::answer(state, method, params));
            if let Some(answer) = answer {
                return Ok(match answer {
                    Ok(content) => render_content(accepted, &content, rid),
                    Err(mut e) => {
                        e.request_id = Some(rid.to_string());
                        render::error_body(&e, accepted.format)
                    }
                });
            }
            #[cfg(feature = "tmc")]
            {
                let queue = lock(&state.tmc).clone();
                if let Some(content) = queue.and_then(|q| q.answer(method, params)) {
                    return Ok(render_content(accepted, &content, rid));
                }
            }
            let mut content = render::canonical_sample(accepted.schema);
            // The gateway's own id replaces any documented one.
            if let Some(m) = content.as_object_mut() {
                m.remove("request_id");
            }
            Ok(render_content(accepted, &content, rid))
        }
        Reply::Error(mut e) => {
            e.request_id.get_or_insert_with(|| rid.to_string());
            Ok(render::error_body(&e, accepted.format))
        }
        other => Err(other),
    }
}

/// A response body with `content` (the simplified form) in the requested format.
fn render_content(a: &gateway::Accepted, content: &serde_json::Value, rid: &str) -> String {
    match (a.format, a.simplify) {
        (Format::Json, true) => render::simplified_json(content, rid),
        (Format::Json, false) => render::wrapped_json(a.schema, content, rid),
        (Format::Xml, _) => render::xml(a.schema, content, rid),
    }
}

/// A raw or truncated reply as HTTP (`content_type` for the truncated one).
fn respond(reply: Reply, content_type: &'static str) -> Response<Body> {
    match reply {
        Reply::Raw {
            status,
            content_type,
            body,
        } => full(
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            &content_type,
            body,
        ),
        Reply::Truncated { declared_len, body } => {
            let frames = futures_util::stream::iter(vec![
                Ok(Frame::data(Bytes::from(body))),
                Err(std::io::Error::other("connection dropped by the mock")),
            ]);
            let mut r = Response::new(BodyExt::boxed(StreamBody::new(frames)));
            r.headers_mut()
                .insert(hyper::header::CONTENT_LENGTH, declared_len.into());
            r.headers_mut().insert(
                hyper::header::CONTENT_TYPE,
                hyper::header::HeaderValue::from_static(content_type),
            );
            r
        }
        // `reply_text` answers the others.
        _ => full(
            StatusCode::INTERNAL_SERVER_ERROR,
            "text/plain",
            "mock: unexpected reply",
        ),
    }
}

/// Text params and file param names of a form or multipart body.
async fn parse_body(
    ct: Option<&str>,
    body: Bytes,
) -> Result<(Vec<(String, String)>, Vec<String>), String> {
    let ct = ct.unwrap_or("");
    if ct.starts_with("multipart/form-data") {
        let form = multipart::parse(ct, &body)?;
        Ok((form.text, form.files))
    } else if body.is_empty() {
        Ok((Vec::new(), Vec::new()))
    } else {
        Ok((
            form_urlencoded::parse(&body).into_owned().collect(),
            Vec::new(),
        ))
    }
}
