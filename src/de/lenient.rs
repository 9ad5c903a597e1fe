//! How each scalar type reads the spellings TOP uses for it (`"42"` for 42, `1` for true,
//! epoch milliseconds for a date, ...).

/// A scalar as it arrived.
#[derive(Clone, Copy, Debug)]
pub enum Scalar<'a> {
    Str(&'a str),
    I64(i64),
    U64(u64),
    F64(f64),
    Bool(bool),
}

/// A scalar type that accepts the spellings TOP uses for it.
pub trait Lenient: Sized {
    /// What the type expects, for error messages (`a Number`).
    const EXPECTED: &'static str;
    /// Whether `""` means absent (everything but text).
    const EMPTY_IS_ABSENT: bool = true;
    fn from_scalar(s: Scalar<'_>) -> Result<Self, String>;
    /// Structured values (only `Json` accepts them).
    fn from_value(v: serde_json::Value) -> Result<Self, String> {
        let _ = v;
        Err(format!(
            "expected {}, found an object or list",
            Self::EXPECTED
        ))
    }
}

impl Lenient for String {
    const EXPECTED: &'static str = "a String";
    const EMPTY_IS_ABSENT: bool = false;
    fn from_scalar(s: Scalar<'_>) -> Result<Self, String> {
        Ok(match s {
            Scalar::Str(s) => s.to_string(),
            Scalar::I64(n) => n.to_string(),
            Scalar::U64(n) => n.to_string(),
            Scalar::F64(n) => n.to_string(),
            Scalar::Bool(b) => b.to_string(),
        })
    }
}

impl Lenient for i64 {
    const EXPECTED: &'static str = "a Number";
    fn from_scalar(s: Scalar<'_>) -> Result<Self, String> {
        match s {
            Scalar::I64(n) => Ok(n),
            Scalar::U64(n) => {
                i64::try_from(n).map_err(|_| format!("{n} does not fit a Number (i64)"))
            }
            // Below 2^53 a float holds the integer exactly; beyond, it may not.
            Scalar::F64(f) if f.fract() == 0.0 && f.abs() <= 9_007_199_254_740_992.0 => {
                Ok(f as i64)
            }
            Scalar::F64(f) => Err(not_integer(&f.to_string())),
            Scalar::Str(t) => {
                let t = t.trim();
                t.parse().or_else(|_| match crate::Decimal::new(t) {
                    // "12.0", "1.2E3": integral, exactly.
                    Some(d) => d.to_i64().ok_or_else(|| not_integer(t)),
                    None => Err(format!("expected a Number, found `{t}`")),
                })
            }
            other => Err(format!("expected a Number, found {other:?}")),
        }
    }
}

/// A fraction where the spec says integer: say so, and how to fix it, rather than round.
fn not_integer(value: &str) -> String {
    format!(
        "expected an integer Number, found the decimal {value}; if the field carries decimals, \
         mark it `decimal: true` in its spec (it is then a topsdk::Decimal)"
    )
}

impl Lenient for bool {
    const EXPECTED: &'static str = "a Boolean";
    fn from_scalar(s: Scalar<'_>) -> Result<Self, String> {
        match s {
            Scalar::Bool(b) => Ok(b),
            Scalar::I64(0) | Scalar::U64(0) => Ok(false),
            Scalar::I64(1) | Scalar::U64(1) => Ok(true),
            Scalar::Str(t) => match t.trim() {
                "true" | "True" | "TRUE" | "1" => Ok(true),
                "false" | "False" | "FALSE" | "0" => Ok(false),
                _ => Err(format!("expected a Boolean, found `{t}`")),
            },
            other => Err(format!("expected a Boolean, found {other:?}")),
        }
    }
}

impl Lenient for crate::DateTime {
    const EXPECTED: &'static str = "a Date `yyyy-MM-dd HH:mm:ss`";
    fn from_scalar(s: Scalar<'_>) -> Result<Self, String> {
        match s {
            Scalar::Str(t) => crate::DateTime::parse(t).map_err(|e| e.to_string()),
            // Epoch milliseconds, as some gateways' JSON dates arrive.
            Scalar::I64(ms) => Ok(crate::DateTime::from_epoch_millis(ms)),
            other => Err(format!("expected a Date, found {other:?}")),
        }
    }
}

impl Lenient for crate::Decimal {
    const EXPECTED: &'static str = "a decimal number";
    fn from_scalar(s: Scalar<'_>) -> Result<Self, String> {
        let text = match s {
            Scalar::Str(t) => t.trim(),
            Scalar::I64(n) => return Ok(crate::Decimal::from(n)),
            Scalar::U64(n) => return Ok(crate::Decimal::from(n)),
            Scalar::F64(f) => {
                return crate::Decimal::from_f64(f)
                    .ok_or_else(|| format!("expected a decimal number, found {f}"));
            }
            Scalar::Bool(_) => return Err("expected a decimal number, found a Boolean".into()),
        };
        crate::Decimal::new(text)
            .ok_or_else(|| format!("expected a decimal number, found `{text}`"))
    }
}

impl Lenient for crate::Json {
    const EXPECTED: &'static str = "JSON text";
    const EMPTY_IS_ABSENT: bool = false;
    fn from_scalar(s: Scalar<'_>) -> Result<Self, String> {
        String::from_scalar(s).map(crate::Json::new)
    }
    fn from_value(v: serde_json::Value) -> Result<Self, String> {
        Ok(crate::Json::new(v.to_string()))
    }
}

impl<T: Lenient> Lenient for crate::Secret<T> {
    const EXPECTED: &'static str = T::EXPECTED;
    const EMPTY_IS_ABSENT: bool = T::EMPTY_IS_ABSENT;
    fn from_scalar(s: Scalar<'_>) -> Result<Self, String> {
        T::from_scalar(s).map(crate::Secret::new)
    }
    fn from_value(v: serde_json::Value) -> Result<Self, String> {
        T::from_value(v).map(crate::Secret::new)
    }
}

// The `Deserialize` of the runtime's own scalar types is their lenient reading (here, beside
// their `Lenient` impls: `types.rs` does not depend on the decoder).
impl<'de> serde::Deserialize<'de> for crate::Decimal {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        super::lenient::<crate::Decimal, D>(d)
    }
}

impl<'de> serde::Deserialize<'de> for crate::Json {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        super::lenient::<crate::Json, D>(d)
    }
}
