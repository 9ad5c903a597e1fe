//! What a crate that depends on topsdk compiles: `cargo tree` of a fresh crate (outside this
//! workspace) with one category package (`topsdk-legalcase = { path = .. }`, the form of
//! `features = [<one category>]` now that categories are packages), with one outside the
//! workspace, and with the runtime's defaults. Neither may pull in a CLI (clap), a server
//! (hyper's `server`, multer) or serde_json's `preserve_order`. The CLI itself compiles no
//! bindings at all (no topgen): everything goes through its catalogue.

use std::process::Command;

fn tree_of(dependency: &str, edges: &str) -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/lib.rs"), "").unwrap();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        format!(
            "[package]\nname = \"user\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n\
             [dependencies]\n{dependency}\n\n[workspace]\n"
        )
        .replace("ROOT", &root.replace('\\', "/")),
    )
    .unwrap();
    // The workspace's lock, so the same versions resolve without the network.
    std::fs::copy(format!("{root}/Cargo.lock"), dir.path().join("Cargo.lock")).unwrap();
    cargo_tree(dir.path(), &["-e", edges])
}

/// `cargo tree` with features, without the network.
fn cargo_tree(dir: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO"))
        .args(["tree", "--offline", "-e", "features"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `dependency` in a fresh crate: nothing heavy is built (normal and build dependencies),
/// and serde_json's map order is the user's own (normal ones: the generator, a build
/// dependency, has its own serde_json, which Cargo keeps apart).
fn assert_lean(dependency: &str, what: &str, needed: &[&str]) -> String {
    let tree = tree_of(dependency, "normal,build");
    for heavy in [
        "clap v",
        "multer v",
        "hyper feature \"server\"",
        "topsdk feature \"mock\"",
    ] {
        assert!(!tree.contains(heavy), "{what} pulls in {heavy}:\n{tree}");
    }
    let normal = tree_of(dependency, "normal");
    assert!(
        !normal.contains("serde_json feature \"preserve_order\""),
        "{what} switches on serde_json/preserve_order:\n{normal}"
    );
    // And it is the real thing: the runtime (and the generator, for bindings) are there.
    for needed in ["topsdk v", "reqwest v"].iter().chain(needed) {
        assert!(tree.contains(needed), "{what}: no {needed} in\n{tree}");
    }
    tree
}

#[test]
fn a_dependency_on_one_category_compiles_no_cli_and_no_server() {
    let tree = assert_lean(
        r#"topsdk-legalcase = { path = "ROOT/apis/legalcase" }"#,
        "topsdk-legalcase",
        &["topsdk-legalcase v", "topgen v"],
    );
    // Not even the blocking client: the bindings leave the runtime's features to the user.
    assert!(!tree.contains("topsdk feature \"default\""), "{tree}");
}

#[test]
fn a_category_outside_the_workspace_is_a_package_like_the_others() {
    assert_lean(
        r#"topsdk-wdk = { path = "ROOT/apis/wdk" }"#,
        "topsdk-wdk",
        &["topsdk-wdk v", "topgen v"],
    );
}

#[test]
fn the_default_dependency_compiles_no_cli_and_no_server() {
    // The defaults generate the seed category (`topsdk::kongur`) at build time.
    assert_lean(
        r#"topsdk = { path = "ROOT" }"#,
        "the defaults",
        &[
            "topsdk feature \"default\"",
            "topsdk feature \"kongur\"",
            "topgen v",
        ],
    );
    // Without them the runtime generates nothing.
    let tree = assert_lean(
        r#"topsdk = { path = "ROOT", default-features = false }"#,
        "the runtime alone",
        &[],
    );
    assert!(!tree.contains("topgen v"), "generates nothing:\n{tree}");
}

#[test]
fn the_cli_package_is_where_the_cli_comes_from() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let tree = cargo_tree(root, &["-p", "topsdk-cli", "-e", "normal,build"]);
    for heavy in ["clap v", "hyper feature \"server\""] {
        assert!(tree.contains(heavy), "the CLI should have {heavy}:\n{tree}");
    }
    // Every API and topic by its schema: no category's bindings, no typed topics compiled.
    for typed in ["topsdk-topics v", "topsdk feature \"kongur\""] {
        assert!(!tree.contains(typed), "the CLI compiles {typed}:\n{tree}");
    }
    // The generator runs for the three APIs of `topsdk security` only (its key fetch and the
    // OAID calls; ~5 s of the first build, BENCHMARKS.md).
    if tree.contains("topgen v") {
        let why = cargo_tree(
            root,
            &["-p", "topsdk-cli", "-e", "normal,build", "-i", "topgen"],
        );
        assert!(why.contains("topsdk feature \"security\""), "{why}");
    }
}
