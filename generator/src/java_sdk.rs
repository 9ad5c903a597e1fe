//! A writer of Java SDK sources as the official generator lays them out (request class with
//! `getTextParams`/`check`, response class, inner `TaobaoObject` classes), for tests and
//! benchmarks of `import-sdk` (feature `test-util`; not a stable API).

use crate::model::{ApiSpec, Field, Scalar, TypeRef};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// What Java SDK sources can say of a spec: no title, samples, error codes, idempotency,
/// deprecation, sensitivity or defaults; prices and JSON are `String`; rules only on the
/// request's own params; one structure per type name (renamed `Item2` where a random spec
/// reuses a name).
pub fn java_view(spec: &ApiSpec) -> ApiSpec {
    let mut s = spec.clone();
    s.title.clear();
    s.description.clear();
    s.category.clear();
    s.category_pkg = spec.method.split('.').nth(1).map(str::to_string);
    s.doc_url = None;
    s.idempotent = None;
    s.deprecated = None;
    s.examples = Default::default();
    s.error_codes.clear();
    let mut names = BTreeMap::new();
    for f in &mut s.request {
        view(f, 1, true);
        unique_types(f, &mut names);
    }
    let mut names = BTreeMap::new();
    for f in &mut s.response {
        view(f, 1, false);
        unique_types(f, &mut names);
    }
    s.gateway = crate::model::gateway_by_shape(&s.method, &s.request, &s.response);
    s
}

fn view(f: &mut Field, depth: usize, request: bool) {
    f.example = None;
    f.description = javadoc(&f.description);
    f.sensitive = None;
    f.item_name = None;
    f.constraints.default = None;
    f.ty = match &f.ty {
        TypeRef::Scalar(Scalar::Price | Scalar::Json) => TypeRef::Scalar(Scalar::String),
        TypeRef::List(Scalar::Price | Scalar::Json) => TypeRef::List(Scalar::String),
        t => t.clone(),
    };
    if !(request && depth == 1) {
        f.required = false;
        f.constraints = Default::default();
    }
    for sub in &mut f.fields {
        view(sub, depth + 1, request);
    }
}

/// Renames object types so that each name has one structure on its side.
fn unique_types(f: &mut Field, seen: &mut BTreeMap<String, String>) {
    for sub in &mut f.fields {
        unique_types(sub, seen);
    }
    let Some(name) = f.ty.object_name().map(str::to_string) else {
        return;
    };
    let shape = serde_yaml::to_string(&f.fields).unwrap();
    let mut candidate = if crate::import::sdk::is_builtin_type(&name) {
        format!("{name}Dto")
    } else {
        name.clone()
    };
    let mut n = 1;
    while let Some(existing) = seen.get(&candidate) {
        if *existing == shape {
            break;
        }
        n += 1;
        candidate = format!("{name}{n}");
    }
    seen.insert(candidate.clone(), shape);
    f.ty = match f.ty {
        TypeRef::ObjectList(_) => TypeRef::ObjectList(candidate),
        _ => TypeRef::Object(candidate),
    };
}

fn class_name(method: &str) -> String {
    method
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(|p| p[..1].to_uppercase() + &p[1..])
        .collect()
}

fn java_type(f: &Field) -> String {
    let scalar = |s: Scalar, decimal: bool| match s {
        Scalar::Number if decimal => "Double",
        Scalar::Number => "Long",
        Scalar::Boolean => "Boolean",
        Scalar::Date => "Date",
        _ => "String",
    };
    match &f.ty {
        TypeRef::Scalar(s) => scalar(*s, f.decimal).into(),
        TypeRef::List(s) => format!("List<{}>", scalar(*s, f.decimal)),
        TypeRef::File => "FileItem".into(),
        TypeRef::Object(n) => n.clone(),
        TypeRef::ObjectList(n) => format!("List<{n}>"),
    }
}

fn lit(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn doc(out: &mut String, indent: &str, text: &str) {
    if !text.is_empty() {
        let _ = writeln!(out, "{indent}/**");
        for line in text.lines() {
            let _ = writeln!(out, "{indent} * {line}");
        }
        let _ = writeln!(out, "{indent} */");
    }
}

/// What a Javadoc comment carries of a description: trimmed lines, no blank ones, no tag lines
/// (`@author`), no control characters, no `*/`.
fn javadoc(text: &str) -> String {
    text.lines()
        .map(|l| {
            l.chars()
                .map(|c| if c.is_control() && c != '\t' { ' ' } else { c })
                .collect::<String>()
                .replace("*/", "* /")
                .replace("<summary>", "")
                .replace("</summary>", "")
                .replace("<remarks>", "")
                .replace("</remarks>", "")
                .trim()
                .to_string()
        })
        .filter(|l| !l.is_empty() && !l.starts_with('@') && !l.starts_with("TOP API"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `@ApiField` fields of a domain-like class, and its nested types (collected flat).
fn wire_fields(out: &mut String, fields: &[Field], classes: &mut BTreeMap<String, String>) {
    for (i, f) in fields.iter().enumerate() {
        doc(out, "\t\t", &f.description);
        if f.ty.is_list() {
            let _ = writeln!(
                out,
                "\t\t@ApiListField({})\n\t\t@ApiField({})",
                lit(&f.name),
                lit(&f.list_item_name())
            );
        } else {
            let _ = writeln!(out, "\t\t@ApiField({})", lit(&f.name));
        }
        let _ = writeln!(out, "\t\tprivate {} f{i};", java_type(f));
        nested(f, classes);
    }
}

fn nested(f: &Field, classes: &mut BTreeMap<String, String>) {
    let Some(name) = f.ty.object_name() else {
        return;
    };
    let mut body = String::new();
    let _ = writeln!(
        body,
        "\tpublic static class {name} extends TaobaoObject {{\n\t\tprivate static final long serialVersionUID = 1L;"
    );
    wire_fields(&mut body, &f.fields, classes);
    body.push_str("\t}\n");
    classes.insert(name.to_string(), body);
}

/// The request and response sources of `spec`, as the Java SDK's generator lays them out.
pub fn write_java(spec: &ApiSpec, dir: &std::path::Path) {
    let cls = class_name(&spec.method);
    let mut req = format!(
        "package com.taobao.api.request;\n\nimport java.util.*;\n\n/**\n * TOP API: {} request\n * \n * @author top auto create\n */\npublic class {cls}Request extends BaseTaobaoRequest<{cls}Response> {{\n",
        spec.method
    );
    let mut classes = BTreeMap::new();
    for (i, f) in spec.request.iter().enumerate() {
        doc(&mut req, "\t", &f.description);
        let declared = match &f.ty {
            TypeRef::Object(_) | TypeRef::ObjectList(_) => "String".to_string(),
            _ => java_type(f),
        };
        let _ = writeln!(req, "\tprivate {declared} f{i};");
        let _ = writeln!(
            req,
            "\tpublic void setF{i}({declared} f{i}) {{ this.f{i} = f{i}; }}"
        );
        if f.ty.object_name().is_some() {
            let _ = writeln!(
                req,
                "\tpublic void setF{i}({} f{i}) {{ this.f{i} = new JSONWriter(false,true).write(f{i}); }}",
                java_type(f)
            );
            nested(f, &mut classes);
        }
    }
    let _ = writeln!(
        req,
        "\tpublic String getApiMethodName() {{\n\t\treturn {};\n\t}}",
        lit(&spec.method)
    );
    req.push_str("\tpublic Map<String, String> getTextParams() {\n\t\tTaobaoHashMap txtParams = new TaobaoHashMap();\n");
    for (i, f) in spec.request.iter().enumerate() {
        if f.ty != TypeRef::File {
            let _ = writeln!(req, "\t\ttxtParams.put({}, this.f{i});", lit(&f.name));
        }
    }
    req.push_str("\t\treturn txtParams;\n\t}\n");
    req.push_str("\tpublic Map<String, FileItem> getFileParams() {\n\t\tMap<String, FileItem> params = new HashMap<String, FileItem>();\n");
    for (i, f) in spec.request.iter().enumerate() {
        if f.ty == TypeRef::File {
            let _ = writeln!(req, "\t\tparams.put({}, this.f{i});", lit(&f.name));
        }
    }
    req.push_str("\t\treturn params;\n\t}\n\tpublic void check() throws ApiRuleException {\n");
    for (i, f) in spec.request.iter().enumerate() {
        let c = &f.constraints;
        if f.required {
            let _ = writeln!(req, "\t\tRequestCheckUtils.checkNotEmpty(f{i}, \"f{i}\");");
        }
        if let Some(v) = c.max_length {
            let _ = writeln!(
                req,
                "\t\tRequestCheckUtils.checkMaxLength(f{i}, {v}, \"f{i}\");"
            );
        }
        if let Some(v) = c.max_list_size {
            let _ = writeln!(
                req,
                "\t\tRequestCheckUtils.checkMaxListSize(f{i}, {v}, \"f{i}\");"
            );
        }
        if let Some(v) = c.max_value {
            let _ = writeln!(
                req,
                "\t\tRequestCheckUtils.checkMaxValue(f{i}, {v}L, \"f{i}\");"
            );
        }
        if let Some(v) = c.min_value {
            let _ = writeln!(
                req,
                "\t\tRequestCheckUtils.checkMinValue(f{i}, {v}L, \"f{i}\");"
            );
        }
    }
    req.push_str("\t}\n");
    for body in classes.values() {
        req.push_str(body);
    }
    req.push_str("}\n");

    let mut resp = format!(
        "package com.taobao.api.response;\n\n/**\n * TOP API: {} response.\n */\npublic class {cls}Response extends TaobaoResponse {{\n\tprivate static final long serialVersionUID = 1L;\n",
        spec.method
    );
    let mut classes = BTreeMap::new();
    wire_fields(&mut resp, &spec.response, &mut classes);
    for body in classes.values() {
        resp.push_str(body);
    }
    resp.push_str("}\n");
    let write = |sub: &str, name: String, text: &str| {
        let d = dir.join("com/taobao/api").join(sub);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join(name), text).unwrap();
    };
    write("request", format!("{cls}Request.java"), &req);
    write("response", format!("{cls}Response.java"), &resp);
}
