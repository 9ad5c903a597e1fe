//! The `topgen` command (see `topgen::cli`).

fn main() -> std::process::ExitCode {
    topgen::cli::run()
}
