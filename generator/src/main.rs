//! `topgen` command line: `generate`, `check`.

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage:
  topgen generate SPEC_PATH... --out FILE   generate Rust bindings (a path may be a directory)
  topgen check SPEC_PATH...                 validate specs; one located error per line";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("{msg}\n{USAGE}");
            ExitCode::from(64)
        }
    }
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    let Some((cmd, rest)) = args.split_first() else {
        return Err("missing command".into());
    };
    let mut paths = Vec::new();
    let mut out: Option<PathBuf> = None;
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--out" | "-o" => {
                out = Some(it.next().ok_or("--out needs a file")?.into());
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            s if s.starts_with('-') => return Err(format!("unknown option `{s}`")),
            s => paths.push(PathBuf::from(s)),
        }
    }
    if paths.is_empty() {
        return Err("no spec paths given".into());
    }
    let files = match topgen::spec_files(&paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let specs = match topgen::load_and_validate(&files) {
        Ok(s) => s,
        Err(errors) => {
            eprintln!("{errors}");
            return Ok(ExitCode::FAILURE);
        }
    };
    match cmd.as_str() {
        "check" => {
            eprintln!("{} spec(s) OK", specs.len());
            Ok(ExitCode::SUCCESS)
        }
        "generate" => {
            let out = out.ok_or("generate needs --out FILE")?;
            let code = topgen::codegen::generate(&specs, &topgen::Options::default());
            if let Err(e) = std::fs::write(&out, code) {
                eprintln!("{}: {e}", out.display());
                return Ok(ExitCode::FAILURE);
            }
            eprintln!("{} spec(s) -> {}", specs.len(), out.display());
            Ok(ExitCode::SUCCESS)
        }
        other => Err(format!("unknown command `{other}`")),
    }
}
