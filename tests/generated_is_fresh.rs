//! `generated/` holds the generator's output for review; it must match what the seed's category
//! package (`apis/kongur`, whose build.rs runs this same builder) compiles.

#[test]
fn generated_dir_matches_build_output() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let built = topgen::Builder::new()
        .spec_dir(root.join("apis/kongur/spec"))
        .generate_string()
        .expect("the seed's specs generate");
    let path = root.join("generated/kongur.rs");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == built,
        "generated/kongur.rs is stale (or missing): it differs from what apis/kongur's build.rs \
         generates.\nRefresh it with:\n    scripts/refresh-generated\nand review the diff."
    );
    // The package's build script is the builder this test runs.
    let build = std::fs::read_to_string(root.join("apis/kongur/build.rs")).unwrap();
    assert!(build.contains(".spec_dir(\"spec\")"), "{build}");
}
