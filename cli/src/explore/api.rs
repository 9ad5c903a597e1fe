//! The JSON endpoints (README "topsdk explore"): `GET /api/search?q=`, `GET /api/apis/{method}`,
//! `GET /api/sessions`, `GET /api/environments`, `POST /api/call`, `POST /api/curl`, and the
//! message feed's (`feed.rs`). Bad input gets the located errors the CLI gives, as JSON.

use super::reply::{error, json, query_param};
use super::{Env, Explorer, Settings};
use hyper::{Response, StatusCode};
use serde_json::{Value, json};
use std::time::Instant;
use topsdk::by_name::{self, NamedCall};
use topsdk::mock::HttpBody;

/// Rows a search returns at most (the page renders a bounded list).
const MAX_ROWS: usize = 200;

pub(super) async fn get(ex: &Explorer, path: &str, query: Option<&str>) -> Response<HttpBody> {
    match path {
        "/api/search" => {
            let q = query_param(query, "q").unwrap_or_default();
            let limit = query_param(query, "limit")
                .and_then(|l| l.parse::<usize>().ok())
                .unwrap_or(50)
                .clamp(1, MAX_ROWS);
            let started = Instant::now();
            let (total, hits) = super::search::search(&q, limit);
            let rows: Vec<Value> = hits
                .iter()
                .map(|s| {
                    json!({"method": s.method, "title": s.title, "category": s.category,
                           "deprecated": s.deprecated.is_some()})
                })
                .collect();
            json(
                StatusCode::OK,
                &json!({"total": total, "rows": rows,
                "micros": started.elapsed().as_micros() as u64}),
            )
        }
        "/api/environments" => {
            let envs: Vec<&str> = ex.envs.iter().map(|(e, _)| e.name()).collect();
            json(
                StatusCode::OK,
                &json!({"environments": envs, "messages": ex.feed.is_some(),
                "sessions": ex.store.is_some()}),
            )
        }
        "/api/sessions" => sessions(ex).await,
        p if p.starts_with("/api/apis/") => {
            let method = &p["/api/apis/".len()..];
            match by_name::find(crate::apis(), method) {
                Some(schema) => {
                    let mut v = serde_json::to_value(schema).unwrap_or(Value::Null);
                    let pkg = match schema.category_pkg.as_str() {
                        "" => "util",
                        p => p,
                    };
                    v["package"] = json!(topsdk::schema::naming::category_crate(pkg).1);
                    v["doc_text"] = json!(topsdk::schema::doc::to_plain_text(&schema.description));
                    json(StatusCode::OK, &v)
                }
                None => error(
                    StatusCode::NOT_FOUND,
                    format!(
                        "`{}` is not an API of this build's catalogue",
                        method.escape_debug()
                    ),
                ),
            }
        }
        _ => error(StatusCode::NOT_FOUND, format!("no such endpoint: {path}")),
    }
}

pub(super) async fn post(ex: &Explorer, path: &str, body: Value) -> Response<HttpBody> {
    match path {
        "/api/call" => call(ex, &body, false).await,
        "/api/curl" => call(ex, &body, true).await,
        "/api/messages/publish" | "/api/messages/confirm" => {
            super::feed::post(ex, path, &body).await
        }
        _ => error(StatusCode::NOT_FOUND, format!("no such endpoint: {path}")),
    }
}

/// The stored shops for the session picker: shop, nick, expiry (expired marked); never a
/// token.
async fn sessions(ex: &Explorer) -> Response<HttpBody> {
    let Some(store) = &ex.store else {
        return json(
            StatusCode::OK,
            &json!({"sessions": [], "note":
            "no token store: start with --store URL or TOP_TOKEN_STORE"}),
        );
    };
    match store.list().await {
        Ok(all) => {
            let now = std::time::SystemTime::now();
            let rows: Vec<Value> = all.tokens.iter().map(|(shop, s)| {
                let t = &s.token;
                json!({"shop": shop, "nick": t.taobao_user_nick,
                    "expires_at": t.expire_time.map(|ms| topsdk::DateTime::from_epoch_millis(ms).to_string()),
                    "expired": t.needs_refresh(std::time::Duration::ZERO, now),
                    "revoked": s.revoked.is_some()})
            }).collect();
            json(StatusCode::OK, &json!({"sessions": rows}))
        }
        Err(e) => error(StatusCode::SERVICE_UNAVAILABLE, e),
    }
}

/// A string field of the body.
fn text<'a>(body: &'a Value, name: &str) -> Result<Option<&'a str>, String> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(format!("`{name}` must be a string, not {other}")),
    }
}

/// The params object: each value a string (numbers and booleans taken as their text).
fn params(body: &Value) -> Result<Vec<(String, String)>, String> {
    let Some(p) = body.get("params") else {
        return Ok(Vec::new());
    };
    let Value::Object(map) = p else {
        return Err("`params` must be an object".into());
    };
    map.iter()
        .filter(|(_, v)| !v.is_null() && v.as_str() != Some(""))
        .map(|(k, v)| {
            let s = match v {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                other => other.to_string(),
            };
            Ok((k.clone(), s))
        })
        .collect()
}

/// The page's uploads: `files: {param: {name, base64}}`, each the content of a file input.
fn uploads(body: &Value) -> Result<Vec<(String, topsdk::FileUpload)>, String> {
    use base64::Engine as _;
    let Some(files) = body.get("files") else {
        return Ok(Vec::new());
    };
    let Value::Object(map) = files else {
        return Err("`files` must be an object".into());
    };
    map.iter()
        .map(|(param, f)| {
            let name = f.get("name").and_then(Value::as_str).unwrap_or("upload");
            let data = f
                .get("base64")
                .and_then(Value::as_str)
                .ok_or_else(|| format!("`files.{param}.base64` is required"))?;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(data)
                .map_err(|e| format!("`files.{param}.base64`: {e}"))?;
            Ok((param.clone(), topsdk::FileUpload::new(name, bytes)))
        })
        .collect()
}

/// `POST /api/call` (or, with `curl`, `/api/curl`: signed now, not sent).
async fn call(ex: &Explorer, body: &Value, curl: bool) -> Response<HttpBody> {
    let bad = |m: String| error(StatusCode::BAD_REQUEST, m);
    let method = match text(body, "method") {
        Ok(Some(m)) => m.to_string(),
        Ok(None) => return bad("`method` is required".into()),
        Err(e) => return bad(e),
    };
    let env = match text(body, "env").map(|e| e.unwrap_or("mock")) {
        Ok(e) => match Env::parse(e) {
            Some(env) => env,
            None => {
                return bad(format!(
                    "`env` `{}`: mock, sandbox or production",
                    e.escape_debug()
                ));
            }
        },
        Err(e) => return bad(e),
    };
    let settings = match (text(body, "sign_method"), text(body, "format")) {
        (Ok(sign), Ok(format)) => Settings {
            env,
            sign_method: sign.filter(|s| !s.is_empty()).map(str::to_string),
            format: format.filter(|s| !s.is_empty()).map(str::to_string),
            simplify: body
                .get("simplify")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        },
        (Err(e), _) | (_, Err(e)) => return bad(e),
    };
    let reveal = body.get("reveal").and_then(Value::as_bool).unwrap_or(false);
    let params = match params(body) {
        Ok(p) => p,
        Err(e) => return bad(e),
    };
    let schema = by_name::find(crate::apis(), &method);
    // A file param's text is a path the CLI reads; from a page it must never be: the server
    // reads no local file on a page's word.
    if let Some(file) = schema.and_then(|s| {
        s.request.iter().find(|f| {
            f.kind == topsdk::schema::Kind::File && params.iter().any(|(k, _)| *k == f.name)
        })
    }) {
        return bad(format!(
            "`{}` is a file param: send its content with the page's file input (`files`), not \
             text (the server reads no local file on a page's word)",
            file.name
        ));
    }
    let files = match uploads(body) {
        Ok(f) => f,
        Err(e) => return bad(e),
    };
    let named = match (schema, files.is_empty()) {
        (_, true) => NamedCall::new(schema, &method, params),
        (Some(schema), false) => NamedCall::with_files(schema, &method, params, files),
        (None, false) => return bad(format!("{method} is not in the catalogue: no file params")),
    };
    let named = match named {
        Ok(c) => c,
        Err(e) => return error(StatusCode::BAD_REQUEST, e),
    };
    if env == Env::Production
        && !curl
        && !schema.is_some_and(|s| s.idempotent)
        && body.get("confirm").and_then(Value::as_bool) != Some(true)
    {
        return json(
            StatusCode::CONFLICT,
            &json!({"confirm_needed": true, "error": format!(
            "{method} may change data in production (it is not marked idempotent): confirm to send it")}),
        );
    }
    let mut client = match ex.client(&settings) {
        Ok(c) => c,
        Err(e) => return bad(e),
    };
    // A session from the token store, by shop: the page never sees it.
    let shop = body.get("shop").and_then(Value::as_i64);
    let mut session = None;
    if let Some(shop) = shop {
        let Some(store) = &ex.store else {
            return bad("no token store to take a session from".into());
        };
        match store.get(shop).await {
            Ok(Some(s)) => {
                session = Some(s.token.access_token.expose().clone());
                client = client.with_session(s.token.access_token.expose());
            }
            Ok(None) => return bad(format!("the store holds no token of shop {shop}")),
            Err(e) => return error(StatusCode::SERVICE_UNAVAILABLE, e),
        }
    }
    let prepared = match named.prepare(&client) {
        Ok(p) => p,
        Err(e) => return error(StatusCode::BAD_REQUEST, e),
    };
    if curl {
        return match super::snippet::curl(&prepared, session.as_deref()) {
            Ok(text) => json(StatusCode::OK, &json!({"curl": text})),
            Err(e) => bad(e),
        };
    }
    let request = shown_request(&prepared, session.as_deref());
    let started = Instant::now();
    let result = named.send(&client, reveal).await;
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    let stats = client.quota_stats();
    let bans = client.ban_state(&method);
    let secs = |d: Option<std::time::Duration>| d.map(|d| d.as_secs_f64().ceil() as u64);
    let mut out = json!({
        "request": request,
        "elapsed_ms": (elapsed_ms * 10.0).round() / 10.0,
        "quota": {"waits": stats.waits, "waited_ms": stats.waited.as_millis() as u64, "refused": stats.refused},
        "bans": {"app_secs": secs(bans.app), "api_secs": secs(bans.api), "session_secs": secs(bans.session)},
        "masked": !reveal,
    });
    match result {
        Ok(v) => {
            out["http_status"] = json!(200);
            out["ok"] = json!(true);
            out["response"] = v;
        }
        Err(e) => {
            // TOP answered (with an error, or a body that is not the API's), or HTTP did.
            out["http_status"] = match &e {
                topsdk::Error::Http { status, .. } => json!(status),
                topsdk::Error::Api(_)
                | topsdk::Error::RateLimited { .. }
                | topsdk::Error::Decode { .. }
                | topsdk::Error::Qimen(_) => json!(200),
                _ => Value::Null,
            };
            out["ok"] = json!(false);
            out["error"] = error_json(&e);
        }
    }
    if let Some(schema) = schema {
        let given: Vec<(String, String)> = named
            .params()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        out["rust"] = json!(super::snippet::rust(schema, &given, shop.is_some()));
    }
    json(StatusCode::OK, &out)
}

/// What the call sends, as shown: the URL's query and the form as pairs, `sign` shown, the
/// session masked (the secret is never in a request).
fn shown_request(prepared: &topsdk::PreparedRequest, session: Option<&str>) -> Value {
    let url = prepared.url();
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let pairs = |bytes: &[u8]| -> Vec<Value> {
        form_urlencoded::parse(bytes)
            .map(|(k, v)| {
                let v = if k == "session" || session.is_some_and(|s| v == s) {
                    "***".into()
                } else {
                    v.into_owned()
                };
                json!([k, v])
            })
            .collect()
    };
    let form = match prepared.body() {
        topsdk::Body::Form(b) => json!(pairs(b)),
        topsdk::Body::Multipart(m) => json!(
            m.text
                .iter()
                .map(|(k, v)| json!([k, v]))
                .chain(m.files.iter().map(|(k, _)| json!([k, "(file)"])))
                .collect::<Vec<_>>()
        ),
        topsdk::Body::Text {
            content_type,
            bytes,
        } => json!({"content_type": content_type,
            "text": String::from_utf8_lossy(bytes)}),
        _ => Value::Null,
    };
    json!({"http_method": "POST", "url": base, "query": pairs(query.as_bytes()), "form": form})
}

/// An error as the page shows it: TOP's error fields, or the located message.
fn error_json(e: &topsdk::Error) -> Value {
    match e {
        topsdk::Error::Api(api) => json!({"kind": "api", "code": api.code, "msg": api.msg,
            "sub_code": api.sub_code, "sub_msg": api.sub_msg, "message": e.to_string()}),
        topsdk::Error::Decode { path, message, .. } => json!({"kind": "decode", "path": path,
            "message": message}),
        topsdk::Error::Throttled { scope, retry_after } => json!({"kind": "throttled",
            "scope": scope, "retry_after_secs": retry_after.as_secs(), "message": e.to_string()}),
        topsdk::Error::RateLimited { retry_after, .. } => json!({"kind": "ban",
            "retry_after_secs": retry_after.map(|d| d.as_secs()), "message": e.to_string()}),
        other => json!({"kind": "other", "message": other.to_string()}),
    }
}
