//! The QIMEN gateway's wire form (`router/qimen/service`), for APIs whose spec says
//! `gateway: qimen`: the request as one XML `<request>` body (signed with the query's system
//! params and `customerId`, as the SDKs' `DefaultQimenClient` signs it), and a
//! `<response><flag>success|failure</flag><code>..</code><message>..</message>..</response>`
//! reply, decoded into the typed response or [`Error::Qimen`]. A codec only: the client
//! routes a call here by its schema and drives it like every other call.

use crate::Error;
use crate::error::QimenError;
use crate::params::ParamWriter;
use crate::schema::{ApiSchema, Field, Kind};
use crate::xml::XmlWriter;
use serde::de::DeserializeOwned;
use serde_json::Value;

pub(crate) const CONTENT_TYPE: &str = "text/xml;charset=utf-8";

/// The XML body of a QIMEN call: `<request>` holding the params in documented order; a single
/// `request` object param (how the docs describe QIMEN APIs) is the `<request>` element itself.
/// Lists are `<orderLines><orderLine>..</orderLine></orderLines>` (the schema's item name); a
/// list without one is written as repeated elements (`<sn>a</sn><sn>b</sn>`).
pub(crate) fn request_xml(schema: &ApiSchema, w: &ParamWriter<'_>) -> Result<String, Error> {
    let value_of = |f: &Field, text: &str| -> Result<Value, Error> {
        if f.kind == Kind::Object {
            serde_json::from_str(text).map_err(|e| {
                Error::invalid_param(&f.name, format!("not a JSON object for the XML body: {e}"))
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
    let mut xml = XmlWriter::document();
    xml.open("request");
    match schema.request.as_slice() {
        [f] if f.name == "request" && f.kind == Kind::Object && !f.list => {
            if let Some(text) = param("request") {
                xml.object(&value_of(f, text)?, &f.fields);
            }
        }
        fields => {
            for f in fields {
                if let Some(text) = param(&f.name) {
                    xml.field(f, &value_of(f, text)?);
                }
            }
        }
    }
    xml.close("request");
    Ok(xml.finish())
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
        return Err(Error::from(api));
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
