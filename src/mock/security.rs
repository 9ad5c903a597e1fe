//! The mock's data-security services (feature `security`): `taobao.top.secret.get` with
//! deterministic keys per app, session and customer account, a current and a previous
//! version, an `app_config` with searchable phone, nick and receiver name, and 20005 for any
//! other version; `taobao.top.oaid.merge` (orders of one oaid grouped) and
//! `taobao.top.oaid.decrypt` (a made-up receiver per order, privacy-protected, `matched:
//! false` for an oaid the mock was told is no longer the order's).

use super::{State, lock};
use crate::ApiError;
use base64::Engine as _;
use md5::{Digest, Md5};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};

/// The `app_config` the mock serves: the searchable form for phone, nick and receiver name
/// (current keys), the official defaults for the index.
pub const APP_CONFIG: &str = r#"{"current_phone":"2","previous_phone":"1","current_nick":"2","previous_nick":"1","current_receiver_name":"2","previous_receiver_name":"1","encrypt_index_compress_len":"3","encrypt_slide_size":"4"}"#;

pub(super) struct Secrets {
    /// The current key version (the previous one is one less).
    pub current: AtomicI64,
    pub interval: AtomicI64,
    pub max_interval: AtomicI64,
    /// Orders whose oaid changed: tid -> the current oaid.
    pub oaids: Mutex<HashMap<String, String>>,
}

impl Default for Secrets {
    fn default() -> Self {
        Secrets {
            current: AtomicI64::new(2),
            interval: AtomicI64::new(300),
            max_interval: AtomicI64::new(600),
            oaids: Mutex::default(),
        }
    }
}

/// The key of `scope` at `version`, as base64: 16 bytes of MD5 over the app secret, the scope
/// and the version (so one mock and one app always serve the same keys).
pub(super) fn key_of(app_secret: &str, scope: &str, version: i64) -> String {
    let digest = Md5::digest(format!("{app_secret}|{scope}|{version}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(digest)
}

fn no_version() -> ApiError {
    ApiError {
        code: 15,
        msg: "Remote service error".into(),
        sub_code: Some("20005".into()),
        sub_msg: Some("secret not found".into()),
        request_id: None,
    }
}

fn bad_param(what: &str) -> ApiError {
    ApiError {
        code: 41,
        msg: "Invalid arguments".into(),
        sub_code: Some("isv.invalid-parameter".into()),
        sub_msg: Some(what.into()),
        request_id: None,
    }
}

pub(super) fn answer(
    state: &State,
    method: &str,
    params: &BTreeMap<String, String>,
) -> Option<Result<serde_json::Value, ApiError>> {
    let s = &state.secrets;
    Some(match method {
        "taobao.top.secret.get" => {
            let scope = match (params.get("customer_user_id"), params.get("session")) {
                (Some(id), _) => format!("customer:{id}"),
                (None, Some(session)) => format!("session:{session}"),
                (None, None) => "app".to_string(),
            };
            let current = s.current.load(Ordering::Relaxed);
            let version = match params.get("secret_version").map(|v| v.parse::<i64>()) {
                None => Some(current),
                Some(Ok(-1)) => Some(current - 1).filter(|v| *v >= 1),
                Some(Ok(v)) => Some(v).filter(|v| (1..=current).contains(v)),
                Some(Err(_)) => return Some(Err(bad_param("secret_version is not a number"))),
            };
            match version {
                None => Err(no_version()),
                Some(v) => Ok(serde_json::json!({
                    "secret": key_of(state.app_secret.expose(), &scope, v),
                    "secret_version": v,
                    "interval": s.interval.load(Ordering::Relaxed),
                    "max_interval": s.max_interval.load(Ordering::Relaxed),
                    "app_config": APP_CONFIG,
                })),
            }
        }
        "taobao.top.oaid.merge" => {
            let list = match list_param(params, "merge_list") {
                Ok(l) => l,
                Err(e) => return Some(Err(e)),
            };
            let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for o in &list {
                groups
                    .entry(text(o, "oaid"))
                    .or_default()
                    .push(text(o, "tid"));
            }
            let tid_list: Vec<String> = groups.into_values().map(|g| g.join(",")).collect();
            Ok(serde_json::json!({ "tid_list": tid_list }))
        }
        "taobao.top.oaid.decrypt" => {
            let list = match list_param(params, "query_list") {
                Ok(l) => l,
                Err(e) => return Some(Err(e)),
            };
            if list.len() > 20 {
                return Some(Err(bad_param("query_list holds at most 20 queries")));
            }
            let changed = lock(&s.oaids);
            let receivers: Vec<serde_json::Value> = list
                .iter()
                .enumerate()
                .map(|(i, q)| {
                    let (tid, oaid) = (text(q, "tid"), text(q, "oaid"));
                    let matched = changed.get(&tid).is_none_or(|now| *now == oaid);
                    let n = 1000 + i;
                    serde_json::json!({
                        "tid": tid, "oaid": oaid, "matched": matched,
                        "name": format!("模拟收件人{n}"),
                        "mobile": format!("18877771111-{n}"),
                        "privacy_protection": true,
                        "secret_no_expire_time": "2030-01-01 00:00:00",
                        "country": "中国", "state": "浙江省", "city": "杭州市",
                        "district": "余杭区", "town": "五常街道",
                        "address_detail": format!("模拟路{n}号"),
                    })
                })
                .collect();
            Ok(serde_json::json!({ "receiver_list": receivers }))
        }
        _ => return None,
    })
}

/// A list param (sent as one JSON string).
fn list_param(
    params: &BTreeMap<String, String>,
    name: &str,
) -> Result<Vec<serde_json::Value>, ApiError> {
    let text = params.get(name).map(String::as_str).unwrap_or("[]");
    serde_json::from_str(text).map_err(|_| bad_param(&format!("{name} is not a JSON list")))
}

fn text(v: &serde_json::Value, key: &str) -> String {
    match v.get(key) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}
