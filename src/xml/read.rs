//! Reading TOP XML (see the module above): the event reader, the tree and the streaming
//! deserializer.

use quick_xml::events::{BytesStart, Event};
use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::fmt;

/// Deepest element nesting accepted (the deepest TOP API nests ~10 levels with wrappers).
const MAX_DEPTH: usize = 256;

/// What the readers need from the XML: elements opening and closing, and text.
enum XmlEvent<'x> {
    Open(BytesStart<'x>),
    /// `<name/>`
    Empty(BytesStart<'x>),
    Text(Cow<'x, str>),
    /// Text that is only whitespace (indentation, mostly): kept apart so the common case
    /// costs no unescaping, and only becomes text next to other text.
    Blank(&'x str),
    Close,
    Eof,
}

/// Pulls [`XmlEvent`]s from the text, skipping what is not data (declarations, comments,
/// processing instructions, doctype) and bounding the nesting depth.
struct Events<'x> {
    input: &'x str,
    reader: quick_xml::Reader<&'x [u8]>,
    peeked: Option<XmlEvent<'x>>,
    depth: usize,
}

impl<'x> Events<'x> {
    fn new(xml: &'x str) -> Self {
        let mut reader = quick_xml::Reader::from_str(xml);
        reader.config_mut().trim_text(false);
        Events {
            input: xml,
            reader,
            peeked: None,
            depth: 0,
        }
    }

    fn next(&mut self) -> Result<XmlEvent<'x>, String> {
        if let Some(ev) = self.peeked.take() {
            return Ok(ev);
        }
        loop {
            let event = self.reader.read_event().map_err(|e| {
                format!("invalid XML at byte {}: {e}", self.reader.buffer_position())
            })?;
            return Ok(match event {
                Event::Start(e) => {
                    if self.depth >= MAX_DEPTH {
                        return Err(format!("XML nested deeper than {MAX_DEPTH} elements"));
                    }
                    self.depth += 1;
                    XmlEvent::Open(e)
                }
                Event::Empty(e) => XmlEvent::Empty(e),
                Event::Text(t) => {
                    let raw = self.input_str(&t);
                    if raw.bytes().all(|b| b.is_ascii_whitespace()) {
                        XmlEvent::Blank(raw)
                    } else if !raw.contains('&') {
                        XmlEvent::Text(Cow::Borrowed(raw))
                    } else {
                        XmlEvent::Text(
                            quick_xml::escape::unescape(raw)
                                .map_err(|e| format!("invalid XML text: {e}"))?,
                        )
                    }
                }
                Event::CData(t) => {
                    XmlEvent::Text(t.decode().map_err(|e| format!("invalid XML CDATA: {e}"))?)
                }
                Event::End(_) => {
                    self.depth = self.depth.saturating_sub(1);
                    XmlEvent::Close
                }
                Event::Eof => XmlEvent::Eof,
                // Declarations, comments, processing instructions, doctype: not data.
                _ => continue,
            });
        }
    }

    /// The input text a slice of the reader's bytes came from: events borrow from the input,
    /// so their bytes are found in it by address, and slicing the `&str` at their bounds (a
    /// constant-time check) spares validating them as UTF-8 again.
    fn input_str(&self, bytes: &[u8]) -> &'x str {
        let start = (bytes.as_ptr() as usize).wrapping_sub(self.input.as_ptr() as usize);
        start
            .checked_add(bytes.len())
            .and_then(|end| self.input.get(start..end))
            .unwrap_or_default()
    }

    /// An element's local name (after any `prefix:`).
    fn name(&self, e: &BytesStart<'_>) -> &'x str {
        self.input_str(e.local_name().into_inner())
    }

    fn push_back(&mut self, ev: XmlEvent<'x>) {
        self.peeked = Some(ev);
    }

    /// Reads up to the root element; its name, and whether it is empty (`<root/>`).
    fn root(&mut self) -> Result<(&'x str, bool), String> {
        loop {
            match self.next()? {
                XmlEvent::Open(e) => return Ok((self.name(&e), false)),
                XmlEvent::Empty(e) => return Ok((self.name(&e), true)),
                XmlEvent::Blank(_) => {}
                XmlEvent::Text(t) if t.trim().is_empty() => {}
                XmlEvent::Text(_) => return Err("text outside the root element".into()),
                XmlEvent::Close => return Err("unbalanced end tag".into()),
                XmlEvent::Eof => return Err("no root element".into()),
            }
        }
    }

    /// After the root element: only whitespace (and non-data) may follow.
    fn finish(&mut self) -> Result<(), String> {
        loop {
            match self.next()? {
                XmlEvent::Eof => return Ok(()),
                XmlEvent::Blank(_) => {}
                XmlEvent::Text(t) if t.trim().is_empty() => {}
                _ => return Err("content after the root element".into()),
            }
        }
    }

    /// Skips to the end of the element whose content is being read (`open` nested elements
    /// already entered).
    fn skip_to_close(&mut self, mut open: usize) -> Result<(), String> {
        loop {
            match self.next()? {
                XmlEvent::Open(_) => open += 1,
                XmlEvent::Close if open == 0 => return Ok(()),
                XmlEvent::Close => open -= 1,
                XmlEvent::Empty(_) | XmlEvent::Text(_) | XmlEvent::Blank(_) => {}
                XmlEvent::Eof => return Err(ENDS_INSIDE.into()),
            }
        }
    }
}

const ENDS_INSIDE: &str = "XML ends inside an element";

/// Parses an XML document; returns the root element's name and content as a tree.
pub fn parse(xml: &str) -> Result<(String, Value), String> {
    let mut events = Events::new(xml);
    let (root, empty) = events.root()?;
    let value = if empty {
        Value::Null
    } else {
        tree(&mut events)?
    };
    events.finish()?;
    Ok((root.to_string(), value))
}

/// The content of an element whose start was just read, up to its end. Recursion is bounded
/// by `MAX_DEPTH`.
fn tree(events: &mut Events<'_>) -> Result<Value, String> {
    let mut children = Map::new();
    let mut text = String::new();
    loop {
        match events.next()? {
            XmlEvent::Open(e) => {
                let key = events.name(&e).to_string();
                let value = tree(events)?;
                add_child(&mut children, key, value);
            }
            XmlEvent::Empty(e) => {
                add_child(&mut children, events.name(&e).to_string(), Value::Null)
            }
            XmlEvent::Text(t) => text.push_str(&t),
            XmlEvent::Blank(t) => text.push_str(t),
            XmlEvent::Close => break,
            XmlEvent::Eof => return Err(ENDS_INSIDE.into()),
        }
    }
    Ok(if !children.is_empty() {
        Value::Object(children)
    } else if text.trim().is_empty() {
        Value::Null
    } else {
        Value::String(text)
    })
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

/// An error while streaming XML into a type.
#[derive(Debug)]
pub struct XmlError(String);

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for XmlError {}

impl de::Error for XmlError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        XmlError(msg.to_string())
    }
}

impl From<String> for XmlError {
    fn from(s: String) -> Self {
        XmlError(s)
    }
}

/// A whole document, read element by element.
pub struct Document<'x> {
    events: Events<'x>,
    root_empty: bool,
}

impl<'x> Document<'x> {
    /// Reads up to the root element and returns its name.
    pub fn open(xml: &'x str) -> Result<(Document<'x>, &'x str), String> {
        let mut events = Events::new(xml);
        let (root, root_empty) = events.root()?;
        Ok((Document { events, root_empty }, root))
    }

    /// The root element's content, to deserialize. An empty root is an empty map.
    pub fn root(&mut self) -> Element<'_, 'x> {
        Element {
            events: &mut self.events,
            content: self.root_empty.then_some(Content::Absent),
            root: true,
        }
    }

    /// Checks that nothing but whitespace follows the root element.
    pub fn finish(mut self) -> Result<(), String> {
        self.events.finish()
    }
}

/// What an element holds, found by reading ahead to its first child element or its end.
enum Content<'x> {
    Absent,
    Text(Cow<'x, str>),
    /// Child elements follow (the first one is pushed back).
    Children,
}

/// The content of one element, as a serde `Deserializer`.
pub struct Element<'a, 'x> {
    events: &'a mut Events<'x>,
    /// Known already (empty elements), or read on demand.
    content: Option<Content<'x>>,
    /// The root of a response: empty means an empty response, not an absent one.
    root: bool,
}

impl<'x> Element<'_, 'x> {
    fn content(&mut self) -> Result<Content<'x>, XmlError> {
        if let Some(c) = self.content.take() {
            return Ok(c);
        }
        let mut text: Option<Cow<'x, str>> = None;
        // Whitespace counts only once there is other text: kept aside until then.
        let mut blank: Option<&'x str> = None;
        loop {
            match self.events.next()? {
                XmlEvent::Text(t) => {
                    text = Some(match (text, blank.take()) {
                        (None, None) => t,
                        (before, space) => Cow::Owned(
                            before.map(Cow::into_owned).unwrap_or_default()
                                + space.unwrap_or_default()
                                + &t,
                        ),
                    })
                }
                XmlEvent::Blank(space) => match (&mut text, blank) {
                    (Some(t), _) => t.to_mut().push_str(space),
                    (None, None) => blank = Some(space),
                    (None, Some(before)) => {
                        text = Some(Cow::Owned(before.to_string() + space));
                        blank = None;
                    }
                },
                ev @ (XmlEvent::Open(_) | XmlEvent::Empty(_)) => {
                    // Children win over text beside them (indentation, stray text).
                    self.events.push_back(ev);
                    return Ok(Content::Children);
                }
                XmlEvent::Close => {
                    return Ok(match text {
                        Some(t) if !t.trim().is_empty() => Content::Text(t),
                        _ => Content::Absent,
                    });
                }
                XmlEvent::Eof => return Err(XmlError(ENDS_INSIDE.into())),
            }
        }
    }
}

impl<'de> de::Deserializer<'de> for Element<'_, 'de> {
    type Error = XmlError;

    fn deserialize_any<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, XmlError> {
        match self.content()? {
            Content::Absent if self.root => visitor.visit_map(Children::empty(self.events)),
            Content::Absent => visitor.visit_unit(),
            Content::Text(Cow::Borrowed(s)) => visitor.visit_borrowed_str(s),
            Content::Text(Cow::Owned(s)) => visitor.visit_string(s),
            Content::Children => {
                let mut children = Children {
                    events: self.events,
                    state: MapState::Between,
                };
                let value = visitor.visit_map(&mut children)?;
                children.skip_rest()?;
                Ok(value)
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, XmlError> {
        match self.content()? {
            Content::Absent if !self.root => visitor.visit_none(),
            content => visitor.visit_some(Element {
                events: self.events,
                content: Some(content),
                root: self.root,
            }),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

#[derive(Clone, Copy, PartialEq)]
enum MapState {
    /// Before a key, or after a value.
    Between,
    /// A key was read from `<name>`: its content follows.
    ValueOpen,
    /// A key was read from `<name/>`.
    ValueEmpty,
    /// The element's end was read.
    Done,
}

/// The child elements of an element, as map entries (name -> content).
struct Children<'a, 'x> {
    events: &'a mut Events<'x>,
    state: MapState,
}

impl<'a, 'x> Children<'a, 'x> {
    fn empty(events: &'a mut Events<'x>) -> Self {
        Children {
            events,
            state: MapState::Done,
        }
    }

    /// Reads to the element's end if the visitor stopped early.
    fn skip_rest(&mut self) -> Result<(), XmlError> {
        let open = match self.state {
            MapState::Done => return Ok(()),
            MapState::ValueOpen => 1,
            MapState::Between | MapState::ValueEmpty => 0,
        };
        self.state = MapState::Done;
        Ok(self.events.skip_to_close(open)?)
    }
}

impl<'de> MapAccess<'de> for Children<'_, 'de> {
    type Error = XmlError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, XmlError> {
        if self.state == MapState::Done {
            return Ok(None);
        }
        loop {
            let (e, state) = match self.events.next()? {
                XmlEvent::Open(e) => (e, MapState::ValueOpen),
                XmlEvent::Empty(e) => (e, MapState::ValueEmpty),
                // Text beside child elements is not data.
                XmlEvent::Text(_) | XmlEvent::Blank(_) => continue,
                XmlEvent::Close => {
                    self.state = MapState::Done;
                    return Ok(None);
                }
                XmlEvent::Eof => return Err(XmlError(ENDS_INSIDE.into())),
            };
            self.state = state;
            let key = self.events.name(&e);
            return seed
                .deserialize(de::value::StrDeserializer::<XmlError>::new(key))
                .map(Some);
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, XmlError> {
        let content = match self.state {
            MapState::ValueOpen => None,
            MapState::ValueEmpty => Some(Content::Absent),
            MapState::Between | MapState::Done => {
                return Err(XmlError("a value was asked for before its key".into()));
            }
        };
        self.state = MapState::Between;
        seed.deserialize(Element {
            events: self.events,
            content,
            root: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    const SHAPES: &str = "<?xml version=\"1.0\"?><r><a>1</a><l><i>x</i><i>y</i></l><one><i>z</i></one><e/><f></f><j>{&quot;k&quot;:1}</j><c><![CDATA[<b>&]]></c></r>";

    #[test]
    fn tree_shapes() {
        let (root, v) = parse(SHAPES).unwrap();
        assert_eq!(root, "r");
        assert_eq!(
            v,
            serde_json::json!({"a":"1","l":{"i":["x","y"]},"one":{"i":"z"},"e":null,"f":null,"j":"{\"k\":1}","c":"<b>&"})
        );
    }

    /// Streaming into a generic map shows the events the typed decoders see.
    #[test]
    fn stream_shapes() {
        let (mut doc, root) = Document::open(SHAPES).unwrap();
        assert_eq!(root, "r");
        let v = serde_json::Value::deserialize(doc.root()).unwrap();
        doc.finish().unwrap();
        // A generic map keeps the last of repeated keys; typed lists see every one.
        assert_eq!(
            v,
            serde_json::json!({"a":"1","l":{"i":"y"},"one":{"i":"z"},"e":null,"f":null,"j":"{\"k\":1}","c":"<b>&"})
        );
        let (mut doc, _) = Document::open("<r/>").unwrap();
        let v = serde_json::Value::deserialize(doc.root()).unwrap();
        assert_eq!(v, serde_json::json!({}));
    }

    #[test]
    fn whitespace_is_kept_inside_text() {
        let xml = "<r><a> x </a><b> <![CDATA[y]]></b><c>\n  </c></r>";
        let (_, tree) = parse(xml).unwrap();
        let (mut doc, _) = Document::open(xml).unwrap();
        let streamed = serde_json::Value::deserialize(doc.root()).unwrap();
        let want = serde_json::json!({"a": " x ", "b": " y", "c": null});
        assert_eq!(tree, want);
        assert_eq!(streamed, want);
    }

    #[test]
    fn rejects_broken_xml() {
        for bad in ["", "<a>", "<a></b>", "<a></a><b></b>", "text", "<a><b></a>"] {
            assert!(parse(bad).is_err(), "{bad:?}");
            let streamed = Document::open(bad).and_then(|(mut doc, _)| {
                serde::de::IgnoredAny::deserialize(doc.root()).map_err(|e| e.to_string())?;
                doc.finish()
            });
            assert!(streamed.is_err(), "{bad:?}");
        }
    }

    #[test]
    fn depth_is_bounded() {
        let deep = "<a>".repeat(MAX_DEPTH + 1) + &"</a>".repeat(MAX_DEPTH + 1);
        assert!(parse(&deep).unwrap_err().contains("deeper"));
        let (mut doc, _) = Document::open(&deep).unwrap();
        let err = serde::de::IgnoredAny::deserialize(doc.root()).unwrap_err();
        assert!(err.to_string().contains("deeper"), "{err}");
    }
}
