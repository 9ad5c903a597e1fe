//! Tolerant deserializers used by generated response types (via `__private::de`).
//!
//! TOP sends numbers and booleans as strings at times, XML carries only text, empty elements
//! mean "absent", and lists come wrapped (`{"item": [..]}`), simplified (`[..]`) or, from XML,
//! as a single item. These functions accept all of them.

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor,
};
use std::fmt;
use std::marker::PhantomData;

/// A scalar as it arrived.
#[derive(Clone, Copy, Debug)]
pub enum Scalar<'a> {
    Str(&'a str),
    I64(i64),
    U64(u64),
    F64(f64),
    Bool(bool),
}

/// A scalar type that accepts the spellings TOP uses for it.
pub trait Lenient: Sized {
    /// What the type expects, for error messages (`a Number`).
    const EXPECTED: &'static str;
    /// Whether `""` means absent (everything but text).
    const EMPTY_IS_ABSENT: bool = true;
    fn from_scalar(s: Scalar<'_>) -> Result<Self, String>;
    /// Structured values (only `Json` accepts them).
    fn from_value(v: serde_json::Value) -> Result<Self, String> {
        let _ = v;
        Err(format!(
            "expected {}, found an object or list",
            Self::EXPECTED
        ))
    }
}

impl Lenient for String {
    const EXPECTED: &'static str = "a String";
    const EMPTY_IS_ABSENT: bool = false;
    fn from_scalar(s: Scalar<'_>) -> Result<Self, String> {
        Ok(match s {
            Scalar::Str(s) => s.to_string(),
            Scalar::I64(n) => n.to_string(),
            Scalar::U64(n) => n.to_string(),
            Scalar::F64(n) => n.to_string(),
            Scalar::Bool(b) => b.to_string(),
        })
    }
}

impl Lenient for i64 {
    const EXPECTED: &'static str = "a Number";
    fn from_scalar(s: Scalar<'_>) -> Result<Self, String> {
        match s {
            Scalar::I64(n) => Ok(n),
            Scalar::U64(n) => {
                i64::try_from(n).map_err(|_| format!("{n} does not fit a Number (i64)"))
            }
            // Below 2^53 a float holds the integer exactly; beyond, it may not.
            Scalar::F64(f) if f.fract() == 0.0 && f.abs() <= 9_007_199_254_740_992.0 => {
                Ok(f as i64)
            }
            Scalar::F64(f) => Err(not_integer(&f.to_string())),
            Scalar::Str(t) => {
                let t = t.trim();
                t.parse().or_else(|_| match crate::Decimal::new(t) {
                    // "12.0", "1.2E3": integral, exactly.
                    Some(d) => d.to_i64().ok_or_else(|| not_integer(t)),
                    None => Err(format!("expected a Number, found `{t}`")),
                })
            }
            other => Err(format!("expected a Number, found {other:?}")),
        }
    }
}

/// A fraction where the spec says integer: say so, and how to fix it, rather than round.
fn not_integer(value: &str) -> String {
    format!(
        "expected an integer Number, found the decimal {value}; if the field carries decimals, \
         mark it `decimal: true` in its spec (it is then a topsdk::Decimal)"
    )
}

impl Lenient for bool {
    const EXPECTED: &'static str = "a Boolean";
    fn from_scalar(s: Scalar<'_>) -> Result<Self, String> {
        match s {
            Scalar::Bool(b) => Ok(b),
            Scalar::I64(0) | Scalar::U64(0) => Ok(false),
            Scalar::I64(1) | Scalar::U64(1) => Ok(true),
            Scalar::Str(t) => match t.trim() {
                "true" | "True" | "TRUE" | "1" => Ok(true),
                "false" | "False" | "FALSE" | "0" => Ok(false),
                _ => Err(format!("expected a Boolean, found `{t}`")),
            },
            other => Err(format!("expected a Boolean, found {other:?}")),
        }
    }
}

impl Lenient for crate::DateTime {
    const EXPECTED: &'static str = "a Date `yyyy-MM-dd HH:mm:ss`";
    fn from_scalar(s: Scalar<'_>) -> Result<Self, String> {
        match s {
            Scalar::Str(t) => crate::DateTime::parse(t).map_err(|e| e.to_string()),
            // Epoch milliseconds, as some gateways' JSON dates arrive.
            Scalar::I64(ms) => Ok(crate::DateTime::from_unix(ms.div_euclid(1000))),
            other => Err(format!("expected a Date, found {other:?}")),
        }
    }
}

impl Lenient for crate::Decimal {
    const EXPECTED: &'static str = "a decimal number";
    fn from_scalar(s: Scalar<'_>) -> Result<Self, String> {
        let text = match s {
            Scalar::Str(t) => t.trim(),
            Scalar::I64(n) => return Ok(crate::Decimal::from(n)),
            Scalar::U64(n) => return Ok(crate::Decimal::from(n)),
            Scalar::F64(f) => {
                return crate::Decimal::from_f64(f)
                    .ok_or_else(|| format!("expected a decimal number, found {f}"));
            }
            Scalar::Bool(_) => return Err("expected a decimal number, found a Boolean".into()),
        };
        crate::Decimal::new(text)
            .ok_or_else(|| format!("expected a decimal number, found `{text}`"))
    }
}

impl Lenient for crate::Json {
    const EXPECTED: &'static str = "JSON text";
    const EMPTY_IS_ABSENT: bool = false;
    fn from_scalar(s: Scalar<'_>) -> Result<Self, String> {
        String::from_scalar(s).map(crate::Json::new)
    }
    fn from_value(v: serde_json::Value) -> Result<Self, String> {
        Ok(crate::Json::new(v.to_string()))
    }
}

impl<T: Lenient> Lenient for crate::Secret<T> {
    const EXPECTED: &'static str = T::EXPECTED;
    const EMPTY_IS_ABSENT: bool = T::EMPTY_IS_ABSENT;
    fn from_scalar(s: Scalar<'_>) -> Result<Self, String> {
        T::from_scalar(s).map(crate::Secret::new)
    }
    fn from_value(v: serde_json::Value) -> Result<Self, String> {
        T::from_value(v).map(crate::Secret::new)
    }
}

/// One value of a type, or absent; how it arrived decides.
enum Occurrence<T> {
    Absent,
    One(T),
    Many(Vec<T>),
}

/// How list items and single values are read: leniently (scalars) or by `Deserialize` (objects).
trait Item: Sized {
    fn from_scalar<E: de::Error>(s: Scalar<'_>) -> Result<Occurrence<Self>, E>;
    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

struct LenientItem<T>(T);
struct ObjectItem<T>(T);

impl<T: Lenient> Item for LenientItem<T> {
    fn from_scalar<E: de::Error>(s: Scalar<'_>) -> Result<Occurrence<Self>, E> {
        if T::EMPTY_IS_ABSENT && matches!(s, Scalar::Str(t) if t.trim().is_empty()) {
            return Ok(Occurrence::Absent);
        }
        T::from_scalar(s)
            .map(|v| Occurrence::One(LenientItem(v)))
            .map_err(E::custom)
    }
    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        let v = serde_json::Value::deserialize_map_access(map)?;
        T::from_value(v).map(LenientItem).map_err(de::Error::custom)
    }
}

impl<T: DeserializeOwned> Item for ObjectItem<T> {
    fn from_scalar<E: de::Error>(s: Scalar<'_>) -> Result<Occurrence<Self>, E> {
        match s {
            Scalar::Str(t) if t.trim().is_empty() => Ok(Occurrence::Absent),
            other => Err(E::custom(format!("expected an object, found {other:?}"))),
        }
    }
    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        T::deserialize(de::value::MapAccessDeserializer::new(map)).map(ObjectItem)
    }
}

trait MapToValue {
    fn deserialize_map_access<'de, A: MapAccess<'de>>(
        map: A,
    ) -> Result<serde_json::Value, A::Error>;
}

impl MapToValue for serde_json::Value {
    fn deserialize_map_access<'de, A: MapAccess<'de>>(
        map: A,
    ) -> Result<serde_json::Value, A::Error> {
        serde::Deserialize::deserialize(de::value::MapAccessDeserializer::new(map))
    }
}

/// Reads one value, a list of values or nothing.
struct OccurrenceSeed<I>(PhantomData<I>);

impl<'de, I: Item> DeserializeSeed<'de> for OccurrenceSeed<I> {
    type Value = Occurrence<I>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Occurrence<I>, D::Error> {
        d.deserialize_any(OccurrenceVisitor::<I>(PhantomData))
    }
}

struct OccurrenceVisitor<I>(PhantomData<I>);

impl<'de, I: Item> Visitor<'de> for OccurrenceVisitor<I> {
    type Value = Occurrence<I>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a TOP value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Occurrence<I>, E> {
        Ok(Occurrence::Absent)
    }
    fn visit_none<E: de::Error>(self) -> Result<Occurrence<I>, E> {
        Ok(Occurrence::Absent)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Occurrence<I>, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Occurrence<I>, E> {
        I::from_scalar(Scalar::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Occurrence<I>, E> {
        I::from_scalar(Scalar::I64(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Occurrence<I>, E> {
        I::from_scalar(Scalar::U64(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Occurrence<I>, E> {
        I::from_scalar(Scalar::F64(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Occurrence<I>, E> {
        I::from_scalar(Scalar::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Occurrence<I>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        loop {
            // A seq element that is absent (null, "") is skipped.
            match seq.next_element_seed(OccurrenceSeed::<I>(PhantomData))? {
                None => break,
                Some(Occurrence::One(v)) => out.push(v),
                Some(Occurrence::Many(v)) => out.extend(v),
                Some(Occurrence::Absent) => {}
            }
        }
        Ok(Occurrence::Many(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Occurrence<I>, A::Error> {
        I::from_map(map).map(Occurrence::One)
    }
}

/// Visitor for a list field: a map here is the list wrapper `{"item_name": one-or-many}`.
struct ListVisitor<I>(PhantomData<I>);

impl<'de, I: Item> Visitor<'de> for ListVisitor<I> {
    type Value = Vec<I>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list, a wrapped list or nothing")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Vec<I>, E> {
        Ok(Vec::new())
    }
    fn visit_none<E: de::Error>(self) -> Result<Vec<I>, E> {
        Ok(Vec::new())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Vec<I>, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<I>, E> {
        into_vec(I::from_scalar(Scalar::Str(v))?)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Vec<I>, E> {
        into_vec(I::from_scalar(Scalar::Bool(v))?)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Vec<I>, E> {
        into_vec(I::from_scalar(Scalar::I64(v))?)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Vec<I>, E> {
        into_vec(I::from_scalar(Scalar::U64(v))?)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Vec<I>, E> {
        into_vec(I::from_scalar(Scalar::F64(v))?)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Vec<I>, A::Error> {
        into_vec(OccurrenceVisitor::<I>(PhantomData).visit_seq(seq)?)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<I>, A::Error> {
        let mut out = Vec::new();
        while map.next_key::<de::IgnoredAny>()?.is_some() {
            match map.next_value_seed(OccurrenceSeed::<I>(PhantomData))? {
                Occurrence::Absent => {}
                Occurrence::One(v) => out.push(v),
                Occurrence::Many(v) => out.extend(v),
            }
        }
        Ok(out)
    }
}

fn into_vec<I, E>(g: Occurrence<I>) -> Result<Vec<I>, E> {
    Ok(match g {
        Occurrence::Absent => Vec::new(),
        Occurrence::One(v) => vec![v],
        Occurrence::Many(v) => v,
    })
}

/// An optional scalar field.
pub fn opt<'de, D: Deserializer<'de>, T: Lenient>(d: D) -> Result<Option<T>, D::Error> {
    match d.deserialize_any(OccurrenceVisitor::<LenientItem<T>>(PhantomData))? {
        Occurrence::Absent => Ok(None),
        Occurrence::One(LenientItem(v)) => Ok(Some(v)),
        Occurrence::Many(_) => Err(de::Error::custom(format!(
            "expected {}, found a list",
            T::EXPECTED
        ))),
    }
}

/// A required scalar (used by `Deserialize` impls of the value types themselves).
pub fn lenient<'de, T: Lenient, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    opt::<D, T>(d)?
        .ok_or_else(|| de::Error::custom(format!("expected {}, found nothing", T::EXPECTED)))
}

/// An optional object field (`""` and empty elements are absent).
pub fn object<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Option<T>, D::Error> {
    match d.deserialize_any(OccurrenceVisitor::<ObjectItem<T>>(PhantomData))? {
        Occurrence::Absent => Ok(None),
        Occurrence::One(ObjectItem(v)) => Ok(Some(v)),
        Occurrence::Many(_) => Err(de::Error::custom("expected an object, found a list")),
    }
}

/// A list of objects: `[..]`, `{"item": [..]}`, `{"item": {..}}` or nothing.
pub fn list<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Vec<T>, D::Error> {
    let v = d.deserialize_any(ListVisitor::<ObjectItem<T>>(PhantomData))?;
    Ok(v.into_iter().map(|ObjectItem(t)| t).collect())
}

/// A list of scalars: `[..]`, `{"string": [..]}`, `{"string": ".."}` or nothing.
pub fn scalar_list<'de, D: Deserializer<'de>, T: Lenient>(d: D) -> Result<Vec<T>, D::Error> {
    let v = d.deserialize_any(ListVisitor::<LenientItem<T>>(PhantomData))?;
    Ok(v.into_iter().map(|LenientItem(t)| t).collect())
}

/// A response object as generated code declares it: its fields' wire names and how to read
/// one. Its `Deserialize` is [`structure`]: one small `match` per type instead of a derived
/// visitor with a wrapper per lenient field, which made up most of the bindings' compile time.
pub trait Structure: Default {
    /// The type's name, for error messages.
    const NAME: &'static str;
    /// The fields' wire names; a field is read by its index here.
    const FIELDS: &'static [&'static str];
    /// Reads the value of field `index` (of [`Structure::FIELDS`]) from `map`.
    fn read_field<'de, A: MapAccess<'de>>(
        &mut self,
        index: usize,
        map: &mut A,
    ) -> Result<(), A::Error>;
    /// Where the values of keys the type does not document go (typed TMC topics keep them);
    /// `None`, the default: they are skipped.
    fn undocumented(&mut self) -> Option<&mut serde_json::Map<String, serde_json::Value>> {
        None
    }
}

/// `Deserialize` of a [`Structure`]: a map (JSON object) whose documented fields are read
/// leniently, the rest ignored, absent ones left at their default. A field given twice is an
/// error, as with serde's derive.
pub fn structure<'de, D: Deserializer<'de>, T: Structure>(d: D) -> Result<T, D::Error> {
    d.deserialize_struct(T::NAME, T::FIELDS, StructureVisitor::<T>(PhantomData))
}

struct StructureVisitor<T>(PhantomData<T>);

impl<'de, T: Structure> Visitor<'de> for StructureVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "an object ({})", T::NAME)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut out = T::default();
        // Which fields were read (duplicates are refused); one word for up to 64 fields.
        let mut seen = smallvec::SmallVec::<[u64; 1]>::from_elem(0, T::FIELDS.len().div_ceil(64));
        let keep = out.undocumented().is_some();
        while let Some(key) = map.next_key_seed(FieldIndex(T::FIELDS, keep))? {
            let index = match key {
                Key::Field(index) => index,
                Key::Other(Some(name)) => {
                    let value = map.next_value::<serde_json::Value>()?;
                    if let Some(extra) = out.undocumented() {
                        extra.insert(name, value);
                    }
                    continue;
                }
                Key::Other(None) => {
                    map.next_value::<de::IgnoredAny>()?;
                    continue;
                }
            };
            let (word, bit) = (index / 64, 1u64 << (index % 64));
            if seen[word] & bit != 0 {
                return Err(de::Error::duplicate_field(T::FIELDS[index]));
            }
            seen[word] |= bit;
            out.read_field(index, &mut map)?;
        }
        Ok(out)
    }
}

/// A key: the index of the field it names, or another key (its name when it is kept).
enum Key {
    Field(usize),
    Other(Option<String>),
}

/// Reads a key against a type's field names; the flag says whether other keys are kept.
struct FieldIndex(&'static [&'static str], bool);

impl FieldIndex {
    fn key(&self, name: &str) -> Key {
        match self.0.iter().position(|f| *f == name) {
            Some(i) => Key::Field(i),
            None => Key::Other(self.1.then(|| name.to_string())),
        }
    }
}

impl<'de> DeserializeSeed<'de> for FieldIndex {
    type Value = Key;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for FieldIndex {
    type Value = Key;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        Ok(self.key(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Key, E> {
        Ok(self.key(&String::from_utf8_lossy(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Key, E> {
        Ok(
            match usize::try_from(v).ok().filter(|i| *i < self.0.len()) {
                Some(i) => Key::Field(i),
                None => Key::Other(self.1.then(|| v.to_string())),
            },
        )
    }
}

/// How a field of a [`Structure`] is read, as a seed: `K` is one of the kinds below.
struct Field<K, T>(PhantomData<(K, T)>);

/// The value of a [`Structure`]'s optional scalar field ([`opt`]).
pub fn read_opt<'de, A: MapAccess<'de>, T: Lenient>(map: &mut A) -> Result<Option<T>, A::Error> {
    map.next_value_seed(Field::<Opt, T>(PhantomData))
}

/// The value of a [`Structure`]'s field as serde reads its type (request objects: JSON a
/// user wrote).
pub fn read_value<'de, A: MapAccess<'de>, T: de::Deserialize<'de>>(
    map: &mut A,
) -> Result<T, A::Error> {
    map.next_value()
}

/// The value of a [`Structure`]'s optional object field ([`object`]).
pub fn read_object<'de, A: MapAccess<'de>, T: DeserializeOwned>(
    map: &mut A,
) -> Result<Option<T>, A::Error> {
    map.next_value_seed(Field::<Obj, T>(PhantomData))
}

/// The value of a [`Structure`]'s list of objects ([`list`]).
pub fn read_list<'de, A: MapAccess<'de>, T: DeserializeOwned>(
    map: &mut A,
) -> Result<Vec<T>, A::Error> {
    map.next_value_seed(Field::<List, T>(PhantomData))
}

/// The value of a [`Structure`]'s list of scalars ([`scalar_list`]).
pub fn read_scalar_list<'de, A: MapAccess<'de>, T: Lenient>(
    map: &mut A,
) -> Result<Vec<T>, A::Error> {
    map.next_value_seed(Field::<ScalarList, T>(PhantomData))
}

enum Opt {}
enum Obj {}
enum List {}
enum ScalarList {}

impl<'de, T: Lenient> DeserializeSeed<'de> for Field<Opt, T> {
    type Value = Option<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        opt(d)
    }
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for Field<Obj, T> {
    type Value = Option<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        object(d)
    }
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for Field<List, T> {
    type Value = Vec<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
        list(d)
    }
}

impl<'de, T: Lenient> DeserializeSeed<'de> for Field<ScalarList, T> {
    type Value = Vec<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
        scalar_list(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What generated code writes for `struct S { n: Option<i64>, items: Vec<Item> }`.
    #[derive(Debug, Default, PartialEq)]
    struct S {
        n: Option<i64>,
        items: Vec<Item>,
    }
    #[derive(Debug, Default, PartialEq)]
    struct Item {
        id: Option<String>,
    }
    impl<'de> de::Deserialize<'de> for S {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            structure(d)
        }
    }
    impl Structure for S {
        const NAME: &'static str = "S";
        const FIELDS: &'static [&'static str] = &["n", "items"];
        fn read_field<'de, A: MapAccess<'de>>(
            &mut self,
            i: usize,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match i {
                0 => self.n = read_opt(map)?,
                1 => self.items = read_list(map)?,
                _ => {}
            }
            Ok(())
        }
    }
    impl<'de> de::Deserialize<'de> for Item {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            structure(d)
        }
    }
    impl Structure for Item {
        const NAME: &'static str = "Item";
        const FIELDS: &'static [&'static str] = &["id"];
        fn read_field<'de, A: MapAccess<'de>>(
            &mut self,
            i: usize,
            map: &mut A,
        ) -> Result<(), A::Error> {
            if i == 0 {
                self.id = read_opt(map)?;
            }
            Ok(())
        }
    }

    #[test]
    fn fields_are_read_leniently_by_name_and_the_rest_ignored() {
        let s: S =
            serde_json::from_str(r#"{"extra":{"deep":[1]},"n":"42","items":{"item":{"id":7}}}"#)
                .unwrap();
        assert_eq!(
            s,
            S {
                n: Some(42),
                items: vec![Item {
                    id: Some("7".into())
                }]
            }
        );
        let empty: S = serde_json::from_str("{}").unwrap();
        assert_eq!(empty, S::default());
    }

    #[test]
    fn a_duplicate_field_or_a_bad_value_is_an_error_at_its_path() {
        let e = serde_json::from_str::<S>(r#"{"n":1,"n":2}"#).unwrap_err();
        assert!(e.to_string().contains("duplicate field `n`"), "{e}");
        let mut de = serde_json::Deserializer::from_str(r#"{"items":[{"id":"a"},{"id":[1]}]}"#);
        let e = serde_path_to_error::deserialize::<_, S>(&mut de).unwrap_err();
        assert_eq!(e.path().to_string(), "items[1].id");
        let e = serde_json::from_str::<S>("[1]").unwrap_err();
        assert!(e.to_string().contains("an object (S)"), "{e}");
    }
}
