//! # topsdk-schema
//!
//! The description of a Taobao Open Platform (TOP) API as data: its params, their types and
//! rules, the response tree with list item names and sensitive fields, and the documented
//! samples. One definition for both sides: `topgen` writes it (the `SCHEMA` of every generated
//! API, the `topsdk` command's catalogue, one JSON line per API) and the `topsdk` runtime reads
//! it (request validation, decoding by schema, masking, the mock gateway). Data rather than
//! code keeps generated bindings small and quick to compile.
//!
//! The JSON form leaves default values out, and writes `method` first, so a reader can find
//! one API among thousands by its text's first bytes ([`LazySchema::method`]).
//!
//! [`doc`] turns TOP's descriptions (text with bits of HTML) into Markdown or plain text: the
//! one conversion for rustdoc, the `topsdk` command and the explorer.
//!
//! Also here, because both sides compute them and must agree: [`response_key`] (the
//! `<method>_response` key of a success body) and [`is_method_name`].

pub mod doc;
pub mod naming;

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// One API method.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApiSchema {
    pub method: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub category: String,
    /// Catalogue package of the category (`legalcase`); empty when unknown.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub category_pkg: String,
    /// Empty when the spec gives none.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub doc_url: String,
    /// `<method>_response` key of a success body ([`response_key`] of the method).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub response_key: String,
    /// Whether repeating the call is harmless (it only reads).
    #[serde(skip_serializing_if = "is_false")]
    pub idempotent: bool,
    /// The docs say it is deprecated or offline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<Deprecation>,
    /// Where the call goes: TOP's `router/rest` or the QIMEN gateway.
    #[serde(skip_serializing_if = "Gateway::is_rest")]
    pub gateway: Gateway,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub request: Vec<Field>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub response: Vec<Field>,
    #[serde(skip_serializing_if = "Examples::is_empty")]
    pub examples: Examples,
}

/// The gateway an API is called through (the spec's `gateway:`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Gateway {
    /// `router/rest`: params form-encoded, `<method>_response` replies.
    #[default]
    Rest,
    /// The QIMEN gateway (`router/qimen/service`): a signed XML `<request>` body with
    /// `customerId`, `<response><flag>..` replies.
    Qimen,
}

impl Gateway {
    fn is_rest(&self) -> bool {
        *self == Gateway::Rest
    }
}

/// Why an API should not be used any more (the spec's `deprecated:`).
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Deprecation {
    pub reason: String,
    /// The gateway no longer serves it.
    #[serde(skip_serializing_if = "is_false")]
    pub offline: bool,
}

/// A request param, a response field or a field of a message topic's content.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Field {
    /// The wire name.
    pub name: String,
    /// The type as documented (`OssTokenResultVo[]`).
    pub ty: String,
    #[serde(skip_serializing_if = "Kind::is_string")]
    pub kind: Kind,
    #[serde(skip_serializing_if = "is_false")]
    pub list: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub required: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub sensitive: bool,
    /// A `Number` with decimals (`topsdk::Decimal`), not an integer.
    #[serde(skip_serializing_if = "is_false")]
    pub decimal: bool,
    /// Wire element name of one list item (`oss_token_result_vo`); empty for non-lists. Empty
    /// for a list: its items are repeated elements of the field's own name without a wrapper
    /// (QIMEN's scalar lists).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub item_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
    #[serde(skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
}

/// TOP's kinds of value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    #[default]
    String,
    Number,
    Boolean,
    Date,
    Price,
    Json,
    File,
    Object,
}

impl Kind {
    fn is_string(&self) -> bool {
        *self == Kind::String
    }

    /// The name the docs use (`String`, `Number`, ...; `byte[]` files are `File`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::String => "String",
            Kind::Number => "Number",
            Kind::Boolean => "Boolean",
            Kind::Date => "Date",
            Kind::Price => "Price",
            Kind::Json => "Json",
            Kind::File => "File",
            Kind::Object => "Object",
        }
    }
}

/// Limits from the doc page's `更多限制` column.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Constraints {
    /// In characters, not bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_list_size: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_value: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_value: Option<i64>,
    /// What the gateway applies when the param is absent (documentation only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

impl Constraints {
    fn is_empty(&self) -> bool {
        let Constraints {
            max_length,
            max_list_size,
            min_value,
            max_value,
            default,
        } = self;
        max_length.is_none()
            && max_list_size.is_none()
            && min_value.is_none()
            && max_value.is_none()
            && default.is_none()
    }
}

/// The documented samples.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Examples {
    /// Request param values by wire name, as the doc's request sample sets them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub request: Vec<(String, String)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_xml: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_json: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_json_simplified: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_xml: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_json: Option<String>,
}

impl Examples {
    fn is_empty(&self) -> bool {
        let Examples {
            request,
            response_xml,
            response_json,
            response_json_simplified,
            error_xml,
            error_json,
        } = self;
        request.is_empty()
            && [
                response_xml,
                response_json,
                response_json_simplified,
                error_xml,
                error_json,
            ]
            .iter()
            .all(|e| e.is_none())
    }
}

/// A TMC message topic and its content's fields (the `topsdk` command's topic catalogue).
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TopicSchema {
    /// The wire name, e.g. `taobao_trade_TradeCreate`.
    pub topic: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// The doc center's group, e.g. `淘宝交易`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub group: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Field {
    /// Whether a request param has anything to check (required, or a constraint).
    pub fn has_rules(&self) -> bool {
        let c = &self.constraints;
        self.required
            || c.max_length.is_some()
            || c.max_list_size.is_some()
            || c.min_value.is_some()
            || c.max_value.is_some()
    }
}

impl ApiSchema {
    /// The request param named `name`.
    pub fn param(&self, name: &str) -> Option<&Field> {
        self.request.iter().find(|f| f.name == name)
    }

    /// The schema's JSON form (what [`LazySchema`] reads).
    pub fn to_json(&self) -> String {
        // Plain data of strings, numbers and lists cannot fail to serialize.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The `<name>_response` key of a success body: a leading `taobao.` removed, dots to `_`
/// (`taobao.item.seller.get` -> `item_seller_get_response`).
pub fn response_key(method: &str) -> String {
    let m = method.strip_prefix("taobao.").unwrap_or(method);
    format!("{}_response", m.replace('.', "_"))
}

/// Whether `m` is a TOP method name: two or more dot-separated parts of ASCII letters, digits,
/// `_` and `-` (Aliyun-style methods in the catalogue carry `-`).
pub fn is_method_name(m: &str) -> bool {
    m.split('.').count() >= 2
        && m.split('.').all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        })
}

/// A schema as emitted: JSON text, parsed on first use.
pub struct LazySchema {
    json: &'static str,
    cell: OnceLock<ApiSchema>,
}

impl LazySchema {
    pub const fn new(json: &'static str) -> LazySchema {
        LazySchema {
            json,
            cell: OnceLock::new(),
        }
    }

    /// The method name, read from the text's start where topgen writes it (`{"method":"..."`),
    /// so finding one API among thousands parses none of the others.
    pub fn method(&'static self) -> &'static str {
        if let Some(s) = self.cell.get() {
            return &s.method;
        }
        self.json
            .strip_prefix("{\"method\":\"")
            .and_then(|rest| rest.split_once('"'))
            .map(|(m, _)| m)
            .filter(|m| !m.contains('\\'))
            .unwrap_or_else(|| &self.get().method)
    }

    /// The parsed schema.
    ///
    /// # Panics
    ///
    /// When the text does not parse as this schema: then the bindings were generated by a
    /// topgen of another version, which the runtime's `check_abi` already refuses at compile
    /// time. Not an empty schema: that would silently switch validation off. (Both sides use
    /// this crate's types, and tests parse every schema of the catalogue.)
    pub fn get(&'static self) -> &'static ApiSchema {
        self.cell
            .get_or_init(|| match serde_json::from_str(self.json) {
                Ok(s) => s,
                Err(e) => panic!(
                    "API schema does not parse ({e}): topgen and topsdk versions differ \
                     (schema starts {:?})",
                    self.json.chars().take(80).collect::<String>()
                ),
            })
    }
}

impl std::fmt::Debug for LazySchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LazySchema")
            .field("json_len", &self.json.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_keys() {
        for (method, key) in [
            ("taobao.item.seller.get", "item_seller_get_response"),
            (
                "alibaba.kongur.token.getosstoken",
                "alibaba_kongur_token_getosstoken_response",
            ),
            ("taobao.taobao.x", "taobao_x_response"),
            ("tmall.a-b.c", "tmall_a-b_c_response"),
        ] {
            assert_eq!(response_key(method), key, "{method}");
        }
    }

    #[test]
    fn method_names() {
        for ok in ["a.b", "taobao.item.seller.get", "aliyun.x-y.z_1"] {
            assert!(is_method_name(ok), "{ok}");
        }
        for bad in [
            "", "a", "a.", ".a", "a..b", "a.b c", "a.b\n", "a.b\u{0}", "淘宝.x", "a/b.c", "a.b?x=1",
        ] {
            assert!(!is_method_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn defaults_are_left_out_and_the_method_comes_first() {
        let s = ApiSchema {
            method: "a.b".into(),
            response_key: response_key("a.b"),
            request: vec![Field {
                name: "n".into(),
                ty: "Number".into(),
                kind: Kind::Number,
                required: true,
                ..Field::default()
            }],
            ..ApiSchema::default()
        };
        let json = s.to_json();
        assert_eq!(
            json,
            r#"{"method":"a.b","response_key":"a_b_response","request":[{"name":"n","ty":"Number","kind":"Number","required":true}]}"#
        );
        let lazy: &'static LazySchema =
            Box::leak(Box::new(LazySchema::new(Box::leak(json.into_boxed_str()))));
        assert_eq!(lazy.method(), "a.b");
        assert_eq!(lazy.get().to_json(), s.to_json());
        // Unknown keys are refused: a schema of another version is loud, not half-read.
        assert!(serde_json::from_str::<ApiSchema>(r#"{"method":"a.b","new_key":1}"#).is_err());
    }
}
