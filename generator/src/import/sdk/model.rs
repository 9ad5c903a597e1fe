//! What every SDK language reader produces, and the one place it becomes spec fields: API
//! declarations (method, params with their rules, the response type) and the types they name
//! (request objects, response and domain classes), resolved into nested fields. Cycles and
//! unknown types are reported and typed `Json`, never followed forever.

use super::syntax::TypeExpr;
use crate::model::{Constraints, Field, Scalar, TypeRef};
use std::collections::BTreeMap;

/// One API as a request class declares it.
#[derive(Clone, Debug, Default)]
pub struct ApiDecl {
    pub method: String,
    /// `file:line` of the request class.
    pub at: String,
    pub doc: String,
    pub params: Vec<ParamDecl>,
    /// The response class as the request names it, when the language has response types.
    pub response: Option<TypeExpr>,
    /// Where the request's own inner classes are found (its class key).
    pub scope: String,
}

/// One request param.
#[derive(Clone, Debug, Default)]
pub struct ParamDecl {
    pub wire: String,
    /// `None`: the language says nothing of types (PHP, Python): a `String`, or `Number` when
    /// a value rule says so.
    pub ty: Option<TypeExpr>,
    pub doc: String,
    pub required: bool,
    pub file: bool,
    pub max_length: Option<u64>,
    pub max_list_size: Option<u64>,
    /// The list rule was `checkObjectMaxListSize`: a JSON list of objects.
    pub object_list: bool,
    pub min_value: Option<i64>,
    pub max_value: Option<i64>,
}

impl ParamDecl {
    /// One rule of `check()`/`Validate()`, by its name without the `check`/`Validate` prefix
    /// (`NotEmpty`, `MaxLength`, ...), with its limit; other rules say nothing a spec holds.
    pub fn apply_rule(&mut self, rule: &str, limit: Option<i64>) {
        let size = limit.and_then(|l| u64::try_from(l).ok());
        match rule {
            "NotEmpty" | "Required" | "NotNull" => self.required = true,
            "MaxLength" => self.max_length = size,
            "MaxListSize" | "ObjectMaxListSize" => {
                self.max_list_size = size;
                self.object_list = rule.starts_with("Object");
            }
            "MaxValue" => self.max_value = limit,
            "MinValue" => self.min_value = limit,
            _ => {}
        }
    }
}

/// A class whose fields have wire names: a response, a domain type, a request object.
#[derive(Clone, Debug, Default)]
pub struct TypeDecl {
    /// The spec's type name (`Thing`; C#'s nested `ThingDomain` loses its suffix).
    pub name: String,
    pub at: String,
    pub fields: Vec<WireField>,
}

#[derive(Clone, Debug, Default)]
pub struct WireField {
    pub wire: String,
    /// `@ApiListField` / `[XmlArray]`: a list whose items are `item`.
    pub list: bool,
    pub item: Option<String>,
    pub ty: TypeExpr,
    pub doc: String,
}

/// Every type of one SDK, by key (`Outer.Inner` for nested classes).
#[derive(Default)]
pub struct Types {
    pub decls: BTreeMap<String, TypeDecl>,
}

impl Types {
    /// The key of type `ty` as seen from class `scope` (`A.B`): nested classes of the scope and
    /// its outer classes first, then top-level ones.
    pub fn lookup(&self, ty: &TypeExpr, scope: &str) -> Option<&str> {
        let written = ty.path.join(".");
        let mut s = scope;
        loop {
            let key = if s.is_empty() {
                written.clone()
            } else {
                format!("{s}.{written}")
            };
            if let Some((k, _)) = self.decls.get_key_value(&key) {
                return Some(k);
            }
            if s.is_empty() {
                break;
            }
            s = s.rsplit_once('.').map_or("", |(outer, _)| outer);
        }
        // A fully qualified name (`com.taobao.api.domain.Thing`): its last segment.
        (ty.path.len() > 1)
            .then(|| self.decls.get_key_value(&ty.name).map(|(k, _)| k.as_str()))
            .flatten()
    }
}

/// What a language's type names mean.
pub fn scalar_of(name: &str) -> Option<(Scalar, bool)> {
    Some(match name {
        "String" | "string" | "char" | "Character" | "StringBuilder" => (Scalar::String, false),
        "Long" | "long" | "Integer" | "int" | "Short" | "short" | "Byte" | "BigInteger" | "Int64"
        | "Int32" | "Int16" | "uint" | "ulong" | "ushort" | "sbyte" => (Scalar::Number, false),
        "Double" | "double" | "Float" | "float" | "BigDecimal" | "decimal" | "Decimal" => {
            (Scalar::Number, true)
        }
        "Boolean" | "boolean" | "bool" => (Scalar::Boolean, false),
        "Date" | "DateTime" | "LocalDateTime" => (Scalar::Date, false),
        "Object" | "object" | "Map" | "HashMap" | "IDictionary" | "Dictionary" | "JSONObject"
        | "JObject" | "JSONArray" => (Scalar::Json, false),
        _ => return None,
    })
}

pub fn is_list_type(t: &TypeExpr) -> Option<&TypeExpr> {
    match t.name.as_str() {
        "List" | "ArrayList" | "IList" | "Collection" | "Set" | "ICollection" | "IEnumerable"
        | "LinkedList" | "HashSet"
            if t.args.len() == 1 =>
        {
            Some(&t.args[0])
        }
        _ => None,
    }
}

pub fn is_file_type(t: &TypeExpr) -> bool {
    t.name == "FileItem" || (t.array && (t.name == "byte" || t.name == "Byte"))
}

/// Resolves types into fields, noting what it had to give up on.
pub struct Resolver<'a> {
    pub types: &'a Types,
    pub warnings: Vec<String>,
    stack: Vec<String>,
}

/// Nesting deeper than this becomes `Json` (the spec format refuses more).
const MAX_DEPTH: usize = crate::validate::MAX_DEPTH - 1;

impl<'a> Resolver<'a> {
    pub fn new(types: &'a Types) -> Self {
        Resolver {
            types,
            warnings: Vec::new(),
            stack: Vec::new(),
        }
    }

    /// The fields of the type at `key`.
    pub fn fields_of(&mut self, key: &str, path: &str) -> Vec<Field> {
        let Some(decl) = self.types.decls.get(key) else {
            return Vec::new();
        };
        self.stack.push(key.to_string());
        let mut out = Vec::new();
        for wf in &decl.fields {
            let at = join(path, &wf.wire);
            let mut f = self.field(&wf.wire, &wf.ty, key, &at);
            if wf.list && !f.ty.is_list() {
                // `@ApiListField` on a non-list type: the annotation wins.
                f.ty = match f.ty {
                    TypeRef::Scalar(s) => TypeRef::List(s),
                    TypeRef::Object(n) => TypeRef::ObjectList(n),
                    other => other,
                };
            }
            if let Some(item) = &wf.item
                && f.ty.is_list()
                && *item != f.list_item_name()
            {
                f.item_name = Some(item.clone());
            }
            f.description = wf.doc.clone();
            out.push(f);
        }
        self.stack.pop();
        out
    }

    /// A field of type `ty` named `wire`, its type looked up from class `scope`.
    pub fn field(&mut self, wire: &str, ty: &TypeExpr, scope: &str, at: &str) -> Field {
        let ty = ty.unwrap_nullable();
        let (elem, list) = match is_list_type(ty) {
            Some(e) => (e.unwrap_nullable(), true),
            None if ty.array && !is_file_type(ty) => (ty, true),
            None => (ty, false),
        };
        let mut f = Field::new(wire, TypeRef::Scalar(Scalar::Json));
        if let Some((s, decimal)) = scalar_of(&elem.name) {
            f.ty = if list { TypeRef::List(s) } else { TypeRef::Scalar(s) };
            f.decimal = decimal && s == Scalar::Number;
            return f;
        }
        if is_file_type(elem) {
            f.ty = TypeRef::File;
            return f;
        }
        let Some(key) = self.types.lookup(elem, scope).map(str::to_string) else {
            self.warnings.push(format!(
                "{at}: type `{elem}` is not in these sources: typed Json"
            ));
            return f;
        };
        if let Some(i) = self.stack.iter().position(|k| *k == key) {
            let cycle: Vec<&str> = self.stack[i..]
                .iter()
                .chain(std::iter::once(&key))
                .map(|k| self.types.decls[k].name.as_str())
                .collect();
            self.warnings.push(format!(
                "{at}: type `{}` contains itself ({}): this field is typed Json",
                self.types.decls[&key].name,
                cycle.join(" -> ")
            ));
            return f;
        }
        if self.stack.len() >= MAX_DEPTH {
            self.warnings.push(format!(
                "{at}: nested deeper than {MAX_DEPTH} levels: typed Json"
            ));
            return f;
        }
        let fields = self.fields_of(&key, at);
        let name = self.types.decls[&key].name.clone();
        if fields.is_empty() {
            self.warnings.push(format!(
                "{at}: type `{name}` has no fields with wire names: typed Json"
            ));
            return f;
        }
        f.ty = if list {
            TypeRef::ObjectList(name)
        } else {
            TypeRef::Object(name)
        };
        f.fields = fields;
        f
    }

    /// A request param as a spec field, its rules as constraints (a rule that does not fit the
    /// type is dropped with a warning).
    pub fn param(&mut self, p: &ParamDecl, scope: &str, method: &str) -> Field {
        let at = format!("{method}: request.{}", p.wire);
        let mut f = match &p.ty {
            _ if p.file => Field::new(&p.wire, TypeRef::File),
            Some(ty) => self.field(&p.wire, ty, scope, &at),
            None if p.min_value.is_some() || p.max_value.is_some() => {
                Field::new(&p.wire, TypeRef::Scalar(Scalar::Number))
            }
            None => Field::new(&p.wire, TypeRef::Scalar(Scalar::String)),
        };
        // The SDKs send comma-joined lists as a String with a list-size rule; a String with an
        // object-list rule and no setter naming its type is JSON of objects the sources do
        // not describe.
        let mut untyped_list = false;
        if p.max_list_size.is_some() && f.ty == TypeRef::Scalar(Scalar::String) {
            if p.object_list {
                untyped_list = true;
                self.warnings.push(format!(
                    "{at}: a list of objects whose type the sources do not name: typed Json"
                ));
                f.ty = TypeRef::Scalar(Scalar::Json);
            } else {
                f.ty = TypeRef::List(Scalar::String);
            }
        }
        f.required = p.required;
        f.description = p.doc.clone();
        let numeric = f.ty == TypeRef::Scalar(Scalar::Number);
        let mut c = Constraints {
            max_length: p.max_length,
            ..Constraints::default()
        };
        if p.max_list_size.is_some() {
            if f.ty.is_list() {
                c.max_list_size = p.max_list_size;
            } else if !untyped_list {
                self.warnings
                    .push(format!("{at}: a list-size rule on a {}: dropped", f.ty));
            }
        }
        if p.min_value.is_some() || p.max_value.is_some() {
            if numeric && p.min_value.zip(p.max_value).is_none_or(|(lo, hi)| lo <= hi) {
                c.min_value = p.min_value;
                c.max_value = p.max_value;
            } else {
                self.warnings.push(format!(
                    "{at}: value rules ({:?}..{:?}) on a {}: dropped",
                    p.min_value, p.max_value, f.ty
                ));
            }
        }
        f.constraints = c;
        f
    }
}

fn join(path: &str, wire: &str) -> String {
    if path.is_empty() {
        wire.to_string()
    } else {
        format!("{path}.{wire}")
    }
}

/// Doc comment text as a description: XML doc tags (`<summary>`) and Javadoc tags (`@author`)
/// removed, `TOP API: x request` lines too.
pub fn description(doc: &str) -> String {
    let mut lines = Vec::new();
    for l in doc.lines() {
        let t = l.trim();
        if t.starts_with('@') || t.starts_with("TOP API:") || t.starts_with("TOP API：") {
            continue;
        }
        let t = t
            .replace("<summary>", "")
            .replace("</summary>", "")
            .replace("<remarks>", "")
            .replace("</remarks>", "");
        if !t.trim().is_empty() {
            lines.push(t.trim().to_string());
        }
    }
    lines.join("\n")
}
