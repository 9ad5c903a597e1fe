//! A blocking client for programs without an async runtime. Its `Client` has the name of
//! [`crate::Client`] on purpose, as `reqwest::blocking::Client` has reqwest's: the same client
//! (same builder, handles and calls), blocking; code moves between the two by changing the
//! path.

use crate::{Error, TopRequest};

/// Wraps [`crate::Client`] with its own single-threaded runtime. Inside an async runtime its
/// calls return [`Error::Config`] instead of blocking (or panicking in) that runtime: use
/// [`crate::Client`] there.
#[derive(Clone, Debug)]
pub struct Client {
    inner: crate::Client,
    /// Shared by session handles: connections live on the runtime that opened them.
    runtime: std::sync::Arc<Runtime>,
}

#[derive(Debug)]
struct Runtime(Option<tokio::runtime::Runtime>);

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            // Dropping a runtime inside another one panics; shutting it down in the
            // background does not.
            rt.shutdown_background();
        }
    }
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
        Ok(Client {
            inner,
            runtime: std::sync::Arc::new(Runtime(Some(runtime))),
        })
    }

    /// Configured from the `TOP_*` environment variables.
    pub fn from_env() -> Result<Client, Error> {
        Client::new(crate::Client::from_env()?)
    }

    pub fn execute<R: TopRequest>(&self, request: &R) -> Result<R::Response, Error> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::Config {
                setting: "blocking client".into(),
                message: "called inside an async runtime, where it would block the runtime's \
                          thread; use topsdk::Client (async) there"
                    .into(),
            });
        }
        match &self.runtime.0 {
            Some(rt) => rt.block_on(self.inner.execute(request)),
            None => Err(Error::Config {
                setting: "blocking client".into(),
                message: "its runtime is shut down".into(),
            }),
        }
    }

    /// A blocking client calling with `session` (one shop's authorization), sharing this
    /// one's connection pool and runtime (see [`crate::Client::with_session`]).
    pub fn with_session(&self, session: impl AsRef<str>) -> Client {
        Client {
            inner: self.inner.with_session(session),
            runtime: self.runtime.clone(),
        }
    }

    /// A blocking client whose QIMEN calls go to `customer_id` (see
    /// [`crate::Client::with_customer_id`]).
    pub fn with_customer_id(&self, customer_id: impl AsRef<str>) -> Client {
        Client {
            inner: self.inner.with_customer_id(customer_id),
            runtime: self.runtime.clone(),
        }
    }

    pub fn async_client(&self) -> &crate::Client {
        &self.inner
    }
}
