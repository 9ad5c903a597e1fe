//! The whole catalogue as data: every spec's schema (the `SCHEMA` text its bindings carry),
//! one JSON object per line, sorted by method, then every TMC topic's
//! (`topsdk_schema::TopicSchema`), sorted by topic. The `topsdk` command embeds it, so it
//! lists, describes, validates, masks and mocks every API, and types every message, without
//! compiling any bindings.

use crate::loader::LoadedSpec;
use crate::topics::LoadedTopic;
use std::path::Path;

/// The catalogue file's text: one API schema per line, sorted by method, each line starting
/// `{"method":"<method>"` (the runtime finds a method without parsing the rest); then one
/// topic per line, sorted, each starting `{"topic":"<topic>"`.
pub fn catalogue(specs: &[LoadedSpec], topics: &[LoadedTopic]) -> String {
    let mut lines: Vec<(&str, String)> = specs
        .iter()
        .map(|s| (s.spec.method.as_str(), crate::codegen::schema_json(&s.spec)))
        .collect();
    lines.sort_by(|a, b| a.0.cmp(b.0));
    let mut topic_lines: Vec<(&str, String)> = topics
        .iter()
        .map(|t| (t.spec.topic.as_str(), topic_json(t)))
        .collect();
    topic_lines.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = String::new();
    for (_, json) in lines.into_iter().chain(topic_lines) {
        out.push_str(&json);
        out.push('\n');
    }
    out
}

/// A topic as the runtime reads it.
fn topic_json(t: &LoadedTopic) -> String {
    let s = &t.spec;
    let schema = topsdk_schema::TopicSchema {
        topic: s.topic.clone(),
        title: s.title.clone(),
        group: s.group.clone(),
        fields: crate::codegen::schema_fields(&s.fields),
    };
    // Plain data cannot fail to serialize.
    serde_json::to_string(&schema).unwrap_or_default()
}

/// Writes the catalogue of `spec_dir` to `out` (only when it changed); with `check`, compares
/// instead and says how it differs. Returns the number of APIs.
pub fn write_or_check(spec_dir: &Path, out: &Path, check: bool) -> Result<usize, String> {
    let specs = crate::load_paths(&[spec_dir.to_path_buf()]).map_err(|e| e.to_string())?;
    let topic_dir = spec_dir.join(crate::topics::TOPICS_DIR);
    let topics = if topic_dir.is_dir() {
        crate::topics::load_paths(&[topic_dir]).map_err(|e| e.to_string())?
    } else {
        Vec::new()
    };
    let text = catalogue(&specs, &topics);
    if !check {
        crate::files::write_if_changed(out, &text).map_err(|e| e.to_string())?;
        return Ok(specs.len());
    }
    let old = std::fs::read_to_string(out).map_err(|e| format!("{}: {e}", out.display()))?;
    if old == text {
        return Ok(specs.len());
    }
    // The method or topic each line starts with.
    let method = |l: &str| l.split('"').nth(3).unwrap_or_default().to_string();
    let old_lines: std::collections::BTreeMap<String, &str> =
        old.lines().map(|l| (method(l), l)).collect();
    let new_lines: std::collections::BTreeMap<String, &str> =
        text.lines().map(|l| (method(l), l)).collect();
    let mut diffs = Vec::new();
    for (m, l) in &new_lines {
        match old_lines.get(m) {
            None => diffs.push(format!("{m}: missing from {}", out.display())),
            Some(o) if o != l => diffs.push(format!("{m}: differs from its spec")),
            Some(_) => {}
        }
    }
    for m in old_lines.keys().filter(|m| !new_lines.contains_key(*m)) {
        diffs.push(format!("{m}: in {} but no spec has it", out.display()));
    }
    if diffs.is_empty() {
        diffs.push("line order or line ends differ".into());
    }
    let shown = diffs.len().min(20);
    Err(format!(
        "{} is not in step with {} ({} API(s) differ):\n{}",
        out.display(),
        spec_dir.display(),
        diffs.len(),
        diffs[..shown].join("\n")
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_sorted_line_per_spec_starting_with_its_method() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let specs = crate::load_paths(&[dir]).expect("fixtures load");
        let text = super::catalogue(&specs, &[]);
        let methods: Vec<String> = text
            .lines()
            .map(|l| {
                let rest = l
                    .strip_prefix("{\"method\":\"")
                    .expect("starts with the method");
                rest[..rest.find('"').expect("method ends")].to_string()
            })
            .collect();
        assert_eq!(methods.len(), specs.len());
        let mut sorted = methods.clone();
        sorted.sort();
        assert_eq!(methods, sorted);
        for l in text.lines() {
            serde_json::from_str::<serde_json::Value>(l).expect("each line is JSON");
        }
    }
}
