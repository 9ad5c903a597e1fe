//! The `Serialize` of generated object types: each field one call here, in place of serde's
//! derive (whose expansion, with a `skip_serializing_if` per optional field, was a third of
//! the bindings' compile time). Absent fields (`None`) are left out, as serde's
//! `skip_serializing_if` would; the struct's length is the count of fields written.

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeStruct};

/// One for a present value, zero for an absent one: the terms of a struct's length.
pub trait Present {
    fn present(&self) -> usize;
}

impl<T> Present for Option<T> {
    #[inline]
    fn present(&self) -> usize {
        usize::from(self.is_some())
    }
}

impl<T> Present for Vec<T> {
    #[inline]
    fn present(&self) -> usize {
        1
    }
}

/// Writes field `key`: its value when present; a `None` is skipped.
#[inline]
pub fn field<S: SerializeStruct, T: Serialize + Present>(
    st: &mut S,
    key: &'static str,
    value: &T,
) -> Result<(), S::Error> {
    if value.present() == 0 {
        st.skip_field(key)
    } else {
        st.serialize_field(key, value)
    }
}

/// Writes the map entry `key` of a value that is there: a `None` or an empty list is left out
/// (typed TMC topics, serialized as maps for their undocumented fields).
#[inline]
pub fn entry<M: SerializeMap, T: Serialize + Entry>(
    m: &mut M,
    key: &str,
    value: &T,
) -> Result<(), M::Error> {
    if value.is_there() {
        m.serialize_entry(key, value)
    } else {
        Ok(())
    }
}

/// Whether a topic's field is written: present, or a list with items.
pub trait Entry {
    fn is_there(&self) -> bool;
}

impl<T> Entry for Option<T> {
    #[inline]
    fn is_there(&self) -> bool {
        self.is_some()
    }
}

impl<T> Entry for Vec<T> {
    #[inline]
    fn is_there(&self) -> bool {
        !self.is_empty()
    }
}

/// Writes the entries a typed topic kept because its documentation does not list them.
#[inline]
pub fn rest<M: SerializeMap>(
    m: &mut M,
    extra: &serde_json::Map<String, serde_json::Value>,
) -> Result<(), M::Error> {
    for (k, v) in extra {
        m.serialize_entry(k, v)?;
    }
    Ok(())
}

/// `PartialEq` of generated object types: equal when they serialize the same, secrets in
/// clear (every field of these types serializes faithfully: exact decimal text, dates as
/// text, absent as absent). One call per type instead of a comparison per field, which was a
/// fifth of the bindings' compile time; comparing is for tests, where the cost does not show.
pub fn eq<T: Serialize>(a: &T, b: &T) -> bool {
    let tree = |t: &T| serde_json::to_value(crate::Reveal(t)).ok();
    tree(a) == tree(b)
}
