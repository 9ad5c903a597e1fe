//! The PHP (`top/request/*Request.php`) and Python (`top/api/rest/*Request.py`) SDK sources:
//! requests only. PHP gives wire names (`apiParas["x"]`), rules (`RequestCheckUtil::check*`)
//! and descriptions; Python gives wire names and file params. Neither has types or responses.

use super::lex::{Flavor, Tok, Token, lex};
use super::model::{ApiDecl, ParamDecl, description};
use super::body::{calls, integer_arg, returned_string, string_arg};

/// The request a PHP file declares, `Ok(None)` when it declares none.
pub fn php(file: &str, src: &str) -> Result<Option<ApiDecl>, String> {
    let toks = lex(src, Flavor::Php).map_err(|e| format!("{file}:{}: {}", e.line, e.message))?;
    let Some(class_at) = toks.windows(2).position(|w| {
        w[0].tok.is_word("class") && matches!(w[1].tok, Tok::Ident(_))
    }) else {
        return Ok(None);
    };
    let class_line = toks[class_at].line;
    let class_doc = toks[..class_at]
        .iter()
        .rev()
        .find_map(|t| match &t.tok {
            Tok::Doc(d) => Some(d.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let functions = functions(&toks).map_err(|(line, m)| format!("{file}:{line}: {m}"))?;
    let body = |name: &str| {
        functions
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| &b[..])
    };
    let Some(method) = body("getApiMethodName").and_then(returned_string) else {
        return Ok(None);
    };
    if !topsdk_schema::is_method_name(&method) {
        return Err(format!(
            "{file}:{class_line}: `{method}` is not a TOP method name"
        ));
    }
    // Field docs: `/** .. */ private $x;`
    let mut docs = std::collections::BTreeMap::new();
    for w in toks.windows(3) {
        if let (Tok::Doc(d), Tok::Ident(m), Tok::Ident(v)) = (&w[0].tok, &w[1].tok, &w[2].tok)
            && matches!(m.as_str(), "private" | "var" | "protected" | "public")
        {
            docs.insert(v.trim_start_matches('$').to_string(), description(d));
        }
    }
    // Setters: `$this->x = $x; $this->apiParas["wire"] = $x;`
    let mut params: Vec<(String, ParamDecl)> = Vec::new();
    for (_, b) in &functions {
        let mut wire = None;
        let mut field = None;
        for k in 0..b.len() {
            let w = &b[k..];
            if w.len() < 5 || !(w[0].tok.is_word("$this") && w[1].tok.is('-') && w[2].tok.is('>'))
            {
                continue;
            }
            match (&w[3].tok, &w[4].tok) {
                (Tok::Ident(a), Tok::Punct('[')) if a == "apiParas" => {
                    if let Some(Tok::Str(s)) = w.get(5).map(|t| &t.tok) {
                        wire = Some(s.clone());
                    }
                }
                (Tok::Ident(f), Tok::Punct('=')) if f != "apiParas" => field = Some(f.clone()),
                _ => {}
            }
        }
        if let Some(wire) = wire.filter(|w| !params.iter().any(|(_, p)| p.wire == *w)) {
            let field = field.unwrap_or_default();
            let doc = docs.get(&field).cloned().unwrap_or_default();
            params.push((
                field,
                ParamDecl {
                    wire,
                    doc,
                    ..ParamDecl::default()
                },
            ));
        }
    }
    if let Some(check) = body("check") {
        for call in calls(check, &|n| n.starts_with("check")) {
            let field = call.args.first().and_then(|a| {
                a.iter().rev().find_map(|t| t.tok.ident().filter(|i| !i.starts_with('$')))
            });
            let by_name = call.args.last().and_then(|a| string_arg(a));
            let Some((_, p)) = params
                .iter_mut()
                .find(|(f, _)| Some(f.as_str()) == field || Some(f.as_str()) == by_name)
            else {
                continue;
            };
            let limit = call.args.get(1).and_then(|a| integer_arg(a));
            p.apply_rule(&call.name["check".len()..], limit);
        }
    }
    let class = toks[class_at + 1].tok.ident().unwrap_or_default().to_string();
    Ok(Some(ApiDecl {
        method,
        at: format!("{file}:{class_line}"),
        doc: description(&class_doc),
        params: params.into_iter().map(|(_, p)| p).collect(),
        response: None,
        scope: class,
    }))
}

/// `function name(..) { body }` of a PHP file, with their bodies.
/// A function's name and body.
type Function = (String, Vec<Token>);

fn functions(toks: &[Token]) -> Result<Vec<Function>, (u32, String)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if toks[i].tok.is_word("function")
            && let Some(Tok::Ident(name)) = toks.get(i + 1).map(|t| &t.tok)
        {
            let line = toks[i].line;
            let Some(open) = toks[i..].iter().position(|t| t.tok.is('{')).map(|p| p + i) else {
                return Err((line, format!("function `{name}` has no body")));
            };
            let mut depth = 0;
            let mut end = None;
            for (j, t) in toks.iter().enumerate().skip(open) {
                if t.tok.is('{') {
                    depth += 1;
                } else if t.tok.is('}') {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(j);
                        break;
                    }
                }
            }
            let end = end.ok_or((line, format!("function `{name}` is never closed")))?;
            out.push((name.clone(), toks[open + 1..end].to_vec()));
            i = end + 1;
            continue;
        }
        i += 1;
    }
    Ok(out)
}

/// The request a Python file declares, `Ok(None)` when it declares none.
pub fn python(file: &str, src: &str) -> Result<Option<ApiDecl>, String> {
    let mut class: Option<(String, u32)> = None;
    let mut params = Vec::new();
    let mut files: Vec<String> = Vec::new();
    let mut method = None;
    let mut current_def = String::new();
    for (n, raw) in src.lines().enumerate() {
        let line = n as u32 + 1;
        let l = raw.trim();
        if let Some(rest) = l.strip_prefix("class ") {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if class.is_some() {
                return Err(format!("{file}:{line}: a second class `{name}` in one request file"));
            }
            class = Some((name, line));
        } else if let Some(rest) = l.strip_prefix("def ") {
            current_def = rest.split('(').next().unwrap_or_default().trim().to_string();
        } else if current_def == "__init__"
            && let Some(rest) = l.strip_prefix("self.")
        {
            let (name, value) = rest.split_once('=').unwrap_or((rest, ""));
            let name = name.trim();
            if value.trim() == "None" && !name.is_empty() {
                params.push(name.to_string());
            }
        } else if let Some(rest) = l.strip_prefix("return ") {
            let rest = rest.trim();
            match current_def.as_str() {
                "getapiname" => method = Some(unquote(rest).ok_or_else(|| {
                    format!("{file}:{line}: getapiname returns no string literal")
                })?),
                "getMultipartParas" => {
                    files = rest
                        .trim_matches(['[', ']'])
                        .split(',')
                        .filter_map(|s| unquote(s.trim()))
                        .collect();
                }
                _ => {}
            }
        }
    }
    let (Some((class, class_line)), Some(method)) = (class, method) else {
        return Ok(None);
    };
    if !topsdk_schema::is_method_name(&method) {
        return Err(format!("{file}:{class_line}: `{method}` is not a TOP method name"));
    }
    Ok(Some(ApiDecl {
        method,
        at: format!("{file}:{class_line}"),
        doc: String::new(),
        params: params
            .into_iter()
            .map(|wire| ParamDecl {
                file: files.contains(&wire),
                wire,
                ..ParamDecl::default()
            })
            .collect(),
        response: None,
        scope: class,
    }))
}

fn unquote(s: &str) -> Option<String> {
    let s = s.trim().trim_end_matches(';');
    ["'", "\""].iter().find_map(|q| {
        s.strip_prefix(q)
            .and_then(|r| r.strip_suffix(q))
            .map(str::to_string)
    })
}
