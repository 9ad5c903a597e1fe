//! The description of each compiled API, which topgen emits as compact JSON data (`SCHEMA`)
//! and the runtime parses once, on first use. Read by request validation, the mock gateway
//! and the CLI. Data rather than code keeps generated code small and quick to compile.

use serde::Deserialize;
use std::sync::OnceLock;

/// One API method.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApiSchema {
    pub method: String,
    pub title: String,
    pub description: String,
    pub category: String,
    /// Catalogue package of the category (`legalcase`); empty when unknown.
    pub category_pkg: String,
    /// Empty when the spec gives none.
    pub doc_url: String,
    /// `<method>_response` key of a success body.
    pub response_key: String,
    /// Whether repeating the call is harmless (it only reads).
    pub idempotent: bool,
    /// The docs say it is deprecated or offline.
    pub deprecated: Option<Deprecation>,
    /// Where the call goes: TOP's `router/rest` or the QIMEN gateway.
    pub gateway: Gateway,
    pub request: Vec<Field>,
    pub response: Vec<Field>,
    pub examples: Examples,
}

/// The gateway an API is called through (the spec's `gateway:`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Gateway {
    /// `router/rest`: params form-encoded, `<method>_response` replies.
    #[default]
    Rest,
    /// The QIMEN gateway (`router/qimen/service`): a signed XML `<request>` body with
    /// `customerId`, `<response><flag>..` replies.
    Qimen,
}

/// Why an API should not be used any more (the spec's `deprecated:`).
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Deprecation {
    pub reason: String,
    /// The gateway no longer serves it.
    pub offline: bool,
}

/// A request param or response field.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Field {
    pub name: String,
    /// The type as documented (`OssTokenResultVo[]`).
    pub ty: String,
    pub kind: Kind,
    pub list: bool,
    pub required: bool,
    pub sensitive: bool,
    /// A `Number` with decimals (`topsdk::Decimal`), not an integer.
    pub decimal: bool,
    /// Wire element name of one list item (`oss_token_result_vo`); empty for non-lists.
    pub item_name: String,
    pub description: String,
    pub example: Option<String>,
    pub constraints: Constraints,
    pub fields: Vec<Field>,
}

/// TOP's kinds of value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
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

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Constraints {
    pub max_length: Option<u64>,
    pub max_list_size: Option<u64>,
    pub min_value: Option<i64>,
    pub max_value: Option<i64>,
    pub default: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Examples {
    pub request: Vec<(String, String)>,
    pub response_xml: Option<String>,
    pub response_json: Option<String>,
    pub response_json_simplified: Option<String>,
    pub error_xml: Option<String>,
    pub error_json: Option<String>,
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
    pub fn param(&self, name: &str) -> Option<&Field> {
        self.request.iter().find(|f| f.name == name)
    }
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
    /// When the text does not parse as this runtime's schema: then the bindings were generated
    /// by a topgen that does not match this topsdk, which `check_abi` already refuses at
    /// compile time. Not an empty schema: that would silently switch validation off. (The
    /// schema structs deny unknown fields, and tests parse every schema the generator emits
    /// for the catalogue sample, the fixtures and random specs, so both sides stay one format.)
    pub fn get(&'static self) -> &'static ApiSchema {
        self.cell
            .get_or_init(|| match serde_json::from_str(self.json) {
                Ok(s) => s,
                Err(e) => panic!(
                    "generated API schema does not parse ({e}): topgen and topsdk versions differ \
                 (schema starts {:?})",
                    self.json.chars().take(80).collect::<String>()
                ),
            })
    }
}

impl std::fmt::Debug for LazySchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LazySchema").finish_non_exhaustive()
    }
}
