//! A TOP documentation page, as users copy it from the doc center, -> spec.
//!
//! The rows of the parameter tables do not encode depth, so the response tree is recovered
//! from the XML sample and the request tree from the Java sample; where neither tells, rows
//! are nested by the order they come in, with a warning naming the row. The XML sample is
//! kept verbatim; the JSON samples (wrapped and simplified) are derived from it.

use super::xml;
use super::{Imported, Warnings};
use crate::error::{Located, SpecError};
use crate::model::{ApiSpec, ErrorCode, Examples};
use serde_json::{Map, Value};
use std::path::Path;

mod nest;
mod rows;

use nest::{Java, fill_from_tables, nest_request, nest_response, split_tables, to_json};
use rows::rows;

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

    if page.section("请求参数").is_none() && page.section("响应参数").is_none() {
        w.push(
            "page",
            "no 请求参数 or 响应参数 section: the spec has no params or response fields".into(),
        );
    }
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

    let (request_rows, request_tables) = split_tables(request_rows, &mut w);
    let (response_rows, response_tables) = split_tables(response_rows, &mut w);
    let mut request = nest_request(request_rows, &java, &mut w);
    fill_from_tables(&mut request, &request_tables, true, None, &mut Vec::new(), &mut w);
    let response = nest_response(
        response_rows,
        &response_tables,
        response_el.as_ref(),
        &mut w,
    );

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

    let idempotent = Some(crate::heuristics::read_only_method(&method));
    let deprecated = crate::model::deprecation_in(&title, &description);
    let gateway = crate::model::gateway_by_shape(&method, &request, &response);
    let spec = ApiSpec {
        deprecated,
        gateway,
        method,
        title,
        description,
        category,
        category_pkg,
        doc_url: None,
        idempotent,
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
        if !topsdk_schema::is_method_name(head) {
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
