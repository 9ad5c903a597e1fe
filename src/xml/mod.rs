//! TOP XML, read two ways over one event reader, and written from a tree by its schema:
//! - [`Element`]: a serde `Deserializer` streaming straight into the generated types, so JSON
//!   and XML responses share the same tolerant `Deserialize` impls and no tree is built;
//! - [`parse`]: a JSON-like tree, for untyped calls and the mock.
//!
//! Either way an element with child elements is a map (a repeated child is repeated keys in
//! the stream, an array in the tree); an element with only text is a string; an empty element
//! is absent (`null`). Attributes are ignored (TOP puts none on data elements).
//!
//! [`write`]: elements with escaped text (and characters XML 1.0 cannot carry replaced), and
//! a JSON tree as elements by its schema (QIMEN request bodies, the mock's replies).

pub(crate) mod read;
mod write;

pub(crate) use read::{Document, parse};
pub(crate) use write::XmlWriter;
