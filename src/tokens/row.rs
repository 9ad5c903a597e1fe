//! A token as a store's row holds it: JSON with its secrets, sealed when the store was given a
//! key (feature `token-seal`). One codec for every database store.

use super::{Listing, StoreError, Stored};
use crate::oauth::Token;

/// The `topsdk_meta` row naming the fingerprint of the key that seals a store's tokens.
pub(super) const SEAL_KEY: &str = "seal_key";

/// The keys a store is opened with: the sealing key and the one being rotated away from.
#[derive(Clone, Default)]
pub(super) struct Keys {
    #[cfg(feature = "token-seal")]
    pub(super) key: Option<super::TokenKey>,
    #[cfg(feature = "token-seal")]
    pub(super) previous: Option<super::TokenKey>,
}

/// Reads and writes the token text of rows.
#[derive(Clone, Default)]
pub(super) struct Codec {
    // Read when sealing (feature `token-seal`); empty otherwise.
    #[cfg_attr(not(feature = "token-seal"), allow(dead_code))]
    keys: Keys,
    /// Why this store must not write (sealed, but opened without its key).
    refusal: Option<String>,
}

/// What opening a store with `keys` means for a store whose key fingerprint is `recorded`:
/// the codec, and the fingerprint to record. Sealing fails closed: a sealed store opened
/// without a key writes nothing (no clear rows next to sealed ones); opened with another key
/// (not the previous one of a rotation) it is refused.
pub(super) fn settle(
    keys: Keys,
    recorded: Option<&str>,
) -> Result<(Codec, Option<String>), StoreError> {
    #[cfg(feature = "token-seal")]
    if let Some(key) = &keys.key {
        let fp = key.fingerprint().to_string();
        let record = match recorded {
            None => Some(fp),
            Some(r) if r == fp => None,
            Some(r) if keys.previous.as_ref().is_some_and(|p| p.fingerprint() == r) => {
                tracing::info!(from = r, to = %fp, "token store: sealing key rotated");
                Some(fp)
            }
            Some(r) => {
                return Err(StoreError(format!(
                    "this store's tokens are sealed with key {r}; the key given is {fp}: give \
                     the store's key, or rotate: TOP_TOKEN_KEY_PREVIOUS = the store's key and \
                     TOP_TOKEN_KEY = the new one (then `topsdk auth reseal`)"
                )));
            }
        };
        return Ok((
            Codec {
                keys,
                refusal: None,
            },
            record,
        ));
    }
    let refusal = recorded.map(|r| {
        format!(
            "this store's tokens are sealed with key {r}, and it was opened without a key: \
             nothing is written in clear next to sealed tokens; give the key (TOP_TOKEN_KEY)"
        )
    });
    Ok((Codec { keys, refusal }, None))
}

impl Codec {
    /// A row's token: sealed rows opened with the key.
    pub(super) fn read(&self, shop: i64, text: &str) -> Result<Token, String> {
        #[cfg(feature = "token-seal")]
        let opened;
        #[cfg(feature = "token-seal")]
        let text = if super::seal::is_sealed(text) {
            let Some(key) = &self.keys.key else {
                return Err("the token is sealed; this store was given no key".into());
            };
            opened = match (key.open(shop, text), &self.keys.previous) {
                (Ok(t), _) => t,
                (Err(_), Some(previous)) => previous.open(shop, text)?,
                (Err(e), None) => return Err(e),
            };
            opened.as_str()
        } else {
            text
        };
        #[cfg(not(feature = "token-seal"))]
        if text.starts_with("sealed:") {
            return Err(format!(
                "the token of shop {shop} is sealed; open the store with its key (feature token-seal)"
            ));
        }
        serde_json::from_str::<Token>(text)
            .map_err(|e| format!("the stored token does not read: {e}"))
    }

    /// A token as the row holds it.
    pub(super) fn write(&self, shop: i64, token: &Token) -> Result<String, StoreError> {
        if let Some(why) = &self.refusal {
            return Err(StoreError(why.clone()));
        }
        let json =
            serde_json::to_string(&crate::Reveal(token)).map_err(|e| StoreError(e.to_string()))?;
        #[cfg(feature = "token-seal")]
        if let Some(key) = &self.keys.key {
            return key.seal(shop, &json);
        }
        let _ = shop;
        Ok(json)
    }
}

/// One row as a database returns it: shop, token text, version, revoked.
pub(super) type Raw = (i64, String, i64, Option<String>);

/// Rows as a listing: those that do not read are skipped, located.
pub(super) fn read_rows(codec: &Codec, raw: Vec<Raw>) -> Listing {
    let mut out = Listing::default();
    for (shop, text, version, revoked) in raw {
        match codec.read(shop, &text) {
            Ok(token) => out.tokens.push((
                shop,
                Stored {
                    token,
                    version: version.max(0) as u64,
                    revoked,
                },
            )),
            Err(why) => {
                // Located, without the row's text (it may hold the tokens).
                tracing::warn!(shop, %why, "token store: row skipped");
                out.unreadable.push((shop, why));
            }
        }
    }
    out
}

/// Said when a store is opened with a key over rows it holds in clear (any store's count).
pub(super) fn warn_clear_rows(clear: i64) {
    if clear > 0 {
        tracing::warn!(
            clear,
            "token store: tokens stored in clear; each is sealed at its next write (or `topsdk auth reseal`)"
        );
    }
}

impl Codec {
    /// Whether tokens are sealed at their writes.
    pub(super) fn seals(&self) -> bool {
        #[cfg(feature = "token-seal")]
        return self.keys.key.is_some();
        #[cfg(not(feature = "token-seal"))]
        false
    }
}
