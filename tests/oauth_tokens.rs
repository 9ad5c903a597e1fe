//! OAuth and token stores: the protocol notes' golden vector, the authorize URL, token JSON in
//! every shape the docs show (and broken ones), and authorize -> token -> SQLite -> restart ->
//! refresh -> a call with the shop's session, through the mock gateway.

use std::time::{Duration, SystemTime, UNIX_EPOCH};
use topsdk::mock::{MockGateway, Reply};
use topsdk::oauth::{self, Authorize, OAuthError, Token, View};
use topsdk::tokens::{
    Expect, MemoryStore, Put, RefreshOptions, ShopError, SqliteStore, TokenStore, refresh_expiring,
    shop_client,
};

const KEY: &str = "12345678";
const SECRET: &str = "helloworld";

#[test]
fn legacy_top_sign_golden_vector() {
    let params = "dmlzaXRvcl9pZD0xMjM0NSZ2aXNpdG9yX25pY2s9dGVzdCZ0cz0xNDUxNjIwODAwMDAw";
    let session = "6100e23657fb0b2d0c78568e55a3031134be9a3a5d4b3a365753";
    assert!(oauth::verify_top_sign(
        KEY,
        params,
        session,
        "0NTxjB7gUHGibF8lzmLq9w==",
        SECRET
    ));
    assert!(!oauth::verify_top_sign(
        KEY,
        params,
        session,
        "0NTxjB7gUHGibF8lzmLq9w=",
        SECRET
    ));
    assert!(!oauth::verify_top_sign(
        KEY,
        params,
        "other",
        "0NTxjB7gUHGibF8lzmLq9w==",
        SECRET
    ));
    assert!(!oauth::verify_top_sign(KEY, params, session, "", SECRET));
}

#[test]
fn authorize_url() {
    let url = Authorize::new(KEY, "https://isv.example.com/cb?x=1")
        .state("s 1")
        .view(View::Tmall)
        .url();
    assert_eq!(
        url,
        "https://oauth.taobao.com/authorize?response_type=code&client_id=12345678&redirect_uri=https%3A%2F%2Fisv.example.com%2Fcb%3Fx%3D1&state=s+1&view=tmall"
    );
    let sandbox = Authorize::new(KEY, "https://a/b")
        .host(oauth::SANDBOX_HOST)
        .url();
    assert!(sandbox.starts_with("https://oauth.tbsandbox.com/authorize?response_type=code"));
}

const NOW_MS: u64 = 1_764_460_800_000;

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(NOW_MS)
}

/// A token_result as the docs show it: ids as strings, the nick URL-encoded, expiries.
fn token_json(access: &str, refresh: &str, expires_in: i64) -> String {
    serde_json::json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": expires_in,
        "refresh_token": refresh,
        "re_expires_in": 86400,
        "r1_expires_in": 1800,
        "r2_expires_in": 86400,
        "w1_expires_in": "1800",
        "w2_expires_in": 0,
        "taobao_user_id": "9007199254740993",
        "taobao_user_nick": "bagsmart%E6%97%97%E8%88%B0%E5%BA%97",
        "sub_taobao_user_id": 2207000000001u64,
    })
    .to_string()
}

#[test]
fn token_json_reads_as_the_docs_show_it() {
    let t = Token::parse(&token_json("6201c0e7", "6202d1f8", 86400), now()).unwrap();
    assert_eq!(t.access_token.expose(), "6201c0e7");
    assert_eq!(
        t.taobao_user_id,
        Some(9_007_199_254_740_993),
        "exact past 2^53"
    );
    assert_eq!(t.taobao_user_nick.as_deref(), Some("bagsmart旗舰店"));
    assert_eq!(t.w1_expires_in, Some(1800));
    assert_eq!(t.sub_taobao_user_id, Some(2_207_000_000_001));
    assert_eq!(t.expire_time, Some(NOW_MS as i64 + 86_400_000));
    assert!(!t.needs_refresh(Duration::from_secs(3600), now()));
    assert!(t.needs_refresh(Duration::from_secs(86_400), now()));
    assert!(t.can_refresh(now()));
    // An explicit expire_time wins; secrets stay out of Debug and of serialized output.
    let t = Token::parse(
        r#"{"access_token":"a","expire_time":"1764460900000"}"#,
        now(),
    )
    .unwrap();
    assert_eq!(t.expire_time, Some(1_764_460_900_000));
    assert!(!t.can_refresh(now()));
    let t = Token::parse(&token_json("secret-access", "secret-refresh", 60), now()).unwrap();
    let shown = format!("{t:?} {}", serde_json::to_string(&t).unwrap());
    assert!(
        !shown.contains("secret-access") && !shown.contains("secret-refresh"),
        "{shown}"
    );
}

#[test]
fn broken_token_json_is_a_typed_error() {
    let cases = [
        ("", "not JSON"),
        ("[1]", "not a JSON object"),
        (r#"{"expires_in":1}"#, "no `access_token`"),
        (
            r#"{"access_token":"a","expires_in":"soon"}"#,
            "`expires_in` is `soon`",
        ),
        (r#"{"access_token":{"x":1}}"#, "`access_token` is"),
        (
            r#"{"access_token":"a","taobao_user_id":"9x"}"#,
            "`taobao_user_id`",
        ),
    ];
    for (json, what) in cases {
        match Token::parse(json, now()) {
            Err(OAuthError::BadToken { message }) => {
                assert!(message.contains(what), "{json}: {message}")
            }
            other => panic!("{json}: {other:?}"),
        }
    }
    match Token::parse(
        r#"{"error":"invalid_client","error_description":"no such app"}"#,
        now(),
    ) {
        Err(OAuthError::Refused { error, description }) => {
            assert_eq!(
                (error.as_str(), description.as_str()),
                ("invalid_client", "no such app")
            )
        }
        other => panic!("{other:?}"),
    }
}

fn wrapped(method_key: &str, token_result: &str) -> Reply {
    Reply::Raw {
        status: 200,
        content_type: "application/json;charset=utf-8".into(),
        body: serde_json::json!({ method_key: {"token_result": token_result, "request_id": "r1"} })
            .to_string()
            .into_bytes(),
    }
}

/// The mock gateway with the util APIs (token create/refresh, time), and a client for it.
async fn util_mock() -> (MockGateway, topsdk::Client) {
    let mock = MockGateway::start(topsdk_util::APIS, KEY, SECRET)
        .await
        .unwrap();
    let client = topsdk::Client::builder(KEY, SECRET)
        .gateway_url(mock.url())
        .build()
        .unwrap();
    (mock, client)
}

#[tokio::test]
async fn authorize_token_store_restart_refresh_and_call_as_the_shop() {
    let (mock, client) = util_mock().await;
    // The callback's code becomes a token (expiring in 10 minutes).
    mock.push_reply(
        "taobao.top.auth.token.create",
        wrapped(
            "top_auth_token_create_response",
            &token_json("access-1", "refresh-1", 600),
        ),
    );
    let token = oauth::create_token(&client, "code-from-callback")
        .await
        .unwrap();
    let shop = token.taobao_user_id.unwrap();
    let sent = mock.requests();
    assert!(sent.iter().any(|r| {
        r.body
            .iter()
            .any(|(k, v)| k == "code" && v == "code-from-callback")
    }));
    // Stored in SQLite; a new process (a new store on the same file) still has it.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tokens.sqlite");
    SqliteStore::open(&db)
        .unwrap()
        .put(shop, &token, Expect::Any)
        .await
        .unwrap();
    let store = SqliteStore::open(&db).unwrap();
    let back = store.get(shop).await.unwrap().unwrap();
    assert!(back.revoked.is_none());
    let back = back.token;
    assert_eq!(back, token, "secrets stored in clear, read back equal");
    assert_eq!(back.taobao_user_nick.as_deref(), Some("bagsmart旗舰店"));
    // It expires within the hour: the refresher renews it.
    mock.push_reply(
        "taobao.top.auth.token.refresh",
        wrapped(
            "top_auth_token_refresh_response",
            &token_json("access-2", "refresh-2", 86400),
        ),
    );
    let options = RefreshOptions::new(Duration::from_secs(3600)).concurrency(4);
    let report = refresh_expiring(&store, &client, &options).await.unwrap();
    assert_eq!(report.refreshed, [shop]);
    assert!(report.failed.is_empty());
    assert!(mock.requests().iter().any(|r| {
        r.body
            .iter()
            .any(|(k, v)| k == "refresh_token" && v == "refresh-1")
    }));
    let renewed = SqliteStore::open(&db)
        .unwrap()
        .get(shop)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(renewed.token.access_token.expose(), "access-2");
    // Nothing left to refresh.
    let again = refresh_expiring(&store, &client, &options).await.unwrap();
    assert!(again.refreshed.is_empty() && again.failed.is_empty());
    // A call as that shop carries its session.
    let as_shop = shop_client(&store, &client, shop).await.unwrap();
    as_shop.execute_raw("taobao.time.get", []).await.unwrap();
    let last = mock.requests().pop().unwrap();
    assert!(
        last.query
            .iter()
            .any(|(k, v)| k == "session" && v == "access-2"),
        "{last:?}"
    );
    assert!(matches!(
        shop_client(&store, &client, 1).await,
        Err(ShopError::NotStored)
    ));
}

#[tokio::test]
async fn a_bad_token_result_is_a_typed_error() {
    let (mock, client) = util_mock().await;
    mock.push_reply(
        "taobao.top.auth.token.create",
        wrapped("top_auth_token_create_response", "{not json"),
    );
    let err = oauth::create_token(&client, "c").await.unwrap_err();
    assert!(matches!(err, OAuthError::BadToken { .. }), "{err:?}");
    mock.push_reply(
        "taobao.top.auth.token.create",
        Reply::Raw {
            status: 200,
            content_type: "application/json".into(),
            body: br#"{"top_auth_token_create_response":{"token_result":42}}"#.to_vec(),
        },
    );
    let err = oauth::create_token(&client, "c")
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("a number"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn stores_agree_and_sqlite_takes_concurrent_writers() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.sqlite");
    let mem = MemoryStore::new();
    let sql = SqliteStore::open(&db).unwrap();
    for (i, store) in [&mem as &dyn TokenStore, &sql].into_iter().enumerate() {
        for shop in 1..=5i64 {
            let t = Token::parse(&token_json(&format!("a{shop}"), "r", shop * 100), now()).unwrap();
            store.put(shop, &t, Expect::Any).await.unwrap();
        }
        let soon = store
            .expiring(now() + Duration::from_secs(250))
            .await
            .unwrap()
            .tokens;
        assert_eq!(
            soon.iter().map(|(s, _)| *s).collect::<Vec<_>>(),
            [1, 2],
            "store {i}"
        );
        assert!(store.remove(2).await.unwrap());
        assert!(!store.remove(2).await.unwrap());
        assert_eq!(store.list().await.unwrap().tokens.len(), 4);
        // A write conditional on a stale version is refused, and nothing changes.
        let v = store.get(1).await.unwrap().unwrap().version;
        let t = Token::parse(&token_json("newer", "r", 100), now()).unwrap();
        assert_eq!(
            store.put(1, &t, Expect::Version(v)).await.unwrap(),
            Put::Stored { version: v + 1 },
            "store {i}"
        );
        let stale = Token::parse(&token_json("stale", "r", 100), now()).unwrap();
        assert_eq!(
            store.put(1, &stale, Expect::Version(v)).await.unwrap(),
            Put::Conflict {
                current: Some(v + 1)
            },
            "store {i}"
        );
        assert_eq!(
            store.put(1, &stale, Expect::Absent).await.unwrap(),
            Put::Conflict {
                current: Some(v + 1)
            },
            "store {i}"
        );
        let kept = store.get(1).await.unwrap().unwrap().token;
        assert_eq!(kept.access_token.expose(), "newer", "store {i}");
    }
    // Four tasks, each with its own connection, 250 shops each.
    let mut tasks = Vec::new();
    for w in 0..4i64 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            let store = SqliteStore::open(&db).unwrap();
            for n in 0..250i64 {
                let t = Token::parse(&token_json("a", "r", 3600), now()).unwrap();
                store
                    .put(1000 + w * 1000 + n, &t, Expect::Any)
                    .await
                    .unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(
        SqliteStore::open(&db)
            .unwrap()
            .list()
            .await
            .unwrap()
            .tokens
            .len(),
        4 + 1000
    );
}

/// The other route of code -> token: the OAuth endpoint `POST /token` (the mock serves it),
/// then the token refreshed through the API and used for a call.
#[tokio::test]
async fn code_to_token_through_the_token_endpoint() {
    let (mock, client) = util_mock().await;
    let host = mock.oauth_url();
    let url = Authorize::new(KEY, "https://isv.example.com/cb")
        .host(&host)
        .url();
    assert!(url.starts_with(&format!("{host}/authorize?")), "{url}");
    let token = oauth::exchange_code(&client, &host, "code-9", "https://isv.example.com/cb")
        .await
        .unwrap();
    let shop = token.taobao_user_id.unwrap();
    // The same code is the same shop by either route.
    let again = oauth::create_token(&client, "code-9").await.unwrap();
    assert_eq!(again.taobao_user_id, Some(shop));
    assert!(token.expires_at().unwrap() > SystemTime::now());
    assert!(token.taobao_user_nick.unwrap().starts_with("mock店"));
    // Its refresh token works through the API.
    let renewed = oauth::refresh_token(&client, token.refresh_token.as_ref().unwrap().expose())
        .await
        .unwrap();
    assert_eq!(renewed.taobao_user_id, Some(shop));
    assert_ne!(renewed.access_token.expose(), token.access_token.expose());

    // A wrong client secret: refused with the endpoint's error, no secret in the message.
    let wrong = topsdk::Client::builder(KEY, "not-the-secret")
        .gateway_url(mock.url())
        .build()
        .unwrap();
    match oauth::exchange_code(&wrong, &host, "code-9", "https://isv.example.com/cb").await {
        Err(e @ OAuthError::Refused { .. }) => {
            let text = e.to_string();
            assert!(text.contains("invalid_client"), "{text}");
            assert!(!text.contains("not-the-secret"), "{text}");
        }
        other => panic!("{other:?}"),
    }
    // No code: the endpoint's `invalid_request`.
    match oauth::exchange_code(&client, &host, "", "https://isv.example.com/cb").await {
        Err(OAuthError::Refused { error, .. }) => assert_eq!(error, "invalid_request"),
        other => panic!("{other:?}"),
    }
}

/// The mock rotates refresh tokens as TOP does: a refresh spends the token it was given, a
/// second use of it is refused, the new one works; a made-up token in the mock's shape is
/// refused.
#[tokio::test]
async fn the_mock_refuses_a_spent_or_made_up_refresh_token() {
    let (_mock, client) = util_mock().await;
    let first = oauth::create_token(&client, "code-rotate").await.unwrap();
    let r1 = first.refresh_token.clone().unwrap();
    let second = oauth::refresh_token(&client, r1.expose()).await.unwrap();
    let r2 = second.refresh_token.clone().unwrap();
    assert_ne!(r1.expose(), r2.expose());
    assert_eq!(second.taobao_user_id, first.taobao_user_id);
    let stale = oauth::refresh_token(&client, r1.expose())
        .await
        .unwrap_err();
    assert!(
        stale.to_string().contains("isv.refresh-token-invalid"),
        "{stale}"
    );
    oauth::refresh_token(&client, r2.expose()).await.unwrap();
    let shop = first.taobao_user_id.unwrap();
    let forged = oauth::refresh_token(&client, &format!("63{shop}-anything"))
        .await
        .unwrap_err();
    assert!(
        forged.to_string().contains("isv.refresh-token-invalid"),
        "{forged}"
    );
}

/// A row that does not read is an error for `get` (never "no token"), and skipped and named
/// by `list`.
#[tokio::test]
async fn an_unreadable_row_is_an_error_for_get_and_named_by_list() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tokens.sqlite");
    let store = SqliteStore::open(&db).unwrap();
    drop(store);
    let c = rusqlite::Connection::open(&db).unwrap();
    c.execute(
        "INSERT INTO tmc_tokens_v1 (shop, nick, expire_time, token) VALUES (7, 'n', 0, '{bad')",
        [],
    )
    .unwrap();
    drop(c);
    let store = SqliteStore::open(&db).unwrap();
    let e = store.get(7).await.unwrap_err();
    assert!(e.to_string().contains("shop 7"), "{e}");
    let all = store.list().await.unwrap();
    assert!(all.tokens.is_empty());
    assert_eq!(all.unreadable.len(), 1);
    assert_eq!(all.unreadable[0].0, 7);
}
