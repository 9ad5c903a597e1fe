//! The `Deserialize` of generated object types: [`Structure`] (wire names and a `match` of
//! one line per field) read by one generic visitor.

use super::lenient::Lenient;
use super::{list, object, opt, scalar_list};
use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// A response object as generated code declares it: its fields' wire names and how to read
/// one. Its `Deserialize` is [`structure`]: one small `match` per type instead of a derived
/// visitor with a wrapper per lenient field, which made up most of the bindings' compile time.
pub trait Structure: Default {
    /// The type's name, for error messages.
    const NAME: &'static str;
    /// The fields' wire names; a field is read by its index here.
    const FIELDS: &'static [&'static str];
    /// Reads the value of field `index` (of [`Structure::FIELDS`]) from `map`. The default,
    /// for types without fields, skips it.
    fn read_field<'de, A: MapAccess<'de>>(
        &mut self,
        index: usize,
        map: &mut A,
    ) -> Result<(), A::Error> {
        let _ = index;
        map.next_value::<de::IgnoredAny>().map(|_| ())
    }
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
