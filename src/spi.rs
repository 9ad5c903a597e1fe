//! Verifying calls TOP sends *to* you: SPI calls and QIMEN calls forwarded to an ISV's endpoint.
//!
//! Framework-agnostic: give [`Verifier::verify`] the request's raw query string, its headers
//! and its body; it checks the signature the way the official SDKs do (`SpiUtils.checkSign`)
//! and, optionally, the age of its `timestamp`:
//!
//! ```text
//! sign = UPPERHEX(MD5(secret + k1 v1 k2 v2 ... + body + secret))
//! ```
//!
//! over the headers named in `top-sign-list`, the URL query params and (without a text body)
//! the form params, sorted by name, empty values included, only `sign` left out; the body is
//! appended when its content type is JSON, XML or plain text; `sign` is read from the URL.
//! Values are compared as the bytes they decode to, so any ASCII-compatible charset verifies
//! as sent.
//!
//! With a framework built on the `http` crate (axum, hyper, ...), hand over the request's head
//! and body: [`Verifier::verify_http`]. The source-IP check of the SDKs (`checkRemoteIp`:
//! TOP's egress ranges from `taobao.top.ipout.get`) is [`IpAllowList`].
//!
//! ```
//! # fn handle(head: &http::request::Parts, body: &[u8]) -> Result<(), topsdk::spi::SpiError> {
//! use std::time::{Duration, SystemTime};
//! let verifier = topsdk::spi::Verifier::new("app-secret").max_age(Duration::from_secs(300));
//! let params = verifier.verify_http(head, body, SystemTime::now())?; // signed params by name
//! # Ok(()) }
//! ```

use crate::sign::Signer;
use crate::{DateTime, SignMethod};
use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, SystemTime};

/// An incoming request, as any HTTP framework has it.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    /// The raw query string, without `?` (`sign=…&timestamp=…`).
    pub query: &'a str,
    /// Header names and values; names compare case-insensitively.
    pub headers: &'a [(&'a str, &'a str)],
    pub body: &'a [u8],
}

/// Checks incoming SPI/QIMEN requests for one app secret.
#[derive(Clone)]
pub struct Verifier {
    /// md5, keyed once with the app secret (the SPI sign is always md5).
    signer: Signer,
    max_age: Option<Duration>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("app_secret", &"***")
            .field("max_age", &self.max_age)
            .finish()
    }
}

/// Why a request was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SpiError {
    /// No `sign` in the URL query.
    MissingSign,
    /// The signature does not match. `missing_headers`: headers `top-sign-list` names that the
    /// request does not carry (counted as empty, as the SDKs do): a proxy may have dropped them.
    BadSign { missing_headers: Vec<String> },
    /// A timestamp check was asked for and the request has none.
    MissingTimestamp,
    /// `timestamp` is not `yyyy-MM-dd HH:mm:ss`.
    BadTimestamp(String),
    /// Older than the allowed age.
    Stale { age_secs: u64, max_age_secs: u64 },
    /// The caller's address is not in TOP's egress ranges ([`IpAllowList`]).
    ForbiddenIp(std::net::IpAddr),
}

impl fmt::Display for SpiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpiError::MissingSign => f.write_str("no `sign` in the query"),
            SpiError::BadSign { missing_headers } if missing_headers.is_empty() => {
                f.write_str("the signature does not match")
            }
            SpiError::BadSign { missing_headers } => write!(
                f,
                "the signature does not match; headers named in top-sign-list are missing: {}",
                missing_headers.join(", ")
            ),
            SpiError::MissingTimestamp => f.write_str("no `timestamp` param"),
            SpiError::BadTimestamp(t) => write!(f, "timestamp `{t}` is not yyyy-MM-dd HH:mm:ss"),
            SpiError::Stale {
                age_secs,
                max_age_secs,
            } => write!(
                f,
                "the request is {age_secs} s old; at most {max_age_secs} s is accepted"
            ),
            SpiError::ForbiddenIp(ip) => write!(f, "{ip} is not one of TOP's egress addresses"),
        }
    }
}

impl std::error::Error for SpiError {}

/// Content types whose body is signed (the SDKs' `checkSign`).
const TEXT_TYPES: &[&str] = &[
    "application/json",
    "text/xml",
    "application/xml",
    "text/plain",
];

impl Verifier {
    /// Signature checks only; add [`Verifier::max_age`] for the timestamp check.
    pub fn new(app_secret: impl Into<String>) -> Verifier {
        Verifier {
            signer: Signer::new(SignMethod::Md5, &app_secret.into()),
            max_age: None,
        }
    }

    /// Refuses requests whose `timestamp` (GMT+8) is older than `max_age` (the SDKs take the
    /// tolerance from the caller and set no lower bound; neither does this).
    pub fn max_age(mut self, max_age: Duration) -> Verifier {
        self.max_age = Some(max_age);
        self
    }

    /// Checks `request` at time `now`; `Ok` with the signed params by name: exactly the
    /// values the signature covered. A name given more than once holds one value, as the
    /// SDKs' maps do: the query's last value of it (a later one replaces an earlier one and a
    /// header's), else the header's (one named in `top-sign-list`), else the form's first.
    /// Read params from this map, never from the raw request: a duplicated name there may
    /// carry a value nobody signed.
    pub fn verify(
        &self,
        request: &Request<'_>,
        now: SystemTime,
    ) -> Result<BTreeMap<Vec<u8>, Vec<u8>>, SpiError> {
        let header = |name: &str| {
            request
                .headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| *v)
        };
        let mut params: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
        let mut missing_headers = Vec::new();
        for name in header("top-sign-list")
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            let value = match header(name) {
                Some(v) => crate::params::form_decode(v.as_bytes()),
                None => {
                    missing_headers.push(name.to_string());
                    Vec::new()
                }
            };
            params.insert(name.as_bytes().to_vec(), value);
        }
        let query = pairs(request.query.as_bytes());
        let mut remote_sign = None;
        for (k, v) in &query {
            if k == b"sign" {
                remote_sign = Some(v.clone());
            }
            params.insert(k.clone(), v.clone());
        }
        let content_type = header("content-type").unwrap_or("").to_ascii_lowercase();
        let text_body = TEXT_TYPES.iter().any(|t| content_type.starts_with(t));
        if !text_body && content_type.starts_with("application/x-www-form-urlencoded") {
            for (k, v) in pairs(request.body) {
                params.entry(k).or_insert(v);
            }
        }
        let remote_sign = remote_sign.ok_or(SpiError::MissingSign)?;
        params.remove(b"sign".as_slice());

        let mut signing = self.signer.start();
        for (k, v) in &params {
            signing.raw(k);
            signing.raw(v);
        }
        if text_body {
            signing.raw(request.body);
        }
        let local = signing.finish();
        if !crate::sign::constant_time_eq(local.as_bytes(), &remote_sign, false) {
            return Err(SpiError::BadSign { missing_headers });
        }
        if let Some(max_age) = self.max_age {
            let text = params
                .get(b"timestamp".as_slice())
                .map(|t| String::from_utf8_lossy(t).into_owned())
                .ok_or(SpiError::MissingTimestamp)?;
            let sent = DateTime::parse(&text)
                .map_err(|_| SpiError::BadTimestamp(text.clone()))?
                .to_system_time();
            let age = now.duration_since(sent).unwrap_or(Duration::ZERO);
            if age > max_age {
                return Err(SpiError::Stale {
                    age_secs: age.as_secs(),
                    max_age_secs: max_age.as_secs(),
                });
            }
        }
        Ok(params)
    }
}

impl Verifier {
    /// [`Verifier::verify`] for a request of the `http` crate (axum's and hyper's), its head
    /// and its whole body (`let (head, body) = request.into_parts()`, body collected). Header
    /// values that are not text are left out (as missing, which a signed one then shows).
    pub fn verify_http(
        &self,
        head: &http::request::Parts,
        body: &[u8],
        now: SystemTime,
    ) -> Result<BTreeMap<Vec<u8>, Vec<u8>>, SpiError> {
        let headers: Vec<(&str, &str)> = head
            .headers
            .iter()
            .filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?)))
            .collect();
        self.verify(
            &Request {
                query: head.uri.query().unwrap_or(""),
                headers: &headers,
                body,
            },
            now,
        )
    }
}

/// TOP's egress address ranges, as `taobao.top.ipout.get` lists them (`ip_list`: CIDR ranges
/// or single addresses, separated by commas, semicolons or white space), to refuse SPI calls
/// from anywhere else (the SDKs' `checkRemoteIp`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IpAllowList {
    ranges: Vec<(std::net::IpAddr, u8)>,
}

/// Headers a proxy puts the caller's address in, in the order the SDKs read them.
const FORWARD_HEADERS: &[&str] = &[
    "x-real-ip",
    "x-forwarded-for",
    "proxy-client-ip",
    "wl-proxy-client-ip",
    "http_client_ip",
    "http_x_forwarded_for",
];

impl IpAllowList {
    /// Parses an `ip_list`; a bad entry is an error naming it and its position (1-based).
    pub fn parse(ip_list: &str) -> Result<IpAllowList, String> {
        let mut ranges = Vec::new();
        let entries = ip_list
            .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .filter(|e| !e.is_empty());
        for (i, entry) in entries.enumerate() {
            let bad = |why: &str| format!("entry {} `{entry}` of the IP list: {why}", i + 1);
            let (addr, bits) = match entry.split_once('/') {
                Some((a, b)) => (a, Some(b)),
                None => (entry, None),
            };
            let addr: std::net::IpAddr = addr.parse().map_err(|_| bad("not an IP address"))?;
            let max = if addr.is_ipv4() { 32 } else { 128 };
            let bits = match bits {
                None => max,
                Some(b) => b
                    .parse::<u8>()
                    .ok()
                    .filter(|b| *b <= max)
                    .ok_or_else(|| bad("bad prefix length"))?,
            };
            ranges.push((addr, bits));
        }
        Ok(IpAllowList { ranges })
    }

    pub fn contains(&self, ip: std::net::IpAddr) -> bool {
        use std::net::IpAddr;
        let ip = match ip {
            // `::ffff:a.b.c.d` is the IPv4 address (dual-stack sockets report it so).
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        self.ranges.iter().any(|&(net, bits)| match (net, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        })
    }

    /// Checks the caller: `peer` (the socket's address), or, when `behind_proxy`, the first
    /// address in the forwarding headers the SDKs read (`X-Real-IP`, `X-Forwarded-For`, ...;
    /// empty and `unknown` skipped), falling back to `peer`. Trust those headers only behind a
    /// proxy that sets them: anyone can send them. `Ok` with the address checked.
    pub fn check(
        &self,
        headers: &[(&str, &str)],
        peer: std::net::IpAddr,
        behind_proxy: bool,
    ) -> Result<std::net::IpAddr, SpiError> {
        let forwarded = behind_proxy
            .then(|| {
                FORWARD_HEADERS.iter().find_map(|name| {
                    let value = headers
                        .iter()
                        .find(|(n, _)| n.eq_ignore_ascii_case(name))
                        .map(|(_, v)| *v)?;
                    let first = value.split(',').next()?.trim();
                    if first.is_empty() || first.eq_ignore_ascii_case("unknown") {
                        return None;
                    }
                    first.parse().ok()
                })
            })
            .flatten();
        let ip = forwarded.unwrap_or(peer);
        if self.contains(ip) {
            Ok(ip)
        } else {
            Err(SpiError::ForbiddenIp(ip))
        }
    }
}

/// `k=v&k2=` split and percent-decoded (`+` is a space), as bytes; `k` alone is `k=`.
fn pairs(raw: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    raw.split(|&b| b == b'&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.iter().position(|&b| b == b'=') {
            Some(i) => (
                crate::params::form_decode(&p[..i]),
                crate::params::form_decode(&p[i + 1..]),
            ),
            None => (crate::params::form_decode(p), Vec::new()),
        })
        .collect()
}
