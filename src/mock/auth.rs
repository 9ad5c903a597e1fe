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
            // Issued by this mock, or by another run of it (`63<shop>-<random>`): a refresh
            // across restarts of the CLI's built-in mock works too.
            let known = lock(&state.refresh_tokens).remove(refresh).or_else(|| {
                refresh
                    .strip_prefix("63")
                    .and_then(|r| r.split_once('-'))
                    .and_then(|(shop, _)| shop.parse().ok())
            });
            match known {
                Some(shop) => shop,
                None => {
                    return Some(Err(ApiError {
                        code: 15,
                        msg: "Remote service error".into(),
                        sub_code: Some("isv.refresh-token-invalid".into()),
                        sub_msg: Some("refresh_token 无效".into()),
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
    let refresh = format!("63{shop}-{}", request_id());
    lock(&state.refresh_tokens).insert(refresh.clone(), shop);
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
        || get("client_secret") != Some(state.app_secret.expose().as_str())
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
