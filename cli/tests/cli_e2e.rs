//! The real `topsdk` binary against a `topsdk mock` process on 127.0.0.1.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Output, Stdio};
use topsdk_kongur::alibaba_kongur_token_getosstoken as api;

const BIN: &str = env!("CARGO_BIN_EXE_topsdk");
const KEY: &str = "cli-key";
const SECRET: &str = "cli-secret";

/// A `topsdk mock` process, killed on drop.
struct MockProcess {
    child: Child,
    url: String,
    tmc: String,
}

impl MockProcess {
    fn start(extra: &[&str]) -> MockProcess {
        let mut child = Command::new(BIN)
            .args([
                "mock",
                "--listen",
                "127.0.0.1:0",
                "--tmc-listen",
                "127.0.0.1:0",
                "--app-key",
                KEY,
                "--app-secret",
                SECRET,
            ])
            .args(extra)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        // One line per endpoint: `gateway: URL`, then `tmc: URL`.
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let url = line.trim().strip_prefix("gateway: ").unwrap().to_string();
        assert!(url.starts_with("http://127.0.0.1:"), "{line}");
        line.clear();
        out.read_line(&mut line).unwrap();
        let tmc = line.trim().strip_prefix("tmc: ").unwrap().to_string();
        assert!(tmc.starts_with("ws://127.0.0.1:"), "{line}");
        MockProcess { child, url, tmc }
    }
}

impl Drop for MockProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

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
    let v: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
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

/// The seed's category has no required param, so this needs `legalcase` compiled in (the mock
/// checks the APIs it has bindings for): `.ci/run` runs it with `--features legalcase`.
#[cfg(feature = "legalcase")]
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

/// `topsdk tmc decode HEX`: the golden frames of the protocol notes as JSON; a bad frame is
/// exit 64 with the byte offset.
#[test]
fn tmc_decode_prints_frames_as_json() {
    let decode = |hex: &str| {
        Command::new(BIN)
            .args(["tmc", "decode", hex])
            .output()
            .unwrap()
    };
    let out = decode("020102009101000003000c000000696e76616c6964207369676e0400010000000000");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"version": 2, "message_type": "CONNECTACK", "flag": 1, "token": null,
            "status_code": 401, "status_phrase": "invalid sign", "headers": {}})
    );
    // A data message with gzip content (byte array) and a 19-digit id.
    let out = decode(
        "020205002400000035346537386461382d643633362d343462622d623066652d3831396164323238343739330100060000005f5f6b696e640202010002000000696405090099e4e0ac951d0000",
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(r#""id":2131800080537681929"#), "{text}");
    assert!(
        text.contains(r#""__kind":2"#) && text.contains(r#""message_type":"SEND""#),
        "{text}"
    );
    let out = decode(
        "020205002400000064326333653836342d636636642d343838382d386662332d3562623935373139623031620100060000005f5f6b696e6402030100020000006964050100000000000000010005000000746f706963010100000074010007000000636f6e74656e74071b0000001f8b0800000000000203ab564a54b232ac0500afac1b56070000000000",
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["headers"]["content"]["bytes_base64"],
        "H4sIAAAAAAACA6tWSlSyMqwFAK+sG1YHAAAA"
    );
    let out = decode("0202050002");
    assert_eq!(out.status.code(), Some(64));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("TMC frame, byte 4: truncated in the token"),
        "{err}"
    );
}

#[test]
fn tmc_listen_without_credentials_prints_the_sample_messages() {
    let out = Command::new(BIN)
        .args(["tmc", "listen", "--max-messages", "5"])
        .env_remove("TOP_APP_KEY")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("built-in mock TMC"), "{stderr}");
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5, "{text}");
    let typed: Vec<bool> = lines
        .iter()
        .map(|l| l["typed"].as_bool().unwrap())
        .collect();
    assert_eq!(typed, [true, true, true, true, false], "{text}");
    for l in &lines {
        for k in [
            "id",
            "topic",
            "pub_app_key",
            "user_id",
            "user_nick",
            "pub_time",
            "outgoing_time",
            "data_id",
            "content",
        ] {
            assert!(l.get(k).is_some(), "{k} missing: {l}");
        }
        let t = l["pub_time"].as_str().unwrap();
        assert_eq!(t.len(), 19, "yyyy-MM-dd HH:mm:ss: {t}");
    }
    // 19-digit ids exact in the text (never through f64).
    assert!(text.contains(r#""tid":4345678901234567891"#), "{text}");
    assert!(text.contains(r#""id":2131800080537681921"#), "{text}");
    // The gzipped sample arrived inflated and typed.
    assert_eq!(lines[1]["content"]["status"], "WAIT_SELLER_SEND_GOODS");
}

#[test]
fn tmc_publish_then_listen_against_topsdk_mock_and_a_bad_secret_fails_fast() {
    let mock = MockProcess::start(&[]);
    let env = |c: &mut Command, secret: &str| {
        c.env("TOP_APP_KEY", KEY)
            .env("TOP_APP_SECRET", secret)
            .env("TOP_GATEWAY_URL", &mock.url)
            .env("TOP_TMC_URL", &mock.tmc);
    };
    let mut publish = Command::new(BIN);
    publish.args([
        "tmc",
        "publish",
        "taobao_trade_TradeCreate",
        r#"{"tid":4345678901234567891,"seller_nick":"shop1"}"#,
    ]);
    env(&mut publish, SECRET);
    let out = publish.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["is_success"], true, "{v}");
    let mut listen = Command::new(BIN);
    listen.args(["tmc", "listen", "--max-messages", "1"]);
    env(&mut listen, SECRET);
    let out = listen.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["topic"], "taobao_trade_TradeCreate");
    assert_eq!(line["typed"], true);
    assert_eq!(line["content"]["seller_nick"], "shop1");
    assert_eq!(line["pub_app_key"], KEY);
    let started = std::time::Instant::now();
    let mut bad = Command::new(BIN);
    bad.args(["tmc", "listen"]);
    env(&mut bad, "not-the-secret");
    let out = bad.output().unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("invalid sign"), "{stderr}");
    assert!(!stderr.contains("not-the-secret"), "{stderr}");
}

#[test]
fn auth_token_survives_a_restart_and_refreshes_without_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tokens.sqlite");
    let run = |args: &[&str]| {
        let out = Command::new(BIN)
            .args(args)
            .env_remove("TOP_APP_KEY")
            .env("TOP_TOKEN_DB", &db)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let url = run(&[
        "auth",
        "url",
        "--redirect-uri",
        "https://isv.example.com/cb",
        "--state",
        "s1",
    ]);
    assert!(
        url.starts_with(
            "https://oauth.taobao.com/authorize?response_type=code&client_id=mock-app-key"
        ),
        "{url}"
    );
    let stored: serde_json::Value =
        serde_json::from_str(&run(&["auth", "token", "--code", "c-1"])).unwrap();
    let shop = stored["shop"].as_i64().unwrap();
    assert_eq!(stored["access_token"], "***");
    // Another process reads the same file.
    let listed: serde_json::Value = serde_json::from_str(&run(&["auth", "list"])).unwrap();
    assert_eq!(listed["shop"].as_i64(), Some(shop));
    assert_eq!(listed["nick"], stored["nick"]);
    let refreshed: serde_json::Value =
        serde_json::from_str(&run(&["auth", "refresh", "--margin-secs", "172800"])).unwrap();
    assert_eq!(
        refreshed["refreshed"][0].as_i64(),
        Some(shop),
        "{refreshed}"
    );
    let text = run(&["auth", "list"]);
    assert_eq!(text.lines().count(), 1);
    let after: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(after["access_token"], "***", "secrets masked: {text}");
    assert_eq!(after["needs_refresh"], false);
}
