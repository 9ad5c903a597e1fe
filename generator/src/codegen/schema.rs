//! The description of an API (`SCHEMA`) that the runtime, mock and CLI read, emitted as
//! compact JSON text: data compiles far faster than the equivalent nested statics.
//! Keys mirror `topsdk::schema`; default values are left out.

use crate::model::{ApiSpec, Field, TypeRef};
use crate::naming;
use serde_json::{Map, Value};

pub fn api_schema_json(spec: &ApiSpec) -> String {
    let mut m = Map::new();
    put_str(&mut m, "method", &spec.method);
    put_str(&mut m, "title", &spec.title);
    put_str(&mut m, "description", &spec.description);
    put_str(&mut m, "category", &spec.category);
    put_str(
        &mut m,
        "category_pkg",
        spec.category_pkg.as_deref().unwrap_or_default(),
    );
    put_str(
        &mut m,
        "doc_url",
        spec.doc_url.as_deref().unwrap_or_default(),
    );
    put_str(&mut m, "response_key", &naming::response_key(&spec.method));
    if spec.is_idempotent() {
        m.insert("idempotent".into(), Value::Bool(true));
    }
    if let Some(d) = &spec.deprecated {
        let mut dep = Map::new();
        dep.insert("reason".into(), Value::from(d.reason.as_str()));
        if d.offline {
            dep.insert("offline".into(), Value::Bool(true));
        }
        m.insert("deprecated".into(), Value::Object(dep));
    }
    let qimen = spec.gateway == Some(crate::model::Gateway::Qimen);
    if qimen {
        m.insert("gateway".into(), Value::from("qimen"));
    }
    put_fields(&mut m, "request", &spec.request, qimen);
    put_fields(&mut m, "response", &spec.response, qimen);
    let ex = &spec.examples;
    let mut e = Map::new();
    if !ex.request.is_empty() {
        let pairs = ex
            .request
            .iter()
            .map(|(k, v)| Value::Array(vec![Value::from(k.as_str()), Value::from(v.as_str())]));
        e.insert("request".into(), Value::Array(pairs.collect()));
    }
    for (k, v) in [
        ("response_xml", &ex.response_xml),
        ("response_json", &ex.response_json),
        ("response_json_simplified", &ex.response_json_simplified),
        ("error_xml", &ex.error_xml),
        ("error_json", &ex.error_json),
    ] {
        if let Some(text) = v {
            e.insert(k.into(), Value::from(text.as_str()));
        }
    }
    if !e.is_empty() {
        m.insert("examples".into(), Value::Object(e));
    }
    Value::Object(m).to_string()
}

fn put_str(m: &mut Map<String, Value>, key: &str, v: &str) {
    if !v.is_empty() {
        m.insert(key.into(), Value::from(v));
    }
}

fn put_fields(m: &mut Map<String, Value>, key: &str, fields: &[Field], qimen: bool) {
    if !fields.is_empty() {
        let list = fields.iter().map(|f| field(f, qimen)).collect();
        m.insert(key.into(), Value::Array(list));
    }
}

fn field(f: &Field, qimen: bool) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), Value::from(f.name.as_str()));
    m.insert("ty".into(), Value::from(f.ty.to_string()));
    let kind = match &f.ty {
        TypeRef::Scalar(s) | TypeRef::List(s) => s.name(),
        TypeRef::File => "File",
        TypeRef::Object(_) | TypeRef::ObjectList(_) => "Object",
    };
    if kind != "String" {
        m.insert("kind".into(), Value::from(kind));
    }
    for (k, on) in [
        ("list", f.ty.is_list()),
        ("required", f.required),
        ("sensitive", f.is_sensitive()),
        ("decimal", f.decimal),
    ] {
        if on {
            m.insert(k.into(), Value::Bool(true));
        }
    }
    if f.ty.is_list() {
        let item = if qimen {
            f.qimen_item_name()
        } else {
            f.list_item_name()
        };
        m.insert("item_name".into(), Value::from(item));
    }
    put_str(&mut m, "description", &f.description);
    if let Some(e) = &f.example {
        m.insert("example".into(), Value::from(e.as_str()));
    }
    let c = &f.constraints;
    let mut cm = Map::new();
    if let Some(n) = c.max_length {
        cm.insert("max_length".into(), Value::from(n));
    }
    if let Some(n) = c.max_list_size {
        cm.insert("max_list_size".into(), Value::from(n));
    }
    if let Some(n) = c.min_value {
        cm.insert("min_value".into(), Value::from(n));
    }
    if let Some(n) = c.max_value {
        cm.insert("max_value".into(), Value::from(n));
    }
    if let Some(d) = &c.default {
        cm.insert("default".into(), Value::from(d.as_str()));
    }
    if !cm.is_empty() {
        m.insert("constraints".into(), Value::Object(cm));
    }
    put_fields(&mut m, "fields", &f.fields, qimen);
    Value::Object(m)
}
