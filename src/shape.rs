//! A value's shape by its schema: the one schema-guided walk over a JSON tree, for every
//! place that has a tree and a schema but no compiled type (calls by schema, the CLI, the
//! mock's samples, TMC message contents by topic).
//!
//! [`normalize`] reads a tree exactly as generated types read the wire (the same lenient rules
//! for each scalar type): lists arrive as arrays, as wrappers (`{"item": [..]}`: the values
//! of every key, joined) or, from XML, as one item; scalars as text or typed; empty text and
//! `null` are absent. It gives the typed form: lists as arrays, `Number` an integer (exact up
//! to 19 digits), decimals and `Price` as exact decimal text, `Boolean` a bool, `Date`
//! `yyyy-MM-dd HH:mm:ss`, `Json` its text; absent fields left out; fields the schema does not
//! know kept as they came (nothing TOP sent is dropped). A value that breaks its type is an
//! error at its path, as a typed decode would be. [`mask`] hides sensitive fields.

use crate::de::{Lenient, Scalar};
use crate::schema::{Field, Kind};
use crate::{DateTime, Decimal, Json};
use serde_json::{Map, Value};

/// Where a tree breaks its schema, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShapeError {
    /// `orders[1].tid`: as serde paths are written (empty: the whole value).
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for ShapeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "at {}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for ShapeError {}

/// A tree that breaks its schema is a body that does not decode.
impl From<ShapeError> for crate::Error {
    fn from(e: ShapeError) -> crate::Error {
        crate::Error::Decode {
            path: e.path,
            message: e.message,
            excerpt: String::new(),
        }
    }
}

/// What to do with a value that breaks its type.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Say where (decoding).
    Strict,
    /// Put a plain value of the type there (the mock's samples: the docs' samples are not
    /// always of their own types, and a mock must answer what the typed bindings read).
    Repair,
}

/// `value` (an object: a response's content, a message's) in the typed form `fields`
/// describe; see the module docs.
pub fn normalize(value: Value, fields: &[Field]) -> Result<Value, ShapeError> {
    let mut path = Vec::new();
    object(value, fields, Mode::Strict, &mut path)
}

/// [`normalize`], with each value that breaks its type replaced by a plain value of it
/// (`0`, `false`, `xxxxx`, ...), for the mock's samples.
#[cfg(feature = "mock")]
pub(crate) fn repair(value: Value, fields: &[Field]) -> Value {
    let mut path = Vec::new();
    object(value, fields, Mode::Repair, &mut path).unwrap_or_else(|_| Value::Object(Map::new()))
}

/// Replaces the values of sensitive fields with `"***"` (in a tree of the typed form: lists as
/// arrays, as [`normalize`] gives).
pub fn mask(value: &mut Value, fields: &[Field]) {
    let Value::Object(map) = value else { return };
    for f in fields {
        let Some(v) = map.get_mut(&f.name) else {
            continue;
        };
        if f.sensitive {
            mask_all(v);
        } else if f.kind == Kind::Object {
            match v {
                Value::Array(items) => items.iter_mut().for_each(|i| mask(i, &f.fields)),
                other => mask(other, &f.fields),
            }
        }
    }
}

fn mask_all(v: &mut Value) {
    match v {
        Value::Array(items) => items.iter_mut().for_each(mask_all),
        Value::Null => {}
        other => *other = Value::String("***".into()),
    }
}

/// A path being walked: field names, list wrappers' keys and list indexes.
enum Seg<'a> {
    Key(&'a str),
    Wrapper(String),
    Index(usize),
}

/// One step of a field path as errors show it.
pub(crate) enum PathStep<'a> {
    Key(&'a str),
    Index(usize),
}

/// A field path as every error shows it (`trades.trade[0].orders`): the one writer of them.
pub(crate) fn path_text<'a>(steps: impl IntoIterator<Item = PathStep<'a>>) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for s in steps {
        match s {
            PathStep::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            PathStep::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
        }
    }
    out
}

fn error(path: &[Seg<'_>], message: String) -> ShapeError {
    ShapeError {
        path: path_text(path.iter().map(|s| match s {
            Seg::Key(k) => PathStep::Key(k),
            Seg::Wrapper(k) => PathStep::Key(k),
            Seg::Index(i) => PathStep::Index(*i),
        })),
        message,
    }
}

/// An object by its fields: documented ones in schema order, then the others as they came.
fn object<'a>(
    v: Value,
    fields: &'a [Field],
    mode: Mode,
    path: &mut Vec<Seg<'a>>,
) -> Result<Value, ShapeError> {
    let mut map = match v {
        Value::Object(m) => m,
        Value::Null => Map::new(),
        Value::String(s) if s.trim().is_empty() => Map::new(),
        other if mode == Mode::Repair => {
            let _ = other;
            Map::new()
        }
        other => {
            return Err(error(
                path,
                format!("expected an object, found {}", json_kind(&other)),
            ));
        }
    };
    let mut out = Map::new();
    for f in fields {
        let Some(value) = map.remove(&f.name) else {
            continue;
        };
        path.push(Seg::Key(&f.name));
        let typed = field(value, f, mode, path);
        path.pop();
        if let Some(typed) = typed? {
            out.insert(f.name.clone(), typed);
        }
    }
    out.extend(map);
    Ok(Value::Object(out))
}

/// A field's value, `None` when absent.
fn field<'a>(
    v: Value,
    f: &'a Field,
    mode: Mode,
    path: &mut Vec<Seg<'a>>,
) -> Result<Option<Value>, ShapeError> {
    if f.list {
        let mut items = Vec::new();
        list_items(v, f, mode, path, &mut items)?;
        return Ok(Some(Value::Array(items)));
    }
    match v {
        Value::Null => Ok(None),
        Value::Array(_) if mode == Mode::Repair => Ok(Some(plain(f))),
        Value::Array(_) => Err(error(
            path,
            format!("expected {}, found a list", expected(f)),
        )),
        other => one(other, f, mode, path),
    }
}

/// The items of a list field: an array (nested arrays flattened, absent items skipped), a
/// wrapper object (the items under each of its keys), or one item.
fn list_items<'a>(
    v: Value,
    f: &'a Field,
    mode: Mode,
    path: &mut Vec<Seg<'a>>,
    out: &mut Vec<Value>,
) -> Result<(), ShapeError> {
    match v {
        Value::Null => Ok(()),
        Value::Array(items) => occurrences(items, f, mode, path, out),
        Value::Object(wrapper) => {
            for (key, inner) in wrapper {
                path.push(Seg::Wrapper(key));
                let r = match inner {
                    Value::Array(items) => occurrences(items, f, mode, path, out),
                    Value::Null => Ok(()),
                    one_item => one(one_item, f, mode, path).map(|v| out.extend(v)),
                };
                path.pop();
                r?;
            }
            Ok(())
        }
        scalar => {
            out.extend(one(scalar, f, mode, path)?);
            Ok(())
        }
    }
}

/// The elements of an array as list items.
fn occurrences<'a>(
    items: Vec<Value>,
    f: &'a Field,
    mode: Mode,
    path: &mut Vec<Seg<'a>>,
    out: &mut Vec<Value>,
) -> Result<(), ShapeError> {
    for (i, item) in items.into_iter().enumerate() {
        path.push(Seg::Index(i));
        let r = match item {
            Value::Null => Ok(()),
            Value::Array(inner) => occurrences(inner, f, mode, path, out),
            other => one(other, f, mode, path).map(|v| out.extend(v)),
        };
        path.pop();
        r?;
    }
    Ok(())
}

/// One value of the field's type (not a list), `None` when absent.
fn one<'a>(
    v: Value,
    f: &'a Field,
    mode: Mode,
    path: &mut Vec<Seg<'a>>,
) -> Result<Option<Value>, ShapeError> {
    if f.kind == Kind::Object {
        return match v {
            Value::String(s) if s.trim().is_empty() => Ok(None),
            obj @ Value::Object(_) => object(obj, &f.fields, mode, path).map(Some),
            _ if mode == Mode::Repair => object(Value::Null, &f.fields, mode, path).map(Some),
            other => Err(error(
                path,
                format!("expected an object, found {}", json_kind(&other)),
            )),
        };
    }
    match scalar(&v, f) {
        Ok(typed) => Ok(typed),
        Err(_) if mode == Mode::Repair => Ok(Some(plain(f))),
        Err(message) => Err(error(path, message)),
    }
}

/// A scalar by the typed decoder's rules, in the typed form (see the module docs).
fn scalar(v: &Value, f: &Field) -> Result<Option<Value>, String> {
    fn read<T: Lenient>(v: &Value, to: impl Fn(T) -> Value) -> Result<Option<Value>, String> {
        let s = match v {
            Value::String(s) => {
                if T::EMPTY_IS_ABSENT && s.trim().is_empty() {
                    return Ok(None);
                }
                Scalar::Str(s)
            }
            Value::Bool(b) => Scalar::Bool(*b),
            Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
                (Some(i), _, _) => Scalar::I64(i),
                (None, Some(u), _) => Scalar::U64(u),
                (None, None, Some(x)) => Scalar::F64(x),
                _ => return Err(format!("expected {}, found {n}", T::EXPECTED)),
            },
            Value::Null => return Ok(None),
            other => return T::from_value(other.clone()).map(|t| Some(to(t))),
        };
        T::from_scalar(s).map(|t| Some(to(t)))
    }
    match f.kind {
        Kind::Number if f.decimal => read::<Decimal>(v, |d| Value::String(d.as_str().into())),
        Kind::Number => read::<i64>(v, Value::from),
        Kind::Price => read::<Decimal>(v, |d| Value::String(d.as_str().into())),
        Kind::Boolean => read::<bool>(v, Value::Bool),
        Kind::Date => read::<DateTime>(v, |d| Value::String(d.to_string())),
        Kind::Json => read::<Json>(v, |j| Value::String(j.as_str().into())),
        Kind::String | Kind::File | Kind::Object => read::<String>(v, Value::String),
    }
}

/// A plain value of the field's type (the mock's stand-in for a documented value that is not
/// of its type).
fn plain(f: &Field) -> Value {
    match f.kind {
        Kind::Number if f.decimal => Value::String("0".into()),
        Kind::Number => Value::from(0),
        Kind::Price => Value::String("0.00".into()),
        Kind::Boolean => Value::Bool(false),
        Kind::Date => Value::String("2026-01-01 00:00:00".into()),
        Kind::Json => Value::String("{}".into()),
        Kind::Object => Value::Object(Map::new()),
        // TOP's documentation placeholder; also survives XML, where "" reads as absent.
        Kind::String | Kind::File => Value::String("xxxxx".into()),
    }
}

fn expected(f: &Field) -> &'static str {
    match f.kind {
        Kind::Number if f.decimal => Decimal::EXPECTED,
        Kind::Number => i64::EXPECTED,
        Kind::Price => Decimal::EXPECTED,
        Kind::Boolean => bool::EXPECTED,
        Kind::Date => DateTime::EXPECTED,
        Kind::Json => Json::EXPECTED,
        Kind::Object => "an object",
        Kind::String | Kind::File => String::EXPECTED,
    }
}

/// What a JSON value is, in the words of every decode error ("expected an object, found a
/// list"): the one list of them.
pub(crate) fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a Boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests;
