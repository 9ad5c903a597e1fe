//! Request params: how each value type is written on the wire, and the writer generated
//! `write_params` fills.

use crate::{DateTime, Decimal, FileUpload, Json, Secret};
use smallvec::SmallVec;
use std::borrow::Cow;

/// A value that can be a TOP request param.
pub trait Param: Sized {
    /// Object types go as JSON (and lists of them as one JSON array), not comma-joined.
    const JSON: bool = false;
    /// Appends the wire text of the value.
    fn write(&self, out: &mut String);
    /// The wire text when the value already is it (text types), so it is sent without a copy.
    fn as_wire_str(&self) -> Option<&str> {
        None
    }
    /// Parses the text a user typed (CLI) or a client sent (mock).
    fn parse(text: &str) -> Result<Self, String>;
    /// Appends a list of values: comma-joined, or a JSON array for objects.
    fn write_list(items: &[Self], out: &mut String) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            item.write(out);
        }
    }
    fn parse_list(text: &str) -> Result<Vec<Self>, String> {
        if text.trim().is_empty() {
            return Ok(Vec::new());
        }
        text.split(',').map(|t| Self::parse(t.trim())).collect()
    }
    /// Number of items, for `max_list_size` checks.
    fn count(&self) -> Option<usize> {
        None
    }
}

impl Param for String {
    fn write(&self, out: &mut String) {
        out.push_str(self);
    }
    fn as_wire_str(&self) -> Option<&str> {
        Some(self)
    }
    fn parse(text: &str) -> Result<Self, String> {
        Ok(text.to_string())
    }
}

impl Param for i64 {
    fn write(&self, out: &mut String) {
        out.push_str(itoa_buf(*self).as_str());
    }
    fn parse(text: &str) -> Result<Self, String> {
        text.trim()
            .parse()
            .map_err(|_| format!("`{text}` is not a Number (integer)"))
    }
}

impl Param for bool {
    fn write(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
    fn parse(text: &str) -> Result<Self, String> {
        // TOP's Boolean is `true` or `false` (what this SDK sends); the mock checks the same.
        match text.trim() {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(format!("`{text}` is not a Boolean (true or false)")),
        }
    }
}

impl Param for DateTime {
    fn write(&self, out: &mut String) {
        self.write_to(out);
    }
    fn parse(text: &str) -> Result<Self, String> {
        DateTime::parse(text).map_err(|e| e.to_string())
    }
}

impl Param for Decimal {
    fn write(&self, out: &mut String) {
        out.push_str(self.as_str());
    }
    fn as_wire_str(&self) -> Option<&str> {
        Some(self.as_str())
    }
    fn parse(text: &str) -> Result<Self, String> {
        text.parse()
    }
}

impl Param for Json {
    fn write(&self, out: &mut String) {
        out.push_str(self.as_str());
    }
    fn as_wire_str(&self) -> Option<&str> {
        Some(self.as_str())
    }
    fn parse(text: &str) -> Result<Self, String> {
        serde_json::from_str::<serde::de::IgnoredAny>(text)
            .map(|_| Json::new(text))
            .map_err(|e| format!("not JSON: {e}"))
    }
    /// `Json[]` goes as one JSON array (commas inside the values would make a joined list
    /// ambiguous).
    fn write_list(items: &[Self], out: &mut String) {
        // No items: blank like every other empty list, so not sent.
        if items.is_empty() {
            return;
        }
        out.push('[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let text = item.as_str().trim();
            // An empty value is no JSON; `null` keeps the array valid and the position.
            out.push_str(if text.is_empty() { "null" } else { text });
        }
        out.push(']');
    }
    fn parse_list(text: &str) -> Result<Vec<Self>, String> {
        if text.trim().is_empty() {
            return Ok(Vec::new());
        }
        let items: Vec<Box<serde_json::value::RawValue>> =
            serde_json::from_str(text).map_err(|e| format!("not a JSON array of values: {e}"))?;
        Ok(items.iter().map(|v| Json::new(v.get())).collect())
    }
}

impl<T: Param> Param for Secret<T> {
    const JSON: bool = T::JSON;
    fn write(&self, out: &mut String) {
        self.expose().write(out);
    }
    fn as_wire_str(&self) -> Option<&str> {
        self.expose().as_wire_str()
    }
    fn parse(text: &str) -> Result<Self, String> {
        T::parse(text).map(Secret::new)
    }
}

impl<T: Param> Param for Vec<T> {
    fn write(&self, out: &mut String) {
        T::write_list(self, out);
    }
    fn parse(text: &str) -> Result<Self, String> {
        T::parse_list(text)
    }
    fn count(&self) -> Option<usize> {
        Some(self.len())
    }
}

/// Small stack formatter for integers (no `fmt` machinery on the hot path).
struct IntBuf {
    buf: [u8; 20],
    start: usize,
}

impl IntBuf {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[self.start..]).unwrap_or("0")
    }
}

fn itoa_buf(n: i64) -> IntBuf {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let neg = n < 0;
    let mut v = n.unsigned_abs();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    if neg {
        // i64::MIN has 19 digits, so one byte is always left for the sign.
        i -= 1;
        buf[i] = b'-';
    }
    IntBuf { buf, start: i }
}

/// One app param, as written.
#[derive(Clone, Copy, PartialEq)]
pub enum ParamValue<'a> {
    Text {
        value: &'a str,
        count: Option<usize>,
    },
    File(&'a FileUpload),
}

impl std::fmt::Debug for ParamValue<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            // Values may be secrets; only their size is shown.
            ParamValue::Text { value, .. } => write!(f, "Text({} chars)", value.chars().count()),
            ParamValue::File(file) => file.fmt(f),
        }
    }
}

#[derive(Clone)]
enum Slot<'a> {
    /// Text the request already holds.
    Borrowed {
        value: &'a str,
        count: Option<usize>,
    },
    /// `text[start..end]`: values written as text here (numbers, dates, lists, untyped).
    Written {
        start: usize,
        end: usize,
        count: Option<usize>,
    },
    File(&'a FileUpload),
}

/// Most requests have a handful of params: up to this many are stored inline, without
/// allocating.
const INLINE_PARAMS: usize = 8;

/// Collects the app params of a request, kept in key order (the order they are signed and
/// sent in); unset params are left out. Text values are borrowed from the request where they
/// can be; others share one buffer.
#[derive(Default, Clone)]
pub struct ParamWriter<'a> {
    text: String,
    entries: SmallVec<[(Cow<'static, str>, Slot<'a>); INLINE_PARAMS]>,
    /// Totals kept as params are added, so `prepare` need not walk the entries for them.
    text_bytes: usize,
    key_bytes: usize,
    files: usize,
}

impl std::fmt::Debug for ParamWriter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map()
            .entries(self.entries.iter().map(|(k, slot)| (k, self.view(slot))))
            .finish()
    }
}

impl<'a> ParamWriter<'a> {
    pub fn new() -> Self {
        Self::default()
    }

    fn insert(&mut self, name: Cow<'static, str>, slot: Slot<'a>) {
        // Blank values are not sent, nor signed (as the Java SDK does): TOP treats an empty
        // param as absent, and a required one is then reported missing before any I/O.
        let blank = match &slot {
            Slot::Borrowed { value, .. } => is_blank(value),
            Slot::Written { start, end, .. } => self.text.get(*start..*end).is_none_or(is_blank),
            Slot::File(_) => false,
        };
        if blank {
            if let Slot::Written { start, .. } = slot {
                self.text.truncate(start);
            }
            return;
        }
        match &slot {
            Slot::Borrowed { value, .. } => self.text_bytes += value.len(),
            Slot::Written { start, end, .. } => self.text_bytes += end - start,
            Slot::File(_) => self.files += 1,
        }
        if !matches!(slot, Slot::File(_)) {
            self.key_bytes += name.len();
        }
        // Generated code writes in key order, so appending is the usual case. Otherwise the
        // param goes after any equal key, so duplicates keep their order.
        let in_order = self
            .entries
            .last()
            .is_none_or(|(k, _)| key_le(k.as_bytes(), name.as_bytes()));
        if in_order {
            self.entries.push((name, slot));
        } else {
            let at = self
                .entries
                .partition_point(|(k, _)| key_le(k.as_bytes(), name.as_bytes()));
            self.entries.insert(at, (name, slot));
        }
    }

    pub fn put<T: Param>(&mut self, name: &'static str, value: &'a T) {
        let count = value.count();
        let slot = match value.as_wire_str() {
            Some(value) => Slot::Borrowed { value, count },
            None => {
                let start = self.text.len();
                value.write(&mut self.text);
                Slot::Written {
                    start,
                    end: self.text.len(),
                    count,
                }
            }
        };
        self.insert(Cow::Borrowed(name), slot);
    }

    pub fn put_opt<T: Param>(&mut self, name: &'static str, value: &'a Option<T>) {
        if let Some(v) = value {
            self.put(name, v);
        }
    }

    pub fn put_file(&mut self, name: &'static str, file: &'a FileUpload) {
        self.insert(Cow::Borrowed(name), Slot::File(file));
    }

    pub fn put_file_opt(&mut self, name: &'static str, file: &'a Option<FileUpload>) {
        if let Some(f) = file {
            self.put_file(name, f);
        }
    }

    /// A param by a name known only at run time (untyped calls).
    pub fn put_text(&mut self, name: String, value: String) {
        let start = self.text.len();
        self.text.push_str(&value);
        let slot = Slot::Written {
            start,
            end: self.text.len(),
            count: None,
        };
        self.insert(Cow::Owned(name), slot);
    }

    /// A param whose text was checked by its type elsewhere (calls by schema), with a list's
    /// item count (for `max_list_size`).
    pub(crate) fn put_checked(&mut self, name: &'static str, value: &'a str, count: Option<usize>) {
        self.insert(Cow::Borrowed(name), Slot::Borrowed { value, count });
    }

    fn text_of<'s>(&'s self, slot: &Slot<'s>) -> Option<&'s str> {
        match *slot {
            Slot::Borrowed { value, .. } => Some(value),
            Slot::Written { start, end, .. } => Some(self.text.get(start..end).unwrap_or_default()),
            Slot::File(_) => None,
        }
    }

    fn view<'s>(&'s self, slot: &'s Slot<'a>) -> ParamValue<'s> {
        match slot {
            Slot::Borrowed { count, .. } | Slot::Written { count, .. } => ParamValue::Text {
                value: self.text_of(slot).unwrap_or_default(),
                count: *count,
            },
            Slot::File(f) => ParamValue::File(f),
        }
    }

    /// Text params (signed and sent), in key order.
    pub fn text_params(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries
            .iter()
            .filter_map(|(k, slot)| Some((k.as_ref(), self.text_of(slot)?)))
    }

    pub fn files(&self) -> impl Iterator<Item = (&str, &FileUpload)> {
        self.entries.iter().filter_map(|(k, slot)| match slot {
            Slot::File(f) => Some((k.as_ref(), *f)),
            _ => None,
        })
    }

    pub fn has_files(&self) -> bool {
        self.files > 0
    }

    /// Total bytes of text values (to size buffers).
    pub fn text_len(&self) -> usize {
        self.text_bytes
    }

    /// Total bytes of the names of text params (to size buffers).
    pub fn key_len(&self) -> usize {
        self.key_bytes
    }

    /// Number of text params.
    pub fn text_count(&self) -> usize {
        self.entries.len() - self.files
    }

    pub fn get(&self, name: &str) -> Option<ParamValue<'_>> {
        let at = self
            .entries
            .partition_point(|(k, _)| k.as_bytes() < name.as_bytes());
        match self.entries.get(at) {
            Some((k, slot)) if k == name => Some(self.view(slot)),
            _ => None,
        }
    }
}

/// Empty or whitespace only: a value TOP treats as absent, so it is neither sent nor signed
/// (app params, the session, the client's system params).
pub(crate) fn is_blank(value: &str) -> bool {
    value.trim_start().is_empty()
}

/// `a <= b` in byte order. Param names are short and usually differ early, where a byte loop
/// beats a call to `memcmp`.
#[inline]
pub(crate) fn key_le(a: &[u8], b: &[u8]) -> bool {
    for (x, y) in a.iter().zip(b) {
        if x != y {
            return x < y;
        }
    }
    a.len() <= b.len()
}

/// Form decoding of one key or value (`+` a space, `%XX` a byte), to the bytes that were
/// encoded: the one decoder (SPI params, which are signed byte for byte; OAuth callbacks).
#[cfg_attr(not(any(feature = "spi", feature = "oauth")), allow(dead_code))]
pub(crate) fn form_decode(s: &[u8]) -> Vec<u8> {
    let spaced: Vec<u8> = s
        .iter()
        .map(|&b| if b == b'+' { b' ' } else { b })
        .collect();
    percent_encoding::percent_decode(&spaced).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_text_of_each_type() {
        let mut s = String::new();
        (-42i64).write(&mut s);
        s.push('|');
        i64::MIN.write(&mut s);
        s.push('|');
        true.write(&mut s);
        s.push('|');
        vec![1001i64, 1002].write(&mut s);
        s.push('|');
        vec!["a".to_string(), "b".to_string()].write(&mut s);
        s.push('|');
        DateTime::parse("2026-11-29 12:00:00")
            .unwrap()
            .write(&mut s);
        assert_eq!(
            s,
            "-42|-9223372036854775808|true|1001,1002|a,b|2026-11-29 12:00:00"
        );
        assert_eq!(Vec::<i64>::parse("1, 2,3").unwrap(), vec![1, 2, 3]);
        // Empty lists of any type are blank: not sent, not signed.
        let (empty_ids, empty_json) = (Vec::<i64>::new(), Vec::<Json>::new());
        let one_json = vec![Json::new(r#"{"a":1}"#)];
        let mut w = ParamWriter::new();
        w.put("ids", &empty_ids);
        w.put("blobs", &empty_json);
        w.put("one", &one_json);
        assert_eq!(
            w.text_params().collect::<Vec<_>>(),
            [("one", r#"[{"a":1}]"#)]
        );
        assert!(i64::parse("x").unwrap_err().contains("Number"));
    }
}
