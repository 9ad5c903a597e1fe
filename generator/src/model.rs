//! The spec model: what one YAML file under `spec/` says about one TOP API.
//!
//! Key-by-key documentation lives in `spec/README.md`; keep the two in step.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One TOP API method.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ApiSpec {
    /// `alibaba.kongur.token.getosstoken`
    pub method: String,
    /// The Chinese title shown next to the method name on the doc page.
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// The category as the doc page's breadcrumb names it (e.g. `法务服务API`).
    #[serde(default)]
    pub category: String,
    /// The category's package name in the TOP catalogue (e.g. `legalcase`), used to select bindings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_pkg: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_url: Option<String>,
    /// Whether the call only reads, so that repeating it is harmless: decides whether the
    /// runtime may retry it after TOP may have executed it (`isp.*`, 5xx, timeouts). Absent:
    /// guessed from the method name (`heuristics::read_only_method`); the importers write it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotent: Option<bool>,
    /// The docs say the API is deprecated (废弃, 已迁移) or no longer served (下线): rustdoc
    /// `#[deprecated]`, `topsdk describe` and a warning from `topsdk call`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<Deprecation>,
    /// The gateway the call goes through; absent: TOP's `router/rest`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<Gateway>,
    #[serde(default)]
    pub request: Vec<Field>,
    #[serde(default)]
    pub response: Vec<Field>,
    #[serde(default)]
    pub examples: Examples,
    /// The error-code table of the doc page (`错误码 错误描述 解决方案`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub error_codes: Vec<ErrorCode>,
}

/// The gateway the docs' shape names (see `heuristics::is_qimen_api`), for importers.
pub fn gateway_by_shape(method: &str, request: &[Field], response: &[Field]) -> Option<Gateway> {
    fn single_object(fields: &[Field]) -> Option<&str> {
        match fields {
            [f] if f.ty.object_name().is_some() => Some(f.name.as_str()),
            _ => None,
        }
    }
    crate::heuristics::is_qimen_api(method, single_object(request), single_object(response))
        .then_some(Gateway::Qimen)
}

/// What the docs' title and description say of an API's end, as the spec's `deprecated:`.
pub fn deprecation_in(title: &str, description: &str) -> Option<Deprecation> {
    crate::heuristics::deprecation_in(title, description).map(|d| Deprecation {
        reason: d.reason,
        offline: d.offline,
    })
}

/// Where an API is called (the spec's `gateway:`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Gateway {
    /// TOP's `router/rest` (the default).
    Rest,
    /// The QIMEN gateway: the params as an XML `<request>` body signed with the query,
    /// `customerId` in the query, a `<response><flag>..</flag>..</response>` reply.
    Qimen,
}

/// A request param or a response field, with its sub-fields when it is an object.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// The wire name (kept byte for byte; the Rust name is derived from it).
    pub name: String,
    #[serde(rename = "type")]
    pub ty: TypeRef,
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
    /// Kept out of `Debug`, logs and CLI output (`***`). Absent: guessed from the name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitive: Option<bool>,
    /// `Number` values with decimals (money in 元, coordinates, ratios): typed
    /// `topsdk::Decimal` (exact decimal text) instead of `i64`. Only for `Number`/`Number[]`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub decimal: bool,
    /// Element name of one list item on the wire, where it differs from the default
    /// (snake_case of the item type, `string`/`number`/... for primitives).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_name: Option<String>,
    /// Sub-fields of an object type (or of the items of an object list).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl ApiSpec {
    /// Whether repeating the call is harmless: the spec's word, else a guess from the name.
    pub fn is_idempotent(&self) -> bool {
        self.idempotent
            .unwrap_or_else(|| crate::heuristics::read_only_method(&self.method))
    }
}

impl Field {
    /// A field of that name and type with nothing else said about it.
    pub fn new(name: impl Into<String>, ty: TypeRef) -> Field {
        Field {
            name: name.into(),
            ty,
            required: false,
            example: None,
            description: String::new(),
            constraints: Constraints::default(),
            sensitive: None,
            decimal: false,
            item_name: None,
            fields: Vec::new(),
        }
    }

    /// Whether the field is kept out of `Debug` and logs: the spec's word, else a guess from the name.
    pub fn is_sensitive(&self) -> bool {
        self.sensitive
            .unwrap_or_else(|| crate::heuristics::looks_sensitive(&self.name))
    }

    /// The wire element name of one list item (only meaningful for lists).
    pub fn list_item_name(&self) -> String {
        if let Some(n) = &self.item_name {
            return n.clone();
        }
        match &self.ty {
            TypeRef::ObjectList(t) => heck::ToSnakeCase::to_snake_case(t.as_str()),
            TypeRef::List(s) => s.item_element().to_string(),
            _ => String::new(),
        }
    }
}

impl Field {
    /// The XML element name of one list item of a QIMEN API: lowerCamelCase of the item type
    /// (`OrderLine[]` items are `<orderLine>`, as the QIMEN docs write them); none for lists of
    /// scalars, which the runtime writes as repeated elements of the field's name without a
    /// wrapper (`sn: String[]` is `<sn>a</sn><sn>b</sn>`).
    pub fn qimen_item_name(&self) -> String {
        if let Some(n) = &self.item_name {
            return n.clone();
        }
        match &self.ty {
            TypeRef::ObjectList(t) => heck::ToLowerCamelCase::to_lower_camel_case(t.as_str()),
            _ => String::new(),
        }
    }
}

/// Limits from the doc page's `更多限制` column.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Constraints {
    /// Maximum length in characters (not bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_list_size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_value: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_value: Option<i64>,
    /// Default value the gateway applies when the param is absent (documentation only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

/// The documented samples.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    /// Request param values, by wire name, as the doc's request sample sets them.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub request: std::collections::BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_xml: Option<String>,
    /// Non-simplified JSON: outer `<name>_response` wrapper and list wrappers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_json: Option<String>,
    /// `simplify=true` JSON: no outer wrapper, lists as plain arrays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_json_simplified: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_xml: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_json: Option<String>,
}

/// The two field trees of an API: the request params and the response fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Side {
    Request,
    Response,
}

impl Side {
    /// `request` or `response`: the spec's key, and the submodule of an API's module that
    /// declares the side's object types.
    pub fn key(self) -> &'static str {
        match self {
            Side::Request => "request",
            Side::Response => "response",
        }
    }
}

/// A field tree in one line, `order{items[]{name,num},name}`: for tests and messages that
/// compare nesting.
pub fn outline(fields: &[Field]) -> String {
    fields
        .iter()
        .map(|f| {
            let list = if f.ty.is_list() { "[]" } else { "" };
            if f.fields.is_empty() {
                format!("{}{list}", f.name)
            } else {
                format!("{}{list}{{{}}}", f.name, outline(&f.fields))
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Why an API should not be used any more.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Deprecation {
    /// What the docs say (with the replacement, when they name one).
    pub reason: String,
    /// The gateway no longer serves it: calls fail.
    #[serde(default, skip_serializing_if = "is_false")]
    pub offline: bool,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorCode {
    pub code: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub solution: String,
}

/// TOP's scalar types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scalar {
    String,
    Number,
    Boolean,
    Date,
    Price,
    Json,
}

impl Scalar {
    pub const ALL: [Scalar; 6] = [
        Scalar::String,
        Scalar::Number,
        Scalar::Boolean,
        Scalar::Date,
        Scalar::Price,
        Scalar::Json,
    ];

    /// The kind of value the runtime's schema gives it (one list of TOP's type names, in
    /// `topsdk-schema`).
    pub fn kind(self) -> topsdk_schema::Kind {
        use topsdk_schema::Kind;
        match self {
            Scalar::String => Kind::String,
            Scalar::Number => Kind::Number,
            Scalar::Boolean => Kind::Boolean,
            Scalar::Date => Kind::Date,
            Scalar::Price => Kind::Price,
            Scalar::Json => Kind::Json,
        }
    }

    /// The name the docs use (`String`, `Number`, ...).
    pub fn name(self) -> &'static str {
        self.kind().as_str()
    }

    pub(crate) fn parse(s: &str) -> Option<Scalar> {
        Scalar::ALL.into_iter().find(|k| k.name() == s)
    }

    /// TOP's list-item element for a primitive list (`"tags": {"string": [..]}`).
    pub fn item_element(self) -> &'static str {
        match self {
            Scalar::String | Scalar::Json => "string",
            Scalar::Number => "number",
            Scalar::Boolean => "boolean",
            Scalar::Date => "date",
            Scalar::Price => "price",
        }
    }
}

/// A field's TOP type, parsed from the spec's `type:` text.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TypeRef {
    Scalar(Scalar),
    /// `String[]`, `Number[]`, `Field List` ...: comma-joined on the wire.
    List(Scalar),
    /// `byte[]`: a file upload, multipart on the wire.
    File,
    /// An object type named in the docs (`KongurOssResultDo`).
    Object(String),
    /// A list of objects (`OssTokenResultVo[]`).
    ObjectList(String),
}

/// Why a `type:` text is not a TOP type.
#[derive(Debug)]
pub struct BadType(pub String);

impl fmt::Display for BadType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TypeRef {
    /// Parses the canonical spelling (`String`, `Number[]`, `Field List`, `byte[]`, `Foo`,
    /// `Foo[]`); the doc pages' `Foo []` (space before the brackets) is accepted too.
    pub fn parse(text: &str) -> Result<TypeRef, BadType> {
        let t = text.trim();
        if t == "Field List" {
            return Ok(TypeRef::List(Scalar::String));
        }
        let (base, list) = match t.strip_suffix("[]") {
            Some(b) => (b.trim_end(), true),
            None => (t, false),
        };
        if base.is_empty() {
            return Err(BadType(format!("empty type `{text}`")));
        }
        if base == "byte" {
            return if list {
                Ok(TypeRef::File)
            } else {
                Err(BadType(
                    "`byte` is not a TOP type (a file upload is `byte[]`)".into(),
                ))
            };
        }
        if let Some(s) = Scalar::parse(base) {
            return Ok(if list {
                TypeRef::List(s)
            } else {
                TypeRef::Scalar(s)
            });
        }
        let valid = base.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && base.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(BadType(format!(
                "unknown type `{text}`: expected String, Number, Boolean, Date, Price, Json, \
                 byte[], Field List, T[] or an object type name (letters, digits, `_`)"
            )));
        }
        if base.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
            return Err(BadType(format!(
                "unknown type `{text}`: object type names start with an uppercase letter; \
                 the scalar types are String, Number, Boolean, Date, Price, Json"
            )));
        }
        Ok(if list {
            TypeRef::ObjectList(base.to_string())
        } else {
            TypeRef::Object(base.to_string())
        })
    }

    /// The object type named, for objects and object lists.
    pub fn object_name(&self) -> Option<&str> {
        match self {
            TypeRef::Object(n) | TypeRef::ObjectList(n) => Some(n),
            _ => None,
        }
    }

    pub fn is_list(&self) -> bool {
        matches!(self, TypeRef::List(_) | TypeRef::ObjectList(_))
    }

    /// `Number` or `Number[]`: the types `decimal:` applies to.
    pub fn is_number(&self) -> bool {
        matches!(
            self,
            TypeRef::Scalar(Scalar::Number) | TypeRef::List(Scalar::Number)
        )
    }
}

impl fmt::Display for TypeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeRef::Scalar(s) => f.write_str(s.name()),
            TypeRef::List(s) => write!(f, "{}[]", s.name()),
            TypeRef::File => f.write_str("byte[]"),
            TypeRef::Object(n) => f.write_str(n),
            TypeRef::ObjectList(n) => write!(f, "{n}[]"),
        }
    }
}

impl Serialize for TypeRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TypeRef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        // Failing here (not in a later pass) lets serde_yaml attach the line and column.
        TypeRef::parse(&text).map_err(serde::de::Error::custom)
    }
}
