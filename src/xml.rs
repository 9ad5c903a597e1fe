//! TOP XML -> a JSON-like tree, so JSON and XML responses share one decoding path.
//!
//! An element with child elements becomes an object (a repeated child becomes an array); an
//! element with only text becomes a string; an empty element becomes `null` (absent).
//! Attributes are ignored (TOP puts none on data elements).

use quick_xml::events::Event;
use serde_json::{Map, Value};

/// Deepest element nesting accepted (the deepest TOP API nests ~10 levels with wrappers).
const MAX_DEPTH: usize = 256;

/// Parses an XML document; returns the root element's name and content.
pub fn parse(xml: &str) -> Result<(String, Value), String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().trim_text(false);
    // Open elements: name, children so far, text so far.
    let mut stack: Vec<(String, Map<String, Value>, String)> = Vec::new();
    let mut root: Option<(String, Value)> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("invalid XML at byte {}: {e}", reader.buffer_position()))?;
        match event {
            Event::Start(e) => {
                if root.is_some() {
                    return Err("content after the root element".into());
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(format!("XML nested deeper than {MAX_DEPTH} elements"));
                }
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                stack.push((name, Map::new(), String::new()));
            }
            Event::Empty(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                match stack.last_mut() {
                    Some((_, children, _)) => add_child(children, name, Value::Null),
                    None => root = Some((name, Value::Null)),
                }
            }
            Event::Text(t) => {
                if let Some((_, _, text)) = stack.last_mut() {
                    let s = t.unescape().map_err(|e| format!("invalid XML text: {e}"))?;
                    text.push_str(&s);
                }
            }
            Event::CData(t) => {
                if let Some((_, _, text)) = stack.last_mut() {
                    text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::End(_) => {
                let Some((name, children, text)) = stack.pop() else {
                    return Err("unbalanced end tag".into());
                };
                let value = if !children.is_empty() {
                    Value::Object(children)
                } else if text.trim().is_empty() {
                    Value::Null
                } else {
                    Value::String(text)
                };
                match stack.last_mut() {
                    Some((_, parent, _)) => add_child(parent, name, value),
                    None => root = Some((name, value)),
                }
            }
            Event::Eof => break,
            // Declarations, comments, processing instructions, doctype: not data.
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(format!("XML ends inside <{}>", stack[stack.len() - 1].0));
    }
    root.ok_or_else(|| "no root element".to_string())
}

fn add_child(map: &mut Map<String, Value>, name: String, value: Value) {
    match map.get_mut(&name) {
        None => {
            map.insert(name, value);
        }
        Some(Value::Array(items)) => items.push(value),
        Some(existing) => {
            let first = existing.take();
            *existing = Value::Array(vec![first, value]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_shapes() {
        let (root, v) = parse(
            "<?xml version=\"1.0\"?><r><a>1</a><l><i>x</i><i>y</i></l><one><i>z</i></one><e/><f></f><j>{&quot;k&quot;:1}</j></r>",
        )
        .unwrap();
        assert_eq!(root, "r");
        assert_eq!(
            v,
            serde_json::json!({"a":"1","l":{"i":["x","y"]},"one":{"i":"z"},"e":null,"f":null,"j":"{\"k\":1}"})
        );
    }

    #[test]
    fn rejects_broken_xml() {
        for bad in ["", "<a>", "<a></b>", "<a></a><b></b>", "text"] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
