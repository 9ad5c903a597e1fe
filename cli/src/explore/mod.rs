//! `topsdk explore`: TOP's API test tool, offline, in the browser. A loopback server (the
//! mocks' server core, [`topsdk::mock::Loopback`]) serves a page compiled into the binary and
//! JSON endpoints under `/api/`; calls go through the one call-by-name path the `call`
//! command uses ([`topsdk::by_name::NamedCall`]), to the built-in mock, or with credentials
//! to the sandbox or production gateway.
//!
//! Safe on a developer's machine (`protocol/explorer.md`'s checklist, [`guard`]): bound to
//! 127.0.0.1, `Host` checked on every request, a per-launch token exchanged for an
//! `HttpOnly; SameSite=Strict` cookie, `Origin` checked on writes and on the message feed, no
//! generic proxy, the app secret and sessions never sent to the page, a strict CSP.

mod api;
mod feed;
mod guard;
mod reply;
mod search;
mod snippet;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use topsdk::tokens::TokenStore;
use topsdk::{Client, ClientBuilder};

/// The page, compiled in: no npm step, nothing fetched.
const INDEX_HTML: &str = include_str!("page/index.html");
const APP_JS: &str = include_str!("page/app.js");
const APP_CSS: &str = include_str!("page/app.css");

/// Where calls go: the built-in mock, or TOP's sandbox or production gateway.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Env {
    Mock,
    Sandbox,
    Production,
}

impl Env {
    fn parse(s: &str) -> Option<Env> {
        match s {
            "mock" => Some(Env::Mock),
            "sandbox" => Some(Env::Sandbox),
            "production" => Some(Env::Production),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Env::Mock => "mock",
            Env::Sandbox => "sandbox",
            Env::Production => "production",
        }
    }
}

/// Call settings the page can switch: one client (with its quota state) per combination.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Settings {
    env: Env,
    sign_method: Option<String>,
    format: Option<String>,
    simplify: bool,
}

pub(crate) struct Explorer {
    token: String,
    /// The base builder of each environment on offer.
    envs: Vec<(Env, ClientBuilder)>,
    clients: Mutex<HashMap<Settings, Client>>,
    store: Option<Arc<dyn TokenStore>>,
    feed: Option<feed::Feed>,
    /// The built-in TOP (without credentials), kept alive while serving.
    builtin: crate::Embedded,
}

impl Explorer {
    /// The client for `settings` (built once, so its quota and ban state carry over).
    fn client(&self, s: &Settings) -> Result<Client, String> {
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(c) = clients.get(s) {
            return Ok(c.clone());
        }
        let (_, base) = self
            .envs
            .iter()
            .find(|(e, _)| *e == s.env)
            .ok_or_else(|| format!("the {} environment needs TOP_APP_KEY", s.env.name()))?;
        let mut b = base.clone();
        if let Some(m) = &s.sign_method {
            b = b.sign_method(m.parse().map_err(|e| format!("sign_method: {e}"))?);
        }
        if let Some(f) = &s.format {
            b = b.format(f.parse().map_err(|e| format!("format: {e}"))?);
        }
        if s.simplify {
            b = b.simplify(true);
        }
        let c = b.build().map_err(|e| e.to_string())?;
        clients.insert(s.clone(), c.clone());
        Ok(c)
    }
}

/// Runs the explorer until interrupted.
pub(crate) async fn run(listen: Option<SocketAddr>, store: Option<String>) -> ExitCode {
    let listen = listen.unwrap_or_else(topsdk::mock::ephemeral);
    if !listen.ip().is_loopback() {
        return crate::usage_error(format!(
            "--listen {listen}: the explorer serves the loopback address only"
        ));
    }
    let store = match store.or_else(|| crate::lookup("TOP_TOKEN_STORE")) {
        Some(url) => match topsdk::tokens::StoreUrl::parse(&url) {
            Ok(u) => match u.open().await {
                Ok(s) => Some(s),
                Err(e) => {
                    eprintln!("topsdk: {e}");
                    return ExitCode::from(3);
                }
            },
            Err(e) => return crate::usage_error(e),
        },
        None => None,
    };
    let mut envs = Vec::new();
    let (builtin, feed) = if crate::no_credentials() {
        let (top, secret) = match crate::builtin::BuiltIn::for_command(None).await {
            Ok(t) => t,
            Err(e) => {
                eprintln!("topsdk: {e}");
                return ExitCode::from(3);
            }
        };
        let base = match ClientBuilder::new(crate::builtin::APP_KEY, secret.clone())
            .gateway_url(top.gateway.url())
            .call_settings_from_lookup(crate::lookup)
        {
            Ok(b) => b,
            Err(e) => return crate::usage_error(e),
        };
        let api = match base.clone().build() {
            Ok(c) => c,
            Err(e) => return crate::usage_error(e),
        };
        let feed = feed::Feed::start(&top, &secret, api).await;
        envs.push((Env::Mock, base));
        (Some(top), feed)
    } else {
        let base = match ClientBuilder::from_lookup(crate::lookup) {
            Ok(b) => b,
            Err(e) => return crate::usage_error(e),
        };
        // The configured gateway is production unless TOP_GATEWAY_URL says otherwise.
        envs.push((
            Env::Sandbox,
            base.clone().gateway_url(topsdk::SANDBOX_GATEWAY),
        ));
        envs.push((Env::Production, base));
        (None, None)
    };
    search::warm();
    let token = match launch_token() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("topsdk: no random token for the explorer: {e}");
            return ExitCode::from(3);
        }
    };
    let explorer = Arc::new(Explorer {
        token: token.clone(),
        envs,
        clients: Mutex::new(HashMap::new()),
        store,
        feed,
        builtin,
    });
    // The port is known once bound: the guard reads it from a cell set right after.
    let port_cell = Arc::new(std::sync::OnceLock::<u16>::new());
    let (ex, cell) = (explorer.clone(), port_cell.clone());
    let server = topsdk::mock::Loopback::http(
        listen,
        || std::time::Duration::from_secs(30),
        move |req| {
            let (ex, cell) = (ex.clone(), cell.clone());
            async move {
                let port = cell.get().copied().unwrap_or(0);
                guard::handle(&ex, port, req).await
            }
        },
    )
    .await;
    let server = match server {
        Ok(s) => s,
        Err(e) => {
            eprintln!("topsdk: cannot listen on {listen}: {e}");
            return ExitCode::from(3);
        }
    };
    let port = server.addr().port();
    let _ = port_cell.set(port);
    println!("http://127.0.0.1:{port}/?token={token}");
    eprintln!(
        "topsdk: the explorer is serving {} (open the URL above; Ctrl-C stops it)",
        explorer
            .envs
            .iter()
            .map(|(e, _)| e.name())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = tokio::signal::ctrl_c().await;
    drop(server);
    ExitCode::SUCCESS
}

/// 128 bits from the operating system's generator, as hex: the per-launch token.
fn launch_token() -> std::io::Result<String> {
    use std::io::Read;
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
