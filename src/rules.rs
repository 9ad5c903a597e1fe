//! The rules a request param's value must keep, in one place: its documented type and the
//! spec's limits (required, length, list size, range). Typed requests are checked before any
//! I/O ([`check`] on the written params), calls by schema parse their text first
//! ([`parse_as_documented`]), and the mock gateway checks what arrived the same way; each
//! turns a [`Violation`] into its own error (`Error::InvalidRequest`, or TOP's code 40/41
//! `error_response`) with the same words.

use crate::params::{Param, ParamValue, ParamWriter};
use crate::schema::{ApiSchema, Field, Kind};
use crate::{DateTime, Decimal, Json};

/// A param that breaks a rule: TOP's code (40 missing, 41 invalid), the param, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub code: i64,
    pub param: String,
    pub message: String,
}

impl Violation {
    fn missing(param: &str) -> Violation {
        Violation {
            code: 40,
            param: param.to_string(),
            message: "is required".into(),
        }
    }

    pub(crate) fn invalid(param: &str, message: String) -> Violation {
        Violation {
            code: 41,
            param: param.to_string(),
            message,
        }
    }
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.param, self.message)
    }
}

impl From<Violation> for crate::Error {
    fn from(v: Violation) -> crate::Error {
        match v.code {
            40 => crate::Error::missing_param(v.param, v.message),
            _ => crate::Error::invalid_param(v.param, v.message),
        }
    }
}

/// A value as the wire carries it once checked: its text and, for lists, the item count.
pub(crate) struct Checked {
    pub text: String,
    pub count: Option<usize>,
}

/// Parses `text` as `f`'s documented type and writes it back as the client sends that type:
/// `Number` an integer (or a decimal where the spec says so), `Boolean` `true`/`false`, `Date`
/// `yyyy-MM-dd HH:mm:ss`, objects and `Json` as JSON, lists comma-separated (`Json[]` and
/// object lists a JSON array). So `" 7 "` is sent as `7`: what was checked is what goes.
/// `String` values are sent as given (their whitespace may matter). Not for file params.
pub(crate) fn parse_as_documented(f: &Field, text: &str) -> Result<Checked, Violation> {
    fn typed<T: Param>(list: bool, text: &str) -> Result<Checked, String> {
        let mut out = String::new();
        if list {
            let items = T::parse_list(text)?;
            T::write_list(&items, &mut out);
            Ok(Checked {
                text: out,
                count: Some(items.len()),
            })
        } else {
            T::parse(text)?.write(&mut out);
            Ok(Checked {
                text: out,
                count: None,
            })
        }
    }
    let r = match f.kind {
        Kind::Number if f.decimal => typed::<Decimal>(f.list, text),
        Kind::Number => typed::<i64>(f.list, text),
        Kind::Price => typed::<Decimal>(f.list, text),
        Kind::Boolean => typed::<bool>(f.list, text),
        Kind::Date => typed::<DateTime>(f.list, text),
        // A JSON value is sent as written (checked to be JSON); an object list as one JSON
        // array (`[]` included, as typed object lists send it).
        Kind::Json | Kind::Object if !f.list => <Json as Param>::parse(text).map(|_| Checked {
            text: text.to_string(),
            count: None,
        }),
        Kind::Object => <Json as Param>::parse_list(text).map(|items| Checked {
            text: text.trim().to_string(),
            count: Some(items.len()),
        }),
        Kind::Json => typed::<Json>(true, text),
        // Text as given; a list's items are counted.
        Kind::String | Kind::File => Ok(Checked {
            text: text.to_string(),
            count: f
                .list
                .then(|| String::parse_list(text).map_or(0, |items| items.len())),
        }),
    };
    r.map_err(|why| Violation::invalid(&f.name, format!("expected {}: {why}", f.ty)))
}

/// The spec's limits on one value (its text as sent, and a list's item count).
pub(crate) fn check_limits(f: &Field, text: &str, count: Option<usize>) -> Result<(), Violation> {
    let c = &f.constraints;
    let bad = |m: String| Err(Violation::invalid(&f.name, m));
    if let (Some(max), Some(n)) = (c.max_list_size, count)
        && n as u64 > max
    {
        return bad(format!("has {n} items; at most {max} are allowed"));
    }
    if let Some(max) = c.max_length
        && !f.list
    {
        let n = text.chars().count() as u64;
        if n > max {
            return bad(format!("is {n} characters long; at most {max} are allowed"));
        }
    }
    if c.min_value.is_some() || c.max_value.is_some() {
        for item in text.split(',') {
            // Integers exactly; decimals (`decimal: true` Numbers) as floats, which is exact
            // enough to compare with integer bounds.
            let Ok(n) = item.trim().parse::<f64>() else {
                continue;
            };
            if let Some(min) = c.min_value
                && n < min as f64
            {
                return bad(format!("is {}; the minimum is {min}", item.trim()));
            }
            if let Some(max) = c.max_value
                && n > max as f64
            {
                return bad(format!("is {}; the maximum is {max}", item.trim()));
            }
        }
    }
    Ok(())
}

/// Checks written params against the spec's rules: required params present, limits kept (the
/// types are the request's own). The first violation, in the spec's param order.
pub(crate) fn check(schema: &ApiSchema, w: &ParamWriter) -> Result<(), Violation> {
    for f in schema.request.iter().filter(|f| f.has_rules()) {
        match w.get(&f.name) {
            None if f.required => return Err(Violation::missing(&f.name)),
            None | Some(ParamValue::File(_)) => {}
            Some(ParamValue::Text { value, count }) => check_limits(f, value, count)?,
        }
    }
    Ok(())
}

#[cfg(feature = "mock")]
/// Checks params that arrived as text (the mock gateway): each present one parsed as its
/// type and within its limits, required ones present (`present` says whether a param, text
/// or file, was sent), in the spec's param order.
pub(crate) fn check_text<'t>(
    schema: &ApiSchema,
    text: impl Fn(&str) -> Option<&'t str>,
    present: impl Fn(&str) -> bool,
) -> Result<(), Violation> {
    for f in &schema.request {
        if f.required && !present(&f.name) {
            return Err(Violation::missing(&f.name));
        }
        let Some(value) = text(&f.name) else {
            continue;
        };
        if f.kind == Kind::File {
            continue;
        }
        let checked = parse_as_documented(f, value)?;
        check_limits(f, &checked.text, checked.count)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
