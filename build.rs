//! The root package's codegen step: the seed category (`spec/kongur/`, the API this project
//! started from, `alibaba.kongur.token.getosstoken`) is generated from its spec by topgen into
//! `OUT_DIR/kongur.rs` and compiled into `topsdk` itself as `topsdk::kongur` (feature `kongur`,
//! on by default), so the runtime alone calls the seed API. `generated/kongur.rs` is the
//! committed review copy of the same output (a test keeps the two equal). Every other category
//! is a package of its own (`apis/<category>`), whose `build.rs` does the same for its specs.
//! (The three APIs `topsdk::security` calls are topgen's output committed in
//! `src/security/bindings.rs`: that feature needs no generator at build time.)

fn main() {
    #[cfg(feature = "kongur")]
    topgen::Builder::new()
        .spec_dir("spec/kongur")
        .narrow_by_env("TOPSDK_APIS")
        .build("kongur.rs");
}
