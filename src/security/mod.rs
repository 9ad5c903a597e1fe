//! Buyer-data security (feature `security`): the encryption of the official `SecurityClient`
//! (Java `com.taobao.api.security`, also .NET and PHP), byte for byte, and the OAID flow.
//!
//! Two regimes protect buyer data on TOP:
//! - **Client-side encryption.** Nick, receiver name, phone and free text are stored and
//!   exchanged as `~cipher~version~`, `$prefix$cipher$version$`, or searchable forms with an
//!   index (`~cipher~index~version~~`). The keys come from `taobao.top.secret.get` (app-level,
//!   per shop session, or per customer account) and rotate by version. [`SecurityClient`] does
//!   this: [`encrypt`](SecurityClient::encrypt), [`decrypt`](SecurityClient::decrypt),
//!   [`search`](SecurityClient::search), [`is_encrypted`], and
//!   [`decrypt_response`](SecurityClient::decrypt_response) for a whole typed response.
//! - **OAID** ([`oaid`]): receiver data comes masked, with an `oaid`; orders are merged by oaid
//!   and decrypted for a shipping scene through the platform, and the plaintext may not be
//!   stored.
//!
//! ```no_run
//! # async fn f(client: topsdk::Client) -> Result<(), topsdk::security::SecurityError> {
//! use topsdk::security::{DataType, Scope, SecurityClient};
//! let security = SecurityClient::new(client, "random-num-of-the-app");
//! let shop = Scope::Session("6201...".into());
//! let stored = security.encrypt(&shop, DataType::Phone, "13800138000").await?;
//! let phone = security.decrypt(&shop, DataType::Phone, &stored).await?;
//! assert_eq!(phone.expose(), "13800138000");
//! # Ok(()) }
//! ```
//!
//! ## Where this differs from the Java client, on purpose
//! The ciphertexts are the same (the tests reproduce every vector produced by running the
//! official Java client). What the Java client does silently, this one reports:
//! - encrypting without a key (the platform answered 20005, a beta app, an answer without a
//!   secret) returns the plaintext in Java, which then gets stored as if encrypted; here it is
//!   [`SecurityError::NoKey`];
//! - a phone shorter than 11 characters is "encrypted" to itself in Java; here it is
//!   [`SecurityError::PhoneTooShort`];
//! - decrypting text that is not ciphertext returns it unchanged in Java, so a caller cannot
//!   tell plaintext from a decryption; here it is [`SecurityError::NotCiphertext`] (check with
//!   [`is_encrypted`] first where a column may hold either);
//! - decrypting a shop-level value (a positive version) without its shop makes Java fetch the
//!   app's key of that version and fail on padding; here it is
//!   [`SecurityError::SessionRequired`];
//! - the Java cache keeps one app key per app whatever its version, so one decrypt of an old
//!   value makes later encryptions use the old key; here keys are cached by (scope, version);
//! - `app_config` values are read as strings or numbers (Java ignores a numeric `2`).
//!
//! Encrypting or searching empty or blank text returns it as it is, as Java does: there is no
//! buyer data in it. Keys, sessions and plaintexts never appear in `Debug`, logs or errors:
//! plaintexts come as [`Secret`]s, and [`Decrypted`] masks what it decrypted.
//! The telemetry of the Java client (`taobao.top.sdk.feedback.upload` counters) is not sent.

mod config;
mod crypto;
mod decrypted;
mod error;
mod format;
mod java;
mod keys;
pub mod oaid;
#[cfg(test)]
mod vectors;

/// Typed bindings of the APIs this module calls (`taobao.top.secret.get`,
/// `taobao.top.oaid.merge`, `taobao.top.oaid.decrypt`): topgen's output for their specs in
/// `spec/`, committed (`bindings.rs`, refreshed by `scripts/refresh-generated`, kept equal to a
/// fresh generation by tests/generated_is_fresh.rs) so that the feature needs no generator at
/// build time (topgen and its dependencies were a quarter of the CLI's cold build). Private: the public bindings of these APIs are their category
/// packages' (`topsdk-util`, `topsdk-tbtrade`), which depend on this crate and so cannot be
/// used by it; a public copy here made two `Request` types and two `Apis` impls on `Client`
/// for each method.
#[allow(dead_code, unreachable_pub)]
pub(crate) mod api {
    include!("bindings.rs");
}

pub use crypto::Key;
pub use decrypted::Decrypted;
pub use error::SecurityError;
pub use format::DataType;
pub use keys::Scope;

use crate::{Clock, Secret};
use format::IndexParams;
use keys::{Keys, Want};
use std::sync::Arc;

/// Whether `data` is a stored `ty` value, by the official client's `isEncryptData` rules: the
/// type's separators at both ends, the parts of its normal or searchable form, a numeric
/// version and base64-looking fields. Plain text never passes (empty, blank, shorter than
/// four characters, or without the separators).
pub fn is_encrypted(data: &str, ty: DataType) -> bool {
    format::is_encrypted(data, ty)
}

/// `isEncryptData(list)`: the list is not empty and every item is a `ty` value.
pub fn all_encrypted<S: AsRef<str>>(data: &[S], ty: DataType) -> bool {
    !data.is_empty() && data.iter().all(|d| is_encrypted(d.as_ref(), ty))
}

/// `isPartEncryptData(list)`: some item is a `ty` value.
pub fn any_encrypted<S: AsRef<str>>(data: &[S], ty: DataType) -> bool {
    data.iter().any(|d| is_encrypted(d.as_ref(), ty))
}

/// The client of buyer-data encryption: one per app (it caches the app's keys and config;
/// clone it freely, clones share the cache). Keys are fetched with `taobao.top.secret.get`
/// through `client`, signed as every call.
#[derive(Clone)]
pub struct SecurityClient {
    keys: Arc<Keys>,
}

impl std::fmt::Debug for SecurityClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecurityClient").finish_non_exhaustive()
    }
}

/// Settings of a [`SecurityClient`].
pub struct SecurityBuilder {
    client: crate::Client,
    random_num: String,
    clock: Arc<dyn Clock>,
    capacity: usize,
}

impl SecurityBuilder {
    /// Where "now" comes from for key lifetimes (default: the gateway client's clock,
    /// [`crate::ClientBuilder::clock`]).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The most keys held at once (default 65,536; expired ones are dropped first, then the
    /// least recently used).
    pub fn capacity(mut self, entries: usize) -> Self {
        self.capacity = entries;
        self
    }

    pub fn build(self) -> SecurityClient {
        SecurityClient {
            keys: Arc::new(Keys::new(
                self.client,
                self.random_num,
                self.clock,
                self.capacity,
            )),
        }
    }
}

impl SecurityClient {
    /// A client fetching keys through `client` with the app's `random_num` (the "伪随机码" the
    /// app was given; sent with every key fetch, never used in the cryptography).
    pub fn new(client: crate::Client, random_num: impl Into<String>) -> SecurityClient {
        SecurityClient::builder(client, random_num).build()
    }

    pub fn builder(client: crate::Client, random_num: impl Into<String>) -> SecurityBuilder {
        SecurityBuilder {
            // One clock per client: key lifetimes follow the gateway client's time.
            clock: client.config().clock.clone(),
            client,
            random_num: random_num.into(),
            capacity: 65_536,
        }
    }

    /// How many `taobao.top.secret.get` calls this client (and its clones) made.
    pub fn key_fetches(&self) -> u64 {
        self.keys.fetches()
    }

    /// Fetches the current key of `scope` now, so the first encryption does not wait.
    pub async fn init(&self, scope: &Scope) -> Result<(), SecurityError> {
        self.keys.get(scope, Want::Current).await.map(drop)
    }

    /// `data` as a stored `ty` value under `scope`'s current key: the searchable form where the
    /// app's config says so for the type, and always for [`DataType::Search`]. Empty or blank
    /// text comes back as it is.
    pub async fn encrypt(
        &self,
        scope: &Scope,
        ty: DataType,
        data: &str,
    ) -> Result<String, SecurityError> {
        self.encrypt_at(scope, ty, data, false).await
    }

    /// [`encrypt`](Self::encrypt) with the previous key version, for migrations.
    pub async fn encrypt_previous(
        &self,
        scope: &Scope,
        ty: DataType,
        data: &str,
    ) -> Result<String, SecurityError> {
        self.encrypt_at(scope, ty, data, true).await
    }

    async fn encrypt_at(
        &self,
        scope: &Scope,
        ty: DataType,
        data: &str,
        previous: bool,
    ) -> Result<String, SecurityError> {
        if java::is_blank(data) {
            return Ok(data.to_string());
        }
        let want = if previous {
            Want::Previous
        } else {
            Want::Current
        };
        let r = self.keys.get(scope, want).await?;
        let version = wire_version(scope, r.version);
        let index = self.index_params(ty, previous)?;
        format::encrypt(&r.key, version, ty, data, index)
    }

    /// Several values at once (one key lookup for all): the stored form of each, in order.
    pub async fn encrypt_many<S: AsRef<str>>(
        &self,
        scope: &Scope,
        ty: DataType,
        data: &[S],
    ) -> Vec<Result<String, SecurityError>> {
        let key = self.keys.get(scope, Want::Current).await;
        let index = self.index_params(ty, false);
        data.iter()
            .map(|d| {
                let d = d.as_ref();
                if java::is_blank(d) {
                    return Ok(d.to_string());
                }
                let r = key.as_ref().map_err(SecurityError::again)?;
                let index = index.as_ref().map_err(SecurityError::again)?;
                format::encrypt(&r.key, wire_version(scope, r.version), ty, d, *index)
            })
            .collect()
    }

    /// The plaintext of a stored `ty` value. An app-level value (negative version) is read with
    /// the app's key whatever `scope` says; a shop-level one needs its shop's `scope`.
    pub async fn decrypt(
        &self,
        scope: &Scope,
        ty: DataType,
        data: &str,
    ) -> Result<Secret<String>, SecurityError> {
        let parsed = format::parse(data, ty)?;
        let (scope, version) = key_of(scope, parsed.version)?;
        let r = self.keys.get(scope, Want::Version(version)).await?;
        format::decrypt(&r.key, &parsed, ty).map(Secret::new)
    }

    /// Several stored values at once: each distinct (scope, version) is looked up once.
    pub async fn decrypt_many<S: AsRef<str>>(
        &self,
        scope: &Scope,
        ty: DataType,
        data: &[S],
    ) -> Vec<Result<Secret<String>, SecurityError>> {
        let mut keys: Vec<((Scope, i64), Result<keys::Resolved, SecurityError>)> = Vec::new();
        let mut out = Vec::with_capacity(data.len());
        for d in data {
            let d = d.as_ref();
            let one = async {
                let parsed = format::parse(d, ty)?;
                let (s, v) = key_of(scope, parsed.version)?;
                // The version first: a cheap compare that mostly decides.
                let at = match keys.iter().position(|(k, _)| k.1 == v && k.0 == *s) {
                    Some(at) => at,
                    None => match self.keys.get(s, Want::Version(v)).await {
                        Ok(r) => {
                            keys.push(((s.clone(), v), Ok(r)));
                            keys.len() - 1
                        }
                        // This value gets the failure itself, later ones of the key a copy.
                        Err(e) => {
                            keys.push(((s.clone(), v), Err(SecurityError::again(&e))));
                            return Err(e);
                        }
                    },
                };
                let r = keys[at].1.as_ref().map_err(SecurityError::again)?;
                format::decrypt(&r.key, &parsed, ty).map(Secret::new)
            };
            out.push(one.await);
        }
        out
    }

    /// The search token of `query` under `scope`'s current key: for a phone (exactly its last
    /// four digits) a prefix of the stored searchable form (`LIKE 'token%'`); for text a part
    /// of the stored index where the query's windows line up (`LIKE '%token%'`). Empty or
    /// blank queries come back as they are.
    pub async fn search(
        &self,
        scope: &Scope,
        ty: DataType,
        query: &str,
    ) -> Result<String, SecurityError> {
        self.search_at(scope, ty, query, false).await
    }

    /// [`search`](Self::search) with the previous key version.
    pub async fn search_previous(
        &self,
        scope: &Scope,
        ty: DataType,
        query: &str,
    ) -> Result<String, SecurityError> {
        self.search_at(scope, ty, query, true).await
    }

    async fn search_at(
        &self,
        scope: &Scope,
        ty: DataType,
        query: &str,
        previous: bool,
    ) -> Result<String, SecurityError> {
        if java::is_blank(query) {
            return Ok(query.to_string());
        }
        let want = if previous {
            Want::Previous
        } else {
            Want::Current
        };
        let r = self.keys.get(scope, want).await?;
        format::search(&r.key, ty, query, self.config_params()?)
    }

    /// Every ciphertext in a typed response decrypted in place: each string field whose value
    /// is a stored value of some type (by [`is_encrypted`]) is replaced by its plaintext; the
    /// keys are looked up once per (scope, version), so a page of 100 trades costs one lookup.
    /// The result masks the decrypted fields in `Debug` and serialization (see [`Decrypted`]).
    pub async fn decrypt_response<T>(
        &self,
        scope: &Scope,
        response: T,
    ) -> Result<Decrypted<T>, SecurityError>
    where
        T: serde::Serialize + serde::de::DeserializeOwned,
    {
        decrypted::decrypt_response(self, scope, response).await
    }

    /// Whether `ty` is written in its searchable form, and with which options.
    fn index_params(
        &self,
        ty: DataType,
        previous: bool,
    ) -> Result<Option<IndexParams>, SecurityError> {
        let cfg = self.keys.config_now();
        if cfg.searchable(ty, previous) {
            cfg.params()
                .map(Some)
                .map_err(|what| SecurityError::BadAnswer { what })
        } else {
            Ok(None)
        }
    }

    fn config_params(&self) -> Result<IndexParams, SecurityError> {
        (self.keys.config_now().params()).map_err(|what| SecurityError::BadAnswer { what })
    }

    pub(crate) async fn key_for(
        &self,
        scope: &Scope,
        version: i64,
    ) -> Result<keys::Resolved, SecurityError> {
        let (s, v) = key_of(scope, version)?;
        self.keys.get(s, Want::Version(v)).await
    }
}

/// The version as written: negative for the app's key.
fn wire_version(scope: &Scope, version: i64) -> i64 {
    if *scope == Scope::App {
        -version
    } else {
        version
    }
}

static APP: Scope = Scope::App;

/// The scope and version (positive) of the key a value was written with.
fn key_of(scope: &Scope, version: i64) -> Result<(&Scope, i64), SecurityError> {
    if version < 0 {
        let v = version.checked_neg().ok_or(SecurityError::Malformed {
            part: "version",
            reason: "out of range",
        })?;
        return Ok((&APP, v));
    }
    if *scope == Scope::App {
        return Err(SecurityError::SessionRequired { version });
    }
    Ok((scope, version))
}
