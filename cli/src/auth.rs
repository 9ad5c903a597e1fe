//! `topsdk auth ...`: shop authorization and the token store (`--store URL`: PostgreSQL,
//! SQLite or memory).
//!
//! Exit codes: 0 done; 2 some shop needs attention (a refresh failed or was refused, a row did
//! not read); 3 the store failed (unreachable, refused, a schema newer than this binary, not a
//! database: nothing was written); 4 TOP issued a token the store did not take (written to the
//! rescue file or stdout); 64 a bad `--store` URL or `TOP_TOKEN_KEY`.

use crate::args::StoreArgs;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use topsdk::oauth::{self, Authorize, View};
use topsdk::tokens::{Expect, Put, RefreshOptions, StoreUrl, TokenStore};

/// Exit code when TOP issued a token that could not be stored: it was written to the rescue
/// file (or stdout) instead, and the shop's authorization is in it.
const UNSAVED: u8 = 4;
/// Exit code when the store cannot be opened or fails.
const STORE_FAILED: u8 = 3;

/// The store: `--store`, else `--db`, else `TOP_TOKEN_STORE`, else `TOP_TOKEN_DB` (a path),
/// else `sqlite:topsdk-tokens.sqlite` here.
fn store_url(args: StoreArgs) -> Result<StoreUrl, ExitCode> {
    let bad = |e: topsdk::tokens::StoreError| {
        eprintln!("topsdk: --store: {e}");
        ExitCode::from(64)
    };
    if let Some(text) = args.store {
        return StoreUrl::parse(&text).map_err(bad);
    }
    if let Some(db) = args.db {
        return Ok(StoreUrl::Sqlite(db));
    }
    if let Some(url) = StoreUrl::from_env().map_err(bad)? {
        return Ok(url);
    }
    Ok(StoreUrl::Sqlite(
        std::env::var_os("TOP_TOKEN_DB")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("topsdk-tokens.sqlite")),
    ))
}

pub fn url(redirect_uri: &str, state: Option<String>, view: Option<String>) -> ExitCode {
    let app_key = std::env::var("TOP_APP_KEY")
        .ok()
        .filter(|k| !k.is_empty())
        .unwrap_or_else(|| "mock-app-key".into());
    let view = match view.as_deref() {
        None | Some("web") => View::Web,
        Some("tmall") => View::Tmall,
        Some("wap") => View::Wap,
        Some(other) => return crate::usage_error(format!("--view `{other}`: web, tmall or wap")),
    };
    let mut a = Authorize::new(app_key, redirect_uri).view(view);
    if let Some(s) = state {
        a = a.state(s);
    }
    println!("{}", a.url());
    ExitCode::SUCCESS
}

/// The store `args` name, its tokens sealed with TOP_TOKEN_KEY when that is set
/// (TOP_TOKEN_KEY_PREVIOUS: the key of a rotation in progress).
async fn open(args: StoreArgs) -> Result<Arc<dyn TokenStore>, ExitCode> {
    open_with(args, false).await
}

async fn open_with(args: StoreArgs, need_key: bool) -> Result<Arc<dyn TokenStore>, ExitCode> {
    use topsdk::tokens::TokenKey;
    let url = store_url(args)?;
    let usage = |e: topsdk::tokens::StoreError| {
        eprintln!("topsdk: {e}");
        ExitCode::from(64)
    };
    let key = TokenKey::from_env().map_err(usage)?;
    let previous = TokenKey::previous_from_env().map_err(usage)?;
    let opened = match (key, previous) {
        (Some(k), previous) => url.open_sealed(k, previous).await,
        (None, Some(_)) => {
            return Err(crate::usage_error(
                "TOP_TOKEN_KEY_PREVIOUS is set without TOP_TOKEN_KEY (the new key)",
            ));
        }
        (None, None) if need_key => {
            return Err(crate::usage_error(
                "sealing needs the key: set TOP_TOKEN_KEY (base64 of 32 bytes)",
            ));
        }
        (None, None) => url.open().await,
    };
    opened.map_err(|e| {
        eprintln!("topsdk: {e}");
        ExitCode::from(STORE_FAILED)
    })
}

/// The gateway client (a built-in mock's without credentials, kept alive by the second
/// value) and the store.
async fn client_and_store(
    args: StoreArgs,
) -> Result<(topsdk::Client, crate::Embedded, Arc<dyn TokenStore>), ExitCode> {
    let store = open(args).await?;
    let (client, mock) = crate::gateway_client().await?;
    Ok((client, mock, store))
}

fn line(shop: i64, t: &oauth::Token) -> serde_json::Value {
    let at = |ms: Option<i64>| ms.map(|ms| topsdk::DateTime::from_epoch_millis(ms).to_string());
    serde_json::json!({
        "shop": shop,
        "nick": t.taobao_user_nick,
        "access_token": "***",
        "expires_at": at(t.expire_time),
        "refresh_until": at(t.refresh_token_valid_time),
    })
}

/// Code -> token (taobao.top.auth.token.create), stored under the shop's user id. A token
/// the store does not take is not lost: it goes to `rescue` (or stdout), exit 4.
pub async fn token(code: &str, store: StoreArgs, rescue: Option<PathBuf>) -> ExitCode {
    // The store is opened before the code is spent: a store that cannot open costs nothing.
    let (client, _mock, store) = match client_and_store(store).await {
        Ok(c) => c,
        Err(code) => return code,
    };
    let token = match oauth::create_token(&client, code).await {
        Ok(t) => t,
        Err(e) => return oauth_error(e),
    };
    let Some(shop) = token.taobao_user_id else {
        eprintln!("topsdk: the token names no taobao_user_id, so it cannot be stored");
        return save_unsaved(&[(0, &token)], rescue.as_deref());
    };
    if let Err(e) = store.put(shop, &token, Expect::Any).await {
        eprintln!("topsdk: shop {shop}: {e}");
        return save_unsaved(&[(shop, &token)], rescue.as_deref());
    }
    println!("{}", line(shop, &token));
    ExitCode::SUCCESS
}

/// Writes tokens the store did not take, in full, one JSON line each: appended to `rescue`
/// (created owner-only), else (or when that file cannot be written) to stdout with a warning.
/// Exit 4 either way.
fn save_unsaved(tokens: &[(i64, &oauth::Token)], rescue: Option<&std::path::Path>) -> ExitCode {
    let lines: Vec<String> = tokens
        .iter()
        .map(|(shop, t)| {
            serde_json::json!({ "shop": shop, "token": topsdk::Reveal(*t) }).to_string()
        })
        .collect();
    if let Some(path) = rescue {
        match append_private(path, &lines) {
            Ok(()) => {
                eprintln!(
                    "topsdk: {} token(s) TOP issued were not stored; written to {} (store them: \
                     the shop's authorization is in them)",
                    lines.len(),
                    path.display()
                );
                return ExitCode::from(UNSAVED);
            }
            Err(e) => eprintln!("topsdk: cannot write {}: {e}", path.display()),
        }
    }
    eprintln!(
        "topsdk: warning: {} token(s) TOP issued were not stored; printed in full on stdout \
         (store them: the shop's authorization is in them)",
        lines.len()
    );
    for l in &lines {
        println!("{l}");
    }
    ExitCode::from(UNSAVED)
}

fn append_private(path: &std::path::Path, lines: &[String]) -> std::io::Result<()> {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    let mut f = o.open(path)?;
    for l in lines {
        writeln!(f, "{l}")?;
    }
    f.sync_all()
}

/// Refreshes the stored tokens that expire within `margin`: one JSON line with each shop's
/// outcome; exit 2 when a refresh failed or was refused (the shop is marked revoked) or a row
/// did not read, 4 when a refreshed token could not be stored (it is written to `rescue` or
/// stdout).
pub async fn refresh(
    store: StoreArgs,
    options: &RefreshOptions,
    rescue: Option<PathBuf>,
) -> ExitCode {
    let (client, _mock, store) = match client_and_store(store).await {
        Ok(c) => c,
        Err(code) => return code,
    };
    let report = match topsdk::tokens::refresh_expiring(&*store, &client, options).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("topsdk: {e}");
            return ExitCode::from(STORE_FAILED);
        }
    };
    let shops = |v: &[(i64, String)]| -> Vec<serde_json::Value> {
        v.iter()
            .map(|(shop, why)| serde_json::json!({"shop": shop, "error": why}))
            .collect()
    };
    let unsaved: Vec<serde_json::Value> = report
        .unsaved
        .iter()
        .map(|u| serde_json::json!({"shop": u.shop, "error": u.error.to_string()}))
        .collect();
    println!(
        "{}",
        serde_json::json!({
            "refreshed": report.refreshed,
            "revoked": shops(&report.revoked),
            "failed": shops(&report.failed),
            "unsaved": unsaved,
            "unreadable": shops(&report.unreadable),
            "superseded": report.superseded,
            "held_elsewhere": report.held_elsewhere,
        })
    );
    if !report.unsaved.is_empty() {
        let tokens: Vec<(i64, &oauth::Token)> =
            report.unsaved.iter().map(|u| (u.shop, &u.token)).collect();
        return save_unsaved(&tokens, rescue.as_deref());
    }
    if report.failed.is_empty() && report.revoked.is_empty() && report.unreadable.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

/// The stored shops: id, nick, expiries; secrets masked.
pub async fn list(store: StoreArgs) -> ExitCode {
    let store = match open(store).await {
        Ok(s) => s,
        Err(code) => return code,
    };
    match store.list().await {
        Ok(all) => {
            for (shop, why) in &all.unreadable {
                eprintln!("topsdk: shop {shop}: {why} (skipped)");
            }
            for (shop, stored) in all.tokens {
                let t = &stored.token;
                let mut l = line(shop, t);
                l["needs_refresh"] = t
                    .needs_refresh(Duration::from_secs(3600), SystemTime::now())
                    .into();
                l["version"] = stored.version.into();
                if let Some(why) = &stored.revoked {
                    l["revoked"] = why.as_str().into();
                }
                println!("{l}");
            }
            if all.unreadable.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            }
        }
        Err(e) => {
            eprintln!("topsdk: {e}");
            ExitCode::from(STORE_FAILED)
        }
    }
}

/// Rewrites every readable token under TOP_TOKEN_KEY, each conditional on the version read
/// (a token refreshed meanwhile is left to its refresher, and reported).
pub async fn reseal(store: StoreArgs) -> ExitCode {
    let store = match open_with(store, true).await {
        Ok(s) => s,
        Err(code) => return code,
    };
    let all = match store.list().await {
        Ok(all) => all,
        Err(e) => {
            eprintln!("topsdk: {e}");
            return ExitCode::from(STORE_FAILED);
        }
    };
    let (mut resealed, mut changed) = (0u64, Vec::new());
    for (shop, stored) in &all.tokens {
        match store
            .put(*shop, &stored.token, Expect::Version(stored.version))
            .await
        {
            Ok(Put::Stored { .. }) => resealed += 1,
            Ok(_) => changed.push(*shop),
            Err(e) => {
                eprintln!("topsdk: shop {shop}: {e}");
                return ExitCode::from(STORE_FAILED);
            }
        }
    }
    let unreadable: Vec<serde_json::Value> = all
        .unreadable
        .iter()
        .map(|(shop, why)| serde_json::json!({"shop": shop, "error": why}))
        .collect();
    println!(
        "{}",
        serde_json::json!({"resealed": resealed, "changed_meanwhile": changed, "unreadable": unreadable})
    );
    if changed.is_empty() && unreadable.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

fn oauth_error(e: oauth::OAuthError) -> ExitCode {
    match e {
        oauth::OAuthError::Call(e) => crate::report(e),
        other => {
            eprintln!("topsdk: {other}");
            ExitCode::from(3)
        }
    }
}
