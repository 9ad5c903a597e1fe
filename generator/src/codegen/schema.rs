//! The description of an API (`SCHEMA`) that the runtime, mock and CLI read: the spec model
//! brought to `topsdk_schema`'s types, the one definition both sides share, and written as its
//! compact JSON (data compiles far faster than the equivalent nested statics).

use crate::model::{ApiSpec, Field, Gateway, TypeRef};
use topsdk_schema as s;

/// The schema of `spec`, as the runtime reads it.
pub fn api_schema(spec: &ApiSpec) -> s::ApiSchema {
    let qimen = spec.gateway == Some(Gateway::Qimen);
    let ex = &spec.examples;
    s::ApiSchema {
        method: spec.method.clone(),
        title: spec.title.clone(),
        description: spec.description.clone(),
        category: spec.category.clone(),
        category_pkg: spec.category_pkg.clone().unwrap_or_default(),
        doc_url: spec.doc_url.clone().unwrap_or_default(),
        response_key: s::response_key(&spec.method),
        idempotent: spec.is_idempotent(),
        deprecated: spec.deprecated.as_ref().map(|d| s::Deprecation {
            reason: d.reason.clone(),
            offline: d.offline,
        }),
        gateway: if qimen {
            s::Gateway::Qimen
        } else {
            s::Gateway::Rest
        },
        request: fields(&spec.request, qimen),
        response: fields(&spec.response, qimen),
        examples: s::Examples {
            request: ex
                .request
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            response_xml: ex.response_xml.clone(),
            response_json: ex.response_json.clone(),
            response_json_simplified: ex.response_json_simplified.clone(),
            error_xml: ex.error_xml.clone(),
            error_json: ex.error_json.clone(),
        },
    }
}

/// [`api_schema`] as JSON text.
pub fn api_schema_json(spec: &ApiSpec) -> String {
    api_schema(spec).to_json()
}

/// Fields as the schema describes them; `qimen` picks QIMEN's list item names.
pub(crate) fn fields(fields: &[Field], qimen: bool) -> Vec<s::Field> {
    fields.iter().map(|f| field(f, qimen)).collect()
}

fn field(f: &Field, qimen: bool) -> s::Field {
    let kind = match &f.ty {
        TypeRef::Scalar(sc) | TypeRef::List(sc) => sc.kind(),
        TypeRef::File => s::Kind::File,
        TypeRef::Object(_) | TypeRef::ObjectList(_) => s::Kind::Object,
    };
    let c = &f.constraints;
    s::Field {
        name: f.name.clone(),
        ty: f.ty.to_string(),
        kind,
        list: f.ty.is_list(),
        required: f.required,
        sensitive: f.is_sensitive(),
        decimal: f.decimal,
        item_name: match (f.ty.is_list(), qimen) {
            (false, _) => String::new(),
            (true, true) => f.qimen_item_name(),
            (true, false) => f.list_item_name(),
        },
        description: f.description.clone(),
        example: f.example.clone(),
        constraints: s::Constraints {
            max_length: c.max_length,
            max_list_size: c.max_list_size,
            min_value: c.min_value,
            max_value: c.max_value,
            default: c.default.clone(),
        },
        fields: fields(&f.fields, qimen),
    }
}
