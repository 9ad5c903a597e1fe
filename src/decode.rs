//! Response bodies -> typed responses or [`Error::Api`], for JSON (wrapped or simplified) and XML.

use crate::de;
use crate::error::{ApiError, Error};
use crate::schema::{ApiSchema, Field};
use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// The `format` system param.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Format {
    #[default]
    Json,
    Xml,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Xml => "xml",
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "json" => Ok(Format::Json),
            "xml" => Ok(Format::Xml),
            _ => Err(format!("`{s}` is not a format (json, xml)")),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// TOP's `error_response` body, read leniently (`code` is a number in JSON, text in XML).
#[derive(serde::Deserialize)]
struct ErrorBody {
    #[serde(default, deserialize_with = "de::opt")]
    code: Option<i64>,
    #[serde(default, deserialize_with = "de::opt")]
    msg: Option<String>,
    #[serde(default, deserialize_with = "de::opt")]
    sub_code: Option<String>,
    #[serde(default, deserialize_with = "de::opt")]
    sub_msg: Option<String>,
    #[serde(default, deserialize_with = "de::opt")]
    request_id: Option<String>,
}

impl From<ErrorBody> for ApiError {
    fn from(b: ErrorBody) -> ApiError {
        ApiError {
            code: b.code.unwrap_or_default(),
            msg: b.msg.unwrap_or_default(),
            sub_code: b.sub_code,
            sub_msg: b.sub_msg,
            request_id: b.request_id,
        }
    }
}

enum Outcome<T> {
    Ok(T),
    Api(ErrorBody),
    /// Neither key: the body may be a simplified response.
    Neither,
}

/// Reads the outer object, picking the response key or `error_response` in one pass.
struct Envelope<'k, T> {
    key: &'k str,
    _t: PhantomData<T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for Envelope<'_, T> {
    type Value = Outcome<T>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Outcome<T>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for Envelope<'_, T> {
    type Value = Outcome<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object with `{}` or `error_response`", self.key)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Outcome<T>, A::Error> {
        let mut outcome = Outcome::Neither;
        while let Some(k) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if k == self.key && matches!(outcome, Outcome::Neither) {
                outcome = Outcome::Ok(map.next_value::<T>()?);
            } else if k == "error_response" {
                outcome = Outcome::Api(map.next_value::<ErrorBody>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(outcome)
    }
}

/// Decodes a response body of `schema`'s API.
pub fn decode<T: DeserializeOwned>(
    body: &[u8],
    format: Format,
    simplified: bool,
    schema: &ApiSchema,
) -> Result<T, Error> {
    let fail = |path: String, message: String| Error::Decode {
        path,
        message,
        excerpt: redacted_excerpt(body, schema),
    };
    let text = std::str::from_utf8(body)
        .map_err(|e| fail(String::new(), format!("body is not UTF-8: {e}")))?;
    match format {
        Format::Json => {
            decode_json(text, simplified, &schema.response_key).map_err(|(p, m)| fail(p, m))
        }
        Format::Xml => decode_xml(text, &schema.response_key).map_err(|(p, m)| fail(p, m)),
    }
    .and_then(|o| match o {
        Ok(t) => Ok(t),
        Err(api) => Err(Error::Api(api)),
    })
}

type Decoded<T> = Result<Result<T, ApiError>, (String, String)>;

fn path_error<E: fmt::Display>(e: serde_path_to_error::Error<E>) -> (String, String) {
    let path = e.path().to_string();
    let path = if path == "." { String::new() } else { path };
    (path, e.into_inner().to_string())
}

fn starts_with_error(text: &str) -> bool {
    let t = text
        .trim_start()
        .strip_prefix('{')
        .unwrap_or("")
        .trim_start();
    t.starts_with("\"error_response\"")
}

// Bodies almost always decode, so each format is read by a fast streaming path that does not
// track where it is. Only a body that fails is read again, as a tree (`serde_json::Value`;
// XML through `xml::parse`), and decoded from that with path tracking to say where it failed.
// One slow path for both formats keeps each response type compiled for three deserializers
// (JSON text, XML stream, tracked tree) rather than four. The tree is also the more forgiving
// reading (repeated XML elements become lists), so a body it decodes is returned.

fn decode_json<T: DeserializeOwned>(text: &str, simplified: bool, key: &str) -> Decoded<T> {
    if let Some(done) = decode_json_untracked(text, simplified, key) {
        return Ok(done);
    }
    let tree: serde_json::Value =
        serde_json::from_str(text).map_err(|e| (String::new(), e.to_string()))?;
    let content = match tree {
        serde_json::Value::Object(mut outer) => {
            if let Some(e) = outer.remove("error_response") {
                return Ok(Err(tracked::<ErrorBody>(e)?.into()));
            }
            // Wrapped, or simplified (asked for or sent anyway).
            match outer.remove(key) {
                Some(inner) => inner,
                None => serde_json::Value::Object(outer),
            }
        }
        other => other,
    };
    Ok(Ok(tracked(content)?))
}

/// `None` when the body does not decode (the tree path then reports why).
fn decode_json_untracked<T: DeserializeOwned>(
    text: &str,
    simplified: bool,
    key: &str,
) -> Option<Result<T, ApiError>> {
    if !simplified || starts_with_error(text) {
        let mut de = serde_json::Deserializer::from_str(text);
        let seed = Envelope::<T> {
            key,
            _t: PhantomData,
        };
        match seed.deserialize(&mut de).ok()? {
            Outcome::Ok(t) => return de.end().ok().map(|_| Ok(t)),
            Outcome::Api(b) => return de.end().ok().map(|_| Err(b.into())),
            Outcome::Neither => {}
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let t = T::deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(Ok(t))
}

fn decode_xml<T: DeserializeOwned>(text: &str, key: &str) -> Decoded<T> {
    if let Some(done) = decode_xml_untracked(text, key) {
        return Ok(done);
    }
    let (root, content) = crate::xml::parse(text).map_err(|m| (String::new(), m))?;
    if root == "error_response" {
        return Ok(Err(tracked::<ErrorBody>(content)?.into()));
    }
    if root != key {
        return Err((
            String::new(),
            format!("root element is <{root}>, expected <{key}> or <error_response>"),
        ));
    }
    // An empty response element is an empty response, not an error.
    let content = if content.is_null() {
        serde_json::Value::Object(Default::default())
    } else {
        content
    };
    Ok(Ok(tracked(content)?))
}

/// `None` when the body does not decode (the tree path then reports why).
fn decode_xml_untracked<T: DeserializeOwned>(text: &str, key: &str) -> Option<Result<T, ApiError>> {
    let (mut doc, root) = crate::xml::Document::open(text).ok()?;
    let outcome = if root == "error_response" {
        Err(<ErrorBody as serde::Deserialize>::deserialize(doc.root())
            .ok()?
            .into())
    } else if root == key {
        Ok(T::deserialize(doc.root()).ok()?)
    } else {
        return None;
    };
    doc.finish().ok()?;
    Some(outcome)
}

/// Decodes a tree, tracking the path for the error.
fn tracked<T: DeserializeOwned>(tree: serde_json::Value) -> Result<T, (String, String)> {
    serde_path_to_error::deserialize(tree).map_err(path_error)
}

/// The `<name>_response` key of a method: leading `taobao.` removed, dots to `_`.
pub fn response_key(method: &str) -> String {
    let m = method.strip_prefix("taobao.").unwrap_or(method);
    let mut key = m.replace('.', "_");
    key.push_str("_response");
    key
}

/// An untyped response: the content inside the response key (or the whole simplified body).
pub fn decode_raw(body: &[u8], format: Format, key: &str) -> Result<serde_json::Value, Error> {
    let fail = |message: String| Error::Decode {
        path: String::new(),
        message,
        excerpt: crate::error::excerpt(body, 200),
    };
    let (root, value) = match format {
        Format::Json => {
            let v: serde_json::Value =
                serde_json::from_slice(body).map_err(|e| fail(e.to_string()))?;
            match v {
                serde_json::Value::Object(mut m) if m.len() == 1 => {
                    let (k, inner) = m
                        .iter_mut()
                        .next()
                        .map(|(k, v)| (k.clone(), v.take()))
                        .unwrap_or_default();
                    if k == "error_response" || k == key {
                        (k, inner)
                    } else {
                        m.insert(k, inner);
                        (String::new(), serde_json::Value::Object(m))
                    }
                }
                other => (String::new(), other),
            }
        }
        Format::Xml => {
            let text = std::str::from_utf8(body).map_err(|e| fail(e.to_string()))?;
            crate::xml::parse(text).map_err(fail)?
        }
    };
    if root == "error_response" {
        let b: ErrorBody = serde_json::from_value(value).map_err(|e| fail(e.to_string()))?;
        return Err(Error::Api(b.into()));
    }
    Ok(value)
}

/// A short excerpt of the body for error messages, with sensitive field values masked.
pub fn redacted_excerpt(body: &[u8], schema: &ApiSchema) -> String {
    let head = &body[..body.len().min(4096)];
    let mut text = String::from_utf8_lossy(head).into_owned();
    let mut names = Vec::new();
    sensitive_names(&schema.response, &mut names);
    for name in names {
        text = mask_json_values(&text, name);
        text = mask_xml_values(&text, name);
    }
    crate::error::excerpt(text.as_bytes(), 200)
}

fn sensitive_names<'a>(fields: &'a [Field], out: &mut Vec<&'a str>) {
    for f in fields {
        if f.sensitive {
            out.push(&f.name);
        }
        sensitive_names(&f.fields, out);
    }
}

fn mask_json_values(text: &str, name: &str) -> String {
    let needle = format!("\"{name}\"");
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(&needle) {
        let (before, after) = rest.split_at(i + needle.len());
        out.push_str(before);
        let trimmed = after.trim_start();
        let Some(colon_rest) = trimmed.strip_prefix(':') else {
            rest = after;
            continue;
        };
        let value = colon_rest.trim_start();
        out.push_str(&after[..after.len() - value.len()]);
        // Skip the value: a string (with escapes) or a bare token.
        let end = if let Some(s) = value.strip_prefix('"') {
            let mut esc = false;
            s.char_indices()
                .find(|&(_, c)| {
                    let stop = c == '"' && !esc;
                    esc = c == '\\' && !esc;
                    stop
                })
                .map(|(j, _)| j + 2)
                .unwrap_or(value.len())
        } else {
            value.find([',', '}', ']']).unwrap_or(value.len())
        };
        out.push_str("\"***\"");
        rest = &value[end..];
    }
    out.push_str(rest);
    out
}

fn mask_xml_values(text: &str, name: &str) -> String {
    let open = format!("<{name}>");
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(&open) {
        let (before, after) = rest.split_at(i + open.len());
        out.push_str(before);
        out.push_str("***");
        rest = match after.find('<') {
            Some(j) => &after[j..],
            None => "",
        };
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_sensitive_values() {
        assert_eq!(
            mask_json_values(r#"{"secret": "a\"b", "x": 1, "secret":7}"#, "secret"),
            r#"{"secret": "***", "x": 1, "secret":"***"}"#
        );
        assert_eq!(mask_xml_values("<s>abc</s><s>d", "s"), "<s>***</s><s>***");
    }
}
