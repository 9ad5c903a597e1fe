//! Shop authorization (OAuth, feature `oauth`): the authorize URL a shop owner opens, the code
//! exchanged for a [`Token`] (through `taobao.top.auth.token.create` or the `/token` endpoint),
//! refresh (`taobao.top.auth.token.refresh`), expiry, and the legacy `top_sign` check.
//! Tokens are kept per shop by a [`crate::tokens::TokenStore`].
//!
//! ```no_run
//! # async fn run(client: topsdk::Client) -> Result<(), topsdk::oauth::OAuthError> {
//! use topsdk::oauth::{self, Authorize};
//! let url = Authorize::new("12345678", "https://isv.example.com/callback").state("s1").url();
//! // ... the shop owner authorizes; the callback gets ?code=...&state=s1
//! let token = oauth::create_token(&client, "the-code").await?;
//! let shop = client.with_session(token.access_token.expose());
//! # Ok(()) }
//! ```

use crate::Secret;
use std::fmt;
use std::time::{Duration, SystemTime};

/// The production authorization host.
pub const PRODUCTION_HOST: &str = "https://oauth.taobao.com";
/// The sandbox host (UNCONFIRMED in the protocol notes: the page naming it is garbled).
pub const SANDBOX_HOST: &str = "https://oauth.tbsandbox.com";

/// What goes wrong with OAuth.
#[derive(Debug)]
#[non_exhaustive]
pub enum OAuthError {
    /// The gateway call failed (an API error, transport, ...).
    Call(crate::Error),
    /// The token JSON (`token_result`, or the `/token` reply) is not a token: what and where.
    BadToken { message: String },
    /// The `/token` endpoint answered with an error (`error`, `error_description`).
    Refused { error: String, description: String },
}

impl fmt::Display for OAuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OAuthError::Call(e) => write!(f, "OAuth call failed: {e}"),
            OAuthError::BadToken { message } => write!(f, "not a TOP token: {message}"),
            OAuthError::Refused { error, description } => {
                write!(f, "OAuth refused: {error} ({description})")
            }
        }
    }
}

impl std::error::Error for OAuthError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            OAuthError::Call(e) => Some(e),
            _ => None,
        }
    }
}

impl From<crate::Error> for OAuthError {
    fn from(e: crate::Error) -> Self {
        OAuthError::Call(e)
    }
}

/// The page a shop owner opens to authorize the app (server-side flow, `response_type=code`).
#[derive(Clone, Debug)]
pub struct Authorize {
    host: String,
    client_id: String,
    redirect_uri: String,
    state: Option<String>,
    view: View,
    scope: Option<String>,
}

/// How the authorization page is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum View {
    #[default]
    Web,
    Tmall,
    Wap,
}

impl View {
    pub fn as_str(self) -> &'static str {
        match self {
            View::Web => "web",
            View::Tmall => "tmall",
            View::Wap => "wap",
        }
    }
}

impl Authorize {
    /// `client_id` is the app key; `redirect_uri` must be under the registered callback domain.
    pub fn new(client_id: impl Into<String>, redirect_uri: impl Into<String>) -> Authorize {
        Authorize {
            host: PRODUCTION_HOST.to_string(),
            client_id: client_id.into(),
            redirect_uri: redirect_uri.into(),
            state: None,
            view: View::Web,
            scope: None,
        }
    }

    /// An opaque value the callback gets back (tie it to the user's session against CSRF).
    pub fn state(mut self, state: impl Into<String>) -> Authorize {
        self.state = Some(state.into());
        self
    }

    pub fn view(mut self, view: View) -> Authorize {
        self.view = view;
        self
    }

    /// API groups, comma-separated, for a short-lived authorization.
    pub fn scope(mut self, scope: impl Into<String>) -> Authorize {
        self.scope = Some(scope.into());
        self
    }

    /// [`PRODUCTION_HOST`] (default), [`SANDBOX_HOST`], or a mock's.
    pub fn host(mut self, host: impl Into<String>) -> Authorize {
        self.host = host.into().trim_end_matches('/').to_string();
        self
    }

    /// `https://oauth.taobao.com/authorize?response_type=code&client_id=..&redirect_uri=..`
    pub fn url(&self) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("response_type", "code")
            .append_pair("client_id", &self.client_id)
            .append_pair("redirect_uri", &self.redirect_uri);
        if let Some(s) = &self.state {
            q.append_pair("state", s);
        }
        q.append_pair("view", self.view.as_str());
        if let Some(s) = &self.scope {
            q.append_pair("scope", s);
        }
        format!("{}/authorize?{}", self.host, q.finish())
    }
}

/// A shop's token: the session for its calls, with its expiries and identity.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Token {
    /// The session: `client.with_session(token.access_token.expose())`.
    pub access_token: Secret<String>,
    pub token_type: Option<String>,
    /// Seconds the access token lives, from issue.
    pub expires_in: Option<i64>,
    /// When the access token expires, epoch ms (`expire_time`, else issue + `expires_in`).
    pub expire_time: Option<i64>,
    pub refresh_token: Option<Secret<String>>,
    pub re_expires_in: Option<i64>,
    /// When the refresh token expires, epoch ms.
    pub refresh_token_valid_time: Option<i64>,
    /// Per-level expiries in seconds: read (r1, r2) and write (w1, w2) permissions.
    pub r1_expires_in: Option<i64>,
    pub r2_expires_in: Option<i64>,
    pub w1_expires_in: Option<i64>,
    pub w2_expires_in: Option<i64>,
    /// The shop's user id (exact: ids pass 2^53).
    pub taobao_user_id: Option<i64>,
    /// URL-decoded (the wire value is URL-encoded UTF-8).
    pub taobao_user_nick: Option<String>,
    pub taobao_open_uid: Option<String>,
    pub sub_taobao_user_id: Option<i64>,
    pub sub_taobao_user_nick: Option<String>,
    /// When this token was read (epoch ms), for `expires_in` without `expire_time`.
    pub issued_at: i64,
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("access_token", &self.access_token)
            .field("refresh_token", &self.refresh_token)
            .field("taobao_user_id", &self.taobao_user_id)
            .field("taobao_user_nick", &self.taobao_user_nick)
            .field("expire_time", &self.expire_time)
            .finish_non_exhaustive()
    }
}

impl Token {
    /// Reads a token from its JSON (`token_result`, or the `/token` endpoint's reply) as read
    /// at `now`. Numbers are accepted as JSON numbers or decimal text; `access_token` is
    /// required; an `error` member is the endpoint's refusal.
    pub fn parse(json: &str, now: SystemTime) -> Result<Token, OAuthError> {
        let bad = |message: String| OAuthError::BadToken { message };
        let v: serde_json::Value =
            serde_json::from_str(json.trim()).map_err(|e| bad(format!("not JSON ({e})")))?;
        let Some(m) = v.as_object() else {
            return Err(bad("not a JSON object".into()));
        };
        if let Some(error) = m.get("error").and_then(|e| e.as_str()) {
            return Err(OAuthError::Refused {
                error: error.to_string(),
                description: m
                    .get("error_description")
                    .and_then(|d| d.as_str())
                    .unwrap_or_default()
                    .to_string(),
            });
        }
        let text = |k: &str| -> Result<Option<String>, OAuthError> {
            match m.get(k) {
                None | Some(serde_json::Value::Null) => Ok(None),
                Some(serde_json::Value::String(s)) if s.is_empty() => Ok(None),
                Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
                Some(serde_json::Value::Number(n)) => Ok(Some(n.to_string())),
                Some(other) => Err(bad(format!("`{k}` is {other}, not text"))),
            }
        };
        let int = |k: &str| -> Result<Option<i64>, OAuthError> {
            match text(k)? {
                None => Ok(None),
                Some(t) => t
                    .trim()
                    .parse::<i64>()
                    .map(Some)
                    .map_err(|_| bad(format!("`{k}` is `{t}`, not an integer"))),
            }
        };
        let nick = |k: &str| -> Result<Option<String>, OAuthError> {
            Ok(text(k)?
                .map(|n| String::from_utf8(crate::params::form_decode(n.as_bytes())).unwrap_or(n)))
        };
        let access_token = text("access_token")?.ok_or_else(|| bad("no `access_token`".into()))?;
        let issued_at = crate::time::epoch_millis(now);
        let expires_in = int("expires_in")?;
        let expire_time = int("expire_time")?
            .or_else(|| expires_in.map(|s| issued_at.saturating_add(s.saturating_mul(1000))));
        let re_expires_in = int("re_expires_in")?;
        Ok(Token {
            access_token: Secret::new(access_token),
            token_type: text("token_type")?,
            expires_in,
            expire_time,
            refresh_token: text("refresh_token")?.map(Secret::new),
            re_expires_in,
            refresh_token_valid_time: int("refresh_token_valid_time")?.or_else(|| {
                re_expires_in.map(|s| issued_at.saturating_add(s.saturating_mul(1000)))
            }),
            r1_expires_in: int("r1_expires_in")?,
            r2_expires_in: int("r2_expires_in")?,
            w1_expires_in: int("w1_expires_in")?,
            w2_expires_in: int("w2_expires_in")?,
            taobao_user_id: int("taobao_user_id")?,
            taobao_user_nick: nick("taobao_user_nick")?,
            taobao_open_uid: text("taobao_open_uid")?.or(text("open_uid")?),
            sub_taobao_user_id: int("sub_taobao_user_id")?,
            sub_taobao_user_nick: nick("sub_taobao_user_nick")?,
            issued_at,
        })
    }

    /// When the access token expires (None when the token does not say).
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.expire_time.map(crate::time::from_epoch_millis)
    }

    /// Whether the access token expires within `margin` of `now` (or has expired).
    pub fn needs_refresh(&self, margin: Duration, now: SystemTime) -> bool {
        let horizon = now.checked_add(margin).unwrap_or(now);
        self.expires_at().is_some_and(|t| t <= horizon)
    }

    /// Whether the refresh token can still be used at `now`.
    pub fn can_refresh(&self, now: SystemTime) -> bool {
        self.refresh_token.is_some()
            && self
                .refresh_token_valid_time
                .is_none_or(|ms| ms > crate::time::epoch_millis(now))
    }
}

/// `%XX` and `+` decoding of UTF-8 text; None when it does not decode.
/// The `token_result` JSON text inside a `taobao.top.auth.token.*` response.
fn token_result(v: &serde_json::Value) -> Result<&str, OAuthError> {
    match v.get("token_result") {
        Some(serde_json::Value::String(s)) => Ok(s),
        Some(other) => Err(OAuthError::BadToken {
            message: format!(
                "`token_result` is {}, not JSON text",
                crate::shape::json_kind(other)
            ),
        }),
        None => Err(OAuthError::BadToken {
            message: "the response has no `token_result`".into(),
        }),
    }
}

/// Code -> token through `taobao.top.auth.token.create` (an https-only API).
pub async fn create_token(client: &crate::Client, code: &str) -> Result<Token, OAuthError> {
    let v = client
        .without_session()
        .execute_raw(
            "taobao.top.auth.token.create",
            [("code".to_string(), code.to_string())],
        )
        .await?;
    Token::parse(token_result(&v)?, client.config().clock.now())
}

/// Code -> token through the OAuth endpoint, `POST {host}/token` ([`PRODUCTION_HOST`],
/// [`SANDBOX_HOST`], or a mock's `oauth_url()`), the other route of the protocol notes: a
/// form with `grant_type=authorization_code`, the client's app key and secret as `client_id`
/// and `client_secret`, `code` and the `redirect_uri` the code was issued for. Its JSON reply
/// is the token; an `error` reply is [`OAuthError::Refused`].
pub async fn exchange_code(
    client: &crate::Client,
    host: &str,
    code: &str,
    redirect_uri: &str,
) -> Result<Token, OAuthError> {
    let cfg = client.config();
    let form: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "authorization_code")
        .append_pair("client_id", &cfg.app_key)
        .append_pair("client_secret", cfg.app_secret.expose())
        .append_pair("code", code)
        .append_pair("redirect_uri", redirect_uri)
        .finish();
    let url = format!("{}/token", host.trim_end_matches('/'));
    let resp = client
        .http()
        .post(url)
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded;charset=utf-8",
        )
        .body(form)
        .send()
        .await
        .map_err(crate::client::transport)?;
    let status = resp.status();
    let body = crate::client::read_capped(resp, cfg.max_response_bytes).await?;
    let text = String::from_utf8_lossy(&body);
    match Token::parse(&text, cfg.clock.now()) {
        // The endpoint answers refusals with a 4xx and the `error` JSON: that says more.
        Err(refused @ OAuthError::Refused { .. }) => Err(refused),
        _ if !status.is_success() => Err(OAuthError::Call(crate::Error::Http {
            status: status.as_u16(),
            excerpt: crate::error::excerpt(&body, 200),
        })),
        other => other,
    }
}

/// A fresh token for `refresh_token` through `taobao.top.auth.token.refresh` (only apps sold
/// on the service market can refresh; others get tokens of a fixed life).
pub async fn refresh_token(
    client: &crate::Client,
    refresh_token: &str,
) -> Result<Token, OAuthError> {
    let v = client
        .without_session()
        .execute_raw(
            "taobao.top.auth.token.refresh",
            [("refresh_token".to_string(), refresh_token.to_string())],
        )
        .await?;
    Token::parse(token_result(&v)?, client.config().clock.now())
}

/// The legacy container callback's check: `top_sign == base64(md5(app_key + top_parameters +
/// top_session + app_secret))`, over `top_parameters` as received (URL-decoded, still base64).
pub fn verify_top_sign(
    app_key: &str,
    top_parameters: &str,
    top_session: &str,
    top_sign: &str,
    app_secret: &str,
) -> bool {
    use base64::Engine as _;
    use md5::Digest as _;
    let digest = md5::Md5::new()
        .chain_update(app_key.as_bytes())
        .chain_update(top_parameters.as_bytes())
        .chain_update(top_session.as_bytes())
        .chain_update(app_secret.as_bytes())
        .finalize();
    let expected = base64::engine::general_purpose::STANDARD.encode(digest);
    // The sign guards a session (base64: case matters).
    crate::sign::constant_time_eq(expected.as_bytes(), top_sign.as_bytes(), false)
}
