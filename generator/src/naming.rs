//! Every Rust name the generator emits is decided here, and only here.
//!
//! Rules (tested table-driven below):
//! - fields: snake_case of the wire name; characters that cannot be in an identifier become `_`;
//!   a leading digit gets an `f_` prefix; Rust keywords become raw identifiers (`r#type`), and the
//!   few that cannot be raw (`self`, `Self`, `super`, `crate`, `_`) get a trailing `_`;
//!   two wire names that map to one identifier: the later one gets `_2`, `_3`, ... in spec order.
//! - types: UpperCamelCase of the doc's type name; names the module defines itself (`Request`,
//!   `Response`, `SCHEMA`) get a `Type` suffix; the same name with different shapes in one API:
//!   first occurrence (request tree first, then response, depth-first) keeps the name, later
//!   shapes get `2`, `3`, ... appended.
//! - request setters: the field identifier, except where it clashes with a method the generated
//!   `Request` has or gets from the runtime traits; those get a `set_` prefix.
//! - modules and client methods: the method name with `.` replaced by `_`, lowercased.

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeSet;

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
    let mut s = sanitize(&doc_name.to_upper_camel_case());
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

/// Disambiguates a type name already taken by a different shape: `Foo` -> `Foo2`, `Foo3`, ...
pub fn numbered_type(base: &str, used: &mut BTreeSet<String>) -> String {
    unique(base.to_string(), used, "")
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

/// Names the generated file defines at its top level besides the API modules.
const RESERVED_MODULES: &[&str] = &["Apis", "APIS"];

/// The `<name>_response` key of a success body: leading `taobao.` removed, dots to `_`.
pub fn response_key(method: &str) -> String {
    let m = method.strip_prefix("taobao.").unwrap_or(method);
    format!("{}_response", m.replace('.', "_"))
}

/// Names that suggest a secret; used when a spec does not say `sensitive:`.
pub fn looks_sensitive(wire: &str) -> bool {
    let lower = wire.to_ascii_lowercase();
    ["secret", "password", "passwd", "token", "session"]
        .iter()
        .any(|w| lower.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_idents_table() {
        let table: &[(&str, &str)] = &[
            ("kongur_app_key", "kongur_app_key"),
            ("type", "r#type"),
            ("match", "r#match"),
            ("in", "r#in"),
            ("self", "self_"),
            ("Self", "self_"),
            ("super", "super_"),
            ("crate", "crate_"),
            ("_", "field"),
            ("gen", "r#gen"),
            ("async", "r#async"),
            ("camelCaseName", "camel_case_name"),
            ("URLPath", "url_path"),
            ("1st_item", "f_1st_item"),
            ("a-b.c", "a_b_c"),
            ("价格", "field"),
            ("Option", "option"),
            ("Result", "result"),
            ("new", "new"),
        ];
        for (wire, want) in table {
            assert_eq!(&field_ident(wire), want, "wire name {wire:?}");
        }
    }

    #[test]
    fn colliding_fields_are_numbered_in_order() {
        assert_eq!(
            field_idents([
                "userId", "user_id", "UserId", "type", "Type", "self", "Self"
            ]),
            [
                "user_id",
                "user_id_2",
                "user_id_3",
                "r#type",
                "type_2",
                "self_",
                "self_2"
            ]
        );
    }

    #[test]
    fn setters_avoid_reserved_methods() {
        let fields: Vec<String> = [
            "new", "send", "build", "default", "params", "name", "set_new",
        ]
        .iter()
        .map(|s| field_ident(s))
        .collect();
        assert_eq!(
            setter_names(&fields),
            [
                "set_new_2",
                "set_send",
                "set_build",
                "set_default",
                "set_params",
                "name",
                "set_new"
            ]
        );
    }

    #[test]
    fn type_idents_table() {
        let table: &[(&str, &str)] = &[
            ("KongurOssResultDo", "KongurOssResultDo"),
            ("Option", "Option"),
            ("Result", "Result"),
            ("Request", "RequestType"),
            ("Response", "ResponseType"),
            ("oss_token_result_vo", "OssTokenResultVo"),
            ("2dCode", "T2dCode"),
            ("Self_", "SelfType"),
            ("self", "SelfType"),
        ];
        for (doc, want) in table {
            assert_eq!(&type_ident(doc), want, "doc type {doc:?}");
        }
        let mut used = BTreeSet::from(["Foo".to_string(), "Foo2".to_string()]);
        assert_eq!(numbered_type("Foo", &mut used), "Foo3");
    }

    #[test]
    fn module_and_response_key() {
        assert_eq!(
            module_ident("alibaba.kongur.token.getosstoken"),
            "alibaba_kongur_token_getosstoken"
        );
        assert_eq!(
            response_key("taobao.item.seller.get"),
            "item_seller_get_response"
        );
        assert_eq!(
            response_key("alibaba.kongur.token.getosstoken"),
            "alibaba_kongur_token_getosstoken_response"
        );
    }

    #[test]
    fn sensitive_guess() {
        for s in [
            "secret_access_key",
            "oss_token",
            "sessionKey",
            "user_password",
        ] {
            assert!(looks_sensitive(s), "{s}");
        }
        for s in ["access_key_id", "entrust_id", "success"] {
            assert!(!looks_sensitive(s), "{s}");
        }
    }
}
