//! `generated/` holds the generator's output for review; it must be what the root package's
//! `build.rs` generated and compiled into `topsdk::kongur` (the file itself, from OUT_DIR).

#[test]
fn generated_dir_matches_build_output() {
    let built = include_str!(concat!(env!("OUT_DIR"), "/kongur.rs"));
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("generated/kongur.rs");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == built,
        "generated/kongur.rs is stale (or missing): it differs from what the root build.rs \
         generated into topsdk::kongur.\nRefresh it with:\n    scripts/refresh-generated\nand \
         review the diff."
    );
}
