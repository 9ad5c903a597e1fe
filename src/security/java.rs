//! The official client's string semantics, reproduced exactly: Java strings are UTF-16, so every
//! length, slice and window here counts UTF-16 code units, and text becomes bytes as Java's
//! `getBytes("UTF-8")` does (a lone surrogate becomes `?`). The rules of `StringUtils.isEmpty`,
//! `StringUtils.split`, `isNumeric` and `Base64.isBase64Value` decide what counts as ciphertext,
//! so they are copied here rule for rule (security.md §5.1, §5.6, §9, §10).

/// The UTF-16 code units of `s`.
pub(crate) fn utf16(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

/// Java's `new String(units).getBytes("UTF-8")`: a lone surrogate becomes `?` (0x3F).
pub(crate) fn utf8_of_units(units: &[u16], out: &mut Vec<u8>) {
    for c in char::decode_utf16(units.iter().copied()) {
        let c = c.unwrap_or('?');
        let mut buf = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    }
}

/// `Character.isWhitespace` of one UTF-16 unit: the space separators, line and paragraph
/// separators except the no-break spaces (U+00A0, U+2007, U+202F), TAB..CR and U+001C..U+001F.
pub(crate) fn is_java_whitespace(u: u16) -> bool {
    matches!(
        u,
        0x09..=0x0D
            | 0x1C..=0x20
            | 0x1680
            | 0x2000..=0x2006
            | 0x2008..=0x200A
            | 0x2028
            | 0x2029
            | 0x205F
            | 0x3000
    )
}

/// `StringUtils.isEmpty`: empty, or only Java whitespace.
pub(crate) fn is_blank(s: &str) -> bool {
    s.encode_utf16().all(is_java_whitespace)
}

/// Commons-Lang `split(s, sep)` (adjacent separators collapse, empty tokens are dropped), without
/// a `Vec`: the first `N` tokens and how many there are in all.
pub(crate) fn split_first_n<const N: usize>(s: &str, sep: char) -> ([&str; N], usize) {
    let mut parts = [""; N];
    let mut n = 0;
    for t in s.split(sep).filter(|t| !t.is_empty()) {
        if let Some(p) = parts.get_mut(n) {
            *p = t;
        }
        n += 1;
    }
    (parts, n)
}

/// The first code unit of each block of ten decimal digits (Unicode category Nd) in the BMP:
/// what Java's `Character.isDigit(char)` and `Character.digit(c, 10)` accept. (Digits outside
/// the BMP are surrogate pairs in Java, and a surrogate half is no digit.)
const DIGIT_ZEROS: [u16; 37] = [
    0x0030, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6,
    0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80,
    0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0,
    0xFF10,
];

/// The value of a Java decimal digit.
fn digit(u: u16) -> Option<u32> {
    let i = DIGIT_ZEROS.partition_point(|&z| z <= u);
    let zero = *DIGIT_ZEROS.get(i.checked_sub(1)?)?;
    (u - zero < 10).then(|| u32::from(u - zero))
}

/// The client's `isNumeric`: an optional leading `-` (when more follows), then only Java
/// digits (any script's, e.g. `１`).
pub(crate) fn is_numeric(s: &str) -> bool {
    let body = match s.strip_prefix('-') {
        _ if s.is_empty() => return false,
        Some(rest) if !rest.is_empty() => rest,
        _ => s,
    };
    // ASCII digits (every version TOP writes) without the Unicode table.
    body.bytes().all(|b| b.is_ascii_digit()) || body.encode_utf16().all(|u| digit(u).is_some())
}

/// `Long.valueOf` of text [`is_numeric`] accepted; `None` when it does not fit an `i64`.
pub(crate) fn parse_long(s: &str) -> Option<i64> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let mut v: i64 = 0;
    for u in digits.encode_utf16() {
        let d = i64::from(digit(u)?);
        v = v.checked_mul(10)?;
        v = if neg {
            v.checked_sub(d)?
        } else {
            v.checked_add(d)?
        };
    }
    Some(v)
}

/// `Base64.isBase64Value`: non-empty, every unit below 256, and the count of base64 alphabet
/// characters (with `=`) a multiple of four; other characters below 256 are ignored.
pub(crate) fn is_base64ish(s: &str) -> bool {
    if s.is_empty() {
        return false;
    }
    let mut n = 0usize;
    for u in s.encode_utf16() {
        if u >= 256 {
            return false;
        }
        if is_b64_byte(u as u8) {
            n += 1;
        }
    }
    n.is_multiple_of(4)
}

pub(crate) fn is_b64_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'='
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_is_java_whitespace_only() {
        for (s, blank) in [
            ("", true),
            ("   ", true),
            ("\u{3000}", true),
            ("\t\n\u{b}\u{c}\r\u{1c}\u{1f}", true),
            ("\u{2028}\u{2029}\u{205f}\u{1680}", true),
            ("\u{a0}", false),
            ("\u{2007}", false),
            ("\u{202f}", false),
            (" a ", false),
            ("\u{85}", false),
        ] {
            assert_eq!(is_blank(s), blank, "{s:?}");
        }
    }

    #[test]
    fn split_collapses_separators() {
        assert_eq!(split_first_n::<3>("~a~~b~", '~'), (["a", "b", ""], 2));
        assert_eq!(split_first_n::<3>("~~~~", '~'), (["", "", ""], 0));
        assert_eq!(
            split_first_n::<3>("$138$x$-7$$", '$'),
            (["138", "x", "-7"], 3)
        );
        assert_eq!(split_first_n::<2>("~a~b~c~d~", '~'), (["a", "b"], 4));
    }

    #[test]
    fn numeric_as_java() {
        for (s, ok, v) in [
            ("7", true, Some(7)),
            ("-7", true, Some(-7)),
            ("0", true, Some(0)),
            ("-", false, None),
            ("", false, None),
            ("１", true, Some(1)),
            ("٣", true, Some(3)),
            ("1a", false, None),
            ("--1", false, None),
            ("1-", false, None),
            ("9223372036854775807", true, Some(i64::MAX)),
            ("-9223372036854775808", true, Some(i64::MIN)),
            ("9223372036854775808", true, None),
            ("𝟏", false, None),
        ] {
            assert_eq!(is_numeric(s), ok, "{s:?}");
            if ok {
                assert_eq!(parse_long(s), v, "{s:?}");
            }
        }
    }

    #[test]
    fn base64ish_as_java() {
        for (s, ok) in [
            ("abcd", true),
            ("abc", false),
            ("ab==", true),
            ("a b c d", true),
            ("ab张d", false),
            ("", false),
            ("!!!!", true),
        ] {
            assert_eq!(is_base64ish(s), ok, "{s:?}");
        }
    }

    #[test]
    fn lone_surrogate_is_a_question_mark() {
        let mut out = Vec::new();
        utf8_of_units(&[0x5f20, 0xd83d], &mut out);
        assert_eq!(out, [0xe5, 0xbc, 0xa0, 0x3f]);
    }
}
