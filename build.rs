//! The root package's codegen step: the seed category (`spec/kongur/`, the API this project
//! started from, `alibaba.kongur.token.getosstoken`) is generated from its spec by topgen into
//! `OUT_DIR/kongur.rs` and compiled into `topsdk` itself as `topsdk::kongur` (feature `kongur`,
//! on by default), so the runtime alone calls the seed API. `generated/kongur.rs` is the
//! committed review copy of the same output (a test keeps the two equal). Every other category
//! is a package of its own (`apis/<category>`), whose `build.rs` does the same for its specs.
//!
//! With feature `security`, the three APIs `topsdk::security` calls (the key fetch and the
//! OAID pair; their specs stay in their categories' folders) are generated the same way into
//! `OUT_DIR/security.rs` (`topsdk::security::api`, review copy `generated/security.rs`).

fn main() {
    #[cfg(feature = "kongur")]
    topgen::Builder::new()
        .spec_dir("spec/kongur")
        .narrow_by_env("TOPSDK_APIS")
        .build("kongur.rs");
    #[cfg(feature = "security")]
    topgen::Builder::new()
        .spec_dir("spec/util/taobao.top.secret.get.yaml")
        .spec_dir("spec/tbtrade/taobao.top.oaid.merge.yaml")
        .spec_dir("spec/tbtrade/taobao.top.oaid.decrypt.yaml")
        .build("security.rs");
}
