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

/// The fields that may be absent (`Option`s, lists): written when present.
pub mod opt {
    pub use super::field as write;

    /// One when present.
    #[inline]
    pub fn len<T: super::Present>(value: &T) -> usize {
        value.present()
    }
}

/// The fields always there (a request object's required ones): always written.
pub mod req {
    use serde::Serialize;
    use serde::ser::SerializeStruct;

    #[inline]
    pub fn write<S: SerializeStruct, T: Serialize>(
        st: &mut S,
        key: &'static str,
        value: &T,
    ) -> Result<(), S::Error> {
        st.serialize_field(key, value)
    }

    #[inline]
    pub fn len<T>(_: &T) -> usize {
        1
    }
}

/// `Serialize` and `PartialEq` of a generated object type from its field list, one
/// `opt`/`req` field `"wire name"` each (in wire order): generated code names its fields once
/// and this expands to what was written out per type (a fifth of the bindings' source, and of
/// the generator's time, went to those impls).
#[doc(hidden)]
#[macro_export]
macro_rules! __object_impls {
    ($ty:ident { $($kind:ident $field:ident $wire:literal),* $(,)? }) => {
        impl $crate::__private::serde::Serialize for $ty {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                s: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                #[allow(unused_mut)]
                let mut st = $crate::__private::ser::Serializer::serialize_struct(
                    s,
                    ::std::stringify!($ty),
                    0 $(+ $crate::__private::ser::$kind::len(&self.$field))*,
                )?;
                $($crate::__private::ser::$kind::write(&mut st, $wire, &self.$field)?;)*
                $crate::__private::ser::SerializeStruct::end(st)
            }
        }
        impl ::std::cmp::PartialEq for $ty {
            #[inline]
            fn eq(&self, other: &Self) -> bool {
                $crate::__private::ser::eq(self, other)
            }
        }
    };
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
