//! Response bodies -> typed responses or [`Error::Api`], for JSON (wrapped or simplified) and XML.

use crate::de;
use crate::error::{ApiError, Error};
use crate::schema::ApiSchema;
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
///
/// Strict about the envelope, lenient inside it. JSON is accepted only as the wrapped
/// `{"<method>_response": {..}}`, as `{"error_response": {..}}`, or, when `simplified` was
/// asked for, as the simplified object (which must hold at least one of the response's
/// documented fields or `request_id`); a wrapped body is read as such whatever was asked for.
/// Anything else (another key, a proxy's own JSON, HTML, an empty body) is
/// [`Error::Decode`], never an empty success. XML must have the response element or
/// `error_response` as its root.
pub fn decode<T: DeserializeOwned>(
    body: &[u8],
    format: Format,
    simplified: bool,
    schema: &ApiSchema,
) -> Result<T, Error> {
    decode_as::<T>(body, format, simplified, schema, Path::Streaming)
}

/// A body of `schema`'s API as a JSON tree, by the envelope rules of [`decode`]: for calls by
/// schema, which [`crate::shape`] then brings to the typed form. (A repeated XML element is a
/// list in the tree; streamed into a map it would keep only its last value.)
pub(crate) fn decode_value(
    body: &[u8],
    format: Format,
    simplified: bool,
    schema: &ApiSchema,
) -> Result<serde_json::Value, Error> {
    decode_as(body, format, simplified, schema, Path::Tree)
}

/// How a body is read: streamed into the type first (the tree only when that fails), or as
/// a tree from the start.
#[derive(Clone, Copy, PartialEq)]
enum Path {
    Streaming,
    Tree,
}

fn decode_as<T: DeserializeOwned>(
    body: &[u8],
    format: Format,
    simplified: bool,
    schema: &ApiSchema,
    path: Path,
) -> Result<T, Error> {
    let fail = |path: String, message: String| Error::Decode {
        path,
        message,
        excerpt: crate::mask::redacted_excerpt(body, schema),
    };
    let text = std::str::from_utf8(body)
        .map_err(|e| fail(String::new(), format!("body is not UTF-8: {e}")))?;
    match format {
        Format::Json => decode_json(text, simplified, schema, path).map_err(|(p, m)| fail(p, m)),
        Format::Xml => decode_xml(text, &schema.response_key, path).map_err(|(p, m)| fail(p, m)),
    }
    .and_then(|o| o.map_err(Error::from))
}

/// The `error_response` in a body of either format, if it is one (non-2xx answers).
pub(crate) fn error_response(body: &[u8]) -> Option<ApiError> {
    let text = std::str::from_utf8(body).ok()?.trim_start();
    if text.starts_with('{') {
        let mut outer: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(text).ok()?;
        let e = outer.remove("error_response")?;
        return serde_json::from_value::<ErrorBody>(e).ok().map(Into::into);
    }
    let (root, content) = crate::xml::parse(text).ok()?;
    (root == "error_response")
        .then(|| serde_json::from_value::<ErrorBody>(content).ok())
        .flatten()
        .map(Into::into)
}

/// Why a body is not JSON at all, in words a user can act on.
fn not_json(text: &str, e: &serde_json::Error) -> String {
    let t = text.trim_start();
    if t.is_empty() {
        "the body is empty (expected a JSON object)".into()
    } else if t.starts_with('<') {
        "the body is not JSON but markup (HTML or XML: a proxy, a login page or the wrong format?)"
            .into()
    } else {
        format!("the body is not JSON: {e}")
    }
}

type Decoded<T> = Result<Result<T, ApiError>, (String, String)>;

fn path_error<E: fmt::Display>(e: serde_path_to_error::Error<E>) -> (String, String) {
    let path = e.path().to_string();
    let path = if path == "." { String::new() } else { path };
    (path, e.into_inner().to_string())
}

/// Whether the body's first key is `error_response` or `key`: a wrapped body, read through
/// the envelope also when a simplified one was asked for (a gateway or proxy may ignore
/// `simplify`).
fn is_envelope(first_key: Option<&str>, key: &str) -> bool {
    first_key.is_some_and(|k| k == "error_response" || k == key)
}

// Bodies almost always decode, so each format is read by a fast streaming path that does not
// track where it is. Only a body that fails is read again, as a tree (`serde_json::Value`;
// XML through `xml::parse`), and decoded from that with path tracking to say where it failed.
// One slow path for both formats keeps each response type compiled for three deserializers
// (JSON text, XML stream, tracked tree) rather than four. The tree is also the more forgiving
// reading (repeated XML elements become lists), so a body it decodes is returned.

fn decode_json<T: DeserializeOwned>(
    text: &str,
    simplified: bool,
    schema: &ApiSchema,
    path: Path,
) -> Decoded<T> {
    let key = schema.response_key.as_str();
    if path == Path::Streaming
        && let Some(done) = decode_json_untracked(text, simplified, schema)
    {
        return Ok(done);
    }
    let tree: serde_json::Value =
        serde_json::from_str(text).map_err(|e| (String::new(), not_json(text, &e)))?;
    let serde_json::Value::Object(mut outer) = tree else {
        return Err((
            String::new(),
            format!(
                "expected a JSON object with `{key}` or `error_response`, found {}",
                crate::shape::json_kind(&tree)
            ),
        ));
    };
    if let Some(e) = outer.remove("error_response") {
        return Ok(Err(tracked::<ErrorBody>(e)?.into()));
    }
    if let Some(inner) = outer.remove(key) {
        return Ok(Ok(tracked(inner)?));
    }
    let found = key_list(&outer);
    if !simplified {
        return Err((
            String::new(),
            format!("expected `{key}` or `error_response` in the body, found {found}"),
        ));
    }
    // Simplified: the content itself, which must be this API's and not someone else's JSON.
    if !outer.keys().any(|k| is_response_field(schema, k)) {
        return Err((
            String::new(),
            format!(
                "expected `{key}`, `error_response` or the simplified fields of {} \
                 (request_id{}), found {found}",
                schema.method,
                schema
                    .response
                    .iter()
                    .take(5)
                    .map(|f| format!(", {}", f.name))
                    .collect::<String>()
            ),
        ));
    }
    Ok(Ok(tracked(serde_json::Value::Object(outer))?))
}

/// `keys a, b, c` (at most eight) or `an empty object`.
fn key_list(map: &serde_json::Map<String, serde_json::Value>) -> String {
    if map.is_empty() {
        return "an empty object".into();
    }
    let mut keys: Vec<String> = map.keys().take(8).map(|k| format!("`{k}`")).collect();
    if map.len() > 8 {
        keys.push("…".into());
    }
    format!("keys {}", keys.join(", "))
}

/// A top-level field of the API's response (or the gateway's `request_id`).
fn is_response_field(schema: &ApiSchema, name: &str) -> bool {
    name == "request_id" || schema.response.iter().any(|f| f.name == name)
}

/// The first key of a JSON object, when it has no escapes (the usual case).
fn first_key(text: &str) -> Option<&str> {
    let t = text.trim_start().strip_prefix('{')?.trim_start();
    let rest = t.strip_prefix('"')?;
    let end = rest.find(['"', '\\'])?;
    rest[end..].starts_with('"').then(|| &rest[..end])
}

/// `None` when the body does not decode, or may not be what it seems (the tree path then
/// decides, and reports why).
fn decode_json_untracked<T: DeserializeOwned>(
    text: &str,
    simplified: bool,
    schema: &ApiSchema,
) -> Option<Result<T, ApiError>> {
    let key = schema.response_key.as_str();
    let first = first_key(text);
    if !simplified || is_envelope(first, key) {
        let mut de = serde_json::Deserializer::from_str(text);
        let seed = Envelope::<T> {
            key,
            _t: PhantomData,
        };
        return match seed.deserialize(&mut de).ok()? {
            Outcome::Ok(t) => de.end().ok().map(|_| Ok(t)),
            Outcome::Api(b) => de.end().ok().map(|_| Err(b.into())),
            Outcome::Neither => None,
        };
    }
    // Simplified: read at once when the first key is one of the API's fields; anything else
    // (a proxy's `{"message": ..}`, `{}`) gets the tree path's check of every key.
    if !first.is_some_and(|k| is_response_field(schema, k)) {
        return None;
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let t = T::deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(Ok(t))
}

fn decode_xml<T: DeserializeOwned>(text: &str, key: &str, path: Path) -> Decoded<T> {
    if path == Path::Streaming
        && let Some(done) = decode_xml_untracked(text, key)
    {
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
pub(crate) fn tracked<T: DeserializeOwned>(tree: serde_json::Value) -> Result<T, (String, String)> {
    serde_path_to_error::deserialize(tree).map_err(path_error)
}

/// An untyped response: the content inside the response key (or the whole simplified body).
/// The envelope rules of [`decode`]; with no schema to know the fields by, a simplified body
/// must hold `request_id`, which TOP puts in every response.
pub fn decode_raw(
    body: &[u8],
    format: Format,
    simplified: bool,
    key: &str,
) -> Result<serde_json::Value, Error> {
    let fail = |message: String| Error::Decode {
        path: String::new(),
        message,
        excerpt: crate::error::excerpt(body, 200),
    };
    let text = std::str::from_utf8(body).map_err(|e| fail(format!("body is not UTF-8: {e}")))?;
    let (root, value) = match format {
        Format::Json => {
            let v: serde_json::Value =
                serde_json::from_str(text).map_err(|e| fail(not_json(text, &e)))?;
            let serde_json::Value::Object(mut m) = v else {
                return Err(fail(format!(
                    "expected a JSON object with `{key}` or `error_response`, found {}",
                    crate::shape::json_kind(&v)
                )));
            };
            if let Some(e) = m.remove("error_response") {
                ("error_response".to_string(), e)
            } else if let Some(inner) = m.remove(key) {
                (key.to_string(), inner)
            } else if simplified && m.contains_key("request_id") {
                (String::new(), serde_json::Value::Object(m))
            } else {
                return Err(fail(format!(
                    "expected `{key}`{} or `error_response` in the body, found {}",
                    if simplified {
                        ", a simplified body with `request_id`,"
                    } else {
                        ""
                    },
                    key_list(&m)
                )));
            }
        }
        Format::Xml => {
            let (root, value) = crate::xml::parse(text).map_err(fail)?;
            if root != key && root != "error_response" {
                return Err(fail(format!(
                    "root element is <{root}>, expected <{key}> or <error_response>"
                )));
            }
            (root, value)
        }
    };
    if root == "error_response" {
        let b: ErrorBody = serde_json::from_value(value).map_err(|e| fail(e.to_string()))?;
        return Err(Error::from(ApiError::from(b)));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_envelope_text(text: &str, key: &str) -> bool {
        is_envelope(first_key(text), key)
    }

    #[test]
    fn first_keys() {
        assert_eq!(first_key(r#" { "a_b" : 1}"#), Some("a_b"));
        assert_eq!(first_key(r#"{"a\"b": 1}"#), None);
        assert_eq!(first_key("{}"), None);
        assert_eq!(first_key("[1]"), None);
        assert!(is_envelope_text(r#"{ "x_response": {}}"#, "x_response"));
        assert!(!is_envelope_text(r#"{"x_response_2": {}}"#, "x_response"));
        assert!(is_envelope_text(r#"{"error_response": {}}"#, "x_response"));
    }
}
