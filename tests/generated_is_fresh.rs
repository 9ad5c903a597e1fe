//! `generated/` holds the generator's output for review; it must be what the root package's
//! `build.rs` generated and compiled into `topsdk::kongur` and `topsdk::security::api` (the
//! files themselves, from OUT_DIR).

fn same_as_committed(file: &str, built: &str, module: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("generated")
        .join(file);
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == built,
        "generated/{file} is stale (or missing): it differs from what the root build.rs \
         generated into {module}.\nRefresh it with:\n    scripts/refresh-generated\nand \
         review the diff."
    );
}

#[test]
fn generated_dir_matches_build_output() {
    let built = include_str!(concat!(env!("OUT_DIR"), "/kongur.rs"));
    same_as_committed("kongur.rs", built, "topsdk::kongur");
}

/// The bindings of the APIs `topsdk::security` calls (feature `security`).
#[test]
fn generated_security_matches_build_output() {
    let built = include_str!(concat!(env!("OUT_DIR"), "/security.rs"));
    same_as_committed("security.rs", built, "topsdk::security::api");
}
