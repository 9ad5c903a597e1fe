//! TOP request signing: sort params by key (byte order), concatenate `key` + `value`, then
//! md5(secret + S + secret), HMAC-MD5(secret, S) or HMAC-SHA256(secret, S), uppercase hex.

use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use sha2::Sha256;
use std::fmt;
use std::str::FromStr;

/// The `sign_method` system param.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SignMethod {
    Md5,
    Hmac,
    #[default]
    HmacSha256,
}

impl SignMethod {
    pub const ALL: [SignMethod; 3] = [SignMethod::Md5, SignMethod::Hmac, SignMethod::HmacSha256];

    /// The wire value (`md5`, `hmac`, `hmac-sha256`).
    pub fn as_str(self) -> &'static str {
        match self {
            SignMethod::Md5 => "md5",
            SignMethod::Hmac => "hmac",
            SignMethod::HmacSha256 => "hmac-sha256",
        }
    }
}

impl fmt::Display for SignMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SignMethod {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "md5" => Ok(SignMethod::Md5),
            "hmac" | "hmac-md5" => Ok(SignMethod::Hmac),
            "hmac-sha256" | "hmac_sha256" => Ok(SignMethod::HmacSha256),
            _ => Err(format!(
                "`{s}` is not a sign method (md5, hmac, hmac-sha256)"
            )),
        }
    }
}

/// Feeds bytes to whichever digest the method uses.
enum Hasher {
    Md5(Md5),
    HmacMd5(Hmac<Md5>),
    HmacSha256(Hmac<Sha256>),
}

impl Hasher {
    fn new(method: SignMethod, secret: &[u8]) -> Hasher {
        // HMAC accepts keys of any length, so these constructors cannot fail; an empty
        // fallback key would only ever produce a signature the gateway rejects.
        match method {
            SignMethod::Md5 => {
                let mut h = Md5::new();
                h.update(secret);
                Hasher::Md5(h)
            }
            SignMethod::Hmac => Hasher::HmacMd5(
                <Hmac<Md5> as Mac>::new_from_slice(secret)
                    .unwrap_or_else(|_| <Hmac<Md5> as Mac>::new(&Default::default())),
            ),
            SignMethod::HmacSha256 => Hasher::HmacSha256(
                <Hmac<Sha256> as Mac>::new_from_slice(secret)
                    .unwrap_or_else(|_| <Hmac<Sha256> as Mac>::new(&Default::default())),
            ),
        }
    }

    fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Md5(h) => Digest::update(h, bytes),
            Hasher::HmacMd5(h) => Mac::update(h, bytes),
            Hasher::HmacSha256(h) => Mac::update(h, bytes),
        }
    }

    fn finish(self, secret: &[u8], out: &mut String) {
        match self {
            Hasher::Md5(mut h) => {
                Digest::update(&mut h, secret);
                hex_upper(&h.finalize(), out)
            }
            Hasher::HmacMd5(h) => hex_upper(&h.finalize().into_bytes(), out),
            Hasher::HmacSha256(h) => hex_upper(&h.finalize().into_bytes(), out),
        }
    }
}

fn hex_upper(bytes: &[u8], out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.reserve(bytes.len() * 2);
    for b in bytes {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 15)] as char);
    }
}

/// Signs `params` (every param except `sign` and file params), sorting them in place by key.
pub fn sign(method: SignMethod, secret: &str, params: &mut [(&str, &str)]) -> String {
    params.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut h = Hasher::new(method, secret.as_bytes());
    for (k, v) in params.iter() {
        h.update(k.as_bytes());
        h.update(v.as_bytes());
    }
    let mut out = String::with_capacity(64);
    h.finish(secret.as_bytes(), &mut out);
    out
}

/// Signs params that are already sorted by key (the hot path keeps them sorted).
pub fn sign_sorted<'a>(
    method: SignMethod,
    secret: &str,
    params: impl Iterator<Item = (&'a str, &'a str)>,
) -> String {
    let mut h = Hasher::new(method, secret.as_bytes());
    for (k, v) in params {
        h.update(k.as_bytes());
        h.update(v.as_bytes());
    }
    let mut out = String::with_capacity(64);
    h.finish(secret.as_bytes(), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn official_md5_vector() {
        let mut p = vec![
            ("app_key", "12345678"),
            ("fields", "num_iid,title,nick,price,num"),
            ("format", "json"),
            ("method", "taobao.item.seller.get"),
            ("num_iid", "11223344"),
            ("session", "test"),
            ("sign_method", "md5"),
            ("timestamp", "2016-01-01 12:00:00"),
            ("v", "2.0"),
        ];
        p.reverse();
        assert_eq!(
            sign(SignMethod::Md5, "helloworld", &mut p),
            "66987CB115214E59E6EC978214934FB8"
        );
    }

    fn seed_params<'a>(entrust_id: &'a str, method: &'a str) -> Vec<(&'a str, &'a str)> {
        vec![
            ("method", "alibaba.kongur.token.getosstoken"),
            ("app_key", "12345678"),
            ("timestamp", "2026-11-29 12:00:00"),
            ("format", "json"),
            ("v", "2.0"),
            ("kongur_app_key", "kak-001"),
            ("suit_ids", "1001,1002"),
            ("entrust_id", entrust_id),
            ("partner_id", "top-sdk-test"),
            ("sign_method", method),
        ]
    }

    #[test]
    fn seed_vectors_all_methods() {
        let cases = [
            ("E-77", SignMethod::Md5, "1442A439958F4C6E5025092E9DD23AA2"),
            ("E-77", SignMethod::Hmac, "EFB74FEE7FBA21B6DF34D5E9937ACB09"),
            (
                "E-77",
                SignMethod::HmacSha256,
                "CA9D3E280B2C4D280AB9F53625CBCD6FCCF6BE9C765EA6365198BE83E33411E9",
            ),
            (
                "委托-7",
                SignMethod::Md5,
                "9246DC2D5E8CB82CCE612F96681C4DC6",
            ),
            (
                "委托-7",
                SignMethod::Hmac,
                "DA17AF237D74917A5521B8EC6E401FFA",
            ),
            (
                "委托-7",
                SignMethod::HmacSha256,
                "F0F7D7C41BB2044ADEE30F71C39A3D3D9398A3A8FA88700129AAA21C65E65B78",
            ),
        ];
        for (entrust, m, want) in cases {
            let mut p = seed_params(entrust, m.as_str());
            assert_eq!(
                sign(m, "test_secret_123", &mut p),
                want,
                "{m} entrust_id={entrust}"
            );
        }
    }

    #[test]
    fn parse_sign_method() {
        assert_eq!(
            "HMAC-SHA256".parse::<SignMethod>().unwrap(),
            SignMethod::HmacSha256
        );
        assert!("sha1".parse::<SignMethod>().unwrap_err().contains("sha1"));
    }
}
