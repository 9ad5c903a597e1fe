//! The doc pages' XML samples as a tree (elements, text; attributes dropped), read with
//! quick-xml, the reader the runtime uses. The pipe-table rendering writes tags as `< tag >`,
//! which is tightened to `<tag>` first. Never panics.

use quick_xml::events::Event;

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

/// Nesting deeper than any documented sample: a sign of garbage, not of a response.
const MAX_DEPTH: usize = 256;

/// Parses one document; `None` when it is not well-formed.
pub fn parse(text: &str) -> Option<Element> {
    let text = tighten_tags(text);
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root = None;
    let name_of = |raw: &[u8]| std::str::from_utf8(raw).ok().map(String::from);
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) => {
                if root.is_some() || stack.len() > MAX_DEPTH {
                    return None;
                }
                stack.push(Element {
                    name: name_of(e.name().as_ref())?,
                    ..Default::default()
                });
            }
            Event::Empty(e) => {
                if root.is_some() {
                    return None;
                }
                let el = Element {
                    name: name_of(e.name().as_ref())?,
                    ..Default::default()
                };
                attach(&mut stack, &mut root, el);
            }
            Event::End(_) => {
                // quick-xml has checked that the end tag matches.
                let done = stack.pop()?;
                attach(&mut stack, &mut root, done);
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    match t.unescape() {
                        Ok(s) => top.text.push_str(&s),
                        // An entity XML does not define (`&nbsp;`) stays as written.
                        Err(_) => top
                            .text
                            .push_str(&unescape_known(std::str::from_utf8(&t).ok()?)),
                    }
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(std::str::from_utf8(&t).ok()?);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.is_empty() { root } else { None }
}

fn unescape_known(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

fn attach(stack: &mut [Element], root: &mut Option<Element>, el: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(el),
        None => *root = Some(el),
    }
}

/// `< tag >` -> `<tag>`, `</ tag >` -> `</tag>`, `< tag/ >` -> `<tag/>`; other text as is.
fn tighten_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let Some(end) = after.find('>') else {
            out.push_str(&rest[i..]);
            return out;
        };
        let inner = after[..end].trim();
        out.push('<');
        match inner.strip_prefix('/') {
            Some(name) => {
                out.push('/');
                out.push_str(name.trim());
            }
            None => match inner.strip_suffix('/') {
                Some(open) => {
                    out.push_str(open.trim());
                    out.push('/');
                }
                None => out.push_str(inner),
            },
        }
        out.push('>');
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn el(name: &str, text: &str, children: Vec<Element>) -> Element {
        Element {
            name: name.into(),
            children,
            text: text.into(),
        }
    }

    #[test]
    fn reads_trees_text_and_entities() {
        let doc = "<?xml version=\"1.0\"?>\n<a_response>\n  <n>1 &lt; 2 &amp; &nbsp;</n>\n  \
                   <list><item><x>a</x></item><item/></list>\n</a_response>\n";
        let tree = parse(doc).unwrap();
        assert_eq!(tree.name, "a_response");
        assert_eq!(tree.child("n").unwrap().text, "1 < 2 & &nbsp;");
        assert_eq!(
            tree.child("list").unwrap().children,
            vec![
                el("item", "", vec![el("x", "a", vec![])]),
                el("item", "", vec![])
            ]
        );
    }

    #[test]
    fn the_pipe_tables_spaced_tags() {
        let tree = parse("< a >< b >x</ b >< c / ></ a >").unwrap();
        assert_eq!(
            tree,
            el("a", "", vec![el("b", "x", vec![]), el("c", "", vec![])])
        );
    }

    #[test]
    fn not_well_formed_is_none_never_a_panic() {
        let deep = "<a>".repeat(MAX_DEPTH + 2) + &"</a>".repeat(MAX_DEPTH + 2);
        for bad in [
            "<a><b></a></b>",
            "<a>",
            "</a>",
            "<a></a><b></b>",
            "<a",
            "<a>\u{0}<",
            deep.as_str(),
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
        assert_eq!(parse(""), None);
    }
}
