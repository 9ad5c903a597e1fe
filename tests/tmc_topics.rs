//! The typed topics (`topsdk-topics`, generated from `spec/topics`) against the topic specs:
//! every documented example decodes into its topic's type and serializes back to the same
//! values; every typed topic is in the enum; ids stay exact.

use std::path::Path;
use topsdk::tmc::Topics;
use topsdk_topics::{TOPICS, Topic};

fn specs() -> Vec<topgen::test_util::topics::LoadedTopic> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("spec/topics");
    topgen::test_util::topics::load_paths(&[dir]).expect("topic specs load")
}

/// The doc samples quote every value; typed content writes numbers as numbers. Equal when
/// the text is the same either way.
fn same_value(doc: &serde_json::Value, typed: &serde_json::Value) -> bool {
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    doc == typed || text(doc) == text(typed)
}

#[test]
fn every_documented_example_decodes_typed_and_round_trips() {
    let mut checked = 0;
    for t in specs() {
        for (i, ex) in t.spec.examples.iter().enumerate() {
            let at = format!("{} example {i}", t.spec.topic);
            let typed =
                Topic::decode(&t.spec.topic, &ex.content).unwrap_or_else(|e| panic!("{at}: {e}"));
            if t.spec.fields.is_empty() {
                assert!(matches!(typed, Topic::Unknown(_)), "{at}");
                continue;
            }
            assert_eq!(typed.name(), t.spec.topic, "{at}");
            assert!(!matches!(typed, Topic::Unknown(_)), "{at}: not typed");
            let back = serde_json::to_value(&typed).unwrap();
            let doc: serde_json::Value = serde_json::from_str(&ex.content).unwrap();
            for (k, v) in doc.as_object().unwrap() {
                let got = back.get(k).unwrap_or_else(|| panic!("{at}: `{k}` lost"));
                assert!(same_value(v, got), "{at}: `{k}` was {v}, typed {got}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 5, "only {checked} examples checked");
}

#[test]
fn every_topic_with_fields_is_typed_and_listed() {
    let specs = specs();
    let with_fields: Vec<&str> = specs
        .iter()
        .filter(|t| !t.spec.fields.is_empty())
        .map(|t| t.spec.topic.as_str())
        .collect();
    assert_eq!(specs.len(), 1396);
    assert_eq!(TOPICS.len(), with_fields.len());
    for name in with_fields {
        assert!(Topic::is_typed(name), "{name}");
        let t = Topic::decode(name, "{}").unwrap();
        assert_eq!(t.name(), name);
        assert!(!matches!(t, Topic::Unknown(_)), "{name}");
    }
    // A topic without documented fields stays raw.
    let empty = specs.iter().find(|t| t.spec.fields.is_empty()).unwrap();
    assert!(!Topic::is_typed(&empty.spec.topic));
}

#[test]
fn values_are_read_as_tmc_sends_them() {
    // Quoted ids (as the doc samples), bare ids past 2^53, decimal money, dates, and a field
    // the docs do not list (kept, serialized back).
    let t = Topic::decode(
        "taobao_refund_RefundCreated",
        r#"{"refund_id":"9223372036854775807","tid":4345678901234567891,"refund_fee":"48.90",
            "modified":"2026-11-30 12:00:00","surprise":[1,2]}"#,
    )
    .unwrap();
    let Topic::TaobaoRefundRefundCreated(c) = &t else {
        panic!("{t:?}")
    };
    assert_eq!(c.refund_id, Some(i64::MAX));
    assert_eq!(c.tid, Some(4_345_678_901_234_567_891));
    assert_eq!(c.refund_fee.as_deref(), Some("48.90"));
    assert_eq!(
        c.modified.map(|d| d.to_string()).as_deref(),
        Some("2026-11-30 12:00:00")
    );
    assert_eq!(c.undocumented["surprise"], serde_json::json!([1, 2]));
    let back = serde_json::to_string(&t).unwrap();
    assert!(back.contains(r#""tid":4345678901234567891"#), "{back}");
    assert!(back.contains(r#""surprise":[1,2]"#), "{back}");
}
