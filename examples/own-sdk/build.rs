//! `sdk/` is the unpacked Java SDK download of the TOP console (the zip works as well):
//! every API in it gets typed bindings, including those in no public documentation.
fn main() {
    topgen::Builder::new()
        .import_sdk("sdk")
        .build("sdk_apis.rs");
}
