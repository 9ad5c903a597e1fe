//! What the class reader gives: classes, their fields and methods, types as written.

use super::super::lex::Token;

#[derive(Clone, Debug, Default)]
pub struct Class {
    pub name: String,
    pub line: u32,
    pub doc: String,
    /// `extends`/`implements` (Java), `:` (C#) types.
    pub bases: Vec<TypeExpr>,
    /// Java fields; C# fields and properties.
    pub vars: Vec<Var>,
    pub methods: Vec<Method>,
    pub inner: Vec<Class>,
    /// An `enum` or `interface`: its body is not read.
    pub opaque: bool,
}

#[derive(Clone, Debug)]
pub struct Var {
    pub name: String,
    pub ty: TypeExpr,
    pub doc: String,
    pub attrs: Vec<Attr>,
    pub is_static: bool,
}

#[derive(Clone, Debug)]
pub struct Method {
    pub name: String,
    pub params: Vec<(TypeExpr, String)>,
    pub body: Vec<Token>,
}

/// An annotation (`@ApiField("x")`) or attribute (`[XmlElement("x")]`): its simple name and
/// its string arguments.
#[derive(Clone, Debug)]
pub struct Attr {
    pub name: String,
    pub strings: Vec<String>,
}

/// A type as written: `List<Foo>`, `long?`, `Nullable<long>`, `byte[]`, `Outer.Inner`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TypeExpr {
    /// The last segment (`Inner` of `a.b.Outer.Inner`).
    pub name: String,
    /// Every segment, for nested names.
    pub path: Vec<String>,
    pub args: Vec<TypeExpr>,
    pub array: bool,
}

impl TypeExpr {
    /// `long?` and `Nullable<long>` as `long`.
    pub fn unwrap_nullable(&self) -> &TypeExpr {
        if self.name == "Nullable" && self.args.len() == 1 {
            &self.args[0]
        } else {
            self
        }
    }
}

impl std::fmt::Display for TypeExpr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.path.join("."))?;
        if !self.args.is_empty() {
            f.write_str("<")?;
            for (i, a) in self.args.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{a}")?;
            }
            f.write_str(">")?;
        }
        if self.array {
            f.write_str("[]")?;
        }
        Ok(())
    }
}
