//! A small XML reader for the samples on doc pages (elements, text, entities; no attributes
//! kept). Tolerates the pipe-table rendering's `< tag >` spacing. Never panics.

/// An element: name, children, text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Element {
    pub name: String,
    pub children: Vec<Element>,
    pub text: String,
}

impl Element {
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
}

/// Parses one document; `None` when it is not well-formed.
pub fn parse(text: &str) -> Option<Element> {
    let mut stack: Vec<Element> = Vec::new();
    let mut root = None;
    let mut rest = text;
    while !rest.is_empty() {
        match rest.find('<') {
            None => {
                push_text(&mut stack, rest);
                break;
            }
            Some(i) => {
                push_text(&mut stack, &rest[..i]);
                rest = &rest[i + 1..];
                let end = rest.find('>')?;
                let tag = rest[..end].trim();
                rest = &rest[end + 1..];
                if tag.starts_with('?') || tag.starts_with('!') {
                    continue;
                }
                if let Some(name) = tag.strip_prefix('/') {
                    let done = stack.pop()?;
                    if done.name != name.trim() {
                        return None;
                    }
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(done),
                        None => root = Some(done),
                    }
                } else {
                    let self_closing = tag.ends_with('/');
                    let name = tag
                        .trim_end_matches('/')
                        .split_whitespace()
                        .next()?
                        .to_string();
                    if root.is_some() || stack.len() > 256 {
                        return None;
                    }
                    let el = Element {
                        name,
                        ..Default::default()
                    };
                    if self_closing {
                        match stack.last_mut() {
                            Some(parent) => parent.children.push(el),
                            None => root = Some(el),
                        }
                    } else {
                        stack.push(el);
                    }
                }
            }
        }
    }
    if stack.is_empty() { root } else { None }
}

fn push_text(stack: &mut [Element], raw: &str) {
    if let Some(top) = stack.last_mut() {
        top.text.push_str(&unescape(raw));
    }
}

pub fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}
