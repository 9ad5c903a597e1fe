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

/// A request as the mock got it, borrowed: the journal copies only what it keeps.
pub(super) struct Arrived<'a> {
    pub http_method: &'a str,
    pub query: &'a [(String, String)],
    pub body: &'a [(String, String)],
    pub text_body: Option<&'a [u8]>,
    pub files: &'a [String],
    pub content_type: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub accept_encoding: Option<&'a str>,
}

impl Journal {
    pub(super) fn push(&self, r: Arrived<'_>) {
        let mut j = lock(&self.inner);
        j.total += 1;
        if j.capacity == 0 {
            return;
        }
        let max = j.max_value;
        let text = |s: &str| clip(s.as_bytes(), max);
        let pairs = |p: &[(String, String)]| p.iter().map(|(k, v)| (text(k), text(v))).collect();
        let kept = Recorded {
            http_method: r.http_method.to_string(),
            query: pairs(r.query),
            body: pairs(r.body),
            text_body: r.text_body.map(|b| clip(b, max)),
            files: r.files.iter().map(|f| text(f)).collect(),
            content_type: r.content_type.map(text),
            user_agent: r.user_agent.map(text),
            accept_encoding: r.accept_encoding.map(text),
        };
        while j.entries.len() >= j.capacity {
            j.entries.pop_front();
        }
        j.entries.push_back(kept);
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

/// `bytes` as text, cut to at most `max` bytes (at a character boundary) with a marker saying
/// how long it was; only what is kept is copied (bytes that are not UTF-8 read as U+FFFD).
fn clip(bytes: &[u8], max: usize) -> String {
    if bytes.len() <= max {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    let mut at = max;
    // Back over continuation bytes (10xxxxxx) to the start of the character the cut splits.
    while at > 0 && bytes[at] & 0xC0 == 0x80 {
        at -= 1;
    }
    format!(
        "{}…[cut {} bytes]",
        String::from_utf8_lossy(&bytes[..at]),
        bytes.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn push(j: &Journal, value: &str) {
        j.push(Arrived {
            http_method: "POST",
            query: &[("method".into(), value.into())],
            body: &[],
            text_body: Some(value.as_bytes()),
            files: &[],
            content_type: None,
            user_agent: None,
            accept_encoding: None,
        });
    }

    #[test]
    fn keeps_the_last_requests_and_cuts_long_values() {
        let j = Journal::default();
        j.set_limits(3, 8);
        for i in 0..10 {
            push(&j, &format!("m{i}"));
        }
        let kept: Vec<_> = j
            .entries()
            .into_iter()
            .map(|r| r.query[0].1.clone())
            .collect();
        assert_eq!(kept, ["m7", "m8", "m9"]);
        assert_eq!(j.total(), 10);
        push(&j, "张张张x"); // 10 bytes: the cut falls inside the third character
        let last = j.entries().pop().unwrap();
        assert_eq!(last.query[0].1, "张张…[cut 10 bytes]");
        assert_eq!(last.text_body.as_deref(), Some("张张…[cut 10 bytes]"));
        j.set_limits(0, 8);
        push(&j, "x");
        assert!(j.entries().is_empty());
        assert_eq!(j.total(), 12);
    }
}
