//! `topsdk auth ...`: shop authorization and the token store (SQLite).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};
use topsdk::oauth::{self, Authorize, View};
use topsdk::tokens::{SqliteStore, TokenStore};

/// The store: `--db`, else `TOP_TOKEN_DB`, else `topsdk-tokens.sqlite` here.
pub fn db_path(db: Option<PathBuf>) -> PathBuf {
    db.or_else(|| std::env::var_os("TOP_TOKEN_DB").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("topsdk-tokens.sqlite"))
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

fn open(db: &std::path::Path) -> Result<SqliteStore, ExitCode> {
    SqliteStore::open(db).map_err(|e| {
        eprintln!("topsdk: {e}");
        ExitCode::from(3)
    })
}

/// The gateway client (a built-in mock's without credentials, kept alive by the second
/// value) and the store.
async fn client_and_store(
    db: &std::path::Path,
) -> Result<(topsdk::Client, crate::Embedded, SqliteStore), ExitCode> {
    let (client, mock) = crate::gateway_client().await?;
    Ok((client, mock, open(db)?))
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

/// Code -> token (taobao.top.auth.token.create), stored under the shop's user id.
pub async fn token(code: &str, db: PathBuf) -> ExitCode {
    let (client, _mock, store) = match client_and_store(&db).await {
        Ok(c) => c,
        Err(code) => return code,
    };
    let token = match oauth::create_token(&client, code).await {
        Ok(t) => t,
        Err(e) => return oauth_error(e),
    };
    let Some(shop) = token.taobao_user_id else {
        eprintln!("topsdk: the token names no taobao_user_id; not stored");
        return ExitCode::from(3);
    };
    if let Err(e) = store.put(shop, &token) {
        eprintln!("topsdk: {e}");
        return ExitCode::from(3);
    }
    println!("{}", line(shop, &token));
    ExitCode::SUCCESS
}

/// Refreshes the stored tokens that expire within `margin`.
pub async fn refresh(db: PathBuf, margin: Duration, concurrency: usize) -> ExitCode {
    let (client, _mock, store) = match client_and_store(&db).await {
        Ok(c) => c,
        Err(code) => return code,
    };
    match topsdk::tokens::refresh_expiring(&store, &client, margin, concurrency).await {
        Ok(report) => {
            println!(
                "{}",
                serde_json::json!({"refreshed": report.refreshed, "failed": report
                    .failed
                    .iter()
                    .map(|(shop, why)| serde_json::json!({"shop": shop, "error": why}))
                    .collect::<Vec<_>>()})
            );
            if report.failed.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            }
        }
        Err(e) => {
            eprintln!("topsdk: {e}");
            ExitCode::from(3)
        }
    }
}

/// The stored shops: id, nick, expiries; secrets masked.
pub fn list(db: PathBuf) -> ExitCode {
    let store = match open(&db) {
        Ok(s) => s,
        Err(code) => return code,
    };
    match store.list() {
        Ok(all) => {
            for (shop, t) in all {
                let mut l = line(shop, &t);
                l["needs_refresh"] = t
                    .needs_refresh(Duration::from_secs(3600), SystemTime::now())
                    .into();
                println!("{l}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("topsdk: {e}");
            ExitCode::from(3)
        }
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
