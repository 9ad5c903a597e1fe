//! Every request's checks, then its route. A loopback server is reachable from any web page
//! the developer opens (cross-site requests) and, through DNS rebinding, under a foreign host
//! name: `Host` is checked on every request (an empty or foreign one is 403), the per-launch
//! token is exchanged once for a `SameSite=Strict` cookie every `/api/` request needs, and
//! writes and the message feed need an `Origin` of this server (a rebound page's Origin
//! carries the attacker's name; "Origin equals Host" would pass it).

use super::Explorer;
use super::reply::{error, query_param, respond};
use http_body_util::BodyExt;
use hyper::{Method, Request, Response, StatusCode, header};
use topsdk::mock::HttpBody;

/// The cookie's name, with the port: cookies are not kept apart by port, and two explorers
/// on one machine must not overwrite each other's.
fn cookie_name(port: u16) -> String {
    format!("topsdk_explore_{port}")
}
/// The largest request body read: a call's (its file params as base64 too), anything else's.
const MAX_CALL_BODY: usize = 10 * 1024 * 1024;
const MAX_BODY: usize = 1024 * 1024;
/// How long a request body may take to arrive.
const BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

fn forbidden(why: &str) -> Response<HttpBody> {
    respond(
        StatusCode::FORBIDDEN,
        "text/plain; charset=utf-8",
        format!("403 forbidden: {why}\n"),
    )
}

/// `Host` is this server under a loopback name, with its port.
pub(super) fn host_ok(host: Option<&str>, port: u16) -> bool {
    let Some(host) = host else { return false };
    ["127.0.0.1", "localhost", "[::1]"]
        .iter()
        .any(|name| host == format!("{name}:{port}"))
}

/// `Origin` is this server (scheme, loopback name, port).
pub(super) fn origin_ok(origin: Option<&str>, port: u16) -> bool {
    let Some(origin) = origin else { return false };
    ["127.0.0.1", "localhost", "[::1]"]
        .iter()
        .any(|name| origin == format!("http://{name}:{port}"))
}

fn header<B>(req: &Request<B>, name: header::HeaderName) -> Option<&str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

fn cookie_token<B>(req: &Request<B>, port: u16) -> Option<String> {
    let name = cookie_name(port);
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn token_ok(ex: &Explorer, given: Option<&str>) -> bool {
    given.is_some_and(|t| topsdk::constant_time_eq(ex.token.as_bytes(), t.as_bytes(), false))
}

/// Checks, then routes one request.
pub(super) async fn handle(
    ex: &Explorer,
    port: u16,
    req: Request<hyper::body::Incoming>,
) -> Response<HttpBody> {
    if !host_ok(header(&req, header::HOST), port) {
        return forbidden(
            "this server answers only to 127.0.0.1, localhost or [::1] with its port",
        );
    }
    let path = req.uri().path().to_string();
    let query = req.uri().query().map(str::to_string);
    // The URL printed at launch: its token becomes the cookie, and the address bar loses it.
    if let Some(t) = query_param(query.as_deref(), "token") {
        if !token_ok(ex, Some(&t)) {
            return forbidden("wrong token: open the URL `topsdk explore` printed");
        }
        let mut r = respond(StatusCode::SEE_OTHER, "text/plain; charset=utf-8", "");
        let cookie = format!(
            "{}={t}; HttpOnly; SameSite=Strict; Path=/",
            cookie_name(port)
        );
        if let Ok(v) = header::HeaderValue::from_str(&cookie) {
            r.headers_mut().insert(header::SET_COOKIE, v);
        }
        r.headers_mut()
            .insert(header::LOCATION, header::HeaderValue::from_static("/"));
        return r;
    }
    if !token_ok(ex, cookie_token(&req, port).as_deref()) {
        return forbidden("no session: open the URL `topsdk explore` printed (it holds the token)");
    }
    let origin = header(&req, header::ORIGIN).map(str::to_string);
    match (req.method().clone(), path.as_str()) {
        (Method::GET, "/") => respond(
            StatusCode::OK,
            "text/html; charset=utf-8",
            super::INDEX_HTML,
        ),
        (Method::GET, "/app.js") => respond(
            StatusCode::OK,
            "text/javascript; charset=utf-8",
            super::APP_JS,
        ),
        (Method::GET, "/app.css") => {
            respond(StatusCode::OK, "text/css; charset=utf-8", super::APP_CSS)
        }
        (Method::GET, "/api/messages/feed") => {
            // An EventSource of this page may send no Origin; a foreign one never passes.
            if origin.as_deref().is_some_and(|o| !origin_ok(Some(o), port)) {
                return forbidden("the message feed is for this server's page only");
            }
            super::feed::stream(ex)
        }
        (Method::GET, p) if p.starts_with("/api/") => {
            super::api::get(ex, p, query.as_deref()).await
        }
        (Method::POST, p) if p.starts_with("/api/") => {
            if !origin_ok(origin.as_deref(), port) {
                return forbidden("writes need this server's Origin");
            }
            let is_json = header(&req, header::CONTENT_TYPE)
                .is_some_and(|c| c.starts_with("application/json"));
            if !is_json {
                return error(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "the body must be application/json",
                );
            }
            let p = p.to_string();
            let limit = if p == "/api/call" {
                MAX_CALL_BODY
            } else {
                MAX_BODY
            };
            // A body that stalls is cut off: every read a peer controls has a deadline.
            let read = http_body_util::Limited::new(req.into_body(), limit).collect();
            let body = match tokio::time::timeout(BODY_TIMEOUT, read).await {
                Ok(Ok(b)) => b.to_bytes(),
                Ok(Err(e)) => {
                    return error(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        format!("the body could not be read (at most {limit} bytes): {e}"),
                    );
                }
                Err(_) => {
                    return error(
                        StatusCode::REQUEST_TIMEOUT,
                        format!(
                            "the body did not arrive within {} s",
                            BODY_TIMEOUT.as_secs()
                        ),
                    );
                }
            };
            let v: serde_json::Value = match serde_json::from_slice(&body) {
                Ok(v) => v,
                Err(e) => {
                    return error(
                        StatusCode::BAD_REQUEST,
                        format!(
                            "the body is not JSON: line {}, column {}: {e}",
                            e.line(),
                            e.column()
                        ),
                    );
                }
            };
            super::api::post(ex, &p, v).await
        }
        _ => error(StatusCode::NOT_FOUND, format!("no such page: {path}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_hosts_and_origins_with_the_port_pass() {
        for ok in ["127.0.0.1:8000", "localhost:8000", "[::1]:8000"] {
            assert!(host_ok(Some(ok), 8000), "{ok}");
        }
        for bad in [
            "",
            "127.0.0.1",
            "127.0.0.1:8001",
            "evil.example:8000",
            "localhost.evil:8000",
            "127.0.0.1:8000.evil",
            "LOCALHOST:8000x",
        ] {
            assert!(!host_ok(Some(bad), 8000), "{bad}");
        }
        assert!(!host_ok(None, 8000));
        assert!(origin_ok(Some("http://127.0.0.1:8000"), 8000));
        for bad in [
            "null",
            "http://evil.example:8000",
            "https://127.0.0.1:8000",
            "http://127.0.0.1:8001",
            "",
        ] {
            assert!(!origin_ok(Some(bad), 8000), "{bad}");
        }
        assert!(!origin_ok(None, 8000));
    }
}
