//! TOP doc metadata JSON (`{name, apiChineseName, description, requestParams, responseParams}`,
//! params as `{name, type, description, required, maxLength, maxListSize, minValue, maxValue,
//! subParams}`) -> spec. Every oddity becomes a valid spec plus a warning naming the field.

use super::{Imported, Warnings};
use crate::error::{Located, SpecError};
use crate::model::{ApiSpec, Constraints, Examples, Field, Scalar, Side, TypeRef};
use crate::validate::MAX_DEPTH;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::Path;

#[derive(Deserialize)]
struct Meta {
    #[serde(default)]
    name: Option<String>,
    #[serde(default, rename = "apiChineseName")]
    chinese_name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default, rename = "requestParams")]
    request: Option<Vec<Param>>,
    #[serde(default, rename = "responseParams")]
    response: Option<Vec<Param>>,
    #[serde(default)]
    id: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct Param {
    #[serde(default)]
    name: Option<String>,
    #[serde(default, rename = "type")]
    ty: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    required: Option<bool>,
    #[serde(default, rename = "maxLength")]
    max_length: Option<serde_json::Value>,
    #[serde(default, rename = "maxListSize")]
    max_list_size: Option<serde_json::Value>,
    #[serde(default, rename = "minValue")]
    min_value: Option<serde_json::Value>,
    #[serde(default, rename = "maxValue")]
    max_value: Option<serde_json::Value>,
    #[serde(default, rename = "defaultValue")]
    default_value: Option<serde_json::Value>,
    #[serde(default, rename = "subParams")]
    sub_params: Option<Vec<Param>>,
}

/// The category a metadata file belongs to (`catelog.json` beside it).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Category {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub pkg: String,
}

/// Reads `catelog.json` next to `file`, falling back to the directory name.
pub fn category_of(file: &Path) -> Category {
    let dir = file.parent().unwrap_or(Path::new("."));
    let from_file = std::fs::read_to_string(dir.join("catelog.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<Category>(&t).ok());
    let dir_name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match from_file {
        Some(mut c) => {
            if c.pkg.is_empty() {
                c.pkg = dir_name;
            }
            // Some catalogues' names end in a separator (`淘宝交易API,`).
            c.name = c
                .name
                .trim()
                .trim_end_matches([',', '，', ';', '；', '、'])
                .trim_end()
                .to_string();
            c
        }
        None => Category {
            name: String::new(),
            pkg: dir_name,
        },
    }
}

pub fn import(file: &Path, text: &str, category: &Category) -> Result<Imported, SpecError> {
    let meta: Meta = serde_json::from_str(text).map_err(|e| {
        SpecError::Spec(Located {
            file: file.to_path_buf(),
            line: e.line().max(1),
            column: e.column().max(1),
            yaml_path: String::new(),
            message: format!("not TOP doc metadata: {e}"),
        })
    })?;
    let method = meta.name.clone().unwrap_or_default().trim().to_string();
    if method.is_empty()
        && meta.request.as_ref().is_none_or(Vec::is_empty)
        && meta.response.as_ref().is_none_or(Vec::is_empty)
        && meta
            .description
            .as_deref()
            .is_none_or(|d| d.trim().is_empty())
    {
        return Err(SpecError::NotAnApi {
            path: file.to_path_buf(),
            reason: "a catalogue stub with no method name, params or description".into(),
        });
    }
    let method_ok = topsdk_schema::is_method_name(&method);
    if !method_ok {
        return Err(SpecError::Spec(Located {
            file: file.to_path_buf(),
            line: 1,
            column: 1,
            yaml_path: "name".into(),
            message: format!("`{method}` is not a TOP method name"),
        }));
    }
    let mut w = Warnings::default();
    let request = params(
        meta.request.unwrap_or_default(),
        "requestParams",
        Side::Request,
        1,
        &mut w,
    );
    let response = params(
        meta.response.unwrap_or_default(),
        "responseParams",
        Side::Response,
        1,
        &mut w,
    );
    let doc_url = meta.id.and_then(|id| match id {
        serde_json::Value::Number(n) => Some(format!(
            "https://open.taobao.com/api.htm?docId={n}&docType=2"
        )),
        _ => None,
    });
    let idempotent = Some(crate::heuristics::read_only_method(&method));
    let title = meta.chinese_name.unwrap_or_default();
    let description = meta.description.unwrap_or_default();
    let deprecated = crate::model::deprecation_in(&title, &description);
    let gateway = crate::model::gateway_by_shape(&method, &request, &response);
    let spec = ApiSpec {
        deprecated,
        gateway,
        method,
        title,
        description,
        category: category.name.clone(),
        category_pkg: (!category.pkg.is_empty()).then(|| category.pkg.clone()),
        doc_url,
        idempotent,
        request,
        response,
        examples: Examples::default(),
        error_codes: Vec::new(),
    };
    Ok(Imported {
        spec,
        warnings: w.0,
    })
}

fn params(list: Vec<Param>, path: &str, side: Side, depth: usize, w: &mut Warnings) -> Vec<Field> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (i, p) in list.into_iter().enumerate() {
        let at = format!("{path}[{i}]");
        let name = p.name.clone().unwrap_or_default();
        let name = if name.trim().is_empty() {
            let n = format!("unnamed_{i}");
            w.push(&at, format!("param has no name; named `{n}`"));
            n
        } else if name.chars().any(char::is_whitespace) {
            let n: String = name.split_whitespace().collect::<Vec<_>>().join("_");
            w.push(&at, format!("name `{name}` has spaces; using `{n}`"));
            n
        } else {
            name
        };
        if !seen.insert(name.clone()) {
            w.push(
                &at,
                format!("`{name}` is documented twice at this level; the later one is left out"),
            );
            continue;
        }
        out.push(field(p, name, &at, side, depth, w));
    }
    out
}

fn field(p: Param, name: String, at: &str, side: Side, depth: usize, w: &mut Warnings) -> Field {
    let raw = p.ty.clone().unwrap_or_default();
    let subs = p.sub_params.unwrap_or_default();
    let ty = map_type(&raw, !subs.is_empty(), side, depth, &name, at, w);
    let fields = match ty.object_name() {
        Some(_) if depth >= MAX_DEPTH => Vec::new(),
        Some(_) => params(subs, &format!("{at}.subParams"), side, depth + 1, w),
        None => {
            if !subs.is_empty() {
                w.push(
                    at,
                    format!("`{name}` is `{ty}` but documents sub-params; they are left out"),
                );
            }
            Vec::new()
        }
    };
    let constraints = constraints(
        &p.max_length,
        &p.max_list_size,
        &p.min_value,
        &p.max_value,
        &p.default_value,
        &ty,
        &name,
        at,
        w,
    );
    let sensitive = crate::heuristics::looks_sensitive(&name).then_some(true);
    let description = p.description.unwrap_or_default().trim().to_string();
    let decimal = ty.is_number() && crate::heuristics::looks_decimal(&name, &description);
    Field {
        name,
        ty,
        required: side == Side::Request && p.required.unwrap_or(false),
        example: None,
        description,
        constraints,
        sensitive,
        decimal,
        item_name: None,
        fields,
    }
}

/// Every TOP type spelling in the catalogue, mapped deliberately.
fn map_type(
    raw: &str,
    has_subs: bool,
    side: Side,
    depth: usize,
    name: &str,
    at: &str,
    w: &mut Warnings,
) -> TypeRef {
    let t = raw.trim();
    let compact: String = t.split_whitespace().collect();
    let file_ok = side == Side::Request && depth == 1;
    let string = |w: &mut Warnings, why: String| {
        w.push(at, format!("`{name}`: {why}; mapped to String"));
        TypeRef::Scalar(Scalar::String)
    };
    match compact.as_str() {
        "" => return string(w, "no type documented".into()),
        "byte[]" | "byte" if file_ok => {
            if compact == "byte" {
                w.push(
                    at,
                    format!("`{name}`: type `byte` read as a file upload (`byte[]`)"),
                );
            }
            return TypeRef::File;
        }
        "byte[]" | "byte" => {
            return string(
                w,
                format!("`{t}` (binary) outside top-level request params; carried as text"),
            );
        }
        "byte[][]" => {
            w.push(
                at,
                format!(
                    "`{name}`: `byte[][]` (several files) has no wire form here; mapped to String[]"
                ),
            );
            return TypeRef::List(Scalar::String);
        }
        "null[]" => {
            w.push(at, format!("`{name}`: `null[]` mapped to String[]"));
            return TypeRef::List(Scalar::String);
        }
        _ => {}
    }
    match TypeRef::parse(&compact) {
        Ok(TypeRef::Object(n)) if !has_subs || depth >= MAX_DEPTH => {
            w.push(
                at,
                format!(
                    "`{name}`: object type `{n}` has no documented fields; kept as raw JSON (Json)"
                ),
            );
            TypeRef::Scalar(Scalar::Json)
        }
        Ok(TypeRef::ObjectList(n)) if !has_subs || depth >= MAX_DEPTH => {
            w.push(at, format!("`{name}`: object list `{n}[]` has no documented fields; kept as raw JSON (Json[])"));
            TypeRef::List(Scalar::Json)
        }
        Ok(ty) => ty,
        Err(e) => string(w, format!("{e}")),
    }
}

fn int(v: &Option<serde_json::Value>) -> Option<i64> {
    match v {
        Some(serde_json::Value::Number(n)) => n.as_i64(),
        Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
}

#[allow(clippy::too_many_arguments)]
fn constraints(
    max_length: &Option<serde_json::Value>,
    max_list_size: &Option<serde_json::Value>,
    min_value: &Option<serde_json::Value>,
    max_value: &Option<serde_json::Value>,
    default: &Option<serde_json::Value>,
    ty: &TypeRef,
    name: &str,
    at: &str,
    w: &mut Warnings,
) -> Constraints {
    let mut c = Constraints::default();
    let positive = |v: Option<i64>| v.filter(|n| *n >= 0).map(|n| n as u64);
    c.max_length = positive(int(max_length));
    if let Some(n) = positive(int(max_list_size)) {
        if ty.is_list() {
            c.max_list_size = Some(n);
        } else {
            w.push(
                at,
                format!("`{name}`: maxListSize {n} on a non-list `{ty}` is left out"),
            );
        }
    }
    let (lo, hi) = (int(min_value), int(max_value));
    if lo.is_some() || hi.is_some() {
        if *ty != TypeRef::Scalar(Scalar::Number) {
            w.push(
                at,
                format!("`{name}`: minValue/maxValue on `{ty}` (not Number) are left out"),
            );
        } else if let (Some(l), Some(h)) = (lo, hi)
            && l > h
        {
            w.push(
                at,
                format!("`{name}`: minValue {l} > maxValue {h}; both left out"),
            );
        } else {
            c.min_value = lo;
            c.max_value = hi;
        }
    }
    c.default = default.as_ref().map(|v| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    });
    c
}
