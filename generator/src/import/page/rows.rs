//! The parameter tables: one-line rows, bullet rows and pipe tables, cell by cell.

use super::Page;
use crate::import::Warnings;
use crate::model::{Constraints, Scalar};

/// One parameter row as the page shows it.
#[derive(Clone, Debug)]
pub(super) struct Row {
    pub(super) name: String,
    pub(super) ty: String,
    pub(super) required: bool,
    pub(super) example: Option<String>,
    pub(super) description: String,
    pub(super) constraints: Constraints,
    /// A top-level row (one line), not a bullet row.
    pub(super) top: bool,
    pub(super) line: usize,
    /// The object type whose own table (after the field list) the row is in.
    pub(super) owner: Option<String>,
}

fn is_scalar_type(t: &str) -> bool {
    let c: String = t.split_whitespace().collect();
    matches!(c.as_str(), "byte[]" | "byte" | "FieldList")
        || Scalar::parse(c.strip_suffix("[]").unwrap_or(&c)).is_some()
}

fn is_type(t: &str) -> bool {
    if is_scalar_type(t) {
        return true;
    }
    let c: String = t.split_whitespace().collect();
    let base = c.strip_suffix("[]").unwrap_or(&c);
    // Type names are UpperCamel; an all-caps token (`WAIT_SELLER_SEND`) is an example value.
    base.chars()
        .next()
        .is_some_and(|ch| ch.is_ascii_uppercase())
        && base
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
        && (base.len() <= 2 || base.chars().any(|ch| ch.is_ascii_lowercase()))
}

fn strip_leaf(s: &str) -> &str {
    s.trim_start_matches('└').trim()
}

/// A field name: `└ x` (a leaf), or an identifier that does not start like a type name.
fn is_name(s: &str) -> bool {
    let n = strip_leaf(s);
    let leaf = s.starts_with('└');
    !n.is_empty()
        && n.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
        && (leaf || !n.starts_with(|c: char| c.is_ascii_uppercase()))
}

fn is_required(s: &str) -> bool {
    s == "可选" || s == "必须"
}

/// `最大长度:32`, `最大列表长度：20`, `最小值:1`, `最大值:9`, `默认值:true`.
fn constraint(token: &str, c: &mut Constraints) -> bool {
    let Some((k, v)) = token.split_once([':', '：']) else {
        return false;
    };
    let v = v.trim();
    match k.trim() {
        "最大长度" => c.max_length = v.parse().ok(),
        "最大列表长度" => c.max_list_size = v.parse().ok(),
        "最小值" => c.min_value = v.parse().ok(),
        "最大值" => c.max_value = v.parse().ok(),
        "默认值" => c.default = Some(v.to_string()),
        _ => return false,
    }
    true
}

fn is_day(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && s.bytes().filter(u8::is_ascii_digit).count() == 8
}

fn is_clock(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 8
        && b[2] == b':'
        && b[5] == b':'
        && s.bytes().filter(u8::is_ascii_digit).count() == 6
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Builds a row from its cells: name, type, [required], then example/constraints/description.
fn make_row(
    cells: &[String],
    request: bool,
    top: bool,
    line: usize,
    w: &mut Warnings,
) -> Option<Row> {
    let name = strip_leaf(cells.first()?).to_string();
    let ty = cells.get(1)?.clone();
    let mut i = 2;
    let mut required = false;
    if request && cells.get(2).is_some_and(|c| is_required(c)) {
        required = cells[2] == "必须";
        i = 3;
    }
    let mut constraints = Constraints::default();
    let rest: Vec<&String> = cells[i.min(cells.len())..]
        .iter()
        .filter(|c| !c.is_empty() && !constraint(c, &mut constraints))
        .collect();
    let (mut example, mut description) = match rest.len() {
        0 => (None, String::new()),
        1 => (None, rest[0].clone()),
        _ => (
            Some(rest[0].clone()),
            rest[1..]
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        ),
    };
    if let Some(ex) = &example
        && has_cjk(ex)
        && !has_cjk(&description)
        && !description.is_empty()
    {
        w.push(
            &format!("line {}", line + 1),
            format!("`{name}`: example and description look swapped; swapped back"),
        );
        let ex = ex.clone();
        example = Some(std::mem::take(&mut description));
        description = ex;
    }
    if example.as_deref() == Some("null") {
        example = None;
    }
    let compact: String = ty.split_whitespace().collect();
    if compact == "Boolean"
        && let Some(ex) = &example
        && ex != "true"
        && ex != "false"
    {
        w.push(
            &format!("line {}", line + 1),
            format!("`{name}`: Boolean example `{ex}` is not true/false; left out"),
        );
        example = None;
    }
    Some(Row {
        name,
        ty,
        required,
        example,
        description,
        constraints,
        top,
        line,
        owner: None,
    })
}

/// `ItemDto`, `ItemDto 结构`, `ItemDto数据结构：` -> `ItemDto`: the heading of an object
/// type's own table, when the next line is the table's `名称 ...` header.
fn type_heading(page: &Page<'_>, i: usize, end: usize) -> Option<String> {
    let l = page.lines[i];
    let name = ["数据结构", "结构", "对象", "说明"]
        .iter()
        .fold(l.trim_end_matches([':', '：']), |t, s| {
            t.strip_suffix(s).unwrap_or(t)
        })
        .trim();
    let object = name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !is_scalar_type(name);
    let header = (i + 1..end)
        .map(|j| page.lines[j])
        .find(|l| !l.is_empty())
        .is_some_and(|l| l.starts_with("名称"));
    (object && header).then(|| name.to_string())
}

/// The rows of a parameter table (one-line rows, bullet rows or a pipe table).
pub(super) fn rows(
    page: &Page<'_>,
    start: usize,
    end: usize,
    request: bool,
    w: &mut Warnings,
) -> Vec<Row> {
    let mut out = Vec::new();
    let mut bullets: Vec<(String, usize)> = Vec::new();
    // The object type whose table the rows are in (None: the field list itself).
    let mut owner: Option<String> = None;
    let flush = |bullets: &mut Vec<(String, usize)>,
                 out: &mut Vec<Row>,
                 owner: &Option<String>,
                 w: &mut Warnings| {
        out.extend(bullet_rows(bullets, request, w).into_iter().map(|mut r| {
            r.owner = owner.clone();
            r
        }));
        bullets.clear();
    };
    for i in start..end {
        let l = page.lines[i];
        if l.is_empty() || l.starts_with("名称") {
            continue;
        }
        if let Some(b) = l.strip_prefix('•') {
            bullets.push((b.trim().to_string(), i));
            continue;
        }
        flush(&mut bullets, &mut out, &owner, w);
        if let Some(t) = type_heading(page, i, end) {
            owner = Some(t);
            continue;
        }
        let cells: Vec<String> = if l.contains('|') {
            l.split('|')
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .collect()
        } else {
            let mut toks: Vec<String> = Vec::new();
            for t in l.split_whitespace() {
                // `2026-11-29 12:00:00`: a date-time example is one cell.
                if is_clock(t)
                    && let Some(last) = toks.last_mut()
                    && is_day(last)
                {
                    last.push(' ');
                    last.push_str(t);
                    continue;
                }
                // `Type []`: the brackets belong to the type token.
                if t == "[]" && toks.len() == 2 {
                    if let Some(last) = toks.last_mut() {
                        last.push_str(" []");
                    }
                } else {
                    toks.push(t.to_string());
                }
            }
            toks
        };
        if cells.first().is_some_and(|c| c == "名称") {
            continue;
        }
        match make_row(&cells, request, true, i, w) {
            Some(mut r) => {
                r.owner = owner.clone();
                out.push(r)
            }
            None => w.push(
                &format!("line {}", i + 1),
                format!("row `{l}` is not `name Type ...`; left out"),
            ),
        }
    }
    flush(&mut bullets, &mut out, &owner, w);
    out
}

/// Splits a run of bullets into rows: a row starts at a name followed by a type (and, for
/// requests, 可选/必须).
fn bullet_rows(b: &[(String, usize)], request: bool, w: &mut Warnings) -> Vec<Row> {
    let starts: Vec<usize> = (0..b.len())
        .filter(|&i| {
            is_name(&b[i].0)
                && b.get(i + 1).is_some_and(|t| is_type(&t.0))
                && (!request || b.get(i + 2).is_some_and(|r| is_required(&r.0)))
        })
        .collect();
    if starts.first().is_some_and(|&s| s > 0) {
        w.push(
            &format!("line {}", b[0].1 + 1),
            "bullets before the first row are left out".into(),
        );
    }
    let mut out = Vec::new();
    for (k, &s) in starts.iter().enumerate() {
        let e = starts.get(k + 1).copied().unwrap_or(b.len());
        let cells: Vec<String> = b[s..e].iter().map(|(v, _)| v.clone()).collect();
        if let Some(r) = make_row(&cells, request, false, b[s].1, w) {
            out.push(r);
        }
    }
    out
}
