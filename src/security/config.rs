//! The app's `app_config` from `taobao.top.secret.get` (security.md §2, §6), read once when an
//! answer brings it: which types are written in their searchable form, with which index
//! options, and whether the app is still in beta. Encryption then reads flags, not JSON.

use super::format::{DataType, IndexParams};

/// What the last `app_config` said (the defaults until one came).
#[derive(Clone, Debug)]
pub(crate) struct AppConfig {
    /// `[current, previous]` per type (in [`DataType::ALL`] order): stored searchable (`"2"`).
    searchable: [[bool; 2]; 6],
    /// The index options, or why they cannot be used (reported when a searchable form is made).
    params: Result<IndexParams, &'static str>,
    /// `publish_status` is `"0"`: an app in beta, which has no keys yet.
    pub beta: bool,
}

impl Default for AppConfig {
    fn default() -> Self {
        AppConfig {
            searchable: [[false; 2]; 6],
            params: Ok(IndexParams::default()),
            beta: false,
        }
    }
}

/// A config value as text: the official client wants strings (`"2"`); a number is read too.
fn text(cfg: &serde_json::Map<String, serde_json::Value>, key: &str) -> Option<String> {
    match cfg.get(key)? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl AppConfig {
    /// Reads `app_config` (the JSON text of the answer).
    pub fn parse(json: &str) -> Result<AppConfig, &'static str> {
        let cfg: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(json).map_err(|_| "app_config is not a JSON object")?;
        let mut searchable = [[false; 2]; 6];
        for (i, ty) in DataType::ALL.into_iter().enumerate() {
            for (j, when) in ["current_", "previous_"].into_iter().enumerate() {
                let key = format!("{when}{}", ty.as_str());
                searchable[i][j] = text(&cfg, &key).as_deref() == Some("2");
            }
        }
        let read = |key: &str, default: usize| -> Result<usize, &'static str> {
            match text(&cfg, key) {
                None => Ok(default),
                Some(v) => v
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=64).contains(n))
                    .ok_or("app_config: index options must be numbers from 1 to 64"),
            }
        };
        let d = IndexParams::default();
        let params = read("encrypt_index_compress_len", d.compress_len).and_then(|compress_len| {
            Ok(IndexParams {
                compress_len,
                slide_size: read("encrypt_slide_size", d.slide_size)?,
            })
        });
        Ok(AppConfig {
            searchable,
            params,
            beta: text(&cfg, "publish_status").as_deref() == Some("0"),
        })
    }

    /// Whether `ty` is written in its searchable form (always for [`DataType::Search`]).
    pub fn searchable(&self, ty: DataType, previous: bool) -> bool {
        let i = DataType::ALL.iter().position(|t| *t == ty).unwrap_or(0);
        ty == DataType::Search || self.searchable[i][usize::from(previous)]
    }

    /// The index options.
    pub fn params(&self) -> Result<IndexParams, &'static str> {
        self.params
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_flags_options_and_beta() {
        let c = AppConfig::parse(
            r#"{"current_nick":"2","previous_phone":2,"current_simple":"1",
                "encrypt_index_compress_len":"5","encrypt_slide_size":"3","publish_status":"0"}"#,
        )
        .unwrap();
        assert!(c.searchable(DataType::Nick, false));
        assert!(!c.searchable(DataType::Nick, true));
        assert!(c.searchable(DataType::Phone, true));
        assert!(!c.searchable(DataType::Simple, false));
        assert!(c.searchable(DataType::Search, true));
        assert_eq!(
            c.params(),
            Ok(IndexParams {
                compress_len: 5,
                slide_size: 3
            })
        );
        assert!(c.beta);
        let bad = AppConfig::parse(r#"{"encrypt_slide_size":"0"}"#).unwrap();
        assert!(bad.params().is_err());
        assert!(AppConfig::parse("[1]").is_err());
        let d = AppConfig::default();
        assert!(!d.searchable(DataType::Nick, false) && !d.beta);
    }
}
