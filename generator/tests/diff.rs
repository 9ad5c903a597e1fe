//! `topgen diff`: each kind of change with its verdict, on small hand-written spec pairs; the
//! human report as a snapshot; bad input is exit 2.

use std::path::Path;
use std::process::Command;
use topgen::test_util::diff::{Change, Verdict, diff, human};
use topgen::test_util::loader::{LoadedSpec, load_str};

fn spec(yaml: &str) -> LoadedSpec {
    let text = format!("method: demo.thing.get\ncategory_pkg: demo\nidempotent: true\n{yaml}");
    load_str(Path::new("demo.yaml"), text).unwrap()
}

/// The one change between the two specs: (path, what, verdict).
fn one(old: &str, new: &str) -> (String, String, Verdict) {
    let changes = diff(&[spec(old)], &[spec(new)]);
    assert_eq!(changes.len(), 1, "{changes:#?}");
    let c = &changes[0];
    assert!(!c.why.is_empty());
    (c.path.clone(), c.what.clone(), c.verdict)
}

fn check(old: &str, new: &str, path: &str, what: &str, verdict: Verdict) {
    assert_eq!(
        one(old, new),
        (path.to_string(), what.to_string(), verdict),
        "{old}\n->\n{new}"
    );
}

const P: &str = "request:\n- name: a\n  type: String\n";

#[test]
fn request_params() {
    use Verdict::*;
    check(
        P,
        &format!("{P}- name: b\n  type: Number\n"),
        "request.b",
        "added (optional)",
        Compatible,
    );
    check(
        P,
        &format!("{P}- name: b\n  type: Number\n  required: true\n"),
        "request.b",
        "added (required)",
        Breaking,
    );
    check(
        &format!("{P}- name: b\n  type: Number\n"),
        P,
        "request.b",
        "removed",
        Breaking,
    );
    check(
        P,
        "request:\n- name: a\n  type: Number\n",
        "request.a",
        "type String -> Number",
        Breaking,
    );
    check(
        P,
        "request:\n- name: a\n  type: String\n  required: true\n",
        "request.a",
        "optional -> required",
        Breaking,
    );
    check(
        "request:\n- name: a\n  type: String\n  required: true\n",
        P,
        "request.a",
        "required -> optional",
        Breaking,
    );
}

#[test]
fn constraints() {
    use Verdict::*;
    let with = |c: &str| format!("request:\n- name: a\n  type: String\n  constraints:\n    {c}\n");
    check(
        &with("max_length: 32"),
        &with("max_length: 16"),
        "request.a",
        "max length tightened: 32 -> 16",
        Breaking,
    );
    check(
        &with("max_length: 16"),
        &with("max_length: 32"),
        "request.a",
        "max length loosened: 16 -> 32",
        Compatible,
    );
    check(
        P,
        &with("max_list_size: 20"),
        "request.a",
        "max list size tightened: none -> 20",
        Breaking,
    );
    check(
        &with("min_value: 1"),
        &with("min_value: 0"),
        "request.a",
        "min value loosened: 1 -> 0",
        Compatible,
    );
    check(
        &with("max_value: 10"),
        P,
        "request.a",
        "max value loosened: 10 -> none",
        Compatible,
    );
}

#[test]
fn response_fields() {
    use Verdict::*;
    let r = "response:\n- name: x\n  type: Number\n";
    check(
        r,
        &format!("{r}- name: y\n  type: String\n"),
        "response.y",
        "added",
        Compatible,
    );
    check(
        &format!("{r}- name: y\n  type: String\n"),
        r,
        "response.y",
        "removed",
        Breaking,
    );
    check(
        r,
        "response:\n- name: x\n  type: Number\n  decimal: true\n",
        "response.x",
        "type Number -> Number (decimal)",
        Breaking,
    );
    check(
        "response:\n- name: x\n  type: String\n",
        "response:\n- name: x\n  type: String\n  sensitive: true\n",
        "response.x",
        "type String -> String (sensitive)",
        Breaking,
    );
    let nested = |inner: &str| {
        format!(
            "response:\n- name: o\n  type: Obj\n  fields:\n  - name: p\n    type: String\n{inner}"
        )
    };
    check(
        &nested(""),
        &nested("  - name: q\n    type: Number\n"),
        "response.o.q",
        "added",
        Compatible,
    );
    // Moved: removed at the top, added inside an object.
    check(
        "response:\n- name: q\n  type: Number\n- name: o\n  type: Obj\n  fields:\n  - name: p\n    type: String\n",
        &nested("  - name: q\n    type: Number\n"),
        "response.o.q",
        "moved from response.q",
        Breaking,
    );
    let list = |item: &str| {
        format!(
            "response:\n- name: l\n  type: Obj[]\n{item}  fields:\n  - name: p\n    type: String\n"
        )
    };
    check(
        &list(""),
        &list("  item_name: row\n"),
        "response.l",
        "list item name obj -> row",
        Compatible,
    );
}

#[test]
fn apis_and_their_flags() {
    use Verdict::*;
    let other = load_str(
        Path::new("o.yaml"),
        "method: demo.other.get\ncategory_pkg: demo\n".into(),
    )
    .unwrap();
    let changes = diff(&[spec("")], &[spec(""), other.clone()]);
    assert_eq!(
        (
            changes[0].method.as_str(),
            changes[0].what.as_str(),
            changes[0].verdict
        ),
        ("demo.other.get", "API added", Compatible)
    );
    let changes = diff(&[spec(""), other], &[spec("")]);
    assert_eq!(
        (changes[0].what.as_str(), changes[0].verdict),
        ("API removed", Breaking)
    );
    check(
        "",
        "deprecated:\n  reason: 已迁移\n",
        "",
        "marked deprecated: 已迁移",
        Compatible,
    );
    let (_, what, v) = one("", "deprecated:\n  reason: 已下线\n  offline: true\n");
    assert_eq!((what.as_str(), v), ("marked offline: 已下线", Compatible));
    // idempotent: true in both specs' header; the flag flipped.
    let flipped = load_str(
        Path::new("d.yaml"),
        "method: demo.thing.get\ncategory_pkg: demo\nidempotent: false\n".into(),
    )
    .unwrap();
    let changes = diff(&[spec("")], &[flipped]);
    assert_eq!(
        (changes[0].what.as_str(), changes[0].verdict),
        ("no longer idempotent", Breaking)
    );
}

#[test]
fn human_report() {
    let old = [spec(&format!("{P}response:\n- name: x\n  type: Number\n"))];
    let new = [spec(
        "request:\n- name: a\n  type: String\n  required: true\n- name: b\n  type: Date\nresponse:\n- name: x\n  type: Number\n- name: y\n  type: String\n",
    )];
    let changes: Vec<Change> = diff(&old, &new);
    insta::assert_snapshot!(human(&changes));
}

#[test]
fn cli_exit_codes() {
    let bin = env!("CARGO_BIN_EXE_topgen");
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    let write = |d: &Path, yaml: &str| {
        std::fs::write(
            d.join("demo.thing.get.yaml"),
            format!("method: demo.thing.get\n{yaml}"),
        )
        .unwrap()
    };
    write(&a, P);
    write(&b, &format!("{P}- name: b\n  type: Number\n"));
    let run = |x: &Path, y: &Path, extra: &[&str]| {
        Command::new(bin)
            .arg("diff")
            .arg(x)
            .arg(y)
            .args(extra)
            .output()
            .unwrap()
    };
    let out = run(&a, &b, &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&b, &a, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["verdict"], "breaking");
    assert_eq!(json[0]["path"], "request.b");
    // Bad input: a missing folder, an invalid spec: located, exit 2.
    let out = run(&a, &dir.path().join("missing"), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing"));
    write(&b, "request:\n- name: a\n  type: NoSuchType!\n");
    let out = run(&a, &b, &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("demo.thing.get.yaml:"), "{err}");
}

/// `--git REV1..REV2 PATH` compares two revisions of this repository's specs.
#[test]
fn git_revisions() {
    let bin = env!("CARGO_BIN_EXE_topgen");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let run = |range: &str| {
        Command::new(bin)
            .args(["diff", "--git", range, "spec/kongur"])
            .current_dir(&repo)
            .output()
            .unwrap()
    };
    let out = run("HEAD..HEAD");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 change(s) in 0 API(s)"));
    let out = run("no-such-rev..HEAD");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("git archive no-such-rev"));
}
