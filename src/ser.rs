//! The `Serialize` of generated object types: each field one call here, in place of serde's
//! derive (whose expansion, with a `skip_serializing_if` per optional field, was a third of
//! the bindings' compile time). Absent fields (`None`) are left out, as serde's
//! `skip_serializing_if` would; the struct's length is the count of fields written.

use serde::Serialize;
use serde::ser::SerializeStruct;

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

/// `PartialEq` of generated object types: equal when they serialize the same, secrets in
/// clear (every field of these types serializes faithfully: exact decimal text, dates as
/// text, absent as absent). One call per type instead of a comparison per field, which was a
/// fifth of the bindings' compile time; comparing is for tests, where the cost does not show.
pub fn eq<T: Serialize>(a: &T, b: &T) -> bool {
    let tree = |t: &T| serde_json::to_value(crate::Reveal(t)).ok();
    tree(a) == tree(b)
}
