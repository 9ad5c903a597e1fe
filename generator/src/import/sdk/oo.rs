//! The Java (`com.taobao.api`) and .NET (`Top.Api`) SDK sources: the two are made by one
//! generator, so one reader with each language's names: request classes (method, wire names
//! from `getTextParams()`/`GetParameters()`, rules from `check()`/`Validate()`), and the
//! classes whose fields carry wire names (`@ApiField`, `[XmlElement]`).

use super::lex::{Tok, Token};
use super::model::{ApiDecl, ParamDecl, TypeDecl, Types, WireField, description};
use super::body::{calls, integer_arg, returned_string, string_arg};
use super::syntax::{Class, TypeExpr, Var};
use std::collections::BTreeMap;

/// One language's names for the same things.
pub struct Dialect {
    method_fn: &'static str,
    text_fn: &'static str,
    file_fn: &'static str,
    put: &'static str,
    check_fn: &'static str,
    /// The rule calls' prefix: `check` (Java) or `Validate` (.NET).
    rule_prefix: &'static str,
    /// .NET rules name the param by wire name first (`ValidateRequired("x", this.X)`); Java's
    /// take the value first and the Java name last (`checkNotEmpty(x, "x")`).
    wire_first: bool,
}

pub const JAVA: Dialect = Dialect {
    method_fn: "getApiMethodName",
    text_fn: "getTextParams",
    file_fn: "getFileParams",
    put: "put",
    check_fn: "check",
    rule_prefix: "check",
    wire_first: false,
};

pub const DOTNET: Dialect = Dialect {
    method_fn: "GetApiName",
    text_fn: "GetParameters",
    file_fn: "GetFileParameters",
    put: "Add",
    check_fn: "Validate",
    rule_prefix: "Validate",
    wire_first: true,
};

/// Reads one file's classes: their wire-named fields into `types`, request classes into
/// `apis`; a request class that cannot be read is skipped with its reason.
pub fn read(
    d: &Dialect,
    file: &str,
    classes: &[Class],
    types: &mut Types,
    apis: &mut Vec<ApiDecl>,
    skipped: &mut Vec<String>,
) {
    for c in classes {
        register(d, file, c, "", types, skipped);
        if c.methods.iter().any(|m| m.name == d.method_fn) {
            match request(d, file, c) {
                Ok(api) => apis.push(api),
                Err(why) => skipped.push(format!("{file}:{}: {}: {why}", c.line, c.name)),
            }
        }
    }
}

fn register(
    d: &Dialect,
    file: &str,
    c: &Class,
    outer: &str,
    types: &mut Types,
    skipped: &mut Vec<String>,
) {
    let key = if outer.is_empty() {
        c.name.clone()
    } else {
        format!("{outer}.{}", c.name)
    };
    let mut name = c.name.clone();
    // .NET nests `ThingDomain` in the response for the domain type `Thing`.
    if d.wire_first && !outer.is_empty() && name.len() > 6 {
        name = name.strip_suffix("Domain").map_or(name.clone(), str::to_string);
    }
    if let Some(first) = name.get(..1) {
        name = first.to_ascii_uppercase() + &name[1..];
    }
    let fields = c
        .vars
        .iter()
        .filter(|v| !v.is_static)
        .filter_map(|v| wire_field(d, v))
        .collect();
    let decl = TypeDecl {
        name,
        at: format!("{file}:{}", c.line),
        fields,
    };
    if let Some(prev) = types.decls.get(&key) {
        skipped.push(format!(
            "{file}:{}: class `{key}` is also declared at {}: the first is used",
            c.line, prev.at
        ));
    } else {
        types.decls.insert(key.clone(), decl);
    }
    for inner in &c.inner {
        register(d, file, inner, &key, types, skipped);
    }
}

fn wire_field(d: &Dialect, v: &Var) -> Option<WireField> {
    let attr = |name: &str| {
        v.attrs
            .iter()
            .find(|a| a.name == name || a.name == format!("{name}Attribute"))
            .and_then(|a| a.strings.first().cloned())
    };
    let (wire, list, item) = if d.wire_first {
        match attr("XmlArray") {
            Some(w) => (w, true, attr("XmlArrayItem")),
            None => (attr("XmlElement")?, false, None),
        }
    } else {
        match attr("ApiListField") {
            Some(w) => (w, true, attr("ApiField")),
            None => (attr("ApiField")?, false, None),
        }
    };
    Some(WireField {
        wire,
        list,
        item,
        ty: v.ty.clone(),
        doc: description(&v.doc),
    })
}

fn request(d: &Dialect, file: &str, c: &Class) -> Result<ApiDecl, String> {
    let body = |name: &str| c.methods.iter().find(|m| m.name == name).map(|m| &m.body[..]);
    let method = body(d.method_fn)
        .and_then(returned_string)
        .ok_or_else(|| format!("{}() returns no string literal", d.method_fn))?;
    if !topsdk_schema::is_method_name(&method) {
        return Err(format!("`{method}` is not a TOP method name"));
    }
    let text = body(d.text_fn).ok_or_else(|| format!("no {}() method", d.text_fn))?;
    let vars: BTreeMap<&str, (usize, &Var)> = c
        .vars
        .iter()
        .filter(|v| !v.is_static)
        .enumerate()
        .map(|(i, v)| (v.name.as_str(), (i, v)))
        .collect();
    // Params in the order their fields are declared; a wire name with no field after them.
    let mut params: Vec<(usize, ParamDecl)> = Vec::new();
    let mut by_var: BTreeMap<String, usize> = BTreeMap::new();
    let files = body(d.file_fn).unwrap_or_default();
    for (toks, file_param) in [(text, false), (files, true)] {
        for call in calls(toks, &|n| n == d.put) {
            let [wire, value, ..] = call.args[..] else {
                continue;
            };
            let Some(wire) = string_arg(wire) else {
                continue; // `putAll`-like helpers and computed names
            };
            if params.iter().any(|(_, p)| p.wire == wire) {
                continue;
            }
            let var = field_named_in(value, &vars);
            let (order, ty, doc) = match var {
                Some((i, v)) => (i, Some(param_type(d, c, v)), description(&v.doc)),
                None => (usize::MAX, None, String::new()),
            };
            if let Some((_, v)) = var {
                by_var.insert(v.name.clone(), params.len());
            }
            params.push((
                order,
                ParamDecl {
                    wire: wire.to_string(),
                    ty,
                    doc,
                    file: file_param,
                    ..ParamDecl::default()
                },
            ));
        }
    }
    if let Some(check) = body(d.check_fn) {
        for call in calls(check, &|n| n.starts_with(d.rule_prefix)) {
            let rule = &call.name[d.rule_prefix.len()..];
            let (target, limit) = if d.wire_first {
                let wire = call.args.first().and_then(|a| string_arg(a));
                let i = params.iter().position(|(_, p)| Some(p.wire.as_str()) == wire);
                (i, call.args.get(2))
            } else {
                let by_value = call
                    .args
                    .first()
                    .and_then(|a| field_named_in(a, &vars))
                    .and_then(|(_, v)| by_var.get(&v.name).copied());
                let by_name = call
                    .args
                    .last()
                    .and_then(|a| string_arg(a))
                    .and_then(|n| by_var.get(n).copied());
                (by_value.or(by_name), call.args.get(1))
            };
            let Some(i) = target else {
                continue; // a rule on something that is not a param
            };
            params[i]
                .1
                .apply_rule(rule, limit.and_then(|a| integer_arg(a)));
        }
    }
    params.sort_by_key(|(order, _)| *order);
    let response = c
        .bases
        .iter()
        .find(|b| b.args.len() == 1)
        .map(|b| b.args[0].clone())
        .or_else(|| {
            let name = c.name.strip_suffix("Request")?.to_string() + "Response";
            Some(TypeExpr {
                path: vec![name.clone()],
                name,
                ..TypeExpr::default()
            })
        });
    Ok(ApiDecl {
        method,
        at: format!("{file}:{}", c.line),
        doc: description(&c.doc),
        params: params.into_iter().map(|(_, p)| p).collect(),
        response,
        scope: c.name.clone(),
    })
}

/// The field an argument names: `this.x`, `x`, or the first field among its identifiers
/// (`TaobaoUtils.objectToJson(this.x)`).
fn field_named_in<'v>(
    arg: &[Token],
    vars: &BTreeMap<&str, (usize, &'v Var)>,
) -> Option<(usize, &'v Var)> {
    let idents = arg.iter().filter_map(|t| t.tok.ident());
    let after_this = arg.windows(3).find_map(|w| match (&w[0].tok, &w[1].tok, &w[2].tok) {
        (Tok::Ident(t), Tok::Punct('.'), Tok::Ident(f)) if t == "this" => vars.get(f.as_str()),
        _ => None,
    });
    after_this
        .or_else(|| idents.filter_map(|i| vars.get(i)).next())
        .copied()
}

/// A param's type: its field's, unless a setter takes something richer for it (Java's
/// `setX(Thing x)` beside `String x`, .NET's `X_` property of a domain type).
fn param_type(d: &Dialect, c: &Class, v: &Var) -> TypeExpr {
    if v.ty.name != "String" && v.ty.name != "string" {
        return v.ty.clone();
    }
    let richer = |t: &TypeExpr| t.name != "String" && t.name != "string";
    if d.wire_first {
        let alias = format!("{}_", v.name);
        if let Some(p) = c.vars.iter().find(|p| p.name == alias && richer(&p.ty)) {
            return p.ty.clone();
        }
    } else {
        let setter = format!("set{}", upper_first(&v.name));
        if let Some((t, _)) = c
            .methods
            .iter()
            .filter(|m| m.name == setter && m.params.len() == 1)
            .map(|m| &m.params[0])
            .find(|(t, _)| richer(t))
        {
            return t.clone();
        }
    }
    v.ty.clone()
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
