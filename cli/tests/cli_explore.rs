//! `topsdk explore` as a hostile web page or a careless one would use it: a foreign or empty
//! `Host` is refused on every kind of request (DNS rebinding), so is a request without the
//! launch token's cookie, a cross-origin write and a foreign Origin on the message feed; bad
//! input (unknown API, wrong types, huge values, malformed JSON) gets the CLI's located errors;
//! fuzzed bodies never make the server panic.

mod support;

use support::explore::Explorer;

#[test]
fn foreign_or_empty_hosts_are_refused_on_every_request() {
    let ex = Explorer::start();
    let cookie = ex.cookie();
    let origin = ex.origin();
    for host in [
        "evil.example",
        &format!("evil.example:{}", ex.port),
        "",
        "127.0.0.1",
    ] {
        for (method, path) in [
            ("GET", "/"),
            ("GET", "/app.js"),
            ("GET", "/api/search?q=trade"),
            ("GET", "/api/messages/feed"),
            ("POST", "/api/call"),
        ] {
            let r = ex.raw(
                method,
                path,
                &[
                    ("Host", host),
                    ("Cookie", &cookie),
                    ("Origin", &origin),
                    ("Content-Type", "application/json"),
                ],
                br#"{"method":"taobao.time.get"}"#,
            );
            assert_eq!(r.status, 403, "{method} {path} with Host {host:?}: {r:?}");
        }
    }
    // No Host header at all.
    let r = ex.raw("GET", "/api/search?q=a", &[("Cookie", &cookie)], b"");
    assert_eq!(r.status, 403);
}

#[test]
fn the_token_becomes_a_strict_cookie_and_every_api_request_needs_it() {
    let ex = Explorer::start();
    let host = ex.host();
    // The printed URL: a redirect that sets the cookie.
    let r = ex.raw(
        "GET",
        &format!("/?token={}", ex.token),
        &[("Host", &host)],
        b"",
    );
    assert_eq!(r.status, 303, "{r:?}");
    let set = format!("set-cookie: topsdk_explore_{}=", ex.port);
    assert!(r.head.contains(&set), "{}", r.head);
    assert!(r.head.contains("httponly") && r.head.contains("samesite=strict"));
    assert!(
        r.head
            .contains("content-security-policy: default-src 'self'")
    );
    // A wrong token, no cookie, a wrong cookie: 403.
    assert_eq!(
        ex.raw("GET", "/?token=guess", &[("Host", &host)], b"")
            .status,
        403
    );
    assert_eq!(
        ex.raw("GET", "/api/search?q=a", &[("Host", &host)], b"")
            .status,
        403
    );
    let guess = format!("topsdk_explore_{}=guess", ex.port);
    let wrong = [("Host", host.as_str()), ("Cookie", guess.as_str())];
    assert_eq!(ex.raw("GET", "/api/search?q=a", &wrong, b"").status, 403);
    let origin = ex.origin();
    let no_cookie = ex.raw(
        "POST",
        "/api/call",
        &[
            ("Host", &host),
            ("Origin", &origin),
            ("Content-Type", "application/json"),
        ],
        br#"{"method":"taobao.time.get"}"#,
    );
    assert_eq!(no_cookie.status, 403);
    // With the cookie: the page and the API answer.
    assert_eq!(ex.get("/").status, 200);
    assert_eq!(ex.get("/api/search?q=trade").status, 200);
}

#[test]
fn writes_need_this_servers_origin_and_the_feed_refuses_a_foreign_one() {
    let ex = Explorer::start();
    let (host, cookie) = (ex.host(), ex.cookie());
    let body = br#"{"method":"taobao.time.get"}"#;
    for origin in [
        None,
        Some("http://evil.example"),
        Some("null"),
        Some(&*format!("http://evil.example:{}", ex.port)),
    ] {
        let mut h = vec![
            ("Host", host.as_str()),
            ("Cookie", cookie.as_str()),
            ("Content-Type", "application/json"),
        ];
        if let Some(o) = origin {
            h.push(("Origin", o));
        }
        assert_eq!(
            ex.raw("POST", "/api/call", &h, body).status,
            403,
            "{origin:?}"
        );
    }
    let evil = [
        ("Host", host.as_str()),
        ("Cookie", cookie.as_str()),
        ("Origin", "http://evil.example"),
    ];
    assert_eq!(ex.raw("GET", "/api/messages/feed", &evil, b"").status, 403);
    // The page's own write goes through.
    let r = ex.post("/api/call", r#"{"method":"taobao.time.get"}"#);
    assert_eq!(r.status, 200, "{r:?}");
    let v = r.json();
    assert_eq!(v["ok"], true, "{v}");
    // The signed request shows `sign`, never the secret.
    let shown = v["request"].to_string();
    assert!(shown.contains("\"sign\""), "{shown}");
    assert!(!shown.contains("mock-secret"), "{shown}");
}

#[test]
fn bad_input_gets_located_errors_like_the_cli() {
    let ex = Explorer::start();
    let r = ex.get("/api/apis/no.such.api");
    assert_eq!(r.status, 404);
    assert!(r.json()["error"].as_str().unwrap().contains("no.such.api"));
    let r = ex.post("/api/call", "{not json");
    assert_eq!(r.status, 400);
    assert!(
        r.json()["error"]
            .as_str()
            .unwrap()
            .contains("line 1, column"),
        "{r:?}"
    );
    // A wrong type: the same message `topsdk call` gives for it.
    let r = ex.post(
        "/api/call",
        r#"{"method":"taobao.trade.fullinfo.get","params":{"fields":"tid","tid":"not-a-number"}}"#,
    );
    assert_eq!(r.status, 400, "{r:?}");
    let page = r.json()["error"].as_str().unwrap().to_string();
    let cli = std::process::Command::new(support::BIN)
        .args([
            "call",
            "taobao.trade.fullinfo.get",
            "-p",
            "fields=tid",
            "-p",
            "tid=not-a-number",
        ])
        .env_remove("TOP_APP_KEY")
        .output()
        .unwrap();
    let cli_err = String::from_utf8_lossy(&cli.stderr);
    assert!(cli_err.contains(&page), "page: {page}\ncli: {cli_err}");
    // A file param's text is never taken for a path to read.
    let r = ex.post(
        "/api/call",
        r#"{"method":"taobao.baike.import.zhubao.picture","params":{"picture":"/etc/passwd"}}"#,
    );
    assert_eq!(r.status, 400, "{r:?}");
    assert!(
        r.json()["error"].as_str().unwrap().contains("file param"),
        "{r:?}"
    );
    // Its content from the page's file input goes as a file (multipart), shown, not echoed.
    let r = ex.post(
        "/api/call",
        r#"{"method":"taobao.baike.import.zhubao.picture","files":{"picture":{"name":"a.png","base64":"iVBORw0KGgo="}}}"#,
    );
    assert_eq!(r.status, 200, "{r:?}");
    let v = r.json();
    assert!(
        v["request"]["form"]
            .to_string()
            .contains(r#"["picture","(file)"]"#),
        "{v}"
    );
    let bad64 =
        r#"{"method":"taobao.baike.import.zhubao.picture","files":{"picture":{"base64":"%%%"}}}"#;
    assert_eq!(ex.post("/api/call", bad64).status, 400);
    // A method name that is not one, and a huge body.
    assert_eq!(ex.post("/api/call", r#"{"method":"a b"}"#).status, 400);
    let huge = format!(
        r#"{{"method":"taobao.time.get","params":{{"x":"{}"}}}}"#,
        "a".repeat(11 << 20)
    );
    assert_eq!(ex.post("/api/call", &huge).status, 413);
    // Production is not on offer without credentials.
    let r = ex.post(
        "/api/call",
        r#"{"method":"taobao.time.get","env":"production"}"#,
    );
    assert_eq!(r.status, 400, "{r:?}");
}

#[test]
fn fuzzed_bodies_never_crash_the_server() {
    let mut ex = Explorer::start();
    let mut rng = fastrand::Rng::with_seed(45);
    let keys = [
        "method",
        "params",
        "env",
        "shop",
        "sign_method",
        "format",
        "simplify",
        "reveal",
        "confirm",
        "topic",
        "content",
        "id",
    ];
    let values = [
        r#""taobao.time.get""#,
        r#""alibaba.kongur.token.getosstoken""#,
        "null",
        "1",
        "-1",
        "1e308",
        "true",
        r#""""#,
        r#""mock""#,
        r#""production""#,
        "{}",
        "[]",
        r#"{"a":[1,{"b":null}]}"#,
        r#""\u0000""#,
        r#""hmac""#,
        r#""xml""#,
        "9223372036854775807",
        r#""𝕏""#,
    ];
    for _ in 0..300 {
        let body = if rng.u8(..) < 40 {
            (0..rng.usize(0..200))
                .map(|_| rng.u8(..) as char)
                .collect::<String>()
        } else {
            let n = rng.usize(0..6);
            let fields: Vec<String> = (0..n)
                .map(|_| {
                    format!(
                        "\"{}\":{}",
                        keys[rng.usize(..keys.len())],
                        values[rng.usize(..values.len())]
                    )
                })
                .collect();
            format!("{{{}}}", fields.join(","))
        };
        let path = [
            "/api/call",
            "/api/curl",
            "/api/messages/publish",
            "/api/messages/confirm",
            "/api/nothing",
        ][rng.usize(..5)];
        let r = ex.post(path, &body);
        assert!(r.status >= 200 && r.status < 500, "{path} {body:?}: {r:?}");
    }
    for q in ["%FF", "%", "a%20b", &"x".repeat(5000)] {
        assert_eq!(ex.get(&format!("/api/search?q={q}")).status, 200, "{q}");
    }
    assert!(ex.alive());
    assert!(!ex.stderr().contains("panicked"), "{}", ex.stderr());
}

/// With credentials the explorer offers the sandbox and production (here production is a
/// `topsdk mock` process, through TOP_GATEWAY_URL): a production call of an API that may
/// change data waits for a confirm (409), one that only reads goes at once.
#[test]
fn production_writes_need_a_confirm() {
    let mock = support::MockProcess::start(&[]);
    let ex = Explorer::start_with(&[
        ("TOP_APP_KEY", support::KEY),
        ("TOP_APP_SECRET", support::SECRET),
        ("TOP_GATEWAY_URL", &mock.url),
    ]);
    let envs = ex.get("/api/environments").json();
    assert_eq!(
        envs["environments"],
        serde_json::json!(["sandbox", "production"])
    );
    let write = r#"{"method":"taobao.tmc.user.permit","env":"production"}"#;
    let r = ex.post("/api/call", write);
    assert_eq!(r.status, 409, "{r:?}");
    assert_eq!(r.json()["confirm_needed"], true);
    let r = ex.post(
        "/api/call",
        r#"{"method":"taobao.tmc.user.permit","env":"production","confirm":true}"#,
    );
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.json()["ok"], true, "{}", r.body);
    let r = ex.post(
        "/api/call",
        r#"{"method":"taobao.time.get","env":"production"}"#,
    );
    assert_eq!(r.status, 200, "{r:?}");
    // The mock is not on offer with credentials; the messages tab neither.
    assert_eq!(
        ex.post("/api/call", r#"{"method":"taobao.time.get","env":"mock"}"#)
            .status,
        400
    );
    assert_eq!(ex.get("/api/messages/feed").status, 404);
}

/// The session picker: the token store's shops (never a token) and a call as a shop, its
/// session masked in the request shown.
#[test]
fn sessions_come_from_the_token_store_and_never_reach_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tokens.sqlite");
    let out = std::process::Command::new(support::BIN)
        .args(["auth", "token", "--code", "explore-shop", "--db"])
        .arg(&db)
        .env_remove("TOP_APP_KEY")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let store = format!("sqlite:{}", db.display());
    let ex = Explorer::start_with(&[("TOP_TOKEN_STORE", &store)]);
    let r = ex.get("/api/sessions");
    assert_eq!(r.status, 200);
    let v = r.json();
    let rows = v["sessions"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{v}");
    assert_eq!(rows[0]["expired"], false);
    let shop = rows[0]["shop"].as_i64().unwrap();
    let c = rusqlite::Connection::open(&db).unwrap();
    let token: String = c
        .query_row("SELECT token FROM tmc_tokens_v1", [], |r| r.get(0))
        .unwrap();
    let access = serde_json::from_str::<serde_json::Value>(&token).unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(!r.body.contains(&access), "a token reached the page");
    let r = ex.post(
        "/api/call",
        &format!(r#"{{"method":"taobao.time.get","shop":{shop}}}"#),
    );
    assert_eq!(r.status, 200, "{r:?}");
    assert!(
        !r.body.contains(&access),
        "a session reached the page: {}",
        r.body
    );
    assert!(
        r.json()["request"]["query"]
            .to_string()
            .contains(r#"["session","***"]"#),
        "{}",
        r.body
    );
    // A shop the store does not hold.
    let r = ex.post("/api/call", r#"{"method":"taobao.time.get","shop":1}"#);
    assert_eq!(r.status, 400);
}
