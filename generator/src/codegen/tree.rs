//! The naming pass: the spec's field trees annotated with every Rust name they need, and the
//! object types they declare, deduplicated by shape and disambiguated by name.

use crate::model::{ApiSpec, Field};
use crate::naming;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Side {
    Request,
    Response,
}

/// A field with its Rust names.
pub struct Node<'a> {
    pub field: &'a Field,
    pub ident: String,
    pub setter: String,
    /// The Rust type name, for objects and object lists.
    pub type_ident: Option<String>,
    pub children: Vec<Node<'a>>,
}

/// One object struct to emit.
pub struct TypeDef<'n, 'a> {
    pub ident: String,
    pub side: Side,
    pub doc_name: &'a str,
    pub fields: &'n [Node<'a>],
}

pub struct Tree<'a> {
    pub request: Vec<Node<'a>>,
    pub response: Vec<Node<'a>>,
}

/// The gateway's `request_id`, added to every response that does not declare it.
static REQUEST_ID: std::sync::LazyLock<Field> = std::sync::LazyLock::new(|| Field {
    name: "request_id".into(),
    ty: crate::model::TypeRef::Scalar(crate::model::Scalar::String),
    required: false,
    example: None,
    description: "Gateway-assigned id of this call; quote it when asking TOP support about a call."
        .into(),
    constraints: Default::default(),
    sensitive: Some(false),
    decimal: false,
    item_name: None,
    fields: Vec::new(),
});

impl<'a> Tree<'a> {
    pub fn build(spec: &'a ApiSpec) -> Tree<'a> {
        let mut names = TypeNames::default();
        let request = nodes(spec.request.iter(), Side::Request, &mut names);
        // Appended last, so a documented field that maps to the same identifier keeps it.
        let extra = (!spec.response.iter().any(|f| f.name == "request_id")).then(|| &*REQUEST_ID);
        let response = nodes(
            spec.response.iter().chain(extra),
            Side::Response,
            &mut names,
        );
        Tree { request, response }
    }

    /// The response field carrying the gateway's `request_id` as text, if any.
    pub fn request_id_node(&self) -> Option<&Node<'a>> {
        self.response.iter().find(|n| {
            n.field.name == "request_id"
                && n.field.ty == crate::model::TypeRef::Scalar(crate::model::Scalar::String)
                && !n.field.is_sensitive()
        })
    }

    /// Object types in first-occurrence order (request tree first, depth-first), each once.
    pub fn types(&self) -> Vec<TypeDef<'_, 'a>> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        for (side, nodes) in [
            (Side::Request, &self.request),
            (Side::Response, &self.response),
        ] {
            collect(nodes, side, &mut seen, &mut out);
        }
        out
    }
}

fn collect<'n, 'a>(
    nodes: &'n [Node<'a>],
    side: Side,
    seen: &mut BTreeSet<String>,
    out: &mut Vec<TypeDef<'n, 'a>>,
) {
    for n in nodes {
        if let Some(t) = &n.type_ident {
            if seen.insert(t.clone()) {
                out.push(TypeDef {
                    ident: t.clone(),
                    side,
                    doc_name: n.field.ty.object_name().unwrap_or_default(),
                    fields: &n.children,
                });
            }
            collect(&n.children, side, seen, out);
        }
    }
}

/// Type names handed out so far: doc name -> shapes seen -> ident.
#[derive(Default)]
struct TypeNames {
    by_shape: BTreeMap<String, String>,
    used: BTreeSet<String>,
}

fn nodes<'a>(
    fields: impl Iterator<Item = &'a Field> + Clone,
    side: Side,
    names: &mut TypeNames,
) -> Vec<Node<'a>> {
    let idents = naming::field_idents(fields.clone().map(|f| f.name.as_str()));
    let setters = naming::setter_names(&idents);
    fields
        .zip(idents)
        .zip(setters)
        .map(|((field, ident), setter)| {
            let type_ident = field.ty.object_name().map(|doc| {
                let shape = format!("{side:?}/{doc}/{}", shape_of(&field.fields));
                if let Some(t) = names.by_shape.get(&shape) {
                    return t.clone();
                }
                let t = naming::numbered_type(&naming::type_ident(doc), &mut names.used);
                names.by_shape.insert(shape, t.clone());
                t
            });
            let children = nodes(field.fields.iter(), side, names);
            Node {
                field,
                ident,
                setter,
                type_ident,
                children,
            }
        })
        .collect()
}

/// A canonical text of a field tree: equal text, equal Rust struct.
fn shape_of(fields: &[Field]) -> String {
    let mut s = String::new();
    for f in fields {
        s.push_str(&f.name);
        s.push(':');
        s.push_str(&f.ty.to_string());
        if f.required {
            s.push('!');
        }
        if f.is_sensitive() {
            s.push('*');
        }
        if f.decimal {
            s.push('.');
        }
        if !f.fields.is_empty() {
            s.push('{');
            s.push_str(&shape_of(&f.fields));
            s.push('}');
        }
        s.push(';');
    }
    s
}
