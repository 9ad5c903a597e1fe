//! Reports that make the importers' guesses reviewable.

use crate::LoadedSpec;
use crate::model::{Field, Side};

/// Every `Number` field the specs mark `decimal: true` (sent and read as exact decimal text,
/// `topsdk::Decimal`, not `i64`), one tab-separated line each: method, `request.`/`response.`
/// path, and why (the hint the importers matched, or that the spec says so without one).
pub fn decimals(specs: &[LoadedSpec]) -> String {
    let mut out =
        String::from("# method\tfield\twhy (topgen decimals spec > spec/decimal-fields.tsv)\n");
    let mut sorted: Vec<&LoadedSpec> = specs.iter().collect();
    sorted.sort_by(|a, b| a.spec.method.cmp(&b.spec.method));
    for s in sorted {
        for (side, fields) in [
            (Side::Request, &s.spec.request),
            (Side::Response, &s.spec.response),
        ] {
            walk(&s.spec.method, side.key(), fields, &mut out);
        }
    }
    out
}

fn walk(method: &str, path: &str, fields: &[Field], out: &mut String) {
    for f in fields {
        let here = format!("{path}.{}", f.name);
        if f.decimal {
            let why = crate::heuristics::decimal_hint(&f.name, &f.description)
                .unwrap_or_else(|| "the spec says so (no hint in name or description)".into());
            out.push_str(&format!("{method}\t{here}\t{why}\n"));
        }
        walk(method, &here, &f.fields, out);
    }
}
