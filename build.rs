//! Generates the bindings for `spec/` into `OUT_DIR/top_apis.rs` (see topgen::Builder).

fn main() {
    topgen::Builder::new().spec_dir("spec").build("top_apis.rs");
}
