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
#[derive(Clone)]
pub struct PreparedRequest {
    /// Gateway URL with the system params and `sign` as its query.
    pub url: String,
    pub body: Body,
}

/// The body of a prepared request.
#[derive(Clone)]
pub enum Body {
    /// `application/x-www-form-urlencoded;charset=utf-8`
    Form(String),
    /// `multipart/form-data`: text params, then file params (files are not signed).
    Multipart {
        text: Vec<(String, String)>,
        files: Vec<(String, FileUpload)>,
    },
}

impl std::fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The query holds the session and the body may hold secret params: sizes only.
        f.debug_struct("PreparedRequest")
            .field("url_len", &self.url.len())
            .field(
                "body",
                &match &self.body {
                    Body::Form(b) => format!("form, {} bytes", b.len()),
                    Body::Multipart { text, files } => {
                        format!(
                            "multipart, {} text params, {} files",
                            text.len(),
                            files.len()
                        )
                    }
                },
            )
            .finish()
    }
}

/// What a client sends on every call, prepared once: the URL up to the per-call params (the
/// gateway and the system params fixed for the client's life, encoded), and the signing order
/// of the system params. Only `method`, `timestamp` and `sign` are encoded per call.
#[derive(Clone)]
pub(crate) struct SystemParams {
    /// `gateway?app_key=..&format=..&..&v=2.0` (the query's order does not matter; only the
    /// signature's does).
    url_prefix: String,
    /// The system params in key order, as signed.
    signed: Vec<SystemParam>,
    /// `key` + `value` of the fixed params, back to back; `SystemParam::Fixed` ranges index it.
    signed_text: String,
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
        }
    }
}

impl SystemParams {
    pub(crate) fn new(cfg: &Config) -> SystemParams {
        let session = cfg.session.as_ref().map(|s| s.expose().as_str());
        let fixed = [
            ("app_key", Some(cfg.app_key.as_str())),
            ("format", Some(cfg.format.as_str())),
            ("partner_id", cfg.partner_id.as_deref()),
            ("session", session),
            ("sign_method", Some(cfg.sign_method.as_str())),
            ("simplify", cfg.simplify.then_some("true")),
            ("target_app_key", cfg.target_app_key.as_deref()),
            ("v", Some("2.0")),
        ];
        let mut url = String::with_capacity(cfg.gateway_url.len() + 128);
        url.push_str(&cfg.gateway_url);
        url.push(if cfg.gateway_url.contains('?') {
            '&'
        } else {
            '?'
        });
        let query_start = url.len();
        let mut signed = vec![SystemParam::Method, SystemParam::Timestamp];
        let mut signed_text = String::new();
        for (key, value) in fixed {
            let Some(value) = value else { continue };
            push_pair(&mut url, query_start, key, value);
            let start = signed_text.len();
            signed_text.push_str(key);
            signed_text.push_str(value);
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

pub(crate) fn prepare(
    cfg: &Config,
    system: &SystemParams,
    signer: &Signer,
    method: &str,
    w: &ParamWriter<'_>,
) -> PreparedRequest {
    let timestamp = crate::time::gmt8_timestamp(cfg.clock.now());
    let multipart = w.has_files();

    let mut signing = signer.start();
    let mut form = String::with_capacity(if multipart { 0 } else { w.text_len() * 2 + 64 });
    let mut app = w.text_params().peekable();
    // Both lists are in key order, so one merge gives the signing order. App params go to the
    // body (unless multipart); on equal keys the system param is signed first.
    let mut app_before = |until: Option<&str>, signing: &mut crate::sign::Signing<'_>| {
        while let Some(&(k, v)) = app.peek() {
            if until.is_some_and(|u| crate::params::key_le(u.as_bytes(), k.as_bytes())) {
                break;
            }
            signing.param(k, v);
            if !multipart {
                push_pair(&mut form, 0, k, v);
            }
            app.next();
        }
    };
    for p in &system.signed {
        app_before(Some(p.key()), &mut signing);
        match p {
            SystemParam::Fixed { start, end, .. } => {
                signing.raw(system.signed_text.get(*start..*end).unwrap_or_default())
            }
            SystemParam::Method => signing.param("method", method),
            SystemParam::Timestamp => signing.param_bytes("timestamp", timestamp.as_bytes()),
        }
    }
    app_before(None, &mut signing);

    let mut url = String::with_capacity(system.url_prefix.len() + method.len() + 128);
    url.push_str(&system.url_prefix);
    url.push_str("&method=");
    push_form_encoded(&mut url, method);
    url.push_str("&timestamp=");
    url.push_str(timestamp.form_encoded().as_str());
    url.push_str("&sign=");
    signing.finish_into(&mut url);

    let body = if multipart {
        Body::Multipart {
            text: w
                .text_params()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            files: w.files().map(|(k, f)| (k.to_string(), f.clone())).collect(),
        }
    } else {
        Body::Form(form)
    };
    PreparedRequest { url, body }
}

/// Appends `k=v` (with `&` unless it is the first pair after `start`), form-urlencoded.
fn push_pair(out: &mut String, start: usize, k: &str, v: &str) {
    if out.len() > start {
        out.push('&');
    }
    push_form_encoded(out, k);
    out.push('=');
    push_form_encoded(out, v);
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

/// Length of the leading run of unreserved bytes; eight at a time, without a branch per byte.
#[inline]
fn unreserved_run(bytes: &[u8]) -> usize {
    let mut i = 0;
    for chunk in bytes.chunks_exact(8) {
        if !chunk
            .iter()
            .fold(true, |ok, &b| ok & UNRESERVED[usize::from(b)])
        {
            break;
        }
        i += 8;
    }
    while i < bytes.len() && UNRESERVED[usize::from(bytes[i])] {
        i += 1;
    }
    i
}

/// Form-urlencodes `s` (space as `+`, other bytes outside the unreserved set as `%XX`); runs
/// of unreserved bytes are copied at once.
fn push_form_encoded(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = s.as_bytes();
    let mut at = 0;
    loop {
        let run = unreserved_run(&bytes[at..]);
        // A run is ASCII, so both of its ends are char boundaries.
        out.push_str(s.get(at..at + run).unwrap_or_default());
        at += run;
        let Some(&b) = bytes.get(at) else {
            return;
        };
        if b == b' ' {
            out.push('+');
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
        at += 1;
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
        ];
        for s in samples {
            let mut ours = String::new();
            push_form_encoded(&mut ours, s);
            let theirs: String = form_urlencoded::byte_serialize(s.as_bytes()).collect();
            assert_eq!(ours, theirs, "{s:?}");
        }
        // Every single byte value (as chars up to U+00FF).
        for c in (0u32..=0xff).filter_map(char::from_u32) {
            let s = c.to_string();
            let mut ours = String::new();
            push_form_encoded(&mut ours, &s);
            let theirs: String = form_urlencoded::byte_serialize(s.as_bytes()).collect();
            assert_eq!(ours, theirs, "{s:?}");
        }
    }
}
