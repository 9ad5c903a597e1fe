// Generates the topic types from the topic specs in spec/ (spec/topics of the repository).
fn main() {
    topgen::build_topics("spec", "topics.rs");
}
