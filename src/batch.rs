//! Batch calls (`/router/batch`): several typed requests, of different APIs, in one HTTP call.
//!
//! ```no_run
//! # async fn run(client: topsdk::Client, a: topsdk::kongur::alibaba_kongur_token_getosstoken::Request) -> Result<(), topsdk::Error> {
//! let mut batch = client.batch();
//! let first = batch.add(&a)?; // a typed slot: its answer decodes as its API's response
//! let second = batch.add_with_session(&a, "another shop's session")?;
//! let mut answers = batch.send().await?; // Err only when the batch as a whole failed
//! let one = answers.take(first)?; // Ok(response) or this call's own error
//! let two = answers.take(second);
//! # Ok(()) }
//! ```
//!
//! The wire form follows the official SDKs (`BatchTaobaoClient`): the body is `text/plain`,
//! one line per call (its params form-encoded, with its `method`, and its own `session` when
//! it has one; `N` for none), joined by the separator `\r\n-S-\r\n` (or a custom one, then also
//! sent in the `top-api-separator` header), optionally led by `#PUBLIC#` and params shared by
//! every call. The system params go in the URL, without `method`; the signature is the usual
//! one over them with the body appended. The answer is each call's ordinary response body,
//! joined by the same separator, in order; a different count means the batch failed as a
//! whole (a bad signature, say: its first part is then the error). TOP documents no limit on
//! the number of calls in public sources; keep batches modest.

use crate::client::{Client, Operation, PreparedRequest};
use crate::params::ParamWriter;
use crate::{Error, TopRequest};
use std::marker::PhantomData;

/// The separator of the SDKs.
pub const DEFAULT_SEPARATOR: &str = "\r\n-S-\r\n";

const CONTENT_TYPE: &str = "text/plain;charset=UTF-8";

/// Calls to send in one batch; from [`Client::batch`].
pub struct Batch<'c> {
    client: &'c Client,
    /// Tells this batch's slots from another's.
    id: u64,
    lines: Vec<String>,
    /// Each call's method, for [`BatchResponse::take_raw`].
    methods: Vec<String>,
    idempotent: bool,
    public: Vec<(String, String)>,
    separator: Option<String>,
}

impl std::fmt::Debug for Batch<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The lines hold the calls' params, secrets and sessions among them: counts only.
        f.debug_struct("Batch")
            .field("calls", &self.lines.len())
            .field("public_params", &self.public.len())
            .field("custom_separator", &self.separator.is_some())
            .finish_non_exhaustive()
    }
}

/// Where one call's answer will be, typed by its request: [`BatchResponse::take`].
#[derive(Debug)]
#[must_use = "the slot is how the call's answer is read"]
pub struct Slot<R> {
    batch: u64,
    index: usize,
    _request: PhantomData<fn() -> R>,
}

impl<R> Slot<R> {
    /// The call's position in the batch (0-based).
    pub fn index(&self) -> usize {
        self.index
    }
}

/// The answers of a batch, by position.
pub struct BatchResponse {
    batch: u64,
    methods: Vec<String>,
    parts: Vec<Option<Vec<u8>>>,
    format: crate::Format,
    simplify: bool,
}

impl Client {
    /// A batch of calls sent with this handle's session (calls may carry their own:
    /// [`Batch::add_with_session`]) to the batch URL ([`crate::Config::batch_url`]).
    pub fn batch(&self) -> Batch<'_> {
        Batch {
            client: self,
            id: fastrand::u64(..),
            lines: Vec::new(),
            methods: Vec::new(),
            idempotent: true,
            public: Vec::new(),
            separator: None,
        }
    }
}

impl<'c> Batch<'c> {
    /// Adds a call; validated now (as `execute` would, before any I/O).
    pub fn add<R: TopRequest>(&mut self, request: &R) -> Result<Slot<R>, Error> {
        self.push(request, None)
    }

    /// Adds a call made with `session`, another shop's authorization.
    pub fn add_with_session<R: TopRequest>(
        &mut self,
        request: &R,
        session: &str,
    ) -> Result<Slot<R>, Error> {
        self.push(request, Some(session))
    }

    fn push<R: TopRequest>(
        &mut self,
        request: &R,
        session: Option<&str>,
    ) -> Result<Slot<R>, Error> {
        let schema = R::schema();
        if schema.gateway != crate::schema::Gateway::Rest {
            return Err(invalid(
                "method",
                format!(
                    "{} goes through the QIMEN gateway, which has no batch",
                    R::METHOD
                ),
            ));
        }
        let mut w = ParamWriter::new();
        request.write_params(&mut w);
        crate::rules::check(schema, &w)?;
        if let Some((name, _)) = w.files().next() {
            return Err(invalid(
                name,
                "a batch body is text: file params cannot be batched".into(),
            ));
        }
        let mut params: Vec<(&str, &str)> = w.text_params().collect();
        params.push(("method", R::METHOD));
        if let Some(s) = session.filter(|s| !crate::params::is_blank(s)) {
            params.push(("session", s));
        }
        self.lines.push(line(&mut params));
        self.methods.push(R::METHOD.to_string());
        self.idempotent &= R::IDEMPOTENT;
        let index = self.lines.len() - 1;
        Ok(Slot {
            batch: self.id,
            index,
            _request: PhantomData,
        })
    }

    /// Adds an untyped call by method name with text params (nothing validated locally, as
    /// [`Client::execute_raw`]; `session` as [`Batch::add_with_session`]); its answer is
    /// [`BatchResponse::take_raw`] of the returned position. Counts as not idempotent.
    pub fn add_raw(
        &mut self,
        method: &str,
        params: impl IntoIterator<Item = (String, String)>,
        session: Option<&str>,
    ) -> usize {
        let params: Vec<(String, String)> = params.into_iter().collect();
        let mut pairs: Vec<(&str, &str)> = params
            .iter()
            .filter(|(k, _)| k != "method" && k != "session")
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        pairs.push(("method", method));
        if let Some(s) = session.filter(|s| !crate::params::is_blank(s)) {
            pairs.push(("session", s));
        }
        self.lines.push(line(&mut pairs));
        self.methods.push(method.to_string());
        self.idempotent = false;
        self.lines.len() - 1
    }

    /// A param every call of the batch gets (the `#PUBLIC#` part); a call's own value wins.
    pub fn public_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.public.push((name.into(), value.into()));
        self
    }

    /// A separator other than `\r\n-S-\r\n` (sent in the `top-api-separator` header). It must
    /// not occur in any param or answer.
    pub fn separator(mut self, separator: impl Into<String>) -> Self {
        self.separator = Some(separator.into());
        self
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The body as it is sent.
    pub fn body(&self) -> String {
        let sep = self.separator.as_deref().unwrap_or(DEFAULT_SEPARATOR);
        let public: Vec<(&str, &str)> = self
            .public
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        body(&public, &self.lines, sep)
    }

    /// One signed attempt (for inspection; [`Batch::send`] signs each attempt afresh).
    pub fn prepare(&self) -> PreparedRequest {
        let body = self.body();
        self.prepare_body(&self.client.config().batch_url(), &body)
    }

    fn prepare_body(&self, url: &str, body: &str) -> PreparedRequest {
        let cfg = self.client.config();
        let headers = match &self.separator {
            Some(sep) => vec![("top-api-separator", sep.clone())],
            None => Vec::new(),
        };
        self.client.prepare_signed(
            url,
            cfg.format,
            &[],
            body.as_bytes().to_vec(),
            CONTENT_TYPE,
            headers,
        )
    }

    /// Sends the batch. `Err` when the batch as a whole failed (transport, HTTP, a gateway
    /// error for the batch, or an answer whose count of parts differs from the calls');
    /// retried as one call under the client's policy, as idempotent only when every call is.
    pub async fn send(self) -> Result<BatchResponse, Error> {
        let n = self.lines.len();
        if n == 0 {
            return Err(invalid("batch", "no calls were added".into()));
        }
        let body = self.body();
        let url = self.client.config().batch_url();
        let sep = self.separator.as_deref().unwrap_or(DEFAULT_SEPARATOR);
        let cfg = self.client.config();
        let name = format!("batch of {n}");
        let parts = self
            .client
            .run(&Operation {
                method: &name,
                idempotent: self.idempotent,
                prepare: &|| self.prepare_body(&url, &body),
                excerpt: &|b| crate::error::excerpt(b, 200),
                decode: &|b| split(b, sep, n),
                request_id: |_| None,
            })
            .await?;
        Ok(BatchResponse {
            batch: self.id,
            methods: self.methods,
            parts: parts.into_iter().map(Some).collect(),
            format: cfg.format,
            simplify: cfg.simplify,
        })
    }
}

impl std::fmt::Debug for BatchResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Answers may hold sensitive fields: counts only.
        f.debug_struct("BatchResponse")
            .field("answers", &self.parts.len())
            .field("taken", &self.parts.iter().filter(|p| p.is_none()).count())
            .finish()
    }
}

impl BatchResponse {
    /// How many answers (as many as calls).
    pub fn len(&self) -> usize {
        self.parts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// The answer of `slot`'s call, decoded as its API's response: `Ok`, or that call's own
    /// error (`Error::Api` and the rest, as for a single call).
    pub fn take<R: TopRequest>(&mut self, slot: Slot<R>) -> Result<R::Response, Error> {
        if slot.batch != self.batch {
            return Err(invalid("slot", "the slot belongs to another batch".into()));
        }
        let body = self
            .parts
            .get_mut(slot.index)
            .and_then(Option::take)
            .ok_or_else(|| invalid("slot", format!("answer {} was taken", slot.index)))?;
        crate::decode::decode::<R::Response>(&body, self.format, self.simplify, R::schema())
    }

    /// The answer at `index` untyped: the content inside its response key as JSON, or its
    /// own error (for calls added with [`Batch::add_raw`]; any call's answer reads so).
    pub fn take_raw(&mut self, index: usize) -> Result<serde_json::Value, Error> {
        let body = self
            .parts
            .get_mut(index)
            .and_then(Option::take)
            .ok_or_else(|| invalid("index", format!("no answer {index} (or it was taken)")))?;
        let key = crate::schema::response_key(self.methods.get(index).map_or("", |m| m.as_str()));
        crate::decode::decode_raw(&body, self.format, self.simplify, &key)
    }

    /// The method of the call at `index`.
    pub fn method(&self, index: usize) -> Option<&str> {
        self.methods.get(index).map(String::as_str)
    }

    /// The raw body of answer `index` (while not taken).
    pub fn raw(&self, index: usize) -> Option<&[u8]> {
        self.parts.get(index).and_then(|p| p.as_deref())
    }
}

fn invalid(param: &str, message: String) -> Error {
    Error::invalid_param(param, message)
}

/// A call's line: its params in key order, form-encoded as Java's `URLEncoder` does; `N`
/// when it has none. Blank values are left out.
fn line(params: &mut Vec<(&str, &str)>) -> String {
    params.retain(|(_, v)| !crate::params::is_blank(v));
    params.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    if params.is_empty() {
        return "N".into();
    }
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in params.iter() {
        s.append_pair(k, v);
    }
    s.finish()
}

/// `[#PUBLIC#public SEP] line (SEP line)*`; the public params in the order given.
pub(crate) fn body(public: &[(&str, &str)], lines: &[String], sep: &str) -> String {
    let mut out = String::new();
    if !public.is_empty() {
        out.push_str("#PUBLIC#");
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in public.iter().filter(|(_, v)| !crate::params::is_blank(v)) {
            s.append_pair(k, v);
        }
        out.push_str(&s.finish());
        out.push_str(sep);
    }
    out.push_str(&lines.join(sep));
    out
}

/// The answer's parts; any count but `n` fails the batch: with the first part's
/// `error_response` when it is one, else as a decode error that says what arrived.
pub(crate) fn split(body: &[u8], sep: &str, n: usize) -> Result<Vec<Vec<u8>>, Error> {
    let mut parts: Vec<&[u8]> = split_bytes(body, sep.as_bytes());
    // Java's split drops trailing empty parts: a trailing separator is not a part.
    while parts.len() > n
        && parts
            .last()
            .is_some_and(|p| p.iter().all(u8::is_ascii_whitespace))
    {
        parts.pop();
    }
    if parts.len() == n {
        return Ok(parts.into_iter().map(<[u8]>::to_vec).collect());
    }
    if let Some(api) = parts.first().and_then(|p| crate::decode::error_response(p)) {
        return Err(Error::from(api));
    }
    Err(Error::Decode {
        path: String::new(),
        message: format!(
            "the batch answer has {} part(s) for {n} call(s) (cut short, or not a batch answer)",
            parts.len()
        ),
        excerpt: crate::error::excerpt(body, 200),
    })
}

fn split_bytes<'b>(body: &'b [u8], sep: &[u8]) -> Vec<&'b [u8]> {
    let mut out = Vec::new();
    let mut rest = body;
    if sep.is_empty() {
        return vec![body];
    }
    while let Some(at) = rest.windows(sep.len()).position(|w| w == sep) {
        out.push(&rest[..at]);
        rest = &rest[at + sep.len()..];
    }
    out.push(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SignMethod;

    const BODY: &str = "fields=nick&method=taobao.user.seller.get\r\n-S-\r\nfields=num_iid%2Ctitle&method=taobao.item.seller.get&num_iid=11223344";

    /// batch.md §2.6: the sign over the URL's system params with the body appended, as the
    /// client signs a batch (the notes' app, secret, time and session).
    fn golden_sign(method: SignMethod, body: &str, session: bool) -> String {
        let at = crate::DateTime::parse("2016-01-01 12:00:00")
            .unwrap()
            .to_system_time();
        let client = Client::builder("12345678", "helloworld")
            .sign_method(method)
            .format(crate::Format::Json)
            .clock(std::sync::Arc::new(crate::FixedClock(at)))
            .build()
            .unwrap();
        let client = if session {
            client.with_session("test")
        } else {
            client
        };
        let p = client.batch().prepare_body("http://h/router/batch", body);
        p.url().rsplit_once("sign=").unwrap().1.to_string()
    }

    #[test]
    fn golden_vectors_of_batch_md() {
        assert_eq!(
            golden_sign(SignMethod::Md5, BODY, true),
            "68175B27F18AF24E8EC825081E14B152"
        );
        assert_eq!(
            golden_sign(SignMethod::Hmac, BODY, true),
            "9B703A9BACA2D9E64CEFD1756E370E20"
        );
        assert_eq!(
            golden_sign(SignMethod::HmacSha256, BODY, true),
            "B8398384D98FDD255B41FED998C266ABC3EB9778FDBB98A556C4C814A9801E68"
        );
        // The public-params variant: no session; the body as the notes give it.
        let public = body(
            &[
                ("method", "taobao.item.seller.get"),
                ("fields", "num_iid,title"),
            ],
            &["num_iid=1".into(), "num_iid=2".into()],
            DEFAULT_SEPARATOR,
        );
        assert_eq!(
            public,
            "#PUBLIC#method=taobao.item.seller.get&fields=num_iid%2Ctitle\r\n-S-\r\nnum_iid=1\r\n-S-\r\nnum_iid=2"
        );
        assert_eq!(
            golden_sign(SignMethod::Md5, &public, false),
            "B0AA6D5647762ABF8A09C8EF132F5328"
        );
    }

    #[test]
    fn lines_are_written_as_the_golden_body() {
        let lines = [
            line(&mut vec![
                ("method", "taobao.user.seller.get"),
                ("fields", "nick"),
            ]),
            line(&mut vec![
                ("num_iid", "11223344"),
                ("method", "taobao.item.seller.get"),
                ("fields", "num_iid,title"),
            ]),
        ];
        assert_eq!(body(&[], &lines, DEFAULT_SEPARATOR), BODY);
        assert_eq!(line(&mut vec![("a", " ")]), "N");
        assert_eq!(line(&mut vec![("q", "a b&c")]), "q=a+b%26c");
    }

    #[test]
    fn answers_are_split_and_counted() {
        let sep = DEFAULT_SEPARATOR;
        let two = format!("{{\"a\":1}}{sep}{{\"b\":2}}");
        assert_eq!(split(two.as_bytes(), sep, 2).unwrap().len(), 2);
        // A trailing separator is not a part.
        assert_eq!(
            split(format!("{two}{sep}").as_bytes(), sep, 2)
                .unwrap()
                .len(),
            2
        );
        // Cut short: a clear error, no panic.
        let e = split(b"{\"a\":1}", sep, 3).unwrap_err();
        assert!(e.to_string().contains("1 part(s) for 3 call(s)"), "{e}");
        // The batch refused as a whole: its error.
        let refused = br#"{"error_response":{"code":25,"msg":"Invalid Signature"}}"#;
        match split(refused, sep, 2).unwrap_err() {
            Error::Api(a) => assert_eq!(a.code, 25),
            other => panic!("{other:?}"),
        }
        assert!(split(b"", sep, 1).unwrap()[0].is_empty());
    }
}
