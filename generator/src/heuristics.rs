//! What the generator reads out of documentation text, in one place: whether a field is
//! sensitive, whether a method only reads, whether a `Number` carries decimals, whether the
//! docs deprecate an API, whether an API is a QIMEN one. Below the model (it knows words, not
//! specs): the model and the importers ask it.

/// What the docs say of an API's end: the words that say so, and whether it is offline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deprecated {
    pub reason: String,
    pub offline: bool,
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
pub fn deprecation_in(title: &str, description: &str) -> Option<Deprecated> {
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
    Some(Deprecated {
        offline: says(&clause, OFFLINE),
        reason: clause,
    })
}

/// Whether an API is one of the QIMEN gateway as the docs describe them: a `taobao.qimen.*`
/// method whose one param is the `request` object (the XML body) and whose one response
/// field is the `response` object (`flag`, `code`, `message`, ...); `request_object` and
/// `response_object` name each side's only field when it is an object. The `taobao.qimen.*`
/// APIs with flat params (stores, `event.produce`) are plain `router/rest`.
pub fn is_qimen_api(
    method: &str,
    request_object: Option<&str>,
    response_object: Option<&str>,
) -> bool {
    method.starts_with("taobao.qimen.")
        && request_object == Some("request")
        && response_object == Some("response")
}

#[cfg(test)]
mod tests;
