//! A gateway written for the tests, independent of the project's mock: a few lines of HTTP/1.1
//! over a tokio `TcpListener` on 127.0.0.1 that answers from a script, records every request
//! and counts the connections it accepted.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// One scripted answer.
#[derive(Clone, Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn json(body: impl Into<String>) -> Answer {
        Answer {
            status: 200,
            headers: vec![(
                "Content-Type".into(),
                "application/json;charset=UTF-8".into(),
            )],
            body: body.into(),
        }
    }
    pub fn status(mut self, status: u16) -> Answer {
        self.status = status;
        self
    }
    pub fn header(mut self, k: &str, v: &str) -> Answer {
        self.headers.push((k.into(), v.into()));
        self
    }
}

/// A request as it arrived.
#[derive(Clone, Debug)]
pub struct Seen {
    pub target: String,
    pub body: String,
    pub at: Instant,
}

impl Seen {
    /// A query param, form-decoded.
    pub fn query(&self, key: &str) -> Option<String> {
        let q = self.target.split_once('?')?.1;
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
    }
    /// A body param, form-decoded.
    pub fn form(&self, key: &str) -> Option<String> {
        form_urlencoded::parse(self.body.as_bytes())
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
    }
}

/// Answers a request from what it holds (a server with logic, written by a test).
pub type Handler = Arc<dyn Fn(&Seen) -> Answer + Send + Sync>;

#[derive(Default)]
struct State {
    handler: Option<Handler>,
    script: Mutex<VecDeque<Answer>>,
    fallback: Mutex<Option<Answer>>,
    seen: Mutex<Vec<Seen>>,
    connections: AtomicUsize,
}

pub struct Gateway {
    pub url: String,
    state: Arc<State>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Gateway {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Gateway {
    /// Answers with `script` in order, then with `fallback` (or 500 when none).
    pub async fn start(script: Vec<Answer>, fallback: Option<Answer>) -> Gateway {
        Gateway::launch(State {
            script: Mutex::new(script.into()),
            fallback: Mutex::new(fallback),
            ..State::default()
        })
        .await
    }

    /// Answers every request with `handler`.
    pub async fn with_handler(
        handler: impl Fn(&Seen) -> Answer + Send + Sync + 'static,
    ) -> Gateway {
        Gateway::launch(State {
            handler: Some(Arc::new(handler)),
            ..State::default()
        })
        .await
    }

    async fn launch(state: State) -> Gateway {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/router/rest", listener.local_addr().unwrap());
        let state = Arc::new(state);
        let s = state.clone();
        let task = tokio::spawn(async move {
            while let Ok((conn, _)) = listener.accept().await {
                s.connections.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(serve(conn, s.clone()));
            }
        });
        Gateway { url, state, task }
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.state.seen.lock().unwrap().clone()
    }

    pub fn connections(&self) -> usize {
        self.state.connections.load(Ordering::SeqCst)
    }
}

/// Serves one keep-alive connection until the client closes it.
async fn serve(mut conn: tokio::net::TcpStream, state: Arc<State>) {
    let mut buf = Vec::new();
    loop {
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let mut chunk = [0u8; 8192];
            match conn.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
        let target = head
            .lines()
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .unwrap_or_default()
            .to_string();
        let length: usize = head
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("content-length")
                    .then(|| v.trim().parse().ok())?
            })
            .unwrap_or(0);
        while buf.len() < head_end + length {
            let mut chunk = [0u8; 8192];
            match conn.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let body = String::from_utf8_lossy(&buf[head_end..head_end + length]).into_owned();
        buf.drain(..head_end + length);
        let seen = Seen {
            target,
            body,
            at: Instant::now(),
        };
        let handled = state.handler.as_ref().map(|h| h(&seen));
        state.seen.lock().unwrap().push(seen);
        let answer = handled
            .or_else(|| state.script.lock().unwrap().pop_front())
            .or_else(|| state.fallback.lock().unwrap().clone())
            .unwrap_or_else(|| Answer::json("no answer scripted").status(500));
        let mut out = format!("HTTP/1.1 {} Scripted\r\n", answer.status);
        for (k, v) in &answer.headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        out.push_str(&format!(
            "Content-Length: {}\r\n\r\n{}",
            answer.body.len(),
            answer.body
        ));
        if conn.write_all(out.as_bytes()).await.is_err() {
            return;
        }
    }
}

/// TOP's `error_response` as JSON.
pub fn error_json(code: i64, msg: &str, sub_code: &str, sub_msg: &str) -> String {
    serde_json::json!({"error_response": {
        "code": code, "msg": msg, "sub_code": sub_code, "sub_msg": sub_msg,
        "request_id": "rid-err"
    }})
    .to_string()
}

/// A success body of the seed API (`alibaba.kongur.token.getosstoken`).
pub const SEED_OK: &str = r#"{"alibaba_kongur_token_getosstoken_response":{"kongur_oss_result_do":{"success":true,"datas":{"oss_token_result_vo":[{"oss_token":"OSS-T0KEN","access_key_id":"AK1"}]}},"request_id":"rid-1"}}"#;

/// `isp.remote-service-timeout`: TOP may have executed the call.
pub fn isp_timeout() -> Answer {
    Answer::json(error_json(
        15,
        "Remote service error",
        "isp.remote-service-timeout",
        "服务超时",
    ))
}

/// Code 7, a ban of `seconds`, worded as TOP words it.
pub fn ban(seconds: u64) -> Answer {
    Answer::json(error_json(
        7,
        "App Call Limited",
        "accesscontrol.limited-by-app-access-count",
        &format!("This ban will last for {seconds} more seconds"),
    ))
}

/// TOP's md5 signature as the protocol notes give it, computed here with the `md5` crate
/// alone: `UPPERHEX(MD5(secret + k1 v1 k2 v2 .. + body + secret))` over `params` sorted by
/// key, `sign` left out (a batch's or QIMEN call's URL params with its body; an SPI call).
pub fn md5_sign_with_body<'a>(
    secret: &str,
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
    body: &str,
) -> String {
    use md5::{Digest, Md5};
    let mut params: Vec<(&str, &str)> = params.into_iter().filter(|(k, _)| *k != "sign").collect();
    params.sort();
    let mut preimage = String::from(secret);
    for (k, v) in params {
        preimage.push_str(k);
        preimage.push_str(v);
    }
    preimage.push_str(body);
    preimage.push_str(secret);
    Md5::digest(preimage.as_bytes())
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}
