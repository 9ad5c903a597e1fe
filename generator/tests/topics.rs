//! Topic specs: the generated code (snapshot), the corpus importer, the CLI commands.

use std::path::Path;

fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/topic_fixtures")
}

#[test]
fn generated_topic_code() {
    let topics = topgen::test_util::topics::load_paths(&[fixtures()]).unwrap();
    assert_eq!(topics.len(), 2);
    let code = topgen::test_util::codegen::topics::generate(&topics, &topgen::Options::default());
    // Deterministic.
    assert_eq!(
        code,
        topgen::test_util::codegen::topics::generate(&topics, &topgen::Options::default())
    );
    insta::assert_snapshot!(code);
}

#[test]
fn the_importer_reads_the_corpus_shape_and_writes_valid_specs() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus.yaml");
    std::fs::write(
        &corpus,
        r#"
- topic: taobao_trade_TradeClose
  title: "关闭交易"
  group: "淘宝交易"
  direction: in
  doc: https://open.taobao.com/tmc.htm?docId=1&docType=9
  source: "somewhere"
  fields:
    - {name: "tid", type: "Number", ts: "number | bigint", key: true, description: "主订单ID"}
    - {name: "refund_fee", type: "Number", ts: "number", description: "退款金额（元）"}
    - {name: "item_info", type: "String", ts: "string", description: "商品"}
  examples:
    - kind: doc-sample
      source: "https://example.com"
      content: "{\"tid\":\"1\",\"item_info\":{\"a\":1}}"
- topic: tmall_refund_Empty
  title: "空"
  group: "天猫退款"
  direction: out
  doc: https://open.taobao.com/tmc.htm?docId=2&docType=9
  source: "x"
  fields: []
"#,
    )
    .unwrap();
    let specs = topgen::test_util::topics::import_corpus(&corpus).unwrap();
    let close = &specs[0];
    assert_eq!(close.keys, ["tid"]);
    assert!(close.fields[1].decimal, "money in 元 is decimal");
    assert_eq!(
        close.fields[2].ty.to_string(),
        "Json",
        "the sample has an object"
    );
    let out = dir.path().join("topics");
    assert_eq!(
        topgen::test_util::topics::write_topics(&specs, &out).unwrap(),
        2
    );
    let written = out.join("taobao_trade/taobao_trade_TradeClose.topic.yaml");
    let text = std::fs::read_to_string(&written).unwrap();
    assert!(
        text.starts_with("# Imported by `topgen import-topics`"),
        "{text}"
    );
    let loaded = topgen::test_util::topics::load_paths(&[out]).unwrap();
    assert_eq!(loaded.len(), 2);
    assert_eq!(&loaded[0].spec, close);
    // Bad corpus input is a located error, not a panic.
    std::fs::write(
        &corpus,
        "- topic: a_b_C\n  fields:\n    - {name: x, type: \"Strin g\"}\n",
    )
    .unwrap();
    let err = topgen::test_util::topics::import_corpus(&corpus)
        .unwrap_err()
        .to_string();
    assert!(err.contains("field `x`"), "{err}");
    std::fs::write(&corpus, "- topik: a_b_C\n").unwrap();
    let err = topgen::test_util::topics::import_corpus(&corpus)
        .unwrap_err()
        .to_string();
    assert!(err.contains("1:3") || err.contains(":1:"), "{err}");
}

#[test]
fn api_spec_walks_leave_topic_files_alone() {
    assert!(!topgen::test_util::is_spec_file(Path::new(
        "spec/topics/a/a_b_C.topic.yaml"
    )));
    assert!(topgen::test_util::is_spec_file(Path::new(
        "spec/tmc/taobao.tmc.auth.get.yaml"
    )));
    assert!(
        topgen::test_util::spec_files(&[fixtures()])
            .unwrap()
            .is_empty()
    );
}
