//! The mock's success bodies: a spec's documented sample, brought to one canonical form (typed
//! scalars, lists as arrays) and rendered as wrapped JSON, simplified JSON or XML.

use crate::schema::{ApiSchema, Field, Kind};
use serde_json::{Map, Value};

/// The response content of an API's documented sample (or one made from the schema's examples
/// when the spec documents none), in canonical form.
pub fn canonical_sample(schema: &ApiSchema) -> Value {
    let ex = &schema.examples;
    if let Some(text) = ex.response_json.as_deref()
        && let Ok(v) = serde_json::from_str::<Value>(text)
    {
        let inner = match v {
            Value::Object(mut m) if m.contains_key(&schema.response_key) => {
                m.remove(&schema.response_key).unwrap_or(Value::Null)
            }
            other => other,
        };
        return normalize_object(inner, &schema.response);
    }
    if let Some(text) = ex.response_json_simplified.as_deref()
        && let Ok(v) = serde_json::from_str::<Value>(text)
    {
        return normalize_object(v, &schema.response);
    }
    if let Some(text) = ex.response_xml.as_deref()
        && let Ok((_, v)) = crate::xml::parse(text)
    {
        return normalize_object(v, &schema.response);
    }
    synthesize(&schema.response)
}

/// Typed scalars and plain arrays, following the schema; fields it does not know are kept.
fn normalize_object(v: Value, fields: &[Field]) -> Value {
    let Value::Object(mut map) = v else {
        return Value::Object(Map::new());
    };
    for f in fields {
        if let Some(val) = map.remove(&f.name) {
            map.insert(f.name.clone(), normalize(val, f));
        }
    }
    Value::Object(map)
}

fn normalize(v: Value, f: &Field) -> Value {
    if f.list {
        let items = match v {
            Value::Null => Vec::new(),
            Value::Array(a) => a,
            // A wrapper `{"item": [..]}` or `{"item": {..}}` (XML gives a single item so).
            Value::Object(m) if m.len() == 1 => match m.into_iter().next().map(|(_, v)| v) {
                Some(Value::Array(a)) => a,
                Some(Value::Null) | None => Vec::new(),
                Some(one) => vec![one],
            },
            other => vec![other],
        };
        return Value::Array(items.into_iter().map(|i| normalize_item(i, f)).collect());
    }
    normalize_item(v, f)
}

fn normalize_item(v: Value, f: &Field) -> Value {
    match f.kind {
        Kind::Object => normalize_object(v, &f.fields),
        // Decimals as text, like Price: that is how `Decimal` serializes (exactly).
        Kind::Number if f.decimal => match v {
            Value::Number(n) => Value::String(n.to_string()),
            other => other,
        },
        Kind::Number => match &v {
            Value::String(s) => s.trim().parse::<i64>().map(Value::from).unwrap_or(v),
            _ => v,
        },
        Kind::Boolean => match &v {
            Value::String(s) if s == "true" => Value::Bool(true),
            Value::String(s) if s == "false" => Value::Bool(false),
            _ => v,
        },
        _ => match v {
            Value::Null => Value::Null,
            Value::String(s) => Value::String(s),
            other => Value::String(other.to_string()),
        },
    }
}

/// A sample made from the schema: each field's example, or a plain value of its type.
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
            normalize_item(Value::String(item.to_string()), f)
        };
        map.insert(
            f.name.to_string(),
            if f.list { Value::Array(vec![one]) } else { one },
        );
    }
    Value::Object(map)
}

/// Simplified JSON: the canonical form plus `request_id`.
pub fn simplified_json(content: &Value, request_id: &str) -> String {
    let mut v = content.clone();
    if let Value::Object(m) = &mut v {
        m.insert("request_id".into(), Value::String(request_id.into()));
    }
    v.to_string()
}

/// Non-simplified JSON: `{"<key>": {..}}` with lists wrapped by item name.
pub fn wrapped_json(schema: &ApiSchema, content: &Value, request_id: &str) -> String {
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
pub fn xml(schema: &ApiSchema, content: &Value, request_id: &str) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\" ?>");
    out.push('<');
    out.push_str(&schema.response_key);
    out.push('>');
    xml_object(content, &schema.response, &mut out);
    element("request_id", request_id, &mut out);
    out.push_str("</");
    out.push_str(&schema.response_key);
    out.push('>');
    out
}

pub(super) fn xml_object(v: &Value, fields: &[Field], out: &mut String) {
    let Value::Object(map) = v else { return };
    for (k, val) in map {
        match fields.iter().find(|f| &f.name == k) {
            Some(f) if f.list => {
                out.push_str(&format!("<{k}>"));
                let items: Vec<&Value> = match val {
                    Value::Array(a) => a.iter().collect(),
                    other => vec![other],
                };
                for i in items {
                    xml_value(item_name(f), i, &f.fields, out);
                }
                out.push_str(&format!("</{k}>"));
            }
            Some(f) => xml_value(k, val, &f.fields, out),
            None => xml_value(k, val, &[], out),
        }
    }
}

fn xml_value(name: &str, v: &Value, fields: &[Field], out: &mut String) {
    match v {
        Value::Null => {}
        Value::Object(_) => {
            out.push_str(&format!("<{name}>"));
            xml_object(v, fields, out);
            out.push_str(&format!("</{name}>"));
        }
        Value::Array(items) => items.iter().for_each(|i| xml_value(name, i, fields, out)),
        Value::String(s) => element(name, s, out),
        other => element(name, &other.to_string(), out),
    }
}

fn element(name: &str, text: &str, out: &mut String) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    out.push_str(&quick_xml::escape::escape(text));
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// `error_response` in the requested format.
pub fn error_body(err: &crate::ApiError, format: crate::Format) -> String {
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
            let mut out =
                String::from("<?xml version=\"1.0\" encoding=\"utf-8\" ?><error_response>");
            element("code", &err.code.to_string(), &mut out);
            element("msg", &err.msg, &mut out);
            if let Some(s) = &err.sub_code {
                element("sub_code", s, &mut out);
            }
            if let Some(s) = &err.sub_msg {
                element("sub_msg", s, &mut out);
            }
            if let Some(s) = &err.request_id {
                element("request_id", s, &mut out);
            }
            out.push_str("</error_response>");
            out
        }
    }
}
