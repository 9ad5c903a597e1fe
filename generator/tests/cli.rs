//! The `topgen` binary: `check` and `generate` on the real spec dir and on broken copies.

use std::path::{Path, PathBuf};
use std::process::Command;

fn topgen() -> Command {
    Command::new(env!("CARGO_BIN_EXE_topgen"))
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn seed_text() -> String {
    std::fs::read_to_string(repo().join("spec/kongur/alibaba.kongur.token.getosstoken.yaml"))
        .unwrap()
}

/// A fresh directory, removed when the returned guard drops.
/// Runs `topgen ARGS... spec` in the repository and asserts it succeeded.
fn on_spec_ok(args: &[&str]) -> std::process::Output {
    let out = topgen()
        .args(args)
        .arg(repo().join("spec"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// Runs `topgen check` on `text`; returns (exit code, stderr).
fn check_text(_name: &str, text: &str) -> (i32, String) {
    let dir = scratch();
    let file = dir.path().join("broken.yaml");
    std::fs::write(&file, text).unwrap();
    let out = topgen().arg("check").arg(&file).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "topgen panicked: {stderr}");
    (
        out.status.code().unwrap_or(-1),
        stderr.replace(&file.display().to_string(), "FILE"),
    )
}

#[test]
fn check_accepts_the_spec_dir() {
    on_spec_ok(&["check"]);
}

#[test]
fn wrong_type_name_is_located() {
    let text = seed_text().replacen("type: OssTokenResultVo[]", "type: oss token[]", 1);
    let (code, err) = check_text("type", &text);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with("FILE:33:15: unknown type `oss token[]`"),
        "{err}"
    );
    assert!(err.contains("(at `response[0].fields[1].type`)"), "{err}");
}

#[test]
fn missing_name_is_located() {
    let text = seed_text().replacen(
        "  - name: suit_ids\n    type: String",
        "  - type: String",
        1,
    );
    let (code, err) = check_text("name", &text);
    assert_eq!(code, 1, "{err}");
    assert!(err.starts_with("FILE:15:"), "{err}");
    assert!(
        err.contains("missing field `name`") && err.contains("(at `request[1]`)"),
        "{err}"
    );
    let text = seed_text().replacen("  - name: suit_ids\n", "  - nmae: suit_ids\n", 1);
    let (code, err) = check_text("typo", &text);
    assert_eq!(code, 1, "{err}");
    assert!(err.starts_with("FILE:15:11: unknown field `nmae`"), "{err}");
}

#[test]
fn bad_indentation_is_located() {
    let text = seed_text().replacen(
        "    type: String\n    example: xxxxx\n    description: suitIds",
        "    type: String\n   example: xxxxx\n    description: suitIds",
        1,
    );
    let (code, err) = check_text("indent", &text);
    assert_eq!(code, 1, "{err}");
    assert!(err.starts_with("FILE:17:"), "{err}");
}

#[test]
fn semantic_errors_are_all_reported_with_locations() {
    let text = seed_text()
        .replacen("  - name: entrust_id\n", "  - name: suit_ids\n", 1)
        .replacen(
            "method: alibaba.kongur.token.getosstoken",
            "method: not a method",
            1,
        );
    let (code, err) = check_text("semantic", &text);
    assert_eq!(code, 1, "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(
        lines[0].starts_with("FILE:4:9: method `not a method`"),
        "{err}"
    );
    assert!(
        lines[1].starts_with("FILE:19:11: field `suit_ids` is declared twice"),
        "{err}"
    );
    assert!(
        lines[2].starts_with("FILE:102:17: example value for `entrust_id`"),
        "{err}"
    );
}

#[test]
fn generate_writes_what_is_committed() {
    let dir = scratch();
    let out = dir.path().join("out.rs");
    // The seed's category package (see scripts/refresh-generated).
    let status = topgen()
        .args(["generate"])
        .arg(repo().join("spec/kongur"))
        .arg("--out")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let fresh = std::fs::read_to_string(&out).unwrap();
    let committed = std::fs::read_to_string(repo().join("generated/kongur.rs")).unwrap();
    assert!(
        fresh == committed,
        "generated/kongur.rs differs from `topgen generate spec/kongur`"
    );
}

/// One package per category under apis/, written from spec/ (`topgen crates spec apis`).
#[test]
fn category_packages_are_in_step_with_spec() {
    let out = topgen()
        .args(["crates", "--check"])
        .arg(repo().join("spec"))
        .arg(repo().join("apis"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("in step"), "{stderr}");
}

#[test]
fn not_yaml_at_all_is_an_error_not_a_panic() {
    for (i, text) in [
        "",
        "\u{0}\u{1}",
        "[1, 2",
        "method: [",
        "- a\n- b",
        "method: a.b\nrequest: 5",
    ]
    .iter()
    .enumerate()
    {
        let (code, err) = check_text(&format!("junk{i}"), text);
        assert_eq!(code, 1, "{text:?}: {err}");
        assert!(err.starts_with("FILE:"), "{err}");
    }
}

#[test]
fn app_params_named_like_system_params_are_refused() {
    let text = seed_text()
        .replacen("  - name: suit_ids\n", "  - name: session\n", 1)
        .replacen(
            "      - name: success\n        type: Boolean\n        example: \"false\"\n        description: 是否成功\n",
            "      - name: success\n        type: Boolean\n        decimal: true\n        example: \"false\"\n        description: 是否成功\n",
            1,
        );
    let (code, err) = check_text("sysparam", &text);
    assert_eq!(code, 1, "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines[0].starts_with("FILE:15:11: `session` is a TOP system param"),
        "{err}"
    );
    assert!(lines[0].contains("(at `request[1].name`)"), "{err}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("`decimal` is only for Number and Number[], not `Boolean`")),
        "{err}"
    );
}

/// `topgen import` writes only specs that pass `check`, skips stubs, and exits non-zero
/// naming the file and reason when a source gave no valid spec.
#[test]
fn import_writes_only_valid_specs_and_skips_stubs() {
    let dir = scratch();
    let docs = dir.path().join("docs/demo");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(
        docs.join("good.json"),
        r#"{"name":"taobao.demo.good.get","apiChineseName":"好","requestParams":[{"name":"a","type":"String"}],"responseParams":[{"name":"n","type":"Number"}]}"#,
    )
    .unwrap();
    // A param named like a system param: the spec would not build.
    std::fs::write(
        docs.join("bad.json"),
        r#"{"name":"taobao.demo.bad.get","requestParams":[{"name":"session","type":"String"}]}"#,
    )
    .unwrap();
    std::fs::write(docs.join(".json"), r#"{"id": 60566}"#).unwrap();
    let out_dir = dir.path().join("spec");
    let out = topgen()
        .arg("import")
        .arg(dir.path().join("docs"))
        .arg("--out")
        .arg(&out_dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("bad.json: the importer made an invalid spec")
            && stderr.contains("taobao.demo.bad.get.yaml:")
            && stderr.contains("`session` is a TOP system param"),
        "{stderr}"
    );
    assert!(
        stderr.contains(".json: skipped: a catalogue stub"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 imported, 0 warnings, 1 skipped, 1 failed"),
        "{stderr}"
    );
    assert!(out_dir.join("demo/taobao.demo.good.get.yaml").is_file());
    assert!(!out_dir.join("demo/taobao.demo.bad.get.yaml").exists());
    // What was written passes check.
    let check = topgen().arg("check").arg(&out_dir).output().unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

/// The report of decimal Number fields (spec/decimal-fields.tsv) is what the specs say, so a
/// reviewer reads every field the importers made `topsdk::Decimal` and why.
#[test]
fn decimal_report_is_fresh() {
    let out = on_spec_ok(&["decimals"]);
    let fresh = String::from_utf8(out.stdout).unwrap();
    let committed = std::fs::read_to_string(repo().join("spec/decimal-fields.tsv")).unwrap();
    assert!(
        fresh == committed,
        "spec/decimal-fields.tsv is stale: run `cargo run -p topgen -- decimals spec > spec/decimal-fields.tsv`"
    );
    assert!(
        fresh.lines().count() > 2000,
        "{} lines",
        fresh.lines().count()
    );
    assert!(fresh.contains("\tname word `price`\n") && fresh.contains("\tdescription `金额`\n"));
}
