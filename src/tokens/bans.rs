//! Bans shared through a token store: the store as a [`BanBoard`], so a ban one worker met
//! pauses its scope in every worker of the app (`Quotas::share_bans(Arc::new(StoreBans::new(
//! store)), every)`). The client publishes each ban it meets and reads the board in the
//! background; no call waits on the store.

use super::{StoredBan, TokenStore};
use crate::quota::{BanBoard, BanTarget, BoardFuture};
use std::sync::Arc;
use std::time::SystemTime;

/// A token store as the board of the bans of every worker of an app.
#[derive(Clone)]
pub struct StoreBans(Arc<dyn TokenStore>);

impl std::fmt::Debug for StoreBans {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreBans")
    }
}

impl StoreBans {
    pub fn new(store: Arc<dyn TokenStore>) -> StoreBans {
        StoreBans(store)
    }
}

impl BanBoard for StoreBans {
    fn publish(&self, target: BanTarget, until: SystemTime) -> BoardFuture<'_, ()> {
        Box::pin(async move {
            let ban = StoredBan {
                scope: target.key(),
                until,
            };
            self.0.record_ban(&ban).await.map_err(Into::into)
        })
    }

    fn active(&self, now: SystemTime) -> BoardFuture<'_, Vec<(BanTarget, SystemTime)>> {
        Box::pin(async move {
            let bans = self.0.bans().await?;
            Ok(bans
                .into_iter()
                .filter(|b| b.until > now)
                .filter_map(|b| match BanTarget::from_key(&b.scope) {
                    Some(t) => Some((t, b.until)),
                    None => {
                        tracing::warn!(scope = %b.scope, "a stored ban names no scope; skipped");
                        None
                    }
                })
                .collect())
        })
    }
}
