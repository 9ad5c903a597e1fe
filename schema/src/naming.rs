//! Every Rust name the generator emits is decided here, and only here.
//!
//! Rules (tested table-driven below):
//! - fields: snake_case of the wire name; characters that cannot be in an identifier become `_`;
//!   a leading digit gets an `f_` prefix; Rust keywords become raw identifiers (`r#type`), and the
//!   few that cannot be raw (`self`, `Self`, `super`, `crate`, `_`) get a trailing `_`;
//!   two wire names that map to one identifier: the later one gets `_2`, `_3`, ... in spec order.
//! - types: UpperCamelCase of the doc's type name (ASCII letters and digits only); names the
//!   module defines itself (`Request`, `Response`, `SCHEMA`) get a `Type` suffix. Request and
//!   response types live in separate modules (`request::`, `response::`). One doc name with
//!   different shapes on one side: each shape is named by where it sits (parent's doc type +
//!   field, or field + doc type at the top), never by the order of a walk; see
//!   `object_type_names`.
//! - request setters: the field identifier, except where it clashes with a method the generated
//!   `Request` has or gets from the runtime traits; those get a `set_` prefix.
//! - modules and client methods: the method name with `.` replaced by `_`, lowercased.

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::{BTreeMap, BTreeSet};

/// Strict and reserved keywords of Rust 2024 (all of them may be raw except the ones below).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Methods a generated `Request` has, or gets from `Clone`/`Debug`/`Default`/`PartialEq`/
/// `TopRequest`; and verbs users expect a client to have. A setter never takes one of these.
pub const RESERVED_METHODS: &[&str] = &[
    "new",
    "default",
    "build",
    "send",
    "execute",
    "params",
    "write_params",
    "validate",
    "schema",
    "method",
    "clone",
    "clone_from",
    "fmt",
    "eq",
    "ne",
    "into",
    "from",
    "try_into",
    "try_from",
    "to_owned",
    "borrow",
    "type_id",
    "response",
];

/// Names a generated API module defines itself.
const RESERVED_TYPES: &[&str] = &["Request", "Response", "SCHEMA", "Apis"];

/// The identifier text for a field (may start with `r#`).
pub fn field_ident(wire: &str) -> String {
    let mut s = sanitize(&wire.to_snake_case());
    if s.is_empty() {
        s = "field".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("f_{s}");
    }
    escape_keyword(s)
}

fn escape_keyword(s: String) -> String {
    if NOT_RAW.contains(&s.as_str()) {
        format!("{s}_")
    } else if KEYWORDS.contains(&s.as_str()) {
        format!("r#{s}")
    } else {
        s
    }
}

/// Keeps ASCII letters, digits and `_`; everything else becomes `_` (runs collapsed).
fn sanitize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let trimmed = out.trim_matches('_');
    if trimmed.is_empty() && !out.is_empty() {
        return "field".into();
    }
    // Keep one leading underscore out: `_x` fields warn under `unused` lints in some positions.
    trimmed.to_string()
}

/// Identifiers for the fields of one struct, in order, with collisions numbered.
pub fn field_idents<'a>(wire_names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut used = BTreeSet::new();
    wire_names
        .into_iter()
        .map(|w| unique(field_ident(w), &mut used, "_"))
        .collect()
}

fn unique(base: String, used: &mut BTreeSet<String>, sep: &str) -> String {
    if used.insert(base.clone()) {
        return base;
    }
    // `self_` + `_2` would read `self__2`, which is not snake case.
    let stem = base.trim_start_matches("r#").trim_end_matches('_');
    let mut n = 2u32;
    loop {
        let candidate = format!("{stem}{sep}{n}");
        if used.insert(candidate.clone()) {
            return candidate;
        }
        n += 1;
    }
}

/// Setter names for fields whose identifiers are given (already unique).
pub fn setter_names(field_idents: &[String]) -> Vec<String> {
    let mut used: BTreeSet<String> = field_idents
        .iter()
        .map(|s| s.trim_start_matches("r#").to_string())
        .collect();
    field_idents
        .iter()
        .map(|f| {
            let bare = f.trim_start_matches("r#");
            if RESERVED_METHODS.contains(&bare) {
                unique(format!("set_{bare}"), &mut used, "_")
            } else {
                f.clone()
            }
        })
        .collect()
}

/// The type identifier for a doc type name, before disambiguation.
pub fn type_ident(doc_name: &str) -> String {
    // Only ASCII letters and digits survive: a name of other characters (`说明`) is `Object`.
    let mut s: String = doc_name
        .to_upper_camel_case()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    if s.is_empty() {
        s = "Object".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("T{s}");
    }
    if RESERVED_TYPES.contains(&s.as_str()) {
        s.push_str("Type");
    }
    if KEYWORDS.contains(&s.as_str()) {
        s.push_str("Type");
    }
    s
}

/// The struct (and enum variant) name of a TMC topic's content: `taobao_trade_TradeCreate` ->
/// `TaobaoTradeTradeCreate` (words as [`type_ident`] splits them).
pub fn topic_type_ident(topic: &str) -> String {
    type_ident(topic)
}

/// One place where an object type is declared, on one side (request or response) of an API.
#[derive(Clone, Debug)]
pub struct ObjectSite<'a> {
    /// The documentation's type name (`TradeDO`).
    pub doc_name: &'a str,
    /// Equal for sites that become one Rust struct (the doc name and the field tree's shape).
    pub key: String,
    /// Wire names of the fields leading to the site from the top of its side.
    pub path: Vec<&'a str>,
}

/// Names of the object types of one side, by [`ObjectSite::key`]. A name depends only on the
/// documentation, never on the order the tree is walked in: a doc type name used with one shape
/// keeps that name (`TradeDO` -> `TradeDo`); one used with several shapes names each shape by
/// where it sits: parent's doc type + field (`Trade` + `orders` -> `TradeOrders`), or at the
/// top, field + doc type (`first` + `Item` -> `FirstItem`), then by its whole path. So adding
/// or reordering fields elsewhere renames nothing, and a type is renamed only when the docs
/// change that type. A number is the last resort (the catalogue never needs it; a test checks).
#[cfg(test)]
pub fn object_type_names(sites: &[ObjectSite<'_>]) -> BTreeMap<String, String> {
    object_type_names_with_last_resort(sites).0
}

/// `object_type_names`, and the names that needed the last resort, a number.
pub fn object_type_names_with_last_resort(
    sites: &[ObjectSite<'_>],
) -> (BTreeMap<String, String>, Vec<String>) {
    let mut numbered = Vec::new();
    let mut by_base: BTreeMap<String, BTreeMap<&str, Vec<&[&str]>>> = BTreeMap::new();
    let mut base_at: BTreeMap<&[&str], String> = BTreeMap::new();
    for s in sites {
        let base = type_ident(s.doc_name);
        by_base
            .entry(base.clone())
            .or_default()
            .entry(&s.key)
            .or_default()
            .push(&s.path);
        base_at.insert(&s.path, base);
    }
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut used = BTreeSet::new();
    let mut shared: Vec<(&[&str], &str, &str)> = Vec::new();
    for (base, shapes) in &by_base {
        if let [(key, _)] = shapes.iter().collect::<Vec<_>>()[..] {
            used.insert(base.clone());
            names.insert(key.to_string(), base.clone());
        } else {
            for (key, paths) in shapes {
                // The shallowest, then first by wire names: a fact of the docs, not of a walk.
                if let Some(rep) = paths.iter().min_by(|a, b| by_depth(a, b)) {
                    shared.push((rep, key, base));
                }
            }
        }
    }
    shared.sort_by(|a, b| by_depth(a.0, b.0));
    for (path, key, base) in shared {
        let (field, up) = path.split_last().unwrap_or((&"", &[]));
        let field = type_ident(field);
        let first = match base_at.get(up) {
            Some(parent) => format!("{parent}{field}"),
            None if field.ends_with(base) => field,
            None => format!("{field}{base}"),
        };
        let whole = type_ident(&path.join(" "));
        let name = [first, whole.clone(), type_ident(&format!("{whole} {base}"))]
            .into_iter()
            .find(|c| !used.contains(c))
            .unwrap_or_else(|| {
                let n = unique(format!("{whole}{base}"), &mut used, "");
                numbered.push(n.clone());
                n
            });
        used.insert(name.clone());
        names.insert(key.to_string(), name);
    }
    (names, numbered)
}

fn by_depth(a: &[&str], b: &[&str]) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// Module and client-method name of an API method.
pub fn module_ident(method: &str) -> String {
    escape_keyword(sanitize(&method.replace('.', "_").to_ascii_lowercase()))
}

/// Module idents for methods in order; two methods that map to one name (`a.b-c`, `a.b_c`) are
/// numbered like fields.
pub fn module_idents<'a>(methods: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut used: BTreeSet<String> = RESERVED_MODULES.iter().map(|s| s.to_string()).collect();
    methods
        .into_iter()
        .map(|m| unique(module_ident(m), &mut used, "_"))
        .collect()
}

/// Categories whose bindings the runtime carries itself (`topsdk::<category>`, a feature of
/// `topsdk`) instead of a `topsdk-<category>` package.
pub const IN_RUNTIME: &[&str] = &["kongur"];

/// Where a category's bindings live: the Rust path of its crate (`topsdk_util`, or
/// `topsdk::kongur` for one [`IN_RUNTIME`]) and the package to depend on (`topsdk-util`, or
/// `topsdk` itself).
pub fn category_crate(category_pkg: &str) -> (String, String) {
    if IN_RUNTIME.contains(&category_pkg) {
        (format!("topsdk::{category_pkg}"), "topsdk".to_string())
    } else {
        (
            format!("topsdk_{}", category_pkg.replace('-', "_")),
            format!("topsdk-{category_pkg}"),
        )
    }
}

/// Names the generated file defines at its top level besides the API modules.
const RESERVED_MODULES: &[&str] = &["Apis", "APIS"];

#[cfg(test)]
mod tests;
