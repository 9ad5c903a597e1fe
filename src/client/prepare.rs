//! One attempt's wire form of a call: system params + `sign` in the query, app params in the
//! body (form-urlencoded, or multipart when a file is present).
//!
//! This runs on every attempt, so it is one pass: system params (in key order by
//! construction) are merged with the app params (kept in key order by [`ParamWriter`]); each
//! pair is fed to the signature and url-encoded straight into the URL or the body.

use super::Config;
use crate::FileUpload;
use crate::params::ParamWriter;
use crate::sign::Signer;

/// A signed request, ready to send.
///
/// The form body and the URL share one buffer, one allocation (body first: the URL ends with
/// the signature, known only once every param has been through it).
#[derive(Clone)]
pub struct PreparedRequest {
    /// The form or text body (empty when multipart), then the URL. The URL part is UTF-8: the
    /// gateway URL is a
    /// `String` and everything else written is ASCII.
    bytes: Vec<u8>,
    url_start: usize,
    kind: Kind,
}

#[derive(Clone)]
enum Kind {
    Form,
    Multipart(Multipart),
    /// A signed text body (batch, QIMEN), with its content type and extra headers.
    Text {
        content_type: &'static str,
        headers: Vec<(&'static str, String)>,
    },
}

/// The body of a prepared request. (No `Debug`: the form may hold secret params.)
#[derive(Clone, Copy)]
#[non_exhaustive]
pub enum Body<'a> {
    /// `application/x-www-form-urlencoded;charset=utf-8` (ASCII)
    Form(&'a [u8]),
    /// `multipart/form-data`
    Multipart(&'a Multipart),
    /// A body that is signed with the params: a batch (`text/plain`) or a QIMEN call's XML.
    Text {
        content_type: &'static str,
        bytes: &'a [u8],
    },
}

/// A multipart body: text params, then file params (files are not signed).
#[derive(Clone)]
pub struct Multipart {
    pub text: Vec<(String, String)>,
    pub files: Vec<(String, FileUpload)>,
}

impl std::fmt::Debug for Multipart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Values may be secret params: counts only.
        write!(
            f,
            "multipart, {} text params, {} files",
            self.text.len(),
            self.files.len()
        )
    }
}

impl PreparedRequest {
    /// Gateway URL with the system params and `sign` as its query.
    pub fn url(&self) -> &str {
        // Checked here rather than when prepared: sending needs the URL as text once, and the
        // body never.
        std::str::from_utf8(self.bytes.get(self.url_start..).unwrap_or_default())
            .unwrap_or_default()
    }

    pub fn body(&self) -> Body<'_> {
        let bytes = self.bytes.get(..self.url_start).unwrap_or_default();
        match &self.kind {
            Kind::Multipart(m) => Body::Multipart(m),
            Kind::Form => Body::Form(bytes),
            Kind::Text { content_type, .. } => Body::Text {
                content_type,
                bytes,
            },
        }
    }

    /// Headers the call needs besides the content type (a batch's custom separator).
    pub fn headers(&self) -> &[(&'static str, String)] {
        match &self.kind {
            Kind::Text { headers, .. } => headers,
            _ => &[],
        }
    }

    /// The body, owned, for sending: the form is the buffer itself, cut before the URL.
    pub(crate) fn into_body(self) -> OwnedBody {
        let mut bytes = self.bytes;
        bytes.truncate(self.url_start);
        match self.kind {
            Kind::Multipart(m) => OwnedBody::Multipart(m),
            Kind::Form => OwnedBody::Form(bytes),
            Kind::Text {
                content_type,
                headers,
            } => OwnedBody::Text {
                content_type,
                headers,
                bytes,
            },
        }
    }
}

pub(crate) enum OwnedBody {
    Form(Vec<u8>),
    Multipart(Multipart),
    Text {
        content_type: &'static str,
        headers: Vec<(&'static str, String)>,
        bytes: Vec<u8>,
    },
}

impl std::fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The query holds the session and the body may hold secret params: sizes only.
        let body = match self.body() {
            Body::Form(b) => format!("form, {} bytes", b.len()),
            Body::Multipart(m) => format!("{m:?}"),
            Body::Text {
                content_type,
                bytes,
            } => format!("{content_type}, {} bytes", bytes.len()),
        };
        f.debug_struct("PreparedRequest")
            .field("url_len", &self.url().len())
            .field("body", &body)
            .finish()
    }
}

/// What a client sends on every call, prepared once: the URL up to the per-call params (the
/// gateway and the system params fixed for the client's life, encoded), and the signing order
/// of the system params. Only `method`, `timestamp` and `sign` are encoded per call; the
/// `session` is the handle's ([`SessionParam`]), encoded once per handle.
#[derive(Clone)]
pub(crate) struct SystemParams {
    /// `gateway?app_key=..&format=..&..&v=2.0` (the query's order does not matter; only the
    /// signature's does).
    url_prefix: Vec<u8>,
    /// The system params in key order, as signed.
    signed: Vec<SystemParam>,
    /// `key` + `value` of the fixed params, back to back; `SystemParam::Fixed` ranges index it.
    signed_text: Vec<u8>,
}

#[derive(Clone)]
enum SystemParam {
    Fixed {
        key: &'static str,
        /// `key` + `value` in `signed_text`.
        start: usize,
        end: usize,
    },
    Method,
    Timestamp,
    Session,
}

/// A shop's `session`, encoded once for every call made with it: the query pair and the
/// signed `key` + `value` text. Kept out of `Debug`.
pub(crate) struct SessionParam {
    /// `&session=<form-encoded value>`
    url: Box<[u8]>,
    /// `session<value>`
    signed: Box<[u8]>,
    /// A hash of it (FNV-1a): the key of its quota and bans, so the limiter holds no session
    /// text.
    key: u64,
}

impl SessionParam {
    pub(crate) fn key(&self) -> u64 {
        self.key
    }

    /// `None` for a blank session: blank params are not sent (as the Java SDK does).
    pub(crate) fn new(value: &str) -> Option<SessionParam> {
        if crate::params::is_blank(value) {
            return None;
        }
        let mut url = Vec::with_capacity(9 + value.len());
        url.extend_from_slice(b"&");
        push_pair(&mut url, "session", value);
        let mut signed = Vec::with_capacity(7 + value.len());
        signed.extend_from_slice(b"session");
        signed.extend_from_slice(value.as_bytes());
        Some(SessionParam {
            url: url.into_boxed_slice(),
            key: crate::fnv::hash(&signed),
            signed: signed.into_boxed_slice(),
        })
    }
}

impl SessionParam {
    /// The session itself.
    pub(crate) fn value(&self) -> &str {
        std::str::from_utf8(self.signed.get("session".len()..).unwrap_or_default())
            .unwrap_or_default()
    }
}

impl std::fmt::Debug for SessionParam {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("session: ***")
    }
}

impl std::fmt::Debug for SystemParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Values include the session: keys only.
        f.debug_list()
            .entries(self.signed.iter().map(|p| p.key()))
            .finish()
    }
}

impl SystemParam {
    fn key(&self) -> &'static str {
        match self {
            SystemParam::Fixed { key, .. } => key,
            SystemParam::Method => "method",
            SystemParam::Timestamp => "timestamp",
            SystemParam::Session => "session",
        }
    }
}

/// The system params of every route (router/rest, batch, QIMEN) besides the per-call
/// `method`, `timestamp`, `session` and `sign`, in key order, one rule each: the one list.
/// `format` is the route's (QIMEN's is `xml`); `None` values and blank ones are not sent.
pub(crate) fn fixed_system_params(
    cfg: &Config,
    format: crate::Format,
) -> [(&'static str, Option<&str>); 7] {
    [
        ("app_key", Some(cfg.app_key.as_str())),
        ("format", Some(format.as_str())),
        ("partner_id", cfg.partner_id.as_deref()),
        ("sign_method", Some(cfg.sign_method.as_str())),
        // Only JSON has a simplified form (the SDKs' `BatchFeature` and `useSimplifyJson`).
        (
            "simplify",
            (cfg.simplify && format == crate::Format::Json).then_some("true"),
        ),
        ("target_app_key", cfg.target_app_key.as_deref()),
        ("v", Some("2.0")),
    ]
}

impl SystemParams {
    pub(crate) fn new(cfg: &Config) -> SystemParams {
        let fixed = fixed_system_params(cfg, cfg.format);
        let mut url = Vec::with_capacity(cfg.gateway_url.len() + 128);
        url.extend_from_slice(cfg.gateway_url.as_bytes());
        url.push(if cfg.gateway_url.contains('?') {
            b'&'
        } else {
            b'?'
        });
        let mut signed = vec![
            SystemParam::Method,
            SystemParam::Timestamp,
            SystemParam::Session,
        ];
        let mut signed_text = Vec::new();
        let mut first = true;
        for (key, value) in fixed {
            let Some(value) = value.filter(|v| !crate::params::is_blank(v)) else {
                continue;
            };
            if !std::mem::take(&mut first) {
                url.push(b'&');
            }
            push_pair(&mut url, key, value);
            let start = signed_text.len();
            signed_text.extend_from_slice(key.as_bytes());
            signed_text.extend_from_slice(value.as_bytes());
            signed.push(SystemParam::Fixed {
                key,
                start,
                end: signed_text.len(),
            });
        }
        signed.sort_by_key(|p| p.key().as_bytes());
        SystemParams {
            url_prefix: url,
            signed,
            signed_text,
        }
    }
}

/// A method name, and whether it goes in the URL as it is. For typed requests that is decided
/// at compile time (`const { Method::new(R::METHOD) }`), so it costs nothing per call.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Method<'a> {
    pub(crate) name: &'a str,
    url_safe: bool,
}

impl<'a> Method<'a> {
    pub(crate) const fn new(name: &'a str) -> Method<'a> {
        let bytes = name.as_bytes();
        let mut i = 0;
        while i < bytes.len() && UNRESERVED[bytes[i] as usize] {
            i += 1;
        }
        Method {
            name,
            url_safe: i == bytes.len(),
        }
    }
}

pub(crate) fn prepare(
    cfg: &Config,
    system: &SystemParams,
    signer: &Signer,
    session: Option<&SessionParam>,
    method: Method<'_>,
    w: &ParamWriter<'_>,
) -> PreparedRequest {
    let Method {
        name: method,
        url_safe: method_url_safe,
    } = method;
    let timestamp = crate::time::gmt8_timestamp(cfg.clock.now());
    let multipart = w.has_files();

    // One buffer: the form body, then the URL. Sized for the worst case of the URL and a
    // body of mostly unreserved text; escapes beyond that grow it.
    let body_estimate = if multipart {
        0
    } else {
        w.text_len() + w.key_len() + 2 * w.text_count() + 32
    };
    let url_estimate = system.url_prefix.len()
        + session.map_or(0, |s| s.url.len())
        + 3 * method.len()
        + URL_PER_CALL;
    let mut out = Vec::with_capacity(body_estimate + url_estimate);

    let mut signing = signer.start();
    let mut app = w.text_params().peekable();
    // Both lists are in key order, so one merge gives the signing order. App params go to the
    // body (unless multipart); on equal keys the system param is signed first.
    for p in &system.signed {
        while let Some(&(k, v)) = app.peek() {
            if crate::params::key_le(p.key().as_bytes(), k.as_bytes()) {
                break;
            }
            app_param(&mut signing, &mut out, multipart, k, v);
            app.next();
        }
        match p {
            SystemParam::Fixed { start, end, .. } => {
                signing.raw(system.signed_text.get(*start..*end).unwrap_or_default())
            }
            SystemParam::Method => signing.param("method", method),
            SystemParam::Timestamp => signing.param_bytes("timestamp", timestamp.as_bytes()),
            SystemParam::Session => {
                if let Some(s) = session {
                    signing.raw(&s.signed);
                }
            }
        }
    }
    for (k, v) in app {
        app_param(&mut signing, &mut out, multipart, k, v);
    }

    let url_start = out.len();
    out.extend_from_slice(&system.url_prefix);
    if let Some(s) = session {
        out.extend_from_slice(&s.url);
    }
    out.extend_from_slice(b"&method=");
    if method_url_safe {
        out.extend_from_slice(method.as_bytes());
    } else {
        push_form_encoded(&mut out, method.as_bytes());
    }
    out.extend_from_slice(b"&timestamp=");
    out.extend_from_slice(timestamp.form_encoded().as_bytes());
    out.extend_from_slice(b"&sign=");
    signing.finish_into(&mut out);

    let kind = if multipart {
        Kind::Multipart(Multipart {
            text: w
                .text_params()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            files: w.files().map(|(k, f)| (k.to_string(), f.clone())).collect(),
        })
    } else {
        Kind::Form
    };
    PreparedRequest {
        bytes: out,
        url_start,
        kind,
    }
}

/// A call whose body is signed with its params (a batch, a QIMEN call): `params` (any order;
/// blank values are left out) form the query of `url` and are signed in key order, `body`
/// appended after them (md5: before the closing secret), as the SDKs'
/// `signTopRequestWithBody` does.
pub(crate) fn prepare_signed_body(
    url: &str,
    signer: &Signer,
    params: &mut Vec<(&str, &str)>,
    body: Vec<u8>,
    content_type: &'static str,
    headers: Vec<(&'static str, String)>,
) -> PreparedRequest {
    params.retain(|(_, v)| !crate::params::is_blank(v));
    params.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut signing = signer.start();
    let mut out = body;
    let url_start = out.len();
    out.extend_from_slice(url.as_bytes());
    out.push(if url.contains('?') { b'&' } else { b'?' });
    for (k, v) in params.iter() {
        signing.param(k, v);
        push_pair(&mut out, k, v);
        out.push(b'&');
    }
    if let Some(body) = out.get(..url_start) {
        signing.raw(body);
    }
    out.extend_from_slice(b"sign=");
    signing.finish_into(&mut out);
    PreparedRequest {
        bytes: out,
        url_start,
        kind: Kind::Text {
            content_type,
            headers,
        },
    }
}

/// Signs an app param and, unless the body is multipart, appends it to the form body.
#[inline(always)]
fn app_param(
    signing: &mut crate::sign::Signing<'_>,
    body: &mut Vec<u8>,
    multipart: bool,
    k: &str,
    v: &str,
) {
    signing.param(k, v);
    if !multipart {
        if !body.is_empty() {
            body.push(b'&');
        }
        push_pair(body, k, v);
    }
}

/// URL bytes written per call besides the prefix and the method: `&method=`, `&timestamp=`
/// and its 23 encoded bytes, `&sign=` and up to 64 hex digits.
const URL_PER_CALL: usize = 8 + 11 + 23 + 6 + 64;

/// Appends `k=v`, form-urlencoded.
fn push_pair(out: &mut Vec<u8>, k: &str, v: &str) {
    push_form_encoded(out, k.as_bytes());
    out.push(b'=');
    push_form_encoded(out, v.as_bytes());
}

/// Bytes that `application/x-www-form-urlencoded` leaves as they are.
const fn unreserved_table() -> [bool; 256] {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || matches!(c, b'*' | b'-' | b'.' | b'_');
        b += 1;
    }
    t
}
const UNRESERVED: [bool; 256] = unreserved_table();

/// Whether `s` is all unreserved bytes (the usual case: names, numbers, codes): eight at a
/// time without a branch per byte, the last eight overlapping.
#[inline]
fn all_unreserved(s: &[u8]) -> bool {
    let all = |c: &[u8]| {
        c.iter()
            .fold(true, |ok, &b| ok & UNRESERVED[usize::from(b)])
    };
    if s.len() < 8 {
        return all(s);
    }
    s.chunks_exact(8).all(all) && all(&s[s.len() - 8..])
}

/// Form-urlencodes `s` (space as `+`, other bytes outside the unreserved set as `%XX`).
#[inline]
fn push_form_encoded(out: &mut Vec<u8>, s: &[u8]) {
    if all_unreserved(s) {
        out.extend_from_slice(s);
    } else {
        push_form_encoded_mixed(out, s);
    }
}

/// [`push_form_encoded`] for text with bytes to escape: runs of unreserved bytes are copied
/// at once.
fn push_form_encoded_mixed(out: &mut Vec<u8>, mut s: &[u8]) {
    loop {
        let run = s
            .iter()
            .position(|&b| !UNRESERVED[usize::from(b)])
            .unwrap_or(s.len());
        let (plain, rest) = s.split_at(run);
        out.extend_from_slice(plain);
        let Some((&b, rest)) = rest.split_first() else {
            return;
        };
        push_form_encoded_byte(out, b);
        s = rest;
    }
}

/// One byte, form-urlencoded.
#[inline]
fn push_form_encoded_byte(out: &mut Vec<u8>, b: u8) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    if UNRESERVED[usize::from(b)] {
        out.push(b);
    } else if b == b' ' {
        out.push(b'+');
    } else {
        out.extend_from_slice(&[b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_encoding_matches_form_urlencoded() {
        let samples = [
            "",
            "plain",
            "a b",
            "2026-11-29 12:00:00",
            "1001,1002",
            "委托-7",
            "a+b&c=d/e?f%g",
            "*-._~!'()",
            "\u{0}\u{7f}\u{80}\u{10FFFF}",
            "{\"k\":[1,2]}",
            // Around the eight-byte checks: exactly eight, a byte to escape in the
            // overlapping last eight only, in the second block, after a long plain run.
            "abcdefgh",
            "abcdefghi~",
            "abcdefgh/abcdefgh",
            "abcdefghijklmnopqrstuvwxyz0123456789é",
        ];
        for s in samples {
            let mut ours = Vec::new();
            push_form_encoded(&mut ours, s.as_bytes());
            let ours = String::from_utf8(ours).unwrap();
            let theirs: String = form_urlencoded::byte_serialize(s.as_bytes()).collect();
            assert_eq!(ours, theirs, "{s:?}");
        }
        // Every single byte value (as chars up to U+00FF).
        for c in (0u32..=0xff).filter_map(char::from_u32) {
            let s = c.to_string();
            let mut ours = Vec::new();
            push_form_encoded(&mut ours, s.as_bytes());
            let ours = String::from_utf8(ours).unwrap();
            let theirs: String = form_urlencoded::byte_serialize(s.as_bytes()).collect();
            assert_eq!(ours, theirs, "{s:?}");
        }
    }
}
