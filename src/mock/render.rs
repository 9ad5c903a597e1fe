//! The mock's success bodies: a spec's documented sample, brought to one canonical form (typed
//! scalars, lists as arrays) and rendered as wrapped JSON, simplified JSON or XML.

use crate::schema::{ApiSchema, Field, Kind};
use crate::xml::XmlWriter;
use serde_json::{Map, Value};

/// The response content of an API's documented sample (or one made from the schema's examples
/// when the spec documents none), in the typed form ([`crate::shape`]; a documented value
/// that is not of its type replaced by a plain one).
pub(crate) fn canonical_sample(schema: &ApiSchema) -> Value {
    let ex = &schema.examples;
    let documented = ex
        .response_json
        .as_deref()
        .and_then(|text| serde_json::from_str::<Value>(text).ok())
        .map(|v| match v {
            Value::Object(mut m) if m.contains_key(&schema.response_key) => {
                m.remove(&schema.response_key).unwrap_or(Value::Null)
            }
            other => other,
        })
        .or_else(|| {
            let text = ex.response_json_simplified.as_deref()?;
            serde_json::from_str::<Value>(text).ok()
        })
        .or_else(|| {
            let text = ex.response_xml.as_deref()?;
            crate::xml::parse(text).ok().map(|(_, v)| v)
        });
    let tree = documented.unwrap_or_else(|| synthesize(&schema.response));
    crate::shape::repair(tree, &schema.response)
}

/// A sample made from the schema: each field's example, or a plain value of its type, as
/// text (typed by [`crate::shape::repair`] after).
fn synthesize(fields: &[Field]) -> Value {
    let mut map = Map::new();
    for f in fields {
        let one = if f.kind == Kind::Object {
            synthesize(&f.fields)
        } else {
            let example = f
                .example
                .as_deref()
                .filter(|e| !e.is_empty() && *e != "null");
            let text = example.unwrap_or(match f.kind {
                Kind::Number => "0",
                Kind::Boolean => "false",
                Kind::Date => "2026-01-01 00:00:00",
                Kind::Price => "0.00",
                Kind::Json => "{}",
                // TOP's documentation placeholder; also survives XML, where "" reads as absent.
                _ => "xxxxx",
            });
            let item = if f.list {
                text.split(',').next().unwrap_or(text)
            } else {
                text
            };
            Value::String(item.to_string())
        };
        map.insert(
            f.name.to_string(),
            if f.list { Value::Array(vec![one]) } else { one },
        );
    }
    Value::Object(map)
}

/// Simplified JSON: the canonical form plus `request_id`.
pub(crate) fn simplified_json(content: &Value, request_id: &str) -> String {
    let mut v = content.clone();
    if let Value::Object(m) = &mut v {
        m.insert("request_id".into(), Value::String(request_id.into()));
    }
    v.to_string()
}

/// Non-simplified JSON: `{"<key>": {..}}` with lists wrapped by item name.
pub(crate) fn wrapped_json(schema: &ApiSchema, content: &Value, request_id: &str) -> String {
    let mut inner = wrap_object(content, &schema.response);
    if let Value::Object(m) = &mut inner {
        m.insert("request_id".into(), Value::String(request_id.into()));
    }
    let mut outer = Map::new();
    outer.insert(schema.response_key.clone(), inner);
    Value::Object(outer).to_string()
}

fn wrap_object(v: &Value, fields: &[Field]) -> Value {
    let Value::Object(map) = v else {
        return v.clone();
    };
    let mut out = Map::new();
    for (k, val) in map {
        let wrapped = match fields.iter().find(|f| &f.name == k) {
            Some(f) if f.list => {
                let items: Vec<Value> = match val {
                    Value::Array(a) => a.iter().map(|i| wrap_item(i, f)).collect(),
                    other => vec![wrap_item(other, f)],
                };
                let mut w = Map::new();
                w.insert(item_name(f).to_string(), Value::Array(items));
                Value::Object(w)
            }
            Some(f) => wrap_item(val, f),
            None => val.clone(),
        };
        out.insert(k.clone(), wrapped);
    }
    Value::Object(out)
}

fn wrap_item(v: &Value, f: &Field) -> Value {
    if f.kind == Kind::Object {
        wrap_object(v, &f.fields)
    } else {
        v.clone()
    }
}

fn item_name(f: &Field) -> &str {
    if f.item_name.is_empty() {
        "item"
    } else {
        &f.item_name
    }
}

/// XML: `<key>..</key>` with lists as `<field><item>..</item></field>`.
pub(crate) fn xml(schema: &ApiSchema, content: &Value, request_id: &str) -> String {
    let mut w = XmlWriter::document();
    w.open(&schema.response_key);
    w.object(content, &schema.response);
    w.element("request_id", request_id);
    w.close(&schema.response_key);
    w.finish()
}

/// `error_response` in the requested format.
pub(crate) fn error_body(err: &crate::ApiError, format: crate::Format) -> String {
    match format {
        crate::Format::Json => {
            let mut m = Map::new();
            m.insert("code".into(), Value::from(err.code));
            m.insert("msg".into(), Value::from(err.msg.clone()));
            if let Some(s) = &err.sub_code {
                m.insert("sub_code".into(), Value::from(s.clone()));
            }
            if let Some(s) = &err.sub_msg {
                m.insert("sub_msg".into(), Value::from(s.clone()));
            }
            if let Some(s) = &err.request_id {
                m.insert("request_id".into(), Value::from(s.clone()));
            }
            let mut outer = Map::new();
            outer.insert("error_response".into(), Value::Object(m));
            Value::Object(outer).to_string()
        }
        crate::Format::Xml => {
            let mut w = XmlWriter::document();
            w.open("error_response");
            w.element("code", &err.code.to_string());
            w.element("msg", &err.msg);
            for (k, v) in [
                ("sub_code", &err.sub_code),
                ("sub_msg", &err.sub_msg),
                ("request_id", &err.request_id),
            ] {
                if let Some(v) = v {
                    w.element(k, v);
                }
            }
            w.close("error_response");
            w.finish()
        }
    }
}
