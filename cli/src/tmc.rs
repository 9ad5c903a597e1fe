//! `topsdk tmc ...`: the message channel.

use serde_json::{Map, Value as Json, json};
use std::process::ExitCode;
use topsdk::tmc::{Frame, Value};

/// `topsdk tmc decode HEX`: one frame as JSON on stdout; a bad frame is a located error (64).
pub fn decode(hex: &str) -> ExitCode {
    let bytes = match from_hex(hex) {
        Ok(b) => b,
        Err(e) => return crate::usage_error(e),
    };
    match Frame::decode(&bytes) {
        Ok(frame) => {
            println!("{}", frame_json(&frame));
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
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (b as u32) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
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
