//! Nesting the flat rows into field trees (response from the XML sample, request from the
//! Java sample), and the typed JSON of the XML sample.

use super::rows::Row;
use crate::import::Warnings;
use crate::import::xml::Element;
use crate::model::{Constraints, Field, Scalar, TypeRef};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A TOP type from the page's spelling; unknown ones become String with a warning.
fn type_of(row: &Row, request: bool, depth: usize, w: &mut Warnings) -> TypeRef {
    let compact: String = row.ty.split_whitespace().collect();
    let at = format!("line {}", row.line + 1);
    match compact.as_str() {
        "byte[]" | "byte" if request && depth == 1 => return TypeRef::File,
        "byte[]" | "byte" => {
            w.push(
                &at,
                format!(
                    "`{}`: binary outside top-level request params; mapped to String",
                    row.name
                ),
            );
            return TypeRef::Scalar(Scalar::String);
        }
        "FieldList" => return TypeRef::List(Scalar::String),
        _ => {}
    }
    TypeRef::parse(&compact).unwrap_or_else(|e| {
        w.push(&at, format!("`{}`: {e}; mapped to String", row.name));
        TypeRef::Scalar(Scalar::String)
    })
}

fn field_of(row: &Row, ty: TypeRef) -> Field {
    Field {
        name: row.name.clone(),
        decimal: ty.is_number() && crate::heuristics::looks_decimal(&row.name, &row.description),
        ty,
        required: row.required,
        example: row.example.clone(),
        description: row.description.clone(),
        constraints: row.constraints.clone(),
        sensitive: crate::heuristics::looks_sensitive(&row.name).then_some(true),
        item_name: None,
        fields: Vec::new(),
    }
}

/// An open object while nesting: its path in the tree and its XML element (items for lists).
struct Frame<'x> {
    path: Vec<usize>,
    xml: Option<&'x Element>,
    type_name: String,
}

fn node_ref<'f>(root: &'f [Field], path: &[usize]) -> &'f [Field] {
    let mut cur = root;
    for &i in path {
        cur = &cur[i].fields;
    }
    cur
}

fn node_at<'f>(root: &'f mut Vec<Field>, path: &[usize]) -> &'f mut Vec<Field> {
    let mut cur = root;
    for &i in path {
        cur = &mut cur[i].fields;
    }
    cur
}

pub(super) fn nest_response(
    rows: Vec<Row>,
    tables: &Tables,
    xml: Option<&Element>,
    w: &mut Warnings,
) -> Vec<Field> {
    let mut root: Vec<Field> = Vec::new();
    let mut stack: Vec<Frame<'_>> = vec![Frame {
        path: vec![],
        xml,
        type_name: String::new(),
    }];
    let mut guessed = false;
    for row in rows {
        if row.top {
            stack.truncate(1);
        } else {
            // The innermost open object whose XML has this child and that does not have the
            // field yet (a name repeated at two levels goes to the next one out).
            let found = stack.iter().rposition(|f| {
                f.xml.is_some_and(|x| x.child(&row.name).is_some())
                    && !node_ref(&root, &f.path).iter().any(|x| x.name == row.name)
            });
            match found {
                Some(p) if p > 0 || stack.len() == 1 => stack.truncate(p + 1),
                _ => {
                    if !guessed {
                        w.push(
                            &format!("line {}", row.line + 1),
                            format!("`{}`: nesting guessed from row order (not found in the XML sample)", row.name),
                        );
                        guessed = true;
                    }
                }
            }
        }
        // A name the object already has is a nesting signal: it belongs further out.
        close_where_taken(&mut stack, &mut root, &row.name);
        let depth = stack.len();
        let ty = type_of(&row, false, depth, w);
        let frame = stack.last();
        let parent_xml = frame.and_then(|f| f.xml);
        let path = frame.map(|f| f.path.clone()).unwrap_or_default();
        let mut field = field_of(&row, ty.clone());
        let el = parent_xml.and_then(|x| x.child(&row.name));
        let context = match (&ty, el) {
            (TypeRef::ObjectList(t), Some(el)) => {
                let item = el.children.first();
                if let Some(item) = item
                    && item.name != heck::ToSnakeCase::to_snake_case(t.as_str())
                {
                    field.item_name = Some(item.name.clone());
                }
                item
            }
            (TypeRef::List(s), Some(el)) => {
                if let Some(item) = el.children.first()
                    && item.name != s.item_element()
                {
                    field.item_name = Some(item.name.clone());
                }
                None
            }
            (_, el) => el,
        };
        let siblings = node_at(&mut root, &path);
        if taken(siblings, &row, w) {
            continue;
        }
        siblings.push(field);
        if ty.object_name().is_some() {
            let mut p = path;
            p.push(siblings.len() - 1);
            stack.push(Frame {
                path: p,
                xml: context,
                type_name: String::new(),
            });
        }
    }
    fill_from_tables(&mut root, tables, false, xml, &mut Vec::new(), w);
    fields_from_xml(&mut root, xml, w);
    fix_empty_objects(&mut root, w);
    root
}

/// The tables after a field list, by the object type each describes.
pub(super) type Tables = BTreeMap<String, Vec<Row>>;

/// Splits the rows of a section into its field list and the tables of object types that
/// follow it (`ItemDto` / `ItemDto 结构` and a `名称 ...` header).
pub(super) fn split_tables(rows: Vec<Row>, w: &mut Warnings) -> (Vec<Row>, Tables) {
    let mut main = Vec::new();
    let mut tables = Tables::new();
    for r in rows {
        match r.owner.clone() {
            None => main.push(r),
            Some(t) => {
                let table = tables.entry(t).or_default();
                if table.iter().any(|x| x.name == r.name) {
                    w.push(
                        &format!("line {}", r.line + 1),
                        format!("`{}` is twice in the table of `{}`; the first kept", r.name, r.owner.as_deref().unwrap_or_default()),
                    );
                    continue;
                }
                table.push(r);
            }
        }
    }
    (main, tables)
}

/// Object fields the field list left empty take their fields from their type's own table
/// (typed as the table says, item names from the XML sample), recursively; `open` holds the
/// types being filled, so a type that contains itself stops there.
pub(super) fn fill_from_tables(
    fields: &mut [Field],
    tables: &Tables,
    request: bool,
    el: Option<&Element>,
    open: &mut Vec<String>,
    w: &mut Warnings,
) {
    for f in fields.iter_mut() {
        let child = el.and_then(|e| e.child(&f.name));
        // For a list, the XML of one item.
        let context = match (&f.ty, child) {
            (TypeRef::ObjectList(_), Some(c)) => c.children.first(),
            (_, c) => c,
        };
        if let Some(t) = f.ty.object_name().map(str::to_string)
            && f.fields.is_empty()
            && let Some(rows) = tables.get(&t)
        {
            if open.contains(&t) {
                w.push(
                    &f.name,
                    format!("`{t}` contains itself; its fields stop at this level"),
                );
                continue;
            }
            f.fields = rows
                .iter()
                .map(|r| field_of(r, type_of(r, request, open.len() + 2, w)))
                .collect();
            if let (TypeRef::ObjectList(_), Some(item)) = (&f.ty, context)
                && item.name != heck::ToSnakeCase::to_snake_case(t.as_str())
            {
                f.item_name = Some(item.name.clone());
            }
            for sub in f.fields.iter_mut() {
                if let (TypeRef::List(s), Some(item)) = (
                    &sub.ty,
                    context
                        .and_then(|c| c.child(&sub.name))
                        .and_then(|c| c.children.first()),
                ) && item.name != s.item_element()
                {
                    sub.item_name = Some(item.name.clone());
                }
            }
            open.push(t);
            fill_from_tables(&mut f.fields, tables, request, context, open, w);
            open.pop();
        } else {
            fill_from_tables(&mut f.fields, tables, request, context, open, w);
        }
    }
}

/// Objects whose rows the page lost (pipe tables) get their fields from the XML sample.
fn fields_from_xml(fields: &mut [Field], el: Option<&Element>, w: &mut Warnings) {
    let Some(el) = el else { return };
    for f in fields.iter_mut() {
        let Some(child) = el.child(&f.name) else {
            continue;
        };
        let node = if f.ty.is_list() {
            child.children.first()
        } else {
            Some(child)
        };
        if f.fields.is_empty() && f.ty.object_name().is_some() {
            if let Some(node) = node.filter(|n| !n.children.is_empty()) {
                w.push(
                    &f.name,
                    format!(
                        "fields of `{}` taken from the XML sample, typed String",
                        f.name
                    ),
                );
                let mut seen = std::collections::BTreeSet::new();
                f.fields = node
                    .children
                    .iter()
                    .filter(|c| seen.insert(c.name.clone()))
                    .map(|c| Field {
                        name: c.name.clone(),
                        ty: TypeRef::Scalar(Scalar::String),
                        required: false,
                        example: Some(c.text.trim().to_string()).filter(|t| !t.is_empty()),
                        description: String::new(),
                        constraints: Constraints::default(),
                        sensitive: crate::heuristics::looks_sensitive(&c.name).then_some(true),
                        decimal: false,
                        item_name: None,
                        fields: Vec::new(),
                    })
                    .collect();
            }
        } else if !f.fields.is_empty() {
            fields_from_xml(&mut f.fields, node, w);
        }
    }
}

/// Request nesting from the Java sample: which fields are set on each object type, in order.
/// The sample builds every object, adds items to lists and sets them on their parent, so it
/// spells out the exact tree, also where a field name repeats at two levels.
#[derive(Default)]
pub(super) struct Java {
    /// Object type (`req` for the request) -> the fields set on it, in order.
    fields: BTreeMap<String, Vec<String>>,
    pub(super) values: BTreeMap<String, String>,
}

impl Java {
    pub(super) fn parse(lines: &[&str]) -> Java {
        let mut j = Java::default();
        let mut var_type: BTreeMap<String, String> = BTreeMap::new();
        for l in lines {
            // `Outer.Inner obj1 = new Outer.Inner();`, `List<Outer.Inner> list2 = new ...;`
            if let Some((decl, _)) = l.split_once(" = new ") {
                if let Some((ty, var)) = decl.trim().rsplit_once(char::is_whitespace) {
                    var_type.insert(var.trim().to_string(), java_type(ty));
                }
                continue;
            }
            // `var.setFooBar(arg);`
            let Some((var, rest)) = l.split_once(".set") else {
                continue;
            };
            let Some((setter, arg)) = rest.split_once('(') else {
                continue;
            };
            if var.contains(' ') || setter.is_empty() {
                continue;
            }
            let field = heck::ToSnakeCase::to_snake_case(setter);
            let arg = arg
                .trim_end_matches(';')
                .trim()
                .trim_end_matches(')')
                .trim();
            let owner = if var == "req" {
                "req".to_string()
            } else {
                match var_type.get(var) {
                    Some(t) => t.clone(),
                    None => continue,
                }
            };
            let set = j.fields.entry(owner).or_default();
            if !set.contains(&field) {
                set.push(field.clone());
            }
            if var == "req"
                && let Some(v) = literal(arg)
            {
                j.values.insert(field, v);
            }
        }
        j
    }

    /// Whether the sample sets `field` on objects of type `ty`.
    fn sets(&self, ty: &str, field: &str) -> bool {
        self.fields
            .get(ty)
            .is_some_and(|f| f.iter().any(|n| n == field))
    }

    fn knows(&self, field: &str) -> bool {
        self.fields.values().any(|f| f.iter().any(|n| n == field))
    }
}

/// `Outer.Inner` -> `Inner`; `List<Outer.Inner>` -> `Inner` (a list's item type).
fn java_type(ty: &str) -> String {
    let inner = match (ty.find('<'), ty.rfind('>')) {
        (Some(a), Some(b)) if a < b => &ty[a + 1..b],
        _ => ty,
    };
    inner.trim().rsplit('.').next().unwrap_or(inner).to_string()
}

/// The value of a Java literal argument: `"x"`, `1L`, `true`, `StringUtils.parseDateTime("…")`.
fn literal(arg: &str) -> Option<String> {
    let a = arg.trim();
    let inner = a
        .strip_prefix("StringUtils.parseDateTime(")
        .map(|r| r.trim_end_matches(')'))
        .unwrap_or(a);
    if let Some(s) = inner.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        return Some(s.replace("\\\"", "\""));
    }
    let n = inner.trim_end_matches(['L', 'l']);
    if n.parse::<f64>().is_ok() || inner == "true" || inner == "false" {
        return Some(n.to_string());
    }
    None
}

pub(super) fn nest_request(rows: Vec<Row>, java: &Java, w: &mut Warnings) -> Vec<Field> {
    let mut root: Vec<Field> = Vec::new();
    let mut stack: Vec<Frame<'_>> = vec![Frame {
        path: vec![],
        xml: None,
        type_name: "req".into(),
    }];
    for row in rows {
        let at = format!("line {}", row.line + 1);
        // The innermost open object the Java sample sets this field on and that does not
        // have it yet (a name repeated at two levels goes to the next one out).
        let by_java = stack.iter().rposition(|f| {
            java.sets(&f.type_name, &row.name)
                && !node_at(&mut root, &f.path)
                    .iter()
                    .any(|x| x.name == row.name)
        });
        match by_java {
            Some(p) => stack.truncate(p + 1),
            None if row.top => stack.truncate(1),
            None => {
                if java.knows(&row.name) {
                    w.push(
                        &at,
                        format!("`{}`: the request sample sets it on no open object; placed by row order", row.name),
                    );
                } else {
                    w.push(
                        &at,
                        format!(
                            "`{}`: nesting guessed from row order (not in the request sample)",
                            row.name
                        ),
                    );
                }
                close_where_taken(&mut stack, &mut root, &row.name);
            }
        }
        push_row(&mut stack, &mut root, &row, w);
    }
    fix_empty_objects(&mut root, w);
    root
}

/// Whether the object already has a field of the row's name (only possible at the root once
/// the nesting signals are used): then the row is left out, with a warning, so one parent
/// never gets the same field twice.
fn taken(siblings: &[Field], row: &Row, w: &mut Warnings) -> bool {
    let taken = siblings.iter().any(|f| f.name == row.name);
    if taken {
        w.push(
            &format!("line {}", row.line + 1),
            format!(
                "`{}` is documented twice at one level; the later one is left out",
                row.name
            ),
        );
    }
    taken
}

/// A name already under the current object cannot be its field again: it is a nesting signal,
/// so the objects that have it are closed (down to the root).
fn close_where_taken(stack: &mut Vec<Frame<'_>>, root: &mut Vec<Field>, name: &str) {
    while stack.len() > 1
        && node_at(root, &stack[stack.len() - 1].path)
            .iter()
            .any(|f| f.name == name)
    {
        stack.pop();
    }
}

/// Adds a request row under the innermost open object; an object row opens a frame. A name the
/// object already has (only possible at the root) is left out with a warning: one parent never
/// gets the same field twice.
fn push_row(stack: &mut Vec<Frame<'_>>, root: &mut Vec<Field>, row: &Row, w: &mut Warnings) {
    let depth = stack.len();
    let ty = type_of(row, true, depth, w);
    let path = stack.last().map(|f| f.path.clone()).unwrap_or_default();
    let siblings = node_at(root, &path);
    if taken(siblings, row, w) {
        return;
    }
    siblings.push(field_of(row, ty.clone()));
    if let Some(t) = ty.object_name() {
        let mut p = path;
        p.push(siblings.len() - 1);
        stack.push(Frame {
            path: p,
            xml: None,
            type_name: t.to_string(),
        });
    }
}

/// An object type whose rows the page does not show is kept as raw JSON.
fn fix_empty_objects(fields: &mut [Field], w: &mut Warnings) {
    for f in fields {
        if f.fields.is_empty() && f.ty.object_name().is_some() {
            w.push(
                &f.name,
                format!("object type `{}` shows no fields; kept as raw JSON", f.ty),
            );
            f.ty = if f.ty.is_list() {
                TypeRef::List(Scalar::Json)
            } else {
                TypeRef::Scalar(Scalar::Json)
            };
        }
        fix_empty_objects(&mut f.fields, w);
    }
}
/// JSON of an XML sample, typed by the field tree; lists wrapped (`{"item": [..]}`) or plain.
pub(super) fn to_json(el: &Element, fields: &[Field], wrapped: bool) -> Value {
    let mut m = Map::new();
    for child in &el.children {
        let f = fields.iter().find(|f| f.name == child.name);
        let v = match f {
            Some(f) if f.ty.is_list() => {
                let items: Vec<Value> = child
                    .children
                    .iter()
                    .map(|i| match &f.ty {
                        TypeRef::ObjectList(_) => to_json(i, &f.fields, wrapped),
                        TypeRef::List(s) => scalar(*s, &i.text),
                        _ => Value::from(i.text.trim()),
                    })
                    .collect();
                if wrapped {
                    let mut w = Map::new();
                    w.insert(f.list_item_name(), Value::Array(items));
                    Value::Object(w)
                } else {
                    Value::Array(items)
                }
            }
            Some(f) if f.ty.object_name().is_some() => to_json(child, &f.fields, wrapped),
            Some(f) => match &f.ty {
                TypeRef::Scalar(s) => scalar(*s, &child.text),
                _ => Value::from(child.text.trim()),
            },
            None if !child.children.is_empty() => to_json(child, &[], wrapped),
            None => Value::from(child.text.trim()),
        };
        m.insert(child.name.clone(), v);
    }
    Value::Object(m)
}

fn scalar(s: Scalar, text: &str) -> Value {
    let t = text.trim();
    match s {
        Scalar::Number => t
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::from(t)),
        Scalar::Boolean if t == "true" || t == "false" => Value::Bool(t == "true"),
        _ => Value::from(t),
    }
}
