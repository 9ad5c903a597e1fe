//! A token as a store's row holds it: JSON with its secrets, sealed when the store was given a
//! key (feature `token-seal`). One codec for every database store.

use super::{Listing, StoreError, Stored};
use crate::oauth::Token;

/// Reads and writes the token text of rows.
#[derive(Clone, Default)]
pub(super) struct Codec {
    #[cfg(feature = "token-seal")]
    pub(super) key: Option<super::TokenKey>,
}

impl Codec {
    /// A row's token: sealed rows opened with the key.
    pub(super) fn read(&self, shop: i64, text: &str) -> Result<Token, String> {
        #[cfg(feature = "token-seal")]
        let opened;
        #[cfg(feature = "token-seal")]
        let text = if super::seal::is_sealed(text) {
            let Some(key) = &self.key else {
                return Err("the token is sealed; this store was given no key".into());
            };
            opened = key.open(shop, text)?;
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
        let json =
            serde_json::to_string(&crate::Reveal(token)).map_err(|e| StoreError(e.to_string()))?;
        #[cfg(feature = "token-seal")]
        if let Some(key) = &self.key {
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
