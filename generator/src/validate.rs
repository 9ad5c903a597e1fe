//! Checks a loaded spec beyond what its YAML shape enforces. Returns every problem found.

use crate::error::SpecError;
use crate::loader::LoadedSpec;
use crate::locate::{PathSeg, key};
use crate::model::{Field, Scalar, Side, TypeRef};
use std::collections::BTreeSet;

/// The system params of every call: an app param of one of these names would clash on the
/// wire and in the signature.
pub const SYSTEM_PARAMS: &[&str] = &[
    "method",
    "app_key",
    "session",
    "timestamp",
    "format",
    "v",
    "sign_method",
    "sign",
    "partner_id",
    "target_app_key",
    "simplify",
];

/// Nesting deeper than this is refused (the deepest real TOP API nests 8 levels).
pub const MAX_DEPTH: usize = 32;

pub fn validate(loaded: &LoadedSpec) -> Vec<SpecError> {
    let spec = &loaded.spec;
    let mut v = Validator {
        loaded,
        errors: Vec::new(),
    };
    let m = &spec.method;
    let method_ok = topsdk_schema::is_method_name(m);
    if !method_ok {
        v.err(
            &[key("method")],
            format!(
                "method `{m}` is not a TOP method name (dot-separated parts of letters, digits, `_`, `-`)"
            ),
        );
    }
    if let Some(d) = &spec.deprecated
        && d.reason.trim().is_empty()
    {
        v.err(
            &[key("deprecated"), key("reason")],
            "a deprecation needs a reason (what the docs say, the replacement if any)".into(),
        );
    }
    if spec.gateway == Some(crate::model::Gateway::Qimen) {
        for (i, f) in spec.request.iter().enumerate() {
            if f.ty != TypeRef::File {
                continue;
            }
            v.err(
                &[key("request"), PathSeg::Index(i), key("type")],
                format!(
                    "`{}` is a file, but a QIMEN call's params travel as one XML body (gateway: qimen)",
                    f.name
                ),
            );
        }
    }
    v.fields(&spec.request, &mut vec![key("request")], 1, Side::Request);
    v.fields(
        &spec.response,
        &mut vec![key("response")],
        1,
        Side::Response,
    );

    let declared: BTreeSet<&str> = spec.request.iter().map(|f| f.name.as_str()).collect();
    for name in spec.examples.request.keys() {
        if !declared.contains(name.as_str()) {
            v.err(
                &[key("examples"), key("request"), key(name)],
                format!("example value for `{name}`, which is not a request param"),
            );
        }
    }
    for (k, text) in [
        ("response_json", &spec.examples.response_json),
        (
            "response_json_simplified",
            &spec.examples.response_json_simplified,
        ),
        ("error_json", &spec.examples.error_json),
    ] {
        if let Some(t) = text {
            match serde_json::from_str::<serde_json::Value>(t) {
                Ok(serde_json::Value::Object(_)) => {}
                Ok(_) => v.err(&[key("examples"), key(k)], "not a JSON object".to_string()),
                Err(e) => v.err(&[key("examples"), key(k)], format!("invalid JSON: {e}")),
            }
        }
    }
    v.errors
}

struct Validator<'a> {
    loaded: &'a LoadedSpec,
    errors: Vec<SpecError>,
}

impl Validator<'_> {
    fn err(&mut self, path: &[PathSeg], message: String) {
        self.errors.push(self.loaded.error_at(path, message));
    }

    fn fields(&mut self, fields: &[Field], path: &mut Vec<PathSeg>, depth: usize, side: Side) {
        if depth > MAX_DEPTH {
            self.err(path, format!("nesting deeper than {MAX_DEPTH} levels"));
            return;
        }
        let mut seen = BTreeSet::new();
        for (i, f) in fields.iter().enumerate() {
            path.push(PathSeg::Index(i));
            self.field(f, path, depth, side);
            if !seen.insert(f.name.as_str()) {
                path.push(key("name"));
                self.err(path, format!("field `{}` is declared twice here", f.name));
                path.pop();
            }
            path.pop();
        }
    }

    fn field(&mut self, f: &Field, path: &mut Vec<PathSeg>, depth: usize, side: Side) {
        let at = |path: &Vec<PathSeg>, k: &str| {
            let mut p = path.clone();
            p.push(key(k));
            p
        };
        if f.name.trim().is_empty() || f.name.chars().any(char::is_whitespace) {
            self.err(
                &at(path, "name"),
                format!("`{}` is not a wire name (empty or with spaces)", f.name),
            );
        }
        if side == Side::Request && depth == 1 && SYSTEM_PARAMS.contains(&f.name.as_str()) {
            self.err(
                &at(path, "name"),
                format!(
                    "`{}` is a TOP system param (sent and signed by the runtime); an app param \
                     cannot have that name",
                    f.name
                ),
            );
        }
        if f.decimal && !f.ty.is_number() {
            self.err(
                &at(path, "decimal"),
                format!("`decimal` is only for Number and Number[], not `{}`", f.ty),
            );
        }
        if side == Side::Response
            && depth == 1
            && f.name == "request_id"
            && f.ty != TypeRef::Scalar(Scalar::String)
        {
            self.err(
                &at(path, "type"),
                format!(
                    "`request_id` is the gateway's call id and is a String, not `{}`",
                    f.ty
                ),
            );
        }
        let is_object = f.ty.object_name().is_some();
        if is_object && f.fields.is_empty() {
            let name = f.ty.object_name().unwrap_or_default();
            let hint = did_you_mean(name)
                .map(|s| format!(" (or did you mean `{s}`?)"))
                .unwrap_or_default();
            self.err(
                &at(path, "type"),
                format!("object type `{}` needs `fields:`{hint}", f.ty),
            );
        }
        if !is_object && !f.fields.is_empty() {
            self.err(
                &at(path, "fields"),
                format!("`{}` is not an object type and cannot have `fields:`", f.ty),
            );
        }
        if f.item_name.is_some() && !f.ty.is_list() {
            self.err(
                &at(path, "item_name"),
                format!("`item_name` is only for lists, and `{}` is not one", f.ty),
            );
        }
        if f.ty == TypeRef::File && (side == Side::Response || depth > 1) {
            self.err(
                &at(path, "type"),
                "`byte[]` (a file upload) is only valid as a top-level request param".into(),
            );
        }
        let c = &f.constraints;
        let numeric = matches!(f.ty, TypeRef::Scalar(Scalar::Number));
        if (c.min_value.is_some() || c.max_value.is_some()) && !numeric {
            self.err(
                &at(path, "constraints"),
                format!("min_value/max_value apply to Number, not `{}`", f.ty),
            );
        }
        if let (Some(lo), Some(hi)) = (c.min_value, c.max_value)
            && lo > hi
        {
            self.err(
                &at(path, "constraints"),
                format!("min_value {lo} is greater than max_value {hi}"),
            );
        }
        if c.max_list_size.is_some() && !f.ty.is_list() {
            self.err(
                &at(path, "constraints"),
                format!("max_list_size applies to lists, not `{}`", f.ty),
            );
        }
        if !f.fields.is_empty() {
            path.push(key("fields"));
            self.fields(&f.fields, path, depth + 1, side);
            path.pop();
        }
    }
}

/// The scalar type a misspelt object type name was probably meant to be.
fn did_you_mean(name: &str) -> Option<&'static str> {
    Scalar::ALL
        .into_iter()
        .map(Scalar::name)
        .find(|s| edit_distance(&name.to_ascii_lowercase(), &s.to_ascii_lowercase()) <= 2)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}
