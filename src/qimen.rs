//! Calls through the QIMEN gateway (`router/qimen/service`), for APIs whose spec says
//! `gateway: qimen`: the typed request as one XML `<request>` body, the system params and
//! `customerId` in the query, the TOP sign over those params with the body appended
//! (`signTopRequestWithBody`, as the SDKs' `DefaultQimenClient`), and a
//! `<response><flag>success|failure</flag><code>..</code><message>..</message>..</response>`
//! reply, decoded into the typed response or [`Error::Qimen`].

use crate::client::{Client, PreparedRequest, prepare_signed_body};
use crate::error::QimenError;
use crate::params::ParamWriter;
use crate::schema::{ApiSchema, Field, Kind};
use crate::{Error, TopRequest, TopResponse};
use serde::de::DeserializeOwned;
use serde_json::Value;

const CONTENT_TYPE: &str = "text/xml;charset=utf-8";

/// Sends a typed request of a QIMEN API (the client's `execute` comes here).
pub(crate) async fn execute<R: TopRequest>(
    client: &Client,
    w: &ParamWriter<'_>,
) -> Result<R::Response, Error> {
    execute_as(client, R::schema(), R::IDEMPOTENT, w, &|r: &R::Response| {
        r.request_id().map(str::to_string)
    })
    .await
}

/// Sends a QIMEN call known only by its schema (calls by name without compiled bindings):
/// the reply's content as JSON.
pub(crate) async fn execute_value(
    client: &Client,
    schema: &'static ApiSchema,
    w: &ParamWriter<'_>,
) -> Result<Value, Error> {
    execute_as(client, schema, schema.idempotent, w, &|v: &Value| {
        v.get("request_id")
            .and_then(Value::as_str)
            .map(str::to_string)
    })
    .await
}

async fn execute_as<T: DeserializeOwned + Send>(
    client: &Client,
    schema: &'static ApiSchema,
    idempotent: bool,
    w: &ParamWriter<'_>,
    request_id: &(dyn Fn(&T) -> Option<String> + Sync),
) -> Result<T, Error> {
    let method = schema.method.as_str();
    let body = request_xml(schema, w)?;
    let customer_id = customer_id(client)?;
    let url = client.config().qimen_url();
    client
        .call(
            method,
            idempotent,
            &|| prepare(client, &url, method, customer_id, &body),
            &|b| crate::mask::redacted_excerpt(b, schema),
            &|b| decode::<T>(b, schema),
            request_id,
        )
        .await
}

/// One attempt's signed request (what `Client::prepare` returns for a QIMEN API).
pub(crate) fn prepare_request<R: TopRequest>(
    client: &Client,
    w: &ParamWriter<'_>,
) -> Result<PreparedRequest, Error> {
    let body = request_xml(R::schema(), w)?;
    let url = client.config().qimen_url();
    Ok(prepare(
        client,
        &url,
        R::METHOD,
        customer_id(client)?,
        &body,
    ))
}

fn customer_id(client: &Client) -> Result<&str, Error> {
    client.customer_id().ok_or_else(|| Error::InvalidRequest {
        code: 40,
        param: "customerId".into(),
        message: "a QIMEN call needs the target's customerId: client.with_customer_id(..)".into(),
    })
}

fn prepare(
    client: &Client,
    url: &str,
    method: &str,
    customer_id: &str,
    body: &str,
) -> PreparedRequest {
    let cfg = client.config();
    let timestamp = crate::time::gmt8_timestamp(cfg.clock.now());
    // format=xml: the SDKs' default, the reply in the body's own format.
    let mut params = client.body_signed_params("xml", timestamp.as_str());
    params.extend([("customerId", customer_id), ("method", method)]);
    prepare_signed_body(
        url,
        client.signer(),
        &mut params,
        body.as_bytes().to_vec(),
        CONTENT_TYPE,
        Vec::new(),
    )
}

/// The XML body of a QIMEN call: `<request>` holding the params in documented order; a single
/// `request` object param (how the docs describe QIMEN APIs) is the `<request>` element itself.
/// Lists are `<orderLines><orderLine>..</orderLine></orderLines>` (the schema's item name); a
/// list whose item name is its own name is written as repeated elements (`<sn>a</sn><sn>b</sn>`).
pub(crate) fn request_xml(schema: &ApiSchema, w: &ParamWriter<'_>) -> Result<String, Error> {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?><request>");
    let value_of = |f: &Field, text: &str| -> Result<Value, Error> {
        if f.kind == Kind::Object {
            serde_json::from_str(text).map_err(|e| Error::InvalidRequest {
                code: 41,
                param: f.name.clone(),
                message: format!("not a JSON object for the XML body: {e}"),
            })
        } else if f.list {
            Ok(Value::Array(
                text.split(',').map(|s| Value::from(s.trim())).collect(),
            ))
        } else {
            Ok(Value::from(text))
        }
    };
    let param = |name: &str| w.text_params().find(|(k, _)| *k == name).map(|(_, v)| v);
    match schema.request.as_slice() {
        [f] if f.name == "request" && f.kind == Kind::Object && !f.list => {
            if let Some(text) = param("request") {
                children(&value_of(f, text)?, &f.fields, &mut out);
            }
        }
        fields => {
            for f in fields {
                if let Some(text) = param(&f.name) {
                    field(f, &value_of(f, text)?, &mut out);
                }
            }
        }
    }
    out.push_str("</request>");
    Ok(out)
}

/// The members of an object in the schema's order, then any it does not document.
fn children(v: &Value, fields: &[Field], out: &mut String) {
    let Value::Object(map) = v else { return };
    for f in fields {
        if let Some(x) = map.get(&f.name) {
            field(f, x, out);
        }
    }
    for (k, x) in map {
        if !fields.iter().any(|f| &f.name == k) {
            value(k, x, &[], out);
        }
    }
}

fn field(f: &Field, v: &Value, out: &mut String) {
    if !f.list {
        return value(&f.name, v, &f.fields, out);
    }
    let items: Vec<&Value> = match v {
        Value::Null => return,
        Value::Array(a) => a.iter().collect(),
        one => vec![one],
    };
    if f.item_name.is_empty() || f.item_name == f.name {
        items
            .into_iter()
            .for_each(|i| value(&f.name, i, &f.fields, out));
        return;
    }
    open(&f.name, out);
    items
        .into_iter()
        .for_each(|i| value(&f.item_name, i, &f.fields, out));
    close(&f.name, out);
}

fn value(name: &str, v: &Value, fields: &[Field], out: &mut String) {
    match v {
        Value::Null => {}
        Value::Object(_) => {
            open(name, out);
            children(v, fields, out);
            close(name, out);
        }
        Value::Array(items) => items.iter().for_each(|i| value(name, i, fields, out)),
        Value::String(s) => text(name, s, out),
        other => text(name, &other.to_string(), out),
    }
}

fn open(name: &str, out: &mut String) {
    out.push('<');
    out.push_str(name);
    out.push('>');
}

fn close(name: &str, out: &mut String) {
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

fn text(name: &str, s: &str, out: &mut String) {
    open(name, out);
    out.push_str(&quick_xml::escape::escape(s));
    close(name, out);
}

/// Decodes a QIMEN reply: `<response>` (or `{"response": {..}}`) with `flag` `success` into
/// `T` (under its `response` field when the spec has the docs' one `response` object), `flag`
/// `failure` into [`Error::Qimen`], a gateway `error_response` into [`Error::Api`]; anything
/// else, a missing or unknown `flag` included, is [`Error::Decode`].
pub(crate) fn decode<T: DeserializeOwned>(body: &[u8], schema: &ApiSchema) -> Result<T, Error> {
    let fail = |path: String, message: String| Error::Decode {
        path,
        message,
        excerpt: crate::mask::redacted_excerpt(body, schema),
    };
    if let Some(api) = crate::decode::error_response(body) {
        return Err(Error::from_api(api));
    }
    let text = std::str::from_utf8(body)
        .map_err(|e| fail(String::new(), format!("body is not UTF-8: {e}")))?;
    let (root, content) = if text.trim_start().starts_with('{') {
        let v: Value = serde_json::from_str(text)
            .map_err(|e| fail(String::new(), format!("the body is not JSON: {e}")))?;
        match v {
            Value::Object(m) if m.len() == 1 => {
                m.into_iter().next().unwrap_or((String::new(), Value::Null))
            }
            _ => (String::new(), Value::Null),
        }
    } else {
        crate::xml::parse(text).map_err(|m| fail(String::new(), m))?
    };
    if root != "response" {
        let found = if root.is_empty() {
            "something else".to_string()
        } else {
            format!("<{root}>")
        };
        return Err(fail(
            String::new(),
            format!("expected a QIMEN <response> (or error_response), found {found}"),
        ));
    }
    let content = match content {
        Value::Null => Value::Object(Default::default()),
        Value::Object(m) => Value::Object(m),
        _ => return Err(fail("response".into(), "<response> holds only text".into())),
    };
    let field = |name: &str| {
        content
            .get(name)
            .map(|v| match v {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            })
            .unwrap_or_default()
    };
    match field("flag").as_str() {
        "success" => {}
        "failure" => {
            return Err(Error::Qimen(QimenError {
                code: field("code"),
                message: field("message"),
            }));
        }
        "" => {
            return Err(fail(
                "response.flag".into(),
                "no <flag>: a QIMEN reply says success or failure".into(),
            ));
        }
        other => {
            return Err(fail(
                "response.flag".into(),
                format!("flag `{other}` is neither success nor failure"),
            ));
        }
    }
    let tree = match schema.response.as_slice() {
        [f] if f.name == "response" => {
            let mut m = serde_json::Map::new();
            m.insert("response".into(), content);
            Value::Object(m)
        }
        _ => content,
    };
    crate::decode::tracked(tree).map_err(|(p, m)| fail(p, m))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// spi-qimen.md §3.5 vector 1 is also `DefaultQimenClient`'s sign for that call (no
    /// `partner_id`): the client's query params and signature reproduce it.
    #[test]
    fn golden_vector_1_is_the_clients_sign() {
        let at = crate::DateTime::parse("2016-01-01 12:00:00")
            .unwrap()
            .to_system_time();
        let client = Client::builder("12345678", "helloworld")
            .sign_method(crate::SignMethod::Md5)
            .clock(std::sync::Arc::new(crate::FixedClock(at)))
            .build()
            .unwrap();
        let body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><request><entryOrder>\
                    <entryOrderCode>E1</entryOrderCode></entryOrder></request>";
        let url = client.config().qimen_url();
        assert_eq!(url, crate::client::QIMEN_GATEWAY);
        let p = prepare(
            &client,
            &url,
            "taobao.qimen.entryorder.create",
            "stub-cust-code",
            body,
        );
        assert_eq!(
            p.url(),
            "http://qimen.api.taobao.com/router/qimen/service?app_key=12345678&\
             customerId=stub-cust-code&format=xml&method=taobao.qimen.entryorder.create&\
             sign_method=md5&timestamp=2016-01-01+12%3A00%3A00&v=2.0&\
             sign=0915043459612FB6D3D2649B1FF09A7D"
        );
        match p.body() {
            crate::client::Body::Text {
                content_type,
                bytes,
            } => assert_eq!((content_type, bytes), (CONTENT_TYPE, body.as_bytes())),
            _ => panic!("a QIMEN body is text"),
        }
    }
}
