//! `topsdk batch CALL...`: several calls in one `/router/batch` request, one JSON line per
//! answer, in order.

use crate::{apis, gateway_client, report, usage_error};
use std::process::ExitCode;
use topsdk::by_name;

/// Each call is `METHOD` or `METHOD?NAME=VALUE&...` (values URL-encoded; `session=` makes it
/// a call for that shop). Exit 0 when every call succeeded, 2 when one answered with an error,
/// 3 (or 64) when the batch as a whole failed.
pub(crate) async fn batch(calls: &[String], reveal_secrets: bool) -> ExitCode {
    if calls.is_empty() {
        return usage_error("give at least one call: METHOD or METHOD?NAME=VALUE&...");
    }
    let (client, _mocks) = match gateway_client().await {
        Ok(c) => c,
        Err(code) => return code,
    };
    let mut batch = client.batch();
    let mut named = Vec::new();
    for (i, call) in calls.iter().enumerate() {
        let (method, query) = call.split_once('?').unwrap_or((call.as_str(), ""));
        if method.is_empty() {
            return usage_error(format!("call {}: `{call}` has no method", i + 1));
        }
        let mut params: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let session = params
            .iter()
            .position(|(k, _)| k == "session")
            .map(|at| params.remove(at).1);
        if let Err(e) = crate::check_method_name(method) {
            return usage_error(format!("call {}: {e}", i + 1));
        }
        // A known API is checked by its schema and sent as checked; another is sent as given.
        match by_name::NamedCall::new(by_name::find(apis(), method), method, params) {
            Ok(call) => {
                call.add_to(&mut batch, session.as_deref());
                named.push(call);
            }
            Err(e) => return usage_error(format!("call {} ({method}): {e}", i + 1)),
        }
    }
    let mut answers = match batch.send().await {
        Ok(a) => a,
        Err(e) => return report(e),
    };
    let mut failed = false;
    for (index, call) in named.iter().enumerate() {
        let method = answers.method(index).unwrap_or_default().to_string();
        // In the typed form its schema gives (a value not of its type is an error).
        let answer = answers
            .take_raw(index)
            .and_then(|v| call.finish(v, reveal_secrets));
        let line = match answer {
            Ok(v) => serde_json::json!({ "index": index, "method": method, "response": v }),
            Err(e) => {
                failed = true;
                let error = match e.api() {
                    Some(api) => serde_json::json!({
                        "code": api.code, "msg": api.msg, "sub_code": api.sub_code,
                        "sub_msg": api.sub_msg, "request_id": api.request_id,
                    }),
                    None => serde_json::json!({ "message": e.to_string() }),
                };
                serde_json::json!({ "index": index, "method": method, "error": error })
            }
        };
        if let Err(code) = crate::print_line(&line.to_string()) {
            return code;
        }
    }
    if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}
