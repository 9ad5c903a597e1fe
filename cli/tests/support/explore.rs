//! A `topsdk explore` process for the tests (killed on drop), and raw HTTP/1.1 requests to it
//! (raw, so a test sets `Host`, `Origin` and `Cookie` exactly as an attacker's page would).

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct Explorer {
    child: Child,
    pub url: String,
    pub port: u16,
    pub token: String,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Explorer {
    pub fn start() -> Explorer {
        Explorer::start_with(&[])
    }

    /// With these environment variables (`TOP_APP_KEY` and `TOP_TOKEN_STORE` unset otherwise).
    pub fn start_with(env: &[(&str, &str)]) -> Explorer {
        let mut child = Command::new(super::BIN)
            .arg("explore")
            .env_remove("TOP_APP_KEY")
            .env_remove("TOP_TOKEN_STORE")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let url = line.trim().to_string();
        let rest = url
            .strip_prefix("http://127.0.0.1:")
            .expect("the printed URL");
        let (port, token) = rest.split_once("/?token=").expect("a token in the URL");
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let sink = stderr.clone();
        let mut err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Explorer {
            port: port.parse().unwrap(),
            token: token.to_string(),
            url,
            child,
            stderr,
        }
    }

    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub fn cookie(&self) -> String {
        format!("topsdk_explore_{}={}", self.port, self.token)
    }

    /// What the process wrote on stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Whether the process still runs.
    pub fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// A raw request: the head lines given (each `Name: value`), and a body.
    pub fn raw(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut head = format!("{method} {path} HTTP/1.1\r\n");
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        ));
        s.write_all(head.as_bytes()).unwrap();
        let _ = s.write_all(body);
        let mut raw = Vec::new();
        let _ = s.read_to_end(&mut raw);
        Reply::parse(&raw)
    }

    /// A GET as the page makes it (right Host and cookie).
    pub fn get(&self, path: &str) -> Reply {
        let (host, cookie) = (self.host(), self.cookie());
        self.raw("GET", path, &[("Host", &host), ("Cookie", &cookie)], b"")
    }

    /// A JSON POST as the page makes it (right Host, cookie and Origin).
    pub fn post(&self, path: &str, body: &str) -> Reply {
        let (host, cookie, origin) = (self.host(), self.cookie(), self.origin());
        self.raw(
            "POST",
            path,
            &[
                ("Host", &host),
                ("Cookie", &cookie),
                ("Origin", &origin),
                ("Content-Type", "application/json"),
            ],
            body.as_bytes(),
        )
    }
}

impl Drop for Explorer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl Reply {
    fn parse(raw: &[u8]) -> Reply {
        let text = String::from_utf8_lossy(raw);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        // Chunked bodies (streams) are left as they came; JSON answers have a length.
        Reply {
            status,
            head: head.to_lowercase(),
            body: body.to_string(),
        }
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", self.status, self.body))
    }
}
