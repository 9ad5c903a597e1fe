//! A TOP documentation page, as users copy it from the doc center, -> spec.
//!
//! The rows of the parameter tables do not encode depth, so the response tree is recovered
//! from the XML sample and the request tree from the Java sample; where neither tells, rows
//! are nested by the order they come in, with a warning naming the row. The XML sample is
//! kept verbatim; the JSON samples (wrapped and simplified) are derived from it.

use super::xml::{self, Element};
use super::{Imported, Warnings};
use crate::error::{Located, SpecError};
use crate::model::{ApiSpec, Constraints, ErrorCode, Examples, Field, Scalar, TypeRef};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// Whether the text looks like a doc page (rather than metadata JSON).
pub fn looks_like_page(text: &str) -> bool {
    ["请求参数", "响应参数", "公共参数", "响应示例"]
        .iter()
        .any(|m| text.contains(m))
}

const SECTIONS: &[&str] = &[
    "公共参数",
    "请求参数",
    "响应参数",
    "请求示例",
    "响应示例",
    "异常示例",
    "错误码解释",
    "API工具",
];

/// One parameter row as the page shows it.
#[derive(Clone, Debug)]
struct Row {
    name: String,
    ty: String,
    required: bool,
    example: Option<String>,
    description: String,
    constraints: Constraints,
    /// A top-level row (one line), not a bullet row.
    top: bool,
    line: usize,
}

struct Page<'a> {
    file: &'a Path,
    raw: Vec<&'a str>,
    lines: Vec<&'a str>,
}

impl Page<'_> {
    fn error(&self, line: usize, message: String) -> SpecError {
        SpecError::Spec(Located {
            file: self.file.to_path_buf(),
            line: line + 1,
            column: 1,
            yaml_path: String::new(),
            message,
        })
    }

    fn section(&self, name: &str) -> Option<usize> {
        self.lines.iter().position(|l| *l == name)
    }

    /// Lines after the section header up to the next section header.
    fn section_range(&self, name: &str) -> Option<(usize, usize)> {
        let start = self.section(name)? + 1;
        let end = (start..self.lines.len())
            .find(|&i| SECTIONS.contains(&self.lines[i]))
            .unwrap_or(self.lines.len());
        Some((start, end))
    }
}

pub fn import(
    file: &Path,
    text: &str,
    category_pkg: Option<String>,
) -> Result<Imported, SpecError> {
    let raw: Vec<&str> = text.lines().collect();
    let page = Page {
        file,
        lines: raw.iter().map(|l| l.trim()).collect(),
        raw,
    };
    let mut w = Warnings::default();
    let (method_line, method, title) = find_method(&page)?;
    let category = page.lines[..method_line]
        .iter()
        .rev()
        .find(|l| l.contains('>') && l.contains("文档中心"))
        .and_then(|l| l.rsplit('>').next())
        .map(|c| c.trim().to_string())
        .unwrap_or_default();
    let first_section = (method_line + 1..page.lines.len())
        .find(|&i| SECTIONS.contains(&page.lines[i]))
        .unwrap_or(page.lines.len());
    let description = page.lines[method_line + 1..first_section]
        .iter()
        .filter(|l| !l.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("\n");

    let request_rows = page
        .section_range("请求参数")
        .map(|(s, e)| rows(&page, s, e, true, &mut w))
        .unwrap_or_default();
    let response_rows = page
        .section_range("响应参数")
        .map(|(s, e)| rows(&page, s, e, false, &mut w))
        .unwrap_or_default();

    let java = page
        .section_range("请求示例")
        .map(|(s, e)| Java::parse(&page.lines[s..e]))
        .unwrap_or_default();
    let response_xml = page
        .section_range("响应示例")
        .and_then(|(s, e)| xml_block(&page, s, e));
    let error_xml = page
        .section_range("异常示例")
        .and_then(|(s, e)| xml_block(&page, s, e));
    let response_el = response_xml.as_deref().and_then(xml::parse);
    if response_xml.is_some() && response_el.is_none() {
        w.push(
            "响应示例",
            "the XML sample is not well-formed; nesting is guessed from row order".into(),
        );
    }

    let request = nest_request(request_rows, &java, &mut w);
    let response = nest_response(response_rows, response_el.as_ref(), &mut w);

    let mut examples = Examples {
        request: java.values.clone(),
        ..Examples::default()
    };
    if let (Some(text), Some(el)) = (&response_xml, &response_el) {
        examples.response_xml = Some(text.clone());
        let content = to_json(el, &response, true);
        let mut outer = Map::new();
        outer.insert(el.name.clone(), content);
        examples.response_json = Some(pretty(&Value::Object(outer)));
        examples.response_json_simplified = Some(pretty(&to_json(el, &response, false)));
    }
    if let Some(text) = &error_xml {
        examples.error_xml = Some(text.clone());
        if let Some(el) = xml::parse(text) {
            let mut m = Map::new();
            for c in &el.children {
                let v = if c.name == "code" {
                    c.text
                        .trim()
                        .parse::<i64>()
                        .map(Value::from)
                        .unwrap_or_else(|_| Value::from(c.text.trim()))
                } else {
                    Value::from(c.text.trim())
                };
                m.insert(c.name.clone(), v);
            }
            let mut outer = Map::new();
            outer.insert(el.name.clone(), Value::Object(m));
            examples.error_json = Some(pretty(&Value::Object(outer)));
        }
    }
    let error_codes = page
        .section_range("错误码解释")
        .map(|(s, e)| error_codes(&page.lines[s..e]))
        .unwrap_or_default();

    let spec = ApiSpec {
        method,
        title,
        description,
        category,
        category_pkg,
        doc_url: None,
        request,
        response,
        examples,
        error_codes,
    };
    Ok(Imported {
        spec,
        warnings: w.0,
    })
}

fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

/// `method (中文名)`: the first such line near the top.
fn find_method(page: &Page<'_>) -> Result<(usize, String, String), SpecError> {
    for (i, l) in page.lines.iter().enumerate().take(40) {
        let (head, tail) = match l.find(['(', '（']) {
            Some(p) => (&l[..p], &l[p..]),
            None => (*l, ""),
        };
        let head = head.trim();
        if !crate::is_method_name(head) {
            continue;
        }
        let title = tail
            .trim_start_matches(['(', '（'])
            .trim_end_matches([')', '）'])
            .trim()
            .to_string();
        return Ok((i, head.to_string(), title));
    }
    Err(page.error(
        0,
        "no `method (中文名)` line in the first 40 lines: not a TOP doc page".into(),
    ))
}

fn is_scalar_type(t: &str) -> bool {
    let c: String = t.split_whitespace().collect();
    matches!(
        c.as_str(),
        "String"
            | "Number"
            | "Boolean"
            | "Date"
            | "Price"
            | "Json"
            | "byte[]"
            | "byte"
            | "FieldList"
            | "String[]"
            | "Number[]"
            | "Boolean[]"
            | "Date[]"
            | "Price[]"
            | "Json[]"
    )
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
    })
}

/// The rows of a parameter table (one-line rows, bullet rows or a pipe table).
fn rows(page: &Page<'_>, start: usize, end: usize, request: bool, w: &mut Warnings) -> Vec<Row> {
    let mut out = Vec::new();
    let mut bullets: Vec<(String, usize)> = Vec::new();
    let flush = |bullets: &mut Vec<(String, usize)>, out: &mut Vec<Row>, w: &mut Warnings| {
        out.extend(bullet_rows(bullets, request, w));
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
        flush(&mut bullets, &mut out, w);
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
            Some(r) => out.push(r),
            None => w.push(
                &format!("line {}", i + 1),
                format!("row `{l}` is not `name Type ...`; left out"),
            ),
        }
    }
    flush(&mut bullets, &mut out, w);
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

/// A TOP type from the page's spelling; unknown ones become String with a warning.
fn type_of(row: &Row, request: bool, depth: usize, w: &mut Warnings) -> TypeRef {
    let compact: String = row.ty.split_whitespace().collect();
    let at = format!("line {}", row.line + 1);
    match compact.as_str() {
        "byte[]" | "byte" if request && depth == 1 => return TypeRef::File,
        "byte[]" | "byte" => {
            w.push(
                &at,
                format!(
                    "`{}`: binary outside top-level request params; mapped to String",
                    row.name
                ),
            );
            return TypeRef::Scalar(Scalar::String);
        }
        "FieldList" => return TypeRef::List(Scalar::String),
        _ => {}
    }
    TypeRef::parse(&compact).unwrap_or_else(|e| {
        w.push(&at, format!("`{}`: {e}; mapped to String", row.name));
        TypeRef::Scalar(Scalar::String)
    })
}

fn field_of(row: &Row, ty: TypeRef) -> Field {
    Field {
        name: row.name.clone(),
        ty,
        required: row.required,
        example: row.example.clone(),
        description: row.description.clone(),
        constraints: row.constraints.clone(),
        sensitive: crate::naming::looks_sensitive(&row.name).then_some(true),
        item_name: None,
        fields: Vec::new(),
    }
}

/// An open object while nesting: its path in the tree and its XML element (items for lists).
struct Frame<'x> {
    path: Vec<usize>,
    xml: Option<&'x Element>,
    type_name: String,
}

fn node_at<'f>(root: &'f mut Vec<Field>, path: &[usize]) -> &'f mut Vec<Field> {
    let mut cur = root;
    for &i in path {
        cur = &mut cur[i].fields;
    }
    cur
}

fn nest_response(rows: Vec<Row>, xml: Option<&Element>, w: &mut Warnings) -> Vec<Field> {
    let mut root: Vec<Field> = Vec::new();
    let mut stack: Vec<Frame<'_>> = vec![Frame {
        path: vec![],
        xml,
        type_name: String::new(),
    }];
    let mut guessed = false;
    for row in rows {
        if row.top {
            stack.truncate(1);
        } else {
            let found = stack
                .iter()
                .rposition(|f| f.xml.is_some_and(|x| x.child(&row.name).is_some()));
            match found {
                Some(p) if p > 0 || stack.len() == 1 => stack.truncate(p + 1),
                _ => {
                    if !guessed {
                        w.push(
                            &format!("line {}", row.line + 1),
                            format!("`{}`: nesting guessed from row order (not found in the XML sample)", row.name),
                        );
                        guessed = true;
                    }
                }
            }
        }
        let depth = stack.len();
        let ty = type_of(&row, false, depth, w);
        let frame = stack.last();
        let parent_xml = frame.and_then(|f| f.xml);
        let path = frame.map(|f| f.path.clone()).unwrap_or_default();
        let mut field = field_of(&row, ty.clone());
        let el = parent_xml.and_then(|x| x.child(&row.name));
        let context = match (&ty, el) {
            (TypeRef::ObjectList(t), Some(el)) => {
                let item = el.children.first();
                if let Some(item) = item
                    && item.name != heck::ToSnakeCase::to_snake_case(t.as_str())
                {
                    field.item_name = Some(item.name.clone());
                }
                item
            }
            (TypeRef::List(s), Some(el)) => {
                if let Some(item) = el.children.first()
                    && item.name != s.item_element()
                {
                    field.item_name = Some(item.name.clone());
                }
                None
            }
            (_, el) => el,
        };
        let siblings = node_at(&mut root, &path);
        siblings.push(field);
        if ty.object_name().is_some() {
            let mut p = path;
            p.push(siblings.len() - 1);
            stack.push(Frame {
                path: p,
                xml: context,
                type_name: String::new(),
            });
        }
    }
    fields_from_xml(&mut root, xml, w);
    fix_empty_objects(&mut root, w);
    root
}

/// Objects whose rows the page lost (pipe tables) get their fields from the XML sample.
fn fields_from_xml(fields: &mut [Field], el: Option<&Element>, w: &mut Warnings) {
    let Some(el) = el else { return };
    for f in fields.iter_mut() {
        let Some(child) = el.child(&f.name) else {
            continue;
        };
        let node = if f.ty.is_list() {
            child.children.first()
        } else {
            Some(child)
        };
        if f.fields.is_empty() && f.ty.object_name().is_some() {
            if let Some(node) = node.filter(|n| !n.children.is_empty()) {
                w.push(
                    &f.name,
                    format!(
                        "fields of `{}` taken from the XML sample, typed String",
                        f.name
                    ),
                );
                let mut seen = std::collections::BTreeSet::new();
                f.fields = node
                    .children
                    .iter()
                    .filter(|c| seen.insert(c.name.clone()))
                    .map(|c| Field {
                        name: c.name.clone(),
                        ty: TypeRef::Scalar(Scalar::String),
                        required: false,
                        example: Some(c.text.trim().to_string()).filter(|t| !t.is_empty()),
                        description: String::new(),
                        constraints: Constraints::default(),
                        sensitive: crate::naming::looks_sensitive(&c.name).then_some(true),
                        item_name: None,
                        fields: Vec::new(),
                    })
                    .collect();
            }
        } else if !f.fields.is_empty() {
            fields_from_xml(&mut f.fields, node, w);
        }
    }
}

/// Request nesting from the Java sample: which object type each setter is called on.
#[derive(Default)]
struct Java {
    /// field (snake_case) -> object type it is set on (`req` for top level).
    parent: BTreeMap<String, String>,
    values: BTreeMap<String, String>,
}

impl Java {
    fn parse(lines: &[&str]) -> Java {
        let mut j = Java::default();
        let mut var_type: BTreeMap<String, String> = BTreeMap::new();
        for l in lines {
            // `Outer.Inner obj1 = new Outer.Inner();`
            if let Some((decl, _)) = l.split_once(" = new ") {
                let mut parts = decl.split_whitespace();
                if let (Some(ty), Some(var)) = (parts.next(), parts.next()) {
                    let ty = ty.rsplit('.').next().unwrap_or(ty).to_string();
                    var_type.insert(var.to_string(), ty);
                }
                continue;
            }
            // `var.setFooBar(arg);`
            let Some((var, rest)) = l.split_once(".set") else {
                continue;
            };
            let Some((setter, arg)) = rest.split_once('(') else {
                continue;
            };
            if var.contains(' ') || setter.is_empty() {
                continue;
            }
            let field = heck::ToSnakeCase::to_snake_case(setter);
            let arg = arg
                .trim_end_matches(';')
                .trim()
                .trim_end_matches(')')
                .trim();
            let owner = if var == "req" {
                "req".to_string()
            } else {
                var_type.get(var).cloned().unwrap_or_default()
            };
            j.parent.insert(field.clone(), owner);
            if var == "req"
                && let Some(v) = literal(arg)
            {
                j.values.insert(field, v);
            }
        }
        j
    }
}

/// The value of a Java literal argument: `"x"`, `1L`, `true`, `StringUtils.parseDateTime("…")`.
fn literal(arg: &str) -> Option<String> {
    let a = arg.trim();
    let inner = a
        .strip_prefix("StringUtils.parseDateTime(")
        .map(|r| r.trim_end_matches(')'))
        .unwrap_or(a);
    if let Some(s) = inner.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        return Some(s.replace("\\\"", "\""));
    }
    let n = inner.trim_end_matches(['L', 'l']);
    if n.parse::<f64>().is_ok() || inner == "true" || inner == "false" {
        return Some(n.to_string());
    }
    None
}

fn nest_request(rows: Vec<Row>, java: &Java, w: &mut Warnings) -> Vec<Field> {
    let mut root: Vec<Field> = Vec::new();
    let mut stack: Vec<Frame<'_>> = vec![Frame {
        path: vec![],
        xml: None,
        type_name: "req".into(),
    }];
    for row in rows {
        if row.top {
            stack.truncate(1);
        } else {
            match java.parent.get(&row.name) {
                Some(owner) => {
                    if let Some(p) = stack.iter().rposition(|f| &f.type_name == owner) {
                        stack.truncate(p + 1);
                    }
                }
                None => w.push(
                    &format!("line {}", row.line + 1),
                    format!(
                        "`{}`: nesting guessed from row order (not in the request sample)",
                        row.name
                    ),
                ),
            }
        }
        let depth = stack.len();
        let ty = type_of(&row, true, depth, w);
        let path = stack.last().map(|f| f.path.clone()).unwrap_or_default();
        let siblings = node_at(&mut root, &path);
        siblings.push(field_of(&row, ty.clone()));
        if let Some(t) = ty.object_name() {
            let mut p = path;
            p.push(siblings.len() - 1);
            stack.push(Frame {
                path: p,
                xml: None,
                type_name: t.to_string(),
            });
        }
    }
    fix_empty_objects(&mut root, w);
    root
}

/// An object type whose rows the page does not show is kept as raw JSON.
fn fix_empty_objects(fields: &mut [Field], w: &mut Warnings) {
    for f in fields {
        if f.fields.is_empty() && f.ty.object_name().is_some() {
            w.push(
                &f.name,
                format!("object type `{}` shows no fields; kept as raw JSON", f.ty),
            );
            f.ty = if f.ty.is_list() {
                TypeRef::List(Scalar::Json)
            } else {
                TypeRef::Scalar(Scalar::Json)
            };
        }
        fix_empty_objects(&mut f.fields, w);
    }
}

/// The XML block of a sample section, verbatim (dedented), with a trailing newline.
fn xml_block(page: &Page<'_>, start: usize, end: usize) -> Option<String> {
    let first = (start..end).find(|&i| page.lines[i].starts_with('<'))?;
    let root = page.lines[first]
        .trim_start_matches('<')
        .split(['>', ' ', '/'])
        .next()
        .unwrap_or_default()
        .trim()
        .to_string();
    let close = format!("</{root}>");
    let last = (first..end)
        .find(|&i| {
            page.lines[i].replace(' ', "").contains(&close)
                || page.lines[i].ends_with("/>") && i == first
        })
        .unwrap_or(end.saturating_sub(1));
    let block = &page.raw[first..=last];
    let indent = block
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    // The pipe-table rendering spaces tags out (`< data >`, `</ data >`); the sample is kept
    // as the XML it stands for.
    let spaced = block.iter().any(|l| l.contains("< ") || l.contains(" >"));
    let mut out = String::new();
    for l in block {
        let line = l.get(indent..).unwrap_or(l.trim_start()).trim_end();
        if spaced {
            out.push_str(&tighten_tags(line));
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    Some(out)
}

/// `< a >x</ a >` -> `<a>x</a>`.
fn tighten_tags(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let inner = rest[open + 1..open + close].trim();
        let inner = match inner.strip_prefix('/') {
            Some(name) => format!("/{}", name.trim()),
            None => inner.to_string(),
        };
        out.push('<');
        out.push_str(&inner);
        out.push('>');
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// JSON of an XML sample, typed by the field tree; lists wrapped (`{"item": [..]}`) or plain.
fn to_json(el: &Element, fields: &[Field], wrapped: bool) -> Value {
    let mut m = Map::new();
    for child in &el.children {
        let f = fields.iter().find(|f| f.name == child.name);
        let v = match f {
            Some(f) if f.ty.is_list() => {
                let items: Vec<Value> = child
                    .children
                    .iter()
                    .map(|i| match &f.ty {
                        TypeRef::ObjectList(_) => to_json(i, &f.fields, wrapped),
                        TypeRef::List(s) => scalar(*s, &i.text),
                        _ => Value::from(i.text.trim()),
                    })
                    .collect();
                if wrapped {
                    let mut w = Map::new();
                    w.insert(f.list_item_name(), Value::Array(items));
                    Value::Object(w)
                } else {
                    Value::Array(items)
                }
            }
            Some(f) if f.ty.object_name().is_some() => to_json(child, &f.fields, wrapped),
            Some(f) => match &f.ty {
                TypeRef::Scalar(s) => scalar(*s, &child.text),
                _ => Value::from(child.text.trim()),
            },
            None if !child.children.is_empty() => to_json(child, &[], wrapped),
            None => Value::from(child.text.trim()),
        };
        m.insert(child.name.clone(), v);
    }
    Value::Object(m)
}

fn scalar(s: Scalar, text: &str) -> Value {
    let t = text.trim();
    match s {
        Scalar::Number => t
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::from(t)),
        Scalar::Boolean if t == "true" || t == "false" => Value::Bool(t == "true"),
        _ => Value::from(t),
    }
}

fn error_codes(lines: &[&str]) -> Vec<ErrorCode> {
    lines
        .iter()
        .filter(|l| !l.is_empty() && !l.starts_with("错误码"))
        .filter_map(|l| {
            let mut t = l.split_whitespace();
            let code = t.next()?.to_string();
            let description = t.next().unwrap_or_default().to_string();
            let solution = t.collect::<Vec<_>>().join(" ");
            Some(ErrorCode {
                code,
                description,
                solution,
            })
        })
        .collect()
}
