//! The mock's shop authorization: `taobao.top.auth.token.create`/`.refresh` answered with
//! real tokens, and the OAuth endpoint `POST /token`.

use super::{Body, State, full, lock, request_id};
use crate::ApiError;
use hyper::{Response, StatusCode};

/// `taobao.top.auth.token.create` and `.refresh` as TOP answers them: a code gives a fresh
/// token (its shop id derived from the code, so the same code is the same shop), a refresh
/// token the mock issued gives a new one; the token is JSON text in `token_result`.
pub(super) fn auth_answer(
    state: &State,
    method: &str,
    params: &std::collections::BTreeMap<String, String>,
) -> Option<Result<serde_json::Value, ApiError>> {
    let shop = match method {
        "taobao.top.auth.token.create" => shop_of_code(params.get("code")?),
        "taobao.top.auth.token.refresh" => {
            let refresh = params.get("refresh_token")?;
            match lock(&state.refresh_tokens).spend(refresh) {
                Ok(shop) => shop,
                Err(why) => {
                    return Some(Err(ApiError {
                        code: 15,
                        msg: "Remote service error".into(),
                        sub_code: Some("isv.refresh-token-invalid".into()),
                        sub_msg: Some(format!("refresh_token 无效: {why}")),
                        request_id: None,
                    }));
                }
            }
        }
        _ => return None,
    };
    let token = issue_token(state, shop);
    Some(Ok(serde_json::json!({ "token_result": token.to_string() })))
}

/// A stable shop id per authorization code (FNV-1a; kept below 2^53 only by chance of the hash).
fn shop_of_code(code: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in code.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    (h >> 2) as i64
}

/// A fresh token of `shop`, its refresh token remembered.
fn issue_token(state: &State, shop: i64) -> serde_json::Value {
    let access = format!("62{}", request_id());
    let refresh = lock(&state.refresh_tokens).issue(shop);
    serde_json::json!({
        "access_token": access, "token_type": "Bearer", "expires_in": 86400,
        "refresh_token": refresh, "re_expires_in": 2_592_000,
        "r1_expires_in": 86400, "r2_expires_in": 86400, "w1_expires_in": 86400, "w2_expires_in": 86400,
        "taobao_user_id": shop.to_string(), "taobao_user_nick": format!("mock%E5%BA%97{}", shop % 1000),
    })
}

/// The OAuth endpoint `POST /token` (`grant_type=authorization_code`): the app's key and
/// secret as client id and secret, a code, a redirect URI; the token JSON, or an `error`.
pub(super) fn oauth_token(state: &State, form: &[(String, String)]) -> Response<Body> {
    let get = |k: &str| {
        form.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    let refuse = |status: StatusCode, error: &str, description: &str| {
        let body = serde_json::json!({ "error": error, "error_description": description });
        full(status, "application/json;charset=utf-8", body.to_string())
    };
    if get("client_id") != Some(state.app_key.as_str())
        || !get("client_secret").is_some_and(|s| {
            crate::sign::constant_time_eq(state.app_secret.expose().as_bytes(), s.as_bytes(), false)
        })
    {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "client_id or client_secret is wrong",
        );
    }
    if get("grant_type") != Some("authorization_code") {
        return refuse(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "grant_type must be authorization_code",
        );
    }
    let (Some(code), Some(_)) = (get("code"), get("redirect_uri")) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "code and redirect_uri are required",
        );
    };
    let token = issue_token(state, shop_of_code(code));
    full(
        StatusCode::OK,
        "application/json;charset=utf-8",
        token.to_string(),
    )
}

/// The refresh tokens of the mock, rotated as TOP rotates them: a refresh spends its token
/// (a second use is refused, unless within [`RefreshTokens::grace`]), the new token replaces
/// it. Tokens are `63<shop>-<random>-<tag>`, the tag a hash of the rest under a fixed key, so
/// a token another run of the mock issued (the CLI's built-in mock lives one command) is
/// accepted once here, and a made-up one is not. Bounded: the oldest of more than
/// `REFRESH_TOKENS_KEPT` issued or spent are forgotten, and so are the counts of shops
/// beyond that many.
#[derive(Default)]
pub(super) struct RefreshTokens {
    /// Issued here and not spent: token -> shop.
    current: std::collections::HashMap<String, i64>,
    /// Spent: token -> (shop, when).
    spent: std::collections::HashMap<String, (i64, std::time::Instant)>,
    order: std::collections::VecDeque<String>,
    /// A spent token is accepted again this long after its first use (some OAuth servers
    /// do so to forgive a lost answer); zero (TOP's behaviour as far as known) by default.
    pub(super) grace: std::time::Duration,
    pub(super) stats: RefreshStats,
}

/// What the mock's `taobao.top.auth.token.refresh` did ([`super::MockGateway::refresh_stats`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RefreshStats {
    /// Refreshes answered with a new token.
    pub accepted: u64,
    /// Refreshes refused (a spent, unknown or forged refresh token).
    pub refused: u64,
    /// Of the accepted: a spent token used again within the grace period (the token issued
    /// for its first use is then superseded).
    pub regranted: u64,
    /// Accepted refreshes per shop.
    pub per_shop: std::collections::BTreeMap<i64, u32>,
    /// The refresh token issued last per shop: a stored token with another one holds a
    /// superseded pair.
    pub latest: std::collections::BTreeMap<i64, String>,
}

const REFRESH_TOKENS_KEPT: usize = 65_536;

fn tag(shop: i64, random: &str) -> String {
    use md5::{Digest, Md5};
    let d = Md5::digest(format!("topsdk-mock-refresh|{shop}|{random}").as_bytes());
    d[..4].iter().map(|b| format!("{b:02x}")).collect()
}

impl RefreshTokens {
    fn issue(&mut self, shop: i64) -> String {
        let random = request_id();
        let token = format!("63{shop}-{random}-{}", tag(shop, &random));
        self.current.insert(token.clone(), shop);
        if self.stats.latest.len() < REFRESH_TOKENS_KEPT || self.stats.latest.contains_key(&shop) {
            self.stats.latest.insert(shop, token.clone());
        }
        self.remember(token.clone());
        token
    }

    /// The shop of a token that may be used now; it is spent by this.
    fn spend(&mut self, token: &str) -> Result<i64, &'static str> {
        let r = self.check(token);
        match r {
            Ok(shop) => {
                self.stats.accepted += 1;
                if self.stats.per_shop.len() < REFRESH_TOKENS_KEPT
                    || self.stats.per_shop.contains_key(&shop)
                {
                    *self.stats.per_shop.entry(shop).or_default() += 1;
                }
            }
            Err(_) => self.stats.refused += 1,
        }
        r
    }

    fn check(&mut self, token: &str) -> Result<i64, &'static str> {
        if let Some(&(shop, at)) = self.spent.get(token) {
            if at.elapsed() < self.grace {
                self.stats.regranted += 1;
                return Ok(shop);
            }
            return Err("already used (refreshing rotates the refresh token)");
        }
        let shop = match self.current.remove(token) {
            Some(shop) => shop,
            None => {
                let mut parts = token.strip_prefix("63").ok_or("not issued")?.splitn(3, '-');
                let (Some(shop), Some(random), Some(t)) =
                    (parts.next(), parts.next(), parts.next())
                else {
                    return Err("not issued");
                };
                let shop: i64 = shop.parse().map_err(|_| "not issued")?;
                if tag(shop, random) != t {
                    return Err("not issued");
                }
                shop
            }
        };
        self.spent
            .insert(token.to_string(), (shop, std::time::Instant::now()));
        self.remember(token.to_string());
        Ok(shop)
    }

    fn remember(&mut self, token: String) {
        self.order.push_back(token);
        while self.order.len() > REFRESH_TOKENS_KEPT {
            if let Some(old) = self.order.pop_front() {
                self.current.remove(&old);
                self.spent.remove(&old);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RefreshTokens;

    #[test]
    fn a_refresh_token_is_good_once_and_made_up_ones_never() {
        let mut here = RefreshTokens::default();
        let t = here.issue(42);
        assert_eq!(here.spend(&t), Ok(42));
        assert!(here.spend(&t).is_err(), "a spent token is refused");
        // Another run of the mock issued it: good once here too.
        let other = RefreshTokens::default().issue(7);
        assert_eq!(here.spend(&other), Ok(7));
        assert!(here.spend(&other).is_err());
        for forged in ["637-anything", "637-abc-00000000", "62abc", "63x-y-z", ""] {
            assert_eq!(here.spend(forged), Err("not issued"), "{forged}");
        }
        assert_eq!((here.stats.accepted, here.stats.refused), (2, 7));
        assert_eq!(here.stats.per_shop.get(&42), Some(&1));
    }

    #[test]
    fn within_the_grace_period_a_spent_token_is_good_again() {
        let mut here = RefreshTokens {
            grace: std::time::Duration::from_secs(60),
            ..Default::default()
        };
        let t = here.issue(42);
        assert_eq!(here.spend(&t), Ok(42));
        assert_eq!(here.spend(&t), Ok(42));
        assert_eq!(here.stats.regranted, 1);
        here.grace = std::time::Duration::ZERO;
        assert!(here.spend(&t).is_err());
    }
}
