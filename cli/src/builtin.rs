//! The built-in TOP: the mock gateway and the mock message server, wired together (the
//! gateway's `taobao.tmc.*` APIs act on the message server's queue). `topsdk mock` serves it
//! on the addresses given; a command run without `TOP_APP_KEY` starts one of its own on free
//! ports of 127.0.0.1. One place starts it, whoever asks.

use std::net::SocketAddr;
use topsdk::mock::{MockGateway, MockTmc};

/// The app key of a built-in TOP that a command starts for itself.
pub(crate) const APP_KEY: &str = "mock-app-key";

/// A running built-in TOP: both servers stop when it is dropped.
pub(crate) struct BuiltIn {
    pub(crate) gateway: MockGateway,
    pub(crate) tmc: MockTmc,
}

/// Where each server listens, and what it failed to do.
#[derive(Debug)]
pub(crate) struct StartError {
    pub(crate) what: &'static str,
    pub(crate) addr: Option<SocketAddr>,
    pub(crate) error: std::io::Error,
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.addr {
            Some(a) => write!(f, "cannot start the {} on {a}: {}", self.what, self.error),
            None => write!(f, "cannot start the built-in {}: {}", self.what, self.error),
        }
    }
}

impl BuiltIn {
    /// Starts both servers for one app: on `addrs` (gateway, message server) when given, else
    /// on free ports of 127.0.0.1.
    pub(crate) async fn start(
        addrs: Option<(SocketAddr, SocketAddr)>,
        app_key: &str,
        app_secret: &str,
    ) -> Result<BuiltIn, StartError> {
        let apis = crate::apis();
        let gateway = match addrs {
            Some((g, _)) => MockGateway::start_with(apis, g, app_key, app_secret).await,
            None => MockGateway::start(apis, app_key, app_secret).await,
        }
        .map_err(|error| StartError {
            what: "mock gateway",
            addr: addrs.map(|a| a.0),
            error,
        })?;
        let tmc = match addrs {
            Some((_, t)) => MockTmc::start_with(t, app_key, app_secret).await,
            None => MockTmc::start(app_key, app_secret).await,
        }
        .map_err(|error| StartError {
            what: "mock message server",
            addr: addrs.map(|a| a.1),
            error,
        })?;
        gateway.attach_tmc(tmc.queue());
        Ok(BuiltIn { gateway, tmc })
    }

    /// One for a command run without credentials: free ports, a random secret unless
    /// `secret` fixes it (and with it the mock's security keys).
    pub(crate) async fn for_command(secret: Option<&str>) -> Result<(BuiltIn, String), StartError> {
        let secret = match secret {
            Some(s) => s.to_string(),
            None => format!("mock-secret-{}", crate::fastrand_secret()),
        };
        Ok((BuiltIn::start(None, APP_KEY, &secret).await?, secret))
    }
}
