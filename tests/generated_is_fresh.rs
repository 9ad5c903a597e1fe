//! `generated/` holds the generator's output for review; it must match what build.rs compiles.

#[test]
fn generated_dir_matches_build_output() {
    let built = include_str!(concat!(env!("OUT_DIR"), "/apis.rs"));
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/generated/apis.rs");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == built,
        "generated/apis.rs is stale (or missing): it differs from what build.rs generated.\n\
         Refresh it with:\n    scripts/refresh-generated\n\
         and review the diff."
    );
}
