//! Every doc comment the generator writes for the whole catalogue (spec/, every category)
//! rendered by rustdoc with warnings denied: broken links, HTML tags, bare URLs and
//! indented blocks in TOP's descriptions would each fail here.
//!
//! Compiling the bindings of all 4,400+ APIs for `cargo doc` would take a machine with many
//! gigabytes for many minutes; what rustdoc checks is the Markdown, so the doc comments are
//! taken from the generated source as written (every `///` block of every category) and put
//! on the fields of small structs, in crates rustdoc renders in seconds. Clippy's doc lints
//! (what `cargo clippy -D warnings` says about a category package's docs, e.g. text running
//! into a list item) run over the same crates.

use std::path::Path;
use std::process::Command;

/// A check of the whole catalogue (90 s): run by `scripts/check-docs` in CI, not by every
/// `cargo test` (`cargo test -p topgen --test rustdoc -- --ignored` runs it by hand).
#[test]
#[ignore = "the whole catalogue: scripts/check-docs (CI) runs it"]
fn the_whole_catalogue_documents_without_a_rustdoc_warning() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let mut categories: Vec<_> = std::fs::read_dir(&spec)
        .expect("spec/ beside the generator")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    categories.sort();
    assert!(
        categories.len() > 250,
        "spec/ has {} categories",
        categories.len()
    );

    // Doc blocks, each with the category it came from.
    let mut blocks: Vec<String> = Vec::new();
    let mut apis = 0usize;
    for dir in &categories {
        let code = topgen::test_util::generate_paths(
            std::slice::from_ref(dir),
            &topgen::Options::default(),
        )
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        apis += code.matches("\n    pub struct Request ").count();
        let mut block = String::new();
        for line in code.lines().map(str::trim_start) {
            if let Some(doc) = line.strip_prefix("///") {
                block.push_str("    ///");
                block.push_str(doc);
                block.push('\n');
            } else if !block.is_empty() {
                blocks.push(std::mem::take(&mut block));
            }
        }
    }
    assert!(apis > 4000, "{apis} APIs");
    assert!(blocks.len() > 50_000, "{} doc blocks", blocks.len());

    // rustdoc's time grows faster than the crate: several crates of ~1 MB, two at a time.
    let dir = tempfile::tempdir().unwrap();
    let mut crates: Vec<String> = vec![String::new()];
    for (i, b) in blocks.iter().enumerate() {
        let krate = crates.last_mut().unwrap();
        if i % 40 == 0 {
            krate.push_str(&format!("}}\npub struct S{i} {{\n"));
        }
        krate.push_str(b);
        krate.push_str(&format!("    pub doc{i}: (),\n"));
        if krate.len() > 1_000_000 && i % 40 == 39 {
            crates.push(String::new());
        }
    }
    let sources: Vec<std::path::PathBuf> = crates
        .iter()
        .enumerate()
        .map(|(n, body)| {
            // Each crate opens with a struct the first block's `}` closes.
            let text = format!(
                "//! Doc comments of the generated catalogue.\npub struct Start {{\n{body}}}\n"
            );
            let path = dir.path().join(format!("docs{n}.rs"));
            std::fs::write(&path, text).unwrap();
            path
        })
        .collect();
    let failures: Vec<String> = std::thread::scope(|s| {
        let workers: Vec<_> = sources
            .chunks(sources.len().div_ceil(2))
            .map(|part| {
                let out_dir = dir.path().join("doc");
                s.spawn(move || {
                    part.iter()
                        .flat_map(|src| [rustdoc(src, &out_dir).err(), clippy(src, &out_dir).err()])
                        .flatten()
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    assert!(
        failures.is_empty(),
        "rustdoc or clippy over the doc blocks of {apis} APIs warned:\n{}",
        failures.join("\n").chars().take(8000).collect::<String>()
    );
    eprintln!(
        "{} doc blocks of {apis} APIs in {} categories, {} crates: no rustdoc or clippy warning",
        blocks.len(),
        categories.len(),
        sources.len()
    );
}

/// The harness fails on what the converter exists to fix: TOP's raw text, unconverted.
#[test]
fn raw_top_descriptions_would_fail_this_check() {
    let dir = tempfile::tempdir().unwrap();
    for raw in [
        "List<String>",
        "<font color=red>注意",
        "可选值: <li>A<li>B",
        "见 http://open.taobao.com/doc",
        "值[WAIT_BUYER_PAY]",
    ] {
        let src = dir.path().join("raw.rs");
        std::fs::write(&src, format!("/// {raw}\npub struct S;\n")).unwrap();
        assert!(rustdoc(&src, &dir.path().join("doc")).is_err(), "{raw}");
        assert!(clippy(&src, &dir.path().join("doc")).is_ok(), "{raw}");
        let converted = topsdk_schema::doc::to_markdown(raw);
        let doc: String = converted.lines().map(|l| format!("/// {l}\n")).collect();
        std::fs::write(&src, format!("{doc}pub struct S;\n")).unwrap();
        rustdoc(&src, &dir.path().join("doc")).unwrap();
        clippy(&src, &dir.path().join("doc")).unwrap();
    }
    // And clippy's pass fails on a line that runs into a list item.
    let src = dir.path().join("lazy.rs");
    std::fs::write(
        &src,
        "pub struct S {\n    /// - a\n    /// b\n    pub f: (),\n}\n",
    )
    .unwrap();
    assert!(clippy(&src, &dir.path().join("doc")).is_err());
}

/// Clippy's lints (its doc lints are what concern these crates), warnings denied.
fn clippy(src: &Path, out: &Path) -> Result<(), String> {
    let name = src.file_stem().unwrap().to_string_lossy().into_owned();
    let result = Command::new("clippy-driver")
        .args([
            "--edition",
            "2021",
            "--crate-type",
            "lib",
            "--crate-name",
            &name,
        ])
        .args([
            "--emit",
            "metadata",
            "-A",
            "non_camel_case_types",
            "-D",
            "warnings",
        ])
        .arg("--out-dir")
        .arg(out)
        .arg(src)
        .output()
        .map_err(|e| format!("clippy-driver (rustup component add clippy): {e}"))?;
    if result.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&result.stderr).into_owned())
    }
}

fn rustdoc(src: &Path, out: &Path) -> Result<(), String> {
    let name = src.file_stem().unwrap().to_string_lossy().into_owned();
    let mut cmd = Command::new(std::env::var("RUSTDOC").unwrap_or_else(|_| "rustdoc".into()));
    cmd.args([
        "--edition",
        "2021",
        "--crate-type",
        "lib",
        "--crate-name",
        &name,
    ])
    .args(["-A", "non_camel_case_types", "-D", "warnings", "-o"])
    .arg(out)
    .arg(src);
    run(cmd, "rustdoc")
}

/// Runs the tool; its stderr is the error when it fails.
fn run(mut cmd: Command, tool: &str) -> Result<(), String> {
    let result = cmd.output().map_err(|e| format!("{tool}: {e}"))?;
    if result.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&result.stderr).into_owned())
    }
}
