//! Search over every API of the catalogue: method, title (Chinese), category and param names,
//! answering each keystroke. The index is built once (lowercased text per API); a query's
//! words must all match somewhere; the best matches first (method exact, method prefix,
//! method, title, category, param), a bounded number returned.

use std::sync::OnceLock;
use topsdk::schema::ApiSchema;

struct Entry {
    schema: &'static ApiSchema,
    method: String,
    title: String,
    category: String,
    params: String,
}

fn index() -> &'static [Entry] {
    static INDEX: OnceLock<Vec<Entry>> = OnceLock::new();
    INDEX.get_or_init(|| {
        crate::apis()
            .iter()
            .map(|lazy| {
                let schema = lazy.get();
                Entry {
                    schema,
                    method: schema.method.to_lowercase(),
                    title: schema.title.to_lowercase(),
                    category: format!("{} {}", schema.category, schema.category_pkg).to_lowercase(),
                    params: schema
                        .request
                        .iter()
                        .map(|f| f.name.to_lowercase())
                        .collect::<Vec<_>>()
                        .join(" "),
                }
            })
            .collect()
    })
}

/// Builds the index now (the first search would otherwise pay for it).
pub(super) fn warm() {
    let _ = index();
}

/// How well one word matches an entry; None when it does not.
fn word_score(e: &Entry, w: &str) -> Option<u32> {
    if e.method == w {
        Some(100)
    } else if e.method.starts_with(w) {
        Some(60)
    } else if e.method.contains(w) {
        Some(40)
    } else if e.title.contains(w) {
        Some(30)
    } else if e.category.contains(w) {
        Some(20)
    } else if e.params.contains(w) {
        Some(10)
    } else {
        None
    }
}

/// The APIs matching every word of `query`, best first, at most `limit`; and how many matched.
pub(super) fn search(query: &str, limit: usize) -> (usize, Vec<&'static ApiSchema>) {
    let words: Vec<String> = query
        .split_whitespace()
        .take(8)
        .map(|w| w.chars().take(100).collect::<String>().to_lowercase())
        .collect();
    let idx = index();
    if words.is_empty() {
        return (
            idx.len(),
            idx.iter().take(limit).map(|e| e.schema).collect(),
        );
    }
    let mut hits: Vec<(u32, &Entry)> = idx
        .iter()
        .filter_map(|e| {
            words
                .iter()
                .try_fold(0u32, |acc, w| word_score(e, w).map(|s| acc + s))
                .map(|s| (s, e))
        })
        .collect();
    let total = hits.len();
    hits.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.method.cmp(&b.1.method)));
    (
        total,
        hits.into_iter()
            .take(limit)
            .map(|(_, e)| e.schema)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn methods_titles_and_params_are_found_best_first() {
        let (n, hits) = super::search("taobao.trade.fullinfo.get", 5);
        assert!(n >= 1);
        assert_eq!(hits[0].method, "taobao.trade.fullinfo.get");
        // Every word must match: a method word and a param name.
        let (_, hits) = super::search("trade tid", 50);
        assert!(!hits.is_empty());
        // A match in the method ranks above one in a param name.
        assert!(hits[0].method.contains("trade"), "{}", hits[0].method);
        assert!(hits[0].request.iter().any(|f| f.name.contains("tid")));
        let (n, _) = super::search("no-such-thing-anywhere", 5);
        assert_eq!(n, 0);
        // A Chinese title word.
        let (n, _) = super::search("订单", 5);
        assert!(n > 0);
    }
}
