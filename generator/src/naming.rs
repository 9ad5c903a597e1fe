//! Every Rust name the generator emits is decided here, and only here.
//!
//! Rules (tested table-driven below):
//! - fields: snake_case of the wire name; characters that cannot be in an identifier become `_`;
//!   a leading digit gets an `f_` prefix; Rust keywords become raw identifiers (`r#type`), and the
//!   few that cannot be raw (`self`, `Self`, `super`, `crate`, `_`) get a trailing `_`;
//!   two wire names that map to one identifier: the later one gets `_2`, `_3`, ... in spec order.
//! - types: UpperCamelCase of the doc's type name (ASCII letters and digits only); names the
//!   module defines itself (`Request`, `Response`, `SCHEMA`) get a `Type` suffix. Request and
//!   response types live in separate modules (`request::`, `response::`). One doc name with
//!   different shapes on one side: each shape is named by where it sits (parent's doc type +
//!   field, or field + doc type at the top), never by the order of a walk; see
//!   [`object_type_names`].
//! - request setters: the field identifier, except where it clashes with a method the generated
//!   `Request` has or gets from the runtime traits; those get a `set_` prefix.
//! - modules and client methods: the method name with `.` replaced by `_`, lowercased.

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::{BTreeMap, BTreeSet};

/// Strict and reserved keywords of Rust 2024 (all of them may be raw except the ones below).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Methods a generated `Request` has, or gets from `Clone`/`Debug`/`Default`/`PartialEq`/
/// `TopRequest`; and verbs users expect a client to have. A setter never takes one of these.
pub const RESERVED_METHODS: &[&str] = &[
    "new",
    "default",
    "build",
    "send",
    "execute",
    "params",
    "write_params",
    "validate",
    "schema",
    "method",
    "clone",
    "clone_from",
    "fmt",
    "eq",
    "ne",
    "into",
    "from",
    "try_into",
    "try_from",
    "to_owned",
    "borrow",
    "type_id",
    "response",
];

/// Names a generated API module defines itself.
const RESERVED_TYPES: &[&str] = &["Request", "Response", "SCHEMA", "Apis"];

/// The identifier text for a field (may start with `r#`).
pub fn field_ident(wire: &str) -> String {
    let mut s = sanitize(&wire.to_snake_case());
    if s.is_empty() {
        s = "field".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("f_{s}");
    }
    escape_keyword(s)
}

fn escape_keyword(s: String) -> String {
    if NOT_RAW.contains(&s.as_str()) {
        format!("{s}_")
    } else if KEYWORDS.contains(&s.as_str()) {
        format!("r#{s}")
    } else {
        s
    }
}

/// Keeps ASCII letters, digits and `_`; everything else becomes `_` (runs collapsed).
fn sanitize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let trimmed = out.trim_matches('_');
    if trimmed.is_empty() && !out.is_empty() {
        return "field".into();
    }
    // Keep one leading underscore out: `_x` fields warn under `unused` lints in some positions.
    trimmed.to_string()
}

/// Identifiers for the fields of one struct, in order, with collisions numbered.
pub fn field_idents<'a>(wire_names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut used = BTreeSet::new();
    wire_names
        .into_iter()
        .map(|w| unique(field_ident(w), &mut used, "_"))
        .collect()
}

fn unique(base: String, used: &mut BTreeSet<String>, sep: &str) -> String {
    if used.insert(base.clone()) {
        return base;
    }
    // `self_` + `_2` would read `self__2`, which is not snake case.
    let stem = base.trim_start_matches("r#").trim_end_matches('_');
    let mut n = 2u32;
    loop {
        let candidate = format!("{stem}{sep}{n}");
        if used.insert(candidate.clone()) {
            return candidate;
        }
        n += 1;
    }
}

/// Setter names for fields whose identifiers are given (already unique).
pub fn setter_names(field_idents: &[String]) -> Vec<String> {
    let mut used: BTreeSet<String> = field_idents
        .iter()
        .map(|s| s.trim_start_matches("r#").to_string())
        .collect();
    field_idents
        .iter()
        .map(|f| {
            let bare = f.trim_start_matches("r#");
            if RESERVED_METHODS.contains(&bare) {
                unique(format!("set_{bare}"), &mut used, "_")
            } else {
                f.clone()
            }
        })
        .collect()
}

/// The type identifier for a doc type name, before disambiguation.
pub fn type_ident(doc_name: &str) -> String {
    // Only ASCII letters and digits survive: a name of other characters (`说明`) is `Object`.
    let mut s: String = doc_name
        .to_upper_camel_case()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    if s.is_empty() {
        s = "Object".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("T{s}");
    }
    if RESERVED_TYPES.contains(&s.as_str()) {
        s.push_str("Type");
    }
    if KEYWORDS.contains(&s.as_str()) {
        s.push_str("Type");
    }
    s
}

/// The struct (and enum variant) name of a TMC topic's content: `taobao_trade_TradeCreate` ->
/// `TaobaoTradeTradeCreate` (words as [`type_ident`] splits them).
pub fn topic_type_ident(topic: &str) -> String {
    type_ident(topic)
}

/// One place where an object type is declared, on one side (request or response) of an API.
#[derive(Clone, Debug)]
pub struct ObjectSite<'a> {
    /// The documentation's type name (`TradeDO`).
    pub doc_name: &'a str,
    /// Equal for sites that become one Rust struct (the doc name and the field tree's shape).
    pub key: String,
    /// Wire names of the fields leading to the site from the top of its side.
    pub path: Vec<&'a str>,
}

/// Names of the object types of one side, by [`ObjectSite::key`]. A name depends only on the
/// documentation, never on the order the tree is walked in: a doc type name used with one shape
/// keeps that name (`TradeDO` -> `TradeDo`); one used with several shapes names each shape by
/// where it sits: parent's doc type + field (`Trade` + `orders` -> `TradeOrders`), or at the
/// top, field + doc type (`first` + `Item` -> `FirstItem`), then by its whole path. So adding
/// or reordering fields elsewhere renames nothing, and a type is renamed only when the docs
/// change that type. A number is the last resort (the catalogue never needs it; a test checks).
pub fn object_type_names(sites: &[ObjectSite<'_>]) -> BTreeMap<String, String> {
    object_type_names_with_last_resort(sites).0
}

/// [`object_type_names`], and the names that needed the last resort, a number.
pub fn object_type_names_with_last_resort(
    sites: &[ObjectSite<'_>],
) -> (BTreeMap<String, String>, Vec<String>) {
    let mut numbered = Vec::new();
    let mut by_base: BTreeMap<String, BTreeMap<&str, Vec<&[&str]>>> = BTreeMap::new();
    let mut base_at: BTreeMap<&[&str], String> = BTreeMap::new();
    for s in sites {
        let base = type_ident(s.doc_name);
        by_base
            .entry(base.clone())
            .or_default()
            .entry(&s.key)
            .or_default()
            .push(&s.path);
        base_at.insert(&s.path, base);
    }
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut used = BTreeSet::new();
    let mut shared: Vec<(&[&str], &str, &str)> = Vec::new();
    for (base, shapes) in &by_base {
        if let [(key, _)] = shapes.iter().collect::<Vec<_>>()[..] {
            used.insert(base.clone());
            names.insert(key.to_string(), base.clone());
        } else {
            for (key, paths) in shapes {
                // The shallowest, then first by wire names: a fact of the docs, not of a walk.
                if let Some(rep) = paths.iter().min_by(|a, b| by_depth(a, b)) {
                    shared.push((rep, key, base));
                }
            }
        }
    }
    shared.sort_by(|a, b| by_depth(a.0, b.0));
    for (path, key, base) in shared {
        let (field, up) = path.split_last().unwrap_or((&"", &[]));
        let field = type_ident(field);
        let first = match base_at.get(up) {
            Some(parent) => format!("{parent}{field}"),
            None if field.ends_with(base) => field,
            None => format!("{field}{base}"),
        };
        let whole = type_ident(&path.join(" "));
        let name = [first, whole.clone(), type_ident(&format!("{whole} {base}"))]
            .into_iter()
            .find(|c| !used.contains(c))
            .unwrap_or_else(|| {
                let n = unique(format!("{whole}{base}"), &mut used, "");
                numbered.push(n.clone());
                n
            });
        used.insert(name.clone());
        names.insert(key.to_string(), name);
    }
    (names, numbered)
}

fn by_depth(a: &[&str], b: &[&str]) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// Module and client-method name of an API method.
pub fn module_ident(method: &str) -> String {
    escape_keyword(sanitize(&method.replace('.', "_").to_ascii_lowercase()))
}

/// Module idents for methods in order; two methods that map to one name (`a.b-c`, `a.b_c`) are
/// numbered like fields.
pub fn module_idents<'a>(methods: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut used: BTreeSet<String> = RESERVED_MODULES.iter().map(|s| s.to_string()).collect();
    methods
        .into_iter()
        .map(|m| unique(module_ident(m), &mut used, "_"))
        .collect()
}

/// Names the generated file defines at its top level besides the API modules.
const RESERVED_MODULES: &[&str] = &["Apis", "APIS"];

/// The `<name>_response` key of a success body: leading `taobao.` removed, dots to `_`.
pub fn response_key(method: &str) -> String {
    let m = method.strip_prefix("taobao.").unwrap_or(method);
    format!("{}_response", m.replace('.', "_"))
}

/// The lowercase words of a wire name: split at `_`, `-`, `.` and camelCase humps.
fn words(wire: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in wire.chars() {
        if !c.is_ascii_alphanumeric() {
            prev_lower = false;
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Names that suggest a secret; used when a spec does not say `sensitive:`.
///
/// A secret word anywhere in the name (`secret`, `password`/`passwd`/`pwd`, `token`,
/// `session`, `credential`, `auth_code`, `access_key`, `private_key`), unless a word of the
/// name says the value is *about* the secret rather than the secret: an id, a time, an expiry,
/// a count, a type or a status (`access_key_id`, `token_expired`, `session_time_out`).
pub fn looks_sensitive(wire: &str) -> bool {
    const SECRET: &[&str] = &[
        "secret",
        "password",
        "passwd",
        "pwd",
        "token",
        "session",
        "credential",
        "authcode",
        "accesskey",
        "privatekey",
    ];
    const ABOUT: &[&str] = &[
        "id",
        "ids",
        "time",
        "timeout",
        "out",
        "count",
        "num",
        "type",
        "status",
        "flag",
        "length",
        "len",
        "date",
        "url",
        "switch",
        "source",
        "default",
        "intensity",
        "strength",
        "encryption",
        "request",
        "rule",
        "policy",
        "mode",
        "enabled",
        "enable",
        "tip",
        "tips",
    ];
    let words = words(wire);
    let about = |w: &String| ABOUT.contains(&w.as_str()) || w.starts_with("expire");
    if words.iter().any(about) {
        return false;
    }
    let joined = words.concat();
    if joined.ends_with("keyid") || joined.ends_with("expired") || joined.ends_with("expiretime") {
        return false;
    }
    SECRET.iter().any(|s| joined.contains(s))
}

/// Whether a method only reads, judged by its name's last part (`get`, `query`, `search`,
/// `list`, `count`, `fetch`, `find`, and words starting with them: `getbyid`, `querypage`).
/// The default of a spec's `idempotent:`, and what the importers write into spec/. A guess
/// errs towards "writes": retrying a write that TOP may have executed can repeat it.
pub fn read_only_method(method: &str) -> bool {
    const READ_PREFIXES: &[&str] = &[
        "get",
        "query",
        "search",
        "list",
        "count",
        "fetch",
        "find",
        "batchget",
        "batchquery",
        "mget",
    ];
    const READ_WORDS: &[&str] = &["detail", "details", "info", "statistics", "summary"];
    // Starts with a read verb but is a write.
    const WRITES: &[&str] = &["listing"];
    let last = method
        .rsplit('.')
        .next()
        .unwrap_or(method)
        .to_ascii_lowercase();
    if WRITES.contains(&last.as_str()) {
        return false;
    }
    READ_WORDS.contains(&last.as_str()) || READ_PREFIXES.iter().any(|p| last.starts_with(p))
}

/// Whether a `Number` field carries decimals by what its docs say: money in 元 (not in 分),
/// prices, fees, rates, ratios, percentages, discounts, coordinates, weights, volumes, areas,
/// or "decimal"/"double" outright. Ids, types, statuses and codes stay integers. The
/// importers write the answer into spec/ as `decimal: true`.
pub fn looks_decimal(wire: &str, description: &str) -> bool {
    decimal_hint(wire, description).is_some()
}

/// What made [`looks_decimal`] say yes: `name word \`price\`` or `description \`金额\``
/// (for the report a reviewer reads, `topgen decimals`).
pub fn decimal_hint(wire: &str, description: &str) -> Option<String> {
    const INTEGER_WORDS: &[&str] = &[
        "id",
        "ids",
        "type",
        "status",
        "code",
        "flag",
        "mode",
        "level",
        "category",
        "valuation",
        "count",
        "num",
        "no",
        "index",
        "time",
        "days",
        "seq",
        "version",
        "cent",
        "cents",
        "fen",
    ];
    const DECIMAL_WORDS: &[&str] = &[
        "price",
        "amount",
        "amt",
        "fee",
        "fees",
        "money",
        "cost",
        "rate",
        "ratio",
        "percent",
        "percentage",
        "discount",
        "lat",
        "lng",
        "lon",
        "latitude",
        "longitude",
        "weight",
        "volume",
        "balance",
        "commission",
        "yuan",
        "score",
    ];
    const DECIMAL_TEXT: &[&str] = &[
        "小数",
        "百分比",
        "%",
        "double",
        "float",
        "decimal",
        "金额",
        "价格",
        "单价",
        "运费",
        "费用",
        "费率",
        "利率",
        "汇率",
        "比例",
        "比率",
        "折扣",
        "经纬度",
        "经度",
        "纬度",
        "重量",
        "体积",
        "面积",
        "单位:元",
        "单位元",
        "单位为元",
        "(元)",
        "【元】",
    ];
    // Money in 分 (fen) is an integer; 单位:分钟 (minutes) too.
    const FEN: &[&str] = &[
        "单位:分",
        "单位分",
        "单位为分",
        "分为单位",
        "以分计",
        "(分)",
        "【分】",
        "精确到分",
    ];
    let words = words(wire);
    if words
        .last()
        .is_some_and(|w| INTEGER_WORDS.contains(&w.as_str()))
    {
        return None;
    }
    let text: String = description
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '：' => ':',
            '（' => '(',
            '）' => ')',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    if FEN.iter().any(|f| text.contains(f)) || text.contains("可选值") || text.contains("枚举")
    {
        return None;
    }
    if let Some(w) = words.iter().find(|w| DECIMAL_WORDS.contains(&w.as_str())) {
        return Some(format!("name word `{w}`"));
    }
    DECIMAL_TEXT
        .iter()
        .find(|t| text.contains(*t))
        .map(|t| format!("description `{t}`"))
}

/// Whether the docs say an API is deprecated or offline (`已废弃`, `已迁移`, `已下线`,
/// `deprecated`, ...), with the words that say so as the reason. A bare `废弃` is not enough:
/// it is also a verb in API names (`优惠券废弃`, discard a coupon).
pub fn deprecation_in(title: &str, description: &str) -> Option<crate::model::Deprecation> {
    const OFFLINE: &[&str] = &["已下线", "接口下线", "停止服务", "has been offline"];
    const DEPRECATED: &[&str] = &[
        "已废弃",
        "（废弃）",
        "(废弃)",
        "【废弃",
        "已迁移",
        "停止维护",
        "不再维护",
        "deprecated",
    ];
    // "该类目已废弃", "字段已废弃": something else is deprecated, not the API.
    const OF_SOMETHING_ELSE: &[&str] = &["类目", "字段", "参数", "属性", "该值", "选项"];
    let says = |text: &str, words: &[&str]| {
        let lower = text.to_lowercase();
        words.iter().any(|w| {
            lower.match_indices(&w.to_lowercase()).any(|(i, _)| {
                let before: String = lower[..i]
                    .chars()
                    .rev()
                    .take(3)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                !OF_SOMETHING_ELSE.iter().any(|o| before.contains(o))
            })
        })
    };
    let all: Vec<&str> = OFFLINE.iter().chain(DEPRECATED).copied().collect();
    let clause = [title, description].into_iter().find_map(|text| {
        text.split(['。', '\n', '；', ';'])
            .map(str::trim)
            .find(|c| says(c, &all))
            .map(|c| c.chars().take(200).collect::<String>())
    })?;
    Some(crate::model::Deprecation {
        offline: says(&clause, OFFLINE),
        reason: clause,
    })
}

/// `Some(Gateway::Qimen)` for an API of the QIMEN gateway as the docs describe them: a
/// `taobao.qimen.*` method whose one param is the `request` object (the XML body) and whose
/// one response field is the `response` object (`flag`, `code`, `message`, ...). The
/// `taobao.qimen.*` APIs with flat params (stores, `event.produce`) are plain `router/rest`.
pub fn qimen_gateway(
    method: &str,
    request: &[crate::model::Field],
    response: &[crate::model::Field],
) -> Option<crate::model::Gateway> {
    let one_object = |fields: &[crate::model::Field], name: &str| matches!(fields, [f] if f.name == name && f.ty.object_name().is_some());
    (method.starts_with("taobao.qimen.")
        && one_object(request, "request")
        && one_object(response, "response"))
    .then_some(crate::model::Gateway::Qimen)
}

#[cfg(test)]
mod tests;
