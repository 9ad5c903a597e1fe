//! APIs that are not built in, from the user's catalogue file (`--catalogue`,
//! `TOPSDK_CATALOGUE`): the SDK download's APIs (`topgen import-sdk`, then `topgen
//! catalogue`) listed, described and called by schema through the built-in mock.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use support::BIN;

fn topsdk(args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut c = Command::new(BIN);
    c.args(args)
        .env_remove("TOP_APP_KEY")
        .env_remove("TOP_FORMAT")
        .env_remove("TOP_SIMPLIFY")
        .env_remove("TOPSDK_CATALOGUE");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The Java SDK fixture of the generator's tests, imported and written as a catalogue file.
fn sdk_catalogue(dir: &Path) -> PathBuf {
    let sdk = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generator/tests/sdk/java");
    let imp = topgen::test_util::import::sdk::import_sdk(&sdk, &Default::default()).unwrap();
    let specs = dir.join("spec");
    let report = imp.write(&specs);
    assert_eq!(report.written.len(), 4, "{:?}", report.failed);
    let file = dir.join("mine.jsonl");
    topgen::test_util::catalogue::write_or_check(&specs, &file, false).unwrap();
    file
}

#[test]
fn an_api_of_the_sdk_download_is_called_from_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sdk_catalogue(tmp.path());
    let f = file.to_str().unwrap();
    let call = [
        "call",
        "taobao.tbk.order.details.get",
        "-p",
        "start_time=2026-12-01 10:00:00",
        "-p",
        "end_time=2026-12-01 11:00:00",
        "-p",
        "page_size=20",
    ];

    // Not built in: sent unchecked, the built-in mock knows no such API, and the warning
    // says how to add it.
    let out = topsdk(&call, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let e = text(&out.stderr);
    assert!(
        e.contains("not in this build's catalogue") && e.contains("--catalogue FILE"),
        "{e}"
    );

    // With the catalogue: checked, sent to the built-in mock, answered, typed.
    let mut args = vec!["--catalogue", f];
    args.extend(call);
    let out = topsdk(&args, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["data"]["has_next"], false);
    assert_eq!(
        v["data"]["results"][0]["tk_status"], 0,
        "typed as a Number: {v}"
    );

    // The SDK's `checkMaxValue(pageSize, 100L)` holds before anything is sent.
    let mut args = vec!["--catalogue", f];
    args.extend(&call[..6]);
    args.extend(["-p", "page_size=101"]);
    let out = topsdk(&args, &[]);
    assert_eq!(out.status.code(), Some(64));
    assert!(
        text(&out.stderr).contains("page_size"),
        "{}",
        text(&out.stderr)
    );

    // The variable does the same; describe says where the API came from.
    let out = topsdk(
        &["describe", "taobao.demo.order.create"],
        &[("TOPSDK_CATALOGUE", &file)],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let d = text(&out.stdout);
    assert!(d.contains(&format!("from: {f} (your catalogue")), "{d}");
    assert!(
        d.contains("order") && d.contains("OrderDto") && d.contains("required"),
        "{d}"
    );

    // Listed once each, beside the built-in ones.
    let out = topsdk(&["--catalogue", f, "list"], &[]);
    let listed = text(&out.stdout);
    for m in ["taobao.tbk.order.details.get", "taobao.picture.upload"] {
        assert_eq!(
            listed
                .lines()
                .filter(|l| l.split('\t').next() == Some(m))
                .count(),
            1,
            "{m}"
        );
    }
    assert!(listed.lines().count() > 5000);
}

#[test]
fn a_bad_catalogue_file_is_one_located_error_at_start() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("missing.jsonl");
    let out = topsdk(&["--catalogue", missing.to_str().unwrap(), "list"], &[]);
    assert_eq!(out.status.code(), Some(64));
    assert!(
        text(&out.stderr).contains(&format!("catalogue {}", missing.display())),
        "{}",
        text(&out.stderr)
    );
    let bad = tmp.path().join("bad.jsonl");
    let good = std::fs::read_to_string(sdk_catalogue(tmp.path())).unwrap();
    let first = good.lines().next().unwrap();
    std::fs::write(&bad, format!("{first}\n{{\"method\": 1}}\n")).unwrap();
    let out = topsdk(&["list"], &[("TOPSDK_CATALOGUE", &bad)]);
    assert_eq!(out.status.code(), Some(64));
    let e = text(&out.stderr);
    assert!(
        e.contains(&format!("{}:2: not an API line", bad.display())),
        "{e}"
    );
    assert!(out.stdout.is_empty(), "nothing runs with a bad catalogue");
}
