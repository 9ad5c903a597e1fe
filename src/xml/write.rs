//! Writing XML: elements with escaped text, and a JSON tree as elements by its schema.
//!
//! By the schema: an object's documented fields in schema order, then the others as they
//! come; a list is `<name><item>..</item><item>..</item></name>` with the schema's item name,
//! or repeated `<name>` elements when it has none (QIMEN's scalar lists); absent values
//! (`null`) are left out.

use crate::schema::Field;
use serde_json::Value;

/// An XML text being written.
pub(crate) struct XmlWriter {
    out: String,
}

impl XmlWriter {
    /// A document: the declaration (as the SDKs write it), then what is written.
    pub(crate) fn document() -> XmlWriter {
        XmlWriter {
            out: String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>"),
        }
    }

    pub(crate) fn open(&mut self, name: &str) {
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
    }

    pub(crate) fn close(&mut self, name: &str) {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    /// `<name>text</name>`, the text escaped.
    pub(crate) fn element(&mut self, name: &str, text: &str) {
        self.open(name);
        self.text(text);
        self.close(name);
    }

    /// Text content: `&`, `<`, `>`, quotes escaped; characters that XML 1.0 cannot carry at
    /// all (control characters but tab, newline and carriage return; unpaired surrogates
    /// cannot occur in a Rust string) replaced by U+FFFD, so the document stays well-formed
    /// whatever the input.
    pub(crate) fn text(&mut self, text: &str) {
        for c in text.chars() {
            match c {
                '&' => self.out.push_str("&amp;"),
                '<' => self.out.push_str("&lt;"),
                '>' => self.out.push_str("&gt;"),
                '"' => self.out.push_str("&quot;"),
                '\'' => self.out.push_str("&apos;"),
                '\t' | '\n' | '\r' => self.out.push(c),
                c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                    self.out.push('\u{FFFD}')
                }
                c => self.out.push(c),
            }
        }
    }

    /// The members of an object by `fields` (see the module docs).
    pub(crate) fn object(&mut self, v: &Value, fields: &[Field]) {
        let Value::Object(map) = v else { return };
        for f in fields {
            if let Some(x) = map.get(&f.name) {
                self.field(f, x);
            }
        }
        for (k, x) in map {
            if !fields.iter().any(|f| &f.name == k) {
                self.value(k, x, &[]);
            }
        }
    }

    /// One field's value, a list by its item name.
    pub(crate) fn field(&mut self, f: &Field, v: &Value) {
        if !f.list {
            return self.value(&f.name, v, &f.fields);
        }
        let items: Vec<&Value> = match v {
            Value::Null => return,
            Value::Array(a) => a.iter().collect(),
            one => vec![one],
        };
        if f.item_name.is_empty() {
            for i in items {
                self.value(&f.name, i, &f.fields);
            }
            return;
        }
        self.open(&f.name);
        for i in items {
            self.value(&f.item_name, i, &f.fields);
        }
        self.close(&f.name);
    }

    /// `<name>` holding `v`: an object's members, each item of an array as its own `<name>`,
    /// a scalar as text; nothing for `null`.
    pub(crate) fn value(&mut self, name: &str, v: &Value, fields: &[Field]) {
        match v {
            Value::Null => {}
            Value::Object(_) => {
                self.open(name);
                self.object(v, fields);
                self.close(name);
            }
            Value::Array(items) => items.iter().for_each(|i| self.value(name, i, fields)),
            Value::String(s) => self.element(name, s),
            other => self.element(name, &other.to_string()),
        }
    }

    pub(crate) fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Kind;

    fn list(name: &str, item: &str, fields: Vec<Field>) -> Field {
        Field {
            name: name.into(),
            kind: if fields.is_empty() {
                Kind::String
            } else {
                Kind::Object
            },
            list: true,
            item_name: item.into(),
            fields,
            ..Field::default()
        }
    }

    #[test]
    fn text_is_escaped_and_kept_well_formed() {
        let mut w = XmlWriter::document();
        w.element("m", "a<b & \"c\" \u{1}\u{8}\tend\u{7f}");
        let xml = w.finish();
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><m>a&lt;b &amp; &quot;c&quot; \u{FFFD}\u{FFFD}\tend\u{7f}</m>"
        );
        // It reads back (the reader is quick-xml's, strict about well-formedness).
        let (root, v) = crate::xml::parse(&xml).unwrap();
        assert_eq!(
            (root.as_str(), v.as_str()),
            ("m", Some("a<b & \"c\" \u{FFFD}\u{FFFD}\tend\u{7f}"))
        );
    }

    #[test]
    fn trees_by_their_schema() {
        let fields = vec![
            list(
                "orderLines",
                "orderLine",
                vec![Field {
                    name: "sku".into(),
                    ..Field::default()
                }],
            ),
            list("sn", "", vec![]),
            Field {
                name: "code".into(),
                ..Field::default()
            },
        ];
        let v = serde_json::json!({
            "extra": {"k": [1, 2]},
            "sn": ["a", "b"],
            "code": "E1",
            "orderLines": [{"sku": "x"}, {"sku": "y"}],
            "gone": null,
        });
        let mut w = XmlWriter::document();
        w.open("request");
        w.object(&v, &fields);
        w.close("request");
        let xml = w.finish();
        assert_eq!(
            xml.split_once("?>").unwrap().1,
            "<request><orderLines><orderLine><sku>x</sku></orderLine><orderLine><sku>y</sku>\
             </orderLine></orderLines><sn>a</sn><sn>b</sn><code>E1</code><extra><k>1</k><k>2</k>\
             </extra></request>"
        );
    }
}
