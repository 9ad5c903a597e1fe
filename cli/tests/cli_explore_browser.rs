//! `topsdk explore` in a real browser (headless Chromium over WebDriver): search for an API
//! as a user types (each keystroke's answer timed), open it, fill its form, call the built-in
//! mock, read the rendered response tree with a masked secret, compile the copied Rust
//! snippet against the package it names, and see a published message arrive typed in the
//! messages tab and confirm it. `TOPSDK_SCREENSHOTS=DIR` saves the README's screenshots.

mod support;

use std::time::Duration;
use support::explore::Explorer;
use support::webdriver::Browser;

#[test]
fn search_open_call_copy_and_messages_in_a_browser() {
    let Some(b) = Browser::start("cli/tests/cli_explore_browser.rs") else {
        return;
    };
    let ex = Explorer::start();
    b.goto(&ex.url);
    b.wait_for(
        "the first rows",
        "document.querySelectorAll('#results li').length > 0",
    );
    let load_ms = b.script(
        "const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd - n.startTime;",
    );
    let load_ms = load_ms.as_f64().unwrap();
    assert!(load_ms < 1000.0, "first page load {load_ms} ms");
    if let Some(dir) = std::env::var_os("TOPSDK_SCREENSHOTS") {
        b.type_into("#search", "trade 订单");
        b.wait_for("results", "window.__explore.searches > 1");
        std::thread::sleep(Duration::from_millis(300));
        std::fs::write(
            std::path::Path::new(&dir).join("explore-search.png"),
            b.screenshot(),
        )
        .unwrap();
        b.script("document.querySelector('#search').value = '';");
    }
    // Typing, one keystroke at a time: each answers in < 50 ms over all 5,109 APIs.
    b.script("window.__explore.times = [];");
    for (i, c) in "getosstoken".chars().enumerate() {
        b.type_into("#search", &c.to_string());
        b.wait_for(
            "the keystroke's answer",
            &format!("window.__explore.times.length > {i}"),
        );
    }
    b.wait_for(
        "the API in the results",
        "document.querySelector('#results li button') && document.querySelector('#results li button').dataset.method === 'alibaba.kongur.token.getosstoken'",
    );
    std::thread::sleep(Duration::from_millis(300));
    let times: Vec<f64> =
        serde_json::from_value(b.script("return window.__explore.times;")).unwrap();
    assert!(!times.is_empty());
    let worst = times.iter().cloned().fold(0.0, f64::max);
    eprintln!(
        "explore browser figures: first load {load_ms:.0} ms; {} keystrokes, slowest answer {worst:.1} ms, all {times:?}",
        times.len()
    );
    assert!(worst < 50.0, "a keystroke took {worst} ms: {times:?}");
    // Open it, fill the form, call the mock.
    b.click("#results li button");
    b.type_into("#param-suit_ids", "1001,1002");
    b.type_into("#param-entrust_id", "e-42");
    b.click("#call");
    b.wait_for(
        "the answer",
        "document.querySelector('#result[data-state=ok] #tree')",
    );
    let tree = b.text("#tree");
    assert!(tree.contains("kongur_oss_result_do"), "{tree}");
    assert!(tree.contains("oss_token"), "{tree}");
    // The secret is masked, in its own style.
    let masked: Vec<String> = serde_json::from_value(b.script(
        "return [...document.querySelectorAll('#tree .masked')].map(e => e.parentElement.textContent);",
    ))
    .unwrap();
    assert!(
        masked
            .iter()
            .any(|m| m.contains("oss_token") && m.contains("\"***\"")),
        "{masked:?}"
    );
    // The signed request: sign shown, the params as sent.
    let request = b.text("#result");
    assert!(
        request.contains("sign") && request.contains("suit_ids"),
        "{request}"
    );
    if let Some(dir) = std::env::var_os("TOPSDK_SCREENSHOTS") {
        std::fs::write(
            std::path::Path::new(&dir).join("explore-api.png"),
            b.screenshot(),
        )
        .unwrap();
    }
    // Copy as Rust: the typed builder call of exactly this request, compiled.
    let rust = b.text("#rust");
    assert!(
        rust.contains("alibaba_kongur_token_getosstoken::Request::new()"),
        "{rust}"
    );
    assert!(
        rust.contains(".suit_ids(\"1001,1002\")") && rust.contains(".entrust_id(\"e-42\")"),
        "{rust}"
    );
    compile_snippet(&rust);
    // A request object's fields as a nested form, sent as the JSON the param takes.
    b.script("document.querySelector('#search').value = '';");
    b.type_into("#search", "taobao.ads.data.query");
    b.wait_for(
        "the API in the results",
        "document.querySelector('#results li button') && document.querySelector('#results li button').dataset.method === 'taobao.ads.data.query'",
    );
    b.click("#results li button");
    b.type_into("#param-param0 [data-field=task_id]", "42");
    b.type_into("#param-param0 [data-field=operator]", "ops");
    b.click("#call");
    b.wait_for(
        "the answer",
        "document.querySelector('#result[data-state]') && document.querySelector('#status')",
    );
    let sent = b.text("#result");
    assert!(
        sent.contains(r#"{"task_id":42,"operator":"ops"}"#),
        "{sent}"
    );
    // Messages: publish one, see it arrive typed, confirm it.
    b.click("#tab-messages");
    b.wait_for(
        "the feed",
        "document.querySelector('#feed-status').textContent === '(live)'",
    );
    b.click("#publish-btn");
    b.wait_for("the message", "document.querySelector('#messages li')");
    let msg = b.text("#messages li");
    assert!(
        msg.contains("taobao_trade_TradeCreate") && msg.contains("WAIT_BUYER_PAY"),
        "{msg}"
    );
    b.click("#messages li button");
    b.wait_for(
        "the confirm",
        "document.querySelector('#messages li.confirmed')",
    );
    if let Some(dir) = std::env::var_os("TOPSDK_SCREENSHOTS") {
        std::fs::write(
            std::path::Path::new(&dir).join("explore-messages.png"),
            b.screenshot(),
        )
        .unwrap();
    }
}

/// Builds the snippet as a program of its own against this workspace's `topsdk` (the package
/// it names for this API), in a target directory kept between runs.
fn compile_snippet(rust: &str) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cargo_line = rust.lines().next().unwrap();
    assert!(cargo_line.contains("topsdk = \"0.1\""), "{cargo_line}");
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/main.rs"), rust).unwrap();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        format!(
            "[package]\nname = \"snippet\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\ntopsdk = {{ path = {:?} }}\ntokio = {{ version = \"1\", features = [\"full\"] }}\n\n[workspace]\n",
            root.display().to_string()
        ),
    )
    .unwrap();
    let lock = root.join("Cargo.lock");
    std::fs::copy(&lock, dir.path().join("Cargo.lock")).unwrap();
    let out = std::process::Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--offline"])
        .current_dir(dir.path())
        .env("CARGO_TARGET_DIR", root.join("target/explore-snippet"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the copied snippet does not compile:\n{rust}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
