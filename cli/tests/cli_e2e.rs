//! The real `topsdk` binary against a `topsdk mock` process on 127.0.0.1: calls, errors,
//! masking, the embedded default, list/describe, foreign signers.

mod support;

use std::io::{Read, Write};
use std::process::{Command, Output};
use support::{BIN, KEY, MockProcess, SECRET};
use topsdk::kongur::alibaba_kongur_token_getosstoken as api;

fn call(url: &str, secret: &str, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("call")
        .args(args)
        .env("TOP_APP_KEY", KEY)
        .env("TOP_APP_SECRET", secret)
        .env("TOP_GATEWAY_URL", url)
        .env_remove("TOP_SESSION")
        .env_remove("TOP_SIGN_METHOD")
        .env_remove("TOP_FORMAT")
        .env_remove("TOP_SIMPLIFY")
        // Our timestamps are GMT+8 whatever the local zone.
        .env("TZ", "America/New_York")
        .output()
        .unwrap()
}

fn documented_simplified() -> serde_json::Value {
    serde_json::from_str(
        api::SCHEMA
            .get()
            .examples
            .response_json_simplified
            .as_deref()
            .unwrap(),
    )
    .unwrap()
}

#[test]
fn every_sign_method_format_and_simplify_prints_the_documented_values() {
    let mock = MockProcess::start(&[]);
    for sign in ["md5", "hmac", "hmac-sha256"] {
        for format in ["json", "xml"] {
            for simplify in [false, true] {
                let mut args = vec![
                    "alibaba.kongur.token.getosstoken",
                    "--param",
                    "suit_ids=1001,1002",
                    "--param",
                    "entrust_id=E-77",
                    "--format",
                    format,
                    "--sign-method",
                    sign,
                    "--reveal-secrets",
                ];
                if simplify {
                    args.push("--simplify");
                }
                let out = call(&mock.url, SECRET, &args);
                let stderr = String::from_utf8_lossy(&out.stderr);
                assert_eq!(
                    out.status.code(),
                    Some(0),
                    "{sign} {format} {simplify}: {stderr}"
                );
                let mut v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                let rid = v.as_object_mut().unwrap().remove("request_id");
                assert!(rid.is_some_and(|r| r.as_str().is_some_and(|s| !s.is_empty())));
                assert_eq!(
                    v,
                    documented_simplified(),
                    "{sign} {format} simplify={simplify}"
                );
            }
        }
    }
}

#[test]
fn sensitive_fields_are_masked_unless_revealed() {
    let mock = MockProcess::start(&[]);
    let out = call(&mock.url, SECRET, &["alibaba.kongur.token.getosstoken"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let token = &v["kongur_oss_result_do"]["datas"][0];
    assert_eq!(token["secret_access_key"], "***");
    assert_eq!(token["oss_token"], "***");
    assert_eq!(token["access_key_id"], "xxxxx");
}

fn api_error(out: &Output) -> serde_json::Value {
    assert_eq!(
        out.status.code(),
        Some(2),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The error is the last line (a warning may come before it).
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr.lines().last().unwrap_or_default();
    let v: serde_json::Value = serde_json::from_str(last).unwrap();
    for k in ["code", "msg", "sub_code", "sub_msg", "request_id"] {
        assert!(v.get(k).is_some(), "missing {k}: {v}");
    }
    v
}

#[test]
fn gateway_errors_reach_the_cli_as_exit_2() {
    let mock = MockProcess::start(&[]);
    let wrong = call(
        &mock.url,
        "not-the-secret",
        &["alibaba.kongur.token.getosstoken"],
    );
    assert_eq!(api_error(&wrong)["code"], 25);
    let unknown = call(&mock.url, SECRET, &["taobao.no.such.api", "--param", "x=1"]);
    assert_eq!(api_error(&unknown)["code"], 22);
    let stale_gateway = MockProcess::start(&["--clock-offset-secs", "3600"]);
    let stale = call(
        &stale_gateway.url,
        SECRET,
        &["alibaba.kongur.token.getosstoken"],
    );
    assert_eq!(api_error(&stale)["code"], 31);
}

/// An API with a required param (the seed's has none): every catalogue API is checked by its
/// schema, by the command and by the mock alike.
#[test]
fn missing_required_param_is_code_40() {
    let mock = MockProcess::start(&[]);
    // A blank value is not sent (as the Java SDK does), so the required param is missing:
    // reported before any I/O, as TOP's client-side code 40.
    let missing = call(
        &mock.url,
        SECRET,
        &["alibaba.legal.case.common.enumdata", "--param", "key= "],
    );
    let err = String::from_utf8_lossy(&missing.stderr);
    assert_eq!(missing.status.code(), Some(64), "{err}");
    assert!(
        err.contains("code 40") && err.contains("param `key`: is required"),
        "{err}"
    );
    // The mock, asked directly without the param, answers TOP's code 40 too.
    let client = topsdk::Client::builder(KEY, SECRET)
        .gateway_url(&mock.url)
        .build()
        .unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let e = rt
        .block_on(client.execute_raw("alibaba.legal.case.common.enumdata", []))
        .unwrap_err();
    let api = e.api().expect("an error_response");
    assert_eq!(
        (api.code, api.sub_code.as_deref()),
        (40, Some("isv.missing-parameter:key"))
    );
}

#[test]
fn bad_values_name_the_param_and_type() {
    let mock = MockProcess::start(&[]);
    let out = call(
        &mock.url,
        SECRET,
        &["alibaba.kongur.token.getosstoken", "--param", "nope=1"],
    );
    assert_eq!(out.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope"));
    let out = call(
        &mock.url,
        SECRET,
        &["alibaba.kongur.token.getosstoken", "--param", "novalue"],
    );
    assert_eq!(out.status.code(), Some(64));
}

#[test]
fn transport_errors_exit_3() {
    // Nothing listens on port 9 of loopback (discard service is not run here).
    let out = call(
        "http://127.0.0.1:9/router/rest",
        SECRET,
        &["alibaba.kongur.token.getosstoken"],
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
}

#[test]
fn embedded_default_without_credentials() {
    let out = Command::new(BIN)
        .args([
            "call",
            "alibaba.kongur.token.getosstoken",
            "--param",
            "suit_ids=1001,1002",
            "--param",
            "entrust_id=E-77",
        ])
        .env_remove("TOP_APP_KEY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("built-in mock gateway"), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["kongur_oss_result_do"]["datas"][0]["secret_access_key"],
        "***"
    );
}

#[test]
fn list_and_describe() {
    let out = Command::new(BIN).arg("list").output().unwrap();
    let list = String::from_utf8_lossy(&out.stdout);
    assert!(
        list.contains(
            "alibaba.kongur.token.getosstoken\t根据案件列表、委托id获取 上传附件的临时token"
        ),
        "{list}"
    );
    let out = Command::new(BIN)
        .args(["describe", "alibaba.kongur.token.getosstoken"])
        .output()
        .unwrap();
    let d = String::from_utf8_lossy(&out.stdout);
    assert!(
        d.contains("suit_ids")
            && d.contains("optional")
            && d.contains("secret_access_key")
            && d.contains("(sensitive)"),
        "{d}"
    );
}

/// A request built by hand (form body, md5), signed without the SDK, over a raw socket.
#[test]
fn mock_accepts_requests_signed_by_other_clients() {
    use md5::{Digest, Md5};
    let mock = MockProcess::start(&[]);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    // Epoch milliseconds, as the official Python SDK sends.
    let timestamp = (now * 1000).to_string();
    let mut params = vec![
        ("app_key", KEY.to_string()),
        ("format", "json".to_string()),
        ("method", "alibaba.kongur.token.getosstoken".to_string()),
        ("sign_method", "md5".to_string()),
        ("timestamp", timestamp),
        ("v", "2.0".to_string()),
        ("entrust_id", "委托-7".to_string()),
        ("suit_ids", "1001,1002".to_string()),
    ];
    params.sort();
    let mut h = Md5::new();
    h.update(SECRET);
    for (k, v) in &params {
        h.update(k);
        h.update(v);
    }
    h.update(SECRET);
    let sign: String = h.finalize().iter().map(|b| format!("{b:02X}")).collect();
    params.push(("sign", sign));
    let body: String = params
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}={}",
                v.bytes()
                    .map(|b| if b.is_ascii_alphanumeric() {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    })
                    .collect::<String>()
            )
        })
        .collect::<Vec<_>>()
        .join("&");
    let addr = mock
        .url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    write!(s, "POST /router/rest HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    let json = resp.split("\r\n\r\n").nth(1).unwrap();
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    assert!(
        v.get("alibaba_kongur_token_getosstoken_response").is_some(),
        "{resp}"
    );
}
