//! The messages tab: a TMC client on the built-in mock message server, its messages to the
//! page as server-sent events (typed as `tmc listen` prints them), published with a button
//! (`POST /api/messages/publish`) and confirmed from the page (`POST /api/messages/confirm`).
//! Bounded: a page that stops reading loses events (told so), never grows the server; at most
//! `MAX_PENDING` messages wait for their confirm (older ones are released for redelivery).

use super::Explorer;
use super::reply::{error, json};
use bytes::Bytes;
use futures_util::StreamExt;
use http_body_util::BodyExt;
use hyper::{Response, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;
use topsdk::mock::HttpBody;
use topsdk::tmc::{ConnectToken, Message, TmcBuilder};

const MAX_PENDING: usize = 1000;
const EVENTS: usize = 256;

pub(crate) struct Feed {
    events: broadcast::Sender<String>,
    pending: Arc<Mutex<BTreeMap<i64, Message>>>,
}

impl Feed {
    /// Connects to the built-in message server; None (said on stderr) when it cannot.
    pub(super) async fn start(
        top: &crate::builtin::BuiltIn,
        secret: &str,
        api: topsdk::Client,
    ) -> Option<Feed> {
        let client = TmcBuilder::new(crate::builtin::APP_KEY, secret)
            .url(top.tmc.url())
            .ok()?
            .gateway(api)
            .connect_token(ConnectToken::Api)
            .build();
        let mut messages = match client.connect().await {
            Ok(m) => m,
            Err(e) => {
                eprintln!("topsdk: the messages tab is off: {e}");
                return None;
            }
        };
        let (events, _) = broadcast::channel(EVENTS);
        let pending: Arc<Mutex<BTreeMap<i64, Message>>> = Arc::default();
        let (tx, held) = (events.clone(), pending.clone());
        tokio::spawn(async move {
            while let Some(item) = messages.next().await {
                let Ok(msg) = item else { continue };
                // The id as text: JavaScript numbers lose TMC's 64-bit ids.
                let mut shown = crate::tmc::message_json(&msg);
                shown["id"] = json!(msg.id.to_string());
                let line = shown.to_string();
                {
                    let mut held = held.lock().unwrap_or_else(|p| p.into_inner());
                    if held.len() >= MAX_PENDING
                        && let Some((_, oldest)) = held.pop_first()
                    {
                        let _ = oldest.fail("the explorer holds too many unconfirmed messages");
                    }
                    held.insert(msg.id, msg);
                }
                let _ = tx.send(line);
            }
        });
        Some(Feed { events, pending })
    }
}

/// `GET /api/messages/feed`: `text/event-stream`, one `message` event per TMC message.
pub(super) fn stream(ex: &Explorer) -> Response<HttpBody> {
    let Some(feed) = &ex.feed else {
        return error(
            StatusCode::NOT_FOUND,
            "messages are served with the built-in mock only",
        );
    };
    let rx = feed.events.subscribe();
    let events = futures_util::stream::unfold(rx, |mut rx| async move {
        let text = match rx.recv().await {
            Ok(line) => format!("event: message\ndata: {line}\n\n"),
            Err(broadcast::error::RecvError::Lagged(n)) => {
                format!("event: lagged\ndata: {n}\n\n")
            }
            Err(broadcast::error::RecvError::Closed) => return None,
        };
        Some((
            Ok::<_, std::io::Error>(hyper::body::Frame::data(Bytes::from(text))),
            rx,
        ))
    });
    // A comment first, so the page sees the stream open at once.
    let first = futures_util::stream::once(async {
        Ok::<_, std::io::Error>(hyper::body::Frame::data(Bytes::from_static(b": open\n\n")))
    });
    let body = BodyExt::boxed(http_body_util::StreamBody::new(first.chain(events)));
    let mut r = super::reply::respond(StatusCode::OK, "text/event-stream", "");
    *r.body_mut() = body;
    r
}

pub(super) async fn post(ex: &Explorer, path: &str, body: &Value) -> Response<HttpBody> {
    let (Some(feed), Some(top)) = (&ex.feed, &ex.builtin) else {
        return error(
            StatusCode::NOT_FOUND,
            "messages are served with the built-in mock only",
        );
    };
    match path {
        "/api/messages/publish" => {
            let topic = body.get("topic").and_then(Value::as_str).unwrap_or("");
            if topic.is_empty() || topic.len() > 128 {
                return error(
                    StatusCode::BAD_REQUEST,
                    "`topic` is required (at most 128 bytes)",
                );
            }
            let content = match body.get("content") {
                Some(Value::String(s)) => s.clone(),
                Some(v @ Value::Object(_)) => v.to_string(),
                _ => {
                    return error(
                        StatusCode::BAD_REQUEST,
                        "`content` must be a JSON object or its text",
                    );
                }
            };
            if content.len() > 64 * 1024 {
                return error(StatusCode::BAD_REQUEST, "`content` is over 64 KiB");
            }
            let id = top.tmc.publish(
                topsdk::mock::Published::new(topic, content).user(2_207_000_000_001, "shop1"),
            );
            json(StatusCode::OK, &json!({"published": id}))
        }
        _ => {
            let id = match body.get("id") {
                Some(Value::String(s)) => s.parse::<i64>().ok(),
                Some(v) => v.as_i64(),
                None => None,
            };
            let Some(id) = id else {
                return error(
                    StatusCode::BAD_REQUEST,
                    "`id` (the message id, as text or a number) is required",
                );
            };
            let msg = feed
                .pending
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&id);
            match msg {
                Some(m) => match m.confirm() {
                    Ok(()) => json(StatusCode::OK, &json!({"confirmed": id})),
                    Err(e) => error(StatusCode::SERVICE_UNAVAILABLE, e),
                },
                None => error(
                    StatusCode::NOT_FOUND,
                    format!("no unconfirmed message {id}"),
                ),
            }
        }
    }
}
