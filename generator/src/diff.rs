//! What changed between two sets of specs, and whether it breaks a user of the generated code
//! (`topgen diff OLD NEW`): a compile break (a type, a constructor, a field gone) or a change of
//! behaviour (validation that rejects what it accepted, retries), or neither.

use crate::LoadedSpec;
use crate::model::{ApiSpec, Constraints, Field, Side};
use std::collections::BTreeMap;

/// Whether a change breaks users of the generated code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Breaking,
    Compatible,
}

/// One change of one API.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Change {
    pub category: String,
    pub method: String,
    /// `request.order.items`, `response.trades`; empty for the API itself.
    pub path: String,
    /// What happened, e.g. `param added (required)`, `type String -> Number`.
    pub what: String,
    pub verdict: Verdict,
    /// Why that verdict, for the user reading the report.
    pub why: String,
}

/// Every change from `old` to `new`, by category, method and path.
pub fn diff(old: &[LoadedSpec], new: &[LoadedSpec]) -> Vec<Change> {
    let by_method = |specs: &[LoadedSpec]| -> BTreeMap<String, ApiSpec> {
        specs
            .iter()
            .map(|s| (s.spec.method.clone(), s.spec.clone()))
            .collect()
    };
    let (old, new) = (by_method(old), by_method(new));
    let mut out = Vec::new();
    for (method, o) in &old {
        let Some(n) = new.get(method) else {
            out.push(change(
                o,
                "",
                "API removed",
                Verdict::Breaking,
                "its module and client method are gone",
            ));
            continue;
        };
        api(o, n, &mut out);
    }
    for (method, n) in &new {
        if !old.contains_key(method) {
            out.push(change(
                n,
                "",
                "API added",
                Verdict::Compatible,
                "a new module and client method",
            ));
        }
    }
    out.sort_by(|a, b| {
        (&a.category, &a.method, &a.path, &a.what).cmp(&(&b.category, &b.method, &b.path, &b.what))
    });
    out
}

/// How imported specs (`new`) differ from the same APIs in a spec set (`old`), for
/// `topgen import-sdk --compare`.
pub struct Comparison {
    /// APIs in both.
    pub both: usize,
    /// APIs in both that differ.
    pub differing: usize,
    /// Field by field; API-level changes an SDK cannot know of (idempotency, deprecation) are
    /// left out.
    pub changes: Vec<Change>,
    /// Methods only in `new`.
    pub only_in_new: Vec<String>,
}

pub fn compare(old: &[LoadedSpec], new: &[LoadedSpec]) -> Comparison {
    let in_old: std::collections::BTreeSet<&str> =
        old.iter().map(|s| s.spec.method.as_str()).collect();
    let in_new: std::collections::BTreeSet<&str> =
        new.iter().map(|s| s.spec.method.as_str()).collect();
    let keep = |specs: &[LoadedSpec], other: &std::collections::BTreeSet<&str>| {
        specs
            .iter()
            .filter(|s| other.contains(s.spec.method.as_str()))
            .cloned()
            .collect::<Vec<_>>()
    };
    let changes: Vec<Change> = diff(&keep(old, &in_new), &keep(new, &in_old))
        .into_iter()
        .filter(|c| !c.path.is_empty())
        .collect();
    let differing = changes
        .iter()
        .map(|c| c.method.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    Comparison {
        both: in_new.intersection(&in_old).count(),
        differing,
        changes,
        only_in_new: in_new.difference(&in_old).map(|m| m.to_string()).collect(),
    }
}

fn category(s: &ApiSpec) -> String {
    s.category_pkg.clone().unwrap_or_default()
}

fn change(s: &ApiSpec, path: &str, what: &str, verdict: Verdict, why: &str) -> Change {
    Change {
        category: category(s),
        method: s.method.clone(),
        path: path.to_string(),
        what: what.to_string(),
        verdict,
        why: why.to_string(),
    }
}

fn api(o: &ApiSpec, n: &ApiSpec, out: &mut Vec<Change>) {
    if o.is_idempotent() != n.is_idempotent() {
        let what = if n.is_idempotent() {
            "now idempotent (read-only)"
        } else {
            "no longer idempotent"
        };
        out.push(change(
            n,
            "",
            what,
            Verdict::Breaking,
            "retries after errors where TOP may have executed the call change",
        ));
    }
    match (&o.deprecated, &n.deprecated) {
        (None, Some(d)) => out.push(change(
            n,
            "",
            &format!(
                "marked {}: {}",
                if d.offline { "offline" } else { "deprecated" },
                d.reason
            ),
            Verdict::Compatible,
            "a deprecation warning where it is used, not an error",
        )),
        (Some(_), None) => out.push(change(
            n,
            "",
            "no longer deprecated",
            Verdict::Compatible,
            "the deprecation warning goes away",
        )),
        _ => {}
    }
    let mut changes = Vec::new();
    fields(
        &o.request,
        &n.request,
        "request",
        Side::Request,
        &mut changes,
    );
    fields(
        &o.response,
        &n.response,
        "response",
        Side::Response,
        &mut changes,
    );
    moves(&mut changes);
    for (path, what, verdict, why) in changes {
        out.push(change(n, &path, &what, verdict, &why));
    }
}

type Found = (String, String, Verdict, String);

fn fields(old: &[Field], new: &[Field], at: &str, side: Side, out: &mut Vec<Found>) {
    let push = |out: &mut Vec<Found>, path: &str, what: String, v: Verdict, why: &str| {
        out.push((path.to_string(), what, v, why.to_string()));
    };
    for o in old {
        let path = format!("{at}.{}", o.name);
        let Some(n) = new.iter().find(|n| n.name == o.name) else {
            let why = match side {
                Side::Request => "its setter (or constructor argument) is gone",
                Side::Response => "its struct field is gone",
            };
            push(out, &path, "removed".into(), Verdict::Breaking, why);
            continue;
        };
        let (ot, nt) = (rust_type(o), rust_type(n));
        if ot != nt {
            push(
                out,
                &path,
                format!("type {ot} -> {nt}"),
                Verdict::Breaking,
                "the Rust type of the field changes",
            );
        }
        if side == Side::Request && o.required != n.required {
            let what = if n.required {
                "optional -> required"
            } else {
                "required -> optional"
            };
            push(
                out,
                &path,
                what.into(),
                Verdict::Breaking,
                "`Request::new`'s arguments change",
            );
        }
        if o.list_item_name() != n.list_item_name() && o.ty.is_list() && n.ty.is_list() {
            push(
                out,
                &path,
                format!(
                    "list item name {} -> {}",
                    o.list_item_name(),
                    n.list_item_name()
                ),
                Verdict::Compatible,
                "decoding follows the docs; the Rust type is the same",
            );
        }
        if side == Side::Request {
            constraints(&o.constraints, &n.constraints, &path, out);
        }
        if o.ty.object_name().is_some() && n.ty.object_name().is_some() {
            fields(&o.fields, &n.fields, &path, side, out);
        }
    }
    for n in new {
        if old.iter().any(|o| o.name == n.name) {
            continue;
        }
        let path = format!("{at}.{}", n.name);
        match side {
            Side::Request if n.required => push(
                out,
                &path,
                "added (required)".into(),
                Verdict::Breaking,
                "`Request::new` (or the object's constructor) takes one more argument",
            ),
            Side::Request => push(
                out,
                &path,
                "added (optional)".into(),
                Verdict::Compatible,
                "a new setter",
            ),
            Side::Response => push(
                out,
                &path,
                "added".into(),
                Verdict::Compatible,
                "a new field; responses without it still decode",
            ),
        }
    }
}

/// The type a field gets in Rust: the documented type, whether it is a decimal and a secret.
fn rust_type(f: &Field) -> String {
    let mut t = f.ty.to_string();
    if f.decimal {
        t.push_str(" (decimal)");
    }
    if f.is_sensitive() {
        t.push_str(" (sensitive)");
    }
    t
}

fn constraints(o: &Constraints, n: &Constraints, path: &str, out: &mut Vec<Found>) {
    // (name, old, new, whether a larger value is looser)
    let limits = [
        (
            "max length",
            o.max_length.map(|v| v as i128),
            n.max_length.map(|v| v as i128),
            true,
        ),
        (
            "max list size",
            o.max_list_size.map(|v| v as i128),
            n.max_list_size.map(|v| v as i128),
            true,
        ),
        (
            "min value",
            o.min_value.map(i128::from),
            n.min_value.map(i128::from),
            false,
        ),
        (
            "max value",
            o.max_value.map(i128::from),
            n.max_value.map(i128::from),
            true,
        ),
    ];
    let show = |v: Option<i128>| v.map_or("none".to_string(), |v| v.to_string());
    for (name, old, new, larger_is_looser) in limits {
        if old == new {
            continue;
        }
        let looser = match (old, new) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(a), Some(b)) => (b > a) == larger_is_looser,
        };
        let (verdict, word, why) = if looser {
            (Verdict::Compatible, "loosened", "accepts more than before")
        } else {
            (
                Verdict::Breaking,
                "tightened",
                "validation before sending rejects values it accepted",
            )
        };
        out.push((
            path.to_string(),
            format!("{name} {word}: {} -> {}", show(old), show(new)),
            verdict,
            why.to_string(),
        ));
    }
}

/// A field removed in one place and added under the same name in another is one move.
fn moves(changes: &mut Vec<Found>) {
    let leaf = |p: &str| p.rsplit('.').next().unwrap_or(p).to_string();
    let mut i = 0;
    while i < changes.len() {
        if changes[i].1 != "removed" {
            i += 1;
            continue;
        }
        let name = leaf(&changes[i].0);
        let side = changes[i].0.split('.').next().unwrap_or("").to_string();
        let added = changes.iter().position(|c| {
            c.1.starts_with("added")
                && leaf(&c.0) == name
                && c.0.split('.').next() == Some(side.as_str())
        });
        if let Some(j) = added {
            let to = changes[j].0.clone();
            let from = changes[i].0.clone();
            changes[i] = (
                to,
                format!("moved from {from}"),
                Verdict::Breaking,
                "the field is reached through another struct".into(),
            );
            changes.remove(j);
            if j < i {
                i -= 1;
            }
        }
        i += 1;
    }
}

/// The report for people: by category and API, breaking changes marked, then totals.
pub fn human(changes: &[Change]) -> String {
    let mut out = String::new();
    let mut last: (&str, &str) = ("", "");
    for c in changes {
        if c.category != last.0 {
            out.push_str(&format!(
                "\n{}\n",
                if c.category.is_empty() {
                    "(no category)"
                } else {
                    &c.category
                }
            ));
            last = (&c.category, "");
        }
        if c.method != last.1 {
            out.push_str(&format!("  {}\n", c.method));
            last.1 = &c.method;
        }
        let mark = match c.verdict {
            Verdict::Breaking => "BREAKING  ",
            Verdict::Compatible => "compatible",
        };
        let path = if c.path.is_empty() {
            String::new()
        } else {
            format!("{}: ", c.path)
        };
        out.push_str(&format!("    {mark} {path}{} ({})\n", c.what, c.why));
    }
    let breaking = changes
        .iter()
        .filter(|c| c.verdict == Verdict::Breaking)
        .count();
    let apis = changes
        .iter()
        .map(|c| c.method.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    out.push_str(&format!(
        "\n{} change(s) in {apis} API(s): {breaking} breaking, {} compatible\n",
        changes.len(),
        changes.len() - breaking
    ));
    out.trim_start().to_string()
}
