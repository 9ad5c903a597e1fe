//! Finds the line and column of a YAML path (`response[0].fields[2].type`) in block-style YAML.
//!
//! serde_yaml reports positions for errors it raises itself, but checks made after loading
//! (duplicates, shapes, examples) only know the path. Specs are block-style YAML, which this
//! scanner follows; where it cannot follow (flow style), it stops at the deepest node it found.

use std::fmt::Write;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathSeg {
    Key(String),
    Index(usize),
}

pub fn key(k: &str) -> PathSeg {
    PathSeg::Key(k.to_string())
}

pub fn render(path: &[PathSeg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            PathSeg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            PathSeg::Index(i) => {
                let _ = write!(s, "[{i}]");
            }
        }
    }
    s
}

/// Inverse of [`render`] for the paths serde_path_to_error prints.
pub fn parse_path(text: &str) -> Vec<PathSeg> {
    let mut out = Vec::new();
    for part in text.split('.') {
        let mut rest = part;
        if let Some(b) = rest.find('[') {
            if b > 0 {
                out.push(PathSeg::Key(rest[..b].to_string()));
            }
            rest = &rest[b..];
            while let Some(r) = rest.strip_prefix('[') {
                let Some(end) = r.find(']') else { break };
                if let Ok(i) = r[..end].parse() {
                    out.push(PathSeg::Index(i));
                }
                rest = &r[end + 1..];
            }
        } else if !rest.is_empty() && rest != "?" {
            out.push(PathSeg::Key(rest.to_string()));
        }
    }
    out
}

struct Line<'a> {
    /// Column (0-based) where the content starts, after indentation and any `- ` markers.
    content_col: usize,
    /// Columns of the `-` list markers on this line.
    dashes: Vec<usize>,
    content: &'a str,
}

fn scan(text: &str) -> Vec<Option<Line<'_>>> {
    text.lines()
        .map(|raw| {
            let indent = raw.len() - raw.trim_start_matches(' ').len();
            let mut col = indent;
            let mut rest = &raw[indent..];
            if rest.is_empty() || rest.starts_with('#') {
                return None;
            }
            let mut dashes = Vec::new();
            while rest == "-" || rest.starts_with("- ") {
                dashes.push(col);
                let after = rest[1..].trim_start_matches(' ');
                col += rest.len() - after.len();
                rest = after;
            }
            Some(Line {
                content_col: col,
                dashes,
                content: rest,
            })
        })
        .collect()
}

/// 1-based (line, column) of `path`; the deepest node found when the rest cannot be followed.
/// A key with its value on the same line points at the value.
pub fn locate(text: &str, path: &[PathSeg]) -> (usize, usize) {
    locate_inner(text, path).0
}

/// Like [`locate`], and whether the whole path was found.
pub fn locate_exact(text: &str, path: &[PathSeg]) -> Option<(usize, usize)> {
    match locate_inner(text, path) {
        (pos, true) => Some(pos),
        _ => None,
    }
}

fn locate_inner(text: &str, path: &[PathSeg]) -> ((usize, usize), bool) {
    let lines = scan(text);
    // The block being searched: lines [start, end) whose nodes sit at column `col`.
    let (mut start, mut end) = (0usize, lines.len());
    let mut col = lines
        .iter()
        .flatten()
        .next()
        .map(|l| l.dashes.first().copied().unwrap_or(l.content_col))
        .unwrap_or(0);
    let mut found = (1, 1);
    let mut complete = true;
    for seg in path {
        let hit = match seg {
            PathSeg::Key(k) => find_key(&lines, start, end, col, k),
            PathSeg::Index(i) => find_item(&lines, start, end, *i),
        };
        let Some((line, node_col, child_col)) = hit else {
            complete = false;
            break;
        };
        found = (line + 1, node_col + 1);
        if let (PathSeg::Key(k), Some(l)) = (seg, &lines[line]) {
            // Point at an inline value: `key: value` -> the value's column.
            let after = &l.content[l.content.find(':').map_or(k.len(), |i| i + 1)..];
            let value = after.trim_start();
            if !value.is_empty() && !value.starts_with('#') {
                found.1 = l.content_col + (l.content.len() - value.len()) + 1;
            }
        }
        start = line;
        end = block_end(&lines, line, node_col);
        col = child_col.unwrap_or(node_col + 2);
        if matches!(seg, PathSeg::Key(_)) {
            start = line + 1;
        }
    }
    (found, complete)
}

/// Returns (line, column of the key, column of its nested block if on the following lines).
fn find_key(
    lines: &[Option<Line<'_>>],
    start: usize,
    end: usize,
    col: usize,
    key: &str,
) -> Option<(usize, usize, Option<usize>)> {
    for i in start..end.min(lines.len()) {
        let Some(l) = &lines[i] else { continue };
        if l.content_col != col {
            continue;
        }
        let c = l.content;
        let matches = c.strip_prefix(key).is_some_and(|r| r.starts_with(':'))
            || c.strip_prefix(&format!("\"{key}\""))
                .is_some_and(|r| r.starts_with(':'))
            || c.strip_prefix(&format!("'{key}'"))
                .is_some_and(|r| r.starts_with(':'));
        if matches {
            let child = lines[i + 1..end.min(lines.len())]
                .iter()
                .flatten()
                .next()
                .map(|n| n.dashes.first().copied().unwrap_or(n.content_col))
                .filter(|&c| c > col);
            return Some((i, col, child));
        }
    }
    None
}

/// The i-th `- ` item directly in the block; returns its line, dash column and content column.
fn find_item(
    lines: &[Option<Line<'_>>],
    start: usize,
    end: usize,
    index: usize,
) -> Option<(usize, usize, Option<usize>)> {
    let mut dash_col = None;
    let mut n = 0;
    let end = end.min(lines.len());
    for (i, l) in lines.iter().enumerate().take(end).skip(start) {
        let Some(l) = l else { continue };
        let Some(&d) = l.dashes.first() else { continue };
        let dc = *dash_col.get_or_insert(d);
        if d != dc {
            continue;
        }
        if n == index {
            let content = if l.dashes.len() > 1 {
                l.dashes[1]
            } else {
                l.content_col
            };
            return Some((i, d, Some(content)));
        }
        n += 1;
    }
    None
}

/// First line after `line` that is at or left of `col` (ends the node's block).
fn block_end(lines: &[Option<Line<'_>>], line: usize, col: usize) -> usize {
    for (i, l) in lines.iter().enumerate().skip(line + 1) {
        if let Some(l) = l {
            let first = l.dashes.first().copied().unwrap_or(l.content_col);
            if first <= col {
                return i;
            }
        }
    }
    lines.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "method: a.b\nrequest:\n  - name: x\n    type: String\n  - name: y\n    type: Foo\n    fields:\n      - name: z\n        type: Nope\nresponse: []\n";

    #[test]
    fn locates_nested_keys_and_items() {
        let p = parse_path("request[1].fields[0].type");
        assert_eq!(render(&p), "request[1].fields[0].type");
        assert_eq!(locate(DOC, &p), (9, 15));
        assert_eq!(locate(DOC, &parse_path("request[0].name")), (3, 11));
        assert_eq!(locate(DOC, &parse_path("response")), (10, 11));
        assert_eq!(locate(DOC, &parse_path("request[1].fields")), (7, 5));
        // Unknown tail: deepest node found.
        assert_eq!(locate(DOC, &parse_path("request[1].nothing")), (5, 3));
        assert_eq!(locate_exact(DOC, &parse_path("request[1].nothing")), None);
    }
}
