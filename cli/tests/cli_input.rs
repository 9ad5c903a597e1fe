//! What `topsdk call` does with bad input, checked against a gateway written here (a plain
//! TCP server that keeps each request and answers as it is told): names that are not method
//! names and bad URLs never reach the network (exit 64); values go out as they were checked
//! (trimmed); a param given twice is refused; an error page that echoes the URL does not put
//! the session on stderr; the mock survives the largest clock offsets.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use support::{BIN, KEY, MockProcess, SECRET};

/// A gateway that answers every request with `status` and `body`, keeping what it got.
struct Gateway {
    url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

fn gateway(status: &'static str, answer: &'static str) -> Gateway {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/router/rest", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let kept = seen.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { return };
            let mut reader = BufReader::new(conn.try_clone().unwrap());
            let mut head = String::new();
            let mut len = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
                head.push_str(&line);
                if line == "\r\n" {
                    break;
                }
            }
            let mut body = vec![0u8; len];
            let _ = reader.read_exact(&mut body);
            // The echo of an error page: the request line, query and all.
            let first = head.lines().next().unwrap_or_default().to_string();
            kept.lock()
                .unwrap()
                .push(format!("{head}{}", String::from_utf8_lossy(&body)));
            let body = body_for(answer, &first);
            let _ = write!(
                conn,
                "HTTP/1.1 {status}\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    Gateway { url, seen }
}

fn body_for(template: &'static str, request_line: &str) -> String {
    template.replace("{request}", request_line)
}

fn call(gw: &str, args: &[&str], session: Option<&str>) -> Output {
    let mut c = Command::new(BIN);
    c.arg("call")
        .args(args)
        .env("TOP_APP_KEY", KEY)
        .env("TOP_APP_SECRET", SECRET)
        .env("TOP_GATEWAY_URL", gw)
        .env_remove("TOP_SESSION");
    if let Some(s) = session {
        c.env("TOP_SESSION", s);
    }
    c.output().unwrap()
}

#[test]
fn bad_names_and_bad_urls_never_reach_the_network() {
    let gw = gateway("200 OK", "{}");
    for name in [
        "",
        " ",
        "taobao.time.get\n",
        "a\u{7}b",
        "taobao..time",
        "淘宝.get",
    ] {
        let out = call(&gw.url, &[name], None);
        assert_eq!(out.status.code(), Some(64), "{name:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("is not a method name"),
            "{name:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for url in [
        "http://[::1",
        "ftp://example.com/router/rest",
        "not a url",
        "http://",
    ] {
        let out = call(url, &["taobao.time.get"], None);
        assert_eq!(out.status.code(), Some(64), "{url}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("gateway_url") || err.contains("TOP_GATEWAY_URL"),
            "{url}: {err}"
        );
    }
    assert!(gw.seen.lock().unwrap().is_empty(), "a request went out");
    // A well-formed name the catalogue does not know still goes (newer than the build).
    call(&gw.url, &["taobao.some.new.api"], None);
    assert_eq!(gw.seen.lock().unwrap().len(), 1);
}

#[test]
fn values_go_as_checked_and_a_param_twice_is_refused() {
    let gw = gateway(
        "200 OK",
        r#"{"trades_sold_get_response":{"total_results":0}}"#,
    );
    let out = call(
        &gw.url,
        &[
            "taobao.trades.sold.get",
            "-p",
            "fields=tid",
            "-p",
            "start_created= 2024-01-01 00:00:00 ",
            "-p",
            "page_no= 7 ",
        ],
        Some("6201session"),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen = gw.seen.lock().unwrap().pop().unwrap();
    assert!(
        seen.contains("start_created=2024-01-01+00%3A00%3A00&")
            || seen.contains("start_created=2024-01-01+00%3A00%3A00\r")
            || seen.ends_with("start_created=2024-01-01+00%3A00%3A00"),
        "{seen}"
    );
    assert!(seen.contains("page_no=7"), "{seen}");
    assert!(!seen.contains("page_no=+7"), "{seen}");
    let out = call(
        &gw.url,
        &[
            "taobao.trades.sold.get",
            "-p",
            "fields=tid",
            "-p",
            "fields=oid",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&out.stderr).contains("given twice"));
    let out = call(
        &gw.url,
        &["taobao.trades.sold.get", "-p", "page_no=seven"],
        None,
    );
    assert_eq!(out.status.code(), Some(64));
}

#[test]
fn an_error_page_echoing_the_url_does_not_show_the_session() {
    let gw = gateway(
        "502 Bad Gateway",
        "<html><body>upstream failed for {request}</body></html>",
    );
    let session = "6201a+b/c=secret-session";
    let out = call(&gw.url, &["taobao.time.get"], Some(session));
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("502"), "{err}");
    assert!(err.contains("upstream failed"), "{err}");
    assert!(!err.contains("secret-session"), "{err}");
    // It did go out with the session (the page had something to echo).
    assert!(gw.seen.lock().unwrap()[0].contains("secret-session"));
}

#[test]
fn the_mock_takes_the_largest_clock_offsets() {
    for offset in [i64::MAX, i64::MIN] {
        let offset = offset.to_string();
        let mock = MockProcess::start(&["--clock-offset-secs", &offset]);
        let out = call(&mock.url, &["taobao.time.get"], None);
        // The timestamp is out of the (moved) gateway's window: TOP's code 31, not a panic.
        assert_eq!(out.status.code(), Some(2), "{offset}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("\"code\":31"), "{offset}: {err}");
        // And it still answers.
        let again = call(&mock.url, &["taobao.time.get"], None);
        assert_eq!(again.status.code(), Some(2));
    }
}

/// A gateway banning the app "for 2^64 - 1 seconds" (or 10^12): `call` says so (exit 2, the
/// ban's fields) and does not panic; a command making several calls (`security decrypt` of
/// two key versions) does not stall on the ban: the second call fails at once, said on
/// stderr, as it would wait longer than the command waits (60 s by default).
#[test]
fn absurd_bans_neither_panic_nor_stall_the_cli() {
    const BAN: &str = r#"{"error_response":{"code":7,"msg":"App Call Limited","sub_code":"accesscontrol.limited-by-app-access-count","sub_msg":"This ban will last for 18446744073709551615 more seconds"}}"#;
    const BAN_12: &str = r#"{"error_response":{"code":7,"msg":"App Call Limited","sub_code":"accesscontrol.limited-by-app-access-count","sub_msg":"This ban will last for 1000000000000 more seconds"}}"#;
    let gw = gateway("200 OK", BAN);
    let out = call(&gw.url, &["taobao.time.get"], None);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("\"rate_limited\":true") && !err.contains("panicked"),
        "{err}"
    );

    // Two shops to refresh, one at a time: the first refresh is banned for 10^12 s; the
    // second would wait that long, and is refused at once instead.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tokens.sqlite");
    for code in ["a", "b"] {
        let out = Command::new(BIN)
            .args(["auth", "token", "--code", code])
            .env_remove("TOP_APP_KEY")
            .env("TOP_TOKEN_DB", &db)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let gw = gateway("200 OK", BAN_12);
    let mut child = Command::new(BIN)
        .args([
            "auth",
            "refresh",
            "--margin-secs",
            "172800",
            "--concurrency",
            "1",
        ])
        .env("TOP_APP_KEY", KEY)
        .env("TOP_APP_SECRET", SECRET)
        .env("TOP_GATEWAY_URL", &gw.url)
        .env("TOP_TOKEN_DB", &db)
        .env_remove("TOP_MAX_WAIT_SECS")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > std::time::Duration::from_secs(30) {
            let _ = child.kill();
            panic!("auth refresh stalled on the ban");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(
        !status.success() && !err.contains("panicked"),
        "{out}\n{err}"
    );
    // Both shops reported failed; one refresh reached the gateway, the other was refused here.
    assert!(
        out.contains("App Call Limited") && out.contains("ban"),
        "{out}\n{err}"
    );
    let sent = gw
        .seen
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r.contains("taobao.top.auth.token.refresh"))
        .count();
    assert_eq!(sent, 1, "{out}\n{err}");
}

/// A stdout that fails (`> /dev/full`) ends `call`, `batch` and `tmc listen` cleanly: said on
/// stderr, exit 3, no panic (and `tmc listen` confirms nothing it could not write).
#[test]
fn a_failing_stdout_ends_commands_cleanly() {
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    for args in [
        &[
            "call",
            "alibaba.kongur.token.getosstoken",
            "-p",
            "suit_ids=1",
            "-p",
            "entrust_id=E",
        ][..],
        &["batch", "taobao.time.get"][..],
        &["tmc", "listen", "--max-messages", "1"][..],
    ] {
        let out = Command::new(BIN)
            .args(args)
            .env_remove("TOP_APP_KEY")
            .stdout(full())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {err}");
        assert!(
            err.contains("cannot write to stdout") && !err.contains("panicked"),
            "{args:?}: {err}"
        );
    }
}
