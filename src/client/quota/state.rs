//! What is paused now: the bans in force for a call, for tools that show them (the explorer).

use super::Limiter;
use std::time::{Duration, Instant};

/// The bans in force for a call of one API on one handle, each with how long it lasts yet
/// ([`crate::Client::ban_state`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BanState {
    /// The whole app is paused.
    pub app: Option<Duration>,
    /// This API is paused.
    pub api: Option<Duration>,
    /// This handle's session (shop) is paused.
    pub session: Option<Duration>,
}

impl Limiter {
    pub(crate) fn ban_state(&self, method: &str, session: Option<u64>) -> BanState {
        let now = Instant::now();
        let left = |until: Option<Instant>| {
            until
                .and_then(|u| u.checked_duration_since(now))
                .filter(|d| !d.is_zero())
        };
        let st = crate::sync::lock(&self.state);
        BanState {
            app: left(st.app.ban),
            api: st.apis.get(method).and_then(|s| left(s.ban)),
            session: session
                .and_then(|k| st.sessions.get(&k))
                .and_then(|s| left(s.ban)),
        }
    }
}
