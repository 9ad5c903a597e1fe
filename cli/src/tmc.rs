//! `topsdk tmc ...`: the message channel.

use serde_json::{Map, Value as Json, json};
use std::process::ExitCode;
use topsdk::shape;
use topsdk::tmc::{Frame, Value};

/// `topsdk tmc decode HEX`: one frame as JSON on stdout; a bad frame is a located error (64).
pub fn decode(hex: &str) -> ExitCode {
    let bytes = match from_hex(hex) {
        Ok(b) => b,
        Err(e) => return crate::usage_error(e),
    };
    match Frame::decode(&bytes) {
        Ok(frame) => {
            if let Err(code) = crate::print_line(&frame_json(&frame).to_string()) {
                return code;
            }
            ExitCode::SUCCESS
        }
        Err(e) => crate::usage_error(e),
    }
}

fn from_hex(text: &str) -> Result<Vec<u8>, String> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !digits.len().is_multiple_of(2) {
        return Err(format!("odd number of hex digits ({})", digits.len()));
    }
    digits
        .chunks(2)
        .enumerate()
        .map(|(i, pair)| {
            std::str::from_utf8(pair)
                .ok()
                .and_then(|p| u8::from_str_radix(p, 16).ok())
                .ok_or_else(|| format!("not hex at digit {}", i * 2))
        })
        .collect()
}

/// Token and status phrase null when absent; strings as strings, integers as numbers, dates as epoch-ms numbers, void as null, byte
/// arrays as `{"bytes_base64": ..}`.
fn frame_json(f: &Frame) -> Json {
    let mut headers = Map::new();
    for (name, value) in &f.headers {
        headers.insert(name.clone(), value_json(value));
    }
    json!({
        "version": f.version,
        "message_type": f.message_type.as_str(),
        "flag": f.flag,
        "token": (!f.token.is_empty()).then_some(f.token.as_str()),
        "status_code": f.status_code,
        "status_phrase": (!f.status_phrase.is_empty()).then_some(f.status_phrase.as_str()),
        "headers": headers,
    })
}

fn value_json(v: &Value) -> Json {
    match v {
        Value::Void => Json::Null,
        Value::String(s) => Json::from(s.as_str()),
        Value::Byte(n) => Json::from(*n),
        Value::Int16(n) => Json::from(*n),
        Value::Int32(n) => Json::from(*n),
        Value::Int64(n) | Value::Date(n) => Json::from(*n),
        Value::Bytes(b) => json!({ "bytes_base64": base64(b) }),
    }
}

/// Standard base64 with padding (RFC 4648).
fn base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Sample messages the built-in mock publishes for `tmc listen` without credentials: typed
/// topics (one gzipped, as TMC sends large contents), and a topic without a type.
const SAMPLES: &[(&str, &str, bool)] = &[
    (
        "taobao_trade_TradeCreate",
        r#"{"buyer_nick":"buyer1","payment":"1299.00","oid":4345678901234567891,"tid":4345678901234567891,"type":"guarantee_trade","seller_nick":"shop1","status":"WAIT_BUYER_PAY"}"#,
        false,
    ),
    (
        "taobao_trade_TradeBuyerPay",
        r#"{"buyer_nick":"buyer1","payment":"1299.00","oid":4345678901234567891,"tid":4345678901234567891,"type":"guarantee_trade","seller_nick":"shop1","status":"WAIT_SELLER_SEND_GOODS"}"#,
        true,
    ),
    (
        "taobao_refund_RefundCreated",
        r#"{"buyer_nick":"buyer1","refund_fee":"99.00","oid":4345678901234567891,"tid":4345678901234567891,"refund_id":98765432101234567,"seller_nick":"shop1","modified":"2026-11-30 12:00:00","refund_phase":"onsale"}"#,
        false,
    ),
    (
        "taobao_item_ItemUpdate",
        r#"{"nick":"shop1","num_iid":712345678901,"changed_fields":"title,price"}"#,
        false,
    ),
    ("example_custom_Event", r#"{"anything":"goes"}"#, false),
];

/// `topsdk tmc listen`: one JSON line per message, confirmed after it is written.
pub async fn listen(group: Option<String>, max_messages: Option<u64>) -> ExitCode {
    use futures_util::StreamExt;
    use topsdk::tmc::{ConnectToken, TmcBuilder, TmcClient};
    let mut _mocks = None;
    let builder = if crate::no_credentials() {
        let (top, secret) = match crate::builtin::BuiltIn::for_command(None).await {
            Ok(m) => m,
            Err(e) => {
                eprintln!("topsdk: {e}");
                return ExitCode::from(3);
            }
        };
        let (gateway, tmc) = (&top.gateway, &top.tmc);
        let g = group.clone().unwrap_or_else(|| "default".into());
        for (topic, content, gzip) in SAMPLES {
            tmc.publish(
                topsdk::mock::Published::new(*topic, *content)
                    .group(g.clone())
                    .user(2_207_000_000_001, "shop1")
                    .gzip(*gzip),
            );
        }
        eprintln!(
            "topsdk: TOP_APP_KEY is not set; listening to the built-in mock TMC at {}, which has \
             {} sample messages (publish more: `topsdk tmc publish` against `topsdk mock`)",
            tmc.url(),
            SAMPLES.len()
        );
        let api = match topsdk::ClientBuilder::new(crate::builtin::APP_KEY, secret.clone())
            .gateway_url(gateway.url())
            .call_settings_from_lookup(crate::lookup)
            .and_then(topsdk::ClientBuilder::build)
        {
            Ok(c) => c,
            Err(e) => return crate::usage_error(e),
        };
        let b = TmcBuilder::new(crate::builtin::APP_KEY, secret)
            .url(tmc.url())
            .map(|b| b.gateway(api).connect_token(ConnectToken::Api));
        _mocks = Some(top);
        b
    } else {
        TmcBuilder::from_lookup(crate::lookup)
    };
    let mut builder = match builder {
        Ok(b) => b,
        Err(e) => return crate::usage_error(e),
    };
    if let Some(g) = group {
        builder = builder.group(g);
    }
    // A refused connect is final; an unreachable TMC is retried a few times, not forever.
    let client: TmcClient = builder.max_reconnects(5).build();
    let mut messages = match client.connect().await {
        Ok(m) => m,
        Err(e) => return tmc_error(e),
    };
    let handle = messages.handle();
    let stop = handle.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            stop.shutdown();
        }
    });
    let mut seen = 0u64;
    let mut code = ExitCode::SUCCESS;
    while max_messages.is_none_or(|n| seen < n) {
        let Some(item) = messages.next().await else {
            break;
        };
        match item {
            Ok(msg) => {
                // Confirmed once written: a crash or a failed write before this line leaves
                // it for redelivery.
                if let Err(failed) = crate::print_line(&message_json(&msg).to_string()) {
                    code = failed;
                    break;
                }
                if let Err(e) = msg.confirm() {
                    eprintln!("topsdk: {e}");
                }
                seen += 1;
            }
            Err(e) if !e.is_fatal() => eprintln!("topsdk: {e}"),
            Err(e) => {
                code = tmc_error(e);
                break;
            }
        }
    }
    messages.close().await;
    code
}

fn tmc_error(e: topsdk::tmc::TmcError) -> ExitCode {
    eprintln!("topsdk: {e}");
    match e {
        topsdk::tmc::TmcError::Refused { .. } => ExitCode::from(2),
        topsdk::tmc::TmcError::Config { .. } => ExitCode::from(64),
        _ => ExitCode::from(3),
    }
}

/// One message as the JSON line `tmc listen` prints: the envelope, then the content in the
/// typed form of its topic's documented fields when the catalogue has them and it fits
/// (`topsdk::shape`, sensitive fields masked; fields the docs do not list kept), else as sent.
pub fn message_json(msg: &topsdk::tmc::Message) -> Json {
    let time = |ms: Option<i64>| ms.map(|ms| topsdk::DateTime::from_epoch_millis(ms).to_string());
    let mut out = json!({
        "id": msg.id,
        "topic": msg.topic,
        "pub_app_key": msg.pub_app_key,
        "user_id": msg.user_id,
        "user_nick": msg.user_nick,
        "pub_time": time(msg.pub_time),
        "outgoing_time": time(msg.outgoing_time),
        "data_id": msg.data_id,
    });
    let raw = || {
        msg.json()
            .unwrap_or_else(|_| Json::from(msg.content.as_str()))
    };
    let (typed, content, error) = match crate::catalogue::topic(&msg.topic) {
        None => (false, raw(), None),
        Some(t) => match msg
            .json()
            .map_err(|e| e.to_string())
            .and_then(|v| shape::normalize(v, &t.fields).map_err(|e| e.to_string()))
        {
            Ok(mut v) => {
                shape::mask(&mut v, &t.fields);
                (true, v, None)
            }
            Err(e) => (false, raw(), Some(e)),
        },
    };
    if let Some(m) = out.as_object_mut() {
        m.insert("typed".into(), Json::from(typed));
        m.insert("content".into(), content);
        if let Some(e) = error {
            m.insert("decode_error".into(), Json::from(e));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_rfc4648_vectors() {
        for (raw, b64) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(raw.as_bytes()), b64, "{raw:?}");
        }
    }

    #[test]
    fn hex_errors() {
        assert_eq!(from_hex("0a ff").unwrap(), vec![10, 255]);
        assert!(from_hex("abc").unwrap_err().contains("odd"));
        assert!(from_hex("zz").unwrap_err().contains("digit 0"));
    }
}
