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

/// A digest keyed with the app secret: md5 with the secret already absorbed, or an HMAC state
/// after its key schedule. Cloned for each signature, so keying happens once per client.
#[derive(Clone)]
enum KeyedDigest {
    Md5(Md5),
    HmacMd5(Hmac<Md5>),
    HmacSha256(Hmac<Sha256>),
}

/// Signs requests with one app secret and sign method; built once per client.
#[derive(Clone)]
pub struct Signer {
    method: SignMethod,
    keyed: KeyedDigest,
    /// md5 appends the secret again at the end.
    md5_suffix: Box<[u8]>,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Derived from the secret: nothing of it is shown.
        write!(f, "Signer({})", self.method)
    }
}

impl Signer {
    pub fn new(method: SignMethod, secret: &str) -> Signer {
        let secret = secret.as_bytes();
        // HMAC accepts keys of any length, so these constructors cannot fail; an empty
        // fallback key would only ever produce a signature the gateway rejects.
        let keyed = match method {
            SignMethod::Md5 => {
                let mut h = Md5::new();
                h.update(secret);
                KeyedDigest::Md5(h)
            }
            SignMethod::Hmac => KeyedDigest::HmacMd5(
                <Hmac<Md5> as Mac>::new_from_slice(secret)
                    .unwrap_or_else(|_| <Hmac<Md5> as Mac>::new(&Default::default())),
            ),
            SignMethod::HmacSha256 => KeyedDigest::HmacSha256(
                <Hmac<Sha256> as Mac>::new_from_slice(secret)
                    .unwrap_or_else(|_| <Hmac<Sha256> as Mac>::new(&Default::default())),
            ),
        };
        let md5_suffix = match method {
            SignMethod::Md5 => secret.into(),
            _ => Box::default(),
        };
        Signer {
            method,
            keyed,
            md5_suffix,
        }
    }

    /// Starts a signature; feed it the params in key order.
    #[inline]
    pub fn start(&self) -> Signing<'_> {
        Signing {
            signer: self,
            state: self.keyed.clone(),
            buf: [0; SIGN_BUF],
            len: 0,
        }
    }
}

/// Bytes gathered before a digest update.
const SIGN_BUF: usize = 128;

/// A signature in progress. Pieces (keys and values, mostly a few bytes each) are gathered
/// in a stack buffer and fed to the digest in large updates: digest updates, HMAC's above
/// all, cost more per call than the copy (measured with `benches/runtime.rs`).
pub struct Signing<'a> {
    signer: &'a Signer,
    state: KeyedDigest,
    buf: [u8; SIGN_BUF],
    len: usize,
}

impl Signing<'_> {
    /// Adds one param (`key` then `value`, no separator).
    #[inline]
    pub fn param(&mut self, key: &str, value: &str) {
        self.write(key.as_bytes());
        self.write(value.as_bytes());
    }

    /// Adds one param whose value is bytes of UTF-8 text.
    #[inline]
    pub fn param_bytes(&mut self, key: &str, value: &[u8]) {
        self.write(key.as_bytes());
        self.write(value);
    }

    /// Adds bytes already laid out as `key` + `value`.
    #[inline]
    pub fn raw(&mut self, key_value: &[u8]) {
        self.write(key_value);
    }

    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        if self.len + bytes.len() > SIGN_BUF {
            self.flush();
            if bytes.len() > SIGN_BUF {
                update(&mut self.state, bytes);
                return;
            }
        }
        self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }

    fn flush(&mut self) {
        update(&mut self.state, &self.buf[..self.len]);
        self.len = 0;
    }

    /// The signature, uppercase hex (checks of signatures: SPI, the mock, TMC's CONNECT).
    #[cfg_attr(
        not(any(feature = "spi", feature = "mock", feature = "tmc")),
        allow(dead_code)
    )]
    pub fn finish(self) -> String {
        let mut out = Vec::with_capacity(64);
        self.finish_into(&mut out);
        // Only ASCII hex digits were written.
        String::from_utf8(out).unwrap_or_default()
    }

    /// Appends the signature (uppercase hex) to `out`.
    #[inline]
    pub fn finish_into(mut self, out: &mut Vec<u8>) {
        if self.len > 0 {
            self.flush();
        }
        match self.state {
            KeyedDigest::Md5(ref mut h) => {
                Digest::update(h, &self.signer.md5_suffix);
                // In place: moving the state out would copy it.
                hex_upper::<16>(h.finalize_reset().into(), out)
            }
            KeyedDigest::HmacMd5(h) => hex_upper::<16>(h.finalize().into_bytes().into(), out),
            KeyedDigest::HmacSha256(h) => hex_upper::<32>(h.finalize().into_bytes().into(), out),
        }
    }
}

#[inline]
fn update(state: &mut KeyedDigest, bytes: &[u8]) {
    match state {
        KeyedDigest::Md5(h) => Digest::update(h, bytes),
        KeyedDigest::HmacMd5(h) => Mac::update(h, bytes),
        KeyedDigest::HmacSha256(h) => Mac::update(h, bytes),
    }
}

/// Appends the digest as uppercase hex. Four bytes at a time in a `u64` (their nibbles
/// spread one per byte, then turned into digits together), no per-byte lookups: this runs once
/// per call and a table walk cost about twice as much (measured).
fn hex_upper<const N: usize>(digest: [u8; N], out: &mut Vec<u8>) {
    // Digests are 16 (MD5) or 32 (SHA-256) bytes.
    let mut hex = [[0u8; 8]; 8];
    for (digits, c) in hex.iter_mut().zip(digest.chunks_exact(4)) {
        let x = u64::from(u32::from_be_bytes([c[0], c[1], c[2], c[3]]));
        let x = (x | (x << 16)) & 0x0000_FFFF_0000_FFFF;
        let x = (x | (x << 8)) & 0x00FF_00FF_00FF_00FF;
        // One nibble per byte, high nibble first.
        let x = (x | (x << 4)) & 0x0F0F_0F0F_0F0F_0F0F;
        // Digit n is `'0' + n`, or `'0' + n + 7` for 10..=15 (`'A'` is 7 past `'9' + 1`);
        // `letters` holds 1 in each byte whose nibble is 10..=15.
        let letters = ((x + 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101;
        *digits = (x + 0x3030_3030_3030_3030 + letters * 7).to_be_bytes();
    }
    out.extend_from_slice(&hex.as_flattened()[..2 * N.min(32)]);
}

/// Signs `params` (every param except `sign` and file params), sorting them in place by key.
#[cfg_attr(not(any(feature = "tmc", test)), allow(dead_code))]
pub fn sign(method: SignMethod, secret: &str, params: &mut [(&str, &str)]) -> String {
    params.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let signer = Signer::new(method, secret);
    let mut s = signer.start();
    for (k, v) in params.iter() {
        s.param(k, v);
    }
    s.finish()
}

/// The one comparison of a signature, token or secret someone sent with the one we expect:
/// every byte is looked at whatever differs first, so the time taken says nothing of where
/// a guess went wrong (`==` on slices may return at the first difference; some targets'
/// `memcmp` do). Lengths are not secret (a signature's length follows from its method).
/// `ignore_ascii_case` for hex signatures a peer may send in either case.
pub fn constant_time_eq(expected: &[u8], got: &[u8], ignore_ascii_case: bool) -> bool {
    differing_bits(
        expected.iter().copied(),
        got.iter().copied(),
        ignore_ascii_case,
    ) == 0
}

/// The OR of the XOR of every pair of bytes (0: equal), 0xff for different lengths. Over
/// iterators so the test can count the bytes read.
#[inline(never)]
fn differing_bits(
    expected: impl ExactSizeIterator<Item = u8>,
    got: impl ExactSizeIterator<Item = u8>,
    ignore_ascii_case: bool,
) -> u8 {
    if expected.len() != got.len() {
        return 0xff;
    }
    let mut acc = 0u8;
    for (e, g) in expected.zip(got) {
        // `to_ascii_uppercase` of a byte is branch-free (a mask of the lowercase test).
        let (e, g) = if ignore_ascii_case {
            (e.to_ascii_uppercase(), g.to_ascii_uppercase())
        } else {
            (e, g)
        };
        acc |= e ^ g;
    }
    // Keeps the optimizer from turning the loop into an early exit.
    std::hint::black_box(acc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compare_reads_every_byte_wherever_they_differ() {
        use std::cell::Cell;
        let read = Cell::new(0usize);
        let counted = |b: &'static [u8]| {
            let read = &read;
            b.iter().map(move |&x| {
                read.set(read.get() + 1);
                x
            })
        };
        let expected: &[u8] = b"0123456789ABCDEF0123456789ABCDEF";
        for (got, equal) in [
            (&b"X123456789ABCDEF0123456789ABCDEF"[..], false), // first byte differs
            (&b"0123456789ABCDEF0123456789ABCDEX"[..], false), // last byte differs
            (&b"0123456789ABCDEF0123456789ABCDEF"[..], true),
        ] {
            read.set(0);
            let bits = differing_bits(counted(expected), counted(got), false);
            assert_eq!(bits == 0, equal);
            // Both sides read to the end, whatever differs first.
            assert_eq!(
                read.get(),
                2 * expected.len(),
                "{:?}",
                std::str::from_utf8(got)
            );
        }
        assert!(constant_time_eq(b"ABCDEF", b"abcdef", true));
        assert!(!constant_time_eq(b"ABCDEF", b"abcdef", false));
        assert!(!constant_time_eq(b"ABCDEF", b"ABCDE", true));
        assert!(!constant_time_eq(b"", b"A", false));
        assert!(constant_time_eq(b"", b"", false));
        // Case folding is ASCII letters only: `0` (0x30) and `P` (0x50) differ in bit 0x20
        // too, and stay different.
        assert!(!constant_time_eq(b"0", b"P", true));
        assert!(!constant_time_eq(b"0", b"\x10", true));
    }

    #[test]
    fn hex_is_uppercase_two_digits_per_byte() {
        // Every byte value, in both digest sizes.
        for start in 0..=255u8 {
            let d32: [u8; 32] = std::array::from_fn(|i| start.wrapping_add(i as u8 * 8));
            let d16: [u8; 16] = std::array::from_fn(|i| d32[i]);
            let expect = |d: &[u8]| d.iter().map(|b| format!("{b:02X}")).collect::<String>();
            let mut out = Vec::new();
            hex_upper(d32, &mut out);
            assert_eq!(String::from_utf8(out).unwrap(), expect(&d32));
            let mut out = b"x".to_vec();
            hex_upper(d16, &mut out);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                format!("x{}", expect(&d16))
            );
        }
    }

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
    fn long_and_multibyte_values_sign_like_one_string() {
        // Values longer than a digest block, multi-byte text, pieces crossing block ends.
        let long = "长".repeat(200);
        for m in SignMethod::ALL {
            let mut whole = String::new();
            let mut p = Vec::new();
            for (i, v) in ["a", long.as_str(), "x", &long[..255], "y"]
                .iter()
                .enumerate()
            {
                let k = ["k0", "k1", "k2", "k3", "k4"][i];
                whole.push_str(k);
                whole.push_str(v);
                p.push((k, *v));
            }
            let want = match m {
                SignMethod::Md5 => {
                    let mut h = Md5::new();
                    Digest::update(&mut h, "s");
                    Digest::update(&mut h, &whole);
                    Digest::update(&mut h, "s");
                    h.finalize().to_vec()
                }
                SignMethod::Hmac => {
                    let mut h = <Hmac<Md5> as Mac>::new_from_slice(b"s").unwrap();
                    Mac::update(&mut h, whole.as_bytes());
                    h.finalize().into_bytes().to_vec()
                }
                SignMethod::HmacSha256 => {
                    let mut h = <Hmac<Sha256> as Mac>::new_from_slice(b"s").unwrap();
                    Mac::update(&mut h, whole.as_bytes());
                    h.finalize().into_bytes().to_vec()
                }
            };
            let want: String = want.iter().map(|b| format!("{b:02X}")).collect();
            assert_eq!(sign(m, "s", &mut p), want, "{m}");
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
