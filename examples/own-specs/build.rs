fn main() {
    topgen::Builder::new().spec_dir("spec").build("own_apis.rs");
}
