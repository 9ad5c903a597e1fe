//! A blocking client for programs without an async runtime.

use crate::{Error, TopRequest};

/// Wraps [`crate::Client`] with its own single-threaded runtime. Do not use inside an async
/// runtime (it would block that runtime's thread).
#[derive(Debug)]
pub struct Client {
    inner: crate::Client,
    runtime: tokio::runtime::Runtime,
}

impl Client {
    pub fn new(inner: crate::Client) -> Result<Client, Error> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Config {
                setting: "blocking runtime".into(),
                message: e.to_string(),
            })?;
        Ok(Client { inner, runtime })
    }

    /// Configured from the `TOP_*` environment variables.
    pub fn from_env() -> Result<Client, Error> {
        Client::new(crate::Client::from_env()?)
    }

    pub fn execute<R: TopRequest>(&self, request: &R) -> Result<R::Response, Error> {
        self.runtime.block_on(self.inner.execute(request))
    }

    pub fn async_client(&self) -> &crate::Client {
        &self.inner
    }
}
