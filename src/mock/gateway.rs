//! The gateway contract the mock enforces, as a pure function of the params that arrived.

use crate::schema::{ApiSchema, LazySchema};
use crate::{ApiError, DateTime, Format, SignMethod};
use std::collections::BTreeMap;
use std::time::SystemTime;

/// Allowed distance between a request's timestamp and the gateway's clock.
pub const TIMESTAMP_TOLERANCE_SECS: i64 = 600;

/// What arrived: text params from query and body (body wins on a clash), file param names.
#[derive(Clone, Debug, Default)]
pub(crate) struct Incoming {
    pub params: BTreeMap<String, String>,
    pub files: Vec<String>,
}

/// The checks passed: which API, in which format.
pub(crate) struct Accepted {
    pub schema: &'static ApiSchema,
    pub format: Format,
    pub simplify: bool,
}

/// The format to answer in (TOP answers XML unless asked for JSON).
pub(crate) fn reply_format(params: &BTreeMap<String, String>) -> Format {
    match params.get("format").map(String::as_str) {
        Some("json") => Format::Json,
        _ => Format::Xml,
    }
}

fn err(code: i64, msg: &str, sub_code: Option<String>, sub_msg: Option<String>) -> ApiError {
    ApiError {
        code,
        msg: msg.to_string(),
        sub_code,
        sub_msg,
        request_id: None,
    }
}

/// Checks the request as TOP does; the error is TOP's code for the first problem found.
pub(crate) fn check(
    apis: &[&'static LazySchema],
    app_key: &str,
    app_secret: &str,
    now: SystemTime,
    inc: &Incoming,
) -> Result<Accepted, ApiError> {
    let p = &inc.params;
    let format = format_of(p)?;
    let schema = method_of(apis, p)?;
    envelope(app_key, app_secret, now, p, b"")?;
    check_params(schema, inc)?;
    Ok(Accepted {
        schema,
        format,
        simplify: p.get("simplify").map(String::as_str) == Some("true"),
    })
}

/// The checks of one call of a batch, whose envelope (key, time, sign) was checked once.
pub(crate) fn check_call(
    apis: &[&'static LazySchema],
    inc: &Incoming,
) -> Result<Accepted, ApiError> {
    let p = &inc.params;
    let format = format_of(p)?;
    let schema = method_of(apis, p)?;
    check_params(schema, inc)?;
    Ok(Accepted {
        schema,
        format,
        simplify: p.get("simplify").map(String::as_str) == Some("true"),
    })
}

fn get<'p>(p: &'p BTreeMap<String, String>, k: &str) -> Option<&'p str> {
    p.get(k).map(String::as_str).filter(|v| !v.is_empty())
}

fn format_of(p: &BTreeMap<String, String>) -> Result<Format, ApiError> {
    match get(p, "format") {
        None | Some("xml") => Ok(Format::Xml),
        Some("json") => Ok(Format::Json),
        Some(other) => Err(err(
            23,
            "Invalid Format",
            None,
            Some(format!("format `{other}` is not xml or json")),
        )),
    }
}

fn method_of(
    apis: &[&'static LazySchema],
    p: &BTreeMap<String, String>,
) -> Result<&'static ApiSchema, ApiError> {
    let method = get(p, "method").ok_or_else(|| err(21, "Missing Method", None, None))?;
    crate::by_name::find(apis, method).ok_or_else(|| {
        err(
            22,
            "Invalid Method",
            None,
            Some(format!("no API named {method}")),
        )
    })
}

/// App key, version, timestamp and signature (over every param but `sign`, `body` appended
/// as batch and QIMEN calls sign it; empty for plain calls).
pub(crate) fn envelope(
    app_key: &str,
    app_secret: &str,
    now: SystemTime,
    p: &BTreeMap<String, String>,
    body: &[u8],
) -> Result<(), ApiError> {
    let key = get(p, "app_key").ok_or_else(|| err(28, "Missing App Key", None, None))?;
    if key != app_key {
        return Err(err(29, "Invalid App Key", None, None));
    }
    match get(p, "v") {
        None => return Err(err(32, "Missing Version", None, None)),
        Some("2.0") => {}
        Some(_) => return Err(err(33, "Invalid Version", None, None)),
    }
    let ts = get(p, "timestamp").ok_or_else(|| err(30, "Missing Timestamp", None, None))?;
    let sent = parse_timestamp(ts).ok_or_else(|| {
        err(
            31,
            "Invalid Timestamp",
            None,
            Some(format!(
                "`{ts}` is neither yyyy-MM-dd HH:mm:ss (GMT+8) nor epoch milliseconds"
            )),
        )
    })?;
    let now_secs = DateTime::from_system_time(now).to_unix();
    if (sent - now_secs).abs() > TIMESTAMP_TOLERANCE_SECS {
        return Err(err(
            31,
            "Invalid Timestamp",
            None,
            Some("timestamp is more than 10 minutes from the gateway's clock (GMT+8)".into()),
        ));
    }
    let sign_method: SignMethod = match get(p, "sign_method") {
        None => SignMethod::Md5,
        Some(m) => m.parse().map_err(|_| {
            err(
                25,
                "Invalid Signature",
                None,
                Some(format!("unknown sign_method `{m}`")),
            )
        })?,
    };
    let sign = get(p, "sign").ok_or_else(|| err(24, "Missing Signature", None, None))?;
    // Keys in byte order (a BTreeMap of Strings is), every one but `sign`.
    let signer = crate::sign::Signer::new(sign_method, app_secret);
    let mut signing = signer.start();
    for (k, v) in p.iter().filter(|(k, _)| k.as_str() != "sign") {
        signing.param(k, v);
    }
    signing.raw(body);
    let expected = signing.finish();
    if !crate::sign::constant_time_eq(expected.as_bytes(), sign.as_bytes(), true) {
        return Err(err(25, "Invalid Signature", None, None));
    }
    Ok(())
}

/// Required params present, values of their documented type and within their limits: the
/// client's own rules ([`crate::rules`]), so the two never differ, answered as TOP does
/// (40 `isv.missing-parameter:NAME`, 41 `isv.invalid-parameter:NAME`).
fn check_params(schema: &ApiSchema, inc: &Incoming) -> Result<(), ApiError> {
    crate::rules::check_text(
        schema,
        |name| get(&inc.params, name),
        |name| get(&inc.params, name).is_some() || inc.files.iter().any(|f| f == name),
    )
    .map_err(|v| {
        let (msg, kind) = if v.code == 40 {
            ("Missing Required Arguments", "missing")
        } else {
            ("Invalid Arguments", "invalid")
        };
        err(
            v.code,
            msg,
            Some(format!("isv.{kind}-parameter:{}", v.param)),
            Some(v.to_string()),
        )
    })
}

/// Epoch seconds of a `yyyy-MM-dd HH:mm:ss` (GMT+8) or epoch-milliseconds timestamp.
fn parse_timestamp(ts: &str) -> Option<i64> {
    if !ts.is_empty() && ts.bytes().all(|b| b.is_ascii_digit()) {
        return ts.parse::<i64>().ok().map(|ms| ms / 1000);
    }
    DateTime::parse(ts)
        .ok()
        .filter(|_| ts.len() == 19)
        .map(DateTime::to_unix)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const SECRET: &str = "s3";

    /// The seed API as far as these checks look at it.
    static SEED: LazySchema = LazySchema::new(
        r#"{"method":"alibaba.kongur.token.getosstoken","title":"","description":"",
            "category":"","category_pkg":"kongur","doc_url":"",
            "response_key":"alibaba_kongur_token_getosstoken_response","idempotent":true,
            "request":[{"name":"suit_ids","ty":"String"}],"response":[]}"#,
    );
    static APIS: &[&LazySchema] = &[&SEED];

    /// A valid request for the seed API at `now`, signed with `m`.
    fn valid(now: SystemTime, m: SignMethod) -> Incoming {
        let mut params = BTreeMap::new();
        for (k, v) in [
            ("method", "alibaba.kongur.token.getosstoken".to_string()),
            ("app_key", "k".to_string()),
            ("v", "2.0".to_string()),
            ("format", "json".to_string()),
            ("sign_method", m.as_str().to_string()),
            ("timestamp", DateTime::from_system_time(now).to_string()),
            ("suit_ids", "1,2".to_string()),
        ] {
            params.insert(k.to_string(), v);
        }
        resign(
            Incoming {
                params,
                files: vec![],
            },
            m,
        )
    }

    fn resign(mut inc: Incoming, m: SignMethod) -> Incoming {
        inc.params.remove("sign");
        let mut pairs: Vec<(&str, &str)> = inc
            .params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let sign = crate::sign::sign(m, SECRET, &mut pairs);
        inc.params.insert("sign".into(), sign);
        inc
    }

    fn code(inc: &Incoming, now: SystemTime) -> Option<i64> {
        check(APIS, "k", SECRET, now, inc).err().map(|e| e.code)
    }

    #[test]
    fn each_gateway_error_code() {
        let now = SystemTime::now();
        for m in SignMethod::ALL {
            assert_eq!(code(&valid(now, m), now), None, "{m}");
        }
        let m = SignMethod::Md5;
        let edit = |k: &str, v: Option<&str>, resign_it: bool| {
            let mut inc = valid(now, m);
            match v {
                Some(v) => inc.params.insert(k.to_string(), v.to_string()),
                None => inc.params.remove(k),
            };
            if resign_it { resign(inc, m) } else { inc }
        };
        assert_eq!(code(&edit("method", None, true), now), Some(21));
        assert_eq!(
            code(&edit("method", Some("no.such.api"), true), now),
            Some(22)
        );
        assert_eq!(code(&edit("format", Some("yaml"), true), now), Some(23));
        assert_eq!(code(&edit("sign", None, false), now), Some(24));
        assert_eq!(code(&edit("suit_ids", Some("9"), false), now), Some(25));
        assert_eq!(code(&edit("app_key", None, true), now), Some(28));
        assert_eq!(code(&edit("app_key", Some("other"), true), now), Some(29));
        assert_eq!(code(&edit("timestamp", None, true), now), Some(30));
        assert_eq!(
            code(&edit("timestamp", Some("yesterday"), true), now),
            Some(31)
        );
        assert_eq!(code(&edit("v", None, true), now), Some(32));
        assert_eq!(code(&edit("v", Some("1.0"), true), now), Some(33));
        // Stale by more than 10 minutes either way; epoch milliseconds accepted.
        assert_eq!(
            code(&valid(now, m), now + Duration::from_secs(601)),
            Some(31)
        );
        assert_eq!(
            code(&valid(now, m), now - Duration::from_secs(601)),
            Some(31)
        );
        assert_eq!(code(&valid(now, m), now + Duration::from_secs(540)), None);
        let ms = now
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis()
            .to_string();
        assert_eq!(code(&edit("timestamp", Some(&ms), true), now), None);
        // Garbage never panics.
        for junk in ["", "\u{0}", "9999999999999999999999", "2026-02-30 00:00:00"] {
            assert!(
                code(&edit("timestamp", Some(junk), true), now).is_some(),
                "{junk:?}"
            );
        }
    }
}
