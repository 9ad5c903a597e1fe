//! Every category directory under spec/ can be selected by a Cargo feature of its name.

#[test]
fn each_spec_category_has_a_feature() {
    let root = env!("CARGO_MANIFEST_DIR");
    let manifest = std::fs::read_to_string(format!("{root}/Cargo.toml")).unwrap();
    let block = manifest
        .split("# BEGIN CATEGORY FEATURES\n")
        .nth(1)
        .and_then(|rest| rest.split("# END CATEGORY FEATURES").next())
        .expect("Cargo.toml has the category feature markers");
    let features: Vec<&str> = block
        .lines()
        .filter_map(|l| l.strip_suffix(" = []"))
        .collect();
    let mut dirs: Vec<String> = std::fs::read_dir(format!("{root}/spec"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    assert_eq!(features, dirs, "run scripts/sync-features");
    for reserved in ["mock", "blocking", "cli", "full", "default"] {
        assert!(
            !dirs.iter().any(|d| d == reserved),
            "a category named `{reserved}` clashes with a crate feature"
        );
    }
}
