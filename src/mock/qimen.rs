//! The mock's QIMEN gateway (`/router/qimen/service`): key, version, time and the signature
//! over the query with the XML body appended; a known API of `gateway: qimen`; `customerId`;
//! a `<request>` body holding the required fields. Answers `<response>` with `flag` `success`
//! and the schema's fields, or `flag` `failure` with a code: the gateway's own (`sign-check-failure`, ...)
//! or, for `Reply::Error` set on the method, its `sub_code` (else `code`) and `sub_msg`
//! (else `msg`).

use super::{Body, Reply, State, full, next_reply, render};
use crate::schema::{ApiSchema, Field, Gateway, Kind};
use crate::xml::XmlWriter;
use hyper::{Response, StatusCode};
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::SystemTime;

const XML: &str = "text/xml;charset=utf-8";

pub(super) async fn serve(
    state: &State,
    now: SystemTime,
    query: Vec<(String, String)>,
    body: &[u8],
) -> Response<Body> {
    let params: BTreeMap<String, String> = query.into_iter().collect();
    match check(state, now, &params, body) {
        Ok(schema) => {
            let mut reply = next_reply(state, &schema.method);
            while let Reply::Slow { delay, then } = reply {
                tokio::time::sleep(delay).await;
                reply = *then;
            }
            match reply {
                Reply::Error(e) => {
                    let code = e.sub_code.clone().unwrap_or_else(|| e.code.to_string());
                    let message = e.sub_msg.clone().unwrap_or(e.msg);
                    failure(&code, &message)
                }
                raw @ (Reply::Raw { .. } | Reply::Truncated { .. }) => super::respond(raw, XML),
                _ => full(StatusCode::OK, XML, success(schema)),
            }
        }
        Err((code, message)) => failure(code, &message),
    }
}

fn check(
    state: &State,
    now: SystemTime,
    params: &BTreeMap<String, String>,
    body: &[u8],
) -> Result<&'static ApiSchema, (&'static str, String)> {
    if let Err(e) =
        super::gateway::envelope(&state.app_key, state.app_secret.expose(), now, params, body)
    {
        let code = match e.code {
            24 | 25 => "sign-check-failure",
            30 | 31 => "invalid-timestamp",
            _ => "invalid-parameter",
        };
        let why = match &e.sub_msg {
            Some(s) => format!("{}: {s}", e.msg),
            None => e.msg,
        };
        return Err((code, why));
    }
    let method = params.get("method").map(String::as_str).unwrap_or("");
    let schema = state
        .schema(method)
        .filter(|s| s.gateway == Gateway::Qimen)
        .ok_or_else(|| ("invalid-method", format!("no QIMEN API named `{method}`")))?;
    if params.get("customerId").is_none_or(|c| c.trim().is_empty()) {
        return Err(("missing-customerId", "customerId is required".into()));
    }
    let text =
        std::str::from_utf8(body).map_err(|_| ("invalid-xml", "the body is not UTF-8".into()))?;
    let (root, content) = crate::xml::parse(text)
        .map_err(|e| ("invalid-xml", format!("the body is not XML: {e}")))?;
    if root != "request" {
        return Err((
            "invalid-xml",
            format!("root element is <{root}>, expected <request>"),
        ));
    }
    let fields: &[Field] = match schema.request.as_slice() {
        [f] if f.name == "request" && f.kind == Kind::Object => &f.fields,
        all => all,
    };
    for f in fields.iter().filter(|f| f.required) {
        if content.get(&f.name).is_none_or(Value::is_null) {
            return Err(("missing-parameter", format!("{} is required", f.name)));
        }
    }
    Ok(schema)
}

/// `flag` `success`, `code` 0 and the sample of the schema's other fields.
fn success(schema: &ApiSchema) -> String {
    let content = render::canonical_sample(schema);
    let (mut inner, fields) = match schema.response.as_slice() {
        [f] if f.name == "response" => (
            content.get("response").cloned().unwrap_or(Value::Null),
            f.fields.as_slice(),
        ),
        all => (content, all),
    };
    if !inner.is_object() {
        inner = Value::Object(Default::default());
    }
    if let Some(m) = inner.as_object_mut() {
        m.insert("flag".into(), Value::from("success"));
        m.insert("code".into(), Value::from("0"));
        m.insert("message".into(), Value::from("success"));
    }
    let mut xml = XmlWriter::document();
    xml.open("response");
    xml.object(&inner, fields);
    xml.close("response");
    xml.finish()
}

fn failure(code: &str, message: &str) -> Response<Body> {
    let mut xml = XmlWriter::document();
    xml.open("response");
    for (k, v) in [("flag", "failure"), ("code", code), ("message", message)] {
        xml.element(k, v);
    }
    xml.close("response");
    full(StatusCode::OK, XML, xml.finish())
}
