//! The static description of each compiled API, emitted by topgen as `SCHEMA`.
//! Read by request validation, the mock gateway and the CLI.

/// One API method.
#[derive(Debug)]
pub struct ApiSchema {
    pub method: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub category: &'static str,
    /// Catalogue package of the category (`legalcase`); empty when unknown.
    pub category_pkg: &'static str,
    /// Empty when the spec gives none.
    pub doc_url: &'static str,
    /// `<method>_response` key of a success body.
    pub response_key: &'static str,
    pub request: &'static [Field],
    pub response: &'static [Field],
    pub examples: Examples,
}

/// A request param or response field.
#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    /// The type as documented (`OssTokenResultVo[]`).
    pub ty: &'static str,
    pub kind: Kind,
    pub list: bool,
    pub required: bool,
    pub sensitive: bool,
    /// Wire element name of one list item (`oss_token_result_vo`); empty for non-lists.
    pub item_name: &'static str,
    pub description: &'static str,
    pub example: Option<&'static str>,
    pub constraints: Constraints,
    pub fields: &'static [Field],
}

/// TOP's kinds of value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    String,
    Number,
    Boolean,
    Date,
    Price,
    Json,
    File,
    Object,
}

#[derive(Debug, Default)]
pub struct Constraints {
    pub max_length: Option<u64>,
    pub max_list_size: Option<u64>,
    pub min_value: Option<i64>,
    pub max_value: Option<i64>,
    pub default: Option<&'static str>,
}

#[derive(Debug)]
pub struct Examples {
    pub request: &'static [(&'static str, &'static str)],
    pub response_xml: Option<&'static str>,
    pub response_json: Option<&'static str>,
    pub response_json_simplified: Option<&'static str>,
    pub error_xml: Option<&'static str>,
    pub error_json: Option<&'static str>,
}

impl ApiSchema {
    pub fn param(&self, name: &str) -> Option<&'static Field> {
        self.request.iter().find(|f| f.name == name)
    }
}

impl Field {
    /// `String`, `Number[]`, `byte[]`, `OssTokenResultVo[]` as the docs write it.
    pub fn type_text(&self) -> &'static str {
        self.ty
    }
}
