//! What the mock gateway keeps of the requests it received, for tests to read: the last
//! `capacity` of them (default 1,024), each value cut to `max_value` bytes (default 4 KiB), so
//! a server a suite runs for hours, or a peer posting large or endless bodies, holds a bounded
//! amount of memory.

use super::lock;
use std::collections::VecDeque;
use std::sync::Mutex;

/// One request as it arrived (values longer than the journal's cut end in `…[cut N bytes]`).
#[derive(Clone, Debug)]
pub struct Recorded {
    pub http_method: String,
    pub query: Vec<(String, String)>,
    pub body: Vec<(String, String)>,
    /// The body of a batch or QIMEN call, as text.
    pub text_body: Option<String>,
    pub files: Vec<String>,
    pub content_type: Option<String>,
    pub user_agent: Option<String>,
    pub accept_encoding: Option<String>,
}

pub(super) const DEFAULT_CAPACITY: usize = 1024;
pub(super) const DEFAULT_MAX_VALUE: usize = 4096;

pub(super) struct Journal {
    inner: Mutex<Inner>,
}

struct Inner {
    entries: VecDeque<Recorded>,
    capacity: usize,
    max_value: usize,
    /// Requests recorded since the start, dropped ones included.
    total: u64,
}

impl Default for Journal {
    fn default() -> Self {
        Journal {
            inner: Mutex::new(Inner {
                entries: VecDeque::new(),
                capacity: DEFAULT_CAPACITY,
                max_value: DEFAULT_MAX_VALUE,
                total: 0,
            }),
        }
    }
}

impl Journal {
    pub(super) fn push(&self, mut r: Recorded) {
        let mut j = lock(&self.inner);
        j.total += 1;
        if j.capacity == 0 {
            return;
        }
        let max = j.max_value;
        for (k, v) in r.query.iter_mut().chain(r.body.iter_mut()) {
            cut(k, max);
            cut(v, max);
        }
        for t in r.text_body.iter_mut().chain(r.files.iter_mut()) {
            cut(t, max);
        }
        for t in [
            &mut r.content_type,
            &mut r.user_agent,
            &mut r.accept_encoding,
        ]
        .into_iter()
        .flatten()
        {
            cut(t, max);
        }
        while j.entries.len() >= j.capacity {
            j.entries.pop_front();
        }
        j.entries.push_back(r);
    }

    /// Copies of `pairs` as the journal keeps them (a large request is not copied whole to be
    /// journaled).
    pub(super) fn clip_pairs(&self, pairs: &[(String, String)]) -> Vec<(String, String)> {
        let max = lock(&self.inner).max_value;
        pairs
            .iter()
            .map(|(k, v)| (clip(k, max), clip(v, max)))
            .collect()
    }

    /// A body as text, as the journal keeps it (a character the cut splits reads as U+FFFD).
    pub(super) fn clip_text(&self, body: &[u8]) -> String {
        let max = lock(&self.inner).max_value;
        if body.len() <= max {
            return String::from_utf8_lossy(body).into_owned();
        }
        let head = String::from_utf8_lossy(&body[..max]);
        format!("{head}…[cut {} bytes]", body.len())
    }

    pub(super) fn entries(&self) -> Vec<Recorded> {
        lock(&self.inner).entries.iter().cloned().collect()
    }

    pub(super) fn total(&self) -> u64 {
        lock(&self.inner).total
    }

    pub(super) fn set_limits(&self, capacity: usize, max_value: usize) {
        let mut j = lock(&self.inner);
        j.capacity = capacity;
        j.max_value = max_value;
        while j.entries.len() > capacity {
            j.entries.pop_front();
        }
    }
}

/// `s` cut to at most `max` bytes (at a character boundary) and a marker saying how long it
/// was; only what is kept is copied.
fn clip(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut at = max;
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    format!("{}…[cut {} bytes]", &s[..at], s.len())
}

fn cut(s: &mut String, max: usize) {
    // Values `clip_pairs` kept already end in their marker.
    let clipped = s.ends_with(" bytes]") && s.find("…[cut ").is_some_and(|at| at <= max);
    if s.len() > max && !clipped {
        *s = clip(s, max);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(value: &str) -> Recorded {
        Recorded {
            http_method: "POST".into(),
            query: vec![("method".into(), value.into())],
            body: Vec::new(),
            text_body: Some(value.into()),
            files: Vec::new(),
            content_type: None,
            user_agent: None,
            accept_encoding: None,
        }
    }

    #[test]
    fn keeps_the_last_requests_and_cuts_long_values() {
        let j = Journal::default();
        j.set_limits(3, 8);
        for i in 0..10 {
            j.push(req(&format!("m{i}")));
        }
        let kept: Vec<_> = j
            .entries()
            .into_iter()
            .map(|r| r.query[0].1.clone())
            .collect();
        assert_eq!(kept, ["m7", "m8", "m9"]);
        assert_eq!(j.total(), 10);
        j.push(req("张张张x")); // 10 bytes: the cut falls inside the third character
        let last = j.entries().pop().unwrap();
        assert_eq!(last.query[0].1, "张张…[cut 10 bytes]");
        assert_eq!(last.text_body.as_deref(), Some("张张…[cut 10 bytes]"));
        j.set_limits(0, 8);
        j.push(req("x"));
        assert!(j.entries().is_empty());
        assert_eq!(j.total(), 12);
    }
}
