//! The primitives of the official client (security.md §3, §5): the key as given by
//! `taobao.top.secret.get`, AES-CBC with PKCS#7 padding and the fixed IV `"0102030405060708"`
//! (so encryption is deterministic: equal text, equal ciphertext, which is what makes stored
//! ciphertext searchable and joinable), HMAC-MD5 compressed to a few bytes, and the sliding
//! windows of the searchable index.

use super::SecurityError;
use super::java;
use aes::cipher::consts::U16;
use aes::cipher::{BlockDecrypt, BlockEncrypt, BlockSizeUser, KeyInit};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use md5::Md5;

const IV: &[u8; 16] = b"0102030405060708";
/// Ciphertext up to this long is built in a stack buffer.
const STACK_BYTES: usize = 512;

/// AES-CBC with PKCS#7 padding under the fixed IV, appended to `out`. By hand over the block
/// cipher (a few lines) so the expanded key is borrowed, not copied for every value; checked
/// byte for byte against the official client's vectors.
fn cbc_encrypt<C: BlockEncrypt + BlockSizeUser<BlockSize = U16>>(
    c: &C,
    plain: &[u8],
    out: &mut impl Extend<u8>,
) {
    let mut prev = *IV;
    let pad = 16 - plain.len() % 16;
    let blocks = plain.len() / 16 + 1;
    for i in 0..blocks {
        let mut block = [pad as u8; 16];
        let chunk = plain.get(i * 16..).unwrap_or_default();
        let n = chunk.len().min(16);
        block[..n].copy_from_slice(&chunk[..n]);
        for (b, p) in block.iter_mut().zip(prev) {
            *b ^= p;
        }
        c.encrypt_block(aes::Block::from_mut_slice(&mut block));
        out.extend(block);
        prev = block;
    }
}

/// Decrypts AES-CBC `ct` (whole blocks) in place; the length of the plaintext once the PKCS#7
/// padding is checked and dropped, `None` when it is not valid padding (another key).
fn cbc_decrypt<C: BlockDecrypt + BlockSizeUser<BlockSize = U16>>(
    c: &C,
    ct: &mut [u8],
) -> Option<usize> {
    let blocks = ct.len() / 16;
    // Last block first: each block's predecessor is still ciphertext when it is needed.
    for i in (0..blocks).rev() {
        let prev: [u8; 16] = match i {
            0 => *IV,
            _ => ct[(i - 1) * 16..i * 16].try_into().ok()?,
        };
        let block: &mut [u8; 16] = (&mut ct[i * 16..(i + 1) * 16]).try_into().ok()?;
        c.decrypt_block(aes::Block::from_mut_slice(block));
        for (b, p) in block.iter_mut().zip(prev) {
            *b ^= p;
        }
    }
    let pad = usize::from(*ct.last()?);
    if !(1..=16).contains(&pad) || pad > ct.len() {
        return None;
    }
    ct[ct.len() - pad..]
        .iter()
        .all(|&b| usize::from(b) == pad)
        .then(|| ct.len() - pad)
}

/// A data key: the raw bytes of `secret` (16, 24 or 32 bytes: AES-128/192/256; the same bytes
/// key the HMAC). Never shown: `Debug` prints its length only.
#[derive(Clone)]
pub struct Key {
    /// The AES key schedule, expanded once (a key serves many values).
    aes: Aes,
    /// The HMAC-MD5 state keyed once (the index hashes many windows with one key).
    hmac: Hmac<Md5>,
}

#[derive(Clone)]
enum Aes {
    A128(aes::Aes128),
    A192(aes::Aes192),
    A256(aes::Aes256),
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let len = match self.aes {
            Aes::A128(_) => 16,
            Aes::A192(_) => 24,
            Aes::A256(_) => 32,
        };
        write!(f, "Key(<{len} bytes>)")
    }
}

impl Key {
    /// A key from its raw bytes; any length but 16, 24 or 32 is refused.
    pub fn from_bytes(bytes: &[u8]) -> Result<Key, SecurityError> {
        if !matches!(bytes.len(), 16 | 24 | 32) {
            return Err(SecurityError::KeyLength { len: bytes.len() });
        }
        let len = || SecurityError::KeyLength { len: bytes.len() };
        let hmac = <Hmac<Md5> as Mac>::new_from_slice(bytes).map_err(|_| len())?;
        let aes = match bytes.len() {
            16 => aes::Aes128::new_from_slice(bytes).map(Aes::A128),
            24 => aes::Aes192::new_from_slice(bytes).map(Aes::A192),
            _ => aes::Aes256::new_from_slice(bytes).map(Aes::A256),
        }
        .map_err(|_| len())?;
        Ok(Key { aes, hmac })
    }

    /// A key from `secret` as `taobao.top.secret.get` returns it (standard base64).
    pub fn from_base64(secret: &str) -> Result<Key, SecurityError> {
        let bytes = STANDARD
            .decode(secret.trim())
            .map_err(|_| SecurityError::KeyEncoding)?;
        Key::from_bytes(&bytes)
    }

    /// Base64 of AES-CBC(UTF-8 of `units`, as Java encodes them).
    pub(crate) fn aes_encrypt_units(&self, units: &[u16]) -> String {
        let mut plain = Vec::with_capacity(units.len() * 3);
        java::utf8_of_units(units, &mut plain);
        let mut out = String::new();
        self.aes_encrypt_into(&plain, &mut out);
        out
    }

    /// Appends base64 of AES-CBC(`plain`) to `out`. (Text from a `&str` is well-formed, so its
    /// UTF-8 is what Java encodes: no trip through UTF-16.)
    pub(crate) fn aes_encrypt_into(&self, plain: &[u8], out: &mut String) {
        // Short text (names, phones, addresses) is encrypted on the stack: no allocation but
        // the output's.
        let mut ct = smallvec::SmallVec::<[u8; STACK_BYTES]>::new();
        match &self.aes {
            Aes::A128(c) => cbc_encrypt(c, plain, &mut ct),
            Aes::A192(c) => cbc_encrypt(c, plain, &mut ct),
            Aes::A256(c) => cbc_encrypt(c, plain, &mut ct),
        }
        STANDARD.encode_string(&ct, out);
    }

    /// The text in an AES field: base64 decoded as Java's lenient decoder does (characters
    /// outside the alphabet skipped), decrypted in place, the padding checked, UTF-8 decoded
    /// (malformed bytes replaced, as Java does).
    pub(crate) fn aes_decrypt(&self, field: &str) -> Result<String, SecurityError> {
        let bad_b64 = |_| SecurityError::Malformed {
            part: "AES field",
            reason: "is not base64",
        };
        let mut stack = [0u8; STACK_BYTES + 16];
        let mut heap;
        // Short, clean fields decode onto the stack (the plaintext is the only allocation);
        // longer ones, or ones with characters Java's lenient decoder skips, the general way.
        let ct: &mut [u8] = match STANDARD.decode_slice(field, &mut stack) {
            Ok(n) => &mut stack[..n],
            Err(_) => {
                let kept: Vec<u8> = field.bytes().filter(|&b| java::is_b64_byte(b)).collect();
                heap = STANDARD.decode(&kept).map_err(bad_b64)?;
                &mut heap[..]
            }
        };
        if ct.is_empty() || !ct.len().is_multiple_of(16) {
            return Err(SecurityError::Malformed {
                part: "AES field",
                reason: "is not a whole number of AES blocks",
            });
        }
        let len = match &self.aes {
            Aes::A128(c) => cbc_decrypt(c, ct),
            Aes::A192(c) => cbc_decrypt(c, ct),
            Aes::A256(c) => cbc_decrypt(c, ct),
        }
        .ok_or(SecurityError::WrongKey)?;
        let plain = &ct[..len];
        Ok(match std::str::from_utf8(plain) {
            Ok(s) => s.to_string(),
            Err(_) => String::from_utf8_lossy(plain).into_owned(),
        })
    }

    /// HMAC-MD5 of UTF-8 of `units` (Java's encoding).
    pub(crate) fn hmac_units(&self, units: &[u16]) -> [u8; 16] {
        let mut msg = Vec::with_capacity(units.len() * 3);
        java::utf8_of_units(units, &mut msg);
        self.hmac_bytes(&msg)
    }

    fn hmac_bytes(&self, msg: &[u8]) -> [u8; 16] {
        let mut mac = self.hmac.clone();
        mac.update(msg);
        mac.finalize().into_bytes().into()
    }

    /// `hmacB64(text)`: base64 of the whole HMAC (24 characters; phones).
    pub(crate) fn hmac_b64(&self, units: &[u16]) -> String {
        STANDARD.encode(self.hmac_units(units))
    }

    /// `hmacB64(text, c)`: base64 of the HMAC folded into `c` bytes (`out[i % c] ^= h[i]`).
    pub(crate) fn hmac_b64_compressed(&self, units: &[u16], c: usize) -> String {
        STANDARD.encode(compress(&self.hmac_units(units), c))
    }

    /// `IDX(text)`: the compressed HMAC of every sliding window of `units`, concatenated.
    pub(crate) fn index(&self, units: &[u16], compress_len: usize, slide_size: usize) -> String {
        let mut out = String::new();
        for w in slide_windows(units, slide_size) {
            out.push_str(&self.hmac_b64_compressed(w, compress_len));
        }
        out
    }
}

/// `compress(h, c)`: a `c`-byte array with `out[i % c] ^= h[i]` (a longer one keeps zeros).
pub(crate) fn compress(h: &[u8; 16], c: usize) -> Vec<u8> {
    let mut out = vec![0u8; c];
    if c == 0 {
        return out;
    }
    for (i, b) in h.iter().enumerate() {
        out[i % c] ^= b;
    }
    out
}

fn weight(u: u16) -> isize {
    if u <= 127 { 1 } else { 2 }
}

/// `getSlideWindows(input, slideSize)` of the official client, unit for unit (security.md
/// §5.5): an ASCII unit weighs 1, any other 2; a window that starts with ASCII may grow by one
/// ASCII unit past the size, after which the size is the client's literal 5. A window may end
/// inside a surrogate pair (Java slices UTF-16 units); such halves encode as `?`.
pub(crate) fn slide_windows(input: &[u16], slide_size: usize) -> Vec<&[u16]> {
    let n = input.len();
    let mut windows: Vec<&[u16]> = Vec::new();
    // `size` is Java's `int`: it can go below zero, and the refill then takes more units.
    let slide_size = slide_size as isize;
    let (mut start, mut end, mut size) = (0usize, 0usize, 0isize);
    let mut cur: Option<&[u16]> = None;
    // Every step appends a window and moves `start` or `end` on, so this ends; the guard is
    // there for sizes the client was never used with (it loops or panics on some).
    let mut guard = 0usize;
    while end < n || size > slide_size {
        guard += 1;
        if guard > 4 * n + 8 {
            break;
        }
        let starts_ascii = cur.is_some_and(|c| c.first().is_some_and(|&u| u <= 127));
        if end == n && !starts_ascii {
            break;
        }
        if size == slide_size && !starts_ascii && end < n && input[end] <= 127 {
            end += 1;
            cur = Some(&input[start..end]);
            size = 5;
        } else {
            if end != 0 {
                size -= if starts_ascii { 1 } else { 2 };
                start += 1;
            }
            while size < slide_size && end < n {
                size += weight(input[end]);
                end += 1;
            }
            cur = Some(&input[start.min(end)..end]);
        }
        windows.push(cur.unwrap_or_default());
    }
    windows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn windows(s: &str, size: usize) -> Vec<String> {
        let u = java::utf16(s);
        slide_windows(&u, size)
            .into_iter()
            .map(String::from_utf16_lossy)
            .collect()
    }

    #[test]
    fn windows_of_the_sheet() {
        assert_eq!(windows("abcdef", 4), ["abcd", "bcde", "cdef"]);
        assert_eq!(windows("abc", 4), ["abc"]);
        assert_eq!(windows("张三", 4), ["张三"]);
        assert_eq!(
            windows("浙江省杭州市", 4),
            ["浙江", "江省", "省杭", "杭州", "州市"]
        );
        assert_eq!(windows("张三a", 4), ["张三", "张三a"]);
        assert_eq!(windows("a张三", 4), ["a张三", "张三"]);
        assert_eq!(
            windows("ab张三cd", 4),
            ["ab张", "b张三", "张三", "张三c", "三cd"]
        );
        let u = java::utf16("张😀");
        let w = slide_windows(&u, 4);
        assert_eq!(w, [&u[0..2], &u[1..3]]);
    }

    #[test]
    fn keys_of_other_lengths_are_refused() {
        for len in [0, 1, 15, 17, 23, 31, 33, 64] {
            assert!(matches!(
                Key::from_bytes(&vec![7u8; len]),
                Err(SecurityError::KeyLength { len: l }) if l == len
            ));
        }
        assert!(matches!(
            Key::from_base64("not base64!"),
            Err(SecurityError::KeyEncoding)
        ));
        let k = Key::from_bytes(&[1u8; 16]).unwrap();
        assert_eq!(format!("{k:?}"), "Key(<16 bytes>)");
    }

    #[test]
    fn compress_folds() {
        let h: [u8; 16] = core::array::from_fn(|i| i as u8);
        assert_eq!(compress(&h, 16), h.to_vec());
        assert_eq!(compress(&h, 1), [(0..16u8).fold(0, |a, b| a ^ b)]);
        assert_eq!(compress(&h, 20)[16..], [0, 0, 0, 0]);
    }
}
