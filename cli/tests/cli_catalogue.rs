//! The whole catalogue in the default build: every API listed and described, and called by
//! its schema against the built-in mock (params checked, answer flattened and masked), though
//! only a few categories are compiled in.

mod support;

use std::process::{Command, Output};
use support::BIN;

/// The command without credentials: the built-in mock gateway answers.
fn topsdk(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_remove("TOP_APP_KEY")
        .env_remove("TOP_FORMAT")
        .env_remove("TOP_SIMPLIFY")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn list_shows_every_catalogue_api_once() {
    let catalogue =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/catalogue.jsonl")).unwrap();
    let out = topsdk(&["list"]);
    assert_eq!(out.status.code(), Some(0));
    let listed: Vec<String> = stdout(&out)
        .lines()
        .map(|l| l.split('\t').next().unwrap().to_string())
        .collect();
    let apis = catalogue
        .lines()
        .filter(|l| l.starts_with("{\"method\":"))
        .count();
    assert_eq!(listed.len(), apis);
    assert!(listed.len() > 5000, "{}", listed.len());
    for m in [
        "taobao.trade.fullinfo.get",
        "alibaba.kongur.token.getosstoken",
    ] {
        assert_eq!(listed.iter().filter(|l| *l == m).count(), 1, "{m}");
    }
    let titled = stdout(&out);
    assert!(titled.contains("taobao.trade.fullinfo.get\t获取单笔交易的详细信息"));
}

#[test]
fn describe_any_catalogue_api() {
    let out = topsdk(&["describe", "taobao.trade.fullinfo.get"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    for line in [
        "called: by its schema (params checked by type and rule, the answer typed and masked)",
        "crate: topsdk-tbtrade",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
    let tid = text
        .lines()
        .find(|l| l.trim_start().starts_with("tid "))
        .unwrap();
    assert!(tid.contains("Number") && tid.contains("required"), "{tid}");
    assert!(text.contains("cloud_store_token") && text.contains("(sensitive)"));
    // TOP's HTML read as rustdoc reads it, shown as text: no tags, links as `text (url)`, the
    // category without the catalogue's trailing separator.
    assert!(!text.contains("<br") && !text.contains("<a "), "{text}");
    assert!(
        text.contains(
            "点击查看更多交易API说明 (https://console.open.taobao.com/dingWeb.htm?from=tradeapi)"
        ),
        "{text}"
    );
    assert!(text.contains("\n2. 获取到的Order中的payment字段"), "{text}");
    assert!(text.contains("category: 淘宝交易API\n"), "{text}");
    // The seed's category is compiled into the runtime, not a package of its own.
    let out = topsdk(&["describe", "alibaba.kongur.token.getosstoken"]);
    assert!(
        stdout(&out).contains("crate: topsdk (module topsdk::kongur)"),
        "{}",
        stdout(&out)
    );
    let out = topsdk(&["describe", "taobao.qimen.deliveryorder.query"]);
    assert!(stdout(&out).contains("gateway: QIMEN"), "{}", stdout(&out));
    let out = topsdk(&["describe", "taobao.no.such.api"]);
    assert_eq!(out.status.code(), Some(64));
}

#[test]
fn call_any_catalogue_api_checked_flattened_and_masked() {
    let base = [
        "call",
        "taobao.trade.fullinfo.get",
        "-p",
        "fields=tid,orders",
    ];
    for format in ["json", "xml"] {
        let mut args = base.to_vec();
        args.extend(["-p", "tid=1", "--format", format]);
        let out = topsdk(&args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        // `{"orders": {"order": [..]}}` (or one XML <order>) comes out as a list.
        let orders = v["trade"]["orders"].as_array().expect("orders flattened");
        assert!(!orders.is_empty(), "{format}");
        assert_eq!(orders[0]["cloud_store_token"], "***", "{format}");
    }
    let mut args = base.to_vec();
    args.extend(["-p", "tid=1", "--reveal-secrets"]);
    let out = topsdk(&args);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_ne!(v["trade"]["orders"][0]["cloud_store_token"], "***");
    // Checked before anything is sent: exit 64, the param and the reason.
    for (extra, says) in [
        (
            vec!["-p", "tid=abc"],
            "param `tid`: expected Number: `abc` is not a Number",
        ),
        (vec![], "(code 40): param `tid`: is required"),
        (
            vec!["-p", "tid=1", "-p", "nope=1"],
            "param `nope`: is not a param",
        ),
    ] {
        let mut args = base.to_vec();
        args.extend(extra);
        let out = topsdk(&args);
        assert_eq!(out.status.code(), Some(64), "{}", stderr(&out));
        assert!(stderr(&out).contains(says), "{says}: {}", stderr(&out));
    }
    let out = topsdk(&[
        "call",
        "alibaba.einvoice.flow.tax.get",
        "-p",
        &format!("flow_id={}", "x".repeat(129)),
    ]);
    assert_eq!(out.status.code(), Some(64));
    assert!(stderr(&out).contains("at most 128"), "{}", stderr(&out));
}
