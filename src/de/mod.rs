//! Tolerant deserializers used by generated response types (via `__private::de`).
//!
//! TOP sends numbers and booleans as strings at times, XML carries only text, empty elements
//! mean "absent", and lists come wrapped (`{"item": [..]}`), simplified (`[..]`) or, from XML,
//! as a single item. These functions accept all of them; [`crate::shape`] applies the same
//! rules to a tree (calls by schema, the mock's samples, message contents).
//!
//! - [`lenient`]: how each scalar type reads the spellings TOP uses for it;
//! - this module: one value, a list or nothing, from whatever arrived;
//! - [`structure`]: the `Deserialize` of generated object types, by field index.

mod lenient;
mod structure;

pub use lenient::{Lenient, Scalar};
pub use structure::{
    Structure, read_list, read_object, read_opt, read_scalar_list, read_value, structure,
};

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor,
};
use std::fmt;
use std::marker::PhantomData;

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
