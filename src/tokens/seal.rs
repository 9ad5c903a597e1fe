//! Tokens sealed at rest (feature `token-seal`): a store given a [`TokenKey`] writes each token
//! as `sealed:v1:` + base64(nonce ‖ AES-256-GCM ciphertext and tag), the shop id as associated
//! data. AES-256-GCM because it is authenticated (a changed byte, a row copied to another shop,
//! another key: refused, never decrypted into garbage), standard, and fast; RustCrypto's
//! `aes-gcm`, 96-bit nonces from the operating system's generator (random nonces are safe far
//! beyond any token store's number of writes under one key).
//!
//! Rows written without a key still read (so a store can be sealed in place: each row is
//! sealed at its next write); a sealed row read without the key, or with another, is reported
//! as unreadable, never returned.

use super::StoreError;
use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;

const PREFIX: &str = "sealed:v1:";
/// The variable holding the key tokens are sealed with.
pub const KEY_ENV: &str = "TOP_TOKEN_KEY";
/// The variable holding the key being rotated away from.
pub const PREVIOUS_KEY_ENV: &str = "TOP_TOKEN_KEY_PREVIOUS";
const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// The key tokens are sealed with: 32 bytes, given as standard base64 (`openssl rand -base64
/// 32`). Never in `Debug`.
#[derive(Clone)]
pub struct TokenKey {
    cipher: Aes256Gcm,
    fingerprint: String,
}

impl std::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKey(***)")
    }
}

impl TokenKey {
    /// A key from its base64 text.
    pub fn from_base64(text: &str) -> Result<TokenKey, StoreError> {
        let bytes = B64
            .decode(text.trim())
            .map_err(|_| StoreError("the token key is not standard base64".into()))?;
        if bytes.len() != 32 {
            return Err(StoreError(format!(
                "the token key has {} bytes; AES-256 takes 32",
                bytes.len()
            )));
        }
        let cipher = Aes256Gcm::new_from_slice(&bytes)
            .map_err(|_| StoreError("the token key does not fit AES-256".into()))?;
        use sha2::Digest as _;
        let digest = sha2::Sha256::new()
            .chain_update(b"topsdk token key fingerprint v1\0")
            .chain_update(&bytes)
            .finalize();
        let fingerprint = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        Ok(TokenKey {
            cipher,
            fingerprint,
        })
    }

    /// A short name of the key (16 hex digits of a SHA-256 over it), safe to show and to
    /// store: a store records the fingerprint of the key that seals it and refuses another.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The key in `TOP_TOKEN_KEY`, when it is set. Sealing fails closed: a variable set but
    /// blank (what `$(cat missing-file)` gives) or not text is an error, never "no key",
    /// which would store tokens in clear.
    pub fn from_env() -> Result<Option<TokenKey>, StoreError> {
        Self::from_var(KEY_ENV)
    }

    /// The key being rotated away from, in `TOP_TOKEN_KEY_PREVIOUS` (same rules): a store
    /// sealed with it is taken over by `TOP_TOKEN_KEY` (its rows still open, each is sealed
    /// with the new key at its next write, or all at once by `topsdk auth reseal`).
    pub fn previous_from_env() -> Result<Option<TokenKey>, StoreError> {
        Self::from_var(PREVIOUS_KEY_ENV)
    }

    fn from_var(var: &str) -> Result<Option<TokenKey>, StoreError> {
        match std::env::var(var) {
            Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => Err(StoreError(format!(
                "{var} is not text (a base64 key of 32 bytes)"
            ))),
            Ok(v) if v.trim().is_empty() => Err(StoreError(format!(
                "{var} is set but blank: give the key (base64 of 32 bytes), or unset it"
            ))),
            Ok(v) => TokenKey::from_base64(&v)
                .map(Some)
                .map_err(|e| StoreError(format!("{var}: {}", e.0))),
        }
    }

    pub(super) fn seal(&self, shop: i64, plain: &str) -> Result<String, StoreError> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let aad = shop.to_le_bytes();
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plain.as_bytes(),
                    aad: &aad,
                },
            )
            .map_err(|_| StoreError("sealing a token failed".into()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(format!("{PREFIX}{}", B64.encode(out)))
    }

    /// The JSON of a sealed row.
    pub(super) fn open(&self, shop: i64, text: &str) -> Result<String, String> {
        let body = text.strip_prefix(PREFIX).ok_or("not a sealed token")?;
        let bytes = B64
            .decode(body)
            .map_err(|_| "the sealed token is not base64")?;
        if bytes.len() < 12 + 16 {
            return Err("the sealed token is cut short".into());
        }
        let (nonce, sealed) = bytes.split_at(12);
        let aad = shop.to_le_bytes();
        let plain = self
            .cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: &aad,
                },
            )
            .map_err(|_| "the sealed token does not open with this key (another key, another shop's row, or changed)")?;
        String::from_utf8(plain).map_err(|_| "the sealed token is not UTF-8".into())
    }
}

/// Whether a stored text is a sealed token.
pub(super) fn is_sealed(text: &str) -> bool {
    text.starts_with(PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> TokenKey {
        TokenKey::from_base64(&B64.encode([byte; 32])).unwrap()
    }

    #[test]
    fn seals_open_only_with_their_key_and_shop() {
        let k = key(1);
        let sealed = k.seal(42, r#"{"access_token":"62abc"}"#).unwrap();
        assert!(is_sealed(&sealed));
        assert!(!sealed.contains("62abc"));
        assert_eq!(k.open(42, &sealed).unwrap(), r#"{"access_token":"62abc"}"#);
        // Two seals of one token differ (fresh nonces).
        assert_ne!(k.seal(42, "x").unwrap(), k.seal(42, "x").unwrap());
        assert!(k.open(43, &sealed).is_err(), "another shop's row");
        assert!(key(2).open(42, &sealed).is_err(), "another key");
        let mut bytes = B64.decode(&sealed[PREFIX.len()..]).unwrap();
        bytes[20] ^= 1;
        let changed = format!("{PREFIX}{}", B64.encode(&bytes));
        assert!(k.open(42, &changed).is_err(), "a changed byte");
        for bad in ["sealed:v1:", "sealed:v1:!!", "sealed:v1:AAAA", "plain"] {
            assert!(k.open(42, bad).is_err(), "{bad}");
        }
        assert!(TokenKey::from_base64("AAAA").is_err());
        assert!(TokenKey::from_base64("not base64").is_err());
        assert_eq!(format!("{k:?}"), "TokenKey(***)");
        assert_eq!(k.fingerprint().len(), 16);
        assert_eq!(k.fingerprint(), key(1).fingerprint());
        assert_ne!(k.fingerprint(), key(2).fingerprint());
    }
}
