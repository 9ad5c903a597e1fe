//! `topsdk spi verify`: checks a call TOP sent (SPI, or QIMEN forwarded) as the library does,
//! for debugging an endpoint's signature checks from the command line.

use crate::usage_error;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

/// Prints `{"ok": true, "params": {..}}` (exit 0) or `{"ok": false, "reason": ..}` (exit 2).
/// The secret comes from TOP_APP_SECRET. The values of `session` and of names holding
/// `secret`, `token` or `password` are masked.
pub(crate) fn verify(
    query: &str,
    headers: &[String],
    body: Option<String>,
    body_file: Option<std::path::PathBuf>,
    max_age_secs: Option<u64>,
) -> ExitCode {
    let Some(secret) = std::env::var("TOP_APP_SECRET")
        .ok()
        .filter(|s| !s.is_empty())
    else {
        return usage_error("TOP_APP_SECRET is not set: the app secret signs SPI calls");
    };
    let mut pairs = Vec::new();
    for h in headers {
        match h.split_once(':') {
            Some((k, v)) if !k.trim().is_empty() => pairs.push((k.trim(), v.trim())),
            _ => return usage_error(format!("--header `{h}` is not NAME:VALUE")),
        }
    }
    let body = match (body, body_file) {
        (Some(_), Some(_)) => return usage_error("give --body or --body-file, not both"),
        (Some(b), None) => b.into_bytes(),
        (None, Some(path)) => match read_capped(&path) {
            Ok(b) => b,
            Err(e) => return usage_error(format!("cannot read {}: {e}", path.display())),
        },
        (None, None) => Vec::new(),
    };
    let mut verifier = topsdk::spi::Verifier::new(secret);
    if let Some(s) = max_age_secs {
        verifier = verifier.max_age(Duration::from_secs(s));
    }
    let query = query.strip_prefix('?').unwrap_or(query);
    let request = topsdk::spi::Request {
        query,
        headers: &pairs,
        body: &body,
    };
    match verifier.verify(&request, SystemTime::now()) {
        Ok(params) => {
            let params: serde_json::Map<String, serde_json::Value> = params
                .into_iter()
                .map(|(k, v)| {
                    let k = String::from_utf8_lossy(&k).into_owned();
                    let lower = k.to_ascii_lowercase();
                    let secret = lower == "session"
                        || ["secret", "token", "password"]
                            .iter()
                            .any(|w| lower.contains(w));
                    let v = if secret {
                        "***".to_string()
                    } else {
                        String::from_utf8_lossy(&v).into_owned()
                    };
                    (k, v.into())
                })
                .collect();
            match crate::print_line(
                &serde_json::json!({ "ok": true, "params": params }).to_string(),
            ) {
                Ok(()) => ExitCode::SUCCESS,
                Err(code) => code,
            }
        }
        Err(why) => {
            let line = serde_json::json!({ "ok": false, "reason": why.to_string() });
            match crate::print_line(&line.to_string()) {
                Ok(()) => ExitCode::from(2),
                Err(code) => code,
            }
        }
    }
}

/// The most of a body file read: an SPI call's body is a form or a small document; a path
/// like `/dev/zero` must not be read until memory runs out.
const MAX_BODY: u64 = 16 * 1024 * 1024;

fn read_capped(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut body = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_BODY + 1)
        .read_to_end(&mut body)?;
    if body.len() as u64 > MAX_BODY {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("more than {} MiB, not an SPI call's body", MAX_BODY >> 20),
        ));
    }
    Ok(body)
}
