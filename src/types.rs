//! Value types that TOP's scalar types map to, and the secret wrapper.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A value kept out of `Debug` and `Display` (they print `***`). Read it with
/// [`Secret::expose`]. Serializing writes the real value: that is how it goes on the wire.
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

impl<T: Serialize> Serialize for Secret<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Secret<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(Secret)
    }
}

/// TOP `Price`: a decimal kept exactly as the text the gateway sent (`"12.50"`), never a float.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Price(String);

impl Price {
    /// A price from its decimal text; `None` unless it is `[-]digits[.digits]`.
    pub fn new(text: impl Into<String>) -> Option<Price> {
        let text = text.into();
        let t = text.strip_prefix('-').unwrap_or(&text);
        let (int, frac) = t.split_once('.').unwrap_or((t, "0"));
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        (digits(int) && digits(frac)).then_some(Price(text))
    }
    pub fn as_str(&self) -> &str {
        &self.0
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

impl fmt::Display for Price {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Price {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Price::new(s.trim()).ok_or_else(|| format!("`{s}` is not a decimal price"))
    }
}

impl Serialize for Price {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Price {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::de::lenient::<Price, D>(d)
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

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::de::lenient::<Json, D>(d)
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
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"hunter2\"");
    }

    #[test]
    fn price_keeps_text() {
        let p: Price = serde_json::from_str("\"12.50\"").unwrap();
        assert_eq!(p.as_str(), "12.50");
        assert_eq!(p.to_cents(), Some(1250));
        // A JSON number has no exact text left; it reads as its shortest decimal.
        let p: Price = serde_json::from_str("12.5").unwrap();
        assert_eq!(p.as_str(), "12.5");
        let p: Price = serde_json::from_str("\"0.1\"").unwrap();
        assert_eq!(p.to_cents(), Some(10));
        assert!(Price::new("1e5").is_none());
        assert!(Price::new("-3.25").is_some_and(|p| p.to_cents() == Some(-325)));
    }
}
