//! The naming pass: the spec's field trees annotated with every Rust name they need, and the
//! object types they declare, deduplicated by shape and named by `naming::object_type_names`.

pub use crate::model::Side;
use crate::model::{ApiSpec, Field};
use crate::naming;
use std::collections::{BTreeMap, BTreeSet};

/// A field with its Rust names.
pub struct Node<'a> {
    pub field: &'a Field,
    pub ident: String,
    pub setter: String,
    /// The Rust type name, for objects and object lists.
    pub type_ident: Option<String>,
    /// Which side's module declares the type (`request` or `response`).
    pub side: Side,
    /// A field of the API's `Request`/`Response` itself, outside that module.
    pub top: bool,
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
    /// Type names that needed a number (the naming rule's last resort).
    #[cfg_attr(not(feature = "test-util"), allow(dead_code))]
    pub numbered: Vec<String>,
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
        let mut numbered = Vec::new();
        let request = side(spec.request.iter(), Side::Request, &mut numbered);
        // Appended last, so a documented field that maps to the same identifier keeps it.
        let extra = (!spec.response.iter().any(|f| f.name == "request_id")).then(|| &*REQUEST_ID);
        let response = side(
            spec.response.iter().chain(extra),
            Side::Response,
            &mut numbered,
        );
        Tree {
            request,
            response,
            numbered,
        }
    }

    /// The response field carrying the gateway's `request_id` as text, if any.
    pub fn request_id_node(&self) -> Option<&Node<'a>> {
        self.response.iter().find(|n| {
            n.field.name == "request_id"
                && n.field.ty == crate::model::TypeRef::Scalar(crate::model::Scalar::String)
                && !n.field.is_sensitive()
        })
    }

    /// The object types of one side, each once, sorted by name (each side is its own module,
    /// so names are unique per side).
    pub fn types(&self, side: Side) -> Vec<TypeDef<'_, 'a>> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        let nodes = match side {
            Side::Request => &self.request,
            Side::Response => &self.response,
        };
        collect(nodes, side, &mut seen, &mut out);
        out.sort_by(|a, b| a.ident.cmp(&b.ident));
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

/// The nodes of one side, their object types named by `naming::object_type_names`.
fn side<'a>(
    fields: impl Iterator<Item = &'a Field> + Clone,
    side: Side,
    numbered: &mut Vec<String>,
) -> Vec<Node<'a>> {
    let mut sites = Vec::new();
    let mut nodes = nodes(fields, side, &mut Vec::new(), &mut sites);
    let (names, last_resort) = naming::object_type_names_with_last_resort(&sites);
    numbered.extend(last_resort);
    name_types(&mut nodes, &names);
    nodes
}

fn nodes<'a>(
    fields: impl Iterator<Item = &'a Field> + Clone,
    side: Side,
    path: &mut Vec<&'a str>,
    sites: &mut Vec<naming::ObjectSite<'a>>,
) -> Vec<Node<'a>> {
    let idents = naming::field_idents(fields.clone().map(|f| f.name.as_str()));
    let setters = naming::setter_names(&idents);
    fields
        .zip(idents)
        .zip(setters)
        .map(|((field, ident), setter)| {
            path.push(&field.name);
            let type_key = field.ty.object_name().map(|doc| {
                let key = format!("{doc}/{}", shape_of(&field.fields));
                sites.push(naming::ObjectSite {
                    doc_name: doc,
                    key: key.clone(),
                    path: path.clone(),
                });
                key
            });
            let children = nodes(field.fields.iter(), side, path, sites);
            path.pop();
            Node {
                field,
                ident,
                setter,
                type_ident: type_key,
                side,
                top: path.is_empty(),
                children,
            }
        })
        .collect()
}

/// Replaces each object node's shape key with its type name.
fn name_types(nodes: &mut [Node<'_>], names: &BTreeMap<String, String>) {
    for n in nodes {
        if let Some(key) = n.type_ident.take() {
            n.type_ident = Some(names.get(&key).cloned().unwrap_or(key));
        }
        name_types(&mut n.children, names);
    }
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
