//! Request params: how each value type is written on the wire, and the writer generated
//! `write_params` fills.

use crate::{DateTime, FileUpload, Json, Price, Secret};
use std::borrow::Cow;

/// A value that can be a TOP request param.
pub trait Param: Sized {
    /// Object types go as JSON (and lists of them as one JSON array), not comma-joined.
    const JSON: bool = false;
    /// Appends the wire text of the value.
    fn write(&self, out: &mut String);
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
        match text.trim() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
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

impl Param for Price {
    fn write(&self, out: &mut String) {
        out.push_str(self.as_str());
    }
    fn parse(text: &str) -> Result<Self, String> {
        text.parse()
    }
}

impl Param for Json {
    fn write(&self, out: &mut String) {
        out.push_str(self.as_str());
    }
    fn parse(text: &str) -> Result<Self, String> {
        serde_json::from_str::<serde::de::IgnoredAny>(text)
            .map(|_| Json::new(text))
            .map_err(|e| format!("not JSON: {e}"))
    }
}

impl<T: Param> Param for Secret<T> {
    const JSON: bool = T::JSON;
    fn write(&self, out: &mut String) {
        self.expose().write(out);
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
#[derive(Clone, PartialEq)]
pub enum ParamValue {
    Text { value: String, count: Option<usize> },
    File(FileUpload),
}

impl std::fmt::Debug for ParamValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            // Values may be secrets; only their size is shown.
            ParamValue::Text { value, .. } => write!(f, "Text({} chars)", value.chars().count()),
            ParamValue::File(file) => file.fmt(f),
        }
    }
}

/// Collects the app params of a request, in spec order; unset params are left out.
#[derive(Debug, Default, Clone)]
pub struct ParamWriter {
    pub(crate) params: Vec<(Cow<'static, str>, ParamValue)>,
}

impl ParamWriter {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn put<T: Param>(&mut self, name: &'static str, value: &T) {
        let mut text = String::new();
        value.write(&mut text);
        self.params.push((
            Cow::Borrowed(name),
            ParamValue::Text {
                value: text,
                count: value.count(),
            },
        ));
    }

    pub fn put_opt<T: Param>(&mut self, name: &'static str, value: &Option<T>) {
        if let Some(v) = value {
            self.put(name, v);
        }
    }

    pub fn put_file(&mut self, name: &'static str, file: &FileUpload) {
        self.params
            .push((Cow::Borrowed(name), ParamValue::File(file.clone())));
    }

    pub fn put_file_opt(&mut self, name: &'static str, file: &Option<FileUpload>) {
        if let Some(f) = file {
            self.put_file(name, f);
        }
    }

    /// A param by a name known only at run time (untyped calls).
    pub fn put_text(&mut self, name: String, value: String) {
        self.params
            .push((Cow::Owned(name), ParamValue::Text { value, count: None }));
    }

    /// Text params (signed and sent), in the order written.
    pub fn text_params(&self) -> impl Iterator<Item = (&str, &str)> {
        self.params.iter().filter_map(|(k, v)| match v {
            ParamValue::Text { value, .. } => Some((k.as_ref(), value.as_str())),
            ParamValue::File(_) => None,
        })
    }

    pub fn files(&self) -> impl Iterator<Item = (&str, &FileUpload)> {
        self.params.iter().filter_map(|(k, v)| match v {
            ParamValue::File(f) => Some((k.as_ref(), f)),
            ParamValue::Text { .. } => None,
        })
    }

    pub fn get(&self, name: &str) -> Option<&ParamValue> {
        self.params.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }
}

/// Checks written params against the spec's rules before any I/O.
pub fn validate(schema: &crate::schema::ApiSchema, w: &ParamWriter) -> Result<(), crate::Error> {
    for f in &schema.request {
        let Some(value) = w.get(&f.name) else {
            if f.required {
                return Err(invalid(40, &f.name, "is required".into()));
            }
            continue;
        };
        let ParamValue::Text { value, count } = value else {
            continue;
        };
        let c = &f.constraints;
        if let (Some(max), Some(n)) = (c.max_list_size, count)
            && *n as u64 > max
        {
            return Err(invalid(
                41,
                &f.name,
                format!("has {n} items; at most {max} are allowed"),
            ));
        }
        if let Some(max) = c.max_length
            && !f.list
        {
            let n = value.chars().count() as u64;
            if n > max {
                return Err(invalid(
                    41,
                    &f.name,
                    format!("is {n} characters long; at most {max} are allowed"),
                ));
            }
        }
        if c.min_value.is_some() || c.max_value.is_some() {
            for item in value.split(',') {
                let Ok(n) = item.trim().parse::<i64>() else {
                    continue;
                };
                if let Some(min) = c.min_value
                    && n < min
                {
                    return Err(invalid(
                        41,
                        &f.name,
                        format!("is {n}; the minimum is {min}"),
                    ));
                }
                if let Some(max) = c.max_value
                    && n > max
                {
                    return Err(invalid(
                        41,
                        &f.name,
                        format!("is {n}; the maximum is {max}"),
                    ));
                }
            }
        }
    }
    Ok(())
}

fn invalid(code: i64, param: &str, message: String) -> crate::Error {
    crate::Error::InvalidRequest {
        code,
        param: param.to_string(),
        message,
    }
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
        assert!(i64::parse("x").unwrap_err().contains("Number"));
    }
}
