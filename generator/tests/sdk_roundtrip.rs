//! The property: a spec -> the Java SDK sources the official generator would write for it (a
//! writer here, for tests only) -> `import-sdk` -> the same spec, as far as Java sources can
//! say it (`java_view`: what they cannot carry is left out before comparing).

use proptest::prelude::*;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use topgen::model::{ApiSpec, Field, Scalar, TypeRef};
use topgen::test_util::import::sdk::{SdkOptions, import_sdk};

/// What Java SDK sources can say of a spec: no title, samples, error codes, idempotency,
/// deprecation, sensitivity or defaults; prices and JSON are `String`; rules only on the
/// request's own params; one structure per type name (renamed `Item2` where a random spec
/// reuses a name).
fn java_view(spec: &ApiSpec) -> ApiSpec {
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
    s.gateway = topgen::model::gateway_by_shape(&s.method, &s.request, &s.response);
    s
}

fn view(f: &mut Field, depth: usize, request: bool) {
    f.example = None;
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
    let mut candidate = name.clone();
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
        .split('.')
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
        let _ = writeln!(out, "{indent}/**\n{indent} * {text}\n{indent} */");
    }
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
fn write_java(spec: &ApiSpec, dir: &std::path::Path) {
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

fn roundtrip(seed: u64) -> Result<(), TestCaseError> {
    let expected = java_view(&topgen::test_util::random::random_spec(seed));
    let dir = tempfile::tempdir().unwrap();
    write_java(&expected, dir.path());
    let imp = import_sdk(dir.path(), &SdkOptions::default()).unwrap();
    prop_assert!(imp.skipped.is_empty(), "seed {seed}: {:?}", imp.skipped);
    prop_assert_eq!(imp.apis.len(), 1);
    let api = &imp.apis[0];
    prop_assert!(api.warnings.is_empty(), "seed {seed}: {:?}", api.warnings);
    let (got, want) = (
        serde_yaml::to_string(&api.spec).unwrap(),
        serde_yaml::to_string(&expected).unwrap(),
    );
    prop_assert_eq!(got, want, "seed {}", seed);
    // And what was imported is a spec like any other: it validates.
    let out = tempfile::tempdir().unwrap();
    let report = imp.write(out.path());
    prop_assert!(report.failed.is_empty(), "{:?}", report.failed);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn a_spec_written_as_java_sdk_sources_imports_back_the_same(seed in any::<u64>()) {
        roundtrip(seed)?;
    }
}

#[test]
fn the_first_hundred_seeds_round_trip_and_cover_every_shape() {
    let mut seen = std::collections::BTreeSet::new();
    fn shapes(
        fields: &[Field],
        depth: usize,
        side: &str,
        seen: &mut std::collections::BTreeSet<String>,
    ) {
        for f in fields {
            let kind = match &f.ty {
                TypeRef::Object(_) => "object",
                TypeRef::ObjectList(_) => "object list",
                TypeRef::List(_) => "list",
                TypeRef::File => "file",
                TypeRef::Scalar(s) => s.name(),
            };
            seen.insert(format!("{side} {kind}"));
            if f.decimal {
                seen.insert("decimal".into());
            }
            if f.required {
                seen.insert("required".into());
            }
            if !f.constraints.is_empty() {
                seen.insert("rule".into());
            }
            if depth >= 3 {
                seen.insert("depth 3".into());
            }
            shapes(&f.fields, depth + 1, side, seen);
        }
    }
    for seed in 0..100 {
        roundtrip(seed).unwrap();
        let s = java_view(&topgen::test_util::random::random_spec(seed));
        shapes(&s.request, 1, "request", &mut seen);
        shapes(&s.response, 1, "response", &mut seen);
    }
    for want in [
        "request object",
        "request object list",
        "request list",
        "request file",
        "request Date",
        "response object list",
        "response list",
        "response Boolean",
        "decimal",
        "required",
        "rule",
        "depth 3",
    ] {
        assert!(seen.contains(want), "no {want} in the corpus: {seen:?}");
    }
}
