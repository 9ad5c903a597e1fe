//! # topsdk
//!
//! A typed Rust client for the Taobao Open Platform (TOP) `router/rest` gateway.
//!
//! This crate is the hand-written runtime (signing, encoding, decoding, retries) and, with the
//! `mock` feature, a mock gateway for tests. The bindings are one package per API category,
//! generated at build time by `topgen` from the YAML specs of the TOP documentation:
//! `topsdk-tbtrade` for `tbtrade` (trades), `topsdk-kongur` for `kongur`, and so on. Depend on
//! this crate and on the categories you call. (The `topsdk` command is the package
//! `topsdk-cli`.)
//!
//! ```no_run
//! use topsdk::kongur::{Apis, alibaba_kongur_token_getosstoken as getosstoken};
//!
//! # async fn run() -> Result<(), topsdk::Error> {
//! let client = topsdk::Client::from_env()?;
//! let req = getosstoken::Request::new().suit_ids("1001,1002").entrust_id("E-77");
//! let resp = client.alibaba_kongur_token_getosstoken(req).await?;
//! if let Some(result) = &resp.kongur_oss_result_do {
//!     for token in &result.datas {
//!         println!("{:?}", token.access_key_id); // secret fields print as ***
//!     }
//! }
//! # Ok(()) }
//! ```

// Generated code spells `::topsdk::` paths; the seed category is compiled into this crate.
extern crate self as topsdk;

mod backoff;
pub mod batch;
pub mod by_name;
mod client;
mod de;
mod decode;
mod error;
mod fnv;
mod mask;
mod params;
mod qimen;
mod rules;
pub mod schema;
mod ser;
pub mod shape;
mod sign;
mod sync;
mod time;
mod types;
mod xml;

/// Typed bindings of the seed category `kongur` (法务服务API): generated at build time from
/// `spec/kongur/` by this package's `build.rs` (feature `kongur`, on by default), the API the
/// project started from. The other categories are packages of their own (`topsdk-tbtrade`,
/// ...), laid out the same way.
#[cfg(feature = "kongur")]
pub mod kongur {
    include!(concat!(env!("OUT_DIR"), "/kongur.rs"));
}

#[cfg(feature = "blocking")]
pub mod blocking;
#[cfg(feature = "mock")]
pub mod mock;
#[cfg(feature = "oauth")]
pub mod oauth;
#[cfg(feature = "security")]
pub mod security;
#[cfg(feature = "spi")]
pub mod spi;
#[cfg(feature = "tmc")]
pub mod tmc;
#[cfg(feature = "oauth")]
pub mod tokens;

pub use client::quota;
pub use client::{
    Body, Client, ClientBuilder, Config, DEFAULT_GATEWAY, DEFAULT_MAX_RESPONSE_BYTES, HTTP_GATEWAY,
    Multipart, PreparedRequest, QIMEN_GATEWAY, QIMEN_SANDBOX_GATEWAY, RetryPolicy, SANDBOX_GATEWAY,
};
pub use decode::Format;
pub use error::{ApiError, Error, QimenError, Retry};
pub use sign::{SignMethod, constant_time_eq};
pub use time::{Clock, DateTime, FixedClock, ParseDateTimeError, SystemClock};
pub use types::{Decimal, FileUpload, Json, Price, Reveal, Secret};

/// A call in flight, as the methods of generated `Apis` traits return it: `.await` it.
/// (`Send`, so it can be spawned.)
pub type Call<'a, T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, Error>> + Send + 'a>>;

/// A request of one TOP API (implemented by generated `Request` types).
pub trait TopRequest: Send + Sync {
    type Response: TopResponse + serde::de::DeserializeOwned + serde::Serialize + Send;
    /// The TOP method name, e.g. `alibaba.kongur.token.getosstoken`.
    const METHOD: &'static str;
    /// Whether the call only reads, so repeating it is harmless (the spec's `idempotent:`):
    /// only such calls are retried after errors where TOP may have executed them.
    const IDEMPOTENT: bool;
    fn schema() -> &'static schema::ApiSchema;
    /// Writes the app params that are set (any order; the writer keeps them in key order, and
    /// generated code writes them in that order, which is the writer's cheap case).
    #[doc(hidden)]
    fn write_params<'a>(&'a self, w: &mut params::ParamWriter<'a>);
}

/// A response of one TOP API (implemented by generated `Response` types).
pub trait TopResponse {
    /// The gateway's id for the call, when it sent one.
    fn request_id(&self) -> Option<&str>;
}

/// Helpers for this repository's tests and benchmarks (feature `test-util`): not a stable API.
#[cfg(feature = "test-util")]
#[doc(hidden)]
pub mod test_util {
    /// Decodes a response body of `schema`'s API as the client does.
    pub use crate::decode::decode;
    /// An untyped response body by the same envelope rules.
    pub use crate::decode::decode_raw;

    /// The client's quota limiter on its own, for its benchmark.
    pub struct Limiter(crate::client::quota::Limiter);

    impl Limiter {
        pub fn new(quotas: crate::quota::Quotas) -> Limiter {
            Limiter(crate::client::quota::Limiter::new(
                quotas,
                std::sync::Arc::new(crate::SystemClock),
            ))
        }

        /// What one call of `method` with `session` (its hash) takes.
        pub async fn acquire(
            &self,
            method: &str,
            session: Option<u64>,
        ) -> Result<(), crate::Error> {
            self.0.acquire(method, session).await
        }
    }

    /// The XML reader of responses: the root's name and its content as a tree.
    pub fn parse_xml(xml: &str) -> Result<(String, serde_json::Value), String> {
        crate::xml::read::parse(xml)
    }

    /// A batch answer split into the parts of `n` calls, as [`crate::batch::Batch::send`]
    /// splits it.
    pub fn split_batch_answer(
        body: &[u8],
        separator: &str,
        n: usize,
    ) -> Result<Vec<Vec<u8>>, crate::Error> {
        crate::batch::split(body, separator, n)
    }
}

/// Support for generated code (and this repository's tests and benchmarks). Not a stable API:
/// anything here may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use serde;
    pub use serde_json;

    pub use crate::by_name::{CallFn, FromArgs, call};

    /// [`Client::execute`](crate::Client::execute) of an owned request, boxed: the body of
    /// each generated `Apis` method. One generic function here instead of an `async` body per
    /// API (whose future rustc checks for `Send` API by API) keeps bindings quick to compile.
    pub fn execute_boxed<R: crate::TopRequest + 'static>(
        client: &crate::Client,
        request: R,
    ) -> crate::Call<'_, R::Response> {
        ::std::boxed::Box::pin(async move { client.execute(&request).await })
    }
    /// `Serialize` and `PartialEq` of a generated object type (see `ser.rs`).
    pub use crate::__object_impls as object_impls;
    pub use crate::params::{Param, ParamValue, ParamWriter};
    pub use crate::schema::LazySchema;

    /// Interface version of generated code this runtime supports (see `topgen::codegen::ABI`).
    pub const ABI: u32 = 9;

    /// Fails compilation when generated code and runtime disagree.
    pub const fn check_abi(generated: u32) {
        if generated != ABI {
            panic!(
                "these bindings were generated by a topgen whose interface version differs from \
                 this topsdk's: use topgen and topsdk of the same version"
            );
        }
    }

    pub mod ser {
        pub use crate::ser::{Entry, Present, entry, eq, field, opt, req, rest};
        pub use serde::ser::{SerializeMap, SerializeStruct, Serializer};
    }

    pub mod de {
        pub use crate::de::{
            Structure, list, object, opt, read_list, read_object, read_opt, read_scalar_list,
            read_value, scalar_list, structure,
        };
    }

    /// A request object as JSON for the wire: its secrets in clear (that is where they go).
    pub fn write_json<T: serde::Serialize + ?Sized>(value: &T, out: &mut String) {
        // Serializing plain structs of strings/numbers into memory cannot fail.
        if let Ok(s) = serde_json::to_string(&crate::Reveal(value)) {
            out.push_str(&s);
        }
    }

    pub fn parse_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
        serde_json::from_str(text).map_err(|e| format!("not valid JSON for this object: {e}"))
    }
}
