//! The `topsdk` command's workflows end to end: TMC (decode, listen, publish), shop
//! authorization with the SQLite store across restarts, batch calls, a QIMEN call.

mod support;

use std::process::Command;
use support::{BIN, KEY, MockProcess, SECRET};

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
    // Message ids: 19 digits, consecutive (through f64 they would round to multiples of 256).
    let ids: Vec<i64> = lines.iter().map(|l| l["id"].as_i64().unwrap()).collect();
    assert_eq!(ids[0].to_string().len(), 19, "{text}");
    assert_eq!(ids[1], ids[0] + 1, "{text}");
    assert!(text.contains(&format!(r#""id":{}"#, ids[1])), "{text}");
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

/// `topsdk batch` against a `topsdk mock` process: three different APIs in one request, the
/// middle one failing (a refresh token the mock never issued), answers in order, exit 2.
#[test]
fn batch_of_three_apis_with_one_failing() {
    let mock = MockProcess::start(&[]);
    let out = Command::new(BIN)
        .args([
            "batch",
            "taobao.time.get",
            "taobao.top.auth.token.refresh?refresh_token=never-issued",
            "alibaba.kongur.token.getosstoken?suit_ids=1001%2C1002&session=shop-b",
        ])
        .env("TOP_APP_KEY", KEY)
        .env("TOP_APP_SECRET", SECRET)
        .env("TOP_GATEWAY_URL", &mock.url)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(lines[0]["response"]["time"].is_string(), "{stdout}");
    assert_eq!(lines[1]["error"]["sub_code"], "isv.refresh-token-invalid");
    assert_eq!(lines[2]["method"], "alibaba.kongur.token.getosstoken");
    // Flattened and masked like `call`'s output.
    assert_eq!(
        lines[2]["response"]["kongur_oss_result_do"]["datas"][0]["secret_access_key"],
        "***"
    );
    // A required param missing: refused before sending, naming the call.
    let out = Command::new(BIN)
        .args(["batch", "taobao.time.get", "taobao.top.auth.token.create"])
        .env("TOP_APP_KEY", KEY)
        .env("TOP_APP_SECRET", SECRET)
        .env("TOP_GATEWAY_URL", &mock.url)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(64));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("call 2 (taobao.top.auth.token.create): invalid request (code 40): param `code`: is required"),
        "{stderr}"
    );
}

/// A QIMEN API from the command line: the built-in mock's QIMEN gateway answers; without a
/// customerId the call is refused before it is sent.
#[test]
fn qimen_call_on_the_built_in_mock() {
    let request =
        r#"request={"entryOrder":{"entryOrderCode":"E1","ownerCode":"O","warehouseCode":"W"}}"#;
    let out = Command::new(BIN)
        .args([
            "call",
            "taobao.qimen.entryorder.create",
            "-p",
            request,
            "--customer-id",
            "C1",
        ])
        .env_remove("TOP_APP_KEY")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["response"]["flag"], "success");
    let out = Command::new(BIN)
        .args(["call", "taobao.qimen.entryorder.create", "-p", request])
        .env_remove("TOP_APP_KEY")
        .env_remove("TOP_QIMEN_CUSTOMER_ID")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&out.stderr).contains("customerId"));
}

/// `topsdk spi verify`: spi-qimen.md's vector 2 (an empty param, a signed header) verifies;
/// the header dropped, a stale timestamp and no secret each say why.
#[test]
fn spi_verify_golden_vector_and_refusals() {
    let query = "app_key=12345678&customerId=stub-cust-code&extra=&format=xml&method=taobao.qimen.entryorder.create&sign_method=md5&timestamp=2016-01-01%2012%3A00%3A00&v=2.0&sign=000DC61358F00F38297E1339038E5761";
    let body = r#"<?xml version="1.0" encoding="utf-8"?><request><entryOrder><entryOrderCode>E1</entryOrderCode></entryOrder></request>"#;
    let run = |extra: &[&str], secret: Option<&str>| {
        let mut c = Command::new(BIN);
        c.args([
            "spi",
            "verify",
            query,
            "-H",
            "Content-Type: text/xml;charset=utf-8",
        ])
        .args(["--body", body])
        .args(extra);
        match secret {
            Some(s) => c.env("TOP_APP_SECRET", s),
            None => c.env_remove("TOP_APP_SECRET"),
        };
        let out = c.output().unwrap();
        let v: serde_json::Value =
            serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
        (
            out.status.code(),
            v,
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let signed = ["-H", "top-sign-list: x-top-test", "-H", "x-top-test: abc"];
    let (code, v, _) = run(&signed, Some("helloworld"));
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["params"]["extra"], "");
    assert_eq!(v["params"]["x-top-test"], "abc");
    let (code, v, _) = run(&signed[..2], Some("helloworld"));
    assert_eq!(code, Some(2));
    assert!(
        v["reason"]
            .as_str()
            .unwrap()
            .ends_with("missing: x-top-test"),
        "{v}"
    );
    let with_age = [&signed[..], &["--max-age-secs", "300"]].concat();
    let (code, v, _) = run(&with_age, Some("helloworld"));
    assert_eq!(code, Some(2));
    assert!(
        v["reason"].as_str().unwrap().contains("at most 300 s"),
        "{v}"
    );
    let (code, _, stderr) = run(&signed, None);
    assert_eq!(code, Some(64));
    assert!(stderr.contains("TOP_APP_SECRET"), "{stderr}");
}

/// `spi verify --body-file /dev/zero` stops at the body limit (16 MiB) with a usage error
/// instead of reading until memory runs out.
#[test]
fn spi_verify_reads_a_bounded_body_file() {
    let out = Command::new(BIN)
        .args([
            "spi",
            "verify",
            "app_key=1&sign=X",
            "--body-file",
            "/dev/zero",
        ])
        .env("TOP_APP_SECRET", "s")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(64), "{err}");
    assert!(err.contains("more than 16 MiB"), "{err}");
}
