//! Value types that TOP's scalar types map to, and the secret wrapper.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A value kept out of `Debug`, `Display` and serialized output (they write `***`). Read it
/// with [`Secret::expose`]; serialize it in clear inside [`Reveal`] (the wire does).
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    pub fn new(value: T) -> Self {
        Secret(value)
    }
    /// The real value. Take care where it goes.
    pub fn expose(&self) -> &T {
        &self.0
    }
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl<T> fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl<T> From<T> for Secret<T> {
    fn from(v: T) -> Self {
        Secret(v)
    }
}

thread_local! {
    /// Depth of [`Reveal`] serializations running on this thread. Serde serializes
    /// synchronously, so a thread-local scope covers exactly the values inside it.
    static REVEALING: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Whether a [`Reveal`] serialization is running on this thread (secrets written in clear).
pub(crate) fn revealing() -> bool {
    REVEALING.with(|r| r.get()) > 0
}

impl<T: Serialize> Serialize for Secret<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if revealing() {
            self.0.serialize(s)
        } else {
            s.serialize_str("***")
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Secret<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(Secret)
    }
}

/// Serializes a value with its [`Secret`]s in clear: `serde_json::to_string(&Reveal(&resp))`.
/// Without it, serializing a response writes every secret as `"***"`.
#[derive(Clone, Copy)]
pub struct Reveal<'a, T: ?Sized>(pub &'a T);

impl<T: Serialize + ?Sized> Serialize for Reveal<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        /// Ends the scope also when serialization panics.
        struct Scope;
        impl Drop for Scope {
            fn drop(&mut self) {
                REVEALING.with(|r| r.set(r.get().saturating_sub(1)));
            }
        }
        REVEALING.with(|r| r.set(r.get() + 1));
        let _scope = Scope;
        self.0.serialize(s)
    }
}

impl<T: ?Sized> fmt::Debug for Reveal<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Reveal(..)")
    }
}

/// An exact decimal number, kept as the text the gateway sent (`"12.50"`), never a float: TOP
/// `Price`, and `Number` fields the spec marks `decimal: true` (money in 元, coordinates,
/// ratios). Exponent forms (`1.5E3`, as Java writes large doubles) are rewritten to plain
/// digits exactly.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Decimal(String);

/// TOP's `Price` type: a [`Decimal`].
pub type Price = Decimal;

impl Decimal {
    /// A decimal from its text: `[-]digits[.digits]`, or with an exponent (`1.5e-3`), which
    /// is rewritten to plain digits. `None` for anything else.
    pub fn new(text: impl Into<String>) -> Option<Decimal> {
        let text = text.into();
        if is_plain_decimal(&text) {
            return Some(Decimal(text));
        }
        expand_exponent(&text).map(Decimal)
    }
    /// The decimal of a float, by its shortest round-trip text (`120.15` -> `"120.15"`).
    /// `None` for NaN and infinities.
    pub fn from_f64(v: f64) -> Option<Decimal> {
        v.is_finite().then(|| Decimal(v.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The nearest float (may round: keep the text for money).
    pub fn to_f64(&self) -> f64 {
        self.0.parse().unwrap_or(f64::NAN)
    }
    /// The value as an integer, when it has no fractional part (`"12.00"` -> 12) and fits.
    pub fn to_i64(&self) -> Option<i64> {
        let (int, frac) = self.0.split_once('.').unwrap_or((&self.0, ""));
        frac.bytes().all(|b| b == b'0').then(|| int.parse().ok())?
    }
    /// The value in hundredths (cents/fen), when it has at most two decimals and fits.
    pub fn to_cents(&self) -> Option<i64> {
        let (neg, t) = match self.0.strip_prefix('-') {
            Some(t) => (true, t),
            None => (false, self.0.as_str()),
        };
        let (int, frac) = t.split_once('.').unwrap_or((t, ""));
        if frac.len() > 2 {
            return None;
        }
        let mut cents: i64 = int.parse::<i64>().ok()?.checked_mul(100)?;
        let f: i64 = format!("{frac:0<2}").parse().ok()?;
        cents = cents.checked_add(f)?;
        Some(if neg { -cents } else { cents })
    }
}

/// `[-]digits[.digits]`
fn is_plain_decimal(text: &str) -> bool {
    let t = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = t.split_once('.').unwrap_or((t, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(int) && digits(frac)
}

/// `[-]digits[.digits](e|E)[+-]digits` as plain decimal text, exactly (digits are moved, not
/// computed). Exponents beyond ±400 are refused rather than written out.
fn expand_exponent(text: &str) -> Option<String> {
    let (mantissa, exp) = text.split_once(['e', 'E'])?;
    if !is_plain_decimal(mantissa) {
        return None;
    }
    let exp: i32 = exp.strip_prefix('+').unwrap_or(exp).parse().ok()?;
    if exp.abs() > 400 {
        return None;
    }
    let (neg, m) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let (int, frac) = m.split_once('.').unwrap_or((m, ""));
    let digits: String = [int, frac].concat();
    // Position of the decimal point within `digits` after shifting.
    let point = int.len() as i32 + exp;
    let (int, frac) = if point <= 0 {
        (
            "0".to_string(),
            "0".repeat(point.unsigned_abs() as usize) + &digits,
        )
    } else if point as usize >= digits.len() {
        (
            digits.clone() + &"0".repeat(point as usize - digits.len()),
            String::new(),
        )
    } else {
        let (a, b) = digits.split_at(point as usize);
        (a.to_string(), b.to_string())
    };
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let frac = frac.trim_end_matches('0');
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    out.push_str(int);
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    Some(out)
}

impl From<i64> for Decimal {
    fn from(v: i64) -> Decimal {
        Decimal(v.to_string())
    }
}

impl From<u64> for Decimal {
    fn from(v: u64) -> Decimal {
        Decimal(v.to_string())
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Decimal {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Decimal::new(s.trim()).ok_or_else(|| format!("`{s}` is not a decimal number"))
    }
}

impl Serialize for Decimal {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// TOP `Json`: JSON text carried in one field. Kept as text; parse it with [`Json::parse`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Json(String);

impl Json {
    pub fn new(text: impl Into<String>) -> Json {
        Json(text.into())
    }
    /// JSON text of a serializable value.
    pub fn from_value<T: Serialize>(v: &T) -> Result<Json, serde_json::Error> {
        serde_json::to_string(v).map(Json)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(&self.0)
    }
}

impl fmt::Display for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Json {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// A `byte[]` param: a file sent as a multipart part (and left out of the signature).
#[derive(Clone, PartialEq, Eq)]
pub struct FileUpload {
    pub file_name: String,
    pub mime_type: String,
    pub bytes: Vec<u8>,
}

impl FileUpload {
    pub fn new(file_name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> FileUpload {
        FileUpload {
            file_name: file_name.into(),
            mime_type: "application/octet-stream".into(),
            bytes: bytes.into(),
        }
    }
    pub fn with_mime_type(mut self, mime: impl Into<String>) -> Self {
        self.mime_type = mime.into();
        self
    }
    /// Reads a file from disk; the part's file name is the path's last component.
    pub fn from_path(path: impl AsRef<std::path::Path>) -> std::io::Result<FileUpload> {
        let path = path.as_ref();
        let bytes = std::fs::read(path)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".into());
        Ok(FileUpload::new(name, bytes))
    }
}

impl fmt::Debug for FileUpload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileUpload")
            .field("file_name", &self.file_name)
            .field("mime_type", &self.mime_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_is_masked() {
        let s = Secret::new("hunter2".to_string());
        assert_eq!(format!("{s:?} {s}"), "*** ***");
        assert_eq!(s.expose(), "hunter2");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"***\"");
        assert_eq!(
            serde_json::to_string(&Reveal(&vec![&s, &s])).unwrap(),
            "[\"hunter2\",\"hunter2\"]"
        );
        // The scope ends with the Reveal.
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"***\"");
    }

    #[test]
    fn decimal_keeps_text() {
        let p: Price = serde_json::from_str("\"12.50\"").unwrap();
        assert_eq!(p.as_str(), "12.50");
        assert_eq!(p.to_cents(), Some(1250));
        // A JSON number has no exact text left; it reads as its shortest decimal.
        let p: Price = serde_json::from_str("12.5").unwrap();
        assert_eq!(p.as_str(), "12.5");
        let p: Decimal = serde_json::from_str("120.123456789012").unwrap();
        assert_eq!(p.as_str(), "120.123456789012");
        let p: Price = serde_json::from_str("\"0.1\"").unwrap();
        assert_eq!(p.to_cents(), Some(10));
        assert!(Decimal::new("-3.25").is_some_and(|p| p.to_cents() == Some(-325)));
        assert!(Decimal::new("abc").is_none() && Decimal::new("1.").is_none());
        assert_eq!(Decimal::new("12.00").unwrap().to_i64(), Some(12));
        assert_eq!(Decimal::new("12.5").unwrap().to_i64(), None);
    }

    #[test]
    fn decimal_exponents_are_exact() {
        for (text, plain) in [
            ("1e5", "100000"),
            ("1.23456789E7", "12345678.9"),
            ("-1.5e-3", "-0.0015"),
            ("12.5E+1", "125"),
            ("0.00e3", "0"),
            ("9007199254740993.5e0", "9007199254740993.5"),
        ] {
            assert_eq!(Decimal::new(text).unwrap().as_str(), plain, "{text}");
        }
        assert!(Decimal::new("1e999").is_none() && Decimal::new("1e").is_none());
    }
}
