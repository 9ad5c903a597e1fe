//! The stored forms of encrypted data (security.md §6, §9, §10): which separator a type uses,
//! how a value is laid out in its normal and its searchable (index) form, how a stored value is
//! read back, and the search tokens. Pure functions of a [`Key`]; fetching keys is `keys.rs`.

use super::SecurityError;
use super::crypto::Key;
use super::java;

/// The kinds of data the official client encrypts; each has its separator and layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DataType {
    /// A buyer nick (`~`-separated; searchable when the app's config says so).
    Nick,
    /// A receiver name (收货人; `~`; searchable when the config says so).
    ReceiverName,
    /// A phone number (`$`; the last 8 digits encrypted, or searchable by its last 4).
    Phone,
    /// Text that is never searchable (`~`).
    Simple,
    /// Text that is always stored searchable (`~`).
    Search,
    /// Text separated by U+0001, never searchable.
    Normal,
}

impl DataType {
    pub const ALL: [DataType; 6] = [
        DataType::Nick,
        DataType::ReceiverName,
        DataType::Phone,
        DataType::Simple,
        DataType::Search,
        DataType::Normal,
    ];

    /// The official client's name of the type (`nick`, `receiver_name`, `phone`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            DataType::Nick => "nick",
            DataType::ReceiverName => "receiver_name",
            DataType::Phone => "phone",
            DataType::Simple => "simple",
            DataType::Search => "search",
            DataType::Normal => "normal",
        }
    }

    /// The separator of the type's stored forms.
    pub fn separator(self) -> char {
        match self {
            DataType::Phone => '$',
            DataType::Normal => '\u{1}',
            _ => '~',
        }
    }

    /// The type whose stored form starts with `c`, for reading a value of unknown type
    /// (`~`-types read each other's values, as in the official client).
    pub(crate) fn of_separator(c: char) -> Option<DataType> {
        match c {
            '~' => Some(DataType::Simple),
            '$' => Some(DataType::Phone),
            '\u{1}' => Some(DataType::Normal),
            _ => None,
        }
    }
}

impl std::fmt::Display for DataType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for DataType {
    type Err = SecurityError;
    fn from_str(s: &str) -> Result<DataType, SecurityError> {
        DataType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| SecurityError::UnknownType(s.chars().take(40).collect()))
    }
}

/// A stored value, read: its parts borrowed from the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parsed<'a> {
    /// The searchable form (two separators at the end).
    pub index: bool,
    /// A phone's plaintext prefix (normal form), empty otherwise.
    pub prefix: &'a str,
    /// The base64 AES field.
    pub aes: &'a str,
    /// The index (text) or the HMAC of the last four digits (phone), in the index form.
    pub hash: &'a str,
    /// The key version as written: negative for an app-level key.
    pub version: i64,
}

/// How the official client's `decrypt` reads `data` as a `ty` value (security.md §9): `None`
/// where it passes the text through as "not ciphertext" — Rust callers get
/// [`SecurityError::NotCiphertext`] with the reason instead.
pub(crate) fn parse(data: &str, ty: DataType) -> Result<Parsed<'_>, SecurityError> {
    let not = |reason| Err(SecurityError::NotCiphertext { reason });
    if java::is_blank(data) {
        return not("empty or blank");
    }
    if data.encode_utf16().nth(3).is_none() {
        return not("shorter than 4 characters");
    }
    // The separators are ASCII: their UTF-16 units are their bytes.
    let sep = ty.separator();
    let b = data.as_bytes();
    let sep_byte = sep as u8;
    if b[0] != sep_byte || b[b.len() - 1] != sep_byte {
        return not("does not start and end with the type's separator");
    }
    let index = b[b.len() - 2] == sep_byte;
    let (parts, n) = java::split_first_n::<3>(data, sep);
    if n != if index || ty == DataType::Phone { 3 } else { 2 } {
        return not("not the parts of the type's stored form");
    }
    let v = parts[n - 1];
    if !java::is_numeric(v) {
        return not("the version is not a number");
    }
    let version = java::parse_long(v).ok_or(SecurityError::Malformed {
        part: "version",
        reason: "does not fit a 64-bit integer",
    })?;
    let (prefix, aes, hash) = match (ty == DataType::Phone, index) {
        (true, true) => ("", parts[1], parts[0]),
        (true, false) => (parts[0], parts[1], ""),
        (false, true) => ("", parts[0], parts[1]),
        (false, false) => ("", parts[0], ""),
    };
    Ok(Parsed {
        index,
        prefix,
        aes,
        hash,
        version,
    })
}

/// `isEncryptData(data, type)` (security.md §10): the stricter check that also wants the
/// fields to look like base64. Never true for text the client would not decrypt.
pub(crate) fn is_encrypted(data: &str, ty: DataType) -> bool {
    let Ok(p) = parse(data, ty) else {
        return false;
    };
    let hash_ok = !p.index || java::is_base64ish(p.hash);
    hash_ok && java::is_base64ish(p.aes)
}

/// Options of the searchable form, from the app's `app_config`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct IndexParams {
    pub compress_len: usize,
    pub slide_size: usize,
}

impl Default for IndexParams {
    fn default() -> Self {
        IndexParams {
            compress_len: 3,
            slide_size: 4,
        }
    }
}

/// Formats `data` (not blank) as a `ty` value under `key`, `version` being the version as
/// written (negative for an app-level key).
pub(crate) fn encrypt(
    key: &Key,
    version: i64,
    ty: DataType,
    data: &str,
    index: Option<IndexParams>,
) -> Result<String, SecurityError> {
    let s = ty.separator();
    if ty == DataType::Phone {
        let units = java::utf16(data);
        // The client leaves a shorter phone as it is, in plaintext; here that is an error.
        if units.len() < 11 {
            return Err(SecurityError::PhoneTooShort { len: units.len() });
        }
        return Ok(match index {
            Some(_) => {
                let h = key.hmac_b64(&units[units.len() - 4..]);
                let aes = key.aes_encrypt_units(&units);
                format!("{s}{h}{s}{aes}{s}{version}{s}{s}")
            }
            None => {
                let cut = units.len() - 8;
                let prefix = String::from_utf16_lossy(&units[..cut]);
                let aes = key.aes_encrypt_units(&units[cut..]);
                format!("{s}{prefix}{s}{aes}{s}{version}{s}")
            }
        });
    }
    // Base64 of the padded ciphertext, the separators and the version.
    let mut out = String::with_capacity((data.len() / 16 + 1) * 24 + 24);
    out.push(s);
    key.aes_encrypt_into(data.as_bytes(), &mut out);
    out.push(s);
    if let Some(p) = index {
        // The windows cut UTF-16 units, as Java does.
        out.push_str(&key.index(&java::utf16(data), p.compress_len, p.slide_size));
        out.push(s);
    }
    use std::fmt::Write as _;
    let _ = write!(out, "{version}");
    out.push(s);
    if index.is_some() {
        out.push(s);
    }
    Ok(out)
}

/// The plaintext of a parsed `ty` value under `key`.
pub(crate) fn decrypt(
    key: &Key,
    parsed: &Parsed<'_>,
    ty: DataType,
) -> Result<String, SecurityError> {
    let plain = key.aes_decrypt(parsed.aes)?;
    Ok(if ty == DataType::Phone && !parsed.index {
        format!("{}{plain}", parsed.prefix)
    } else {
        plain
    })
}

/// The search token of `query` (security.md §6): for a phone, `$H(last 4 digits)$`, a prefix of
/// the stored index form (`LIKE 'token%'`); for text, the index of the query, found inside a
/// stored index (`LIKE '%token%'`) where the windows line up.
pub(crate) fn search(
    key: &Key,
    ty: DataType,
    query: &str,
    p: IndexParams,
) -> Result<String, SecurityError> {
    let units = java::utf16(query);
    if ty == DataType::Phone {
        if units.len() != 4 {
            return Err(SecurityError::PhoneQuery { len: units.len() });
        }
        return Ok(format!("${}$", key.hmac_b64(&units)));
    }
    Ok(key.index(&units, p.compress_len, p.slide_size))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_round_trip_their_names() {
        for t in DataType::ALL {
            assert_eq!(t.as_str().parse::<DataType>().unwrap(), t);
        }
        assert!(matches!(
            "bogus".parse::<DataType>(),
            Err(SecurityError::UnknownType(s)) if s == "bogus"
        ));
    }

    #[test]
    fn reads_each_layout() {
        let p = parse("$138$x7Azl0b24bEbwD1Svepv6w==$-7$", DataType::Phone).unwrap();
        assert_eq!(
            (p.prefix, p.aes, p.version, p.index),
            ("138", "x7Azl0b24bEbwD1Svepv6w==", -7, false)
        );
        let p = parse("~i3jGMQGefZ1Eo0PpSZAUmQ==~3V5N~-7~~", DataType::Nick).unwrap();
        assert_eq!(
            (p.aes, p.hash, p.version, p.index),
            ("i3jGMQGefZ1Eo0PpSZAUmQ==", "3V5N", -7, true)
        );
        for (data, ty) in [
            ("张三", DataType::Nick),
            ("abc", DataType::Nick),
            ("~abc~", DataType::Nick),
            ("~~~~", DataType::Nick),
            ("~abcd~x~", DataType::Nick),
            ("~VOh8i/NvpDpiTV/cU+KbNQ==~3~", DataType::Phone),
            ("~a~b~c~d~", DataType::Nick),
        ] {
            assert!(
                matches!(parse(data, ty), Err(SecurityError::NotCiphertext { .. })),
                "{data}"
            );
        }
        assert!(matches!(
            parse("~abcd~99999999999999999999~", DataType::Nick),
            Err(SecurityError::Malformed {
                part: "version",
                ..
            })
        ));
    }
}
