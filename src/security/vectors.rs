//! The primitives against the vectors produced by running the official Java client
//! (`tests/fixtures/security-vectors.json`): sliding windows with the HMAC of each window,
//! HMAC-MD5 with every compression, AES-CBC with keys of each length. The whole client is
//! checked against the same file in `tests/security_vectors.rs`.

use super::crypto::{Key, compress, slide_windows};
use super::java;
use base64::Engine as _;
use serde_json::Value;

fn vectors() -> Value {
    serde_json::from_str(include_str!("../../tests/fixtures/security-vectors.json")).unwrap()
}

/// "0061 d83d" as code units.
fn units(hex: &str) -> Vec<u16> {
    hex.split_whitespace()
        .map(|h| u16::from_str_radix(h, 16).unwrap())
        .collect()
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[test]
fn slide_windows_and_their_hmacs() {
    let v = vectors();
    let key = Key::from_base64("hzycfdEI8IzjrkenSBjrHQ==").unwrap();
    let cases = v["slide_windows"].as_array().unwrap();
    assert_eq!(cases.len(), 51);
    let mut windows_seen = 0;
    for c in cases {
        let input = units(c["input_utf16"].as_str().unwrap());
        let size = c["slide_size"].as_u64().unwrap() as usize;
        let got = slide_windows(&input, size);
        let want = c["detail"].as_array().unwrap();
        assert_eq!(got.len(), want.len(), "windows of {} at {size}", c["input"]);
        for (g, w) in got.iter().zip(want) {
            assert_eq!(*g, units(w["utf16"].as_str().unwrap()).as_slice(), "{c}");
            let mut bytes = Vec::new();
            java::utf8_of_units(g, &mut bytes);
            assert_eq!(hex(&bytes), w["java_utf8_bytes"].as_str().unwrap(), "{c}");
            assert_eq!(
                key.hmac_b64_compressed(g, 3),
                w["hmac_c3_app_v7"].as_str().unwrap(),
                "{c}"
            );
            windows_seen += 1;
        }
    }
    assert!(windows_seen > 100, "{windows_seen} windows");
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn hmac_md5_with_every_compression() {
    let v = vectors();
    let cases = v["hmac_md5"].as_array().unwrap();
    assert_eq!(cases.len(), 5);
    for c in cases {
        let key = Key::from_base64(c["key"].as_str().unwrap()).unwrap();
        let text = units(c["text_utf16"].as_str().unwrap());
        assert_eq!(key.hmac_b64(&text), c["base64_full"].as_str().unwrap());
        let full = key.hmac_units(&text);
        assert_eq!(hex(&full), c["hmac_md5_hex"].as_str().unwrap());
        let mut n = 0;
        for (name, want) in c.as_object().unwrap() {
            if let Some(len) = name.strip_prefix("base64_compress_") {
                let len: usize = len.parse().unwrap();
                assert_eq!(b64(&compress(&full, len)), want.as_str().unwrap(), "{name}");
                assert_eq!(key.hmac_b64_compressed(&text, len), want.as_str().unwrap());
                n += 1;
            }
        }
        assert!(n >= 7);
    }
}

#[test]
fn aes_cbc_with_keys_of_each_length() {
    let v = vectors();
    let cases = v["aes"].as_array().unwrap();
    assert_eq!(cases.len(), 12);
    for c in cases {
        let key = Key::from_base64(c["key"].as_str().unwrap()).unwrap();
        let plain = c["plaintext"].as_str().unwrap();
        let cipher = c["ciphertext"].as_str().unwrap();
        assert_eq!(key.aes_encrypt_units(&java::utf16(plain)), cipher, "{c}");
        assert_eq!(key.aes_decrypt(cipher).unwrap(), plain, "{c}");
    }
    let lens: std::collections::BTreeSet<u64> = cases
        .iter()
        .map(|c| c["key_len"].as_u64().unwrap())
        .collect();
    assert_eq!(lens.into_iter().collect::<Vec<_>>(), [16, 24, 32]);
}
